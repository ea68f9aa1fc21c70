"""A throwaway PostgreSQL server for the soak test (bench/soak.py).

Its own cluster, made with ``initdb`` in a folder of the test's temporary folder,
listening on 127.0.0.1 on a free port, its Unix socket in the same folder: the test
can stop and start it at will without touching the machine's own cluster (5432).
The server programs come from Debian's layout, ``/usr/lib/postgresql/<version>/bin``
(the newest version there), or from SOAK_PG_BIN.

PostgreSQL refuses to run as root: when the test runs as root, ``initdb``,
``pg_ctl`` and the server run as the ``postgres`` system user (or ``nobody`` when
there is none), through ``setpriv`` (or ``runuser``).
"""

import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

from bench.services import HarnessError, free_port, tail

POSTGRES_ROOT = Path("/usr/lib/postgresql")
PROGRAMS = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"


def find_bin_dir(env=os.environ):
    """The folder holding initdb, pg_ctl and postgres (the newest version)."""
    if env.get("SOAK_PG_BIN"):
        candidates = [Path(env["SOAK_PG_BIN"])]
    else:

        def version(path):
            return [int(part) for part in re.findall(r"\d+", path.parent.name)]

        candidates = sorted(POSTGRES_ROOT.glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if all((folder / program).is_file() for program in PROGRAMS):
            return folder
    raise HarnessError(
        "PostgreSQL's server programs (initdb, pg_ctl, postgres) were not found in "
        f"{POSTGRES_ROOT}/<version>/bin (or SOAK_PG_BIN): apt-get install postgresql"
    )


def server_account():
    """The unprivileged account to run PostgreSQL as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise HarnessError(
        "Running as root, and there is no 'postgres' or 'nobody' account to run "
        "PostgreSQL as (it refuses to run as root)."
    )


def as_account(argv, account):
    """``argv`` run as ``account`` (a pwd entry), or as is when it is None."""
    if account is None:
        return argv
    if shutil.which("setpriv"):
        return [
            shutil.which("setpriv"),
            f"--reuid={account.pw_uid}",
            f"--regid={account.pw_gid}",
            "--clear-groups",
            "--",
            *argv,
        ]
    if shutil.which("runuser"):
        return [shutil.which("runuser"), "-u", account.pw_name, "--", *argv]
    raise HarnessError("Neither setpriv nor runuser is installed (util-linux).")


class LocalPostgres:
    """A PostgreSQL cluster in ``folder`` (created here), for this run alone."""

    def __init__(self, folder, bin_dir=None):
        self.folder = Path(folder)
        self.bin = bin_dir or find_bin_dir()
        self.account = server_account()
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.port = free_port()
        self.password = secrets.token_urlsafe(24)
        self.initialised = False
        self.version = None

    # Commands

    def run(self, program, *args, timeout=120):
        argv = as_account([str(self.bin / program), *map(str, args)], self.account)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "TZ": "UTC",
        }
        try:
            completed = subprocess.run(  # noqa: S603 - fixed commands, no shell
                argv,
                cwd=self.folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                # Its own session: a Ctrl-C in the terminal reaches the soak test,
                # which then stops the server itself, in order.
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as error:
            raise HarnessError(
                f"{program} {' '.join(map(str, args))} took more than {timeout} s:\n"
                + tail(self.log)
            ) from error
        if completed.returncode:
            raise HarnessError(
                f"{program} exited with {completed.returncode}:\n"
                f"{completed.stdout}{completed.stderr}\n{tail(self.log)}"
            )
        return completed.stdout

    def initialise(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
        # A password of its own over TCP: any local user could otherwise connect as
        # superuser while the test runs. The Unix socket sits in the 0700 folder.
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n")
        password_file.chmod(0o600)
        if self.account is not None:
            os.chown(password_file, self.account.pw_uid, self.account.pw_gid)
        self.run(
            "initdb",
            "--pgdata",
            self.data,
            "--username",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-instructions",
        )
        password_file.unlink()
        self.initialised = True
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# bench/soak.py: loopback only, on a port of its own.\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.folder}'\n"
                "max_connections = 50\n"
                "log_min_messages = warning\n"
            )
        self.version = self.run("postgres", "--version").strip()
        return self

    def start(self):
        """Start the server and wait until it accepts connections."""
        self.run(
            "pg_ctl",
            "start",
            "--pgdata",
            self.data,
            "--log",
            self.log,
            "-w",
            "-t",
            "60",
        )
        return self

    def stop(self, mode="fast"):
        self.run("pg_ctl", "stop", "--pgdata", self.data, "-m", mode, "-w", "-t", "60")

    def is_running(self):
        return self.postmaster_pid() is not None

    def postmaster_pid(self):
        """The postmaster's pid from postmaster.pid, if that process is alive."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return pid

    def shut_down(self):
        """Stop the server whatever state it is in (the clean-up step)."""
        if not self.initialised or not self.is_running():
            return
        try:
            self.stop(mode="fast")
            return
        except HarnessError:
            pass
        pid = self.postmaster_pid()
        if pid is not None:
            # SIGQUIT is PostgreSQL's immediate shutdown; SIGKILL if it lingers.
            os.kill(pid, signal.SIGQUIT)
            deadline = time.monotonic() + 10
            while self.postmaster_pid() and time.monotonic() < deadline:
                time.sleep(0.2)
            if self.postmaster_pid():
                os.kill(pid, signal.SIGKILL)

    # Databases

    def url(self, database):
        return (
            f"postgres://{SUPERUSER}:{self.password}@127.0.0.1:{self.port}/{database}"
        )

    def connect(self, database="postgres"):
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name):
        with self.connect() as connection:
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            )
        return self.url(name)
