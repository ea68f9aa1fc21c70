from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthArticlesConfig(AppConfig):
    name = "health_articles"
    verbose_name = _("Health articles")

    def ready(self):
        from health_articles import signals

        signals.connect()
