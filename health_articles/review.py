"""Medical review rules: when an article is due for review, what it needs to go live."""

import calendar
from datetime import date, timedelta

from django.db.models import Q
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


def due_soon_horizon(today=None):
    """The last day a review counts as due soon (today counts as due soon)."""
    return (today or date.today()) + timedelta(days=DUE_SOON_DAYS)


def review_status(next_review_due, today=None):
    if next_review_due is None:
        return ReviewStatus.NOT_SET
    today = today or date.today()
    if next_review_due < today:
        return ReviewStatus.OVERDUE
    if next_review_due <= due_soon_horizon(today):
        return ReviewStatus.DUE_SOON
    return ReviewStatus.CURRENT


def review_status_q(status, today=None):
    """A filter on ``next_review_due`` for articles with ``status``: the query-side
    twin of ``review_status``. Raises KeyError for an unknown status."""
    today = today or date.today()
    horizon = due_soon_horizon(today)
    return {
        ReviewStatus.OVERDUE: Q(next_review_due__lt=today),
        ReviewStatus.DUE_SOON: Q(
            next_review_due__gte=today, next_review_due__lte=horizon
        ),
        ReviewStatus.CURRENT: Q(next_review_due__gt=horizon),
    }[status]
