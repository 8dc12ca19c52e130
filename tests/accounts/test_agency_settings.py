"""An agency's own settings for sharing and referrals: who may change them, what is valid,
the audit entry, and their effect on sharing and on due dates."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import User
from portal.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def payload(**overrides):
    data = {"referral_days_normal": "7", "referral_days_urgent": "2"}
    data.update(overrides)
    return data


@pytest.fixture
def url(kanim):
    return reverse("accounts:agency_settings", args=[kanim.pk])


def test_the_agencys_admin_changes_its_settings(client, agency_admin, kanim, url):
    client.force_login(agency_admin)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial == {
        "share_requires_approval": False,
        "referral_days_normal": 5,
        "referral_days_urgent": 1,
    }
    response = client.post(url, payload(share_requires_approval="on"))
    assert response.status_code == 302
    assert response.url == kanim.get_absolute_url()
    kanim.refresh_from_db()
    assert kanim.share_requires_approval is True
    assert (kanim.referral_days_normal, kanim.referral_days_urgent) == (7, 2)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.AGENCY_SETTINGS_UPDATED)
    assert entry.actor == agency_admin
    assert (entry.target_type, entry.target_id) == ("accounts.Agency", str(kanim.pk))
    assert entry.agency == kanim
    assert entry.data["changes"]["referral_days_normal"] == [5, 7]
    assert entry.data["changes"]["share_requires_approval"] == [False, True]


def test_a_system_admin_may_change_any_agencys_settings(client, system_admin, bp3mi):
    client.force_login(system_admin)
    url = reverse("accounts:agency_settings", args=[bp3mi.pk])
    assert client.post(url, payload(referral_days_normal="10")).status_code == 302
    bp3mi.refresh_from_db()
    assert bp3mi.referral_days_normal == 10


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (payload(referral_days_normal="0"), "referral_days_normal"),
        (payload(referral_days_normal="61"), "referral_days_normal"),
        (payload(referral_days_urgent="0"), "referral_days_urgent"),
        (payload(referral_days_urgent="61"), "referral_days_urgent"),
        (payload(referral_days_normal=""), "referral_days_normal"),
        (payload(referral_days_normal="3", referral_days_urgent="4"), "referral_days_urgent"),
    ],
)
def test_invalid_settings_are_refused_next_to_the_field(
    client, agency_admin, kanim, url, data, field
):
    client.force_login(agency_admin)
    response = client.post(url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    kanim.refresh_from_db()
    assert (kanim.referral_days_normal, kanim.referral_days_urgent) == (5, 1)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.AGENCY_SETTINGS_UPDATED).exists()


def test_limits_are_inclusive(client, agency_admin, kanim, url):
    client.force_login(agency_admin)
    response = client.post(url, payload(referral_days_normal="60", referral_days_urgent="60"))
    assert response.status_code == 302
    kanim.refresh_from_db()
    assert (kanim.referral_days_normal, kanim.referral_days_urgent) == (60, 60)
    response = client.post(url, payload(referral_days_normal="1", referral_days_urgent="1"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "role",
    [User.Role.OFFICER, User.Role.SUPERVISOR],
)
def test_officers_and_supervisors_may_not(client, make_user, kanim, url, role):
    client.force_login(make_user(role, kanim))
    assert client.get(url).status_code == 403
    assert client.post(url, payload()).status_code == 403
    kanim.refresh_from_db()
    assert kanim.referral_days_normal == 5


def test_another_agencys_admin_may_not(client, make_user, bp3mi, kanim, url):
    client.force_login(make_user(User.Role.AGENCY_ADMIN, bp3mi))
    assert client.get(url).status_code == 403
    assert client.post(url, payload(share_requires_approval="on")).status_code == 403
    kanim.refresh_from_db()
    assert kanim.share_requires_approval is False
    assert kanim.referral_days_normal == 5


def test_the_kanwils_admin_may_not_change_an_office_below(client, make_user, kanwil, kanim, url):
    client.force_login(make_user(User.Role.AGENCY_ADMIN, kanwil))
    assert client.post(url, payload()).status_code == 403


def test_unknown_agency_is_404_and_anonymous_signs_in(client, agency_admin, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.force_login(agency_admin)
    assert client.get(reverse("accounts:agency_settings", args=[999_999])).status_code == 404


def test_agency_page_links_to_the_settings_for_those_who_may(
    client, agency_admin, make_user, kanim, url
):
    client.force_login(agency_admin)
    response = client.get(kanim.get_absolute_url())
    assert response.context["can_change_settings"] is True
    assert url in response.content.decode()


# --- The service ---------------------------------------------------------------------------


def test_service_refuses_other_agencies_admins(make_user, bp3mi, kanim):
    with pytest.raises(PermissionDenied):
        services.agency_settings_update(
            actor=make_user(User.Role.AGENCY_ADMIN, bp3mi), agency=kanim, referral_days_normal=9
        )


def test_service_validates_and_saves_nothing_on_error(agency_admin, kanim):
    with pytest.raises(ValidationError) as exc:
        services.agency_settings_update(
            actor=agency_admin, agency=kanim, referral_days_normal=2, referral_days_urgent=3
        )
    assert "referral_days_urgent" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.agency_settings_update(actor=agency_admin, agency=kanim, referral_days_normal=0)
    assert "referral_days_normal" in exc.value.message_dict
    kanim.refresh_from_db()
    assert (kanim.referral_days_normal, kanim.referral_days_urgent) == (5, 1)


def test_service_audits_only_real_changes(agency_admin, kanim):
    services.agency_settings_update(actor=agency_admin, agency=kanim, referral_days_normal=5)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.AGENCY_SETTINGS_UPDATED).exists()
    services.agency_settings_update(actor=agency_admin, agency=kanim, referral_days_urgent=3)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.AGENCY_SETTINGS_UPDATED)
    assert entry.data["changes"] == {"referral_days_urgent": [1, 3]}


def test_service_takes_only_the_settings(agency_admin, kanim):
    with pytest.raises(TypeError, match="name"):
        services.agency_settings_update(actor=agency_admin, agency=kanim, name="Lain")
    kanim.refresh_from_db()
    assert kanim.name == "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang"


def test_the_settings_set_the_due_dates_of_referrals_received(agency_admin, kanim):
    import datetime as dt

    from referrals.services import referral_due_date

    friday = dt.date(2025, 3, 28)  # Idul Fitri on the Monday and Tuesday after
    services.agency_settings_update(
        actor=agency_admin, agency=kanim, referral_days_normal=3, referral_days_urgent=2
    )
    kanim.refresh_from_db()
    assert referral_due_date(agency=kanim, urgency="urgent", sent_on=friday) == dt.date(2025, 4, 3)
    assert referral_due_date(agency=kanim, urgency="normal", sent_on=friday) == dt.date(2025, 4, 4)
