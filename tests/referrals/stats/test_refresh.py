"""The summary behind the statistics: the trigger marks the (agency, month) buckets a change
touches, and the refresh makes the summary equal to a count from the reports themselves —
after inserts, corrections, moves across months and regions, drafts and deletions."""

import datetime as dt
import random
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from referrals import services as report_services
from referrals.models import Report, Share
from referrals.stats import demo, services, tasks
from referrals.stats.models import DirtyBucket, RefreshState, ReportStat
from tests.referrals import factories as f
from tests.referrals.stats import builders as b

pytestmark = pytest.mark.django_db


def marked() -> set[tuple[int, dt.date]]:
    return set(DirtyBucket.objects.filter(shared=False).values_list("agency_id", "month"))


def marked_shared() -> set[tuple[int, dt.date]]:
    return set(DirtyBucket.objects.filter(shared=True).values_list("agency_id", "month"))


def clear_marks() -> None:
    DirtyBucket.objects.all().delete()


# --- The trigger ---------------------------------------------------------------------------


def test_a_draft_marks_nothing_and_its_submission_marks_its_month(officer):
    report = f.draft(officer, occurred_at=b.at(2025, 6, 10))
    assert marked() == set()

    report_services.report_submit(actor=officer, report=report)

    assert (officer.agency_id, dt.date(2025, 6, 1)) in marked()


def test_an_update_the_figures_do_not_depend_on_marks_nothing(officer, kanim_supervisor):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    clear_marks()

    report_services.report_start_review(actor=kanim_supervisor, report=report)
    Report.objects.filter(pk=report.pk).update(narrative="Narasi yang diperbaiki sedikit saja.")

    assert marked() == set()


def test_moving_a_report_to_another_month_marks_both_months(officer):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    clear_marks()

    Report.objects.filter(pk=report.pk).update(occurred_at=b.at(2025, 8, 10))

    assert {dt.date(2025, 6, 1), dt.date(2025, 8, 1)} <= {m for _a, m in marked()}


def test_a_changed_place_category_or_person_count_marks_the_bucket(officer):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    for change in (
        {"region": f.region("36.72.01.1002")},
        {"categories": ["tppo", "tppm"]},
        {"person_count": 3},
        {"destination_country": "MY"},
        {"source": "hotline"},
    ):
        clear_marks()
        Report.objects.filter(pk=report.pk).update(**change)
        assert marked() == {(officer.agency_id, dt.date(2025, 6, 1))}, change


def test_deleting_a_submitted_report_marks_its_bucket(officer):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    clear_marks()

    Report.objects.filter(pk=report.pk).delete()

    assert marked() == {(officer.agency_id, dt.date(2025, 6, 1))}


def _unsaved_share(report, agency, pks, actor, status="active") -> Share:
    """A share straight into the table (who may share is the sharing policy's question, not
    the summary's)."""
    return Share(
        report=report,
        agency=agency,
        agreement=pks,
        shared_by=actor,
        status=status,
        shared_at=timezone.now() if status == "active" else None,
    )


def _share(report, agency, pks, actor, status="active") -> Share:
    share = _unsaved_share(report, agency, pks, actor, status)
    share.save()
    return share


def test_a_share_marks_the_receiving_agency_once_it_is_active(officer, pks, bp3mi):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    clear_marks()

    share = _share(report, bp3mi, pks, officer, status="pending")
    assert marked_shared() == set()

    Share.objects.filter(pk=share.pk).update(status="active", shared_at=timezone.now())
    assert marked_shared() == {(bp3mi.pk, dt.date(2025, 6, 1))}
    assert marked() == set()  # the owner's figures do not change

    clear_marks()
    Share.objects.filter(pk=share.pk).update(note="Catatan baru untuk mitra.")
    assert marked_shared() == set()

    Share.objects.filter(pk=share.pk).delete()
    assert marked_shared() == {(bp3mi.pk, dt.date(2025, 6, 1))}


def test_a_change_to_a_shared_report_marks_its_receivers_in_both_months(officer, pks, bp3mi):
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 10))
    _share(report, bp3mi, pks, officer)
    clear_marks()

    Report.objects.filter(pk=report.pk).update(narrative="Narasi yang diperbaiki sedikit saja.")
    assert marked_shared() == set()

    Report.objects.filter(pk=report.pk).update(occurred_at=b.at(2025, 8, 10))
    assert {m for a, m in marked_shared() if a == bp3mi.pk} >= {
        dt.date(2025, 6, 1),
        dt.date(2025, 8, 1),
    }


def test_a_bulk_insert_marks_each_bucket_once_per_statement(officer):
    Report.objects.bulk_create(
        [b.bulk_report(officer, occurred_at=b.at(2025, m, d)) for m in (1, 2) for d in (5, 20)]
    )
    assert DirtyBucket.objects.count() == 2
    assert marked() == {
        (officer.agency_id, dt.date(2025, 1, 1)),
        (officer.agency_id, dt.date(2025, 2, 1)),
    }


def test_a_report_late_on_the_last_day_counts_in_its_local_month(officer):
    """23:30 in Jakarta on 30 June is 16:30 UTC: the trigger marks June and July (it does not
    know the zone), the refresh counts the report in June."""
    report = b.submitted(officer, occurred_at=b.at(2025, 6, 30, hour=23))

    services.refresh_report_stats()

    months = set(
        ReportStat.objects.filter(dimension="total", category="all").values_list("month", flat=True)
    )
    assert months == {dt.date(2025, 6, 1)}
    assert report.occurred_at.astimezone(dt.UTC).day == 30


# --- The refresh ---------------------------------------------------------------------------


def test_refresh_counts_a_report_under_each_category_and_once_under_all(officer):
    b.submitted(
        officer,
        persons=2,
        occurred_at=b.at(2025, 4),
        categories=["tppo", "tppm"],
        destination_country="MY",
    )

    services.refresh_report_stats()

    rows = {
        (s.dimension, s.key, s.category): (s.reports, s.persons)
        for s in ReportStat.objects.filter(agency=officer.agency)
    }
    assert rows[("total", "tppm+tppo", "all")] == (1, 2)
    assert rows[("total", "tppm+tppo", "tppo")] == (1, 2)
    assert rows[("total", "tppm+tppo", "tppm")] == (1, 2)
    assert rows[("destination", "MY", "all")] == (1, 2)
    assert rows[("regency", "36.71", "all")] == (1, 2)
    assert rows[("village", f.PLACE, "all")] == (1, 2)
    assert rows[("source", "passport_interview", "all")] == (1, 2)
    assert sum(n for (d, _k, c), (n, _p) in rows.items() if d == "total" and c == "all") == 1


def test_refresh_takes_the_marks_and_records_when(officer):
    b.submitted(officer, occurred_at=b.at(2025, 4))

    result = services.refresh_report_stats()

    assert result.buckets >= 1
    assert not result.skipped
    assert DirtyBucket.objects.count() == 0
    state = RefreshState.objects.get()
    assert state.refreshed_at is not None
    assert state.rebuilt_at is None

    again = services.refresh_report_stats()
    assert again.buckets == 0
    assert again.rows == 0
    assert ReportStat.objects.filter(dimension="total", category="all").count() == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_refresh_is_exact_against_a_count_of_the_reports(
    seed, officer, cilegon_officer, bp3mi_officer, pks, kanwil, bp3mi
):
    """Random reports (drafts, several categories, regions at village, district and regency
    level, times near month ends) of Kanim Tangerang, Kanim Cilegon (both below the Kanwil) and
    BP3MI, shared at random with the others (active, awaiting approval, refused), refreshed
    after each round of random changes to reports and shares; the summary — own rows and the
    shared rows of every reach — always equals a brute-force count, and a full rebuild gives
    the same rows."""
    rng = random.Random(seed)
    places = [
        f.region(code) for code in (f.PLACE, "36.72.01.1002", "36.03.01.2003", "36.72.01", "36.03")
    ]
    combos = [
        ["tppo"],
        ["tppm"],
        ["pmi_nonprocedural"],
        ["tppo", "tppm"],
        ["tppm", "tppo", "pmi_nonprocedural"],
    ]
    actors = [officer, cilegon_officer, bp3mi_officer]
    agencies = [officer.agency, cilegon_officer.agency, bp3mi, kanwil]

    def random_time() -> dt.datetime:
        month = rng.randint(1, 12)
        day = rng.choice([1, 15, 28])
        return b.at(2025, month, day, hour=rng.choice([0, 6, 12, 23]))

    Report.objects.bulk_create(
        [
            b.bulk_report(
                rng.choice(actors),
                occurred_at=random_time(),
                categories=rng.choice(combos),
                region=rng.choice(places),
                destination_country=rng.choice(["", "MY", "SA", "TW"]),
                source=rng.choice(["passport_interview", "hotline", "departure_check"]),
                person_count=rng.randint(0, 4),
                status=rng.choice(["draft", "submitted", "submitted", "closed", "under_review"]),
                outcome="other",
            )
            for _ in range(60)
        ]
    )
    share_statuses = ["active", "active", "active", "pending", "refused"]

    def share(report: Report, agency) -> Share:
        return _unsaved_share(report, agency, pks, officer, rng.choice(share_statuses))

    Share.objects.bulk_create(
        [
            share(report, agency)
            for report in Report.objects.all()
            for agency in rng.sample(agencies, rng.randint(0, 3))
            if agency.pk != report.agency_id
        ]
    )
    services.refresh_report_stats()
    assert b.summary() == b.brute_force()
    assert ReportStat.objects.filter(part="shared_below", agency=kanwil).exists()

    for _round in range(3):
        ids = list(Report.objects.values_list("pk", flat=True))
        for pk in rng.sample(ids, 12):
            change = rng.choice(["time", "region", "categories", "status", "persons", "delete"])
            qs = Report.objects.filter(pk=pk)
            if change == "time":
                qs.update(occurred_at=random_time())
            elif change == "region":
                qs.update(region=rng.choice(places))
            elif change == "categories":
                qs.update(categories=rng.choice(combos))
            elif change == "status":
                qs.update(status=rng.choice(["draft", "submitted", "closed"]))
            elif change == "persons":
                qs.update(person_count=rng.randint(0, 6))
            else:
                qs.delete()
        # A statement that changes many rows at once.
        Report.objects.filter(pk__in=rng.sample(ids, 5)).update(destination_country="KH")
        # Shares decided, revoked, moved, withdrawn, and new ones.
        share_ids = list(Share.objects.values_list("pk", flat=True))
        for pk in rng.sample(share_ids, min(10, len(share_ids))):
            change = rng.choice(["status", "agency", "delete"])
            qs = Share.objects.filter(pk=pk)
            if change == "status":
                status = rng.choice(share_statuses)
                qs.update(status=status, shared_at=timezone.now() if status == "active" else None)
            elif change == "agency":
                taken = qs.get()
                free = [
                    a
                    for a in agencies
                    if a.pk != taken.report.agency_id
                    and not Share.objects.filter(report=taken.report, agency=a).exists()
                ]
                if free:
                    qs.update(agency=rng.choice(free))
            else:
                qs.delete()
        unshared = Report.objects.filter(shares__isnull=True)[:4]
        Share.objects.bulk_create(
            [share(r, a) for r in unshared for a in agencies[:1] if a.pk != r.agency_id]
        )
        services.refresh_report_stats()
        assert b.summary() == b.brute_force()

    incremental = b.summary()
    services.refresh_report_stats(full=True)
    assert b.summary() == incremental
    assert RefreshState.objects.get().rebuilt_at is not None


def test_a_moved_agency_recomputes_every_reach(officer, cilegon_officer, pks, kanwil, bp3mi):
    """A report of BP3MI shared with Kanim Tangerang counts for the Kanim, and for the Kanwil
    with the offices below it — until the Kanim no longer sits below the Kanwil."""
    report = b.submitted(cilegon_officer, occurred_at=b.at(2025, 4))
    Report.objects.filter(pk=report.pk).update(agency=bp3mi)
    _share(report, officer.agency, pks, officer)
    services.refresh_report_stats()
    below = ReportStat.objects.filter(part="shared_below", agency=kanwil, dimension="total")
    assert below.filter(category="all").count() == 1

    officer.agency.parent = None
    officer.agency.save()
    services.refresh_report_stats()

    assert not below.exists()
    assert b.summary() == b.brute_force()


def test_full_rebuild_replaces_whatever_the_summary_held(officer):
    b.submitted(officer, occurred_at=b.at(2025, 4))
    services.refresh_report_stats()
    # Rows no report explains (as after restoring the summary from an older backup).
    ReportStat.objects.create(
        agency=officer.agency,
        month=dt.date(2019, 1, 1),
        dimension="total",
        key="tppo",
        category="all",
        reports=7,
        persons=7,
    )

    services.refresh_report_stats(full=True)

    assert b.summary() == b.brute_force()
    assert not ReportStat.objects.filter(month=dt.date(2019, 1, 1)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_refresh_that_finds_another_running_leaves_the_marks_for_the_next(officer):
    b.submitted(officer, occurred_at=b.at(2025, 4))
    from django.db import connections

    other = connections.create_connection("default")
    try:
        with other.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [services.LOCK_KEY])
            result = services.refresh_report_stats()
            cur.execute("ROLLBACK")
    finally:
        other.close()

    assert result.skipped
    assert DirtyBucket.objects.exists()
    assert services.refresh_report_stats().buckets >= 1
    assert not DirtyBucket.objects.exists()


# --- Entry points --------------------------------------------------------------------------


def test_the_task_the_command_and_the_demo_refresh(officer, settings):
    b.submitted(officer, occurred_at=b.at(2025, 4))
    tasks.refresh_report_stats.apply()
    assert ReportStat.objects.filter(dimension="total", category="all").count() == 1

    out = StringIO()
    call_command("refresh_stats", "--full", stdout=out)
    assert "all buckets" in out.getvalue()
    assert RefreshState.objects.get().rebuilt_at is not None

    ReportStat.objects.all().delete()
    demo.seed()
    assert ReportStat.objects.filter(dimension="total", category="all").count() == 1

    schedule = {e["task"]: e for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.stats.tasks.refresh_report_stats" in schedule
    # seed_demo runs the apps' demo modules in INSTALLED_APPS order: the summary last.
    apps = settings.INSTALLED_APPS
    assert apps.index("referrals.stats") > apps.index("referrals")


def test_the_app_keeps_its_label_so_existing_databases_carry_on():
    # Moved from portal/stats to referrals/stats: migrations, tables, permissions and URL
    # names are keyed by the label, which stayed "stats".
    config = django_apps.get_app_config("stats")
    assert config.name == "referrals.stats"
    assert ReportStat._meta.db_table == "stats_reportstat"
    applied = MigrationRecorder(connection).applied_migrations()
    assert ("stats", "0004_mark_shared_buckets") in applied
