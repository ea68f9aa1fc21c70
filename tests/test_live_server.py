"""Real HTTP round trips, on databases that transactional tests empty."""

import urllib.request

from django.core.management import call_command
from wagtail.models import Collection, Page, Site

from tests.conftest import build_site_tree


def test_demo_article_over_http(live_server, home_page):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    url = f"{live_server.url}/articles/magnesium-for-akathisia/"

    with urllib.request.urlopen(url) as response:  # noqa: S310
        html = response.read().decode()

    assert response.status == 200
    assert "Can magnesium completely cure akathisia?" in html


def test_site_tree_is_rebuilt_after_a_flush(transactional_db, client):
    call_command("flush", interactive=False, verbosity=0)
    assert not Page.objects.exists()

    home = build_site_tree()
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Site.objects.get(is_default_site=True).root_page.specific == home
    assert Collection.get_first_root_node() is not None
    assert client.get("/articles/magnesium-for-akathisia/").status_code == 200
