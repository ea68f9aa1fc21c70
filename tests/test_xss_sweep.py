"""Stored XSS sweep: what editors and readers type is shown as text everywhere.

Each payload goes into every field an editor or a visitor can write: the article's
title, SEO title, search description, summary, hero alt text, section heading and
text, callout, quote, image alt text and caption, FAQ title, question and answer,
references; the people (name, credentials, role, bio, profile link), the topic,
the index page, the site settings, a reader's comment (name, website, text) and a
staff reply (the staff member's name, the text). Rich text holds the payload as the
editor's rich text would hold typed text: escaped.

Every place that shows them is then read: the article page and its JSON-LD, the
cards on the home, index, topic, search and related-articles pages, the comment
page, the feeds, the API and the admin's listings and forms. A payload must come
out as text: no element or attribute made from it, the JSON-LD unbreakable and
reading back to the original, the feeds' HTML escaped once more, the API's strings
as typed and its HTML escaped. The content is built once per payload and every page
read then; the tests check what was read.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site
from wagtail_factories import ImageFactory

from cms.models import OrganisationSettings
from health_articles import stream_data
from health_articles.comments.models import CommentSettings, ReaderComment
from health_articles.comments.moderation import flag_reasons
from tests.conftest import build_site_tree
from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    PersonFactory,
    TopicFactory,
)

# The tests only read what was recorded; the mark sets the test database up.
pytestmark = pytest.mark.django_db

# Each payload, and its form for web addresses (which cannot hold spaces).
PAYLOADS = {
    "script element": (
        "<script>alert(1)</script>",
        "https://example.com/?<script>alert(1)</script>",
    ),
    "attribute break-out": (
        '"><img src=x onerror=alert(1)>',
        'https://example.com/?"><svg/onload=alert(1)>',
    ),
    "script end": (
        "</script><script>alert(1)</script>",
        "https://example.com/?</script><script>alert(1)</script>",
    ),
}
ATOM = "{http://www.w3.org/2005/Atom}"
SEARCH_WORD = "sweepword"


def field_values(payload, url_payload):
    """What is typed into each field: its name, then the payload."""
    compact = url_payload.split("?", 1)[1]
    values = {
        name: f"{name.capitalize()} {payload}"
        for name in [
            "seo title",
            "search description",
            "summary",
            "hero alt",
            "heading",
            "paragraph",
            "callout",
            "quote",
            "attribution",
            "image alt",
            "caption",
            "faq title",
            "question",
            "answer",
            "reference title",
            "reference authors",
            "reference publication",
            "author name",
            "author credentials",
            "author role",
            "author bio",
            "reviewer name",
            "reviewer credentials",
            "topic name",
            "topic description",
            "index title",
            "index intro",
            "organisation name",
            "disclaimer",
            "comment name",
            "comment text",
            "reply text",
        ]
    }
    values.update(
        {
            "title": f"{SEARCH_WORD.capitalize()} {payload}",
            "reference url": url_payload,
            "doi": f"10.1000/{compact}",
            "author profile url": url_payload,
            "comment website": url_payload,
            "blocked word": payload,
            "staff name": f"Staff {payload}",
            "search query": payload,
        }
    )
    values["flag reasons"] = f"blocked words: {payload.lower()}"
    values["reply message"] = f"Your reply to {values['comment name']} is published."
    return values


# Where each page shows which fields.
CARD = ["title", "summary", "topic name"]
ARTICLE_PAGE = [
    "title",
    "seo title",
    "search description",
    "summary",
    "hero alt",
    "heading",
    "paragraph",
    "callout",
    "quote",
    "attribution",
    "image alt",
    "caption",
    "faq title",
    "question",
    "answer",
    "reference title",
    "reference authors",
    "reference publication",
    "reference url",
    "doi",
    "author name",
    "author profile url",
    "reviewer name",
    "reviewer credentials",
    "topic name",
    "index title",
    "organisation name",
    "disclaimer",
    "comment name",
    "comment website",
    "comment text",
    "staff name",
    "reply text",
]
PUBLIC_PAGES = {
    "article page": ARTICLE_PAGE,
    "home page": CARD,
    "article index": ["index title", "index intro", *CARD],
    "topic page": ["topic description", *CARD],
    "search results": CARD,
    "search query": ["search query"],
    "related articles": CARD,
    "comment page": ["title", "comment name", "comment text"],
}
ADMIN_PAGES = {
    "page explorer": ["title"],
    "health article listing": ["title"],
    "reviews due report": ["title", "reviewer name", "reviewer credentials"],
    "reader comments listing": [
        "reply message",
        "comment name",
        "comment text",
        "flag reasons",
        "title",
        "staff name",
        "reply text",
    ],
    "people listing": ["author name", "author credentials", "author role"],
    "topics listing": ["topic name"],
    "person editor": [
        "author name",
        "author credentials",
        "author role",
        "author bio",
        "author profile url",
    ],
    "page editor": ["title", "summary"],
    "organisation settings": ["organisation name"],
}


@dataclass
class Rendered:
    values: dict
    pages: dict  # name -> (status, html or xml or json text)
    content_types: dict  # name -> Content-Type
    article_url: str


def build(values):
    """An article with every field written, its people, topic, index, settings, a
    reader's comment and a staff member."""
    home = build_site_tree()
    site = Site.objects.get()
    index = HealthArticleIndexPageFactory(
        parent=home,
        title=values["index title"],
        intro=stream_data.paragraph_html(values["index intro"]),
    )
    author = PersonFactory(
        name=values["author name"],
        credentials=values["author credentials"],
        role=values["author role"],
        bio=values["author bio"],
        profile_url=values["author profile url"],
    )
    reviewer = PersonFactory(
        name=values["reviewer name"], credentials=values["reviewer credentials"]
    )
    topic = TopicFactory(
        name=values["topic name"],
        description=values["topic description"],
        slug="sweep-topic",
    )
    image = ImageFactory()
    today = timezone.localdate()
    article = HealthArticlePageFactory(
        parent=index,
        slug="sweep-article",
        title=values["title"],
        seo_title=values["seo title"],
        search_description=values["search description"],
        summary=values["summary"],
        hero_image=image,
        hero_image_alt=values["hero alt"],
        last_reviewed=today - timedelta(days=355),
        next_review_due=today + timedelta(days=10),  # in the reviews due report
        body=[
            stream_data.block(
                "section",
                {
                    "heading": values["heading"],
                    "content": [
                        stream_data.block(
                            "paragraph", stream_data.paragraph_html(values["paragraph"])
                        ),
                        stream_data.block(
                            "callout",
                            {
                                "level": "warning",
                                "text": stream_data.paragraph_html(values["callout"]),
                            },
                        ),
                        stream_data.block(
                            "quote",
                            {
                                "quote": values["quote"],
                                "attribution": values["attribution"],
                            },
                        ),
                        stream_data.block(
                            "image",
                            {
                                "image": image.pk,
                                "alt_text": values["image alt"],
                                "caption": values["caption"],
                            },
                        ),
                    ],
                },
            ),
            stream_data.faq(
                [(values["question"], stream_data.paragraph_html(values["answer"]))],
                title=values["faq title"],
            ),
        ],
        references=[
            stream_data.block(
                "reference",
                {
                    "title": values["reference title"],
                    "authors": values["reference authors"],
                    "publication": values["reference publication"],
                    "year": 2020,
                    "url": values["reference url"],
                    "doi": values["doi"],
                    "pmid": "",
                },
            )
        ],
        authors=[author],
        reviewers=[reviewer],
        topics=[topic],
    )
    neighbour = HealthArticlePageFactory(
        parent=index, title="Neighbour", slug="neighbour", topics=[topic]
    )
    organisation = OrganisationSettings.for_site(site)
    organisation.organisation_name = values["organisation name"]
    organisation.default_disclaimer = stream_data.paragraph_html(values["disclaimer"])
    organisation.save()
    comment_settings = CommentSettings.for_site(site)
    comment_settings.blocklist = values["blocked word"]
    comment_settings.save()
    comment = ReaderComment(
        page=article,
        name=values["comment name"],
        email="reader@example.com",
        website=values["comment website"],
        text=values["comment text"],
        status=ReaderComment.Status.APPROVED,
    )
    reasons = flag_reasons(comment, comment_settings.blocked_words())
    comment.flagged, comment.flag_reasons = bool(reasons), "; ".join(reasons)
    comment.save()
    staff = get_user_model().objects.create_superuser(
        username="staff",
        email="staff@example.com",
        password="pw",
        first_name="Staff",
        last_name=values["staff name"].removeprefix("Staff "),
    )
    return {
        "site": site,
        "index": index,
        "article": article,
        "neighbour": neighbour,
        "author": author,
        "comment": comment,
        "staff": staff,
    }


def read_everything(made, values):
    article, comment = made["article"], made["comment"]
    public, staff = Client(), Client()
    staff.force_login(made["staff"])
    pages, content_types = {}, {}

    def read(name, client, url):
        response = client.get(url)
        pages[name] = (response.status_code, response.content.decode())
        content_types[name] = response["Content-Type"]

    # The staff reply, through the admin's form; the listing it returns to says so.
    response = staff.post(
        reverse("reader_comments:reply", args=[comment.pk]),
        {"text": values["reply text"]},
        follow=True,
    )
    pages["reader comments listing"] = (
        response.status_code,
        response.content.decode(),
    )
    content_types["reader comments listing"] = response["Content-Type"]
    for name, url in {
        "article page": article.url,
        "home page": "/",
        "article index": made["index"].url,
        "topic page": f"{made['index'].url}topics/sweep-topic/",
        "search results": f"/search/?q={SEARCH_WORD}",
        "search query": f"/search/?{urlencode({'q': values['search query']})}",
        "related articles": made["neighbour"].url,
        "comment page": f"/comments/{article.pk}/?reply_to={comment.pk}",
        "RSS feed": "/feeds/articles.rss",
        "Atom feed": "/feeds/articles.atom",
        "API detail": f"/api/v2/pages/{article.pk}/",
        "API listing": (
            "/api/v2/pages/?type=health_articles.HealthArticlePage"
            f"&fields=*,body&search={SEARCH_WORD}"
        ),
        "API comments": f"/api/v2/comments/?article={article.pk}",
    }.items():
        read(name, public, url)
    for name, url in {
        "page explorer": reverse("wagtailadmin_explore", args=[made["index"].pk]),
        "health article listing": reverse("health_articles:index"),
        "reviews due report": reverse("health_articles_reviews_due"),
        "people listing": reverse("wagtailsnippets_cms_person:list"),
        "topics listing": reverse("wagtailsnippets_cms_topic:list"),
        "person editor": reverse(
            "wagtailsnippets_cms_person:edit", args=[made["author"].pk]
        ),
        "page editor": reverse("wagtailadmin_pages:edit", args=[article.pk]),
        "organisation settings": reverse(
            "wagtailsettings:edit",
            args=["cms", "organisationsettings", made["site"].pk],
        ),
    }.items():
        read(name, staff, url)
    return pages, content_types


@pytest.fixture(scope="module", params=list(PAYLOADS))
def rendered(request, django_db_setup, django_db_blocker, tmp_path_factory):
    values = field_values(*PAYLOADS[request.param])
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), media, transaction.atomic():
        for cache in caches.all():
            cache.clear()
        made = build(values)
        pages, content_types = read_everything(made, values)
        transaction.set_rollback(True)
    return Rendered(values, pages, content_types, made["article"].full_url)


def made_by_the_payload(soup):
    """Elements and attributes a payload would have made, had it become markup."""
    found = []
    for tag in soup.find_all(True):
        if tag.name == "script" and (tag.string or "").strip() == "alert(1)":
            found.append(str(tag))
        if tag.name == "img" and tag.get("src") == "x":
            found.append(str(tag))
        found += [
            f"<{tag.name} {name}=…>"
            for name, value in tag.attrs.items()
            if name.lower().startswith("on") and "alert(1)" in str(value)
        ]
    return found


def shown_text(soup):
    """The text a reader sees and every attribute value, as the browser reads
    them (entities decoded)."""
    attributes = [
        " ".join(value) if isinstance(value, list) else value
        for tag in soup.find_all(True)
        for value in tag.attrs.values()
    ]
    return "\n".join([soup.get_text(), *attributes])


def assert_escaped(html, values, fields, where):
    soup = BeautifulSoup(html, "html.parser")
    assert made_by_the_payload(soup) == [], where
    for script in soup.select('script[type="application/json"]'):
        json.loads(script.string or "null")  # data blocks stay whole
    text = shown_text(soup)
    missing = [name for name in fields if values[name] not in text]
    assert missing == [], f"{where}: not shown as typed: {missing}"


def assert_html_is_escaped_text(html, expected, where):
    soup = BeautifulSoup(html, "html.parser")
    assert made_by_the_payload(soup) == [], where
    assert soup.find(["script", "img", "svg"]) is None, where
    assert expected in soup.get_text(), where


@pytest.mark.parametrize("page", list(PUBLIC_PAGES))
def test_public_pages_show_what_was_typed_as_text(rendered, page):
    status, html = rendered.pages[page]

    # A search with an unmatched double quote is refused, saying why.
    refused = page == "search query" and '"' in rendered.values["search query"]
    assert status == (400 if refused else 200), page
    assert_escaped(html, rendered.values, PUBLIC_PAGES[page], page)


def test_the_article_page_runs_no_inline_script(rendered):
    soup = BeautifulSoup(rendered.pages["article page"][1], "html.parser")

    scripts = soup.find_all("script")
    data = [s for s in scripts if s.get("type") == "application/ld+json"]
    assert len(data) == 1
    assert all(script.get("src") for script in scripts if script not in data)


@pytest.mark.parametrize("page", list(ADMIN_PAGES))
def test_admin_pages_show_what_was_typed_as_text(rendered, page):
    status, html = rendered.pages[page]

    assert status == 200, page
    assert_escaped(html, rendered.values, ADMIN_PAGES[page], page)


def graph_of(rendered):
    soup = BeautifulSoup(rendered.pages["article page"][1], "html.parser")
    (script,) = soup.select('script[type="application/ld+json"]')
    return script.string


def test_json_ld_cannot_be_closed_or_commented_from_inside(rendered):
    raw = graph_of(rendered)

    assert "</script" not in raw.lower()
    assert "<!--" not in raw
    assert "<" not in raw and ">" not in raw


def test_json_ld_reads_back_every_value_as_typed(rendered):
    values = rendered.values
    nodes = {node["@type"]: node for node in json.loads(graph_of(rendered))["@graph"]}

    page = nodes["MedicalWebPage"]
    assert page["headline"] == page["name"] == values["title"]
    assert page["description"] == values["summary"]
    (author,) = page["author"]
    assert author == {
        "@type": "Person",
        "name": values["author name"],
        "honorificSuffix": values["author credentials"],
        "jobTitle": values["author role"],
        "url": values["author profile url"],
    }
    assert page["reviewedBy"][0]["name"] == values["reviewer name"]
    assert page["reviewedBy"][0]["honorificSuffix"] == values["reviewer credentials"]
    assert [topic["name"] for topic in page["about"]] == [values["topic name"]]
    (citation,) = page["citation"]
    assert citation["name"] == values["reference title"]
    assert citation["author"] == values["reference authors"]
    assert citation["isPartOf"] == values["reference publication"]
    assert citation["url"] == values["reference url"]
    assert citation["sameAs"] == [f"https://doi.org/{values['doi']}"]
    (question,) = nodes["FAQPage"]["mainEntity"]
    assert question["name"] == values["question"]
    assert question["acceptedAnswer"]["text"] == values["answer"]
    crumbs = [item["name"] for item in nodes["BreadcrumbList"]["itemListElement"]]
    assert crumbs == ["Home", values["index title"], values["title"]]
    assert nodes["Organization"]["name"] == values["organisation name"]


def feed_entry(rendered, feed):
    """The swept article's entry in ``feed``, as a feed reader parses it."""
    status, xml = rendered.pages[feed]
    assert status == 200
    root = ET.fromstring(xml.encode())
    if feed == "RSS feed":
        (item,) = [
            item
            for item in root.find("channel").findall("item")
            if item.findtext("link") == rendered.article_url
        ]
        return {
            "title": item.findtext("title"),
            "description": item.findtext("description"),
            "categories": [c.text for c in item.findall("category")],
        }
    (entry,) = [
        entry
        for entry in root.findall(f"{ATOM}entry")
        if entry.find(f"{ATOM}link").get("href") == rendered.article_url
    ]
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    return {
        "title": entry.findtext(f"{ATOM}title"),
        "description": summary.text,
        "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
    }


@pytest.mark.parametrize("feed", ["RSS feed", "Atom feed"])
def test_feeds_carry_titles_and_topics_as_text(rendered, feed):
    entry = feed_entry(rendered, feed)

    assert entry["title"] == rendered.values["title"]
    assert entry["categories"] == [rendered.values["topic name"]]


@pytest.mark.parametrize("feed", ["RSS feed", "Atom feed"])
def test_feed_summaries_are_html_showing_the_summary_as_text(rendered, feed):
    """Feed readers read an item's description (RSS) and an HTML summary (Atom) as
    HTML: the summary, plain text, must be escaped for it."""
    entry = feed_entry(rendered, feed)

    assert_html_is_escaped_text(entry["description"], rendered.values["summary"], feed)


def api_json(rendered, name):
    status, text = rendered.pages[name]
    assert status == 200
    return json.loads(text)


def test_api_gives_plain_text_fields_as_typed(rendered):
    values = rendered.values
    data = api_json(rendered, "API detail")

    assert data["title"] == values["title"]
    assert data["summary"] == values["summary"]
    assert data["meta"]["seo_title"] == values["seo title"]
    assert data["meta"]["search_description"] == values["search description"]
    assert data["hero_image"]["alt"] == values["hero alt"]
    section, faq = data["body"]
    assert section["value"]["heading"] == values["heading"]
    _paragraph, _callout, quote, image = section["value"]["content"]
    assert quote["value"] == {
        "quote": values["quote"],
        "attribution": values["attribution"],
    }
    assert image["value"]["image"]["alt"] == values["image alt"]
    assert image["value"]["caption"] == values["caption"]
    assert faq["value"]["title"] == values["faq title"]
    assert faq["value"]["items"][0]["question"] == values["question"]
    (reference,) = data["references"]
    assert {key: reference[key] for key in ("title", "authors", "publication")} == {
        "title": values["reference title"],
        "authors": values["reference authors"],
        "publication": values["reference publication"],
    }
    assert (reference["url"], reference["doi"]) == (
        values["reference url"],
        values["doi"],
    )
    assert data["authors"][0] == {
        "name": values["author name"],
        "slug": data["authors"][0]["slug"],
        "credentials": values["author credentials"],
        "role": values["author role"],
        "url": values["author profile url"],
    }
    assert data["reviewers"][0]["name"] == values["reviewer name"]
    assert data["topics"][0]["name"] == values["topic name"]
    assert [entry["heading"] for entry in data["table_of_contents"]] == [
        values["heading"],
        values["faq title"],
    ]


def test_api_rich_text_is_escaped_html(rendered):
    values = rendered.values
    data = api_json(rendered, "API detail")
    section, faq = data["body"]
    paragraph, callout, _quote, _image = section["value"]["content"]

    for html, name in [
        (paragraph["value"], "paragraph"),
        (callout["value"]["text_html"], "callout"),
        (faq["value"]["items"][0]["answer_html"], "answer"),
        (data["disclaimer"], "disclaimer"),
    ]:
        assert_html_is_escaped_text(html, values[name], name)


def test_api_listing_gives_the_same_strings(rendered):
    values = rendered.values
    (item,) = api_json(rendered, "API listing")["items"]

    assert item["title"] == values["title"]
    assert item["summary"] == values["summary"]
    assert item["body"][0]["value"]["heading"] == values["heading"]
    assert item["topics"][0]["name"] == values["topic name"]
    assert item["authors"][0]["name"] == values["author name"]


def test_api_comments_give_names_and_texts_as_typed(rendered):
    values = rendered.values
    items = api_json(rendered, "API comments")["items"]

    assert [(c["name"], c["website"], c["text"]) for c in items] == [
        (values["comment name"], values["comment website"], values["comment text"]),
        (values["staff name"], "", values["reply text"]),
    ]


@pytest.mark.parametrize("name", ["API detail", "API listing", "API comments"])
def test_api_answers_are_json_never_html(rendered, name):
    assert rendered.content_types[name] == "application/json"
