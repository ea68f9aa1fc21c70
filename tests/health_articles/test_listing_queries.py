"""Listing pages and the API listing run the same number of queries with 3
articles or 30, each with a hero image, an image in its body and text linking to
another article and a document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import DocumentFactory, ImageFactory

from health_articles import stream_data
from tests.factories import HealthArticlePageFactory, TopicFactory, rich_section

API_LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields="
URLS = {
    "home": "/",
    "index": "/articles/",
    "topic": "/articles/topics/sleep/",
    "search": "/search/?q=sleep",
    "api listing": API_LISTING + "*",
    "api listing with bodies": API_LISTING + "*,body",
}
MAX_QUERIES = 12


def image():
    return ImageFactory(file=get_test_image_file(size=(120, 80)))


def make_articles(index, topic, count):
    linked = index
    for n in range(count):
        document = DocumentFactory()
        html = (
            f'<p>Read <a linktype="page" id="{linked.pk}">this</a> and '
            f'<a linktype="document" id="{document.pk}">the leaflet</a>.</p>'
        )
        section = rich_section(image())
        section["value"]["content"][0]["value"] = html
        linked = HealthArticlePageFactory(
            parent=index,
            title=f"Sleep article {n}",
            topics=[topic, TopicFactory()],
            hero_image=image(),
            hero_image_alt="A hero image",
            body=[section, stream_data.faq([("Why?", html)])],
        )


def queries_for(client, url):
    client.get(url)  # warm-up: site root paths, renditions
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The API listing again with its items serialised, not taken from the item cache.
CASES = [(page, True) for page in URLS] + [
    (page, False) for page in URLS if page.startswith("api")
]


@pytest.mark.parametrize(
    ("page", "item_cache"),
    CASES,
    ids=[f"{page}{'' if cached else ', items serialised'}" for page, cached in CASES],
)
def test_listing_queries_do_not_grow_with_articles(
    client, article_index, page, item_cache, settings
):
    if not item_cache:
        settings.API_ITEM_CACHE_SECONDS = 0
    topic = TopicFactory(name="Sleep", slug="sleep")
    make_articles(article_index, topic, 3)
    few = queries_for(client, URLS[page])

    make_articles(article_index, topic, 27)
    many = queries_for(client, URLS[page])

    assert few == many
    assert many <= MAX_QUERIES


def test_api_listing_shows_what_its_queries_loaded(client, article_index):
    topic = TopicFactory(name="Sleep", slug="sleep")
    make_articles(article_index, topic, 3)

    items = client.get(URLS["api listing with bodies"]).json()["items"]

    assert len(items) == 3
    for item in items:
        assert [t["slug"] for t in item["topics"]][0] == "sleep"
        assert item["authors"] and item["reviewers"]
        assert item["hero_image"]["renditions"]["small"]["url"].startswith("http")
        section, faq = item["body"]
        paragraph = section["value"]["content"][0]["value"]
        assert 'href="http://localhost/articles/' in paragraph
        assert 'href="http://127.0.0.1:8000/documents/' in paragraph
        assert faq["value"]["items"][0]["answer_html"] == paragraph
