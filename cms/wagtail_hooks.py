from wagtail import hooks

from cms.rich_text import PublicPageLinkHandler


# Runs after Wagtail's own registration so that ours replaces the default handler.
@hooks.register("register_rich_text_features", order=100)
def register_public_page_links(features):
    features.register_link_type(PublicPageLinkHandler)
