"""Notification latency and throughput with real processes: a private Redis, one Celery worker
(solo pool) and the console e-mail backend (what is measured: docs/benchmarks.md). The
agencies and accounts are this part's own, so that every agency has 5 recipients whatever
the data set holds."""

from __future__ import annotations

import datetime as dt
import re
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from celery import Celery, current_app
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from agreements.models import Agreement, AgreementScope, AgreementStatus, Party, Scope
from bench import processes
from bench.pages import percentile
from portal.accounts.models import Agency, User
from portal.accounts.services import agency_code_for
from portal.notifications.models import Notification, OutboxEvent
from referrals import services
from referrals.models import REPORT_SERIES, Report, Share, format_report_number

SOURCE = "Bench Notifikasi Sumber"
PARTNERS = ("Bench Notifikasi Mitra A", "Bench Notifikasi Mitra B", "Bench Notifikasi Mitra C")
USERS_PER_PARTNER = 5  # 4 officers and a supervisor: both roles are told of a share
MESSAGE_ID = re.compile(r"^Message-ID: <(notification-\d+@[^>]+)>", re.MULTILINE)


@dataclass
class NotifyResult:
    latency_shares: int
    notified_p50: float
    notified_p95: float
    emailed_p50: float
    emailed_p95: float
    burst: int
    burst_seconds: float
    shares_per_second: float
    notifications_per_second: float
    notifications: int
    expected: int
    emailed: int
    duplicate_rows: int
    duplicate_emails: int

    @property
    def lossless(self) -> bool:
        return self.notifications == self.expected and self.emailed == self.expected

    def table(self) -> str:
        ms = 1000
        return "\n".join(
            [
                "| measure | value |",
                "|---|---:|",
                f"| shares measured one at a time | {self.latency_shares} |",
                f"| commit → 15 in-app notifications stored, p50 / p95 | {self.notified_p50 * ms:.0f} ms / {self.notified_p95 * ms:.0f} ms |",
                f"| commit → 15 e-mails sent, p50 / p95 | {self.emailed_p50 * ms:.0f} ms / {self.emailed_p95 * ms:.0f} ms |",
                f"| burst: reports shared (3 agencies x 5 users each) | {self.burst} |",
                f"| burst: first commit → last e-mail sent | {self.burst_seconds:.1f} s |",
                f"| burst throughput | {self.shares_per_second:.1f} shares/s, {self.notifications_per_second:.0f} notifications (+ e-mails)/s |",
                f"| notifications stored / expected | {self.notifications} / {self.expected} |",
                f"| e-mails sent (stamped) / expected | {self.emailed} / {self.expected} |",
                f"| duplicate notification rows / duplicate e-mails | {self.duplicate_rows} / {self.duplicate_emails} |",
            ]
        )


def database_url() -> str:
    """This process's database (in tests: the test database) as a URL for the worker."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


def _world() -> tuple[User, list[Agency]]:
    """The source agency's officer and the three partners, with an agreement in force."""
    region = None
    source, _ = Agency.objects.get_or_create(
        short_name=SOURCE,
        defaults={
            "name": f"{SOURCE} (benchmark)",
            "code": agency_code_for(SOURCE),
            "kind": Agency.Kind.IMMIGRATION,
            "region": region,
        },
    )
    partners = [
        Agency.objects.get_or_create(
            short_name=name,
            defaults={
                "name": f"{name} (benchmark)",
                "code": agency_code_for(name),
                "kind": Agency.Kind.POLICE,
            },
        )[0]
        for name in PARTNERS
    ]
    password = (
        User.objects.filter(username__startswith="skala-")
        .values_list("password", flat=True)
        .first()
        or "!"
    )

    def account(agency: Agency, role: str, index: int) -> User:
        username = f"bench-notif-{agency.pk}-{role}-{index}"
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@sinergi.test",
                "full_name": f"Penerima {index} {agency.short_name}",
                "agency": agency,
                "role": role,
                "password": password,
                "language": "id",
            },
        )
        return user

    officer = account(source, User.Role.OFFICER, 1)
    for partner in partners:
        for i in range(1, USERS_PER_PARTNER):
            account(partner, User.Role.OFFICER, i)
        account(partner, User.Role.SUPERVISOR, USERS_PER_PARTNER)
    title = "PKS benchmark notifikasi (data uji)"
    if not Agreement.objects.filter(title=title).exists():
        agreement = Agreement.objects.create(
            title=title,
            kind=Agreement.Kind.PKS,
            status=AgreementStatus.ACTIVE,
            effective_from=timezone.localdate() - dt.timedelta(days=30),
        )
        for agency in (source, *partners):
            Party.objects.create(agreement=agreement, agency=agency)
        scope, _ = Scope.objects.get_or_create(
            code="data-exchange",
            defaults={
                "name_id": "Pertukaran data",
                "name_en": "Data exchange",
                "allows_data_exchange": True,
            },
        )
        AgreementScope.objects.create(agreement=agreement, scope=scope, categories=["tppo"])
    return officer, partners


def _reports(officer: User, count: int) -> list[Report]:
    """`count` submitted TPPO reports of the source agency, numbered from the sequence."""
    now = timezone.now()
    year = timezone.localdate().year
    code = officer.agency.code
    with connection.cursor() as cursor:  # one block of the agency's sequence
        cursor.execute(
            "INSERT INTO referrals_numbercounter (series, code, year, last) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (series, code, year) "
            "DO UPDATE SET last = referrals_numbercounter.last + EXCLUDED.last RETURNING last",
            [REPORT_SERIES, code, year, count],
        )
        (last,) = cursor.fetchone()
    first = last - count + 1
    rows = [
        Report(
            number=format_report_number(code=code, year=year, serial=first + i),
            agency_id=officer.agency_id,
            created_by=officer,
            occurred_at=now - dt.timedelta(hours=2),
            source="hotline",
            narrative="Laporan uji untuk pengukuran notifikasi.",
            indicators=["act_recruitment", "means_deception", "purpose_forced_labour"],
            suggested_categories=["tppo"],
            categories=["tppo"],
            status="submitted",
            submitted_at=now,
            person_count=0,
        )
        for i in range(count)
    ]
    return Report.objects.bulk_create(rows, batch_size=1000)


def _delivered(share_ids: list[int]) -> tuple[int, int]:
    keys = [f"share:{pk}" for pk in share_ids]
    qs = Notification.objects.filter(dedupe_key__in=keys)
    return qs.count(), qs.filter(emailed_at__isnull=False).count()


def _times(share_id: int) -> tuple[dt.datetime, dt.datetime]:
    """When the share's last notification was written, and its last e-mail sent: all of
    them, which the caller has waited for."""
    qs = Notification.objects.filter(dedupe_key=f"share:{share_id}")
    rows = list(qs.values_list("created_at", "emailed_at"))
    emailed = [e for _c, e in rows if e is not None]
    if len(rows) < USERS_PER_PARTNER or len(emailed) < len(rows):
        raise RuntimeError(f"share {share_id}: not every notification was e-mailed")
    return max(c for c, _e in rows), max(emailed)


def run(
    *,
    latency_shares: int = 50,
    burst: int = 1000,
    timeout: float = 600,
    log: Callable[[str], object] = print,
) -> NotifyResult:
    officer, partners = _world()
    reports = _reports(officer, latency_shares + burst)
    per_share = USERS_PER_PARTNER  # each Share row is one agency: 5 users
    with tempfile.TemporaryDirectory(prefix="sinergi-bench-") as tmp:
        workdir = Path(tmp)
        with processes.private_redis(workdir / "redis") as redis_url:
            # A Proxy at run time; celery-types types current_app as the app itself.
            previous = current_app._get_current_object()  # type: ignore[attr-defined]
            app = Celery("portal", set_as_current=False)
            app.config_from_object("django.conf:settings", namespace="CELERY")
            app.conf.update(broker_url=redis_url, result_backend=redis_url)
            app.set_current()
            env = processes.child_env(
                REDIS_URL=redis_url,
                DATABASE_URL=database_url(),
                EMAIL_URL="consolemail://",
                DJANGO_SETTINGS_MODULE=settings.SETTINGS_MODULE,
            )
            args = [processes.PYTHON, "-m", "celery", "-A", "portal", "worker", "--pool", "solo"]
            args += ["--concurrency", "1", "--loglevel", "warning", "--without-gossip"]
            args += ["--without-mingle", "--without-heartbeat", "--hostname", "bench@%h"]
            log_path = workdir / "worker.log"
            try:
                with processes.process(args, env=env, log=log_path) as worker:
                    result = _measure(
                        reports,
                        officer,
                        partners,
                        latency_shares,
                        burst,
                        per_share,
                        worker,
                        timeout,
                        log,
                    )
                    text = log_path.read_text(errors="replace")
            finally:
                previous.set_current()
                app.close()
    sent = Counter(MESSAGE_ID.findall(text))
    result.duplicate_emails = sum(n - 1 for n in sent.values() if n > 1)
    return result


def _measure(
    reports: list[Report],
    officer: User,
    partners: list[Agency],
    latency_shares: int,
    burst: int,
    per_share: int,
    worker: subprocess.Popen[bytes],
    timeout: float,
    log: Callable[[str], object],
) -> NotifyResult:
    # Warm the worker (imports, connections) with the first share, not measured.
    warm, *reports = reports
    shares = services.report_share(actor=officer, report=warm, agencies=partners)
    processes.wait_until(
        lambda: _delivered([s.pk for s in shares])[1] == len(shares) * per_share,
        "the worker's first delivery",
        120,
        worker,
    )
    notified: list[dt.timedelta] = []
    emailed: list[dt.timedelta] = []
    for report in reports[: latency_shares - 1]:
        shares = services.report_share(actor=officer, report=report, agencies=partners)
        committed = timezone.now()
        ids = [s.pk for s in shares]

        def delivered(ids: list[int] = ids) -> bool:
            return _delivered(ids)[1] == len(ids) * per_share

        processes.wait_until(delivered, "one share", 60, worker)
        times = [_times(pk) for pk in ids]
        notified.append(max(t[0] for t in times) - committed)
        emailed.append(max(t[1] for t in times) - committed)
    log(f"  latency: {len(notified)} shares measured")
    burst_reports = reports[latency_shares - 1 : latency_shares - 1 + burst]
    started = time.monotonic()
    burst_ids: list[int] = []
    for report in burst_reports:
        burst_ids += [
            s.pk for s in services.report_share(actor=officer, report=report, agencies=partners)
        ]
    queued = time.monotonic() - started
    log(f"  burst: {len(burst_reports)} reports shared in {queued:.1f}s; waiting for the worker")
    expected = len(burst_ids) * per_share
    deadline = time.monotonic() + timeout
    while True:
        stored, mailed = _delivered(burst_ids)
        if mailed >= expected or time.monotonic() > deadline or worker.poll() is not None:
            break
        time.sleep(0.5)
    finished = time.monotonic() - started
    rows = Notification.objects.filter(dedupe_key__in=[f"share:{pk}" for pk in burst_ids])
    duplicates = (
        rows.values_list("recipient_id", "dedupe_key")
        .order_by()
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    pending = OutboxEvent.objects.filter(
        dedupe_key__in=[f"share:{pk}" for pk in burst_ids], processed_at__isnull=True
    ).count()
    if pending:
        log(f"  {pending} outbox events still unprocessed at the end")
    s = lambda values: [v.total_seconds() for v in values]  # noqa: E731
    return NotifyResult(
        latency_shares=len(notified),
        notified_p50=statistics.median(s(notified)) if notified else 0,
        notified_p95=percentile(s(notified), 95),
        emailed_p50=statistics.median(s(emailed)) if emailed else 0,
        emailed_p95=percentile(s(emailed), 95),
        burst=len(burst_reports),
        burst_seconds=finished,
        shares_per_second=len(burst_reports) / finished if finished else 0,
        notifications_per_second=stored / finished if finished else 0,
        notifications=stored,
        expected=expected,
        emailed=mailed,
        duplicate_rows=duplicates,
        duplicate_emails=0,
    )


def _count() -> Count:
    return Count("pk")


__all__ = ["NotifyResult", "Share", "run"]
