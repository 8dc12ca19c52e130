import pytest
from django.db import connection, transaction

from portal.regions.services import regions_load


@pytest.fixture(scope="module")
def regions_loaded(django_db_setup, django_db_blocker):
    """Every region (91,599 rows, about a second), loaded once per test module and xdist worker
    inside a transaction rolled back when the module is done. Each test's own transaction
    nests in it as a savepoint, so the tests see the regions, and every other module finds
    the database as it was. Use it with `db` (see `regions_db`), never with transactional
    (browser) tests: their live server reads through another connection."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        regions_load()
        # Run the deferred foreign-key checks of the load now, once: left pending, they would
        # run again at every test's teardown (Django's TestCase checks constraints there).
        connection.check_constraints()
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def regions_db(regions_loaded, db):
    """Database access with every region loaded."""
