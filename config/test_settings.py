"""Fast, predictable settings for the test suite (see bakerydemo's settings/test.py).

The database still comes from DATABASE_URL, so the same suite runs on SQLite and on
PostgreSQL.
"""

import os

os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: E402,F403

# The test client and the live server speak plain HTTP; tests of the HTTPS
# settings read them from the environment (tests/test_settings_from_environment.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

if not REDIS_URL:  # noqa: F405 - with REDIS_URL the suite runs on Redis
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
else:
    CACHES["default"]["KEY_PREFIX"] = "healthcms-test"  # noqa: F405

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# Most tests measure what a page renders (queries, markup) and change content
# without committing: the page cache is off, and its own tests turn it on.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_VERSION_SECONDS = 0

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Serve static files from the apps' folders: tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Tests sign in with force_login; the sign-in lockout is on only in its own tests
# (tests/cms/test_lockouts.py).
AXES_ENABLED = False
