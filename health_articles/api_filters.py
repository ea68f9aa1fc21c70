"""The article's own API query parameters (declared as ``api_filters``)."""

import re
from datetime import date

from django.utils.translation import gettext as _

from health_articles.review import review_status_q

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def slugs(value):
    found = [part for part in value.split(",") if part]
    if not found or not all(SLUG.match(part) for part in found):
        raise ValueError(_("give one or more slugs separated by commas"))
    return found


def iso_date(value):
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("give a date as YYYY-MM-DD")) from None


def matching(queryset, **lookup):
    """Rows matching a lookup across a to-many relation, each once (no DISTINCT,
    which the search backends cannot take)."""
    return queryset.filter(pk__in=queryset.filter(**lookup).values("pk"))


def by_topic(queryset, value):
    return matching(queryset, topics__topic__slug__in=slugs(value))


def by_reviewer(queryset, value):
    found = slugs(value)
    if len(found) != 1:
        raise ValueError(_("give one reviewer's slug"))
    return matching(queryset, reviewers__person__slug=found[0])


def by_review_status(queryset, value):
    try:
        return queryset.filter(review_status_q(value))
    except KeyError:
        raise ValueError(_("give one of current, due_soon, overdue")) from None


def published_on_or_after(queryset, value):
    return queryset.filter(first_published__gte=iso_date(value))


def published_on_or_before(queryset, value):
    return queryset.filter(first_published__lte=iso_date(value))


ARTICLE_API_FILTERS = {
    "topic": by_topic,
    "reviewer": by_reviewer,
    "review_status": by_review_status,
    "first_published_after": published_on_or_after,
    "first_published_before": published_on_or_before,
}
