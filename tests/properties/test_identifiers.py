"""NIK and passport numbers: any input is either accepted, with what it says, or refused with
a ValidationError (a message for the user); never another exception."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from portal.regions.nik import (
    FEMALE,
    MALE,
    normalise_nik,
    normalise_passport_number,
    parse_nik,
    validate_passport_number,
)
from tests.properties.profile import PROPERTIES
from tests.referrals import factories as f

TODAY = dt.date(2026, 11, 23)

# Anything a user could type or paste: any text, digit runs, and near-misses of the format.
DIGITS = st.text(alphabet="0123456789", min_size=0, max_size=20)
SEPARATED = st.lists(st.sampled_from(list("0123456789 .-\t\u00a0")), max_size=24).map("".join)
# Arabic-Indic and full-width digits are digits to str.isdigit(), not to a NIK.
UNICODE_DIGITS = st.text(
    alphabet="0123456789\u0660\u0661\u0665\u0669\uff10\uff11\uff12", min_size=16, max_size=16
)
ANY_NIK = st.one_of(st.text(max_size=40), DIGITS, SEPARATED, UNICODE_DIGITS)
SEX = st.sampled_from([None, "", MALE, FEMALE])
DATES = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))


@pytest.fixture
def regions(db):
    f.regions()  # 36 Banten > 36.71 Kota Tangerang > 36.71.01 Tangerang


@PROPERTIES
@given(value=ANY_NIK, sex=SEX, birth_date=DATES)
@example(value="3671015201900002", sex=FEMALE, birth_date=dt.date(1990, 1, 12))
@example(value="3671019901900001", sex=None, birth_date=None)
@example(value="\x00" * 16, sex=None, birth_date=None)
def test_any_nik_is_accepted_or_refused_with_a_message(regions, value, sex, birth_date):
    try:
        info = parse_nik(value, sex=sex, birth_date=birth_date, today=TODAY)
    except ValidationError as exc:
        refused = exc
    else:
        refused = None
    if refused is not None:
        assert refused.messages
        assert all(str(m) for m in refused.messages)
        return
    # Accepted: what it says is consistent with its digits.
    assert info.value == normalise_nik(value)
    assert len(info.value) == 16
    assert info.value.isascii()
    assert info.value.isdigit()
    assert info.serial != "0000"
    day = int(info.value[6:8])
    assert info.sex == (FEMALE if day > 40 else MALE)
    assert info.birth_year_candidates
    for born in info.birth_date_candidates:
        assert born <= TODAY
        assert (born.day, born.month) == (info.birth_day, info.birth_month)
    # Parsing the normalised value again says the same.
    assert parse_nik(info.value, today=TODAY).value == info.value


@st.composite
def possible_niks(draw):
    """NIKs that can exist: a known region, a real date not in the future, a serial > 0."""
    born = draw(st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = born.day + (40 if female else 0)
    nik = f"367101{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, born, FEMALE if female else MALE


@PROPERTIES
@given(possible=possible_niks(), spaced=st.booleans())
def test_every_possible_nik_is_accepted_and_read_right(regions, possible, spaced):
    nik, born, sex = possible
    typed = " ".join(nik[i : i + 4] for i in range(0, 16, 4)) if spaced else nik
    info = parse_nik(typed, sex=sex, birth_date=born, today=TODAY)
    assert info.value == nik
    assert info.sex == sex
    assert born.year in info.birth_year_candidates
    assert info.warnings == ()  # it agrees with the recorded sex and birth date


@PROPERTIES
@given(possible=possible_niks(), other=st.sampled_from([MALE, FEMALE]))
def test_a_disagreeing_sex_is_a_warning_not_an_error(regions, possible, other):
    nik, born, sex = possible
    assume(other != sex)
    info = parse_nik(nik, sex=other, birth_date=born, today=TODAY)
    assert len(info.warnings) == 1


ANY_PASSPORT = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="ABCXYZabcxyz0123456789 \t", max_size=14),
    st.from_regex(r"\A[A-Za-z]{1,3}[0-9]{5,9}\Z"),
)


@PROPERTIES
@given(value=ANY_PASSPORT)
@example(value="ß1234567")  # "ß".upper() is "SS": not a way in
@example(value="X1234567")
def test_any_passport_number_is_accepted_or_refused_with_a_message(value):
    try:
        validate_passport_number(value)
    except ValidationError as exc:
        refused = exc
    else:
        refused = None
    if refused is not None:
        assert refused.messages
        return
    normal = normalise_passport_number(value)
    assert normal.isascii()
    assert normal.isalnum()
    assert 8 <= len(normal) <= 9
    letters = len(normal) - len(normal.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert letters in (1, 2)
    assert normal[letters:].isdigit()


@PROPERTIES
@given(
    letters=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2),
    digits=st.text(alphabet="0123456789", min_size=6, max_size=8),
    lower=st.booleans(),
)
def test_every_well_formed_passport_number_is_accepted(letters, digits, lower):
    assume(8 <= len(letters) + len(digits) <= 9)
    value = letters + digits
    validate_passport_number(value.lower() if lower else value)
