"""Settings for the test suite: the real PostgreSQL and Redis of `make test`/CI, fast hashing,
in-memory e-mail, and a per-process cache so that parallel test workers never share rate-limit
counters."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "umhN3a5FlFE3EPKlZ9H5-Arodfw_pNPknxaAjRAZ4Jc=")
os.environ.setdefault("PII_INDEX_KEY", "test-blind-index-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "false")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CELERY_TASK_ALWAYS_EAGER = False
# Static files straight from the finders, as in development; no collectstatic needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Every request closes its connection: the browser tests' live server runs each request in a
# thread of its own, and a connection kept by a finished thread only holds the database busy.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
