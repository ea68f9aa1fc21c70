"""Which pages anyone may see: live, public and not past their expiry time.

Wagtail's ``live().public()`` leaves out the expiry time, which only takes effect
when the scheduler next runs; everything public here (API, links in rich text,
webhooks) asks this module instead, so an expired page is gone at once.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from wagtail.models import Page

# Within ``one_reading_of_private_sections``: the filter built from the private
# sections, once.
_private_q = ContextVar("cms_private_q", default=None)


@contextmanager
def one_reading_of_private_sections():
    """Read the private sections (view restrictions) once for everything inside,
    rather than once per ``visible_pages`` (one response: a page and its links)."""
    token = _private_q.set({})
    try:
        yield
    finally:
        _private_q.reset(token)


def private_q():
    """Wagtail's filter for pages in a private section, remembered within
    ``one_reading_of_private_sections``."""
    remembered = _private_q.get()
    if remembered is None:
        return Page.objects.all().private_q()
    if "q" not in remembered:
        remembered["q"] = Page.objects.all().private_q()
    return remembered["q"]


def expired_pages():
    """Live pages past their expiry time (not yet unpublished by the scheduler)."""
    return Page.objects.filter(live=True, expire_at__lte=timezone.now())


def visible_pages(queryset=None):
    queryset = Page.objects.all() if queryset is None else queryset
    return (
        queryset.live()
        .exclude(private_q())
        .exclude(pk__in=expired_pages().values("pk"))
    )


def is_visible(page):
    return visible_pages().filter(pk=page.pk).exists()


def is_expired(page):
    return bool(page.expire_at and page.expire_at <= timezone.now())
