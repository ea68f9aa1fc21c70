"""API listings keep each article's JSON in a fragment cache keyed by its
published revision and the content version: a listing read again is cheap, and
never out of date."""

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from tests.factories import HealthArticlePageFactory

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*"


@pytest.fixture
def articles(article_index):
    return [HealthArticlePageFactory(parent=article_index) for _ in range(5)]


def listing(client, url=LISTING, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.json()["items"]


def queries_for(client, url):
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return [query["sql"] for query in captured]


def test_listing_read_again_skips_loading_the_articles(client, articles):
    cold = queries_for(client, LISTING)
    first = listing(client)
    warm = queries_for(client, LISTING)

    assert listing(client) == first
    # People and topics are not loaded again for articles already in the cache.
    assert any("articleauthor" in sql for sql in cold)
    assert not any("articleauthor" in sql for sql in warm)
    assert len(warm) < len(cold)


def test_a_published_revision_replaces_the_cached_item(client, articles):
    listing(client)
    article = articles[0]

    article.title = "Magnesium, revised"
    article.save_revision().publish()

    titles = [item["title"] for item in listing(client)]
    assert "Magnesium, revised" in titles


def test_an_unpublished_draft_never_reaches_the_cached_item(client, articles):
    listing(client)
    article = articles[0]

    article.title = "Draft title"
    article.save_revision()

    assert "Draft title" not in [item["title"] for item in listing(client)]


def test_a_renamed_author_shows_in_the_cached_listing(client, articles):
    listing(client)
    person = articles[0].authors.first().person

    person.name = "Dr Renamed Author"
    person.save()

    names = [author["name"] for item in listing(client) for author in item["authors"]]
    assert "Dr Renamed Author" in names


def test_each_fields_selection_is_cached_on_its_own(client, articles):
    listing(client)

    titles_only = listing(client, LISTING.replace("fields=*", "fields=title"))

    assert set(titles_only[0]) == {"id", "meta", "title"}


def test_answers_are_compact_json(client, articles):
    response = client.get(LISTING)

    assert b"\n" not in response.content
    assert b'{"meta":{"total_count":5}' in response.content


def test_item_cache_off_serialises_every_time(client, articles, settings):
    settings.API_ITEM_CACHE_SECONDS = 0
    first = listing(client)
    queries = queries_for(client, LISTING)

    assert any("articleauthor" in sql for sql in queries)
    assert listing(client) == first
