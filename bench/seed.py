"""`manage.py seed_scale --reports N`: a large, realistic data set, fast. What it holds and how
it stays true to the services' rules: docs/benchmarks.md, "The data set".

Rows go in through the demo's bulk writer with the history and foreign-key triggers off
(session_replication_role = replica): a bulk seed is not a change anyone made, and the
generator writes only ids it has read or reserved."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from agreements.sharing_policy import entitled_recipients, policy_changed
from bench import world as w
from portal.accounts.models import Agency
from portal.core.crypto import blind_index, encrypt_str
from portal.regions.models import Region
from portal.regions.services import regions_load
from referrals import indicators as ind
from referrals.demo import generator, loader
from referrals.demo import tables as d
from referrals.demo.generator import UniqueIdentifiers
from referrals.demo.loader import NULL, Numbers, Rows, arr, bulk_session, esc, ref, reserve_ids, ts
from referrals.models import (
    REFERRAL_SERIES,
    REPORT_SERIES,
    Report,
    format_referral_number,
    format_report_number,
)
from referrals.vocabularies import (
    Checkpoint,
    PerpetratorRole,
    PersonRole,
    ReferralStatus,
    ReportStatus,
    RequestedAction,
    ShareStatus,
    Source,
    Urgency,
)
from referrals.workdays import add_working_days
from villages.models import DesaBinaan

S = Source
YEARS = 3  # of reports, up to yesterday
CHUNK = 25_000


class SeedRefused(Exception):
    """The database holds reports already and neither --append nor --force was given."""


@dataclass
class SeedResult:
    reports: int = 0
    persons: int = 0
    shares: int = 0
    referrals: int = 0
    identities: int = 0
    created: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    trigger_mode: str = ""


# --- Identities ------------------------------------------------------------------------------


@dataclass
class Identity:
    full_name: str
    sex: str
    birth: dt.date
    home: str  # village code
    segment: str  # COPY columns full_name … phone, pre-rendered (encrypted once)
    notes: str = ""

    def age_on(self, day: dt.date) -> int:
        return d.full_years(self.birth, day)


class Pools:
    """Potential victims (adults and children), recruiters and family contacts."""

    def __init__(self, rng: random.Random, ctx: Context, reports: int) -> None:
        self.rng = rng
        self.ctx = ctx
        # Serials up to 9999: a million reports need more identities per district and day.
        self.identifiers = UniqueIdentifiers(rng, max_serial=9999)
        self.adults = [self.make(18, 50) for _ in range(max(200, reports // 2))]
        self.children = [self.make(13, 17) for _ in range(max(30, reports // 25))]
        self.recruiters = [self.make(30, 62, recruiter=True) for _ in range(max(40, reports // 40))]
        self.family = [self.make(40, 65) for _ in range(max(60, reports // 8))]

    @property
    def size(self) -> int:
        return len(self.adults) + len(self.children) + len(self.recruiters) + len(self.family)

    def make(self, youngest: int, oldest: int, *, recruiter: bool = False) -> Identity:
        rng = self.rng
        female = rng.random() < (0.25 if recruiter else 0.6)
        name = generator.compose_name(rng, female)
        if name in d.FAMOUS:  # not unique as in the demo: a pool this size would run out
            name = f"{name} {rng.choice(d.FEMALE_SECOND if female else d.MALE_SECOND)}"
        if recruiter and rng.random() < 0.2:
            name = f"{'Hj.' if female else 'H.'} {name}"
        middle = self.ctx.midyear
        birth = d.years_before(middle, rng.randint(youngest, oldest)) - dt.timedelta(
            days=rng.randint(0, 364)
        )
        home = self.ctx.home_village()
        district = home.rsplit(".", 1)[0]
        if rng.random() < 0.15:  # first registered elsewhere in Banten: a NIK never moves
            district = rng.choice(self.ctx.districts)
        nik = self.identifiers.nik(district, birth, female)
        passport = (
            self.identifiers.passport() if rng.random() < (0.6 if recruiter else 0.35) else ""
        )
        phone = generator.phone_number(rng) if rng.random() < (0.95 if recruiter else 0.7) else ""
        sex = "female" if female else "male"
        segment = "\t".join(
            (
                esc(name), sex, birth.isoformat(), NULL, encrypt_str(nik), blind_index("nik", nik),
                encrypt_str(passport) if passport else "", blind_index("passport", passport) if passport else "",
                "ID", encrypt_str(phone) if phone else "",
            )
        )  # fmt: skip
        notes = ""
        if recruiter:
            notes = rng.choice(d.RECRUITER_NOTES).format(nick=rng.choice(d.NICKNAMES))
        return Identity(
            full_name=name, sex=sex, birth=birth, home=home, segment=segment, notes=notes
        )


def foreigner_segment(rng: random.Random) -> tuple[str, int]:
    who = generator.invent_foreigner(rng)
    segment = (esc(who.full_name), "male", NULL, str(who.age), "", "", "", "", who.nationality, "")
    return "\t".join(segment), who.age


# --- The generator ---------------------------------------------------------------------------


class Words(dict):
    def __missing__(self, key: str) -> str:
        return "-"


@dataclass
class Context:
    """What the generator reads: the world, names of places, memoised policy answers."""

    world: w.World
    rng: random.Random
    now: dt.datetime
    village_names: dict[str, str]
    districts: list[str]
    desa_by_village: dict[str, DesaBinaan]
    midyear: dt.date

    def home_village(self) -> str:
        if self.rng.random() < d.DESA_SHARE and self.world.desa:
            return self.rng.choice(self.world.desa).village_id
        regencies = list(d.REGENCY_WEIGHTS)
        regency = self.rng.choices(regencies, weights=list(d.REGENCY_WEIGHTS.values()))[0]
        return self.rng.choice(self.world.villages_by_regency[regency])


@lru_cache(maxsize=4096)
def _suggest(indicators: tuple[str, ...], child: bool) -> tuple[str, ...]:
    return ind.suggest_categories(list(indicators), child_victim=child).categories


@lru_cache(maxsize=8192)
def _due(day: dt.date, days: int) -> dt.date:
    return add_working_days(day, days)


_entitled_cache: dict[tuple[int, tuple[str, ...]], list[tuple[int, int]]] = {}


def entitled(agency_id: int, categories: tuple[str, ...]) -> list[tuple[int, int]]:
    """[(partner agency id, agreement id)] the sharing policy allows, on the seed's agreements'
    first day (all of them bind from then to after today, so any later day gives the same)."""
    key = (agency_id, categories)
    if key not in _entitled_cache:
        found = entitled_recipients(
            source=agency_id, categories=categories, on=w.AGREEMENTS_FROM + dt.timedelta(days=1)
        )
        _entitled_cache[key] = sorted((pk, bases[0].agreement.pk) for pk, bases in found.items())
    return _entitled_cache[key]


class Generator:
    def __init__(self, ctx: Context, pools: Pools, numbers: Numbers) -> None:
        self.ctx = ctx
        self.numbers = numbers
        self.rng = ctx.rng
        self.pools = pools
        self.scenarios = list(d.SCENARIOS)
        self.weights = [s.weight for s in self.scenarios]
        self.agencies = ctx.world.agencies
        self.tz = timezone.get_default_timezone()

    # -- pickers --

    def later(self, start: dt.datetime, low_hours: float, high_hours: float) -> dt.datetime:
        return min(
            start + dt.timedelta(hours=self.rng.uniform(low_hours, high_hours)), self.ctx.now
        )

    def user_of(self, agency_id: int, *, supervisor_share: float = 0.15) -> int:
        w_ = self.ctx.world
        pool = w_.supervisors.get(agency_id) if self.rng.random() < supervisor_share else None
        return self.rng.choice(pool or w_.officers.get(agency_id) or w_.supervisors[agency_id])

    def agency_for(
        self, source: str, regency: str, desa: DesaBinaan | None, checkpoint: str
    ) -> Agency:
        a, rng = self.agencies, self.rng
        kanim = desa.designating_office if desa is not None else a[w.KANIM_OF_REGENCY[regency]]
        if source == S.DEPARTURE_CHECK:
            return a["Kanim Merak" if checkpoint == Checkpoint.SEAPORT else "Kanim Soekarno-Hatta"]
        if source in (S.PASSPORT_INTERVIEW, S.DESA_BINAAN_VISIT):
            return a["Kanwil Imigrasi Banten"] if rng.random() < 0.03 else kanim
        if source == S.POLICE_PATROL:
            return a["Polda Banten"] if rng.random() < 0.3 else a[w.POLRES_OF_REGENCY[regency]]
        if source == S.VILLAGE_REPORT:
            r = rng.random()
            return (
                a["BP3MI Banten"] if r < 0.3 else a[w.disnaker_of(regency)] if r < 0.55 else kanim
            )
        if source == S.HOTLINE:
            r = rng.random()
            if r < 0.45:
                return a["BP3MI Banten"]
            if r < 0.65:
                return a["Polda Banten"]
            return a[
                rng.choice(
                    ("DP3AKKB Banten", "Dinsos Banten", "UPTD PPA Banten", "Disnakertrans Banten")
                )
            ]
        return a[
            rng.choice(
                ("Polda Banten", "BP3MI Banten", "Dinsos Kab. Tangerang", "Dinsos Kab. Serang")
            )
        ]

    def status_for(self, occurred: dt.datetime) -> str:
        age = (self.ctx.now - occurred).days
        if age < 30:
            weights = (25, 40, 25, 10)
        elif age < 120:
            weights = (6, 25, 34, 35)
        elif age < 365:
            weights = (1, 8, 15, 76)
        else:
            weights = (0, 2, 4, 94)
        return self.rng.choices(
            (
                ReportStatus.DRAFT,
                ReportStatus.SUBMITTED,
                ReportStatus.UNDER_REVIEW,
                ReportStatus.CLOSED,
            ),
            weights=weights,
        )[0]

    # -- one report --

    def report(self, report_id: int, occurred: dt.datetime, out: Rows) -> None:
        rng, ctx = self.rng, self.ctx
        scenario = rng.choices(self.scenarios, weights=self.weights)[0]
        source = rng.choice(scenario.sources)
        country = rng.choice(scenario.destinations)
        mode = rng.choice(scenario.modes)
        job = rng.choice(scenario.jobs)
        checkpoint = ""
        if source == S.DEPARTURE_CHECK:
            by_sea = country == "MY" and rng.random() < 0.5
            checkpoint = Checkpoint.SEAPORT if by_sea else Checkpoint.AIRPORT
        child_case = rng.random() < scenario.child

        # Persons: victims, maybe a recruiter or smuggler, maybe a family contact.
        persons: list[
            tuple[str, str, str, str, list[str]]
        ] = []  # role, segment, home, notes, roles
        names: list[str] = []
        victim_name, victim_age = "", 30
        child = False
        day = timezone.localtime(occurred, self.tz).date()
        if scenario.foreign:
            for _ in range(rng.randint(1, scenario.victims)):
                segment, age = foreigner_segment(rng)
                persons.append(
                    (
                        PersonRole.POTENTIAL_VICTIM,
                        segment,
                        "",
                        d.FOREIGNER_NOTE,
                        [],
                    )
                )
                names.append(segment.split("\t", 1)[0])
                victim_name, victim_age = names[0], age
            regency = rng.choice(("36.01", "36.02"))
            home = rng.choice(ctx.world.villages_by_regency[regency])
        else:
            home = ""
            for index in range(rng.randint(1, scenario.victims)):
                pool = self.pools.children if child_case and index == 0 else self.pools.adults
                who = rng.choice(pool)
                home = home or who.home
                persons.append((PersonRole.POTENTIAL_VICTIM, who.segment, who.home, "", []))
                names.append(who.full_name)
                if index == 0:
                    victim_name, victim_age = who.full_name, who.age_on(day)
                child = child or who.age_on(day) < 18
            regency = home[:5]
        recruiter = None
        if len(persons) < 3 and rng.random() < scenario.recruiter:
            recruiter = rng.choice(self.pools.recruiters)
            role = PersonRole.SMUGGLER if scenario.kind == d.TPPM else PersonRole.RECRUITER
            roles = (
                (PerpetratorRole.SMUGGLER, PerpetratorRole.TRANSPORTER)
                if role == PersonRole.SMUGGLER
                else (PerpetratorRole.RECRUITER, PerpetratorRole.BROKER)
            )
            persons.append(
                (
                    role,
                    recruiter.segment,
                    recruiter.home,
                    recruiter.notes,
                    generator.sample(rng, roles, 2),
                )
            )
            names.append(recruiter.full_name)
        if len(persons) < 3 and not scenario.foreign and rng.random() < (0.9 if child else 0.2):
            relative = rng.choice(self.pools.family)
            # A relative lives with the victim (the NIK may say otherwise: it never moves).
            persons.append(
                (
                    PersonRole.FAMILY_CONTACT,
                    relative.segment,
                    home,
                    rng.choice(d.FAMILY_NOTES[relative.sex]),
                    [],
                )
            )
            names.append(relative.full_name)

        desa = ctx.desa_by_village.get(home)
        agency = self.agency_for(source, regency, desa, checkpoint)
        year = timezone.localtime(occurred).year
        number = format_report_number(
            code=agency.code, year=year, serial=self.numbers.next(REPORT_SERIES, agency.code, year)
        )
        status = self.status_for(occurred)
        created_by = self.user_of(agency.pk)
        created = self.later(occurred, 0.3, 30)
        submitted: dt.datetime | None = None
        review: dt.datetime | None = None
        closed: dt.datetime | None = None
        reviewer = None
        outcome = outcome_note = ""
        # Each step only after the one before it (a closed report was reviewed, and submitted).
        if status != ReportStatus.DRAFT:
            submitted = self.later(created, 0, 24)
            if status in (ReportStatus.UNDER_REVIEW, ReportStatus.CLOSED):
                review = self.later(submitted, 2, 24 * 7)
                reviewer = self.user_of(agency.pk, supervisor_share=1.0)
                if status == ReportStatus.CLOSED:
                    closed = self.later(review, 24, 24 * 45)
                    kind = scenario.kind if scenario.kind in d.OUTCOMES_BY_KIND else d.NONPROC
                    choices, weights = zip(*d.OUTCOMES_BY_KIND[kind], strict=True)
                    outcome = rng.choices(choices, weights=weights)[0]
                    notes = d.OUTCOME_NOTES.get(outcome)
                    outcome_note = rng.choice(notes) if notes else d.PREVENTED_NOTES[""]
        updated = closed or review or submitted or created

        indicators = tuple(generator.tick_indicators(rng, scenario, child))
        suggested = _suggest(indicators, child)
        categories: tuple[str, ...] = tuple(scenario.override) or suggested
        reason = rng.choice(scenario.reasons) if scenario.override else ""
        if not categories:
            categories = ("tppo",) if scenario.kind in (d.TPPO, d.BOTH) else ("pmi_nonprocedural",)
            reason = d.FALLBACK_CATEGORY_REASON
        if status == ReportStatus.DRAFT and rng.random() < 0.5:
            categories, reason = (), ""  # not confirmed yet
        risk = rng.choice(scenario.risks)
        if rng.random() < 0.3:
            risk = rng.choice(("low", "medium", "high"))

        route = generator.pick_route(rng, scenario, country, checkpoint)
        village = (home, ctx.village_names.get(home, ""))
        district = ctx.world.district_names.get(home[:8], "")
        place = generator.pick_place(
            rng,
            source,
            checkpoint,
            passport_places=d.PASSPORT_PLACES.get(
                agency.short_name, (f"Ruang wawancara paspor {agency.name}",)
            ),
            village=village,
            district=district,
        )
        words = Words(
            generator.narrative_words(
                rng,
                victim=victim_name,
                age=victim_age,
                country=country,
                village=village,
                district=district,
                place=place,
                mode=mode,
                job=job,
                route=route,
                recruiter=recruiter.full_name if recruiter else "",
            ),
            kantor=d.village_office(*village),
        )
        sentences = generator.first_sentences(rng, source, scenario, words)
        if source == S.DESA_BINAAN_VISIT and rng.random() < 0.6:
            sentences.append(rng.choice(d.VISIT_FOLLOW_UPS))
        narrative = generator.as_narrative(sentences)

        out.reports.append(
            "\t".join(
                (
                    str(report_id), number, occurred.isoformat(), source, esc(place), country, esc(route),
                    mode, esc(narrative), risk, arr(indicators), arr(suggested), arr(categories), esc(reason),
                    arr(generator.sample(rng, scenario.recruitment, 2)), arr(generator.sample(rng, scenario.control, 3)),
                    arr(generator.sample(rng, scenario.exploitation, 2)), arr([job[1]] if job[1] else []), status,
                    ts(submitted), ts(review), outcome, esc(outcome_note), ts(closed), str(len(persons)),
                    created.isoformat(), updated.isoformat(), str(agency.pk), str(created_by),
                    ref(desa.pk if desa is not None else None), home or NULL, ref(reviewer),
                    esc(" ".join(names)),
                )
            )
        )  # fmt: skip
        stamp = created.isoformat()
        for position, (p_role, p_segment, p_home, p_notes, p_roles) in enumerate(persons):
            victim = p_role == PersonRole.POTENTIAL_VICTIM
            out.persons.append(
                f"{position}\t{p_role}\t{p_segment}\t{esc(p_notes)}\t{'PossibleVictim' if victim else ''}\t\t"
                f"{arr(p_roles)}\t{{}}\t{stamp}\t{stamp}\t{p_home or NULL}\t{report_id}"
            )
        # submitted: the report is not a draft
        if submitted is not None and categories and rng.random() < SHARE_RATE:
            self.shares(report_id, number, agency, created_by, submitted, categories, words, out)

    def shares(
        self,
        report_id: int,
        number: str,
        agency: Agency,
        author: int,
        submitted: dt.datetime,
        categories: tuple[str, ...] | list[str],
        words: dict[str, str],
        out: Rows,
    ) -> None:
        rng = self.rng
        partners = entitled(agency.pk, tuple(sorted(categories)))
        if not partners:
            return
        chosen = rng.sample(partners, k=min(len(partners), rng.choice((1, 1, 1, 2, 2, 3))))
        needs_approval = agency.pk in self.ctx.world.approval
        for partner_id, agreement_id in chosen:
            created = self.later(submitted, 0.5, 24 * 4)
            shared_at: dt.datetime | None
            decided_by: int | None
            status, shared_at, decided_by = ShareStatus.ACTIVE, created, author
            shared_by = author
            if needs_approval and author in self.ctx.world.officers.get(agency.pk, ()):
                decided_by = self.user_of(agency.pk, supervisor_share=1.0)
                r = rng.random()
                if r < 0.06 and (self.ctx.now - created).days < 30:
                    status, shared_at, decided_by = ShareStatus.PENDING, None, None
                elif r < 0.1:
                    status, shared_at = ShareStatus.REFUSED, None
                else:
                    shared_at = self.later(created, 1, 48)
            share_id = out.share_ids.pop()
            out.shares.append(
                "\t".join(
                    (
                        str(share_id), status, esc(rng.choice(d.SHARE_NOTES)), created.isoformat(), ts(shared_at),
                        str(partner_id), str(agreement_id), ref(decided_by), str(report_id), str(shared_by),
                    )
                )
            )  # fmt: skip
            # shared_at: set for an active share
            if (
                status == ShareStatus.ACTIVE
                and shared_at is not None
                and rng.random() < REFERRAL_RATE
            ):
                self.referral(
                    share_id,
                    report_id,
                    number,
                    agency,
                    partner_id,
                    shared_by,
                    shared_at,
                    words,
                    out,
                )

    def referral(
        self,
        share_id: int,
        report_id: int,
        number: str,
        agency: Agency,
        partner_id: int,
        sent_by: int,
        shared_at: dt.datetime,
        words: dict[str, str],
        out: Rows,
    ) -> None:
        rng = self.rng
        partner = self.ctx.world.by_id[partner_id]
        action = rng.choice(
            d.REQUESTED_ACTIONS_BY_KIND.get(partner.kind, (RequestedAction.VICTIM_PROTECTION,))
        )
        urgency = Urgency.URGENT if rng.random() < 0.2 else Urgency.NORMAL
        sent = self.later(shared_at, 0, 72)
        sent_year = timezone.localtime(sent).year
        referral_number = format_referral_number(
            code=agency.code,
            year=sent_year,
            serial=self.numbers.next(REFERRAL_SERIES, agency.code, sent_year),
        )
        days = (
            partner.referral_days_urgent
            if urgency == Urgency.URGENT
            else partner.referral_days_normal
        )
        due = _due(timezone.localtime(sent, self.tz).date(), days)
        age = (self.ctx.now - sent).days
        if age < 10:
            weights = (45, 25, 5, 20, 5)
        elif age < 60:
            weights = (10, 15, 10, 30, 35)
        else:
            weights = (1, 1, 12, 3, 83)
        status = rng.choices(
            (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED),
            weights=weights,
        )[0]  # fmt: skip
        accepted: dt.datetime | None = None
        started: dt.datetime | None = None
        closed: dt.datetime | None = None
        assigned = None
        decline = outcome = outcome_note = ""
        if status == ReferralStatus.DECLINED:
            closed = self.later(sent, 2, 72)
            decline = rng.choice(
                d.DECLINE_REASONS.get(partner.kind, d.DECLINE_REASONS[Agency.Kind.POLICE])
            )
        elif status != ReferralStatus.SENT:
            accepted = self.later(sent, 2, 72)
            assigned = self.user_of(partner_id, supervisor_share=0.0)
            if status in (ReferralStatus.IN_PROGRESS, ReferralStatus.COMPLETED):
                started = self.later(accepted, 1, 24 * 5)
                if status == ReferralStatus.COMPLETED:  # completed: started before
                    closed = self.later(started, 24, 24 * 30)
                    outcome, note = rng.choice(d.OUTCOMES[action])
                    closed_on = timezone.localtime(closed, self.tz).date()
                    outcome_note = note.format_map(
                        Words(
                            words,
                            tanggal=d.tanggal(closed_on),
                            bulan=d.ROMAN[closed_on.month - 1],
                            tahun=closed_on.year,
                            satker=partner.short_name.upper(),
                            lp=rng.randint(120, 980),
                            hadir=rng.randint(35, 120),
                        )
                    )
        updated = closed or started or accepted or sent
        words = Words(words, korban=words["nama"], pelaku=words["sponsor"], nomor=number)
        message = rng.choice(d.REFERRAL_MESSAGES[action]).format_map(words)
        out.referrals.append(
            "\t".join(
                (
                    referral_number, action, urgency, due.isoformat(), esc(message), status, esc(decline), outcome, esc(outcome_note),
                    sent.isoformat(), ts(accepted), ts(started), ts(closed), updated.isoformat(), ref(assigned),
                    str(agency.pk), str(report_id), str(sent_by), str(partner_id), str(share_id),
                )
            )
        )  # fmt: skip


SHARE_RATE = 0.35  # of submitted reports with a category
REFERRAL_RATE = 0.3  # of active shares


# --- The run ---------------------------------------------------------------------------------


def timeline(rng: random.Random, count: int, now: dt.datetime) -> list[dt.datetime]:
    """`count` moments from three years ago to yesterday, more of them lately, sorted."""
    tz = timezone.get_default_timezone()
    start = dt.datetime(now.year - YEARS + 1, 1, 2, tzinfo=tz)
    end = now - dt.timedelta(days=1)
    span = (end - start).total_seconds()
    moments = sorted(
        start + dt.timedelta(seconds=span * (rng.random() ** 0.8)) for _ in range(count)
    )
    return moments


def seed_scale(
    *,
    reports: int,
    append: bool = False,
    users: int = 2000,
    desa: int = 300,
    rng_seed: int = 2026,
    chunk: int = CHUNK,
    log: Callable[[str], None] = print,
) -> SeedResult:
    if Report.objects.exists() and not append:
        raise SeedRefused
    result = SeedResult()
    rng = random.Random(rng_seed)  # noqa: S311 -- reproducible test data, not secrets
    started = time.monotonic()

    def lap(name: str, since: float) -> float:
        now_ = time.monotonic()
        result.timings[name] = now_ - since
        log(f"  {name}: {now_ - since:.1f}s")
        return now_

    t = started
    regions_load()
    t = lap("regions", t)
    with transaction.atomic():
        world = w.build(users=users, desa=desa, rng=rng)
    result.created = world.created
    t = lap("agencies, accounts, agreements, Desa Binaan", t)

    now = timezone.now()
    village_names = dict(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36.").values_list(
            "code", "name"
        )
    )
    ctx = Context(
        world=world,
        rng=rng,
        now=now,
        village_names=village_names,
        districts=sorted(world.district_names),
        desa_by_village={desa_.village_id: desa_ for desa_ in world.desa},
        midyear=dt.date(now.year - 1, 7, 1),
    )
    pools = Pools(rng, ctx, reports)
    result.identities = pools.size
    t = lap(f"identities ({pools.size:,}, encrypted once each)", t)

    moments = timeline(rng, reports, now)
    numbers = Numbers()
    generator = Generator(ctx, pools, numbers)
    gen_time = copy_time = 0.0
    with bulk_session() as mode:
        result.trigger_mode = mode
        for offset in range(0, reports, chunk):
            part = moments[offset : offset + chunk]
            g0 = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                ids = reserve_ids(cursor, "referrals_report", len(part))
                out = Rows(share_ids=reserve_ids(cursor, "referrals_share", 3 * len(part)))
                out.share_ids.reverse()
                for report_id, moment in zip(ids, part, strict=True):
                    generator.report(report_id, moment, out)
                numbers.save(cursor)
                g1 = time.monotonic()
                loader.write(cursor, out)
            g2 = time.monotonic()
            gen_time += g1 - g0
            copy_time += g2 - g1
            result.reports += len(out.reports)
            result.persons += len(out.persons)
            result.shares += len(out.shares)
            result.referrals += len(out.referrals)
            log(f"  {result.reports:,}/{reports:,} reports ({time.monotonic() - started:.0f}s)")
    result.timings["generate (Python)"] = gen_time
    result.timings["COPY and insert"] = copy_time
    log(f"  generate: {gen_time:.1f}s, COPY and insert: {copy_time:.1f}s (triggers: {mode})")
    t = time.monotonic()
    if apps.is_installed("referrals.stats"):
        # The statistics summary is kept by statement triggers, skipped with the others.
        # Imported here: referrals.stats is optional in a build.
        from referrals.stats.services import refresh_report_stats

        refresh_report_stats(full=True)
        t = lap("statistics summary rebuilt", t)
    # VACUUM cannot run inside a transaction (a caller's, or a test's): ANALYZE can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"{command} {table}")
    t = lap("vacuum analyze", t)
    # The agencies and agreements went in through the ORM (their signals renewed the sharing
    # policy's version), the rest with COPY and SQL, which no signal sees: renew it once more
    # so that nothing cached before the seed is read after it.
    policy_changed()
    result.timings["total"] = time.monotonic() - started
    return result


TABLES = (
    "regions_region",
    "referrals_report",
    "referrals_reportperson",
    "referrals_share",
    "referrals_referral",
    "accounts_user",
    "accounts_agency",
    "villages_desabinaan",
)
