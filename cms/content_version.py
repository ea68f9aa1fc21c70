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
"""

import hashlib

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


def current():
    counter, latest_expiry = ContentVersion.current()
    return f"{counter}-{latest_expiry.isoformat() if latest_expiry else ''}"


def bump(**_signal_kwargs):
    ContentVersion.bump()


def bump_unless_created(created=False, **_signal_kwargs):
    """For site settings: the row made on first use holds the defaults, which
    were already showing."""
    if not created:
        bump()


def etag(*parts):
    """An ETag for a response that depends only on the content and ``parts`` (the
    host and full path of the request, say). The date is part of it: an article's
    review status changes at midnight without any edit."""
    key = "|".join(
        [API_REVISION, str(current()), timezone.localdate().isoformat(), *parts]
    )
    return quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])


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
