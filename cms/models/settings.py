from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField

from cms.blocks import INLINE_FEATURES


@register_setting(icon="site")
class OrganisationSettings(BaseSiteSetting):
    organisation_name = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("The publisher's name, shown in the footer and to search engines."),
    )
    default_disclaimer = RichTextField(
        blank=True,
        features=INLINE_FEATURES,
        help_text=_(
            "Shown at the end of every article unless the article has its own."
        ),
    )

    panels = [FieldPanel("organisation_name"), FieldPanel("default_disclaimer")]

    class Meta:
        verbose_name = _("organisation")
