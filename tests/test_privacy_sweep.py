"""Privacy sweep: text that is not live and public reaches no public surface.

Each case is an article whose title, summary, section heading and text, FAQ
question and answer, slug and own topic carry a marker of its own: a draft never
published, articles restricted by password, login or group (on the article or on
its section), a scheduled article, and the newer draft of a live article (whose
live text is public; the draft's is not). Every public surface is read for every
marker: the home page, the article index, topic pages, the article's own address,
a public article's related articles, search, the API (listing, detail, search,
find), the feeds, the sitemap, and what the page cache serves and stores. A live
article is the control: its marker is on every surface, so the sweep can fail.

The content is built once for the module, through the page editor where an editor
would make it (the drafts and the scheduled article), every surface is read twice
by an anonymous visitor with the page cache on (as tests/cms/test_page_cache.py
turns it on), and the tests check what was read. Nothing needs committing: the page
cache reads the content version from the database on its first read, so all of it
runs in one transaction that is rolled back at the end.
"""

import pickle
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import rich_text, streamfield

from health_articles import stream_data
from health_articles.models import HealthArticlePage
from home.models import HomeFeaturedArticle
from tests.admin_forms import add_url, article_form_data, edit_url, listblock
from tests.conftest import build_site_tree
from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
)

# The tests only read what the sweep recorded; the mark sets the test database up.
pytestmark = pytest.mark.django_db

CONTROL = "control"
HIDDEN = [
    "draft",
    "password",
    "login",
    "groups",
    "password-section",
    "login-section",
    "groups-section",
    "scheduled",
    "newer-draft",
]
RESTRICTIONS = {
    "password": PageViewRestriction.PASSWORD,
    "login": PageViewRestriction.LOGIN,
    "groups": PageViewRestriction.GROUPS,
}
SURFACES = [
    "home page",
    "article index",
    "topic pages",
    "its own address",
    "related articles",
    "search page",
    "API listing",
    "API detail",
    "API search",
    "API find",
    "RSS feed",
    "Atom feed",
    "sitemap",
    "cached responses",
    "cache backend",
]
# Surfaces every visitor can open: they must answer 200, or a marker missing from
# them would prove nothing.
OPEN_SURFACES = {
    "home page",
    "article index",
    "related articles",
    "search page",
    "API listing",
    "API search",
    "RSS feed",
    "Atom feed",
    "sitemap",
}
ARTICLES_API = "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*,body"
# What the newer draft's live version says: public, unlike its draft.
LIVE_TEXT = "zqlivetextzq"


def marker(case):
    """The case's marker: lower case, and no marker is part of another."""
    return "zq" + case.replace("-", "") + "zq"


def marked_body(text):
    return [
        stream_data.section(
            f"Heading {text}", [stream_data.paragraph_html(f"Section text {text}.")]
        ),
        stream_data.faq([(f"Question {text}?", f"<p>Answer {text}.</p>")]),
    ]


def marked_form_data(text, people, topics):
    """The page editor's form, every field a reader sees carrying ``text``."""
    return article_form_data(
        **people,
        topics=topics,
        title=f"Article {text}",
        slug=f"{text}-article",
        summary=f"Summary {text}.",
        body=streamfield(
            [
                (
                    "section",
                    {
                        "heading": f"Heading {text}",
                        "content": streamfield(
                            [("paragraph", rich_text(f"<p>Section text {text}.</p>"))]
                        ),
                    },
                ),
                (
                    "faq",
                    {
                        "title": "",
                        "items": listblock(
                            [
                                {
                                    "question": f"Question {text}?",
                                    "answer": rich_text(f"<p>Answer {text}.</p>"),
                                }
                            ]
                        ),
                    },
                ),
            ]
        ),
    )


@dataclass
class Seen:
    """What one case's surface answered: each address with its status."""

    statuses: dict = field(default_factory=dict)
    text: str = ""

    def add(self, url, status, text):
        self.statuses[url] = status
        self.text += f"\n{text}"


@dataclass
class Sweep:
    pages: dict
    first: dict  # url -> (status, text), the first (uncached) read
    second: dict  # url -> (status, text), the second read
    stored: bytes  # everything the cache held afterwards, pickled
    urls: dict  # case -> surface -> [url]

    def seen(self, case, surface):
        seen = Seen()
        if surface == "cache backend":
            seen.add("cache", 200, self.stored.decode("utf-8", "replace"))
            return seen
        reads = self.second if surface == "cached responses" else self.first
        own = self.urls[case]["its own address"]
        for url in self.urls[case][surface]:
            status, text = reads[url]
            if url in own:
                # A refusal may repeat the address back (the password form's
                # return address): the visitor typed it, so that is no leak.
                text = text.replace(url, "<the address asked for>")
            seen.add(url, status, text)
        return seen


def build_articles(admin):
    """Every case's article, made as an editor would make it."""
    home = build_site_tree()
    index = HealthArticleIndexPageFactory(parent=home)
    people = {"authors": [PersonFactory()], "reviewers": [PersonFactory()]}
    shared = TopicFactory(name="Sleep", slug="sleep")
    own_topic = {
        case: TopicFactory(name=f"Topic {marker(case)}", slug=f"{marker(case)}-topic")
        for case in [CONTROL, *HIDDEN]
    }
    subscribers = Group.objects.create(name="Subscribers")

    def article(case, parent=index, **fields):
        text = marker(case)
        return HealthArticlePageFactory(
            parent=parent,
            title=f"Article {text}",
            slug=f"{text}-article",
            summary=f"Summary {text}.",
            body=marked_body(text),
            topics=[shared, own_topic[case]],
            **people,
            **fields,
        )

    def restrict(page, kind):
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=RESTRICTIONS[kind], password="s3cret"
        )
        if kind == "groups":
            restriction.groups.set([subscribers])

    pages = {
        CONTROL: article(CONTROL),
        "neighbour": HealthArticlePageFactory(
            parent=index, title="Neighbour", slug="neighbour", topics=[shared]
        ),
    }
    for kind in RESTRICTIONS:
        pages[kind] = article(kind)
        restrict(pages[kind], kind)
        section = HealthArticleIndexPageFactory(
            parent=home, title=f"Members ({kind})", slug=f"members-{kind}"
        )
        restrict(section, kind)
        pages[f"{kind}-section"] = article(f"{kind}-section", parent=section)

    editor = Client()
    editor.force_login(admin)

    def topics_of(case):
        return [shared, own_topic[case]]

    # A draft never published: "Save draft" on a new article.
    response = editor.post(
        add_url(index), marked_form_data(marker("draft"), people, topics_of("draft"))
    )
    assert response.status_code == 302, response
    pages["draft"] = HealthArticlePage.objects.get(slug=f"{marker('draft')}-article")

    # Approved for publishing next week: "Publish" with a go-live date.
    data = marked_form_data(marker("scheduled"), people, topics_of("scheduled"))
    go_live = timezone.localtime() + timedelta(days=7)
    data.update(
        {"go_live_at": f"{go_live:%Y-%m-%d %H:%M}", "action-publish": "action-publish"}
    )
    assert editor.post(add_url(index), data).status_code == 302
    pages["scheduled"] = HealthArticlePage.objects.get(
        slug=f"{marker('scheduled')}-article"
    )

    # Live, then edited: "Save draft" with a new title, slug, summary, body, FAQ and
    # topic.
    live = HealthArticlePageFactory(
        parent=index,
        title=f"Live article {LIVE_TEXT}",
        slug="newer-draft-live",
        summary=f"Live summary {LIVE_TEXT}.",
        body=marked_body(LIVE_TEXT),
        topics=[shared],
        **people,
    )
    response = editor.post(
        edit_url(live),
        marked_form_data(marker("newer-draft"), people, topics_of("newer-draft")),
    )
    assert response.status_code == 302, response
    pages["newer-draft"] = HealthArticlePage.objects.get(pk=live.pk)

    for page in pages.values():
        page.refresh_from_db()
    assert pages[CONTROL].live and pages["newer-draft"].live
    assert pages["newer-draft"].has_unpublished_changes
    assert not pages["draft"].live and pages["draft"].first_published_at is None
    assert not pages["scheduled"].live
    assert pages["scheduled"].get_latest_revision().approved_go_live_at is not None

    # An editor features them all on the home page.
    for order, case in enumerate([CONTROL, *HIDDEN]):
        HomeFeaturedArticle.objects.create(
            page=home, article=pages[case], sort_order=order
        )
    return pages


def addresses(pages):
    """Each case's surfaces, as the addresses that make them up."""
    urls = {}
    for case in [CONTROL, *HIDDEN]:
        page, text = pages[case], marker(case)
        own = [page.url]
        if case.endswith("-section"):
            section = page.get_parent()
            own += [section.url, f"{section.url}topics/sleep/"]
        if case == "newer-draft":
            own.append(f"/articles/{text}-article/")  # the draft's new slug
        urls[case] = {
            "home page": ["/"],
            "article index": ["/articles/"],
            "topic pages": [
                "/articles/topics/sleep/",
                f"/articles/topics/{text}-topic/",
            ],
            "its own address": own,
            "related articles": [pages["neighbour"].url],
            # In capitals: a search matches either way, and the page repeating the
            # query back is then not mistaken for a leak.
            "search page": [f"/search/?q={text.upper()}"],
            "API listing": [ARTICLES_API, "/api/v2/pages/"],
            "API detail": [f"/api/v2/pages/{page.pk}/"],
            "API search": [f"{ARTICLES_API}&search={text.upper()}"],
            "API find": [f"/api/v2/pages/find/?html_path={quote(page.url)}"],
            "RSS feed": ["/feeds/articles.rss"],
            "Atom feed": ["/feeds/articles.atom"],
            "sitemap": ["/sitemap.xml"],
        }
        urls[case]["cached responses"] = [
            url for surface in urls[case].values() for url in surface
        ]
    return urls


def read(client, url):
    """An anonymous visitor's read of ``url`` (following the API's find)."""
    client.cookies.clear()
    response = client.get(url, follow=url.startswith("/api/v2/pages/find/"))
    return response.status_code, response.content.decode()


def cache_contents():
    """Everything the shared cache holds (the page cache, fragments, API items),
    pickled as it would be stored."""
    cache = caches[settings.PAGE_CACHE_ALIAS]
    if isinstance(cache, LocMemCache):
        return b"\n".join(cache._cache.values())
    values = cache.get_many(cache.keys("*")).values()  # django-redis
    return b"\n".join(pickle.dumps(value) for value in values)


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker):
    page_cache_on = override_settings(
        PAGE_CACHE_SECONDS=3600, PAGE_CACHE_VERSION_SECONDS=60
    )
    with django_db_blocker.unblock(), page_cache_on, transaction.atomic():
        for cache in caches.all():
            cache.clear()
        admin = get_user_model().objects.create_superuser(
            username="sweeper", email="sweeper@example.com", password="pw"
        )
        pages = build_articles(admin)
        urls = addresses(pages)
        every_url = list(
            dict.fromkeys(
                url for case in urls.values() for url in case["cached responses"]
            )
        )
        client = Client()
        first = {url: read(client, url) for url in every_url}
        second = {url: read(client, url) for url in every_url}
        stored = cache_contents()
        transaction.set_rollback(True)
    for cache in caches.all():
        cache.clear()
    return Sweep(pages, first, second, stored, urls)


def around(text, needle, width=60):
    at = text.find(needle)
    return text[max(0, at - width) : at + len(needle) + width]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("case", HIDDEN)
def test_hidden_text_is_on_no_public_surface(sweep, case, surface):
    seen = sweep.seen(case, surface)

    if surface in OPEN_SURFACES:
        assert set(seen.statuses.values()) == {200}, seen.statuses
    assert all(status < 500 for status in seen.statuses.values()), seen.statuses
    hidden = marker(case)
    assert hidden not in seen.text, (
        f"The {case} article shows on the {surface}: …{around(seen.text, hidden)}…"
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_a_live_public_articles_text_is_on_every_surface(sweep, surface):
    seen = sweep.seen(CONTROL, surface)

    assert set(seen.statuses.values()) == {200}, seen.statuses
    assert marker(CONTROL) in seen.text


@pytest.mark.parametrize(
    "surface",
    ["home page", "its own address", "API detail", "RSS feed", "cached responses"],
)
def test_an_article_with_a_newer_draft_still_shows_its_live_text(sweep, surface):
    seen = sweep.seen("newer-draft", surface)

    assert LIVE_TEXT in seen.text


@pytest.mark.parametrize(
    "case",
    [case for case in HIDDEN if case in RESTRICTIONS or case.endswith("-section")],
)
def test_private_articles_ask_for_a_password_or_a_sign_in_not_404(sweep, case):
    """So the sweep read the restriction at work, not a page that was missing."""
    status, text = sweep.first[sweep.pages[case].url]

    if case.startswith("password"):
        assert status == 200
        assert 'name="password"' in text
    else:
        assert status == 302  # to sign in


def test_the_password_still_opens_a_password_protected_article(client, article):
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    form = BeautifulSoup(client.get(article.url).content, "html.parser").form
    fields = {
        field["name"]: field.get("value", "")
        for field in form("input", attrs={"name": True})
    }

    client.post(form["action"], {**fields, "password": "s3cret"})

    response = client.get(article.url)
    assert response.status_code == 200
    assert article.summary in response.content.decode()
