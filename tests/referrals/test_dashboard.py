"""The home page's panels of case files (referrals/dashboard.py): each role sees what it has to
act on, and nothing it may not see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.core.dashboard import dashboard_for
from referrals.models import Referral
from referrals.stats.services import refresh_report_stats
from tests.referrals import factories as f
from tests.referrals.exchange import data_agreement, refer
from tests.villages.factories import days

pytestmark = pytest.mark.django_db


def counts(board) -> dict[str, int]:
    return {name: panel.count for name, panel in board.panels.items()}


def test_officer_sees_own_drafts_assigned_referrals_and_unread_notifications(
    client, officer, colleague, kanim_supervisor
):
    mine = f.draft(officer)
    f.draft(colleague)  # a colleague's draft is theirs alone
    f.submitted(officer)
    board = dashboard_for(officer)
    assert [r.pk for r in board.panels["drafts"].rows] == [mine.pk]
    assert counts(board) == {"assigned": 0, "drafts": 1, "notifications": 0}
    assert list(board.panels) == ["assigned", "drafts", "notifications"]
    assert "figures" not in board.summaries

    client.force_login(officer)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="panel-drafts" data-count="1"' in html
    assert mine.number in html
    assert 'id="panel-review"' not in html


def test_supervisor_sees_queues_overdue_referrals_and_figures(
    client,
    officer,
    kanim,
    bp3mi,
    kanim_supervisor,
    bp3mi_supervisor,
    bp3mi_officer,
    system_admin,
    cilegon_officer,
):
    data_agreement(system_admin, kanim, bp3mi)
    waiting = f.submitted(officer, occurred_at=timezone.now())
    f.submitted(cilegon_officer)  # a sibling office: not Kanim Tangerang's supervisor's
    f.draft(officer)
    referral = refer(officer, waiting, bp3mi)
    Referral.objects.filter(pk=referral.pk).update(due_on=days(-2))
    refresh_report_stats(full=True)

    mine = dashboard_for(kanim_supervisor)
    assert [r.pk for r in mine.panels["review"].rows] == [waiting.pk]
    assert mine.panels["overdue-outgoing"].count == 1
    assert mine.panels["overdue"].count == 0
    figures = mine.summaries["figures"].data
    assert figures["open_reports"] == 1  # not the draft, nor the sibling office's report
    assert figures["reports_this_month"] == 1
    assert figures["persons_this_year"] == 1
    assert figures["open_referrals_outgoing"] == 1

    theirs = dashboard_for(bp3mi_supervisor)
    assert theirs.panels["review"].count == 0  # a partner never reviews our reports
    assert [r.pk for r in theirs.panels["incoming"].rows] == [referral.pk]
    assert [r.pk for r in theirs.panels["overdue"].rows] == [referral.pk]
    figures = theirs.summaries["figures"].data
    assert figures["open_reports"] == 0
    assert figures["open_referrals_incoming"] == 1
    assert figures["overdue_referrals_incoming"] == 1

    client.force_login(bp3mi_supervisor)
    html = client.get(reverse("home")).content.decode()
    assert 'id="panel-incoming" data-count="1"' in html
    assert 'id="panel-overdue" data-count="1"' in html
    assert referral.get_absolute_url() in html
    assert 'data-figure="open_reports">0<' in html
    assert 'data-figure="open_referrals_incoming">1<' in html


def test_panels_show_a_few_rows_and_count_them_all(officer, kanim_supervisor):
    reports = [f.submitted(officer) for _ in range(7)]
    panel = dashboard_for(kanim_supervisor).panels["review"]
    assert panel.count == 7
    assert len(panel.rows) == 5
    assert {r.pk for r in panel.rows} <= {r.pk for r in reports}


def test_home_page_query_count_does_not_grow_with_records(
    client, officer, kanim_supervisor, django_assert_max_num_queries
):
    client.force_login(kanim_supervisor)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("home"))
    for _ in range(8):
        f.submitted(officer)
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        assert client.get(reverse("home")).status_code == 200
