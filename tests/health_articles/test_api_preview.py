"""Draft preview for a headless front end: the editor's Preview, then the token."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import article_form_data

FRONT_END = "https://front.example/preview"
PREVIEW_API = "/api/v2/preview/"


@pytest.fixture
def headless(settings):
    settings.HEADLESS_PREVIEW_URL = FRONT_END


def open_preview(admin_client, article, title="Draft title in preview"):
    """What the editor's Preview shows for ``article`` edited to ``title``."""
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    data = article_form_data(
        authors=article.author_people,
        reviewers=article.reviewer_people,
        title=title,
        slug=article.slug,
    )
    posted = admin_client.post(url, data)
    assert posted.json()["is_valid"] is True
    return admin_client.get(url)


def preview_params(response):
    frame = BeautifulSoup(response.content, "html.parser").find("iframe")
    src = urlsplit(frame["src"])
    assert f"{src.scheme}://{src.netloc}{src.path}" == FRONT_END + "/"
    return {name: values[0] for name, values in parse_qs(src.query).items()}


def test_preview_opens_the_front_end_with_a_token(admin_client, article, headless):
    params = preview_params(open_preview(admin_client, article))

    assert params["content_type"] == "health_articles.healtharticlepage"
    assert params["token"]


def test_token_gives_the_draft_json(client, admin_client, article, headless):
    params = preview_params(open_preview(admin_client, article))

    response = client.get(PREVIEW_API, params)

    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Draft title in preview"
    assert data["id"] == article.pk
    assert [block["type"] for block in data["body"]] == ["section", "section", "faq"]
    assert data["authors"][0]["name"] == article.author_people[0].name
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert "ETag" not in response


def test_normal_endpoints_keep_showing_the_live_page(
    client, admin_client, article, headless
):
    open_preview(admin_client, article)

    assert client.get(f"/api/v2/pages/{article.pk}/").json()["title"] == article.title
    admin_client_detail = admin_client.get(f"/api/v2/pages/{article.pk}/").json()
    assert admin_client_detail["title"] == article.title


def test_token_expires_after_an_hour(client, admin_client, article, headless):
    with time_machine.travel(timezone.now(), tick=False):
        params = preview_params(open_preview(admin_client, article))
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        response = client.get(PREVIEW_API, params)

    assert response.status_code == 403
    assert "expired" in response.json()["message"]


def test_token_is_valid_within_the_hour(client, admin_client, article, headless):
    with time_machine.travel(timezone.now(), tick=False):
        params = preview_params(open_preview(admin_client, article))
    with time_machine.travel(timezone.now() + timedelta(minutes=59), tick=False):
        assert client.get(PREVIEW_API, params).status_code == 200


@pytest.mark.parametrize(
    "change, status, message",
    [
        ({"token": None}, 400, "content_type and token are both required"),
        ({"content_type": None}, 400, "content_type and token are both required"),
        ({"token": "id=1:forged:signature"}, 403, "not valid"),
        ({"content_type": "home.homepage"}, 400, "can be previewed"),
        ({"content_type": "nonsense"}, 400, "can be previewed"),
        ({"fields": "*", "debug": "1"}, 400, "debug"),
    ],
)
def test_bad_tokens_and_parameters_are_refused(
    client, admin_client, article, headless, change, status, message
):
    params = preview_params(open_preview(admin_client, article))
    params.update(change)

    response = client.get(
        PREVIEW_API, {name: value for name, value in params.items() if value}
    )

    assert response.status_code == status
    assert message in response.json()["message"]
    assert "Draft title" not in response.content.decode()


def test_a_signed_token_without_a_stored_preview_is_not_found(
    client, article, headless
):
    from health_articles.models import HealthArticlePage

    token = HealthArticlePage.get_preview_signer().sign(f"id={article.pk}")

    response = client.get(
        PREVIEW_API,
        {"content_type": "health_articles.healtharticlepage", "token": token},
    )

    assert response.status_code == 404


def test_without_the_variable_wagtails_own_preview_stays(admin_client, article):
    response = open_preview(admin_client, article)

    html = response.content.decode()
    assert "<iframe" not in html
    assert "Draft title in preview" in html
    assert FRONT_END not in html
