"""The settings module refuses to start production without its secrets, and reads
the rest of its configuration from the environment."""

import json
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


# What the probes read; the test run's own values must not leak in.
READ_FROM_ENVIRONMENT = (
    "DJANGO_",
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "TRUSTED_PROXY_COUNT",
    "COMMENT_IP_RETENTION_DAYS",
    "PAGE_CACHE_",
    "FRONTEND_CACHE_URL",
    "SERVER_TIMING",
    "SECURE_",
    "CSP_",
    "SECURITY_CONTACT",
)
# The cache, the system checks silenced and the comment settings, as JSON.
CACHE_PROBE = (
    "import json, config.settings as s; "
    "print(json.dumps({'cache': s.CACHES['default'], "
    "'silenced': getattr(s, 'SILENCED_SYSTEM_CHECKS', []), "
    "'ratelimit_cache': s.RATELIMIT_USE_CACHE, "
    "'proxies': s.TRUSTED_PROXY_COUNT, "
    "'ip_retention_days': s.COMMENT_IP_RETENTION_DAYS}))"
)


def import_settings(probe=PROBE, **env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(READ_FROM_ENVIRONMENT)
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
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


def read_cache_settings(**env):
    result = import_settings(CACHE_PROBE, DJANGO_DEBUG="true", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_the_cache_is_per_process_and_only_its_checks_are_silenced():
    found = read_cache_settings()

    assert found["cache"] == {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
    }
    assert found["silenced"] == ["django_ratelimit.E003", "django_ratelimit.W001"]
    assert found["ratelimit_cache"] == "default"


def test_redis_url_selects_django_redis_and_silences_nothing():
    found = read_cache_settings(REDIS_URL="redis://cache.internal:6379/2")

    assert found["cache"] == {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/2",
        "KEY_PREFIX": "healthcms",
        # Redis down: cache misses after at most half a second, never an error
        # (tests/cms/test_fault_tolerance.py).
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }
    assert found["silenced"] == []
    assert found["ratelimit_cache"] == "default"


def test_cache_key_prefix_is_read_with_redis():
    found = read_cache_settings(
        REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX="health-staging"
    )

    assert found["cache"]["KEY_PREFIX"] == "health-staging"


def test_proxy_count_and_ip_retention_default_to_0_and_30_days():
    found = read_cache_settings()

    assert found["proxies"] == 0
    assert found["ip_retention_days"] == 30


def test_proxy_count_and_ip_retention_are_read_from_the_environment():
    found = read_cache_settings(TRUSTED_PROXY_COUNT="2", COMMENT_IP_RETENTION_DAYS="7")

    assert found["proxies"] == 2
    assert found["ip_retention_days"] == 7


PAGE_CACHE_PROBE = (
    "import json, config.settings as s; "
    "print(json.dumps([s.PAGE_CACHE_SECONDS, s.PAGE_CACHE_MAX_AGE, "
    "s.PAGE_CACHE_S_MAXAGE, s.WAGTAILFRONTENDCACHE, "
    "'cms.server_timing.ServerTimingMiddleware' in s.MIDDLEWARE]))"
)


def test_page_cache_defaults_to_an_hour_with_no_front_end_cache():
    result = import_settings(PAGE_CACHE_PROBE, DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [3600, 60, 300, {}, False]


def test_front_end_cache_and_server_timing_are_read_from_the_environment():
    result = import_settings(
        PAGE_CACHE_PROBE,
        DJANGO_DEBUG="true",
        PAGE_CACHE_SECONDS="0",
        FRONTEND_CACHE_URL="http://127.0.0.1:6081",
        SERVER_TIMING="true",
    )

    assert result.returncode == 0, result.stderr
    seconds, _max_age, _s_maxage, frontend, timing = json.loads(result.stdout)
    assert seconds == 0 and timing is True
    assert frontend["varnish"]["LOCATION"] == "http://127.0.0.1:6081"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("two days", "PAGE_CACHE_SECONDS must be a whole number, not 'two days'."),
        ("172800", "PAGE_CACHE_SECONDS must be between 0 and 86400, not 172800."),
        ("-5", "PAGE_CACHE_SECONDS must be between 0 and 86400, not -5."),
    ],
)
def test_page_cache_lifetime_over_a_day_or_not_a_number_is_refused(value, message):
    result = import_settings(
        PAGE_CACHE_PROBE, DJANGO_DEBUG="true", PAGE_CACHE_SECONDS=value
    )

    assert result.returncode != 0
    assert message in result.stderr


PRODUCTION = {
    "DJANGO_SECRET_KEY": "p" * 30 + "roduction-secret-key-of-fifty-or-more-characters",
    "DJANGO_ALLOWED_HOSTS": "health.example",
    "DJANGO_ENV": "production",
    # Behind one load balancer (cms.W001 otherwise).
    "TRUSTED_PROXY_COUNT": "1",
}


def deploy_checks(env):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env={
            **{
                key: value
                for key, value in os.environ.items()
                if not key.startswith(READ_FROM_ENVIRONMENT)
            },
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("redis", [False, True], ids=["local memory", "redis"])
def test_deploy_checks_pass_without_a_warning_in_production(redis):
    env = (
        dict(PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/15") if redis else PRODUCTION
    )
    result = deploy_checks(env)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_warn_when_no_proxy_is_trusted():
    result = deploy_checks(dict(PRODUCTION, TRUSTED_PROXY_COUNT="0"))

    assert result.returncode != 0
    assert "cms.W001" in result.stderr
    assert "TRUSTED_PROXY_COUNT is 0" in result.stderr


HTTPS_PROBE = (
    "import json, config.settings as s; "
    "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
    "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
    "s.SECURE_REFERRER_POLICY, s.SECURE_CROSS_ORIGIN_OPENER_POLICY]))"
)


def test_production_redirects_to_https_with_secure_cookies_and_an_hour_of_hsts():
    result = import_settings(HTTPS_PROBE, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        True,
        True,
        True,
        3600,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        "strict-origin-when-cross-origin",
        "same-origin",
    ]


def test_debug_mode_has_no_https_requirements():
    result = import_settings(HTTPS_PROBE, DJANGO_DEBUG="true")

    redirect, session_secure, csrf_secure, hsts, *_ = json.loads(result.stdout)
    assert (redirect, session_secure, csrf_secure, hsts) == (False, False, False, 0)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {**PRODUCTION, "DJANGO_DEBUG": "true"},
            "DJANGO_DEBUG is on with DJANGO_ENV=production",
        ),
        (
            {**PRODUCTION, "DJANGO_SECRET_KEY": "django-insecure-development-only-key"},
            "DJANGO_SECRET_KEY is a development key",
        ),
        (
            {**PRODUCTION, "DJANGO_ENV": "staging"},
            "DJANGO_ENV must be 'development' or 'production', not 'staging'.",
        ),
    ],
    ids=["debug in production", "development key", "unknown environment"],
)
def test_production_refuses_unsafe_settings(env, message):
    result = import_settings(**env)

    assert result.returncode != 0
    assert message in result.stderr
