from dataclasses import dataclass


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


def breadcrumbs(page, request=None):
    """From the site's home page down to ``page``, with absolute URLs.

    An ancestor that is not live (Wagtail still serves live pages under it) is left
    out rather than named and linked.
    """
    ancestors = page.get_ancestors().filter(depth__gt=1).live()
    return [
        Crumb(ancestor.title, ancestor.get_full_url(request)) for ancestor in ancestors
    ] + [Crumb(page.title, page.get_full_url(request))]
