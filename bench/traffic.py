"""The soak test's load: mixed traffic from concurrent clients, and the memory of
gunicorn's workers meanwhile (bench/soak.py).

Each client is a thread with its own keep-alive ``http.client`` connection that
sends one request after another, as fast as the server answers, each one a route
drawn at random by weight (ROUTES). Every request carries ``X-Forwarded-Proto:
https`` (production settings redirect plain HTTP). Every answer is recorded with its
route, status and start and end times, so that a phase can be read second by second.

Comments are sent as a headless front end sends them (docs/api.md): fetch a token
for an article, wait until it is old enough (the server refuses tokens younger than
three seconds), then POST the comment as JSON. Each post comes from an address of
its own in ``X-Forwarded-For`` (the server runs with ``TRUSTED_PROXY_COUNT=1``), so
that the per-address rate limits never refuse the test's posts, and each comment's
text carries a marker unique to it, so that the acknowledged ones can be looked for
in the database afterwards. Those addresses are loopback ones (127.x.y.z): they are
only words in a header, but nothing here so much as names an address off this
machine.

The load is bounded twice: each client stops after ``seconds`` (finishing the
request it is in, which waits at most CLIENT_TIMEOUT), and every client stops once
the phase has sent ``max_requests`` requests in all.
"""

import http.client
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from bench.measure import HEADERS, process_table

LISTING = "/api/v2/pages/?type=health_articles.HealthArticlePage&limit=10"
# A token is refused younger than three seconds (health_articles/comments/tokens.py).
TOKEN_RIPE_SECONDS = 3.5
# gunicorn's own timeout is 30 s: a client waits a little longer for an answer.
CLIENT_TIMEOUT = 40
# The most requests one phase sends, whatever its length (about 20 times what two
# sync workers answer on a 2-core machine).
MAX_REQUESTS = 200_000
# How much of a 4xx answer's body is kept, to tell why it was refused.
KEPT_BODY = 300

# Route: weight in a hundred requests.
ROUTES = {
    "article": 35,
    "index": 15,
    "search": 10,
    "api_listing": 10,
    "api_detail": 10,
    # A token when the client holds none, a post when its token is old enough, an
    # article otherwise.
    "comment": 20,
}
# Routes that never come from the page cache: each request reaches the database.
DATABASE_ROUTES = ("comment_token", "comment_post")


@dataclass(frozen=True)
class Site:
    """What the clients may ask for."""

    articles: list  # [(page id, public path)] of live articles taking comments
    index_pages: int  # pages of the /articles/ listing
    search_terms: list


@dataclass
class Answer:
    route: str
    status: int | None  # None: no answer (connection refused or reset, timeout)
    start: float  # seconds since the traffic started
    end: float
    error: str | None = None
    retry_after: bool = False  # a 503 saying when to come back
    body: str | None = None  # the start of a 4xx answer (why it was refused)


@dataclass
class PostedComment:
    marker: str
    article: int
    status: int | None
    start: float
    end: float


@dataclass
class Tally:
    """What every client appends to (list.append is atomic in CPython)."""

    answers: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    # A client that stopped on an error of the test itself (not of the server).
    client_errors: list = field(default_factory=list)


class Client(threading.Thread):
    def __init__(self, traffic, number):
        super().__init__(name=f"soak-client-{number}", daemon=True)
        self.traffic = traffic
        self.number = number
        # Repeatable choices, not secrets.
        self.random = random.Random(f"{traffic.label}-{number}")  # noqa: S311
        self.connection = None
        self.token = None  # (article id, token, when it was fetched)
        self.posted = 0

    def run(self):
        traffic = self.traffic
        self.connection = http.client.HTTPConnection(
            "127.0.0.1", traffic.port, timeout=CLIENT_TIMEOUT
        )
        try:
            while traffic.going():
                self.one_request()
        except Exception as error:  # a bug of the test: reported, not hidden
            traffic.tally.client_errors.append(
                f"{self.name}: {type(error).__name__}: {error}"
            )
        finally:
            self.connection.close()

    def one_request(self):
        site = self.traffic.site
        pick = self.random
        route = pick.choices(list(ROUTES), weights=list(ROUTES.values()))[0]
        if route == "comment":
            if self.token is None:
                article_id, _path = pick.choice(site.articles)
                path = f"/api/v2/comments/token/?article={article_id}"
                answer, body = self.get("comment_token", path)
                if answer.status == 200:
                    token = json.loads(body)["token"]
                    self.token = (article_id, token, time.monotonic())
                return
            if time.monotonic() - self.token[2] >= TOKEN_RIPE_SECONDS:
                self.post_comment()
                return
            route = "article"
        if route == "article":
            path = pick.choice(site.articles)[1]
            if pick.random() < 0.25:
                # A campaign tag: a different address, so the page cache misses
                # and the page is rendered (from its fragments).
                path += f"?ref=soak{pick.randrange(10**6)}"
        elif route == "index":
            page = pick.randint(1, site.index_pages)
            path = "/articles/" if page == 1 else f"/articles/?page={page}"
        elif route == "search":
            term = pick.choice(site.search_terms)
            if pick.random() < 0.3:
                # A word no article has: always a fresh search.
                term += f" soak{pick.randrange(10**6)}"
            path = f"/search/?q={quote(term)}"
        elif route == "api_listing":
            offset = 10 * pick.randrange(max(1, len(site.articles) // 10))
            path = f"{LISTING}&offset={offset}"
        else:
            path = f"/api/v2/pages/{pick.choice(site.articles)[0]}/"
        self.get(route, path)

    def post_comment(self):
        article_id, token, _fetched = self.token
        self.token = None
        self.posted += 1
        marker = f"{self.traffic.label}-{self.number}-{self.posted}"
        body = json.dumps(
            {
                "article": article_id,
                "name": f"Soak client {self.number}",
                "email": f"soak{self.number}@example.com",
                "text": f"Soak test comment {marker}: it helped me sleep.",
                "token": token,
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Forwarded-For": self.traffic.next_address(),
        }
        answer, _body = self.send(
            "comment_post", "POST", "/api/v2/comments/", body, headers
        )
        self.traffic.tally.comments.append(
            PostedComment(marker, article_id, answer.status, answer.start, answer.end)
        )

    def get(self, route, path):
        return self.send(route, "GET", path)

    def send(self, route, method, path, body=None, headers=None):
        headers = {**HEADERS, **(headers or {})}
        start = self.traffic.now()
        status, data, error, retry_after = None, b"", None, False
        for attempt in (1, 2):
            reused = self.connection.sock is not None
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                status = response.status
                retry_after = response.getheader("Retry-After") is not None
                error = None
                break
            except (OSError, http.client.HTTPException) as problem:
                self.connection.close()
                error = f"{type(problem).__name__}: {problem}"
                # A kept-alive connection the server had closed: a GET is sent
                # again once on a new connection. A POST is never sent twice.
                if not (reused and method == "GET" and attempt == 1):
                    break
        answer = Answer(
            route,
            status,
            start,
            self.traffic.now(),
            error,
            retry_after=status == 503 and retry_after,
            body=(
                data[:KEPT_BODY].decode(errors="replace")
                if status is not None and 400 <= status < 500
                else None
            ),
        )
        self.traffic.tally.answers.append(answer)
        return answer, data


def loopback_address(number):
    """The ``number``-th address of 127.0.0.0/8 (16 million of them), as text."""
    if not 0 <= number < 1 << 24:
        raise ValueError(f"127.0.0.0/8 has no address number {number}")
    return f"127.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


class Traffic:
    """``connections`` clients against 127.0.0.1:``port`` for ``seconds``, at most
    ``max_requests`` requests in all."""

    def __init__(
        self,
        port,
        site,
        connections,
        seconds,
        label,
        first_address,
        max_requests=MAX_REQUESTS,
    ):
        self.port = port
        self.site = site
        self.connections = connections
        self.seconds = seconds
        self.label = label
        self.max_requests = max_requests
        self.tally = Tally()
        self.stopping = threading.Event()
        # One X-Forwarded-For address per comment post, from 127.0.0.0/8.
        self.first_address = first_address
        self.addresses = itertools.count(first_address)
        self.addresses_used = 0
        self.address_lock = threading.Lock()
        self.started = None
        self.clients = []

    def now(self):
        return time.monotonic() - self.started

    def going(self):
        """Whether a client may send another request."""
        return (
            not self.stopping.is_set()
            and self.now() < self.seconds
            and len(self.tally.answers) < self.max_requests
        )

    def next_address(self):
        with self.address_lock:
            number = next(self.addresses)
            self.addresses_used += 1
        return loopback_address(number)

    def start(self):
        self.started = time.monotonic()
        self.clients = [Client(self, number) for number in range(self.connections)]
        for client in self.clients:
            client.start()
        return self

    def wait(self, timeout):
        """Wait for every client to finish its last request, at most ``timeout``
        seconds in all; the names of the clients still running then."""
        deadline = time.monotonic() + timeout
        for client in self.clients:
            client.join(max(0.0, deadline - time.monotonic()))
        return [client.name for client in self.clients if client.is_alive()]

    def stop(self):
        self.stopping.set()


# Memory


def rss_kb(pid):
    """The resident memory of ``pid`` in kB (VmRSS), or None if it has gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def children_of(pid):
    return sorted(
        child for child, (ppid, *_rest) in process_table().items() if ppid == pid
    )


class MemorySampler(threading.Thread):
    """The RSS of gunicorn's master and of each of its workers (the master's
    children), every ``interval`` seconds, as ``(seconds, {pid: kB})``."""

    def __init__(self, master, clock, interval=2.0):
        super().__init__(name="soak-memory", daemon=True)
        self.master = master
        self.clock = clock
        self.interval = interval
        self.samples = []
        self.stopping = threading.Event()

    def sample(self):
        workers = {pid: rss_kb(pid) for pid in children_of(self.master)}
        workers = {pid: kb for pid, kb in workers.items() if kb is not None}
        self.samples.append(
            {
                "t": round(self.clock(), 1),
                "master": rss_kb(self.master),
                "workers": workers,
            }
        )

    def run(self):
        while True:
            self.sample()
            if self.stopping.wait(self.interval):
                self.sample()
                return

    def stop(self):
        self.stopping.set()
        self.join()
