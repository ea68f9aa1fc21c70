from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import INLINE_FEATURES
from health_articles.models import HealthArticlePage


class HomePage(Page):
    intro = RichTextField(
        blank=True,
        features=INLINE_FEATURES,
        help_text=_("A few sentences welcoming readers, shown above the articles."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    search_fields = Page.search_fields + [index.SearchField("intro")]

    api_fields = [APIField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    latest_articles_count = 6

    class Meta:
        verbose_name = _("home page")

    def latest_articles(self):
        return (
            HealthArticlePage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-first_published", "-pk")[: self.latest_articles_count]
        )
