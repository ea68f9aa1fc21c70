"""Pagination that answers a bad ``?page=`` with a clear 4xx, never a 500."""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class PaginationError:
    status: int
    message: str


def paginate(request, items, per_page):
    """``(page, None)`` for a good ``?page=``, else ``(None, PaginationError)``."""
    number = request.GET.get("page", "1")
    try:
        return Paginator(items, per_page).page(number), None
    except PageNotAnInteger:
        message = _("“%(number)s” is not a page number.")
        return None, PaginationError(400, message % {"number": number[:20]})
    except EmptyPage:
        message = _("There is no page %(number)s of results.")
        return None, PaginationError(404, message % {"number": number[:20]})
