from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

from cms.models import IntroPage
from health_articles.models import ChildRouteMixin, HealthArticlePage


class HomePage(ChildRouteMixin, IntroPage):
    content_panels = IntroPage.content_panels + [
        InlinePanel(
            "featured_articles",
            max_num=3,
            label=_("Featured article"),
            heading=_("Featured articles"),
            help_text=_(
                "Up to three articles shown first on the home page. Only live, "
                "public articles show."
            ),
        )
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    child_page_model = "health_articles.HealthArticleIndexPage"

    latest_articles_count = 6

    class Meta:
        verbose_name = _("home page")

    def featured(self):
        """The featured articles that are live and public, in the chosen order."""
        order = list(self.featured_articles.values_list("article_id", flat=True))
        articles = HealthArticlePage.objects.for_listing().filter(pk__in=order)
        return sorted(articles, key=lambda article: order.index(article.pk))

    def latest_articles(self, exclude=()):
        articles = HealthArticlePage.objects.descendant_of(self).for_listing()
        return articles.exclude(pk__in=[a.pk for a in exclude])[
            : self.latest_articles_count
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured()
        context["latest"] = self.latest_articles(exclude=context["featured"])
        return context


class HomeFeaturedArticle(Orderable):
    page = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_articles"
    )
    article = models.ForeignKey(
        "health_articles.HealthArticlePage", on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("article")]
