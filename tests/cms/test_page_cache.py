"""The page cache: public answers for anonymous visitors come from the cache until
the content changes, and nothing personal or private is ever stored."""

from datetime import timedelta

import pytest
import time_machine
from django.db import reset_queries, transaction
from django.utils import timezone
from wagtail.models import PageViewRestriction, Site

from cms.models import OrganisationSettings
from health_articles.comments.models import ReaderComment
from tests.factories import HealthArticlePageFactory

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*"


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600
    # As with Redis: the content version is read from the cache, and a change
    # writes the new one there once it commits.
    settings.PAGE_CACHE_VERSION_SECONDS = 60


# Purging happens once a change commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def get(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


def is_served_from_cache(client, url, django_assert_num_queries, **headers):
    """Whether ``url`` is answered without touching the database."""
    # The query log of a transactional test is long and capped (a full log
    # counts nothing): start it afresh.
    reset_queries()
    try:
        with django_assert_num_queries(0):
            client.get(url, **headers)
    except pytest.fail.Exception:
        return False
    return True


def publish_title(page, title):
    page.title = title
    page.save_revision().publish()


@pytest.mark.parametrize("url", ["article", "/articles/", "/", LISTING, "detail"])
def test_second_anonymous_visit_is_served_from_the_cache(
    client, article, url, django_assert_num_queries
):
    url = {"article": article.url, "detail": f"/api/v2/pages/{article.pk}/"}.get(
        url, url
    )
    first = get(client, url)

    assert is_served_from_cache(client, url, django_assert_num_queries)
    second = get(client, url)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cached_page_says_shared_caches_may_keep_it(client, article):
    for _ in range(2):
        response = get(client, article.url)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=60", "s-maxage=300"}
        assert "Set-Cookie" not in response


def test_publishing_a_new_title_shows_once_the_change_commits(client, article):
    get(client, article.url)

    publish_title(article, "Magnesium, revised")

    assert b"Magnesium, revised" in get(client, article.url).content
    assert b"Magnesium, revised" in get(client, "/articles/").content
    assert b"Magnesium, revised" in get(client, LISTING).content


def test_a_change_that_rolls_back_leaves_the_cached_page(
    client, article, django_assert_num_queries
):
    original = get(client, article.url).content

    with pytest.raises(RuntimeError), transaction.atomic():
        publish_title(article, "Never published")
        raise RuntimeError("the publish failed half way")

    assert get(client, article.url).content == original
    assert is_served_from_cache(client, article.url, django_assert_num_queries)


def test_unpublished_article_is_gone_at_once(client, article):
    get(client, article.url)

    article.unpublish()

    assert client.get(article.url).status_code == 404
    assert article.title.encode() not in get(client, "/articles/").content


def test_changed_person_shows_on_the_article(client, article):
    get(client, article.url)
    person = article.authors.first().person

    person.name = "Dr Renamed Author"
    person.save()

    assert b"Dr Renamed Author" in get(client, article.url).content


def test_approved_comment_shows_on_the_article(client, article):
    get(client, article.url)

    ReaderComment.objects.create(
        page=article,
        name="Sam",
        email="sam@example.org",
        text="This helped me a lot.",
        status=ReaderComment.Status.APPROVED,
    )

    assert b"This helped me a lot." in get(client, article.url).content


def test_changed_site_setting_shows_on_every_page(client, article):
    get(client, article.url)

    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.default_disclaimer = "Talk to your own doctor first."
    organisation.save()

    assert b"Talk to your own doctor first." in get(client, article.url).content


def test_expired_article_is_not_served_from_the_cache(client, article_index):
    now = timezone.now()
    page = HealthArticlePageFactory(
        parent=article_index, expire_at=now + timedelta(hours=1)
    )
    get(client, page.url)

    with time_machine.travel(now + timedelta(hours=2)):
        assert client.get(page.url).status_code == 404


def test_review_status_follows_the_date_without_any_change(client, article_index):
    page = HealthArticlePageFactory(
        parent=article_index, next_review_due=timezone.localdate() + timedelta(days=1)
    )
    url = f"/api/v2/pages/{page.pk}/"
    assert get(client, url).json()["review_status"] == "due_soon"

    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert get(client, url).json()["review_status"] == "overdue"


def test_logged_in_staff_are_never_served_or_stored(
    client, article, admin_user, django_assert_num_queries
):
    get(client, article.url)  # an anonymous copy in the cache
    client.force_login(admin_user)

    assert not is_served_from_cache(client, article.url, django_assert_num_queries)
    response = get(client, article.url)
    assert "public" not in response.get("Cache-Control", "")

    client.logout()
    client.cookies.clear()
    with transaction.atomic():
        # Anonymous again: the staff member's render was not stored for anyone.
        assert is_served_from_cache(client, article.url, django_assert_num_queries)


def test_password_protected_page_is_never_cached(
    client, article, django_assert_num_queries
):
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )

    form = get(client, article.url)
    assert b"s3cret" not in form.content
    assert article.summary.encode() not in form.content
    assert "public" not in form.get("Cache-Control", "")
    assert not is_served_from_cache(client, article.url, django_assert_num_queries)


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_visitors_with_a_session_or_messages_bypass_the_cache(
    client, article, cookie, django_assert_num_queries
):
    get(client, article.url)
    client.cookies[cookie] = "anything"

    assert not is_served_from_cache(client, article.url, django_assert_num_queries)


def test_comment_token_and_comment_page_are_never_cached(
    client, article, django_assert_num_queries
):
    for url in (f"/comments/{article.pk}/token/", f"/comments/{article.pk}/"):
        first = client.get(url)
        assert "public" not in first.get("Cache-Control", "")
        assert not is_served_from_cache(client, url, django_assert_num_queries)


def test_cached_api_answer_carries_the_cors_headers_of_each_origin(
    client, article, settings
):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.org"]
    get(client, LISTING)

    allowed = get(client, LISTING, HTTP_ORIGIN="https://app.example.org")
    other = get(client, LISTING, HTTP_ORIGIN="https://evil.example.com")

    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert "Access-Control-Allow-Origin" not in other


def test_page_cache_off_renders_every_time(
    client, article, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0
    get(client, article.url)

    assert not is_served_from_cache(client, article.url, django_assert_num_queries)
    # Still public for a front-end cache.
    assert "public" in get(client, article.url)["Cache-Control"]


def test_server_timing_reports_queries_and_cache_hits(client, article, settings):
    settings.MIDDLEWARE = [
        "cms.server_timing.ServerTimingMiddleware",
        *settings.MIDDLEWARE,
    ]

    miss = get(client, article.url)["Server-Timing"]
    hit = get(client, article.url)["Server-Timing"]

    assert 'cache;desc="miss"' in miss
    assert 'queries;desc="0"' not in miss
    assert 'cache;desc="hit"' in hit and 'queries;desc="0"' in hit
