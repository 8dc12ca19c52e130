"""Many records at once for the size and query-count tests: reports cloned with bulk_create
from one made through the services (numbers in a year the services never reach)."""

from __future__ import annotations

from django.utils import timezone

from referrals.models import Report, ReportPerson
from tests.referrals import factories as f

_serial = iter(range(1, 10**6))


def many_reports(actor, n: int, *, persons: int = 1, **fields) -> list[Report]:
    """`n` submitted reports of the actor's agency, each with `persons` persons who carry a NIK,
    a passport number and a phone number."""
    model = f.submitted(actor, **fields)
    now = timezone.now()
    reports = Report.objects.bulk_create(
        [
            Report(
                number=f"IND-36-1999-{next(_serial):06d}",
                agency_id=model.agency_id,
                created_by_id=model.created_by_id,
                occurred_at=model.occurred_at,
                source=model.source,
                region_id=model.region_id,
                narrative=model.narrative,
                indicators=model.indicators,
                categories=model.categories,
                suggested_categories=model.suggested_categories,
                exploitation_types=model.exploitation_types,
                status=Report.Status.SUBMITTED,
                submitted_at=now,
                person_count=persons,
            )
            for _ in range(n - 1)
        ]
    )
    ReportPerson.objects.bulk_create(
        [
            ReportPerson(
                report=report,
                position=i,
                role=ReportPerson.Role.POTENTIAL_VICTIM,
                full_name=f"Orang Uji {report.number[-6:]}-{i}",
                sex="female",
                age=25,
                nik=f.NIK_FEMALE,
                passport_number="X1234567",
                phone="081298765432",
            )
            for report in reports
            for i in range(persons)
        ]
    )
    return [model, *reports]
