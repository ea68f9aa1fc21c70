"""Soak and fault test of the public site under production settings (``make soak``).

    .venv/bin/python bench/soak.py

Run from the repository root. Everything it starts is its own and on loopback
only: a throwaway PostgreSQL cluster (``initdb`` in its temporary folder, on a free
127.0.0.1 port: bench/pgserver.py), gunicorn on a free port, and clients that send
requests only to 127.0.0.1. It uses the machine's Redis at 127.0.0.1:6379 (database
14, a key prefix of its own, its keys deleted at the end) when one answers there,
and runs without Redis otherwise, saying so. It stops every process it started and
removes its temporary folder when it ends, fails or is interrupted (Ctrl-C,
SIGTERM).

It prepares the site as ``make bench`` does (migrate, load_demo_content,
collectstatic, SOAK_ARTICLES articles seeded by bench/seed.py), serves it with
gunicorn (deploy/gunicorn.conf.py, SOAK_WORKERS sync workers, DJANGO_DEBUG=false,
TRUSTED_PROXY_COUNT=1, worker recycling off so that a leak shows), then runs two
phases of SOAK_SECONDS each against the same gunicorn, with SOAK_CONNECTIONS
clients sending mixed traffic (bench/traffic.py: articles, with and without a
campaign tag, index pages, searches, the API listing and detail, comment tokens
and comment posts as JSON, each post from an X-Forwarded-For address of its own
in 127.0.0.0/8):

1. **steady**: targets: no 5xx, no request without an answer, every comment post
   acknowledged with 201 and in the database, no worker restarted, and stable
   memory: no worker's resident memory (RSS, sampled every 2 s) grows by more
   than SOAK_MEMORY_GROWTH_MB between the middle and the end of the phase.
2. **restart**: PostgreSQL is stopped (``pg_ctl stop -m fast``) in the middle of
   the phase and started again SOAK_OUTAGE_SECONDS later. Targets: every answer is
   a 2xx, 3xx or 4xx, or the "back in a moment" 503 with Retry-After for a request
   in flight during the outage (give or take SOAK_GRACE_SECONDS); every request
   gets an answer; the outage was seen (at least one such 503); the site recovers
   by itself (database-backed 2xx answers and acknowledged comments after it, no
   worker restarted); and every comment acknowledged with 201 is in the database
   afterwards.

It prints a table of both phases and the targets, and writes everything (settings,
machine, per-route statuses, a per-second timeline, memory samples, the outage's
times, the comments' fate) to ``bench/results/soak-<UTC timestamp>.json``. Exit
status: 0 when every target is met, 1 when one is missed, 2 when the harness itself
failed, 130 when interrupted.

Options, all from the environment:

- ``SOAK_SECONDS`` (``60``): length of each phase.
- ``SOAK_CONNECTIONS`` (``32``): concurrent clients.
- ``SOAK_ARTICLES`` (``200``): articles seeded.
- ``SOAK_WORKERS`` (``2``): gunicorn sync workers.
- ``SOAK_OUTAGE_SECONDS`` (``5``): how long PostgreSQL stays down in phase 2.
- ``SOAK_STOP_MODE`` (``fast``): ``pg_ctl stop -m`` mode; ``immediate`` is a crash.
- ``SOAK_GRACE_SECONDS`` (``2``): how far around the outage a 503 is still
  accepted.
- ``SOAK_MEMORY_GROWTH_MB`` (``10``): the most a worker's RSS may grow over the
  second half of the steady phase.
- ``SOAK_MAX_REQUESTS`` (``200000``): the most requests one phase sends.
- ``SOAK_REDIS_URL`` (``redis://127.0.0.1:6379/14``): the Redis to use (loopback
  only); empty for none.
- ``SOAK_PG_BIN``: the folder of initdb, pg_ctl and postgres (by default the
  newest ``/usr/lib/postgresql/<version>/bin``).
- ``SOAK_RESULTS_DIR`` (``bench/results``): where the JSON goes.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Import from the repository root (``bench`` is a package there).
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.soak_driver import main

    sys.exit(main())
