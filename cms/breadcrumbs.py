from dataclasses import dataclass


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


def breadcrumbs(page, request=None):
    """From the site's home page down to ``page``, with absolute URLs."""
    ancestors = page.get_ancestors().filter(depth__gt=1)
    return [
        Crumb(ancestor.title, ancestor.get_full_url(request)) for ancestor in ancestors
    ] + [Crumb(page.title, page.get_full_url(request))]
