"""Settings for the health-article CMS, read from the environment in one place.

Every variable is documented in README.md. Nothing here is secret: the secret key,
the database and the hosts come from the environment.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(TRUE_VALUES | FALSE_VALUES - {''})}, "
        f"not {raw!r}."
    )


def env_int(name, default, minimum=0, maximum=None):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None
    if value < minimum or (maximum is not None and value > maximum):
        limits = f"between {minimum} and {maximum}" if maximum else f">= {minimum}"
        raise ImproperlyConfigured(f"{name} must be {limits}, not {value}.")
    return value


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

# DJANGO_ENV=production marks a production server: it refuses debug mode.
DJANGO_ENV = os.environ.get("DJANGO_ENV", "").strip().lower()
if DJANGO_ENV not in {"", "development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}."
    )
if DJANGO_ENV == "production" and DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on with DJANGO_ENV=production. Debug mode shows settings "
        "and code to anyone who hits an error: turn it off."
    )

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is a development key. Set it to a long random value "
        "of your own (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, or set "
            "DJANGO_DEBUG=true for local development."
        )
    # Development only: this value never reaches a server with DEBUG off.
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [],
)

# Application definition

INSTALLED_APPS = [
    "home",
    "health_articles",
    "cms",
    "wagtail.api.v2",
    "wagtail_headless_preview",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    "django_ratelimit",
    "csp",
    "axes",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

SERVER_TIMING = env_bool("SERVER_TIMING")

MIDDLEWARE = [
    *(["cms.server_timing.ServerTimingMiddleware"] if SERVER_TIMING else []),
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Outside the page cache, so that cached answers get the policy per request.
    "cms.csp.CSPMiddleware",
    # A body larger than the limits below is refused before anything reads it.
    "cms.request_limits.RequestSizeLimitMiddleware",
    # Inside CORS (cached answers get their CORS headers per request), before
    # everything that reads sessions or cookies.
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.publishing.PublishRefusedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
# Connections are kept open between requests (DATABASE_CONN_MAX_AGE seconds):
# opening one per request costs PostgreSQL and the app several milliseconds of
# CPU each (docs/performance.md). A kept connection is checked before each request
# reuses it, so one the server dropped is replaced rather than failing.

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASE_IS_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")
if DATABASE_IS_POSTGRESQL:
    # While PostgreSQL is down or restarting, a request gives up connecting after
    # this many seconds and gets the 503 page (cms/views.py); the next request
    # after it is back connects again, without restarting the app.
    # A connect_timeout given in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout",
        env_int("DATABASE_CONNECT_TIMEOUT", 3, minimum=1, maximum=60),
    )
    # Wagtail's database search backend then uses PostgreSQL full-text search.
    INSTALLED_APPS.append("django.contrib.postgres")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: British English, dates like "23 September 2023".

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files and media

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Complex page models can exceed Django's default of 1,000 form fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Limits on input (docs/security.md). Request bodies: the admin takes uploads, the
# public site only small forms and JSON (cms/request_limits.py answers 413).
ADMIN_PATH_PREFIX = "/admin/"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10, minimum=1, maximum=100) * 1024 * 1024
ADMIN_REQUEST_MAX_BYTES = UPLOAD_MAX_BYTES + 2 * 1024 * 1024
# A 5,000-character comment in any script, form-encoded, is under 64 KB.
PUBLIC_REQUEST_MAX_BYTES = 128 * 1024
# Images: file size and pixels (an 8,000 x 5,000 photo; a small file can unpack
# into a huge bitmap). Documents: file size.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_MAX_UPLOAD_SIZE = UPLOAD_MAX_BYTES

# Wagtail

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Health articles")
WAGTAILADMIN_BASE_URL = os.environ.get(
    "WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000"
).rstrip("/")
WAGTAILAPI_BASE_URL = os.environ.get(
    "WAGTAILAPI_BASE_URL", WAGTAILADMIN_BASE_URL
).rstrip("/")

# Rich text leaves the API as HTML with real URLs, never in the internal format.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = 50

# Cache: Redis (REDIS_URL), shared by every app server, in production; each
# process's own memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "healthcms"),
            # Redis down or slow: every cache read misses and every write is
            # dropped, after at most half a second, and the site is served from
            # the database; each ignored error is logged (django_redis.cache).
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # django-ratelimit wants a cache that all processes share; without Redis its
    # limits count per process (README.md), so its two warnings about it are
    # silenced here and only here.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# The page cache (cms/page_cache.py): whole public responses for anonymous visitors,
# in the default cache, retired by any change to public content. PAGE_CACHE_SECONDS
# is how long an entry may live (0 turns the cache off; at most a day, so that
# review status follows the date); PAGE_CACHE_VERSION_SECONDS, how long the content
# version is read from the cache rather than the database: only with a cache every
# app server shares (with the local-memory cache, a bump on one process would not
# reach the others).
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600, maximum=24 * 60 * 60)
PAGE_CACHE_VERSION_SECONDS = 60 if REDIS_URL else 0
PAGE_CACHE_EXCLUDED_PATHS = [
    ADMIN_PATH_PREFIX,
    "/comments/",
    "/documents/",
    "/api/v2/preview/",
    "/healthz/",
]
# Cache headers on the pages it stores, for browsers (max-age) and for a front-end
# cache such as Varnish (s-maxage, purged on change: see WAGTAILFRONTENDCACHE).
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60, maximum=24 * 60 * 60)
PAGE_CACHE_S_MAXAGE = env_int("PAGE_CACHE_S_MAXAGE", 300, maximum=24 * 60 * 60)

# Fragment caches keyed by revision and content version, for what costs the most
# to render: each page's JSON in API listings, an article's body
# (cms/fragment_cache.py). 0 turns them off.
API_ITEM_CACHE_SECONDS = env_int("API_ITEM_CACHE_SECONDS", 3600, maximum=24 * 60 * 60)
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 3600, maximum=24 * 60 * 60)

# A front-end cache (Varnish, with deploy/varnish/default.vcl) in front of the app:
# FRONTEND_CACHE_URL is where it takes PURGE requests. Pages and the API are purged
# there once a change commits (cms/frontend_cache.py).
FRONTEND_CACHE_URL = os.environ.get("FRONTEND_CACHE_URL", "").strip()
WAGTAILFRONTENDCACHE = (
    {
        "varnish": {
            "BACKEND": "cms.frontend_cache.VarnishBackend",
            "LOCATION": FRONTEND_CACHE_URL,
        }
    }
    if FRONTEND_CACHE_URL
    else {}
)
# Paths that list or summarise pages, purged (with every query string) whenever a
# page changes.
FRONTEND_CACHE_SITE_PATHS = [
    "/feeds/articles.rss",
    "/feeds/articles.atom",
    "/sitemap.xml",
    "/search/",
    "/api/v2/pages/",
    "/api/v2/images/",
    "/api/v2/documents/",
]

# Staff sign-in protection (django-axes, cms/lockouts.py, docs/security.md): after
# LOGIN_FAILURE_LIMIT failed sign-ins for one username, or from one address, both
# are refused for LOGIN_LOCKOUT_MINUTES, with the reason on the sign-in page (429).
# Failures are counted in the database, so the lockout holds with Redis down; a
# success clears them, and Settings → Sign-in lockouts unlocks sooner.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(
    minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1, maximum=7 * 24 * 60)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "cms.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "cms.lockouts.lockout_response"
# A successful sign-in forgets the failures against that username only
# (cms.lockouts.forget_own_failures): axes' own reset would forget the address's
# failures against other usernames too. Tries during a lockout do not restart it.
AXES_RESET_ON_SUCCESS = False
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures only: no record of every successful sign-in and its address.
AXES_DISABLE_ACCESS_LOG = True

# Rate limits (reader comments) count per client address, in the default cache.
RATELIMIT_USE_CACHE = "default"
# With the cache down the limits cannot count: comments are then let through
# (fail open) rather than refused, since every comment waits for moderation
# anyway. Staff login lockout counts in the database and stays on (docs/security.md).
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "cms.client_ip.client_ip"
# How many reverse proxies (load balancer, CDN) stand in front of the app and append
# to X-Forwarded-For. 0: the client is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Reader comments: how long a commenter's IP address is kept (erase_comment_ips).
COMMENT_IP_RETENTION_DAYS = int(os.environ.get("COMMENT_IP_RETENTION_DAYS", "30"))

# The management commands the periodic runner (`manage.py run_scheduler`, started by
# `make run`) runs every --interval seconds, in this order. Listed here so that cms
# never needs to know about the apps: publish scheduled pages and expire old ones;
# erase commenters' IP addresses after COMMENT_IP_RETENTION_DAYS (one UPDATE).
PERIODIC_COMMANDS = ["publish_scheduled", "erase_comment_ips"]

# Browser front ends on the origins listed (none by default) may read the public API
# and send reader comments to it (POST /api/v2/comments/: no other endpoint takes a
# POST). No credentials: the API reads no cookies.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag"]

# How long browsers (max-age) and shared caches (s-maxage) may keep API answers,
# in seconds; each carries an ETag, so a client can revalidate cheaply.
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))
API_CACHE_S_MAXAGE = int(os.environ.get("API_CACHE_S_MAXAGE", "300"))

# Headless draft preview: with HEADLESS_PREVIEW_URL set, Preview opens that front
# end with a token; without it, Wagtail's own preview stays.
HEADLESS_PREVIEW_URL = os.environ.get("HEADLESS_PREVIEW_URL", "").strip()
HEADLESS_PREVIEW_TOKEN_MAX_AGE = 60 * 60
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": HEADLESS_PREVIEW_URL} if HEADLESS_PREVIEW_URL else {},
}

# Background tasks. Wagtail's own tasks keep the default backend (run at once, in
# the request); webhooks go through the "webhooks" backend, a queue in the database
# that `manage.py db_worker --backend webhooks` works through.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "webhooks": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["webhooks"],
    },
}

WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}

# Workflow notifications (e.g. "an article waits for your review") go by e-mail.
# Development prints them on the console.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]

WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]

# HTTPS. The app runs behind a proxy that terminates TLS and says so in
# X-Forwarded-Proto (it must set or strip that header: a client could send it).
# Outside debug mode: plain HTTP is redirected (except the load balancer's health
# check), cookies are sent over HTTPS only, and browsers are told to use HTTPS
# for SECURE_HSTS_SECONDS. One hour is a modest start: raise it (a year, 31536000)
# once the whole site, subdomains included, is known to work over HTTPS; until
# it expires, browsers that saw it refuse plain HTTP even if HTTPS breaks.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4, with cms.csp.CSPMiddleware; docs/csp.md).
# Public pages run only the site's own script and style files: no inline script,
# style or on…= handler, and no nonce (a page is cached and shared by every
# visitor, so a nonce would be reused). JSON-LD is a data block and needs nothing.
# Nothing may frame them. Paths under ADMIN_URL_PREFIXES (the Wagtail admin and its
# previews) get ADMIN_DIRECTIVES instead: Wagtail 8's admin has inline scripts and
# styles, shows blob: and data: images and Gravatar avatars, asks
# releases.wagtail.org for the latest version, and frames its own previews (which
# already send X-Frame-Options: SAMEORIGIN), and a headless preview frames the front
# end. CSP_REPORT_ONLY=true sends the policy as Content-Security-Policy-Report-Only,
# for a rollout that breaks nothing; CSP_REPORT_URI is where browsers report
# violations (our own endpoint, /csp-report/, logs them). Neither is kept under its
# own name: django-csp refuses its 3.x settings CSP_REPORT_ONLY and CSP_REPORT_URI.
CSP_REPORT_ENDPOINT = os.environ.get("CSP_REPORT_URI", "").strip()
_csp_public_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    # Served over HTTPS only: any http:// address left in content is fetched over
    # HTTPS instead of being blocked as mixed content.
    "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
}
if CSP_REPORT_ENDPOINT:
    # report-to names the endpoint cms.csp sends in Reporting-Endpoints; browsers
    # that know only report-uri use that.
    _csp_public_directives["report-uri"] = [CSP_REPORT_ENDPOINT]
    _csp_public_directives["report-to"] = "csp"
_csp_admin_frames = ["'self'"]
if HEADLESS_PREVIEW_URL:
    # The headless front end's origin (scheme://host[:port]), for its preview.
    _csp_admin_frames.append("/".join(HEADLESS_PREVIEW_URL.split("/", 3)[:3]))
_csp_policy = {
    "DIRECTIVES": _csp_public_directives,
    "ADMIN_URL_PREFIXES": [ADMIN_PATH_PREFIX],
    "ADMIN_DIRECTIVES": {
        **_csp_public_directives,
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "www.gravatar.com"],
        "connect-src": ["'self'", "https://releases.wagtail.org"],
        "frame-src": _csp_admin_frames,
        "frame-ancestors": ["'self'"],
    },
}
if env_bool("CSP_REPORT_ONLY"):
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = None, _csp_policy
else:
    CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp_policy, None
# The report endpoint answers POSTs only; it is never a page to cache.
PAGE_CACHE_EXCLUDED_PATHS.append("/csp-report/")

# Where to report a vulnerability, published at /.well-known/security.txt
# (docs/security.md): an e-mail address or an https:// page. Unset: no such file.
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "").strip()
if SECURITY_CONTACT and "@" in SECURITY_CONTACT and ":" not in SECURITY_CONTACT:
    SECURITY_CONTACT = f"mailto:{SECURITY_CONTACT}"
if SECURITY_CONTACT and not SECURITY_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured(
        "SECURITY_CONTACT must be an e-mail address or an https:// address, not "
        f"{SECURITY_CONTACT!r}."
    )

# Outside debug mode, refuse requests for hosts not listed above (Django's
# default) and say so at start-up rather than with a 400 on every request.
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. List the host names this site answers "
        "to, separated by commas (for example 'health.example,www.health.example')."
    )

# Backups (`manage.py backup`, docs/backups.md): besides all pages and the live
# ones, the models whose rows each backup counts in its manifest, by app label and
# model name. `manage.py restore` checks that the restored database holds the same
# numbers.
BACKUP_COUNTED_MODELS = [
    "health_articles.HealthArticlePage",
    "health_articles.ReaderComment",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "cms.Person",
    "auth.User",
]
