"""Fragment caches: parts of a page that cost the most to render, kept in the
shared cache under the page's revision and the content version.

A fragment's key holds its name, what it was asked to vary on (the page's
``cache_key``: its id, path and last publication, so a new revision published is a
new key) and the content version (``cms.content_version``), which changes with
anything else a fragment shows: a linked page unpublished, an image replaced.
Unlike the page cache, fragments also serve pages rendered afresh for every
request (the benchmark's "uncached" runs).

Fragments are used only where the content version can be read without a query:
from a cache every app server shares (``PAGE_CACHE_VERSION_SECONDS`` > 0, that is
with Redis). Previews never read or write them: a draft has the same
``cache_key`` as the live page.
"""

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from cms import content_version


def shared_version(request):
    """The content version for ``request``, read once, or None where it would
    take a query."""
    if not settings.PAGE_CACHE_VERSION_SECONDS:
        return None
    version = getattr(request, "content_version", None)
    if version is None:
        cache = caches[settings.PAGE_CACHE_ALIAS]
        version = content_version.from_cache(
            cache.get(content_version.CACHE_KEY), cache
        )
        request.content_version = version
    return version


class Fragment:
    """One fragment for one request: ``value`` is what the cache holds (None on a
    miss; any picklable value: rendered HTML, or HTML with what was worked out
    for it); ``store(value)`` keeps a freshly made one."""

    def __init__(self, request, name, *vary_on):
        self.key = None
        self.value = None
        if not settings.FRAGMENT_CACHE_SECONDS or getattr(request, "is_preview", False):
            return
        version = shared_version(request)
        if version is None:
            return
        # The address the request came to (links and URLs in a fragment follow
        # the site and scheme it was rendered for) and the date (nothing shown
        # outlives the day it was worked out for, such as a review status).
        address = "|".join(
            map(
                str,
                (
                    name,
                    version,
                    request.scheme,
                    request.get_host(),
                    timezone.localdate().isoformat(),
                    *vary_on,
                ),
            )
        )
        self.key = "fragment:" + hashlib.sha256(address.encode()).hexdigest()
        self.value = caches[settings.PAGE_CACHE_ALIAS].get(self.key)

    def store(self, value):
        if self.key is not None:
            caches[settings.PAGE_CACHE_ALIAS].set(
                self.key, value, settings.FRAGMENT_CACHE_SECONDS
            )
        self.value = value
        return value
