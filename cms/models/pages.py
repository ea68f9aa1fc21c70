from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import INLINE_FEATURES


class IntroPage(Page):
    """A page that opens with a short rich-text introduction (home, listings)."""

    intro = RichTextField(
        blank=True,
        features=INLINE_FEATURES,
        help_text=_("A few sentences shown above the page's list of articles."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro")]

    class Meta:
        abstract = True
