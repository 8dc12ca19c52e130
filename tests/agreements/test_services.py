"""The agreement services: rights, validation, state changes and their audit entries."""

import contextlib
import datetime as dt
import struct
import zlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from agreements import services
from agreements.models import Agreement, AgreementDocument, AgreementScope, AgreementStatus, Party
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.core.categories import ReportCategory
from tests import pdfs
from tests.agreements.factories import (
    AgreementFactory,
    AgreementScopeFactory,
    PartyFactory,
    ScopeFactory,
    days,
)

pytestmark = pytest.mark.django_db

TPPO, TPPM, PMI = "tppo", "tppm", "pmi_nonprocedural"

PDF = pdfs.CLEAN


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def entries(action, agreement):
    return AuditEntry.objects.filter(
        action=action, target_type="agreements.Agreement", target_id=str(agreement.pk)
    )


def error_keys(exc_info) -> set[str]:
    return set(exc_info.value.message_dict)


@pytest.fixture
def draft(system_admin):
    return services.agreement_create(
        actor=system_admin,
        title="PKS Kanwil Imigrasi Banten - BP3MI Banten",
        kind=Agreement.Kind.PKS,
        signed_on=dt.date(2025, 11, 18),
        signed_at="Kantor Imigrasi Kelas I Khusus Non TPI Tangerang",
        effective_from=days(-10),
        effective_until=days(700),
    )


@pytest.fixture
def data_scope(db):
    return ScopeFactory(
        code="pertukaran-data-tppo",
        name_id="Pertukaran dan pemanfaatan data indikasi TPPO/TPPM",
        name_en="Exchange and use of TPPO/TPPM indication data",
        allows_data_exchange=True,
    )


@pytest.fixture
def training_scope(db):
    return ScopeFactory(
        code="pelatihan-bersama", name_id="Pelatihan bersama", name_en="Joint training"
    )


@pytest.fixture
def active(system_admin, draft, kanwil, bp3mi, data_scope):
    services.party_add(
        actor=system_admin, agreement=draft, agency=kanwil, covers_child_offices=True
    )
    services.party_add(actor=system_admin, agreement=draft, agency=bp3mi)
    services.agreement_scope_add(
        actor=system_admin, agreement=draft, scope=data_scope, categories=[TPPO, TPPM]
    )
    return services.agreement_activate(actor=system_admin, agreement=draft)


# --- Creation ------------------------------------------------------------------------------


def test_agreement_create_makes_a_draft_and_audits_it(system_admin, draft):
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT
    assert draft.created_by == system_admin
    [entry] = entries(AuditEntry.Action.AGREEMENT_CREATED, draft)
    assert entry.action == "agreement_created"
    assert entry.actor == system_admin
    assert entry.target_label == draft.title


def test_agreement_create_refuses_unknown_fields(system_admin):
    with pytest.raises(TypeError):
        services.agreement_create(
            actor=system_admin, title="X", kind="pks", effective_from=days(0), status="active"
        )
    assert not Agreement.objects.exists()


def test_end_before_start_is_refused_on_create(system_admin):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=system_admin,
            title="PKS terbalik",
            kind="pks",
            effective_from=days(10),
            effective_until=days(9),
        )
    assert "effective_until" in error_keys(exc)
    assert not Agreement.objects.exists()


def test_end_before_start_is_refused_on_update(system_admin, draft):
    with pytest.raises(ValidationError) as exc:
        services.agreement_update(
            actor=system_admin,
            agreement=draft,
            effective_until=draft.effective_from - dt.timedelta(days=1),
        )
    assert "effective_until" in error_keys(exc)
    draft.refresh_from_db()
    assert draft.effective_until == days(700)


# --- Who may manage agreements -------------------------------------------------------------


@pytest.fixture
def draft_and_active_agreements(
    kanwil, kanim, bp3mi, data_scope, training_scope, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    draft = AgreementFactory(draft=True)
    PartyFactory(agreement=draft, agency=kanwil)
    PartyFactory(agreement=draft, agency=bp3mi)
    active = AgreementFactory()
    p1 = PartyFactory(agreement=active, agency=kanwil)
    PartyFactory(agreement=active, agency=bp3mi)
    p3 = PartyFactory(agreement=active, agency=kanim)
    agreement_scope = AgreementScopeFactory(agreement=active, scope=data_scope, categories=[TPPO])
    return SimpleNamespace(
        draft=draft,
        active=active,
        party=p1,
        third_party=p3,
        agreement_scope=agreement_scope,
        training_scope=training_scope,
        kanim=kanim,
    )


OPERATIONS = {
    "agreement_create": lambda actor, w: services.agreement_create(
        actor=actor, title="PKS baru", kind="pks", effective_from=days(0)
    ),
    "agreement_update": lambda actor, w: services.agreement_update(
        actor=actor, agreement=w.active, title="Judul diubah"
    ),
    "agreement_activate": lambda actor, w: services.agreement_activate(
        actor=actor, agreement=w.draft
    ),
    "agreement_terminate": lambda actor, w: services.agreement_terminate(
        actor=actor, agreement=w.active, terminated_on=days(0), reason="Diakhiri."
    ),
    "party_add": lambda actor, w: services.party_add(
        actor=actor, agreement=w.draft, agency=w.kanim
    ),
    "party_update": lambda actor, w: services.party_update(
        actor=actor, party=w.party, covers_child_offices=True
    ),
    "party_remove": lambda actor, w: services.party_remove(actor=actor, party=w.third_party),
    "agreement_scope_add": lambda actor, w: services.agreement_scope_add(
        actor=actor, agreement=w.active, scope=w.training_scope
    ),
    "agreement_scope_update": lambda actor, w: services.agreement_scope_update(
        actor=actor, agreement_scope=w.agreement_scope, parties=[], categories=[TPPO, TPPM]
    ),
    "agreement_scope_remove": lambda actor, w: services.agreement_scope_remove(
        actor=actor, agreement_scope=w.agreement_scope
    ),
    "document_upload": lambda actor, w: services.document_upload(
        actor=actor,
        agreement=w.active,
        upload=SimpleUploadedFile("pks.pdf", PDF, content_type="application/pdf"),
        title="Naskah PKS",
    ),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", [User.Role.OFFICER, User.Role.SUPERVISOR, User.Role.AGENCY_ADMIN])
def test_only_system_admin_may_manage_agreements(
    make_user, kanwil, draft_and_active_agreements, role, operation
):
    actor = make_user(role, kanwil, totp=False)
    audit_before = AuditEntry.objects.count()
    agreements_before = list(Agreement.objects.order_by("pk").values())
    parties_before = Party.objects.count()
    scopes_before = list(AgreementScope.objects.order_by("pk").values())

    with pytest.raises(PermissionDenied):
        OPERATIONS[operation](actor, draft_and_active_agreements)

    assert AuditEntry.objects.count() == audit_before
    assert list(Agreement.objects.order_by("pk").values()) == agreements_before
    assert Party.objects.count() == parties_before
    assert list(AgreementScope.objects.order_by("pk").values()) == scopes_before
    assert not AgreementDocument.objects.exists()


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_system_admin_may_manage_agreements(system_admin, draft_and_active_agreements, operation):
    audit_before = AuditEntry.objects.count()

    OPERATIONS[operation](system_admin, draft_and_active_agreements)

    assert AuditEntry.objects.count() == audit_before + 1


# --- Activation ----------------------------------------------------------------------------


def test_activation_needs_two_parties(system_admin, draft, kanwil, bp3mi):
    services.party_add(actor=system_admin, agreement=draft, agency=kanwil)

    with pytest.raises(ValidationError):
        services.agreement_activate(actor=system_admin, agreement=draft)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT
    assert not entries(AuditEntry.Action.AGREEMENT_ACTIVATED, draft).exists()

    services.party_add(actor=system_admin, agreement=draft, agency=bp3mi)
    activated = services.agreement_activate(actor=system_admin, agreement=draft)

    assert activated.status == AgreementStatus.ACTIVE
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.ACTIVE
    assert entries(AuditEntry.Action.AGREEMENT_ACTIVATED, draft).count() == 1


def test_activation_refused_when_the_period_is_over(system_admin, kanwil, bp3mi):
    agreement = AgreementFactory(draft=True, effective_from=days(-400), effective_until=days(-1))
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)

    with pytest.raises(ValidationError):
        services.agreement_activate(actor=system_admin, agreement=agreement)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.DRAFT


def test_only_a_draft_can_be_activated(system_admin, active):
    with pytest.raises(ValidationError):
        services.agreement_activate(actor=system_admin, agreement=active)
    assert entries(AuditEntry.Action.AGREEMENT_ACTIVATED, active).count() == 1


# --- Parties -------------------------------------------------------------------------------


def test_same_agency_cannot_be_a_party_twice(system_admin, draft, kanwil):
    services.party_add(actor=system_admin, agreement=draft, agency=kanwil)

    with pytest.raises(ValidationError) as exc:
        services.party_add(actor=system_admin, agreement=draft, agency=kanwil, role="x")
    assert "agency" in error_keys(exc)
    assert draft.parties.count() == 1


def test_party_add_records_the_party_in_the_audit_log(system_admin, draft, kanwil):
    services.party_add(
        actor=system_admin, agreement=draft, agency=kanwil, covers_child_offices=True
    )

    [entry] = entries(AuditEntry.Action.PARTY_ADDED, draft)
    assert entry.data == {"party": str(kanwil), "covers_child_offices": True}


def test_party_remove_refused_when_an_active_agreement_would_keep_one_party(
    system_admin, active, bp3mi
):
    party = active.parties.get(agency=bp3mi)

    with pytest.raises(ValidationError):
        services.party_remove(actor=system_admin, party=party)
    assert active.parties.count() == 2
    assert not entries(AuditEntry.Action.PARTY_REMOVED, active).exists()


def test_party_remove_allowed_when_two_parties_remain(system_admin, active, kanim):
    third = services.party_add(actor=system_admin, agreement=active, agency=kanim)

    services.party_remove(actor=system_admin, party=third)

    assert active.parties.count() == 2
    assert entries(AuditEntry.Action.PARTY_REMOVED, active).count() == 1


def test_party_remove_from_a_draft_may_leave_one_party(system_admin, draft, kanwil, bp3mi):
    services.party_add(actor=system_admin, agreement=draft, agency=kanwil)
    party = services.party_add(actor=system_admin, agreement=draft, agency=bp3mi)

    services.party_remove(actor=system_admin, party=party)

    assert list(draft.parties.values_list("agency", flat=True)) == [kanwil.pk]


# --- Termination ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_termination_needs_a_reason(system_admin, active, reason):
    with pytest.raises(ValidationError) as exc:
        services.agreement_terminate(
            actor=system_admin, agreement=active, terminated_on=days(0), reason=reason
        )
    assert "termination_reason" in error_keys(exc)
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE
    assert active.terminated_on is None


def test_termination_date_cannot_precede_the_start(system_admin, active):
    with pytest.raises(ValidationError) as exc:
        services.agreement_terminate(
            actor=system_admin,
            agreement=active,
            terminated_on=active.effective_from - dt.timedelta(days=1),
            reason="Salah satu pihak dibubarkan.",
        )
    assert "terminated_on" in error_keys(exc)
    active.refresh_from_db()
    assert active.status == AgreementStatus.ACTIVE


def test_termination_on_the_start_date_is_allowed(system_admin, active):
    terminated = services.agreement_terminate(
        actor=system_admin, agreement=active, terminated_on=active.effective_from, reason="Batal."
    )
    assert terminated.terminated_on == active.effective_from


def test_terminate_sets_status_fields_and_audits(system_admin, active):
    terminated = services.agreement_terminate(
        actor=system_admin,
        agreement=active,
        terminated_on=days(0),
        reason="  Digantikan oleh PKS baru.  ",
    )

    active.refresh_from_db()
    assert terminated.status == active.status == AgreementStatus.TERMINATED
    assert active.terminated_on == days(0)
    assert active.termination_reason == "Digantikan oleh PKS baru."
    [entry] = entries(AuditEntry.Action.AGREEMENT_TERMINATED, active)
    assert entry.data == {
        "terminated_on": days(0).isoformat(),
        "reason": "Digantikan oleh PKS baru.",
    }


def test_a_draft_cannot_be_terminated(system_admin, draft):
    with pytest.raises(ValidationError):
        services.agreement_terminate(
            actor=system_admin, agreement=draft, terminated_on=days(0), reason="Batal."
        )
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_terminated_agreement_can_no_longer_be_changed(system_admin, active, kanim, training_scope):
    services.agreement_terminate(
        actor=system_admin, agreement=active, terminated_on=days(0), reason="Diakhiri."
    )
    agreement = Agreement.objects.get(pk=active.pk)

    with pytest.raises(ValidationError):
        services.agreement_update(actor=system_admin, agreement=agreement, title="Diubah")
    with pytest.raises(ValidationError):
        services.party_add(actor=system_admin, agreement=agreement, agency=kanim)
    with pytest.raises(ValidationError):
        services.agreement_scope_add(actor=system_admin, agreement=agreement, scope=training_scope)
    agreement.refresh_from_db()
    assert agreement.title == "PKS Kanwil Imigrasi Banten - BP3MI Banten"
    assert agreement.parties.count() == 2
    assert agreement.scopes.count() == 1


# --- Updates -------------------------------------------------------------------------------


def test_update_records_the_changes(system_admin, draft):
    services.agreement_update(actor=system_admin, agreement=draft, title="PKS baru", summary="Isi")

    [entry] = entries(AuditEntry.Action.AGREEMENT_UPDATED, draft)
    assert entry.data["changes"] == {
        "title": ["PKS Kanwil Imigrasi Banten - BP3MI Banten", "PKS baru"],
        "summary": ["", "Isi"],
    }


def test_update_without_a_change_records_nothing(system_admin, draft):
    services.agreement_update(actor=system_admin, agreement=draft, title=draft.title)

    assert not entries(AuditEntry.Action.AGREEMENT_UPDATED, draft).exists()


@pytest.mark.parametrize(
    "new_end",
    [
        pytest.param(30, id="future"),
        pytest.param(0, id="today"),
        pytest.param(None, id="open-ended"),
    ],
)
def test_moving_an_expired_agreements_end_into_the_future_makes_it_active(
    system_admin, kanwil, bp3mi, new_end
):
    agreement = AgreementFactory(expired=True)
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)

    services.agreement_update(
        actor=system_admin,
        agreement=agreement,
        effective_until=days(new_end) if new_end is not None else None,
    )

    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    [entry] = entries(AuditEntry.Action.AGREEMENT_UPDATED, agreement)
    assert entry.data["changes"]["status"] == ["expired", "active"]


def test_expired_agreement_stays_expired_when_its_end_stays_in_the_past(system_admin):
    agreement = AgreementFactory(expired=True)

    services.agreement_update(actor=system_admin, agreement=agreement, effective_until=days(-2))

    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.EXPIRED
    assert agreement.effective_until == days(-2)


# --- Scopes of an agreement ----------------------------------------------------------------


def test_data_exchange_scope_gets_every_category_by_default(system_admin, draft, data_scope):
    agreement_scope = services.agreement_scope_add(
        actor=system_admin, agreement=draft, scope=data_scope
    )
    assert agreement_scope.categories == list(ReportCategory.values)
    assert list(agreement_scope.parties.all()) == []


def test_other_scope_gets_no_category_by_default(system_admin, draft, training_scope):
    agreement_scope = services.agreement_scope_add(
        actor=system_admin, agreement=draft, scope=training_scope
    )
    assert agreement_scope.categories == []


def test_scope_limited_to_two_parties_is_accepted(
    system_admin, draft, data_scope, kanwil, bp3mi, kanim
):
    parties = [
        services.party_add(actor=system_admin, agreement=draft, agency=a)
        for a in (kanwil, bp3mi, kanim)
    ]

    agreement_scope = services.agreement_scope_add(
        actor=system_admin,
        agreement=draft,
        scope=data_scope,
        parties=parties[:2],
        categories=[TPPO],
    )

    assert set(agreement_scope.parties.all()) == set(parties[:2])
    [entry] = entries(AuditEntry.Action.AGREEMENT_SCOPE_ADDED, draft)
    assert entry.data["categories"] == [TPPO]
    assert sorted(entry.data["parties"]) == sorted([str(kanwil), str(bp3mi)])


@pytest.fixture
def scope_setup(system_admin, draft, kanwil, bp3mi, data_scope, training_scope):
    services.party_add(actor=system_admin, agreement=draft, agency=kanwil)
    services.party_add(actor=system_admin, agreement=draft, agency=bp3mi)
    other = AgreementFactory()
    foreign = PartyFactory(agreement=other, agency=kanwil)
    return SimpleNamespace(
        agreement=draft,
        parties=list(draft.parties.order_by("pk")),
        foreign=foreign,
        data_scope=data_scope,
        training_scope=training_scope,
    )


def _add_scope(actor, s, case):
    if case == "data-scope-without-categories":
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.data_scope, categories=[]
        )
    if case == "data-scope-with-one-party":
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.data_scope, parties=s.parties[:1]
        )
    if case == "party-of-another-agreement":
        return services.agreement_scope_add(
            actor=actor,
            agreement=s.agreement,
            scope=s.data_scope,
            parties=[s.parties[0], s.foreign],
        )
    if case == "party-of-another-agreement-non-data-scope":
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.training_scope, parties=[s.foreign]
        )
    if case == "unknown-category":
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.data_scope, categories=[TPPO, "narkotika"]
        )
    if case == "inactive-scope":
        s.training_scope.is_active = False
        s.training_scope.save()
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.training_scope
        )
    if case == "duplicate-scope":
        services.agreement_scope_add(actor=actor, agreement=s.agreement, scope=s.data_scope)
        return services.agreement_scope_add(
            actor=actor, agreement=s.agreement, scope=s.data_scope, categories=[TPPO]
        )
    raise AssertionError(case)


@pytest.mark.parametrize(
    ("case", "key"),
    [
        ("data-scope-without-categories", "categories"),
        ("data-scope-with-one-party", "parties"),
        ("party-of-another-agreement", "parties"),
        ("party-of-another-agreement-non-data-scope", "parties"),
        ("unknown-category", "categories"),
        ("inactive-scope", "scope"),
        ("duplicate-scope", "scope"),
    ],
)
def test_agreement_scope_add_refuses_invalid_scopes(system_admin, scope_setup, case, key):
    scopes_before = AgreementScope.objects.filter(agreement=scope_setup.agreement).count()
    expected_after = scopes_before + (1 if case == "duplicate-scope" else 0)

    with pytest.raises(ValidationError) as exc:
        _add_scope(system_admin, scope_setup, case)

    assert key in error_keys(exc)
    assert AgreementScope.objects.filter(agreement=scope_setup.agreement).count() == expected_after


def test_agreement_scope_update_records_changes(system_admin, scope_setup, kanwil, bp3mi):
    agreement_scope = services.agreement_scope_add(
        actor=system_admin, agreement=scope_setup.agreement, scope=scope_setup.data_scope
    )

    services.agreement_scope_update(
        actor=system_admin,
        agreement_scope=agreement_scope,
        parties=scope_setup.parties,
        categories=[TPPO],
        notes="Hanya data TPPO di Desa Binaan.",
    )

    agreement_scope.refresh_from_db()
    assert agreement_scope.categories == [TPPO]
    assert set(agreement_scope.parties.all()) == set(scope_setup.parties)
    [entry] = entries(AuditEntry.Action.AGREEMENT_SCOPE_UPDATED, scope_setup.agreement)
    assert entry.data["scope"] == scope_setup.data_scope.code
    assert entry.data["changes"] == {
        "parties": ["all", sorted([str(kanwil), str(bp3mi)])],
        "categories": [list(ReportCategory.values), [TPPO]],
    }


def test_agreement_scope_update_applies_the_same_validation(system_admin, scope_setup):
    agreement_scope = services.agreement_scope_add(
        actor=system_admin, agreement=scope_setup.agreement, scope=scope_setup.data_scope
    )

    with pytest.raises(ValidationError) as exc:
        services.agreement_scope_update(
            actor=system_admin,
            agreement_scope=agreement_scope,
            parties=scope_setup.parties[:1],
            categories=[],
        )

    assert error_keys(exc) == {"parties", "categories"}
    agreement_scope.refresh_from_db()
    assert agreement_scope.categories == list(ReportCategory.values)
    assert not entries(AuditEntry.Action.AGREEMENT_SCOPE_UPDATED, scope_setup.agreement).exists()


# --- Documents -----------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(system_admin, agreement, content, name="pks.pdf", title="Naskah PKS"):
    return services.document_upload(
        actor=system_admin,
        agreement=agreement,
        upload=SimpleUploadedFile(name, content, content_type="application/pdf"),
        title=title,
    )


def test_document_upload_accepts_a_pdf_and_stores_it_under_media_root(
    system_admin, active, media_root
):
    document = upload(system_admin, active, PDF)

    path = Path(document.file.path).resolve()
    assert path.is_relative_to(Path(media_root).resolve())
    assert path.read_bytes() == PDF
    assert document.size == len(PDF)
    assert document.original_name == "pks.pdf"
    assert document.uploaded_by == system_admin
    [entry] = entries(AuditEntry.Action.DOCUMENT_UPLOADED, active)
    assert entry.data["sha256"] == document.sha256


def test_stored_file_name_never_comes_from_the_upload(system_admin, active, media_root):
    document = upload(system_admin, active, PDF, name="../../etc/passwd.pdf")

    assert "passwd" not in document.file.name
    assert ".." not in document.file.name
    assert document.file.name == f"agreements/{active.pk}/{document.sha256[:16]}.pdf"
    assert Path(document.file.path).resolve().is_relative_to(Path(media_root).resolve())


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", id="html"
        ),
        pytest.param(png_bytes(), id="png"),
        pytest.param(b"", id="empty"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 60, id="zip"),
    ],
)
def test_document_upload_refuses_what_is_not_a_pdf_whatever_its_name(
    system_admin, active, media_root, content
):
    with pytest.raises(ValidationError) as exc:
        upload(system_admin, active, content, name="x.pdf")

    assert "file" in error_keys(exc)
    assert not AgreementDocument.objects.exists()
    assert not list(Path(media_root).rglob("*.pdf"))


def test_the_same_pdf_cannot_be_attached_twice(system_admin, active, media_root):
    upload(system_admin, active, PDF, title="Naskah")

    with pytest.raises(ValidationError) as exc:
        upload(system_admin, active, PDF, name="salinan.pdf", title="Salinan")

    assert "file" in error_keys(exc)
    assert active.documents.count() == 1


def test_document_larger_than_the_limit_is_refused(system_admin, active, media_root, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", len(PDF))
    bigger = PDF + b"% padding\n"

    with pytest.raises(ValidationError) as exc:
        upload(system_admin, active, bigger)

    assert "file" in error_keys(exc)
    assert not AgreementDocument.objects.exists()
    # Exactly at the limit is fine.
    assert upload(system_admin, active, PDF).size == len(PDF)


def test_document_limit_is_twenty_megabytes():
    assert services.MAX_DOCUMENT_BYTES == 20 * 1024 * 1024


def test_effective_from_more_than_a_year_before_signing_is_refused(system_admin):
    with pytest.raises(ValidationError) as exc:
        services.agreement_create(
            actor=system_admin,
            title="PKS berlaku surut",
            kind="pks",
            signed_on=dt.date(2025, 11, 20),
            effective_from=dt.date(2024, 11, 18),
        )
    assert "effective_from" in error_keys(exc)


# --- Removing parties must not change what a scope was agreed for --------------------------


@pytest.fixture
def four_parties(system_admin, kanwil, kanim, bp3mi, data_scope):
    from tests.factories import AgencyFactory

    knpi = AgencyFactory(name="DPD KNPI Kota Tangerang", short_name="KNPI Kota Tangerang")
    agreement = services.agreement_create(
        actor=system_admin, title="PKS empat pihak", kind="pks", effective_from=days(-10)
    )
    parties = {
        name: services.party_add(actor=system_admin, agreement=agreement, agency=agency)
        for name, agency in (("kanwil", kanwil), ("kanim", kanim), ("bp3mi", bp3mi), ("knpi", knpi))
    }
    # Data exchange agreed between the Kanwil and BP3MI only.
    agreement_scope = services.agreement_scope_add(
        actor=system_admin,
        agreement=agreement,
        scope=data_scope,
        parties=[parties["kanwil"], parties["bp3mi"]],
        categories=[TPPO],
    )
    services.agreement_activate(actor=system_admin, agreement=agreement)
    return SimpleNamespace(agreement=agreement, parties=parties, scope=agreement_scope, knpi=knpi)


def test_party_remove_never_leaves_a_data_scope_limited_to_one_party(system_admin, four_parties):
    from agreements.sharing_policy import may_share

    with contextlib.suppress(ValidationError):  # refusing is one correct answer
        services.party_remove(actor=system_admin, party=four_parties.parties["kanwil"])

    listed = list(four_parties.scope.parties.all())
    # agreement_scope_add/update refuse a data-exchange scope with exactly one party: removing a
    # party must not produce that state behind their back.
    assert len(listed) != 1, f"data scope now limited to the single party {listed}"
    # And Kanim Tangerang, never agreed for data exchange, must not gain it.
    assert not may_share(
        source=four_parties.parties["kanim"].agency, target=four_parties.knpi, categories=[TPPO]
    )


def test_removing_the_parties_a_scope_is_limited_to_does_not_open_it_to_every_party(
    system_admin, four_parties, kanim
):
    from agreements.sharing_policy import may_share

    assert not may_share(source=kanim, target=four_parties.knpi, categories=[TPPO])
    for name in ("kanwil", "bp3mi"):
        with contextlib.suppress(ValidationError):  # refusing is one correct answer
            services.party_remove(actor=system_admin, party=four_parties.parties[name])

    # Data exchange was agreed between the Kanwil and BP3MI only; Kanim Tangerang and KNPI
    # never agreed to exchange data with each other.
    assert not may_share(source=kanim, target=four_parties.knpi, categories=[TPPO])
    assert not may_share(source=four_parties.knpi, target=kanim, categories=[TPPO])


def test_update_through_a_stale_instance_cannot_revive_a_terminated_agreement(
    system_admin, kanwil, bp3mi
):
    agreement = AgreementFactory(expired=True)
    PartyFactory(agreement=agreement, agency=kanwil)
    PartyFactory(agreement=agreement, agency=bp3mi)
    # Two admins open the same expired agreement; one terminates it, the other then extends it
    # with the form they loaded before the termination.
    loaded_by_second_admin = Agreement.objects.get(pk=agreement.pk)
    services.agreement_terminate(
        actor=system_admin,
        agreement=Agreement.objects.get(pk=agreement.pk),
        terminated_on=days(-40),
        reason="Diakhiri oleh para pihak.",
    )

    # Refusing ("a terminated agreement can no longer be changed") is the expected answer.
    with contextlib.suppress(ValidationError):
        services.agreement_update(
            actor=system_admin, agreement=loaded_by_second_admin, effective_until=days(365)
        )

    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.TERMINATED
    assert agreement.effective_until == days(-35)
