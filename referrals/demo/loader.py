"""Writes planned rows in bulk: numbers in blocks from the services' counters, the search
document as the services compute it, and the auto_now stamps backdated without history rows."""

from __future__ import annotations

import pgtrigger
from django.db import connection

from referrals.demo.generator import Plan
from referrals.models import (
    REPORT_SERIES,
    PreventionAction,
    Report,
    ReportPerson,
    format_report_number,
)
from referrals.search import document_sql


def number_reports(plans: list[Plan]) -> None:
    """Report numbers in order of occurrence, from one block per agency code and year of the
    counters services.next_serial counts on."""
    groups: dict[tuple[str, int], list[Report]] = {}
    for plan in plans:
        key = (plan.report.agency.code, plan.report.occurred_at.year)
        groups.setdefault(key, []).append(plan.report)
    with connection.cursor() as cursor:
        for (code, year), reports in sorted(groups.items()):
            reports.sort(key=lambda r: r.occurred_at)
            first = reserve_serials(cursor, REPORT_SERIES, code, year, len(reports))
            for offset, report in enumerate(reports):
                report.number = format_report_number(code=code, year=year, serial=first + offset)


def reserve_serials(cursor, series: str, code: str, year: int, count: int) -> int:
    """The first of `count` serials taken at once from services.next_serial's counter."""
    cursor.execute(
        "INSERT INTO referrals_numbercounter (series, code, year, last) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (series, code, year) DO UPDATE SET "
        "last = referrals_numbercounter.last + EXCLUDED.last RETURNING last",
        [series, code, year, count],
    )
    (last,) = cursor.fetchone()
    return last - count + 1


# The search document as referrals.services._refresh_derived writes it.
_DOCUMENT = document_sql(
    number="r.number",
    names="n.names",
    route="r.route",
    narrative="r.narrative",
    agency="r.agency_id",
)
FINISH_SQL = f"""
UPDATE referrals_report AS r SET
    created_at = v.created_at,
    updated_at = v.updated_at,
    search_vector = {_DOCUMENT}
FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v(id, created_at, updated_at)
LEFT JOIN (
    SELECT report_id, string_agg(full_name, ' ' ORDER BY position, id) AS names
    FROM referrals_reportperson GROUP BY report_id
) AS n ON n.report_id = v.id
WHERE r.id = v.id
"""  # noqa: S608 -- constant SQL
PERSONS_SQL = """
UPDATE referrals_reportperson AS p SET created_at = r.created_at, updated_at = r.created_at
FROM referrals_report AS r WHERE p.report_id = r.id AND r.id = ANY(%s)
"""
ACTIONS_SQL = """
UPDATE referrals_preventionaction AS a SET
    created_at = r.created_at,
    updated_at = GREATEST(r.created_at,
        COALESCE((a.lifted_on + time '10:00') AT TIME ZONE 'Asia/Jakarta', r.created_at))
FROM referrals_report AS r WHERE a.report_id = r.id AND r.id = ANY(%s)
"""


def backdate_reports(plans: list[Plan]) -> None:
    """Backdate the rows (auto_now fields) and fill the search documents, without writing
    history rows for it."""
    ids, created, updated = [], [], []
    for plan in plans:
        r = plan.report
        ids.append(r.pk)
        created.append(plan.created_at)
        updated.append(r.closed_at or r.review_started_at or r.submitted_at or plan.created_at)
    with (
        pgtrigger.ignore(
            "referrals.Report:update_update",
            "referrals.ReportPerson:update_update",
            "referrals.PreventionAction:update_update",
        ),
        connection.cursor() as cursor,
    ):
        cursor.execute(FINISH_SQL, [ids, created, updated])
        cursor.execute(PERSONS_SQL, [ids])
        cursor.execute(ACTIONS_SQL, [ids])


def save_reports(plans: list[Plan]) -> None:
    """Insert the planned reports with their persons and prevention actions."""
    number_reports(plans)
    Report.objects.bulk_create([p.report for p in plans])
    persons, actions = [], []
    for plan in plans:
        for person in plan.persons:
            person.report = plan.report
            persons.append(person)
        for action in plan.actions:
            action.report = plan.report
            action.person = plan.persons[0]
            actions.append(action)
    ReportPerson.objects.bulk_create(persons)
    PreventionAction.objects.bulk_create(actions)
    backdate_reports(plans)
