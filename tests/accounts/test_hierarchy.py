"""The agency tree (portal/accounts/hierarchy.py): below and above at every depth, cached, and
every change to an agency's place seen by the very next read.

The cache tests commit (transaction=True), as requests do: inside the transaction every other
test runs in, a transaction that wrote an agency reads the tree from the database.
"""

import threading

import pytest
from django.db import connections, transaction

from portal import access
from portal.accounts import services
from portal.accounts.hierarchy import (
    agencies_at_or_below,
    agency_ancestor_ids,
    agency_tree_changed,
    descendants,
)
from portal.accounts.models import Agency, User
from tests.factories import AgencyFactory


@pytest.fixture
def seksi(kanim):
    return AgencyFactory(short_name="Seksi", parent=kanim)


def in_another_request(call):
    """`call` on another thread, so another database connection (the cache is the same)."""
    result = {}

    def run():
        try:
            result["value"] = call()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def test_descendants_of_pairs_at_every_depth():
    tree = [(1, None), (2, 1), (3, 2), (4, 3), (5, 1), (6, None)]
    assert descendants(tree) == {
        1: {2, 3, 4, 5},
        2: {3, 4},
        3: {4},
        4: frozenset(),
        5: frozenset(),
        6: frozenset(),
    }


def test_descendants_end_on_a_cycle():
    assert descendants([(1, 2), (2, 1)]) == {1: {2}, 2: {1}}


@pytest.mark.django_db
def test_below_walks_down_every_level(kanwil, kanim, seksi, bp3mi):
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk, seksi.pk}
    assert agencies_at_or_below({kanim.pk}) == {kanim.pk, seksi.pk}
    assert agencies_at_or_below({seksi.pk}) == {seksi.pk}
    assert agencies_at_or_below({seksi.pk, bp3mi.pk}) == {seksi.pk, bp3mi.pk}
    assert agencies_at_or_below(set()) == set()


@pytest.mark.django_db
def test_above_walks_up_every_level(kanwil, kanim, seksi, bp3mi):
    assert agency_ancestor_ids({seksi.pk}) == {kanim.pk, kanwil.pk}
    assert agency_ancestor_ids({kanim.pk}) == {kanwil.pk}
    assert agency_ancestor_ids({kanwil.pk}) == set()
    assert agency_ancestor_ids({bp3mi.pk}) == set()
    assert agency_ancestor_ids({seksi.pk, bp3mi.pk}) == {kanim.pk, kanwil.pk}


# --- Cached, and renewed by every write ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_warm_tree_reads_nothing(kanwil, kanim, seksi, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk, seksi.pk}
    with django_assert_num_queries(0):
        assert agencies_at_or_below({kanim.pk}) == {kanim.pk, seksi.pk}
        assert agency_ancestor_ids({seksi.pk}) == {kanim.pk, kanwil.pk}


@pytest.mark.django_db(transaction=True)
def test_a_new_parent_is_seen_at_once_both_ways(system_admin, kanwil, kanim, seksi, bp3mi):
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk, seksi.pk}  # now cached
    services.agency_update(actor=system_admin, agency=kanim, parent=bp3mi)
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}
    assert agencies_at_or_below({bp3mi.pk}) == {bp3mi.pk, kanim.pk, seksi.pk}
    assert agency_ancestor_ids({seksi.pk}) == {kanim.pk, bp3mi.pk}
    services.agency_update(actor=system_admin, agency=kanim, parent=None)
    assert agencies_at_or_below({bp3mi.pk}) == {bp3mi.pk}
    assert agency_ancestor_ids({seksi.pk}) == {kanim.pk}


@pytest.mark.django_db(transaction=True)
def test_a_supervisors_reach_follows_a_move(make_user, system_admin, kanwil, kanim, seksi):
    supervisor = make_user(User.Role.SUPERVISOR, kanwil)
    assert access.visible_agency_ids(supervisor) == {kanwil.pk, kanim.pk, seksi.pk}
    services.agency_update(actor=system_admin, agency=seksi, parent=None)
    supervisor = User.objects.get(pk=supervisor.pk)  # the next request's user
    assert access.visible_agency_ids(supervisor) == {kanwil.pk, kanim.pk}


@pytest.mark.django_db(transaction=True)
def test_a_saved_new_or_deleted_agency_is_seen_at_once(kanwil, kanim, bp3mi):
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}
    kanim.parent = bp3mi
    kanim.save()
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}
    office = AgencyFactory(short_name="Kanim Baru", parent=kanwil)
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, office.pk}
    office.delete()
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}


@pytest.mark.django_db(transaction=True)
def test_a_queryset_update_needs_agency_tree_changed(kanwil, kanim):
    """update(), bulk_create() and SQL send no signal: who writes that way must say so."""
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}
    Agency.objects.filter(pk=kanim.pk).update(parent=None)
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}  # stale
    agency_tree_changed()
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}


@pytest.mark.django_db(transaction=True)
def test_a_request_during_the_move_does_not_keep_the_old_tree(system_admin, kanwil, kanim):
    """A reader between the write and its commit sees the old rows and caches them, under the
    version the write set at once; the version set at the commit is never read before it."""
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}
    with transaction.atomic():
        services.agency_update(actor=system_admin, agency=kanim, parent=None)
        assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}  # its own write
        assert in_another_request(lambda: agencies_at_or_below({kanwil.pk})) == {
            kanwil.pk,
            kanim.pk,
        }  # not committed yet
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}
    assert in_another_request(lambda: agencies_at_or_below({kanwil.pk})) == {kanwil.pk}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_move_leaves_nothing_in_the_cache(system_admin, kanwil, kanim):
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}
    with transaction.atomic():
        services.agency_update(actor=system_admin, agency=kanim, parent=None)
        assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk}
        transaction.set_rollback(True)
    assert agencies_at_or_below({kanwil.pk}) == {kanwil.pk, kanim.pk}
    assert in_another_request(lambda: agencies_at_or_below({kanwil.pk})) == {kanwil.pk, kanim.pk}
