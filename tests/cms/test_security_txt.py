"""/.well-known/security.txt (RFC 9116): where to report a vulnerability."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.test_settings_from_environment import import_settings

URL = "/.well-known/security.txt"
pytestmark = pytest.mark.django_db


def fields(response):
    return dict(line.split(": ", 1) for line in response.content.decode().splitlines())


def test_without_a_contact_there_is_no_file(client, settings):
    settings.SECURITY_CONTACT = ""

    assert client.get(URL).status_code == 404


def test_the_file_names_the_contact_and_expires_within_a_year(client, settings):
    settings.SECURITY_CONTACT = "mailto:security@health.example"

    response = client.get(URL + "?from=<script>")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    found = fields(response)
    assert found["Contact"] == "mailto:security@health.example"
    assert found["Canonical"] == "http://testserver/.well-known/security.txt"
    expires = datetime.fromisoformat(found["Expires"])
    assert timezone.now() < expires < timezone.now() + timedelta(days=365)


def probe(value):
    return import_settings(
        "import config.settings as s; print(s.SECURITY_CONTACT)",
        DJANGO_DEBUG="true",
        SECURITY_CONTACT=value,
    )


def test_an_e_mail_address_becomes_a_mailto_contact():
    result = probe("security@health.example")

    assert result.stdout.strip() == "mailto:security@health.example"


def test_a_contact_that_is_no_address_is_refused_at_start_up():
    result = probe("call us")

    assert result.returncode != 0
    assert "SECURITY_CONTACT must be an e-mail address or an https:// address" in (
        result.stderr
    )
