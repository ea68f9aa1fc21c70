"""Content Security Policy: django-csp's middleware with the admin's own policy, and
the endpoint browsers report violations to.

The policy is in ``settings.CONTENT_SECURITY_POLICY`` (or
``CONTENT_SECURITY_POLICY_REPORT_ONLY`` during a report-only rollout): its
``DIRECTIVES`` for public pages, and two keys of our own, ``ADMIN_URL_PREFIXES`` and
``ADMIN_DIRECTIVES``, for the Wagtail admin and the previews it frames. The header is
added on the way out, outside the page cache, so a cached answer gets it too, and
never holds a nonce: every anonymous visitor gets the same bytes. See docs/csp.md.
"""

import json
import logging

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from cms.request_limits import refuse

logger = logging.getLogger(__name__)

POLICY_SETTINGS = {
    False: "CONTENT_SECURITY_POLICY",
    True: "CONTENT_SECURITY_POLICY_REPORT_ONLY",
}
# The name the policy's report-to gives the endpoint (config/settings.py).
REPORT_TO_GROUP = "csp"


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware, giving admin paths and previews the admin's
    directives.

    A view that set a whole policy of its own (django-csp's ``@csp``) keeps it;
    ``@csp_update`` and ``@csp_replace`` apply on top of either policy.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        policy = getattr(settings, POLICY_SETTINGS[report_only], None)
        if parts.config is None and policy and "ADMIN_DIRECTIVES" in policy:
            prefixes = tuple(policy.get("ADMIN_URL_PREFIXES", ()))
            # Wagtail renders a preview through the whole middleware stack with a
            # dummy request for the page's public path (is_dummy): the admin frames
            # that answer, so it gets the admin's policy too.
            if getattr(request, "is_dummy", False) or (
                prefixes and request.path_info.startswith(prefixes)
            ):
                parts.config = policy["ADMIN_DIRECTIVES"]
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        endpoint = settings.CSP_REPORT_ENDPOINT
        if endpoint and "Reporting-Endpoints" not in response:
            policies = response.get("Content-Security-Policy", "") + response.get(
                "Content-Security-Policy-Report-Only", ""
            )
            if "report-to" in policies:
                response["Reporting-Endpoints"] = f'{REPORT_TO_GROUP}="{endpoint}"'
        return response


# The report endpoint. Browsers send one report per violation, so a page that breaks
# the policy sends a burst: the limit per address is generous, and reports past it
# are refused rather than logged.
REPORT_RATE = "60/m"
MAX_REPORT_BYTES = 16 * 1024
# Reports logged from one request at most (the Reporting API batches them).
MAX_REPORTS_LOGGED = 10
MAX_FIELD_CHARS = 500
REPORT_CONTENT_TYPES = {
    "application/csp-report",  # report-uri
    "application/reports+json",  # report-to (the Reporting API)
    "application/json",
}
# The fields logged, under our names, from report-uri's and the Reporting API's.
REPORT_URI_FIELDS = {
    "document": "document-uri",
    "directive": "effective-directive",
    "violated": "violated-directive",
    "blocked": "blocked-uri",
    "source": "source-file",
    "line": "line-number",
    "sample": "script-sample",
    "disposition": "disposition",
}
REPORTING_API_FIELDS = {
    "document": "documentURL",
    "directive": "effectiveDirective",
    "blocked": "blockedURL",
    "source": "sourceFile",
    "line": "lineNumber",
    "sample": "sample",
    "disposition": "disposition",
}


def summary(body, fields):
    found = {}
    for name, key in fields.items():
        value = body.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            found[name] = str(value)[:MAX_FIELD_CHARS]
    return found


def violations(data):
    """The violations in a report-uri or a Reporting API document, each a dict of
    the fields above; None if the document is neither."""
    if isinstance(data, dict) and isinstance(data.get("csp-report"), dict):
        return [summary(data["csp-report"], REPORT_URI_FIELDS)]
    if isinstance(data, list) and all(isinstance(item, dict) for item in data):
        return [
            summary(item["body"], REPORTING_API_FIELDS)
            for item in data
            if item.get("type") == "csp-violation"
            and isinstance(item.get("body"), dict)
        ]
    return None


@csrf_exempt
@never_cache
@require_POST
@ratelimit(key="ip", rate=REPORT_RATE, method="POST", block=False)
def csp_report(request):
    """Log each Content Security Policy violation a browser reports, at WARNING.

    Takes the JSON of ``report-uri`` (``application/csp-report``) and of the
    Reporting API (``application/reports+json``), at most MAX_REPORT_BYTES of it;
    answers 204, or 400, 413 or 429 without logging anything."""
    if getattr(request, "limited", False):
        return refuse(429, "Too many reports.")
    if request.content_type not in REPORT_CONTENT_TYPES:
        return refuse(400, "A report is JSON.")
    # The body's declared length was checked by cms.request_limits already.
    body = request.read(MAX_REPORT_BYTES + 1)
    if len(body) > MAX_REPORT_BYTES:
        return refuse(413, "The report is too large.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested too deep
        return refuse(400, "A report is JSON.")
    found = violations(data)
    if found is None:
        return refuse(400, "Not a Content Security Policy report.")
    for violation in found[:MAX_REPORTS_LOGGED]:
        logger.warning(
            "Content Security Policy violation: %s",
            json.dumps(violation, sort_keys=True),
        )
    return HttpResponse(status=204)
