"""A real HTTP round trip, on a database that live_server empties afterwards."""

import urllib.request

from django.core.management import call_command


def test_demo_article_over_http(live_server, home_page):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    url = f"{live_server.url}/articles/magnesium-for-akathisia/"

    with urllib.request.urlopen(url) as response:  # noqa: S310
        html = response.read().decode()

    assert response.status == 200
    assert "Can magnesium completely cure akathisia?" in html
