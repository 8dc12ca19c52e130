"""The bulk writer of `seed_demo` and of `seed_scale` (bench/seed.py): PostgreSQL COPY from
in-memory buffers. Reports pass through a staging table so that their search document is
computed on the way in (referrals.search.document_sql); numbers come from the counters the
services use, so those created later continue them. The caller decides whether the history
triggers fire (`bulk_session`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from django.db import DatabaseError, connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model

from referrals.demo.generator import Plan
from referrals.models import (
    REPORT_SERIES,
    NumberCounter,
    PreventionAction,
    Report,
    ReportPerson,
    format_report_number,
)
from referrals.search import document_sql

# --- COPY text format --------------------------------------------------------------------------

NULL = "\\N"


def esc(value: str) -> str:
    """A text value for COPY's text format."""
    if not value:
        return ""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def ts(value: dt.datetime | None) -> str:
    return NULL if value is None else value.isoformat()


def arr(values: Iterable[str]) -> str:
    return "{" + ",".join(values) + "}"


def ref(value: int | str | None) -> str:
    return NULL if value is None else str(value)


def copy(cursor: CursorWrapper, table: str, columns: tuple[str, ...], lines: list[str]) -> None:
    if lines:
        buffer = io.StringIO("\n".join(lines) + "\n")
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def reserve_ids(cursor: CursorWrapper, table: str, count: int) -> list[int]:
    """`count` ids from the table's identity sequence (safe beside concurrent inserts)."""
    if not count:
        return []
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


@contextlib.contextmanager
def bulk_session() -> Iterator[str]:
    """Skip triggers (pghistory, FK checks) for this session when allowed; say which."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("SET session_replication_role = replica")
            mode = "replica"
        except DatabaseError:
            mode = "triggers"
    try:
        yield mode
    finally:
        if mode == "replica":
            with connection.cursor() as cursor:
                cursor.execute("RESET session_replication_role")


@cache
def _fields(model: type[Model]) -> dict:
    return {f.column: f for f in model._meta.concrete_fields}


def line(instance: Model, columns: tuple[str, ...]) -> str:
    """A model instance as a COPY line, each value as its field saves it (encrypted, a
    country's code, an array)."""
    fields = _fields(type(instance))
    values = []
    for column in columns:
        f = fields[column]
        value = f.get_db_prep_save(getattr(instance, f.attname), connection)
        if value is None:
            values.append(NULL)
        elif isinstance(value, bool):
            values.append("t" if value else "f")
        elif isinstance(value, list | tuple):
            values.append(arr(str(v) for v in value))
        elif isinstance(value, dt.date):
            values.append(value.isoformat())
        else:
            values.append(esc(str(value)))
    return "\t".join(values)


# --- Tables and columns ------------------------------------------------------------------------

REPORT_COLUMNS = (
    "id", "number", "occurred_at", "source", "place_detail", "destination_country", "route",
    "mode", "narrative", "risk_level", "indicators", "suggested_categories", "categories",
    "category_reason", "recruitment_methods", "control_methods", "exploitation_types",
    "industries", "status", "submitted_at", "review_started_at", "outcome", "outcome_note",
    "closed_at", "person_count", "created_at", "updated_at", "agency_id", "created_by_id",
    "desa_id", "region_id", "reviewer_id",
)  # fmt: skip
PERSON_COLUMNS = (
    "position", "role", "full_name", "sex", "birth_date", "age", "nik", "nik_index",
    "passport_number", "passport_index", "nationality", "phone", "notes", "victim_status",
    "victim_status_by", "perpetrator_roles", "nik_warnings", "created_at", "updated_at",
    "address_region_id", "report_id",
)  # fmt: skip
ACTION_COLUMNS = (
    "report_id", "person_id", "office_id", "kind", "date", "checkpoint", "place",
    "destination_country", "interviewed", "statement_signed", "registry_result",
    "coordinated_with_bp3mi", "notes", "lifted_on", "lifted_documents", "recorded_by_id",
    "created_at", "updated_at",
)  # fmt: skip
SHARE_COLUMNS = (
    "id", "status", "note", "created_at", "shared_at", "agency_id", "agreement_id",
    "decided_by_id", "report_id", "shared_by_id",
)  # fmt: skip
REFERRAL_COLUMNS = (
    "number", "requested_action", "urgency", "due_on", "message", "status", "decline_reason", "outcome",
    "outcome_note", "sent_at", "accepted_at", "started_at", "closed_at", "updated_at",
    "assigned_to_id", "from_agency_id", "report_id", "sent_by_id", "to_agency_id", "share_id",
)  # fmt: skip
STAGING_SQL = """
CREATE TEMP TABLE IF NOT EXISTS seed_report (LIKE referrals_report INCLUDING DEFAULTS, names text)
ON COMMIT DELETE ROWS
"""
# The search document as referrals.services.reports._refresh_derived writes it (referrals.search).
INSERT_SQL = f"""
INSERT INTO referrals_report ({", ".join(REPORT_COLUMNS)}, search_vector)
SELECT {", ".join(REPORT_COLUMNS)},
    {document_sql(number="number", names="names", route="route", narrative="narrative", agency="agency_id")}
FROM seed_report
"""  # noqa: S608 -- the column names are constants


@dataclass
class Rows:
    """COPY lines in the column orders above; a report's line ends with its persons' names."""

    reports: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    shares: list[str] = field(default_factory=list)
    referrals: list[str] = field(default_factory=list)
    share_ids: list[int] = field(default_factory=list)


def write(cursor: CursorWrapper, rows: Rows) -> None:
    """Insert the rows, reports first; actions need their persons' ids (see `save_reports`)."""
    cursor.execute(STAGING_SQL)
    copy(cursor, "seed_report", (*REPORT_COLUMNS, "names"), rows.reports)
    cursor.execute(INSERT_SQL)
    cursor.execute("TRUNCATE seed_report")  # also inside an outer transaction
    copy(cursor, "referrals_reportperson", PERSON_COLUMNS, rows.persons)
    copy(cursor, "referrals_preventionaction", ACTION_COLUMNS, rows.actions)
    copy(cursor, "referrals_share", SHARE_COLUMNS, rows.shares)
    copy(cursor, "referrals_referral", REFERRAL_COLUMNS, rows.referrals)


class Numbers:
    """Report and referral numbers per agency code and year, as services.next_serial hands
    them out one at a time: counted here and written back to referrals_numbercounter with each
    chunk, so that reports and referrals created later continue after them."""

    def __init__(self) -> None:
        self.last = {
            (series, code, year): last
            for series, code, year, last in NumberCounter.objects.values_list(
                "series", "code", "year", "last"
            )
        }
        self.changed: set[tuple[str, str, int]] = set()

    def next(self, series: str, code: str, year: int) -> int:
        key = (series, code, year)
        self.last[key] = self.last.get(key, 0) + 1
        self.changed.add(key)
        return self.last[key]

    def save(self, cursor: CursorWrapper) -> None:
        for series, code, year in sorted(self.changed):
            cursor.execute(
                "INSERT INTO referrals_numbercounter (series, code, year, last) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (series, code, year) DO UPDATE SET "
                "last = GREATEST(referrals_numbercounter.last, EXCLUDED.last)",
                [series, code, year, self.last[(series, code, year)]],
            )
        self.changed.clear()


# --- The demo's reports ------------------------------------------------------------------------

JAKARTA = ZoneInfo("Asia/Jakarta")


def save_reports(plans: list[Plan]) -> None:
    """The demo's planned reports with their persons and prevention actions, numbered in order
    of occurrence per agency and year, dated as planned (the history triggers fire)."""
    numbers = Numbers()
    for plan in sorted(plans, key=lambda p: p.report.occurred_at):
        report = plan.report
        code, year = report.agency.code, report.occurred_at.year
        serial = numbers.next(REPORT_SERIES, code, year)
        report.number = format_report_number(code=code, year=year, serial=serial)
    rows = Rows()
    with connection.cursor() as cursor:
        ids = reserve_ids(cursor, Report._meta.db_table, len(plans))
        for plan, report_id in zip(plans, ids, strict=True):
            report = plan.report
            report.pk = report_id
            report.created_at = plan.created
            report.updated_at = (
                report.closed_at or report.review_started_at or report.submitted_at or plan.created
            )
            names = " ".join(p.full_name for p in plan.persons)
            rows.reports.append(f"{line(report, REPORT_COLUMNS)}\t{esc(names)}")
            for person in plan.persons:
                person.report = report
                person.created_at = person.updated_at = plan.created
                rows.persons.append(line(person, PERSON_COLUMNS))
        numbers.save(cursor)
        write(cursor, rows)
        _save_actions(cursor, plans)


def _save_actions(cursor: CursorWrapper, plans: list[Plan]) -> None:
    """The prevention actions, about each report's first person (now that it has an id)."""
    plans = [p for p in plans if p.actions]
    cursor.execute(
        f"SELECT report_id, id FROM {ReportPerson._meta.db_table} "  # noqa: S608 -- a constant
        "WHERE position = 0 AND report_id = ANY(%s)",
        [[p.report.pk for p in plans]],
    )
    first_person = dict(cursor.fetchall())
    lines = []
    for plan in plans:
        created = plan.created
        for action in plan.actions:
            action.report = plan.report
            action.person_id = first_person[plan.report.pk]
            action.created_at = action.updated_at = created
            if action.lifted_on:  # lifted in the morning of its day
                lifted = dt.datetime.combine(action.lifted_on, dt.time(10), tzinfo=JAKARTA)
                action.updated_at = max(created, lifted)
            lines.append(line(action, ACTION_COLUMNS))
    copy(cursor, PreventionAction._meta.db_table, ACTION_COLUMNS, lines)
