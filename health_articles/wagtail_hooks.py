from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from health_articles.comments import admin as reader_comments
from health_articles.comments.models import ReaderComment
from health_articles.models import HealthArticlePage
from health_articles.reports import ReviewsDueView, reviews_due
from health_articles.usage import drafts_using


def can_see_reviews(user):
    return ReviewsDueView.permission_policy.user_has_any_permission(
        user, ReviewsDueView.any_permission_required
    )


@hooks.register("register_admin_urls")
def register_reviews_due_urls():
    return [
        path(
            "reports/reviews-due/",
            ReviewsDueView.as_view(),
            name="health_articles_reviews_due",
        ),
        path(
            "reports/reviews-due/results/",
            ReviewsDueView.as_view(results_only=True),
            name="health_articles_reviews_due_results",
        ),
    ]


class ReviewsDueMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_reviews(request.user)


@hooks.register("register_reports_menu_item")
def register_reviews_due_menu_item():
    return ReviewsDueMenuItem(
        _("Reviews due"),
        reverse("health_articles_reviews_due"),
        name="reviews-due",
        icon_name="time",
        order=100,
    )


class ReviewsDueSummaryItem(SummaryItem):
    order = 150
    template_name = "health_articles/admin/reviews_due_summary.html"

    def is_shown(self):
        return can_see_reviews(self.request.user)

    def get_context_data(self, parent_context):
        return {
            "count": reviews_due(self.request.user).count(),
            "url": reverse("health_articles_reviews_due"),
        }


@hooks.register("construct_homepage_summary_items")
def add_reviews_due_summary_item(request, items):
    items.append(ReviewsDueSummaryItem(request))


class HealthArticleListingViewSet(PageListingViewSet):
    model = HealthArticlePage
    icon = "doc-full"
    menu_label = _("Health articles")
    menu_order = 150
    add_to_admin_menu = True
    columns = PageListingViewSet.columns + [
        Column("review_status_label", label=_("Review"), width="10%"),
        DateColumn(
            "next_review_due",
            label=_("Next review due"),
            sort_key="next_review_due",
            width="12%",
        ),
    ]


@hooks.register("register_admin_viewset")
def register_health_article_listing():
    return HealthArticleListingViewSet("health_articles")


@hooks.register("before_delete_snippet")
def keep_people_and_topics_that_drafts_use(request, instances):
    for obj in instances:
        drafts = drafts_using(obj)
        if drafts:
            messages.error(
                request,
                gettext(
                    "“%(name)s” cannot be deleted: the draft of %(titles)s uses it."
                )
                % {
                    "name": obj,
                    "titles": ", ".join(
                        f"“{page.latest_revision.content.get('title', page.title)}”"
                        for page in drafts
                    ),
                },
            )
            meta = obj._meta
            return redirect(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:list")
    return None


# Reader comments (health_articles.comments.admin), never called plain "comments" in
# the admin: those are Wagtail's notes on drafts. The policy comes before the
# viewset, which would otherwise make a default one.
register_permission_policy(
    ReaderComment,
    reader_comments.ReaderCommentPermissionPolicy(ReaderComment),
    exact_class=True,
)
register_snippet(reader_comments.ReaderCommentViewSet)

# Ours replace Wagtail's delete for reader comments: registered after it.
for bulk_action in (
    reader_comments.ApproveBulkAction,
    reader_comments.RejectBulkAction,
    reader_comments.DeleteReaderCommentsBulkAction,
):
    hooks.register("register_bulk_action", bulk_action, order=100)


@hooks.register("construct_homepage_summary_items")
def add_pending_reader_comments_summary_item(request, items):
    items.append(reader_comments.PendingReaderCommentsSummaryItem(request))
