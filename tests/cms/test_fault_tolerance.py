"""The site under faults: the database unavailable, Redis down, a publication that
fails half-way."""

import logging
import socket
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client
from wagtail.models import Locale
from wagtail.signals import page_published

from cms.models import WebhookDelivery, WebhookTarget
from health_articles.comments.models import ReaderComment
from health_articles.models import HealthArticlePage
from tests.admin_forms import article_form_data, edit_url, text_of
from tests.health_articles.test_comments import Reader


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def assert_back_in_a_moment(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "Back in a moment" in text_of(response.content)


# The database unavailable


def test_database_error_gives_the_503_page(client, article, monkeypatch):
    client.raise_request_exception = False
    urls = [article.url, "/api/v2/pages/", "/search/?q=sleep", "/sitemap.xml"]
    refused = OperationalError("connection refused")

    with mock.patch.object(connection, "cursor", side_effect=refused):
        for url in urls:
            assert_back_in_a_moment(client.get(url))


def test_other_faults_are_still_the_500_page(client, article):
    client.raise_request_exception = False
    url = article.url

    with mock.patch.object(HealthArticlePage, "serve", side_effect=ZeroDivisionError):
        response = client.get(url)

    assert response.status_code == 500
    assert "Something went wrong" in text_of(response.content)


@pytest.mark.skipif(
    not connection.vendor == "postgresql", reason="a PostgreSQL server to lose"
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_unreachable_gives_503_and_the_site_recovers(
    client, article, closed_port
):
    client.raise_request_exception = False
    url = article.url
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = closed_port
    try:
        assert_back_in_a_moment(client.get(url))
        assert_back_in_a_moment(client.get("/api/v2/pages/"))
        assert client.get("/healthz/").json()["database"] == "unavailable"
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port

    # Back without restarting anything: the next request connects again.
    response = client.get(url)
    assert response.status_code == 200
    assert article.title in text_of(response.content)


# Redis down


@pytest.fixture
def redis_down(settings, closed_port):
    """The production cache configuration, pointed at a Redis that refuses
    connections, with the page cache on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    settings.API_ITEM_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 3600


def test_with_redis_down_every_page_is_served_and_the_errors_logged(
    client, article, redis_down, caplog
):
    with caplog.at_level(logging.ERROR, logger="django_redis.cache"):
        for url in [
            "/",
            article.get_parent().url,
            article.url,
            article.url,  # a second time: the page cache would answer
            "/search/?q=sleep",
            "/api/v2/pages/?type=health_articles.HealthArticlePage",
            f"/api/v2/pages/{article.pk}/",
            "/feeds/articles.rss",
            "/sitemap.xml",
        ]:
            response = client.get(url)
            assert response.status_code == 200, url

    assert article.title in text_of(client.get(article.url).content)
    assert any("Exception ignored" in record.message for record in caplog.records)
    assert client.get("/healthz/").json()["cache"] == "unavailable"


def test_with_redis_down_comments_are_taken_for_moderation(article, redis_down):
    # The rate limit and the one-use token check cannot count: they let the
    # comment through (fail open), and it waits for moderation like any other.
    response = Reader(article).post(text="Sent while the cache was down.")

    assert response.status_code == 302
    comment = ReaderComment.objects.get(text="Sent while the cache was down.")
    assert comment.status == ReaderComment.Status.PENDING


# Publishing fails half-way


class InjectedFault(Exception):
    pass


def fail_in_python(**kwargs):
    raise InjectedFault("a page_published receiver failed")


def fail_in_the_database(**kwargs):
    # A unique constraint violated: PostgreSQL then aborts the transaction.
    Locale.objects.create(language_code=Locale.objects.first().language_code)


def publish_in_the_editor(client, article, title):
    data = article_form_data(
        authors=[p.person for p in article.authors.all()],
        reviewers=[p.person for p in article.reviewers.all()],
        title=title,
        slug=article.slug,
    )
    data["action-publish"] = "action-publish"
    return client.post(edit_url(article), data)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", [fail_in_python, fail_in_the_database])
def test_a_publication_that_fails_half_way_changes_nothing_public(
    fault, article, admin_user, varnish
):
    WebhookTarget.objects.create(name="Front end", url="http://127.0.0.1:9/hooks")
    live_revision = article.live_revision
    visitor = Client()
    visitor.get(article.url)  # creates the site settings, which BAN on creation
    varnish.clear()
    editor = Client(raise_request_exception=False)
    editor.force_login(admin_user)
    page_published.connect(fault, dispatch_uid="injected-fault")
    try:
        response = publish_in_the_editor(editor, article, "A title never published")
    finally:
        page_published.disconnect(dispatch_uid="injected-fault")

    assert response.status_code == 500
    # Nothing went out for a publication that did not happen.
    assert varnish.requests == []
    assert not WebhookDelivery.objects.exists()
    page = HealthArticlePage.objects.get(pk=article.pk)
    # The live version is the one before: in the database, on the site, in the API.
    assert page.live
    assert page.title == article.title
    assert page.live_revision == live_revision
    assert article.title in text_of(visitor.get(article.url).content)
    assert "never published" not in visitor.get(f"/api/v2/pages/{page.pk}/").text
    # The editor's work is kept as the latest draft revision.
    assert page.has_unpublished_changes
    assert page.get_latest_revision().as_object().title == "A title never published"


@pytest.mark.django_db(transaction=True)
def test_the_same_publication_without_a_fault_goes_out(article, admin_user, varnish):
    # The other side of the test above: its checks would see a publication.
    WebhookTarget.objects.create(name="Front end", url="http://127.0.0.1:9/hooks")
    editor = Client()
    editor.force_login(admin_user)

    response = publish_in_the_editor(editor, article, "A title published")

    assert response.status_code == 302
    page = HealthArticlePage.objects.get(pk=article.pk)
    assert page.title == "A title published"
    assert article.url in varnish.purged()
    assert WebhookDelivery.objects.exists()
