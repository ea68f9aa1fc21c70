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


def preflight(client, url, method, origin=FRONT_END):
    return client.options(
        url,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD=method,
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )


def allowed_methods(response):
    return {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}


def test_preflight_allows_reading_and_posting_comments_only(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = preflight(client, "/api/v2/pages/", "GET")

    assert response.status_code == 200
    # POST is for /api/v2/comments/; every other endpoint answers it with a 405.
    assert allowed_methods(response) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert client.post("/api/v2/pages/", HTTP_ORIGIN=FRONT_END).status_code == 405


def test_preflight_lets_a_listed_origin_post_a_comment(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = preflight(client, "/api/v2/comments/", "POST")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "POST" in allowed_methods(response)
    assert "content-type" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_preflight_from_another_origin_gets_no_cors_headers(client, db, settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = preflight(client, "/api/v2/comments/", "POST", "https://evil.example")

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Methods" not in response


def test_comment_post_answer_is_readable_by_a_listed_origin_only(
    client, article, settings
):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]
    body = {"article": article.pk}

    listed = client.post(
        "/api/v2/comments/",
        body,
        content_type="application/json",
        HTTP_ORIGIN=FRONT_END,
    )
    other = client.post(
        "/api/v2/comments/",
        body,
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )

    assert listed.status_code == 400  # no token: refused, but readable
    assert listed["Access-Control-Allow-Origin"] == FRONT_END
    assert "Access-Control-Allow-Credentials" not in listed
    assert "Access-Control-Allow-Origin" not in other


@pytest.mark.parametrize("url", ["/admin/login/", "/articles/"])
def test_pages_outside_the_api_get_no_cors_headers(client, article, settings, url):
    settings.CORS_ALLOWED_ORIGINS = [FRONT_END]

    response = get_from(client, url)

    assert "Access-Control-Allow-Origin" not in response
