from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import Person, Topic
from cms.publishing import refuse_if_not_ready, refuse_in_editor_if_not_ready
from cms.rich_text import AbsoluteDocumentLinkHandler, PublicPageLinkHandler


# Runs after Wagtail's own registration so that ours replace the default handlers.
@hooks.register("register_rich_text_features", order=100)
def register_link_handlers(features):
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(AbsoluteDocumentLinkHandler)


# Wagtail's edit and create views publish without Page.publish(): check here.
@hooks.register("before_publish_page")
def refuse_pages_not_ready_to_publish(request, page):
    refuse_in_editor_if_not_ready(page)


# A live copy is a publication too.
@hooks.register("before_copy_page")
def refuse_live_copies_of_pages_not_ready(request, page):
    if request.method == "POST" and request.POST.get("publish_copies"):
        refuse_if_not_ready(page)


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "credentials", "role"]
    search_fields = ["name", "credentials", "role"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


register_snippet(PersonViewSet)
register_snippet(TopicViewSet)
