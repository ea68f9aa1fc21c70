import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from cms.management.commands import run_scheduler as scheduler
from tests.factories import HealthArticlePageFactory

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def run_scheduler():
    call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115


@time_machine.travel(NOW, tick=False)
def test_scheduled_article_goes_live_when_the_runner_runs(client, article_index):
    page = HealthArticlePageFactory(parent=article_index, live=False)
    page.go_live_at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live

    run_scheduler()
    page.refresh_from_db()
    assert not page.live  # not yet time

    with time_machine.travel(datetime(2026, 11, 25, 9, 1, tzinfo=UTC), tick=False):
        run_scheduler()

    page.refresh_from_db()
    assert page.live
    assert client.get(page.url).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_expired_article_is_taken_down_when_the_runner_runs(client, article_index):
    page = HealthArticlePageFactory(parent=article_index)
    page.expire_at = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    page.save_revision().publish()
    assert client.get(page.url).status_code == 200

    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        run_scheduler()

    page.refresh_from_db()
    assert not page.live
    assert page.expired
    assert client.get(page.url).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_article_that_breaks_the_rules_does_not_block_others(
    client, article_index
):
    good = HealthArticlePageFactory(parent=article_index, live=False)
    good.go_live_at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    good.save_revision().publish()
    # Scheduled before it lost its reviewer (say, by an import or a data fix).
    bad = HealthArticlePageFactory(parent=article_index, live=False, reviewers=[])
    bad.go_live_at = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    bad_revision = bad.save_revision()
    bad_revision.approved_go_live_at = bad.go_live_at
    bad_revision.save()

    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=UTC), tick=False):
        run_scheduler()

    good.refresh_from_db()
    bad.refresh_from_db()
    bad_revision.refresh_from_db()
    assert good.live
    assert not bad.live
    assert bad_revision.approved_go_live_at is None


def test_interval_must_be_positive(db):
    with pytest.raises(CommandError, match="at least 1 second"):
        call_command("run_scheduler", "--interval", "0")


# Django's sendtestemail fails without recipients: a real command that raises.
FAILING = "sendtestemail"


@time_machine.travel(NOW, tick=False)
def test_runs_every_command_in_the_setting_and_a_failure_does_not_stop_the_next(
    article_index, settings, caplog
):
    settings.PERIODIC_COMMANDS = [FAILING, "publish_scheduled"]
    page = HealthArticlePageFactory(parent=article_index, live=False)
    page.go_live_at = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    page.save_revision().publish()

    with time_machine.travel(datetime(2026, 11, 25, 9, 1, tzinfo=UTC), tick=False):
        run_scheduler()

    page.refresh_from_db()
    assert page.live
    assert f"Periodic command {FAILING} failed" in caplog.text
    assert "You must specify some email recipients" in caplog.text


def test_a_failing_command_does_not_stop_the_loop(db, settings, caplog, monkeypatch):
    settings.PERIODIC_COMMANDS = [FAILING]
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt  # Ctrl-C during the second wait

    monkeypatch.setattr(scheduler.time, "sleep", sleep)
    out = io.StringIO()

    call_command("run_scheduler", "--interval", "5", stdout=out)

    assert sleeps == [5, 5]
    assert caplog.text.count(f"Periodic command {FAILING} failed") == 2
    assert out.getvalue() == (f"Running {FAILING} every 5 s.\nScheduler stopped.\n")


def test_without_the_setting_only_scheduled_publishing_runs(db, settings):
    del settings.PERIODIC_COMMANDS

    assert scheduler.periodic_commands() == ["publish_scheduled"]


def test_an_unknown_command_in_the_setting_is_refused_at_start(db, settings):
    settings.PERIODIC_COMMANDS = ["publish_scheduled", "no_such_command"]

    with pytest.raises(CommandError, match="unknown commands: no_such_command"):
        run_scheduler()
