"""Builders for the referrals tests. Reports are made through the referrals services, so that
every test data set has passed the same rules as real input (numbering, NIK checks, blind
indexes, suggested categories, the search document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import BooleanField, F, Func
from django.utils import timezone

from referrals import search, services
from referrals.models import Report
from referrals.services import PersonInput
from tests.villages.factories import HTML_BYTES, PDF_BYTES, png_bytes, region

__all__ = [
    "HTML_BYTES",
    "NIK_FEMALE",
    "NIK_MALE",
    "PDF_BYTES",
    "PLACE",
    "draft",
    "html_as_png",
    "person",
    "png_bytes",
    "png_upload",
    "region",
    "regions",
    "report_fields",
    "submitted",
    "tagged_with_agency",
]

# Kota Tangerang, Kec. Tangerang (36.71.01): a man born 12 January 1990, serial 0001, and a
# woman born 12 January 1990 (day + 40), serial 0002.
NIK_MALE = "3671011201900001"
NIK_FEMALE = "3671015201900002"
PLACE = "36.71.01.1001"
TPPO_INDICATORS = ["act_recruitment", "means_deception", "purpose_forced_labour"]
NARRATIVE = (
    "Calon PMI direkrut sponsor tanpa izin untuk bekerja di Malaysia dengan visa kunjungan; "
    "paspornya ditahan oleh penampung."
)


def regions() -> None:
    """The regions the tests' NIKs and places need (province, city, district, village)."""
    region("36", "BANTEN")
    region("36.71", "KOTA TANGERANG")
    region("36.71.01", "TANGERANG")
    region(PLACE, "Sukarasa")
    region("36.72.01.1002", "Bulakan")


def now() -> dt.datetime:
    return timezone.now()


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def person(prefix: str = "", pk: int | None = None, delete: bool = False, **data: Any):
    """A PersonInput: a potential victim, adult, without identifiers unless given."""
    if pk is None:
        data.setdefault("role", "potential_victim")
        data.setdefault("full_name", "Siti Nurhaliza")
    return PersonInput(data=data, pk=pk, delete=delete, prefix=prefix)


def report_fields(**fields: Any) -> dict[str, Any]:
    """The fields of a complete TPPO report (its suggestion confirmed), overridable."""
    fields.setdefault("occurred_at", ago(3))
    fields.setdefault("source", "passport_interview")
    if "region" not in fields:
        fields["region"] = region(PLACE)
    fields.setdefault("narrative", NARRATIVE)
    fields.setdefault("indicators", list(TPPO_INDICATORS))
    fields.setdefault("categories", ["tppo"])
    return fields


def draft(actor, *, persons=None, **fields: Any) -> Report:
    """A complete draft of `actor`'s agency with one person (or `persons`)."""
    return services.report_create(
        actor=actor,
        persons=[person()] if persons is None else persons,
        **report_fields(**fields),
    )


def submitted(actor, *, persons=None, **fields: Any) -> Report:
    """A complete report of `actor`'s agency, submitted at once."""
    return services.report_create(
        actor=actor,
        persons=[person()] if persons is None else persons,
        submit=True,
        **report_fields(**fields),
    )


def png_upload(seed: int = 0, name: str = "foto-paspor.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(seed), content_type="image/png")


def html_as_png() -> SimpleUploadedFile:
    """An HTML page with a script, named and announced as a PNG."""
    return SimpleUploadedFile("foto.png", HTML_BYTES, content_type="image/png")


def tagged_with_agency(agency_id: int) -> set[Report]:
    """The reports whose search document carries the agency's lexeme (`referrals.search`)."""
    matches = Func(
        F("search_vector"),
        search.agencies_query([agency_id]),
        arg_joiner=" @@ ",
        template="(%(expressions)s)",
        output_field=BooleanField(),
    )
    return set(Report.objects.filter(matches))


def search_documents(report: Report) -> tuple[Any, Any]:
    """The search document saved for `report`, and the one `services.reports._refresh_derived`
    would save for it now (`search.document`): bulk writers must save the same."""
    names = " ".join(p.full_name for p in report.persons.order_by("position", "id"))
    expected = search.document(
        number=report.number,
        names=names,
        route=report.route,
        narrative=report.narrative,
        agency_id=report.agency_id,
    )
    return (
        Report.objects.filter(pk=report.pk)
        .annotate(expected=expected)
        .values_list("search_vector", "expected")
        .get()
    )
