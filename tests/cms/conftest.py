import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class PurgeRecorder:
    """A stand-in for Varnish on an ephemeral port: records PURGE and BAN requests."""

    def __init__(self):
        self.requests = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def record(self):
                recorder.requests.append(
                    (self.command, self.headers["Host"], self.path)
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PURGE = do_BAN = record

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        ).start()

    def purged(self):
        return {path for method, _host, path in self.requests if method == "PURGE"}

    def clear(self):
        self.requests.clear()


@pytest.fixture
def varnish(settings, monkeypatch):
    """A recording stand-in for Varnish on a loopback port, configured as the
    front-end cache: what was purged, in ``recorder.requests``."""
    for name in ["no_proxy", "NO_PROXY"]:
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    recorder = PurgeRecorder()
    settings.WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "cms.frontend_cache.VarnishBackend",
            "LOCATION": recorder.url,
        }
    }
    yield recorder
    recorder.server.shutdown()
    recorder.server.server_close()
