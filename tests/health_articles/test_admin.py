from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from health_articles.models import HealthArticlePage
from tests.admin_forms import add_url, article_form_data, text_of
from tests.factories import TopicFactory


@pytest.fixture
def editor_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_article_created_in_admin_saves_sections_and_faq(
    editor_client, article_index, people
):
    topic = TopicFactory(name="Restless legs")
    data = article_form_data(**people, topics=[topic])
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(article_index), data)

    assert response.status_code == 302
    page = HealthArticlePage.objects.get(slug="sleep-and-restless-legs")
    assert page.live
    assert [child.block_type for child in page.body] == ["section", "section", "faq"]
    assert [entry.heading for entry in page.table_of_contents()] == [
        "What restless legs feel like",
        "What helps",
        "Frequently asked questions",
    ]
    second_section = page.body[1].value["content"]
    assert [child.block_type for child in second_section] == ["paragraph", "callout"]
    assert second_section[1].value["level"] == "warning"
    entries = page.faq_items()
    assert [entry.question for entry in entries] == [
        "Is it dangerous?",
        "Does iron help?",
    ]
    assert [text_of(entry.answer.source) for entry in entries] == [
        "Rarely.",
        "Sometimes, if low.",
    ]
    assert all(entry.id for entry in entries)
    assert page.next_review_due == date(2025, 3, 1)
    assert page.author_people == people["authors"]
    assert page.reviewer_people == people["reviewers"]
    assert page.topic_list == [topic]


def test_admin_edit_view_changes_a_question(editor_client, article, people):
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    data = article_form_data(title=article.title, slug=article.slug, **people)
    data["action-publish"] = "action-publish"

    response = editor_client.post(url, data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert [entry.question for entry in article.faq_items()] == [
        "Is it dangerous?",
        "Does iron help?",
    ]


def test_next_review_before_last_review_is_refused_and_nothing_saved(
    editor_client, article, people
):
    revisions_before = article.revisions.count()
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    data = article_form_data(
        **people,
        title="Changed title",
        slug=article.slug,
        last_reviewed="2024-06-01",
        next_review_due="2024-05-01",
    )
    data["action-publish"] = "action-publish"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The next review must be after the last review (1 June 2024)." in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.title != "Changed title"
    assert article.next_review_due == date(2024, 9, 23)
    assert article.revisions.count() == revisions_before


def test_new_article_with_bad_review_dates_is_not_created(
    editor_client, article_index, people
):
    data = article_form_data(
        **people, last_reviewed="2024-06-01", next_review_due="2024-06-01"
    )

    response = editor_client.post(add_url(article_index), data)

    assert response.status_code == 200
    assert "The next review must be after the last review" in response.content.decode()
    assert not HealthArticlePage.objects.filter(slug="sleep-and-restless-legs").exists()


def test_summary_longer_than_300_characters_is_refused(
    editor_client, article_index, people
):
    data = article_form_data(**people, summary="x" * 301)
    data["action-publish"] = "action-publish"

    response = editor_client.post(add_url(article_index), data)

    assert response.status_code == 200
    assert "at most 300 characters" in response.content.decode()
    assert not HealthArticlePage.objects.filter(slug="sleep-and-restless-legs").exists()


def test_article_editor_groups_fields_in_tabs(editor_client, article):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    tabs = [
        tab.get_text(" ", strip=True).split(" (")[0]
        for tab in soup.select('[role="tab"]')
    ]
    assert tabs == ["Content", "Review", "References", "Promote", "Settings"]
    assert "When a qualified person last checked the article" in soup.get_text()
