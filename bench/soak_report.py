"""What the soak test (bench/soak.py) concludes from a phase, and how it says so.

Pure functions of what the clients recorded (bench/traffic.py: every answer with its
route, status and start and end times, every comment post), of the comments found
in the database and of the memory samples: no server is needed, so the test suite
checks them (tests/bench/test_soak_report.py).

Times are seconds since the phase's traffic started. The outage is the window from
the moment the harness began to stop PostgreSQL to the moment ``pg_ctl start`` said
it accepts connections again.
"""

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.traffic import DATABASE_ROUTES

# How an answer is judged against the outage (judge_answer).
OK = "2xx-4xx"
OUTAGE_503 = "503 during the outage"
OUTSIDE_503 = "503 outside the outage"
BARE_503 = "503 without Retry-After"
OTHER_5XX = "5xx other than 503"
NO_ANSWER = "no answer"
ACCEPTED = (OK, OUTAGE_503)
REFUSED = (NO_ANSWER, OTHER_5XX, BARE_503, OUTSIDE_503)
MARKER = re.compile(r"^Soak test comment (\S+):")


@dataclass(frozen=True)
class Window:
    """When PostgreSQL was unavailable."""

    start: float
    end: float

    def touches(self, answer, grace):
        """Whether the request was in flight at any time from ``grace`` seconds
        before the outage to ``grace`` seconds after it."""
        return answer.start <= self.end + grace and answer.end >= self.start - grace


def status_class(status):
    return "no answer" if status is None else f"{status // 100}xx"


def judge_answer(answer, window, grace):
    """One of OK, OUTAGE_503 (both accepted) or the REFUSED kinds.

    Every answer below 500 is fine (a 4xx is the client's business, reported
    apart). A 5xx is accepted only as the "back in a moment" 503 with Retry-After,
    and only while the database was unavailable (give or take ``grace``); with no
    outage (``window`` None) every 5xx is refused, and so is a request that got no
    answer at all."""
    if answer.status is None:
        return NO_ANSWER
    if answer.status < 500:
        return OK
    if answer.status != 503:
        return OTHER_5XX
    if not answer.retry_after:
        return BARE_503
    if window is None or not window.touches(answer, grace):
        return OUTSIDE_503
    return OUTAGE_503


def verdict(answers, window, grace, examples=10):
    """How many answers of each kind, and a few of the refused ones."""
    kinds = Counter()
    refused = []
    for answer in answers:
        kind = judge_answer(answer, window, grace)
        kinds[kind] += 1
        if kind in REFUSED and len(refused) < examples:
            refused.append(
                {
                    "kind": kind,
                    "route": answer.route,
                    "status": answer.status,
                    "start": round(answer.start, 3),
                    "end": round(answer.end, 3),
                    "error": answer.error,
                }
            )
    counts = {kind: kinds.get(kind, 0) for kind in (*ACCEPTED, *REFUSED)}
    return {
        "counts": counts,
        "refused": sum(counts[kind] for kind in REFUSED),
        "examples": refused,
    }


def percentile(values, fraction):
    """The nearest-rank percentile of ``values`` (None when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def milliseconds(value):
    return None if value is None else round(value * 1000, 1)


def summarise(answers, seconds):
    """Requests, rate, latencies and statuses, in all and by route."""
    routes = {}
    for answer in answers:
        route = routes.setdefault(answer.route, {"requests": 0, "statuses": Counter()})
        route["requests"] += 1
        route["statuses"][str(answer.status)] += 1
    latencies = [answer.end - answer.start for answer in answers]
    classes = Counter(status_class(answer.status) for answer in answers)
    statuses = Counter(str(answer.status) for answer in answers)
    refused_4xx = Counter(
        (answer.route, answer.status, answer.body)
        for answer in answers
        if answer.status is not None and 400 <= answer.status < 500
    )
    return {
        "requests": len(answers),
        "req_per_s": round(len(answers) / seconds, 1) if seconds else None,
        "p50_ms": milliseconds(percentile(latencies, 0.50)),
        "p99_ms": milliseconds(percentile(latencies, 0.99)),
        "max_ms": milliseconds(max(latencies, default=None)),
        "classes": {
            name: classes.get(name, 0)
            for name in ("2xx", "3xx", "4xx", "5xx", "no answer")
        },
        "statuses": dict(sorted(statuses.items())),
        "routes": {
            name: {"requests": route["requests"], "statuses": dict(route["statuses"])}
            for name, route in sorted(routes.items())
        },
        "4xx_examples": [
            {"route": route, "status": status, "count": count, "body": body}
            for (route, status, body), count in refused_4xx.most_common(5)
        ],
    }


def timeline(answers, seconds):
    """Answers by second of the phase (by when each ended) and by status class."""
    buckets = [Counter() for _ in range(max(1, math.ceil(seconds)))]
    for answer in answers:
        index = min(len(buckets) - 1, max(0, int(answer.end)))
        buckets[index][status_class(answer.status)] += 1
    return [dict(bucket) for bucket in buckets]


def recovery(answers, window, grace):
    """How the site came back after the outage, from the answers that always
    reach the database (the comment token and the comment post)."""
    database = [answer for answer in answers if answer.route in DATABASE_ROUTES]
    after = [answer for answer in database if answer.start >= window.end]
    good_after = [answer for answer in after if 200 <= (answer.status or 0) < 300]
    unavailable = [answer for answer in answers if answer.status == 503]
    first = min((answer.end for answer in good_after), default=None)
    waits = [answer.end - answer.start for answer in unavailable]
    return {
        "database_2xx_after_outage": len(good_after),
        "database_answers_after_outage": len(after),
        "comments_acknowledged_after_outage": sum(
            answer.route == "comment_post" and answer.status == 201 for answer in after
        ),
        "first_database_2xx_after_s": (
            None if first is None else round(first - window.end, 3)
        ),
        "first_503_at": (
            round(min(answer.start for answer in unavailable), 3)
            if unavailable
            else None
        ),
        "last_503_at": (
            round(max(answer.end for answer in unavailable), 3) if unavailable else None
        ),
        # How long a visitor waited for the 503 page: no hanging on the database.
        "503_p50_ms": milliseconds(percentile(waits, 0.50)),
        "503_max_ms": milliseconds(max(waits, default=None)),
        # Pages and API answers that the page cache served from Redis meanwhile.
        "2xx_during_outage": sum(
            200 <= (answer.status or 0) < 300
            and answer.start >= window.start
            and answer.end <= window.end
            for answer in answers
        ),
        "database_2xx_during_outage": sum(
            200 <= (answer.status or 0) < 300
            and answer.start >= window.start
            and answer.end <= window.end
            for answer in database
        ),
    }


def saved_markers(texts):
    """The markers of the soak test's comments among the texts of saved ones."""
    found = set()
    for text in texts:
        match = MARKER.match(text)
        if match:
            found.add(match.group(1))
    return found


def comment_check(posted, saved):
    """Every comment acknowledged with 201 must be saved. ``posted`` is what the
    clients sent (PostedComment), ``saved`` the markers found in the database."""
    sent = {comment.marker for comment in posted}
    acknowledged = {comment.marker for comment in posted if comment.status == 201}
    statuses = Counter(str(comment.status) for comment in posted)
    return {
        "posted": len(posted),
        "statuses": dict(sorted(statuses.items())),
        "acknowledged": len(acknowledged),
        "saved": len(saved & sent),
        "lost": sorted(acknowledged - saved),
        # A post whose answer said it failed (or never came) but whose comment was
        # saved: the reader may send it again, a duplicate for the moderators.
        "saved_without_201": sorted((saved & sent) - acknowledged),
    }


def memory(samples, seconds):
    """Each worker's resident memory at the start, the middle and the end of the
    phase, and its growth over the second half.

    ``samples`` are MemorySampler's: ``{"t": seconds, "master": kB, "workers":
    {pid: kB}}``. The middle is the sample nearest ``seconds / 2``, the end the last
    sample. A worker that is not in both the first and the last sample was
    restarted (or died) during the phase."""
    if not samples:
        return {"workers": {}, "restarted": None, "largest_growth_mb": None}
    first, last = samples[0], samples[-1]
    middle = min(samples, key=lambda sample: abs(sample["t"] - seconds / 2))
    workers = {}
    for pid in sorted(set(middle["workers"]) & set(last["workers"])):
        mid_kb, end_kb = middle["workers"][pid], last["workers"][pid]
        start_kb = first["workers"].get(pid)
        workers[str(pid)] = {
            "start_mb": None if start_kb is None else round(start_kb / 1024, 1),
            "middle_mb": round(mid_kb / 1024, 1),
            "end_mb": round(end_kb / 1024, 1),
            "second_half_growth_mb": round((end_kb - mid_kb) / 1024, 1),
            "second_half_growth_percent": round(100 * (end_kb - mid_kb) / mid_kb, 1),
        }
    growths = [worker["second_half_growth_mb"] for worker in workers.values()]
    return {
        "middle_at_s": middle["t"],
        "end_at_s": last["t"],
        "workers": workers,
        "master_mb": {
            "start": first["master"] and round(first["master"] / 1024, 1),
            "end": last["master"] and round(last["master"] / 1024, 1),
        },
        "restarted": sorted(set(first["workers"]) ^ set(last["workers"])),
        "largest_growth_mb": max(growths, default=None),
    }


# Targets


def mark(target, value, limit, passed):
    return {"target": target, "value": value, "limit": limit, "pass": bool(passed)}


def steady_targets(phase, growth_limit_mb):
    """Phase 1: no 5xx, no request without an answer, every comment post
    acknowledged and saved, no worker restarted, memory stable."""
    summary, comments, rss = phase["summary"], phase["comments"], phase["memory"]
    not_acknowledged = comments["posted"] - comments["acknowledged"]
    growth = rss["largest_growth_mb"]
    return [
        mark(
            "steady: 5xx answers",
            summary["classes"]["5xx"],
            "0",
            not summary["classes"]["5xx"],
        ),
        mark(
            "steady: requests without an answer",
            summary["classes"]["no answer"],
            "0",
            not summary["classes"]["no answer"],
        ),
        mark(
            "steady: comment posts not acknowledged with 201",
            not_acknowledged,
            f"0 (of {comments['posted']}, at least one)",
            comments["posted"] and not not_acknowledged,
        ),
        mark(
            "steady: acknowledged comments missing from the database",
            len(comments["lost"]),
            "0",
            not comments["lost"],
        ),
        mark(
            "steady: gunicorn workers restarted",
            len(rss["restarted"] or []),
            "0",
            rss["restarted"] == [],
        ),
        mark(
            "steady: worker RSS growth over the second half, largest",
            growth,
            f"<= {growth_limit_mb} MB",
            growth is not None and growth <= growth_limit_mb,
        ),
    ]


def restart_targets(phase):
    """Phase 2: only the 503 page, and only during the outage; the outage was
    seen; the site came back by itself (database answers and acknowledged comments
    after it, no worker restarted); no acknowledged comment lost."""
    judged, back = phase["verdict"], phase["recovery"]
    comments, rss = phase["comments"], phase["memory"]
    counts = judged["counts"]
    return [
        mark(
            "restart: answers neither 2xx-4xx nor the 503 page in the outage",
            judged["refused"],
            "0",
            not judged["refused"],
        ),
        mark(
            "restart: 503 answers during the outage (the fault was seen)",
            counts[OUTAGE_503],
            ">= 1",
            counts[OUTAGE_503] >= 1,
        ),
        mark(
            "restart: database answers 2xx after the outage, without restarting",
            back["database_2xx_after_outage"],
            ">= 1",
            back["database_2xx_after_outage"] >= 1,
        ),
        mark(
            "restart: comments acknowledged after the outage",
            back["comments_acknowledged_after_outage"],
            ">= 1",
            back["comments_acknowledged_after_outage"] >= 1,
        ),
        mark(
            "restart: gunicorn workers restarted",
            len(rss["restarted"] or []),
            "0",
            rss["restarted"] == [],
        ),
        mark(
            "restart: acknowledged comments missing from the database",
            len(comments["lost"]),
            f"0 (of {comments['acknowledged']} acknowledged)",
            not comments["lost"],
        ),
    ]


# Printing and writing


def fmt(value, digits=1):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def rows(phases):
    """The printed table's rows: one column per phase."""

    def each(getter):
        return [getter(phase) for phase in phases]

    def memory_line(phase):
        workers = phase["memory"]["workers"].values()
        return (
            ", ".join(f"{fmt(w['middle_mb'])}→{fmt(w['end_mb'])}" for w in workers)
            or "–"
        )

    def growth_line(phase):
        workers = phase["memory"]["workers"].values()
        return (
            ", ".join(
                f"{w['second_half_growth_mb']:+.1f} "
                f"({w['second_half_growth_percent']:+.1f}%)"
                for w in workers
            )
            or "–"
        )

    def outage_line(phase):
        outage = phase.get("outage")
        if not outage:
            return "–"
        return (
            f"{outage['start']:.1f}–{outage['end']:.1f} s ({outage['seconds']:.1f} s)"
        )

    def unavailable_line(phase):
        back = phase.get("recovery")
        if not back or back["first_503_at"] is None:
            return "–"
        return f"{back['first_503_at']:.1f}–{back['last_503_at']:.1f} s"

    def served_line(phase):
        back = phase.get("recovery")
        return fmt(back["2xx_during_outage"]) if back else "–"

    def unavailable_wait(phase):
        back = phase.get("recovery")
        if not back:
            return "–"
        return f"{fmt(back['503_p50_ms'], 0)} / {fmt(back['503_max_ms'], 0)}"

    def first_back(phase):
        back = phase.get("recovery")
        if not back:
            return "–"
        return fmt(back["first_database_2xx_after_s"], 2) + " s"

    comments = [phase["comments"] for phase in phases]
    return [
        ("requests", each(lambda p: fmt(p["summary"]["requests"]))),
        ("requests/s", each(lambda p: fmt(p["summary"]["req_per_s"]))),
        (
            "p50 / p99 / max ms",
            each(
                lambda p: " / ".join(
                    fmt(p["summary"][key], 0) for key in ("p50_ms", "p99_ms", "max_ms")
                )
            ),
        ),
        (
            "2xx / 3xx / 4xx",
            each(
                lambda p: " / ".join(
                    fmt(p["summary"]["classes"][key]) for key in ("2xx", "3xx", "4xx")
                )
            ),
        ),
        (
            "503 with Retry-After, outage",
            each(lambda p: fmt(p["verdict"]["counts"][OUTAGE_503])),
        ),
        (
            "503 outside the outage",
            each(lambda p: fmt(p["verdict"]["counts"][OUTSIDE_503])),
        ),
        (
            "503 without Retry-After",
            each(lambda p: fmt(p["verdict"]["counts"][BARE_503])),
        ),
        ("other 5xx", each(lambda p: fmt(p["verdict"]["counts"][OTHER_5XX]))),
        ("no answer", each(lambda p: fmt(p["verdict"]["counts"][NO_ANSWER]))),
        (
            "comments posted / 201 / saved",
            [
                f"{c['posted']:,} / {c['acknowledged']:,} / {c['saved']:,}"
                for c in comments
            ],
        ),
        ("acknowledged but lost", [fmt(len(c["lost"])) for c in comments]),
        ("saved without a 201", [fmt(len(c["saved_without_201"])) for c in comments]),
        ("worker RSS MB, middle→end", each(memory_line)),
        ("second-half growth MB", each(growth_line)),
        ("workers restarted", each(lambda p: fmt(len(p["memory"]["restarted"] or [])))),
        ("PostgreSQL down", each(outage_line)),
        ("503s answered", each(unavailable_line)),
        ("503 wait p50 / max ms", each(unavailable_wait)),
        ("2xx (page cache) during the outage", each(served_line)),
        ("first database 2xx after", each(first_back)),
    ]


def table(phases):
    labels = [phase["label"] for phase in phases]
    body = rows(phases)
    first = max(len(name) for name, _ in body)
    widths = [
        max(len(labels[i]), *(len(values[i]) for _, values in body))
        for i in range(len(phases))
    ]

    def line(name, values):
        cells = "  ".join(
            value.rjust(width) for value, width in zip(values, widths, strict=True)
        )
        return f"{name.ljust(first)}  {cells}"

    lines = [line("", labels), line("", ["-" * width for width in widths])]
    lines += [line(name, values) for name, values in body]
    return "\n".join(lines)


def targets_text(marks):
    lines = ["Targets:"]
    for item in marks:
        state = "PASS" if item["pass"] else "FAIL"
        lines.append(
            f"  {state}  {item['target']}: {fmt(item['value'])} ({item['limit']})"
        )
    return "\n".join(lines)


def write(results_dir, data):
    results_dir = Path(results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results_dir / f"soak-{stamp}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
