from datetime import date

from bs4 import BeautifulSoup

from home.models import HomeFeaturedArticle
from tests.factories import HealthArticlePageFactory


def test_home_page_shows_latest_live_articles(client, article_index, home_page):
    HealthArticlePageFactory(
        parent=article_index, title="Older", first_published=date(2022, 5, 1)
    )
    HealthArticlePageFactory(
        parent=article_index, title="Newer", first_published=date(2024, 5, 1)
    )
    HealthArticlePageFactory(parent=article_index, title="Unpublished", live=False)

    response = client.get("/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert [a.get_text() for a in soup.select(".card__title a")] == ["Newer", "Older"]
    assert "Unpublished" not in response.content.decode()


def test_home_page_base_template_basics(client, home_page):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    assert soup.html["lang"] == "en-gb"
    skip_link = soup.select_one("a.skip-link")
    assert skip_link["href"] == "#main"
    assert soup.select_one("main#main")
    assert soup.find("link", rel="canonical")["href"] == home_page.full_url


def test_featured_articles_come_first_in_order_and_only_when_live(
    client, article_index, home_page
):
    first = HealthArticlePageFactory(parent=article_index, title="Feature A")
    second = HealthArticlePageFactory(parent=article_index, title="Feature B")
    hidden = HealthArticlePageFactory(parent=article_index, title="Hidden", live=False)
    HealthArticlePageFactory(parent=article_index, title="Ordinary")
    home_page.featured_articles.add(HomeFeaturedArticle(article=second))
    home_page.featured_articles.add(HomeFeaturedArticle(article=hidden))
    home_page.featured_articles.add(HomeFeaturedArticle(article=first))
    home_page.save()

    soup = BeautifulSoup(client.get("/").content, "html.parser")

    featured = [a.get_text() for a in soup.select(".featured .card__title a")]
    assert featured == ["Feature B", "Feature A"]
    latest = [a.get_text() for a in soup.select("#latest-heading ~ .card a")]
    assert "Ordinary" in latest
    assert "Feature A" not in latest
    assert "Hidden" not in soup.get_text()
