"""The referrals services of reports, evidence and prevention (referrals/services/): each checks
the actor's right, validates with errors keyed by field, saves, and audits."""

import datetime as dt
import hashlib
import json
import re
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.accounts.models import Agency
from portal.audit.models import AuditEntry
from portal.core.crypto import blind_index
from referrals import selectors, services
from referrals.models import Evidence, NumberCounter, PreventionAction, Report, ReportPerson
from tests.factories import AgencyFactory
from tests.referrals import factories as f
from tests.referrals.factories import NIK_FEMALE, NIK_MALE
from tests.villages.factories import village

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


# --- Numbers -------------------------------------------------------------------------------


def test_numbers_follow_the_register_format_and_increase(officer):
    year = timezone.localdate().year
    code = officer.agency.code

    first = f.draft(officer)
    second = f.draft(officer)

    assert re.fullmatch(rf"IND-36-{code}-{year}-\d{{6}}", first.number)
    assert re.fullmatch(rf"IND-36-{code}-{year}-\d{{6}}", second.number)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    counter = NumberCounter.objects.get(series="IND", code=code, year=year)
    assert counter.last == int(second.number[-6:])


def test_each_agency_and_year_has_its_own_sequence(db):
    polres = AgencyFactory(code="POLRESCLG")
    kanim = AgencyFactory(code="KANIMSRG")

    assert services.next_report_number(agency=polres, year=1998) == "IND-36-POLRESCLG-1998-000001"
    assert services.next_report_number(agency=polres, year=1998) == "IND-36-POLRESCLG-1998-000002"
    assert services.next_report_number(agency=kanim, year=1998) == "IND-36-KANIMSRG-1998-000001"
    assert services.next_report_number(agency=polres, year=1997) == "IND-36-POLRESCLG-1997-000001"


def test_an_officer_cannot_learn_another_agencys_volume_from_numbers(make_user):
    """The numbers an officer sees of their own agency run on whatever other agencies file,
    and a number shared with them tells only its own agency's count."""
    ours = make_user(agency=AgencyFactory(code="OURS"))
    theirs = make_user(agency=AgencyFactory(code="THEIRS"))

    first = f.draft(ours)
    for _ in range(7):
        f.draft(theirs)
    second = f.draft(ours)
    their_next = f.draft(theirs)

    assert first.number.endswith("-000001")
    assert second.number.endswith("-000002")  # nothing between: the 7 others are not counted
    assert their_next.number.endswith("-000008")
    assert "-OURS-" in first.number
    assert "-THEIRS-" in their_next.number


def test_a_changed_code_numbers_on_under_the_new_code_without_clashing(make_user):
    agency = AgencyFactory(code="OLD")
    officer = make_user(agency=agency)
    before = f.draft(officer)
    Agency.objects.filter(pk=agency.pk).update(code="NEW")
    officer.agency.refresh_from_db()

    after = f.draft(officer)

    assert before.number.split("-")[2:4] == ["OLD", str(timezone.localdate().year)]
    assert after.number.split("-")[2] == "NEW"
    assert after.number.endswith("-000001")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creators_of_one_agency_never_share_a_number(officer):
    """The second creator waits on the counter row the first holds until it commits, then
    takes the next number (the row lock of INSERT … ON CONFLICT DO UPDATE … RETURNING)."""
    results: dict[str, object] = {}

    def second_creator() -> None:
        try:
            results["number"] = f.draft(officer).number
        except BaseException as exc:  # reported by the main thread
            results["error"] = exc
        finally:
            connection.close()

    with transaction.atomic():
        first = f.draft(officer)
        thread = threading.Thread(target=second_creator)
        thread.start()
        try:
            _wait_until_blocked_on("referrals_numbercounter")
        except BaseException:
            transaction.set_rollback(True)
            raise
    thread.join(timeout=120)

    assert not thread.is_alive()
    assert "error" not in results, results.get("error")
    assert results["number"] == first.number[:-6] + f"{int(first.number[-6:]) + 1:06d}"
    assert Report.objects.filter(number__in=[first.number, results["number"]]).count() == 2


def _wait_until_blocked_on(table: str, *, bound: float = 60.0) -> None:
    """Until another session waits for a lock in a statement naming `table`."""
    deadline = time.monotonic() + bound
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # read afresh inside a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() AND query LIKE %s",
                [f"%{table}%"],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"no session waited on {table} within {bound} s")


def test_a_refused_report_does_not_use_up_a_number(officer):
    first = f.draft(officer)
    with pytest.raises(ValidationError) as excinfo:
        f.draft(officer, source="carrier_pigeon")  # refused by full_clean, after numbering
    assert error_fields(excinfo) == {"source"}

    second = f.draft(officer)

    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


# --- report_create -------------------------------------------------------------------------


def test_officer_creates_a_draft_of_their_agency_and_it_is_audited(officer, kanim):
    report = f.draft(officer, persons=[f.person(), f.person(full_name="Budi Santoso")])

    report = Report.objects.get(pk=report.pk)
    assert report.status == Report.Status.DRAFT
    assert report.agency == kanim
    assert report.created_by == officer
    assert report.submitted_at is None
    assert report.person_count == 2
    assert report.suggested_categories == ["tppo"]
    assert [p.full_name for p in report.persons.all()] == ["Siti Nurhaliza", "Budi Santoso"]
    assert [p.position for p in report.persons.all()] == [0, 1]
    (entry,) = entries(Action.REPORT_CREATED)
    assert entry.actor == officer
    assert entry.agency == kanim
    assert entry.target_id == str(report.pk)
    assert entry.data == {"persons": 2}
    assert not entries(Action.REPORT_SUBMITTED)


@pytest.mark.parametrize("role", ["agency_admin", "system_admin"])
def test_admins_do_not_record_reports(make_user, kanim, role):
    admin = make_user(role, kanim)
    with pytest.raises(PermissionDenied):
        f.draft(admin)
    assert not Report.objects.exists()


def test_a_draft_may_be_incomplete(officer):
    report = services.report_create(actor=officer, occurred_at=f.ago(1), source="hotline")

    assert report.status == Report.Status.DRAFT
    assert report.person_count == 0
    assert report.region is None


def test_create_refuses_a_future_date_and_unknown_indicators(officer):
    with pytest.raises(ValidationError) as excinfo:
        f.draft(
            officer,
            occurred_at=timezone.now() + dt.timedelta(days=2),
            indicators=["act_recruitment", "act_teleportation"],
        )
    assert error_fields(excinfo) == {"occurred_at", "indicators"}
    assert "act_teleportation" in excinfo.value.message_dict["indicators"][0]
    assert not Report.objects.exists()


def test_create_refuses_a_person_of_another_report(officer):
    other = f.draft(officer)
    with pytest.raises(PermissionDenied):
        f.draft(officer, persons=[f.person(pk=other.persons.get().pk, full_name="Salinan")])


def test_a_visible_desa_binaan_gives_the_place_when_none_is_chosen(officer, kanim):
    desa = village("36.72.01.1002", kanim)

    report = f.draft(officer, desa=desa, region=None)

    assert report.desa == desa
    assert Report.objects.get(pk=report.pk).region_id == "36.72.01.1002"


def test_a_desa_binaan_the_actor_cannot_see_is_refused(bp3mi_officer, kanim):
    desa = village("36.72.01.1002", kanim)

    with pytest.raises(ValidationError) as excinfo:
        f.draft(bp3mi_officer, desa=desa)
    assert error_fields(excinfo) == {"desa"}


# --- Submitting ----------------------------------------------------------------------------


def test_author_submits_a_complete_draft(officer):
    report = f.draft(officer)

    services.report_submit(actor=officer, report=report)

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.submitted_at is not None
    (entry,) = entries(Action.REPORT_SUBMITTED)
    assert entry.actor == officer
    assert entry.data == {"categories": ["tppo"]}


def test_create_and_submit_at_once(officer):
    report = f.submitted(officer)

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert len(entries(Action.REPORT_CREATED)) == len(entries(Action.REPORT_SUBMITTED)) == 1


def test_submit_names_every_missing_part_by_field(officer):
    report = services.report_create(
        actor=officer, occurred_at=f.ago(1), source="hotline", narrative="  terlalu pendek   "
    )

    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)

    assert error_fields(excinfo) == {"region", "narrative", "__all__", "categories"}
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    assert not entries(Action.REPORT_SUBMITTED)


def test_narrative_of_twenty_characters_is_enough(officer):
    report = f.draft(officer, narrative="x" * 19)
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)
    assert error_fields(excinfo) == {"narrative"}

    report = f.draft(officer, narrative="x" * 20)
    assert services.report_submit(actor=officer, report=report).status == "submitted"


def test_submit_asks_to_confirm_the_suggested_category(officer):
    report = f.draft(officer, categories=[])

    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)

    assert error_fields(excinfo) == {"categories"}
    assert "TPPO" in excinfo.value.message_dict["categories"][0]


def test_a_category_other_than_the_suggestion_needs_a_reason(officer):
    report = f.draft(officer, categories=["tppm"])
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)
    assert error_fields(excinfo) == {"category_reason"}

    report = f.draft(officer, categories=["tppm"], category_reason="   ")
    with pytest.raises(ValidationError) as excinfo:
        services.report_submit(actor=officer, report=report)
    assert error_fields(excinfo) == {"category_reason"}

    report = f.draft(
        officer,
        categories=["tppm", "tppo"],
        category_reason="Penyeberangan lewat jalur tikus dibayar kepada tekong.",
    )
    services.report_submit(actor=officer, report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.category_overridden


def test_a_category_chosen_without_any_suggestion_needs_a_reason(officer):
    with pytest.raises(ValidationError) as excinfo:
        f.submitted(officer, indicators=[], categories=["pmi_nonprocedural"])
    assert error_fields(excinfo) == {"category_reason"}
    assert not Report.objects.exists()


def test_child_victim_makes_act_and_purpose_a_tppo_suggestion(officer):
    indicators = ["act_recruitment", "purpose_sexual"]
    adult = f.draft(officer, indicators=indicators, categories=[])
    child = f.draft(
        officer, indicators=indicators, categories=[], persons=[f.person(age=16, sex="female")]
    )
    witness_child = f.draft(
        officer,
        indicators=indicators,
        categories=[],
        persons=[f.person(role="witness", age=15), f.person(age=30)],
    )
    born = (f.ago(3) - dt.timedelta(days=17 * 365)).date()
    by_birth_date = f.draft(
        officer, indicators=indicators, categories=[], persons=[f.person(birth_date=born)]
    )

    assert adult.suggested_categories == []
    assert Report.objects.get(pk=child.pk).suggested_categories == ["tppo"]
    assert Report.objects.get(pk=witness_child.pk).suggested_categories == []
    assert Report.objects.get(pk=by_birth_date.pk).suggested_categories == ["tppo"]


def test_only_the_author_submits_and_only_once(officer, colleague, kanim_supervisor):
    report = f.draft(officer)
    for someone in (colleague, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.report_submit(actor=someone, report=report)

    services.report_submit(actor=officer, report=report)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=officer, report=report)
    assert len(entries(Action.REPORT_SUBMITTED)) == 1


def test_an_incomplete_report_submitted_at_creation_is_not_saved(officer):
    with pytest.raises(ValidationError) as excinfo:
        f.submitted(officer, persons=[], narrative="")
    assert error_fields(excinfo) == {"__all__", "narrative"}
    assert not Report.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="report_").exists()


# --- Persons: NIK, passport, personal data at rest -----------------------------------------


def test_an_impossible_nik_is_refused_next_to_its_field(officer):
    persons = [
        f.person("persons-0", nik="3699011201900001"),  # regency 36.99 does not exist
        f.person("persons-1", full_name="Budi", nik="36710112019"),  # too short
        f.person("persons-2", full_name="Ani", nik=NIK_FEMALE),
    ]
    with pytest.raises(ValidationError) as excinfo:
        f.draft(officer, persons=persons)

    assert error_fields(excinfo) == {"persons-0-nik", "persons-1-nik"}
    assert "36.99" in excinfo.value.message_dict["persons-0-nik"][0]
    assert not Report.objects.exists()
    assert not ReportPerson.objects.exists()


def test_without_a_prefix_the_error_is_keyed_by_the_field_alone(officer):
    with pytest.raises(ValidationError) as excinfo:
        f.draft(officer, persons=[f.person(nik="3671011213900001")])  # month 13
    assert error_fields(excinfo) == {"nik"}


def test_a_person_needs_a_name(officer):
    with pytest.raises(ValidationError) as excinfo:
        f.draft(officer, persons=[f.person("persons-0", full_name="  ")])
    assert error_fields(excinfo) == {"persons-0-full_name"}


def test_a_nik_is_stored_normalised_without_warnings_when_it_agrees(officer):
    item = f.person(nik="3671 0112.0190-0001", sex="male", birth_date=dt.date(1990, 1, 12))

    report = f.draft(officer, persons=[item])

    saved = ReportPerson.objects.get(report=report)
    assert saved.nik == NIK_MALE
    assert saved.nik_warnings == []
    assert item.warnings == []


@pytest.mark.parametrize(
    ("sex", "birth_date", "codes"),
    [
        pytest.param("female", dt.date(1990, 1, 12), ["sex_male"], id="sex"),
        pytest.param("male", dt.date(1991, 1, 12), ["birth_date"], id="birth-date"),
        pytest.param("female", dt.date(1990, 2, 12), ["sex_male", "birth_date"], id="both"),
    ],
)
def test_a_nik_disagreeing_with_the_person_is_saved_with_warnings(officer, sex, birth_date, codes):
    item = f.person("persons-0", nik=NIK_MALE, sex=sex, birth_date=birth_date)

    report = f.draft(officer, persons=[item])

    saved = ReportPerson.objects.get(report=report)
    assert saved.nik == NIK_MALE
    assert sorted(saved.nik_warnings) == sorted(codes)
    assert len(item.warnings) == len(codes)
    assert all(isinstance(w, str) and w for w in item.warnings)


def test_correcting_the_sex_clears_the_nik_warning(officer):
    report = f.draft(officer, persons=[f.person(nik=NIK_FEMALE, sex="male")])
    saved = report.persons.get()
    assert saved.nik_warnings == ["sex_female"]

    services.report_update(
        actor=officer, report=report, persons=[f.person(pk=saved.pk, sex="female")]
    )

    saved.refresh_from_db()
    assert saved.nik_warnings == []


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("x 123 4567", "X1234567"), ("E1234567", "E1234567"), ("ab1234567", "AB1234567")],
)
def test_an_indonesian_passport_number_is_accepted_normalised(officer, typed, stored):
    report = f.draft(officer, persons=[f.person(passport_number=typed)])
    saved = ReportPerson.objects.get(report=report)
    assert saved.passport_number == stored
    assert saved.passport_index == blind_index("passport", stored)


@pytest.mark.parametrize("typed", ["12345678", "ABC12345", "X12345", "X1234567Z", "X123456789"])
def test_a_malformed_passport_number_is_refused(officer, typed):
    with pytest.raises(ValidationError) as excinfo:
        f.draft(officer, persons=[f.person("persons-0", passport_number=typed)])
    assert error_fields(excinfo) == {"persons-0-passport_number"}


def test_personal_identifiers_are_encrypted_at_rest(officer):
    report = f.draft(
        officer,
        persons=[f.person(nik=NIK_MALE, passport_number="X1234567", phone="081234567890")],
    )
    saved = ReportPerson.objects.get(report=report)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nik, passport_number, phone, nik_index, passport_index "
            "FROM referrals_reportperson WHERE id = %s",
            [saved.pk],
        )
        raw = cursor.fetchone()
        cursor.execute("SELECT row_to_json(e)::text FROM referrals_reportpersonevent e")
        history = " ".join(row[0] for row in cursor.fetchall())

    nik, passport, phone, nik_index, passport_index = raw
    for plain, stored in ((NIK_MALE, nik), ("X1234567", passport), ("081234567890", phone)):
        assert stored
        assert plain not in stored
    assert NIK_MALE not in nik_index
    assert "X1234567" not in passport_index
    # Nor do the history rows hold them, not even encrypted or hashed.
    assert "Siti Nurhaliza" in history
    for value in (NIK_MALE, "X1234567", "081234567890", nik, nik_index, passport_index):
        assert value not in history
    # Python code sees the plain values.
    assert (saved.nik, saved.passport_number, saved.phone) == (
        NIK_MALE,
        "X1234567",
        "081234567890",
    )
    assert saved.nik_masked == "3671********0001"


def test_blind_index_is_equal_for_equal_niks_and_differs_between_kinds(officer, colleague):
    first = f.draft(officer, persons=[f.person(nik=NIK_MALE)])
    second = f.draft(colleague, persons=[f.person(nik="3671-0112-0190-0001")])
    third = f.draft(officer, persons=[f.person(nik=NIK_FEMALE)])

    a, b, c = (ReportPerson.objects.get(report=r) for r in (first, second, third))
    assert a.nik_index == b.nik_index == blind_index("nik", NIK_MALE)
    assert len(a.nik_index) == 64
    assert c.nik_index != a.nik_index
    assert blind_index("passport", NIK_MALE) != blind_index("nik", NIK_MALE)
    assert blind_index("nik", "") == ""
    assert a.passport_index == ""


def test_blind_index_is_keyed(settings):
    plain_hash = hashlib.sha256(f"nik:{NIK_MALE}".encode()).hexdigest()
    first = blind_index("nik", NIK_MALE)
    settings.PII_INDEX_KEY = "another-key"

    assert blind_index("nik", NIK_MALE) != first
    assert plain_hash not in (first, blind_index("nik", NIK_MALE))


# --- Updating and correcting ---------------------------------------------------------------


def test_author_updates_a_draft_without_a_reason(officer):
    report = f.draft(officer)
    person = report.persons.get()

    services.report_update(
        actor=officer,
        report=report,
        persons=[f.person(pk=person.pk), f.person(full_name="Rina Marlina")],
        route="Jakarta - Kuala Lumpur",
    )

    report.refresh_from_db()
    assert report.route == "Jakarta - Kuala Lumpur"
    assert report.person_count == 2
    (entry,) = entries(Action.REPORT_UPDATED)
    assert entry.data["changes"] == {"route": ["", "Jakarta - Kuala Lumpur"]}
    assert entry.data["persons_added"] == 1
    assert "reason" not in entry.data


def test_persons_left_out_of_an_update_are_kept_and_counted(officer):
    report = f.draft(officer, persons=[f.person(), f.person(full_name="Budi Santoso")])

    services.report_update(actor=officer, report=report, persons=[], route="Jakarta - Dubai")

    report.refresh_from_db()
    assert report.persons.count() == 2
    assert report.person_count == 2


def test_update_removes_a_person_marked_for_deletion(officer):
    report = f.draft(officer, persons=[f.person(), f.person(full_name="Budi Santoso")])
    siti, budi = report.persons.all()

    services.report_update(
        actor=officer,
        report=report,
        persons=[f.person(pk=siti.pk, delete=True), f.person(pk=budi.pk)],
    )

    report.refresh_from_db()
    assert [p.full_name for p in report.persons.all()] == ["Budi Santoso"]
    assert report.person_count == 1
    assert entries(Action.REPORT_UPDATED)[0].data["persons_removed"] == ["Siti Nurhaliza"]


def test_a_colleague_cannot_update_a_draft(officer, colleague):
    report = f.draft(officer)
    with pytest.raises(PermissionDenied):
        services.report_update(actor=colleague, report=report, persons=[], route="X")


def test_correcting_a_submitted_report_needs_a_reason(officer):
    report = f.submitted(officer, persons=[f.person(nik=NIK_MALE)])
    person = report.persons.get()

    for reason in ("", "   "):
        with pytest.raises(ValidationError) as excinfo:
            services.report_update(
                actor=officer,
                report=report,
                persons=[f.person(pk=person.pk)],
                correction_reason=reason,
                route="Merak - Bakauheni",
            )
        assert error_fields(excinfo) == {"correction_reason"}
    report.refresh_from_db()
    assert report.route == ""
    assert not entries(Action.REPORT_UPDATED)


def test_a_correction_is_audited_with_its_reason_and_without_the_nik(officer):
    report = f.submitted(officer, persons=[f.person(nik=NIK_MALE, phone="081234567890")])
    person = report.persons.get()

    services.report_update(
        actor=officer,
        report=report,
        persons=[f.person(pk=person.pk, nik=NIK_FEMALE, sex="female", phone="085712345678")],
        correction_reason="  NIK salah ketik saat wawancara.  ",
        route="Merak - Bakauheni",
    )

    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    assert report.route == "Merak - Bakauheni"
    person.refresh_from_db()
    assert person.nik == NIK_FEMALE
    assert person.nik_index == blind_index("nik", NIK_FEMALE)
    (entry,) = entries(Action.REPORT_UPDATED)
    assert entry.actor == officer
    assert entry.data["reason"] == "NIK salah ketik saat wawancara."
    assert entry.data["changes"] == {"route": ["", "Merak - Bakauheni"]}
    changed = entry.data["persons_changed"][str(person.pk)]
    assert changed["nik"] == ["…", "…"]
    assert changed["phone"] == ["…", "…"]
    assert changed["sex"] == ["", "female"]
    dumped = json.dumps(entry.data)
    for secret in (NIK_MALE, NIK_FEMALE, "081234567890", "085712345678", person.nik_index):
        assert secret not in dumped


def test_a_correction_cannot_leave_the_report_incomplete(officer):
    report = f.submitted(officer)
    person = report.persons.get()

    with pytest.raises(ValidationError) as excinfo:
        services.report_update(
            actor=officer,
            report=report,
            persons=[f.person(pk=person.pk)],
            correction_reason="Narasi diringkas.",
            narrative="Singkat.",
        )
    assert error_fields(excinfo) == {"narrative"}


def test_supervisor_may_correct_a_colleague_may_not(officer, colleague, kanim_supervisor):
    report = f.submitted(officer)
    person = report.persons.get()
    kwargs = {
        "report": report,
        "persons": [f.person(pk=person.pk)],
        "correction_reason": "Negara tujuan dilengkapi.",
        "destination_country": "MY",
    }
    with pytest.raises(PermissionDenied):
        services.report_update(actor=colleague, **kwargs)

    services.report_update(actor=kanim_supervisor, **kwargs)

    report.refresh_from_db()
    assert report.destination_country == "MY"
    assert entries(Action.REPORT_UPDATED)[0].actor == kanim_supervisor


def test_a_closed_report_cannot_be_corrected(officer, kanim_supervisor):
    report = f.submitted(officer)
    services.report_start_review(actor=kanim_supervisor, report=report)
    services.report_close(actor=kanim_supervisor, report=report, outcome="unfounded")
    person = report.persons.get()

    for someone in (officer, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.report_update(
                actor=someone,
                report=report,
                persons=[f.person(pk=person.pk)],
                correction_reason="Terlambat.",
                route="X",
            )


# --- Deleting ------------------------------------------------------------------------------


def test_author_deletes_a_draft_with_its_persons_files_and_actions(
    officer, kanim, django_capture_on_commit_callbacks
):
    report = f.draft(officer)
    person = report.persons.get()
    item = services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(), kind="photo"
    )
    stored = Path(item.file.path)
    services.prevention_record(
        actor=officer,
        report=report,
        person=person,
        office=kanim,
        kind="passport_deferred",
        date=days(-1),
        checkpoint="passport_office",
        place="Kantor Imigrasi Tangerang",
    )
    number = report.number
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(actor=officer, report=report)

    assert not Report.objects.filter(pk=report.pk).exists()
    assert not ReportPerson.objects.exists()
    assert not PreventionAction.objects.exists()
    assert not Evidence.objects.exists()
    assert not stored.exists()
    (entry,) = entries(Action.REPORT_DELETED)
    assert entry.actor == officer
    assert entry.data == {"number": number}


def test_only_the_author_deletes_and_only_drafts(officer, colleague, kanim_supervisor):
    draft = f.draft(officer)
    for someone in (colleague, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.report_delete(actor=someone, report=draft)

    report = f.submitted(officer)
    for someone in (officer, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.report_delete(actor=someone, report=report)

    assert Report.objects.filter(pk__in=[draft.pk, report.pk]).count() == 2
    assert not entries(Action.REPORT_DELETED)


# --- Review --------------------------------------------------------------------------------


def test_an_officer_cannot_take_a_report_into_review(officer, colleague):
    report = f.submitted(officer)
    for someone in (officer, colleague):
        with pytest.raises(PermissionDenied):
            services.report_start_review(actor=someone, report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_a_supervisor_of_another_office_cannot_review(officer, cilegon_supervisor):
    report = f.submitted(officer)
    with pytest.raises(PermissionDenied):
        services.report_start_review(actor=cilegon_supervisor, report=report)


@pytest.mark.parametrize("supervisor", ["kanim_supervisor", "kanwil_supervisor"])
def test_a_supervisor_of_the_agency_or_its_kanwil_reviews_and_closes(request, officer, supervisor):
    reviewer = request.getfixturevalue(supervisor)
    report = f.submitted(officer)

    services.report_start_review(actor=reviewer, report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.UNDER_REVIEW
    assert report.reviewer == reviewer
    assert report.review_started_at is not None

    services.report_close(
        actor=reviewer,
        report=report,
        outcome="referred_to_investigation",
        outcome_note="  Diteruskan ke Polda Banten.  ",
    )
    report.refresh_from_db()
    assert report.status == Report.Status.CLOSED
    assert report.outcome == "referred_to_investigation"
    assert report.outcome_note == "Diteruskan ke Polda Banten."
    assert report.closed_at is not None
    assert [e.actor for e in entries(Action.REPORT_REVIEW_STARTED)] == [reviewer]
    (closed,) = entries(Action.REPORT_CLOSED)
    assert closed.data == {"outcome": "referred_to_investigation"}


def test_a_draft_cannot_be_taken_into_review(officer, kanim_supervisor):
    report = f.draft(officer)
    with pytest.raises(PermissionDenied):
        services.report_start_review(actor=kanim_supervisor, report=report)


def test_close_needs_review_first_and_a_valid_outcome(officer, kanim_supervisor):
    report = f.submitted(officer)
    with pytest.raises(PermissionDenied):
        services.report_close(actor=kanim_supervisor, report=report, outcome="unfounded")

    services.report_start_review(actor=kanim_supervisor, report=report)
    for outcome in ("", "dismissed"):
        with pytest.raises(ValidationError) as excinfo:
            services.report_close(actor=kanim_supervisor, report=report, outcome=outcome)
        assert error_fields(excinfo) == {"outcome"}
    report.refresh_from_db()
    assert report.status == Report.Status.UNDER_REVIEW
    assert not entries(Action.REPORT_CLOSED)

    with pytest.raises(PermissionDenied):
        services.report_close(actor=officer, report=report, outcome="unfounded")


def test_a_closed_report_cannot_be_reviewed_again(officer, kanim_supervisor):
    report = f.submitted(officer)
    services.report_start_review(actor=kanim_supervisor, report=report)
    services.report_close(actor=kanim_supervisor, report=report, outcome="victim_assisted")

    with pytest.raises(PermissionDenied):
        services.report_start_review(actor=kanim_supervisor, report=report)
    with pytest.raises(PermissionDenied):
        services.report_close(actor=kanim_supervisor, report=report, outcome="unfounded")
    report.refresh_from_db()
    assert report.outcome == "victim_assisted"


# --- Evidence ------------------------------------------------------------------------------


def test_a_real_png_is_attached_and_audited(officer):
    report = f.draft(officer)
    content = f.png_bytes(1)

    item = services.evidence_upload(
        actor=officer,
        report=report,
        upload=f.png_upload(1),
        kind="photo",
        description="Foto paspor yang ditahan",
    )

    item.refresh_from_db()
    assert item.content_type == "image/png"
    assert item.size == len(content)
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert item.original_name == "foto-paspor.png"
    assert item.file.name == f"evidence/{report.pk}/{item.sha256[:24]}.png"
    assert Path(item.file.path).read_bytes() == content
    (entry,) = entries(Action.FILE_UPLOADED)
    assert entry.data == {
        "file": "foto-paspor.png",
        "sha256": item.sha256,
        "type": "image/png",
    }


def test_a_pdf_is_accepted(officer):
    report = f.draft(officer)
    upload = SimpleUploadedFile("surat.pdf", f.PDF_BYTES, content_type="application/pdf")
    item = services.evidence_upload(actor=officer, report=report, upload=upload, kind="document")
    assert item.content_type == "application/pdf"
    assert item.file.name.endswith(".pdf")


def test_html_renamed_as_png_is_refused(officer):
    report = f.draft(officer)
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_upload(actor=officer, report=report, upload=f.html_as_png(), kind="photo")
    assert error_fields(excinfo) == {"file"}
    assert not Evidence.objects.exists()
    assert not entries(Action.FILE_UPLOADED)


def test_an_empty_file_and_an_unknown_kind_are_refused(officer):
    report = f.draft(officer)
    empty = SimpleUploadedFile("kosong.png", b"", content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_upload(actor=officer, report=report, upload=empty, kind="photo")
    assert error_fields(excinfo) == {"file"}
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_upload(actor=officer, report=report, upload=f.png_upload(), kind="video")
    assert error_fields(excinfo) == {"kind"}
    assert not Evidence.objects.exists()


def test_the_same_file_is_attached_once(officer):
    report = f.draft(officer)
    services.evidence_upload(actor=officer, report=report, upload=f.png_upload(2), kind="photo")

    with pytest.raises(ValidationError) as excinfo:
        services.evidence_upload(
            actor=officer, report=report, upload=f.png_upload(2, "salinan.png"), kind="scan"
        )
    assert error_fields(excinfo) == {"file"}
    assert report.evidence.count() == 1
    # A different file is welcome.
    services.evidence_upload(actor=officer, report=report, upload=f.png_upload(3), kind="photo")
    assert report.evidence.count() == 2


def test_evidence_is_removed_from_a_draft_with_its_file(
    officer, django_capture_on_commit_callbacks
):
    report = f.draft(officer)
    item = services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(), kind="photo"
    )
    stored = Path(item.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(actor=officer, item=item)

    assert not Evidence.objects.exists()
    assert not stored.exists()
    (entry,) = entries(Action.FILE_REMOVED)
    assert entry.data["sha256"] == hashlib.sha256(f.png_bytes()).hexdigest()


def test_evidence_stays_once_the_report_is_submitted(officer, kanim_supervisor):
    report = f.draft(officer)
    item = services.evidence_upload(
        actor=officer, report=report, upload=f.png_upload(), kind="photo"
    )
    services.report_submit(actor=officer, report=report)
    item = Evidence.objects.get(pk=item.pk)

    for someone in (officer, kanim_supervisor):
        with pytest.raises(PermissionDenied):
            services.evidence_remove(actor=someone, item=item)
    assert Evidence.objects.filter(pk=item.pk).exists()
    assert Path(item.file.path).exists()
    assert not entries(Action.FILE_REMOVED)


def test_only_those_who_may_edit_attach_evidence(officer, colleague, cilegon_officer):
    report = f.submitted(officer)
    for someone in (colleague, cilegon_officer):
        with pytest.raises(PermissionDenied):
            services.evidence_upload(
                actor=someone, report=report, upload=f.png_upload(), kind="photo"
            )
    assert not Evidence.objects.exists()


# --- Revealing personal data ---------------------------------------------------------------


def test_revealing_a_nik_is_audited(officer, kanim):
    report = f.submitted(officer, persons=[f.person(nik=NIK_MALE, phone="081234567890")])
    person = report.persons.get()

    assert services.person_reveal(actor=officer, person=person, field="nik") == NIK_MALE
    assert services.person_reveal(actor=officer, person=person, field="phone") == "081234567890"

    first, second = entries(Action.PII_REVEALED)
    assert first.actor == officer
    assert first.agency == kanim
    assert first.target_id == str(report.pk)
    assert first.data == {"field": "nik", "person": person.pk}
    assert second.data["field"] == "phone"
    assert NIK_MALE not in json.dumps(first.data)


def test_a_kanwil_supervisor_may_reveal_for_an_office_below(officer, kanwil_supervisor, kanwil):
    report = f.submitted(officer, persons=[f.person(passport_number="X1234567")])
    person = report.persons.get()

    value = services.person_reveal(actor=kanwil_supervisor, person=person, field="passport_number")

    assert value == "X1234567"
    (entry,) = entries(Action.PII_REVEALED)
    assert entry.agency == kanwil  # the revealing user's agency


def test_another_agencys_user_cannot_reveal(officer, cilegon_officer, bp3mi_officer, colleague):
    report = f.submitted(officer, persons=[f.person(nik=NIK_MALE)])
    draft = f.draft(officer, persons=[f.person(nik=NIK_FEMALE)])

    for someone, person in (
        (cilegon_officer, report.persons.get()),
        (bp3mi_officer, report.persons.get()),
        (colleague, draft.persons.get()),  # a colleague's draft is not theirs to see yet
    ):
        with pytest.raises(PermissionDenied):
            services.person_reveal(actor=someone, person=person, field="nik")
    assert not entries(Action.PII_REVEALED)


def test_only_personal_identifiers_are_revealed(officer):
    person = f.submitted(officer).persons.get()
    with pytest.raises(ValueError, match="notes"):
        services.person_reveal(actor=officer, person=person, field="notes")


# --- Prevention actions --------------------------------------------------------------------


def passport_deferral(**fields):
    fields.setdefault("kind", "passport_deferred")
    fields.setdefault("date", days(-10))
    fields.setdefault("checkpoint", "passport_office")
    fields.setdefault("place", "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang")
    fields.setdefault("interviewed", True)
    return fields


def test_an_officer_records_a_passport_deferral(officer, kanim):
    report = f.submitted(officer)
    person = report.persons.get()

    action = services.prevention_record(
        actor=officer,
        report=report,
        person=person,
        office=kanim,
        **passport_deferral(destination_country="SA", registry_result="not_found"),
    )

    action.refresh_from_db()
    assert action.office == kanim
    assert action.recorded_by == officer
    assert action.person == person
    assert action.registry_result == "not_found"
    assert not action.is_lifted
    (entry,) = entries(Action.PREVENTION_RECORDED)
    assert entry.data == {
        "kind": "passport_deferred",
        "date": days(-10).isoformat(),
        "person": person.pk,
    }


def test_a_departure_is_deferred_at_a_checkpoint(officer, kanim):
    report = f.submitted(officer)
    action = services.prevention_record(
        actor=officer,
        report=report,
        person=report.persons.get(),
        office=kanim,
        kind="departure_deferred",
        date=days(-2),
        checkpoint="airport",
        place="Bandara Soekarno-Hatta, Terminal 3",
        interviewed=True,
        statement_signed=True,
        registry_result="not_found",
        coordinated_with_bp3mi=True,
    )
    assert action.checkpoint == "airport"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"checkpoint": "airport"}, "checkpoint", id="passport-decision-at-airport"),
        pytest.param(
            {"kind": "departure_deferred", "checkpoint": "passport_office"},
            "checkpoint",
            id="departure-at-passport-office",
        ),
        pytest.param({"date": days(1)}, "date", id="future-date"),
        pytest.param({"lifted_on": days(-1)}, "lifted_documents", id="lifted-without-documents"),
        pytest.param(
            {"lifted_on": days(-1), "lifted_documents": "   "},
            "lifted_documents",
            id="lifted-with-blank-documents",
        ),
        pytest.param(
            {"lifted_documents": "Rekomendasi Disnaker"}, "lifted_on", id="documents-without-date"
        ),
        pytest.param(
            {"lifted_on": days(-11), "lifted_documents": "Rekomendasi Disnaker"},
            "lifted_on",
            id="lifted-before-deferred",
        ),
        pytest.param(
            {"lifted_on": days(1), "lifted_documents": "Rekomendasi Disnaker"},
            "lifted_on",
            id="lifted-in-future",
        ),
        pytest.param(
            {
                "kind": "passport_refused",
                "lifted_on": days(-1),
                "lifted_documents": "Rekomendasi Disnaker",
            },
            "lifted_on",
            id="refusal-is-never-lifted",
        ),
    ],
)
def test_prevention_record_validates(officer, kanim, fields, field):
    report = f.submitted(officer)
    with pytest.raises(ValidationError) as excinfo:
        services.prevention_record(
            actor=officer,
            report=report,
            person=report.persons.get(),
            office=kanim,
            **passport_deferral(**fields),
        )
    assert error_fields(excinfo) == {field}
    assert not PreventionAction.objects.exists()
    assert not entries(Action.PREVENTION_RECORDED)


def test_a_deferral_lifted_on_documents_is_recorded(officer, kanim):
    report = f.submitted(officer)
    action = services.prevention_record(
        actor=officer,
        report=report,
        person=report.persons.get(),
        office=kanim,
        **passport_deferral(lifted_on=days(-1), lifted_documents="Rekomendasi Disnaker, PK"),
    )
    assert action.is_lifted


def test_the_office_must_be_the_actors_immigration_office(
    officer, kanim, cilegon, kanwil, kanwil_supervisor, bp3mi
):
    report = f.submitted(officer)
    person = report.persons.get()
    for office in (cilegon, kanwil, bp3mi):
        with pytest.raises(ValidationError) as excinfo:
            services.prevention_record(
                actor=officer, report=report, person=person, office=office, **passport_deferral()
            )
        assert error_fields(excinfo) == {"office"}

    # A Kanwil supervisor records for the office below, whose report it is.
    action = services.prevention_record(
        actor=kanwil_supervisor, report=report, person=person, office=kanim, **passport_deferral()
    )
    assert action.office == kanim


def test_only_immigration_offices_record_prevention_actions(bp3mi_officer, bp3mi):
    own = f.submitted(bp3mi_officer)
    with pytest.raises(PermissionDenied):
        services.prevention_record(
            actor=bp3mi_officer,
            report=own,
            person=own.persons.get(),
            office=bp3mi,
            **passport_deferral(),
        )
    assert not PreventionAction.objects.exists()


def test_no_prevention_action_on_a_report_one_cannot_see_or_for_another_reports_person(
    officer, cilegon_officer, cilegon, kanim
):
    report = f.submitted(officer)
    with pytest.raises(PermissionDenied):
        services.prevention_record(
            actor=cilegon_officer,
            report=report,
            person=report.persons.get(),
            office=cilegon,
            **passport_deferral(),
        )
    other = f.submitted(officer)
    with pytest.raises(PermissionDenied):
        services.prevention_record(
            actor=officer,
            report=report,
            person=other.persons.get(),
            office=kanim,
            **passport_deferral(),
        )
    assert not PreventionAction.objects.exists()


def test_a_colleague_adds_prevention_to_a_closed_report(
    officer, colleague, kanim, kanim_supervisor
):
    report = f.submitted(officer)
    services.report_start_review(actor=kanim_supervisor, report=report)
    services.report_close(actor=kanim_supervisor, report=report, outcome="prevented_departure")

    action = services.prevention_record(
        actor=colleague,
        report=report,
        person=report.persons.get(),
        office=kanim,
        **passport_deferral(),
    )
    assert action.recorded_by == colleague


def test_a_deferral_is_lifted_later_by_its_office(officer, colleague, kanim, cilegon_officer):
    report = f.submitted(officer)
    action = services.prevention_record(
        actor=officer,
        report=report,
        person=report.persons.get(),
        office=kanim,
        **passport_deferral(),
    )

    with pytest.raises(PermissionDenied):
        services.prevention_update(
            actor=cilegon_officer,
            action=action,
            lifted_on=days(-1),
            lifted_documents="Rekomendasi Disnaker",
        )
    with pytest.raises(ValidationError) as excinfo:
        services.prevention_update(actor=colleague, action=action, lifted_on=days(-1))
    assert error_fields(excinfo) == {"lifted_documents"}

    action = PreventionAction.objects.get(pk=action.pk)
    services.prevention_update(
        actor=colleague,
        action=action,
        lifted_on=days(-1),
        lifted_documents="Rekomendasi Disnaker Kota Tangerang",
    )

    action.refresh_from_db()
    assert action.lifted_on == days(-1)
    (entry,) = entries(Action.PREVENTION_UPDATED)
    assert entry.actor == colleague
    assert entry.data["action"] == action.pk
    assert set(entry.data["changes"]) == {"lifted_on", "lifted_documents"}


def test_prevention_by_year_counts_visible_actions_of_a_village(
    officer, kanim, cilegon_officer, cilegon
):
    desa = village(f.PLACE, kanim)
    resident = f.person(address_region=f.region(f.PLACE))
    report = f.submitted(officer, persons=[resident])
    elsewhere = f.submitted(officer)  # neither a resident nor about the village
    theirs = f.submitted(cilegon_officer, persons=[f.person(address_region=f.region(f.PLACE))])
    for r, office, actor in (
        (report, kanim, officer),
        (elsewhere, kanim, officer),
        (theirs, cilegon, cilegon_officer),
    ):
        services.prevention_record(
            actor=actor, report=r, person=r.persons.get(), office=office, **passport_deferral()
        )

    year = days(-10).year
    assert selectors.prevention_by_year(user=officer, desa=desa) == {year: 1}
    assert selectors.prevention_by_year(user=cilegon_officer, desa=desa) == {year: 1}
