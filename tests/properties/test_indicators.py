"""The category suggestion (referrals.indicators.suggest_categories) for any set of ticked
boxes, including codes that do not exist (a tampered form): it never fails, always explains
itself, and follows the rules of UU 21/2007 and UU 6/2011 as DOMAIN.md states them."""

from __future__ import annotations

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.core.categories import ReportCategory
from referrals.indicators import (
    ACT,
    GROUP_OF,
    ILLEGAL_CROSSING,
    INDICATOR_CODES,
    MEANS,
    NONPROCEDURAL,
    PROFIT,
    PURPOSE,
    suggest_categories,
)
from tests.properties.profile import PROPERTIES

CODES = sorted(INDICATOR_CODES)
TICKED = st.sets(st.sampled_from(CODES))
JUNK = st.sets(st.text(max_size=30).filter(lambda c: c not in INDICATOR_CODES), max_size=5)
ORDER = list(ReportCategory.values)


def groups(ticked: set[str]) -> set[str]:
    return {GROUP_OF[c] for c in ticked}


@PROPERTIES
@given(ticked=TICKED, junk=JUNK, child=st.booleans(), as_list=st.booleans())
def test_any_ticked_boxes_give_a_suggestion_with_reasons(ticked, junk, child, as_list):
    given_codes = ticked | junk
    suggestion = suggest_categories(
        sorted(given_codes) if as_list else given_codes, child_victim=child
    )
    assert set(suggestion.categories) <= set(ORDER)
    assert list(suggestion.categories) == sorted(suggestion.categories, key=ORDER.index)
    assert len(set(suggestion.categories)) == len(suggestion.categories)
    assert suggestion.reasons, "a suggestion always says why"
    for language in ("id", "en"):
        with translation.override(language):
            assert all(str(reason).strip() for reason in suggestion.reasons)
            assert len(suggestion.labels) == len(suggestion.categories)
    # Unknown codes change nothing.
    assert suggest_categories(ticked, child_victim=child) == suggestion


@PROPERTIES
@given(ticked=TICKED, child=st.booleans())
def test_the_rules_of_the_law(ticked, child):
    cats = set(suggest_categories(ticked, child_victim=child).categories)
    g = groups(ticked)
    tppo = ACT in g and PURPOSE in g and (MEANS in g or child)
    tppm = bool(ticked & ILLEGAL_CROSSING) and PROFIT in ticked
    assert (ReportCategory.TPPO in cats) == tppo
    assert (ReportCategory.TPPM in cats) == tppm
    nonproc = not tppo and not tppm and NONPROCEDURAL in g and not ({MEANS, PURPOSE} & g)
    assert (ReportCategory.PMI_NONPROCEDURAL in cats) == nonproc
    if ReportCategory.PMI_NONPROCEDURAL in cats:
        assert cats == {ReportCategory.PMI_NONPROCEDURAL}


@PROPERTIES
@given(ticked=TICKED, more=TICKED, child=st.booleans())
def test_ticking_more_never_withdraws_a_crime(ticked, more, child):
    """TPPO and TPPM, once suggested, stay suggested when more boxes are ticked (a plain
    non-procedural departure, in contrast, gives way to them)."""
    before = set(suggest_categories(ticked, child_victim=child).categories)
    after = set(suggest_categories(ticked | more, child_victim=child).categories)
    crimes = {ReportCategory.TPPO, ReportCategory.TPPM}
    assert before & crimes <= after


@PROPERTIES
@given(ticked=TICKED)
def test_a_child_victim_never_makes_trafficking_less_likely(ticked):
    adult = set(suggest_categories(ticked, child_victim=False).categories)
    child = set(suggest_categories(ticked, child_victim=True).categories)
    assert (ReportCategory.TPPO in adult) <= (ReportCategory.TPPO in child)
