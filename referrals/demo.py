"""Demo indication reports: about 300 reports of 2024-2025 across the demo agencies and villages,
in the proportions of ../shared/DOMAIN.md (non-procedural PMI far more often than TPPO, TPPM
rarer still), with prevention actions at passport interviews and departure checkpoints.

People, NIKs, passport and telephone numbers are invented; the NIKs are *valid* (real district
codes of Banten, or of Jakarta and West Java for some recruiters; the birth date with +40 for
women; a serial from 0001) and agree with the recorded sex and birth date. A few persons (known sponsors, applicants who tried again) appear
in more than one report. Village, district and agency names are real.

Deterministic (random.Random(2025)) and idempotent: nothing is added when the demo reports of
2024 exist. Fast: bulk inserts, one block of report numbers per year, and one UPDATE for the
search documents.

Then (seed_exchanges) shares and referrals between the demo agencies along their real agreements,
from the day each took effect up to today, in every status: active, pending (Kanim Serang's
shares need a supervisor's approval) and refused shares; referrals sent, accepted, declined, in
progress and completed, some overdue, with comments from both sides; and in-app notifications of
the last days. Nothing is added when any share exists. The dates depend on today's date."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pgtrigger
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from agreements.models import Agreement, AgreementStatus
from agreements.sharing_policy import entitled_recipients, policy_changed
from portal.accounts.models import Agency, User
from portal.core.categories import ReportCategory
from portal.core.crypto import blind_index
from portal.notifications.models import Notification
from portal.regions.models import Region
from referrals import indicators as ind
from referrals import services
from referrals.models import (
    REFERRAL_SERIES,
    REPORT_SERIES,
    PreventionAction,
    Referral,
    ReferralComment,
    Report,
    ReportPerson,
    Share,
    format_referral_number,
    format_report_number,
    numbered_in,
)
from referrals.search import document_sql
from referrals.vocabularies import (
    Checkpoint,
    ControlMethod,
    ExploitationType,
    Industry,
    Outcome,
    PerpetratorRole,
    PersonRole,
    PreventionKind,
    RecruitmentMethod,
    ReferralOutcome,
    ReferralStatus,
    RegistryResult,
    ReportStatus,
    RequestedAction,
    Sex,
    ShareStatus,
    Source,
    SuspectedMode,
    Urgency,
    VictimStatus,
)
from referrals.workdays import add_working_days, is_working_day
from villages.models import DesaBinaan

RNG_SEED = 2025
FIRST_DAY = dt.date(2024, 1, 2)
LAST_DAY = dt.date(2025, 12, 19)
YEAR_WEIGHTS = {2024: 55, 2025: 45}  # non-procedural departures fell in 2025 (DOMAIN.md)

NONPROC, TPPO, TPPM, BOTH, OVERRIDE = "nonproc", "tppo", "tppm", "both", "override"
REPORTS_BY_KIND = {NONPROC: 210, TPPO: 52, TPPM: 24, BOTH: 6, OVERRIDE: 8}

KANIM_TANGERANG, KANIM_CILEGON, KANIM_SERANG = "Kanim Tangerang", "Kanim Cilegon", "Kanim Serang"
POLDA, POLRES_CILEGON, BP3MI = "Polda Banten", "Polres Cilegon", "BP3MI Banten"
AGENCIES = (KANIM_TANGERANG, KANIM_CILEGON, KANIM_SERANG, POLDA, POLRES_CILEGON, BP3MI)
# The immigration office serving a regency/city (first five characters of a region code).
KANIM_OF_REGENCY = {
    "36.01": KANIM_SERANG,
    "36.02": KANIM_SERANG,
    "36.03": KANIM_TANGERANG,
    "36.04": KANIM_SERANG,
    "36.71": KANIM_TANGERANG,
    "36.72": KANIM_CILEGON,
    "36.73": KANIM_SERANG,
    "36.74": KANIM_TANGERANG,
}
# Where the persons of reports outside a Desa Binaan live: rural regencies send most PMI.
REGENCY_WEIGHTS = {
    "36.03": 24,
    "36.04": 24,
    "36.02": 12,
    "36.01": 11,
    "36.71": 8,
    "36.72": 8,
    "36.73": 8,
    "36.74": 5,
}
DESA_SHARE = 0.45  # of reports about residents of a Desa Binaan
# Recruiters registered outside Banten: Jakarta, Bogor, Sukabumi, Cianjur, Indramayu.
OUTSIDE_DISTRICTS = ("31.74.01", "31.75.04", "32.01.01", "32.02.01", "32.03.01", "32.12.01")

# --- Names (invented combinations of common Sundanese, Javanese and Bantenese names) --------

FEMALE_GIVEN = (
    "Siti", "Nur", "Dewi", "Rina", "Sri", "Yuli", "Eka", "Ani", "Neneng", "Euis", "Iis",
    "Lilis", "Nining", "Tati", "Wati", "Aisyah", "Fitri", "Maryam", "Imas", "Cucu", "Enok",
    "Titin", "Nia", "Lia", "Putri", "Sari", "Indah", "Ayu", "Yanti", "Rohmah", "Ela", "Eti",
    "Entin", "Dian", "Rini", "Nurul", "Ika", "Wulan", "Tuti", "Acih", "Oom", "Kokom",
)  # fmt: skip
FEMALE_SECOND = (
    "Nurhalimah", "Rohaeti", "Maesaroh", "Suhaeni", "Jubaedah", "Komalasari", "Kurniasih",
    "Lestari", "Handayani", "Marlina", "Susanti", "Hidayah", "Rahmawati", "Suryani",
    "Mulyani", "Hasanah", "Nurjanah", "Fatimah", "Aminah", "Sumiati", "Rosita", "Sulastri",
    "Wahyuni", "Apriani", "Yuliani", "Safitri", "Anggraeni", "Pertiwi", "Purnamasari",
    "Setiawati", "Khoeriyah", "Rukoyah",
)  # fmt: skip
MALE_GIVEN = (
    "Ahmad", "Muhammad", "Asep", "Ujang", "Dede", "Agus", "Budi", "Dadang", "Jajang", "Iwan",
    "Rudi", "Hendra", "Deden", "Wawan", "Yayan", "Encep", "Aceng", "Endang", "Tatang", "Usep",
    "Rizky", "Fajar", "Andi", "Irfan", "Hasan", "Sukri", "Saepul", "Mulyadi", "Jaenal",
    "Sarip", "Maman", "Oman", "Nandang", "Dodi", "Ridwan", "Ilham", "Arif", "Bayu", "Heri",
)  # fmt: skip
MALE_SECOND = (
    "Hidayat", "Saputra", "Setiawan", "Kurniawan", "Suryana", "Rohman", "Fauzi", "Sobari",
    "Sulaeman", "Permana", "Nugraha", "Firmansyah", "Ramdani", "Hermawan", "Maulana",
    "Jaelani", "Syarifudin", "Mubarok", "Supriatna", "Sutisna", "Hamdani", "Rosadi",
    "Komarudin", "Junaedi", "Anwar", "Muhtadi", "Sujana", "Rahmat",
)  # fmt: skip
# Combinations that would name a well-known person.
FAMOUS = {"Budi Gunawan", "Agus Salim", "Rudi Hartono", "Siti Nurhaliza", "Dewi Sartika"}
NICKNAMES = ("Bang Jul", "Mang Oyo", "Pak Haji", "Teh Ocoh", "Kang Dudung", "Bu Ratu", "Bewok")
FOREIGN_NAMES = {  # smuggled migrants waiting on the south coast for a boat to Australia
    "AF": (
        "Mohammad Reza Ahmadi",
        "Ali Hussaini",
        "Sayed Jawad Rezaei",
        "Abdul Basir Karimi",
        "Hamid Nazari",
        "Mustafa Haidari",
    ),
    "LK": ("Tharindu Perera", "Nimal Jayasuriya", "Kasun Fernando", "Ruwan Silva"),
}
PHONE_PREFIXES = ("12", "13", "21", "22", "52", "53", "77", "78", "57", "81", "82", "95", "96")

S, M, R = Source, SuspectedMode, RecruitmentMethod
C, E, J = ControlMethod, ExploitationType, Industry
Job = tuple[str, str]  # what the person was to do, and its HTCDS industry

ART: Job = ("asisten rumah tangga", J.HOUSEHOLDS)
NANNY: Job = ("pengasuh anak", J.HOUSEHOLDS)
ELDER_CARE: Job = ("perawat lansia", J.HOUSEHOLDS)
DRIVER: Job = ("sopir keluarga", J.HOUSEHOLDS)
WIFE: Job = ("istri", J.HOUSEHOLDS)
CLEANER: Job = ("petugas kebersihan", J.OTHER_SERVICES)
SPA_THERAPIST: Job = ("terapis spa", J.OTHER_SERVICES)
COOK: Job = ("juru masak rumah makan", J.HOSPITALITY)
WAITER: Job = ("pelayan restoran", J.HOSPITALITY)
CAFE_WAITRESS: Job = ("pelayan kafe", J.HOSPITALITY)
KARAOKE_HOST: Job = ("pemandu lagu", J.ENTERTAINMENT)
PALM_OIL: Job = ("pekerja kebun sawit", J.AGRICULTURE)
FARMHAND: Job = ("pekerja ladang", J.AGRICULTURE)
FISHER: Job = ("anak buah kapal penangkap ikan", J.AGRICULTURE)
BUILDER: Job = ("buruh bangunan", J.CONSTRUCTION)
FACTORY: Job = ("operator pabrik", J.MANUFACTURING)
CAREGIVER: Job = ("caregiver", J.HEALTH_CARE)
SALES: Job = ("staf pemasaran", J.TRADE)
CUSTOMER_SERVICE: Job = ("customer service", J.ICT)
SOCIAL_MEDIA_ADMIN: Job = ("admin media sosial", J.ICT)
INVESTMENT_ADMIN: Job = ("admin investasi", J.ICT)
CRYPTO_MARKETING: Job = ("marketing kripto", J.ICT)
GAME_OPERATOR: Job = ("operator game daring", J.ICT)
NO_JOB: Job = ("", "")

# --- Destinations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    name: str  # in Indonesian
    cities: tuple[str, ...]
    flights: tuple[str, ...]
    wage: str  # a monthly wage as recruiters promise it


DESTINATIONS = {
    "SA": Destination(
        "Arab Saudi",
        ("Riyadh", "Jeddah", "Dammam", "Madinah"),
        ("CGK - Jeddah (JED)", "CGK - Riyadh (RUH)", "CGK - Doha (transit) - Riyadh (RUH)"),
        "1.500 riyal",
    ),
    "AE": Destination(
        "Uni Emirat Arab",
        ("Dubai", "Abu Dhabi", "Sharjah"),
        ("CGK - Dubai (DXB)", "CGK - Kuala Lumpur (transit) - Dubai (DXB)"),
        "2.000 dirham",
    ),
    "QA": Destination("Qatar", ("Doha",), ("CGK - Doha (DOH)",), "1.800 riyal"),
    "MY": Destination(
        "Malaysia",
        ("Kuala Lumpur", "Johor Bahru", "Penang", "Melaka"),
        ("CGK - Kuala Lumpur (KUL)", "CGK - Johor Bahru (JHB)"),
        "RM 1.800",
    ),
    "KH": Destination(
        "Kamboja",
        ("Phnom Penh", "Sihanoukville", "Bavet"),
        (
            "CGK - Kuala Lumpur (transit) - Phnom Penh (PNH)",
            "CGK - Bangkok (transit) - Poipet (jalur darat)",
            "CGK - Ho Chi Minh City (transit) - Bavet (jalur darat)",
        ),
        "US$ 1.000",
    ),
    "MM": Destination(
        "Myanmar",
        ("Myawaddy",),
        ("CGK - Bangkok (BKK) - Mae Sot (jalur darat) - Myawaddy",),
        "US$ 1.200",
    ),
    "TW": Destination(
        "Taiwan", ("Taipei", "Taichung", "Kaohsiung"), ("CGK - Taipei (TPE)",), "NT$ 27.000"
    ),
    "HK": Destination("Hong Kong", ("Hong Kong",), ("CGK - Hong Kong (HKG)",), "HK$ 5.000"),
    "JP": Destination(
        "Jepang",
        ("Osaka", "Nagoya", "Tokyo"),
        ("CGK - Tokyo Haneda (HND)", "CGK - Osaka Kansai (KIX)"),
        "¥ 180.000",
    ),
    "KR": Destination(
        "Korea Selatan", ("Busan", "Ansan", "Gimhae"), ("CGK - Incheon (ICN)",), "₩ 2 juta"
    ),
    "CN": Destination(
        "Tiongkok", ("Hebei", "Shandong"), ("CGK - Guangzhou (CAN) - Shijiazhuang",), "Rp 5 juta"
    ),
    "TR": Destination("Turki", ("Istanbul",), ("CGK - Istanbul (IST)",), "US$ 600"),
    "AU": Destination(
        "Australia",
        ("Pulau Christmas",),
        ("Pesisir selatan Banten - Pulau Christmas (kapal nelayan, tanpa melalui TPI)",),
        "-",
    ),
}
SEA_ROUTES_MY = (
    "Merak - Bakauheni - Dumai - Melaka",
    "Merak - Bakauheni - Tanjung Balai Karimun - Johor (jalur tidak resmi)",
    "Merak - Bakauheni - Pekanbaru - Dumai - Port Dickson",
)
AIRPORT_PLACES = (
    "Terminal 3 Bandara Internasional Soekarno-Hatta, konter keberangkatan",
    "Terminal 2F Bandara Internasional Soekarno-Hatta",
    "Terminal 3 Bandara Internasional Soekarno-Hatta, ruang pemeriksaan kedua",
)
SEAPORT_PLACES = (
    "Pelabuhan Penyeberangan Merak, pos pemeriksaan terpadu",
    "Pelabuhan Merak, Dermaga Eksekutif",
    "Pelabuhan Penyeberangan Merak, Dermaga 3",
)
PLACES = {  # where the other sources place an indication
    S.VILLAGE_REPORT: "{desa}",
    S.DESA_BINAAN_VISIT: "{kantor}",
    S.HOTLINE: "Pengaduan melalui hotline",
    S.PARTNER_AGENCY: "Rujukan instansi mitra",
    S.POLICE_PATROL: "Kecamatan {kecamatan}",
}
PASSPORT_PLACES = {
    KANIM_TANGERANG: (
        "Ruang wawancara paspor Kantor Imigrasi Tangerang",
        "Unit Layanan Paspor Mal Pelayanan Publik Kota Tangerang",
    ),
    KANIM_CILEGON: ("Ruang wawancara paspor Kantor Imigrasi Cilegon",),
    KANIM_SERANG: (
        "Ruang wawancara paspor Kantor Imigrasi Serang",
        "Unit Kerja Kantor Imigrasi di MPP Kabupaten Serang",
    ),
}

# --- Scenarios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One pattern of case: where it comes to light, how, where to, and what is ticked."""

    kind: str
    weight: int
    sources: tuple[str, ...]
    modes: tuple[str, ...]
    destinations: tuple[str, ...]
    jobs: tuple[Job, ...]
    details: tuple[str, ...]  # sentences with {pekerjaan} {kota} {negara} {sponsor} {gaji} …
    required: tuple[str, ...]  # indicators always ticked
    one_of: tuple[str, ...] = ()  # one of these too
    optional: tuple[str, ...] = ()  # each ticked now and then
    recruitment: tuple[str, ...] = ()
    control: tuple[str, ...] = ()
    exploitation: tuple[str, ...] = ()
    female: float = 0.5
    child: float = 0.0  # share of child victims
    recruiter: float = 0.3  # chance that a recruiter (or smuggler) is named
    victims: int = 1  # at most; 2 for raids on holding houses
    risks: tuple[str, ...] = ("medium",)
    foreign: bool = False  # the persons moved are foreign nationals
    override: tuple[str, ...] = ()  # categories the officer chose instead of the suggestion
    reasons: tuple[str, ...] = ()


NONPROC_MARKERS = (
    "nonproc_not_registered",
    "nonproc_no_recommendation",
    "nonproc_no_contract",
    "act_recruitment",
)
SCENARIOS = (
    Scenario(
        NONPROC,
        26,
        (S.PASSPORT_INTERVIEW, S.DEPARTURE_CHECK, S.DESA_BINAAN_VISIT),
        (M.UMRAH_VISA,),
        ("SA",),
        (ART, NANNY, ELDER_CARE),
        (
            "Di telepon genggamnya ditemukan foto kontrak kerja sebagai {pekerjaan} di {kota}, "
            "dan namanya tidak terdaftar di SISKOP2MI.",
            "Ia mengaku dijanjikan bekerja sebagai {pekerjaan} di {kota} oleh {sponsor} dengan "
            "gaji {gaji} per bulan, tanpa rekomendasi Disnaker.",
            "Visa umrah diurus oleh biro perjalanan yang bukan PPIU berizin; tujuan sebenarnya "
            "bekerja sebagai {pekerjaan} di {kota}.",
            "Ia tidak tercatat dalam rombongan jemaah mana pun dan membawa pakaian kerja serta "
            "alamat calon majikan di {kota}.",
        ),
        ("nonproc_visit_visa",),
        optional=(*NONPROC_MARKERS, "nonproc_unlicensed_recruiter"),
        recruitment=(R.JOB_OFFER, R.FAMILIAL, R.POSING_AS_BENEFACTOR),
        female=0.9,
        recruiter=0.3,
    ),
    Scenario(
        NONPROC,
        22,
        (S.PASSPORT_INTERVIEW, S.DEPARTURE_CHECK, S.DESA_BINAAN_VISIT, S.VILLAGE_REPORT),
        (M.VISIT_VISA, M.UNLICENSED_RECRUITER),
        ("SA", "SA", "AE", "QA"),
        (ART, CLEANER, DRIVER, COOK),
        (
            "Ia mengaku akan bekerja sebagai {pekerjaan} di {kota} menggunakan visa kunjungan "
            "yang diurus {sponsor}; biaya {biaya} akan dipotong dari gaji.",
            "Sponsor menjanjikan gaji {gaji} per bulan sebagai {pekerjaan} di {kota} tanpa "
            "perjanjian kerja maupun pelatihan di BLK.",
            "Keberangkatan ke {negara} dengan visa kunjungan, padahal penempatan PMI sektor "
            "domestik pada pengguna perseorangan di Timur Tengah masih dihentikan.",
        ),
        ("nonproc_unlicensed_recruiter",),
        optional=(*NONPROC_MARKERS, "nonproc_visit_visa"),
        recruitment=(R.JOB_OFFER, R.FAMILIAL, R.PUBLIC_AREA),
        female=0.75,
        recruiter=0.45,
    ),
    Scenario(
        NONPROC,
        22,
        (S.PASSPORT_INTERVIEW, S.DEPARTURE_CHECK, S.DESA_BINAAN_VISIT, S.VILLAGE_REPORT),
        (M.VISIT_VISA, M.UNLICENSED_RECRUITER),
        ("MY",),
        (PALM_OIL, BUILDER, WAITER, FACTORY),
        (
            "Ia berencana bekerja sebagai {pekerjaan} di {kota} dengan paspor kunjungan; "
            "pekerjaan dijanjikan oleh {sponsor} yang sudah lebih dulu bekerja di sana.",
            "Tiket dan ongkos perjalanan ke {kota} ditanggung {sponsor} dan akan diganti dari "
            "gaji {gaji} per bulan; tidak ada perjanjian penempatan.",
            "Ia tidak terdaftar di SISKOP2MI dan belum pernah mengikuti orientasi pra-"
            "pemberangkatan; tujuannya bekerja sebagai {pekerjaan}.",
        ),
        ("nonproc_not_registered",),
        optional=(*NONPROC_MARKERS, "nonproc_visit_visa", "nonproc_unlicensed_recruiter"),
        recruitment=(R.JOB_OFFER, R.FAMILIAL, R.WORK),
        female=0.35,
        recruiter=0.35,
    ),
    Scenario(
        NONPROC,
        14,
        (S.PASSPORT_INTERVIEW, S.DEPARTURE_CHECK, S.DESA_BINAAN_VISIT),
        (M.ONLINE_RECRUITMENT,),
        ("KH", "MY", "TW", "KR"),
        (CUSTOMER_SERVICE, SOCIAL_MEDIA_ADMIN, FACTORY, SALES),
        (
            "Lowongan sebagai {pekerjaan} di {kota} ia temukan di grup Facebook; perekrut "
            "hanya berkomunikasi lewat WhatsApp dan meminta biaya {biaya}.",
            "Ia diterima bekerja sebagai {pekerjaan} di {kota} setelah wawancara melalui video "
            "call, tanpa kontrak tertulis dan tanpa melalui P3MI berizin.",
            "Tiket ke {kota} dikirim oleh akun Telegram yang menawarkan gaji {gaji} sebagai "
            "{pekerjaan}; ia belum pernah bertemu langsung dengan perekrutnya.",
        ),
        ("nonproc_not_registered",),
        optional=("nonproc_no_contract", "nonproc_unlicensed_recruiter", "nonproc_visit_visa"),
        recruitment=(R.INTERNET, R.JOB_OFFER),
        female=0.45,
        recruiter=0.1,
        risks=("medium", "high"),
    ),
    Scenario(
        NONPROC,
        12,
        (S.PASSPORT_INTERVIEW, S.DEPARTURE_CHECK),
        (M.VISIT_VISA, M.INTERNSHIP_OR_STUDY),
        ("TW", "HK", "JP", "KR"),
        (CAREGIVER, FACTORY, BUILDER, ART),
        (
            "Ia mengaku akan magang di {kota}, tetapi surat penawaran yang dibawanya adalah "
            "penawaran kerja sebagai {pekerjaan} dengan gaji {gaji}.",
            "Lembaga pelatihan yang memberangkatkannya tidak terdaftar sebagai P3MI; ia akan "
            "bekerja sebagai {pekerjaan} di {kota} dengan visa kunjungan.",
        ),
        ("nonproc_no_recommendation",),
        optional=("nonproc_not_registered", "nonproc_no_contract", "nonproc_visit_visa"),
        recruitment=(R.EDUCATIONAL_FACILITY, R.JOB_OFFER),
        female=0.4,
        recruiter=0.2,
        risks=("low", "medium"),
    ),
    Scenario(
        TPPO,
        14,
        (S.HOTLINE, S.PARTNER_AGENCY, S.VILLAGE_REPORT),
        (M.ONLINE_RECRUITMENT, M.FAKE_JOB_OFFER),
        ("KH", "KH", "MM"),
        (CUSTOMER_SERVICE, INVESTMENT_ADMIN, CRYPTO_MARKETING, GAME_OPERATOR),
        (
            "Ia direkrut lewat iklan lowongan di media sosial sebagai {pekerjaan} dengan gaji "
            "{gaji}, tetapi di {kota} dipaksa menjalankan penipuan daring dengan target harian.",
            "Paspornya ditahan, ia tidak boleh keluar dari kompleks kantor di {kota}, dan "
            "perusahaan meminta tebusan {biaya} bila ingin pulang.",
            "Korban mengirim pesan kepada keluarga bahwa ia dipukul bila tidak mencapai target; "
            "perekrutnya adalah {sponsor}.",
        ),
        ("act_recruitment", "act_sending", "purpose_forced_labour"),
        one_of=("means_deception",),
        optional=("means_confinement", "means_debt_bondage", "means_force", "act_transport"),
        recruitment=(R.INTERNET, R.JOB_OFFER),
        control=(C.FALSE_PROMISES, C.WITHHOLDS_DOCUMENTS, C.RESTRICTS_MOVEMENT, C.THREATS),
        exploitation=(E.FORCED_CRIMINALITY,),
        female=0.4,
        recruiter=0.5,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        8,
        (S.DEPARTURE_CHECK,),
        (M.ONLINE_RECRUITMENT, M.FAKE_JOB_OFFER, M.VISIT_VISA),
        ("KH", "MY", "SA", "AE"),
        (CUSTOMER_SERVICE, ART, WAITER),
        (
            "Dari percakapan WhatsApp terungkap bahwa ia akan bekerja sebagai {pekerjaan} "
            "tanpa hari libur dan gajinya dipotong enam bulan untuk biaya keberangkatan.",
            "Tiket dan visa disiapkan oleh {sponsor}; pesan-pesannya menunjukkan pola perekrutan "
            "yang sama dengan kasus penipuan kerja di {negara} sebelumnya.",
        ),
        ("act_recruitment", "act_transport", "purpose_forced_labour", "nonproc_visit_visa"),
        one_of=("means_deception", "means_debt_bondage"),
        optional=("nonproc_not_registered",),
        recruitment=(R.INTERNET, R.JOB_OFFER),
        control=(C.FALSE_PROMISES, C.DEBT_BONDAGE),
        exploitation=(E.FORCED_LABOUR, E.FORCED_CRIMINALITY),
        female=0.55,
        recruiter=0.3,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        10,
        (S.HOTLINE, S.PARTNER_AGENCY, S.VILLAGE_REPORT),
        (M.UNLICENSED_RECRUITER, M.VISIT_VISA, M.UMRAH_VISA),
        ("SA", "AE", "QA"),
        (ART, NANNY),
        (
            "Korban bekerja sebagai {pekerjaan} di {kota} berbulan-bulan tanpa digaji; paspornya "
            "ditahan majikan dan ia tidak diizinkan keluar rumah.",
            "Keluarga menerima pesan suara bahwa korban dipukul majikan; {sponsor} meminta "
            "{biaya} untuk memulangkannya.",
            "Gaji {gaji} yang dijanjikan tidak pernah dibayar penuh dan korban bekerja lebih "
            "dari 18 jam sehari.",
        ),
        ("act_recruitment", "act_sending", "purpose_servitude"),
        one_of=("means_deception", "means_debt_bondage", "means_abuse_of_power"),
        optional=("purpose_forced_labour", "means_confinement"),
        recruitment=(R.JOB_OFFER, R.FAMILIAL, R.POSING_AS_BENEFACTOR),
        control=(
            C.WITHHOLDS_DOCUMENTS,
            C.TAKES_EARNINGS,
            C.EXCESSIVE_HOURS,
            C.RESTRICTS_MOVEMENT,
            C.PHYSICAL_ABUSE,
        ),
        exploitation=(E.SERVITUDE, E.FORCED_LABOUR),
        female=0.95,
        recruiter=0.6,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        6,
        (S.POLICE_PATROL,),
        (M.UNLICENSED_RECRUITER,),
        ("SA", "AE", "MY"),
        (ART, PALM_OIL),
        (
            "Di sebuah rumah penampungan di Kecamatan {kecamatan} ditemukan calon PMI yang "
            "ditampung berminggu-minggu; KTP dan paspor mereka dikuasai pengelola.",
            "Para calon PMI dilarang keluar rumah penampungan dan diberi tahu bahwa mereka "
            "berutang {biaya} kepada {sponsor} untuk biaya pengurusan.",
        ),
        ("act_harbouring", "act_recruitment", "purpose_forced_labour"),
        one_of=("means_confinement", "means_deception"),
        optional=("means_debt_bondage", "means_forgery"),
        recruitment=(R.JOB_OFFER, R.ACCOMMODATION),
        control=(C.RESTRICTS_MOVEMENT, C.WITHHOLDS_DOCUMENTS, C.DEBT_BONDAGE),
        exploitation=(E.FORCED_LABOUR,),
        female=0.8,
        child=0.2,
        recruiter=0.9,
        victims=2,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        7,
        (S.HOTLINE, S.POLICE_PATROL, S.PARTNER_AGENCY),
        (M.FAKE_JOB_OFFER, M.ONLINE_RECRUITMENT),
        ("MY", "JP", "AE"),
        (WAITER, KARAOKE_HOST, SPA_THERAPIST),
        (
            "Korban ditawari bekerja sebagai {pekerjaan} di {kota} dengan gaji {gaji}; di sana ia "
            "dipaksa melayani tamu dan dibebani utang {biaya}.",
            "Perekrut, {sponsor}, mengurus paspor korban dengan data yang diubah dan "
            "menampungnya di Jakarta sebelum diberangkatkan.",
        ),
        ("act_recruitment", "act_transport", "purpose_sexual"),
        one_of=("means_deception", "means_debt_bondage"),
        optional=("means_forgery", "act_harbouring"),
        recruitment=(R.JOB_OFFER, R.INTERNET, R.INTIMATE_PARTNER),
        control=(C.SEXUAL_ABUSE, C.DEBT_BONDAGE, C.THREATS, C.PSYCHOACTIVE_SUBSTANCES),
        exploitation=(E.SEXUAL,),
        female=1.0,
        child=0.5,
        recruiter=0.6,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        4,
        (S.HOTLINE, S.PARTNER_AGENCY),
        (M.UNLICENSED_RECRUITER, M.FAKE_JOB_OFFER),
        ("TW", "KR"),
        (FISHER,),
        (
            "Korban direkrut sebagai {pekerjaan} berbendera {negara} oleh agen tanpa izin; "
            "gajinya dipotong untuk biaya penempatan dan ia bekerja hingga 20 jam sehari.",
            "Keluarga melaporkan bahwa korban tidak digaji selama delapan bulan dan dilarang "
            "turun dari kapal ketika bersandar.",
        ),
        ("act_recruitment", "act_sending", "purpose_forced_labour"),
        one_of=("means_deception", "means_debt_bondage"),
        optional=("means_forgery",),
        recruitment=(R.JOB_OFFER,),
        control=(C.TAKES_EARNINGS, C.EXCESSIVE_HOURS, C.DEBT_BONDAGE, C.WITHHOLDS_NECESSITIES),
        exploitation=(E.FORCED_LABOUR,),
        female=0.0,
        recruiter=0.5,
        risks=("high",),
    ),
    Scenario(
        TPPO,
        3,
        (S.VILLAGE_REPORT, S.HOTLINE, S.PARTNER_AGENCY),
        (M.MARRIAGE,),
        ("CN",),
        (WIFE,),
        (
            "Korban dijodohkan melalui mak comblang dengan laki-laki warga {negara}; keluarga "
            "menerima {biaya} dan setelah menikah korban dibawa ke {kota}.",
            "Di {kota} korban dilarang menghubungi keluarga dan dipaksa bekerja di ladang "
            "keluarga suaminya tanpa upah.",
        ),
        ("act_recruitment", "act_transfer", "purpose_slavery"),
        one_of=("means_deception", "means_payment_to_controller"),
        recruitment=(R.MARRIAGE_BROKER, R.FAMILIAL),
        control=(C.FALSE_PROMISES, C.RESTRICTS_MOVEMENT, C.PSYCHOLOGICAL_ABUSE),
        exploitation=(E.FORCED_MARRIAGE, E.SERVITUDE),
        female=1.0,
        child=0.3,
        recruiter=0.7,
        risks=("high",),
    ),
    Scenario(
        TPPM,
        10,
        (S.POLICE_PATROL, S.PARTNER_AGENCY),
        (M.ILLEGAL_CROSSING,),
        ("MY",),
        (PALM_OIL, BUILDER),
        (
            "Ia membayar {biaya} kepada seorang tekong untuk diseberangkan ke {kota} dengan "
            "perahu cepat tanpa melalui tempat pemeriksaan imigrasi.",
            "Rombongan berangkat lewat jalur {rute}; penyeberangan diatur oleh {sponsor} yang "
            "memungut bayaran dari setiap penumpang.",
        ),
        ("smuggling_avoiding_checkpoint", "smuggling_profit"),
        optional=("smuggling_no_documents", "nonproc_not_registered", "act_transport"),
        recruitment=(R.SMUGGLING, R.FAMILIAL),
        female=0.25,
        recruiter=0.8,
        risks=("medium", "high"),
    ),
    Scenario(
        TPPM,
        9,
        (S.DEPARTURE_CHECK,),
        (M.VISIT_VISA,),
        ("SA", "AE", "KR", "JP", "TR"),
        (FACTORY, ART, BUILDER),
        (
            "Paspor yang digunakannya ternyata memuat data yang diubah (nama dan tanggal lahir); "
            "ia membayar {biaya} kepada {sponsor} untuk pengurusannya.",
            "Ia bepergian dengan paspor milik orang lain yang diberikan seorang calo dengan "
            "imbalan {biaya}; tujuannya bekerja sebagai {pekerjaan} di {kota}.",
        ),
        ("smuggling_false_documents", "smuggling_profit"),
        optional=("nonproc_visit_visa", "nonproc_not_registered"),
        recruitment=(R.SMUGGLING, R.JOB_OFFER),
        female=0.4,
        recruiter=0.4,
        risks=("high",),
    ),
    Scenario(
        TPPM,
        5,
        (S.POLICE_PATROL,),
        (M.ILLEGAL_CROSSING,),
        ("AU",),
        (NO_JOB,),
        (
            "Petugas mengamankan warga negara asing di sebuah vila di pesisir Kecamatan "
            "{kecamatan} yang menunggu kapal menuju {kota}; masing-masing membayar US$ 4.000 "
            "kepada jaringan penyelundup.",
            "Para WNA tidak memiliki dokumen perjalanan yang sah; penyeberangan diatur oleh "
            "{sponsor} yang menyewakan perahu nelayan.",
        ),
        ("smuggling_avoiding_checkpoint", "smuggling_no_documents", "smuggling_profit"),
        recruitment=(R.SMUGGLING,),
        female=0.1,
        recruiter=1.0,
        victims=2,
        risks=("high",),
        foreign=True,
    ),
    Scenario(
        BOTH,
        4,
        (S.POLICE_PATROL, S.PARTNER_AGENCY, S.HOTLINE),
        (M.ILLEGAL_CROSSING,),
        ("MY",),
        (PALM_OIL, FARMHAND),
        (
            "Korban diseberangkan ke {kota} dengan perahu tanpa melalui TPI dan dipekerjakan di "
            "kebun sawit tanpa upah untuk melunasi utang {biaya} kepada {sponsor}.",
            "Tekong memungut bayaran dari setiap penumpang; setibanya di {kota} paspor dan "
            "telepon para pekerja diambil mandor.",
        ),
        (
            "act_recruitment",
            "act_transport",
            "means_debt_bondage",
            "purpose_forced_labour",
            "smuggling_avoiding_checkpoint",
            "smuggling_profit",
        ),
        optional=("means_deception", "smuggling_no_documents"),
        recruitment=(R.JOB_OFFER, R.SMUGGLING),
        control=(C.DEBT_BONDAGE, C.WITHHOLDS_DOCUMENTS, C.TAKES_EARNINGS),
        exploitation=(E.FORCED_LABOUR,),
        female=0.2,
        recruiter=0.9,
        risks=("high",),
    ),
    Scenario(
        BOTH,
        2,
        (S.DEPARTURE_CHECK, S.HOTLINE),
        (M.ONLINE_RECRUITMENT,),
        ("KH", "MM"),
        (CUSTOMER_SERVICE, INVESTMENT_ADMIN),
        (
            "Paspornya dibuat dengan identitas palsu oleh {sponsor} dengan bayaran {biaya}; ia "
            "akan dipekerjakan sebagai {pekerjaan} pada jaringan penipuan daring di {kota}.",
        ),
        (
            "act_recruitment",
            "act_sending",
            "means_forgery",
            "means_deception",
            "purpose_forced_labour",
            "smuggling_false_documents",
            "smuggling_profit",
        ),
        recruitment=(R.INTERNET,),
        control=(C.FALSE_PROMISES, C.WITHHOLDS_DOCUMENTS),
        exploitation=(E.FORCED_CRIMINALITY,),
        female=0.4,
        recruiter=0.6,
        risks=("high",),
    ),
    Scenario(
        OVERRIDE,
        3,
        (S.DESA_BINAAN_VISIT, S.VILLAGE_REPORT, S.HOTLINE),
        (M.UNLICENSED_RECRUITER,),
        ("SA", "MY"),
        (ART, PALM_OIL),
        (
            "{sponsor} menahan KTP dan buku nikahnya serta meminta {biaya} sebagai biaya "
            "pengurusan yang belum lunas.",
        ),
        ("act_recruitment", "means_debt_bondage", "nonproc_unlicensed_recruiter"),
        recruitment=(R.JOB_OFFER, R.FAMILIAL),
        control=(C.DEBT_BONDAGE, C.WITHHOLDS_DOCUMENTS),
        female=0.7,
        recruiter=1.0,
        risks=("high",),
        override=("tppo",),
        reasons=(
            "Sponsor menahan dokumen dan menjerat dengan utang; tujuan eksploitasi belum "
            "terbukti, tetapi polanya sama dengan jaringan yang sedang diselidiki Polda Banten.",
            "Keterangan keluarga menunjukkan korban sebelumnya sudah dipekerjakan tanpa upah "
            "oleh sponsor yang sama; dicatat sebagai indikasi TPPO untuk didalami.",
        ),
    ),
    Scenario(
        OVERRIDE,
        3,
        (S.DEPARTURE_CHECK,),
        (M.VISIT_VISA,),
        ("SA", "AE", "KR"),
        (ART, FACTORY),
        (
            "Paspornya memuat tanggal lahir yang diubah oleh {sponsor} dengan bayaran {biaya}; "
            "ia akan bekerja sebagai {pekerjaan} di {kota} tanpa prosedur penempatan.",
        ),
        ("smuggling_false_documents", "smuggling_profit", "nonproc_visit_visa"),
        optional=("nonproc_not_registered",),
        recruitment=(R.SMUGGLING, R.JOB_OFFER),
        female=0.6,
        recruiter=0.5,
        risks=("high",),
        override=("tppm", "pmi_nonprocedural"),
        reasons=(
            "Selain dokumen palsu, yang bersangkutan akan bekerja tanpa prosedur penempatan; "
            "dicatat juga sebagai PMI nonprosedural untuk data BP3MI.",
        ),
    ),
    Scenario(
        OVERRIDE,
        2,
        (S.HOTLINE, S.VILLAGE_REPORT),
        (M.FAKE_JOB_OFFER,),
        ("MY", "AE"),
        (CAFE_WAITRESS, SPA_THERAPIST),
        (
            "Korban ditawari kerja sebagai {pekerjaan} di {kota} oleh {sponsor}; percakapan "
            "yang diserahkan keluarga mengarah pada eksploitasi seksual.",
        ),
        ("act_recruitment", "means_deception"),
        recruitment=(R.INTERNET, R.JOB_OFFER),
        control=(C.FALSE_PROMISES,),
        exploitation=(E.SEXUAL,),
        female=1.0,
        recruiter=1.0,
        risks=("high",),
        override=("tppo",),
        reasons=(
            "Tujuan eksploitasi seksual diketahui dari percakapan WhatsApp yang belum "
            "diverifikasi; dicatat sebagai indikasi TPPO agar segera ditangani Polda.",
        ),
    ),
)

# --- Narrative openings by how the case came to light; covers by mode ----------------------

OPENINGS = {
    S.PASSPORT_INTERVIEW: (
        "Dalam wawancara permohonan paspor, {nama} ({umur} tahun) menyatakan hendak ke "
        "{negara} untuk {kedok}.",
        "Pemohon paspor {nama} dari {desa} mengaku akan {kedok} ke {negara}.",
        "{nama} mengajukan paspor dengan alasan {kedok} ke {negara}, tetapi jawabannya dalam "
        "wawancara tidak konsisten.",
    ),
    S.DEPARTURE_CHECK: (
        "Pada pemeriksaan keberangkatan di {tempat}, {nama} ({umur} tahun) tujuan {kota} "
        "menyatakan hendak {kedok}.",
        "Petugas memeriksa {nama} yang akan berangkat ke {negara} dengan alasan {kedok}.",
        "{nama} diprofiling petugas di {tempat} karena tidak dapat menjelaskan tujuan "
        "perjalanannya ke {negara}.",
    ),
    S.DESA_BINAAN_VISIT: (
        "Dalam kunjungan PIMPASA ke {desa}, aparat setempat melaporkan bahwa warganya, "
        "{nama}, sedang bersiap berangkat ke {negara}.",
        "Kader Desa Binaan {nama_desa} menginformasikan kepada PIMPASA bahwa {nama} ({umur} tahun) "
        "direkrut untuk bekerja di {negara}.",
    ),
    S.VILLAGE_REPORT: (
        "Ketua RT di {desa} melaporkan bahwa {nama} akan atau telah diberangkatkan ke "
        "{negara} oleh seorang sponsor.",
        "Perangkat {desa} menyampaikan laporan tentang warganya, {nama} ({umur} tahun), "
        "yang direkrut untuk bekerja di {negara}.",
    ),
    S.HOTLINE: (
        "Keluarga {nama} melapor melalui hotline bahwa yang bersangkutan berada di {kota}, "
        "{negara}, dan meminta pertolongan.",
        "Pengaduan masuk dari keluarga di {desa} tentang {nama} ({umur} tahun) yang "
        "bekerja di {negara}.",
    ),
    S.POLICE_PATROL: (
        "Tim Ditreskrimum menindaklanjuti informasi masyarakat tentang keberangkatan warga ke "
        "{negara} secara tidak resmi.",
        "Dalam patroli dan penyelidikan di wilayah Kecamatan {kecamatan}, petugas menemukan "
        "indikasi pengiriman orang ke {negara}.",
    ),
    S.PARTNER_AGENCY: (
        "Rujukan dari instansi mitra tentang {nama} ({umur} tahun) asal {desa} yang "
        "dikirim ke {negara}.",
        "KBRI di {negara} meneruskan informasi tentang {nama} asal {desa} melalui BP3MI Banten.",
    ),
}
COVERS = {
    M.UMRAH_VISA: ("beribadah umrah", "umrah bersama keluarga"),
    M.VISIT_VISA: ("berwisata", "mengunjungi saudara", "berlibur"),
    M.UNLICENSED_RECRUITER: ("berwisata", "mengunjungi saudara"),
    M.ONLINE_RECRUITMENT: ("berwisata", "bekerja"),
    M.FAKE_JOB_OFFER: ("bekerja",),
    M.INTERNSHIP_OR_STUDY: ("magang", "mengikuti pelatihan"),
    M.MARRIAGE: ("menikah",),
    M.ILLEGAL_CROSSING: ("bekerja",),
}
FOLLOW_UPS = {
    PreventionKind.PASSPORT_DEFERRED: "Permohonan paspor ditunda sampai pemohon melengkapi "
    "rekomendasi Disnaker dan dokumen penempatan.",
    PreventionKind.PASSPORT_SUSPENDED: "Penerbitan paspor ditangguhkan dan data pemohon "
    "diteruskan ke BP3MI Banten.",
    PreventionKind.PASSPORT_REFUSED: "Permohonan paspor ditolak karena tujuan bekerja tanpa "
    "prosedur terbukti dari dokumen yang dibawa.",
    PreventionKind.DEPARTURE_DEFERRED: "Keberangkatan ditunda setelah wawancara, penandatanganan "
    "surat pernyataan, pengecekan SISKOP2MI dan koordinasi dengan petugas BP3MI.",
}
VISIT_FOLLOW_UPS = (
    "PIMPASA menjelaskan jalur penempatan resmi kepada keluarga dan mencatat nama sponsor.",
    "Keluarga diminta menghubungi BP3MI Banten sebelum keberangkatan.",
)
REPEAT_NOTE = "Yang bersangkutan pernah ditunda permohonan paspornya pada {tanggal}."
OUTCOME_NOTES = {
    Outcome.UNFOUNDED: (
        "Yang bersangkutan menunjukkan dokumen lengkap dan terdaftar di SISKOP2MI; kecurigaan "
        "tidak terbukti.",
        "Tujuan kunjungan keluarga terbukti dengan surat undangan dan bukti hubungan keluarga.",
    ),
    Outcome.OTHER: (
        "Dialihkan ke jalur resmi melalui P3MI berizin dengan pendampingan Disnaker.",
        "Penundaan dicabut setelah dokumen dilengkapi; berangkat melalui jalur resmi.",
    ),
    Outcome.REFERRED_TO_INVESTIGATION: (
        "Dilimpahkan ke Ditreskrimum Polda Banten untuk penyidikan.",
        "Diteruskan ke Subdit Renakta Ditreskrimum Polda Banten; perekrut dipanggil untuk "
        "klarifikasi.",
        "Dilimpahkan ke Polres setempat; berkas perkara dalam penyidikan.",
    ),
    Outcome.VICTIM_ASSISTED: (
        "Korban dipulangkan dan didampingi BP3MI Banten serta UPTD PPA Provinsi Banten.",
        "Korban mendapat pendampingan psikososial dan bantuan hukum; hak gajinya diupayakan "
        "melalui KBRI.",
    ),
}
PREVENTED_NOTES = {
    PreventionKind.PASSPORT_DEFERRED: "Paspor ditunda; data diteruskan ke BP3MI Banten untuk "
    "pendampingan calon PMI.",
    PreventionKind.PASSPORT_SUSPENDED: "Penerbitan paspor ditangguhkan; calon PMI diarahkan ke "
    "Disnaker untuk jalur penempatan resmi.",
    PreventionKind.PASSPORT_REFUSED: "Paspor ditolak; keluarga diberi penjelasan tentang "
    "risiko bekerja tanpa prosedur.",
    PreventionKind.DEPARTURE_DEFERRED: "Keberangkatan dicegah; yang bersangkutan diserahkan "
    "kepada petugas BP3MI dan dipulangkan ke daerah asal.",
    "": "Calon PMI batal berangkat setelah pendampingan PIMPASA dan BP3MI; keluarga diberi "
    "penjelasan tentang jalur penempatan resmi.",
}
UNFOUNDED_UMRAH_NOTE = "Terbukti jemaah umrah terdaftar pada PPIU berizin."
UNFOUNDED_DOCUMENTS = {
    True: "Bukti pendaftaran jemaah pada PPIU berizin dan tiket pulang-pergi",
    False: "Surat undangan keluarga dan bukti hubungan keluarga",
}
FOREIGN_OUTCOME = (
    "Para WNA diserahkan ke Rumah Detensi Imigrasi; penyelundup diproses Polda Banten."
)
OUTCOMES_BY_KIND = {
    NONPROC: ((Outcome.PREVENTED_DEPARTURE, 70), (Outcome.UNFOUNDED, 15), (Outcome.OTHER, 15)),
    TPPO: ((Outcome.REFERRED_TO_INVESTIGATION, 55), (Outcome.VICTIM_ASSISTED, 45)),
    TPPM: ((Outcome.REFERRED_TO_INVESTIGATION, 85), (Outcome.OTHER, 15)),
    BOTH: ((Outcome.REFERRED_TO_INVESTIGATION, 70), (Outcome.VICTIM_ASSISTED, 30)),
    OVERRIDE: ((Outcome.REFERRED_TO_INVESTIGATION, 60), (Outcome.PREVENTED_DEPARTURE, 40)),
}
LIFTED_DOCUMENTS = {
    "passport": (
        "Rekomendasi paspor dari Disnaker dan perjanjian penempatan dari P3MI berizin",
        "Surat keterangan umrah dari PPIU berizin, bukti pelunasan dan tiket pulang-pergi",
        "Surat undangan keluarga di luar negeri dan bukti hubungan keluarga",
    ),
    "departure": (
        "ID PMI (SISKOP2MI), perjanjian kerja dan visa kerja",
        "Bukti terdaftar sebagai jemaah PPIU berizin dan tiket kembali",
    ),
}
PASSPORT_DECISIONS = (
    PreventionKind.PASSPORT_DEFERRED,
    PreventionKind.PASSPORT_SUSPENDED,
    PreventionKind.PASSPORT_REFUSED,
)
FAMILY_NOTES = {
    Sex.FEMALE: ("Ibu kandung", "Kakak kandung", "Bibi"),
    Sex.MALE: ("Ayah kandung", "Kakak kandung", "Paman"),
}
RECRUITER_NOTES = (
    "Dikenal warga sebagai sponsor; dipanggil {nick}.",
    "Mengaku bekerja untuk sebuah agen di Jakarta; tidak terdaftar sebagai P3MI.",
    "Menghubungi calon PMI hanya lewat WhatsApp.",
    "",
)
VICTIM_STATUS_BY = ("BP3MI Banten", "UPTD PPA Provinsi Banten", "Ditreskrimum Polda Banten")

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
        return _age(self.birth_date, day)


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


@dataclass
class Plan:
    report: Report
    kind: str
    persons: list[ReportPerson] = field(default_factory=list)
    actions: list[PreventionAction] = field(default_factory=list)
    created_at: dt.datetime | None = None


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
        given, second = (FEMALE_GIVEN, FEMALE_SECOND) if female else (MALE_GIVEN, MALE_SECOND)
        while True:
            parts = [self.rng.choice(given)]
            if self.chance(0.85):
                parts.append(self.rng.choice(second))
            if self.chance(0.15):
                parts.insert(1, self.rng.choice(given))
            full = " ".join(dict.fromkeys(parts))
            if full not in FAMOUS and full not in self.names:
                self.names.add(full)
                return full

    def nik(self, district: str, birth: dt.date, female: bool) -> str:
        return self.identifiers.nik(district, birth, female)

    def passport(self) -> str:
        return self.identifiers.passport()

    def phone(self) -> str:
        return f"08{self.rng.choice(PHONE_PREFIXES)}{self.rng.randint(1_000_000, 99_999_999)}"

    def birth_date(self, on: dt.date, age: int) -> dt.date:
        """A birth date on which the person is exactly `age` years old on `on`."""
        latest = _years_before(on, age)
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
        a, home = self.world.agencies, case.home
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

    def indicators(self, scenario: Scenario, child: bool) -> list[str]:
        ticked = set(scenario.required)
        if scenario.one_of:
            ticked.add(self.rng.choice(scenario.one_of))
        ticked |= {code for code in scenario.optional if self.chance(0.35)}
        if child and self.chance(0.6):  # for a child, act and purpose suffice
            ticked = {c for c in ticked if ind.GROUP_OF[c] != ind.MEANS}
        order = [code for code, _group, _label in ind.INDICATORS]
        return sorted(ticked, key=order.index)

    def sample(self, values: tuple[str, ...], most: int) -> list[str]:
        if not values:
            return []
        return self.rng.sample(values, k=self.rng.randint(1, min(most, len(values))))

    def plan(self, day: dt.date, scenario: Scenario) -> Plan:
        case = self.case(day, scenario)
        self.people(case)
        report = Report(
            agency=case.agency,
            created_by=self.world.officers[case.agency.pk],
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
        case.route = self.route(case)
        case.place = self.place(case)
        return case

    def trying_again(self, day: dt.date) -> Identity | None:
        """Now and then, an applicant whose passport was deferred at least two months ago,
        now at the airport with a passport obtained elsewhere."""
        if not self.deferred or not self.chance(0.12):
            return None
        person = self.deferred[0]
        if (day - person.deferred_on).days < 60:
            return None
        return self.deferred.pop(0)

    def route(self, case: Case) -> str:
        destination = DESTINATIONS[case.country]
        by_sea = case.checkpoint == Checkpoint.SEAPORT or (
            case.scenario.kind in (TPPM, BOTH) and case.country == "MY"
        )
        return self.rng.choice(SEA_ROUTES_MY if by_sea else destination.flights)

    def place(self, case: Case) -> str:
        if case.checkpoint == Checkpoint.AIRPORT:
            return self.rng.choice(AIRPORT_PLACES)
        if case.checkpoint == Checkpoint.SEAPORT:
            return self.rng.choice(SEAPORT_PLACES)
        if case.source == S.PASSPORT_INTERVIEW:
            return self.rng.choice(PASSPORT_PLACES[case.agency.short_name])
        template = PLACES.get(case.source, "Kecamatan {kecamatan}")
        return template.format(
            desa=_village(case.home), kantor=_village_office(case.home), kecamatan=case.district
        )

    def people(self, case: Case) -> None:
        """The potential victims (one, or two for a raid), maybe a recruiter or smuggler,
        maybe a family contact: three at most."""
        rng, scenario = self.rng, case.scenario
        for index in range(rng.randint(1, scenario.victims)):
            if scenario.foreign:
                case.persons.append((PersonRole.POTENTIAL_VICTIM, self.foreigner()))
                continue
            if case.repeat and index == 0:
                person = case.repeat
            else:
                age = rng.randint(14, 17) if case.child and index == 0 else rng.randint(19, 45)
                female = self.chance(scenario.female)
                person = self.identity(case.day, female=female, age=age, home=case.home)
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
            relative = self.identity(case.day, female=female, age=age, home=case.home)
            relative.notes = rng.choice(FAMILY_NOTES[relative.sex])
            case.persons.append((PersonRole.FAMILY_CONTACT, relative))

    def classify(self, report: Report, case: Case) -> None:
        """Indicators, the category they suggest (confirmed, or overridden with a reason) and
        the HTCDS fields."""
        scenario = case.scenario
        child_victim = case.child and not scenario.foreign
        report.indicators = self.indicators(scenario, child_victim)
        suggestion = ind.suggest_categories(report.indicators, child_victim=child_victim)
        report.suggested_categories = list(suggestion.categories)
        report.categories = list(scenario.override or suggestion.categories)
        if scenario.override:
            report.category_reason = self.rng.choice(scenario.reasons)
        if report.status == ReportStatus.DRAFT and self.chance(0.5):
            report.categories = []  # not confirmed yet
        report.recruitment_methods = self.sample(scenario.recruitment, 2)
        report.control_methods = self.sample(scenario.control, 3)
        report.exploitation_types = self.sample(scenario.exploitation, 2)
        report.industries = [case.job[1]] if case.job[1] else []

    def narrative(self, case: Case, action: PreventionAction | None) -> str:
        """Two or three sentences: how it came to light, what was found, what was done."""
        rng = self.rng
        destination = DESTINATIONS[case.country]
        victim = case.persons[0][1]
        if case.recruiter:
            sponsor = f"sponsor bernama {case.recruiter.full_name}"
        else:
            sponsor = rng.choice(("seorang sponsor", "seorang calo di kampungnya", "kenalannya"))
        words = {
            "nama": victim.full_name,
            "umur": victim.age_on(case.day),
            "negara": destination.name,
            "kota": rng.choice(destination.cities),
            "desa": _village(case.home),
            "nama_desa": case.home.name,
            "kecamatan": case.district,
            "tempat": case.place.split(",")[0],
            "kedok": rng.choice(COVERS.get(case.mode, ("bekerja",))),
            "pekerjaan": case.job[0],
            "gaji": destination.wage,
            "biaya": f"Rp {rng.randrange(5, 45)} juta",
            "rute": case.route,
            "sponsor": sponsor,
        }
        sentences = [
            rng.choice(OPENINGS[case.source]).format(**words),
            rng.choice(case.scenario.details).format(**words),
        ]
        if case.repeat:
            sentences.append(REPEAT_NOTE.format(tanggal=f"{case.deferred_before:%d-%m-%Y}"))
        elif action is not None:
            sentences.append(FOLLOW_UPS[action.kind])
        elif case.source == S.DESA_BINAAN_VISIT and self.chance(0.6):
            sentences.append(rng.choice(VISIT_FOLLOW_UPS))
        return " ".join(s[0].upper() + s[1:] for s in sentences)

    def foreigner(self) -> Foreigner:
        nationality = self.rng.choice(("AF", "AF", "LK"))
        name = self.rng.choice(FOREIGN_NAMES[nationality])
        return Foreigner(full_name=name, nationality=nationality, age=self.rng.randint(19, 40))

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
                notes="Tidak membawa dokumen perjalanan; mengaku berangkat dari Jakarta.",
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
            person.perpetrator_roles = self.sample(
                (PerpetratorRole.SMUGGLER, PerpetratorRole.TRANSPORTER), 2
            )
        elif role == PersonRole.RECRUITER:
            roles = (PerpetratorRole.RECRUITER, PerpetratorRole.BROKER)
            if scenario.kind != NONPROC:
                roles = (*roles, PerpetratorRole.HARBOURER, PerpetratorRole.CONTROLLER)
            person.perpetrator_roles = self.sample(roles, 2)
        return person

    def prevention(self, plan: Plan, case: Case) -> PreventionAction | None:
        """What an immigration office did about the (first) potential victim: a passport
        decision after the interview, or a departure deferred after the four steps."""
        if case.agency.kind != Agency.Kind.IMMIGRATION or case.scenario.foreign:
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
            case.persons[0][1].deferred_on = case.day  # may try again later, at the airport
            self.deferred.append(case.persons[0][1])
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


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _is_kelurahan(village: Region) -> bool:
    return village.code.rsplit(".", 1)[-1].startswith("1")  # 1xxx kelurahan, 2xxx desa


def _village(village: Region) -> str:
    return f"{'Kelurahan' if _is_kelurahan(village) else 'Desa'} {village.name}"


def _village_office(village: Region) -> str:
    return f"{'Kantor Kelurahan' if _is_kelurahan(village) else 'Balai Desa'} {village.name}"


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- Loading and saving ---------------------------------------------------------------------


def _world() -> World | None:
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


def _days(rng: random.Random, count: int, last_day: dt.date) -> list[dt.date]:
    days = []
    for _ in range(count):
        year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
        first = max(FIRST_DAY, dt.date(year, 1, 1))
        last = min(last_day, dt.date(year, 12, 31))
        days.append(first + dt.timedelta(days=rng.randint(0, (last - first).days)))
    return sorted(days)


def _scenarios(rng: random.Random) -> list[Scenario]:
    picks: list[Scenario] = []
    for kind, count in REPORTS_BY_KIND.items():
        pool = [s for s in SCENARIOS if s.kind == kind]
        picks += rng.choices(pool, weights=[s.weight for s in pool], k=count)
    rng.shuffle(picks)
    return picks


def _number(plans: list[Plan]) -> None:
    """Report numbers in order of occurrence, from one block per agency code and year of the
    counters services.next_serial counts on."""
    groups: dict[tuple[str, int], list[Report]] = {}
    for plan in plans:
        key = (plan.report.agency.code, plan.report.occurred_at.year)
        groups.setdefault(key, []).append(plan.report)
    with connection.cursor() as cursor:
        for (code, year), reports in sorted(groups.items()):
            reports.sort(key=lambda r: r.occurred_at)
            first = _reserve(cursor, REPORT_SERIES, code, year, len(reports))
            for offset, report in enumerate(reports):
                report.number = format_report_number(code=code, year=year, serial=first + offset)


def _reserve(cursor, series: str, code: str, year: int, count: int) -> int:
    """The first of `count` serials taken at once from services.next_serial's counter."""
    cursor.execute(
        "INSERT INTO referrals_numbercounter (series, code, year, last) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (series, code, year) DO UPDATE SET "
        "last = referrals_numbercounter.last + EXCLUDED.last RETURNING last",
        [series, code, year, count],
    )
    (last,) = cursor.fetchone()
    return last - count + 1


# The search document as referrals.services._refresh_derived writes it.
_DOCUMENT = document_sql(
    number="r.number",
    names="n.names",
    route="r.route",
    narrative="r.narrative",
    agency="r.agency_id",
)
FINISH_SQL = f"""
UPDATE referrals_report AS r SET
    created_at = v.created_at,
    updated_at = v.updated_at,
    search_vector = {_DOCUMENT}
FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v(id, created_at, updated_at)
LEFT JOIN (
    SELECT report_id, string_agg(full_name, ' ' ORDER BY position, id) AS names
    FROM referrals_reportperson GROUP BY report_id
) AS n ON n.report_id = v.id
WHERE r.id = v.id
"""  # noqa: S608 -- constant SQL
PERSONS_SQL = """
UPDATE referrals_reportperson AS p SET created_at = r.created_at, updated_at = r.created_at
FROM referrals_report AS r WHERE p.report_id = r.id AND r.id = ANY(%s)
"""
ACTIONS_SQL = """
UPDATE referrals_preventionaction AS a SET
    created_at = r.created_at,
    updated_at = GREATEST(r.created_at,
        COALESCE((a.lifted_on + time '10:00') AT TIME ZONE 'Asia/Jakarta', r.created_at))
FROM referrals_report AS r WHERE a.report_id = r.id AND r.id = ANY(%s)
"""


def _finish(plans: list[Plan]) -> None:
    """Backdate the rows (auto_now fields) and fill the search documents, without writing
    history rows for it."""
    ids, created, updated = [], [], []
    for plan in plans:
        r = plan.report
        ids.append(r.pk)
        created.append(plan.created_at)
        updated.append(r.closed_at or r.review_started_at or r.submitted_at or plan.created_at)
    with (
        pgtrigger.ignore(
            "referrals.Report:update_update",
            "referrals.ReportPerson:update_update",
            "referrals.PreventionAction:update_update",
        ),
        connection.cursor() as cursor,
    ):
        cursor.execute(FINISH_SQL, [ids, created, updated])
        cursor.execute(PERSONS_SQL, [ids])
        cursor.execute(ACTIONS_SQL, [ids])


def already_seeded() -> bool:
    """The demo reports are the only reports numbered in 2024 (the portal started later)."""
    return Report.objects.filter(numbered_in(2024)).exists()


@transaction.atomic
def seed() -> None:
    _seed_reports()
    seed_exchanges()  # after the reports, and also when they existed already


def _seed_reports() -> None:
    if already_seeded():
        return
    world = _world()
    if world is None:  # the demo agencies, accounts or villages are missing
        return
    rng = random.Random(RNG_SEED)  # noqa: S311 - demo data, not secrets
    generator = Generator(world, rng)
    days = _days(rng, sum(REPORTS_BY_KIND.values()), generator.last_day)
    plans = [
        generator.plan(day, scenario) for day, scenario in zip(days, _scenarios(rng), strict=True)
    ]
    _number(plans)
    Report.objects.bulk_create([p.report for p in plans])
    persons, actions = [], []
    for plan in plans:
        for person in plan.persons:
            person.report = plan.report
            persons.append(person)
        for action in plan.actions:
            action.report = plan.report
            action.person = plan.persons[0]
            actions.append(action)
    ReportPerson.objects.bulk_create(persons)
    PreventionAction.objects.bulk_create(actions)
    _finish(plans)


# --- Shares and referrals between the demo agencies -------------------------------------------
#
# Along the real agreements (agreements/demo.py): the Kanwil with its offices and Polda Banten
# with its Polres exchange every category from 20 Nov 2025; the Kanwil's offices and BP3MI
# Banten exchange TPPO and TPPM from 18 Nov 2025; the KNPI agreement exchanges no case data.
# Every share is checked against agreements.sharing_policy on its own date, and takes the
# agreement the policy names first (as services.report_share does). Rows are written directly
# (bulk inserts), not through the services: they would publish outbox events and e-mail the
# demo accounts. The bell gets in-app notifications of the last days, marked e-mailed.

KANWIL = "Kanwil Imigrasi Banten"
APPROVAL_AGENCY = KANIM_SERANG  # the demo agency whose shares need a supervisor's approval
EXCHANGE_RNG_SEED = 2611
RECENT_DAYS = 7  # events of the last days become notifications
PLAIN_SHARES = 20  # shares without a referral (each referral has its own share besides)
PENDING_SHARES = 3

FRESH, OVERDUE, PAST, RECENT = "fresh", "overdue", "past", "recent"
RS, U, RA, RO = ReferralStatus, Urgency, RequestedAction, ReferralOutcome
# status, urgency, when: fresh = open and not yet due; overdue = open and past its due date;
# past = closed some time ago; recent = closed in the last days.
REFERRAL_PLAN = (
    (RS.SENT, U.NORMAL, FRESH),
    (RS.SENT, U.URGENT, FRESH),
    (RS.SENT, U.NORMAL, OVERDUE),
    (RS.SENT, U.URGENT, OVERDUE),
    (RS.SENT, U.NORMAL, FRESH),
    (RS.ACCEPTED, U.NORMAL, FRESH),
    (RS.ACCEPTED, U.URGENT, FRESH),
    (RS.ACCEPTED, U.NORMAL, OVERDUE),
    (RS.ACCEPTED, U.NORMAL, OVERDUE),
    (RS.ACCEPTED, U.NORMAL, FRESH),
    (RS.IN_PROGRESS, U.NORMAL, FRESH),
    (RS.IN_PROGRESS, U.URGENT, OVERDUE),
    (RS.IN_PROGRESS, U.NORMAL, OVERDUE),
    (RS.IN_PROGRESS, U.NORMAL, FRESH),
    (RS.IN_PROGRESS, U.NORMAL, OVERDUE),
    (RS.DECLINED, U.NORMAL, PAST),
    (RS.DECLINED, U.URGENT, PAST),
    (RS.DECLINED, U.NORMAL, PAST),
    (RS.DECLINED, U.NORMAL, RECENT),
    (RS.COMPLETED, U.NORMAL, PAST),
    (RS.COMPLETED, U.URGENT, PAST),
    (RS.COMPLETED, U.NORMAL, PAST),
    (RS.COMPLETED, U.NORMAL, PAST),
    (RS.COMPLETED, U.URGENT, RECENT),
    (RS.COMPLETED, U.NORMAL, RECENT),
)
IMM_POLICE, IMM_BP3MI, POLICE_IMM, BP3MI_IMM = "imm-police", "imm-bp3mi", "police-imm", "bp3mi-imm"
# The order in which the kinds of exchange take turns (immigration to police most often).
GROUP_TURNS = (IMM_POLICE, IMM_BP3MI, POLICE_IMM, IMM_POLICE, BP3MI_IMM, POLICE_IMM, IMM_POLICE)

MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

REFERRAL_MESSAGES = {
    RA.INVESTIGATION: (
        "Mohon penyelidikan terhadap {pelaku} yang diduga memberangkatkan {korban} asal {desa}, "
        "Kecamatan {kecamatan}, ke {negara} di luar prosedur. Kronologi, hasil wawancara dan "
        "surat pernyataan ada pada laporan {nomor}.",
        "Mohon tindak lanjut penegakan hukum atas laporan {nomor}: {korban} asal {desa} "
        "direkrut untuk bekerja ke {negara}, diduga melalui {pelaku}. Petugas pemeriksa siap "
        "memberikan keterangan.",
    ),
    RA.VICTIM_PROTECTION: (
        "Mohon pendampingan korban {korban} di {desa}, Kecamatan {kecamatan}. Keberangkatannya "
        "ke {negara} telah ditunda; yang bersangkutan dan keluarganya perlu pendampingan serta "
        "informasi jalur penempatan yang prosedural.",
        "Mohon pendampingan dan pendataan {korban} asal {desa} yang batal berangkat ke "
        "{negara}. Korban mengaku masih dihubungi sponsor dan diminta mengembalikan biaya "
        "keberangkatan.",
    ),
    RA.REPATRIATION: (
        "Mohon fasilitasi pemulangan {korban} dari {negara}. Keluarga di {desa}, Kecamatan "
        "{kecamatan}, sudah kami temui dan menyerahkan salinan KTP serta KK korban.",
    ),
    RA.DOCUMENT_CHECK: (
        "Mohon pengecekan data paspor atas nama {korban} di SIMKIM dan penundaan penerbitan "
        "paspor bila yang bersangkutan mengajukan permohonan baru.",
        "Mohon pengecekan riwayat perlintasan {korban} asal {desa} dan paspor yang digunakannya "
        "ke {negara}; diduga paspor diurus oleh {pelaku} dengan data yang tidak benar.",
    ),
    RA.VILLAGE_OUTREACH: (
        "Mohon sosialisasi pencegahan TPPO dan PMI nonprosedural di {desa} bersama PIMPASA. "
        "Warga lain dilaporkan ditawari pekerjaan ke {negara} oleh jaringan yang sama.",
    ),
}
# Foreign nationals (smuggled migrants) come from no village and have no family here.
FOREIGN_MESSAGES = {
    RA.INVESTIGATION: (
        "Mohon penyelidikan jaringan penyelundupan yang membawa {korban} dan rombongannya (WNA) "
        "ke {desa}, Kecamatan {kecamatan}, untuk diseberangkan ke {negara}. Hasil pemeriksaan "
        "para WNA ada pada laporan {nomor}.",
    ),
    RA.DOCUMENT_CHECK: (
        "Mohon pemeriksaan status keimigrasian {korban} dan rombongannya (WNA) yang diamankan di "
        "{desa}, Kecamatan {kecamatan}, serta koordinasi penempatan di rumah detensi imigrasi.",
    ),
}
FOREIGN_UPDATES = (
    "Rujukan kami terima; para WNA sudah dimintai keterangan dengan bantuan penerjemah.",
    "Koordinator penyelundupan sudah teridentifikasi; pengembangan ke jaringan di luar Banten "
    "sedang berjalan.",
)
OUTCOMES = {
    RA.INVESTIGATION: (
        (
            RO.INVESTIGATION_OPENED,
            "Laporan Polisi Nomor LP/B/{lp}/{bulan}/{tahun}/SPKT/{satker}; penyelidikan "
            "ditangani Unit PPA Satreskrim dan Subdit IV Renakta Ditreskrimum Polda Banten.",
        ),
        (
            RO.NO_ACTION_POSSIBLE,
            "Terlapor tidak ditemukan di alamat yang diberikan dan nomor teleponnya tidak aktif; "
            "informasi disimpan untuk pengembangan.",
        ),
    ),
    RA.VICTIM_PROTECTION: (
        (
            RO.VICTIM_ASSISTED,
            "Korban dan keluarganya dikunjungi di {desa}; korban didata sebagai calon PMI dan "
            "diarahkan ke pelatihan di LPK berizin.",
        ),
    ),
    RA.REPATRIATION: (
        (
            RO.REPATRIATED,
            "Korban tiba di Bandara Soekarno-Hatta pada {tanggal} dan diserahkan kepada "
            "keluarganya di {desa}.",
        ),
    ),
    RA.DOCUMENT_CHECK: (
        (
            RO.DEPARTURE_PREVENTED,
            "Data yang bersangkutan dimasukkan dalam daftar pengawasan; permohonan paspor baru "
            "ditunda sampai ada rekomendasi Disnaker.",
        ),
        (
            RO.ACTION_TAKEN,
            "Paspor yang digunakan ditemukan di SIMKIM; hasil pengecekan dan riwayat perlintasan "
            "sudah dikirim melalui komentar rujukan.",
        ),
    ),
    RA.VILLAGE_OUTREACH: (
        (
            RO.ACTION_TAKEN,
            "Sosialisasi dilaksanakan di {kantor} bersama PIMPASA dan perangkat desa, dihadiri "
            "{hadir} warga.",
        ),
    ),
}
DECLINE_REASONS = {
    Agency.Kind.POLICE: (
        "Dari keterangan yang ada belum ditemukan unsur pidana; mohon dilengkapi keterangan "
        "saksi dan identitas sponsor terlebih dahulu.",
        "Perkara yang sama sudah ditangani berdasarkan laporan keluarga korban; rujukan ini "
        "kami gabungkan dengan penanganan tersebut.",
    ),
    Agency.Kind.MIGRANT_WORKER_PROTECTION: (
        "Data alamat dan nomor telepon korban belum lengkap; mohon dilengkapi lalu dirujuk "
        "kembali.",
        "Korban sudah didampingi UPTD PPA Provinsi Banten atas pengaduan keluarga; BP3MI "
        "berkoordinasi langsung dengan UPTD PPA.",
    ),
    Agency.Kind.IMMIGRATION: (
        "Paspor yang bersangkutan diterbitkan oleh kantor imigrasi lain; mohon dirujuk ke "
        "kantor penerbit.",
        "Identitas yang dikirim tidak ditemukan di SIMKIM; mohon dilengkapi NIK atau nomor paspor.",
    ),
}
RECEIVER_UPDATES = {
    RA.INVESTIGATION: (
        "Rujukan kami terima dan sudah diteruskan ke penyidik. Penyidik akan menghubungi "
        "petugas pemeriksa untuk klarifikasi.",
        "Tim sudah mendatangi {desa}; keluarga korban memberikan keterangan tentang sponsor. "
        "Mohon dikirim salinan surat pernyataan korban.",
    ),
    RA.VICTIM_PROTECTION: (
        "Petugas kami sudah menghubungi keluarga korban di {desa}; kunjungan rumah "
        "dijadwalkan minggu ini.",
        "Korban sudah kami temui dan bersedia didata; keluarga meminta informasi penempatan "
        "yang resmi.",
    ),
    RA.REPATRIATION: (
        "Kami sudah berkoordinasi dengan KBRI dan keluarga korban; jadwal kepulangan menunggu "
        "exit permit.",
        "Korban sudah kami jemput di Bandara Soekarno-Hatta dan saat ini berada di shelter "
        "BP3MI Banten sebelum diantar ke {desa}.",
    ),
    RA.DOCUMENT_CHECK: (
        "Data keimigrasian atas nama {korban} sudah kami cek di SIMKIM; hasilnya kami sampaikan "
        "setelah verifikasi.",
        "Data yang bersangkutan sudah kami tandai; permohonan paspor baru akan melalui "
        "wawancara ulang.",
    ),
    RA.VILLAGE_OUTREACH: (
        "Sosialisasi kami jadwalkan hari Kamis di {kantor} bersama PIMPASA dan perangkat desa.",
        "Materi sosialisasi sudah disiapkan; mohon kehadiran perwakilan instansi pengirim bila "
        "memungkinkan.",
    ),
}
SENDER_REPLIES = (
    "Terima kasih. Salinan surat pernyataan dan hasil wawancara sudah kami lengkapi pada laporan.",
    "Baik, petugas kami siap hadir dan memberikan keterangan tambahan.",
    "Terima kasih atas tindak lanjutnya.",
)
SENDER_REMINDER = (
    "Mohon konfirmasi penerimaan rujukan ini; batas waktu tindak lanjut {batas} sudah lewat."
)
DECLINE_REPLY = "Baik, data akan kami lengkapi dan rujukan akan kami kirim kembali."
SHARE_NOTES = (
    "",
    "",
    "Untuk diketahui dan dimanfaatkan sesuai PKS.",
    "Sponsor yang sama pernah muncul dalam laporan sebelumnya; mohon perhatian.",
    "Sebagai bahan pemetaan kerawanan di Desa Binaan.",
)
PENDING_NOTE = "Mohon atensi; calon PMI berencana berangkat kembali dalam waktu dekat."
REFUSED_NOTE = "Untuk diketahui."

# The messages of referrals/services.py, word for word (each reader's language at reading).
NOTICES = {
    services.EVENT_SHARED: gettext_noop("%(agency)s shared report %(number)s with your agency."),
    services.EVENT_SHARE_REQUESTED: gettext_noop(
        "%(user)s asks to share report %(number)s with %(agency)s."
    ),
    services.EVENT_REFERRAL_SENT: gettext_noop(
        "%(agency)s refers report %(number)s to your agency: %(action)s."
    ),
    services.EVENT_REFERRAL_ACCEPTED: gettext_noop(
        "%(agency)s accepted the referral of report %(number)s."
    ),
    services.EVENT_REFERRAL_DECLINED: gettext_noop(
        "%(agency)s declined the referral of report %(number)s."
    ),
    services.EVENT_REFERRAL_COMPLETED: gettext_noop(
        "%(agency)s completed the referral of report %(number)s."
    ),
    services.EVENT_REFERRAL_ASSIGNED: gettext_noop(
        "You are assigned the referral of report %(number)s."
    ),
    services.EVENT_REFERRAL_COMMENT: gettext_noop(
        "New comment from %(agency)s on the referral of report %(number)s."
    ),
    services.EVENT_REFERRAL_OVERDUE: gettext_noop(
        "The referral of report %(number)s was due on %(due)s and is still open."
    ),
}


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

    def day(self, low: dt.date, high: dt.date, ok=None) -> dt.date | None:
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
        return max(submitted, self.first_day)

    # --- policy -------------------------------------------------------------------------

    def agreement(self, report: Report, target: Agency, day: dt.date):
        """The agreement the sharing policy names first for this share on `day`, or None."""
        period = max((d for d in self.policy_changes if d <= day), default=None)
        key = (report.agency_id, tuple(sorted(report.categories)), period)
        if key not in self.policy:
            self.policy[key] = entitled_recipients(
                source=report.agency_id, categories=report.categories, on=day
            )
        bases = self.policy[key].get(target.pk)
        return bases[0].agreement if bases else None

    def routes(self, report: Report) -> list[Route]:
        a = self.agencies
        regency = report.region.code[:5] if report.region_id else ""
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
        approval = report.agency.short_name == APPROVAL_AGENCY
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
            high = min(high, max(low, self.first_day + dt.timedelta(days=45)))
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
            elif not refused and report.region_id and not report.region.code.startswith("36.72"):
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
        days = (
            target.referral_days_urgent
            if urgency == Urgency.URGENT
            else target.referral_days_normal
        )
        return add_working_days(sent_on, days)

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

    def referral(self, route: Route, status: str, urgency: str, when: str, sent_on: dt.date):
        rng, report, target = self.rng, route.report, route.target
        sender_staff, receiver = self.staff[report.agency_id], self.staff[target.pk]
        sender = sender_staff.supervisor if rng.random() < 0.3 else sender_staff.officer
        sent_at = self.at(sent_on)
        share = None
        if when in (PAST, OVERDUE) and rng.random() < 0.35:  # shared some time before
            day = self.day(self.earliest(report), sent_on - dt.timedelta(days=1))
            share = self.add_share(route, day) if day else None
            if share and share.share.shared_at >= sent_at:  # approved just before sending
                share.share.shared_at = share.requested_at + dt.timedelta(minutes=30)
        if share is None:
            share = self.add_share(route, sent_on, by=sender, at=sent_at, note="")
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
                tanggal=_tanggal(closed_on), bulan=ROMAN[closed_on.month - 1], tahun=closed_on.year
            )
            referral.outcome_note = note.format(**words)

    def comment(self, row: ReferralRow, author: User, at: dt.datetime, body: str) -> None:
        referral = row.referral
        if body == "reminder":
            body = SENDER_REMINDER.format(batas=_tanggal(referral.due_on))
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
            "desa": _village(region) if region else "desa asal korban",
            "kantor": _village_office(region) if region else "balai desa",
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


def _tanggal(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


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


SHARES_SQL = """
UPDATE referrals_share AS s SET created_at = v.created_at
FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, created_at) WHERE s.id = v.id
"""
REFERRALS_SQL = """
UPDATE referrals_referral AS r SET sent_at = v.sent_at, updated_at = v.updated_at
FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[]) AS v(id, sent_at, updated_at)
WHERE r.id = v.id
"""
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
    groups: dict[tuple[str, int], list[ReferralRow]] = {}
    for row in rows:
        key = (row.referral.from_agency.code, timezone.localtime(row.sent_at).year)
        groups.setdefault(key, []).append(row)
    with connection.cursor() as cursor:
        for (code, year), group in sorted(groups.items()):
            group.sort(key=lambda row: row.sent_at)
            first = _reserve(cursor, REFERRAL_SERIES, code, year, len(group))
            for offset, row in enumerate(group):
                row.referral.number = format_referral_number(
                    code=code, year=year, serial=first + offset
                )


def _save_exchanges(planner: ExchangePlanner) -> None:
    """Insert the rows, then backdate their auto_now(_add) fields without history rows."""
    Share.objects.bulk_create([row.share for row in planner.shares])
    _number_referrals(planner.referrals)
    Referral.objects.bulk_create([row.referral for row in planner.referrals])
    comments = [(c, at) for row in planner.referrals for c, at in row.comments]
    ReferralComment.objects.bulk_create([c for c, _at in comments])
    shares = [row.share.pk for row in planner.shares]
    referrals = [row.referral.pk for row in planner.referrals]
    with (
        pgtrigger.ignore("referrals.Share:update_update", "referrals.Referral:update_update"),
        connection.cursor() as cursor,
    ):
        cursor.execute(SHARES_SQL, [shares, [row.requested_at for row in planner.shares]])
        cursor.execute(
            REFERRALS_SQL,
            [
                referrals,
                [row.sent_at for row in planner.referrals],
                [row.updated_at for row in planner.referrals],
            ],
        )
        cursor.execute(COMMENTS_SQL, [[c.pk for c, _at in comments], [at for _c, at in comments]])
        cursor.execute(SHARE_EVENTS_SQL, [shares])
        cursor.execute(REFERRAL_EVENTS_SQL, [referrals])
    for row in planner.shares:
        row.share.created_at = row.requested_at
    for row in planner.referrals:
        row.referral.sent_at, row.referral.updated_at = row.sent_at, row.updated_at
        for comment, at in row.comments:
            comment.created_at = at


def _notices(planner: ExchangePlanner) -> list[Notice]:
    """What services would have published for each step, as notices (see NOTICES)."""
    notices: list[Notice] = []
    for row in planner.shares:
        share, report = row.share, row.share.report
        url = report.get_absolute_url()
        if share.status == ShareStatus.PENDING or (
            share.status == ShareStatus.ACTIVE and share.decided_by_id != share.shared_by_id
        ):
            notices.append(
                Notice(
                    at=row.requested_at,
                    kind=services.EVENT_SHARE_REQUESTED,
                    params={
                        "user": share.shared_by.full_name,
                        "number": report.number,
                        "agency": share.agency.short_name,
                    },
                    url=url,
                    dedupe_key=f"share-request:{share.pk}:{row.requested_at.isoformat()}",
                    agency_ids=(report.agency_id,),
                    roles=(User.Role.SUPERVISOR,),
                )
            )
        if share.status == ShareStatus.ACTIVE:
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
    action = str(r.get_requested_action_display())

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
    if r.status == RS.DECLINED:
        notices.append(
            event(
                services.EVENT_REFERRAL_DECLINED, r.closed_at, to_sender=True, actor=row.decided_by
            )
        )
    if r.status == RS.COMPLETED:
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
                        message=NOTICES[notice.kind],
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
