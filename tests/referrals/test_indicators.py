"""The category the indicator checklist suggests (referrals/indicators.py), against the
elements of UU 21/2007 (TPPO) and UU 6/2011 (TPPM) as DOMAIN.md states them."""

import pytest
from django.utils import translation

from portal.core.categories import ReportCategory
from referrals.indicators import INDICATOR_CODES, INDICATORS, indicator_choices, suggest_categories


@pytest.fixture(autouse=True)
def _english():
    """The reasons are compared with their English source text (the UI default is Indonesian)."""
    with translation.override("en"):
        yield


TPPO = ReportCategory.TPPO.value
TPPM = ReportCategory.TPPM.value
PMI = ReportCategory.PMI_NONPROCEDURAL.value

CASES = [
    pytest.param(
        ["act_recruitment", "means_deception", "purpose_forced_labour"],
        False,
        (TPPO,),
        id="tppo-act-means-purpose",
    ),
    pytest.param(
        ["act_transport", "purpose_sexual"],
        True,
        (TPPO,),
        id="tppo-child-act-purpose-suffices",
    ),
    pytest.param(
        ["act_transport", "purpose_sexual"],
        False,
        (),
        id="adult-act-purpose-without-means-nothing",
    ),
    pytest.param(
        ["act_recruitment", "means_debt_bondage"],
        True,
        (),
        id="child-act-means-without-purpose-nothing",
    ),
    pytest.param(
        ["smuggling_no_documents", "smuggling_profit"],
        False,
        (TPPM,),
        id="tppm-crossing-and-profit",
    ),
    pytest.param(
        ["smuggling_avoiding_checkpoint", "smuggling_false_documents"],
        False,
        (),
        id="crossing-without-profit-nothing",
    ),
    pytest.param(["smuggling_profit"], False, (), id="profit-alone-nothing"),
    pytest.param(
        [
            "act_sending",
            "means_forgery",
            "purpose_servitude",
            "smuggling_false_documents",
            "smuggling_profit",
        ],
        False,
        (TPPO, TPPM),
        id="tppo-and-tppm-both",
    ),
    pytest.param(
        ["nonproc_visit_visa", "nonproc_not_registered"],
        False,
        (PMI,),
        id="nonprocedural-only",
    ),
    pytest.param(
        ["nonproc_unlicensed_recruiter", "means_deception"],
        False,
        (),
        id="nonprocedural-with-means-look-further",
    ),
    pytest.param(
        ["nonproc_no_contract", "purpose_forced_labour"],
        False,
        (),
        id="nonprocedural-with-purpose-look-further",
    ),
    pytest.param(
        ["nonproc_visit_visa", "smuggling_no_documents", "smuggling_profit"],
        False,
        (TPPM,),
        id="nonprocedural-and-tppm-only-tppm",
    ),
    pytest.param(
        ["nonproc_visit_visa", "act_recruitment", "means_deception", "purpose_slavery"],
        False,
        (TPPO,),
        id="nonprocedural-and-tppo-only-tppo",
    ),
    pytest.param([], False, (), id="nothing-ticked"),
    pytest.param([], True, (), id="nothing-ticked-child"),
    pytest.param(
        ["made_up_code", "act_recruitment ", "ACT_RECRUITMENT", "purpose_sexual"],
        True,
        (),
        id="unknown-codes-ignored",
    ),
    pytest.param(
        ["made_up_code", "nonproc_visit_visa"],
        False,
        (PMI,),
        id="unknown-code-beside-a-known-one",
    ),
]


@pytest.mark.parametrize(("indicators", "child_victim", "expected"), CASES)
def test_suggest_categories(indicators, child_victim, expected):
    suggestion = suggest_categories(indicators, child_victim=child_victim)

    assert suggestion.categories == expected
    assert suggestion.reasons
    assert all(str(reason).strip() for reason in suggestion.reasons)
    assert suggestion.labels == [str(dict(ReportCategory.choices)[c]) for c in expected]


def test_suggestion_names_what_is_missing_for_tppo():
    suggestion = suggest_categories(["act_transport", "purpose_sexual"], child_victim=False)

    (reason,) = (str(r) for r in suggestion.reasons)
    assert "a means" in reason
    assert "an act" not in reason
    assert "a purpose" not in reason


def test_child_reason_differs_from_adult_reason():
    child = suggest_categories(["act_transport", "purpose_sexual"], child_victim=True)
    adult = suggest_categories(
        ["act_transport", "means_force", "purpose_sexual"], child_victim=False
    )

    assert "child" in str(child.reasons[0])
    assert "means" in str(adult.reasons[0])


def test_nothing_ticked_says_so():
    (reason,) = suggest_categories(set(), child_victim=False).reasons
    assert "No indicator" in str(reason)


def test_indicator_codes_are_unique_and_grouped_choices_list_each_once():
    codes = [code for code, _group, _label in INDICATORS]
    assert len(codes) == len(set(codes)) == len(INDICATOR_CODES)
    offered = [code for _label, group in indicator_choices() for code, _ in group]
    assert sorted(offered) == sorted(codes)
