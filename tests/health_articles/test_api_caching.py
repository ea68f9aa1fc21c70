"""ETags and Cache-Control on the public API, derived from the content version."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from wagtail.images.tests.utils import get_test_image_file
from wagtail_factories import ImageFactory

from tests.factories import HealthArticlePageFactory, PersonFactory

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*"


def detail_url(page):
    return f"/api/v2/pages/{page.pk}/"


def etag_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"]


@pytest.mark.parametrize("url", ["detail", "listing"])
def test_answers_carry_an_etag_and_public_cache_control(client, article, url):
    response = client.get(detail_url(article) if url == "detail" else LISTING)

    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=60", "s-maxage=300"}
    assert "Cookie" not in response.get("Vary", "")


def test_matching_etag_gets_304_without_touching_the_content(
    client, article, django_assert_max_num_queries
):
    url = detail_url(article)
    etag = etag_of(client, url)

    with django_assert_max_num_queries(1):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "public" in response["Cache-Control"]


def test_other_etag_gets_the_full_answer(client, article):
    response = client.get(detail_url(article), HTTP_IF_NONE_MATCH='"something-old"')

    assert response.status_code == 200
    assert response.json()["title"] == article.title


def test_etag_differs_between_addresses(client, article):
    assert etag_of(client, detail_url(article)) != etag_of(client, LISTING)


def test_publishing_a_change_changes_the_etag(client, article):
    url = detail_url(article)
    before = etag_of(client, url)
    assert etag_of(client, url) == before

    article.title = "A new title"
    article.save_revision().publish()

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["title"] == "A new title"
    assert response["ETag"] != before


def test_saving_a_draft_revalidates_but_shows_only_live_content(client, article):
    url = detail_url(article)
    before = etag_of(client, url)

    article.title = "Draft title"
    article.save_revision()

    # Any page save bumps the version (cheaper than working out what is public);
    # the fresh answer is still the live one.
    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["title"] != "Draft title"


def test_renaming_the_reviewer_changes_the_etag(client, article):
    url = detail_url(article)
    before = etag_of(client, url)

    reviewer = article.reviewer_people[0]
    reviewer.name = "Dr Renamed Reviewer"
    reviewer.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["reviewers"][0]["name"] == "Dr Renamed Reviewer"


def test_changing_an_images_alt_text_changes_the_etag(client, article_index):
    image = ImageFactory(
        file=get_test_image_file(size=(64, 48)), description="Old description"
    )
    article = HealthArticlePageFactory(parent=article_index, hero_image=image)
    url = detail_url(article)
    before = etag_of(client, url)
    assert client.get(url).json()["hero_image"]["alt"] == "Old description"

    image.description = "Magnesium tablets on a white table"
    image.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["hero_image"]["alt"] == "Magnesium tablets on a white table"


def test_changing_the_site_disclaimer_changes_the_etag(client, article):
    from wagtail.models import Site

    from cms.models import OrganisationSettings

    url = detail_url(article)
    before = etag_of(client, url)
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.default_disclaimer = "<p>Ask your pharmacist.</p>"
    organisation.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["disclaimer"] == "<p>Ask your pharmacist.</p>"


def test_unpublishing_changes_the_listing_etag(client, article):
    before = etag_of(client, LISTING)

    article.unpublish()

    response = client.get(LISTING, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_new_person_unrelated_to_content_still_invalidates(client, article):
    # The version is global: any change to a person may change some answer.
    before = etag_of(client, detail_url(article))
    PersonFactory()
    assert etag_of(client, detail_url(article)) != before


def test_etag_changes_at_midnight(client, article):
    # The review status is computed from today's date.
    url = detail_url(article)
    with time_machine.travel(timezone.now(), tick=False):
        today = etag_of(client, url)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        tomorrow = etag_of(client, url)
    assert today != tomorrow


@pytest.mark.parametrize("url", ["/api/v2/pages/?limit=nope", "/api/v2/pages/999999/"])
def test_errors_are_not_cached_publicly(client, db, url):
    response = client.get(url)

    assert response.status_code in (400, 404)
    assert "ETag" not in response
    assert "public" not in response.get("Cache-Control", "")


def test_moving_an_article_changes_its_etag(client, article, home_page):
    from tests.factories import HealthArticleIndexPageFactory

    other_index = HealthArticleIndexPageFactory(parent=home_page, slug="guides")
    url = detail_url(article)
    before = etag_of(client, url)

    article.move(other_index, pos="last-child")

    response = client.get(url, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["meta"]["html_url"] == (
        f"http://localhost/guides/{article.slug}/"
    )


def test_deleting_an_article_changes_the_listing_etag(client, article):
    before = etag_of(client, LISTING)

    article.delete()

    response = client.get(LISTING, HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 0


def test_renaming_a_topic_changes_the_etag(client, article_index):
    from tests.factories import TopicFactory

    topic = TopicFactory(name="Akathisia")
    article = HealthArticlePageFactory(parent=article_index, topics=[topic])
    before = etag_of(client, detail_url(article))

    topic.name = "Akathisia (restlessness)"
    topic.save()

    response = client.get(detail_url(article), HTTP_IF_NONE_MATCH=before)
    assert response.json()["topics"][0]["name"] == "Akathisia (restlessness)"


def test_expiry_time_passing_changes_the_etag_before_the_scheduler_runs(
    client, article
):
    type(article).objects.filter(pk=article.pk).update(
        expire_at=timezone.now() + timedelta(minutes=1)
    )
    with time_machine.travel(timezone.now(), tick=False):
        before = etag_of(client, LISTING)

    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        response = client.get(LISTING, HTTP_IF_NONE_MATCH=before)

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_making_a_collection_private_changes_the_documents_etag(client, article_index):
    from wagtail.models import Collection, CollectionViewRestriction
    from wagtail_factories import DocumentFactory

    from tests.factories import article_body

    document = DocumentFactory()
    HealthArticlePageFactory(
        parent=article_index,
        body=article_body(
            sections=1,
            paragraph_html=f'<p><a linktype="document" id="{document.pk}">x</a></p>',
        ),
    )
    before = etag_of(client, "/api/v2/documents/")

    CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password="s3cret",
    )

    response = client.get("/api/v2/documents/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v2/pages/999999/", "/api/v2/pages/?order=nonsense", "/api/v2/pages/"]
)
def test_wildcard_if_none_match_never_hides_the_answer(client, article, url):
    response = client.get(url, HTTP_IF_NONE_MATCH="*")

    assert response.status_code != 304
