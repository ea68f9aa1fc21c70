"""An article past its expiry time disappears from the site at once, before the
scheduler gets round to unpublishing it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import HealthArticlePageFactory


@pytest.fixture
def expired(article_index):
    page = HealthArticlePageFactory(
        parent=article_index, title="Expired magnesium advice", slug="expired-advice"
    )
    type(page).objects.filter(pk=page.pk).update(
        expire_at=timezone.now() - timedelta(minutes=1)
    )
    page.refresh_from_db()
    return page


def test_its_page_is_not_found(client, expired):
    assert client.get(expired.url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/articles/",
        "/search/?q=magnesium",
        "/feeds/articles.rss",
        "/feeds/articles.atom",
        "/sitemap.xml",
    ],
)
def test_it_is_listed_nowhere(client, article, expired, url):
    response = client.get(url)

    assert response.status_code == 200
    text = response.content.decode()
    assert "expired-advice" not in text
    assert "Expired magnesium advice" not in text


def test_before_its_time_it_is_there(client, article_index):
    page = HealthArticlePageFactory(parent=article_index, slug="still-current")
    type(page).objects.filter(pk=page.pk).update(
        expire_at=timezone.now() + timedelta(hours=1)
    )

    assert client.get(page.url).status_code == 200
    assert "still-current" in client.get("/articles/").content.decode()
    assert "still-current" in client.get("/sitemap.xml").content.decode()
