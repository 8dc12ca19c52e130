"""The datasets of the case files, added to the export registry: my agency's reports (with
their persons), the reports shared with my agency, the referral queue, and the anonymised case
data in HTCDS terms (referrals/htcds.py). Each reads the same selector and filter form as its
list page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exports.datasets import Dataset, ExportRun, Sheet, local_date, querydict, yes_no
from portal.exports.models import Dataset as DatasetName
from portal.exports.registry import register
from referrals import selectors as report_selectors
from referrals.forms import report_filters
from referrals.htcds import HtcdsDataset
from referrals.models import Report, ReportPerson

if TYPE_CHECKING:
    from portal.accounts.models import User

# --- Reports -------------------------------------------------------------------------------

PERSON_COLUMNS = (
    ("report", gettext_lazy("Report")),
    ("role", gettext_lazy("Role")),
    ("name", gettext_lazy("Name")),
    ("sex", gettext_lazy("Sex")),
    ("age", gettext_lazy("Age")),
    ("nationality", gettext_lazy("Nationality")),
    ("nik", gettext_lazy("NIK")),
    ("passport", gettext_lazy("Passport")),
    ("phone", gettext_lazy("Telephone")),
)


def person_rows(run: ExportRun, reports: list[Any]) -> Iterator[list[Any]]:
    """The persons of a chunk of reports, in the reports' order. Names, roles, sex and age as
    the report page shows them to everyone who sees the report; NIK, passport and telephone
    masked unless the user asked for identifiers *and* may reveal them for that report."""
    ids = [r.pk for r in reports]
    allowed = report_selectors.reports_with_identifiers(run.user, ids) if run.identifiers else set()
    by_report: dict[int, list[ReportPerson]] = defaultdict(list)
    for person in ReportPerson.objects.filter(report_id__in=ids).order_by(
        "report_id", "position", "id"
    ):
        by_report[person.report_id].append(person)
    for report in reports:
        day = local_date(report.occurred_at)
        may = report.pk in allowed
        for p in by_report.get(report.pk, ()):
            yield [
                report.number,
                p.get_role_display(),
                p.full_name,
                p.get_sex_display(),
                p.age_on(day) if day else p.age,
                p.nationality.name if p.nationality else "",
                run.reveal(report.pk, p.nik, may),
                run.reveal(report.pk, p.passport_number, may, keep_start=2, keep_end=2),
                run.reveal(report.pk, p.phone, may),
            ]


def _place(report: Report) -> str:
    # Without a query when the foreign key is empty: Django returns None for a null id.
    if report.desa is not None:
        return report.desa.village.name
    return report.region.name if report.region is not None else ""


@register
class ReportsDataset(Dataset):
    """My agency's reports (the reports page), or with `shared` those shared with it."""

    name = DatasetName.REPORTS.value
    list_url_name = "referrals:list"
    case_files = True
    identifiers = True
    parts = ("main", "persons")
    shared = False

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        filters = report_filters(querydict(params), user=user)
        return report_selectors.report_list(user=user, filters=filters, shared=self.shared)

    def report_columns(self) -> tuple[tuple[str, Any], ...]:
        columns: list[tuple[str, Any]] = [
            ("number", gettext_lazy("Number")),
            ("agency", gettext_lazy("Agency")),
        ]
        if not self.shared:
            columns.append(("officer", gettext_lazy("Reporting officer")))
        columns += [
            ("date", gettext_lazy("Date")),
            ("place", gettext_lazy("Place")),
            ("region_code", gettext_lazy("Region code")),
            ("desa_binaan", gettext_lazy("Desa Binaan")),
            ("category", gettext_lazy("Category")),
            ("source", gettext_lazy("Source")),
            ("destination", gettext_lazy("Destination")),
            ("mode", gettext_lazy("Suspected mode")),
            ("persons", gettext_lazy("Persons")),
            ("risk", gettext_lazy("Risk")),
            ("status", gettext_lazy("Status")),
            ("submitted_at", gettext_lazy("Submitted at")),
            ("outcome", gettext_lazy("Outcome")),
        ]
        return tuple(columns)

    def report_rows(self, run: ExportRun, reports: list[Any]) -> Iterator[list[Any]]:
        for r in reports:
            row = [r.number, r.agency.short_name]
            if not self.shared:
                row.append(r.created_by.full_name)
            row += [
                local_date(r.occurred_at),
                _place(r),
                r.region.code if r.region_id else "",
                r.desa.village.name if r.desa_id else "",
                "; ".join(r.category_labels),
                r.get_source_display(),
                r.destination_country.name if r.destination_country else "",
                r.get_mode_display(),
                r.person_count,
                r.get_risk_level_display(),
                r.get_status_display(),
                r.submitted_at,
                r.get_outcome_display(),
            ]
            yield row

    def sheets(self) -> list[Sheet]:
        return [
            Sheet("reports", gettext_lazy("Reports"), self.report_columns(), self.report_rows),
            Sheet("persons", gettext_lazy("Persons"), PERSON_COLUMNS, person_rows),
        ]


@register
class SharedReportsDataset(ReportsDataset):
    name = DatasetName.SHARED.value
    list_url_name = "referrals:shared_list"
    shared = True


# --- Referrals -----------------------------------------------------------------------------


@register
class ReferralsDataset(Dataset):
    """The referral queue: `direction` incoming or outgoing, open ones unless `all=1`."""

    name = DatasetName.REFERRALS.value
    list_url_name = "referrals:referral_queue"
    case_files = True

    def _direction(self, params: dict[str, list[str]]) -> str:
        direction = params.get("direction", ["incoming"])[-1]
        if direction not in ("incoming", "outgoing"):
            raise ValidationError({"direction": [_("Choose incoming or outgoing referrals.")]})
        return direction

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        return report_selectors.referral_queue(
            user=user,
            incoming=self._direction(params) == "incoming",
            open_only=params.get("all", [""])[-1] != "1",
        )

    def list_url(self, params: dict[str, list[str]]) -> str:
        direction = params.get("direction", ["incoming"])[-1]
        if direction not in ("incoming", "outgoing"):
            direction = "incoming"
        url = reverse(self.list_url_name, args=[direction])
        return url + ("?all=1" if params.get("all", [""])[-1] == "1" else "")

    @staticmethod
    def rows(run: ExportRun, referrals: list[Any]) -> Iterator[list[Any]]:
        for r in referrals:
            yield [
                r.report.number,
                r.from_agency.short_name,
                r.to_agency.short_name,
                r.get_requested_action_display(),
                r.get_urgency_display(),
                r.sent_at,
                r.due_on,
                r.get_status_display(),
                yes_no(r.is_overdue(run.today)),
                r.assigned_to.full_name if r.assigned_to_id else "",
                r.get_outcome_display(),
                r.closed_at,
            ]

    def sheets(self) -> list[Sheet]:
        columns = (
            ("report", gettext_lazy("Report")),
            ("from", gettext_lazy("From agency")),
            ("to", gettext_lazy("To agency")),
            ("requested_action", gettext_lazy("Requested action")),
            ("urgency", gettext_lazy("Urgency")),
            ("sent_at", gettext_lazy("Sent at")),
            ("due_on", gettext_lazy("Due on")),
            ("status", gettext_lazy("Status")),
            ("overdue", gettext_lazy("Overdue")),
            ("assigned_to", gettext_lazy("Assigned to")),
            ("outcome", gettext_lazy("Outcome")),
            ("closed_at", gettext_lazy("Completed or declined at")),
        )
        return [Sheet("referrals", gettext_lazy("Referrals"), columns, self.rows)]


# --- Case data (HTCDS 2.0) -----------------------------------------------------------------

register(HtcdsDataset)
