"""RSS 2.0 and Atom feeds of the latest live, public articles."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from health_articles.models import HealthArticlePage

FEED_LENGTH = 20


class LatestArticlesFeed(Feed):
    title = _("Latest health articles")
    description = _("The newest evidence-based health articles.")

    def get_object(self, request, *args, **kwargs):
        self.site = Site.find_for_request(request)
        return None

    def link(self):
        return self.site.root_url + "/" if self.site else "/"

    def items(self):
        return HealthArticlePage.objects.for_listing()[:FEED_LENGTH]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return article.full_url

    def item_guid(self, article):
        return article.full_url

    item_guid_is_permalink = True

    def item_pubdate(self, article):
        return timezone.make_aware(datetime.combine(article.first_published, time()))

    def item_updateddate(self, article):
        return article.last_published_at

    def item_categories(self, article):
        return [link.topic.name for link in article.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
