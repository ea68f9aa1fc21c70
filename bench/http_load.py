"""HTTP benchmark of the public site under production settings (``make bench``).

    .venv/bin/python bench/http_load.py

Run from the repository root. It needs a PostgreSQL server (by default the local one
at 127.0.0.1:5432, user ``postgres``, trust authentication), ``wrk``, and for the
reference scenarios ``nginx`` and ``varnishd``; ``redis-server`` if present (Debian:
``apt-get install -y wrk nginx-light varnish redis-server``). It touches nothing of
the development setup: it creates its own database (``healthcms_bench_<pid>``) and
temporary folder, starts its own servers on free loopback ports, and removes all of
them when it ends, fails or is interrupted (Ctrl-C, SIGTERM); ``collectstatic`` writes
into that temporary folder too (STATIC_ROOT).

For each size N (100 and 10,000 articles, BENCH_SIZES), it:

1. seeds N articles shaped like the seed article (bench/seed.py: four sections, an
   FAQ, references, two topics, author, medical reviewer, hero image), with a rare
   word in 1 % of them and a common word in half, and checks that one renders with
   its sections, FAQ and byline and that search finds it;
2. starts gunicorn (deploy/gunicorn.conf.py, two sync workers, DJANGO_DEBUG=false,
   Redis when available, SERVER_TIMING=true) with the page cache off
   (PAGE_CACHE_SECONDS=0), then again with it on, and measures with ``wrk`` (two
   threads, 16 connections, BENCH_DURATION after a BENCH_WARMUP warm-up, every
   request with ``X-Forwarded-Proto: https``): an article, the index, a topic page,
   search for the rare and the common word, the API listing with ``fields=*`` and
   with ``fields=*,body`` and the API detail of the article;
3. measures the same article's HTML served as a static file by nginx (the physical
   limit of this machine) and, when ``varnishd`` is installed, the article through
   Varnish (deploy/varnish/default.vcl) in front of the cached gunicorn.

The article measured is one article (the first seeded), the same at every size.
wrk runs with ``--timeout 30s`` (gunicorn's own), so that slow answers are counted
in the latencies rather than dropped as timeouts.

For every scenario it records requests per second, p50 and p99 latency, responses
other than 200, the server's CPU time per request (gunicorn master and workers from
/proc; PostgreSQL's and Redis's separately when they run on this machine), the
queries per request and page-cache state from one sample's Server-Timing header, and
how much of the machine other programs used meanwhile (figures taken on a busy
machine are less reliable). It
prints a table per N and writes everything, with the machine, the settings, the
ratios between sizes and the targets of issue 8 marked pass or fail, to
``bench/results/<UTC timestamp>.json``. The exit status is 0 when the measurement ran,
whether or not targets were met, and non-zero when the harness itself failed.

Options, all from the environment:

- ``BENCH_SIZES`` (``100,10000``): numbers of articles, measured in increasing order
  (the database grows from one to the next).
- ``BENCH_DURATION`` (``10s``) and ``BENCH_WARMUP`` (``2s``): wrk durations.
- ``BENCH_DATABASE_URL`` (``postgres://postgres@127.0.0.1:5432/``): the PostgreSQL
  server to create the benchmark database on.
- ``BENCH_WORKERS`` (``2``), ``BENCH_THREADS`` (``2``), ``BENCH_CONNECTIONS``
  (``16``): gunicorn workers, wrk threads and connections.
- ``BENCH_MAX_REQUESTS`` (``0``): GUNICORN_MAX_REQUESTS. Off by default, so that a
  worker restart (a second of CPU importing Django) never lands in one scenario.
- ``BENCH_CONN_MAX_AGE`` (unset): DATABASE_CONN_MAX_AGE for every Django process;
  unset, the settings' default (persistent connections) stands.
- ``BENCH_RESULTS_DIR`` (``bench/results``): where the JSON goes.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    # Import from the repository root (``bench`` is a package there).
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.driver import main

    sys.exit(main())
