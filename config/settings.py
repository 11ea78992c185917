"""Settings for the Thái Nguyên OCOP & tea marketplace.

One module, read from the environment. Every value has an embedded default that needs nothing
installed (SQLite, local-memory cache, Wagtail's database search, django-tasks' immediate
backend, console email), except secrets: those have no production default at all. The README
lists every variable.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's text, or the default when it is unset or blank."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from error


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
# pytest (8.2 and later) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ

# Commands that only read the code (a build step, a migration check) need no key: they get a
# throwaway one, so that nothing they could sign outlives the process.
CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "collectstatic", "help"}

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105
    elif len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (it has no production default), "
            "or set DEBUG=true for local development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG or TESTING else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL

INSTALLED_APPS = [
    # Ours first, so that our templates override third-party ones.
    "accounts",
    "traceability",
    "payments",
    "marketplace",
    "cms",
    "insights",
    # Wagtail
    "wagtail.contrib.settings",
    # pages translated with Wagtail's built-in i18n: locales, and trees copied for translators
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
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
    # Third party
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # only for the API docs' Swagger UI files, so that they are served locally
    # Django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]
if TESTING:
    # N+1 detection (django-zeal, a dev dependency): it patches the ORM at start-up and only
    # reports inside zeal_context(), which the page budget tests open (tests/performance/).
    INSTALLED_APPS.append("zeal")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The request's Wagtail site from the cache, before anything asks for it.
    "cms.sites.CachedSiteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "insights.visits.StorefrontVisitsMiddleware",
    # Axes must be last: it turns lockouts raised by the backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_chrome",
            ],
            "builtins": ["payments.templatetags.money"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo's page views read while a write is going on.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters sent apart from the SQL, and a query a connection runs a fifth time prepared
    # on the server, so PostgreSQL stops planning it on every request: the trace page's
    # five-table join plans in 0.8 ms and runs in 0.2 (docs/decisions.md). Behind PgBouncer in
    # transaction mode this needs PgBouncer 1.21+ with max_prepared_statements set; turn it
    # off with DATABASE_PREPARED_STATEMENTS=false for an older pooler.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
# Three caches, apart because their entries weigh differently:
# - "default": small entries (rate-limit and visit counters, generations, kept counts, menus,
#   the site), hundreds of bytes each;
# - "fragments": rendered HTML (product pages' parts, grids of cards, trace pages, the filter
#   form) and search results, 2-15 KB each; their keys are digests of the rows shown, so a
#   changed row leaves its old entry behind until it is culled;
# - "renditions": Wagtail's image renditions (its documented alias), about 1 KB each.
# Without REDIS_URL each worker keeps its own, so each is bounded by a number of entries that
# holds a worker's memory (docs/decisions.md, "Caches bounded by what they hold"): with one
# cache, a worker held 2.8 MB of entries after showing 400 different product pages, 7.2 MB
# after 1,200, and its RSS had grown by 8 MB between the two.
FRAGMENT_CACHE_ENTRIES = env_int("FRAGMENT_CACHE_ENTRIES", 1_000)
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ocop") + suffix,
        }
        for alias, suffix in (("default", ""), ("fragments", "-f"), ("renditions", "-r"))
    }
else:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"ocop-{alias}",
            "OPTIONS": {"MAX_ENTRIES": entries},
        }
        for alias, entries in (
            # Room for a burst of trace-page visitors' counters (the default, 300, is soon full).
            ("default", 10_000),
            ("fragments", FRAGMENT_CACHE_ENTRIES),
            ("renditions", 2_000),
        )
    }

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if env_str("TASKS_BACKEND", "immediate") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# --- Search -----------------------------------------------------------------------------------

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "ocop")
# Whether the cluster has the analysis-icu plugin (better folding and NFC normalisation).
ELASTICSEARCH_ICU = env_bool("ELASTICSEARCH_ICU", False)
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database"},
}

# --- Accounts ---------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PhoneOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "/"

# How many proxies of ours stand in front of the site, each adding to X-Forwarded-For: the
# visitor's address is read there (accounts.network.client_ip); 0 reads REMOTE_ADDR.
PROXY_COUNT = env_int("PROXY_COUNT", 0)

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"

SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# Database sessions without the lookup before a new session's INSERT (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# locale/ is the project's own catalogue (makemessages writes there, and it wins); locale_admin/
# completes Wagtail's Vietnamese admin and is kept by scripts/admin_catalogue.py.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_admin"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# The province whose wards are preselected in address forms (vietnam-provinces code).
HOME_PROVINCE_CODE = 19  # Thái Nguyên

# --- Static and media -------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    # Object storage for media at scale (django-storages, installed by the operator).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
        },
    }
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Refuse images that would decompress to more pixels than this (decompression bombs).
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000

# --- Wagtail ----------------------------------------------------------------------------------

WAGTAILADMIN_USER_LOGIN_FORM = "accounts.forms.AdminLoginForm"
WAGTAIL_SITE_NAME = "Sàn OCOP Thái Nguyên"
WAGTAILADMIN_NOTIFICATION_USE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp"]

# --- Email ------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sàn OCOP Thái Nguyên <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG or TESTING else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG and not TESTING)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Names used in the interface for the people behind the site.
OPERATOR_NAME = _("Thai Nguyen Department of Industry and Trade")

# --- Payments ---------------------------------------------------------------------------------
# Gateway credentials come only from the environment, all or none per gateway (a system check
# says which one is missing). A gateway without credentials uses the offline sandbox
# (payments/sandbox/) when PAYMENTS_SANDBOX is on, which it is by default only in DEBUG and
# tests; a system check refuses the sandbox in production. See docs/payments.md.

PAYMENTS_SANDBOX = env_bool("PAYMENTS_SANDBOX", DEBUG or TESTING)
# Offered methods, in order. By default: cash on delivery, plus every gateway that has
# credentials (all of them when the sandbox stands in for the missing ones).
PAYMENTS_METHODS = env_list(
    "PAYMENTS_METHODS",
    ",".join(
        ["cod"]
        + [
            code
            for code, credential in (
                ("vnpay", "PAYMENTS_VNPAY_TMN_CODE"),
                ("momo", "PAYMENTS_MOMO_PARTNER_CODE"),
                ("zalopay", "PAYMENTS_ZALOPAY_APP_ID"),
            )
            if PAYMENTS_SANDBOX or env_str(credential)
        ]
    ),
)
# Base of the return and notification URLs given to gateways (the site as the internet sees it).
PAYMENTS_PUBLIC_URL = env_str("PAYMENTS_PUBLIC_URL", SITE_URL).rstrip("/")
# Our server's address, sent in querydr/refund calls (vnp_IpAddr).
PAYMENTS_SERVER_IP = env_str("PAYMENTS_SERVER_IP", "127.0.0.1")
PAYMENTS_HTTP_TIMEOUT_SECONDS = env_int("PAYMENTS_HTTP_TIMEOUT_SECONDS", 30)
# Online payments still pending after this long are asked about at the gateway.
PAYMENTS_RECONCILE_AFTER_MINUTES = env_int("PAYMENTS_RECONCILE_AFTER_MINUTES", 20)
# A payment link expires this long after it is created (VNPay's vnp_ExpireDate, 15 in demos).
PAYMENTS_EXPIRE_MINUTES = env_int("PAYMENTS_EXPIRE_MINUTES", 15)
# Reject querydr/refund answers whose checksum does not match (the order is from copies only).
PAYMENTS_VNPAY_STRICT_RESPONSE_CHECKSUM = env_bool("PAYMENTS_VNPAY_STRICT_RESPONSE_CHECKSUM", True)

PAYMENTS_VNPAY_TMN_CODE = env_str("PAYMENTS_VNPAY_TMN_CODE")
PAYMENTS_VNPAY_HASH_SECRET = env_str("PAYMENTS_VNPAY_HASH_SECRET")
PAYMENTS_VNPAY_PAYMENT_URL = env_str("PAYMENTS_VNPAY_PAYMENT_URL")
PAYMENTS_VNPAY_API_URL = env_str("PAYMENTS_VNPAY_API_URL")

PAYMENTS_MOMO_PARTNER_CODE = env_str("PAYMENTS_MOMO_PARTNER_CODE")
PAYMENTS_MOMO_ACCESS_KEY = env_str("PAYMENTS_MOMO_ACCESS_KEY")
PAYMENTS_MOMO_SECRET_KEY = env_str("PAYMENTS_MOMO_SECRET_KEY")
# e.g. https://test-payment.momo.vn (the /v2/gateway/api/... paths are added)
PAYMENTS_MOMO_ENDPOINT = env_str("PAYMENTS_MOMO_ENDPOINT")

PAYMENTS_ZALOPAY_APP_ID = env_str("PAYMENTS_ZALOPAY_APP_ID")
PAYMENTS_ZALOPAY_KEY1 = env_str("PAYMENTS_ZALOPAY_KEY1")
PAYMENTS_ZALOPAY_KEY2 = env_str("PAYMENTS_ZALOPAY_KEY2")
# e.g. https://sb-openapi.zalopay.vn (the /v2/... paths are added)
PAYMENTS_ZALOPAY_ENDPOINT = env_str("PAYMENTS_ZALOPAY_ENDPOINT")
# How many proxies stand in front of the site (the gateway's address is read behind them).
