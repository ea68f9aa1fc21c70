"""Leave a Reply: the form, its tokens, what is refused, and what readers see."""

import json
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from health_articles.comments.models import ReaderComment
from health_articles.comments.moderation import set_status
from tests.factories import HealthArticlePageFactory

EMAIL = "reader.private@example.org"
XSS = {
    "script": "<script>alert(1)</script>",
    "javascript": "javascript:alert(1)",
    "svg": '"><svg onload=alert(1)>',
}


def soup_of(response):
    return BeautifulSoup(response.content, "html.parser")


def comment_url(page):
    return reverse("comment_page", args=[page.pk])


def token_url(page):
    return reverse("comment_form_token", args=[page.pk])


def reader_fields(**overrides):
    return {
        "name": "Sam Reader",
        "email": EMAIL,
        "website": "",
        "text": "Does magnesium glycinate work better than oxide?",
        **overrides,
    }


class Reader:
    """A visitor with a browser that enforces CSRF, starting the form at a moment
    and sending it some seconds later."""

    def __init__(self, page, address="203.0.113.9"):
        self.page = page
        self.client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
        self.start = timezone.now()

    def tokens(self):
        with time_machine.travel(self.start, tick=False):
            response = self.client.get(token_url(self.page))
        assert response.status_code == 200
        return response.json()

    def post(self, after_seconds=10, tokens=None, **fields):
        tokens = tokens if tokens is not None else self.tokens()
        data = {**tokens, **reader_fields(**fields)}
        with time_machine.travel(self.start + timedelta(seconds=after_seconds)):
            return self.client.post(comment_url(self.page), data)


@pytest.fixture
def reader(article):
    return Reader(article)


class TestTheForm:
    def test_article_ends_with_leave_a_reply(self, client, article):
        soup = soup_of(client.get(article.url))

        form_section = soup.select_one("#respond")
        assert form_section.h2.get_text() == "Leave a Reply"
        notes = form_section.select_one(".comment-form__notes").get_text(" ")
        assert "Your email address will not be published." in notes
        assert "Required fields are marked *" in " ".join(notes.split())
        labels = {
            label["for"]: label.get_text(" ", strip=True)
            for label in form_section.select("label")
        }
        assert labels["id_name"] == "Name *"
        assert labels["id_email"] == "Email *"
        assert labels["id_website"] == "Website"
        assert labels["id_text"] == "Comment *"
        assert form_section.select_one(".comment-form__trap")["aria-hidden"] == "true"

    def test_article_html_is_the_same_for_every_visitor(self, article):
        first, second = Client(), Client()
        second.get(token_url(article))  # a visitor who has started the form

        one = first.get(article.url)
        two = second.get(article.url)

        assert one.content == two.content
        assert b"csrfmiddlewaretoken" not in one.content
        assert not one.cookies

    def test_token_endpoint_is_private_and_uncached(self, client, article):
        response = client.get(token_url(article))

        data = response.json()
        assert set(data) == {"csrfmiddlewaretoken", "token"}
        assert "private" in response["Cache-Control"]
        assert "no-store" in response["Cache-Control"]

    def test_plain_comment_page_works_without_script(self, client, article):
        response = client.get(comment_url(article))

        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        soup = soup_of(response)
        assert soup.select_one("input[name=csrfmiddlewaretoken]")["value"]
        assert soup.select_one("input[name=token]")["value"]
        assert soup.select_one("fieldset").get("disabled") is None


class TestPosting:
    def test_comment_is_held_then_shown_once_approved(self, client, reader, article):
        response = reader.post()

        assert response.status_code == 302
        thanks = reader.client.get(response["Location"])
        assert "awaiting moderation" in thanks.content.decode()
        comment = ReaderComment.objects.get()
        assert comment.status == ReaderComment.Status.PENDING
        assert comment.ip_address == "203.0.113.9"
        assert "glycinate" not in client.get(article.url).content.decode()

        set_status(ReaderComment.objects.all(), ReaderComment.Status.APPROVED, None)

        page = soup_of(client.get(article.url))
        shown = page.select_one("#comments .comment")
        assert "glycinate work better" in shown.get_text()
        assert shown.select_one(".comment__author").get_text() == "Sam Reader"
        assert page.select_one(".article__comment-count").get_text() == "1 comment"
        graph = json.loads(page.select_one("script[type='application/ld+json']").string)
        web_page = next(n for n in graph["@graph"] if n["@type"] == "MedicalWebPage")
        assert web_page["commentCount"] == 1

    def test_email_address_is_never_published(self, client, reader, article):
        reader.post()
        set_status(ReaderComment.objects.all(), ReaderComment.Status.APPROVED, None)

        for url in [
            article.url,
            article.get_parent().url,
            f"/api/v2/pages/{article.pk}/",
            "/api/v2/pages/?type=health_articles.HealthArticlePage&fields=*",
            "/feeds/articles.rss",
            "/feeds/articles.atom",
            "/sitemap.xml",
            f"/search/?q={article.title.split()[0]}",
        ]:
            first = client.get(url)
            cached = client.get(url)  # and again, as a cache would serve it
            assert first.status_code == 200, url
            assert EMAIL not in first.content.decode(), url
            assert EMAIL not in cached.content.decode(), url

    def test_comments_are_listed_oldest_first_with_replies(self, client, article):
        older = ReaderComment.objects.create(
            page=article, name="First", email=EMAIL, text="One", status="approved"
        )
        ReaderComment.objects.create(
            page=article, name="Second", email=EMAIL, text="Two", status="approved"
        )
        ReaderComment.objects.create(
            page=article,
            parent=older,
            name="Pharmacist",
            email="staff@example.org",
            text="A reply",
            status="approved",
            is_staff_reply=True,
        )
        ReaderComment.objects.create(
            page=article, name="Held", email=EMAIL, text="Pending", status="pending"
        )

        soup = soup_of(client.get(article.url))

        top = soup.select("#comments .comments__list > li > .comment__body")
        authors = [c.select_one(".comment__author").get_text() for c in top]
        assert authors == ["First", "Second"]
        reply = soup.select_one(".comment--reply")
        assert reply.select_one(".badge").get_text() == "Staff"
        assert "Pending" not in soup.get_text()
        assert soup.select_one("#comments-heading").get_text() == "3 comments"

    def test_a_reply_to_an_approved_comment_is_held_with_its_parent(
        self, reader, article
    ):
        parent = ReaderComment.objects.create(
            page=article, name="First", email=EMAIL, text="One", status="approved"
        )

        reader.post(reply_to=str(parent.pk))

        reply = ReaderComment.objects.get(parent=parent)
        assert reply.status == ReaderComment.Status.PENDING

    def test_website_links_are_nofollow(self, client, article):
        ReaderComment.objects.create(
            page=article,
            name="Linked",
            email=EMAIL,
            website="https://example.org/blog",
            text="Hello",
            status="approved",
        )

        link = soup_of(client.get(article.url)).select_one(".comment__author a")

        assert link["href"] == "https://example.org/blog"
        assert set(link["rel"]) >= {"nofollow", "ugc"}


class TestRefusals:
    def assert_nothing_saved(self):
        assert not ReaderComment.objects.exists()

    def test_error_keeps_the_text_and_says_what_is_wrong(self, reader):
        response = reader.post(email="")

        assert response.status_code == 400
        soup = soup_of(response)
        assert "glycinate work better" in soup.select_one("#id_text").get_text()
        error = soup.select_one("#id_email-error")
        assert "Enter your email address" in error.get_text()
        assert soup.select_one("#id_email")["aria-describedby"] == "id_email-error"
        self.assert_nothing_saved()

    def test_tampered_token(self, reader):
        tokens = reader.tokens()
        tokens["token"] = tokens["token"][:-2] + "xx"

        response = reader.post(tokens=tokens)

        assert response.status_code == 400
        assert "could not be checked" in response.content.decode()
        self.assert_nothing_saved()

    def test_token_older_than_two_hours(self, reader):
        response = reader.post(after_seconds=2 * 60 * 60 + 5)

        assert response.status_code == 400
        assert "more than two hours ago" in response.content.decode()
        self.assert_nothing_saved()

    def test_token_used_within_three_seconds(self, reader):
        response = reader.post(after_seconds=1)

        assert response.status_code == 400
        assert "very quick" in response.content.decode()
        self.assert_nothing_saved()

    def test_token_of_another_article(self, reader, article_index):
        other = HealthArticlePageFactory(parent=article_index)
        with time_machine.travel(reader.start, tick=False):
            tokens = reader.client.get(token_url(other)).json()

        response = reader.post(tokens=tokens)

        assert response.status_code == 400
        self.assert_nothing_saved()

    def test_honeypot_filled(self, reader):
        response = reader.post(contact_by_fax="+44 20 7946 0000")

        assert response.status_code == 400
        self.assert_nothing_saved()

    def test_missing_csrf_token(self, reader):
        tokens = reader.tokens()
        del tokens["csrfmiddlewaretoken"]

        response = reader.post(tokens=tokens)

        assert response.status_code == 403
        self.assert_nothing_saved()

    @pytest.mark.parametrize("url_of", [comment_url, token_url])
    def test_article_with_comments_disabled(self, client, article, url_of):
        article.comments_enabled = False
        article.save_revision().publish()

        assert client.get(url_of(article)).status_code == 404
        assert client.post(comment_url(article), reader_fields()).status_code == 404
        assert "Leave a Reply" not in client.get(article.url).content.decode()
        self.assert_nothing_saved()

    def test_draft_article(self, client, article_index):
        draft = HealthArticlePageFactory(parent=article_index, live=False)

        assert client.get(token_url(draft)).status_code == 404
        assert client.post(comment_url(draft), reader_fields()).status_code == 404
        self.assert_nothing_saved()

    def test_javascript_website_is_refused(self, reader):
        response = reader.post(website=XSS["javascript"])

        assert response.status_code == 400
        error = soup_of(response).select_one("#id_website-error").get_text()
        assert error == "Enter a web address starting with http:// or https://."
        self.assert_nothing_saved()

    def test_sixth_post_in_a_minute_is_refused(self, article):
        reader = Reader(article, address="198.51.100.77")
        statuses = [
            reader.post(text=f"Comment number {n}").status_code for n in range(6)
        ]

        assert statuses == [302] * 5 + [429]
        assert ReaderComment.objects.count() == 5
        assert "Please wait a moment" in reader.post().content.decode()

    def test_other_addresses_are_not_limited_by_a_flood(self, article):
        flooder = Reader(article, address="198.51.100.78")
        for n in range(6):
            flooder.post(text=f"Flood {n}")

        assert Reader(article, address="198.51.100.79").post().status_code == 302

    def test_one_token_sends_one_comment(self, reader):
        tokens = reader.tokens()

        first = reader.post(tokens=tokens)
        second = reader.post(tokens=tokens, text="The same form again")

        assert (first.status_code, second.status_code) == (302, 400)
        assert "sent already" in second.content.decode()
        assert ReaderComment.objects.count() == 1

    @pytest.mark.parametrize(
        "url",
        [
            "/comments/99999999999999999999999/",
            "/comments/99999999999999999999999/token/",
            "/comments/{pk}/?reply_to=²",
            "/comments/{pk}/?reply_to=99999999999999999999",
        ],
    )
    def test_odd_addresses_are_answered_cleanly(self, client, article, url):
        response = client.get(url.format(pk=article.pk))

        assert response.status_code in (200, 404)

    @pytest.mark.parametrize("kind", ["private", "expired"])
    def test_private_and_expired_articles_take_no_comments(self, client, article, kind):
        from datetime import timedelta

        from django.utils import timezone
        from wagtail.models import PageViewRestriction

        if kind == "private":
            PageViewRestriction.objects.create(
                page=article, restriction_type=PageViewRestriction.LOGIN
            )
        else:
            type(article).objects.filter(pk=article.pk).update(
                expire_at=timezone.now() - timedelta(minutes=1)
            )

        assert client.get(token_url(article)).status_code == 404
        assert client.get(comment_url(article)).status_code == 404
        assert client.post(comment_url(article), reader_fields()).status_code == 404
        self.assert_nothing_saved()


class TestReplies:
    def test_readers_reply_from_the_article(self, client, article):
        parent = ReaderComment.objects.create(
            page=article, name="First", email=EMAIL, text="One", status="approved"
        )

        link = soup_of(client.get(article.url)).select_one(".comment__reply a")
        assert link["aria-label"] == "Reply to First"
        page = soup_of(client.get(link["href"]))

        assert "Replying to First" in page.select_one(".comment-form__replying").text
        assert page.select_one("input[name=reply_to]")["value"] == str(parent.pk)

    def test_closed_articles_keep_their_comments_without_the_form(
        self, client, article
    ):
        ReaderComment.objects.create(
            page=article, name="First", email=EMAIL, text="One", status="approved"
        )
        article.comments_enabled = False
        article.save_revision().publish()

        soup = soup_of(client.get(article.url))

        assert soup.select_one("#comments-heading").get_text() == "1 comment"
        assert soup.select_one("#respond") is None
        assert soup.select_one(".comment__reply") is None
        graph = json.loads(soup.select_one("script[type='application/ld+json']").string)
        web_page = next(n for n in graph["@graph"] if n["@type"] == "MedicalWebPage")
        assert web_page["commentCount"] == 1


class TestEscaping:
    def test_hostile_text_is_stored_as_text_and_shown_escaped(self, client, reader):
        reader.post(name=XSS["svg"], text=f"{XSS['script']} and {XSS['svg']}")
        comment = ReaderComment.objects.get()
        assert comment.name == XSS["svg"]
        assert XSS["script"] in comment.text
        set_status(ReaderComment.objects.all(), ReaderComment.Status.APPROVED, None)

        html = client.get(reader.page.url).content.decode()

        assert XSS["script"] not in html
        assert "<svg onload" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&quot;&gt;&lt;svg onload=alert(1)&gt;" in html


class TestFlagging:
    def test_many_links_flag_a_comment(self, reader):
        links = " ".join(f"https://spam.example/{n}" for n in range(3))

        reader.post(text=f"Cheap pills {links}")

        comment = ReaderComment.objects.get()
        assert comment.flagged
        assert "three or more links" in comment.flag_reasons
        assert comment.status == ReaderComment.Status.PENDING

    def test_blocked_word_flags_a_comment(self, reader):
        from wagtail.models import Site

        from health_articles.comments.models import CommentSettings

        settings = CommentSettings.for_site(Site.objects.get())
        settings.blocklist = "casino\nmiracle cure"
        settings.save()

        reader.post(text="This MIRACLE CURE changed my life")

        comment = ReaderComment.objects.get()
        assert comment.flagged
        assert "miracle cure" in comment.flag_reasons

    def test_two_links_are_not_three(self, reader):
        reader.post(text="See https://www.a.example and https://www.b.example")

        assert not ReaderComment.objects.get().flagged

    def test_look_alike_letters_do_not_hide_a_blocked_word(self, reader):
        from wagtail.models import Site

        from health_articles.comments.models import CommentSettings

        settings = CommentSettings.for_site(Site.objects.get())
        settings.blocklist = "casino"
        settings.save()

        reader.post(text="Best ｃａｓｉｎｏ in town, c\u200basino too")

        assert ReaderComment.objects.get().flagged

    def test_ordinary_comment_is_not_flagged(self, reader):
        reader.post(text="See https://www.nhs.uk for advice.")

        assert not ReaderComment.objects.get().flagged
