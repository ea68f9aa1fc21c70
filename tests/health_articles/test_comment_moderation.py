"""Moderating reader comments in the Wagtail admin: the listing and its filters,
approve, reject and delete (one by one and in bulk), replies as staff, who may do
what, the dashboard count, the e-mail to moderators, and escaping."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import admin_menu
from wagtail.permissions import policy_registry

from health_articles.comments.models import ReaderComment
from health_articles.comments.moderation import moderators
from health_articles.roles import HEALTH_EDITORS, MODERATORS, setup_roles
from tests.conftest import member_of
from tests.factories import HealthArticlePageFactory

LISTING = "/admin/reader-comments/"
READER_EMAIL = "reader.private@example.org"
XSS_NAME = "<script>alert(1)</script>"
XSS_WEBSITE = "javascript:alert(1)"
XSS_TEXT = '"><svg onload=alert(1)>'


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def comment_on(article, name, status="pending", **fields):
    return ReaderComment.objects.create(
        page=article,
        name=name,
        email=READER_EMAIL,
        text=fields.pop("text", f"What {name} thinks about magnesium."),
        status=status,
        **fields,
    )


def bulk_url(action, *comments, **params):
    query = [("id", comment.pk) for comment in comments] + list(params.items())
    query.append(("next", LISTING))
    base = reverse(
        "wagtail_bulk_action", args=["health_articles", "readercomment", action]
    )
    return f"{base}?{urlencode(query)}"


def api_etag(client, article):
    response = client.get(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 200
    return response["ETag"]


def shown_on_article(client, article):
    """The texts of the reader comments the public article shows."""
    soup = soup_of(client.get(article.url))
    return [text.get_text(strip=True) for text in soup.select(".comment__text")]


def names_listed(response):
    return [comment.name for comment in response.context["object_list"]]


def refused(response):
    """Wagtail answers a refusal with a redirect to the dashboard (and a message)
    or a 403."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


@pytest.fixture
def comments(article):
    """Three comments on the article, posted a minute apart, the newest last."""
    start = timezone.now() - timedelta(hours=1)
    made = {}
    for minutes, (name, status) in enumerate(
        [("Ada", "pending"), ("Ben", "approved"), ("Cy", "rejected")]
    ):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            made[name] = comment_on(article, name, status, ip_address="198.51.100.7")
    return made


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(
        username="root", email="root@example.com", password="pw"
    )


class TestAdminMenu:
    def menu_labels(self, user):
        request = RequestFactory().get("/admin/")
        request.user = user
        return {
            item.name: str(item.label)
            for item in admin_menu.menu_items_for_request(request)
        }

    def test_menu_item_is_called_reader_comments(self, moderator, editor):
        for user in (moderator, editor):
            labels = self.menu_labels(user)
            assert labels["reader-comments"] == "Reader comments"
            assert "Comments" not in labels.values()

    def test_medical_reviewer_has_no_menu_item_and_no_listing(
        self, as_user, reviewer, comments
    ):
        assert "reader-comments" not in self.menu_labels(reviewer)

        response = as_user(reviewer).get(LISTING)

        assert refused(response)
        assert "Ada" not in response.content.decode()

    @pytest.mark.parametrize(
        "view", ["edit", "inspect", "history", "usage", "reply", "delete"]
    )
    def test_medical_reviewer_cannot_open_a_comment(
        self, as_user, reviewer, comments, view
    ):
        url = reverse(f"reader_comments:{view}", args=[comments["Ada"].pk])

        response = as_user(reviewer).get(url)

        assert refused(response)
        assert "Ada" not in response.content.decode()

    def test_there_is_no_chooser_listing_reader_comments(
        self, as_user, reviewer, comments
    ):
        url = "/admin/snippets/choose/health_articles/readercomment/"

        response = as_user(reviewer).get(url)

        assert response.status_code == 404
        assert "Ada" not in response.content.decode()

    def test_listing_page_says_reader_comments(self, as_user, moderator, comments):
        soup = soup_of(as_user(moderator).get(LISTING))

        assert soup.title.get_text().startswith("Reader comments")
        assert soup.select_one("h1").get_text(strip=True) == "Reader comments"


class TestListing:
    def test_moderator_sees_every_comment_newest_first(
        self, as_user, moderator, comments
    ):
        response = as_user(moderator).get(LISTING)

        assert response.status_code == 200
        assert names_listed(response) == ["Cy", "Ben", "Ada"]
        soup = soup_of(response)
        headings = [th.get_text(" ", strip=True) for th in soup.select("thead th")]
        for heading in ("Comment", "Name", "Article", "Status", "Posted"):
            assert any(heading in text for text in headings), headings
        first_row = soup.select("tbody tr")[0].get_text(" ", strip=True)
        assert "What Cy thinks about magnesium." in first_row
        assert "Rejected" in first_row
        assert comments["Cy"].page.title in first_row

    def test_filters_are_status_attention_and_article(
        self, as_user, moderator, comments
    ):
        response = as_user(moderator).get(LISTING)

        form = response.context["filters"].form
        assert list(form.fields) == ["status", "flagged", "page"]
        assert [str(form.fields[name].label) for name in form.fields] == [
            "Status",
            "Needs attention",
            "Article",
        ]

    def test_pending_filter_lists_only_pending_comments(
        self, as_user, moderator, comments
    ):
        response = as_user(moderator).get(LISTING, {"status": "pending"})

        assert names_listed(response) == ["Ada"]
        assert "What Ben thinks" not in response.content.decode()

    @pytest.mark.parametrize(
        ("status", "names"), [("approved", ["Ben"]), ("rejected", ["Cy"])]
    )
    def test_status_filters(self, as_user, moderator, comments, status, names):
        response = as_user(moderator).get(LISTING, {"status": status})

        assert names_listed(response) == names

    def test_article_filter(self, as_user, moderator, comments, article_index):
        other = HealthArticlePageFactory(parent=article_index, title="Sleep and zinc")
        comment_on(other, "Dee")

        response = as_user(moderator).get(LISTING, {"page": other.pk})

        assert names_listed(response) == ["Dee"]
        choices = [
            label
            for _value, label in response.context["filters"].form.fields["page"].choices
        ]
        assert "Sleep and zinc" in choices

    def test_flagged_filter_and_marker(self, as_user, moderator, comments, article):
        comment_on(
            article, "Eve", flagged=True, flag_reasons="blocked words: miracle cure"
        )

        response = as_user(moderator).get(LISTING, {"flagged": "true"})

        assert names_listed(response) == ["Eve"]
        assert "blocked words: miracle cure" in response.content.decode()

    def test_search_by_name_or_text(self, as_user, moderator, comments, article):
        comment_on(article, "Fay", text="Glycinate gave me headaches.")

        by_name = as_user(moderator).get(LISTING, {"q": "ben"})
        by_text = as_user(moderator).get(LISTING, {"q": "headaches"})

        assert names_listed(by_name) == ["Ben"]
        assert names_listed(by_text) == ["Fay"]

    def test_listing_queries_do_not_grow_with_the_comments(
        self, as_user, moderator, article, article_index
    ):
        client = as_user(moderator)
        comment_on(article, "Ada")
        client.get(LISTING)  # the first request after logging in does more
        with CaptureQueriesContext(connection) as few:
            assert names_listed(client.get(LISTING)) == ["Ada"]
        for number in range(15):
            other = HealthArticlePageFactory(parent=article_index)
            comment_on(other, f"Reader {number}", flagged=True, flag_reasons="links")

        with CaptureQueriesContext(connection) as many:
            assert len(names_listed(client.get(LISTING))) == 16

        assert len(many) == len(few)

    def test_listing_never_shows_email_or_ip(self, as_user, moderator, comments):
        html = as_user(moderator).get(LISTING).content.decode()

        assert READER_EMAIL not in html
        assert "198.51.100.7" not in html


class TestBulkModeration:
    def test_confirmation_lists_the_chosen_comments(self, as_user, moderator, comments):
        response = as_user(moderator).get(bulk_url("approve", comments["Ada"]))

        assert response.status_code == 200
        text = soup_of(response).get_text(" ", strip=True)
        assert "These reader comments will show under their articles at once" in text
        assert "What Ada thinks about magnesium." in text

    def test_approving_shows_the_comment_and_changes_the_etag(
        self, as_user, client, moderator, comments, article
    ):
        etag = api_etag(client, article)
        assert "What Ada thinks about magnesium." not in shown_on_article(
            client, article
        )

        response = as_user(moderator).post(
            bulk_url("approve", comments["Ada"]), follow=True
        )

        assert "1 reader comment approved." in response.content.decode()
        ada = ReaderComment.objects.get(pk=comments["Ada"].pk)
        assert ada.status == "approved"
        assert ada.moderated_by == moderator
        assert ada.moderated_at is not None
        client.logout()
        assert "What Ada thinks about magnesium." in shown_on_article(client, article)
        assert api_etag(client, article) != etag

    def test_rejecting_hides_an_approved_comment(
        self, as_user, client, moderator, comments, article
    ):
        assert "What Ben thinks about magnesium." in shown_on_article(client, article)
        etag = api_etag(client, article)

        as_user(moderator).post(bulk_url("reject", comments["Ben"]))

        assert ReaderComment.objects.get(pk=comments["Ben"].pk).status == "rejected"
        client.logout()
        assert "What Ben thinks about magnesium." not in shown_on_article(
            client, article
        )
        assert api_etag(client, article) != etag

    def test_deleting_removes_the_comment_and_changes_the_etag(
        self, as_user, client, moderator, comments, article
    ):
        etag = api_etag(client, article)

        response = as_user(moderator).post(
            bulk_url("delete", comments["Ben"], comments["Cy"]), follow=True
        )

        assert "2 Reader comments deleted." in response.content.decode()
        assert list(ReaderComment.objects.values_list("name", flat=True)) == ["Ada"]
        client.logout()
        assert shown_on_article(client, article) == []
        assert api_etag(client, article) != etag

    def test_delete_button_speaks_of_reader_comments(
        self, as_user, moderator, comments
    ):
        soup = soup_of(as_user(moderator).get(LISTING))

        buttons = {
            a.get_text(strip=True): a.get("aria-label")
            for a in soup.select("[data-bulk-action-button]")
        }
        assert buttons == {
            "Approve": "Approve selected reader comments",
            "Reject": "Reject selected reader comments",
            "Delete": "Delete selected reader comments",
        }

    def test_select_all_applies_the_listing_filters(
        self, as_user, moderator, comments, article
    ):
        other = comment_on(article, "Dee")

        as_user(moderator).post(bulk_url("approve", id="all", status="pending"))

        statuses = dict(ReaderComment.objects.values_list("name", "status"))
        assert statuses == {
            "Ada": "approved",
            "Ben": "approved",
            "Cy": "rejected",
            other.name: "approved",
        }


class TestStatusForm:
    def edit_url(self, comment):
        return reverse("reader_comments:edit", args=[comment.pk])

    def test_moderator_sees_email_and_ip_but_cannot_edit_the_comment(
        self, as_user, moderator, comments
    ):
        soup = soup_of(as_user(moderator).get(self.edit_url(comments["Ada"])))

        text = soup.get_text(" ", strip=True)
        assert READER_EMAIL in text
        assert "198.51.100.7" in text
        assert "What Ada thinks about magnesium." in text
        form = soup.select_one("#w-editor-form")
        editable = {
            field["name"]
            for field in form.select("input, textarea, select")
            if field.get("type") != "hidden"
        }
        assert editable == {"status"}

    def test_saving_the_status_approves_and_keeps_the_reader_words(
        self, as_user, client, moderator, comments, article
    ):
        etag = api_etag(client, article)
        ada = comments["Ada"]

        response = as_user(moderator).post(
            self.edit_url(ada),
            {"status": "approved", "name": "Changed", "text": "Changed"},
        )

        assert response.status_code == 302
        ada.refresh_from_db()
        assert (ada.status, ada.name) == ("approved", "Ada")
        assert ada.text == "What Ada thinks about magnesium."
        assert ada.moderated_by == moderator
        client.logout()
        assert api_etag(client, article) != etag

    def test_notification_link_opens_the_status_form(
        self, as_user, moderator, comments
    ):
        response = as_user(moderator).get(f"{LISTING}edit/{comments['Ada'].pk}/")

        assert response.status_code == 200
        assert "What Ada thinks about magnesium." in response.content.decode()

    def test_single_delete_of_an_approved_comment_changes_the_etag(
        self, as_user, client, moderator, comments, article
    ):
        etag = api_etag(client, article)

        as_user(moderator).post(
            reverse("reader_comments:delete", args=[comments["Ben"].pk])
        )

        assert not ReaderComment.objects.filter(pk=comments["Ben"].pk).exists()
        client.logout()
        assert api_etag(client, article) != etag

    def test_nobody_adds_a_reader_comment_through_the_admin(
        self, as_user, superuser, comments
    ):
        listing = as_user(superuser).get(LISTING).content.decode()
        response = as_user(superuser).post(
            reverse("reader_comments:add"),
            {"page": comments["Ada"].page_id, "name": "Forged", "text": "Forged"},
        )

        assert "Add reader comment" not in listing
        assert refused(response)
        assert not ReaderComment.objects.filter(name="Forged").exists()


class TestEditors:
    def test_editor_cannot_approve_reject_or_delete(self, as_user, editor, comments):
        editor_client = as_user(editor)
        ada = comments["Ada"]
        answers = [
            editor_client.get(bulk_url("approve", ada)),
            editor_client.post(bulk_url("approve", ada)),
            editor_client.post(bulk_url("reject", ada)),
            editor_client.post(bulk_url("delete", ada)),
            editor_client.post(bulk_url("approve", id="all")),
            editor_client.post(
                reverse("reader_comments:edit", args=[ada.pk]), {"status": "approved"}
            ),
            editor_client.post(reverse("reader_comments:delete", args=[ada.pk])),
        ]

        assert all(refused(answer) for answer in answers)
        statuses = dict(ReaderComment.objects.values_list("name", "status"))
        assert statuses == {"Ada": "pending", "Ben": "approved", "Cy": "rejected"}

    def test_editor_listing_has_no_bulk_actions_and_no_email(
        self, as_user, editor, comments
    ):
        response = as_user(editor).get(LISTING)

        assert names_listed(response) == ["Cy", "Ben", "Ada"]
        soup = soup_of(response)
        assert soup.select("input[data-bulk-action-checkbox]") == []
        assert soup.select("[data-bulk-action-button]") == []
        assert "What Ada thinks about magnesium." in soup.get_text()
        assert READER_EMAIL not in response.content.decode()
        assert soup.select_one(
            f'a[href="{reverse("reader_comments:reply", args=[comments["Ada"].pk])}"]'
        )

    def test_editor_reads_a_comment_without_email_or_ip(
        self, as_user, editor, comments
    ):
        response = as_user(editor).get(
            reverse("reader_comments:inspect", args=[comments["Ada"].pk])
        )

        text = soup_of(response).get_text(" ", strip=True)
        assert "What Ada thinks about magnesium." in text
        assert READER_EMAIL not in text
        assert "198.51.100.7" not in text

    def test_editor_replies_as_staff_and_the_reply_shows_with_a_badge(
        self, as_user, client, editor, comments, article
    ):
        editor.first_name, editor.last_name = "Erin", "Editor"
        editor.save()
        etag = api_etag(client, article)
        url = reverse("reader_comments:reply", args=[comments["Ben"].pk])

        form_page = as_user(editor).get(url)
        response = as_user(editor).post(
            url, {"text": "Take it with food."}, follow=True
        )

        assert "What Ben thinks about magnesium." in form_page.content.decode()
        assert "Your reply to Ben is published." in response.content.decode()
        reply = ReaderComment.objects.get(parent=comments["Ben"])
        assert (reply.name, reply.email, reply.status) == (
            "Erin Editor",
            editor.email,
            "approved",
        )
        assert reply.is_staff_reply and reply.staff_author == editor
        assert "Erin Editor (staff)" in as_user(editor).get(LISTING).content.decode()
        client.logout()
        assert api_etag(client, article) != etag
        shown = soup_of(client.get(article.url)).select_one(f"#comment-{reply.pk}")
        assert shown.select_one(".comment__author").get_text(strip=True) == (
            "Erin Editor"
        )
        assert shown.select_one(".badge").get_text(strip=True) == "Staff"
        assert "Take it with food." in shown.get_text()

    def test_reply_to_a_pending_comment_waits_for_its_approval(
        self, as_user, client, editor, moderator, comments, article
    ):
        url = reverse("reader_comments:reply", args=[comments["Ada"].pk])

        form_page = as_user(editor).get(url).content.decode()
        as_user(editor).post(url, {"text": "Take it with food."})

        assert "your reply will show once a moderator approves it" in form_page
        client.logout()
        assert "Take it with food." not in shown_on_article(client, article)
        as_user(moderator).post(bulk_url("approve", comments["Ada"]))
        client.logout()
        assert "Take it with food." in shown_on_article(client, article)

    def test_empty_reply_is_refused_with_a_message(self, as_user, editor, comments):
        url = reverse("reader_comments:reply", args=[comments["Ben"].pk])

        response = as_user(editor).post(url, {"text": ""})

        assert response.status_code == 200
        assert "Write your reply." in response.content.decode()
        assert not ReaderComment.objects.filter(parent=comments["Ben"]).exists()

    @pytest.mark.parametrize("target", ["rejected", "reply"])
    def test_no_reply_to_a_rejected_comment_or_to_a_reply(
        self, as_user, editor, comments, article, target
    ):
        if target == "rejected":
            comment = comments["Cy"]
        else:
            comment = comment_on(article, "Gus", "approved", parent=comments["Ben"])

        response = as_user(editor).post(
            reverse("reader_comments:reply", args=[comment.pk]), {"text": "Hello"}
        )

        assert response.status_code == 404
        assert not ReaderComment.objects.filter(text="Hello").exists()

    def test_moderators_do_not_reply_as_staff(self, as_user, moderator, comments):
        response = as_user(moderator).post(
            reverse("reader_comments:reply", args=[comments["Ben"].pk]),
            {"text": "Hello"},
        )

        assert refused(response)
        assert not ReaderComment.objects.filter(text="Hello").exists()


class TestDashboard:
    def test_moderator_sees_the_pending_count_linking_to_the_filtered_listing(
        self, as_user, moderator, comments, article
    ):
        comment_on(article, "Dee")

        soup = soup_of(as_user(moderator).get(reverse("wagtailadmin_home")))

        link = next(
            a
            for a in soup.select(".w-summary__list a")
            if "awaiting moderation" in a.get_text()
        )
        assert " ".join(link.get_text().split()) == (
            "2 reader comments awaiting moderation"
        )
        assert link["href"] == f"{LISTING}?status=pending"

    def test_one_pending_comment_is_singular(self, as_user, superuser, comments):
        html = as_user(superuser).get(reverse("wagtailadmin_home")).content.decode()

        assert "1 reader comment awaiting moderation" in " ".join(html.split())

    def test_editors_see_no_moderation_count(self, as_user, editor, comments):
        html = as_user(editor).get(reverse("wagtailadmin_home")).content.decode()

        assert "awaiting moderation" not in html


class TestNotification:
    def post_comment(self, client, article, **fields):
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            tokens = client.get(reverse("comment_form_token", args=[article.pk])).json()
        data = {
            **tokens,
            "name": "Sam Reader",
            "email": READER_EMAIL,
            "website": "",
            "text": "Does magnesium glycinate work better than oxide?",
            **fields,
        }
        with time_machine.travel(start + timedelta(seconds=10)):
            return client.post(reverse("comment_page", args=[article.pk]), data)

    def test_new_comment_emails_moderators_and_superusers_not_editors(
        self,
        client,
        article,
        moderator,
        editor,
        reviewer,
        superuser,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self.post_comment(client, article)

        assert response.status_code == 302
        comment = ReaderComment.objects.get()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert sorted(message.recipients()) == [
            "moderator@example.com",
            "root@example.com",
        ]
        assert message.subject == f"New reader comment on “{article.title}”"
        assert "Sam Reader left a comment that waits for moderation" in message.body
        assert f"/admin/reader-comments/edit/{comment.pk}/" in message.body
        everything = " ".join(
            [message.subject, message.body, message.from_email, *message.recipients()]
        )
        assert READER_EMAIL not in everything

    def test_flagged_comment_says_why(
        self, client, article, moderator, django_capture_on_commit_callbacks
    ):
        links = " ".join(f"https://example.com/{n}" for n in range(3))

        with django_capture_on_commit_callbacks(execute=True):
            self.post_comment(client, article, text=f"Buy now {links}")

        assert "Flagged: three or more links" in mail.outbox[0].body


class TestEscaping:
    @pytest.fixture
    def hostile(self, article):
        return comment_on(article, XSS_NAME, website=XSS_WEBSITE, text=XSS_TEXT)

    @pytest.mark.parametrize("view", ["listing", "edit", "inspect", "reply", "bulk"])
    def test_hostile_name_website_and_text_are_escaped(
        self, as_user, superuser, hostile, view
    ):
        url = {
            "listing": LISTING,
            "edit": reverse("reader_comments:edit", args=[hostile.pk]),
            "inspect": reverse("reader_comments:inspect", args=[hostile.pk]),
            "reply": reverse("reader_comments:reply", args=[hostile.pk]),
            "bulk": bulk_url("approve", hostile),
        }[view]

        response = as_user(superuser).get(url)

        assert response.status_code == 200
        html = response.content.decode()
        assert XSS_NAME not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<svg onload" not in html
        assert "&lt;svg onload=alert(1)&gt;" in html
        assert 'href="javascript:' not in html
        if view in ("edit", "inspect"):
            assert XSS_WEBSITE in html  # shown as text, not as a link


class TestRoles:
    def permissions(self, group_name):
        return sorted(
            f"{p.content_type.app_label}.{p.codename}"
            for p in Group.objects.get(name=group_name).permissions.all()
            if p.content_type.model == "readercomment"
        )

    def test_setup_roles_gives_moderators_and_editors_their_rights(
        self, roles, article_index
    ):
        setup_roles([article_index])  # again: nothing changes

        assert self.permissions(MODERATORS) == [
            "health_articles.change_readercomment",
            "health_articles.delete_readercomment",
            "health_articles.view_readercomment",
        ]
        assert self.permissions(HEALTH_EDITORS) == [
            "health_articles.add_readercomment",
            "health_articles.view_readercomment",
        ]
        assert self.permissions("Medical reviewers") == []

    def test_only_editors_and_superusers_reply_and_nobody_adds(
        self, editor, moderator, reviewer, superuser
    ):
        policy = policy_registry.get_by_type(ReaderComment)

        assert set(policy.users_with_permission("reply")) == {editor, superuser}
        assert list(policy.users_with_permission("add")) == []
        assert set(policy.users_with_permission("change")) == {moderator, superuser}

    def test_a_user_given_the_permission_directly_moderates_and_is_told(
        self, as_user, roles, django_user_model, comments
    ):
        user = member_of(django_user_model, HEALTH_EDITORS, "helper")
        assert user not in moderators()
        user.user_permissions.add(
            Permission.objects.get(codename="change_readercomment")
        )

        response = as_user(user).post(bulk_url("approve", comments["Ada"]))

        assert response.status_code == 302
        assert ReaderComment.objects.get(pk=comments["Ada"].pk).status == "approved"
        assert user in moderators()
