"""A property-based run of the OpenAPI schema against the app in process (WSGI): for every
operation, generated requests (valid and invalid), made by an officer of the agency that filed a
report, shared it, referred it and uploaded evidence, and by a supervisor of the partner agency
that received the share and the referral (its officer commented), get answers the schema documents:
no 5xx, a documented status code, content type and headers, and a body that matches the
documented schema. Each example runs in a savepoint rolled back afterwards, so every one starts
from the same data."""

from __future__ import annotations

import datetime as dt
import traceback
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.api import services as token_services
from portal.api.base import UserOrTokenThrottle
from portal.core.categories import ReportCategory
from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from portal.wsgi import application
from referrals import indicators, services
from referrals.vocabularies import (
    PerpetratorRole,
    PersonRole,
    RequestedAction,
    RiskLevel,
    Sex,
    Source,
    SuspectedMode,
    Urgency,
    VictimStatus,
)
from tests.referrals import factories as f
from tests.villages.factories import activity, agreement, scope, village

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Examples per operation and strategy: the two runs of ~45 operations take about a minute
# together on a busy 2-core machine.
EXAMPLES = 6
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(params=["officer", "supervisor"])
def scenario(request, system_admin, officer, kanim, bp3mi, make_user):
    """Kanim and BP3MI under a data-exchange agreement; kanim's officer filed a report, shared
    it and referred it to BP3MI, whose officer commented; a Desa Binaan and an activity. The
    caller: Kanim's officer, or BP3MI's supervisor (the receiving side)."""
    f.regions()
    pks = agreement(system_admin, kanim, bp3mi, scopes=[scope("data", data_exchange=True)])
    bp3mi_officer = make_user("officer", bp3mi, username="bp3miofficer")
    bp3mi_supervisor = make_user("supervisor", bp3mi, username="bp3misupervisor")
    caller = officer if request.param == "officer" else bp3mi_supervisor
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    draft = f.draft(officer)
    fresh = f.submitted(officer)  # shared with nobody yet
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    referral = services.referral_send(
        actor=officer,
        report=report,
        to_agency=bp3mi,
        requested_action="victim_protection",
        urgency="normal",
        message="Mohon pendampingan korban.",
    )
    services.referral_comment(actor=bp3mi_officer, referral=referral, body="Diterima.")
    evidence = services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(), kind="photo"
    )
    desa = village(f.PLACE, kanim, partners=[bp3mi])
    event = activity(kanim, villages=[desa])
    for event_id in OutboxEvent.objects.values_list("pk", flat=True):
        deliver(event_id=event_id)
    notification = Notification.objects.filter(recipient=caller).first()
    assert notification is not None
    _token, raw = token_services.token_create(actor=caller, name="schemathesis", days=30)
    spare, _raw = token_services.token_create(actor=caller, name="spare", days=30)
    # Real identifiers for the path parameters (the rest of the examples use generated ones).
    ids = {
        "/api/v1/agencies/": {"id": bp3mi.pk},
        "/api/v1/agreements/": {"id": pks.pk},
        "/api/v1/regions/": {"code": f.PLACE},
        "/api/v1/villages/": {"id": desa.pk},
        "/api/v1/activities/": {"id": event.pk},
        "/api/v1/reports/": {"id": report.pk, "evidence_pk": evidence.pk},
        "/api/v1/shares/": {"id": share.pk},
        "/api/v1/referrals/": {"id": referral.pk},
        "/api/v1/notifications/": {"id": notification.pk},
        "/api/v1/tokens/": {"id": spare.pk},
    }
    bodies = _bodies(
        report=report,
        draft=draft,
        fresh=fresh,
        agencies=[bp3mi.pk, kanim.pk, kanim.parent_id],
        desa=desa,
        referral_id=referral.pk,
        assignees=[bp3mi_officer.pk, bp3mi_supervisor.pk, officer.pk],
    )
    return {"role": request.param, "token": raw, "ids": ids, "bodies": bodies}


def _text(**kwargs):
    return st.text(st.characters(codec="utf-8"), **kwargs)


def _bodies(*, report, draft, fresh, agencies, desa, referral_id, assignees) -> dict:
    """Bodies that pass the serializers' shapes more often than generated ones, so that the
    services behind them (NIK checks, sharing policy, referral rules) see odd but well-formed
    input: {operation label: (path parameters strategy, body strategy)}."""
    codes = st.sampled_from([f.PLACE, "36", "36.71", "36.71.01", "36.72.01.1002"])
    utc = st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat())
    person = st.fixed_dictionaries(
        {"role": st.sampled_from(PersonRole.values), "full_name": _text(min_size=1, max_size=60)},
        optional={
            "sex": st.sampled_from([*Sex.values, ""]),
            "birth_date": st.one_of(st.none(), st.dates().map(str)),
            "age": st.one_of(st.none(), st.integers(0, 120)),
            "nik": st.one_of(
                st.just(f.NIK_FEMALE), st.text("0123456789", min_size=16, max_size=16), _text()
            ),
            "passport_number": st.text("ABCXYZ0123456789", max_size=20),
            "nationality": st.sampled_from(["ID", "MY", "XX", "", "id"]),
            "address_region": st.one_of(st.none(), codes),
            "phone": st.text("+0123456789 -", max_size=30),
            "victim_status": st.sampled_from([*VictimStatus.values, ""]),
            "perpetrator_roles": st.lists(st.sampled_from(PerpetratorRole.values), unique=True),
        },
    )
    existing = st.fixed_dictionaries(
        {"id": st.sampled_from(list(draft.persons.values_list("pk", flat=True)))},
        optional={"delete": st.booleans(), "full_name": _text(min_size=1, max_size=60)},
    )
    fields = {
        "occurred_at": utc,
        "source": st.sampled_from(Source.values),
        "region": st.one_of(st.none(), codes),
        "place_detail": _text(max_size=250),
        "desa": st.one_of(st.none(), st.just(desa.pk)),
        "destination_country": st.sampled_from(["MY", "SA", "XX", "", "id"]),
        "mode": st.sampled_from([*SuspectedMode.values, ""]),
        "narrative": _text(),
        "risk_level": st.sampled_from(RiskLevel.values),
        "indicators": st.lists(st.sampled_from(sorted(indicators.INDICATOR_CODES))),
        "categories": st.lists(st.sampled_from(ReportCategory.values)),
        "persons": st.lists(st.one_of(person, existing), max_size=3),
        "submit": st.booleans(),
        "correction_reason": _text(),
    }
    # Mostly odd bodies, and some that a service accepts (a recent date, a real place, a
    # narrative and a person), so that the answers to successful writes are checked too.
    recent = st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)).map(
        lambda d: f"{d.isoformat()}T09:30:00+07:00"
    )
    plausible = st.fixed_dictionaries(
        {
            "occurred_at": recent,
            "source": st.sampled_from(Source.values),
            "region": st.just(f.PLACE),
            "narrative": _text(min_size=20, max_size=200),
            "persons": st.lists(
                st.fixed_dictionaries(
                    {"role": st.sampled_from(PersonRole.values), "full_name": st.just("Rina")}
                ),
                min_size=1,
                max_size=2,
            ),
        },
        optional={k: v for k, v in fields.items() if k in ("submit", "categories", "mode")},
    )
    report_body = st.one_of(st.fixed_dictionaries({}, optional=fields), plausible)
    reports = st.fixed_dictionaries({"id": st.sampled_from([report.pk, draft.pk, fresh.pk])})
    none = st.just({})
    referral = st.fixed_dictionaries(
        {
            "report": st.sampled_from([report.pk, draft.pk]),
            "to_agency": st.sampled_from(agencies),
            "requested_action": st.sampled_from(RequestedAction.values),
            "message": _text(min_size=1, max_size=200),
        },
        optional={
            "urgency": st.sampled_from(Urgency.values),
            "due_on": st.one_of(st.none(), st.dates().map(str)),
        },
    )
    share = st.fixed_dictionaries(
        {
            "agencies": st.one_of(
                st.just(agencies[:1]),  # the partner, which the agreement allows
                st.lists(st.sampled_from(agencies), max_size=3, unique=True),
            )
        },
        optional={"note": _text(max_size=100)},
    )
    referrals = st.fixed_dictionaries({"id": st.just(referral_id)})
    assign = st.fixed_dictionaries({}, optional={"assigned_to": st.sampled_from(assignees)})
    return {
        "POST /api/v1/referrals/{id}/accept/": (referrals, assign),
        "POST /api/v1/referrals/{id}/assign/": (referrals, assign),
        "POST /api/v1/referrals/{id}/decline/": (
            referrals,
            st.fixed_dictionaries({"reason": _text(min_size=1, max_size=100)}),
        ),
        "POST /api/v1/reports/": (none, report_body),
        "POST /api/v1/reports/{id}/submit/": (reports, none),
        "PATCH /api/v1/reports/{id}/": (reports, report_body),
        "PUT /api/v1/reports/{id}/": (reports, report_body),
        "POST /api/v1/reports/{id}/share/": (
            st.fixed_dictionaries({"id": st.just(fresh.pk)}),  # shared with nobody yet
            share,
        ),
        "POST /api/v1/referrals/": (none, referral),
    }


def _known(operation, ids) -> dict:
    for prefix, values in ids.items():
        if operation.path.startswith(prefix):
            return {k: v for k, v in values.items() if "{" + k + "}" in operation.path}
    return {}


@pytest.fixture
def server_errors():
    """Tracebacks of the requests that raised; the test's connection (and its transaction)
    outlives each request, as with Django's test client."""
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    got_request_exception.connect(record)
    yield errors
    got_request_exception.disconnect(record)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_every_answer_matches_the_schema(scenario, server_errors, monkeypatch):
    # Hundreds of requests a minute from one token: lift the rate limit for this run.
    monkeypatch.setattr(UserOrTokenThrottle, "get_cache_key", lambda self, request, view: None)
    auth = {"Authorization": f"Bearer {scenario['token']}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 30
    failures: list[str] = []
    answered: dict[str, Counter] = defaultdict(Counter)
    for operation in operations:
        known = _known(operation, scenario["ids"])
        strategies = [
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
        ]
        if known:
            strategies.append(operation.as_strategy(path_parameters=known))
        if operation.label in scenario["bodies"]:
            paths, bodies = scenario["bodies"][operation.label]
            strategies.append(
                st.tuples(paths, bodies).flatmap(
                    lambda pair, op=operation: op.as_strategy(
                        path_parameters=pair[0], body=pair[1], media_type="application/json"
                    )
                )
            )

        @given(case=st.one_of(strategies))
        @settings(
            max_examples=EXAMPLES * len(strategies),
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            with transaction.atomic():  # every example starts from the scenario's data
                response = case.call(headers=auth)
                transaction.set_rollback(True)
            answered[case.operation.label][response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=auth)

        try:
            run()
        except (Exception, FailureGroup) as exc:  # report every operation's failure at once
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not server_errors, "\n\n".join(server_errors[:5])
    assert not failures, "\n\n".join(failures)
    # The token held throughout, and the real identifiers reached real records.
    assert not [label for label, codes in answered.items() if 401 in codes], answered
    succeeded = {label for label, codes in answered.items() if {200, 201, 204} & set(codes)}
    assert {
        "GET /api/v1/reports/{id}/",
        "GET /api/v1/referrals/{id}/",
        "GET /api/v1/referrals/{id}/comments/",
        "POST /api/v1/reports/",
        "POST /api/v1/referrals/{id}/comments/",
        "DELETE /api/v1/tokens/{id}/",
    } <= succeeded, answered
    if scenario["role"] == "officer":
        assert "POST /api/v1/reports/{id}/share/" in succeeded, answered
    else:
        assert "POST /api/v1/referrals/{id}/accept/" in succeeded, answered
