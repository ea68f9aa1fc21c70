from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler


class PublicPageLinkHandler(PageLinkHandler):
    """Links to pages that are live and public; any other page becomes plain text.

    Wagtail's own handler links to drafts and private pages too, which would leak
    their URLs (and so their slugs) to every reader and API client. A link whose
    target is not visible renders as ``<a>`` without ``href``: plain text to readers.
    """

    @classmethod
    def get_many(cls, attrs_list):
        ids = [attrs.get("id") for attrs in attrs_list]
        pages = (
            Page.objects.live()
            .public()
            .filter(id__in=[id_ for id_ in ids if str(id_).isdigit()])
            .defer_streamfields()
            .specific()
        )
        by_id = {str(page.id): page for page in pages}
        return [by_id.get(str(id_)) for id_ in ids]
