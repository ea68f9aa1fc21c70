import logging
import sys
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit
from wagtail import views as wagtail_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import Page, PageViewRestriction

logger = logging.getLogger(__name__)


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# security.txt (RFC 9116) must say when it stops being valid, at most a year ahead.
SECURITY_TXT_VALID_DAYS = 180


def security_txt(request):
    """``/.well-known/security.txt``: where to report a vulnerability
    (``SECURITY_CONTACT``); a 404 while none is configured."""
    if not settings.SECURITY_CONTACT:
        raise Http404
    expires = timezone.now().replace(microsecond=0) + timedelta(
        days=SECURITY_TXT_VALID_DAYS
    )
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en",
        f"Canonical: {request.build_absolute_uri(request.path)}",
    ]
    response = HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.exception("Health check: the database does not answer.")
        return False


def cache_answers():
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:  # any client error: connection refused, timeout, protocol
        logger.exception("Health check: the cache does not answer.")
        return False


@never_cache
def healthz(request):
    """For load balancers: 503 while the database does not answer, 200 otherwise.

    The cache is reported but does not fail the check: with Redis down every app
    server still serves pages from the database (cache errors are ignored), and a
    shared Redis failing would otherwise take every server out of the pool at once.
    Its state shows as ``"status": "degraded"``. Never cached; exempt from the
    HTTPS redirect."""
    checks = {
        "database": "ok" if database_answers() else "unavailable",
        "cache": "ok" if cache_answers() else "unavailable",
    }
    if checks["database"] != "ok":
        status = "unavailable"
    elif checks["cache"] != "ok":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, **checks}, status=503 if status == "unavailable" else 200
    )


# Tries at a page's password, per client address, across every protected page.
UNLOCK_TRIES_PER_HOUR = "10/h"


@ratelimit(key="ip", rate=UNLOCK_TRIES_PER_HOUR, method="POST", block=False)
def authenticate_with_password(request, page_view_restriction_id, page_id):
    """Wagtail's page-password form, at most UNLOCK_TRIES_PER_HOUR tries from one
    address: past that the form comes back with the reason and a 429, whatever
    the password (Wagtail's own view lets a password be guessed without limit)."""
    if not getattr(request, "limited", False):
        return wagtail_views.authenticate_with_password(
            request, page_view_restriction_id, page_id
        )
    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
    page = get_object_or_404(Page, id=page_id).specific
    form = PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url")}
    )
    form.cleaned_data = {}  # add_error() expects a validated form
    form.add_error(
        None,
        _("Too many tries at a password from your address. Try again in an hour."),
    )
    action_url = reverse(
        "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
    )
    response = page.serve_password_required_response(request, form, action_url)
    response.status_code = 429
    return response


# How long a visitor is asked to wait when the database is unavailable.
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """Django's 500 handler, except for a database that is down, restarting or
    refusing connections: that is a 503 with a page saying to try again shortly,
    which load balancers and crawlers read as temporary. The page is static and
    needs no database."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    return defaults.server_error(request)
