"""Scheduled and expired articles stay out of every public API answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import HealthArticlePageFactory, TopicFactory, article_body

ARTICLES = {"type": "health_articles.HealthArticlePage", "fields": "*"}


@pytest.fixture
def topic(db):
    return TopicFactory(name="Akathisia", slug="akathisia")


@pytest.fixture
def scheduled(article_index, topic, admin_user):
    """Written and approved, to go live tomorrow."""
    page = HealthArticlePageFactory(
        parent=article_index, title="Scheduled magnesium", live=False, topics=[topic]
    )
    page.go_live_at = timezone.now() + timedelta(days=1)
    page.save_revision(user=admin_user).publish()
    page.refresh_from_db()
    assert not page.live
    return page


@pytest.fixture
def expired(article_index, topic):
    """Live, but past its expiry time, before the scheduler has unpublished it."""
    page = HealthArticlePageFactory(
        parent=article_index, title="Expired magnesium", topics=[topic]
    )
    type(page).objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - timedelta(minutes=5)
    )
    return page


def answers(client, hidden):
    """Every public way to reach ``hidden``, with what it returned."""
    listing = client.get("/api/v2/pages/", ARTICLES).json()["items"]
    searched = client.get("/api/v2/pages/", {**ARTICLES, "search": "magnesium"})
    filtered = client.get("/api/v2/pages/", {**ARTICLES, "topic": "akathisia"})
    return {
        "listing": [item["id"] for item in listing],
        "search": [item["id"] for item in searched.json()["items"]],
        "topic filter": [item["id"] for item in filtered.json()["items"]],
        "detail": client.get(f"/api/v2/pages/{hidden.pk}/").status_code,
        "find": client.get(
            "/api/v2/pages/find/", {"html_path": hidden.url_path[len("/home") :]}
        ).status_code,
        "preview without token": client.get(
            "/api/v2/preview/",
            {"content_type": "health_articles.healtharticlepage"},
        ).status_code,
    }


@pytest.mark.parametrize("which", ["scheduled", "expired"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_hidden_articles_are_absent(
    client, admin_user, article, request, which, logged_in
):
    hidden = request.getfixturevalue(which)
    if logged_in:
        client.force_login(admin_user)

    found = answers(client, hidden)

    assert hidden.pk not in found["listing"]
    assert hidden.pk not in found["search"]
    assert hidden.pk not in found["topic filter"]
    assert found["detail"] == 404
    assert found["find"] == 404
    assert found["preview without token"] == 400


def test_the_expired_article_was_public_before_its_time(client, article_index, topic):
    page = HealthArticlePageFactory(
        parent=article_index, title="Expiring magnesium", topics=[topic]
    )
    type(page).objects.filter(pk=page.pk).update(
        expire_at=timezone.now() + timedelta(hours=1)
    )

    found = answers(client, page)

    assert found["listing"] == found["search"] == found["topic filter"] == [page.pk]
    assert found["detail"] == 200


def test_links_to_an_expired_page_become_plain_text(client, article_index, expired):
    html = f'<p><a linktype="page" id="{expired.pk}">gone</a></p>'
    linking = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=1, paragraph_html=html)
    )

    api = client.get(f"/api/v2/pages/{linking.pk}/").content.decode()
    page = client.get(linking.url).content.decode()

    for text in (api, page):
        assert expired.slug not in text
        assert "<a>gone</a>" in text
