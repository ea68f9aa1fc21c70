"""The version of the public content: one value that changes with anything a
visitor or an API client could see.

It is bumped, in the same transaction as the change, when a page is saved,
published, unpublished, moved or deleted, and when a person, topic, image,
document, site, page or collection restriction or site setting changes
(``watch_models``); a page's expiry time passing changes it too
(``ContentVersion.current``). Apps bump it for their own public data as well
(approved reader comments). Every ETag and every cache key for public content
derives from it, so one bump invalidates them all, across every app server (the
number lives in the database).

The page cache (``cms.page_cache``) reads the version from the shared cache
(``CACHE_KEY``) rather than the database. A bump writes the new version there
once its transaction commits; until then, and after a rollback, the old one
stands, as it does in the database. The cached copy also lapses at the next
expiry time, when the version changes without a write.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.http import quote_etag
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
    get_page_models,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.models import ContentVersion

# Change when the shape of the API's JSON changes, so old ETags stop matching.
API_REVISION = "2"


# The version in the shared cache, for the page cache.
CACHE_KEY = "content-version"


def _format(counter, latest_expiry):
    return f"{counter}-{latest_expiry.isoformat() if latest_expiry else ''}"


def current():
    return _format(*ContentVersion.current())


def cached(cache, replace=False):
    """The current version, read from the database and kept in ``cache`` for
    ``PAGE_CACHE_VERSION_SECONDS`` or until the next expiry time, whichever comes
    first. A reader only adds it (a bump's newer value wins); a bump replaces it."""
    counter, latest_expiry, next_expiry = ContentVersion.current_and_next_expiry()
    version = _format(counter, latest_expiry)
    seconds = settings.PAGE_CACHE_VERSION_SECONDS
    if seconds > 0:
        store = cache.set if replace else cache.add
        store(CACHE_KEY, (version, next_expiry), seconds)
    return version


def from_cache(stored, cache):
    """The version in ``stored`` (what ``cached`` kept), unless it is missing or an
    expiry time has passed since (checked here, on this server's clock)."""
    if stored is not None:
        version, next_expiry = stored
        if next_expiry is None or timezone.now() < next_expiry:
            return version
    return cached(cache, replace=stored is not None)


def _refresh_cached():
    cached(caches[settings.PAGE_CACHE_ALIAS], replace=True)


def bump(**_signal_kwargs):
    ContentVersion.bump()
    if settings.PAGE_CACHE_VERSION_SECONDS <= 0:
        return
    # Once per transaction (savepoint), however many changes it makes.
    connection = transaction.get_connection()
    here = set(connection.savepoint_ids)
    if not any(
        func is _refresh_cached and ids == here
        for ids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_refresh_cached, robust=True)


def bump_unless_created(created=False, **_signal_kwargs):
    """For site settings: the row made on first use holds the defaults, which
    were already showing."""
    if not created:
        bump()


def digest(*parts, version=None):
    """A hash of the content version, today's date and ``parts``: what a cache key
    or an ETag for something that depends only on the content and ``parts`` needs.
    The date is part of it: an article's review status changes at midnight without
    any edit."""
    key = "|".join(
        [
            API_REVISION,
            str(current() if version is None else version),
            timezone.localdate().isoformat(),
            *map(str, parts),
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def etag(*parts, version=None):
    """An ETag for a response that depends only on the content and ``parts`` (the
    host and full path of the request, say)."""
    return quote_etag(digest(*parts, version=version))


def watch(*models):
    """Bump the version whenever an instance of one of ``models`` is saved or
    deleted."""
    for model in models:
        post_save.connect(
            bump, sender=model, dispatch_uid=f"content_version_save_{model._meta.label}"
        )
        post_delete.connect(
            bump,
            sender=model,
            dispatch_uid=f"content_version_delete_{model._meta.label}",
        )


def watch_models():
    """Connect the signals for Wagtail's and this project's shared models; called
    once the app registry is ready."""
    from cms.models import OrganisationSettings, Person, Topic

    watch(
        *get_page_models(),
        Page,
        Site,
        PageViewRestriction,
        CollectionViewRestriction,
        get_image_model(),
        get_document_model(),
        Person,
        Topic,
    )
    post_save.connect(
        bump_unless_created,
        sender=OrganisationSettings,
        dispatch_uid="content_version_save_settings",
    )
    post_delete.connect(
        bump, sender=OrganisationSettings, dispatch_uid="content_version_del_settings"
    )
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump, dispatch_uid=f"content_version_{id(signal)}")
    for restriction in (PageViewRestriction, CollectionViewRestriction):
        m2m_changed.connect(
            bump,
            sender=restriction.groups.through,
            dispatch_uid=f"content_version_groups_{restriction._meta.label}",
        )
