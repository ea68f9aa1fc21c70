import hashlib
import hmac
import io
import json
import signal
import socket
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.urls import reverse
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from cms.models import WebhookDelivery, WebhookTarget
from cms.tasks import retry_delay
from health_articles.models import HealthArticlePage
from tests.admin_forms import article_form_data, edit_url

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PAYLOAD_KEYS = {"event", "id", "type", "url", "api_url", "timestamp"}

Status = WebhookDelivery.Status


class Receiver:
    """An HTTP server on an ephemeral port that records the requests it is sent.

    It answers with the codes in ``statuses``, in turn, then 200.
    """

    def __init__(self):
        self.requests = []
        self.statuses = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                receiver.requests.append(
                    {
                        "path": self.path,
                        "headers": self.headers,
                        "body": self.rfile.read(length),
                    }
                )
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/cms"
        self.thread = threading.Thread(
            target=self.server.serve_forever, args=(0.05,), daemon=True
        )

    def payloads(self):
        return [json.loads(request["body"]) for request in self.requests]


@pytest.fixture(autouse=True)
def _no_proxy_for_localhost(monkeypatch):
    # urllib honours HTTP_PROXY; the receiver is on this machine.
    for name in ["no_proxy", "NO_PROXY"]:
        monkeypatch.setenv(name, "127.0.0.1,localhost")


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def target(receiver, db):
    return WebhookTarget.objects.create(name="Front end", url=receiver.url)


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_worker():
    """The webhooks worker, as `make run` starts it, until the queue has nothing due."""
    # The worker installs its own handlers for Ctrl-C; pytest's come back after.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command(
            "db_worker",
            "--backend=webhooks",
            "--queue-name=webhooks",
            "--batch",
            "--no-reload",
            "--no-startup-delay",
            verbosity=0,
            stdout=io.StringIO(),
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def expected_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def publish(page):
    page.save_revision().publish()


# Delivery runs in the worker after the editor's transaction commits, so these tests
# commit for real.
webhooks_test = pytest.mark.django_db(transaction=True)


@webhooks_test
def test_published_article_is_posted_signed_to_the_target(
    receiver, target, article, settings
):
    settings.WAGTAILAPI_BASE_URL = "https://cms.example"
    publish(article)
    assert receiver.requests == []  # sent by the worker, not by the publish

    run_worker()

    [request] = receiver.requests
    payload = json.loads(request["body"])
    assert set(payload) == PAYLOAD_KEYS
    assert payload["event"] == "page.published"
    assert payload["id"] == article.pk
    assert payload["type"] == "health_articles.HealthArticlePage"
    assert payload["url"] == f"http://localhost/articles/{article.slug}/"
    assert payload["api_url"] == f"https://cms.example/api/v2/pages/{article.pk}/"
    assert payload["timestamp"].endswith("Z")
    sent_at = datetime.fromisoformat(payload["timestamp"])
    assert abs(datetime.now(UTC) - sent_at) < timedelta(minutes=1)

    headers = request["headers"]
    assert request["path"] == "/hooks/cms"
    assert headers["Content-Type"] == "application/json"
    assert hmac.compare_digest(
        headers["X-Signature"], expected_signature(target.secret, request["body"])
    )
    assert headers["X-Webhook-Event"] == "page.published"
    delivery = WebhookDelivery.objects.get()
    assert headers["X-Webhook-Delivery"] == str(delivery.pk)
    assert delivery.payload.encode() == request["body"]
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200
    assert delivery.delivered_at is not None
    assert delivery.next_attempt_at is None


@webhooks_test
def test_signature_does_not_verify_with_another_secret(receiver, target, article):
    publish(article)
    run_worker()

    [request] = receiver.requests
    assert request["headers"]["X-Signature"] != expected_signature(
        "another-secret", request["body"]
    )


@webhooks_test
def test_each_active_target_gets_its_own_signature(receiver, target, article):
    other = WebhookTarget.objects.create(name="Search index", url=receiver.url)
    publish(article)
    run_worker()

    signatures = {request["headers"]["X-Signature"] for request in receiver.requests}
    assert signatures == {
        expected_signature(target.secret, receiver.requests[0]["body"]),
        expected_signature(other.secret, receiver.requests[0]["body"]),
    }


@webhooks_test
def test_unpublished_article_sends_page_unpublished_with_its_last_url(
    receiver, target, article
):
    article.unpublish()
    run_worker()

    [payload] = receiver.payloads()
    assert payload["event"] == "page.unpublished"
    assert payload["id"] == article.pk
    assert payload["url"] == f"http://localhost/articles/{article.slug}/"


@webhooks_test
def test_deleted_live_article_sends_only_page_deleted(receiver, target, article):
    article_id, url = article.pk, article.get_full_url()

    article.delete()
    run_worker()

    assert not HealthArticlePage.objects.filter(pk=article_id).exists()
    [payload] = receiver.payloads()
    assert payload["event"] == "page.deleted"
    assert payload["id"] == article_id
    assert payload["url"] == url
    assert payload["api_url"].endswith(f"/api/v2/pages/{article_id}/")
    assert list(WebhookDelivery.objects.values_list("event", "status")) == [
        ("page.deleted", Status.DELIVERED)
    ]


@webhooks_test
def test_deleting_the_index_sends_page_deleted_for_each_article(
    receiver, target, article, article_index
):
    article_index.delete()
    run_worker()

    assert [(p["event"], p["id"]) for p in receiver.payloads()] == [
        ("page.deleted", article.pk)
    ]


@webhooks_test
def test_scheduled_first_publication_is_announced_only_when_it_goes_live(
    receiver, target, article_index
):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import HealthArticlePageFactory

    page = HealthArticlePageFactory(parent=article_index, live=False)
    page.go_live_at = timezone.now() + timedelta(days=1)
    publish(page)
    run_worker()

    assert receiver.payloads() == []


@webhooks_test
def test_article_in_a_private_section_is_not_announced(receiver, target, article_index):
    from wagtail.models import PageViewRestriction

    from tests.factories import HealthArticlePageFactory

    PageViewRestriction.objects.create(
        page=article_index,
        restriction_type=PageViewRestriction.PASSWORD,
        password="s3cret",
    )
    page = HealthArticlePageFactory(parent=article_index)
    publish(page)
    page.delete()
    run_worker()

    assert receiver.payloads() == []


@webhooks_test
def test_deleting_a_draft_is_not_announced(receiver, target, article_index):
    from tests.factories import HealthArticlePageFactory

    HealthArticlePageFactory(parent=article_index, live=False).delete()
    run_worker()

    assert receiver.payloads() == []


@webhooks_test
def test_inactive_target_gets_nothing(receiver, article):
    WebhookTarget.objects.create(name="Old site", url=receiver.url, is_active=False)

    publish(article)
    run_worker()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()


@webhooks_test
def test_target_made_inactive_before_delivery_gets_nothing(receiver, target, article):
    publish(article)
    WebhookTarget.objects.update(is_active=False)
    run_worker()

    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.last_error == "The target was made inactive."


@webhooks_test
def test_target_deleted_before_delivery_takes_its_deliveries(receiver, target, article):
    publish(article)
    target.delete()
    run_worker()

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


@webhooks_test
def test_failing_receiver_is_retried_later_until_it_answers(receiver, target, article):
    receiver.statuses = [500, 500]
    with time_machine.travel(NOW, tick=False) as clock:
        publish(article)
        run_worker()

        delivery = WebhookDelivery.objects.get()
        assert delivery.status == Status.RETRYING
        assert delivery.attempts == 1
        assert delivery.last_status_code == 500
        assert delivery.last_error == "HTTP 500 Internal Server Error"
        assert delivery.next_attempt_at == NOW + timedelta(seconds=30)

        run_worker()  # not due yet
        assert len(receiver.requests) == 1

        clock.move_to(delivery.next_attempt_at)
        run_worker()
        delivery.refresh_from_db()
        assert delivery.status == Status.RETRYING
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == NOW + timedelta(seconds=30 + 60)

        clock.move_to(delivery.next_attempt_at)
        run_worker()

    delivery.refresh_from_db()
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 3
    assert delivery.last_status_code == 200
    assert delivery.last_error == ""
    assert delivery.delivered_at == NOW + timedelta(seconds=90)
    assert delivery.next_attempt_at is None
    # The same event, byte for byte, every time.
    assert len({request["body"] for request in receiver.requests}) == 1
    assert receiver.payloads()[0]["event"] == "page.published"


def test_retry_delay_doubles_up_to_an_hour():
    delays = [retry_delay(attempt).total_seconds() for attempt in range(1, 10)]

    assert delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_retry_delays_follow_the_settings(settings):
    settings.WEBHOOK_RETRY_BASE_DELAY = 1
    settings.WEBHOOK_RETRY_MAX_DELAY = 5

    assert [retry_delay(n).total_seconds() for n in range(1, 5)] == [1, 2, 4, 5]


@webhooks_test
def test_delivery_fails_for_good_after_the_last_attempt(
    receiver, target, article, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [503, 503, 503]
    with time_machine.travel(NOW, tick=False) as clock:
        publish(article)
        run_worker()
        clock.move_to(WebhookDelivery.objects.get().next_attempt_at)
        run_worker()
        clock.shift(timedelta(days=1))
        run_worker()

    assert len(receiver.requests) == 2
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == 2
    assert delivery.last_status_code == 503
    assert delivery.next_attempt_at is None
    assert not DBTaskResult.objects.filter(status="READY").exists()


@webhooks_test
def test_redirect_is_not_followed(receiver, target, article):
    receiver.statuses = [301]
    publish(article)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert delivery.status == Status.RETRYING
    assert delivery.last_status_code == 301


@webhooks_test
def test_url_other_than_http_is_never_opened(article):
    # The admin form refuses such a URL; this one was saved around it.
    WebhookTarget.objects.create(name="Local file", url="file:///etc/hostname")

    publish(article)
    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert delivery.last_status_code is None
    assert delivery.last_error == (
        "The target URL must start with http:// or https://."
    )


@webhooks_test
def test_target_refusing_connections_never_fails_the_publish(article, closed_port):
    WebhookTarget.objects.create(name="Down", url=f"http://127.0.0.1:{closed_port}/")

    publish(article)
    run_worker()

    article.refresh_from_db()
    assert article.live
    assert not article.has_unpublished_changes
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert "refused" in delivery.last_error.lower()


@webhooks_test
def test_publishing_in_the_admin_works_while_the_target_is_down(
    client, admin_user, article, closed_port, people
):
    WebhookTarget.objects.create(name="Down", url=f"http://127.0.0.1:{closed_port}/")
    client.force_login(admin_user)
    data = article_form_data(title="A new title", slug=article.slug, **people)
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(article), data)

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "A new title"
    assert article.live
    assert WebhookDelivery.objects.get().status == Status.PENDING
    run_worker()
    assert WebhookDelivery.objects.get().status == Status.RETRYING


@webhooks_test
def test_publish_succeeds_when_the_queue_is_unavailable(
    target, article, monkeypatch, caplog
):
    def unavailable(self, task, args, kwargs):
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(DatabaseBackend, "enqueue", unavailable)

    publish(article)

    article.refresh_from_db()
    assert article.live
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.last_error.startswith("Not queued: no such table")
    assert f"Webhook delivery {delivery.pk} was not queued" in caplog.text


@webhooks_test
def test_nothing_is_queued_when_the_publish_is_rolled_back(receiver, target, article):
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(article)
        assert WebhookDelivery.objects.count() == 1  # recorded, not yet queued
        assert not DBTaskResult.objects.exists()
        raise RuntimeError("the editor's request failed after publishing")

    run_worker()

    assert not WebhookDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert receiver.requests == []


def test_publish_without_targets_records_nothing(article):
    publish(article)

    assert not WebhookDelivery.objects.exists()


def test_failure_to_record_is_logged_and_the_publish_goes_through(
    target, article, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ValueError("cannot build the payload")

    monkeypatch.setattr("cms.webhooks.page_payload", broken)

    publish(article)

    article.refresh_from_db()
    assert article.live
    assert not WebhookDelivery.objects.exists()
    assert f"Webhook page.published for page {article.pk} was not recorded" in (
        caplog.text
    )


@webhooks_test
def test_deliveries_older_than_30_days_are_pruned_when_new_ones_are_recorded(
    receiver, target, article
):
    for days_ago in [31, 29]:
        with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
            publish(article)
            run_worker()
    kept = WebhookDelivery.objects.get(created_at=NOW - timedelta(days=29))
    kept_task = DBTaskResult.objects.get(finished_at=NOW - timedelta(days=29))

    with time_machine.travel(NOW, tick=False):
        publish(article)

    assert list(WebhookDelivery.objects.values_list("pk", "status")) == [
        (kept.pk + 1, Status.PENDING),
        (kept.pk, Status.DELIVERED),
    ]
    tasks = DBTaskResult.objects.order_by("enqueued_at")
    assert list(tasks.values_list("status", flat=True)) == ["SUCCESSFUL", "READY"]
    assert tasks.first() == kept_task


class TestAdmin:
    def targets_url(self, view="index", *args):
        return reverse(f"webhook_targets:{view}", args=args)

    def deliveries_url(self, view="index", *args):
        return reverse(f"webhook_deliveries:{view}", args=args)

    def test_superuser_lists_targets(self, admin_client, target):
        response = admin_client.get(self.targets_url())

        assert response.status_code == 200
        content = response.content.decode()
        assert "Webhook targets" in content
        assert "Front end" in content
        assert target.url in content
        assert target.secret not in content  # only on the edit form

    def test_new_target_form_offers_a_generated_secret(self, admin_client, db):
        response = admin_client.get(self.targets_url("add"))

        secret = response.context["form"]["secret"].value()
        assert len(secret) >= 40
        assert secret in response.content.decode()

    def test_superuser_adds_a_target(self, admin_client, db):
        response = admin_client.post(
            self.targets_url("add"),
            {
                "name": "Search index",
                "url": "https://search.example/hooks",
                "secret": "shared-secret",
                "is_active": "on",
            },
        )

        assert response.status_code == 302
        target = WebhookTarget.objects.get()
        assert (target.name, target.url, target.secret, target.is_active) == (
            "Search index",
            "https://search.example/hooks",
            "shared-secret",
            True,
        )

    def test_target_url_must_be_http_or_https(self, admin_client, db):
        response = admin_client.post(
            self.targets_url("add"),
            {"name": "FTP", "url": "ftp://files.example/", "secret": "s"},
        )

        assert response.status_code == 200
        assert response.context["form"].errors["url"] == ["Enter a valid URL."]
        assert not WebhookTarget.objects.exists()

    def test_superuser_lists_and_filters_deliveries(self, admin_client, target):
        other = WebhookTarget.objects.create(name="Archive", url=target.url)
        WebhookDelivery.objects.create(
            target=target,
            event="page.published",
            page_id=41,
            payload="{}",
            status=Status.RETRYING,
            attempts=1,
            last_status_code=500,
        )
        WebhookDelivery.objects.create(
            target=other,
            event="page.deleted",
            page_id=42,
            payload="{}",
            status=Status.DELIVERED,
            attempts=1,
            last_status_code=200,
        )

        everything = admin_client.get(self.deliveries_url())
        retrying = admin_client.get(self.deliveries_url(), {"status": "retrying"})
        archive = admin_client.get(self.deliveries_url(), {"target": other.pk})

        assert everything.status_code == 200
        assert "Webhook deliveries" in everything.content.decode()
        assert [d.page_id for d in everything.context["object_list"]] == [42, 41]
        assert [d.page_id for d in retrying.context["object_list"]] == [41]
        assert [d.page_id for d in archive.context["object_list"]] == [42]
        content = retrying.content.decode()
        assert "Retrying" in content
        assert "500" in content
        assert "Front end" in content

    def test_superuser_inspects_a_delivery_but_cannot_change_it(
        self, admin_client, target
    ):
        delivery = WebhookDelivery.objects.create(
            target=target,
            event="page.published",
            page_id=41,
            payload='{"event":"page.published","id":41}',
        )

        response = admin_client.get(self.deliveries_url("inspect", delivery.pk))

        assert response.status_code == 200
        assert "{&quot;event&quot;:&quot;page.published&quot;" in (
            response.content.decode()
        )
        assert "/admin/webhooks/deliveries/edit/" not in response.content.decode()
        for path in ["new/", f"edit/{delivery.pk}/", f"delete/{delivery.pk}/"]:
            url = f"/admin/webhooks/deliveries/{path}"
            assert admin_client.get(url).status_code == 404
            assert admin_client.post(url, {"payload": "{}"}).status_code == 404
        assert WebhookDelivery.objects.get().payload == delivery.payload

    def test_editor_is_refused_targets_and_deliveries(self, client, editor, target):
        client.force_login(editor)

        for url in [self.targets_url(), self.deliveries_url(), self.targets_url("add")]:
            response = client.get(url, follow=True)
            assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
            messages = [str(m).strip() for m in response.context["messages"]]
            assert messages == [
                "Sorry, you do not have permission to access this area."
            ]
        home = client.get(reverse("wagtailadmin_home")).content.decode()
        assert "Webhook targets" not in home
        assert "Front end" not in home

    def test_webhook_permissions_cannot_be_given_to_a_group(
        self, client, admin_client, editor, target
    ):
        from django.contrib.auth.models import Permission

        editor.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="cms", codename__contains="webhook"
            )
        )
        client.force_login(editor)

        response = client.get(self.targets_url("edit", target.pk), follow=True)

        assert target.secret not in response.content.decode()
        assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
        group_form = admin_client.get(reverse("wagtailusers_groups:add"))
        offered = {
            int(box["value"])
            for box in BeautifulSoup(group_form.content, "html.parser").select(
                "input[name=permissions]"
            )
        }
        webhook_permissions = set(
            Permission.objects.filter(codename__contains="webhook").values_list(
                "pk", flat=True
            )
        )
        assert offered and not offered & webhook_permissions

    def test_superuser_menu_has_webhooks(self, admin_client, db):
        home = admin_client.get(reverse("wagtailadmin_home")).content.decode()

        assert "Webhooks" in home
        assert "Webhook targets" in home
        assert "Webhook deliveries" in home
