"""The cached snapshot of the sharing policy's inputs (agreements/sharing_policy.py): every
write that changes an input is seen by the very next decision, the day rolls over at midnight,
a warm decision reads nothing from the database, and the cached answers are the answers the
rule gives computed afresh.

These tests commit (transaction=True), as requests do: inside the transaction every other
test runs in, a transaction that wrote the inputs reads them from the database, not the cache.
"""

import datetime as dt
import threading
from collections import defaultdict

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.utils import timezone

from agreements import services, sharing_policy
from agreements.models import Agreement, AgreementScope, Party, Scope
from agreements.sharing_policy import (
    cooperating_agency_ids,
    entitled_recipients,
    may_share,
    partner_map,
    party_coverage,
    policy_changed,
    share_bases,
)
from portal.accounts import services as account_services
from portal.accounts.hierarchy import agency_tree_changed
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from tests.agreements.factories import (
    AgreementScopeFactory,
    PartyFactory,
    ScopeFactory,
    agreement_between,
    days,
    today,
)

pytestmark = pytest.mark.django_db(transaction=True)

TPPO, TPPM = "tppo", "tppm"
REASON = "Diakhiri atas kesepakatan para pihak."


def allowed(source, target, categories=(TPPO,), on=None) -> bool:
    return may_share(source=source, target=target, categories=list(categories), on=on)


def warm(source, target) -> bool:
    """Ask twice: the second answer comes from the cache."""
    allowed(source, target)
    return allowed(source, target)


def in_another_request(call):
    """`call` on another thread, so another database connection: what a concurrent request
    would see (the cache is the same)."""
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


# --- Queries -------------------------------------------------------------------------------


def test_a_warm_policy_reads_nothing(kanwil, kanim, bp3mi, polda, django_assert_num_queries):
    agreement_between(kanwil, bp3mi, covers=(kanwil,))
    agreement_between(polda, kanwil, categories=[TPPM])
    cache.clear()
    # Cold: the agencies, the parties with their agreements, the data-exchange scopes.
    with django_assert_num_queries(3):
        assert set(entitled_recipients(source=kanim, categories=[TPPO])) == {bp3mi.pk}
    with django_assert_num_queries(0):
        assert set(entitled_recipients(source=kanim, categories=[TPPO])) == {bp3mi.pk}
        assert may_share(source=bp3mi, target=kanim, categories=[TPPO])
        assert not may_share(source=polda, target=kanim, categories=[TPPO])
        bases = share_bases(source=polda, target=kanwil, categories=[TPPM])
        assert bases[0].scopes[0].scope.allows_data_exchange
        assert bases[0].agreement.title
        assert cooperating_agency_ids(agencies=[kanim.pk]) == {bp3mi.pk}
    with django_assert_num_queries(1):  # the partners' own rows, to show them
        assert [p.agency for p in partner_map(agency=kanwil)] == [bp3mi, polda]
    agreement = Agreement.objects.get(parties__agency=polda)
    with django_assert_num_queries(1):  # the parties of the agreement asked about
        coverage = party_coverage(agreement=agreement).values()
        assert {frozenset(c) for c in coverage} == {frozenset({polda.pk}), frozenset({kanwil.pk})}


def test_bases_are_model_instances_as_a_query_gives_them(kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    scope = AgreementScope.objects.get(agreement=agreement)
    allowed(kanwil, bp3mi)
    (basis,) = share_bases(source=kanwil, target=bp3mi, categories=[TPPO])
    assert basis.agreement == agreement
    assert basis.agreement.title == agreement.title
    assert basis.agreement.effective_until == agreement.effective_until
    assert not basis.agreement._state.adding
    assert basis.scopes == (scope,)
    assert basis.scopes[0].scope == scope.scope
    assert basis.scopes[0].categories == scope.categories
    # What callers do not read is deferred: loaded on access, never stale.
    assert "created_by_id" in basis.agreement.get_deferred_fields()
    Agreement.objects.filter(pk=agreement.pk).update(summary="Ringkasan baru")
    assert basis.agreement.summary == "Ringkasan baru"
    # Each call gets its own instances: a caller changing one changes nobody else's.
    basis.agreement.title = "changed by a caller"
    assert share_bases(source=kanwil, target=bp3mi, categories=[TPPO])[0].agreement.title == (
        agreement.title
    )


# --- Every write path is seen by the next decision -----------------------------------------


def test_terminating_an_agreement(system_admin, kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    services.agreement_terminate(
        actor=system_admin, agreement=agreement, terminated_on=today(), reason=REASON
    )
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, bp3mi, on=days(-1))  # it still answers for the days before


def test_a_new_agreement_allows_at_once(system_admin, kanwil, bp3mi):
    assert not warm(kanwil, bp3mi)
    agreement = services.agreement_create(
        actor=system_admin,
        title="PKS baru",
        kind=Agreement.Kind.PKS,
        effective_from=days(-1),
        effective_until=days(365),
    )
    services.party_add(actor=system_admin, agreement=agreement, agency=kanwil)
    services.party_add(actor=system_admin, agreement=agreement, agency=bp3mi)
    services.agreement_scope_add(
        actor=system_admin,
        agreement=agreement,
        scope=ScopeFactory(data_exchange=True),
        categories=[TPPO],
    )
    assert not allowed(kanwil, bp3mi)  # a draft
    services.agreement_activate(actor=system_admin, agreement=agreement)
    assert allowed(kanwil, bp3mi)


def test_changing_the_period_of_an_agreement(system_admin, kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    services.agreement_update(actor=system_admin, agreement=agreement, effective_until=days(-1))
    assert not allowed(kanwil, bp3mi)


def test_removing_the_data_exchange_scope(system_admin, kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    services.agreement_scope_remove(
        actor=system_admin, agreement_scope=AgreementScope.objects.get(agreement=agreement)
    )
    assert not allowed(kanwil, bp3mi)


def test_narrowing_the_categories_of_a_scope(system_admin, kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    services.agreement_scope_update(
        actor=system_admin,
        agreement_scope=AgreementScope.objects.get(agreement=agreement),
        parties=[],
        categories=[TPPM],
    )
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, bp3mi, categories=[TPPM])


def test_limiting_a_scope_to_other_parties(system_admin, kanwil, bp3mi, polda):
    agreement = agreement_between(kanwil, bp3mi, polda)
    assert warm(kanwil, bp3mi)
    parties = {p.agency_id: p for p in agreement.parties.all()}
    services.agreement_scope_update(
        actor=system_admin,
        agreement_scope=AgreementScope.objects.get(agreement=agreement),
        parties=[parties[kanwil.pk], parties[polda.pk]],
        categories=[TPPO],
    )
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, polda)


def test_the_parties_of_a_scope_changed_directly(kanwil, bp3mi, polda):
    """m2m_changed: the admin's inline, or code, adding and removing bound parties."""
    agreement = agreement_between(kanwil, bp3mi, polda)
    agreement_scope = AgreementScope.objects.get(agreement=agreement)
    parties = {p.agency_id: p for p in agreement.parties.all()}
    assert warm(kanwil, bp3mi)
    agreement_scope.parties.add(parties[kanwil.pk], parties[polda.pk])
    assert not allowed(kanwil, bp3mi)
    agreement_scope.parties.remove(parties[polda.pk])
    agreement_scope.parties.add(parties[bp3mi.pk])
    assert allowed(kanwil, bp3mi)
    agreement_scope.parties.clear()  # every party again
    assert allowed(kanwil, polda)


def test_removing_a_party(system_admin, kanwil, bp3mi, polda):
    agreement = agreement_between(kanwil, bp3mi, polda)
    assert warm(kanwil, bp3mi)
    services.party_remove(actor=system_admin, party=agreement.parties.get(agency=bp3mi))
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, polda)


def test_a_party_no_longer_covering_its_child_offices(system_admin, kanwil, kanim, bp3mi):
    agreement = agreement_between(kanwil, bp3mi, covers=(kanwil,))
    assert warm(kanim, bp3mi)
    services.party_update(
        actor=system_admin,
        party=agreement.parties.get(agency=kanwil),
        covers_child_offices=False,
    )
    assert not allowed(kanim, bp3mi)


def test_a_scope_no_longer_allowing_data_exchange(system_admin, kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    scope = Scope.objects.get(agreement_scopes__agreement=agreement)
    services.scope_update(actor=system_admin, scope=scope, allows_data_exchange=False)
    assert not allowed(kanwil, bp3mi)


def test_deactivating_an_agency(system_admin, kanwil, bp3mi):
    agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    account_services.agency_update(actor=system_admin, agency=bp3mi, is_active=False)
    assert not allowed(kanwil, bp3mi)
    account_services.agency_update(actor=system_admin, agency=bp3mi, is_active=True)
    assert allowed(kanwil, bp3mi)


def test_moving_an_agency_out_from_under_a_covering_party(system_admin, kanwil, kanim, bp3mi):
    agreement_between(kanwil, bp3mi, covers=(kanwil,))
    assert warm(kanim, bp3mi)
    account_services.agency_update(actor=system_admin, agency=kanim, parent=None)
    assert not allowed(kanim, bp3mi)
    account_services.agency_update(actor=system_admin, agency=kanim, parent=kanwil)
    assert allowed(kanim, bp3mi)


def test_the_snapshot_follows_the_agency_trees_own_version(kanwil, kanim, bp3mi):
    """Agencies are not the policy's own inputs: a renewed agency tree alone (what accounts
    code writing agencies in bulk calls) is enough, since the snapshot's key names it."""
    agreement_between(kanwil, bp3mi, covers=(kanwil,))
    assert warm(kanim, bp3mi)
    before = cache.get(sharing_policy.VERSION_KEY)
    Agency.objects.filter(pk=kanim.pk).update(parent=None)
    agency_tree_changed()
    assert cache.get(sharing_policy.VERSION_KEY) == before
    assert not allowed(kanim, bp3mi)


def test_a_new_office_under_a_covering_party(system_admin, kanwil, bp3mi):
    agreement_between(kanwil, bp3mi, covers=(kanwil,))
    assert warm(kanwil, bp3mi)
    office = account_services.agency_create(
        actor=system_admin,
        name="Kantor Imigrasi Baru",
        short_name="Kanim Baru",
        kind="immigration",
        parent=kanwil,
    )
    assert allowed(office, bp3mi)


def test_deleting_an_agreement(kanwil, bp3mi):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    agreement.delete()  # the parties and scopes go with it
    assert not allowed(kanwil, bp3mi)


def test_the_daily_job_renews_the_version(kanwil, bp3mi):
    from agreements.tasks import agreements_daily

    agreement_between(kanwil, bp3mi, effective_from=days(-60), effective_until=days(-1))
    assert not warm(kanwil, bp3mi)  # past its last day: not in force today, job or no job
    assert allowed(kanwil, bp3mi, on=days(-1))
    before = cache.get(sharing_policy.VERSION_KEY)
    assert agreements_daily()["expired"]
    assert cache.get(sharing_policy.VERSION_KEY) != before
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, bp3mi, on=days(-1))


def test_a_queryset_update_needs_policy_changed(kanwil, bp3mi):
    """update(), bulk_create() and SQL send no signal: who writes that way must say so."""
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    Agreement.objects.filter(pk=agreement.pk).update(effective_until=days(-1))
    assert allowed(kanwil, bp3mi)  # stale: why bench/seed.py and the demo call it
    policy_changed()
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, bp3mi, on=days(-2))


# --- Transactions --------------------------------------------------------------------------


def test_a_request_during_the_write_does_not_keep_the_old_answer(system_admin, kanwil, bp3mi):
    """A reader between the write and its commit sees the old rows and caches them, under the
    version the write set at once; the version set at the commit is never read before it."""
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    with transaction.atomic():
        services.agreement_terminate(
            actor=system_admin, agreement=agreement, terminated_on=today(), reason=REASON
        )
        assert in_another_request(lambda: warm(kanwil, bp3mi))  # not committed yet
        assert not allowed(kanwil, bp3mi)  # this transaction sees its own write
    assert not allowed(kanwil, bp3mi)
    assert not in_another_request(lambda: allowed(kanwil, bp3mi))


def test_a_rolled_back_write_leaves_nothing_in_the_cache(kanwil, bp3mi):
    assert not warm(kanwil, bp3mi)
    with transaction.atomic():
        agreement_between(kanwil, bp3mi)
        assert allowed(kanwil, bp3mi)  # its own rows, read from the database
        assert in_another_request(lambda: not warm(kanwil, bp3mi))
        transaction.set_rollback(True)
    assert not allowed(kanwil, bp3mi)
    assert not in_another_request(lambda: allowed(kanwil, bp3mi))


def test_without_a_cache_every_decision_reads_the_database(kanwil, bp3mi, monkeypatch):
    """Redis unreachable: ResilientRedisCache answers every read with a miss."""
    agreement = agreement_between(kanwil, bp3mi)
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    assert warm(kanwil, bp3mi)
    Agreement.objects.filter(pk=agreement.pk).update(effective_until=days(-1))
    assert not allowed(kanwil, bp3mi)


def test_entries_expire_after_the_ttl_whatever_the_version(kanwil, bp3mi, monkeypatch):
    agreement = agreement_between(kanwil, bp3mi)
    assert warm(kanwil, bp3mi)
    Agreement.objects.filter(pk=agreement.pk).update(effective_until=days(-1))  # no bump
    later = sharing_policy.time.time() + sharing_policy.SNAPSHOT_TTL + 1
    monkeypatch.setattr(sharing_policy.time, "time", lambda: later)
    assert not allowed(kanwil, bp3mi)


# --- Days ----------------------------------------------------------------------------------


def test_the_day_rolls_over_at_midnight(kanwil, bp3mi, polda, monkeypatch):
    agreement_between(kanwil, bp3mi, effective_until=today())
    agreement_between(kanwil, polda, effective_from=days(1))
    assert warm(kanwil, bp3mi)
    assert not warm(kanwil, polda)
    tomorrow = days(1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert not allowed(kanwil, bp3mi)
    assert allowed(kanwil, polda)
    assert allowed(kanwil, bp3mi, on=tomorrow - dt.timedelta(days=1))


# --- The same answers as the rule computed afresh ------------------------------------------


def reference_recipients(source_id, categories, day) -> dict[int, set[int]]:
    """{recipient: agreement ids}, straight from the rows, as the module did before it cached
    (the rule of its docstring, with model instances and a query per step)."""
    below: dict[int | None, set[int]] = defaultdict(set)
    active = set(Agency.objects.filter(is_active=True).values_list("pk", flat=True))
    for pk, parent_id in Agency.objects.values_list("pk", "parent_id"):
        below[parent_id].add(pk)

    def covered(party):
        found, frontier = {party.agency_id}, {party.agency_id}
        while party.covers_child_offices and frontier:
            frontier = set().union(*(below[pk] for pk in frontier)) - found
            found |= frontier
        return found

    result: dict[int, set[int]] = defaultdict(set)
    for agreement in Agreement.objects.in_force_on(day):
        parties = list(agreement.parties.all())
        coverage = {p.pk: covered(p) for p in parties}
        reach = []
        for category in categories:
            reached = set()
            for scope in agreement.scopes.filter(scope__allows_data_exchange=True):
                if category not in scope.categories:
                    continue
                bound = [p.pk for p in scope.parties.all()] or list(coverage)
                for sender in bound:
                    if source_id in coverage[sender]:
                        for receiver in bound:
                            if receiver != sender:
                                reached |= coverage[receiver]
            reach.append(reached)
        for agency_id in (set.intersection(*reach) - {source_id}) & active:
            result[agency_id].add(agreement.pk)
    return result


@pytest.fixture
def demo_agreements(db):
    from agreements import demo as agreements_demo
    from portal.accounts import demo as accounts_demo

    by_slug: dict[str, Agency] = {}
    for spec in accounts_demo.AGENCIES:
        by_slug[spec.slug] = accounts_demo._agency(spec, by_slug)
    agreements_demo.seed()
    # A few more shapes than the demo has: a party covering its child offices, a scope for
    # some parties only, an inactive office, an agreement ended and one not yet begun.
    agreement = Agreement.objects.filter(parties__covers_child_offices=False).first()
    Party.objects.filter(agreement=agreement).update(covers_child_offices=True)
    office = Agency.objects.filter(parent__isnull=False).order_by("-pk").first()
    Agency.objects.filter(pk=office.pk).update(is_active=False)
    agencies = list(Agency.objects.order_by("pk"))
    limited = agreement_between(agencies[0], agencies[-1], agencies[len(agencies) // 2])
    AgreementScopeFactory(
        agreement=limited,
        categories=[TPPM],
        parties=list(limited.parties.all())[:2],
    )
    agreement_between(agencies[1], agencies[2], effective_until=days(-3))
    agreement_between(agencies[3], agencies[4], effective_from=days(3))
    PartyFactory(agreement=limited, agency=agencies[5])
    policy_changed()  # for the update() calls above
    return agencies


@pytest.mark.parametrize("shift", [-4, 0, 4])
def test_the_snapshot_answers_as_the_rule_computed_afresh(demo_agreements, shift):
    day = days(shift)
    agencies = demo_agreements
    for categories in [*([c] for c in ReportCategory.values), ReportCategory.values]:
        for source in agencies:
            expected = reference_recipients(source.pk, categories, day)
            got = entitled_recipients(source=source, categories=categories, on=day)
            assert {k: {b.agreement.pk for b in v} for k, v in got.items()} == expected, (
                source,
                categories,
            )
            for target in agencies:
                assert may_share(source=source, target=target, categories=categories, on=day) == (
                    target.pk in expected
                )


def test_cooperation_answers_as_computed_afresh(demo_agreements):
    for agency in demo_agreements:
        cached = cooperating_agency_ids(agencies=[agency.pk])
        cache.clear()
        with transaction.atomic():
            policy_changed()  # inside a writing transaction: straight from the database
            assert cooperating_agency_ids(agencies=[agency.pk]) == cached
