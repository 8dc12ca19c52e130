"""Desa Binaan and activity pages by route and role, the forms' handling of bad input, the
audited reveal of phone numbers, file downloads and the agreement implementation report."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import AgreementScope
from portal.audit.models import AuditEntry
from tests.properties.html_forms import forms_of
from tests.villages import factories as f
from villages import services
from villages.models import Activity, ActivityFile, DesaBinaan, VillageFigure

pytestmark = pytest.mark.django_db

ROLES = ["officer", "polda_officer", "outsider", "system_admin"]


@pytest.fixture
def outing(co_managed_village, kanim):
    return f.activity(kanim, villages=[co_managed_village.desa], title="Sosialisasi di Bulakan")


@pytest.fixture
def photo(outing, officer):
    return services.activity_file_upload(
        actor=officer,
        activity=outing,
        upload=SimpleUploadedFile("foto kegiatan.png", f.png_bytes(7), content_type="image/png"),
        kind="photo",
    )


@pytest.fixture
def material(outing, officer):
    return services.activity_file_upload(
        actor=officer,
        activity=outing,
        upload=SimpleUploadedFile("materi.pdf", f.PDF_BYTES, content_type="application/pdf"),
        kind="material",
    )


@pytest.fixture
def routes(co_managed_village, outing, photo):
    desa = co_managed_village.desa

    def png_upload():
        return {
            "kind": "photo",
            "file": SimpleUploadedFile("baru.png", f.png_bytes(99), content_type="image/png"),
        }

    return {
        "list": ("get", reverse("villages:list"), None),
        "create": ("get", reverse("villages:create"), None),
        "detail": ("get", reverse("villages:detail", args=[desa.pk]), None),
        "edit": ("get", reverse("villages:edit", args=[desa.pk]), None),
        "reveal": ("post", reverse("villages:reveal", args=[desa.pk, "contact_phone"]), None),
        "figures": (
            "post",
            reverse("villages:figures", args=[desa.pk]),
            lambda: {
                "year": 2024,
                "procedural_abroad": 1,
                "nonprocedural_departures": 0,
                "returnees": 0,
            },
        ),
        "partner_add": ("get", reverse("villages:partner_add", args=[desa.pk]), None),
        "partner_remove": (
            "post",
            reverse("villages:partner_remove", args=[desa.pk, co_managed_village.partner.pk]),
            lambda: {"confirmed": "1"},
        ),
        "activity_list": ("get", reverse("villages:activity_list"), None),
        "activity_create": ("get", reverse("villages:activity_create"), None),
        "activity_detail": ("get", reverse("villages:activity_detail", args=[outing.pk]), None),
        "activity_edit": ("get", reverse("villages:activity_edit", args=[outing.pk]), None),
        "activity_file_upload": (
            "post",
            reverse("villages:activity_file_upload", args=[outing.pk]),
            png_upload,
        ),
        "activity_file": ("get", reverse("villages:activity_file", args=[photo.pk]), None),
        "agreement_implementation": (
            "get",
            reverse("villages:agreement_implementation", args=[co_managed_village.kanwil_polda.pk]),
            None,
        ),
    }


def call(client, route):
    method, url, data = route
    response = getattr(client, method)(url, data() if data else None)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # consuming it closes the file
    return response


# Status by route for: Kanim officer (designating office), Polda officer (bound with the
# Kanwil: read-only), an agency without agreement, a system admin.
EXPECTED = {
    "list": (200, 200, 200, 200),
    "create": (200, 403, 403, 200),
    "detail": (200, 200, 404, 200),
    "edit": (200, 403, 404, 200),
    "reveal": (200, 200, 404, 200),
    "figures": (302, 403, 404, 302),
    "partner_add": (200, 403, 404, 200),
    "partner_remove": (302, 403, 404, 302),
    "activity_list": (200, 200, 200, 200),
    "activity_create": (200, 200, 200, 200),
    "activity_detail": (200, 200, 404, 200),
    "activity_edit": (200, 403, 404, 200),
    "activity_file_upload": (302, 403, 404, 302),
    "activity_file": (200, 200, 404, 200),
    "agreement_implementation": (200, 200, 404, 200),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_anonymous_user_is_sent_to_sign_in_from_every_page(client, routes, name):
    response = call(client, routes[name])
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_page_status_by_role(client, request, routes, role, name):
    client.force_login(request.getfixturevalue(role))
    assert call(client, routes[name]).status_code == EXPECTED[name][ROLES.index(role)]


def test_lists_of_an_agency_without_agreement_are_empty(
    client, co_managed_village, outing, outsider
):
    client.force_login(outsider)
    assert list(client.get(reverse("villages:list")).context["page"]) == []
    assert list(client.get(reverse("villages:activity_list")).context["page"]) == []


def test_lists_of_a_cooperating_agency_show_the_village_and_its_activity(
    client, co_managed_village, outing, polda_officer
):
    client.force_login(polda_officer)
    assert list(client.get(reverse("villages:list")).context["page"]) == [co_managed_village.desa]
    assert list(client.get(reverse("villages:activity_list")).context["page"]) == [outing]


def test_cooperating_agency_cannot_change_the_village_by_post(
    client, co_managed_village, polda_officer
):
    client.force_login(polda_officer)
    url = reverse("villages:edit", args=[co_managed_village.desa.pk])
    response = client.post(url, {"designated_on": "2025-01-01", "status": "inactive"})
    assert response.status_code == 403
    co_managed_village.desa.refresh_from_db()
    assert co_managed_village.desa.status == "active"


def test_designating_office_edits_the_village(client, co_managed_village, officer):
    client.force_login(officer)
    response = client.post(
        reverse("villages:edit", args=[co_managed_village.desa.pk]),
        {
            "designated_on": co_managed_village.desa.designated_on.isoformat(),
            "decree_number": "W.11-BARU",
            "village_head_name": "Ahmad Suhendi",
            "village_head_phone": "0812-3456-7890",
            "contact_name": "Karang Taruna setempat",
            "contact_phone": "",
            "status": "active",
            "liaison_officers": [officer.pk],
        },
    )
    assert response.status_code == 302
    co_managed_village.desa.refresh_from_db()
    assert co_managed_village.desa.decree_number == "W.11-BARU"
    assert co_managed_village.desa.contact_phone == ""
    assert list(co_managed_village.desa.liaison_officers.all()) == [officer]


# --- Designating a village -----------------------------------------------------------------


def designate_data(kanim, **overrides):
    data = {
        "village": "36.72.01.1003",
        "designating_office": kanim.pk,
        "designated_on": f.days(-1).isoformat(),
        "decree_number": "W.11.IMI.IMI.2-UM.01.01-1104",
        "village_head_name": "Ujang Sukmana",
        "village_head_phone": "0812 3456 7890",
        "contact_name": "Wawan Setiawan",
        "contact_role": "Ketua Karang Taruna",
        "contact_phone": "",
        "status": "active",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_designate_form_creates_the_village_and_opens_it(client, officer, kanim):
    f.region("36.72.01.1003")
    client.force_login(officer)
    response = client.post(reverse("villages:create"), designate_data(kanim))
    desa = DesaBinaan.objects.get()
    assert response.status_code == 302
    assert response.url == desa.get_absolute_url()
    assert desa.village_id == "36.72.01.1003"
    assert desa.village_head_phone == "081234567890"  # spaces taken out


def test_designate_form_with_missing_village_keeps_typed_values_and_says_so_in_indonesian(
    client, officer, kanim
):
    f.region("36.72.01.1003")
    client.force_login(officer)
    response = client.post(reverse("villages:create"), designate_data(kanim, village=""))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    html = response.content.decode()
    assert "Bidang ini harus diisi." in html
    for typed in ("W.11.IMI.IMI.2-UM.01.01-1104", "Ujang Sukmana", "Wawan Setiawan"):
        assert f'value="{typed}"' in html
    assert not DesaBinaan.objects.exists()


def test_designate_form_shows_service_refusal_beside_the_field_and_keeps_values(
    client, co_managed_village, officer, kanim
):
    client.force_login(officer)
    response = client.post(
        reverse("villages:create"),
        designate_data(kanim, village=co_managed_village.desa.village_id),
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert 'value="Ujang Sukmana"' in response.content.decode()
    assert DesaBinaan.objects.count() == 1


def test_designate_form_refuses_future_date_and_bad_phone(client, officer, kanim):
    f.region("36.72.01.1003")
    client.force_login(officer)
    response = client.post(
        reverse("villages:create"),
        designate_data(kanim, designated_on=f.days(3).isoformat()),
    )
    assert response.status_code == 200
    assert "designated_on" in response.context["form"].errors
    response = client.post(
        reverse("villages:create"), designate_data(kanim, village_head_phone="12-ab")
    )
    assert "village_head_phone" in response.context["form"].errors
    assert 'value="12-ab"' in response.content.decode()
    assert not DesaBinaan.objects.exists()


# --- Figures -------------------------------------------------------------------------------


def figures(client, desa, **values):
    data = {"year": 2024, "procedural_abroad": 120, "nonprocedural_departures": 7, "returnees": 9}
    data.update(values)
    return client.post(reverse("villages:figures", args=[desa.pk]), data, follow=True)


def test_figures_form_saves_a_year(client, co_managed_village, officer):
    client.force_login(officer)
    response = figures(client, co_managed_village.desa)
    # The page opens at the year saved (highlighted, static/portal/css/portal.css).
    assert (
        response.redirect_chain[-1][0]
        == f"{co_managed_village.desa.get_absolute_url()}#figures-2024"
    )
    assert VillageFigure.objects.get().procedural_abroad == 120


def test_figures_form_refuses_negative_number_with_a_message_and_saves_nothing(
    client, co_managed_village, officer
):
    client.force_login(officer)
    response = figures(client, co_managed_village.desa, returnees=-4)
    assert response.status_code == 200
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]
    assert any("Pastikan nilai ini lebih besar dari atau sama dengan 0." in m for m in shown)
    assert "Pastikan nilai ini lebih besar dari atau sama dengan 0." in response.content.decode()
    assert not VillageFigure.objects.exists()


def test_figures_form_refuses_future_year_and_saves_nothing(client, co_managed_village, officer):
    client.force_login(officer)
    response = figures(client, co_managed_village.desa, year=f.today().year + 1)
    assert response.status_code == 200
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert not VillageFigure.objects.exists()


def test_figures_form_refuses_an_impossibly_large_figure(client, co_managed_village, officer):
    client.force_login(officer)
    response = figures(client, co_managed_village.desa, procedural_abroad=99999999999999999999)
    assert response.status_code == 200
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert not VillageFigure.objects.exists()


def test_figures_page_does_not_answer_get(client, co_managed_village, officer):
    client.force_login(officer)
    assert (
        client.get(reverse("villages:figures", args=[co_managed_village.desa.pk])).status_code
        == 405
    )


# --- Phone numbers -------------------------------------------------------------------------


def test_detail_page_shows_phone_numbers_masked_only(client, co_managed_village, polda_officer):
    client.force_login(polda_officer)
    html = client.get(co_managed_village.desa.get_absolute_url()).content.decode()
    assert "0812****7890" in html
    assert "0857****5678" in html
    assert f.HEAD_PHONE not in html
    assert f.CONTACT_PHONE not in html
    assert not AuditEntry.objects.filter(action="pii_revealed").exists()


def test_reveal_by_post_shows_the_number_and_audits_it(client, co_managed_village, polda_officer):
    client.force_login(polda_officer)
    response = client.post(
        reverse("villages:reveal", args=[co_managed_village.desa.pk, "village_head_phone"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f.HEAD_PHONE in html
    assert f.CONTACT_PHONE not in html  # only the one asked for
    entry = AuditEntry.objects.get(action="pii_revealed")
    assert entry.actor == polda_officer
    assert entry.data == {"field": "village_head_phone"}


def test_reveal_through_htmx_returns_only_the_number(client, co_managed_village, officer):
    client.force_login(officer)
    response = client.post(
        reverse("villages:reveal", args=[co_managed_village.desa.pk, "contact_phone"]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["villages/_revealed.html"]
    assert f.CONTACT_PHONE in response.content.decode()
    assert AuditEntry.objects.filter(action="pii_revealed").count() == 1


def test_reveal_is_not_allowed_by_get(client, co_managed_village, officer):
    client.force_login(officer)
    response = client.get(
        reverse("villages:reveal", args=[co_managed_village.desa.pk, "contact_phone"])
    )
    assert response.status_code == 405
    assert f.CONTACT_PHONE not in response.content.decode()
    assert not AuditEntry.objects.filter(action="pii_revealed").exists()


def test_reveal_of_a_field_that_is_not_personal_is_404(client, co_managed_village, officer):
    client.force_login(officer)
    response = client.post(
        reverse("villages:reveal", args=[co_managed_village.desa.pk, "decree_number"])
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="pii_revealed").exists()


def test_reveal_by_user_who_cannot_see_the_village_is_404_and_not_audited(
    client, co_managed_village, knpi_officer
):
    client.force_login(knpi_officer)
    response = client.post(
        reverse("villages:reveal", args=[co_managed_village.desa.pk, "contact_phone"])
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="pii_revealed").exists()


# --- Activities and their files -----------------------------------------------------------


def test_activity_form_records_an_activity(client, co_managed_village, officer, kanim):
    scope = AgreementScope.objects.get(
        agreement=co_managed_village.kanwil_bp3mi, scope__code="sosialisasi-bersama"
    )
    client.force_login(officer)
    response = client.post(
        reverse("villages:activity_create"),
        {
            "kind": "door_to_door",
            "title": "Kunjungan door-to-door calon PMI",
            "date": f.days(-1).isoformat(),
            "place": "Desa Bulakan",
            "organiser": kanim.pk,
            "agreement_scope": scope.pk,
            "villages": [co_managed_village.desa.pk],
            "audience": ["calon_pmi"],
            "participants_male": 14,
            "participants_female": 23,
        },
    )
    outing = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == outing.get_absolute_url()
    assert outing.agreement_scope == scope
    assert list(outing.villages.all()) == [co_managed_village.desa]


def _activity_form(html: str):
    return next(form for form in forms_of(html) if "title" in form.names())


def test_record_an_activity_from_a_village_keeps_the_village(client, co_managed_village, officer):
    """'Record an activity' on a Desa Binaan opens the form with that village chosen; sent as
    the browser sends it, the activity shows on the village's page."""
    client.force_login(officer)
    page = client.get(co_managed_village.desa.get_absolute_url()).content.decode()
    link = f"{reverse('villages:activity_create')}?village={co_managed_village.desa.pk}"
    assert f'href="{link}"' in page
    form = _activity_form(client.get(link).content.decode())
    data = form.defaults()
    assert data["villages"] == [str(co_managed_village.desa.pk)]
    data.update(
        kind=["sosialisasi"],
        title=["Sosialisasi di balai desa"],
        date=[f.days(-1).isoformat()],
        place=["Balai Desa"],
    )
    response = client.post(reverse("villages:activity_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert list(Activity.objects.get().villages.all()) == [co_managed_village.desa]
    assert (
        "Sosialisasi di balai desa"
        in client.get(co_managed_village.desa.get_absolute_url()).content.decode()
    )


def test_a_village_the_user_may_not_use_is_not_prefilled(
    client, co_managed_village, outsider, polda_officer
):
    client.force_login(outsider)  # sees no village at all: the id is ignored, silently
    for value in (str(co_managed_village.desa.pk), "abc", "99999999999999999999", "-1"):
        response = client.get(reverse("villages:activity_create"), {"village": value})
        assert response.status_code == 200
        assert _activity_form(response.content.decode()).defaults().get("villages", []) == []
    # A cooperating agency may name the village on its activities: prefilled for it.
    client.force_login(polda_officer)
    response = client.get(
        reverse("villages:activity_create"), {"village": co_managed_village.desa.pk}
    )
    assert _activity_form(response.content.decode()).defaults()["villages"] == [
        str(co_managed_village.desa.pk)
    ]


def test_activity_form_as_a_browser_sends_it_without_an_area(
    client, co_managed_village, officer, kanim
):
    """Found by the property tests: the area picker starts at Banten, so a browser sends the
    province even when no area was chosen; that is no area, not a refused one."""
    client.force_login(officer)
    response = client.post(
        reverse("villages:activity_create"),
        {
            "kind": "sosialisasi",
            "title": "Sosialisasi PMI prosedural",
            "date": f.days(-1).isoformat(),
            "place": "Balai Desa Bulakan",
            "organiser": kanim.pk,
            "villages": [co_managed_village.desa.pk],
            "area__province": "36",
            "area__regency": "",
            "area": "",
            "participants_male": 3,
            "participants_female": 4,
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get().area is None


def test_activity_area_down_to_a_district_is_kept(client, co_managed_village, officer, kanim):
    client.force_login(officer)
    client.post(
        reverse("villages:activity_create"),
        {
            "kind": "sosialisasi",
            "title": "Sosialisasi di Cibeber",
            "date": f.days(-1).isoformat(),
            "place": "Kantor Kecamatan",
            "organiser": kanim.pk,
            "area__province": "36",
            "area__regency": "36.72",
            "area": "36.72.01",
            "participants_male": 3,
            "participants_female": 4,
        },
    )
    assert Activity.objects.get().area_id == "36.72.01"


def test_file_upload_form_stores_a_photo(client, outing, officer):
    client.force_login(officer)
    response = client.post(
        reverse("villages:activity_file_upload", args=[outing.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("a.png", f.png_bytes(3), "image/png")},
    )
    assert response.status_code == 302
    assert outing.files.get().content_type == "image/png"


def test_file_upload_form_refuses_html_disguised_as_jpeg(client, outing, officer):
    client.force_login(officer)
    response = client.post(
        reverse("villages:activity_file_upload", args=[outing.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("a.jpg", f.HTML_BYTES, "image/jpeg")},
        follow=True,
    )
    assert [m for m in response.context["messages"] if m.level_tag == "error"]
    assert not ActivityFile.objects.exists()


def download(client, item, **params):
    response = client.get(reverse("villages:activity_file", args=[item.pk]), params)
    body = b"".join(response.streaming_content)  # consuming it closes the file
    return response, body


def test_file_download_is_an_attachment_with_its_content_type_and_is_audited(
    client, photo, material, polda_officer
):
    client.force_login(polda_officer)
    response, body = download(client, photo)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert "foto kegiatan.png" in response["Content-Disposition"]
    assert body == f.png_bytes(7)
    response, body = download(client, material)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert body == f.PDF_BYTES
    assert AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED).count() == 2


def test_inline_shows_images_inline_but_never_pdfs(client, photo, material, officer):
    client.force_login(officer)
    response, _ = download(client, photo, inline="1")
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Type"] == "image/png"
    response, _ = download(client, material, inline="1")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"


def test_file_download_is_404_for_user_who_cannot_see_the_activity(
    client, photo, outsider, knpi_officer
):
    for user in (outsider, knpi_officer):
        client.force_login(user)
        response = client.get(reverse("villages:activity_file", args=[photo.pk]), {"inline": "1"})
        assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.FILE_DOWNLOADED).exists()


# --- Agreement implementation --------------------------------------------------------------


def test_implementation_fragment_for_htmx_and_full_page_otherwise(
    client, co_managed_village, officer
):
    client.force_login(officer)
    url = reverse("villages:agreement_implementation", args=[co_managed_village.kanwil_bp3mi.pk])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    names = [t.name for t in fragment.templates]
    assert "villages/_implementation.html" in names
    assert "base.html" not in names
    page = client.get(url)
    assert page.status_code == 200
    assert "villages/implementation.html" in [t.name for t in page.templates]
    assert page.context["report"].total_activities == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "fragment"])
def test_implementation_is_404_for_user_who_cannot_see_the_agreement(
    client, co_managed_village, polda_officer, outsider, htmx
):
    headers = {"HX-Request": "true"} if htmx else {}
    url = reverse("villages:agreement_implementation", args=[co_managed_village.kanwil_bp3mi.pk])
    for user in (polda_officer, outsider):  # Polda is no party to Kanwil - BP3MI
        client.force_login(user)
        assert client.get(url, headers=headers).status_code == 404


def test_implementation_of_a_draft_is_404_for_its_parties(
    client, system_admin, kanwil, bp3mi, officer
):
    draft = f.agreement(system_admin, kanwil, bp3mi, covers=(kanwil,), activate=False)
    client.force_login(officer)
    url = reverse("villages:agreement_implementation", args=[draft.pk])
    assert client.get(url).status_code == 404


# --- Lists do not grow in queries ----------------------------------------------------------


def count_queries(client, url) -> int:
    # Warm: the first request after a sign-in extends the session (a write of its own).
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_village_list_page_queries_do_not_grow_with_villages(client, kanim, officer):
    client.force_login(officer)
    f.village("36.72.01.1002", kanim)
    one = count_queries(client, reverse("villages:list"))
    for code in ("36.72.01.1003", "36.72.03.1001", "36.03.01.2003", "36.03.01.2005"):
        f.village(code, kanim)
    assert count_queries(client, reverse("villages:list")) == one


def test_activity_list_page_queries_do_not_grow_with_activities(
    client, co_managed_village, kanim, officer
):
    client.force_login(officer)
    other = f.village("36.03.01.2003", kanim)
    f.activity(kanim, villages=[co_managed_village.desa])
    one = count_queries(client, reverse("villages:activity_list"))
    for n in range(4):
        f.activity(kanim, villages=[co_managed_village.desa, other], title=f"Kegiatan {n}")
    assert count_queries(client, reverse("villages:activity_list")) == one
