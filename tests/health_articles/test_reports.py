import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import (
    HealthArticleIndexPageFactory,
    HealthArticlePageFactory,
    PersonFactory,
)

TODAY = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
REPORT = "/admin/reports/reviews-due/"


@pytest.fixture
def articles(article_index):
    reviewer = PersonFactory(name="Dr Ivo Park", credentials="MD")

    def make(title, due, live=True):
        return HealthArticlePageFactory(
            parent=article_index,
            title=title,
            last_reviewed=date(2025, 11, 1),
            next_review_due=due,
            live=live,
            reviewers=[reviewer],
        )

    return {
        "overdue": make("Overdue article", date(2026, 10, 1)),
        "due_soon": make("Due soon article", date(2026, 12, 10)),
        "current": make("Current article", date(2027, 6, 1)),
        "draft": make("Overdue draft", date(2026, 1, 1), live=False),
        "edge": make("Due in 30 days", date(2026, 12, 24)),
    }


@time_machine.travel(TODAY, tick=False)
def test_report_lists_exactly_overdue_and_due_soon_articles(admin_client, articles):
    response = admin_client.get(REPORT)

    assert response.status_code == 200
    text = response.content.decode()
    assert [page.title for page in response.context["object_list"]] == [
        "Overdue article",
        "Due soon article",
        "Due in 30 days",
    ]
    assert "Dr Ivo Park, MD" in text
    assert "Current article" not in text
    assert "Overdue draft" not in text


@time_machine.travel(TODAY, tick=False)
def test_report_sorts_by_any_column(admin_client, articles):
    by_title = admin_client.get(REPORT, {"ordering": "title"})
    by_due_desc = admin_client.get(REPORT, {"ordering": "-next_review_due"})

    assert [page.title for page in by_title.context["object_list"]] == [
        "Due in 30 days",
        "Due soon article",
        "Overdue article",
    ]
    assert [page.title for page in by_due_desc.context["object_list"]] == [
        "Due in 30 days",
        "Due soon article",
        "Overdue article",
    ]
    by_due = admin_client.get(REPORT, {"ordering": "next_review_due"})
    assert [page.title for page in by_due.context["object_list"]][0] == (
        "Overdue article"
    )


@time_machine.travel(TODAY, tick=False)
def test_report_exports_csv(admin_client, articles):
    response = admin_client.get(REPORT, {"export": "csv"})

    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == [
        "Article",
        "Medical reviewers",
        "Last reviewed",
        "Next review due",
        "Status",
        "URL",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Overdue article",
        "Due soon article",
        "Due in 30 days",
    ]
    assert rows[1][4] == "Overdue"
    assert rows[2][4] == "Due soon"


@time_machine.travel(TODAY, tick=False)
def test_report_exports_xlsx(admin_client, articles):
    response = admin_client.get(REPORT, {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


@time_machine.travel(TODAY, tick=False)
def test_dashboard_counts_reviews_due(admin_client, articles):
    response = admin_client.get("/admin/")

    assert "3 articles due for review" in " ".join(response.content.decode().split())


@time_machine.travel(TODAY, tick=False)
def test_report_is_refused_to_staff_without_article_permissions(
    client, moderator, articles
):
    client.force_login(moderator)

    response = client.get(REPORT)

    assert response.status_code == 302
    assert "Overdue article" not in client.get(response["Location"]).content.decode()


@time_machine.travel(TODAY, tick=False)
def test_report_lists_only_articles_the_user_can_edit(
    client, reviewer, articles, home_page
):
    other_index = HealthArticleIndexPageFactory(
        parent=home_page, title="Other", slug="other"
    )
    HealthArticlePageFactory(
        parent=other_index,
        title="Elsewhere overdue",
        last_reviewed=date(2025, 1, 1),
        next_review_due=date(2026, 1, 1),
    )
    client.force_login(reviewer)

    response = client.get(REPORT)

    titles = [page.title for page in response.context["object_list"]]
    assert "Elsewhere overdue" not in titles
    assert "Overdue article" in titles


@time_machine.travel(TODAY, tick=False)
def test_article_listing_shows_review_status_and_next_review(admin_client, articles):
    response = admin_client.get(reverse("health_articles:index"))

    soup = BeautifulSoup(response.content, "html.parser")
    headings = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
    assert "Review" in headings
    assert "Next review due" in headings
    rows = {
        row.select_one("td.title a").get_text(" ", strip=True).split("  ")[0]: " ".join(
            row.get_text(" ", strip=True).split()
        )
        for row in soup.select("tbody tr")
        if row.select_one("td.title a")
    }
    overdue_row = next(
        text for title, text in rows.items() if "Overdue article" in title
    )
    current_row = next(
        text for title, text in rows.items() if "Current article" in title
    )
    assert "Overdue" in overdue_row.replace("Overdue article", "")
    assert "Current" in current_row.replace("Current article", "")
