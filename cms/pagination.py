"""Pagination that answers a bad ``?page=`` with a clear 4xx, never a 500.

Counting every item a listing holds is the one part of a listing page that grows
with the site (every article is read to count them), so the count is kept as a
fragment (``cms.fragment_cache``): under the content version, the path and the
query string without the page number.
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from cms.fragment_cache import Fragment


@dataclass(frozen=True)
class PaginationError:
    status: int
    message: str


class CountKeepingPaginator(Paginator):
    def __init__(self, object_list, per_page, fragment):
        super().__init__(object_list, per_page)
        self.fragment = fragment

    @cached_property
    def count(self):
        if self.fragment.value is None:
            self.fragment.store(super().count)
        return self.fragment.value


def paginate(request, items, per_page):
    """``(page, None)`` for a good ``?page=``, else ``(None, PaginationError)``."""
    number = request.GET.get("page", "1")
    asked = sorted((key, value) for key, value in request.GET.lists() if key != "page")
    fragment = Fragment(request, "count", request.path, asked)
    try:
        return CountKeepingPaginator(items, per_page, fragment).page(number), None
    except PageNotAnInteger:
        message = _("“%(number)s” is not a page number.")
        return None, PaginationError(400, message % {"number": number[:20]})
    except EmptyPage:
        message = _("There is no page %(number)s of results.")
        return None, PaginationError(404, message % {"number": number[:20]})
