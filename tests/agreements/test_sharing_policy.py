"""THE sharing policy (agreements/sharing_policy.py), case by case against its docstring."""

import datetime as dt

import pytest

from agreements.sharing_policy import entitled_recipients, may_share, partner_map, share_bases
from tests.agreements.factories import (
    AgreementFactory,
    AgreementScopeFactory,
    PartyFactory,
    ScopeFactory,
    agreement_between,
    days,
)

pytestmark = pytest.mark.django_db

TPPO, TPPM, PMI = "tppo", "tppm", "pmi_nonprocedural"


def recipients(source, categories, on=None):
    return set(entitled_recipients(source=source, categories=categories, on=on))


def basis_agreements(source, target, categories, on=None):
    return {
        b.agreement.pk
        for b in share_bases(source=source, target=target, categories=categories, on=on)
    }


# --- The basic case ------------------------------------------------------------------------


@pytest.mark.parametrize("category", [TPPO, TPPM, PMI])
def test_active_data_exchange_agreement_allows_sharing_both_ways(kanwil, bp3mi, category):
    agreement_between(kanwil, bp3mi)

    assert may_share(source=kanwil, target=bp3mi, categories=[category])
    assert may_share(source=bp3mi, target=kanwil, categories=[category])


def test_share_bases_name_the_agreement_and_its_data_exchange_scope(kanwil, bp3mi):
    agreement = AgreementFactory()
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)
    AgreementScopeFactory(agreement=agreement, data_exchange=False)  # e.g. joint training
    data_scope = AgreementScopeFactory(agreement=agreement, categories=[TPPO, TPPM])

    bases = share_bases(source=kanwil, target=bp3mi, categories=[TPPO])

    assert len(bases) == 1
    assert bases[0].agreement == agreement
    assert bases[0].scopes == (data_scope,)


def test_a_single_category_may_be_given_as_a_string(kanwil, bp3mi):
    agreement_between(kanwil, bp3mi, categories=[TPPO])

    assert may_share(source=kanwil, target=bp3mi, categories=TPPO)
    assert not may_share(source=kanwil, target=bp3mi, categories=TPPM)


def test_agencies_without_any_agreement_may_not_share(kanwil, bp3mi):
    assert not may_share(source=kanwil, target=bp3mi, categories=[TPPO])
    assert entitled_recipients(source=kanwil, categories=[TPPO]) == {}


@pytest.mark.parametrize("call", [may_share, share_bases])
@pytest.mark.parametrize("categories", [[], set(), (), frozenset()])
def test_a_report_without_categories_is_a_programming_error(kanwil, bp3mi, call, categories):
    agreement_between(kanwil, bp3mi)

    with pytest.raises(ValueError, match="at least one category"):
        call(source=kanwil, target=bp3mi, categories=categories)


def test_entitled_recipients_without_categories_is_a_programming_error(kanwil, bp3mi):
    agreement_between(kanwil, bp3mi)

    with pytest.raises(ValueError, match="at least one category"):
        entitled_recipients(source=kanwil, categories=[])


# --- Status and period: is_in_force_on(day) ------------------------------------------------

# (status, effective_from, effective_until, terminated_on, day) as offsets from today;
# day None: the default (today).
PERIOD_CASES = [
    pytest.param("active", -30, 700, None, None, True, id="active-today"),
    pytest.param("draft", -30, 700, None, None, False, id="draft-today"),
    pytest.param("draft", -30, 700, None, 10, False, id="draft-inside-its-period"),
    pytest.param("expired", -400, -35, None, None, False, id="expired-today"),
    pytest.param("expired", -400, -35, None, -100, True, id="expired-on-a-day-inside-its-period"),
    pytest.param("expired", -400, -35, None, -35, True, id="expired-on-its-last-day"),
    pytest.param("expired", -400, -35, None, -34, False, id="expired-the-day-after-its-end"),
    pytest.param("expired", -400, -35, None, -401, False, id="expired-the-day-before-its-start"),
    pytest.param("terminated", -100, 600, -10, -11, True, id="terminated-the-day-before"),
    pytest.param("terminated", -100, 600, -10, -10, False, id="terminated-on-the-day"),
    pytest.param("terminated", -100, 600, -10, -9, False, id="terminated-the-day-after"),
    pytest.param("terminated", -100, 600, -10, None, False, id="terminated-today"),
    pytest.param("terminated", -100, 600, 5, None, True, id="termination-date-still-ahead"),
    pytest.param("terminated", -100, 600, 5, 5, False, id="termination-date-reached"),
    pytest.param("active", 10, 400, None, None, False, id="not-yet-effective-today"),
    pytest.param("active", 10, 400, None, 9, False, id="not-yet-effective-the-day-before"),
    pytest.param("active", 10, 400, None, 10, True, id="not-yet-effective-its-first-day"),
    pytest.param("active", 10, 400, None, 200, True, id="not-yet-effective-inside-its-period"),
    pytest.param("active", -30, None, None, 36500, True, id="open-ended-in-a-hundred-years"),
    pytest.param("active", -30, None, None, -31, False, id="open-ended-before-its-start"),
    pytest.param("active", -30, 20, None, 20, True, id="last-day-of-the-period"),
    pytest.param("active", -30, 20, None, 21, False, id="day-after-the-end"),
    pytest.param("active", -30, -1, None, None, False, id="active-status-but-period-over"),
]


@pytest.mark.parametrize(("status", "start", "end", "terminated", "day", "expected"), PERIOD_CASES)
def test_share_allowed_only_on_days_the_agreement_is_in_force(
    kanwil, bp3mi, status, start, end, terminated, day, expected
):
    fields = {
        "status": status,
        "effective_from": days(start),
        "effective_until": days(end) if end is not None else None,
    }
    if terminated is not None:
        fields |= {"terminated_on": days(terminated), "termination_reason": "Diakhiri."}
    agreement = agreement_between(kanwil, bp3mi, **fields)
    on = days(day) if day is not None else None

    assert agreement.is_in_force_on(on or days(0)) is expected
    assert may_share(source=kanwil, target=bp3mi, categories=[TPPO], on=on) is expected
    assert may_share(source=bp3mi, target=kanwil, categories=[TPPO], on=on) is expected
    assert (bp3mi.pk in recipients(kanwil, [TPPO], on)) is expected


def test_expired_agreement_allows_no_share_today(kanwil, bp3mi):
    agreement_between(kanwil, bp3mi, expired=True)

    assert not may_share(source=kanwil, target=bp3mi, categories=[TPPO])
    assert may_share(source=kanwil, target=bp3mi, categories=[TPPO], on=days(-40))


# --- Scopes and categories -----------------------------------------------------------------


def test_scope_that_does_not_allow_data_exchange_is_no_basis(kanwil, bp3mi):
    agreement = AgreementFactory()
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)
    training = ScopeFactory(
        code="pelatihan-bersama", name_id="Pelatihan bersama", name_en="Joint training"
    )
    AgreementScopeFactory(agreement=agreement, scope=training, categories=[TPPO, TPPM, PMI])

    for category in (TPPO, TPPM, PMI):
        assert not may_share(source=kanwil, target=bp3mi, categories=[category])
    assert entitled_recipients(source=kanwil, categories=[TPPO]) == {}
    assert partner_map(agency=kanwil) == []


@pytest.mark.parametrize(
    ("covered", "category", "expected"),
    [
        ([TPPO], TPPO, True),
        ([TPPO], TPPM, False),
        ([TPPO], PMI, False),
        ([TPPM, PMI], TPPO, False),
        ([TPPM, PMI], PMI, True),
        ([TPPO, TPPM], PMI, False),
    ],
)
def test_scope_covers_only_its_categories(kanwil, bp3mi, covered, category, expected):
    agreement_between(kanwil, bp3mi, categories=covered)

    assert may_share(source=kanwil, target=bp3mi, categories=[category]) is expected
    assert may_share(source=bp3mi, target=kanwil, categories=[category]) is expected


# Each scope: (allows data exchange, categories). The report is about TPPO and TPPM.
TWO_CATEGORY_CASES = [
    pytest.param([(True, [TPPO, TPPM])], True, id="one-scope-covers-both"),
    pytest.param([(True, [TPPO]), (True, [TPPM])], True, id="two-data-scopes-one-each"),
    pytest.param([(True, [TPPO])], False, id="tppm-missing"),
    pytest.param([(True, [TPPM, PMI])], False, id="tppo-missing"),
    pytest.param([(True, [TPPO]), (False, [TPPM])], False, id="tppm-only-in-a-non-data-scope"),
    pytest.param([(True, [PMI]), (False, [TPPO, TPPM])], False, id="both-only-in-a-non-data-scope"),
]


@pytest.mark.parametrize(("scopes", "expected"), TWO_CATEGORY_CASES)
def test_report_with_two_categories_needs_each_category_covered(kanwil, bp3mi, scopes, expected):
    agreement = AgreementFactory()
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)
    for data_exchange, categories in scopes:
        AgreementScopeFactory(
            agreement=agreement, data_exchange=data_exchange, categories=categories
        )

    assert may_share(source=kanwil, target=bp3mi, categories={TPPO, TPPM}) is expected
    assert may_share(source=bp3mi, target=kanwil, categories=[TPPM, TPPO]) is expected


def test_two_category_share_names_both_scopes_used(kanwil, bp3mi):
    agreement = AgreementFactory()
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)
    first = AgreementScopeFactory(agreement=agreement, categories=[TPPO], scope__sort_order=1)
    second = AgreementScopeFactory(agreement=agreement, categories=[TPPM], scope__sort_order=2)

    bases = share_bases(source=kanwil, target=bp3mi, categories={TPPO, TPPM})

    assert [b.agreement for b in bases] == [agreement]
    assert bases[0].scopes == (first, second)
    assert share_bases(source=kanwil, target=bp3mi, categories=[TPPO])[0].scopes == (first,)


# --- Parties -------------------------------------------------------------------------------


def test_agency_that_is_not_a_party_may_not_share_or_receive(kanwil, bp3mi, polda):
    agreement_between(kanwil, bp3mi)

    assert not may_share(source=polda, target=bp3mi, categories=[TPPO])
    assert not may_share(source=kanwil, target=polda, categories=[TPPO])
    assert entitled_recipients(source=polda, categories=[TPPO]) == {}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("kanim", "bp3mi"),
        ("bp3mi", "kanim"),
        ("kanim", "knpi"),
        ("knpi", "kanim"),
        ("bp3mi", "knpi"),
        ("knpi", "bp3mi"),
    ],
)
def test_three_party_agreement_allows_every_pair_in_each_direction(request, source, target):
    kanim, bp3mi, knpi = (request.getfixturevalue(n) for n in ("kanim", "bp3mi", "knpi"))
    agreement_between(kanim, bp3mi, knpi)

    assert may_share(
        source=request.getfixturevalue(source),
        target=request.getfixturevalue(target),
        categories=[TPPO],
    )


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("kanim", "bp3mi", True),
        ("bp3mi", "kanim", True),
        ("kanim", "knpi", False),
        ("knpi", "kanim", False),
        ("bp3mi", "knpi", False),
        ("knpi", "bp3mi", False),
    ],
)
def test_scope_limited_to_two_parties_excludes_the_third(request, source, target, expected):
    kanim, bp3mi, knpi = (request.getfixturevalue(n) for n in ("kanim", "bp3mi", "knpi"))
    agreement_between(kanim, bp3mi, knpi, scope_parties=[kanim, bp3mi])

    assert (
        may_share(
            source=request.getfixturevalue(source),
            target=request.getfixturevalue(target),
            categories=[TPPO],
        )
        is expected
    )


def test_scope_without_listed_parties_binds_every_party(kanim, bp3mi, knpi):
    agreement_between(kanim, bp3mi, knpi, scope_parties=[])

    assert recipients(knpi, [TPPO]) == {kanim.pk, bp3mi.pk}


def test_scopes_limited_to_different_pairs_give_each_pair_its_own_categories(kanim, bp3mi, knpi):
    agreement = AgreementFactory()
    p_kanim = PartyFactory(agreement=agreement, agency=kanim)
    p_bp3mi = PartyFactory(agreement=agreement, agency=bp3mi)
    p_knpi = PartyFactory(agreement=agreement, agency=knpi)
    AgreementScopeFactory(agreement=agreement, categories=[TPPO], parties=[p_kanim, p_bp3mi])
    AgreementScopeFactory(agreement=agreement, categories=[PMI], parties=[p_bp3mi, p_knpi])

    assert recipients(bp3mi, [TPPO]) == {kanim.pk}
    assert recipients(bp3mi, [PMI]) == {knpi.pk}
    assert recipients(bp3mi, [TPPO, PMI]) == set()
    assert recipients(kanim, [PMI]) == set()


# --- Child offices -------------------------------------------------------------------------


@pytest.mark.parametrize(("covers", "expected"), [(True, True), (False, False)])
def test_child_office_is_covered_only_when_the_party_covers_child_offices(
    kanwil, kanim, bp3mi, covers, expected
):
    agreement_between(kanwil, bp3mi, covers=[kanwil] if covers else [])

    assert may_share(source=kanim, target=bp3mi, categories=[TPPO]) is expected
    assert may_share(source=bp3mi, target=kanim, categories=[TPPO]) is expected
    assert may_share(source=kanwil, target=bp3mi, categories=[TPPO])  # the party itself, always


@pytest.mark.parametrize(("covers", "expected"), [(True, True), (False, False)])
def test_grandchild_office_is_covered_at_any_depth(kanwil, kanim_unit, bp3mi, covers, expected):
    agreement_between(kanwil, bp3mi, covers=[kanwil] if covers else [])

    assert may_share(source=kanim_unit, target=bp3mi, categories=[TPPO]) is expected
    assert may_share(source=bp3mi, target=kanim_unit, categories=[TPPO]) is expected


def test_parent_is_not_covered_by_a_party_that_is_its_child(kanwil, kanim, kanim_unit, bp3mi):
    agreement_between(kanim, bp3mi, covers=[kanim])

    assert not may_share(source=kanwil, target=bp3mi, categories=[TPPO])
    assert not may_share(source=bp3mi, target=kanwil, categories=[TPPO])
    assert recipients(bp3mi, [TPPO]) == {kanim.pk, kanim_unit.pk}


def test_child_of_another_party_is_not_covered_through_an_unrelated_flag(
    kanwil, kanim, polda, polres
):
    agreement_between(kanwil, polda, covers=[kanwil])

    assert not may_share(source=kanim, target=polres, categories=[TPPO])
    assert recipients(kanim, [TPPO]) == {polda.pk}


def test_offices_covered_by_the_same_party_cannot_share_with_each_other(
    kanwil, kanim, cilegon, bp3mi
):
    agreement_between(kanwil, bp3mi, covers=[kanwil])

    assert not may_share(source=kanim, target=cilegon, categories=[TPPO])
    assert not may_share(source=cilegon, target=kanim, categories=[TPPO])
    assert not may_share(source=kanwil, target=kanim, categories=[TPPO])
    assert not may_share(source=kanim, target=kanwil, categories=[TPPO])
    assert recipients(kanim, [TPPO]) == {bp3mi.pk}
    assert recipients(bp3mi, [TPPO]) == {kanwil.pk, kanim.pk, cilegon.pk}


def test_child_office_listed_as_a_party_of_its_own_is_a_different_side(
    kanwil, kanim, kanim_unit, cilegon, bp3mi
):
    # Kanim Tangerang signs beside its Kanwil (which covers its child offices): a party that
    # covers A and a *different* party that covers B — the exchange is allowed.
    agreement_between(kanwil, kanim, covers=[kanwil])

    assert may_share(source=kanwil, target=kanim, categories=[TPPO])
    assert may_share(source=kanim, target=kanwil, categories=[TPPO])
    assert may_share(source=cilegon, target=kanim, categories=[TPPO])
    # Cilegon is on the Kanwil's side only: the Kanwil may not share with it.
    assert not may_share(source=kanwil, target=cilegon, categories=[TPPO])
    # The source is covered by both parties but never its own recipient.
    assert recipients(kanim, [TPPO]) == {kanwil.pk, cilegon.pk, kanim_unit.pk}
    assert not may_share(source=kanim, target=kanim, categories=[TPPO])


# --- Several agreements --------------------------------------------------------------------


def test_share_bases_list_every_agreement_between_the_same_agencies(kanwil, bp3mi):
    mou = agreement_between(kanwil, bp3mi, kind="mou", title="MoU Imigrasi-BP3MI")
    pks = agreement_between(kanwil, bp3mi, kind="pks", title="PKS Imigrasi-BP3MI")

    assert basis_agreements(kanwil, bp3mi, [TPPO]) == {mou.pk, pks.pk}
    assert basis_agreements(bp3mi, kanwil, [TPPO]) == {mou.pk, pks.pk}
    assert len(entitled_recipients(source=kanwil, categories=[TPPO])[bp3mi.pk]) == 2


@pytest.mark.parametrize(
    "other_state",
    [
        pytest.param({"terminated": True, "terminated_on": days(-1)}, id="terminated"),
        pytest.param({"draft": True}, id="draft"),
        pytest.param({"expired": True}, id="expired"),
    ],
)
def test_only_the_agreements_in_force_are_bases(kanwil, bp3mi, other_state):
    in_force = agreement_between(kanwil, bp3mi)
    agreement_between(kanwil, bp3mi, **other_state)

    assert basis_agreements(kanwil, bp3mi, [TPPO]) == {in_force.pk}


def test_categories_of_one_report_must_be_covered_within_one_agreement_each_pair(kanwil, bp3mi):
    # Each agreement covers one of the categories for this pair; each basis is per agreement.
    tppo_only = agreement_between(kanwil, bp3mi, categories=[TPPO])
    both = agreement_between(kanwil, bp3mi, categories=[TPPO, TPPM])

    assert basis_agreements(kanwil, bp3mi, [TPPO, TPPM]) == {both.pk}
    assert basis_agreements(kanwil, bp3mi, [TPPO]) == {tppo_only.pk, both.pk}


# --- Inactive agencies and the source itself -----------------------------------------------


def test_inactive_agency_receives_nothing(kanwil, bp3mi):
    agreement_between(kanwil, bp3mi)
    bp3mi.is_active = False
    bp3mi.save()

    assert not may_share(source=kanwil, target=bp3mi, categories=[TPPO])
    assert bp3mi.pk not in recipients(kanwil, [TPPO])
    assert partner_map(agency=kanwil) == []


def test_inactive_child_office_receives_nothing_while_its_siblings_do(
    kanwil, kanim, cilegon, bp3mi
):
    agreement_between(kanwil, bp3mi, covers=[kanwil])
    kanim.is_active = False
    kanim.save()

    assert recipients(bp3mi, [TPPO]) == {kanwil.pk, cilegon.pk}
    assert not may_share(source=bp3mi, target=kanim, categories=[TPPO])


def test_source_is_never_among_its_own_recipients(kanwil, kanim, bp3mi):
    agreement_between(kanwil, bp3mi, covers=[kanwil])
    agreement_between(kanim, bp3mi)

    assert kanim.pk not in recipients(kanim, [TPPO])
    assert bp3mi.pk not in recipients(bp3mi, [TPPO])
    assert not may_share(source=bp3mi, target=bp3mi, categories=[TPPO])


# --- The three real agreements of Banten ---------------------------------------------------

ON = dt.date(2026, 1, 15)  # all three in force


@pytest.fixture
def banten(kanwil, kanim, cilegon, polda, polres, bp3mi, knpi):
    """The agreements in DOMAIN.md, with their scopes."""

    def scope(code, data_exchange=False):
        return ScopeFactory(
            code=code, name_id=code, name_en=code, allows_data_exchange=data_exchange
        )

    data = scope("pertukaran-data", data_exchange=True)
    polda_agreement = AgreementFactory(
        title="PKS Kanwil Imigrasi Banten - Polda Banten",
        signed_on=dt.date(2025, 11, 20),
        effective_from=dt.date(2025, 11, 20),
        effective_until=dt.date(2030, 11, 19),
    )
    PartyFactory(agreement=polda_agreement, agency=kanwil, covers_child_offices=True)
    PartyFactory(agreement=polda_agreement, agency=polda)
    for code in ("pencegahan-kejahatan-lintas-negara", "penegakan-hukum", "peningkatan-kapasitas"):
        AgreementScopeFactory(agreement=polda_agreement, scope=scope(code), categories=[])
    AgreementScopeFactory(agreement=polda_agreement, scope=data, categories=[TPPO, TPPM, PMI])

    bp3mi_agreement = AgreementFactory(
        title="PKS Kanwil Imigrasi Banten - BP3MI Banten",
        signed_on=dt.date(2025, 11, 18),
        effective_from=dt.date(2025, 11, 18),
        effective_until=dt.date(2030, 11, 17),
    )
    PartyFactory(agreement=bp3mi_agreement, agency=kanwil, covers_child_offices=True)
    PartyFactory(agreement=bp3mi_agreement, agency=bp3mi)
    for code in ("pelindungan-pmi", "pelatihan-bersama", "sosialisasi-desa-binaan"):
        AgreementScopeFactory(agreement=bp3mi_agreement, scope=scope(code), categories=[])
    AgreementScopeFactory(agreement=bp3mi_agreement, scope=data, categories=[TPPO, TPPM])

    tangerang_agreement = AgreementFactory(
        title="Strategi Optimalisasi Pencegahan TPPO di Provinsi Banten",
        signed_on=dt.date(2025, 10, 2),
        effective_from=dt.date(2025, 10, 2),
        effective_until=None,
    )
    for agency in (kanim, bp3mi, knpi):
        PartyFactory(agreement=tangerang_agreement, agency=agency)
    AgreementScopeFactory(
        agreement=tangerang_agreement, scope=scope("edukasi-publik"), categories=[]
    )
    AgreementScopeFactory(agreement=tangerang_agreement, scope=data, categories=[TPPO, TPPM, PMI])

    return {
        "agencies": {
            "kanwil": kanwil,
            "kanim": kanim,
            "cilegon": cilegon,
            "polda": polda,
            "polres": polres,
            "bp3mi": bp3mi,
            "knpi": knpi,
        },
        "polda_agreement": polda_agreement,
        "bp3mi_agreement": bp3mi_agreement,
        "tangerang_agreement": tangerang_agreement,
    }


@pytest.mark.parametrize(
    ("source", "categories", "expected"),
    [
        # Cilegon is covered by the Kanwil in both Kanwil agreements; not a party to the third.
        ("cilegon", [TPPO], {"polda", "bp3mi"}),
        ("cilegon", [TPPM], {"polda", "bp3mi"}),
        ("cilegon", [TPPO, TPPM], {"polda", "bp3mi"}),
        ("cilegon", [PMI], {"polda"}),
        ("cilegon", [TPPO, PMI], {"polda"}),
        # Kanim Tangerang: covered by the Kanwil, and a party of its own to the third.
        ("kanim", [TPPO], {"polda", "bp3mi", "knpi"}),
        ("kanim", [PMI], {"polda", "bp3mi", "knpi"}),
        ("kanwil", [TPPO], {"polda", "bp3mi"}),
        ("kanwil", [PMI], {"polda"}),
        ("bp3mi", [TPPO], {"kanwil", "kanim", "cilegon", "knpi"}),
        ("bp3mi", [PMI], {"kanim", "knpi"}),
        ("polda", [TPPO, TPPM, PMI], {"kanwil", "kanim", "cilegon"}),
        ("polres", [TPPO], set()),
        ("knpi", [TPPO], {"kanim", "bp3mi"}),
    ],
)
def test_entitled_recipients_in_banten(banten, source, categories, expected):
    agencies = banten["agencies"]

    got = entitled_recipients(source=agencies[source], categories=categories, on=ON)

    assert set(got) == {agencies[name].pk for name in expected}


def test_report_of_kanim_cilegon_goes_to_polda_and_bp3mi_under_the_kanwil_agreements(banten):
    agencies = banten["agencies"]

    got = entitled_recipients(source=agencies["cilegon"], categories={TPPO, TPPM}, on=ON)

    assert set(got) == {agencies["polda"].pk, agencies["bp3mi"].pk}
    assert [b.agreement for b in got[agencies["polda"].pk]] == [banten["polda_agreement"]]
    assert [b.agreement for b in got[agencies["bp3mi"].pk]] == [banten["bp3mi_agreement"]]
    assert all(s.scope.allows_data_exchange for b in got[agencies["bp3mi"].pk] for s in b.scopes)


def test_kanim_tangerang_shares_with_bp3mi_under_two_agreements(banten):
    agencies = banten["agencies"]

    assert basis_agreements(agencies["kanim"], agencies["bp3mi"], [TPPO], ON) == {
        banten["bp3mi_agreement"].pk,
        banten["tangerang_agreement"].pk,
    }
    assert basis_agreements(agencies["kanim"], agencies["bp3mi"], [PMI], ON) == {
        banten["tangerang_agreement"].pk
    }


def test_banten_agreements_do_not_count_before_they_were_signed(banten):
    agencies = banten["agencies"]

    assert recipients(agencies["cilegon"], [TPPO], dt.date(2025, 11, 17)) == set()
    assert recipients(agencies["cilegon"], [TPPO], dt.date(2025, 11, 18)) == {agencies["bp3mi"].pk}
    assert recipients(agencies["kanim"], [TPPO], dt.date(2025, 10, 2)) == {
        agencies["bp3mi"].pk,
        agencies["knpi"].pk,
    }


# --- partner_map ---------------------------------------------------------------------------


def test_partner_map_lists_partners_with_categories_and_agreements(banten):
    agencies = banten["agencies"]

    partners = partner_map(agency=agencies["cilegon"], on=ON)

    assert [p.agency for p in partners] == [agencies["bp3mi"], agencies["polda"]]  # by name
    by_agency = {p.agency.pk: p for p in partners}
    bp3mi, polda = by_agency[agencies["bp3mi"].pk], by_agency[agencies["polda"].pk]
    assert bp3mi.categories == (TPPO, TPPM)
    assert [b.agreement for b in bp3mi.bases] == [banten["bp3mi_agreement"]]
    assert polda.categories == (TPPO, TPPM, PMI)
    assert [b.agreement for b in polda.bases] == [banten["polda_agreement"]]


def test_partner_map_gives_each_agreement_once_per_partner(banten):
    agencies = banten["agencies"]

    partners = {p.agency.pk: p for p in partner_map(agency=agencies["bp3mi"], on=ON)}

    assert set(partners) == {agencies[n].pk for n in ("kanwil", "kanim", "cilegon", "knpi")}
    kanim = partners[agencies["kanim"].pk]
    assert kanim.categories == (TPPO, TPPM, PMI)
    assert sorted(b.agreement.pk for b in kanim.bases) == sorted(
        [banten["bp3mi_agreement"].pk, banten["tangerang_agreement"].pk]
    )
    assert partners[agencies["kanwil"].pk].categories == (TPPO, TPPM)
    assert partners[agencies["knpi"].pk].categories == (TPPO, TPPM, PMI)


def test_partner_map_follows_the_day(kanwil, bp3mi):
    agreement_between(kanwil, bp3mi, expired=True)

    assert partner_map(agency=kanwil) == []
    [partner] = partner_map(agency=kanwil, on=days(-100))
    assert partner.agency == bp3mi
