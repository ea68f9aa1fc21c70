"""Webhooks (cms.webhooks) when an article is published, unpublished or deleted."""

from django.db.models.signals import pre_delete
from wagtail.signals import page_published, page_unpublished

from cms.visibility import is_visible
from cms.webhooks import PAGE_DELETED, PAGE_PUBLISHED, PAGE_UNPUBLISHED, send_event
from health_articles.models import HealthArticlePage

# Only what the public could see is announced: a scheduled first publication
# (Wagtail signals it while the page is not yet live), an article in a private
# section, or a draft being deleted says nothing to the outside world.


def article_published(sender, instance, **kwargs):
    if is_visible(instance):
        send_event(PAGE_PUBLISHED, instance)


def article_unpublished(sender, instance, **kwargs):
    # Wagtail unpublishes a live page just before deleting it, without saving it:
    # the database still says live. That is a deletion, sent by article_deleted.
    if HealthArticlePage.objects.filter(pk=instance.pk, live=True).exists():
        return
    if HealthArticlePage.objects.filter(pk=instance.pk).public().exists():
        send_event(PAGE_UNPUBLISHED, instance)


# Before the delete, while the page's URL can still be worked out.
def article_deleted(sender, instance, **kwargs):
    if is_visible(instance):
        send_event(PAGE_DELETED, instance)


def connect():
    page_published.connect(
        article_published, sender=HealthArticlePage, dispatch_uid="article_webhook"
    )
    page_unpublished.connect(
        article_unpublished, sender=HealthArticlePage, dispatch_uid="article_webhook"
    )
    pre_delete.connect(
        article_deleted, sender=HealthArticlePage, dispatch_uid="article_webhook"
    )
