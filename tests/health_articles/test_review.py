from datetime import date

import pytest

from health_articles.review import ReviewStatus, add_months, review_status


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2023, 9, 23), date(2024, 9, 23)),
        (date(2024, 12, 31), date(2025, 12, 31)),
        (date(2024, 1, 31), date(2025, 1, 31)),
    ],
)
def test_next_review_defaults_to_twelve_months_later(article, last, expected):
    article.last_reviewed = last
    article.next_review_due = None

    article.full_clean()

    assert article.next_review_due == expected


def test_an_explicit_next_review_is_kept(article):
    article.last_reviewed = date(2024, 1, 1)
    article.next_review_due = date(2024, 6, 1)

    article.full_clean()

    assert article.next_review_due == date(2024, 6, 1)


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("due", "status"),
    [
        (None, ReviewStatus.NOT_SET),
        (date(2026, 11, 23), ReviewStatus.OVERDUE),
        (date(2026, 11, 24), ReviewStatus.DUE_SOON),
        (date(2026, 12, 24), ReviewStatus.DUE_SOON),
        (date(2026, 12, 25), ReviewStatus.CURRENT),
    ],
)
def test_review_status(due, status):
    assert review_status(due, today=date(2026, 11, 24)) == status
