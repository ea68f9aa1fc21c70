"""Purging a front-end cache (Varnish) once a change commits: what is purged, and
that nothing is sent before the commit or after a rollback."""


import pytest
from django.db import transaction
from wagtail.models import Site

from cms.models import OrganisationSettings
from health_articles.comments.models import ReaderComment
from tests.factories import HealthArticlePageFactory, TopicFactory

# Purges go out once the change commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


SITE_PATHS = {
    "/feeds/articles.rss",
    "/feeds/articles.atom",
    "/sitemap.xml",
    "/search/",
    "/api/v2/pages/",
}


def test_publishing_purges_the_article_its_index_home_and_listings(
    varnish, article_index
):
    topic = TopicFactory(slug="sleep")
    page = HealthArticlePageFactory(parent=article_index, topics=[topic])
    varnish.clear()

    page.title = "Revised"
    page.save_revision().publish()

    purged = varnish.purged()
    assert {
        page.url,
        article_index.url,
        article_index.url + "topics/sleep/",
        "/",
        f"/api/v2/pages/{page.pk}/",
    } | SITE_PATHS <= purged
    assert {host for _method, host, _path in varnish.requests} == {"localhost"}


def test_nothing_is_purged_before_the_commit_or_after_a_rollback(varnish, article):
    varnish.clear()

    with pytest.raises(RuntimeError), transaction.atomic():
        article.title = "Never published"
        article.save_revision().publish()
        assert varnish.requests == []  # not yet: the change has not committed
        raise RuntimeError("the publish failed half way")

    assert varnish.requests == []


def test_unpublishing_and_deleting_purge_the_old_address(varnish, article_index):
    first = HealthArticlePageFactory(parent=article_index)
    second = HealthArticlePageFactory(parent=article_index)
    first_url, second_url = first.url, second.url
    varnish.clear()

    first.unpublish()
    second.delete()

    assert {first_url, second_url, article_index.url} <= varnish.purged()


def test_moving_purges_old_and_new_addresses(varnish, home_page, article_index):
    other_index = type(article_index)(title="Guides", slug="guides")
    home_page.add_child(instance=other_index)
    page = HealthArticlePageFactory(parent=article_index, slug="zinc")
    varnish.clear()

    page.move(other_index, pos="last-child")

    assert {"/articles/zinc/", "/guides/zinc/"} <= varnish.purged()


def test_renaming_a_person_purges_the_articles_that_show_them(varnish, article_index):
    shown = HealthArticlePageFactory(parent=article_index)
    elsewhere = HealthArticlePageFactory(parent=article_index)
    person = shown.authors.first().person
    varnish.clear()

    person.name = "Dr Renamed"
    person.save()

    assert shown.url in varnish.purged()
    assert elsewhere.url not in varnish.purged()


def test_approving_a_comment_purges_its_article(varnish, article):
    varnish.clear()

    ReaderComment.objects.create(
        page=article,
        name="Sam",
        email="sam@example.org",
        text="Helpful.",
        status=ReaderComment.Status.APPROVED,
    )

    assert article.url in varnish.purged()


def test_a_pending_comment_purges_nothing(varnish, article):
    varnish.clear()

    ReaderComment.objects.create(
        page=article, name="Sam", email="sam@example.org", text="Spam?"
    )

    assert varnish.requests == []


def test_changing_site_settings_bans_the_whole_site(varnish, article):
    varnish.clear()

    settings_row = OrganisationSettings.for_site(Site.objects.get())
    settings_row.organisation_name = "Renamed publisher"
    settings_row.save()

    assert ("BAN", "localhost", "/") in varnish.requests


def test_without_a_front_end_cache_nothing_is_sent(settings, article):
    settings.WAGTAILFRONTENDCACHE = {}
    # No server to receive anything: publishing must still work.
    article.title = "Revised"
    article.save_revision().publish()
    article.refresh_from_db()
    assert article.title == "Revised"
