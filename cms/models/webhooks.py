import secrets

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret():
    return secrets.token_urlsafe(32)


class WebhookTarget(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the events are sent, as a POST request with a JSON body."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=100,
        default=new_secret,
        help_text=_(
            "Copy this to the receiver: it checks the X-Signature header with it. "
            "Change it to rotate the secret; deliveries from then on use the new one."
        ),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive targets receive nothing."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook target")
        verbose_name_plural = _("webhook targets")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    class Event(models.TextChoices):
        PUBLISHED = "page.published", _("Published")
        UNPUBLISHED = "page.unpublished", _("Unpublished")
        DELETED = "page.deleted", _("Deleted")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    target = models.ForeignKey(
        WebhookTarget,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("target"),
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    # Not a foreign key: the log outlives the page it tells about.
    page_id = models.PositiveIntegerField(_("page ID"))
    payload = models.TextField(_("payload"), help_text=_("The exact body sent."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.get_event_display()} #{self.page_id} → {self.target}"
