"""The largest request body the site reads: refused with a 413 from its declared
length, before any of it is read (docs/security.md).

The admin takes uploads (images and documents up to their own limits, and the page
editor's forms), so its limit is ``ADMIN_REQUEST_MAX_BYTES``; everything else
(comments, the password form of a private page, Content Security Policy reports)
is small, and its limit is ``PUBLIC_REQUEST_MAX_BYTES``. The limits on what a
request holds (image size and pixels, search length, API ``limit``) are checked
where it is read.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


def refuse(status, message):
    response = HttpResponse(message, status=status, content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return refuse(400, _("The request's Content-Length is not a number."))
        admin = request.path_info.startswith(settings.ADMIN_PATH_PREFIX)
        limit = (
            settings.ADMIN_REQUEST_MAX_BYTES
            if admin
            else settings.PUBLIC_REQUEST_MAX_BYTES
        )
        if length > limit:
            return refuse(
                413,
                _(
                    "The request is too large: %(size)s bytes, where at most "
                    "%(limit)s are accepted."
                )
                % {"size": f"{length:,}", "limit": f"{limit:,}"},
            )
        return self.get_response(request)
