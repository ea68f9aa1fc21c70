"""Purge the front-end cache (Varnish, ``WAGTAILFRONTENDCACHE``) once a change
commits.

Wagtail's own frontend-cache app purges a page from inside the publishing
transaction: the cache can fetch the page again before the commit and keep the
old version. So ``wagtail.contrib.frontend_cache`` is not an installed app (its
``ready()`` would connect that purge); this module uses its batch and backends,
and sends the purge from ``transaction.on_commit``. Nothing is sent for a change
that rolls back.

What a change purges: each page it affects with its ancestors (the index and the
home page list it), each through ``get_cached_paths()`` (an index adds its topic
pages), the page's API detail, and ``FRONTEND_CACHE_SITE_PATHS`` (feeds, sitemap,
search, API listings). A PURGE with the VCL in ``deploy/varnish/default.vcl``
retires the path with every query string (pagination, search terms, API
parameters). A change every page shows (site settings, the site itself) bans the
whole host.

The page cache in the app (``cms.page_cache``) needs none of this: the content
version retires its entries.
"""

import logging
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.frontend_cache.backends import HTTPBackend
from wagtail.contrib.frontend_cache.utils import PurgeBatch, get_backends
from wagtail.models import Page, ReferenceIndex, Site, get_page_models
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
    pre_page_move,
)

logger = logging.getLogger(__name__)


class VarnishBackend(HTTPBackend):
    """Wagtail's HTTP backend, plus a BAN of a whole host."""

    def purge_host(self, root_url):
        parts = urlsplit(root_url)
        request = Request(  # noqa: S310 - LOCATION is configured
            urlunsplit([self.cache_scheme, self.cache_netloc, "/", "", ""]),
            method="BAN",
            headers={"Host": parts.netloc},
        )
        try:
            urlopen(request, timeout=10)  # noqa: S310 - LOCATION is configured
        except (URLError, OSError) as error:
            logger.error(
                "Couldn't ban %s from the front-end cache: %s", root_url, error
            )


def enabled():
    return bool(settings.WAGTAILFRONTENDCACHE)


def page_urls(pages):
    """Every URL to purge for ``pages``, worked out now (before a deletion or a
    move changes them)."""
    batch = PurgeBatch()
    roots = set()
    for page in pages:
        parts = page.get_url_parts()
        if parts is None:
            continue
        _site_id, root_url, _path = parts
        roots.add(root_url)
        batch.add_page(page.specific_deferred)
        batch.add_pages(page.get_ancestors().live().filter(depth__gt=1).specific())
        batch.add_url(f"{root_url}/api/v2/pages/{page.pk}/")
    for root_url in roots:
        batch.add_urls(root_url + path for path in settings.FRONTEND_CACHE_SITE_PATHS)
    return batch.urls


def purge_after_commit(urls):
    if not urls:
        return
    batch = PurgeBatch(urls)
    transaction.on_commit(batch.purge, robust=True)


def purge_pages_after_commit(pages):
    if enabled():
        purge_after_commit(page_urls(pages))


def purge_everything_after_commit():
    """Ban every site's host, for a change that every page shows."""
    if not enabled():
        return

    def ban():
        for backend in get_backends().values():
            if not hasattr(backend, "purge_host"):
                continue
            for site in Site.objects.all():
                backend.purge_host(site.root_url)

    transaction.on_commit(ban, robust=True)


def pages_referring_to(obj):
    """The live pages that refer to ``obj`` (a person, a topic, an image), from
    Wagtail's reference index."""
    page_ids = (
        ReferenceIndex.get_references_to(obj)
        .filter(base_content_type__in=_page_content_types())
        .values_list("object_id", flat=True)
    )
    ids = [int(pk) for pk in page_ids if pk.isdigit()]
    return Page.objects.live().filter(pk__in=ids)


def _page_content_types():
    from django.contrib.contenttypes.models import ContentType

    return [ContentType.objects.get_for_model(Page)]


# Signal receivers


def page_changed(sender, instance, **kwargs):
    purge_pages_after_commit([instance])


def page_moving(sender, instance, **kwargs):
    # The old addresses of the page and everything under it, before they change.
    purge_pages_after_commit(instance.get_descendants(inclusive=True).live().specific())


def page_moved(sender, instance, **kwargs):
    purge_pages_after_commit(instance.get_descendants(inclusive=True).live().specific())


def page_deleting(sender, instance, **kwargs):
    if instance.live:
        purge_pages_after_commit([instance])


def object_changed(sender, instance, **kwargs):
    if enabled():
        purge_pages_after_commit(pages_referring_to(instance))


def site_wide_change(sender, instance, **kwargs):
    purge_everything_after_commit()


def connect(referred_models, site_wide_models):
    """Purge after commit on every page publish, unpublish, move and deletion, when
    one of ``referred_models`` a live page refers to changes, and when one of
    ``site_wide_models`` changes."""
    for signal, receiver in (
        (page_published, page_changed),
        (page_unpublished, page_changed),
        (pre_page_move, page_moving),
        (post_page_move, page_moved),
    ):
        signal.connect(receiver, dispatch_uid=f"frontend_cache_{receiver.__name__}")
    for model in get_page_models():
        pre_delete.connect(
            page_deleting,
            sender=model,
            dispatch_uid=f"frontend_cache_delete_{model._meta.label}",
        )
    for model in referred_models:
        for signal in (post_save, pre_delete):
            signal.connect(
                object_changed,
                sender=model,
                dispatch_uid=f"frontend_cache_{id(signal)}_{model._meta.label}",
            )
    for model in site_wide_models:
        for signal in (post_save, post_delete):
            signal.connect(
                site_wide_change,
                sender=model,
                dispatch_uid=f"frontend_cache_{id(signal)}_{model._meta.label}",
            )
