"""What bench/http_load.py runs: set up, seed, measure every size, report, clean up.

The module docstring of bench/http_load.py says what is measured and which environment
variables change it.
"""

import html
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import psycopg

from bench import report
from bench.measure import (
    WRK_SCRIPT,
    WRK_TIMEOUT,
    Load,
    PostgresProbe,
    fetch,
    measure,
    seconds,
    wait_for_http,
)
from bench.services import (
    ROOT,
    BenchDatabase,
    HarnessError,
    code_fingerprint,
    free_port,
    git_state,
    gunicorn_service,
    nginx_service,
    redis_command,
    redis_service,
    varnish_service,
    varnish_vcl,
)

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage"
ARTICLE_LINK = re.compile(r'href="/articles/[a-z0-9-]+-(\d+)/"')
MATCH_COUNT = re.compile(r'class="search__count"[^>]*>\s*([\d,]+) articles? match')


@dataclass
class Settings:
    sizes: list
    duration: str
    warmup: str
    database_url: str
    workers: int
    threads: int
    connections: int
    max_requests: int
    conn_max_age: str | None
    results_dir: Path

    @classmethod
    def from_environment(cls, env=os.environ):
        try:
            sizes = sorted(
                {int(size) for size in env.get("BENCH_SIZES", "100,10000").split(",")}
            )
            settings = cls(
                sizes=sizes,
                duration=env.get("BENCH_DURATION", "10s"),
                warmup=env.get("BENCH_WARMUP", "2s"),
                database_url=env.get(
                    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"
                ),
                workers=int(env.get("BENCH_WORKERS", "2")),
                threads=int(env.get("BENCH_THREADS", "2")),
                connections=int(env.get("BENCH_CONNECTIONS", "16")),
                max_requests=int(env.get("BENCH_MAX_REQUESTS", "0")),
                conn_max_age=env.get("BENCH_CONN_MAX_AGE"),
                results_dir=Path(
                    env.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results")
                ),
            )
        except ValueError as error:
            raise HarnessError(f"Bad benchmark option: {error}") from error
        if not sizes or sizes[0] < 1:
            raise HarnessError("BENCH_SIZES must list positive numbers of articles.")
        seconds(settings.duration)  # refuses a duration wrk would not take
        seconds(settings.warmup)
        return settings


def say(message=""):
    print(message, flush=True)


def quietly(action, what):
    """Run one clean-up step; report its failure without stopping the others."""

    def step():
        try:
            action()
        except Exception as error:  # clean-up goes on regardless
            say(f"Clean-up: could not {what}: {error}")

    return step


def interrupt(signum, frame):
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main():
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    stack = ExitStack()
    benchmark = None
    status = 0
    try:
        settings = Settings.from_environment()
        benchmark = Benchmark(settings, stack)
        benchmark.run()
    except KeyboardInterrupt as reason:
        say(f"\nInterrupted ({reason or 'SIGINT'}): cleaning up.")
        status = 130
    except HarnessError as error:
        say(f"\nThe benchmark failed: {error}")
        status = 1
    except Exception:  # report, clean up, exit non-zero
        traceback.print_exc()
        status = 1
    finally:
        # A second Ctrl-C must not leave servers or the database behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if status and benchmark and benchmark.runs:
            quietly(
                lambda: benchmark.write_results(completed=False),
                "write the results so far",
            )()
        stack.close()
        say("Cleaned up: servers stopped, database dropped, temporary files gone.")
    return status


def tool_version(argv):
    try:
        completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
            argv, capture_output=True, text=True, timeout=10, check=False
        )
    except OSError:
        return None
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    return lines[0] if lines else None


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def memory_mb():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def production_environment(database_url, media):
    """Production settings, nothing inherited but the basics: no developer's
    DATABASE_URL, REDIS_URL or GUNICORN_* can leak into the measurement. Static
    files are collected beside ``media``."""
    env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")
        if key in os.environ
    }
    env.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media),
        STATIC_ROOT=str(media.parent / "static"),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    return env


class Benchmark:
    def __init__(self, settings, stack):
        self.settings = settings
        self.stack = stack
        self.runs = []
        self.started_at = datetime.now(UTC)
        self.started = time.monotonic()
        self.redis = None
        self.timings = {}
        self.terms = {}
        self.vcl_origin = None
        self.git = git_state()
        self.fingerprints = [code_fingerprint()]

    # Set-up

    def run(self):
        self.check_tools()
        self.workdir = Path(tempfile.mkdtemp(prefix="healthcms-bench-"))
        # Traversable (not listable) by others: nginx's workers and Varnish's
        # manager drop root and must still read their files here.
        self.workdir.chmod(0o711)
        self.stack.callback(
            quietly(lambda: shutil.rmtree(self.workdir), "remove the work folder")
        )
        self.media = self.workdir / "media"
        self.media.mkdir()
        (self.workdir / "wrk.lua").write_text(WRK_SCRIPT)
        self.load = Load(
            threads=self.settings.threads,
            connections=self.settings.connections,
            duration=self.settings.duration,
            warmup=self.settings.warmup,
            script=self.workdir / "wrk.lua",
        )

        self.database = BenchDatabase(self.settings.database_url)
        self.stack.callback(quietly(self.database.drop, "drop the database"))
        say(f"Creating database {self.database.name} on {self.database.server}")
        self.database.create()
        self.django_env = self.base_environment()

        step = time.monotonic()
        say("Preparing the site: migrate, load_demo_content, collectstatic")
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("load_demo_content", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        self.timings["prepare_site"] = round(time.monotonic() - step, 1)

        if self.tools["redis-server"]:
            self.redis = redis_service(self.workdir)
            self.start(self.redis)
            if redis_command(self.redis.port, "PING") != "+PONG":
                raise HarnessError("redis-server does not answer PING.")
            say(f"Redis on port {self.redis.port}")
        else:
            say("redis-server not found: gunicorn runs without REDIS_URL.")

        self.probe_connection = psycopg.connect(self.database.url, autocommit=True)
        self.stack.callback(
            quietly(self.probe_connection.close, "close the probe connection")
        )
        self.postgres = PostgresProbe(self.probe_connection)
        if self.postgres.postmaster is None:
            say("PostgreSQL is not on this machine: its CPU time is not measured.")

        seeded = 0
        for n in self.settings.sizes:
            self.runs.append(self.measure_size(n, first=seeded + 1))
            seeded = n
            say("")
            say(report.table(self.runs[-1]))
            say("")
        path = self.write_results(completed=True)
        say(report.summary(self.ratios, self.marks))
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        say(f"\nResults: {shown}")
        say(f"Whole run: {time.monotonic() - self.started:.0f} s")

    def check_tools(self):
        self.tools = {
            name: shutil.which(name)
            for name in ("wrk", "nginx", "varnishd", "redis-server")
        }
        if not self.tools["wrk"]:
            raise HarnessError("wrk is not installed: apt-get install -y wrk")
        for name, package in (("nginx", "nginx-light"), ("varnishd", "varnish")):
            if not self.tools[name]:
                say(
                    f"{name} not found: its scenario is skipped "
                    f"(apt-get install -y {package})."
                )

    def base_environment(self):
        env = production_environment(self.database.url, self.media)
        if self.settings.conn_max_age is not None:
            env["DATABASE_CONN_MAX_AGE"] = self.settings.conn_max_age
        return env

    def manage(self, *args):
        self.python("manage.py", *args)

    def python(self, *args):
        completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
            [sys.executable, *args], cwd=ROOT, env=self.django_env, check=False
        )
        if completed.returncode:
            raise HarnessError(f"{' '.join(args)} exited with {completed.returncode}")

    def start(self, service, http=False):
        """Start ``service`` (stopped at the end whatever happens) and wait for it."""
        self.stack.callback(quietly(service.stop, f"stop {service.name}"))
        service.start()
        service.wait_for_port()
        if http:
            wait_for_http(service.port)
        return service

    @contextmanager
    def running(self, service, http=False):
        try:
            yield self.start(service, http=http)
        finally:
            service.stop()

    # One size

    def seed(self, first, last):
        result = self.workdir / "seed.json"
        say(f"Seeding articles {first:,} to {last:,}")
        step = time.monotonic()
        self.python(
            "-m",
            "bench.seed",
            f"--first={first}",
            f"--last={last}",
            f"--workdir={self.workdir}",
            f"--result={result}",
        )
        say("  VACUUM ANALYZE")
        self.database.vacuum_analyze()
        info = json.loads(result.read_text())
        info["seconds"] = round(time.monotonic() - step, 1)
        say(f"  seeded {last - first + 1:,} articles in {info['seconds']} s")
        return info

    def scenarios(self, info):
        article = info["article"]
        return [
            ("article", article["path"]),
            ("index", "/articles/"),
            ("topic", f"/articles/topics/{info['topic']['slug']}/"),
            ("search_rare", f"/search/?q={info['rare_term']}"),
            ("search_common", f"/search/?q={info['common_term']}"),
            ("api_listing", f"{LISTING}&fields=*"),
            ("api_listing_body", f"{LISTING}&fields=*,body"),
            ("api_detail", f"/api/v2/pages/{article['id']}/"),
        ]

    def gunicorn(self, label, page_cache):
        env = dict(
            self.django_env,
            GUNICORN_BIND=f"127.0.0.1:{free_port()}",
            GUNICORN_WORKERS=str(self.settings.workers),
            GUNICORN_MAX_REQUESTS=str(self.settings.max_requests),
            SERVER_TIMING="true",
        )
        if self.redis:
            env["REDIS_URL"] = f"redis://127.0.0.1:{self.redis.port}/0"
            # Nothing from the previous gunicorn (or size) may answer.
            redis_command(self.redis.port, "FLUSHALL")
        if not page_cache:
            env["PAGE_CACHE_SECONDS"] = "0"
        self.check_code()
        return gunicorn_service(self.workdir, env, label)

    def check_code(self):
        """Note (and say) when the application's code changed since the last
        gunicorn start: the runs before and after measured different code."""
        fingerprint = code_fingerprint()
        if fingerprint != self.fingerprints[-1]:
            say(
                "  WARNING: the application's code changed during the benchmark "
                f"({self.fingerprints[-1]} -> {fingerprint}): later figures measure "
                "different code from earlier ones."
            )
            self.fingerprints.append(fingerprint)

    def charged(self, app):
        """The process trees whose CPU time a request through ``app`` costs."""
        servers = {"gunicorn": app.pid}
        if self.redis:
            servers["redis"] = self.redis.pid
        return servers

    def measure_varnish(self, n, app, info):
        """The article through Varnish in front of the cached gunicorn ``app``."""
        vcl, self.vcl_origin = varnish_vcl(self.workdir, app.port)
        with self.running(varnish_service(self.workdir, vcl)) as varnish:
            servers = {"varnish": varnish.pid, **self.charged(app)}
            path = info["article"]["path"]
            return self.measure_one(n, "varnish", "article", varnish, path, servers)

    def measure_one(self, n, mode, name, server, path, servers, check_cache=False):
        say(f"[N={n:,}] {mode}: {name} {path}")
        result = measure(
            self.load, server.port, path, servers, self.postgres, check_cache
        )
        result = {"name": name, "mode": mode, **result}
        cpu = result["cpu_ms_per_request"]
        say(
            f"    {result['req_per_s']:,.1f} req/s, p50 {result['p50_ms']} ms, "
            f"p99 {result['p99_ms']} ms, CPU ms/request {cpu} "
            f"(PostgreSQL {result['pg_cpu_ms_per_request']}), "
            f"queries {result['queries']}, cache {result['cache']}, "
            f"machine {result['machine']}"
        )
        if not result["all_200"]:
            say(
                f"    NOT ALL 200: pre-check {result['precheck_status']}, "
                f"{result['non_2xx_3xx']} non-2xx/3xx"
            )
        if check_cache and result["cache_after_one_request"] != "hit":
            say(
                "    page cache did not answer after one request "
                f"(Server-Timing cache: {result['cache_after_one_request']})"
            )
        return result

    def measure_size(self, n, first):
        timings = {}
        step = time.monotonic()
        info = self.seed(first, n)
        self.terms = {"rare": info["rare_term"], "common": info["common_term"]}
        timings["seed"] = info["seconds"]
        run = {
            "n": n,
            "articles": info["articles"],
            "seed": info,
            "scenarios": [],
            "seconds": timings,
        }
        scenarios = self.scenarios(info)

        step = time.monotonic()
        with self.running(self.gunicorn("uncached", False), http=True) as app:
            run["verification"] = self.verify(app.port, info)
            article_html = fetch(app.port, info["article"]["path"]).body
            for name, path in scenarios:
                run["scenarios"].append(
                    self.measure_one(n, "uncached", name, app, path, self.charged(app))
                )
        timings["uncached"] = round(time.monotonic() - step, 1)

        step = time.monotonic()
        with self.running(self.gunicorn("cached", True), http=True) as app:
            for name, path in scenarios:
                run["scenarios"].append(
                    self.measure_one(
                        n, "cached", name, app, path, self.charged(app), True
                    )
                )
            if self.tools["varnishd"]:
                run["scenarios"].append(self.measure_varnish(n, app, info))
        timings["cached"] = round(time.monotonic() - step, 1)

        if self.tools["nginx"]:
            with self.running(nginx_service(self.workdir, article_html)) as nginx:
                servers = {"nginx": nginx.pid}
                run["scenarios"].append(
                    self.measure_one(
                        n, "nginx", "article", nginx, "/article.html", servers
                    )
                )
        return run

    def verify(self, port, info):
        """Does the measured article look right, and does search find articles?"""
        checks = []
        article = fetch(port, info["article"]["path"])
        text = article.body.decode(errors="replace")
        checks.append(("article answers 200", article.status == 200))
        expected = [
            ("title", info["article"]["title"]),
            *(("section", heading) for heading in info["article"]["section_headings"]),
            *(
                ("FAQ question", question)
                for question in info["article"]["faq_questions"]
            ),
            ("byline: author", info["article"]["author"]),
            ("byline: reviewer", info["article"]["reviewer"]),
            ("byline", "Medically reviewed by"),
        ]
        for what, words in expected:
            checks.append((f"{what} “{words}” shown", html.escape(words) in text))
        tests = {
            info["rare_term"]: lambda number: number % 100 == 0,
            info["common_term"]: lambda number: number % 2 == 0,
        }
        for term, contains in tests.items():
            page = fetch(port, f"/search/?q={term}")
            body = page.body.decode(errors="replace")
            numbers = [int(found) for found in ARTICLE_LINK.findall(body)]
            count = MATCH_COUNT.search(body)
            count = int(count.group(1).replace(",", "")) if count else None
            expected_count = info["terms"][term]["matches"]
            checks.append(
                (
                    f"search “{term}” lists only articles containing it",
                    page.status == 200
                    and bool(numbers)
                    and all(map(contains, numbers)),
                )
            )
            checks.append(
                (
                    f"search “{term}” says {expected_count} match (says {count})",
                    count == expected_count,
                )
            )
        failed = [what for what, ok in checks if not ok]
        if failed:
            say("  Seeded article check FAILED: " + "; ".join(failed))
        else:
            say(f"  Seeded article check passed ({len(checks)} checks)")
        return {"ok": not failed, "failed": failed, "checks": dict(checks)}

    # Results

    def machine(self):
        versions = {}
        for package in ("django", "wagtail", "gunicorn", "psycopg", "django-redis"):
            try:
                versions[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                versions[package] = None
        postgres = None
        if self.database.created:
            postgres = self.database.server_version()
        return {
            "cores": os.cpu_count(),
            "cpu_model": cpu_model(),
            "memory_mb": memory_mb(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            **versions,
            "postgresql": postgres,
            "wrk": tool_version([self.tools["wrk"], "-v"]),
            "nginx": self.tools["nginx"] and tool_version([self.tools["nginx"], "-v"]),
            "varnishd": self.tools["varnishd"]
            and tool_version([self.tools["varnishd"], "-V"]),
            "redis": self.tools["redis-server"]
            and tool_version([self.tools["redis-server"], "--version"]),
        }

    def write_results(self, completed):
        self.ratios = report.ratios(
            self.runs, self.terms.get("rare"), self.terms.get("common")
        )
        self.marks = report.targets(self.runs, self.ratios)
        data = {
            "completed": completed,
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds_total": round(time.monotonic() - self.started, 1),
            "seconds_prepare_site": self.timings.get("prepare_site"),
            "code": {
                **(self.git or {}),
                "fingerprints": self.fingerprints,
                "changed_during_run": len(self.fingerprints) > 1,
            },
            "machine": self.machine(),
            "settings": {
                "sizes": self.settings.sizes,
                "duration": self.settings.duration,
                "warmup": self.settings.warmup,
                "wrk": {
                    "threads": self.settings.threads,
                    "connections": self.settings.connections,
                    "timeout": WRK_TIMEOUT,
                    "headers": ["X-Forwarded-Proto: https"],
                },
                "gunicorn": {
                    "config": "deploy/gunicorn.conf.py",
                    "workers": self.settings.workers,
                    "worker_class": "sync",
                    "max_requests": self.settings.max_requests,
                    "database_conn_max_age": self.settings.conn_max_age
                    or "0 (default)",
                    "debug": False,
                    "redis": bool(self.redis),
                    "uncached": "PAGE_CACHE_SECONDS=0",
                    "cached": "PAGE_CACHE_SECONDS unset (the default)",
                },
                "database_server": self.database.server,
                "varnish_vcl": self.vcl_origin,
                "measured_article": "one article (the first seeded) at every size",
            },
            "search_terms": self.terms,
            "runs": self.runs,
            "ratios": self.ratios,
            "targets": self.marks,
        }
        return report.write(self.settings.results_dir, data)
