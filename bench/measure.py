"""One measurement: requests through wrk, CPU time from /proc, one sample request.

CPU time is read from /proc/<pid>/stat: a process tree's CPU is the user and system
time of every live process in it plus the time of the children each has already
reaped (cutime, cstime), so that a gunicorn worker or a PostgreSQL backend that ended
during the run still counts.
"""

import http.client
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.services import HarnessError

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
HEADERS = {"X-Forwarded-Proto": "https"}
WRK_TIMEOUT = "30s"  # gunicorn's own timeout: a slow answer is a slow answer
# Prints wrk's figures as one JSON line (latencies in microseconds).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"non_2xx_3xx": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "mean_us": %.1f, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read,
    e.write, e.status, e.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
"""


# CPU time from /proc


def process_table():
    """``{pid: (ppid, own_ticks, reaped_children_ticks)}`` for every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        table[int(entry.name)] = (int(fields[1]), utime + stime, cutime + cstime)
    return table


def tree_cpu_ms(root, table):
    """CPU milliseconds used so far by ``root`` and its descendants, or None."""
    if root is None or root not in table:
        return None
    children = {}
    for pid, (ppid, _own, _reaped) in table.items():
        children.setdefault(ppid, []).append(pid)
    ticks, pending = 0, [root]
    while pending:
        pid = pending.pop()
        _ppid, own, reaped = table[pid]
        ticks += own + reaped
        pending.extend(children.get(pid, []))
    return ticks * 1000 / TICKS_PER_SECOND


def wait_until_idle(roots, timeout=60, interval=0.25):
    """Wait until the process trees ``roots`` stop using CPU (a request wrk gave up
    on is still being answered), at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    previous, quiet = None, 0
    while time.monotonic() < deadline:
        table = process_table()
        now = sum(tree_cpu_ms(root, table) or 0 for root in roots)
        if previous is not None and now - previous <= 1000 / TICKS_PER_SECOND:
            quiet += 1
            if quiet >= 2:
                return
        else:
            quiet = 0
        previous = now
        time.sleep(interval)


class PostgresProbe:
    """CPU time of the PostgreSQL server, when it runs on this machine: the
    postmaster's process tree (every backend, including those that have ended).

    It covers the whole server, so it also reports whether other databases had
    transactions during a run (then the figure is not this benchmark's alone)."""

    def __init__(self, connection):
        self.connection = connection
        backend = connection.execute("SELECT pg_backend_pid()").fetchone()[0]
        self.postmaster = self.find_postmaster(backend)

    @staticmethod
    def find_postmaster(backend):
        # A pid from another machine or container could name any local process:
        # only believe it if it and its parent are PostgreSQL processes.
        try:
            ppid = int(
                Path(f"/proc/{backend}/stat").read_text().rpartition(")")[2].split()[1]
            )
            names = [
                Path(f"/proc/{pid}/comm").read_text().strip() for pid in (backend, ppid)
            ]
        except (OSError, ValueError, IndexError):
            return None
        if all(name.startswith(("postgres", "postmaster")) for name in names):
            return ppid
        return None

    def other_transactions(self):
        return self.connection.execute(
            "SELECT coalesce(sum(xact_commit + xact_rollback), 0)::bigint "
            "FROM pg_stat_database "
            "WHERE datname IS DISTINCT FROM current_database()"
        ).fetchone()[0]


def total_except(figures, left_out):
    values = [value for name, value in figures.items() if name != left_out]
    return None if None in values else round(sum(values), 3)


def machine_cpu_ms():
    """``(busy, total)`` CPU milliseconds of the whole machine since boot."""
    with open("/proc/stat") as handle:
        fields = [int(value) for value in handle.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    scale = 1000 / TICKS_PER_SECOND
    return busy * scale, (busy + idle + iowait) * scale


@dataclass
class Snapshot:
    """CPU time used so far by the servers, PostgreSQL, wrk and the machine."""

    servers: dict
    postgres: float | None
    other_transactions: int | None
    load_generator: float
    machine_busy: float
    machine_total: float

    @classmethod
    def take(cls, servers, postgres):
        table = process_table()
        pg_root = postgres.postmaster if postgres else None
        # wrk runs are children of this process, counted once reaped.
        children = os.times()
        busy, total = machine_cpu_ms()
        return cls(
            servers={name: tree_cpu_ms(pid, table) for name, pid in servers.items()},
            postgres=tree_cpu_ms(pg_root, table),
            other_transactions=postgres.other_transactions() if pg_root else None,
            load_generator=(children.children_user + children.children_system) * 1000,
            machine_busy=busy,
            machine_total=total,
        )

    def machine_use(self, after):
        """How busy the machine was between two snapshots, in per cent of all its
        cores, and how much of that was neither the servers, PostgreSQL nor wrk
        (another program: the figures are then less reliable)."""
        total = after.machine_total - self.machine_total
        if total <= 0:
            return None
        ours = after.load_generator - self.load_generator
        for name, value in after.servers.items():
            if value is not None and self.servers[name] is not None:
                ours += value - self.servers[name]
        if after.postgres is not None and self.postgres is not None:
            ours += after.postgres - self.postgres
        busy = after.machine_busy - self.machine_busy
        return {
            "busy_percent": round(100 * busy / total, 1),
            "wrk_percent": round(
                100 * (after.load_generator - self.load_generator) / total, 1
            ),
            "other_programs_percent": round(max(0, 100 * (busy - ours) / total), 1),
        }


# HTTP


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes


def fetch(port, path, timeout=60):
    """GET ``path`` as wrk will, without following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, headers, body)
    finally:
        connection.close()


def wait_for_http(port, timeout=90):
    """Wait until the server answers a request (gunicorn's workers load Django
    after the socket is already open)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fetch(port, "/robots.txt", timeout=timeout)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def parse_server_timing(value):
    """``total;dur=12.3, queries;desc="16"`` as ``{"total": {"dur": "12.3"},
    "queries": {"desc": "16"}}``; anything unreadable is left out."""
    metrics = {}
    for part in (value or "").split(","):
        name, *params = (item.strip() for item in part.split(";"))
        if not name:
            continue
        entry = {}
        for param in params:
            key, _, raw = param.partition("=")
            entry[key.strip().lower()] = raw.strip().strip('"')
        metrics[name.lower()] = entry
    return metrics


def number(text, kind=float):
    try:
        return kind(text)
    except (TypeError, ValueError):
        return None


def server_timing(response):
    """Queries, cache state and times from a response's Server-Timing header
    (None for each, when the header or the metric is missing)."""
    metrics = parse_server_timing(response.headers.get("server-timing"))
    return {
        "queries": number(metrics.get("queries", {}).get("desc"), int),
        "cache": metrics.get("cache", {}).get("desc"),
        "total_ms": number(metrics.get("total", {}).get("dur")),
        "db_ms": number(metrics.get("db", {}).get("dur")),
        "header": response.headers.get("server-timing"),
    }


# wrk


def seconds(duration):
    """wrk's duration syntax (``10s``, ``2m``, ``500ms`` is not one) in seconds."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smh]?)", duration.strip())
    if not match:
        raise HarnessError(f"Cannot read the duration {duration!r} (try 10s or 1m).")
    value, unit = float(match.group(1)), match.group(2) or "s"
    return value * {"s": 1, "m": 60, "h": 3600}[unit]


@dataclass
class Load:
    threads: int
    connections: int
    duration: str
    warmup: str
    script: Path

    def command(self, port, path, duration):
        return [
            shutil.which("wrk"),
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{duration}",
            f"--timeout={WRK_TIMEOUT}",
            "--latency",
            "-H",
            "X-Forwarded-Proto: https",
            "-s",
            str(self.script),
            f"http://127.0.0.1:{port}{path}",
        ]

    def run(self, port, path, duration):
        completed = subprocess.run(  # noqa: S603 - fixed command, no shell
            self.command(port, path, duration),
            capture_output=True,
            text=True,
            check=False,
            timeout=seconds(duration) + 120,
        )
        for line in completed.stdout.splitlines():
            if line.startswith("WRK_JSON "):
                return json.loads(line.removeprefix("WRK_JSON "))
        raise HarnessError(
            f"wrk gave no figures for {path} (status {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )


def measure(load, port, path, servers, postgres=None, check_cache=False):
    """Measure ``path`` on ``port``.

    ``servers`` maps a name to the pid of a process tree whose CPU is charged to the
    requests (``{"gunicorn": pid, "redis": pid}``); ``postgres`` is a
    PostgresProbe or None.
    """
    precheck = fetch(port, path)
    # The pre-check was the one warming request: is the next answer from the cache?
    cache_check = server_timing(fetch(port, path))["cache"] if check_cache else None
    load.run(port, path, load.warmup)
    roots = [pid for pid in servers.values() if pid]
    wait_until_idle(roots)
    sample = fetch(port, path)
    wait_until_idle(roots)

    before = Snapshot.take(servers, postgres)
    result = load.run(port, path, load.duration)
    after = Snapshot.take(servers, postgres)

    requests = result["requests"]

    def per_request(start, end):
        if start is None or end is None or not requests:
            return None
        return round((end - start) / requests, 3)

    timing = server_timing(sample)
    if sample.headers.get("x-cache") == "HIT":
        # Varnish replays the Server-Timing of the answer it stored, not this one's.
        timing.update(queries=None, cache="HIT (Varnish)")
    cpu = {
        name: per_request(before.servers[name], after.servers[name]) for name in servers
    }
    return {
        "path": path,
        "precheck_status": precheck.status,
        "sample_status": sample.status,
        "requests": requests,
        "req_per_s": round(requests / (result["duration_us"] / 1e6), 1),
        "p50_ms": round(result["p50_us"] / 1000, 2),
        "p90_ms": round(result["p90_us"] / 1000, 2),
        "p99_ms": round(result["p99_us"] / 1000, 2),
        "max_ms": round(result["max_us"] / 1000, 2),
        "non_2xx_3xx": result["non_2xx_3xx"],
        "socket_errors": {
            key: result[key]
            for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        },
        "all_200": (
            precheck.status == sample.status == 200 and not result["non_2xx_3xx"]
        ),
        "bytes_per_response": round(result["bytes"] / requests) if requests else None,
        "cpu_ms_per_request": cpu,
        # Everything but Redis: the web servers that answered.
        "server_cpu_ms_per_request": total_except(cpu, "redis"),
        "pg_cpu_ms_per_request": per_request(before.postgres, after.postgres),
        "pg_other_transactions": (
            after.other_transactions - before.other_transactions
            if after.postgres is not None
            else None
        ),
        "machine": before.machine_use(after),
        "queries": timing["queries"],
        "cache": timing["cache"],
        "cache_after_one_request": cache_check,
        "server_timing": timing["header"],
        "x_cache": sample.headers.get("x-cache"),
    }
