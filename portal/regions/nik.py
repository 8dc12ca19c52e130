"""Checking Indonesian identity numbers: passport numbers and the NIK, 16 digits PP RR DD ddmmyy
ssss (district of *first* registration, birth date with 40 added to the day for women, a serial
from 0001; no check digit). A NIK never follows later moves, so codes of regions since split
(FormerRegionCode) are accepted too."""

from __future__ import annotations

import datetime
import re
import string
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.regions.models import FormerRegionCode, Region

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40

MALE = "male"
FEMALE = "female"

_NIK_SEPARATORS = re.compile(r"[\s.\-]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")
_WHITESPACE = re.compile(r"\s+")
_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# One letter + 7 or 8 digits, or two letters + 6 or 7 digits: 8 or 9 characters in all.
_PASSPORT = re.compile(r"(?=[A-Z0-9]{8,9}\Z)[A-Z]{1,2}[0-9]{6,8}\Z")

# Warnings (lazy, translatable); compare against these rather than against English text.
WARNING_SEX_FEMALE = _("The NIK is that of a woman, but the recorded sex is male.")
WARNING_SEX_MALE = _("The NIK is that of a man, but the recorded sex is female.")
WARNING_BIRTH_DATE = _("The birth date in the NIK does not match the recorded birth date.")


@dataclass(frozen=True)
class NikInfo:
    """What a valid NIK says. Codes are dotted like Region.code (`36`, `36.71`, `36.71.01`)."""

    value: str  # normalised: 16 digits
    province_code: str
    regency_code: str
    district_code: str
    sex: str  # "male" or "female"
    birth_day: int
    birth_month: int
    birth_year_candidates: tuple[int, ...]  # ascending: 19yy and/or 20yy, never in the future
    serial: str
    is_former_region: bool  # a code is only in FormerRegionCode (a split since the NIK)
    warnings: tuple[str | Promise, ...] = ()  # lazy translatable messages

    @property
    def birth_date_candidates(self) -> tuple[datetime.date, ...]:
        return tuple(
            datetime.date(year, self.birth_month, self.birth_day)
            for year in self.birth_year_candidates
        )


def normalise_nik(value: str) -> str:
    """The NIK without spaces (any whitespace), dots and dashes: `36.7101 1201-90 0001` →
    `3671011201900001`. Does not validate."""
    return _NIK_SEPARATORS.sub("", str(value))


def _known_codes(codes: list[str]) -> dict[str, bool]:
    """{code: is_former} for those of `codes` in Region or FormerRegionCode, in one query."""
    current = (
        Region.objects.filter(code__in=codes)
        .order_by()
        .annotate(former=Value(False, output_field=BooleanField()))
        .values_list("code", "former")
    )
    former = (
        FormerRegionCode.objects.filter(code__in=codes)
        .order_by()
        .annotate(former=Value(True, output_field=BooleanField()))
        .values_list("code", "former")
    )
    known: dict[str, bool] = {}
    for code, is_former in current.union(former, all=True):
        # Should a code ever be in both tables, the current one wins.
        known[code] = known.get(code, True) and is_former
    return known


def _region_error(
    province: str, regency: str, district: str
) -> tuple[ValidationError | None, bool]:
    """The error for the first unknown code (province, then regency, then district), and whether
    one of them is known only as a former code."""
    known = _known_codes([province, regency, district])
    if province not in known:
        error = ValidationError(
            _("The province code %(code)s in the NIK does not exist."),
            code="nik_province",
            params={"code": province},
        )
    elif regency not in known:
        error = ValidationError(
            _("The regency/city code %(code)s in the NIK does not exist."),
            code="nik_regency",
            params={"code": regency},
        )
    elif district not in known:
        error = ValidationError(
            _("The district code %(code)s in the NIK does not exist."),
            code="nik_district",
            params={"code": district},
        )
    else:
        error = None
    return error, any(known.get(code, False) for code in (province, regency, district))


def _birth_years(
    raw_day: str, raw_month: str, yy: int, today: datetime.date
) -> tuple[ValidationError | None, tuple[int, ...]]:
    day, month = int(raw_day), int(raw_month)
    if day > FEMALE_DAY_OFFSET:
        day -= FEMALE_DAY_OFFSET
    if not 1 <= day <= 31:
        error = _(
            "The birth day %(day)s in the NIK is impossible: it must be 01 to 31 for a man and "
            "41 to 71 for a woman."
        )
        return ValidationError(error, code="nik_date", params={"day": raw_day}), ()
    if not 1 <= month <= 12:
        return ValidationError(
            _("The birth month %(month)s in the NIK is impossible: it must be 01 to 12."),
            code="nik_date",
            params={"month": raw_month},
        ), ()
    existing = []
    for year in (1900 + yy, 2000 + yy):
        try:
            existing.append(datetime.date(year, month, day))
        except ValueError:  # 31 April, 29 February of a common year …
            continue
    if not existing:
        return ValidationError(
            _("The birth date %(date)s in the NIK does not exist."),
            code="nik_date",
            params={"date": f"{day:02d}-{month:02d}-{yy:02d}"},
        ), ()
    years = tuple(d.year for d in existing if d <= today)
    if not years:
        return ValidationError(
            _("The birth date in the NIK lies in the future."), code="nik_date"
        ), ()
    return None, years


def parse_nik(
    value: str,
    *,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> NikInfo:
    """Check a NIK and say what it contains (at most one query). Raises ValidationError, every wrong
    part in `.error_list`, for what cannot be; what merely disagrees with the recorded `sex` and
    `birth_date` comes back in NikInfo.warnings. The NIK holds no century: the birth year is 19yy
    or 20yy, whichever exists and is not after `today`."""
    if sex not in (None, "", MALE, FEMALE):
        raise ValueError(f"sex must be {MALE!r}, {FEMALE!r} or None, not {sex!r}")
    nik = normalise_nik(value)
    if not _ASCII_DIGITS.fullmatch(nik):
        raise ValidationError(_("A NIK contains only digits."), code="nik_digits")
    if len(nik) != NIK_LENGTH:
        raise ValidationError(
            _("A NIK has exactly 16 digits; this one has %(length)d."),
            code="nik_length",
            params={"length": len(nik)},
        )

    province = nik[0:2]
    regency = f"{province}.{nik[2:4]}"
    district = f"{regency}.{nik[4:6]}"
    raw_day, raw_month, yy, serial = nik[6:8], nik[8:10], int(nik[10:12]), nik[12:16]
    if today is None:
        today = timezone.localdate()

    errors = []
    region_error, is_former = _region_error(province, regency, district)
    if region_error:
        errors.append(region_error)
    date_error, years = _birth_years(raw_day, raw_month, yy, today)
    if date_error:
        errors.append(date_error)
    if serial == "0000":
        errors.append(
            ValidationError(
                _("The serial number of a NIK (its last 4 digits) cannot be 0000."),
                code="nik_serial",
            )
        )
    if errors:
        raise errors[0] if len(errors) == 1 else ValidationError(errors)

    day = int(raw_day)
    nik_sex = FEMALE if day > FEMALE_DAY_OFFSET else MALE
    if nik_sex == FEMALE:
        day -= FEMALE_DAY_OFFSET
    month = int(raw_month)

    warnings = []
    if sex and sex != nik_sex:
        warnings.append(WARNING_SEX_FEMALE if nik_sex == FEMALE else WARNING_SEX_MALE)
    if birth_date is not None and not (
        birth_date.day == day and birth_date.month == month and birth_date.year in years
    ):
        warnings.append(WARNING_BIRTH_DATE)

    return NikInfo(
        value=nik,
        province_code=province,
        regency_code=regency,
        district_code=district,
        sex=nik_sex,
        birth_day=day,
        birth_month=month,
        birth_year_candidates=years,
        serial=serial,
        is_former_region=is_former,
        warnings=tuple(warnings),
    )


def validate_nik(value: str) -> None:
    """A Django field validator: raises ValidationError for an impossible NIK (see parse_nik)."""
    parse_nik(value)


def normalise_passport_number(value: str) -> str:
    """The passport number without whitespace, letters a-z in upper case: `x 123 4567` →
    `X1234567`. Does not validate. (Only ASCII letters are upper-cased: `"ß".upper()` is "SS".)"""
    return _WHITESPACE.sub("", str(value)).translate(_ASCII_UPPER)


def validate_passport_number(value: str) -> None:
    """A Django field validator for Indonesian passport numbers: after normalise_passport_number,
    one letter and 7 or 8 digits, or two letters and 6 or 7 digits (code `passport_format`)."""
    if not _PASSPORT.match(normalise_passport_number(value)):
        raise ValidationError(
            _(
                "An Indonesian passport number is one or two letters followed by digits, "
                "8 or 9 characters in all (e.g. X1234567)."
            ),
            code="passport_format",
        )
