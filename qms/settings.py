"""Settings for QMS, read from the environment.

Every variable is listed with its default in ``.env.example``. With no environment at all, QMS runs on
SQLite, runs Celery tasks eagerly and prints emails to the console: the embedded default, for a first run.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from qms.core.logging import json_formatter_config
from qms.env import (
    env_bool,
    env_choice,
    env_db_url,
    env_email_address,
    env_email_url,
    env_int,
    env_list,
    env_optional_bool,
    env_parsed,
    env_rate,
    env_str,
    env_timezone,
    env_url,
    env_url_list,
    is_set,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -----------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "django-insecure-qms-development-key-change-me-in-production")
# Former keys, still accepted for sessions and signed links while they expire: rotate SECRET_KEY without
# signing everybody out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_url_list("CSRF_TRUSTED_ORIGINS", "", schemes=("http", "https"))
# Number of reverse proxies in front of the application. The client address used by rate limits and the
# login lockout is read from X-Forwarded-For only when this is above zero, so it cannot be spoofed without one.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# The port `make run` serves on (gunicorn binds to it too when started without --bind).
PORT = env_int("PORT", 8000, minimum=1, maximum=65535)
# Public address of the site, used in links of emails built by background tasks (no request at hand); by
# default the development server's address.
SITE_URL = env_url("SITE_URL", "", schemes=("http", "https")) or f"http://127.0.0.1:{PORT}"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "formtools",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    # Cross-cutting apps of the project
    "qms.core",
    "qms.notifications",
    "qms.reviews",
    # Domain apps
    "processes",
    "actionplans",
    "complaints",
    "surveys",
    "certifications",
]

MIDDLEWARE = [
    # Settings and other configuration are read from the shared cache once per request (qms/core/config_cache.py).
    "qms.core.config_cache.RequestMemoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every view needs a signed-in user unless it is marked with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qms.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # With TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS, sends an unverified quality manager to the 2FA set-up.
    "qms.core.otp.QualityManagerOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Turns django-ratelimit's Ratelimited into the translated 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "qms.urls"
WSGI_APPLICATION = "qms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qms.core.context_processors.site",
            ],
            # "1er janvier" in French: the date filter, with the first of the month as an ordinal.
            "builtins": ["qms.core.templatetags.french_dates"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASES = {"default": env_db_url("DATABASE_URL", "sqlite:///db.sqlite3")}
# Persistent connections (seconds; PostgreSQL only), checked before each request reuses them.
_conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0)


def _page_cost(raw: str) -> str:
    if raw.strip() and not float(raw) > 0:
        raise ValueError(raw)
    return raw.strip()


# PostgreSQL only: the planner's cost of reading a page out of order (random_page_cost), for QMS's connections.
# The server's default (4) assumes spinning disks; on SSD storage 1.1 lets the planner use the indexes it should
# (the inbox search's trigram index, for one). Empty: the server's own setting.
_random_page_cost = env_parsed("DATABASE_RANDOM_PAGE_COST", "", _page_cost, "a positive number, such as 1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = _conn_max_age
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if _random_page_cost:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_random_page_cost}".strip()
elif DATABASES["default"]["NAME"] != ":memory:":
    # A relative SQLite path is relative to the project, not to the directory the process started in.
    DATABASES["default"]["NAME"] = str(BASE_DIR / DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, results and cache -------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss"))
REDIS_CACHE_URL = env_url("REDIS_CACHE_URL", "", schemes=("redis", "rediss")) or REDIS_URL
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            # Django's, reusing one client per connection pool (qms/core/redis_cache.py).
            "BACKEND": "qms.core.redis_cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "qms",
        }
    }
    # Sessions read from the shared cache, written through to the database: one query less on every signed-in
    # request. Only with a shared cache: a cache private to each process would keep a signed-out session alive in
    # the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qms"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", "", schemes=("redis", "rediss", "amqp")) or REDIS_URL
CELERY_RESULT_BACKEND = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else None
# Without a broker, tasks run in the calling process: the embedded default for a first run.
_always_eager = env_optional_bool("CELERY_TASK_ALWAYS_EAGER")  # empty: eager exactly when there is no broker
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL if _always_eager is None else _always_eager
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Short broker timeouts so that a request never hangs on a broker that is down: the outbox sweep catches up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# Publishing gives up after one quick retry (never hangs a request): notify() then leaves the email to the sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Queues: "urgent" (acknowledgements, one-to-one notices), "bulk" (mass mailings), "default" (everything else).
# All three are declared, so that a worker started without -Q consumes them all; dedicated workers name theirs.
# notify() names the queue of each email; the routes are the defaults of the tasks.
CELERY_TASK_QUEUES = {"urgent": {}, "default": {}, "bulk": {}}
CELERY_TASK_ROUTES = {
    "qms.notifications.tasks.send_email_task": {"queue": "urgent"},
    "qms.notifications.tasks.send_emails_task": {"queue": "urgent"},
    "qms.notifications.tasks.sweep_outbox": {"queue": "default"},
}
# Periodic jobs are declared by each app in <app>/schedule.py (every entry with "expires", so that a backlog
# after an outage does not run stale jobs) and collected into the beat schedule by qms.core.schedule.
# Outbox: attempts before a failing email is given up (retries after 1, 5, 15, 60 and 240 minutes).
OUTBOX_MAX_ATTEMPTS = 6

# --- Email ----------------------------------------------------------------------------------------------
# Either one URL (EMAIL_URL), or SMTP spelled out (EMAIL_HOST and its companions); never both.
_email = env_email_url("EMAIL_URL", "consolemail://")
_smtp = {
    "EMAIL_HOST": env_str("EMAIL_HOST", ""),
    "EMAIL_PORT": env_int("EMAIL_PORT", 587, minimum=1),
    "EMAIL_HOST_USER": env_str("EMAIL_HOST_USER", ""),
    "EMAIL_HOST_PASSWORD": env_str("EMAIL_HOST_PASSWORD", ""),
    "EMAIL_USE_TLS": env_bool("EMAIL_USE_TLS", True),
    "EMAIL_USE_SSL": env_bool("EMAIL_USE_SSL", False),
}
if _smtp["EMAIL_HOST"]:
    if is_set("EMAIL_URL"):
        raise ImproperlyConfigured("Set either EMAIL_URL or EMAIL_HOST (with its EMAIL_* companions), not both.")
    _email = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", **_smtp}
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(_email.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL (or EMAIL_URL) ask for both TLS and SSL: choose one.")
if "EMAIL_FILE_PATH" in _email:
    # filemail:///var/mail/qms is absolute; filemail://mails is relative to the project, like MEDIA_ROOT.
    EMAIL_FILE_PATH = str(BASE_DIR / _email["EMAIL_FILE_PATH"])
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_email_address("DEFAULT_FROM_EMAIL", "QMS <qualite@example.edu>")
SERVER_EMAIL = env_email_address("SERVER_EMAIL", "qms-errors@example.edu")

# --- Authentication -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, without a superuser's blanket permissions in a session not verified with a second factor.
    "qms.core.backends.ModelBackend",
]
LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling: the lockout lives in the database, so it is shared by every process.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_CLIENT_IP_CALLABLE = "qms.core.net.client_ip"
AXES_VERBOSE = False
# Two-factor authentication: available to everyone, enforced for the admin, and for quality managers when asked.
TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS = env_bool("TWO_FACTOR_REQUIRED_FOR_QUALITY_MANAGERS", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "QMS")
# Rate limits (django-ratelimit) read the client address through the same trusted-proxy rule.
RATELIMIT_IP_META_KEY = "qms.core.net.client_ip"
RATELIMIT_VIEW = "qms.core.views.ratelimited"

# --- Public forms and token pages (qms.core.public) -----------------------------------------------------
# Our own CSRF failure page: in the site layout, translated; a public form comes back filled with what was typed.
CSRF_FAILURE_VIEW = "qms.core.errors.csrf_failure"
PUBLIC_FORM_MIN_FILL_SECONDS = env_int("PUBLIC_FORM_MIN_FILL_SECONDS", 3, minimum=0)
PUBLIC_FORM_MAX_AGE_HOURS = env_int("PUBLIC_FORM_MAX_AGE_HOURS", 24, minimum=1)
PUBLIC_FORM_REPEAT_MINUTES = env_int("PUBLIC_FORM_REPEAT_MINUTES", 10, minimum=0)
# The helpdesk's limits, per client address unless said otherwise.
COMPLAINTS_SUBMIT_RATE = env_rate("COMPLAINTS_SUBMIT_RATE", "10/h")
COMPLAINTS_TRACK_RATE_BY_ADDRESS = env_rate("COMPLAINTS_TRACK_RATE_BY_ADDRESS", "60/10m")
COMPLAINTS_TRACK_RATE_BY_TOKEN = env_rate("COMPLAINTS_TRACK_RATE_BY_TOKEN", "120/h")
COMPLAINTS_LOOKUP_RATE = env_rate("COMPLAINTS_LOOKUP_RATE", "20/h")
COMPLAINTS_LOST_LINK_RATE_BY_ADDRESS = env_rate("COMPLAINTS_LOST_LINK_RATE_BY_ADDRESS", "5/h")
COMPLAINTS_LOST_LINK_RATE_BY_EMAIL = env_rate("COMPLAINTS_LOST_LINK_RATE_BY_EMAIL", "3/h")
# The survey answer page: a lecture hall answers from one address, so the limit by address is generous; one
# personal link is limited wherever it is opened from.
SURVEYS_ANSWER_RATE_BY_ADDRESS = env_rate("SURVEYS_ANSWER_RATE_BY_ADDRESS", "300/10m")
SURVEYS_ANSWER_RATE_BY_TOKEN = env_rate("SURVEYS_ANSWER_RATE_BY_TOKEN", "30/h")

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "fr", ["fr", "en"])
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# French numbers grouped with a narrow no-break space (qms/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["qms.formats"]
TIME_ZONE = env_timezone("TIME_ZONE", "Europe/Paris")
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / env_str("MEDIA_ROOT", "media")  # a relative path is relative to the project
# Private files (request attachments, action evidence): outside public media, served only through
# permission-checked views. A relative path is relative to the project.
PRIVATE_MEDIA_ROOT = BASE_DIR / env_str("PRIVATE_MEDIA_ROOT", "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", False) and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", True)
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise before any view.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 26_214_400, minimum=1_048_576)

# Opt into the Django 6 default now: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------------------------
# Browsers only heed HSTS on HTTPS responses, so a development server over HTTP is not affected.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# Load balancers and orchestrators probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind trusted proxies, the scheme (and the host, when asked) come from their headers; never without one.
_use_x_forwarded_host = env_bool("USE_X_FORWARDED_HOST", False)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = _use_x_forwarded_host

# --- Site defaults (editable at run time through SiteSettings; these are the fall-backs) -----------------
INSTITUTION_NAME = env_str("INSTITUTION_NAME", "Université de démonstration")
DPO_EMAIL = env_email_address("DPO_EMAIL", "dpo@example.edu")
QUALITY_OFFICE_EMAIL = env_email_address("QUALITY_OFFICE_EMAIL", "qualite@example.edu")
HOLIDAYS_COUNTRY = env_choice("HOLIDAYS_COUNTRY", "FR", ["FR", "BE"])


def _holiday_region(raw: str) -> str:
    from qms.core.calendar import normalise_subdivision  # its CalendarError is a ValueError

    normalise_subdivision(HOLIDAYS_COUNTRY, raw)
    return raw.strip()


# "Alsace-Moselle" (FR: 6AE for Alsace, 57 for Moselle; 67 and 68 are accepted) or a Belgian community.
HOLIDAYS_SUBDIVISION = env_parsed(
    "HOLIDAYS_SUBDIVISION", "", _holiday_region, "a region of HOLIDAYS_COUNTRY, such as Alsace-Moselle, or nothing"
)

# --- Logging: structured (JSON) lines on stdout ---------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"], upper=True)
LOG_FORMAT = env_choice("LOG_FORMAT", "json", ["json", "text"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_tokens": {"()": "qms.core.logging.RedactTokensFilter"},
        "one_line_refusals": {"()": "qms.core.logging.OneLineRefusalFilter"},
    },
    "formatters": {
        "json": json_formatter_config(),
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["redact_tokens"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    # Django's own handlers (plain text on stderr, mail to ADMINS) are replaced: everything goes to the root
    # handler, as JSON lines, through the token filter. The development server's access log included.
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        # A 403 on one line, without its traceback.
        "django.request": {"filters": ["one_line_refusals"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs each rendering step at INFO; keep its warnings (a missing image, a CSS error).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
# Celery workers keep these handlers instead of installing their own plain-text ones.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Tests set this so that a test needing PostgreSQL, Redis or Chromium fails instead of skipping when missing.
QMS_REQUIRE_SERVICES = env_bool("QMS_REQUIRE_SERVICES", False)
