from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthArticlesConfig(AppConfig):
    name = "health_articles"
    verbose_name = _("Health articles")

    def ready(self):
        from cms.api import api_router
        from health_articles import signals
        from health_articles.comments.api import ReaderCommentsAPIViewSet

        signals.connect()
        # cms never imports this app: the comments endpoint is added from here.
        api_router.register_endpoint("comments", ReaderCommentsAPIViewSet)
