"""The settings module refuses to start production without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
PROBE = (
    "import config.settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.ALLOWED_HOSTS, "
    "'django.contrib.postgres' in s.INSTALLED_APPS)"
)


def import_settings(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = import_settings(DJANGO_ALLOWED_HOSTS="health.example")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = import_settings(DJANGO_SECRET_KEY="x" * 50)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_debug_mode_starts_without_secrets_on_sqlite():
    result = import_settings(DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "['localhost',",
        "'127.0.0.1',",
        "'[::1]']",
        "False",
    ]


def test_postgresql_url_enables_postgres_search():
    result = import_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="health.example,www.health.example",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/health",
    )

    assert result.returncode == 0, result.stderr
    engine, debug, *_hosts, postgres_app = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert debug == "False"
    assert postgres_app == "True"


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_unreadable_debug_value_is_a_clear_error(value):
    result = import_settings(DJANGO_DEBUG=value)

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr
