"""What bench/soak.py runs: set up, seed, two phases of traffic (the second with a
PostgreSQL restart in the middle), check, report, clean up.

The module docstring of bench/soak.py says what is tested and which environment
variables change it.
"""

import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from math import ceil
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench import soak_report
from bench.driver import (
    cpu_model,
    interrupt,
    memory_mb,
    production_environment,
    quietly,
    say,
)
from bench.measure import (
    HEADERS,
    fetch,
    machine_cpu_ms,
    process_table,
    tree_cpu_ms,
    wait_for_http,
)
from bench.pgserver import LocalPostgres
from bench.seed import COMMON_TERM, RARE_TERM
from bench.services import (
    ROOT,
    HarnessError,
    code_fingerprint,
    free_port,
    git_state,
    gunicorn_service,
    tail,
)
from bench.traffic import (
    CLIENT_TIMEOUT,
    LISTING,
    MemorySampler,
    Site,
    Traffic,
    loopback_address,
)

DATABASE = "healthcms_soak"
# health_articles/models.py: HealthArticleIndexPage.articles_per_page.
ARTICLES_PER_PAGE = 12
SEARCH_TERMS = [RARE_TERM, COMMON_TERM, "magnesium", "vitamin D", "migraine", "sleep"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# The soak test's comments of one phase (the marker starts with the phase's name).
COMMENT_QUERY = "SELECT text FROM health_articles_readercomment WHERE text LIKE %s"
EXIT_MISSED, EXIT_HARNESS, EXIT_INTERRUPTED = 1, 2, 130


@dataclass
class Settings:
    seconds: float
    connections: int
    articles: int
    workers: int
    outage_seconds: float
    stop_mode: str
    grace_seconds: float
    memory_growth_mb: float
    max_requests: int
    redis_url: str
    results_dir: Path

    @classmethod
    def from_environment(cls, env=os.environ):
        try:
            settings = cls(
                seconds=float(env.get("SOAK_SECONDS", "60")),
                connections=int(env.get("SOAK_CONNECTIONS", "32")),
                articles=int(env.get("SOAK_ARTICLES", "200")),
                workers=int(env.get("SOAK_WORKERS", "2")),
                outage_seconds=float(env.get("SOAK_OUTAGE_SECONDS", "5")),
                stop_mode=env.get("SOAK_STOP_MODE", "fast"),
                grace_seconds=float(env.get("SOAK_GRACE_SECONDS", "2")),
                memory_growth_mb=float(env.get("SOAK_MEMORY_GROWTH_MB", "10")),
                max_requests=int(env.get("SOAK_MAX_REQUESTS", "200000")),
                redis_url=env.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/14"),
                results_dir=Path(
                    env.get("SOAK_RESULTS_DIR", ROOT / "bench" / "results")
                ),
            )
        except ValueError as error:
            raise HarnessError(f"Bad soak option: {error}") from error
        settings.check()
        return settings

    def check(self):
        if not 10 <= self.seconds <= 3600:
            raise HarnessError("SOAK_SECONDS must be from 10 to 3600.")
        if not 1 <= self.connections <= 256:
            raise HarnessError("SOAK_CONNECTIONS must be from 1 to 256.")
        if not 1 <= self.articles <= 100_000:
            raise HarnessError("SOAK_ARTICLES must be from 1 to 100,000.")
        if not 1 <= self.workers <= 16:
            raise HarnessError("SOAK_WORKERS must be from 1 to 16.")
        if not 0 < self.outage_seconds <= self.seconds / 3:
            raise HarnessError(
                "SOAK_OUTAGE_SECONDS must be above 0 and at most a third of "
                "SOAK_SECONDS, so that there is traffic before and after it."
            )
        if self.stop_mode not in ("smart", "fast", "immediate"):
            raise HarnessError("SOAK_STOP_MODE must be smart, fast or immediate.")
        if not 1 <= self.max_requests <= 10_000_000:
            raise HarnessError("SOAK_MAX_REQUESTS must be from 1 to 10,000,000.")
        if self.redis_url:
            host = urlsplit(self.redis_url).hostname
            if host not in LOOPBACK_HOSTS:
                raise HarnessError(
                    f"SOAK_REDIS_URL must name a Redis on this machine "
                    f"(127.0.0.1), not {host!r}."
                )


def main():
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    stack = ExitStack()
    soak = None
    status = 0
    try:
        settings = Settings.from_environment()
        soak = Soak(settings, stack)
        status = soak.run()
    except KeyboardInterrupt as reason:
        say(f"\nInterrupted ({reason or 'SIGINT'}): cleaning up.")
        status = EXIT_INTERRUPTED
    except HarnessError as error:
        say(f"\nThe soak test failed to run: {error}")
        status = EXIT_HARNESS
    except Exception:  # report, clean up, exit non-zero
        traceback.print_exc()
        status = EXIT_HARNESS
    finally:
        # A second Ctrl-C must not leave servers or folders behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if soak is not None:
            soak.stop_traffic()
            if status in (EXIT_HARNESS, EXIT_INTERRUPTED) and soak.phases:
                quietly(
                    lambda: soak.write_results(completed=False),
                    "write the results so far",
                )()
        stack.close()
        redis = ", Redis keys deleted" if soak and soak.redis else ""
        say(
            f"Cleaned up: gunicorn and PostgreSQL stopped{redis}, temporary folder "
            "removed."
        )
    return status


def local_redis_pid(client):
    """The Redis server's pid, when it runs on this machine (else None)."""
    try:
        pid = int(client.info("server")["process_id"])
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except (OSError, KeyError, ValueError):
        return None
    return pid if name.startswith("redis") else None


class Soak:
    def __init__(self, settings, stack):
        self.settings = settings
        self.stack = stack
        self.phases = []
        self.traffic = None
        self.sampler = None
        self.redis = None
        self.redis_pid = None
        self.redis_info = {"used": False}
        self.app = None
        self.started_at = datetime.now(UTC)
        self.started = time.monotonic()
        self.timings = {}
        self.git = git_state()
        self.fingerprint = code_fingerprint()

    # Set-up

    def run(self):
        settings = self.settings
        say(
            f"Soak test: 2 phases of {settings.seconds:g} s, "
            f"{settings.connections} connections, {settings.articles} articles, "
            f"{settings.workers} gunicorn workers"
        )
        self.workdir = Path(tempfile.mkdtemp(prefix="healthcms-soak-"))
        # Traversable (not listable) by others: PostgreSQL runs as its own user
        # and keeps its cluster in a folder here.
        self.workdir.chmod(0o711)
        self.stack.callback(
            quietly(lambda: shutil.rmtree(self.workdir), "remove the work folder")
        )
        self.media = self.workdir / "media"
        self.media.mkdir()

        step = time.monotonic()
        self.postgres = LocalPostgres(self.workdir / "postgres")
        self.stack.callback(quietly(self.postgres.shut_down, "stop PostgreSQL"))
        say(f"PostgreSQL: a throwaway cluster from {self.postgres.bin}")
        self.postgres.initialise()
        self.postgres.start()
        say(f"  {self.postgres.version}, 127.0.0.1:{self.postgres.port}")
        database_url = self.postgres.create_database(DATABASE)
        self.env = production_environment(database_url, self.media)
        self.env.update(
            # The clients' X-Forwarded-For is the reader's address: each comment
            # post its own, so that the per-address limits never refuse them.
            TRUSTED_PROXY_COUNT="1",
            # No moderator exists, but no mail may leave in any case.
            DJANGO_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        )
        self.use_redis()

        say("Preparing the site: migrate, load_demo_content, collectstatic")
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("load_demo_content", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.seed()
        self.timings["prepare_site"] = round(time.monotonic() - step, 1)

        self.site = self.read_site()
        self.start_gunicorn()
        self.precheck()

        self.phases.append(self.phase("steady", number=1, fault=False))
        say()
        say(soak_report.table(self.phases))
        self.phases.append(self.phase("restart", number=2, fault=True))
        say()
        say(soak_report.table(self.phases))
        say()
        path = self.write_results(completed=True)
        say(soak_report.targets_text(self.marks))
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        say(f"\nResults: {shown}")
        say(f"Whole run: {time.monotonic() - self.started:.0f} s")
        missed = [mark for mark in self.marks if not mark["pass"]]
        if missed:
            say(f"{len(missed)} target(s) missed.")
            return EXIT_MISSED
        say("Every target met.")
        return 0

    def use_redis(self):
        """Redis at SOAK_REDIS_URL with a key prefix of this run's own (its keys
        deleted at the end), or none when it does not answer."""
        url = self.settings.redis_url
        if not url:
            say("Redis: not used (SOAK_REDIS_URL is empty).")
            return
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        try:
            client.ping()
            version = client.info("server").get("redis_version")
        except redis.exceptions.RedisError as error:
            say(
                f"Redis: none answers at {url} ({error}): running without it, each "
                "worker with its own local-memory cache and rate limits."
            )
            return
        prefix = f"healthcms-soak-{os.getpid()}-{secrets.token_hex(4)}"
        self.redis = client
        self.redis_info = {
            "used": True,
            "url": url,
            "prefix": prefix,
            "version": version,
        }
        self.redis_pid = local_redis_pid(client)
        # Run last in, first out: the keys are deleted, then the connection closed.
        self.stack.callback(quietly(client.close, "close the Redis connection"))
        self.stack.callback(quietly(self.delete_redis_keys, "delete the Redis keys"))
        self.env.update(REDIS_URL=url, CACHE_KEY_PREFIX=prefix)
        say(f"Redis {version}: {url}, key prefix {prefix}")

    def delete_redis_keys(self):
        # django-redis writes "<prefix>:<version>:<key>".
        pattern = f"{self.redis_info['prefix']}:*"
        keys = list(self.redis.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 1000):
            self.redis.delete(*keys[start : start + 1000])
        say(f"Redis: deleted this run's {len(keys):,} keys")

    def manage(self, *args):
        self.python("manage.py", *args)

    def python(self, *args):
        completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
            [sys.executable, *args], cwd=ROOT, env=self.env, check=False
        )
        if completed.returncode:
            raise HarnessError(f"{' '.join(args)} exited with {completed.returncode}")

    def seed(self):
        say(f"Seeding {self.settings.articles:,} articles")
        result = self.workdir / "seed.json"
        self.python(
            "-m",
            "bench.seed",
            "--first=1",
            f"--last={self.settings.articles}",
            f"--workdir={self.workdir}",
            f"--result={result}",
        )
        with self.postgres.connect(DATABASE) as connection:
            connection.execute("VACUUM ANALYZE")

    def read_site(self):
        """The live articles that take comments, with their public paths."""
        with self.postgres.connect(DATABASE) as connection:
            root = connection.execute(
                "SELECT p.url_path FROM wagtailcore_site s "
                "JOIN wagtailcore_page p ON p.id = s.root_page_id "
                "WHERE s.is_default_site"
            ).fetchone()
            rows = connection.execute(
                "SELECT p.id, p.url_path FROM wagtailcore_page p "
                "JOIN health_articles_healtharticlepage a ON a.page_ptr_id = p.id "
                "WHERE p.live AND NOT p.expired AND a.comments_enabled "
                "ORDER BY p.id"
            ).fetchall()
        if root is None or not rows:
            raise HarnessError("The seeded site has no default site or no article.")
        prefix = root[0]
        articles = [
            (page_id, "/" + url_path.removeprefix(prefix))
            for page_id, url_path in rows
            if url_path.startswith(prefix)
        ]
        say(f"  {len(articles):,} articles take comments")
        return Site(
            articles=articles,
            index_pages=ceil(len(articles) / ARTICLES_PER_PAGE),
            search_terms=SEARCH_TERMS,
        )

    def start_gunicorn(self):
        env = dict(
            self.env,
            GUNICORN_BIND=f"127.0.0.1:{free_port()}",
            GUNICORN_WORKERS=str(self.settings.workers),
            # Off: a worker recycled mid-phase would hide a leak (and show as a
            # restart).
            GUNICORN_MAX_REQUESTS="0",
        )
        self.app = gunicorn_service(self.workdir, env, "soak")
        self.stack.callback(quietly(self.app.stop, "stop gunicorn"))
        self.app.start()
        self.app.wait_for_port()
        wait_for_http(self.app.port)
        say(f"gunicorn: 127.0.0.1:{self.app.port}, master pid {self.app.pid}")

    def precheck(self):
        """One request of every kind answers as the clients expect, and every
        article hands out a comment token."""
        site = self.site
        first_id, first_path = site.articles[0]
        last_index = site.index_pages
        paths = [
            first_path,
            "/articles/",
            f"/articles/?page={last_index}" if last_index > 1 else "/articles/",
            f"/search/?q={quote(site.search_terms[0])}",
            f"{LISTING}&offset=0",
            f"/api/v2/pages/{first_id}/",
        ]
        paths += [f"/api/v2/comments/token/?article={i}" for i, _ in site.articles]
        wrong = []
        for path in paths:
            answer = fetch(self.app.port, path)
            if answer.status != 200:
                wrong.append(f"{path}: {answer.status}")
        if wrong:
            raise HarnessError(
                "Pre-check: these did not answer 200: "
                + "; ".join(wrong[:10])
                + "\n"
                + tail(self.app.log_path)
            )
        say(f"  pre-check passed ({len(paths)} requests answered 200)")

    # Phases

    def stop_traffic(self):
        if self.traffic is not None:
            self.traffic.stop()
        if self.sampler is not None and self.sampler.is_alive():
            self.sampler.stop()

    def phase(self, label, number, fault):
        settings = self.settings
        say()
        what = (
            f"PostgreSQL stopped for {settings.outage_seconds:g} s in the middle"
            if fault
            else "steady"
        )
        say(
            f"Phase {number}, {label}: {settings.seconds:g} s, "
            f"{settings.connections} connections, {what}"
        )
        log_offset = self.app.log_path.stat().st_size
        cpu_before = self.cpu_snapshot()
        traffic = Traffic(
            self.app.port,
            self.site,
            settings.connections,
            settings.seconds,
            label,
            # 127.1.0.1 onwards in phase 1, 127.2.0.1 in phase 2.
            first_address=(number << 16) + 1,
            max_requests=settings.max_requests,
        )
        self.traffic = traffic.start()
        self.sampler = MemorySampler(self.app.pid, traffic.now)
        self.sampler.start()
        outage = None
        try:
            if fault:
                outage = self.outage(traffic)
            self.progress(traffic, settings.seconds)
            stuck = traffic.wait(
                timeout=max(0.0, settings.seconds - traffic.now()) + CLIENT_TIMEOUT + 5
            )
        finally:
            traffic.stop()
            self.sampler.stop()
        elapsed = traffic.now()
        cpu_after = self.cpu_snapshot()
        if stuck:
            raise HarnessError(f"Clients still waiting after the phase: {stuck}")
        if traffic.tally.client_errors:
            raise HarnessError(
                "A client of the test failed: " + "; ".join(traffic.tally.client_errors)
            )
        return self.analyse(
            label, traffic, outage, elapsed, log_offset, cpu_before, cpu_after
        )

    def progress(self, traffic, until):
        """A line every ten seconds until the phase's clients are due to stop."""
        while traffic.now() < until and any(c.is_alive() for c in traffic.clients):
            time.sleep(min(10.0, max(0.0, until - traffic.now())))
            answers = traffic.tally.answers
            errors = sum(1 for a in answers if a.status is None or a.status >= 500)
            say(
                f"  {traffic.now():5.1f} s: {len(answers):,} answers, "
                f"{errors:,} 5xx or none"
            )

    def outage(self, traffic):
        """Stop PostgreSQL in the middle of the phase, start it again
        SOAK_OUTAGE_SECONDS later; the window it was unavailable."""
        settings = self.settings
        stop_at = (settings.seconds - settings.outage_seconds) / 2
        self.progress(traffic, stop_at)
        start = traffic.now()
        self.postgres.stop(mode=settings.stop_mode)
        stopped = traffic.now()
        say(f"  {stopped:5.1f} s: PostgreSQL stopped ({settings.stop_mode})")
        time.sleep(max(0.0, start + settings.outage_seconds - traffic.now()))
        restarting = traffic.now()
        self.postgres.start()
        end = traffic.now()
        say(f"  {end:5.1f} s: PostgreSQL accepts connections again")
        return {
            "start": round(start, 3),
            "stopped": round(stopped, 3),
            "restart_began": round(restarting, 3),
            "end": round(end, 3),
            "seconds": round(end - start, 3),
            "stop_mode": settings.stop_mode,
        }

    def saved_comment_markers(self, label):
        with self.postgres.connect(DATABASE) as connection:
            texts = connection.execute(
                COMMENT_QUERY, [f"Soak test comment {label}-%"]
            ).fetchall()
        return soak_report.saved_markers(text for (text,) in texts)

    def cpu_snapshot(self):
        """CPU milliseconds so far of the machine, this process (the clients),
        gunicorn and PostgreSQL."""
        table = process_table()
        own = os.times()
        busy, total = machine_cpu_ms()
        postmaster = self.postgres.postmaster_pid()
        return {
            "machine_busy": busy,
            "machine_total": total,
            "clients": (own.user + own.system) * 1000,
            "gunicorn": tree_cpu_ms(self.app.pid, table),
            "postgres": tree_cpu_ms(postmaster, table),
            "postmaster": postmaster,
            "redis": tree_cpu_ms(self.redis_pid, table),
        }

    @staticmethod
    def machine_use(before, after):
        """Per cent of all cores: busy, and how much went to the clients, gunicorn,
        PostgreSQL (when the same server ran throughout), Redis (the whole server:
        other users' share too) and other programs."""
        total = after["machine_total"] - before["machine_total"]
        if total <= 0:
            return None

        def share(name):
            if before[name] is None or after[name] is None:
                return None
            return round(100 * (after[name] - before[name]) / total, 1)

        use = {
            "busy_percent": round(
                100 * (after["machine_busy"] - before["machine_busy"]) / total, 1
            ),
            "clients_percent": share("clients"),
            "gunicorn_percent": share("gunicorn"),
            "postgres_percent": (
                share("postgres")
                if before["postmaster"] == after["postmaster"]
                else None
            ),
            "redis_percent": share("redis"),
        }
        ours = [use[f"{name}_percent"] for name in ("clients", "gunicorn", "postgres")]
        if None in ours:
            use["other_programs_percent"] = None
        else:
            others = use["busy_percent"] - sum(ours) - (use["redis_percent"] or 0)
            use["other_programs_percent"] = round(max(0.0, others), 1)
        return use

    def analyse(self, label, traffic, outage, elapsed, log_offset, before, after):
        settings = self.settings
        answers = traffic.tally.answers
        window = soak_report.Window(outage["start"], outage["end"]) if outage else None
        comments = soak_report.comment_check(
            traffic.tally.comments, self.saved_comment_markers(label)
        )
        log = self.app.log_path.read_bytes()[log_offset:].decode(errors="replace")
        phase = {
            "label": label,
            "seconds": round(elapsed, 1),
            "connections": settings.connections,
            "summary": soak_report.summarise(answers, settings.seconds),
            "verdict": soak_report.verdict(answers, window, settings.grace_seconds),
            "comments": comments,
            "memory": soak_report.memory(self.sampler.samples, settings.seconds),
            "memory_samples": self.sampler.samples,
            "timeline": soak_report.timeline(answers, settings.seconds),
            "x_forwarded_for": {
                "first": loopback_address(traffic.first_address),
                "used": traffic.addresses_used,
            },
            "machine": self.machine_use(before, after),
            "gunicorn_log": {
                "tracebacks": log.count("Traceback (most recent call last)"),
                "worker_timeouts": log.count("WORKER TIMEOUT"),
                "tail": log.splitlines()[-40:],
            },
        }
        if outage:
            phase["outage"] = outage
            phase["recovery"] = soak_report.recovery(
                answers, window, settings.grace_seconds
            )
        summary = phase["summary"]
        say(
            f"  {summary['requests']:,} requests ({summary['req_per_s']} /s), "
            f"statuses {summary['statuses']}, comments {comments['posted']} posted, "
            f"{comments['acknowledged']} acknowledged, {comments['saved']} saved, "
            f"{len(comments['lost'])} lost"
        )
        return phase

    # Results

    def machine(self):
        versions = {}
        for package in ("django", "wagtail", "gunicorn", "psycopg", "django-redis"):
            try:
                versions[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                versions[package] = None
        return {
            "cores": os.cpu_count(),
            "cpu_model": cpu_model(),
            "memory_mb": memory_mb(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            **versions,
            "postgresql": getattr(self, "postgres", None) and self.postgres.version,
            "redis": self.redis_info.get("version"),
        }

    def write_results(self, completed):
        settings = self.settings
        self.marks = []
        for phase in self.phases:
            if phase["label"] == "steady":
                self.marks += soak_report.steady_targets(
                    phase, settings.memory_growth_mb
                )
            else:
                self.marks += soak_report.restart_targets(phase)
        data = {
            "completed": completed,
            "passed": completed and all(mark["pass"] for mark in self.marks),
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds_total": round(time.monotonic() - self.started, 1),
            "seconds_prepare_site": self.timings.get("prepare_site"),
            "code": {
                **(self.git or {}),
                "fingerprint": self.fingerprint,
                "changed_during_run": code_fingerprint() != self.fingerprint,
            },
            "machine": self.machine(),
            "settings": {
                **{
                    key: str(value) if isinstance(value, Path) else value
                    for key, value in asdict(settings).items()
                },
                "redis": {
                    key: value
                    for key, value in self.redis_info.items()
                    if key != "version"
                },
                "gunicorn": {
                    "config": "deploy/gunicorn.conf.py",
                    "workers": settings.workers,
                    "worker_class": "sync",
                    "max_requests": "0 (off, so that a leak shows)",
                },
                "django": {
                    "debug": False,
                    "trusted_proxy_count": 1,
                    "database_connect_timeout": "3 (the default)",
                    "database_conn_max_age": "60 (the default)",
                },
                "headers": HEADERS,
                "articles_taking_comments": len(self.site.articles),
            },
            "phases": self.phases,
            "targets": self.marks,
        }
        return soak_report.write(settings.results_dir, data)
