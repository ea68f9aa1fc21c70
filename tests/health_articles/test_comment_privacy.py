"""Reader comments and personal data: IP addresses are erased after the retention
period, a reader's comments can be exported or deleted on request, and the rate
limits' cache passes Django's checks in both cache configurations."""

import io
import json
import os
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.management import CommandError, call_command

from cms import content_version
from health_articles.comments.models import ReaderComment
from tests.factories import HealthArticlePageFactory

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
READER = "reader@example.com"
OTHER = "someone.else@example.com"


def post_comment(page, *, days_ago=0, email=READER, **fields):
    """A comment as the form saves it, posted ``days_ago`` days before NOW."""
    fields = {
        "name": "A reader",
        "text": "Thank you, this helped.",
        "ip_address": "203.0.113.7",
        **fields,
    }
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        return ReaderComment.objects.create(page=page, email=email, **fields)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def ip_of(comment):
    comment.refresh_from_db()
    return comment.ip_address


class TestEraseCommentIps:
    @pytest.fixture(autouse=True)
    def _now(self):
        with time_machine.travel(NOW, tick=False):
            yield

    def test_erases_only_addresses_older_than_the_retention_period(self, article):
        old = post_comment(article, days_ago=31)
        recent = post_comment(article, days_ago=29, ip_address="2001:db8::1")

        output = run("erase_comment_ips")

        assert ip_of(old) is None
        assert ip_of(recent) == "2001:db8::1"
        assert output == (
            "Erased the IP addresses of 1 comment posted before 25 October 2026 "
            "12:00.\n"
        )
        old.refresh_from_db()
        assert old.text == "Thank you, this helped."  # only the address goes

    def test_running_it_again_erases_nothing_more(self, article):
        old = post_comment(article, days_ago=40)
        run("erase_comment_ips")

        output = run("erase_comment_ips")

        assert ip_of(old) is None
        assert output.startswith("Erased the IP addresses of 0 comments posted")

    def test_dry_run_counts_and_erases_nothing(self, article):
        old = [post_comment(article, days_ago=days) for days in (31, 45)]

        output = run("erase_comment_ips", "--dry-run")

        assert output.startswith("Would erase the IP addresses of 2 comments posted")
        assert "nothing erased" in output
        assert [ip_of(comment) for comment in old] == ["203.0.113.7"] * 2

    def test_follows_the_retention_setting(self, article, settings):
        settings.COMMENT_IP_RETENTION_DAYS = 7
        week_old = post_comment(article, days_ago=8)
        today = post_comment(article, days_ago=0)

        run("erase_comment_ips")

        assert ip_of(week_old) is None
        assert ip_of(today) == "203.0.113.7"

    def test_a_negative_retention_period_is_refused(self, article, settings):
        settings.COMMENT_IP_RETENTION_DAYS = -1
        old = post_comment(article, days_ago=31)

        with pytest.raises(CommandError, match="must be 0 or more, not -1"):
            run("erase_comment_ips")
        assert ip_of(old) == "203.0.113.7"


@time_machine.travel(NOW, tick=False)
def test_the_periodic_runner_erases_old_addresses_and_still_publishes(
    article, article_index
):
    scheduled = HealthArticlePageFactory(parent=article_index, live=False)
    scheduled.go_live_at = NOW + timedelta(hours=1)
    scheduled.save_revision().publish()
    scheduled.refresh_from_db()
    assert not scheduled.live
    old = post_comment(article, days_ago=31)
    recent = post_comment(article, days_ago=1)

    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        run("run_scheduler", "--once")

    scheduled.refresh_from_db()
    assert scheduled.live
    assert ip_of(old) is None
    assert ip_of(recent) == "203.0.113.7"


@pytest.fixture
def comments(article, article_index):
    other_article = HealthArticlePageFactory(
        parent=article_index, title="Sleep and shift work"
    )
    return {
        "first": post_comment(
            article, days_ago=3, name="Sam", website="https://sam.example"
        ),
        "reply": post_comment(
            other_article,
            days_ago=1,
            email="Reader@Example.COM",
            name="Sam",
            text="Shifts are hard.",
            status=ReaderComment.Status.APPROVED,
            ip_address=None,
        ),
        "other": post_comment(
            article, email=OTHER, name="Alex", text="Not Sam's words."
        ),
    }


class TestExport:
    def test_exports_every_comment_of_that_address_in_any_case(self, comments):
        output = run("reader_comment_data", "--email", "READER@example.com", "--export")

        data = json.loads(output)
        first, second = comments["first"], comments["reply"]
        assert data["email"] == "READER@example.com"
        assert data["comments"] == [
            {
                "id": first.pk,
                "article": {
                    "title": first.page.title,
                    "url": first.page.full_url,
                },
                "in_reply_to": None,
                "name": "Sam",
                "email": READER,
                "website": "https://sam.example",
                "text": "Thank you, this helped.",
                "status": "pending",
                "created_at": "2026-11-21T12:00:00+00:00",
                "ip_address": "203.0.113.7",
            },
            {
                "id": second.pk,
                "article": {
                    "title": "Sleep and shift work",
                    "url": second.page.full_url,
                },
                "in_reply_to": None,
                "name": "Sam",
                "email": "Reader@Example.COM",
                "website": "",
                "text": "Shifts are hard.",
                "status": "approved",
                "created_at": "2026-11-23T12:00:00+00:00",
                "ip_address": None,
            },
        ]
        assert first.page.full_url.startswith("http://localhost/")
        assert OTHER not in output
        assert "Not Sam's words." not in output

    def test_writes_the_export_to_a_file(self, comments, tmp_path):
        target = tmp_path / "sam.json"

        output = run(
            "reader_comment_data", "--email", READER, "--export", "--output", target
        )

        assert output == f"Exported 2 comments by {READER} to {target}.\n"
        data = json.loads(target.read_text(encoding="utf-8"))
        assert [comment["text"] for comment in data["comments"]] == [
            "Thank you, this helped.",
            "Shifts are hard.",
        ]

    def test_an_address_without_comments_exports_an_empty_list(self, comments):
        output = run("reader_comment_data", "--email", "nobody@example.com", "--export")

        assert json.loads(output) == {"email": "nobody@example.com", "comments": []}


class TestDelete:
    def test_deletes_that_readers_comments_only(self, comments):
        output = run("reader_comment_data", "--email", READER, "--delete", "--no-input")

        assert output == f"Deleted 2 comments by {READER}.\n"
        assert list(ReaderComment.objects.values_list("email", "text")) == [
            (OTHER, "Not Sam's words.")
        ]

    def test_deleting_an_approved_comment_changes_the_content_version(self, comments):
        before = content_version.current()

        run("reader_comment_data", "--email", READER, "--delete", "--no-input")

        assert content_version.current() > before

    def test_asks_before_deleting_and_a_no_keeps_everything(
        self, comments, monkeypatch
    ):
        questions = []
        monkeypatch.setattr(
            "builtins.input", lambda question: questions.append(question) or "no"
        )

        output = run("reader_comment_data", "--email", READER, "--delete")

        assert questions == [
            f"Delete 2 comments by {READER}? This cannot be undone. "
            "Type 'yes' to continue, or 'no' to cancel: "
        ]
        assert output == "Cancelled; nothing deleted.\n"
        assert ReaderComment.objects.count() == 3

    def test_a_yes_deletes(self, comments, monkeypatch):
        monkeypatch.setattr("builtins.input", lambda question: "yes")

        output = run("reader_comment_data", "--email", READER, "--delete")

        assert output == f"Deleted 2 comments by {READER}.\n"
        assert not ReaderComment.objects.filter(email__iexact=READER).exists()

    def test_says_that_replies_by_others_go_with_the_comment(self, comments):
        first = comments["first"]
        post_comment(first.page, email=OTHER, parent=first, text="Me too.")

        output = run("reader_comment_data", "--email", READER, "--delete", "--no-input")

        assert output == (
            f"Deleted 2 comments by {READER}, and 1 reply to them by other people.\n"
        )
        assert list(ReaderComment.objects.values_list("text", flat=True)) == [
            "Not Sam's words."
        ]

    def test_an_address_without_comments_deletes_nothing(self, comments):
        output = run("reader_comment_data", "--email", "nobody@example.com", "--delete")

        assert output == "No comments by nobody@example.com; nothing deleted.\n"
        assert ReaderComment.objects.count() == 3


class TestArguments:
    @pytest.mark.parametrize("email", ["not-an-address", "sam@", ""])
    def test_a_bad_address_is_refused_with_a_clear_message(self, comments, email):
        with pytest.raises(CommandError, match="is not a valid e-mail address"):
            run("reader_comment_data", "--email", email, "--delete", "--no-input")
        assert ReaderComment.objects.count() == 3

    def test_export_or_delete_is_required(self, db):
        with pytest.raises(CommandError, match="one of the arguments --export"):
            run("reader_comment_data", "--email", READER)

    def test_export_and_delete_together_are_refused(self, comments):
        with pytest.raises(CommandError, match="not allowed with argument"):
            run("reader_comment_data", "--email", READER, "--export", "--delete")
        assert ReaderComment.objects.count() == 3

    def test_output_goes_with_export_only(self, comments, tmp_path):
        with pytest.raises(CommandError, match="--output goes with --export only"):
            run(
                "reader_comment_data",
                "--email",
                READER,
                "--delete",
                "--no-input",
                "--output",
                tmp_path / "x.json",
            )
        assert ReaderComment.objects.count() == 3


def ratelimit_messages():
    return [m for m in run_checks() if m.id.startswith("django_ratelimit.")]


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="needs Redis: set REDIS_URL (e.g. redis://127.0.0.1:6379/15)",
)
def test_with_redis_the_rate_limit_checks_pass_unsilenced():
    assert django_settings.CACHES["default"]["BACKEND"] == (
        "django_redis.cache.RedisCache"
    )
    assert django_settings.SILENCED_SYSTEM_CHECKS == []
    assert ratelimit_messages() == []


@pytest.mark.skipif(
    bool(os.environ.get("REDIS_URL")),
    reason="the local-memory cache configuration is tested without REDIS_URL",
)
def test_without_redis_exactly_the_two_cache_checks_are_silenced():
    assert django_settings.SILENCED_SYSTEM_CHECKS == [
        "django_ratelimit.E003",
        "django_ratelimit.W001",
    ]
    found = ratelimit_messages()
    assert sorted(m.id for m in found) == django_settings.SILENCED_SYSTEM_CHECKS
    assert all(m.is_silenced() for m in found)


def test_manage_py_check_passes_in_this_cache_configuration():
    out = io.StringIO()
    call_command("check", stdout=out)

    assert "System check identified no issues" in out.getvalue()
