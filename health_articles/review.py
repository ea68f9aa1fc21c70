"""Medical review rules: when an article is due for review, what it needs to go live."""

import calendar
from datetime import date

from django.utils.translation import gettext_lazy as _

REVIEW_INTERVAL_MONTHS = 12
DUE_SOON_DAYS = 30


class ReviewStatus:
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_SET = "not_set"

    LABELS = {
        CURRENT: _("Current"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        NOT_SET: _("No review date"),
    }


def add_months(day, months):
    """``day`` plus ``months``, clamped to the month's end (29 Feb + 12 → 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_next_review(last_reviewed):
    return add_months(last_reviewed, REVIEW_INTERVAL_MONTHS)


def review_status(next_review_due, today=None):
    if next_review_due is None:
        return ReviewStatus.NOT_SET
    today = today or date.today()
    if next_review_due < today:
        return ReviewStatus.OVERDUE
    if (next_review_due - today).days <= DUE_SOON_DAYS:
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT
