from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cms.slugs import unique_slug


class Topic(index.Indexed, models.Model):
    """A condition, treatment or supplement that articles are about."""

    class Kind(models.TextChoices):
        CONDITION = "condition", _("Condition")
        TREATMENT = "treatment", _("Treatment")
        SUPPLEMENT = "supplement", _("Supplement")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text=_("Used in web addresses and the API. Leave blank to make one."),
    )
    description = models.TextField(
        blank=True,
        max_length=1000,
        help_text=_("One or two plain sentences shown on the topic's page."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("slug"),
        FieldPanel("description"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def api_representation(self):
        return {"name": self.name, "slug": self.slug, "kind": self.kind}
