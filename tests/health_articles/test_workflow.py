"""Roles, the medical review workflow and the rules for going live."""

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Comment, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from health_articles.models import HealthArticlePage
from health_articles.roles import HEALTH_EDITORS
from tests.admin_forms import add_url, article_form_data, edit_url
from tests.conftest import member_of
from tests.factories import HealthArticlePageFactory


def bulk_publish(client, page):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    return client.post(f"{url}?id={page.pk}&next=/admin/", {"include_descendants": ""})


def approve_url(page):
    page.refresh_from_db()
    task_state = page.current_workflow_task_state
    return reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )


def submit_for_review(client, editor, article_index, authors, reviewers=()):
    client.force_login(editor)
    data = article_form_data(authors=authors, reviewers=reviewers)
    data["action-submit"] = "Submit for moderation"
    client.post(add_url(article_index), data)
    return HealthArticlePage.objects.get(slug="sleep-and-restless-legs")


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


class TestPermissionMatrix:
    def test_editor_creates_and_submits_but_does_not_publish(
        self, client, editor, reviewer, article_index, people
    ):
        client.force_login(editor)
        data = article_form_data(**people)
        data["action-submit"] = "Submit for moderation"

        response = client.post(add_url(article_index), data)

        assert response.status_code == 302
        page = HealthArticlePage.objects.get(slug="sleep-and-restless-legs")
        assert not page.live
        state = WorkflowState.objects.get(object_id=str(page.pk))
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert state.workflow.name == "Medical review"
        assert [message.to for message in mail.outbox] == [["reviewer@example.com"]]
        assert "Sleep and restless legs" in mail.outbox[0].subject + mail.outbox[0].body

    def test_editor_publish_button_only_saves_a_draft(
        self, client, editor, article_index, people
    ):
        page = HealthArticlePageFactory(parent=article_index, live=False)
        client.force_login(editor)
        data = article_form_data(**people, title="Edited", slug=page.slug)
        data["action-publish"] = "action-publish"

        client.post(edit_url(page), data)

        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision().as_object().title == "Edited"

    def test_editor_cannot_bulk_publish(self, client, editor, article_index):
        page = HealthArticlePageFactory(parent=article_index, live=False)
        page.save_revision()
        client.force_login(editor)

        bulk_publish(client, page)

        page.refresh_from_db()
        assert not page.live

    def test_editor_cannot_edit_outside_the_articles_index(
        self, client, editor, home_page
    ):
        client.force_login(editor)

        response = client.get(edit_url(home_page))

        assert response.status_code == 302
        assert response["Location"] == "/admin/"

    def test_reviewer_approves_and_the_article_goes_live(
        self, client, editor, reviewer, article_index, people
    ):
        client.force_login(editor)
        data = article_form_data(**people)
        data["action-submit"] = "Submit for moderation"
        client.post(add_url(article_index), data)
        page = HealthArticlePage.objects.get(slug="sleep-and-restless-legs")

        client.force_login(reviewer)
        response = client.post(approve_url(page), {"comment": ""})

        assert response.status_code == 302
        page.refresh_from_db()
        assert page.live
        assert client.get(page.url).status_code == 200

    def test_reviewer_leaves_an_editorial_comment_on_the_draft(
        self, client, reviewer, article_index, people
    ):
        page = HealthArticlePageFactory(parent=article_index, live=False)
        client.force_login(reviewer)
        data = article_form_data(**people, title=page.title, slug=page.slug)
        data.update(
            nested_form_data(
                {
                    "comments": inline_formset(
                        [
                            {
                                "contentpath": "summary",
                                "text": "Please cite a trial for this claim.",
                                "position": "",
                                "resolved": "",
                                "replies": inline_formset([]),
                            }
                        ]
                    )
                }
            )
        )

        response = client.post(edit_url(page), data)

        assert response.status_code == 302
        [comment] = Comment.objects.filter(page=page)
        assert comment.text == "Please cite a trial for this claim."
        assert comment.user == reviewer
        assert comment.contentpath == "summary"
        page.refresh_from_db()
        assert not page.live

    def test_editor_cannot_edit_the_articles_index(self, client, editor, article_index):
        client.force_login(editor)

        response = client.get(edit_url(article_index))

        assert response.status_code == 302
        assert response["Location"] == "/admin/"

    def test_reviewer_cannot_unpublish_or_delete_the_articles_index(
        self, client, reviewer, article_index, article
    ):
        client.force_login(reviewer)

        client.post(reverse("wagtailadmin_pages:unpublish", args=[article_index.pk]))
        client.post(reverse("wagtailadmin_pages:delete", args=[article_index.pk]))

        article_index.refresh_from_db()
        article.refresh_from_db()
        assert article_index.live
        assert article.live

    def test_reviewer_still_adds_articles_under_the_index(
        self, client, reviewer, article_index
    ):
        client.force_login(reviewer)

        assert client.get(add_url(article_index)).status_code == 200

    def test_editor_deletes_only_own_unpublished_drafts(
        self, client, editor, django_user_model, article_index
    ):
        colleague = member_of(django_user_model, HEALTH_EDITORS, "colleague")
        theirs = HealthArticlePageFactory(
            parent=article_index, live=False, owner=colleague
        )
        mine = HealthArticlePageFactory(parent=article_index, live=False, owner=editor)
        client.force_login(editor)

        client.post(reverse("wagtailadmin_pages:delete", args=[theirs.pk]))
        client.post(reverse("wagtailadmin_pages:delete", args=[mine.pk]))

        assert HealthArticlePage.objects.filter(pk=theirs.pk).exists()
        assert not HealthArticlePage.objects.filter(pk=mine.pk).exists()

    def test_anonymous_user_gets_the_login_page(self, client, db):
        response = client.get("/admin/")

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_setup_roles_twice_gives_the_same_permissions(self, roles, article_index):
        group = Group.objects.get(name=HEALTH_EDITORS)
        before = sorted(
            group.page_permissions.values_list("permission__codename", flat=True)
        )

        call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115

        after = sorted(
            group.page_permissions.values_list("permission__codename", flat=True)
        )
        assert before == after == ["add_page", "change_page"]


class TestPublishRefusedWithoutReview:
    """Every path to live checks for an author, a reviewer and a review date."""

    def test_edit_view_keeps_the_draft_and_names_what_is_missing(
        self, client, admin_user, article_index, people
    ):
        page = HealthArticlePageFactory(parent=article_index, live=False, reviewers=[])
        client.force_login(admin_user)
        data = article_form_data(
            authors=people["authors"], title="New title", slug=page.slug
        )
        data["last_reviewed"] = ""
        data["next_review_due"] = ""
        data["action-publish"] = "action-publish"

        response = client.post(edit_url(page), data, follow=True)

        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision().as_object().title == "New title"
        [message] = messages_of(response)
        assert "Add at least one medical reviewer (Review tab)." in message
        assert "Add the date it was last reviewed (Review tab)." in message
        assert response.request["PATH_INFO"] == edit_url(page)

    def test_live_article_stays_unchanged_when_publish_is_refused(
        self, client, admin_user, article_index, people
    ):
        # An article that went live before the rules (say, an imported one).
        page = HealthArticlePageFactory(
            parent=article_index, title="Live title", reviewers=[]
        )
        client.force_login(admin_user)
        data = article_form_data(
            authors=people["authors"], title="Unreviewed title", slug=page.slug
        )
        data["action-publish"] = "action-publish"

        client.post(edit_url(page), data)

        page.refresh_from_db()
        assert page.live
        assert page.title == "Live title"
        assert client.get(page.url).context["page"].title == "Live title"
        assert page.get_latest_revision().as_object().title == "Unreviewed title"

    def test_bulk_publish_is_refused(self, client, admin_user, article_index):
        page = HealthArticlePageFactory(parent=article_index, live=False, reviewers=[])
        revision = page.save_revision()
        client.force_login(admin_user)

        response = bulk_publish(client, page)

        page.refresh_from_db()
        assert not page.live
        assert page.get_latest_revision() == revision
        response = client.get(response["Location"])
        assert "Add at least one medical reviewer" in " ".join(messages_of(response))

    def test_workflow_approval_is_refused(
        self, client, editor, reviewer, article_index, people
    ):
        page = submit_for_review(client, editor, article_index, people["authors"])

        client.force_login(reviewer)
        response = client.post(approve_url(page), {"comment": ""}, follow=True)

        page.refresh_from_db()
        assert not page.live
        assert page.workflow_in_progress
        assert page.get_latest_revision() is not None
        assert "Add at least one medical reviewer" in " ".join(messages_of(response))

    def test_create_view_publish_refused_leaves_nothing_live(
        self, client, admin_user, article_index, people
    ):
        client.force_login(admin_user)
        data = article_form_data(authors=people["authors"])
        data["action-publish"] = "action-publish"

        response = client.post(add_url(article_index), data, follow=True)

        page = HealthArticlePage.objects.get(slug="sleep-and-restless-legs")
        assert not page.live
        assert page.get_latest_revision() is not None
        assert "Add at least one medical reviewer" in " ".join(messages_of(response))
        assert client.get("/articles/sleep-and-restless-legs/").status_code == 404
        api = client.get(f"/api/v2/pages/{page.pk}/")
        assert api.status_code == 404

    def test_approval_with_comment_in_a_dialog_is_refused_with_a_message(
        self, client, editor, reviewer, article_index, people
    ):
        page = submit_for_review(client, editor, article_index, people["authors"])
        client.force_login(reviewer)

        response = client.post(
            approve_url(page),
            {"comment": "Looks good"},
            headers={"x-requested-with": "XMLHttpRequest"},
        )

        assert response.json() == {"step": "success", "redirect": edit_url(page)}
        page.refresh_from_db()
        assert not page.live
        assert "Add at least one medical reviewer" in " ".join(
            messages_of(client.get(edit_url(page)))
        )

    def test_live_copy_of_an_article_without_review_is_refused(
        self, client, admin_user, article_index
    ):
        # An article that went live before the rules (say, an imported one).
        page = HealthArticlePageFactory(parent=article_index, reviewers=[])
        client.force_login(admin_user)

        response = client.post(
            reverse("wagtailadmin_pages:copy", args=[page.pk]),
            {
                "new_title": "Copy",
                "new_slug": "copy",
                "new_parent_page": str(article_index.pk),
                "publish_copies": "on",
            },
            follow=True,
        )

        assert not HealthArticlePage.objects.filter(slug="copy").exists()
        assert "Add at least one medical reviewer" in " ".join(messages_of(response))

    def test_saving_a_draft_never_needs_a_reviewer(
        self, client, admin_user, article_index
    ):
        client.force_login(admin_user)
        data = article_form_data(last_reviewed="", next_review_due="")

        response = client.post(add_url(article_index), data)

        assert response.status_code == 302
        page = HealthArticlePage.objects.get(slug="sleep-and-restless-legs")
        assert not page.live
        assert page.get_latest_revision() is not None
