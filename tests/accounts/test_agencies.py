import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal import access
from portal.accounts import services
from portal.accounts.models import Agency, User, agency_code_from
from portal.audit.models import AuditEntry
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def agency_payload(**overrides):
    data = {
        "name": "Kepolisian Resor Serang",
        "short_name": "Polres Serang",
        "kind": Agency.Kind.POLICE,
        "parent": "",
        "region": "",
        "email": "polres.serang@sinergi.test",
        "phone": "",
        "address": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_system_admin_creates_an_agency_under_a_parent(client, system_admin):
    polda = AgencyFactory(name="Kepolisian Daerah Banten", short_name="Polda Banten", kind="police")
    client.force_login(system_admin)
    response = client.post(reverse("accounts:agency_create"), agency_payload(parent=polda.pk))
    created = Agency.objects.get(short_name="Polres Serang")
    assert response.status_code == 302
    assert created.parent == polda
    assert AuditEntry.objects.filter(action="agency_created", target_id=str(created.pk)).exists()


def test_duplicate_agency_name_is_a_form_error_not_a_crash(client, system_admin, bp3mi):
    client.force_login(system_admin)
    response = client.post(
        reverse("accounts:agency_create"),
        agency_payload(name=bp3mi.name, short_name="Lain"),
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


# --- The agency's code (in its report numbers) ---------------------------------------------


def test_a_new_agency_without_a_code_gets_its_short_name_in_capitals(client, system_admin):
    client.force_login(system_admin)
    client.post(reverse("accounts:agency_create"), agency_payload(code=""))
    assert Agency.objects.get(short_name="Polres Serang").code == "POLRESSERANG"


def test_system_admin_sets_and_changes_the_code(client, system_admin):
    client.force_login(system_admin)
    client.post(reverse("accounts:agency_create"), agency_payload(code=" polressrg "))
    agency = Agency.objects.get(short_name="Polres Serang")
    assert agency.code == "POLRESSRG"

    response = client.post(
        reverse("accounts:agency_edit", args=[agency.pk]), agency_payload(code="PRSRG")
    )

    assert response.status_code == 302
    agency.refresh_from_db()
    assert agency.code == "PRSRG"
    entry = AuditEntry.objects.get(action="agency_updated", target_id=str(agency.pk))
    assert entry.data["changes"]["code"] == ["POLRESSRG", "PRSRG"]


@pytest.mark.parametrize("code", ["P", "POL-RES", "POLRES SERANG", "ABCDEFGHIJKLM", "TAKEN"])
def test_a_short_malformed_or_taken_code_is_a_form_error(client, system_admin, code):
    AgencyFactory(code="TAKEN")
    client.force_login(system_admin)
    response = client.post(reverse("accounts:agency_create"), agency_payload(code=code))
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Agency.objects.filter(short_name="Polres Serang").exists()


@pytest.mark.parametrize(
    ("short_name", "taken", "expected"),
    [
        ("Polres Cilegon", (), "POLRESCILEGO"),
        ("Polres Cilegon", ("POLRESCILEGO",), "POLRESCILEG2"),
        ("BP3MI Banten", (), "BP3MIBANTEN"),
        ("DPD KNPI Kota Tangerang", (), "DPDKNPIKOTAT"),
        ("X", (), "X0"),
        ("—", (), "AGENCY"),
    ],
)
def test_the_derived_code(short_name, taken, expected):
    """What agencies created without a code (and those existing before codes) get."""
    assert agency_code_from(short_name, taken) == expected


@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN])
def test_only_system_admin_may_create_or_edit_agencies(client, make_user, kanim, role):
    client.force_login(make_user(role, kanim))
    assert client.get(reverse("accounts:agency_create")).status_code == 403
    assert (
        client.post(reverse("accounts:agency_edit", args=[kanim.pk]), agency_payload()).status_code
        == 403
    )
    kanim.refresh_from_db()
    assert kanim.short_name == "Kanim Tangerang"


def test_every_signed_in_user_reads_the_agency_directory(client, officer, bp3mi):
    client.force_login(officer)
    listed = list(client.get(reverse("accounts:agency_list")).context["page"])
    assert bp3mi in listed
    assert client.get(reverse("accounts:agency_detail", args=[bp3mi.pk])).status_code == 200


def test_agency_pages_need_sign_in(client, bp3mi):
    response = client.get(reverse("accounts:agency_detail", args=[bp3mi.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_agency_cannot_be_placed_under_its_own_office(system_admin, kanwil, kanim):
    with pytest.raises(ValidationError) as exc:
        services.agency_update(actor=system_admin, agency=kanwil, parent=kanim)
    assert "parent" in exc.value.error_dict
    kanwil.refresh_from_db()
    assert kanwil.parent is None


def test_agency_edit_is_audited_with_the_change(system_admin, bp3mi):
    services.agency_update(actor=system_admin, agency=bp3mi, email="baru@bp3mi.test")
    entry = AuditEntry.objects.get(action="agency_updated")
    assert entry.data["changes"]["email"] == ["", "baru@bp3mi.test"]
    assert entry.agency == bp3mi


def test_agency_admin_may_not_edit_agencies_even_through_the_service(agency_admin, kanim):
    with pytest.raises(PermissionDenied):
        services.agency_update(actor=agency_admin, agency=kanim, name="Baru")


def test_visible_agencies_own_only_for_officer_and_admin(make_user, kanwil, kanim):
    for role in (User.Role.OFFICER, User.Role.AGENCY_ADMIN):
        assert access.visible_agency_ids(make_user(role, kanwil)) == {kanwil.pk}


def test_supervisor_of_parent_sees_child_offices_at_every_depth(make_user, kanwil, kanim, bp3mi):
    seksi = AgencyFactory(short_name="Seksi", parent=kanim)
    supervisor = make_user(User.Role.SUPERVISOR, kanwil)
    assert access.visible_agency_ids(supervisor) == {kanwil.pk, kanim.pk, seksi.pk}


def test_supervisor_of_child_does_not_see_parent(make_user, kanwil, kanim):
    assert access.visible_agency_ids(make_user(User.Role.SUPERVISOR, kanim)) == {kanim.pk}


def test_inactive_or_anonymous_users_see_nothing(make_user, kanwil):
    from django.contrib.auth.models import AnonymousUser

    assert access.visible_agency_ids(AnonymousUser()) == frozenset()
    assert (
        access.visible_agency_ids(make_user(User.Role.OFFICER, kanwil, is_active=False))
        == frozenset()
    )


def test_create_system_admin_bootstraps_an_empty_installation():
    from django.core.management import call_command

    call_command(
        "create_system_admin",
        username="admin",
        email="admin@imigrasi.test",
        full_name="Admin Pertama",
        agency="Kantor Wilayah Direktorat Jenderal Imigrasi Banten",
        agency_short_name="Kanwil Imigrasi Banten",
        agency_kind="immigration",
    )
    admin = User.objects.get(username="admin")
    assert admin.role == User.Role.SYSTEM_ADMIN
    assert admin.agency.short_name == "Kanwil Imigrasi Banten"
    assert not admin.has_usable_password()
    assert admin.requires_mfa
    with pytest.raises(Exception, match="exists already"):
        call_command(
            "create_system_admin",
            username="ADMIN",
            email="x@imigrasi.test",
            full_name="X",
            agency="Lain",
        )


def test_the_agencies_of_the_agreements_get_the_demos_codes_on_migration():
    import importlib

    from portal.accounts.demo import AGENCIES

    migration = importlib.import_module("portal.accounts.migrations.0003_agency_code")
    assert {spec.short_name: spec.code for spec in AGENCIES} == migration.KNOWN_CODES
