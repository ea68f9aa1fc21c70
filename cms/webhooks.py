"""Signed webhooks that tell other systems a page was published, unpublished or
deleted (docs/webhooks.md).

``send_event()`` builds the payload at once (the page may be gone by the time it is
delivered), records one delivery per active target in the caller's transaction and,
once that transaction commits, queues them on the "webhooks" task backend; the
worker (``manage.py db_worker --backend webhooks --queue-name webhooks``) sends them
(``cms.tasks``). Nothing here may make the editor's publish fail: problems are
logged and recorded on the delivery instead.
"""

import hashlib
import hmac
import json
import logging
from datetime import UTC, timedelta
from functools import partial

from django.conf import settings
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cms.models import WebhookDelivery, WebhookTarget

logger = logging.getLogger(__name__)

# The task backend alias and queue in settings.TASKS.
BACKEND = "webhooks"
QUEUE = "webhooks"

PAGE_PUBLISHED = WebhookDelivery.Event.PUBLISHED.value
PAGE_UNPUBLISHED = WebhookDelivery.Event.UNPUBLISHED.value
PAGE_DELETED = WebhookDelivery.Event.DELETED.value

# Deliveries (and the worker's finished task results) older than this are deleted
# whenever new deliveries are recorded. Settings may override it.
LOG_RETENTION_DAYS = 30


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def page_payload(event, page, request=None):
    page_type = getattr(page, "specific_class", None) or type(page)
    api_path = reverse("wagtailapi:pages:detail", args=[page.pk])
    timestamp = timezone.now().astimezone(UTC).isoformat(timespec="milliseconds")
    return {
        "event": event,
        "id": page.pk,
        "type": page_type._meta.label,
        # Where the page is (or was, for an unpublished or deleted page).
        "url": page.get_full_url(request),
        "api_url": f"{settings.WAGTAILAPI_BASE_URL}{api_path}",
        "timestamp": timestamp.replace("+00:00", "Z"),
    }


def send_event(event, page, request=None):
    """Record ``event`` for every active target and queue it once committed.

    Returns the deliveries recorded; never raises.
    """
    try:
        # A savepoint: a failure here leaves the caller's transaction usable.
        with transaction.atomic():
            deliveries = record_deliveries(event, page, request)
    except Exception:
        logger.exception("Webhook %s for page %s was not recorded", event, page.pk)
        return []
    if deliveries:
        transaction.on_commit(
            partial(enqueue_deliveries, [delivery.pk for delivery in deliveries]),
            robust=True,
        )
    return deliveries


def record_deliveries(event, page, request=None):
    targets = list(WebhookTarget.objects.filter(is_active=True))
    if not targets:
        return []
    body = json.dumps(page_payload(event, page, request), separators=(",", ":"))
    prune_log()
    return [
        WebhookDelivery.objects.create(
            target=target, event=event, page_id=page.pk, payload=body
        )
        for target in targets
    ]


def enqueue_deliveries(delivery_ids):
    # cms.tasks imports this module.
    from cms.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.enqueue(delivery_id)
        except Exception as error:
            logger.exception("Webhook delivery %s was not queued", delivery_id)
            give_up(delivery_id, f"Not queued: {error}")


def give_up(delivery_id, error):
    try:
        WebhookDelivery.objects.filter(pk=delivery_id).update(
            status=WebhookDelivery.Status.FAILED,
            last_error=error[:255],
            next_attempt_at=None,
        )
    except DatabaseError:
        logger.exception("Webhook delivery %s was not marked failed", delivery_id)


def prune_log():
    days = getattr(settings, "WEBHOOK_LOG_RETENTION_DAYS", LOG_RETENTION_DAYS)
    cutoff = timezone.now() - timedelta(days=days)
    WebhookDelivery.objects.filter(created_at__lt=cutoff).delete()
    DBTaskResult.objects.finished().filter(
        backend_name=BACKEND, finished_at__lt=cutoff
    ).delete()
