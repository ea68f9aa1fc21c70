"""RSS 2.0 and Atom feeds of the latest live, public articles."""

import re
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from health_articles.models import HealthArticlePage

FEED_LENGTH = 20

# Characters XML 1.0 does not allow; pasted text sometimes carries them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text):
    return XML_ILLEGAL.sub("", str(text))


class LatestArticlesFeed(Feed):
    title = _("Latest health articles")
    description = _("The newest evidence-based health articles.")

    def get_object(self, request, *args, **kwargs):
        return Site.find_for_request(request)

    def link(self, site):
        return site.root_url + "/" if site else "/"

    def items(self):
        return HealthArticlePage.objects.for_listing()[:FEED_LENGTH]

    def item_title(self, article):
        return xml_text(article.title)

    def item_description(self, article):
        # Feed readers take an item's description (RSS) and its summary (Atom,
        # type="html") as HTML: the summary is plain text, so it is escaped for it.
        return escape(xml_text(article.summary))

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
        return [xml_text(link.topic.name) for link in article.topics.all()]


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description
