from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from cms.models.base import NamedSnippet


class Person(NamedSnippet):
    """Someone who writes or medically reviews content, with their credentials."""

    credentials = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Post-nominal letters readers will see, e.g. “MD, FRCPsych”."),
    )
    role = models.CharField(
        _("role or job title"),
        max_length=255,
        blank=True,
        help_text=_("For example “Consultant psychiatrist”."),
    )
    bio = models.TextField(
        blank=True,
        max_length=1000,
        help_text=_("A few sentences about the person's expertise. Plain text."),
    )
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    profile_url = models.URLField(
        _("profile URL"),
        blank=True,
        help_text=_("A page about the person, such as their professional profile."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("profile_url"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("credentials"),
        index.SearchField("role"),
    ]

    class Meta(NamedSnippet.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def api_representation(self):
        return {
            "name": self.name,
            "slug": self.slug,
            "credentials": self.credentials,
            "role": self.role,
            "url": self.profile_url,
        }
