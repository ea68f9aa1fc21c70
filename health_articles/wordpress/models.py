from django.db import models
from django.utils.translation import gettext_lazy as _


class WordPressOrigin(models.Model):
    """Where an imported article came from, so a second import updates it in place
    and the admin can show its original address."""

    page = models.OneToOneField(
        "health_articles.HealthArticlePage",
        on_delete=models.CASCADE,
        related_name="wordpress_origin",
    )
    guid = models.CharField(_("WordPress GUID"), max_length=500, unique=True)
    post_id = models.PositiveBigIntegerField(_("WordPress post id"), db_index=True)
    original_url = models.URLField(_("original address"), max_length=500, blank=True)
    imported_revision = models.ForeignKey(
        "wagtailcore.Revision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The revision the last import wrote; a newer one is an edit."),
    )
    imported_at = models.DateTimeField(_("last imported"), auto_now=True)
    imported_comments = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "WordPress ids of the comments imported, so that one a moderator "
            "deleted is not imported again."
        ),
    )

    class Meta:
        verbose_name = _("WordPress origin")

    def __str__(self):
        return self.original_url or self.guid

    def edited_since_import(self):
        """A newer revision, or an editor unpublishing it, since the import."""
        from wagtail.models import PageLogEntry

        if self.imported_revision_id is None:
            return False
        if self.page.latest_revision_id != self.imported_revision_id:
            return True
        return PageLogEntry.objects.filter(
            page_id=self.page_id,
            action="wagtail.unpublish",
            timestamp__gt=self.imported_at,
        ).exists()
