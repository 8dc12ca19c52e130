"""Sharing a report with partner agencies: only those the sharing policy allows today for the
report's categories, under a recorded agreement; the approval flow; what the partner sees."""

from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from agreements import services as agreement_services
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification, OutboxEvent
from portal.notifications.services import deliver
from referrals import permissions, selectors, services
from referrals.models import Share
from tests.referrals import exchange as x
from tests.referrals import factories as f
from tests.villages.factories import agreement, days, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(officer):
    return f.submitted(
        officer,
        persons=[f.person(nik=f.NIK_FEMALE, sex="female", passport_number="X1234567")],
    )


def shared_with(user, report) -> bool:
    return selectors.visible_reports(user).filter(pk=report.pk).exists()


# --- Who may be offered --------------------------------------------------------------------


def test_options_are_the_partners_of_a_data_exchange_agreement_in_force(
    pks, report, system_admin, kanim, bp3mi, polda
):
    # An agreement with Polda without a data-exchange scope is no basis for sharing.
    agreement(system_admin, kanim, polda, scopes=[scope("kerja-sama-umum")])
    options = services.share_options(report=report)
    assert set(options) == {bp3mi.pk}
    assert options[bp3mi.pk][0].agreement == pks


def test_no_options_without_any_agreement(officer, report):
    assert services.share_options(report=report) == {}


def test_a_draft_agreement_is_no_basis(system_admin, kanim, bp3mi, report):
    agreement(
        system_admin,
        kanim,
        bp3mi,
        scopes=[scope("pertukaran-data", data_exchange=True)],
        activate=False,
    )
    assert services.share_options(report=report) == {}


def test_a_draft_report_is_never_offered(pks, officer, bp3mi):
    draft = f.draft(officer)
    assert services.share_options(report=draft) == {}
    with pytest.raises(PermissionDenied):
        services.report_share(actor=officer, report=draft, agencies=[bp3mi])


def test_the_own_agency_is_never_an_option(system_admin, kanwil, kanim, bp3mi, report):
    # The Kanwil's party covers Kanim Tangerang: the reporting office is on the Kanwil's side.
    x.data_agreement(system_admin, kanwil, bp3mi, covers=[kanwil])
    options = services.share_options(report=report)
    assert set(options) == {bp3mi.pk}
    assert kanim.pk not in options
    assert kanwil.pk not in options


def test_the_scope_must_cover_every_category_of_the_report(system_admin, officer, kanim, polda):
    x.data_agreement(system_admin, kanim, polda, categories=["tppo"])
    only_tppo = f.submitted(officer)
    both = f.submitted(
        officer, categories=["tppo", "tppm"], category_reason="Juga ada penyelundupan manusia."
    )
    assert set(services.share_options(report=only_tppo)) == {polda.pk}
    assert services.share_options(report=both) == {}
    with pytest.raises(ValidationError) as exc:
        services.report_share(actor=officer, report=both, agencies=[polda])
    assert "agencies" in exc.value.message_dict
    assert not Share.objects.exists()


def test_after_termination_no_options_and_sharing_is_refused(
    pks, system_admin, officer, report, bp3mi
):
    x.terminate(system_admin, pks)
    assert services.share_options(report=report) == {}
    with pytest.raises(ValidationError):
        services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert not Share.objects.exists()


def test_after_expiry_no_options(system_admin, officer, kanim, bp3mi, report):
    pact = x.data_agreement(system_admin, kanim, bp3mi)
    assert set(services.share_options(report=report)) == {bp3mi.pk}
    type(pact).objects.filter(pk=pact.pk).update(effective_until=days(-1))
    agreement_services.agreements_expire_due(today=days(0))
    pact.refresh_from_db()
    assert pact.status == "expired"
    assert services.share_options(report=report) == {}


def test_a_partner_already_shared_with_is_no_longer_offered(pks, officer, report, bp3mi):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert services.share_options(report=report) == {}
    with pytest.raises(ValidationError):
        services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert Share.objects.count() == 1


# --- Sharing -------------------------------------------------------------------------------


def test_sharing_with_an_agency_without_agreement_creates_nothing(
    pks, officer, report, bp3mi, polda
):
    with pytest.raises(ValidationError) as exc:
        services.report_share(actor=officer, report=report, agencies=[bp3mi, polda])
    assert "agencies" in exc.value.message_dict
    assert "Polda Banten" in " ".join(exc.value.message_dict["agencies"])
    assert not Share.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_SHARED).exists()


def test_sharing_nobody_is_refused(pks, officer, report):
    with pytest.raises(ValidationError) as exc:
        services.report_share(actor=officer, report=report, agencies=[])
    assert "agencies" in exc.value.message_dict


def test_share_records_the_agreement_audits_and_publishes_after_commit(
    pks, officer, report, bp3mi, bp3mi_officer, bp3mi_supervisor, django_capture_on_commit_callbacks
):
    with mock.patch("portal.notifications.tasks.deliver_event.delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            (share,) = services.report_share(
                actor=officer, report=report, agencies=[bp3mi], note="Mohon perhatian."
            )
            assert not delay.called  # nothing leaves before the commit
        for callback in callbacks:
            callback()
    event = OutboxEvent.objects.get(kind=services.EVENT_SHARED)
    delay.assert_called_once_with(event.pk)
    assert event.agency_ids == [bp3mi.pk]
    assert event.params["number"] == report.number
    assert share.status == Share.Status.ACTIVE
    assert share.agreement == pks
    assert share.shared_by == officer
    assert share.decided_by == officer
    assert share.shared_at is not None
    assert share.note == "Mohon perhatian."
    entry = AuditEntry.objects.get(action=AuditEntry.Action.REPORT_SHARED)
    assert (entry.target_type, entry.target_id) == ("referrals.Report", str(report.pk))
    assert entry.data["agreement"] == pks.title
    assert entry in selectors.report_timeline(report=report)
    assert deliver(event_id=event.pk) == 2
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        bp3mi_officer.pk,
        bp3mi_supervisor.pk,
    }


@pytest.mark.parametrize("who", ["bp3mi_officer", "cilegon_officer", "agency_admin"])
def test_only_officers_and_supervisors_of_the_reporting_agency_share(
    request, pks, officer, report, bp3mi, who
):
    if who == "bp3mi_officer":
        services.report_share(actor=officer, report=report, agencies=[bp3mi])
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.report_share(actor=actor, report=report, agencies=[bp3mi])


def test_a_kanwil_supervisor_shares_a_report_of_an_office_below(
    pks, report, kanwil_supervisor, bp3mi
):
    (share,) = services.report_share(actor=kanwil_supervisor, report=report, agencies=[bp3mi])
    assert share.status == Share.Status.ACTIVE


# --- Approval ------------------------------------------------------------------------------


@pytest.fixture
def approval(kanim):
    kanim.share_requires_approval = True
    kanim.save()
    return kanim


def test_with_approval_an_officers_share_waits_and_the_partner_sees_nothing(
    approval, pks, officer, report, bp3mi, bp3mi_officer, kanim_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert share.status == Share.Status.PENDING
    assert share.shared_at is None
    assert not shared_with(bp3mi_officer, report)
    assert not selectors.shared_reports(bp3mi_officer).exists()
    assert not OutboxEvent.objects.filter(kind=services.EVENT_SHARED).exists()
    event = OutboxEvent.objects.get(kind=services.EVENT_SHARE_REQUESTED)
    assert event.agency_ids == [approval.pk]
    assert event.roles == ["supervisor"]
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SHARE_REQUESTED, target_id=str(report.pk)
    ).exists()
    assert list(selectors.pending_shares(user=kanim_supervisor)) == [share]
    assert not selectors.pending_shares(user=officer).exists()
    # The waiting partner is not offered again.
    assert services.share_options(report=report) == {}


def test_supervisor_approves_and_the_partner_is_told(
    approval, pks, officer, report, bp3mi, bp3mi_officer, kanim_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.share_decide(actor=kanim_supervisor, share=share, approve=True)
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE
    assert share.decided_by == kanim_supervisor
    assert share.shared_by == officer
    assert share.shared_at is not None
    assert share.agreement == pks
    assert shared_with(bp3mi_officer, report)
    event = OutboxEvent.objects.get(kind=services.EVENT_SHARED)
    assert event.agency_ids == [bp3mi.pk]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REPORT_SHARED).count() == 1
    with pytest.raises(PermissionDenied):  # decided already
        services.share_decide(actor=kanim_supervisor, share=share, approve=False)


def test_supervisor_refuses(approval, pks, officer, report, bp3mi, bp3mi_officer, kanim_supervisor):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.share_decide(actor=kanim_supervisor, share=share, approve=False)
    share.refresh_from_db()
    assert share.status == Share.Status.REFUSED
    assert share.decided_by == kanim_supervisor
    assert not shared_with(bp3mi_officer, report)
    assert not OutboxEvent.objects.filter(kind=services.EVENT_SHARED).exists()
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SHARE_REFUSED, target_id=str(report.pk)
    ).exists()


def test_a_refused_share_can_be_requested_again_and_supervisors_are_told_again(
    approval, pks, officer, report, bp3mi, kanim_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.share_decide(actor=kanim_supervisor, share=share, approve=False)
    assert set(services.share_options(report=report)) == {bp3mi.pk}
    (again,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    assert again.pk == share.pk
    assert again.status == Share.Status.PENDING
    assert again.decided_by is None
    assert OutboxEvent.objects.filter(kind=services.EVENT_SHARE_REQUESTED).count() == 2


@pytest.mark.parametrize("who", ["officer", "colleague", "cilegon_supervisor", "bp3mi_officer"])
def test_only_a_supervisor_of_the_reporting_agency_decides(
    request, approval, pks, officer, report, bp3mi, who
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    with pytest.raises(PermissionDenied):
        services.share_decide(actor=request.getfixturevalue(who), share=share, approve=True)
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING


def test_a_kanwil_supervisor_decides_for_the_office_below(
    approval, pks, officer, report, bp3mi, kanwil_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    services.share_decide(actor=kanwil_supervisor, share=share, approve=True)
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE


def test_approval_checks_the_policy_again(
    approval, pks, system_admin, officer, report, bp3mi, bp3mi_officer, kanim_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    x.terminate(system_admin, pks)
    with pytest.raises(ValidationError):
        services.share_decide(actor=kanim_supervisor, share=share, approve=True)
    share.refresh_from_db()
    assert share.status == Share.Status.PENDING
    assert not shared_with(bp3mi_officer, report)
    assert not OutboxEvent.objects.filter(kind=services.EVENT_SHARED).exists()


def test_approval_uses_an_agreement_still_in_force(
    approval, pks, system_admin, officer, kanim, report, bp3mi, kanim_supervisor
):
    (share,) = services.report_share(actor=officer, report=report, agencies=[bp3mi])
    newer = x.data_agreement(system_admin, kanim, bp3mi, code="data-baru", title="PKS baru")
    x.terminate(system_admin, pks)
    services.share_decide(actor=kanim_supervisor, share=share, approve=True)
    share.refresh_from_db()
    assert share.status == Share.Status.ACTIVE
    assert share.agreement == newer


def test_a_supervisor_shares_at_once_even_with_approval(
    approval, pks, kanim_supervisor, report, bp3mi, bp3mi_officer
):
    (share,) = services.report_share(actor=kanim_supervisor, report=report, agencies=[bp3mi])
    assert share.status == Share.Status.ACTIVE
    assert shared_with(bp3mi_officer, report)


# --- What the partner sees -----------------------------------------------------------------


@pytest.fixture
def shared(pks, officer, report, bp3mi):
    services.report_share(actor=officer, report=report, agencies=[bp3mi])
    return report


def test_the_partner_reads_the_report_but_changes_nothing(shared, officer, bp3mi_officer):
    report = shared
    person = report.persons.get()
    assert shared_with(bp3mi_officer, report)
    assert not permissions.is_own_report(bp3mi_officer, report)
    assert not permissions.can_edit_report(bp3mi_officer, report)
    assert not permissions.can_review_report(bp3mi_officer, report)
    assert not permissions.can_record_prevention(bp3mi_officer, report)
    assert not permissions.may_see_identifiers(bp3mi_officer, report)
    with pytest.raises(PermissionDenied):
        services.person_reveal(actor=bp3mi_officer, person=person, field="nik")
    with pytest.raises(PermissionDenied):
        services.report_update(
            actor=bp3mi_officer,
            report=report,
            persons=[],
            correction_reason="Koreksi",
            narrative="Diubah oleh mitra: tidak boleh terjadi sama sekali.",
        )
    with pytest.raises(PermissionDenied):
        services.evidence_upload(
            actor=bp3mi_officer, report=report, upload=f.png_upload(1), kind="photo"
        )
    with pytest.raises(PermissionDenied):
        services.prevention_record(
            actor=bp3mi_officer,
            report=report,
            person=person,
            office=bp3mi_officer.agency,
            kind="passport_deferred",
            date=days(-1),
            checkpoint="passport_office",
            place="Kantor Imigrasi",
        )
    with pytest.raises(PermissionDenied):
        services.report_start_review(actor=bp3mi_officer, report=report)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.PII_REVEALED).exists()


def test_the_partner_never_sees_other_reports_of_the_sender(shared, officer, bp3mi_officer):
    other = f.submitted(officer, narrative="Laporan lain yang tidak pernah dibagikan ke mitra.")
    assert list(selectors.shared_reports(bp3mi_officer)) == [shared]
    assert not shared_with(bp3mi_officer, other)
    filters = selectors.ReportFilters()
    assert list(selectors.report_list(user=bp3mi_officer, filters=filters, shared=True)) == [shared]
    assert list(selectors.report_list(user=bp3mi_officer, filters=filters)) == []


def test_a_shared_report_stays_readable_after_the_agreement_ends(
    shared, pks, system_admin, officer, bp3mi, bp3mi_officer
):
    x.terminate(system_admin, pks)
    assert shared_with(bp3mi_officer, shared)
    share = selectors.share_of(bp3mi_officer, shared)
    assert share.agreement == pks
    assert not share.agreement.is_in_force_on(days(0))


def test_no_referral_after_the_agreement_ends_even_to_a_partner_shared_with(
    shared, pks, system_admin, officer, bp3mi
):
    from referrals.models import Referral

    x.terminate(system_admin, pks)
    with pytest.raises(ValidationError) as exc:
        x.refer(officer, shared, bp3mi)
    assert "to_agency" in exc.value.message_dict
    assert not Referral.objects.exists()


def test_every_user_of_the_partner_sees_it_and_nobody_else(
    shared, make_user, bp3mi, cilegon_officer
):
    sup = x.user(make_user, "supervisor", bp3mi, "bp3misup2")
    assert shared_with(sup, shared)
    assert not shared_with(cilegon_officer, shared)
