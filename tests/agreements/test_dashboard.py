"""The home page's panels of agreements (agreements/dashboard.py): admins see those ending
within 90 days and those ended lately; case workers do not get them."""

import pytest
from django.urls import reverse

from portal.core.dashboard import dashboard_for
from tests.agreements.factories import AgreementFactory, agreement_between, days

pytestmark = pytest.mark.django_db


def test_admins_see_agreements_ending_soon_and_ended_lately(
    client, agency_admin, system_admin, kanim, bp3mi
):
    ending = agreement_between(kanim, bp3mi, title="PKS berakhir", effective_until=days(30))
    agreement_between(kanim, bp3mi, title="PKS panjang", effective_until=days(400))
    ended = agreement_between(kanim, bp3mi, title="PKS usai", expired=True)

    board = dashboard_for(agency_admin)
    assert [a.pk for a in board.panels["expiring"].rows] == [ending.pk]
    assert [a.pk for a in board.panels["expired"].rows] == [ended.pk]
    assert "drafts" not in board.panels
    assert list(dashboard_for(system_admin).panels)[:2] == ["expiring", "expired"]

    client.force_login(agency_admin)
    html = client.get(reverse("home")).content.decode()
    assert 'id="panel-expiring" data-count="1"' in html
    assert ending.get_absolute_url() in html
    assert 'id="panel-expired" data-count="1"' in html


def test_an_admin_sees_only_the_agreements_of_their_agency(agency_admin, kanwil, bp3mi):
    AgreementFactory(effective_until=days(30))  # binds nobody of Kanim Tangerang
    agreement_between(kanwil, bp3mi, effective_until=days(30))  # the Kanwil's, not covering
    assert dashboard_for(agency_admin).panels["expiring"].count == 0


def test_case_workers_get_no_agreement_panels(officer, kanim, bp3mi):
    agreement_between(kanim, bp3mi, effective_until=days(30))
    board = dashboard_for(officer)
    assert "expiring" not in board.panels
    assert "expired" not in board.panels
