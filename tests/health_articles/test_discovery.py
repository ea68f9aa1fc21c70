"""Search, topic pages, feeds, sitemap and robots.txt show only live, public pages."""

import pytest
from bs4 import BeautifulSoup
from defusedxml import ElementTree as ET
from wagtail.models import PageViewRestriction

from tests.factories import HealthArticlePageFactory, TopicFactory

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def pages(article_index):
    topic = TopicFactory(name="Restless legs", slug="restless-legs")
    live = HealthArticlePageFactory(
        parent=article_index,
        title="Iron for restless legs",
        summary="Low iron and restless legs.",
        topics=[topic],
    )
    draft = HealthArticlePageFactory(
        parent=article_index,
        title="Iron draft",
        slug="iron-draft",
        live=False,
        topics=[topic],
    )
    private = HealthArticlePageFactory(
        parent=article_index, title="Iron private", slug="iron-private", topics=[topic]
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )
    return {"topic": topic, "live": live, "draft": draft, "private": private}


def titles(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return [a.get_text() for a in soup.select(".card__title a")]


class TestSearch:
    def test_finds_live_public_articles_only(self, client, pages):
        response = client.get("/search/", {"q": "iron"})

        assert response.status_code == 200
        assert titles(response) == ["Iron for restless legs"]
        assert "Low iron and restless legs." in response.content.decode()

    def test_empty_query_gets_a_prompt(self, client, pages):
        response = client.get("/search/", {"q": "  "})

        assert response.status_code == 200
        assert "Type a word or two to search the articles." in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("a" * 201, "The search must be at most 200 characters long."),
            ('iron "legs', "unmatched double quote"),
            ("iron\x00", "must not contain control characters"),
        ],
    )
    def test_bad_query_gets_a_friendly_400(self, client, pages, query, message):
        response = client.get("/search/", {"q": query})

        assert response.status_code == 400
        soup = BeautifulSoup(response.content, "html.parser")
        assert message in soup.select_one("[role=alert]").get_text()

    def test_bad_page_number_is_a_4xx(self, client, pages):
        assert client.get("/search/", {"q": "iron", "page": "x"}).status_code == 400
        assert client.get("/search/", {"q": "iron", "page": "9"}).status_code == 404

    def test_results_are_paginated_and_keep_the_query(self, client, article_index):
        for n in range(12):
            HealthArticlePageFactory(parent=article_index, title=f"Zinc note {n}")

        first = client.get("/search/", {"q": "zinc"})
        second = client.get("/search/", {"q": "zinc", "page": "2"})

        assert len(titles(first)) == 10
        assert len(titles(second)) == 2
        soup = BeautifulSoup(first.content, "html.parser")
        assert soup.select_one("a[rel=next]")["href"] == "?q=zinc&page=2"


class TestTopicPage:
    def test_lists_live_public_articles_with_the_topic(self, client, pages):
        response = client.get("/articles/topics/restless-legs/")

        soup = BeautifulSoup(response.content, "html.parser")
        assert soup.h1.get_text() == "Restless legs"
        assert titles(response) == ["Iron for restless legs"]
        canonical = soup.find("link", rel="canonical")["href"]
        assert canonical == "http://localhost/articles/topics/restless-legs/"
        assert soup.find("meta", property="og:url")["content"] == canonical

    def test_unknown_topic_is_404(self, client, pages):
        assert client.get("/articles/topics/nope/").status_code == 404

    def test_topic_only_drafts_use_has_no_public_page(self, client, article_index):
        secret = TopicFactory(name="Drug X", slug="drug-x")
        HealthArticlePageFactory(parent=article_index, live=False, topics=[secret])

        response = client.get("/articles/topics/drug-x/")

        assert response.status_code == 404
        assert "Drug X" not in response.content.decode()

    def test_article_with_a_topic_chosen_twice_is_listed_once(
        self, client, article_index
    ):
        topic = TopicFactory(name="Sleep", slug="sleep")
        article = HealthArticlePageFactory(
            parent=article_index, title="Twice", topics=[topic, topic]
        )

        listing = client.get("/articles/topics/sleep/")
        page = BeautifulSoup(client.get(article.url).content, "html.parser")

        assert titles(listing) == ["Twice"]
        assert [a.get_text() for a in page.select(".article__topics a")] == ["Sleep"]


class TestFeeds:
    def test_rss_lists_live_public_articles(self, client, pages):
        response = client.get("/feeds/articles.rss")

        channel = ET.fromstring(response.content).find("channel")
        items = channel.findall("item")
        assert [item.findtext("title") for item in items] == ["Iron for restless legs"]
        assert items[0].findtext("link") == pages["live"].full_url
        assert items[0].findtext("category") == "Restless legs"

    def test_atom_lists_live_public_articles(self, client, pages):
        response = client.get("/feeds/articles.atom")

        feed = ET.fromstring(response.content)
        entries = feed.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}title") for e in entries] == [
            "Iron for restless legs"
        ]

    def test_control_characters_typed_by_an_editor_do_not_break_feeds(
        self, client, article_index
    ):
        HealthArticlePageFactory(
            parent=article_index,
            title="Pasted\x0b title",
            summary="From a word processor\x0c with \x01 odd characters.",
        )

        rss = client.get("/feeds/articles.rss")
        atom = client.get("/feeds/articles.atom")

        assert rss.status_code == atom.status_code == 200
        item = ET.fromstring(rss.content).find("channel").find("item")
        assert item.findtext("title") == "Pasted title"
        assert ET.fromstring(atom.content) is not None

    def test_pages_advertise_their_feeds(self, client, pages):
        soup = BeautifulSoup(client.get(pages["live"].url).content, "html.parser")

        feeds = {
            link["type"]: link["href"] for link in soup.select("link[rel=alternate]")
        }
        assert feeds == {
            "application/rss+xml": "/feeds/articles.rss",
            "application/atom+xml": "/feeds/articles.atom",
        }


def test_sitemap_lists_live_public_pages_with_lastmod(client, pages):
    response = client.get("/sitemap.xml")

    urls = ET.fromstring(response.content).findall(f"{SITEMAP}url")
    locations = [url.findtext(f"{SITEMAP}loc") for url in urls]
    assert pages["live"].full_url in locations
    assert not any("iron-draft" in loc or "iron-private" in loc for loc in locations)
    lastmod = {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls
    }
    assert (
        lastmod[pages["live"].full_url] == f"{pages['live'].last_published_at:%Y-%m-%d}"
    )


def test_robots_txt_names_the_sitemap(client, db):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
