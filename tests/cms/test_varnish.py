"""The shipped VCL (deploy/varnish/default.vcl) in a real Varnish, in front of a
live server: public pages are kept, staff and comment tokens pass through, and a
publish purges the article once it commits."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

VCL = Path(__file__).resolve().parents[2] / "deploy" / "varnish" / "default.vcl"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings, monkeypatch):
    if shutil.which("varnishd") is None:
        reason = "Varnish is not installed (apt-get install -y varnish)"
        # CI installs it: there, as with the browser tests, missing is a failure.
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    for name in ["no_proxy", "NO_PROXY"]:
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    backend_port = live_server.url.rsplit(":", 1)[1]
    # Varnish's compiler runs as its own user: pytest's tmp_path is private.
    workdir = Path(tempfile.mkdtemp(prefix="varnish-test-"))
    workdir.chmod(0o755)
    vcl = workdir / "test.vcl"
    vcl.write_text(
        re.sub(r'\.port = "\d+"', f'.port = "{backend_port}"', VCL.read_text())
    )
    vcl.chmod(0o644)
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed arguments
        [  # noqa: S607 - varnishd from PATH, as installed by apt
            "varnishd",
            "-F",
            "-n",
            str(workdir / "varnish"),
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-s",
            "malloc,32m",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stderr.read().decode())
            time.sleep(0.1)
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {"BACKEND": "cms.frontend_cache.VarnishBackend", "LOCATION": url}
    }
    yield url
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def fetch(base, path, **headers):
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL
        base + path, headers={"Host": "localhost", **headers}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.headers["X-Cache"], response.read().decode()


def test_public_page_is_kept_and_purged_on_publish(varnish, article):
    assert fetch(varnish, article.url)[0] == "MISS"
    assert fetch(varnish, article.url)[0] == "HIT"

    article.title = "Magnesium, revised"
    article.save_revision().publish()

    cache_state, html = fetch(varnish, article.url)
    assert cache_state == "MISS"
    assert "Magnesium, revised" in html


def test_listing_with_a_query_string_is_purged_too(varnish, article):
    listing = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=title"
    fetch(varnish, listing)
    assert fetch(varnish, listing)[0] == "HIT"

    article.title = "Zinc, revised"
    article.save_revision().publish()

    cache_state, body = fetch(varnish, listing)
    assert cache_state == "MISS" and "Zinc, revised" in body


def test_staff_with_a_session_always_reach_the_app(varnish, article):
    fetch(varnish, article.url)
    cookie = {"Cookie": "sessionid=abc"}

    assert fetch(varnish, article.url, **cookie)[0] == "MISS"
    assert fetch(varnish, article.url, **cookie)[0] == "MISS"


def test_comment_token_is_never_kept(varnish, article):
    url = f"/comments/{article.pk}/token/"
    fetch(varnish, url)

    assert fetch(varnish, url)[0] == "MISS"
