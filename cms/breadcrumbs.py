from dataclasses import dataclass


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str


def breadcrumbs(page, ancestors, request=None):
    """From the site's home page down to ``page``, with absolute URLs.

    ``ancestors`` are the page's ancestors below the tree's root, top first. One that
    is not live (Wagtail still serves live pages under it) is left out rather than
    named and linked.
    """
    return [
        Crumb(ancestor.title, ancestor.get_full_url(request))
        for ancestor in ancestors
        if ancestor.live
    ] + [Crumb(page.title, page.get_full_url(request))]
