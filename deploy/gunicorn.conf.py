"""Gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py``.

Every value comes from the environment (README.md lists them). Sync workers are the
default: page rendering is CPU-bound, and one worker per core (plus one) keeps the
cores busy without oversubscribing them. Threads (``GUNICORN_THREADS`` > 1) switch
to the threaded worker, which helps when requests wait on a slow database.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Seconds an idle keep-alive connection from the proxy stays open; the proxy in
# front (Varnish, nginx) reuses connections rather than opening one per request.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Recycle workers now and then so that a slow leak cannot grow without bound; the
# jitter keeps them from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "1000"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Trust X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
