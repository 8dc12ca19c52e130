"""The demo's scenario tables: who, where to, how, and the words the reports, shares and
referrals are written in. `seed_demo` (referrals/demo) and `seed_scale` (bench/seed.py) draw
from these same tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from portal.accounts.models import Agency
from referrals.vocabularies import (
    ControlMethod,
    ExploitationType,
    Industry,
    Outcome,
    PreventionKind,
    RecruitmentMethod,
    ReferralOutcome,
    ReferralStatus,
    RequestedAction,
    Sex,
    Source,
    SuspectedMode,
    Urgency,
)

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
PLACES: dict[str, str] = {  # where the other sources place an indication
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

OPENINGS: dict[str, tuple[str, ...]] = {
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
COVERS: dict[str, tuple[str, ...]] = {
    M.UMRAH_VISA: ("beribadah umrah", "umrah bersama keluarga"),
    M.VISIT_VISA: ("berwisata", "mengunjungi saudara", "berlibur"),
    M.UNLICENSED_RECRUITER: ("berwisata", "mengunjungi saudara"),
    M.ONLINE_RECRUITMENT: ("berwisata", "bekerja"),
    M.FAKE_JOB_OFFER: ("bekerja",),
    M.INTERNSHIP_OR_STUDY: ("magang", "mengikuti pelatihan"),
    M.MARRIAGE: ("menikah",),
    M.ILLEGAL_CROSSING: ("bekerja",),
}
FOLLOW_UPS: dict[str, str] = {
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
FAMILY_NOTES: dict[str, tuple[str, str, str]] = {
    Sex.FEMALE: ("Ibu kandung", "Kakak kandung", "Bibi"),
    Sex.MALE: ("Ayah kandung", "Kakak kandung", "Paman"),
}
RECRUITER_NOTES = (
    "Dikenal warga sebagai sponsor; dipanggil {nick}.",
    "Mengaku bekerja untuk sebuah agen di Jakarta; tidak terdaftar sebagai P3MI.",
    "Menghubungi calon PMI hanya lewat WhatsApp.",
    "",
)
FOREIGNER_NOTE = "Tidak membawa dokumen perjalanan; mengaku berangkat dari Jakarta."
UNNAMED_SPONSORS = ("seorang sponsor", "seorang calo di kampungnya", "kenalannya")
VICTIM_STATUS_BY = ("BP3MI Banten", "UPTD PPA Provinsi Banten", "Ditreskrimum Polda Banten")

# --- Shares and referrals ------------------------------------------------------------------

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

REFERRAL_MESSAGES: dict[str, tuple[str, ...]] = {
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
FOREIGN_MESSAGES: dict[str, tuple[str, ...]] = {
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
OUTCOMES: dict[str, tuple[tuple[ReferralOutcome, str], ...]] = {
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
DECLINE_REASONS: dict[str, tuple[str, str]] = {
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
RECEIVER_UPDATES: dict[str, tuple[str, str]] = {
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


# What seed_scale asks of a partner, by its kind (the demo routes each report itself).
REQUESTED_ACTIONS_BY_KIND: dict[str, tuple[RequestedAction, ...]] = {
    Agency.Kind.POLICE: (RA.INVESTIGATION,),
    Agency.Kind.MIGRANT_WORKER_PROTECTION: (RA.VICTIM_PROTECTION, RA.REPATRIATION),
    Agency.Kind.IMMIGRATION: (RA.DOCUMENT_CHECK,),
    Agency.Kind.MANPOWER_OFFICE: (RA.VICTIM_PROTECTION, RA.VILLAGE_OUTREACH),
    Agency.Kind.LOCAL_GOVERNMENT: (RA.VICTIM_PROTECTION,),
    Agency.Kind.YOUTH_ORGANISATION: (RA.VILLAGE_OUTREACH,),
}
# seed_scale's reason when a scenario's indicators suggest no category for its persons.
FALLBACK_CATEGORY_REASON = (
    "Kategori ditetapkan petugas berdasarkan keterangan saksi dan dokumen yang ditemukan."
)

# --- Words for places and dates ----------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def full_years(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_kelurahan(code: str) -> bool:
    return code.rsplit(".", 1)[-1].startswith("1")  # 1xxx kelurahan, 2xxx desa


def village_label(code: str, name: str) -> str:
    return f"{'Kelurahan' if is_kelurahan(code) else 'Desa'} {name}"


def village_office(code: str, name: str) -> str:
    return f"{'Kantor Kelurahan' if is_kelurahan(code) else 'Balai Desa'} {name}"


def tanggal(day: dt.date) -> str:
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"
