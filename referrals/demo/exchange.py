"""Shares and referrals between the demo agencies along their real agreements (agreements/demo.py),
each checked against agreements.sharing_policy on its own date. They go in through the bulk
loader, not the services: those would date every step and audit entry today and e-mail the
demo accounts."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone, translation

from agreements.models import Agreement, AgreementStatus
from agreements.sharing_policy import policy_changed
from portal.accounts.models import Agency, User
from portal.core.categories import ReportCategory
from portal.notifications.models import Notification
from referrals import services
from referrals.demo import loader
from referrals.demo.tables import (
    AGENCIES,
    APPROVAL_AGENCY,
    BP3MI,
    BP3MI_IMM,
    DECLINE_REASONS,
    DECLINE_REPLY,
    DESTINATIONS,
    EXCHANGE_RNG_SEED,
    FOREIGN_MESSAGES,
    FOREIGN_UPDATES,
    FRESH,
    GROUP_TURNS,
    IMM_BP3MI,
    IMM_POLICE,
    KANIM_OF_REGENCY,
    KANWIL,
    OUTCOMES,
    OVERDUE,
    PAST,
    PENDING_NOTE,
    PENDING_SHARES,
    PLAIN_SHARES,
    POLDA,
    POLICE_IMM,
    POLRES_CILEGON,
    RA,
    RECEIVER_UPDATES,
    RECENT,
    RECENT_DAYS,
    REFERRAL_MESSAGES,
    REFERRAL_PLAN,
    REFUSED_NOTE,
    ROMAN,
    RS,
    SENDER_REMINDER,
    SENDER_REPLIES,
    SHARE_NOTES,
    S,
    tanggal,
    village_label,
    village_office,
)
from referrals.models import (
    REFERRAL_SERIES,
    Referral,
    ReferralComment,
    Report,
    Share,
    format_referral_number,
    numbered_in,
)
from referrals.vocabularies import PersonRole, ReportStatus, RequestedAction, ShareStatus
from referrals.workdays import add_working_days, is_working_day


@dataclass(frozen=True)
class Staff:
    officer: User
    supervisor: User


@dataclass(frozen=True)
class Route:
    """A partner a report could sensibly go to, and what it could be asked to do (the
    sharing policy still decides whether and when it may)."""

    report: Report
    target: Agency
    actions: tuple[str, ...]
    group: str


@dataclass
class ShareRow:
    share: Share
    requested_at: dt.datetime


@dataclass
class ReferralRow:
    referral: Referral
    share: ShareRow
    sent_at: dt.datetime  # kept here: the insert stamps the auto_now_add field with now
    decided_by: User | None = None  # the receiving supervisor who accepted or declined
    comments: list[tuple[ReferralComment, dt.datetime]] = field(default_factory=list)

    @property
    def updated_at(self) -> dt.datetime:
        r = self.referral
        return max(t for t in (self.sent_at, r.accepted_at, r.started_at, r.closed_at) if t)


@dataclass
class Notice:
    """Something a notification tells, before its recipients are known."""

    at: dt.datetime
    kind: str
    params: dict
    url: str
    dedupe_key: str
    agency_ids: tuple[int, ...] = ()
    roles: tuple[str, ...] = (User.Role.OFFICER, User.Role.SUPERVISOR)
    exclude_user_id: int | None = None
    user: User | None = None  # one named recipient instead (the assignee)


class ExchangePlanner:
    """Plans the shares, referrals and comments, from one random source."""

    def __init__(self, rng: random.Random, agencies: dict[str, Agency], staff: dict[int, Staff]):
        self.rng = rng
        self.agencies = agencies
        self.staff = staff
        self.tz = timezone.get_default_timezone()
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.first_day = min(
            Agreement.objects.exclude(status=AgreementStatus.DRAFT)
            .filter(scopes__scope__allows_data_exchange=True)
            .values_list("effective_from", flat=True),
            default=None,
        )
        # The policy answers the same on every day between two of these: the days an
        # agreement starts, ends or is terminated. One question per period is enough.
        self.policy_changes = sorted(
            {
                day
                for start, until, terminated in Agreement.objects.exclude(
                    status=AgreementStatus.DRAFT
                ).values_list("effective_from", "effective_until", "terminated_on")
                for day in (start, until and until + dt.timedelta(days=1), terminated)
                if day
            }
        )
        self.policy: dict[tuple, dict[int, list]] = {}
        self.taken: set[tuple[int, int]] = set()  # (report, agency) pairs already shared
        self.referred: set[int] = set()  # reports with a referral
        self.shares: list[ShareRow] = []
        self.referrals: list[ReferralRow] = []

    # --- time ---------------------------------------------------------------------------

    def at(self, day: dt.date) -> dt.datetime:
        """A moment of office hours on `day`."""
        minute = self.rng.randint(7 * 60 + 45, 16 * 60 + 30)
        time = dt.time(minute // 60, minute % 60, self.rng.randint(0, 59))
        return dt.datetime.combine(day, time, tzinfo=self.tz)

    def after(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A moment `low`..`high` working days after `moment` (0: a little later the same
        day), always before now."""
        days = self.rng.randint(low, high)
        later = moment + dt.timedelta(minutes=self.rng.randint(20, 180))
        if days == 0 and timezone.localtime(later, self.tz).hour >= 17:
            days = 1  # after office hours: the next working day
        if days:
            later = self.at(add_working_days(timezone.localdate(moment, self.tz), days))
        if later >= self.now - dt.timedelta(minutes=5):
            # Today, then: before now, and before the end of office hours if that allows.
            closing = dt.datetime.combine(self.today, dt.time(17, 0), tzinfo=self.tz)
            limit = min(self.now, closing) if moment < closing else self.now
            later = moment + (limit - moment) * self.rng.uniform(0.3, 0.7)
        return later

    def day(
        self, low: dt.date, high: dt.date, ok: Callable[[dt.date], bool] | None = None
    ) -> dt.date | None:
        """A random working day in low..high for which ok(day) holds."""
        days = []
        for offset in range((high - low).days + 1):
            day = low + dt.timedelta(days=offset)
            if is_working_day(day) and (ok is None or ok(day)):
                days.append(day)
        return self.rng.choice(days) if days else None

    def earliest(self, report: Report) -> dt.date:
        """The first day a report can be shared: after it was submitted, under an agreement."""
        submitted = timezone.localdate(report.submitted_at, self.tz) + dt.timedelta(days=1)
        return max(submitted, self.start)

    @property
    def start(self) -> dt.date:
        """`first_day`: seed() plans nothing without one."""
        if self.first_day is None:
            raise RuntimeError("no agreement to share under")
        return self.first_day

    # --- policy -------------------------------------------------------------------------

    def agreement(self, report: Report, target: Agency, day: dt.date) -> Agreement | None:
        """The agreement the sharing policy names first for this share on `day`, or None."""
        period = max((d for d in self.policy_changes if d <= day), default=None)
        key = (report.agency_id, tuple(sorted(report.categories)), period)
        if key not in self.policy:
            self.policy[key] = services.entitled_partners(report=report, on=day)
        bases = self.policy[key].get(target.pk)
        return bases[0].agreement if bases else None

    def routes(self, report: Report) -> list[Route]:
        a = self.agencies
        regency = report.region.code[:5] if report.region is not None else ""
        kanim = a.get(KANIM_OF_REGENCY.get(regency, ""))
        categories = set(report.categories)
        foreign = _foreign(report)
        routes = []
        if report.agency.kind == Agency.Kind.IMMIGRATION:
            police = a[POLRES_CILEGON] if regency == "36.72" else a[POLDA]
            routes.append(Route(report, police, (RA.INVESTIGATION,), IMM_POLICE))
            if categories <= {ReportCategory.TPPO, ReportCategory.TPPM} and not foreign:
                abroad = report.source in (S.HOTLINE, S.PARTNER_AGENCY, S.VILLAGE_REPORT)
                action = RA.REPATRIATION if abroad else RA.VICTIM_PROTECTION
                routes.append(Route(report, a[BP3MI], (action,), IMM_BP3MI))
        else:
            group = BP3MI_IMM if report.agency.short_name == BP3MI else POLICE_IMM
            outreach = report.desa_id and not foreign
            actions = (RA.DOCUMENT_CHECK, RA.VILLAGE_OUTREACH) if outreach else ()
            if kanim is not None:
                routes.append(Route(report, kanim, actions or (RA.DOCUMENT_CHECK,), group))
            routes.append(Route(report, a[KANWIL], (RA.DOCUMENT_CHECK,), group))
        return routes

    # --- shares -------------------------------------------------------------------------

    def add_share(
        self,
        route: Route,
        day: dt.date,
        *,
        status: str = ShareStatus.ACTIVE,
        by: User | None = None,
        at: dt.datetime | None = None,
        note: str | None = None,
    ) -> ShareRow | None:
        report, target = route.report, route.target
        agreement = self.agreement(report, target, day)
        if agreement is None or (report.pk, target.pk) in self.taken:
            return None
        staff = self.staff[report.agency_id]
        approval = report.agency.share_requires_approval  # as services.report_share reads it
        if by is None:
            by = staff.supervisor if self.rng.random() < 0.25 else staff.officer
        requested = at or self.at(day)
        share = Share(
            report=report,
            agency=target,
            agreement=agreement,
            status=status,
            note=self.share_note(report) if note is None else note,
            shared_by=by,
        )
        if status == ShareStatus.ACTIVE:
            if approval and by.role != User.Role.SUPERVISOR and at is None:
                share.decided_by = staff.supervisor  # approved a little later
                share.shared_at = self.after(requested, 0, 1)
            else:
                share.decided_by = by
                share.shared_at = requested
        elif status == ShareStatus.REFUSED:
            share.decided_by = staff.supervisor
        self.taken.add((report.pk, target.pk))
        row = ShareRow(share, requested)
        self.shares.append(row)
        return row

    def pools(self, routes: list[Route]) -> dict[str, list[Route]]:
        pools: dict[str, list[Route]] = {}
        for route in routes:
            pools.setdefault(route.group, []).append(route)
        for pool in pools.values():
            self.rng.shuffle(pool)
        return pools

    def share_note(self, report: Report) -> str:
        note = self.rng.choice(SHARE_NOTES)
        return note if report.desa_id or "Desa Binaan" not in note else ""

    def plain_shares(self, routes: list[Route], count: int) -> None:
        """Shares without a referral: the backlog shared in the weeks after the agreements
        were signed, later reports as they came; two requested by the approval agency's
        officer and approved by its supervisor."""
        done = 0
        own = [r for r in routes if r.report.agency.short_name == APPROVAL_AGENCY]
        self.rng.shuffle(own)
        for route in own:
            if done >= 2:
                break
            done += self.share_once(route, by=self.staff[route.report.agency_id].officer)
        pools = self.pools(routes)
        turn = 0
        while done < count and any(pools.values()):
            pool = pools.get(GROUP_TURNS[turn % len(GROUP_TURNS)])
            turn += 1
            if pool:
                done += self.share_once(pool.pop())

    def share_once(self, route: Route, by: User | None = None) -> bool:
        low = self.earliest(route.report)
        high = self.today - dt.timedelta(days=1)
        if self.rng.random() < 0.5:  # the backlog, in the weeks after the signing
            high = min(high, max(low, self.start + dt.timedelta(days=45)))
        day = self.day(low, high)
        return day is not None and self.add_share(route, day, by=by) is not None

    def waiting_and_refused(self, reports: list[Report]) -> None:
        """The approval agency's officer asks to share a few reports with the police: some
        still wait for the supervisor; one went to the wrong Polres and was refused."""
        a = self.agencies
        own = [r for r in reports if r.agency.short_name == APPROVAL_AGENCY]
        self.rng.shuffle(own)
        officer = self.staff[a[APPROVAL_AGENCY].pk].officer
        pending = 0
        refused = False
        for report in own:
            if pending < PENDING_SHARES and report.status != ReportStatus.CLOSED:
                route = Route(report, a[POLDA], (), IMM_POLICE)
                low = max(self.earliest(report), self.today - dt.timedelta(days=12))
                day = self.day(low, self.today - dt.timedelta(days=1))
                row = day and self.add_share(
                    route, day, status=ShareStatus.PENDING, by=officer, note=PENDING_NOTE
                )
                pending += bool(row)
            elif (
                not refused
                and report.region is not None
                and not report.region.code.startswith("36.72")
            ):
                route = Route(report, a[POLRES_CILEGON], (), IMM_POLICE)
                day = self.day(self.earliest(report), self.today - dt.timedelta(days=20))
                row = day and self.add_share(
                    route, day, status=ShareStatus.REFUSED, by=officer, note=REFUSED_NOTE
                )
                refused = bool(row)
            if pending >= PENDING_SHARES and refused:
                break

    # --- referrals ----------------------------------------------------------------------

    def due(self, target: Agency, urgency: str, sent_on: dt.date) -> dt.date:
        return services.referral_due_date(agency=target, urgency=urgency, sent_on=sent_on)

    def sent_day(self, route: Route, urgency: str, when: str) -> dt.date | None:
        today, low = self.today, self.earliest(route.report)
        yesterday = today - dt.timedelta(days=1)

        def due(day: dt.date) -> dt.date:
            return self.due(route.target, urgency, day)

        if when == FRESH:
            low = max(low, today - dt.timedelta(days=12))
            return self.day(low, yesterday, lambda d: due(d) >= today)
        if when == OVERDUE:
            low = max(low, today - dt.timedelta(days=60))
            return self.day(
                low, yesterday, lambda d: today - dt.timedelta(days=30) <= due(d) < today
            )
        if when == RECENT:
            return self.day(max(low, today - dt.timedelta(days=10)), yesterday)
        return self.day(low, today - dt.timedelta(days=12))

    def referrals_along(self, routes: list[Route]) -> None:
        by_group = self.pools(routes)
        plan = list(REFERRAL_PLAN)
        self.rng.shuffle(plan)
        for turn, (status, urgency, when) in enumerate(plan):
            groups = GROUP_TURNS[turn % len(GROUP_TURNS) :] + GROUP_TURNS
            for group in groups:
                if self.refer(by_group.get(group, []), status, urgency, when):
                    break

    def refer(self, pool: list[Route], status: str, urgency: str, when: str) -> bool:
        for route in pool:
            report = route.report
            if report.pk in self.referred or (report.pk, route.target.pk) in self.taken:
                continue
            sent_on = self.sent_day(route, urgency, when)
            if sent_on is None or self.agreement(report, route.target, sent_on) is None:
                continue
            self.referral(route, status, urgency, when, sent_on)
            return True
        return False

    def referral(
        self, route: Route, status: str, urgency: str, when: str, sent_on: dt.date
    ) -> None:
        rng, report, target = self.rng, route.report, route.target
        sender_staff, receiver = self.staff[report.agency_id], self.staff[target.pk]
        sender = sender_staff.supervisor if rng.random() < 0.3 else sender_staff.officer
        sent_at = self.at(sent_on)
        share = None
        if when in (PAST, OVERDUE) and rng.random() < 0.35:  # shared some time before
            day = self.day(self.earliest(report), sent_on - dt.timedelta(days=1))
            share = self.add_share(route, day) if day else None
            shared_at = share.share.shared_at if share else None
            if share and shared_at is not None and shared_at >= sent_at:  # approved just before
                share.share.shared_at = share.requested_at + dt.timedelta(minutes=30)
        if share is None:
            share = self.add_share(route, sent_on, by=sender, at=sent_at, note="")
        if share is None:
            raise RuntimeError(f"no agreement allows referring {report.number} to {target}")
        action = rng.choice(route.actions)
        words = self.words(report, target)
        foreign = _foreign(report)
        messages = FOREIGN_MESSAGES[action] if foreign else REFERRAL_MESSAGES[action]
        referral = Referral(
            report=report,
            share=share.share,
            from_agency=report.agency,
            to_agency=target,
            requested_action=action,
            urgency=urgency,
            due_on=self.due(target, urgency, sent_on),
            message=rng.choice(messages).format(**words),
            status=status,
            sent_by=sender,
        )
        row = ReferralRow(referral, share, sent_at)
        self.referred.add(report.pk)
        self.referrals.append(row)
        if status == RS.SENT:
            if when == OVERDUE:
                self.comment(row, sender, self.after(self.at(referral.due_on), 1, 2), "reminder")
            return
        row.decided_by = receiver.supervisor
        if status == RS.DECLINED:
            referral.closed_at = self.after(sent_at, 0, 2)
            referral.decline_reason = rng.choice(DECLINE_REASONS[target.kind])
            if rng.random() < 0.5:
                self.comment(row, sender, self.after(referral.closed_at, 0, 1), DECLINE_REPLY)
            return
        referral.assigned_to = receiver.officer
        referral.accepted_at = last = self.after(sent_at, 0, 1)
        if status in (RS.IN_PROGRESS, RS.COMPLETED):
            referral.started_at = last = self.after(referral.accepted_at, 0, 2)
        talk = rng.random() < (0.8 if when in (FRESH, OVERDUE) else 0.4)
        if talk:
            update = FOREIGN_UPDATES if foreign else RECEIVER_UPDATES[action]
            first = self.after(last, 0, 1)
            self.comment(row, receiver.officer, first, update[0].format(**words))
            if status != RS.ACCEPTED:
                reply = self.after(first, 0, 1)
                self.comment(row, sender, reply, rng.choice(SENDER_REPLIES))
                self.comment(
                    row, receiver.officer, self.after(reply, 0, 2), update[1].format(**words)
                )
            last = max(at for _comment, at in row.comments)
        if status == RS.COMPLETED:
            referral.closed_at = self.after(last, 1, 6)
            referral.outcome, note = rng.choice(OUTCOMES[action])
            closed_on = timezone.localdate(referral.closed_at, self.tz)
            words.update(
                tanggal=tanggal(closed_on),
                bulan=ROMAN[closed_on.month - 1],
                tahun=str(closed_on.year),
            )
            referral.outcome_note = note.format(**words)

    def comment(self, row: ReferralRow, author: User, at: dt.datetime, body: str) -> None:
        referral = row.referral
        if body == "reminder":
            body = SENDER_REMINDER.format(batas=tanggal(referral.due_on))
        comment = ReferralComment(
            referral=referral, author=author, agency_id=author.agency_id, body=body
        )
        row.comments.append((comment, at))

    def words(self, report: Report, target: Agency) -> dict[str, str]:
        """The details a message names: persons, places, the destination."""
        persons = list(report.persons.all())
        victim = persons[0].full_name if persons else "yang bersangkutan"
        suspect = next((p for p in persons if p.is_suspect), None)
        region = report.region
        country = DESTINATIONS.get(report.destination_country.code or "")
        return {
            "nomor": report.number,
            "korban": victim,
            "pelaku": f"{'sponsor' if suspect.role == PersonRole.RECRUITER else 'penyelundup'} "
            f"{suspect.full_name}"
            if suspect
            else "sponsor (identitas belum diketahui)",
            "desa": village_label(region.code, region.name) if region else "desa asal korban",
            "kantor": village_office(region.code, region.name) if region else "balai desa",
            "kecamatan": region.parent.name if region and region.parent else "-",
            "negara": country.name if country else "luar negeri",
            "satker": "POLRES CILEGON/POLDA BANTEN"
            if target.short_name == POLRES_CILEGON
            else "POLDA BANTEN",
            "lp": str(self.rng.randint(120, 980)),
            "hadir": str(self.rng.randint(35, 120)),
        }


def _foreign(report: Report) -> bool:
    persons = list(report.persons.all())
    return bool(persons) and persons[0].nationality.code not in ("ID", None, "")


def _staff(agencies: dict[str, Agency]) -> dict[int, Staff] | None:
    """The demo officer and supervisor of each agency (the first created of each role)."""
    found: dict[tuple[int, str], User] = {}
    for user in User.objects.filter(
        agency__in=agencies.values(),
        role__in=(User.Role.OFFICER, User.Role.SUPERVISOR),
        is_active=True,
    ).order_by("-id"):
        found[(user.agency_id, user.role)] = user
    staff = {}
    for agency in agencies.values():
        officer = found.get((agency.pk, User.Role.OFFICER))
        supervisor = found.get((agency.pk, User.Role.SUPERVISOR))
        if officer is None or supervisor is None:
            return None
        staff[agency.pk] = Staff(officer, supervisor)
    return staff


def exchanges_seeded() -> bool:
    return Share.objects.exists()


def seed_exchanges() -> None:
    """Shares and referrals between the demo agencies along their agreements, in every
    status, with comments and the notifications of the last days. Nothing when any share
    exists already."""
    if exchanges_seeded():
        return
    agencies = {a.short_name: a for a in Agency.objects.filter(short_name__in=(*AGENCIES, KANWIL))}
    staff = _staff(agencies) if len(agencies) == len(AGENCIES) + 1 else None
    if staff is None:
        return
    reports = list(
        Report.objects.filter(
            numbered_in(2024) | numbered_in(2025),
            agency__in=agencies.values(),
        )
        .exclude(status=ReportStatus.DRAFT)
        .exclude(categories=[])
        .select_related("agency", "region__parent")
        .prefetch_related("persons")
        .order_by("number")
    )
    rng = random.Random(EXCHANGE_RNG_SEED)  # noqa: S311 - demo data, not secrets
    planner = ExchangePlanner(rng, agencies, staff)
    if not reports or planner.first_day is None or planner.first_day >= planner.today:
        return  # no report, or no agreement to share under yet
    approval = agencies[APPROVAL_AGENCY]
    Agency.objects.filter(pk=approval.pk).update(share_requires_approval=True)
    policy_changed()  # an Agency written without a signal (not an input today; cheap to be sure)
    approval.share_requires_approval = True
    for report in reports:  # one object per agency, as loaded above
        report.agency = agencies[report.agency.short_name]

    open_statuses = (ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW)
    open_routes = [
        route for r in reports if r.status in open_statuses for route in planner.routes(r)
    ]
    planner.referrals_along(open_routes)
    recent_routes = [
        route
        for r in reports
        if r.status in open_statuses or r.occurred_at.year >= 2025
        for route in planner.routes(r)
    ]
    planner.plain_shares(recent_routes, PLAIN_SHARES)
    planner.waiting_and_refused(reports)
    _save_exchanges(planner)
    _notify(planner, _notices(planner))


COMMENTS_SQL = """
UPDATE referrals_referralcomment AS c SET created_at = v.created_at
FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE c.id = v.id
"""
# The history rows of the inserts, dated like the rows they record.
SHARE_EVENTS_SQL = """
UPDATE referrals_shareevent AS e SET created_at = s.created_at,
    pgh_created_at = COALESCE(s.shared_at, s.created_at)
FROM referrals_share AS s
WHERE e.pgh_obj_id = s.id AND e.pgh_label = 'insert' AND s.id = ANY(%s)
"""
REFERRAL_EVENTS_SQL = """
UPDATE referrals_referralevent AS e SET sent_at = r.sent_at, updated_at = r.updated_at,
    pgh_created_at = r.updated_at
FROM referrals_referral AS r
WHERE e.pgh_obj_id = r.id AND e.pgh_label = 'insert' AND r.id = ANY(%s)
"""
NOTIFICATIONS_SQL = """
UPDATE notifications_notification AS n SET created_at = v.created_at
FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE n.id = v.id
"""


def _number_referrals(rows: list[ReferralRow]) -> None:
    """Referral numbers per sending agency and year, in order of sending."""
    numbers = loader.Numbers()
    for row in sorted(rows, key=lambda row: row.sent_at):
        code, year = row.referral.from_agency.code, timezone.localtime(row.sent_at).year
        serial = numbers.next(REFERRAL_SERIES, code, year)
        row.referral.number = format_referral_number(code=code, year=year, serial=serial)
    with connection.cursor() as cursor:
        numbers.save(cursor)


def _save_exchanges(planner: ExchangePlanner) -> None:
    """Insert the shares and referrals through the bulk loader, dated as planned, then the
    comments; the history rows of the inserts get the dates of the rows they record."""
    _number_referrals(planner.referrals)
    rows = loader.Rows()
    with connection.cursor() as cursor:
        share_ids = loader.reserve_ids(cursor, Share._meta.db_table, len(planner.shares))
        for share_row, pk in zip(planner.shares, share_ids, strict=True):
            share_row.share.pk, share_row.share.created_at = pk, share_row.requested_at
            rows.shares.append(loader.line(share_row.share, loader.SHARE_COLUMNS))
        for row in planner.referrals:
            referral = row.referral
            referral.share = row.share.share  # now with its id
            referral.sent_at, referral.updated_at = row.sent_at, row.updated_at
            rows.referrals.append(loader.line(referral, loader.REFERRAL_COLUMNS))
        loader.write(cursor, rows)
        cursor.execute(
            f"SELECT number, id FROM {Referral._meta.db_table} WHERE number = ANY(%s)",  # noqa: S608 -- a constant
            [[row.referral.number for row in planner.referrals]],
        )
        referral_ids = dict(cursor.fetchall())
    comments = []
    for row in planner.referrals:
        row.referral.pk = referral_ids[row.referral.number]
        for comment, at in row.comments:
            comment.referral = row.referral
            comments.append((comment, at))
    ReferralComment.objects.bulk_create([c for c, _at in comments])
    shares = [row.share.pk for row in planner.shares]
    referrals = [row.referral.pk for row in planner.referrals]
    with connection.cursor() as cursor:
        cursor.execute(COMMENTS_SQL, [[c.pk for c, _at in comments], [at for _c, at in comments]])
        cursor.execute(SHARE_EVENTS_SQL, [shares])
        cursor.execute(REFERRAL_EVENTS_SQL, [referrals])
    for comment, at in comments:
        comment.created_at = at


def _notices(planner: ExchangePlanner) -> list[Notice]:
    """What services would have published for each step, as notices."""
    notices: list[Notice] = []
    for share_row in planner.shares:
        share, report = share_row.share, share_row.share.report
        url = report.get_absolute_url()
        if share.status == ShareStatus.PENDING or (
            share.status == ShareStatus.ACTIVE and share.decided_by_id != share.shared_by_id
        ):
            notices.append(
                Notice(
                    at=share_row.requested_at,
                    kind=services.EVENT_SHARE_REQUESTED,
                    params={
                        "user": share.shared_by.full_name,
                        "number": report.number,
                        "agency": share.agency.short_name,
                    },
                    url=url,
                    dedupe_key=f"share-request:{share.pk}:{share_row.requested_at.isoformat()}",
                    agency_ids=(report.agency_id,),
                    roles=(User.Role.SUPERVISOR,),
                )
            )
        if share.status == ShareStatus.ACTIVE and share.shared_at is not None:  # always set
            notices.append(
                Notice(
                    at=share.shared_at,
                    kind=services.EVENT_SHARED,
                    params={"agency": report.agency.short_name, "number": report.number},
                    url=url,
                    dedupe_key=f"share:{share.pk}",
                    agency_ids=(share.agency_id,),
                )
            )
    for row in planner.referrals:
        notices += _referral_notices(row, planner.today)
    return notices


def _referral_notices(row: ReferralRow, today: dt.date) -> list[Notice]:
    r = row.referral
    url = r.get_absolute_url()
    number = r.report.number
    with translation.override("en"):  # the source label, as the services store it
        action = str(RequestedAction(r.requested_action).label)

    def event(kind: str, at: dt.datetime, *, to_sender: bool, actor: User | None) -> Notice:
        return Notice(
            at=at,
            kind=kind,
            params={
                "number": number,
                "agency": (r.to_agency if to_sender else r.from_agency).short_name,
                "action": action,
            },
            url=url,
            dedupe_key=f"referral:{r.pk}:{kind}:{at.isoformat()}",
            agency_ids=(r.from_agency_id if to_sender else r.to_agency_id,),
            exclude_user_id=actor.pk if actor else None,
        )

    notices = [event(services.EVENT_REFERRAL_SENT, row.sent_at, to_sender=False, actor=r.sent_by)]
    if r.accepted_at:
        notices.append(
            event(
                services.EVENT_REFERRAL_ACCEPTED,
                r.accepted_at,
                to_sender=True,
                actor=row.decided_by,
            )
        )
        notices.append(
            Notice(
                at=r.accepted_at,
                kind=services.EVENT_REFERRAL_ASSIGNED,
                params={"number": number},
                url=url,
                dedupe_key=f"referral:{r.pk}:assigned:{r.assigned_to_id}",
                user=r.assigned_to,
            )
        )
    if r.status == RS.DECLINED and r.closed_at is not None:  # closed_at: set when declined
        notices.append(
            event(
                services.EVENT_REFERRAL_DECLINED, r.closed_at, to_sender=True, actor=row.decided_by
            )
        )
    if r.status == RS.COMPLETED and r.closed_at is not None:  # and when completed
        notices.append(
            event(
                services.EVENT_REFERRAL_COMPLETED, r.closed_at, to_sender=True, actor=r.assigned_to
            )
        )
    for comment, at in row.comments:
        by_sender = comment.agency_id == r.from_agency_id
        notices.append(
            Notice(
                at=at,
                kind=services.EVENT_REFERRAL_COMMENT,
                params={"agency": comment.author.agency.short_name, "number": number},
                url=url,
                dedupe_key=f"referral-comment:{comment.pk}",
                agency_ids=(r.to_agency_id if by_sender else r.from_agency_id,),
                exclude_user_id=comment.author_id,
            )
        )
    if r.is_overdue(today):  # the daily reminder, on the first morning after the due date
        day = r.due_on + dt.timedelta(days=1)
        at = dt.datetime.combine(day, dt.time(7, 0), tzinfo=timezone.get_default_timezone())
        notices.append(
            Notice(
                at=at,
                kind=services.EVENT_REFERRAL_OVERDUE,
                params={"number": number, "due": r.due_on.isoformat()},
                url=url,
                dedupe_key=f"referral-overdue:{r.pk}:{day.isoformat()}",
                agency_ids=(r.to_agency_id,),
                roles=(User.Role.SUPERVISOR,),
            )
        )
    return notices


def _notify(planner: ExchangePlanner, notices: list[Notice]) -> None:
    """In-app notifications of the last days (and of every share still waiting), marked
    e-mailed so that no e-mail goes out for demo data; the older ones read."""
    since = planner.now - dt.timedelta(days=RECENT_DAYS)
    waiting = {
        f"share-request:{row.share.pk}:{row.requested_at.isoformat()}"
        for row in planner.shares
        if row.share.status == ShareStatus.PENDING
    }
    users: dict[int, list[User]] = {}
    for user in User.objects.filter(agency__in=planner.agencies.values(), is_active=True).order_by(
        "id"
    ):
        users.setdefault(user.agency_id, []).append(user)
    rows: list[tuple[Notification, dt.datetime]] = []
    for notice in sorted(notices, key=lambda n: (n.at, n.dedupe_key)):
        if (notice.at < since and notice.dedupe_key not in waiting) or notice.at > planner.now:
            continue
        if notice.user is not None:
            recipients = [notice.user]
        else:
            recipients = [
                u
                for agency_id in notice.agency_ids
                for u in users.get(agency_id, [])
                if u.role in notice.roles and u.pk != notice.exclude_user_id
            ]
        for user in recipients:
            read_at = None
            if notice.at < planner.now - dt.timedelta(days=3) and notice.dedupe_key not in waiting:
                read_at = min(
                    notice.at + dt.timedelta(hours=planner.rng.uniform(0.2, 20)), planner.now
                )
            rows.append(
                (
                    Notification(
                        recipient=user,
                        kind=notice.kind,
                        message=services.EVENT_MESSAGES[notice.kind],
                        params=notice.params,
                        url=notice.url,
                        dedupe_key=notice.dedupe_key,
                        read_at=read_at,
                        emailed_at=notice.at,
                    ),
                    notice.at,
                )
            )
    Notification.objects.bulk_create([n for n, _at in rows])
    with connection.cursor() as cursor:
        cursor.execute(NOTIFICATIONS_SQL, [[n.pk for n, _at in rows], [at for _n, at in rows]])
