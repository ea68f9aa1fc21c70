"""Listing pages run the same number of queries with 3 articles or 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HealthArticlePageFactory, TopicFactory

MAX_QUERIES = 12
URLS = {
    "home": "/",
    "index": "/articles/",
    "topic": "/articles/topics/sleep/",
    "search": "/search/?q=sleep",
}


def make_articles(index, topic, count):
    for n in range(count):
        HealthArticlePageFactory(
            parent=index, title=f"Sleep article {n}", topics=[topic, TopicFactory()]
        )


def queries_for(client, url):
    client.get(url)  # warm-up: site root paths
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", URLS)
def test_listing_queries_do_not_grow_with_articles(client, article_index, page):
    topic = TopicFactory(name="Sleep", slug="sleep")
    make_articles(article_index, topic, 3)
    few = queries_for(client, URLS[page])

    make_articles(article_index, topic, 27)
    many = queries_for(client, URLS[page])

    assert few == many
    assert many <= MAX_QUERIES
