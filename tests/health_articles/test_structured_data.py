import json
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail_factories import ImageFactory

from health_articles import stream_data
from health_articles.models import HealthArticlePage
from tests.factories import HealthArticlePageFactory, TopicFactory

XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</script>"]


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def graph_of(response):
    scripts = soup_of(response).select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    return {node["@type"]: node for node in json.loads(scripts[0].string)["@graph"]}


@pytest.fixture
def demo(db):
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return HealthArticlePage.objects.get(slug="magnesium-for-akathisia")


def test_seed_article_json_ld(client, demo):
    graph = graph_of(client.get(demo.url))

    assert set(graph) == {"MedicalWebPage", "FAQPage", "BreadcrumbList", "Organization"}
    page = graph["MedicalWebPage"]
    assert page["headline"] == demo.title
    assert page["datePublished"] == "2023-09-23"
    assert page["lastReviewed"] == "2023-09-23"
    assert page["reviewedBy"][0]["name"] == "Dr Tomasz Keller"
    assert page["reviewedBy"][0]["honorificSuffix"] == "MD, FRCP"
    assert page["author"][0]["name"] == "Dr Elena Marsh"
    assert {topic["name"]: topic["@type"] for topic in page["about"]} == {
        "Akathisia": "MedicalCondition",
        "Magnesium": "DietarySupplement",
    }
    questions = graph["FAQPage"]["mainEntity"]
    assert [q["name"] for q in questions] == [e.question for e in demo.faq_items()]
    assert len(questions) == 5
    assert questions[0]["acceptedAnswer"]["text"].startswith(
        "While magnesium supplementation may help"
    )
    assert "<" not in questions[0]["acceptedAnswer"]["text"]
    assert [item["name"] for item in graph["BreadcrumbList"]["itemListElement"]] == [
        "Home",
        "Articles",
        demo.title,
    ]
    assert graph["Organization"]["name"] == "Example Health Publishing"


def test_citations_in_json_ld(client, article):
    article.references = [
        {
            "type": "reference",
            "value": {
                "title": "A trial",
                "authors": "Lane A",
                "publication": "BMJ",
                "year": 2020,
                "url": "",
                "doi": "10.1136/bmj.m1",
                "pmid": "123",
            },
        }
    ]
    article.save()

    citation = graph_of(client.get(article.url))["MedicalWebPage"]["citation"][0]

    assert citation["name"] == "A trial"
    assert citation["url"] == "https://doi.org/10.1136/bmj.m1"
    assert citation["sameAs"] == ["https://pubmed.ncbi.nlm.nih.gov/123/"]


@pytest.mark.parametrize("payload", XSS)
def test_faq_text_cannot_break_out_of_html_or_json_ld(client, article_index, payload):
    article = HealthArticlePageFactory(
        parent=article_index,
        body=[
            stream_data.faq(
                [(payload, stream_data.paragraph_html(payload))], title=payload
            )
        ],
    )

    response = client.get(article.url)

    html = response.content.decode()
    soup = soup_of(response)
    assert len(soup.find_all("script")) == 2  # the JSON-LD and site.js
    assert soup.select_one("details summary").get_text() == payload
    assert soup.select_one(".faq h2").get_text() == payload
    assert "<img src=x" not in html
    question = graph_of(response)["FAQPage"]["mainEntity"][0]
    assert question["name"] == payload
    assert question["acceptedAnswer"]["text"] == payload


def test_share_links_carry_the_canonical_url_and_title(client, article_index):
    article = HealthArticlePageFactory(
        parent=article_index, title="Iron & sleep: what helps?", slug="iron-sleep"
    )
    soup = soup_of(client.get(article.url))
    canonical = soup.find("link", rel="canonical")["href"]
    links = {
        a["class"][1].removeprefix("share__link--"): a["href"]
        for a in soup.select("a.share__link")
    }

    assert set(links) == {"email", "x", "facebook", "linkedin", "whatsapp"}
    assert parse_qs(urlsplit(links["x"]).query) == {
        "url": [canonical],
        "text": ["Iron & sleep: what helps?"],
    }
    assert parse_qs(urlsplit(links["facebook"]).query) == {"u": [canonical]}
    assert parse_qs(urlsplit(links["linkedin"]).query) == {"url": [canonical]}
    assert parse_qs(urlsplit(links["whatsapp"]).query) == {
        "text": [f"Iron & sleep: what helps? {canonical}"]
    }
    assert links["email"].startswith("mailto:?subject=Iron%20%26%20sleep%3A")
    assert parse_qs(urlsplit(links["email"]).query)["body"] == [canonical]
    assert soup.select_one("[data-copy-url]")["data-copy-url"] == canonical


def test_open_graph_and_twitter_tags(client, article):
    article.hero_image = ImageFactory()
    article.hero_image_alt = "Tablets"
    article.save()

    soup = soup_of(client.get(article.url))

    def meta(key):
        tag = soup.find("meta", property=key) or soup.find("meta", attrs={"name": key})
        return tag["content"]

    assert meta("og:title") == article.title
    assert meta("og:description") == article.summary
    assert meta("og:url") == soup.find("link", rel="canonical")["href"]
    assert meta("og:image").startswith("http")
    assert meta("og:image").endswith(".jpg")
    assert meta("og:image:alt") == "Tablets"
    assert meta("twitter:card") == "summary_large_image"


def test_breadcrumbs_reading_time_topics_and_related(client, article_index):
    topic = TopicFactory(name="Sleep", slug="sleep")
    words = " ".join(["word"] * 450)
    article = HealthArticlePageFactory(
        parent=article_index,
        title="Main",
        topics=[topic],
        body=[stream_data.section("Heading", [stream_data.paragraph_html(words)])],
    )
    HealthArticlePageFactory(parent=article_index, title="Sibling", topics=[topic])
    HealthArticlePageFactory(parent=article_index, title="Unrelated")

    soup = soup_of(client.get(article.url))

    crumbs = [li.get_text(strip=True) for li in soup.select(".breadcrumbs li")]
    assert crumbs == ["Home", "Articles", "Main"]
    assert soup.select_one(".breadcrumbs [aria-current=page]").get_text() == "Main"
    assert soup.select_one(".reading-time").get_text() == "3 minute read"
    topic_link = soup.select_one(".article__topics a")
    assert topic_link.get_text() == "Sleep"
    assert topic_link["href"].endswith("/articles/topics/sleep/")
    related = [a.get_text() for a in soup.select(".related .card__title a")]
    assert related == ["Sibling"]


@pytest.mark.parametrize("payload", XSS)
def test_article_title_cannot_break_out_anywhere(client, article_index, payload):
    article = HealthArticlePageFactory(
        parent=article_index, title=payload, summary=payload, slug="xss"
    )

    response = client.get(article.url)

    soup = soup_of(response)
    assert soup.title.get_text() == payload
    assert soup.h1.get_text() == payload
    assert soup.find("meta", property="og:title")["content"] == payload
    assert soup.find("meta", attrs={"name": "description"})["content"] == payload
    assert len(soup.find_all("script")) == 2
    assert "<img src=x" not in response.content.decode()
    assert graph_of(response)["MedicalWebPage"]["headline"] == payload
    x_link = soup.select_one("a.share__link--x")["href"]
    assert parse_qs(urlsplit(x_link).query)["text"] == [payload]


def test_seo_title_is_the_document_title(client, article):
    article.seo_title = "Magnesium and akathisia | Example Health"
    article.save()

    soup = soup_of(client.get(article.url))

    assert soup.title.get_text() == "Magnesium and akathisia | Example Health"
    assert soup.h1.get_text() == article.title


def test_breadcrumbs_and_topics_leave_out_an_unpublished_index(client, article_index):
    article = HealthArticlePageFactory(
        parent=article_index, topics=[TopicFactory(name="Sleep")]
    )
    article_index.live = False
    article_index.save()

    soup = soup_of(client.get(article.url))

    crumbs = [li.get_text(strip=True) for li in soup.select(".breadcrumbs li")]
    assert crumbs == ["Home", article.title]
    assert soup.select_one(".article__topics li").get_text() == "Sleep"
    assert not soup.select(".article__topics a")
