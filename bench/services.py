"""The processes and the database the HTTP benchmark starts, and how it stops them.

Each server runs in its own session (so that Ctrl-C reaches the benchmark, which then
stops them in order) on a free loopback port, logging to a file in the work folder.
"""

import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
VARNISH_VCL = ROOT / "deploy" / "varnish" / "default.vcl"
# Used only while deploy/varnish/default.vcl does not exist.
FALLBACK_VCL = """vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "8000"; }
"""


# What gunicorn loads: a change here between two gunicorn starts means the runs
# measured different code.
CODE_FOLDERS = ["cms", "config", "deploy", "health_articles", "home", "templates"]
CODE_SUFFIXES = {".py", ".html", ".vcl", ".json", ".txt"}


def code_fingerprint():
    """A short hash of the application's code and templates as they are now."""
    digest = hashlib.sha256()
    for folder in CODE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in CODE_SUFFIXES and "__pycache__" not in path.parts:
                try:
                    content = path.read_bytes()
                except OSError:
                    continue
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + content)
    return digest.hexdigest()[:16]


def git_state():
    """The commit and the number of files that differ from it, or None."""

    def git(*args):
        command = [shutil.which("git") or "git", *args]
        return subprocess.run(  # noqa: S603 - fixed command, no shell
            command, cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout

    try:
        commit = git("rev-parse", "HEAD").strip()
        changes = git("status", "--porcelain").splitlines()
    except OSError:
        return None
    return {"commit": commit or None, "changed_files": len(changes)}


class HarnessError(RuntimeError):
    """The benchmark itself could not run (as opposed to a missed target)."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class Service:
    """A server process listening on ``port``: started in its own session, stopped
    with SIGTERM (then SIGKILL for its whole process group if anything lingers)."""

    def __init__(self, name, argv, port, log_path, env=None):
        self.name = name
        self.argv = [str(arg) for arg in argv]
        self.port = port
        self.log_path = log_path
        self.env = env
        self.process = None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def start(self):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed commands, no shell
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                cwd=ROOT,
                start_new_session=True,
            )
        return self

    def wait_for_port(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HarnessError(
                    f"{self.name} exited with status {self.process.returncode}:\n"
                    + tail(self.log_path)
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise HarnessError(
            f"{self.name} did not listen on port {self.port} within {timeout} s:\n"
            + tail(self.log_path)
        )

    def stop(self, timeout=35):
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
            except ProcessLookupError:
                pass
        # Whatever is left of its process group (workers, a cache child).
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self.process = None


def redis_command(port, *words):
    """Send one command to Redis and return its first reply line."""
    payload = f"*{len(words)}\r\n" + "".join(
        f"${len(word.encode())}\r\n{word}\r\n" for word in words
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(payload.encode())
        return sock.makefile("rb").readline().decode().strip()


def redis_service(workdir):
    """A Redis that keeps nothing on disk."""
    port = free_port()
    argv = [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", port]
    argv += ["--save", "", "--appendonly", "no", "--dir", workdir]
    return Service("redis-server", argv, port, workdir / "redis.log")


def gunicorn_service(workdir, env, label):
    """gunicorn as deployed (deploy/gunicorn.conf.py); ``env`` sets GUNICORN_BIND."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    port = int(env["GUNICORN_BIND"].rpartition(":")[2])
    return Service(
        f"gunicorn ({label})",
        [gunicorn, "-c", ROOT / "deploy" / "gunicorn.conf.py"],
        port,
        workdir / f"gunicorn-{label}.log",
        env=env,
    )


def nginx_service(workdir, html):
    """nginx serving ``html`` at /article.html, configured entirely in the work
    folder."""
    prefix = workdir / "nginx"
    (prefix / "html").mkdir(parents=True, exist_ok=True)
    (prefix / "html" / "article.html").write_bytes(html)
    port = free_port()
    temp_paths = "".join(
        f"    {kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = prefix / "nginx.conf"
    conf.write_text(
        "daemon off;\n"
        "worker_processes auto;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log off;\n"
        "    default_type text/html;\n"
        f"{temp_paths}"
        "    server {\n"
        f"        listen 127.0.0.1:{port};\n"
        f"        root {prefix / 'html'};\n"
        "    }\n"
        "}\n"
    )
    argv = [shutil.which("nginx"), "-p", prefix, "-e", prefix / "error.log"]
    return Service("nginx", [*argv, "-c", conf], port, workdir / "nginx.log")


def varnish_vcl(workdir, backend_port):
    """deploy/varnish/default.vcl (or a minimal VCL while it does not exist) with
    its backend port rewritten; returns the copy's path and which VCL it is."""
    if VARNISH_VCL.exists():
        source, origin = VARNISH_VCL.read_text(), str(VARNISH_VCL.relative_to(ROOT))
    else:
        source, origin = FALLBACK_VCL, "minimal fallback (deploy VCL missing)"
    rewritten, count = re.subn(
        r'(\.port\s*=\s*")\d+(")', rf"\g<1>{backend_port}\g<2>", source
    )
    if count != 1:
        raise HarnessError(f"Expected one backend .port in {origin}, found {count}.")
    path = workdir / "default.vcl"
    path.write_text(rewritten)
    return path, origin


def varnish_service(workdir, vcl_path):
    port = free_port()
    argv = [shutil.which("varnishd"), "-F", "-n", workdir / "varnish"]
    argv += ["-a", f"127.0.0.1:{port}", "-T", "127.0.0.1:0"]
    argv += ["-f", vcl_path, "-s", "malloc,256m"]
    return Service("varnishd", argv, port, workdir / "varnish.log")


class BenchDatabase:
    """A fresh database on ``server_url``'s server, made for this run alone."""

    def __init__(self, server_url):
        parts = urlsplit(server_url)
        if parts.scheme not in ("postgres", "postgresql", "pgsql"):
            raise HarnessError(
                f"BENCH_DATABASE_URL must be a postgres:// URL, not {server_url!r}."
            )
        self.parts = parts
        self.name = f"healthcms_bench_{os.getpid()}"
        self.created = False

    def url_for(self, database):
        return urlunsplit(self.parts._replace(path=f"/{database}"))

    @property
    def url(self):
        return self.url_for(self.name)

    @property
    def server(self):
        """Where the server is, without credentials, for the report."""
        return f"{self.parts.hostname or 'localhost'}:{self.parts.port or 5432}"

    def maintenance_connection(self):
        database = self.parts.path.strip("/") or "postgres"
        try:
            return psycopg.connect(self.url_for(database), autocommit=True)
        except psycopg.OperationalError as error:
            raise HarnessError(
                f"Cannot connect to PostgreSQL at {self.server} (BENCH_DATABASE_URL): "
                f"{error}"
            ) from error

    def create(self):
        with self.maintenance_connection() as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if exists:
                raise HarnessError(
                    f"Database {self.name} already exists (left by an earlier run "
                    "with the same process id?). Drop it and run again."
                )
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )
        self.created = True

    def drop(self):
        if not self.created:
            return
        with self.maintenance_connection() as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.name)
                )
            )
        self.created = False

    def vacuum_analyze(self):
        with psycopg.connect(self.url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    def server_version(self):
        with psycopg.connect(self.url, autocommit=True) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
