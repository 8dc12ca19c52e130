"""The demo reports, planned one by one in order of occurrence from one random source, and
the draws from the scenario tables that seed_scale (bench/seed.py) makes the same way."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone

from portal.accounts.models import Agency, User
from portal.core.crypto import blind_index
from portal.regions.models import Region
from referrals import indicators as ind
from referrals.demo.tables import (
    AGENCIES,
    AIRPORT_PLACES,
    BOTH,
    BP3MI,
    COVERS,
    DESA_SHARE,
    DESTINATIONS,
    FAMILY_NOTES,
    FAMOUS,
    FEMALE_GIVEN,
    FEMALE_SECOND,
    FIRST_DAY,
    FOLLOW_UPS,
    FOREIGN_NAMES,
    FOREIGN_OUTCOME,
    FOREIGNER_NOTE,
    KANIM_CILEGON,
    KANIM_OF_REGENCY,
    KANIM_SERANG,
    KANIM_TANGERANG,
    LAST_DAY,
    LIFTED_DOCUMENTS,
    MALE_GIVEN,
    MALE_SECOND,
    NICKNAMES,
    NONPROC,
    OPENINGS,
    OUTCOME_NOTES,
    OUTCOMES_BY_KIND,
    OUTSIDE_DISTRICTS,
    PASSPORT_DECISIONS,
    PASSPORT_PLACES,
    PHONE_PREFIXES,
    PLACES,
    POLDA,
    POLRES_CILEGON,
    PREVENTED_NOTES,
    RECRUITER_NOTES,
    REGENCY_WEIGHTS,
    REPEAT_NOTE,
    REPORTS_BY_KIND,
    SCENARIOS,
    SEA_ROUTES_MY,
    SEAPORT_PLACES,
    TPPM,
    UNFOUNDED_DOCUMENTS,
    UNFOUNDED_UMRAH_NOTE,
    UNNAMED_SPONSORS,
    VICTIM_STATUS_BY,
    VISIT_FOLLOW_UPS,
    YEAR_WEIGHTS,
    Job,
    M,
    S,
    Scenario,
    full_years,
    village_label,
    village_office,
    years_before,
)
from referrals.models import PreventionAction, Report, ReportPerson
from referrals.vocabularies import (
    Checkpoint,
    Outcome,
    PerpetratorRole,
    PersonRole,
    PreventionKind,
    RegistryResult,
    ReportStatus,
    Sex,
    VictimStatus,
)
from villages.models import DesaBinaan

# --- Generation ------------------------------------------------------------------------------


@dataclass
class World:
    """What the demo reports refer to, loaded once."""

    agencies: dict[str, Agency]
    officers: dict[int, User]
    supervisors: dict[int, User]
    desa: list[DesaBinaan]
    desa_by_village: dict[str, DesaBinaan]
    villages_by_regency: dict[str, list[Region]]
    districts: dict[str, Region]  # every Banten district, and OUTSIDE_DISTRICTS
    banten_districts: list[str]
    outside_districts: list[str]


@dataclass
class Identity:
    """A person who can appear in more than one report."""

    full_name: str
    sex: str
    birth_date: dt.date
    nik: str
    home: Region
    phone: str = ""
    passport: str = ""
    notes: str = ""
    deferred_on: dt.date | None = None  # passport application deferred (for a later attempt)

    def age_on(self, day: dt.date) -> int:
        return full_years(self.birth_date, day)


@dataclass(frozen=True)
class Foreigner:
    """A foreign national without identity papers (no NIK)."""

    full_name: str
    nationality: str
    age: int

    def age_on(self, day: dt.date) -> int:
        return self.age


@dataclass
class Case:
    """The circumstances of one report, decided before it is written down."""

    day: dt.date
    scenario: Scenario
    source: str
    country: str
    mode: str
    child: bool
    job: Job
    checkpoint: str = ""
    repeat: Identity | None = None
    deferred_before: dt.date | None = None  # the repeat's earlier passport deferral
    home: Region | None = None
    desa: DesaBinaan | None = None
    district: str = ""
    agency: Agency | None = None
    route: str = ""
    place: str = ""
    persons: list[tuple[str, Identity | Foreigner]] = field(default_factory=list)
    recruiter: Identity | None = None

    # `home` and `agency` are decided first (Generator.case), then read by every later step.
    @property
    def home_region(self) -> Region:
        if self.home is None:
            raise RuntimeError("the case's place is not decided yet")
        return self.home

    @property
    def office(self) -> Agency:
        if self.agency is None:
            raise RuntimeError("the case's agency is not decided yet")
        return self.agency


@dataclass
class Plan:
    report: Report
    kind: str
    persons: list[ReportPerson] = field(default_factory=list)
    actions: list[PreventionAction] = field(default_factory=list)
    created_at: dt.datetime | None = None

    @property
    def created(self) -> dt.datetime:
        """`created_at`, which Generator.timeline sets for every plan."""
        if self.created_at is None:
            raise RuntimeError("the plan has no timeline yet")
        return self.created_at


class UniqueIdentifiers:
    """Fake identifiers, each given out once: a NIK valid for a district, birth date and sex
    (40 added to the day for women, a serial from 0001 up to `max_serial`) and an Indonesian
    passport number. The demo and `manage.py seed_scale` draw them from their random source."""

    def __init__(self, rng: random.Random, *, max_serial: int = 999) -> None:
        self.rng = rng
        self.max_serial = max_serial
        self.niks: set[str] = set()
        self.passports: set[str] = set()

    def nik(self, district: str, birth: dt.date, female: bool) -> str:
        prefix = district.replace(".", "")
        day = birth.day + (40 if female else 0)
        while True:
            value = f"{prefix}{day:02d}{birth:%m%y}{self.rng.randint(1, self.max_serial):04d}"
            if value not in self.niks:
                self.niks.add(value)
                return value

    def passport(self) -> str:
        while True:
            value = f"{self.rng.choice('XXE')}{self.rng.randint(0, 9_999_999):07d}"
            if value not in self.passports:
                self.passports.add(value)
                return value


# --- Draws from the tables, shared with seed_scale (bench/seed.py) -----------------------------


def compose_name(rng: random.Random, female: bool) -> str:
    """A given name, mostly with a second one, now and then two given names."""
    given, second = (FEMALE_GIVEN, FEMALE_SECOND) if female else (MALE_GIVEN, MALE_SECOND)
    parts = [rng.choice(given)]
    if rng.random() < 0.85:
        parts.append(rng.choice(second))
    if rng.random() < 0.15:
        parts.insert(1, rng.choice(given))
    return " ".join(dict.fromkeys(parts))


def phone_number(rng: random.Random) -> str:
    return f"08{rng.choice(PHONE_PREFIXES)}{rng.randint(1_000_000, 99_999_999)}"


def invent_foreigner(rng: random.Random) -> Foreigner:
    nationality = rng.choice(("AF", "AF", "LK"))
    name = rng.choice(FOREIGN_NAMES[nationality])
    return Foreigner(full_name=name, nationality=nationality, age=rng.randint(19, 40))


def tick_indicators(rng: random.Random, scenario: Scenario, child: bool) -> list[str]:
    ticked = set(scenario.required)
    if scenario.one_of:
        ticked.add(rng.choice(scenario.one_of))
    ticked |= {code for code in scenario.optional if rng.random() < 0.35}
    if child and rng.random() < 0.6:  # for a child, act and purpose suffice
        ticked = {c for c in ticked if ind.GROUP_OF[c] != ind.MEANS}
    return sorted(ticked, key=INDICATOR_ORDER.__getitem__)


INDICATOR_ORDER = {code: i for i, (code, _group, _label) in enumerate(ind.INDICATORS)}


def sample(rng: random.Random, values: tuple[str, ...], most: int) -> list[str]:
    if not values:
        return []
    return rng.sample(values, k=rng.randint(1, min(most, len(values))))


def pick_route(rng: random.Random, scenario: Scenario, country: str, checkpoint: str) -> str:
    by_sea = checkpoint == Checkpoint.SEAPORT or (scenario.kind in (TPPM, BOTH) and country == "MY")
    return rng.choice(SEA_ROUTES_MY if by_sea else DESTINATIONS[country].flights)


def pick_place(
    rng: random.Random,
    source: str,
    checkpoint: str,
    *,
    passport_places: tuple[str, ...],
    village: tuple[str, str],
    district: str,
) -> str:
    """Where it came to light; `village` is the (code, name) of the persons' village."""
    if checkpoint == Checkpoint.AIRPORT:
        return rng.choice(AIRPORT_PLACES)
    if checkpoint == Checkpoint.SEAPORT:
        return rng.choice(SEAPORT_PLACES)
    if source == S.PASSPORT_INTERVIEW:
        return rng.choice(passport_places)
    template = PLACES.get(source, "Kecamatan {kecamatan}")
    return template.format(
        desa=village_label(*village), kantor=village_office(*village), kecamatan=district
    )


def narrative_words(
    rng: random.Random,
    *,
    victim: str,
    age: int,
    country: str,
    village: tuple[str, str],
    district: str,
    place: str,
    mode: str,
    job: Job,
    route: str,
    recruiter: str,
) -> dict:
    """What the openings and the scenarios' details name."""
    destination = DESTINATIONS[country]
    sponsor = f"sponsor bernama {recruiter}" if recruiter else rng.choice(UNNAMED_SPONSORS)
    return {
        "nama": victim,
        "umur": age,
        "negara": destination.name,
        "kota": rng.choice(destination.cities),
        "desa": village_label(*village),
        "nama_desa": village[1],
        "kecamatan": district,
        "tempat": place.split(",")[0],
        "kedok": rng.choice(COVERS.get(mode, ("bekerja",))),
        "pekerjaan": job[0],
        "gaji": destination.wage,
        "biaya": f"Rp {rng.randrange(5, 45)} juta",
        "rute": route,
        "sponsor": sponsor,
    }


def first_sentences(
    rng: random.Random, source: str, scenario: Scenario, words: Mapping[str, object]
) -> list[str]:
    """How it came to light, and what was found."""
    return [
        rng.choice(OPENINGS[source]).format_map(words),
        rng.choice(scenario.details).format_map(words),
    ]


def as_narrative(sentences: list[str]) -> str:
    return " ".join(s[0].upper() + s[1:] for s in sentences)


class Generator:
    """Plans the demo reports one by one, in order of occurrence, from one random source."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.tz = timezone.get_default_timezone()
        self.now = timezone.now()
        self.last_day = min(LAST_DAY, timezone.localdate() - dt.timedelta(days=2))
        self.identifiers = UniqueIdentifiers(rng)
        self.names: set[str] = set()
        self.recruiters: list[Identity] = []  # known sponsors, named again in later reports
        self.deferred: list[Identity] = []  # applicants who may try again at the airport

    # -- small pickers --

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def name(self, female: bool) -> str:
        while True:
            full = compose_name(self.rng, female)
            if full not in FAMOUS and full not in self.names:
                self.names.add(full)
                return full

    def nik(self, district: str, birth: dt.date, female: bool) -> str:
        return self.identifiers.nik(district, birth, female)

    def passport(self) -> str:
        return self.identifiers.passport()

    def phone(self) -> str:
        return phone_number(self.rng)

    def birth_date(self, on: dt.date, age: int) -> dt.date:
        """A birth date on which the person is exactly `age` years old on `on`."""
        latest = years_before(on, age)
        return latest - dt.timedelta(days=self.rng.randint(0, 364))

    def home_village(self) -> tuple[Region, DesaBinaan | None]:
        if self.chance(DESA_SHARE):
            desa = self.rng.choice(self.world.desa)
            return desa.village, desa
        regencies = list(REGENCY_WEIGHTS)
        regency = self.rng.choices(regencies, weights=list(REGENCY_WEIGHTS.values()))[0]
        village = self.rng.choice(self.world.villages_by_regency[regency])
        return village, self.world.desa_by_village.get(village.code)

    def identity(self, on: dt.date, *, female: bool, age: int, home: Region) -> Identity:
        birth = self.birth_date(on, age)
        district = home.code.rsplit(".", 1)[0]
        if self.chance(0.15):  # first registered elsewhere in Banten (the NIK never moves)
            district = self.rng.choice(self.world.banten_districts)
        return Identity(
            full_name=self.name(female),
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=birth,
            nik=self.nik(district, birth, female),
            home=home,
            phone=self.phone() if self.chance(0.7) else "",
        )

    def recruiter_identity(self, on: dt.date) -> Identity:
        if self.recruiters and self.chance(0.1):
            return self.rng.choice(self.recruiters)
        female = self.chance(0.25)
        birth = self.birth_date(on, self.rng.randint(30, 62))
        if self.world.outside_districts and self.chance(0.2):
            district = self.rng.choice(self.world.outside_districts)
            home = self.world.districts[district]
        else:
            home, _desa = self.home_village()
            district = home.code.rsplit(".", 1)[0]
        name = self.name(female)
        if self.chance(0.2):
            name = f"{'Hj.' if female else 'H.'} {name}"
        person = Identity(
            full_name=name,
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=birth,
            nik=self.nik(district, birth, female),
            home=home,
            phone=self.phone(),
            notes=self.rng.choice(RECRUITER_NOTES).format(nick=self.rng.choice(NICKNAMES)),
        )
        self.recruiters.append(person)
        return person

    def moment(self, day: dt.date, source: str) -> dt.datetime:
        # Flights and ferries leave at any hour; offices work office hours.
        hour = self.rng.randint(0, 23) if source == S.DEPARTURE_CHECK else self.rng.randint(8, 15)
        return dt.datetime.combine(day, dt.time(hour, self.rng.randint(0, 59)), tzinfo=self.tz)

    def later(self, start: dt.datetime, min_hours: float, max_hours: float) -> dt.datetime:
        seconds = self.rng.uniform(min_hours, max_hours) * 3600
        return min(start + dt.timedelta(seconds=seconds), self.now)

    # -- one report --

    def agency_for(self, case: Case) -> Agency:
        a, home = self.world.agencies, case.home_region
        kanim = a.get(case.desa.designating_office.short_name) if case.desa else None
        kanim = kanim or a[KANIM_OF_REGENCY.get(home.code[:5], KANIM_SERANG)]
        if case.source == S.DEPARTURE_CHECK:  # Merak: Cilegon; Soekarno-Hatta: Tangerang
            return a[KANIM_CILEGON if case.checkpoint == Checkpoint.SEAPORT else KANIM_TANGERANG]
        if case.source in (S.PASSPORT_INTERVIEW, S.DESA_BINAAN_VISIT):
            return kanim
        if case.source == S.POLICE_PATROL:
            return a[POLRES_CILEGON] if home.code.startswith("36.72") else a[POLDA]
        if case.source == S.VILLAGE_REPORT:
            return a[BP3MI] if self.chance(0.5) else kanim
        if case.source == S.HOTLINE:
            return a[BP3MI] if case.scenario.kind == NONPROC or self.chance(0.6) else a[POLDA]
        return a[POLDA] if self.chance(0.6) else a[BP3MI]  # a partner agency's referral

    def status_for(self, day: dt.date) -> str:
        age = (self.last_day - day).days
        if age < 60:
            weights = (40, 35, 20, 5)
        elif age < 150:
            weights = (10, 25, 35, 30)
        elif age < 365:
            weights = (0, 8, 15, 77)
        else:
            weights = (0, 2, 4, 94)
        statuses = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW)
        return self.rng.choices((*statuses, ReportStatus.CLOSED), weights=weights)[0]

    def plan(self, day: dt.date, scenario: Scenario) -> Plan:
        case = self.case(day, scenario)
        self.people(case)
        report = Report(
            agency=case.agency,
            created_by=self.world.officers[case.office.pk],
            occurred_at=self.moment(day, case.source),
            source=case.source,
            region=case.home,
            place_detail=case.place,
            desa=case.desa,
            destination_country=case.country,
            route=case.route,
            mode=case.mode,
            risk_level=self.rng.choice(scenario.risks),
            status=self.status_for(day),
        )
        plan = Plan(report=report, kind=scenario.kind)
        for position, (role, who) in enumerate(case.persons):
            plan.persons.append(self.person(position, role, who, scenario))
        report.person_count = len(plan.persons)
        self.classify(report, case)
        action = self.prevention(plan, case)
        report.narrative = self.narrative(case, action)
        self.timeline(plan, case, action)
        return plan

    def case(self, day: dt.date, scenario: Scenario) -> Case:
        """Where it came to light, where to, whose village and which agency."""
        rng = self.rng
        case = Case(
            day=day,
            scenario=scenario,
            source=rng.choice(scenario.sources),
            country=rng.choice(scenario.destinations),
            mode=rng.choice(scenario.modes),
            child=self.chance(scenario.child),
            job=rng.choice(scenario.jobs),
        )
        if case.source == S.DEPARTURE_CHECK:
            to_malaysia_by_sea = case.country == "MY" and self.chance(0.5)
            case.checkpoint = Checkpoint.SEAPORT if to_malaysia_by_sea else Checkpoint.AIRPORT
            if scenario.kind == NONPROC and case.checkpoint == Checkpoint.AIRPORT:
                case.repeat = self.trying_again(day)
                case.deferred_before = case.repeat.deferred_on if case.repeat else None
        if scenario.foreign:  # waiting for a boat on the south coast: Pandeglang, Lebak
            regency = rng.choice(("36.01", "36.02"))
            case.home = rng.choice(self.world.villages_by_regency[regency])
        elif case.repeat:
            case.home = case.repeat.home
            case.desa = self.world.desa_by_village.get(case.home.code)
        elif case.source == S.DESA_BINAAN_VISIT:
            case.desa = rng.choice(self.world.desa)
            case.home = case.desa.village
        else:
            case.home, case.desa = self.home_village()
        case.district = self.world.districts[case.home.code[:8]].name
        case.agency = self.agency_for(case)
        case.route = pick_route(rng, scenario, case.country, case.checkpoint)
        case.place = pick_place(
            rng,
            case.source,
            case.checkpoint,
            passport_places=PASSPORT_PLACES.get(case.agency.short_name, ()),
            village=(case.home_region.code, case.home_region.name),
            district=case.district,
        )
        return case

    def trying_again(self, day: dt.date) -> Identity | None:
        """Now and then, an applicant whose passport was deferred at least two months ago,
        now at the airport with a passport obtained elsewhere."""
        if not self.deferred or not self.chance(0.12):
            return None
        person = self.deferred[0]
        if person.deferred_on is not None and (day - person.deferred_on).days < 60:
            return None
        return self.deferred.pop(0)

    def people(self, case: Case) -> None:
        """The potential victims (one, or two for a raid), maybe a recruiter or smuggler,
        maybe a family contact: three at most."""
        rng, scenario = self.rng, case.scenario
        for index in range(rng.randint(1, scenario.victims)):
            if scenario.foreign:
                case.persons.append((PersonRole.POTENTIAL_VICTIM, invent_foreigner(self.rng)))
                continue
            if case.repeat and index == 0:
                person = case.repeat
            else:
                age = rng.randint(14, 17) if case.child and index == 0 else rng.randint(19, 45)
                female = self.chance(scenario.female)
                person = self.identity(case.day, female=female, age=age, home=case.home_region)
            travelling = case.source == S.DEPARTURE_CHECK
            if travelling or (case.source != S.PASSPORT_INTERVIEW and self.chance(0.4)):
                person.passport = person.passport or self.passport()
            case.persons.append((PersonRole.POTENTIAL_VICTIM, person))
        if len(case.persons) < 3 and self.chance(scenario.recruiter):
            case.recruiter = self.recruiter_identity(case.day)
            role = PersonRole.SMUGGLER if scenario.kind == TPPM else PersonRole.RECRUITER
            case.persons.append((role, case.recruiter))
        family = 0.9 if case.child else 0.2
        if len(case.persons) < 3 and not scenario.foreign and self.chance(family):
            age, female = rng.randint(40, 65), self.chance(0.6)
            relative = self.identity(case.day, female=female, age=age, home=case.home_region)
            relative.notes = rng.choice(FAMILY_NOTES[relative.sex])
            case.persons.append((PersonRole.FAMILY_CONTACT, relative))

    def classify(self, report: Report, case: Case) -> None:
        """Indicators, the category they suggest (confirmed, or overridden with a reason) and
        the HTCDS fields."""
        scenario = case.scenario
        child_victim = case.child and not scenario.foreign
        report.indicators = tick_indicators(self.rng, scenario, child_victim)
        suggestion = ind.suggest_categories(report.indicators, child_victim=child_victim)
        report.suggested_categories = list(suggestion.categories)
        report.categories = list(scenario.override or suggestion.categories)
        if scenario.override:
            report.category_reason = self.rng.choice(scenario.reasons)
        if report.status == ReportStatus.DRAFT and self.chance(0.5):
            report.categories = []  # not confirmed yet
        report.recruitment_methods = sample(self.rng, scenario.recruitment, 2)
        report.control_methods = sample(self.rng, scenario.control, 3)
        report.exploitation_types = sample(self.rng, scenario.exploitation, 2)
        report.industries = [case.job[1]] if case.job[1] else []

    def narrative(self, case: Case, action: PreventionAction | None) -> str:
        """Two or three sentences: how it came to light, what was found, what was done."""
        rng = self.rng
        victim = case.persons[0][1]
        words = narrative_words(
            rng,
            victim=victim.full_name,
            age=victim.age_on(case.day),
            country=case.country,
            village=(case.home_region.code, case.home_region.name),
            district=case.district,
            place=case.place,
            mode=case.mode,
            job=case.job,
            route=case.route,
            recruiter=case.recruiter.full_name if case.recruiter else "",
        )
        sentences = first_sentences(rng, case.source, case.scenario, words)
        if case.repeat:
            sentences.append(REPEAT_NOTE.format(tanggal=f"{case.deferred_before:%d-%m-%Y}"))
        elif action is not None:
            sentences.append(FOLLOW_UPS[action.kind])
        elif case.source == S.DESA_BINAAN_VISIT and self.chance(0.6):
            sentences.append(rng.choice(VISIT_FOLLOW_UPS))
        return as_narrative(sentences)

    def person(
        self, position: int, role: str, who: Identity | Foreigner, scenario: Scenario
    ) -> ReportPerson:
        if isinstance(who, Foreigner):  # without identity papers
            return ReportPerson(
                position=position,
                role=role,
                full_name=who.full_name,
                sex=Sex.MALE,
                age=who.age,
                nationality=who.nationality,
                victim_status=VictimStatus.POSSIBLE,
                notes=FOREIGNER_NOTE,
            )
        person = ReportPerson(
            position=position,
            role=role,
            full_name=who.full_name,
            sex=who.sex,
            birth_date=who.birth_date,
            nik=who.nik,
            nik_index=blind_index("nik", who.nik),
            passport_number=who.passport,
            passport_index=blind_index("passport", who.passport) if who.passport else "",
            nationality="ID",
            address_region=who.home,
            phone=who.phone,
            notes=who.notes,
        )
        if role == PersonRole.POTENTIAL_VICTIM:
            person.victim_status = VictimStatus.POSSIBLE
        elif role == PersonRole.SMUGGLER:
            person.perpetrator_roles = sample(
                self.rng, (PerpetratorRole.SMUGGLER, PerpetratorRole.TRANSPORTER), 2
            )
        elif role == PersonRole.RECRUITER:
            roles: tuple[PerpetratorRole, ...] = (PerpetratorRole.RECRUITER, PerpetratorRole.BROKER)
            if scenario.kind != NONPROC:
                roles = (*roles, PerpetratorRole.HARBOURER, PerpetratorRole.CONTROLLER)
            person.perpetrator_roles = sample(self.rng, roles, 2)
        return person

    def prevention(self, plan: Plan, case: Case) -> PreventionAction | None:
        """What an immigration office did about the (first) potential victim: a passport
        decision after the interview, or a departure deferred after the four steps."""
        if case.office.kind != Agency.Kind.IMMIGRATION or case.scenario.foreign:
            return None
        rng = self.rng
        action = PreventionAction(
            office=case.agency,
            date=case.day,
            place=case.place,
            destination_country=case.country,
            recorded_by=plan.report.created_by,
            interviewed=True,
        )
        if case.source == S.PASSPORT_INTERVIEW:
            action.kind = rng.choices(PASSPORT_DECISIONS, weights=(70, 15, 15))[0]
            action.checkpoint = Checkpoint.PASSPORT_OFFICE
            action.statement_signed = self.chance(0.5)
            lift_chance, documents = 0.25, LIFTED_DOCUMENTS["passport"]
        elif case.source == S.DEPARTURE_CHECK:
            action.kind = PreventionKind.DEPARTURE_DEFERRED
            action.checkpoint = case.checkpoint
            action.statement_signed = self.chance(0.9)
            action.registry_result = rng.choices(
                (RegistryResult.NOT_FOUND, RegistryResult.NOT_CHECKED), weights=(9, 1)
            )[0]
            action.coordinated_with_bp3mi = self.chance(0.85)
            lift_chance, documents = 0.1, LIFTED_DOCUMENTS["departure"]
        else:
            return None
        if plan.kind != NONPROC or action.kind == PreventionKind.PASSPORT_REFUSED:
            lift_chance = 0.0  # a refusal is final; crimes are not lifted on documents
        lifted = case.day + dt.timedelta(days=rng.randint(5, 120))
        if self.chance(lift_chance) and lifted <= timezone.localdate():
            action.lifted_on = lifted
            action.lifted_documents = rng.choice(documents)
        elif action.kind in (PreventionKind.PASSPORT_DEFERRED, PreventionKind.PASSPORT_SUSPENDED):
            applicant = case.persons[0][1]
            if isinstance(applicant, Identity):  # always: the scenario is not a foreign one
                applicant.deferred_on = case.day  # may try again later, at the airport
                self.deferred.append(applicant)
        plan.actions.append(action)
        return action

    def timeline(self, plan: Plan, case: Case, action: PreventionAction | None) -> None:
        """Submission, review and closing times, reviewer and outcome, by status."""
        report, rng = plan.report, self.rng
        start = report.occurred_at
        if report.status == ReportStatus.DRAFT:
            plan.created_at = self.later(start, 0.5, 8)
            return
        report.submitted_at = self.later(start, 1, 40)
        typing = dt.timedelta(minutes=rng.randint(10, 90))
        plan.created_at = max(start, report.submitted_at - typing)
        if report.status == ReportStatus.SUBMITTED:
            return
        report.reviewer = self.world.supervisors[report.agency_id]
        report.review_started_at = self.later(report.submitted_at, 3, 96)
        if report.status == ReportStatus.UNDER_REVIEW:
            return
        report.closed_at = self.later(report.review_started_at, 24, 24 * 40)
        self.close(plan, case, action)

    def close(self, plan: Plan, case: Case, action: PreventionAction | None) -> None:
        """The outcome, consistent with the prevention action, and the victims' status."""
        report, rng = plan.report, self.rng
        outcomes, weights = zip(*OUTCOMES_BY_KIND[plan.kind], strict=True)
        outcome = rng.choices(outcomes, weights=weights)[0]
        if action is not None and action.lifted_on:
            outcome = Outcome.OTHER  # went on through the legal procedure
        elif action is not None and outcome == Outcome.UNFOUNDED:
            if action.kind == PreventionKind.PASSPORT_REFUSED:
                outcome = Outcome.PREVENTED_DEPARTURE
            else:  # the suspicion proved wrong: the deferral is lifted within days
                lifted = action.date + dt.timedelta(days=rng.randint(1, 14))
                action.lifted_on = min(lifted, timezone.localdate())
                umrah = case.mode == M.UMRAH_VISA
                action.lifted_documents = UNFOUNDED_DOCUMENTS[umrah]
                self.deferred = [p for p in self.deferred if p is not case.persons[0][1]]
        report.outcome = outcome
        if case.scenario.foreign:
            report.outcome_note = FOREIGN_OUTCOME
        elif outcome == Outcome.PREVENTED_DEPARTURE:
            report.outcome_note = PREVENTED_NOTES[action.kind if action else ""]
        elif outcome == Outcome.UNFOUNDED and case.mode == M.UMRAH_VISA:
            report.outcome_note = UNFOUNDED_UMRAH_NOTE
        else:
            report.outcome_note = rng.choice(OUTCOME_NOTES[outcome])
        for person in plan.persons:
            if person.role != PersonRole.POTENTIAL_VICTIM or case.scenario.foreign:
                continue
            if outcome == Outcome.VICTIM_ASSISTED:
                person.victim_status = VictimStatus.ACTUAL
                person.victim_status_by = rng.choice(VICTIM_STATUS_BY)
            elif outcome == Outcome.UNFOUNDED:
                person.victim_status = VictimStatus.NOT_A_VICTIM
                person.victim_status_by = report.agency.name


def load_world() -> World | None:
    agencies = {a.short_name: a for a in Agency.objects.filter(short_name__in=AGENCIES)}
    if len(agencies) != len(AGENCIES):
        return None
    officers: dict[int, User] = {}
    supervisors: dict[int, User] = {}
    users = User.objects.filter(
        agency__in=agencies.values(),
        role__in=(User.Role.OFFICER, User.Role.SUPERVISOR),
        is_active=True,
    ).order_by("-id")  # the first created wins: the demo account
    for user in users:
        (officers if user.role == User.Role.OFFICER else supervisors)[user.agency_id] = user
    if len(officers) != len(agencies) or len(supervisors) != len(agencies):
        return None
    desa = list(
        DesaBinaan.objects.select_related("village", "designating_office").order_by("village")
    )
    if not desa:
        return None
    villages: dict[str, list[Region]] = {code: [] for code in REGENCY_WEIGHTS}
    for village in Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="36."):
        villages[village.code[:5]].append(village)
    districts = {
        r.code: r
        for r in Region.objects.filter(level=Region.Level.DISTRICT, code__startswith="36.")
    }
    banten = sorted(districts)
    outside = {r.code: r for r in Region.objects.filter(code__in=OUTSIDE_DISTRICTS)}
    districts.update(outside)
    return World(
        agencies=agencies,
        officers=officers,
        supervisors=supervisors,
        desa=desa,
        desa_by_village={d.village_id: d for d in desa},
        villages_by_regency=villages,
        districts=districts,
        banten_districts=banten,
        outside_districts=sorted(outside),
    )


def occurrence_days(rng: random.Random, count: int, last_day: dt.date) -> list[dt.date]:
    days = []
    for _ in range(count):
        year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
        first = max(FIRST_DAY, dt.date(year, 1, 1))
        last = min(last_day, dt.date(year, 12, 31))
        days.append(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
    return sorted(days)


def pick_scenarios(rng: random.Random) -> list[Scenario]:
    picks: list[Scenario] = []
    for kind, count in REPORTS_BY_KIND.items():
        pool = [s for s in SCENARIOS if s.kind == kind]
        picks += rng.choices(pool, weights=[s.weight for s in pool], k=count)
    rng.shuffle(picks)
    return picks
