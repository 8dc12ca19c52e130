"""The exchange end to end through the services: share, refer, accept, complete; the partner's
view of identifiers; the outbox delivered to the partner's users."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from referrals import selectors, services
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    return agreement(
        system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)]
    )


@pytest.fixture
def bp3mi_supervisor(make_user, bp3mi):
    return make_user("supervisor", bp3mi, username="bp3misupervisor")


def test_share_refer_accept_complete(
    pks, officer, bp3mi, bp3mi_officer, bp3mi_supervisor, django_capture_on_commit_callbacks
):
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    assert set(services.share_options(report=report)) == {bp3mi.pk}
    assert not selectors.visible_reports(bp3mi_officer).filter(pk=report.pk).exists()

    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert share.status == "active"
    assert share.agreement == pks
    assert selectors.visible_reports(bp3mi_officer).filter(pk=report.pk).exists()
    assert not selectors.may_see_identifiers(bp3mi_officer, report)
    person = report.persons.get()
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=bp3mi_officer, person=person, field="nik")

    event = OutboxEvent.objects.get(kind="report_shared")
    assert deliver(event_id=event.pk) == 2
    assert deliver(event_id=event.pk) == 0  # once
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "bp3miofficer",
        "bp3misupervisor",
    }

    referral = services.referral_send(
        actor=officer,
        report=report,
        to_agency=bp3mi,
        requested_action="victim_protection",
        urgency="urgent",
        message="Mohon pendampingan korban.",
    )
    assert referral.due_on > report.occurred_at.date()
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=bp3mi_officer, referral=referral)
    services.referral_accept(actor=bp3mi_supervisor, referral=referral, assigned_to=bp3mi_officer)
    assert selectors.may_see_identifiers(bp3mi_officer, report)
    assert services.person_reveal(actor=bp3mi_officer, person=person, field="nik") == f.NIK_FEMALE
    services.referral_start(actor=bp3mi_officer, referral=referral)
    services.referral_comment(actor=bp3mi_officer, referral=referral, body="Korban didampingi.")
    services.referral_complete(actor=bp3mi_officer, referral=referral, outcome="victim_assisted")
    referral.refresh_from_db()
    assert referral.status == "completed"
