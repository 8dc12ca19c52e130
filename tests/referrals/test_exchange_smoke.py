"""The exchange end to end through the services: share, refer, accept, complete; the partner's
view of identifiers; the outbox delivered to the partner's users."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from referrals import permissions, selectors, services
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def pks(system_admin, kanim, bp3mi):
    return agreement(
        system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)]
    )


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
    assert not permissions.may_see_identifiers(bp3mi_officer, report)
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
    assert permissions.may_see_identifiers(bp3mi_officer, report)
    assert services.person_reveal(actor=bp3mi_officer, person=person, field="nik") == f.NIK_FEMALE
    services.referral_start(actor=bp3mi_officer, referral=referral)
    services.referral_comment(actor=bp3mi_officer, referral=referral, body="Korban didampingi.")
    services.referral_complete(actor=bp3mi_officer, referral=referral, outcome="victim_assisted")
    referral.refresh_from_db()
    assert referral.status == "completed"


def test_an_officer_cannot_refer_round_the_approval_of_shares(pks, officer, kanim, bp3mi):
    from django.core.exceptions import ValidationError

    kanim.share_requires_approval = True
    kanim.save()
    report = f.submitted(officer)
    with pytest.raises(ValidationError) as refused:
        services.referral_send(
            actor=officer,
            report=report,
            to_agency=bp3mi,
            requested_action="investigation",
            urgency="normal",
            message="Mohon ditindaklanjuti.",
        )
    assert "to_agency" in refused.value.error_dict
    assert not report.shares.exists()


def test_notification_labels_are_translated_for_each_reader(
    pks, officer, bp3mi, bp3mi_officer, bp3mi_supervisor
):
    from django.utils import translation

    report = f.submitted(officer)
    services.referral_send(
        actor=officer,
        report=report,
        to_agency=bp3mi,
        requested_action="victim_protection",
        urgency="normal",
        message="Mohon pendampingan.",
    )
    event = OutboxEvent.objects.get(kind="referral_sent")
    assert event.params["action"] == "Victim protection and assistance"
    deliver(event_id=event.pk)
    notification = Notification.objects.filter(kind="referral_sent").first()
    with translation.override("en"):
        english = notification.text
    with translation.override("id"):
        indonesian = notification.text
    assert "Victim protection and assistance" in english
    assert "Victim protection" not in indonesian


def test_a_partner_is_not_told_of_matches_before_accepting(
    client, pks, officer, bp3mi, bp3mi_officer
):
    first = f.submitted(officer, persons=[f.person(nik=f.NIK_MALE, sex="male")])
    f.submitted(officer, persons=[f.person(nik=f.NIK_MALE, sex="male")])
    services.report_share(actor=officer, report=first, agencies=[bp3mi])
    client.force_login(officer)
    assert client.get(first.get_absolute_url()).context["rows"][0]["matches"] == 1
    client.force_login(bp3mi_officer)
    assert client.get(first.get_absolute_url()).context["rows"][0]["matches"] == 0
