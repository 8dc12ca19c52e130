"""Who may manage which accounts: agency admins their own agency, system admins all,
everyone else nobody — on pages and in the services underneath."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.factories import has_totp

pytestmark = pytest.mark.django_db


def user_payload(agency, **overrides):
    data = {
        "username": "baru",
        "full_name": "Siti Rahmawati",
        "email": "siti@sinergi.test",
        "agency": agency.pk,
        "role": User.Role.OFFICER,
        "position": "Analis Keimigrasian",
        "employee_number": "199001012015032001",
        "phone": "",
        "send_link": "on",
    }
    data.update(overrides)
    return data


def test_agency_admin_creates_officer_who_gets_a_password_link(client, agency_admin, kanim):
    client.force_login(agency_admin)
    response = client.post(reverse("accounts:user_create"), user_payload(kanim))
    created = User.objects.get(username="baru")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert created.agency == kanim
    assert not created.has_usable_password()
    assert [m.to for m in mail.outbox] == [["siti@sinergi.test"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="user_created")
    assert (entry.actor, entry.target_id, entry.agency) == (agency_admin, str(created.pk), kanim)


def test_agency_admin_cannot_create_account_in_another_agency(client, agency_admin, bp3mi):
    client.force_login(agency_admin)
    response = client.post(reverse("accounts:user_create"), user_payload(bp3mi))
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "agency" in response.context["form"].errors
    assert not User.objects.filter(username="baru").exists()


def test_agency_admin_cannot_create_a_system_admin(agency_admin, kanim):
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=agency_admin,
            username="x",
            full_name="X",
            email="x@sinergi.test",
            agency=kanim,
            role=User.Role.SYSTEM_ADMIN,
        )


def test_validation_error_keeps_every_typed_value(client, agency_admin, kanim, officer):
    client.force_login(agency_admin)
    payload = user_payload(kanim, email=officer.email.upper())  # address already in use
    response = client.post(reverse("accounts:user_create"), payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Siti Rahmawati" in html
    assert "Analis Keimigrasian" in html
    assert "199001012015032001" in html
    assert response.context["form"].errors


@pytest.mark.parametrize("name", ["accounts:user_detail", "accounts:user_edit"])
def test_agency_admin_gets_404_for_other_agencys_user_pages(
    client, agency_admin, make_user, bp3mi, name
):
    other = make_user(User.Role.OFFICER, bp3mi)
    client.force_login(agency_admin)
    assert client.get(reverse(name, args=[other.pk])).status_code == 404
    # The same answer as for an account that does not exist at all.
    assert client.get(reverse(name, args=[999_999])).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("accounts:user_edit", {"full_name": "Diubah"}),
        ("accounts:user_set_active", {"active": "0"}),
        ("accounts:user_send_link", {}),
        ("accounts:user_mfa_reset", {}),
    ],
)
def test_agency_admin_cannot_change_other_agencys_user(
    client, agency_admin, make_user, bp3mi, name, data
):
    other = make_user(User.Role.SUPERVISOR, bp3mi)
    client.force_login(agency_admin)
    response = client.post(reverse(name, args=[other.pk]), data)
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.is_active
    assert other.full_name != "Diubah"
    assert has_totp(other)
    assert mail.outbox == []


def test_user_list_shows_only_own_agency_to_agency_admin(
    client, agency_admin, make_user, bp3mi, kanim
):
    mine = make_user(User.Role.OFFICER, kanim, full_name="Petugas Kanim")
    theirs = make_user(User.Role.OFFICER, bp3mi, full_name="Petugas BP3MI")
    client.force_login(agency_admin)
    listed = list(client.get(reverse("accounts:user_list")).context["page"])
    assert mine in listed
    assert agency_admin in listed
    assert theirs not in listed


def test_system_admin_sees_and_manages_every_agency(client, system_admin, make_user, bp3mi):
    other = make_user(User.Role.OFFICER, bp3mi)
    client.force_login(system_admin)
    assert other in list(client.get(reverse("accounts:user_list")).context["page"])
    response = client.post(
        reverse("accounts:user_edit", args=[other.pk]),
        user_payload(bp3mi, username=other.username, email=other.email, role="supervisor"),
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == User.Role.SUPERVISOR
    entry = AuditEntry.objects.get(action="user_updated")
    assert entry.data["changes"]["role"] == ["officer", "supervisor"]


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.SUPERVISOR])
def test_officers_and_supervisors_cannot_manage_accounts(client, make_user, kanim, officer, role):
    actor = make_user(role, kanim)
    client.force_login(actor)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[officer.pk])).status_code == 404
    assert (
        client.post(
            reverse("accounts:user_set_active", args=[officer.pk]), {"active": "0"}
        ).status_code
        == 404
    )
    officer.refresh_from_db()
    assert officer.is_active


def test_agency_admin_cannot_touch_a_system_admin_in_their_agency(agency_admin, make_user, kanim):
    boss = make_user(User.Role.SYSTEM_ADMIN, kanim)
    with pytest.raises(PermissionDenied):
        services.user_set_active(actor=agency_admin, user=boss, active=False)


def test_admin_cannot_deactivate_or_demote_themselves(agency_admin):
    with pytest.raises(ValidationError):
        services.user_set_active(actor=agency_admin, user=agency_admin, active=False)
    with pytest.raises(ValidationError):
        services.user_update(actor=agency_admin, user=agency_admin, role=User.Role.OFFICER)


def test_deactivated_user_is_signed_out_on_next_request(client, agency_admin, officer):
    client.force_login(officer)
    services.user_set_active(actor=agency_admin, user=officer, active=False)
    assert client.get(reverse("home")).status_code == 302
    assert AuditEntry.objects.filter(action="user_deactivated", target_id=str(officer.pk)).exists()


def test_admin_resets_lost_totp_and_user_must_enrol_again(client, agency_admin, make_user, kanim):
    supervisor = make_user(User.Role.SUPERVISOR, kanim)
    client.force_login(agency_admin)
    reset = reverse("accounts:user_mfa_reset", args=[supervisor.pk])
    assert client.post(reset).status_code == 200  # asked first
    assert has_totp(supervisor)
    client.post(reset, {"confirmed": "1"})
    assert not has_totp(supervisor)
    client.force_login(supervisor)
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    assert AuditEntry.objects.filter(action="mfa_reset", target_id=str(supervisor.pk)).exists()


def test_editing_email_keeps_allauth_address_in_sync(client, system_admin, officer):
    from allauth.account.models import EmailAddress

    services.user_update(actor=system_admin, user=officer, email="baru@sinergi.test")
    assert list(EmailAddress.objects.filter(user=officer).values_list("email", flat=True)) == [
        "baru@sinergi.test"
    ]
    client.post(
        "/accounts/login/", {"login": "baru@sinergi.test", "password": "Correct-Horse-Battery-9"}
    )
    assert client.session.get("_auth_user_id") == str(officer.pk)


def test_unchanged_edit_writes_no_audit_entry(system_admin, officer):
    services.user_update(actor=system_admin, user=officer, full_name=officer.full_name)
    assert not AuditEntry.objects.filter(action="user_updated").exists()


def test_system_admin_filters_users_by_agency(client, system_admin, make_user, kanim, bp3mi):
    mine = make_user(User.Role.OFFICER, kanim)
    theirs = make_user(User.Role.OFFICER, bp3mi)
    client.force_login(system_admin)
    listed = list(client.get(reverse("accounts:user_list"), {"agency": bp3mi.pk}).context["page"])
    assert theirs in listed
    assert mine not in listed


def test_agency_admin_cannot_widen_the_list_with_an_agency_parameter(
    client, agency_admin, make_user, bp3mi
):
    theirs = make_user(User.Role.OFFICER, bp3mi)
    client.force_login(agency_admin)
    listed = list(client.get(reverse("accounts:user_list"), {"agency": bp3mi.pk}).context["page"])
    assert theirs not in listed


def test_agency_page_links_to_its_users_only_for_who_may_list_them(
    client, agency_admin, kanim, bp3mi, make_user
):
    make_user(User.Role.SUPERVISOR, kanim)
    client.force_login(agency_admin)
    own = client.get(reverse("accounts:agency_detail", args=[kanim.pk]))
    assert own.context["can_list_users"]
    assert dict(own.context["role_counts"])["Supervisor"] == 1
    other = client.get(reverse("accounts:agency_detail", args=[bp3mi.pk]))
    assert not other.context["can_list_users"]
