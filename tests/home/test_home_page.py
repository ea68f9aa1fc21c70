from datetime import date

from bs4 import BeautifulSoup

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
