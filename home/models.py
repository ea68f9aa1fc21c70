from django.utils.translation import gettext_lazy as _

from cms.models import IntroPage
from health_articles.models import HealthArticlePage


class HomePage(IntroPage):
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    latest_articles_count = 6

    class Meta:
        verbose_name = _("home page")

    def latest_articles(self):
        articles = HealthArticlePage.objects.descendant_of(self).for_listing()
        return articles[: self.latest_articles_count]
