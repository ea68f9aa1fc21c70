import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from tests.factories import HealthArticlePageFactory, PersonFactory

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
def test_report_sorts_by_title(admin_client, articles):
    response = admin_client.get(REPORT, {"ordering": "-title"})

    assert [page.title for page in response.context["object_list"]] == [
        "Overdue article",
        "Due soon article",
        "Due in 30 days",
    ]


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


def test_report_is_refused_to_staff_without_article_permissions(client, moderator):
    client.force_login(moderator)

    response = client.get(REPORT)

    assert response.status_code in (302, 403)
    assert "Overdue" not in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_article_listing_shows_review_status_and_next_review(admin_client, articles):
    response = admin_client.get(reverse("health_articles:index"))

    text = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Next review due" in text
    assert "Overdue" in text
    assert "Due soon" in text
