"""The API listing runs the same number of queries with 2 or 12 articles."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import HealthArticlePageFactory, PersonFactory, TopicFactory

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&limit=50&fields="


def make_articles(index, count):
    for _ in range(count):
        HealthArticlePageFactory(
            parent=index,
            authors=PersonFactory.create_batch(2),
            reviewers=PersonFactory.create_batch(2),
            topics=TopicFactory.create_batch(2),
        )


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_listing_queries_do_not_grow_with_articles(client, article_index):
    make_articles(article_index, 2)
    few = {fields: queries_for(client, LISTING + fields) for fields in ["*", "*,body"]}

    make_articles(article_index, 10)
    many = {fields: queries_for(client, LISTING + fields) for fields in ["*", "*,body"]}

    assert few == many
    assert max(many.values()) <= 12
