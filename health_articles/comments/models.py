from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

MAX_COMMENT_LENGTH = 5000

web_url = URLValidator(
    schemes=["http", "https"],
    message=_("Enter a web address starting with http:// or https://."),
)


class ReaderCommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=ReaderComment.Status.APPROVED)

    def pending(self):
        return self.filter(status=ReaderComment.Status.PENDING)

    def shown_on(self, page):
        """What the article shows: approved comments and their approved replies,
        oldest first (one query)."""
        return (
            self.approved()
            .filter(page=page)
            .filter(
                models.Q(parent__isnull=True)
                | models.Q(parent__status=ReaderComment.Status.APPROVED)
            )
            .order_by("created_at", "pk")
        )


class ReaderComment(models.Model):
    """A reader's comment on an article (not Wagtail's editorial comments)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    page = models.ForeignKey(
        "health_articles.HealthArticlePage",
        on_delete=models.CASCADE,
        related_name="reader_comments",
        verbose_name=_("article"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(
        _("e-mail"), help_text=_("Never published; kept to contact the reader.")
    )
    website = models.URLField(
        _("website"), blank=True, max_length=300, validators=[web_url]
    )
    text = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    flagged = models.BooleanField(
        _("needs attention"),
        default=False,
        help_text=_("Many links or a blocked word: read it carefully."),
    )
    flag_reasons = models.CharField(_("why flagged"), max_length=255, blank=True)
    is_staff_reply = models.BooleanField(_("staff reply"), default=False)
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    import_key = models.CharField(
        _("imported from"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("Where an imported comment came from (e.g. its WordPress id)."),
    )

    objects = ReaderCommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader comment")
        verbose_name_plural = _("reader comments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["page", "import_key"],
                condition=~models.Q(import_key=""),
                name="reader_comment_imported_once",
            )
        ]

    def __str__(self):
        return _("%(name)s on “%(article)s”") % {
            "name": self.name,
            "article": self.page.title if self.page_id else "",
        }

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("Replies can only be made to a top-level comment.")}
                )
            if self.parent.page_id != self.page_id:
                raise ValidationError(
                    {"parent": _("A reply must be on the same article.")}
                )

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    def excerpt(self, length=80):
        text = " ".join(self.text.split())
        return text if len(text) <= length else text[: length - 1] + "…"


@register_setting(icon="comment")
class CommentSettings(BaseSiteSetting):
    blocklist = models.TextField(
        _("blocked words"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A comment containing any of them is "
            "flagged for attention (it is still held for moderation like any other)."
        ),
    )

    panels = [FieldPanel("blocklist")]

    class Meta:
        verbose_name = _("reader comment settings")

    def blocked_words(self):
        return [
            line.strip().lower() for line in self.blocklist.splitlines() if line.strip()
        ]


def _track_status(sender, instance, **kwargs):
    instance._saved_status = instance.status


def _bump_if_visible(sender, instance, **kwargs):
    """An approved comment appearing, changing or going away changes the page."""
    from cms import content_version, frontend_cache

    approved = ReaderComment.Status.APPROVED
    was_shown = getattr(instance, "_saved_status", None) == approved
    if instance.is_approved or was_shown:
        content_version.bump()
        frontend_cache.purge_pages_after_commit([instance.page])
    instance._saved_status = instance.status


models.signals.post_init.connect(_track_status, sender=ReaderComment)
models.signals.post_save.connect(_bump_if_visible, sender=ReaderComment)
models.signals.post_delete.connect(_bump_if_visible, sender=ReaderComment)
