from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cms.models.base import NamedSnippet


class Topic(NamedSnippet):
    """A condition, treatment or supplement that articles are about."""

    class Kind(models.TextChoices):
        CONDITION = "condition", _("Condition")
        TREATMENT = "treatment", _("Treatment")
        SUPPLEMENT = "supplement", _("Supplement")

    kind = models.CharField(max_length=20, choices=Kind.choices)
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

    class Meta(NamedSnippet.Meta):
        verbose_name = _("topic")

    def api_representation(self):
        return {"name": self.name, "slug": self.slug, "kind": self.kind}
