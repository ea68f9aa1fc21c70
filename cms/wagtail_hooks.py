from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.models import Person, Topic, WebhookDelivery, WebhookTarget
from cms.publishing import refuse_if_not_ready, refuse_in_editor_if_not_ready
from cms.rich_text import AbsoluteDocumentLinkHandler, PublicPageLinkHandler
from cms.visibility import is_expired


# Runs after Wagtail's own registration so that ours replace the default handlers.
@hooks.register("register_rich_text_features", order=100)
def register_link_handlers(features):
    features.register_link_type(PublicPageLinkHandler)
    features.register_link_type(AbsoluteDocumentLinkHandler)


# A page past its expiry time is gone at once, not when the scheduler next runs.
@hooks.register("before_serve_page")
def refuse_expired_pages(page, request, serve_args, serve_kwargs):
    if is_expired(page):
        raise Http404


# Wagtail's edit and create views publish without Page.publish(): check here.
@hooks.register("before_publish_page")
def refuse_pages_not_ready_to_publish(request, page):
    refuse_in_editor_if_not_ready(page)


# A live copy is a publication too.
@hooks.register("before_copy_page")
def refuse_live_copies_of_pages_not_ready(request, page):
    if request.method == "POST" and request.POST.get("publish_copies"):
        refuse_if_not_ready(page)


# Wagtail's snippet chooser asks for no permission: anyone who can open the admin
# could list every person and topic through it. Ours asks what the listing asks,
# some permission on the model (setup_roles gives editors and reviewers "view").
class ListingPermissionRequired(PermissionCheckedMixin):
    any_permission_required = ["add", "change", "delete", "view"]


class ChooseView(ListingPermissionRequired, chooser.ChooseView):
    pass


class ChooseResultsView(ListingPermissionRequired, chooser.ChooseResultsView):
    pass


class ChosenView(ListingPermissionRequired, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(ListingPermissionRequired, chooser.SnippetChosenMultipleView):
    pass


class PermissionCheckedChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView


class PersonViewSet(SnippetViewSet):
    model = Person
    chooser_viewset_class = PermissionCheckedChooserViewSet
    icon = "user"
    menu_label = _("People")
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "credentials", "role"]
    search_fields = ["name", "credentials", "role"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    chooser_viewset_class = PermissionCheckedChooserViewSet
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 210
    add_to_admin_menu = True
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


register_snippet(PersonViewSet)
register_snippet(TopicViewSet)


# Webhooks (cms.webhooks): superusers manage the targets and read the delivery log.
# Wagtail's model permissions apply (for the log, only "view"); no group has them.


class WebhookTargetViewSet(ModelViewSet):
    model = WebhookTarget
    name = "webhook_targets"
    url_prefix = "webhooks/targets"
    icon = "link"
    menu_label = _("Webhook targets")
    copy_view_enabled = False
    add_to_reference_index = False
    form_fields = ["name", "url", "secret", "is_active"]
    list_display = [
        "name",
        "url",
        BooleanColumn("is_active", label=_("Active")),
        "created_at",
    ]
    list_filter = ["is_active"]

    def get_permissions_to_register(self):
        return Permission.objects.none()  # superusers only, never a group

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, **kwargs)


class SuperusersOnlyPermissionPolicy(ModelPermissionPolicy):
    """Only superusers, whatever a group is given: targets hold their secrets."""

    read_only = False

    def user_has_permission(self, user, action):
        if self.read_only and action != "view":
            return False
        return user.is_active and user.is_superuser

    def users_with_any_permission(self, actions):
        if self.read_only and "view" not in actions:
            return get_user_model().objects.none()
        return get_user_model().objects.filter(is_active=True, is_superuser=True)


class ReadOnlyPermissionPolicy(SuperusersOnlyPermissionPolicy):
    """Superusers may only view: the log is written by the webhooks alone."""

    read_only = True


register_permission_policy(
    WebhookTarget, SuperusersOnlyPermissionPolicy(WebhookTarget), exact_class=True
)
register_permission_policy(
    WebhookDelivery, ReadOnlyPermissionPolicy(WebhookDelivery), exact_class=True
)


class WebhookDeliveryIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("target")


class WebhookDeliveryViewSet(ModelViewSet):
    model = WebhookDelivery
    name = "webhook_deliveries"
    url_prefix = "webhooks/deliveries"
    icon = "list-ul"
    menu_label = _("Webhook deliveries")
    index_view_class = WebhookDeliveryIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_display = [
        "event",
        "page_id",
        "target",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "target", "event"]
    inspect_view_fields = [
        "event",
        "page_id",
        "target",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "next_attempt_at",
        "payload",
    ]

    def get_urlpatterns(self):
        # Read only: the listing and the inspect view, no forms.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path(
                f"inspect/<{self.pk_path_converter}:pk>/",
                self.inspect_view,
                name="inspect",
            ),
        ]

    def get_permissions_to_register(self):
        return Permission.objects.none()  # superusers only, never a group


class WebhooksViewSetGroup(ViewSetGroup):
    menu_label = _("Webhooks")
    menu_icon = "link"
    menu_order = 9500  # between Reports and Settings
    items = (WebhookTargetViewSet, WebhookDeliveryViewSet)


@hooks.register("register_admin_viewset")
def register_webhook_viewsets():
    return WebhooksViewSetGroup()


# Sign-in lockouts (cms.lockouts): Settings → Sign-in lockouts.


@hooks.register("register_admin_viewset")
def register_lockout_viewset():
    from cms.lockouts import LockoutViewSet

    return LockoutViewSet()
