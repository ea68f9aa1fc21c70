"""The soak test's verdicts (bench/soak_report.py) and the addresses its clients
send (bench/traffic.py): pure logic, no server."""

import pytest

from bench import soak_report as report
from bench.services import HarnessError
from bench.soak_driver import Settings
from bench.traffic import Answer, PostedComment, Traffic, loopback_address

OUTAGE = report.Window(start=27.0, end=33.0)
GRACE = 2.0


def answer(status, start, end=None, route="article", retry_after=None):
    if retry_after is None:
        retry_after = status == 503
    return Answer(
        route,
        status,
        start,
        start + 0.05 if end is None else end,
        retry_after=retry_after,
    )


class TestJudgeAnswer:
    @pytest.mark.parametrize("status", [200, 201, 301, 304, 400, 404, 429])
    def test_anything_below_500_is_fine_at_any_time(self, status):
        for start in (1.0, 30.0, 59.0):
            assert (
                report.judge_answer(answer(status, start), OUTAGE, GRACE) == report.OK
            )

    @pytest.mark.parametrize(
        "start, end",
        [
            (27.5, 27.6),  # inside
            (24.0, 25.5),  # ended within the grace before the stop
            (34.5, 34.9),  # started within the grace after the restart
            (20.0, 40.0),  # in flight through the whole outage
        ],
    )
    def test_the_503_page_during_the_outage_is_accepted(self, start, end):
        judged = report.judge_answer(answer(503, start, end), OUTAGE, GRACE)
        assert judged == report.OUTAGE_503

    @pytest.mark.parametrize("start, end", [(10.0, 24.9), (35.1, 35.2)])
    def test_a_503_outside_the_outage_and_its_grace_is_refused(self, start, end):
        judged = report.judge_answer(answer(503, start, end), OUTAGE, GRACE)
        assert judged == report.OUTSIDE_503

    def test_with_no_outage_every_503_is_refused(self):
        judged = report.judge_answer(answer(503, 30.0), None, GRACE)
        assert judged == report.OUTSIDE_503

    def test_a_503_without_retry_after_is_refused_even_in_the_outage(self):
        bare = answer(503, 30.0, retry_after=False)
        assert report.judge_answer(bare, OUTAGE, GRACE) == report.BARE_503

    @pytest.mark.parametrize("status", [500, 502, 504])
    def test_other_5xx_are_refused_even_in_the_outage(self, status):
        judged = report.judge_answer(answer(status, 30.0), OUTAGE, GRACE)
        assert judged == report.OTHER_5XX

    def test_no_answer_is_refused_even_in_the_outage(self):
        assert report.judge_answer(answer(None, 30.0), OUTAGE, GRACE) == (
            report.NO_ANSWER
        )


def test_verdict_counts_each_kind_and_shows_the_refused():
    answers = [
        answer(200, 1.0),
        answer(404, 2.0),
        answer(503, 30.0),
        answer(503, 50.0),
        answer(500, 30.0),
        answer(None, 31.0),
    ]

    judged = report.verdict(answers, OUTAGE, GRACE)

    assert judged["counts"] == {
        report.OK: 2,
        report.OUTAGE_503: 1,
        report.NO_ANSWER: 1,
        report.OTHER_5XX: 1,
        report.BARE_503: 0,
        report.OUTSIDE_503: 1,
    }
    assert judged["refused"] == 3
    assert [example["status"] for example in judged["examples"]] == [503, 500, None]


def test_recovery_is_read_from_the_answers_that_reach_the_database():
    answers = [
        answer(200, 20.0, route="comment_token"),
        answer(503, 28.0, route="comment_token"),
        answer(503, 32.9, 33.1, route="comment_post"),
        answer(200, 30.0, route="article"),  # the page cache, during the outage
        answer(200, 33.2, 33.5, route="comment_token"),
        answer(201, 40.0, route="comment_post"),
        answer(503, 41.0, route="comment_post"),
    ]

    back = report.recovery(answers, OUTAGE, GRACE)

    assert back["database_2xx_after_outage"] == 2
    assert back["comments_acknowledged_after_outage"] == 1
    assert back["first_database_2xx_after_s"] == pytest.approx(0.5)
    assert back["first_503_at"] == 28.0
    assert back["last_503_at"] == pytest.approx(41.05)
    assert back["503_max_ms"] == pytest.approx(200.0)
    assert back["2xx_during_outage"] == 1
    assert back["database_2xx_during_outage"] == 0


def test_no_database_answer_after_the_outage_is_no_recovery():
    back = report.recovery([answer(503, 34.0, route="comment_token")], OUTAGE, GRACE)

    assert back["database_2xx_after_outage"] == 0
    assert back["first_database_2xx_after_s"] is None


def test_comments_acknowledged_but_not_saved_are_lost():
    posted = [
        PostedComment("restart-0-1", 5, 201, 1.0, 1.1),
        PostedComment("restart-0-2", 5, 201, 30.0, 30.1),
        PostedComment("restart-1-1", 6, 503, 30.0, 30.1),
        PostedComment("restart-1-2", 6, None, 31.0, 71.0),
    ]
    saved = report.saved_markers(
        [
            "Soak test comment restart-0-1: it helped me sleep.",
            "Soak test comment restart-1-2: it helped me sleep.",
            "A reader's own comment",
        ]
    )

    checked = report.comment_check(posted, saved)

    assert saved == {"restart-0-1", "restart-1-2"}
    assert checked["acknowledged"] == 2
    assert checked["saved"] == 2
    assert checked["lost"] == ["restart-0-2"]
    assert checked["saved_without_201"] == ["restart-1-2"]
    assert checked["statuses"] == {"201": 2, "503": 1, "None": 1}


def samples(*workers_by_time):
    return [
        {"t": t, "master": 30_000, "workers": workers} for t, workers in workers_by_time
    ]


def test_memory_growth_is_from_the_middle_sample_to_the_last():
    rss = report.memory(
        samples(
            (0.0, {11: 100_000, 12: 90_000}),
            (29.0, {11: 120_000, 12: 100_000}),
            (31.5, {11: 121_000, 12: 100_000}),
            (60.2, {11: 122_048, 12: 99_000}),
        ),
        seconds=60,
    )

    assert rss["middle_at_s"] == 29.0
    assert rss["workers"]["11"]["second_half_growth_mb"] == 2.0
    assert rss["workers"]["12"]["second_half_growth_mb"] == -1.0
    assert rss["largest_growth_mb"] == 2.0
    assert rss["restarted"] == []


def test_a_worker_that_changed_during_the_phase_is_a_restart():
    rss = report.memory(
        samples((0.0, {11: 1, 12: 1}), (30.0, {11: 1, 12: 1}), (60.0, {11: 1, 13: 1})),
        seconds=60,
    )

    assert rss["restarted"] == [12, 13]
    assert list(rss["workers"]) == ["11"]


def steady_phase(**changes):
    phase = {
        "label": "steady",
        "summary": {"classes": {"2xx": 900, "5xx": 0, "no answer": 0}},
        "comments": {"posted": 10, "acknowledged": 10, "lost": []},
        "memory": {"restarted": [], "largest_growth_mb": 1.5},
    }
    for key, value in changes.items():
        phase[key] = {**phase[key], **value}
    return phase


def failed(marks):
    return [mark["target"] for mark in marks if not mark["pass"]]


class TestTargets:
    def test_a_clean_steady_phase_passes(self):
        assert failed(report.steady_targets(steady_phase(), 10)) == []

    def test_steady_fails_on_5xx_growth_and_unacknowledged_comments(self):
        phase = steady_phase(
            summary={"classes": {"5xx": 1, "no answer": 0}},
            memory={"largest_growth_mb": 12.0},
            comments={"acknowledged": 9},
        )

        assert failed(report.steady_targets(phase, 10)) == [
            "steady: 5xx answers",
            "steady: comment posts not acknowledged with 201",
            "steady: worker RSS growth over the second half, largest",
        ]

    def test_a_restart_phase_that_never_saw_the_outage_fails(self):
        phase = {
            "verdict": {"counts": {report.OUTAGE_503: 0}, "refused": 0},
            "recovery": {
                "database_2xx_after_outage": 5,
                "comments_acknowledged_after_outage": 2,
            },
            "comments": {"acknowledged": 4, "lost": []},
            "memory": {"restarted": []},
        }

        assert failed(report.restart_targets(phase)) == [
            "restart: 503 answers during the outage (the fault was seen)"
        ]


class TestAddresses:
    def test_forwarded_addresses_are_loopback_ones(self):
        assert loopback_address(1) == "127.0.0.1"
        assert loopback_address((1 << 16) + 1) == "127.1.0.1"
        assert loopback_address((1 << 24) - 1) == "127.255.255.255"

    @pytest.mark.parametrize("number", [-1, 1 << 24])
    def test_no_address_outside_127_0_0_0_8(self, number):
        with pytest.raises(ValueError):
            loopback_address(number)

    def test_each_post_gets_the_next_address(self):
        traffic = Traffic(0, None, 1, 1, "steady", first_address=(1 << 16) + 255)

        assert [traffic.next_address() for _ in range(2)] == [
            "127.1.0.255",
            "127.1.1.0",
        ]
        assert traffic.addresses_used == 2


class TestSettings:
    def test_defaults_are_a_minute_at_32_connections(self):
        settings = Settings.from_environment({})

        assert (settings.seconds, settings.connections) == (60, 32)
        assert settings.redis_url == "redis://127.0.0.1:6379/14"

    def test_only_a_redis_on_this_machine(self):
        with pytest.raises(HarnessError, match="on this machine"):
            Settings.from_environment({"SOAK_REDIS_URL": "redis://cache.example:6379"})

    def test_the_outage_must_leave_traffic_before_and_after_it(self):
        with pytest.raises(HarnessError, match="SOAK_OUTAGE_SECONDS"):
            Settings.from_environment(
                {"SOAK_SECONDS": "12", "SOAK_OUTAGE_SECONDS": "5"}
            )


def test_the_table_has_a_column_per_phase():
    steady = {
        "label": "steady",
        "summary": report.summarise([answer(200, 1.0)], 60),
        "verdict": report.verdict([answer(200, 1.0)], None, GRACE),
        "comments": report.comment_check([], set()),
        "memory": report.memory([], 60),
    }
    restart = {
        **steady,
        "label": "restart",
        "outage": {"start": 27.0, "end": 33.0, "seconds": 6.0},
        "recovery": report.recovery([answer(503, 30.0)], OUTAGE, GRACE),
    }

    lines = report.table([steady, restart]).splitlines()

    assert lines[0].split() == ["steady", "restart"]
    assert any(
        line.startswith("PostgreSQL down") and "27.0–33.0 s" in line for line in lines
    )
