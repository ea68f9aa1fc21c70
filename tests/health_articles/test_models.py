from datetime import date

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail_factories import ImageFactory

from health_articles.models import HealthArticleIndexPage, HealthArticlePage
from home.models import HomePage
from tests.factories import HealthArticlePageFactory, article_body


class TestPageTypeRules(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_there_is_at_most_one_home_page(self):
        root = Page.get_first_root_node()
        assert HomePage.objects.count() == 1
        assert not HomePage.can_create_at(root)

    def test_article_index_sits_under_the_home_page(self):
        self.assertAllowedParentPageTypes(HealthArticleIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(HealthArticleIndexPage, {HealthArticlePage})

    def test_articles_sit_under_the_index_and_have_no_children(self):
        self.assertAllowedParentPageTypes(HealthArticlePage, {HealthArticleIndexPage})
        self.assertAllowedSubpageTypes(HealthArticlePage, set())
        self.assertCanCreateAt(HealthArticleIndexPage, HealthArticlePage)
        self.assertCanNotCreateAt(HomePage, HealthArticlePage)


def test_next_review_must_follow_last_review(article):
    article.last_reviewed = date(2024, 6, 1)
    article.next_review_due = date(2024, 6, 1)

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["next_review_due"] == [
        "The next review must be after the last review (1 June 2024)."
    ]


def test_review_dates_are_optional(article):
    article.last_reviewed = None
    article.next_review_due = None

    article.full_clean()


def test_table_of_contents_lists_sections_then_faq(article_index):
    article = HealthArticlePageFactory(
        parent=article_index, body=article_body(sections=3, faq_items=1)
    )

    contents = article.table_of_contents()

    assert [entry.heading for entry in contents] == [
        "Section heading 1",
        "Section heading 2",
        "Section heading 3",
        "Frequently asked questions",
    ]
    section_ids = [child.id for child in article.body if child.block_type == "section"]
    assert [entry.anchor for entry in contents[:3]] == [
        f"section-{block_id}" for block_id in section_ids
    ]
    assert contents[3].anchor == "faq"


def test_faq_items_keep_their_ids_across_loads(article):
    first = [entry.id for entry in article.faq_items()]

    reloaded = HealthArticlePage.objects.get(pk=article.pk)

    assert [entry.id for entry in reloaded.faq_items()] == first
    assert all(first)


def test_article_without_faq_has_no_faq_items(article_index):
    article = HealthArticlePageFactory(
        parent=article_index, body=article_body(faq_items=0)
    )

    assert article.faq() is None
    assert article.faq_items() == []


def test_hero_image_needs_alt_text(article):
    article.hero_image = ImageFactory(title="IMG_0042.jpg", description="")
    article.hero_image_alt = ""

    with pytest.raises(ValidationError) as error:
        article.full_clean()

    assert error.value.message_dict["hero_image_alt"] == [
        "Describe the hero image for screen readers."
    ]


def test_hero_alt_text_falls_back_to_the_image_description(article):
    article.hero_image = ImageFactory(
        title="IMG_0042.jpg", description="Magnesium tablets on a table"
    )
    article.hero_image_alt = ""

    article.full_clean()

    assert article.hero_alt_text == "Magnesium tablets on a table"
