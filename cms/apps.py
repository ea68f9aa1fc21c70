from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "CMS"

    def ready(self):
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Site

        from cms import checks, content_version, frontend_cache  # noqa: F401
        from cms.lockouts import forget_own_failures
        from cms.publishing import make_publishing_atomic

        make_publishing_atomic()
        user_logged_in.connect(forget_own_failures, dispatch_uid="cms-lockouts")
        content_version.watch_models()
        frontend_cache.connect(
            referred_models=[
                apps.get_model("cms", "Person"),
                apps.get_model("cms", "Topic"),
                get_image_model(),
                get_document_model(),
            ],
            site_wide_models=[apps.get_model("cms", "OrganisationSettings"), Site],
        )
