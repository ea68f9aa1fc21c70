"""Fragments kept in the shared cache under the page's revision and the content
version (cms/fragment_cache.py): the article body, listing counts. They make a
page cheaper to render, and never show anything out of date or unpublished."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext

from health_articles import stream_data
from tests.factories import HealthArticlePageFactory, TopicFactory

# A change reaches the cached version once it commits, so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fragments_on(settings):
    # As in production with Redis: the version is read from the shared cache.
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    settings.FRAGMENT_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_SECONDS = 0  # every request renders the page


def linking_body(target, text="Read about zinc"):
    return [
        stream_data.section(
            "Using magnesium",
            [f'<p><a linktype="page" id="{target.pk}">{text}</a></p>'],
        )
    ]


def link_to(html, text):
    return BeautifulSoup(html, "html.parser").find("a", string=text)


def get_counting_queries(client, url):
    # The log of a transactional test is long and capped: start it afresh.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def test_body_read_again_comes_from_the_fragment_cache(client, article_index, settings):
    target = HealthArticlePageFactory(parent=article_index, slug="zinc")
    article = HealthArticlePageFactory(parent=article_index, body=linking_body(target))
    settings.FRAGMENT_CACHE_SECONDS = 0
    client.get(article.url)  # routing, site and version caches warm up
    rendered, rendering_queries = get_counting_queries(client, article.url)

    settings.FRAGMENT_CACHE_SECONDS = 3600
    client.get(article.url)  # kept
    from_fragment, fragment_queries = get_counting_queries(client, article.url)

    assert from_fragment.content == rendered.content
    link = link_to(from_fragment.content, "Read about zinc")
    assert link["href"] == "/articles/zinc/"
    # The linked page is not looked up again.
    assert fragment_queries < rendering_queries


def test_a_published_revision_shows_its_new_body(client, article_index):
    target = HealthArticlePageFactory(parent=article_index)
    article = HealthArticlePageFactory(parent=article_index, body=linking_body(target))
    client.get(article.url)

    article.body = linking_body(target, text="Read the new advice")
    article.save_revision().publish()

    html = client.get(article.url).content
    assert link_to(html, "Read the new advice") is not None
    assert link_to(html, "Read about zinc") is None


def test_unpublishing_a_linked_page_removes_the_link(client, article_index):
    target = HealthArticlePageFactory(parent=article_index, slug="zinc")
    article = HealthArticlePageFactory(parent=article_index, body=linking_body(target))
    client.get(article.url)

    target.unpublish()

    link = link_to(client.get(article.url).content, "Read about zinc")
    assert not link.has_attr("href")


def test_preview_shows_the_draft_body_not_the_cached_one(client, article_index):
    target = HealthArticlePageFactory(parent=article_index)
    article = HealthArticlePageFactory(parent=article_index, body=linking_body(target))
    client.get(article.url)  # the live body is in the cache

    article.body = linking_body(target, text="Draft wording")
    article.save_revision()
    draft = article.get_latest_revision_as_object()
    preview = draft.make_preview_request()

    assert link_to(preview.content, "Draft wording") is not None
    # And the public page still shows the live wording.
    assert link_to(client.get(article.url).content, "Draft wording") is None


def test_a_new_article_adds_a_page_to_the_kept_count(client, article_index):
    for _ in range(article_index.articles_per_page):
        HealthArticlePageFactory(parent=article_index)
    assert client.get(article_index.url).status_code == 200
    assert client.get(article_index.url + "?page=2").status_code == 404

    new = HealthArticlePageFactory(parent=article_index, live=False)
    new.save_revision().publish()

    assert client.get(article_index.url + "?page=2").status_code == 200


def test_a_new_article_adds_to_the_apis_kept_total_count(client, article_index):
    listing = "/api/v2/pages/?type=health_articles.HealthArticlePage"
    HealthArticlePageFactory(parent=article_index)
    assert client.get(listing).json()["meta"]["total_count"] == 1
    assert client.get(listing + "&limit=1").json()["meta"]["total_count"] == 1

    new = HealthArticlePageFactory(parent=article_index, live=False)
    new.save_revision().publish()

    assert client.get(listing).json()["meta"]["total_count"] == 2


def test_each_filter_keeps_its_own_count(client, article_index):
    listing = "/api/v2/pages/?type=health_articles.HealthArticlePage"
    HealthArticlePageFactory(parent=article_index, topics=[TopicFactory(slug="zinc")])
    HealthArticlePageFactory(parent=article_index)
    assert client.get(listing).json()["meta"]["total_count"] == 2

    filtered = client.get(listing + "&topic=zinc").json()

    assert filtered["meta"]["total_count"] == 1
