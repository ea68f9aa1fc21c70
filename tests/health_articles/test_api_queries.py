"""The API runs the same number of queries however much an answer holds: more
articles, sections, FAQ items, people, topics or images, every answer linking to
another page and a document."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import DocumentFactory, ImageFactory

from health_articles import stream_data
from tests.factories import (
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
    rich_section,
)

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&limit=50&fields="

# The same on SQLite and PostgreSQL: the content version, private sections (read
# once per answer), the site, the count, the pages, their people and topics; then,
# once each for the whole answer, the images with their renditions, the linked
# pages and documents (and in the detail, the site's settings for the default
# disclaimer).
LISTING_BUDGET = 12
DETAIL_BUDGET = 15


def image():
    return ImageFactory(file=get_test_image_file(size=(120, 80)))


def linking_html(target, document):
    return (
        f'<p>See <a linktype="page" id="{target.pk}">this</a> and '
        f'<a linktype="document" id="{document.pk}">the leaflet</a>.</p>'
    )


def make_article(index, size):
    """An article with ``size`` of everything: sections (each with an image),
    FAQ answers (each linking to another article and a document), people, topics."""
    target = HealthArticlePageFactory(parent=index)
    document = DocumentFactory()
    body = [rich_section(image()) for _ in range(size)]
    body.append(
        stream_data.faq(
            [(f"Question {n}?", linking_html(target, document)) for n in range(size)]
        )
    )
    body[0]["value"]["content"][0]["value"] = linking_html(target, document)
    return HealthArticlePageFactory(
        parent=index,
        hero_image=image(),
        hero_image_alt="A hero image",
        body=body,
        authors=PersonFactory.create_batch(size),
        reviewers=PersonFactory.create_batch(size),
        topics=TopicFactory.create_batch(size),
    )


@pytest.fixture(autouse=True)
def serialised_every_time(settings):
    # What serialising costs: listing items are not taken from the item cache
    # (tests/health_articles/test_api_item_cache.py covers that).
    settings.API_ITEM_CACHE_SECONDS = 0


def queries_for(client, url):
    client.get(url)  # renditions are made on the first request
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def default_disclaimer_with_a_link(article_index):
    from wagtail.models import Site

    from cms.models import OrganisationSettings

    target = HealthArticlePageFactory(parent=article_index)
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.default_disclaimer = (
        f'<p>Read <a linktype="page" id="{target.pk}">our policy</a>.</p>'
    )
    organisation.save()


@pytest.mark.parametrize("fields", ["*", "*,body", "*,body,disclaimer"])
def test_listing_queries_do_not_grow(
    client, article_index, default_disclaimer_with_a_link, fields
):
    for _ in range(2):
        make_article(article_index, size=1)
    few = queries_for(client, LISTING + fields)

    for _ in range(8):
        make_article(article_index, size=4)
    many = queries_for(client, LISTING + fields)

    assert few == many
    # The site's default disclaimer: its settings row and its own links, once.
    assert many <= LISTING_BUDGET + (3 if "disclaimer" in fields else 0)


def test_detail_queries_do_not_grow(client, article_index):
    small = make_article(article_index, size=1)
    large = make_article(article_index, size=6)

    counts = [
        queries_for(client, f"/api/v2/pages/{page.pk}/") for page in (small, large)
    ]

    assert counts[0] == counts[1]
    assert counts[1] <= DETAIL_BUDGET


def test_listing_with_bodies_has_absolute_links_and_every_image(client, article_index):
    make_article(article_index, size=2)

    items = client.get(LISTING + "*,body").json()["items"]

    article = next(item for item in items if item["hero_image"])
    answers = [
        entry["answer_html"]
        for block in article["body"]
        if block["type"] == "faq"
        for entry in block["value"]["items"]
    ]
    assert len(answers) == 2
    for answer in answers:
        assert 'href="http://localhost/articles/' in answer
        assert 'href="http://127.0.0.1:8000/documents/' in answer
        assert 'href="/' not in answer
    images = [
        block["value"]["image"]
        for section in article["body"]
        if section["type"] == "section"
        for block in section["value"]["content"]
        if block["type"] == "image"
    ]
    assert len(images) == 2
    assert all(image["alt"] == "Tablets" for image in images)
    assert all(
        image["renditions"]["small"]["url"].startswith("http") for image in images
    )
