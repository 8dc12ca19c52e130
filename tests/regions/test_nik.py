"""NIK and passport-number checks (portal.regions.nik), against the full Kemendagri region list
and the former codes shipped with the portal."""

import contextlib
import dataclasses
import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from portal.regions.models import FormerRegionCode, Region
from portal.regions.nik import (
    FEMALE,
    MALE,
    WARNING_BIRTH_DATE,
    WARNING_SEX_FEMALE,
    WARNING_SEX_MALE,
    normalise_nik,
    normalise_passport_number,
    parse_nik,
    validate_nik,
    validate_passport_number,
)
from portal.regions.services import former_codes_load, regions_load

TODAY = datetime.date(2026, 11, 23)
FORMER_CODE_ROWS = 620  # rows in portal/regions/data/former-codes.csv.gz


@pytest.fixture(scope="module")
def regions(django_db_setup, django_db_blocker):
    """Every region and former code, loaded once per module (per xdist worker) in a transaction
    that is rolled back at the end: each test's own transaction nests in it as a savepoint, and
    other modules find the database as it was (for them, regions_load still starts from empty)."""
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
def nik_db(regions, db):
    """Database access with the regions loaded."""


def error_codes(exc_info) -> set[str]:
    return {error.code for error in exc_info.value.error_list}


@pytest.mark.usefixtures("nik_db")
def test_the_fixture_data():
    """The codes the cases below rely on."""
    assert Region.objects.filter(code="36.71.01", name="Tangerang").exists()
    assert Region.objects.filter(code="93.01.01", name="Merauke").exists()  # Papua Selatan now
    assert FormerRegionCode.objects.filter(code="91.01.01", name="Merauke").exists()
    assert not Region.objects.filter(code__in=["91.01", "91.01.01", "36.99", "36.71.99", "99"])
    assert not FormerRegionCode.objects.filter(code__in=["36.99", "36.71.99", "99"])


# -- valid NIKs ------------------------------------------------------------------------------

VALID = [
    pytest.param(
        "3671011201900001",
        {
            "value": "3671011201900001",
            "province_code": "36",
            "regency_code": "36.71",
            "district_code": "36.71.01",
            "sex": MALE,
            "birth_day": 12,
            "birth_month": 1,
            "birth_year_candidates": (1990,),  # 2090 lies in the future
            "serial": "0001",
            "is_former_region": False,
            "warnings": (),
        },
        id="man-kota-tangerang",
    ),
    pytest.param(
        "3671015201900002",
        {"sex": FEMALE, "birth_day": 12, "birth_month": 1, "serial": "0002"},
        id="woman-day-plus-40",
    ),
    pytest.param("3671014101850003", {"sex": FEMALE, "birth_day": 1}, id="woman-day-41"),
    pytest.param("3671017112850003", {"sex": FEMALE, "birth_day": 31}, id="woman-day-71"),
    pytest.param("3671013112850003", {"sex": MALE, "birth_day": 31}, id="man-day-31"),
    pytest.param(
        "9101011505850001",
        {
            "province_code": "91",
            "regency_code": "91.01",
            "district_code": "91.01.01",
            "is_former_region": True,
        },
        id="former-district-merauke-before-papua-split",
    ),
    pytest.param(
        "9301011505850001",
        {"district_code": "93.01.01", "is_former_region": False},
        id="current-district-merauke",
    ),
    pytest.param(
        "3671012902000001",
        {"birth_day": 29, "birth_month": 2, "birth_year_candidates": (2000,)},
        id="29-february-00-leap-in-2000-only",
    ),
    pytest.param(
        "3671016902000001",
        {"sex": FEMALE, "birth_day": 29, "birth_year_candidates": (2000,)},
        id="29-february-00-woman",
    ),
    pytest.param(
        "3671012902040001",
        {"birth_year_candidates": (1904, 2004)},
        id="29-february-04-leap-in-both",
    ),
    pytest.param("3671010101990001", {"birth_year_candidates": (1999,)}, id="yy-99-2099-in-future"),
    pytest.param(
        "3671010101200001", {"birth_year_candidates": (1920, 2020)}, id="yy-20-both-centuries"
    ),
    pytest.param(
        "3671012311260001",
        {"birth_year_candidates": (1926, 2026)},
        id="yy-26-today-itself-is-not-future",
    ),
    pytest.param(
        "3671012411260001", {"birth_year_candidates": (1926,)}, id="yy-26-tomorrow-is-future"
    ),
    pytest.param("3671 0112 0190 0001", {"value": "3671011201900001"}, id="spaces"),
    pytest.param("36.71.01.120190.0001", {"value": "3671011201900001"}, id="dots"),
    pytest.param("3671-01-120190-0001", {"value": "3671011201900001"}, id="dashes"),
    pytest.param(" 36.71.01 - 120190\t0001\n", {"value": "3671011201900001"}, id="mixed"),
    pytest.param("3671011201909999", {"serial": "9999"}, id="serial-9999"),
]


@pytest.mark.parametrize(("value", "expected"), VALID)
@pytest.mark.usefixtures("nik_db")
def test_valid_nik(value, expected):
    info = parse_nik(value, today=TODAY)
    assert {field: getattr(info, field) for field in expected} == expected
    validate_nik(value)  # does not raise


# -- impossible NIKs -------------------------------------------------------------------------

# str.isdigit() accepts these; a NIK does not.
FULL_WIDTH_NIK = "".join(chr(0xFF10 + int(c)) for c in "3671011201900001")
ARABIC_INDIC_NIK = "".join(chr(0x0660 + int(c)) for c in "3671011201900001")

INVALID = [
    pytest.param("367101120190001", "nik_length", id="15-digits"),
    pytest.param("36710112019000012", "nik_length", id="17-digits"),
    pytest.param("", "nik_length", id="empty"),
    pytest.param(" . - ", "nik_length", id="only-separators"),
    pytest.param("36710112019000AB", "nik_digits", id="letters"),
    pytest.param("367101120190000l", "nik_digits", id="letter-l-for-1"),
    pytest.param("3671011201900001X", "nik_digits", id="letters-and-wrong-length"),
    pytest.param(FULL_WIDTH_NIK, "nik_digits", id="full-width-digits"),
    pytest.param(ARABIC_INDIC_NIK, "nik_digits", id="arabic-indic-digits"),
    pytest.param("3671_011201900001", "nik_digits", id="underscore"),
    pytest.param("9971011201900001", "nik_province", id="unknown-province-99"),
    pytest.param("3699011201900001", "nik_regency", id="unknown-regency-36.99"),
    pytest.param("3671991201900001", "nik_district", id="unknown-district-36.71.99"),
    pytest.param("3603991201900001", "nik_district", id="unknown-district-36.03.99"),
    pytest.param("9101991201900001", "nik_district", id="unknown-district-in-former-regency"),
    pytest.param("3671010001900001", "nik_date", id="day-00"),
    pytest.param("3671013201900001", "nik_date", id="day-32"),
    pytest.param("3671014001900001", "nik_date", id="day-40"),
    pytest.param("3671017201900001", "nik_date", id="day-72-woman-32"),
    pytest.param("3671019901900001", "nik_date", id="day-99"),
    pytest.param("3671011200900001", "nik_date", id="month-00"),
    pytest.param("3671011213900001", "nik_date", id="month-13"),
    pytest.param("3671013102900001", "nik_date", id="31-february"),
    pytest.param("3671017102900001", "nik_date", id="31-february-woman"),
    pytest.param("3671013104900001", "nik_date", id="31-april"),
    pytest.param("3671012902900001", "nik_date", id="29-february-90-leap-in-neither"),
    pytest.param("3671011201900000", "nik_serial", id="serial-0000"),
]


@pytest.mark.parametrize(("value", "code"), INVALID)
@pytest.mark.usefixtures("nik_db")
def test_impossible_nik(value, code):
    with pytest.raises(ValidationError) as exc_info:
        parse_nik(value, today=TODAY)
    assert exc_info.value.code == code  # a single error
    with pytest.raises(ValidationError):
        validate_nik(value)


@pytest.mark.usefixtures("nik_db")
def test_every_impossible_part_is_reported():
    with pytest.raises(ValidationError) as exc_info:
        parse_nik("3699013213900000", today=TODAY)
    assert error_codes(exc_info) == {"nik_regency", "nik_date", "nik_serial"}


@pytest.mark.usefixtures("nik_db")
def test_an_unknown_province_hides_its_regency_and_district():
    with pytest.raises(ValidationError) as exc_info:
        parse_nik("9999991201900001", today=TODAY)
    assert error_codes(exc_info) == {"nik_province"}


@pytest.mark.usefixtures("nik_db")
def test_a_date_in_the_future_in_both_centuries():
    # 29 February 1900 does not exist and 29 February 2000 is after this "today".
    with pytest.raises(ValidationError) as exc_info:
        parse_nik("3671012902000001", today=datetime.date(1999, 6, 1))
    assert error_codes(exc_info) == {"nik_date"}
    info = parse_nik("3671012902000001", today=datetime.date(2000, 2, 29))
    assert info.birth_year_candidates == (2000,)


@pytest.mark.usefixtures("nik_db")
def test_today_defaults_to_the_local_date():
    # 31 December of the current two-digit year: 19yy is a candidate, 20yy only on that day.
    yy = timezone.localdate().year % 100
    info = parse_nik(f"3671013112{yy:02d}0001")
    assert info.birth_year_candidates in {(1900 + yy,), (1900 + yy, 2000 + yy)}


@pytest.mark.usefixtures("nik_db")
def test_messages_are_translatable_and_render_with_their_values():
    field = forms.CharField(validators=[validate_nik])
    # Messages are lazy: they take the language active when they are read.
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc_info:
            field.clean("3671991201900001")
        assert exc_info.value.messages == ["The district code 36.71.99 in the NIK does not exist."]
        with pytest.raises(ValidationError) as exc_info:
            field.clean("36710112")
        assert exc_info.value.messages == ["A NIK has exactly 16 digits; this one has 8."]
    with translation.override("id"):
        assert exc_info.value.messages == ["NIK terdiri atas tepat 16 angka; yang ini 8 angka."]


# -- warnings --------------------------------------------------------------------------------

MAN = "3671011201900001"  # 12 January 1990
WOMAN = "3671015201200001"  # 12 January 1920 or 2020

WARNINGS = [
    pytest.param(MAN, {}, (), id="nothing-recorded"),
    pytest.param(MAN, {"sex": MALE, "birth_date": datetime.date(1990, 1, 12)}, (), id="man-ok"),
    pytest.param(MAN, {"sex": ""}, (), id="empty-sex-is-not-recorded"),
    pytest.param(MAN, {"sex": FEMALE}, (WARNING_SEX_MALE,), id="man-recorded-as-woman"),
    pytest.param(WOMAN, {"sex": MALE}, (WARNING_SEX_FEMALE,), id="woman-recorded-as-man"),
    pytest.param(WOMAN, {"sex": FEMALE}, (), id="woman-ok"),
    pytest.param(WOMAN, {"birth_date": datetime.date(1920, 1, 12)}, (), id="woman-1920"),
    pytest.param(WOMAN, {"birth_date": datetime.date(2020, 1, 12)}, (), id="woman-2020"),
    pytest.param(
        MAN, {"birth_date": datetime.date(1990, 1, 13)}, (WARNING_BIRTH_DATE,), id="other-day"
    ),
    pytest.param(
        MAN, {"birth_date": datetime.date(1990, 12, 1)}, (WARNING_BIRTH_DATE,), id="day-month"
    ),
    pytest.param(
        MAN, {"birth_date": datetime.date(1991, 1, 12)}, (WARNING_BIRTH_DATE,), id="other-year"
    ),
    pytest.param(
        MAN,
        {"birth_date": datetime.date(2090, 1, 12)},
        (WARNING_BIRTH_DATE,),
        id="the-future-century-is-no-candidate",
    ),
    pytest.param(
        MAN,
        {"sex": FEMALE, "birth_date": datetime.date(1990, 1, 1)},
        (WARNING_SEX_MALE, WARNING_BIRTH_DATE),
        id="both",
    ),
]


@pytest.mark.parametrize(("value", "recorded", "warnings"), WARNINGS)
@pytest.mark.usefixtures("nik_db")
def test_warnings(value, recorded, warnings):
    assert parse_nik(value, today=TODAY, **recorded).warnings == warnings


@pytest.mark.usefixtures("nik_db")
def test_warnings_are_lazy_english_source_strings():
    info = parse_nik(MAN, sex=FEMALE, birth_date=datetime.date(1990, 1, 1), today=TODAY)
    with translation.override("en"):
        assert [str(w) for w in info.warnings] == [
            "The NIK is that of a man, but the recorded sex is female.",
            "The birth date in the NIK does not match the recorded birth date.",
        ]


@pytest.mark.usefixtures("nik_db")
def test_a_warning_does_not_hide_an_error():
    with pytest.raises(ValidationError) as exc_info:
        parse_nik("3671011201900000", sex=FEMALE, today=TODAY)
    assert error_codes(exc_info) == {"nik_serial"}


def test_an_unknown_sex_is_a_programming_error():
    with pytest.raises(ValueError, match="sex must be"):
        parse_nik(MAN, sex="M", today=TODAY)


# -- the result ------------------------------------------------------------------------------


@pytest.mark.usefixtures("nik_db")
def test_nik_info_is_frozen_and_lists_the_candidate_dates():
    info = parse_nik(WOMAN, today=TODAY)
    assert info.birth_date_candidates == (datetime.date(1920, 1, 12), datetime.date(2020, 1, 12))
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sex = MALE


def test_normalise_nik():
    assert normalise_nik(" 36.71-01 12\u00a00190 0001 ") == "3671011201900001"
    assert normalise_nik("36710112019000AB") == "36710112019000AB"  # does not validate


# -- queries ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (MAN, True),
        ("9101011505850001", True),  # former codes
        ("9971011201900001", False),  # unknown province
        ("3671991201900001", False),  # unknown district
        ("3699013213900000", False),  # several errors
    ],
)
@pytest.mark.usefixtures("nik_db")
def test_parse_nik_makes_at_most_one_query(value, valid, django_assert_max_num_queries):
    expected = contextlib.nullcontext() if valid else pytest.raises(ValidationError)
    with django_assert_max_num_queries(1), expected:
        parse_nik(value, sex=FEMALE, birth_date=datetime.date(2000, 1, 1), today=TODAY)


@pytest.mark.parametrize("value", ["", "123", "36710112019000AB", "36710112019000012"])
def test_malformed_nik_makes_no_query(value):
    # Without the db fixture: a query would fail the test.
    with pytest.raises(ValidationError):
        parse_nik(value, today=TODAY)


# -- loading ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("nik_db")
def test_regions_load_also_loads_the_former_codes_idempotently():
    assert FormerRegionCode.objects.count() == FORMER_CODE_ROWS
    assert FormerRegionCode.objects.get(code="91.01.21").last_seen_in == 2022
    assert regions_load() == 0  # counts Region rows only
    assert FormerRegionCode.objects.count() == FORMER_CODE_ROWS
    FormerRegionCode.objects.filter(code__startswith="92.").delete()
    assert former_codes_load() == 138
    assert regions_load() == 0
    assert FormerRegionCode.objects.count() == FORMER_CODE_ROWS
    assert not Region.objects.filter(code__in=FormerRegionCode.objects.values("code")).exists()


# -- passport numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("X1234567", "X1234567"),
        ("E1234567", "E1234567"),
        ("A12345678", "A12345678"),
        ("AB123456", "AB123456"),
        ("AB1234567", "AB1234567"),
        ("x 123 4567", "X1234567"),
        (" e1234567\n", "E1234567"),
        ("ab\t123456", "AB123456"),
    ],
)
def test_valid_passport_number(value, normalised):
    assert normalise_passport_number(value) == normalised
    validate_passport_number(value)  # does not raise


@pytest.mark.parametrize(
    "value",
    [
        "1234567",
        "12345678",
        "ABC123456",
        "ABC12345",
        "X12",
        "X123456",  # 7 characters
        "AB12345",
        "X1234567890",
        "AB12345678",  # 10 characters
        "X123456A",
        "X-1234567",
        "",
        "ß1234567",  # "ß".upper() == "SS"
        "\uff381234567",  # full-width X
        "X\uff11\uff12\uff13\uff14\uff15\uff16\uff17",  # full-width digits
    ],
)
def test_invalid_passport_number(value):
    with pytest.raises(ValidationError) as exc_info:
        validate_passport_number(value)
    assert exc_info.value.code == "passport_format"
