"""How an article is found and guarded: routing reads each level in one query,
and an article's view restrictions are Wagtail's, read in one query."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page, PageViewRestriction

from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    TopicFactory,
)


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


class TestRouting:
    def test_a_page_of_another_type_under_the_home_page_is_served(
        self, client, home_page
    ):
        stray = HealthArticlePageFactory(parent=home_page, title="Under home")

        response = client.get(stray.url)

        assert response.status_code == 200
        assert soup_of(response).h1.get_text() == "Under home"

    def test_a_page_of_another_type_under_the_index_is_served(
        self, client, article_index
    ):
        nested = HealthArticleIndexPageFactory(
            parent=article_index, title="More articles", slug="more"
        )

        response = client.get("/articles/more/")

        assert response.status_code == 200
        assert soup_of(response).h1.get_text() == nested.title

    @pytest.mark.parametrize("path", ["/no-such-page/", "/articles/no-such-page/"])
    def test_an_unknown_slug_is_not_found(self, client, article_index, path):
        assert client.get(path).status_code == 404

    def test_the_index_topic_pages_come_before_an_article_of_the_same_slug(
        self, client, article_index
    ):
        topic = TopicFactory(name="Sleep", slug="sleep")
        HealthArticlePageFactory(
            parent=article_index, title="About topics", slug="topics", topics=[topic]
        )

        topic_page = client.get("/articles/topics/sleep/")
        article_page = client.get("/articles/topics/")

        assert soup_of(topic_page).h1.get_text() == "Sleep"
        assert soup_of(article_page).h1.get_text() == "About topics"


RESTRICTED = {
    "nothing": lambda home, index, article: None,
    "the article": lambda home, index, article: article,
    "its index": lambda home, index, article: index,
    "the home page": lambda home, index, article: home,
}


@pytest.fixture
def restricted_sibling(article_index):
    """A restriction elsewhere in the tree, which no article here inherits."""
    sibling = HealthArticlePageFactory(parent=article_index, slug="sibling")
    return PageViewRestriction.objects.create(
        page=sibling, restriction_type=PageViewRestriction.LOGIN
    )


class TestViewRestrictions:
    @pytest.mark.parametrize("where", RESTRICTED)
    def test_are_the_ones_wagtail_finds(
        self, home_page, article_index, restricted_sibling, where
    ):
        article = HealthArticlePageFactory(parent=article_index)
        page = RESTRICTED[where](home_page, article_index, article)
        if page is not None:
            PageViewRestriction.objects.create(
                page=page, restriction_type=PageViewRestriction.LOGIN
            )

        found = set(article.get_view_restrictions())

        assert found == set(Page.get_view_restrictions(article))
        assert len(found) == (0 if page is None else 1)
        assert restricted_sibling not in found

    def test_of_an_alias_are_its_originals(self, article_index, restricted_sibling):
        original = HealthArticlePageFactory(parent=article_index, slug="original")
        alias = original.create_alias(update_slug="alias").specific
        # Made after the alias, so Wagtail copied nothing onto it.
        restriction = PageViewRestriction.objects.create(
            page=original, restriction_type=PageViewRestriction.LOGIN
        )

        found = list(alias.get_view_restrictions())

        assert found == [restriction]
        assert found == list(Page.get_view_restrictions(alias))

    def test_a_password_protected_article_asks_for_the_password(self, client, article):
        PageViewRestriction.objects.create(
            page=article,
            restriction_type=PageViewRestriction.PASSWORD,
            password="s3cret",
        )

        response = client.get(article.url)

        assert response.status_code == 200
        assert soup_of(response).find("input", attrs={"name": "password"})
        assert article.summary not in response.content.decode()

    def test_an_article_in_a_members_only_index_sends_to_the_login(
        self, client, article_index, article
    ):
        PageViewRestriction.objects.create(
            page=article_index, restriction_type=PageViewRestriction.LOGIN
        )

        response = client.get(article.url)

        assert response.status_code == 302
        assert "login" in response["Location"]

    def test_an_alias_of_a_protected_article_asks_for_the_password(
        self, client, article_index
    ):
        original = HealthArticlePageFactory(parent=article_index, slug="original")
        original.create_alias(update_slug="alias")
        PageViewRestriction.objects.create(
            page=original,
            restriction_type=PageViewRestriction.PASSWORD,
            password="s3cret",
        )

        response = client.get("/articles/alias/")

        assert soup_of(response).find("input", attrs={"name": "password"})
        assert original.summary not in response.content.decode()
