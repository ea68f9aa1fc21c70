"""Static files in production: hashed names, compressed copies and far-future cache
headers, served by WhiteNoise (config/settings.py)."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

FAR_FUTURE = "max-age=315360000, public, immutable"


@pytest.fixture
def collected(settings, tmp_path):
    # As production runs: collectstatic into STATIC_ROOT, served from there.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    settings.STATIC_ROOT = tmp_path / "static"
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", "--no-input", verbosity=0)
    return WhiteNoiseMiddleware(lambda request: HttpResponse(status=404))


def fetch(middleware, url, **headers):
    return middleware(RequestFactory().get(url, **headers))


def test_stylesheet_has_a_hashed_name_and_far_future_headers(collected):
    url = staticfiles_storage.url("cms/css/site.css")

    response = fetch(collected, url)

    assert url != "/static/cms/css/site.css"
    assert response.status_code == 200
    assert response["Cache-Control"] == FAR_FUTURE


def test_compressed_copy_is_served_to_browsers_that_take_it(collected):
    url = staticfiles_storage.url("cms/js/site.js")

    response = fetch(collected, url, HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]


def test_unhashed_name_is_kept_only_briefly(collected):
    response = fetch(collected, "/static/cms/css/site.css")

    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
