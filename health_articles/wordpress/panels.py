from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class WordPressOriginPanel(Panel):
    """Read only: the WordPress post an article was imported from, if any."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Imported from WordPress"))
        super().__init__(**kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/wordpress/origin_panel.html"

        def origin(self):
            from health_articles.wordpress.models import WordPressOrigin

            if not self.instance.pk:
                return None
            return WordPressOrigin.objects.filter(page_id=self.instance.pk).first()

        def is_shown(self):
            return self.origin() is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["origin"] = self.origin()
            return context
