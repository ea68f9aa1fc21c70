"""Delivering the webhooks that ``cms.webhooks`` records, in the "webhooks" worker.

A delivery that fails (no answer, or an answer other than 2xx) is queued again after
a delay that doubles with each attempt, up to a cap, until it succeeds or runs out of
attempts. Settings may override the constants below.
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from cms.models import WebhookDelivery
from cms.webhooks import BACKEND, QUEUE, give_up, sign

logger = logging.getLogger(__name__)

TIMEOUT = 10  # seconds
MAX_ATTEMPTS = 8
RETRY_BASE_DELAY = 30  # seconds, doubled after every failed attempt
RETRY_MAX_DELAY = 60 * 60

Status = WebhookDelivery.Status


def setting(name, default):
    return getattr(settings, f"WEBHOOK_{name}", default)


def retry_delay(attempt):
    """How long to wait after failed attempt number ``attempt`` (1, 2, ...)."""
    base = setting("RETRY_BASE_DELAY", RETRY_BASE_DELAY)
    cap = setting("RETRY_MAX_DELAY", RETRY_MAX_DELAY)
    return timedelta(seconds=min(base * 2 ** (attempt - 1), cap))


class NoRedirects(urllib.request.HTTPRedirectHandler):
    # Following a redirect would turn the POST into a GET without the body: a
    # redirect is an answer other than 2xx, which says the target URL is out of date.
    def redirect_request(self, *args, **kwargs):
        return None


def post(delivery):
    """POST the delivery's body to its target: (status code or None, error)."""
    url = delivery.target.url
    if urlsplit(url).scheme not in ("http", "https"):
        return None, "The target URL must start with http:// or https://."
    body = delivery.payload.encode()
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "health-article-cms-webhooks",
            "X-Signature": sign(body, delivery.target.secret),
            "X-Webhook-Event": delivery.event,
            "X-Webhook-Delivery": str(delivery.pk),
        },
    )
    opener = urllib.request.build_opener(NoRedirects)
    try:
        with opener.open(request, timeout=setting("TIMEOUT", TIMEOUT)) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"
    except urllib.error.URLError as error:
        return None, str(error.reason)
    except (OSError, ValueError) as error:
        # Timeouts while reading, malformed answers, URLs http.client refuses.
        return None, str(error) or type(error).__name__
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"


@task(backend=BACKEND, queue_name=QUEUE)
def deliver_webhook(delivery_id):
    delivery = (
        WebhookDelivery.objects.select_related("target").filter(pk=delivery_id).first()
    )
    if delivery is None:
        return "gone"  # its target was deleted
    if delivery.status in (Status.DELIVERED, Status.FAILED):
        return delivery.status
    if not delivery.target.is_active:
        give_up(delivery.pk, "The target was made inactive.")
        return Status.FAILED.value

    delivery.attempts += 1
    delivery.last_status_code, error = post(delivery)
    delivery.last_error = error[:255]
    now = timezone.now()
    if not error:
        delivery.status = Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= setting("MAX_ATTEMPTS", MAX_ATTEMPTS):
        delivery.status = Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save()

    if delivery.status == Status.RETRYING:
        try:
            deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(
                delivery.pk
            )
        except Exception as enqueue_error:
            logger.exception("Webhook delivery %s was not queued again", delivery.pk)
            give_up(delivery.pk, f"Not queued again: {enqueue_error}")
            return Status.FAILED.value
    if error:
        logger.warning(
            "Webhook delivery %s to %s failed (attempt %s): %s",
            delivery.pk,
            delivery.target.url,
            delivery.attempts,
            error,
        )
    return delivery.status
