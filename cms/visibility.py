"""Which pages anyone may see: live, public and not past their expiry time.

Wagtail's ``live().public()`` leaves out the expiry time, which only takes effect
when the scheduler next runs; everything public here (API, links in rich text,
webhooks) asks this module instead, so an expired page is gone at once.
"""

from django.utils import timezone
from wagtail.models import Page


def expired_pages():
    """Live pages past their expiry time (not yet unpublished by the scheduler)."""
    return Page.objects.filter(live=True, expire_at__lte=timezone.now())


def visible_pages(queryset=None):
    queryset = Page.objects.all() if queryset is None else queryset
    return queryset.live().public().exclude(pk__in=expired_pages().values("pk"))


def is_visible(page):
    return visible_pages().filter(pk=page.pk).exists()


def is_expired(page):
    return bool(page.expire_at and page.expire_at <= timezone.now())
