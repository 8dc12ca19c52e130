"""Settings of the gunicorn server of the load run: those of the bench process
(BENCH_BASE_SETTINGS), served over plain HTTP on loopback, with a bench-only admin site."""

import importlib
import os

_base = importlib.import_module(os.environ.get("BENCH_BASE_SETTINGS", "portal.settings"))
globals().update({name: value for name, value in vars(_base).items() if name.isupper()})

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.load_urls"
