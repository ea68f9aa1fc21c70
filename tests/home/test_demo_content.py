import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from wagtail.models import Page, Site

from health_articles.models import HealthArticleIndexPage, HealthArticlePage

SEED = Path(__file__).resolve().parents[1] / "data" / "magnesium-for-akathisia.txt"
CHROME = {"Share this:", "Leave a Reply"}
HEADINGS = [
    "About Akathisia",
    "Using Magnesium for Akathisia",
    "How Magnesium Works",
    "Supplementing with Magnesium",
]


def load():
    out = io.StringIO()
    call_command("load_demo_content", stdout=out)
    return out.getvalue()


def seed_lines():
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]


def seed_paragraphs():
    """Body paragraphs of the seed: long lines that are not Q/A, title or chrome."""
    return [
        line
        for line in seed_lines()
        if line.endswith(".")
        and not line.startswith(("Q: ", "A: ", "Your email address"))
    ]


def seed_faq():
    lines = [line for line in seed_lines() if line.startswith(("Q: ", "A: "))]
    return [(q[3:], a[3:]) for q, a in zip(lines[::2], lines[1::2], strict=True)]


@pytest.fixture
def demo(db):
    load()
    return HealthArticlePage.objects.get(slug="magnesium-for-akathisia")


def test_loading_twice_leaves_the_same_tree(db):
    first_output = load()
    tree = list(Page.objects.order_by("path").values_list("path", "slug", "live"))

    second_output = load()

    assert (
        list(Page.objects.order_by("path").values_list("path", "slug", "live")) == tree
    )
    assert HealthArticlePage.objects.count() == 1
    assert HealthArticleIndexPage.objects.count() == 1
    assert "Created health article “Magnesium for Akathisia" in first_output
    assert "Found health article “Magnesium for Akathisia" in second_output
    assert "Created" not in second_output


def test_demo_article_is_served_at_its_seed_url(client, demo):
    response = client.get("/articles/magnesium-for-akathisia/")

    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.h1.get_text() == "Magnesium for Akathisia: A Natural Treatment Option"
    assert (
        soup.select_one(".article__meta .published time").get_text()
        == "23 September 2023"
    )


def test_demo_article_has_every_seed_paragraph_word_for_word(client, demo):
    response = client.get("/articles/magnesium-for-akathisia/")
    soup = BeautifulSoup(response.content, "html.parser")
    rendered = [p.get_text() for p in soup.select(".article-section .rich-text p")]

    assert len(seed_paragraphs()) == 7
    assert rendered == seed_paragraphs()
    assert [h2.get_text() for h2 in soup.select(".article-section h2")] == HEADINGS


def test_demo_article_has_the_five_seed_questions_and_answers(client, demo):
    response = client.get("/articles/magnesium-for-akathisia/")
    soup = BeautifulSoup(response.content, "html.parser")
    rendered = [
        (
            item.select_one("summary").get_text(strip=True),
            item.select_one(".faq__answer").get_text(strip=True),
        )
        for item in soup.select("details.faq__item")
    ]

    assert len(rendered) == 5
    assert rendered == seed_faq()


def test_page_chrome_is_not_content(client, demo):
    response = client.get("/articles/magnesium-for-akathisia/")
    soup = BeautifulSoup(response.content, "html.parser")
    content = " ".join(
        part.get_text() for part in soup.select(".article-section, .faq")
    )

    for line in CHROME:
        assert line not in content
    assert "Share this:" not in str(demo.body.raw_data)
    assert soup.select_one(".share h2").get_text() == "Share this:"


def test_wagtail_publication_date_follows_the_article_date(demo):
    assert demo.first_published.isoformat() == "2023-09-23"
    assert demo.first_published_at.date().isoformat() == "2023-09-23"


def test_demo_article_is_in_the_api(client, demo):
    response = client.get(
        "/api/v2/pages/",
        {"type": "health_articles.HealthArticlePage", "fields": "*"},
    )

    items = response.json()["items"]
    assert [item["meta"]["slug"] for item in items] == ["magnesium-for-akathisia"]
    assert items[0]["first_published"] == "2023-09-23"


def test_default_site_takes_the_configured_address(db, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://health.example"

    load()

    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "https://health.example"
    article = HealthArticlePage.objects.get(slug="magnesium-for-akathisia")
    assert article.full_url == (
        "https://health.example/articles/magnesium-for-akathisia/"
    )


def test_a_site_an_administrator_configured_is_left_alone(db, settings):
    Site.objects.filter(is_default_site=True).update(hostname="www.example", port=443)

    load()

    assert Site.objects.get(is_default_site=True).root_url == "https://www.example"


def test_demo_sets_the_organisation_and_its_disclaimer(client, demo):
    response = client.get("/articles/magnesium-for-akathisia/")
    soup = BeautifulSoup(response.content, "html.parser")

    assert "Published by Example Health Publishing" in (
        soup.select_one(".site-footer").get_text()
    )
    assert "not medical advice" in soup.select_one(".article__disclaimer").get_text()


def test_demo_article_has_its_people_and_topics(demo):
    assert [p.name for p in demo.author_people] == ["Dr Elena Marsh"]
    assert [p.name for p in demo.reviewer_people] == ["Dr Tomasz Keller"]
    assert [(t.name, t.kind) for t in demo.topic_list] == [
        ("Akathisia", "condition"),
        ("Magnesium", "supplement"),
    ]
