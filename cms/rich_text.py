from django.utils.html import escape
from wagtail.api.utils import get_full_url
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from cms.preload import current_scope, preloaded
from cms.visibility import visible_pages


class PublicPageLinkHandler(PageLinkHandler):
    """Links to pages that are live, public and unexpired (``cms.visibility``); any
    other page becomes plain text.

    Wagtail's own handler links to drafts and private pages too, which would leak
    their URLs (and so their slugs) to every reader and API client. A link whose
    target is not visible renders as ``<a>`` without ``href``: plain text to readers.
    Within a ``cms.preload`` scope the pages come from there (one query for the
    whole response); in the API's scope the URL is absolute.
    """

    @classmethod
    def get_many(cls, attrs_list):
        ids = [attrs.get("id") for attrs in attrs_list]
        found = preloaded(Page, ids)
        if found is not None:
            return found
        pages = (
            visible_pages()
            .filter(id__in=[id_ for id_ in ids if str(id_).isdigit()])
            .defer_streamfields()
            .specific()
        )
        by_id = {str(page.id): page for page in pages}
        return [by_id.get(str(id_)) for id_ in ids]

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        scope = current_scope()
        if scope is None or not scope.absolute_urls:
            return super().expand_db_attributes_many(attrs_list)
        links = []
        for page in cls.get_many(attrs_list):
            url = page.get_full_url(scope.request) if page else None
            links.append(f'<a href="{escape(url)}">' if url else "<a>")
        return links


class AbsoluteDocumentLinkHandler(DocumentLinkHandler):
    """Wagtail's document links, taken from a ``cms.preload`` scope when there is
    one; absolute in the API's."""

    @classmethod
    def get_many(cls, attrs_list):
        found = preloaded(cls.get_model(), [attrs.get("id") for attrs in attrs_list])
        return found if found is not None else super().get_many(attrs_list)

    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        scope = current_scope()
        if scope is None or not scope.absolute_urls:
            return super().expand_db_attributes_many(attrs_list)
        return [
            f'<a href="{escape(get_full_url(scope.request, doc.url))}">'
            if doc
            else "<a>"
            for doc in cls.get_many(attrs_list)
        ]
