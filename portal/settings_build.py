"""Settings for build steps that need no database or broker (compilemessages,
makemessages, collectstatic): placeholders for the required variables."""

import os

os.environ.setdefault("SECRET_KEY", "build-only-not-a-secret")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "umhN3a5FlFE3EPKlZ9H5-Arodfw_pNPknxaAjRAZ4Jc=")
os.environ.setdefault("PII_INDEX_KEY", "test-blind-index-key-not-for-production")
os.environ.setdefault("DATABASE_URL", "postgres://build@127.0.0.1:1/none")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")

from portal.settings import *  # noqa: F403
