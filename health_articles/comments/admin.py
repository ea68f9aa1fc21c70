"""Reader comments in the Wagtail admin: the listing moderators work through, the
status form, bulk approve and reject, replies as staff and the dashboard count.

Always "Reader comments", never plain "Comments": Wagtail's own comments are
editors' notes on drafts, and the two must not be confused. The registrations are
in ``health_articles/wagtail_hooks.py``.
"""

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaks_filter
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.components import MediaContainer
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import (
    BulkActionsCheckboxColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views import snippets as snippet_views

from health_articles.comments.models import MAX_COMMENT_LENGTH, ReaderComment
from health_articles.comments.moderation import set_status, staff_reply

NAMESPACE = "reader_comments"
PERSONAL_FIELDS = ("email", "ip_address")  # for moderators' eyes only


class ReaderCommentPermissionPolicy(ModelPermissionPolicy):
    """Readers write reader comments: nobody adds one through an admin form.
    Django's "add" permission on them is the right to reply as staff (the "reply"
    action); "change" is the right to approve and reject, "delete" to delete."""

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, "add" if action == "reply" else action)

    def users_with_any_permission(self, actions):
        actions = {
            "add" if action == "reply" else action
            for action in actions
            if action != "add"
        }
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


def policy():
    return policy_registry.get_by_type(ReaderComment)


def can_moderate(user):
    return policy().user_has_permission(user, "change")


def can_reply_to(comment):
    """Staff reply to top-level comments that are, or may become, visible."""
    return (
        comment.parent_id is None
        and not comment.is_staff_reply
        and comment.status != ReaderComment.Status.REJECTED
    )


def articles_with_comments(request):
    from health_articles.models import HealthArticlePage

    return HealthArticlePage.objects.filter(
        pk__in=ReaderComment.objects.values("page_id")
    ).order_by("title")


class ReaderCommentFilterSet(WagtailFilterSet):
    page = django_filters.ModelChoiceFilter(
        label=_("Article"), queryset=articles_with_comments, empty_label=_("All")
    )

    class Meta:
        model = ReaderComment
        fields = ["status", "flagged", "page"]


SEARCH_FIELDS = ["name", "text"]


def listed_comment_ids(request):
    """The reader comments the listing shows for the request's filters and search:
    what "select all in listing" means for a bulk action (Wagtail's default is
    every comment, whatever the filters)."""
    filters = ReaderCommentFilterSet(
        request.GET, queryset=ReaderComment.objects.all(), request=request
    )
    if not filters.is_valid():
        return ReaderComment.objects.none().values_list("pk", flat=True)
    comments = filters.qs
    query = request.GET.get("q", "").strip()
    if query:
        matches = Q()
        for field in SEARCH_FIELDS:
            matches |= Q(**{f"{field}__icontains": query})
        comments = comments.filter(matches)
    return comments.values_list("pk", flat=True)


def reply_url(comment):
    return reverse(f"{NAMESPACE}:reply", args=[quote(comment.pk)])


def flag_marker(comment):
    if not comment.flagged:
        return ""
    return comment.flag_reasons or gettext("Flagged")


def name_with_role(comment):
    if comment.is_staff_reply:
        return gettext("%(name)s (staff)") % {"name": comment.name}
    return comment.name


# Listing, status form and detail


class ReaderCommentIndexView(snippet_views.IndexView):
    @cached_property
    def user_can_moderate(self):
        return self.user_has_permission("change")

    @cached_property
    def user_can_reply(self):
        return self.user_has_permission("reply")

    @cached_property
    def columns(self):
        title_column_class = self._get_title_column_class(TitleColumn)
        columns = [
            title_column_class(
                "excerpt",
                label=_("Comment"),
                get_url=lambda comment: (
                    self.get_edit_url(comment) or self.get_inspect_url(comment)
                ),
                get_title_id=lambda comment: f"snippet_{quote(comment.pk)}_title",
            ),
            Column("name", label=_("Name"), accessor=name_with_role, sort_key="name"),
            Column(
                "page",
                label=_("Article"),
                accessor="page.title",
                sort_key="page__title",
            ),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda comment: comment.is_approved,
                sort_key="status",
            ),
            Column("flagged", label=_("Needs attention"), accessor=flag_marker),
            DateColumn("created_at", label=_("Posted"), sort_key="created_at"),
        ]
        if self.user_can_moderate:
            columns.insert(
                0, BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet")
            )
        return columns

    def get_context_data(self, *args, **kwargs):
        return super().get_context_data(
            *args, user_can_moderate=self.user_can_moderate, **kwargs
        )

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_can_reply and can_reply_to(instance):
            buttons.append(
                MenuItem(
                    _("Reply as staff"),
                    url=reply_url(instance),
                    icon_name="comment",
                    priority=15,
                )
            )
        return buttons


class ReplyButtonMixin:
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.user_has_permission("reply") and can_reply_to(self.object):
            buttons.append(
                Button(
                    _("Reply as staff"),
                    url=reply_url(self.object),
                    icon_name="comment",
                    priority=5,
                )
            )
        return buttons


class ReaderCommentEditView(ReplyButtonMixin, snippet_views.EditView):
    """Moderators change the status only; the reader's words stay as written."""

    def get_side_panels(self):
        # Wagtail's status panel would call every reader comment "Live".
        return MediaContainer([])

    def save_instance(self):
        set_status(
            ReaderComment.objects.filter(pk=self.object.pk),
            self.form.cleaned_data["status"],
            self.request.user,
        )
        self.object.refresh_from_db()
        return self.object


class ReaderCommentInspectView(ReplyButtonMixin, snippet_views.InspectView):
    """Everything about a comment; the e-mail and IP address only for those who
    moderate (they are personal data)."""

    def get_fields(self):
        fields = super().get_fields()
        if not can_moderate(self.request.user):
            fields = [field for field in fields if field not in PERSONAL_FIELDS]
        return fields

    def get_text_display_value(self):
        return linebreaks_filter(self.object.text, autoescape=True)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value


class ReadOnlyPanel(FieldPanel):
    """A field as the reader sent it (or as moderation left it), never editable."""

    def __init__(self, field_name, **kwargs):
        kwargs["read_only"] = True
        super().__init__(field_name, **kwargs)

    def format_value_for_display(self, value):
        # Panel's, not FieldPanel's: these fields have no choices to look up, and
        # building their form fields to find out is wasted work.
        value = Panel.format_value_for_display(self, value)
        return "—" if value is None or value == "" else value


# Replies as staff


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Published under the article at once, with your name and a “Staff” badge."
        ),
        error_messages={"required": _("Write your reply.")},
    )


class StaffReplyView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = ReaderComment
    permission_required = "reply"
    template_name = "health_articles/comments/admin/reply.html"
    form_class = StaffReplyForm
    page_title = _("Reply as staff")
    header_icon = "comment"
    index_url_name = None

    @cached_property
    def comment(self):
        comment = get_object_or_404(
            ReaderComment.objects.select_related("page"), pk=self.kwargs["pk"]
        )
        if not can_reply_to(comment):
            raise Http404("Staff reply to top-level reader comments only.")
        return comment

    def get_page_subtitle(self):
        return str(self.comment)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(ReaderComment._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.comment)},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            comment=self.comment,
            action_url=reply_url(self.comment),
            submit_button_label=gettext("Publish reply"),
            submit_button_active_label=gettext("Publishing…"),
            **kwargs,
        )

    def form_valid(self, form):
        reply = staff_reply(self.comment, self.request.user, form.cleaned_data["text"])
        messages.success(
            self.request,
            gettext("Your reply to %(name)s is published.")
            % {"name": self.comment.name},
            buttons=[
                messages.button(
                    f"{self.comment.page.url}#comment-{reply.pk}",
                    gettext("View on the article"),
                    new_window=True,
                )
            ],
        )
        return redirect(reverse(self.index_url_name))


# The viewset


class ReaderCommentViewSet(snippet_views.SnippetViewSet):
    model = ReaderComment
    url_namespace = NAMESPACE
    url_prefix = "reader-comments"
    icon = "comment"
    menu_label = _("Reader comments")
    menu_name = "reader-comments"
    menu_order = 160
    add_to_admin_menu = True
    ordering = "-created_at"
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = ReaderCommentIndexView
    edit_view_class = ReaderCommentEditView
    inspect_view_class = ReaderCommentInspectView
    index_template_name = "health_articles/comments/admin/index.html"
    filterset_class = ReaderCommentFilterSet
    search_fields = SEARCH_FIELDS
    search_backend_name = None
    inspect_view_fields = [
        "page",
        "parent",
        "name",
        "email",
        "website",
        "text",
        "ip_address",
        "created_at",
        "status",
        "flag_reasons",
        "moderated_at",
        "moderated_by",
    ]
    panels = [
        MultiFieldPanel(
            [
                ReadOnlyPanel("page"),
                ReadOnlyPanel("parent"),
                ReadOnlyPanel("name"),
                ReadOnlyPanel("email"),
                ReadOnlyPanel("website"),
                ReadOnlyPanel("text"),
                ReadOnlyPanel("ip_address"),
                ReadOnlyPanel("created_at"),
                ReadOnlyPanel("flag_reasons"),
            ],
            heading=_("The reader comment"),
        ),
        FieldPanel("status", widget=forms.RadioSelect),
        MultiFieldPanel(
            [ReadOnlyPanel("moderated_at"), ReadOnlyPanel("moderated_by")],
            heading=_("Moderation"),
        ),
    ]

    def get_queryset(self, request):
        return ReaderComment.objects.select_related("page")

    def register_chooser_viewset(self):
        # Nothing chooses a reader comment, and Wagtail's chooser would list them
        # to anyone who can open the admin.
        pass

    @property
    def reply_view(self):
        return self.construct_view(StaffReplyView)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("reply/<int:pk>/", self.reply_view, name="reply"),
        ]


# Bulk actions: approve, reject and delete the comments ticked in the listing.


class ModerationBulkActionMixin:
    """Only for those who moderate, and "select all" means all that are listed."""

    models = [ReaderComment]
    permission_required = "change"

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(
            request.user, self.permission_required
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_all_objects_in_listing_query(self, parent_id):
        return listed_comment_ids(self.request)


class StatusBulkAction(ModerationBulkActionMixin, SnippetBulkAction):
    status = None
    template_name = "health_articles/comments/admin/confirm_bulk_status.html"

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        comments = ReaderComment.objects.filter(pk__in=[obj.pk for obj in objects])
        return set_status(comments, cls.status, user), 0

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_heading=self.display_name,
            question=self.question,
            action_button_text=self.display_name,
            **kwargs,
        )


class ApproveBulkAction(StatusBulkAction):
    display_name = _("Approve")
    action_type = "approve"
    aria_label = _("Approve selected reader comments")
    action_priority = 10
    status = ReaderComment.Status.APPROVED
    question = _("These reader comments will show under their articles at once:")

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d reader comment approved.",
            "%(count)d reader comments approved.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class RejectBulkAction(StatusBulkAction):
    display_name = _("Reject")
    action_type = "reject"
    aria_label = _("Reject selected reader comments")
    action_priority = 20
    status = ReaderComment.Status.REJECTED
    question = _(
        "These reader comments will not be shown (they stay here, marked rejected):"
    )

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d reader comment rejected.",
            "%(count)d reader comments rejected.",
            num_parent_objects,
        ) % {"count": num_parent_objects}


class DeleteReaderCommentsBulkAction(ModerationBulkActionMixin, DeleteBulkAction):
    """Wagtail's delete, worded for reader comments and honouring the filters on
    "select all". The model's post_delete signal bumps the content version."""

    aria_label = _("Delete selected reader comments")
    permission_required = "delete"


# The dashboard


class PendingReaderCommentsSummaryItem(SummaryItem):
    order = 160
    template_name = "health_articles/comments/admin/pending_summary.html"

    def is_shown(self):
        return can_moderate(self.request.user)

    def get_context_data(self, parent_context):
        return {
            "count": ReaderComment.objects.pending().count(),
            "url": reverse(f"{NAMESPACE}:list") + "?status=pending",
        }
