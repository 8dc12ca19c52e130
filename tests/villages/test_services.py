"""The villages services: each checks the actor's right, validates, saves and audits
(villages/services.py)."""

import json
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from agreements import services as agreement_services
from agreements.models import AgreementScope
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.factories import AgencyFactory
from tests.villages import factories as f
from villages import services
from villages.models import Activity, ActivityFile, DesaBinaan, DesaBinaanPartner, VillageFigure

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- village_designate ---------------------------------------------------------------------


def designate(actor, office, code="36.72.01.1003", **fields):
    fields.setdefault("designated_on", f.days(-3))
    return services.village_designate(
        actor=actor, village=f.region(code), designating_office=office, **fields
    )


def test_designating_office_designates_a_village_and_it_is_audited(officer, kanim):
    desa = designate(
        officer,
        kanim,
        decree_number="W.11.IMI.IMI.1-UM.01.01-0812",
        village_head_name="Rudi Hartono",
        liaison_officers=[officer],
    )
    assert desa.designating_office == kanim
    assert desa.village.code == "36.72.01.1003"
    assert list(desa.liaison_officers.all()) == [officer]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VILLAGE_CREATED)
    assert entry.actor == officer
    assert entry.agency == kanim
    assert entry.data == {
        "village": "36.72.01.1003",
        "decree_number": "W.11.IMI.IMI.1-UM.01.01-0812",
    }


def test_kanwil_supervisor_may_designate_for_an_office_below(kanwil_supervisor, kanim):
    assert designate(kanwil_supervisor, kanim).designating_office == kanim


def test_another_agencys_user_may_not_designate_for_the_office(
    polda_officer, kanim, cilegon, officer
):
    with pytest.raises(PermissionDenied):
        designate(polda_officer, kanim)
    with pytest.raises(PermissionDenied):
        designate(officer, cilegon)  # a sibling office, not Kanim Tangerang's own
    assert not DesaBinaan.objects.exists()


def test_designate_refuses_a_region_that_is_not_a_village(officer, kanim):
    with pytest.raises(ValidationError) as excinfo:
        designate(officer, kanim, code="36.72.01")
    assert "village" in error_fields(excinfo)
    assert not DesaBinaan.objects.exists()


def test_designate_refuses_an_office_that_is_not_immigration(system_admin, bp3mi):
    with pytest.raises(ValidationError) as excinfo:
        designate(system_admin, bp3mi)
    assert "designating_office" in error_fields(excinfo)


def test_a_village_can_be_designated_only_once(officer, kanim, kanwil_supervisor, cilegon):
    designate(officer, kanim)
    with pytest.raises(ValidationError) as excinfo:
        designate(kanwil_supervisor, cilegon)
    assert "village" in error_fields(excinfo)
    assert DesaBinaan.objects.get().designating_office == kanim


def test_designation_date_may_be_today_but_not_in_the_future(officer, kanim):
    with pytest.raises(ValidationError) as excinfo:
        designate(officer, kanim, designated_on=f.days(1))
    assert "designated_on" in error_fields(excinfo)
    assert designate(officer, kanim, designated_on=f.today()).designated_on == f.today()


def test_liaison_officers_must_work_for_the_designating_office(officer, kanim, polda_officer):
    with pytest.raises(ValidationError) as excinfo:
        designate(officer, kanim, liaison_officers=[officer, polda_officer])
    assert "liaison_officers" in error_fields(excinfo)
    assert not DesaBinaan.objects.exists()


def test_phone_numbers_are_stored_encrypted(officer, kanim):
    desa = designate(officer, kanim, village_head_phone=f.HEAD_PHONE, contact_phone=f.CONTACT_PHONE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT village_head_phone, contact_phone FROM villages_desabinaan WHERE id = %s",
            [desa.pk],
        )
        raw = cursor.fetchone()
    for stored, plain in zip(raw, (f.HEAD_PHONE, f.CONTACT_PHONE), strict=True):
        assert plain not in stored
        assert stored.startswith("gAAAA")  # a Fernet token
    again = DesaBinaan.objects.get(pk=desa.pk)
    assert (again.village_head_phone, again.contact_phone) == (f.HEAD_PHONE, f.CONTACT_PHONE)


def test_history_rows_never_copy_phone_numbers(db):
    event = apps.get_model("villages", "DesaBinaanEvent")
    names = {field.name for field in event._meta.get_fields()}
    assert "village_head_name" in names
    assert not names & services.PERSONAL_FIELDS


# --- village_update ------------------------------------------------------------------------


def test_update_audits_changes_without_the_phone_values(co_managed_village, officer):
    services.village_update(
        actor=fresh(officer),
        desa=co_managed_village.desa,
        contact_phone="089912345678",
        village_head_phone="",
        village_head_name="Hj. Mulyati",
        liaison_officers=[officer],
    )
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VILLAGE_UPDATED)
    changes = entry.data["changes"]
    assert changes["contact_phone"] == ["…", "…"]
    assert changes["village_head_phone"] == ["…", "…"]
    assert changes["village_head_name"] == ["Ahmad Suhendi", "Hj. Mulyati"]
    assert changes["liaison_officers"] == [0, 1]
    logged = json.dumps(entry.data)
    for number in ("089912345678", f.HEAD_PHONE, f.CONTACT_PHONE):
        assert number not in logged
    co_managed_village.desa.refresh_from_db()
    assert co_managed_village.desa.contact_phone == "089912345678"


def test_update_without_changes_writes_no_audit_entry(co_managed_village, officer):
    services.village_update(
        actor=fresh(officer), desa=co_managed_village.desa, village_head_name="Ahmad Suhendi"
    )
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VILLAGE_UPDATED).exists()


def test_partner_may_update_but_cooperating_agency_may_not(
    co_managed_village, bp3mi_officer, polda_officer
):
    services.village_update(
        actor=fresh(bp3mi_officer), desa=co_managed_village.desa, notes="Dikelola bersama."
    )
    with pytest.raises(PermissionDenied):
        services.village_update(
            actor=fresh(polda_officer), desa=co_managed_village.desa, notes="Tidak boleh."
        )
    co_managed_village.desa.refresh_from_db()
    assert co_managed_village.desa.notes == "Dikelola bersama."


def test_update_refuses_designation_date_in_the_future(co_managed_village, officer):
    with pytest.raises(ValidationError) as excinfo:
        services.village_update(
            actor=fresh(officer), desa=co_managed_village.desa, designated_on=f.days(2)
        )
    assert "designated_on" in error_fields(excinfo)


def test_update_refuses_liaison_officer_of_another_agency(
    co_managed_village, officer, bp3mi_officer
):
    with pytest.raises(ValidationError) as excinfo:
        services.village_update(
            actor=fresh(officer), desa=co_managed_village.desa, liaison_officers=[bp3mi_officer]
        )
    assert "liaison_officers" in error_fields(excinfo)
    assert not co_managed_village.desa.liaison_officers.exists()


# --- village_reveal ------------------------------------------------------------------------


def test_reveal_returns_the_full_number_and_audits_it(co_managed_village, polda_officer):
    value = services.village_reveal(
        actor=fresh(polda_officer), desa=co_managed_village.desa, field="village_head_phone"
    )
    assert value == f.HEAD_PHONE
    entry = AuditEntry.objects.get(action="pii_revealed")
    assert entry.actor == polda_officer
    assert entry.target_id == str(co_managed_village.desa.pk)
    assert entry.data == {"field": "village_head_phone"}


def test_reveal_refuses_user_who_cannot_see_the_village(co_managed_village, knpi_officer, outsider):
    for user in (knpi_officer, outsider):
        with pytest.raises(PermissionDenied):
            services.village_reveal(
                actor=fresh(user), desa=co_managed_village.desa, field="contact_phone"
            )
    assert not AuditEntry.objects.filter(action="pii_revealed").exists()


def test_reveal_only_reveals_personal_fields(co_managed_village, officer):
    with pytest.raises(ValueError, match="decree_number"):
        services.village_reveal(
            actor=fresh(officer), desa=co_managed_village.desa, field="decree_number"
        )


# --- village_partner_add / remove ----------------------------------------------------------


def test_partner_added_under_agreement_binding_office_and_partner(
    co_managed_village, officer, polda
):
    partner = services.village_partner_add(
        actor=fresh(officer),
        desa=co_managed_village.desa,
        agency=polda,
        agreement=co_managed_village.kanwil_polda,
    )
    assert partner.agreement == co_managed_village.kanwil_polda
    assert AuditEntry.objects.filter(action=AuditEntry.Action.VILLAGE_PARTNER_ADDED).exists()


def test_partner_may_be_added_without_agreement(co_managed_village, officer, knpi):
    assert services.village_partner_add(
        actor=fresh(officer), desa=co_managed_village.desa, agency=knpi
    )


def test_designating_office_cannot_be_its_own_partner(co_managed_village, officer, kanim):
    with pytest.raises(ValidationError) as excinfo:
        services.village_partner_add(
            actor=fresh(officer), desa=co_managed_village.desa, agency=kanim
        )
    assert "agency" in error_fields(excinfo)


def test_partner_cannot_be_added_twice(co_managed_village, officer, bp3mi):
    with pytest.raises(ValidationError) as excinfo:
        services.village_partner_add(
            actor=fresh(officer), desa=co_managed_village.desa, agency=bp3mi
        )
    assert "agency" in error_fields(excinfo)
    assert co_managed_village.desa.partners.count() == 1


def test_partner_agreement_must_bind_both_office_and_partner(
    co_managed_village, officer, knpi, polda
):
    with pytest.raises(ValidationError) as excinfo:
        # BP3MI - KNPI binds KNPI, not Kanim Tangerang.
        services.village_partner_add(
            actor=fresh(officer),
            desa=co_managed_village.desa,
            agency=knpi,
            agreement=co_managed_village.bp3mi_knpi,
        )
    assert "agreement" in error_fields(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        # Kanwil - BP3MI binds Kanim Tangerang, not Polda.
        services.village_partner_add(
            actor=fresh(officer),
            desa=co_managed_village.desa,
            agency=polda,
            agreement=co_managed_village.kanwil_bp3mi,
        )
    assert "agreement" in error_fields(excinfo)
    assert not co_managed_village.desa.partners.exclude(pk=co_managed_village.partner.pk).exists()


def test_cooperating_agency_may_not_add_or_remove_partners(co_managed_village, polda_officer, knpi):
    with pytest.raises(PermissionDenied):
        services.village_partner_add(
            actor=fresh(polda_officer), desa=co_managed_village.desa, agency=knpi
        )
    with pytest.raises(PermissionDenied):
        services.village_partner_remove(
            actor=fresh(polda_officer), partner=co_managed_village.partner
        )
    assert DesaBinaanPartner.objects.filter(pk=co_managed_village.partner.pk).exists()


def test_designating_office_removes_a_partner_and_it_is_audited(co_managed_village, officer):
    services.village_partner_remove(actor=fresh(officer), partner=co_managed_village.partner)
    assert not co_managed_village.desa.partners.exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VILLAGE_PARTNER_REMOVED)
    assert entry.data == {"partner": "BP3MI Banten"}


# --- village_figures_save ------------------------------------------------------------------


def save_figures(actor, desa, year, **values):
    values.setdefault("procedural_abroad", 120)
    values.setdefault("nonprocedural_departures", 7)
    values.setdefault("returnees", 9)
    return services.village_figures_save(actor=fresh(actor), desa=desa, year=year, **values)


def test_figures_are_created_then_corrected_for_the_same_year(
    co_managed_village, officer, bp3mi_officer
):
    year = f.today().year - 1
    save_figures(officer, co_managed_village.desa, year, source="Pendataan PIMPASA")
    save_figures(bp3mi_officer, co_managed_village.desa, year, returnees=11)
    figure = VillageFigure.objects.get()
    assert (figure.year, figure.procedural_abroad, figure.returnees) == (year, 120, 11)
    assert figure.updated_by == bp3mi_officer
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.VILLAGE_FIGURES_SAVED)
    assert sorted(e.data["new"] for e in entries) == [False, True]


def test_figures_of_this_year_are_accepted_but_not_of_a_future_year(co_managed_village, officer):
    save_figures(officer, co_managed_village.desa, f.today().year)
    with pytest.raises(ValidationError) as excinfo:
        save_figures(officer, co_managed_village.desa, f.today().year + 1)
    assert "year" in error_fields(excinfo)
    with pytest.raises(ValidationError):
        save_figures(officer, co_managed_village.desa, 1999)
    assert VillageFigure.objects.count() == 1


def test_figures_cannot_be_negative(co_managed_village, officer):
    with pytest.raises(ValidationError):
        save_figures(officer, co_managed_village.desa, 2024, returnees=-1)
    with pytest.raises(ValidationError):
        save_figures(officer, co_managed_village.desa, 2024, procedural_abroad=-5)
    assert not VillageFigure.objects.exists()


def test_figures_beyond_a_database_integer_are_a_validation_error(co_managed_village, officer):
    """Found by the property tests: a figure too large for PostgreSQL's integer was a server
    error; the model's own limits now refuse it like any other wrong value."""
    with pytest.raises(ValidationError) as excinfo:
        save_figures(officer, co_managed_village.desa, 2024, procedural_abroad=10**12)
    assert "procedural_abroad" in error_fields(excinfo)
    assert not VillageFigure.objects.exists()


def test_cooperating_agency_may_not_save_figures(co_managed_village, polda_officer):
    with pytest.raises(PermissionDenied):
        save_figures(polda_officer, co_managed_village.desa, 2024)


# --- activity_create -----------------------------------------------------------------------


def record(actor, organiser, **fields):
    fields.setdefault("kind", Activity.Kind.SOSIALISASI)
    fields.setdefault("title", "Sosialisasi bahaya TPPO")
    fields.setdefault("date", f.days(-2))
    fields.setdefault("place", "Balai Desa Bulakan")
    return services.activity_create(actor=fresh(actor), organiser=organiser, **fields)


def scope_of(agreement, code="sosialisasi-bersama"):
    """The scope as a form would load it: with the agreement as it is now in the database."""
    return AgreementScope.objects.select_related("agreement").get(
        agreement=agreement, scope__code=code
    )


def test_activity_recorded_for_own_agency_and_audited(co_managed_village, officer, kanim, bp3mi):
    outing = record(
        officer,
        kanim,
        co_organisers=[bp3mi],
        villages=[co_managed_village.desa],
        agreement_scope=scope_of(co_managed_village.kanwil_bp3mi),
        participants_male=14,
        participants_female=23,
    )
    assert outing.created_by == officer
    assert list(outing.co_organisers.all()) == [bp3mi]
    assert list(outing.villages.all()) == [co_managed_village.desa]
    assert outing.participants == 37
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACTIVITY_CREATED)
    assert entry.agency == kanim


def test_activity_only_for_own_agency_unless_system_admin(
    co_managed_village, officer, bp3mi, system_admin
):
    with pytest.raises(PermissionDenied):
        record(officer, bp3mi)
    assert not Activity.objects.exists()
    assert record(system_admin, bp3mi).organiser == bp3mi


def test_agreement_scope_must_be_in_force_on_the_activity_date(co_managed_village, officer, kanim):
    scope = scope_of(co_managed_village.kanwil_bp3mi)  # in force from 30 days ago
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, agreement_scope=scope, date=f.days(-31))
    assert "agreement_scope" in error_fields(excinfo)
    assert record(officer, kanim, agreement_scope=scope, date=f.days(-30))


def test_activity_after_termination_cannot_use_the_agreement(
    co_managed_village, officer, kanim, system_admin
):
    agreement_services.agreement_terminate(
        actor=system_admin,
        agreement=co_managed_village.kanwil_bp3mi,
        terminated_on=f.days(-10),
        reason="Selesai.",
    )
    scope = scope_of(co_managed_village.kanwil_bp3mi)
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, agreement_scope=scope, date=f.days(-10))
    assert "agreement_scope" in error_fields(excinfo)
    assert record(officer, kanim, agreement_scope=scope, date=f.days(-11))


def test_draft_agreement_scope_cannot_be_used(system_admin, kanwil, bp3mi, kanim, officer):
    draft = f.agreement(system_admin, kanwil, bp3mi, covers=(kanwil,), activate=False)
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, agreement_scope=scope_of(draft, "kerja-sama-umum"))
    assert "agreement_scope" in error_fields(excinfo)


def test_agreement_scope_must_bind_the_organiser(co_managed_village, polda_officer, polda):
    with pytest.raises(ValidationError) as excinfo:
        record(polda_officer, polda, agreement_scope=scope_of(co_managed_village.kanwil_bp3mi))
    assert "agreement_scope" in error_fields(excinfo)


def test_scope_limited_to_other_parties_does_not_bind_the_organiser(
    system_admin, kanwil, bp3mi, polda, polda_officer, outreach_scope, cooperation_scope
):
    # Three parties; joint outreach is agreed between the Kanwil and BP3MI only. A scope binds
    # the parties it lists (agreements.sharing_policy): Polda cannot report outreach under it.
    pks = f.agreement(
        system_admin,
        kanwil,
        bp3mi,
        polda,
        covers=(kanwil,),
        scopes=[cooperation_scope, outreach_scope],
        scope_parties={outreach_scope: [kanwil, bp3mi]},
    )
    assert record(polda_officer, polda, agreement_scope=scope_of(pks, "kerja-sama-umum"))
    with pytest.raises(ValidationError) as excinfo:
        record(polda_officer, polda, agreement_scope=scope_of(pks, "sosialisasi-bersama"))
    assert "agreement_scope" in error_fields(excinfo)


def test_organiser_cannot_also_be_co_organiser(co_managed_village, officer, kanim, bp3mi):
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, co_organisers=[bp3mi, kanim])
    assert "co_organisers" in error_fields(excinfo)


def test_activity_may_reach_only_villages_the_actor_sees(
    co_managed_village, outsider, outsider_agency
):
    with pytest.raises(ValidationError) as excinfo:
        record(outsider, outsider_agency, villages=[co_managed_village.desa])
    assert "villages" in error_fields(excinfo)
    assert not Activity.objects.exists()


def test_activity_area_is_a_regency_city_or_district(co_managed_village, officer, kanim):
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, area=f.region("36.72.01.1002"))
    assert "area" in error_fields(excinfo)
    assert record(officer, kanim, area=f.region("36.72")).area.code == "36.72"
    assert record(officer, kanim, area=f.region("36.72.01")).area.code == "36.72.01"


def test_activity_date_may_not_lie_more_than_a_year_ahead(co_managed_village, officer, kanim):
    with pytest.raises(ValidationError) as excinfo:
        record(officer, kanim, date=f.days(400))
    assert "date" in error_fields(excinfo)


# --- activity_file_upload ------------------------------------------------------------------


@pytest.fixture
def outing(co_managed_village, kanim):
    return f.activity(kanim, villages=[co_managed_village.desa])


def upload(actor, activity, name, content, kind="photo", content_type="image/jpeg", **kwargs):
    return services.activity_file_upload(
        actor=fresh(actor),
        activity=activity,
        upload=SimpleUploadedFile(name, content, content_type=content_type),
        kind=kind,
        **kwargs,
    )


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("content", "kind", "content_type", "extension"),
    [
        (f.png_bytes(), "photo", "image/png", ".png"),
        (f.jpeg_bytes(), "photo", "image/jpeg", ".jpg"),
        (f.PDF_BYTES, "material", "application/pdf", ".pdf"),
        (f.png_bytes(), "material", "image/png", ".png"),
    ],
    ids=["png-photo", "jpeg-photo", "pdf-material", "png-material"],
)
def test_real_photos_and_materials_are_stored_under_a_name_of_our_own(
    outing, officer, content, kind, content_type, extension
):
    name = "kegiatan 21 Mei <b>x<b>.php"
    item = upload(officer, outing, name, content, kind=kind)
    assert item.content_type == content_type
    assert item.size == len(content)
    assert item.original_name == name  # kept for the download, never for storage
    assert item.file.name.startswith(f"activities/{outing.pk}/")
    assert item.file.name.endswith(extension)
    assert item.file.name == f"activities/{outing.pk}/{item.sha256[:24]}{extension}"
    stored = Path(item.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert stored.read_bytes() == content
    entry = AuditEntry.objects.get(action=AuditEntry.Action.FILE_UPLOADED)
    assert entry.data["type"] == content_type


def test_pdf_is_refused_as_photo(outing, officer):
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "foto.jpg", f.PDF_BYTES, kind="photo")
    assert "file" in error_fields(excinfo)
    assert not ActivityFile.objects.exists()


@pytest.mark.parametrize("kind", ["photo", "material"])
@pytest.mark.parametrize("content", [f.HTML_BYTES, f.SVG_BYTES], ids=["html", "svg"])
def test_html_and_svg_disguised_as_jpeg_are_refused(outing, officer, kind, content):
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "foto.jpg", content, kind=kind, content_type="image/jpeg")
    assert "file" in error_fields(excinfo)
    assert not ActivityFile.objects.exists()
    assert media_files() == []


def test_empty_file_is_refused(outing, officer):
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "kosong.png", b"")
    assert "file" in error_fields(excinfo)


def test_same_file_is_refused_twice_on_one_activity(outing, officer):
    upload(officer, outing, "a.png", f.png_bytes(1))
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "b.png", f.png_bytes(1))
    assert "file" in error_fields(excinfo)
    upload(officer, outing, "c.png", f.png_bytes(2))
    assert outing.files.count() == 2


def test_oversize_photo_is_refused(outing, officer, monkeypatch):
    content = f.png_bytes(size=8)
    monkeypatch.setattr(services, "MAX_PHOTO_BYTES", len(content) - 1)
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "besar.png", content)
    assert "file" in error_fields(excinfo)
    assert not ActivityFile.objects.exists()
    # The photo limit only: the same bytes are still a valid material.
    assert upload(officer, outing, "besar.png", content, kind="material")


def test_unknown_kind_of_file_is_refused(outing, officer):
    with pytest.raises(ValidationError) as excinfo:
        upload(officer, outing, "a.png", f.png_bytes(), kind="video")
    assert "kind" in error_fields(excinfo)


def test_user_who_may_not_edit_the_activity_cannot_upload(outing, polda_officer):
    with pytest.raises(PermissionDenied):
        upload(polda_officer, outing, "a.png", f.png_bytes())
    assert not ActivityFile.objects.exists()


def test_co_organiser_may_upload(outing, bp3mi, bp3mi_officer):
    outing.co_organisers.add(bp3mi)
    assert upload(bp3mi_officer, outing, "a.png", f.png_bytes()).uploaded_by == bp3mi_officer


def test_partner_of_a_reached_village_is_refused_without_permission_to_edit(outing, make_user):
    # Co-managing a village reached by the activity does not make one its co-organiser.
    agency = AgencyFactory(short_name="Disnaker")
    DesaBinaanPartner.objects.create(desa=outing.villages.get(), agency=agency)
    with pytest.raises(PermissionDenied):
        upload(make_user(User.Role.OFFICER, agency), outing, "a.png", f.png_bytes())
