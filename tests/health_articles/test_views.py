from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction
from wagtail_factories import ImageFactory

from health_articles import stream_data
from tests.factories import HealthArticlePageFactory, article_body, rich_section


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def linked_pages(article_index):
    live = HealthArticlePageFactory(
        parent=article_index, title="Live target", slug="live-target"
    )
    draft = HealthArticlePageFactory(
        parent=article_index, title="Draft target", slug="secret-draft-slug", live=False
    )
    return live, draft


def test_article_shows_title_date_summary_sections_and_faq(client, article_index):
    article = HealthArticlePageFactory(
        parent=article_index,
        title="Magnesium and sleep",
        summary="What magnesium does for sleep.",
        body=article_body(sections=3, faq_items=2),
    )

    response = client.get(article.url)

    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.h1.get_text() == "Magnesium and sleep"
    assert (
        soup.select_one(".article__meta .published time").get_text()
        == "23 September 2023"
    )
    assert "What magnesium does for sleep." in soup.select_one(".article__summary")
    assert soup.find("meta", attrs={"name": "description"})["content"] == (
        "What magnesium does for sleep."
    )
    h2s = [h2.get_text() for h2 in soup.select("main h2")]
    for heading in ["Section heading 1", "Section heading 2", "Section heading 3"]:
        assert heading in h2s
    assert "Frequently asked questions" in h2s
    questions = [s.get_text(strip=True) for s in soup.select("details summary")]
    assert questions == ["Question 1?", "Question 2?"]
    answers = [a.get_text(strip=True) for a in soup.select("details .faq__answer")]
    assert answers == ["Answer 1.", "Answer 2."]
    assert "Paragraph text 2." in soup.get_text()


def test_contents_links_match_section_ids(client, article):
    soup = soup_of(client.get(article.url))

    links = [a["href"] for a in soup.select("nav.toc a")]
    sections = soup.select("article.article section[id]")
    section_ids = [f"#{section['id']}" for section in sections]
    block_ids = [child.id for child in article.body if child.block_type == "section"]

    assert links == section_ids
    assert links[:-1] == [f"#section-{block_id}" for block_id in block_ids]
    faq_items = soup.select("details.faq__item")
    assert [item["id"] for item in faq_items] == [
        f"faq-{entry.id}" for entry in article.faq_items()
    ]


def test_review_dates_are_shown(client, article):
    text = soup_of(client.get(article.url)).select_one(".article__review").get_text()

    assert "Page last reviewed: 23 September 2023" in " ".join(text.split())
    assert "Next review due: 23 September 2024" in " ".join(text.split())


def test_internal_links_are_real_urls_and_draft_links_are_plain_text(
    client, article_index, linked_pages
):
    live, draft = linked_pages
    html = (
        f'<p>See <a linktype="page" id="{live.pk}">the live page</a> and '
        f'<a linktype="page" id="{draft.pk}">the draft page</a>.</p>'
    )
    article = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=1, paragraph_html=html)
    )

    response = client.get(article.url)

    soup = soup_of(response)
    live_link = soup.find("a", string="the live page")
    assert live_link["href"] == "/articles/live-target/"
    draft_link = soup.find("a", string="the draft page")
    assert not draft_link.has_attr("href")
    content = response.content.decode()
    assert "secret-draft-slug" not in content
    assert "linktype" not in content


def test_link_to_private_page_is_plain_text(client, article_index, linked_pages):
    live, _ = linked_pages
    PageViewRestriction.objects.create(
        page=live, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    html = f'<p><a linktype="page" id="{live.pk}">private page</a></p>'
    article = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=1, paragraph_html=html)
    )

    soup = soup_of(client.get(article.url))

    assert not soup.find("a", string="private page").has_attr("href")


def test_article_text_is_escaped(client, article_index):
    article = HealthArticlePageFactory(
        parent=article_index,
        title="<script>alert(1)</script>",
        summary='"><img src=x onerror=alert(1)>',
        body=[
            stream_data.section("<b>Heading</b>", [stream_data.paragraph_html("x")]),
            stream_data.faq([("<script>q()</script>", "<p>Answer</p>")]),
        ],
    )

    content = client.get(article.url).content.decode()

    assert "<script>" not in content
    assert "<img src=x" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "&lt;b&gt;Heading&lt;/b&gt;" in content


def test_public_page_has_no_per_visitor_data(client, admin_user, article):
    first = client.get(article.url)
    second = client.get(article.url)

    assert first.content == second.content
    assert b"csrfmiddlewaretoken" not in first.content
    assert "Cookie" not in first.get("Vary", "")
    assert not first.cookies

    client.force_login(admin_user)
    assert client.get(article.url).content == first.content


def test_index_lists_live_public_articles_newest_first(client, article_index):
    older = HealthArticlePageFactory(
        parent=article_index, title="Older", first_published=date(2022, 1, 1)
    )
    newer = HealthArticlePageFactory(
        parent=article_index, title="Newer", first_published=date(2024, 1, 1)
    )
    HealthArticlePageFactory(parent=article_index, title="A draft", live=False)
    private = HealthArticlePageFactory(parent=article_index, title="A private one")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.LOGIN
    )

    soup = soup_of(client.get(article_index.url))

    titles = [a.get_text() for a in soup.select(".card__title a")]
    assert titles == [newer.title, older.title]


def test_index_shows_twelve_articles_a_page(client, article_index):
    start = date(2024, 1, 1)
    for n in range(14):
        HealthArticlePageFactory(
            parent=article_index,
            title=f"Article {n:02}",
            first_published=start + timedelta(days=n),
        )

    first = soup_of(client.get(article_index.url))
    second = soup_of(client.get(article_index.url, {"page": "2"}))

    assert len(first.select(".card")) == 12
    assert [a.get_text() for a in second.select(".card__title a")] == [
        "Article 01",
        "Article 00",
    ]
    assert "Page 2 of 2" in second.get_text()
    assert first.find("link", rel="canonical")["href"] == article_index.full_url
    assert second.find("link", rel="canonical")["href"] == (
        f"{article_index.full_url}?page=2"
    )


@pytest.mark.parametrize(
    ("page", "status", "message"),
    [
        ("abc", 400, "“abc” is not a page number."),
        ("1.5", 400, "“1.5” is not a page number."),
        ("99999", 404, "There is no page 99999 of results."),
        ("0", 404, "There is no page 0 of results."),
    ],
)
def test_bad_page_number_gets_a_clear_4xx(client, article, page, status, message):
    response = client.get(article.get_parent().url, {"page": page})

    assert response.status_code == status
    assert soup_of(response).select_one("[role=alert]").get_text() == message


def test_draft_article_is_not_served(client, article_index):
    draft = HealthArticlePageFactory(parent=article_index, live=False)

    assert client.get(f"/articles/{draft.slug}/").status_code == 404


def test_hero_image_is_shown_with_its_alt_text(client, article):
    article.hero_image = ImageFactory()
    article.hero_image_alt = "A pharmacist & a patient"
    article.save()

    soup = soup_of(client.get(article.url))

    image = soup.select_one(".article__hero img")
    assert image["alt"] == "A pharmacist & a patient"
    assert image["src"].startswith("/media/images/")


def test_section_shows_callouts_images_and_quotes(client, article_index):
    article = HealthArticlePageFactory(
        parent=article_index, body=[rich_section(ImageFactory())]
    )

    soup = soup_of(client.get(article.url))

    section = soup.select_one(".article-section")
    assert section.select_one("aside.callout--urgent").get_text(" ", strip=True) == (
        "Urgent advice: Call 999."
    )
    assert section.select_one("figure.figure img")["alt"] == "Tablets"
    assert section.select_one("figure.figure figcaption").get_text() == "Two forms"
    assert section.select_one("blockquote").get_text(strip=True) == "Start low."


def test_public_pages_run_no_inline_javascript(client, article):
    for url in ["/", "/articles/", article.url, "/search/?q=x", "/nope/"]:
        soup = soup_of(client.get(url))
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                url,
                script,
            )
        assert not soup.select("[onclick], [onload], [onerror]")
