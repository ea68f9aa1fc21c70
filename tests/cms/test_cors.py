"""CORS for browser front ends: only the origins the environment lists, only the API."""

import pytest

FRONT_END = "https://front.example"


def get_from(client, url, origin=FRONT_END):
    return client.get(url, HTTP_ORIGIN=origin)


def test_no_origin_is_allowed_by_default(client, article):
    response = get_from(client, "/api/v2/pages/")

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_listed_origin_may_read_the_api(client, article, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = get_from(client, f"/api/v2/pages/{article.pk}/")

    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_other_origins_stay_refused(client, article, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = get_from(client, "/api/v2/pages/", origin="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


def test_preflight_allows_only_reading(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = client.options(
        "/api/v2/pages/",
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert response.status_code == 200
    allowed = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("url", ["/admin/login/", "/articles/"])
def test_pages_outside_the_api_get_no_cors_headers(client, article, settings, url):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = get_from(client, url)

    assert "Access-Control-Allow-Origin" not in response
