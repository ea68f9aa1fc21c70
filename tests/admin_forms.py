"""Form data in the shape Wagtail's page editor posts, for admin view tests."""

from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)


def add_url(parent):
    return reverse(
        "wagtailadmin_pages:add",
        args=["health_articles", "healtharticlepage", parent.pk],
    )


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def text_of(html):
    return BeautifulSoup(html, "html.parser").get_text()


def listblock(items):
    """ListBlock form data, in the shape the StreamField editor posts."""
    data = {
        str(index): {"value": value, "deleted": "", "order": str(index), "id": ""}
        for index, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def article_form_data(authors=(), reviewers=(), topics=(), **overrides):
    data = {
        "authors": inline_formset([{"person": str(p.pk)} for p in authors]),
        "reviewers": inline_formset([{"person": str(p.pk)} for p in reviewers]),
        "topics": inline_formset([{"topic": str(t.pk)} for t in topics]),
        "disclaimer": rich_text(""),
        "title": "Sleep and restless legs",
        "slug": "sleep-and-restless-legs",
        "summary": "How restless legs disturb sleep and what helps.",
        "first_published": "2024-03-01",
        "last_reviewed": "2024-03-01",
        "next_review_due": "2025-03-01",
        "hero_image": "",
        "hero_image_alt": "",
        "comments_enabled": "on",
        "body": streamfield(
            [
                (
                    "section",
                    {
                        "heading": "What restless legs feel like",
                        "content": streamfield(
                            [("paragraph", rich_text("<p>An urge to move.</p>"))]
                        ),
                    },
                ),
                (
                    "section",
                    {
                        "heading": "What helps",
                        "content": streamfield(
                            [
                                ("paragraph", rich_text("<p>Regular sleep.</p>")),
                                (
                                    "callout",
                                    {
                                        "level": "warning",
                                        "text": rich_text("<p>See a doctor.</p>"),
                                    },
                                ),
                            ]
                        ),
                    },
                ),
                (
                    "faq",
                    {
                        "title": "",
                        "items": listblock(
                            [
                                {
                                    "question": "Is it dangerous?",
                                    "answer": rich_text("<p>Rarely.</p>"),
                                },
                                {
                                    "question": "Does iron help?",
                                    "answer": rich_text("<p>Sometimes, if low.</p>"),
                                },
                            ]
                        ),
                    },
                ),
            ]
        ),
        "references": streamfield([]),
    }
    data.update(overrides)
    return nested_form_data(data)
