"""Who sees and who may change a Desa Binaan and an activity, the list filters, and the
implementation report of an agreement (villages/selectors.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from agreements import services as agreement_services
from portal.accounts.models import User
from tests.factories import AgencyFactory
from tests.villages import factories as f
from villages import permissions, selectors
from villages.models import DesaBinaanPartner
from villages.selectors import ActivityFilters, VillageFilters

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    """The user as a new request would load it: nothing memoised on the object."""
    return User.objects.get(pk=user.pk)


def sees(user: User, desa) -> bool:
    return selectors.visible_villages(fresh(user)).filter(pk=desa.pk).exists()


def may_edit(user: User, desa) -> bool:
    return permissions.can_edit_village(fresh(user), desa)


# --- The visibility matrix -----------------------------------------------------------------


def test_designating_office_officer_sees_and_may_edit_its_village(co_managed_village, officer):
    assert sees(officer, co_managed_village.desa)
    assert may_edit(officer, co_managed_village.desa)


def test_kanwil_supervisor_sees_and_may_edit_villages_of_its_offices(
    co_managed_village, kanwil_supervisor
):
    assert sees(kanwil_supervisor, co_managed_village.desa)
    assert may_edit(kanwil_supervisor, co_managed_village.desa)


def test_polda_sees_village_through_agreement_with_kanwil_covering_its_offices(
    co_managed_village, polda_officer
):
    assert sees(polda_officer, co_managed_village.desa)


def test_polres_below_polda_sees_village_when_polda_party_covers_child_offices(
    co_managed_village, polres_officer
):
    assert sees(polres_officer, co_managed_village.desa)


def test_cooperating_agency_may_not_edit_village(co_managed_village, polda_officer, polres_officer):
    assert not may_edit(polda_officer, co_managed_village.desa)
    assert not may_edit(polres_officer, co_managed_village.desa)
    assert not selectors.editable_villages(fresh(polda_officer)).exists()


def test_partner_sees_and_may_edit_the_village(co_managed_village, bp3mi_officer):
    assert sees(bp3mi_officer, co_managed_village.desa)
    assert may_edit(bp3mi_officer, co_managed_village.desa)


def test_partner_without_agreement_sees_village_only_while_it_is_a_partner(
    co_managed_village, make_user
):
    dinas = AgencyFactory(short_name="Disnaker Cilegon", kind="manpower_office")
    user = make_user(User.Role.OFFICER, dinas)
    assert not sees(user, co_managed_village.desa)
    partner = DesaBinaanPartner.objects.create(desa=co_managed_village.desa, agency=dinas)
    assert sees(user, co_managed_village.desa)
    assert may_edit(user, co_managed_village.desa)
    partner.delete()
    assert not sees(user, co_managed_village.desa)


def test_partners_own_agreements_do_not_open_the_village_to_its_partners(
    co_managed_village, knpi_officer
):
    # KNPI is bound with BP3MI only; BP3MI co-manages the village, which does not extend it.
    assert not sees(knpi_officer, co_managed_village.desa)
    assert not may_edit(knpi_officer, co_managed_village.desa)


def test_agency_without_agreement_sees_no_village(co_managed_village, outsider):
    assert not selectors.visible_villages(fresh(outsider)).exists()
    assert not may_edit(outsider, co_managed_village.desa)
    with pytest.raises(Http404):
        selectors.get_village_for(fresh(outsider), co_managed_village.desa.pk)


def test_system_admin_sees_and_may_edit_every_village(co_managed_village, system_admin, cilegon):
    other = f.village("36.72.03.1001", cilegon)
    visible = set(selectors.visible_villages(fresh(system_admin)))
    assert {co_managed_village.desa, other} <= visible
    assert may_edit(system_admin, other)


def test_kanwil_officer_not_supervisor_does_not_see_villages_of_child_offices(
    co_managed_village, kanwil_officer
):
    # Only a supervisor sees the offices below as their own; the Kanwil's agreements put
    # Kanim on the Kanwil's own side, not on another side.
    assert not sees(kanwil_officer, co_managed_village.desa)


def test_draft_agreement_gives_no_visibility(system_admin, kanwil, kanim, polda, polda_officer):
    desa = f.village("36.72.01.1002", kanim)
    f.agreement(system_admin, kanwil, polda, covers=(kanwil,), activate=False)
    assert not sees(polda_officer, desa)


def test_terminated_agreement_gives_no_visibility(
    system_admin, kanwil, kanim, polda, polda_officer
):
    desa = f.village("36.72.01.1002", kanim)
    pks = f.agreement(system_admin, kanwil, polda, covers=(kanwil,))
    assert sees(polda_officer, desa)
    agreement_services.agreement_terminate(
        actor=system_admin, agreement=pks, terminated_on=f.today(), reason="Diakhiri bersama."
    )
    assert not sees(polda_officer, desa)


def test_agreement_not_yet_in_force_gives_no_visibility(
    system_admin, kanwil, kanim, polda, polda_officer
):
    desa = f.village("36.72.01.1002", kanim)
    f.agreement(system_admin, kanwil, polda, covers=(kanwil,), effective_from=f.days(10))
    assert not sees(polda_officer, desa)


def test_agreement_of_kanwil_not_covering_child_offices_does_not_open_kanim_villages(
    system_admin, kanwil, kanim, polda, polda_officer
):
    desa = f.village("36.72.01.1002", kanim)
    f.agreement(system_admin, kanwil, polda)  # no party covers its child offices
    assert not sees(polda_officer, desa)


def test_inactive_user_sees_nothing(co_managed_village, officer):
    officer.is_active = False
    officer.save()
    assert not selectors.visible_villages(fresh(officer)).exists()


# --- Activities ----------------------------------------------------------------------------


def activity_ids(user) -> set[int]:
    return set(selectors.visible_activities(fresh(user)).values_list("pk", flat=True))


def test_activity_is_visible_to_agencies_cooperating_with_its_organiser(
    co_managed_village, kanim, officer, polda_officer, outsider, knpi_officer, system_admin
):
    outing = f.activity(kanim)  # reached no village
    assert outing.pk in activity_ids(officer)
    assert outing.pk in activity_ids(polda_officer)
    assert outing.pk in activity_ids(system_admin)
    assert outing.pk not in activity_ids(outsider)
    assert outing.pk not in activity_ids(knpi_officer)


def test_activity_is_visible_to_its_co_organiser(
    co_managed_village, kanim, outsider_agency, outsider
):
    outing = f.activity(kanim, co_organisers=[outsider_agency])
    assert outing.pk in activity_ids(outsider)


def test_activity_is_visible_to_those_who_see_a_village_it_reached(
    co_managed_village, polda_officer, outsider, knpi_officer
):
    dinas = AgencyFactory(short_name="Disnaker Cilegon", kind="manpower_office")  # no agreement
    outing = f.activity(dinas, villages=[co_managed_village.desa])
    assert outing.pk in activity_ids(polda_officer)
    assert outing.pk not in activity_ids(outsider)
    assert outing.pk not in activity_ids(knpi_officer)


def test_activity_co_organised_by_a_partner_is_not_opened_to_the_partners_own_partners(
    co_managed_village, kanim, bp3mi, knpi_officer, bp3mi_officer
):
    # The same rule as for villages: a co-organiser (like a partner) sees the activity, but
    # its own agreements do not extend it. Otherwise KNPI would read an activity that lists
    # a Desa Binaan KNPI may not see.
    outing = f.activity(kanim, co_organisers=[bp3mi], villages=[co_managed_village.desa])
    assert outing.pk in activity_ids(bp3mi_officer)
    assert outing.pk not in activity_ids(knpi_officer)


def test_can_edit_activity_for_organiser_and_co_organisers_only(
    co_managed_village, kanim, bp3mi, officer, bp3mi_officer, polda_officer, system_admin
):
    outing = f.activity(kanim)
    assert permissions.can_edit_activity(fresh(officer), outing)
    assert not permissions.can_edit_activity(fresh(bp3mi_officer), outing)
    assert not permissions.can_edit_activity(fresh(polda_officer), outing)
    assert permissions.can_edit_activity(fresh(system_admin), outing)
    outing.co_organisers.add(bp3mi)
    assert permissions.can_edit_activity(fresh(bp3mi_officer), outing)


def test_get_activity_for_raises_404_when_not_visible(co_managed_village, kanim, outsider):
    outing = f.activity(kanim)
    with pytest.raises(Http404):
        selectors.get_activity_for(fresh(outsider), outing.pk)


def test_activity_list_filters_by_village_kind_and_year(co_managed_village, kanim, officer):
    reached = f.activity(kanim, villages=[co_managed_village.desa], date=dt.date(2025, 3, 12))
    f.activity(kanim, kind="joint_training", date=dt.date(2024, 3, 12))
    user = fresh(officer)
    assert list(
        selectors.activity_list(
            user=user, filters=ActivityFilters(village_id=co_managed_village.desa.pk)
        )
    ) == [reached]
    assert {
        a.kind for a in selectors.activity_list(user=user, filters=ActivityFilters(year=2024))
    } == {"joint_training"}
    assert list(
        selectors.activity_list(user=user, filters=ActivityFilters(kind="sosialisasi"))
    ) == [reached]


# --- The village list ----------------------------------------------------------------------


@pytest.fixture
def many(kanim, cilegon, bp3mi):
    bulakan = f.village("36.72.01.1002", kanim, decree_number="W.11.IMI.IMI.2-UM.01.01-1104")
    cangkudu = f.village("36.03.01.2003", kanim, partners=[bp3mi], decree_number="")
    saga = f.village("36.03.01.2005", kanim, status="inactive", decree_number="")
    lebakgede = f.village("36.72.03.1001", cilegon, decree_number="")
    return {"bulakan": bulakan, "cangkudu": cangkudu, "saga": saga, "lebakgede": lebakgede}


def listed(user, **filters) -> set[str]:
    return {
        d.village.name
        for d in selectors.village_list(user=fresh(user), filters=VillageFilters(**filters))
    }


def test_village_list_shows_only_visible_villages(many, officer, kanwil_supervisor):
    # Kanim Cilegon is on the same side as Kanim Tangerang: no agreement between them.
    assert listed(officer) == {"Bulakan", "Cangkudu", "Saga"}
    assert listed(kanwil_supervisor) == {"Bulakan", "Cangkudu", "Saga", "Lebakgede"}


def test_village_list_search_matches_village_district_and_decree(many, kanwil_supervisor):
    assert listed(kanwil_supervisor, q="cangk") == {"Cangkudu"}
    assert listed(kanwil_supervisor, q="BALARAJA") == {"Cangkudu", "Saga"}
    assert listed(kanwil_supervisor, q="01.01-1104") == {"Bulakan"}
    assert listed(kanwil_supervisor, q="tidak ada") == set()


def test_village_list_filters_by_regency_on_whole_code_parts(many, kanwil_supervisor):
    assert listed(kanwil_supervisor, regency="36.03") == {"Cangkudu", "Saga"}
    assert listed(kanwil_supervisor, regency="36.72") == {"Bulakan", "Lebakgede"}
    assert listed(kanwil_supervisor, regency="36.7") == set()


def test_village_list_filters_by_designating_office_or_partner(
    many, kanwil_supervisor, bp3mi, cilegon
):
    assert listed(kanwil_supervisor, agency_id=bp3mi.pk) == {"Cangkudu"}
    assert listed(kanwil_supervisor, agency_id=cilegon.pk) == {"Lebakgede"}


def test_village_list_filters_by_status(many, kanwil_supervisor):
    assert listed(kanwil_supervisor, status="inactive") == {"Saga"}
    assert "Saga" not in listed(kanwil_supervisor, status="active")


def test_village_list_counts_activities_once_even_when_filtered_by_partner(
    many, kanwil_supervisor, kanim, bp3mi
):
    f.activity(kanim, villages=[many["cangkudu"]])
    f.activity(kanim, villages=[many["cangkudu"], many["bulakan"]])
    DesaBinaanPartner.objects.create(desa=many["cangkudu"], agency=AgencyFactory(short_name="X"))
    rows = selectors.village_list(
        user=fresh(kanwil_supervisor), filters=VillageFilters(agency_id=bp3mi.pk)
    )
    assert [(d.village.name, d.activity_count) for d in rows] == [("Cangkudu", 2)]


def _list_queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        for d in selectors.village_list(user=fresh(user), filters=VillageFilters()):
            # what the list page shows of each row
            (
                d.village.name,
                d.village.code,
                d.village.parent.name,
                d.village.parent.parent.name,
                d.designating_office.short_name,
                d.activity_count,
                d.get_status_display(),
            )
    return len(ctx.captured_queries)


def test_village_list_query_count_does_not_grow_with_the_number_of_villages(
    kanim, kanwil_supervisor
):
    f.village("36.72.01.1002", kanim)
    one = _list_queries(kanwil_supervisor)
    for code in ("36.72.01.1003", "36.72.03.1001", "36.03.01.2003", "36.03.01.2005"):
        f.village(code, kanim)
    assert _list_queries(kanwil_supervisor) == one


# --- Agreement implementation --------------------------------------------------------------


@pytest.fixture
def realised(system_admin, kanwil, bp3mi, polda, cooperation_scope, outreach_scope):
    pks = f.agreement(
        system_admin,
        kanwil,
        bp3mi,
        covers=(kanwil,),
        scopes=[outreach_scope, cooperation_scope],
        effective_from=dt.date(2025, 1, 2),
    )
    other = f.agreement(system_admin, kanwil, polda, scopes=[cooperation_scope])
    scopes = {s.scope.code: s for s in pks.scopes.all()}
    cooperation, outreach = scopes["kerja-sama-umum"], scopes["sosialisasi-bersama"]
    f.activity(
        kanwil,
        date=dt.date(2025, 2, 10),
        agreement_scope=cooperation,
        co_organisers=[bp3mi],
        participants_male=10,
        participants_female=5,
    )
    f.activity(
        bp3mi,
        date=dt.date(2025, 3, 20),
        agreement_scope=outreach,
        participants_male=3,
        participants_female=4,
    )
    f.activity(
        bp3mi,
        date=dt.date(2025, 5, 5),
        agreement_scope=outreach,
        co_organisers=[kanwil],
        participants_male=1,
        participants_female=1,
    )
    # Not under this agreement: no scope, or another agreement's scope.
    f.activity(kanwil, date=dt.date(2025, 2, 11), participants_male=50)
    f.activity(
        kanwil, date=dt.date(2025, 2, 12), agreement_scope=other.scopes.get(), participants_male=70
    )
    return pks


def test_implementation_counts_per_scope_and_quarter(realised):
    report = selectors.agreement_implementation(agreement=realised)
    assert report.quarters == ["2025-Q1", "2025-Q2"]
    rows = {s["scope"].code: s for s in report.scopes}
    # Scopes in their vocabulary order.
    assert [s["scope"].code for s in report.scopes] == ["kerja-sama-umum", "sosialisasi-bersama"]
    assert rows["kerja-sama-umum"]["quarters"] == [1, 0]
    assert rows["kerja-sama-umum"]["activities"] == 1
    assert rows["kerja-sama-umum"]["participants"] == 15
    assert rows["sosialisasi-bersama"]["quarters"] == [1, 1]
    assert rows["sosialisasi-bersama"]["activities"] == 2
    assert rows["sosialisasi-bersama"]["participants"] == 9
    assert report.total_activities == 3
    assert report.total_participants == 24


def test_implementation_counts_per_party_as_organiser_and_co_organiser(realised, kanwil, bp3mi):
    report = selectors.agreement_implementation(agreement=realised)
    parties = {p["agency"].pk: (p["organised"], p["co_organised"]) for p in report.parties}
    assert parties == {kanwil.pk: (1, 1), bp3mi.pk: (2, 1)}


def test_implementation_keeps_to_the_period_asked(realised, kanwil, bp3mi):
    report = selectors.agreement_implementation(
        agreement=realised, date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 12, 31)
    )
    assert report.quarters == ["2025-Q2"]
    assert report.total_activities == 1
    assert report.total_participants == 2
    parties = {p["agency"].pk: (p["organised"], p["co_organised"]) for p in report.parties}
    assert parties == {kanwil.pk: (0, 1), bp3mi.pk: (1, 0)}


def test_implementation_of_agreement_without_activities_is_empty(
    system_admin, kanwil, bp3mi, cooperation_scope
):
    pks = f.agreement(system_admin, kanwil, bp3mi, scopes=[cooperation_scope])
    report = selectors.agreement_implementation(agreement=pks)
    assert report.total_activities == 0
    assert report.quarters == []
    assert [s["activities"] for s in report.scopes] == [0]


def test_implementation_credits_party_with_activities_of_the_child_offices_it_covers(
    realised, kanwil, kanim
):
    # Kanim Tangerang is bound by the agreement only through the Kanwil's party (covering its
    # offices); its activity under the agreement is the Kanwil side's work.
    f.activity(
        kanim,
        date=dt.date(2025, 6, 1),
        agreement_scope=realised.scopes.get(scope__code="kerja-sama-umum"),
    )
    report = selectors.agreement_implementation(agreement=realised)
    parties = {p["agency"].pk: p["organised"] for p in report.parties}
    assert report.total_activities == 4
    assert parties[kanwil.pk] == 2
