from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from cms.slugs import unique_slug


class NamedSnippet(index.Indexed, models.Model):
    """A snippet with a name and a unique slug made from it when left blank."""

    name = models.CharField(max_length=255)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text=_("Used in web addresses and the API. Leave blank to make one."),
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)
