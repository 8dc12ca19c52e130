"""What can be exported, each defined once: the list it comes from (the same selector and
filter form as the list page, so that an export is exactly the filtered list the user sees),
its sheets, their columns (translatable headers) and a row function.

A row function receives a chunk of the list's objects (a few hundred at a time) and yields
rows; whatever it needs beside the objects (persons, which reports' identifiers the user may
reveal, referral counts) it fetches for the whole chunk at once, so the number of queries of
an export grows with the number of chunks, never with the number of rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.fields import mask
from portal.exports.models import Dataset as DatasetName
from referrals import selectors as report_selectors
from referrals.forms import report_filters
from referrals.models import ReportPerson
from villages import selectors as village_selectors
from villages.forms import ActivityFilterForm, VillageFilterForm
from villages.models import Audience

if TYPE_CHECKING:
    from portal.accounts.models import User

# Rows fetched and written at a time; also the step of the progress bar.
CHUNK = 250

# Query parameters of the list pages that are not filters.
NOT_FILTERS = {"page"}


@dataclass
class ExportRun:
    """One export while it is written: who asks, with which options, and what it revealed."""

    user: User
    identifiers: bool = False
    revealed: int = 0  # identifier values written in full
    revealed_records: set[int] = field(default_factory=set)  # reports / villages concerned
    cache: dict[str, Any] = field(default_factory=dict)
    today: Any = field(default_factory=timezone.localdate)

    def reveal(self, record_id: int, value: str, allowed: bool, **mask_kwargs) -> str:
        """The value in full when allowed (counted), masked otherwise."""
        if not value:
            return ""
        if allowed:
            self.revealed += 1
            self.revealed_records.add(record_id)
            return value
        return mask(value, **mask_kwargs)


RowFunction = Callable[[ExportRun, list[Any]], Iterable[list[Any]]]


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Any  # translatable
    columns: tuple[tuple[str, Any], ...]  # (key, translatable header)
    rows: RowFunction

    @property
    def headers(self) -> list[str]:
        return [str(header) for _key, header in self.columns]

    @property
    def keys(self) -> list[str]:
        return [key for key, _header in self.columns]


def querydict(params: dict[str, list[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, [str(v) for v in values])
    return data


def filter_params(query: QueryDict) -> dict[str, list[str]]:
    """The filters of a list page's query string, as kept on an export job."""
    return {
        key: values
        for key, values in query.lists()
        if key not in NOT_FILTERS and any(v != "" for v in values)
    }


def _invalid(form) -> ValidationError:
    return ValidationError({name: list(errors) for name, errors in form.errors.items()})


def chunks(queryset: QuerySet) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        batch.append(obj)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


def yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


class Dataset:
    """A list that can be exported. Subclasses name the list page, parse its filters into the
    selector's, and give their sheets."""

    name: str
    list_url_name: str
    identifiers = False  # offers "include identifiers"
    case_files = (
        False  # exports case files: none for a role that reads none (access.reads_case_files)
    )
    parts: tuple[str, ...] = ("main",)  # CSV parts (one file each); XLSX has every sheet

    @property
    def title(self) -> str:
        return str(DatasetName(self.name).label)

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        """The filtered list; ValidationError({field: messages}) when a filter is invalid."""
        raise NotImplementedError

    def sheets(self) -> list[Sheet]:
        raise NotImplementedError

    def sheets_for(self, fmt: str, part: str = "main") -> list[Sheet]:
        sheets = self.sheets()
        if fmt == "csv":
            index = self.parts.index(part) if part in self.parts else 0
            return [sheets[index]]
        return sheets

    def list_url(self, params: dict[str, list[str]]) -> str:
        query = querydict(params).urlencode()
        return reverse(self.list_url_name) + (f"?{query}" if query else "")


# --- Reports -------------------------------------------------------------------------------


def _report_filters(user: User, params: dict[str, list[str]]):
    return report_filters(querydict(params), user=user)


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


def _place(report) -> str:
    if report.desa_id:
        return report.desa.village.name
    return report.region.name if report.region_id else ""


class ReportsDataset(Dataset):
    """My agency's reports (the reports page), or with `shared` those shared with it."""

    name = DatasetName.REPORTS.value
    list_url_name = "referrals:list"
    case_files = True
    identifiers = True
    parts = ("main", "persons")
    shared = False

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        filters = _report_filters(user, params)
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


class SharedReportsDataset(ReportsDataset):
    name = DatasetName.SHARED.value
    list_url_name = "referrals:shared_list"
    shared = True


# --- Referrals -----------------------------------------------------------------------------


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


# --- Villages and activities ---------------------------------------------------------------


class VillagesDataset(Dataset):
    """The Desa Binaan list. Telephone numbers are masked unless the user asks for them: whoever
    sees a village may reveal them (as on its page), and each one written counts as revealed."""

    name = DatasetName.VILLAGES.value
    list_url_name = "villages:list"
    identifiers = True

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        form = VillageFilterForm(querydict(params) or None, user=user)
        if form.is_bound and not form.is_valid():
            raise _invalid(form)
        return village_selectors.village_list(user=user, filters=form.to_filters())

    @staticmethod
    def rows(run: ExportRun, villages: list[Any]) -> Iterator[list[Any]]:
        for d in villages:
            district = d.village.parent
            regency = district.parent if district else None
            yield [
                d.village.name,
                d.village.code,
                district.name if district else "",
                regency.name if regency else "",
                d.designating_office.short_name,
                d.designated_on,
                d.decree_number,
                d.get_status_display(),
                d.activity_count,
                d.village_head_name,
                run.reveal(d.pk, d.village_head_phone, run.identifiers),
                d.contact_name,
                d.contact_role,
                run.reveal(d.pk, d.contact_phone, run.identifiers),
            ]

    def sheets(self) -> list[Sheet]:
        columns = (
            ("village", gettext_lazy("Village")),
            ("code", gettext_lazy("Region code")),
            ("district", gettext_lazy("District")),
            ("regency", gettext_lazy("Regency/city")),
            ("office", gettext_lazy("Designating office")),
            ("designated_on", gettext_lazy("Designated on")),
            ("decree", gettext_lazy("Decree number")),
            ("status", gettext_lazy("Status")),
            ("activities", gettext_lazy("Activities")),
            ("head", gettext_lazy("Village head")),
            ("head_phone", gettext_lazy("Village head's telephone")),
            ("contact", gettext_lazy("Local contact")),
            ("contact_role", gettext_lazy("Local contact's role")),
            ("contact_phone", gettext_lazy("Local contact's telephone")),
        )
        return [Sheet("villages", gettext_lazy("Desa Binaan"), columns, self.rows)]


class ActivitiesDataset(Dataset):
    name = DatasetName.ACTIVITIES.value
    list_url_name = "villages:activity_list"

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        form = ActivityFilterForm(querydict(params) or None)
        if form.is_bound and not form.is_valid():
            raise _invalid(form)
        return village_selectors.activity_list(
            user=user, filters=form.to_filters()
        ).prefetch_related("co_organisers")

    @staticmethod
    def rows(run: ExportRun, activities: list[Any]) -> Iterator[list[Any]]:
        audience = dict(Audience.choices)
        for a in activities:
            scope = a.agreement_scope
            yield [
                a.date,
                a.get_kind_display(),
                a.title,
                a.place,
                a.organiser.short_name,
                "; ".join(sorted(o.short_name for o in a.co_organisers.all())),
                "; ".join(v.village.name for v in a.villages.all()),
                scope.agreement.title if scope else "",
                scope.scope.name if scope else "",
                "; ".join(str(audience.get(code, code)) for code in a.audience),
                a.participants_male,
                a.participants_female,
                a.participants,
            ]

    def sheets(self) -> list[Sheet]:
        columns = (
            ("date", gettext_lazy("Date")),
            ("kind", gettext_lazy("Kind")),
            ("title", gettext_lazy("Title")),
            ("place", gettext_lazy("Place")),
            ("organiser", gettext_lazy("Organising agency")),
            ("co_organisers", gettext_lazy("Co-organisers")),
            ("villages", gettext_lazy("Desa Binaan reached")),
            ("agreement", gettext_lazy("Agreement")),
            ("scope", gettext_lazy("Scope")),
            ("audience", gettext_lazy("Audience")),
            ("men", gettext_lazy("Participants (men)")),
            ("women", gettext_lazy("Participants (women)")),
            ("participants", gettext_lazy("Participants")),
        )
        return [Sheet("activities", gettext_lazy("Activities"), columns, self.rows)]


def registry() -> dict[str, Dataset]:
    from portal.exports.htcds import HtcdsDataset

    return {
        d.name: d
        for d in (
            ReportsDataset(),
            SharedReportsDataset(),
            ReferralsDataset(),
            VillagesDataset(),
            ActivitiesDataset(),
            HtcdsDataset(),
        )
    }


def get_dataset(name: str) -> Dataset | None:
    return registry().get(name)
