"""Whole responses for anonymous visitors, served from the shared cache.

A health site's traffic comes in spikes and is almost all anonymous, so the same
HTML and JSON is rendered again and again. ``PageCacheMiddleware`` keeps each
public 200 response in the default cache (Redis when ``REDIS_URL`` is set, so every
app server shares it) and serves it again while the content version
(``cms.content_version``) is unchanged: one read of the cache, no query.

Every entry is stamped with the content version it was rendered under, and is
served only while that is still the current version. A publish, an unpublish, a
move, a deletion, or a change to anything a page shows bumps the version when its
transaction commits, so one bump retires every entry at once, on every server.
The key holds the scheme, host, full path and today's date: review status follows
the date, and an entry never outlives ``PAGE_CACHE_SECONDS`` (at most a day).

Never cached, because what they get differs from visitor to visitor:
- requests carrying a session cookie (logged-in staff, readers who entered a page
  password) or a messages cookie;
- responses that set a cookie, used the CSRF token (a password form, a login
  form), say ``private``, ``no-store`` or ``no-cache`` (the comment token, the
  comment page, previews), stream, or are anything but a 200;
- paths under ``PAGE_CACHE_EXCLUDED_PATHS`` (the admin, reader comments,
  documents, previews), whatever they answer.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import cc_delim_re, patch_cache_control

from cms import content_version

UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
# Hop-by-hop and per-request headers a stored response must not replay.
NOT_STORED_HEADERS = {"set-cookie", "server-timing", "date", "connection"}


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def is_cacheable_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    excluded = settings.PAGE_CACHE_EXCLUDED_PATHS
    if any(request.path.startswith(path) for path in excluded):
        return False
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def cache_control_directives(response):
    return {
        directive.split("=", 1)[0].strip().lower()
        for directive in cc_delim_re.split(response.get("Cache-Control", ""))
        if directive.strip()
    }


def is_cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not cache_control_directives(response) & UNCACHEABLE_DIRECTIVES
    )


def entry_key(request):
    address = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            timezone.localdate().isoformat(),
        ]
    )
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def freeze(version, response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in NOT_STORED_HEADERS
    ]
    return (version, response.status_code, headers, response.content)


def thaw(entry):
    _version, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class PageCacheMiddleware:
    """See the module docstring. Sits inside the CORS middleware (which adds its
    headers to cached answers too) and before sessions and CSRF."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds:
            cache = page_cache()
            key = entry_key(request)
            found = cache.get_many([content_version.CACHE_KEY, key])
            version = content_version.from_cache(
                found.get(content_version.CACHE_KEY), cache
            )
            request.content_version = version  # for fragments (cms.fragment_cache)
            entry = found.get(key)
            if entry is not None and entry[0] == version:
                request.page_cache = "hit"
                return thaw(entry)

        response = self.get_response(request)
        if request.method != "GET" or not is_cacheable_response(request, response):
            return response
        # The same for every anonymous visitor: a front-end cache may keep it too
        # (it is purged on change: cms.frontend_cache).
        if "Cache-Control" not in response:
            patch_cache_control(
                response,
                public=True,
                max_age=settings.PAGE_CACHE_MAX_AGE,
                s_maxage=settings.PAGE_CACHE_S_MAXAGE,
            )
        if seconds:
            cache.set(key, freeze(version, response), seconds)
            request.page_cache = "miss"
        return response
