from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.api import api_router
from cms.csp import csp_report
from cms.openapi.views import api_docs, openapi_document
from cms.views import authenticate_with_password, healthz, robots_txt, security_txt
from health_articles.feeds import LatestArticlesAtomFeed, LatestArticlesFeed
from health_articles.views import search

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/openapi.json", openapi_document, name="api_openapi"),
    path("api/v2/docs/", api_docs, name="api_docs"),
    path("api/v2/", api_router.urls),
    path("search/", search, name="search"),
    path("comments/", include("health_articles.comments.urls")),
    path("feeds/articles.rss", LatestArticlesFeed(), name="articles_rss"),
    path("feeds/articles.atom", LatestArticlesAtomFeed(), name="articles_atom"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("healthz/", healthz, name="healthz"),
    path(".well-known/security.txt", security_txt, name="security_txt"),
    path("csp-report/", csp_report, name="csp_report"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page-password form, with a limit on tries (same address and name).
urlpatterns += [
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/"
        "<int:page_id>/",
        authenticate_with_password,
        name="wagtailcore_authenticate_with_password",
    ),
]

# Wagtail serves every other path from the page tree; it must come last.
urlpatterns += [path("", include(wagtail_urls))]

# A database outage is a 503 "back in a moment" page; any other fault, the 500 page.
handler500 = "cms.views.server_error"
