"""The Content Security Policy headers (public pages, the admin, previews, the
report-only switch) and the endpoint browsers report violations to. The browser's
side is in tests/browser/test_csp.py."""

import json
import logging

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.health_articles.test_api_preview import open_preview
from tests.test_settings_from_environment import import_settings

POLICY = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def directives(header):
    """{directive: [sources]} of a policy header."""
    found = {}
    for part in header.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


# Public pages


def test_public_pages_allow_only_the_sites_own_scripts_and_styles(client, article):
    for url in ["/", article.get_parent().url, article.url, "/search/?q=sleep"]:
        policy = directives(client.get(url)[POLICY])

        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url


def test_public_policy_has_no_nonce_and_the_page_has_nothing_inline_to_allow(
    client, article
):
    response = client.get(article.url)
    header = response[POLICY]
    soup = BeautifulSoup(response.content, "html.parser")
    scripts = soup.find_all("script")

    assert "nonce" not in header and "unsafe-inline" not in header
    assert not soup.find_all(attrs={"nonce": True})
    # Scripts are files of the site's own, or JSON-LD: a data block the policy
    # does not run.
    assert [s["src"] for s in scripts if s.has_attr("src")]
    for script in scripts:
        assert script.has_attr("src") or script["type"] == "application/ld+json"
        assert script.get("src", "/").startswith("/")
    # No inline style or event handler the policy would block.
    assert not soup.find_all("style")
    assert not soup.find_all(attrs={"style": True})
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")]


@pytest.mark.django_db(transaction=True)
def test_a_cached_page_carries_the_same_policy(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_CACHE_VERSION_SECONDS = 60
    first = client.get(article.url)
    second = client.get(article.url)

    assert second.content == first.content
    assert second[POLICY] == first[POLICY]


def test_the_api_and_feeds_get_the_public_policy(client, article):
    for url in ["/api/v2/pages/", "/feeds/articles.rss", "/sitemap.xml"]:
        assert directives(client.get(url)[POLICY])["script-src"] == ["'self'"], url


# The admin and its previews


def test_admin_pages_get_the_admins_policy(admin_client, article):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    policy = directives(response[POLICY])

    # Wagtail 8's admin still has inline scripts and styles.
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_the_preview_of_a_page_may_be_framed_by_the_admin(admin_client, article):
    response = open_preview(admin_client, article, title="Draft in the preview")
    policy = directives(response[POLICY])

    assert "Draft in the preview" in response.content.decode()
    assert policy["frame-ancestors"] == ["'self'"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_public_page_is_not_framed_after_a_preview(
    admin_client, client, article
):
    # The preview's policy is the preview's alone.
    open_preview(admin_client, article)

    assert directives(client.get(article.url)[POLICY])["frame-ancestors"] == [
        "'none'"
    ]


# Settings: the report-only switch and the report endpoint

POLICY_PROBE = (
    "import json, config.settings as s; "
    "print(json.dumps({'enforced': s.CONTENT_SECURITY_POLICY, "
    "'report_only': s.CONTENT_SECURITY_POLICY_REPORT_ONLY}))"
)


def probe_policies(**env):
    result = import_settings(POLICY_PROBE, DJANGO_DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_policy_is_enforced_by_default():
    found = probe_policies()

    assert found["report_only"] is None
    assert found["enforced"]["DIRECTIVES"]["script-src"] == ["'self'"]
    assert "report-uri" not in found["enforced"]["DIRECTIVES"]


def test_report_only_switch_sends_the_same_policy_as_a_report():
    found = probe_policies(CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-report/")

    assert found["enforced"] is None
    directives = found["report_only"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["report-uri"] == ["/csp-report/"]
    assert directives["report-to"] == "csp"


def test_report_only_headers_name_the_endpoint(client, article, settings):
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"] = {
        **policy["DIRECTIVES"],
        "report-uri": ["/csp-report/"],
        "report-to": "csp",
    }
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = policy
    settings.CSP_REPORT_ENDPOINT = "/csp-report/"

    response = client.get(article.url)

    assert POLICY not in response
    assert "report-uri /csp-report/" in response[REPORT_ONLY]
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'


REPORT_URI_BODY = {
    "csp-report": {
        "document-uri": "https://health.example/articles/magnesium/",
        "effective-directive": "script-src-elem",
        "violated-directive": "script-src-elem",
        "blocked-uri": "inline",
        "line-number": 12,
        "script-sample": "alert(1)",
        "disposition": "enforce",
    }
}
REPORTING_API_BODY = [
    {
        "type": "csp-violation",
        "url": "https://health.example/",
        "body": {
            "documentURL": "https://health.example/",
            "effectiveDirective": "img-src",
            "blockedURL": "https://tracker.example/pixel.gif",
            "disposition": "enforce",
        },
    },
    {"type": "deprecation", "body": {"id": "something-else"}},
]


def report(client, body, content_type="application/csp-report"):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post("/csp-report/", data, content_type=content_type)


def test_a_report_uri_report_is_logged(client, caplog):
    with caplog.at_level(logging.WARNING, logger="cms.csp"):
        response = report(client, REPORT_URI_BODY)

    assert response.status_code == 204
    (record,) = caplog.records
    logged = json.loads(record.getMessage().split(": ", 1)[1])
    assert logged["directive"] == "script-src-elem"
    assert logged["blocked"] == "inline"
    assert logged["line"] == "12"


def test_reporting_api_reports_are_logged_one_per_violation(client, caplog):
    with caplog.at_level(logging.WARNING, logger="cms.csp"):
        response = report(client, REPORTING_API_BODY, "application/reports+json")

    assert response.status_code == 204
    (record,) = caplog.records
    assert "https://tracker.example/pixel.gif" in record.getMessage()


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("{}", "text/plain", 400, "A report is JSON."),
        ("{not json", "application/csp-report", 400, "A report is JSON."),
        ("[" * 8000 + "]" * 8000, "application/csp-report", 400, "A report is JSON."),
        ('{"hello": 1}', "application/json", 400, "Not a Content Security Policy"),
        ("[1, 2]", "application/reports+json", 400, "Not a Content Security Policy"),
        (
            json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}}),
            "application/csp-report",
            413,
            "The report is too large.",
        ),
    ],
)
def test_bad_reports_are_refused_and_not_logged(
    client, caplog, body, content_type, status, message
):
    with caplog.at_level(logging.WARNING, logger="cms.csp"):
        response = report(client, body, content_type)

    assert response.status_code == status
    assert message in response.content.decode()
    assert [r for r in caplog.records if r.name == "cms.csp"] == []


def test_the_report_endpoint_takes_only_posts(client):
    assert client.get("/csp-report/").status_code == 405


def test_a_flood_of_reports_from_one_address_is_refused(client, caplog):
    statuses = [report(client, REPORT_URI_BODY).status_code for _ in range(61)]

    assert statuses[:60] == [204] * 60
    assert statuses[60] == 429
