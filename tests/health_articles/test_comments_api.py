"""Reader comments in the API: the approved ones at /api/v2/comments/?article=<id>,
a token at comments/token/, and a POST that holds a new comment for moderation."""

import time
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from health_articles.comments.models import ReaderComment
from tests.factories import HealthArticlePageFactory

URL = "/api/v2/comments/"
TOKEN_URL = "/api/v2/comments/token/"
SECRET_EMAIL = "secret.reader@example.com"
SECRET_IP = "203.0.113.9"
APPROVED = ReaderComment.Status.APPROVED
PENDING = ReaderComment.Status.PENDING
REJECTED = ReaderComment.Status.REJECTED
THANKS = {
    "status": "pending moderation",
    "message": "Thank you: your comment is awaiting moderation.",
}
NO_COMMENTS = {"message": "This article does not take comments."}


def comment(article, text, status=APPROVED, **fields):
    return ReaderComment.objects.create(
        page=article,
        name=fields.pop("name", "Ada Reader"),
        email=fields.pop("email", SECRET_EMAIL),
        ip_address=fields.pop("ip_address", SECRET_IP),
        text=text,
        status=status,
        **fields,
    )


def listed(client, article, **params):
    return client.get(URL, {"article": article.pk, **params})


def texts(response):
    return [item["text"] for item in response.json()["items"]]


def issue_token(client, article):
    response = client.get(TOKEN_URL, {"article": article.pk})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def post(client, body, seconds_later=5, **extra):
    """POST ``body`` as JSON ``seconds_later`` than now (a token needs 3 s)."""
    with time_machine.travel(time.time() + seconds_later):
        return client.post(URL, body, content_type="application/json", **extra)


@pytest.fixture
def body(client, article):
    """A good comment on ``article``, with a token from the token route."""
    return {
        "article": article.pk,
        "name": "Grace Reader",
        "email": "grace@example.com",
        "website": "https://grace.example",
        "text": "Magnesium helped my restlessness too.",
        "token": issue_token(client, article),
    }


def fresh(client, article, body):
    """``body`` with a new token (each token sends one comment)."""
    return {**body, "token": issue_token(client, article)}


def draft(article_index):
    return HealthArticlePageFactory(parent=article_index, live=False)


def private(article_index):
    article = HealthArticlePageFactory(parent=article_index)
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    return article


def closed(article_index):
    return HealthArticlePageFactory(parent=article_index, comments_enabled=False)


def expired(article_index):
    return HealthArticlePageFactory(
        parent=article_index, expire_at=timezone.now() - timedelta(minutes=5)
    )


UNCOMMENTABLE = [draft, private, closed, expired]


class TestListing:
    def test_lists_approved_comments_oldest_first(self, client, article):
        # Saved first, but dated last: the order is the date's, not the id's.
        later = comment(article, "Second approved", website="https://ada.example")
        first = comment(article, "First approved")
        comment(article, "Waiting", status=PENDING)
        comment(article, "Spam", status=REJECTED)
        reply = comment(article, "A reply", parent=first, is_staff_reply=True)
        ReaderComment.objects.filter(pk=later.pk).update(
            created_at=timezone.now() + timedelta(minutes=1)
        )

        response = listed(client, article)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = response.json()
        assert data["meta"] == {"total_count": 3}
        assert texts(response) == ["First approved", "A reply", "Second approved"]
        assert data["items"][1] == {
            "id": reply.pk,
            "article": article.pk,
            "parent": first.pk,
            "name": "Ada Reader",
            "website": "",
            "text": "A reply",
            "created_at": data["items"][1]["created_at"],
            "is_staff_reply": True,
        }
        created = datetime.fromisoformat(data["items"][1]["created_at"])
        assert created == reply.created_at
        assert data["items"][2]["website"] == "https://ada.example"

    def test_replies_to_a_hidden_comment_are_hidden_too(self, client, article):
        rejected = comment(article, "Rejected later", status=REJECTED)
        comment(article, "Reply to it", parent=rejected)
        comment(article, "Shown")

        assert texts(listed(client, article)) == ["Shown"]

    def test_only_the_articles_own_comments(self, client, article, article_index):
        other = HealthArticlePageFactory(parent=article_index)
        comment(article, "Mine")
        comment(other, "Theirs")

        assert texts(listed(client, article)) == ["Mine"]

    def test_never_shows_email_ip_status_or_flag(self, client, article):
        comment(
            article, "Flagged, then let through", flagged=True, flag_reasons="links"
        )

        response = listed(client, article)

        (item,) = response.json()["items"]
        assert set(item) == {
            "id",
            "article",
            "parent",
            "name",
            "website",
            "text",
            "created_at",
            "is_staff_reply",
        }
        content = response.content.decode()
        assert SECRET_EMAIL not in content
        assert SECRET_IP not in content
        assert "approved" not in content
        assert "links" not in content

    def test_pages_with_limit_and_offset(self, client, article):
        for number in range(5):
            comment(article, f"Comment {number}")

        response = listed(client, article, limit=2, offset=3)

        assert response.json()["meta"] == {"total_count": 5}
        assert texts(response) == ["Comment 3", "Comment 4"]

    @pytest.mark.parametrize(
        ("params", "status", "message"),
        [
            ({"limit": "51"}, 400, "limit cannot be higher than 50"),
            ({"offset": "-1"}, 400, "offset must be a positive integer"),
            ({"nope": "1"}, 400, "not an operation or a recognised field: nope"),
            ({"fields": "*"}, 400, "not an operation or a recognised field: fields"),
            ({"format": "xml"}, 404, ""),
        ],
    )
    def test_bad_parameters_are_refused(self, client, article, params, status, message):
        response = listed(client, article, **params)

        assert response.status_code == status
        assert message in response.json()["message"]

    def test_article_is_required(self, client, db):
        response = client.get(URL)

        assert response.status_code == 400
        assert response.json() == {
            "message": "article is required: give the id of an article (?article=5)"
        }

    @pytest.mark.parametrize(
        "value", ["", "abc", "-1", "0", "1.5", " 5", "٣", "²", "2147483648", "9" * 30]
    )
    def test_article_must_be_an_id(self, client, db, value):
        response = client.get(URL, {"article": value})

        assert response.status_code == 400
        assert response.json()["message"].startswith(
            "article must be the id of an article: a whole number from 1 to "
        )

    def test_closed_article_still_lists_its_comments_as_the_page_does(
        self, client, article_index
    ):
        article = closed(article_index)
        comment(article, "Approved before")

        response = listed(client, article)

        assert response.status_code == 200
        assert [c["text"] for c in response.json()["items"]] == ["Approved before"]
        assert "Approved before" in client.get(article.url).content.decode()

    @pytest.mark.parametrize("make", [draft, private, expired])
    def test_article_not_public_shows_none(self, client, article_index, make):
        article = make(article_index)
        comment(article, "Approved before")

        response = listed(client, article)

        assert response.status_code == 404
        assert response.json() == NO_COMMENTS
        assert "ETag" not in response

    def test_a_page_that_is_no_article_shows_none(self, client, article_index):
        response = client.get(URL, {"article": article_index.pk})

        assert response.status_code == 404
        assert response.json() == NO_COMMENTS

    def test_is_cached_publicly_and_revalidates(self, client, article):
        comment(article, "Shown")

        response = listed(client, article)
        again = client.get(
            URL, {"article": article.pk}, HTTP_IF_NONE_MATCH=response["ETag"]
        )

        assert "public" in response["Cache-Control"]
        assert again.status_code == 304

    def test_approving_a_comment_changes_the_etag(self, client, article):
        waiting = comment(article, "Waiting", status=PENDING)
        before = listed(client, article)

        waiting.status = APPROVED
        waiting.save()
        after = client.get(
            URL, {"article": article.pk}, HTTP_IF_NONE_MATCH=before["ETag"]
        )

        assert after.status_code == 200
        assert texts(after) == ["Waiting"]

    @pytest.mark.parametrize("count", [2, 40])
    def test_query_count_does_not_grow_with_comments(
        self, client, article, django_assert_max_num_queries, count
    ):
        parents = [comment(article, f"Comment {n}") for n in range(count // 2)]
        for parent in parents:
            comment(article, "A reply", parent=parent)

        with django_assert_max_num_queries(5):
            response = listed(client, article, limit=50)

        assert len(response.json()["items"]) == count


class TestToken:
    def test_token_is_private_and_never_cached(self, client, article):
        response = client.get(TOKEN_URL, {"article": article.pk})

        assert response.status_code == 200
        assert set(response.json()) == {"token"}
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response

    def test_each_request_gets_a_fresh_token(self, client, article):
        first = issue_token(client, article)
        with time_machine.travel(time.time() + 1):
            second = issue_token(client, article)

        assert first != second

    @pytest.mark.parametrize("make", UNCOMMENTABLE)
    def test_no_token_for_an_article_without_comments(
        self, client, article_index, make
    ):
        response = client.get(TOKEN_URL, {"article": make(article_index).pk})

        assert response.status_code == 404
        assert response.json() == NO_COMMENTS

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({}, "article is required"),
            ({"article": "x"}, "article must be the id of an article"),
            ({"article": "1", "limit": "1"}, "recognised field: limit"),
        ],
    )
    def test_bad_parameters_are_refused(self, client, db, params, message):
        response = client.get(TOKEN_URL, params)

        assert response.status_code == 400
        assert message in response.json()["message"]


class TestPosting:
    def test_comment_is_held_for_moderation(self, client, article, body):
        response = post(client, body, REMOTE_ADDR="198.51.100.7")

        assert response.status_code == 201
        assert response.json() == THANKS
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "private, no-store"
        assert "ETag" not in response
        assert "grace@example.com" not in response.content.decode()
        saved = ReaderComment.objects.get()
        assert (saved.page, saved.parent, saved.status) == (article, None, PENDING)
        assert saved.name == "Grace Reader"
        assert saved.email == "grace@example.com"
        assert saved.website == "https://grace.example"
        assert saved.text == "Magnesium helped my restlessness too."
        assert saved.ip_address == "198.51.100.7"
        assert texts(listed(client, article)) == []

    def test_a_form_body_is_refused(self, client, article, body):
        # A cross-site page can auto-submit a form without a CORS preflight; JSON
        # it cannot send, so CORS_ALLOWED_ORIGINS decides who may post.
        with time_machine.travel(time.time() + 5):
            response = client.post(URL, body)

        assert response.status_code == 415
        assert not ReaderComment.objects.exists()

    def test_needs_no_csrf_token_and_ignores_the_session(self, article, body, editor):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)

        response = post(client, body)

        assert response.status_code == 201
        saved = ReaderComment.objects.get()
        assert (saved.is_staff_reply, saved.staff_author) == (False, None)

    def test_a_reply_to_an_approved_comment(self, client, article, body):
        parent = comment(article, "Approved")

        response = post(client, {**body, "reply_to": parent.pk})

        assert response.status_code == 201
        assert ReaderComment.objects.get(status=PENDING).parent == parent

    def test_a_reply_to_a_pending_comment_is_refused(self, client, article, body):
        parent = comment(article, "Waiting", status=PENDING)

        response = post(client, {**body, "reply_to": parent.pk})

        assert response.status_code == 400
        assert response.json()["errors"] == {
            "reply_to": ["The comment you are replying to is not available."]
        }
        assert ReaderComment.objects.count() == 1

    def test_filled_honeypot_is_refused(self, client, body):
        response = post(client, {**body, "contact_by_fax": "+44 20 7946 0000"})

        assert response.status_code == 400
        assert response.json() == {
            "message": "Your comment was not sent: see the errors for each field.",
            "errors": {"__all__": ["Your comment could not be accepted."]},
        }
        assert not ReaderComment.objects.exists()

    @pytest.mark.parametrize(
        ("change", "seconds_later", "message"),
        [
            ("tampered", 5, "This form could not be checked."),
            ("missing", 5, "This form could not be checked."),
            ("unchanged", 0, "That was very quick."),
            ("unchanged", 2 * 60 * 60 + 60, "more than two hours ago"),
            ("another article", 5, "This form belongs to another article."),
        ],
    )
    def test_bad_token_is_refused(
        self, client, article_index, body, change, seconds_later, message
    ):
        other = HealthArticlePageFactory(parent=article_index)
        token = {
            "tampered": body["token"][:-2] + "xx",
            "missing": None,
            "unchanged": body["token"],
            "another article": issue_token(client, other),
        }[change]

        response = post(client, {**body, "token": token}, seconds_later)

        assert response.status_code == 400
        (error,) = response.json()["errors"]["__all__"]
        assert message in error
        assert not ReaderComment.objects.exists()

    def test_missing_fields_are_named(self, client, article):
        response = post(client, {"article": article.pk})

        assert response.status_code == 400
        errors = response.json()["errors"]
        assert errors["name"] == ["Enter your name."]
        assert errors["email"] == [
            "Enter your email address (it will not be published)."
        ]
        assert errors["text"] == ["Write your comment."]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            (
                "website",
                "javascript:alert(1)",
                "Enter a web address starting with http",
            ),
            ("email", "not-an-address", "Enter an email address like name@"),
            ("text", "x" * 5001, "at most 5000 characters"),
            ("name", ["Ada"], "Give text or a number here, not a list."),
            ("text", {"a": 1}, "Give text or a number here, not an object."),
            ("name", True, "Give text or a number here, not true or false."),
            ("name", "Ada \ud800", "This contains characters that are not text."),
            ("article", None, "Give the id of the article."),
            ("article", "five", "article must be the id of an article"),
            ("article", 2**40, "article must be the id of an article"),
            ("article", 5.0, "article must be the id of an article"),
        ],
    )
    def test_bad_field_is_refused_by_name(self, client, body, field, value, message):
        response = post(client, {**body, field: value})

        assert response.status_code == 400
        assert message in " ".join(response.json()["errors"][field])
        assert not ReaderComment.objects.exists()

    @pytest.mark.parametrize("make", UNCOMMENTABLE)
    def test_article_without_comments_is_a_404(self, client, article_index, body, make):
        article = make(article_index)

        response = post(client, {**body, "article": article.pk})

        assert response.status_code == 404
        assert response.json() == NO_COMMENTS
        assert not ReaderComment.objects.exists()

    def test_no_such_article_is_a_404(self, client, body):
        response = post(client, {**body, "article": 999999})

        assert response.status_code == 404
        assert not ReaderComment.objects.exists()

    @pytest.mark.parametrize(
        ("content", "content_type", "status", "expected"),
        [
            (b"{not json", "application/json", 400, "could not be read"),
            (b"[1, 2]", "application/json", 400, "must be a JSON object"),
            (b"[" * 100_000, "application/json", 400, "could not be read"),
            (b"hello", "text/plain", 415, "Send the comment as JSON"),
        ],
    )
    def test_unreadable_body_is_refused(
        self, client, db, content, content_type, status, expected
    ):
        response = client.post(URL, content, content_type=content_type)

        assert response.status_code == status
        assert expected in response.json()["message"]
        assert not ReaderComment.objects.exists()

    def test_markup_is_stored_and_returned_verbatim(self, client, article, body):
        name = '"><svg onload=alert(1)>'
        text = "<script>alert(1)</script>"

        assert post(client, {**body, "name": name, "text": text}).status_code == 201
        saved = ReaderComment.objects.get()
        assert (saved.name, saved.text) == (name, text)
        saved.status = APPROVED
        saved.save()
        response = listed(client, article)

        assert response["Content-Type"] == "application/json"
        (item,) = response.json()["items"]
        assert (item["name"], item["text"]) == (name, text)

    def test_one_token_sends_one_comment(self, client, body):
        first, second = post(client, body), post(client, body)

        assert (first.status_code, second.status_code) == (201, 400)
        assert "sent already" in second.json()["errors"]["__all__"][0]
        assert ReaderComment.objects.count() == 1

    def test_sixth_post_in_a_minute_is_refused(self, client, article, body):
        responses = [post(client, fresh(client, article, body)) for _ in range(6)]

        assert [r.status_code for r in responses] == [201] * 5 + [429]
        assert responses[-1].json() == {
            "message": "You have sent several comments in a short time. Wait a few "
            "minutes, then send yours again."
        }
        assert responses[-1]["Cache-Control"] == "private, no-store"
        assert ReaderComment.objects.count() == 5

    def test_each_address_has_its_own_limit(self, client, article, body):
        for _ in range(5):
            post(client, fresh(client, article, body), REMOTE_ADDR="192.0.2.1")

        refused = post(client, fresh(client, article, body), REMOTE_ADDR="192.0.2.1")
        accepted = post(client, fresh(client, article, body), REMOTE_ADDR="192.0.2.2")

        assert (refused.status_code, accepted.status_code) == (429, 201)
        assert ReaderComment.objects.count() == 6

    def test_html_form_posts_count_against_the_same_limit(self, client, article, body):
        page_url = reverse("comment_page", args=[article.pk])
        form = {name: value for name, value in body.items() if name != "article"}
        for _ in range(5):
            form["token"] = issue_token(client, article)
            with time_machine.travel(time.time() + 5):
                client.post(page_url, form)
        assert ReaderComment.objects.count() == 5

        response = post(client, fresh(client, article, body))

        assert response.status_code == 429
        assert ReaderComment.objects.count() == 5
