"""Settings of the web server (gunicorn) that tests/faults/test_database_restart.py starts:
the test settings with production's persistent, health-checked database connections, so that
a restart of PostgreSQL breaks a connection the server holds, as it would in production."""

from portal.settings_test import *  # noqa: F403

DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# A stopped local server refuses at once (the bound only matters for a hung one, and a loaded
# machine may be slow to accept a connection).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 60  # noqa: F405
