"""The "Reviews due" report: live articles whose medical review is overdue or near."""

from datetime import date

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from health_articles.models import HealthArticlePage
from health_articles.review import ReviewStatus, review_status_q


def reviews_due(user, today=None):
    """Live articles the user can edit that are due for review within 30 days."""
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(
        user, ["change", "publish"]
    )
    return (
        HealthArticlePage.objects.live()
        .filter(pk__in=editable.values("pk"))
        .filter(
            review_status_q(ReviewStatus.OVERDUE, today)
            | review_status_q(ReviewStatus.DUE_SOON, today)
        )
        .defer_streamfields()
        .prefetch_related("reviewers__person")
    )


class ReviewsDueView(ReportView):
    page_title = _("Reviews due")
    header_icon = "time"
    index_url_name = "health_articles_reviews_due"
    index_results_url_name = "health_articles_reviews_due_results"
    permission_policy = PagePermissionPolicy()
    any_permission_required = ["change", "publish"]
    default_ordering = "next_review_due"
    columns = [
        TitleColumn(
            "title",
            label=_("Article"),
            sort_key="title",
            url_name="wagtailadmin_pages:edit",
        ),
        Column("reviewer_names", label=_("Medical reviewers")),
        DateColumn("last_reviewed", label=_("Last reviewed"), sort_key="last_reviewed"),
        DateColumn(
            "next_review_due", label=_("Next review due"), sort_key="next_review_due"
        ),
        Column("review_status_label", label=_("Status")),
    ]
    list_export = [
        "title",
        "reviewer_names",
        "last_reviewed",
        "next_review_due",
        "review_status_label",
        "full_url",
    ]
    export_headings = {
        "title": _("Article"),
        "reviewer_names": _("Medical reviewers"),
        "last_reviewed": _("Last reviewed"),
        "next_review_due": _("Next review due"),
        "review_status_label": _("Status"),
        "full_url": _("URL"),
    }

    def get_queryset(self):
        return self.order_queryset(reviews_due(self.request.user))

    def get_filename(self):
        return f"reviews-due-{date.today():%Y-%m-%d}"
