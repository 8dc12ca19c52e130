"""One submit shows every error of the report form: the form's own (a person without a name)
and the rules' (place, narrative, category, asked of the service with the fields the form
accepted), listed in a summary above the form whose links lead to each field."""

import re

import pytest
from django.urls import reverse

from referrals import services
from referrals.models import Report, ReportPerson
from tests.properties.html_forms import forms_of
from tests.referrals import factories as f

pytestmark = pytest.mark.django_db


def report_form(html: str):
    return next(form for form in forms_of(html) if "narrative" in form.names())


def summary_links(html: str) -> dict[str, str]:
    """{href: text} of the links of the error summary."""
    box = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S)
    assert box, "no error summary"
    return {
        href: re.sub(r"\s+", " ", text).strip()
        for href, text in re.findall(r'<a[^>]*href="(#[^"]+)"[^>]*>(.*?)</a>', box.group(0), re.S)
    }


def test_the_empty_form_submitted_shows_every_error_at_once(client, officer):
    client.force_login(officer)
    url = reverse("referrals:create")
    data = report_form(client.get(url).content.decode()).defaults()
    data.pop("save", None)
    data["submit"] = [""]
    response = client.post(url, data)

    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    # The person's name (the form) and, in the same answer, what submitting needs (the rules).
    assert set(formset.forms[0].errors) == {"full_name"}
    assert {"region", "narrative", "categories"} <= set(form.errors)
    assert not Report.objects.exists()

    links = summary_links(response.content.decode())
    assert links["#id_persons-0-full_name"].startswith("Orang 1: Nama:")
    assert "#id_region" in links
    assert links["#id_narrative"].startswith("Kronologi:")
    assert "#id_categories_0" in links  # the first box: a list of checkboxes has no own id
    html = response.content.decode()
    for href in links:  # every link lands on an element of the page
        assert f'id="{href[1:]}"' in html, href


def test_a_field_the_form_refused_keeps_the_forms_message_only(client, officer):
    """A date typed wrong is said once, as the form says it, not again as "choose a date"."""
    client.force_login(officer)
    url = reverse("referrals:create")
    data = report_form(client.get(url).content.decode()).defaults()
    data.update(occurred_at=["kemarin"], submit=[""])
    data.pop("save", None)
    response = client.post(url, data)
    errors = response.context["form"].errors
    assert len(errors["occurred_at"]) == 1
    assert {"narrative", "categories"} <= set(errors)


def test_a_person_error_of_the_rules_shows_with_the_forms_errors(client, officer):
    """An impossible NIK (a rule of the service) and a missing narrative-length error show
    together with the form's own error on the date of birth."""
    client.force_login(officer)
    url = reverse("referrals:create")
    data = report_form(client.get(url).content.decode()).defaults()
    data.pop("save", None)
    data.update(
        {
            "submit": [""],
            "persons-0-full_name": ["Siti Aminah"],
            "persons-0-nik": ["9999999999999999"],
            "persons-0-birth_date": ["31-31-1990"],
        }
    )
    response = client.post(url, data)
    person = response.context["formset"].forms[0]
    assert {"nik", "birth_date"} <= set(person.errors)
    assert "narrative" in response.context["form"].errors


def test_report_errors_saves_nothing_and_leaves_the_report_as_it_was(officer):
    report = f.draft(officer, narrative="Singkat.")
    errors = services.report_errors(
        actor=officer,
        report=report,
        persons=[f.person("persons-0", full_name="")],
        submit=True,
        narrative="Terlalu pendek",
    )
    assert errors["narrative"]
    assert errors["persons-0-full_name"]
    report.refresh_from_db()
    assert report.narrative == "Singkat."
    assert not ReportPerson.objects.filter(report=report, full_name="").exists()


def test_report_errors_of_a_new_report_are_those_report_create_raises(officer):
    assert set(services.report_errors(actor=officer, submit=True)) == {
        "region",
        "narrative",
        "__all__",
        "categories",
    }
    assert services.report_errors(actor=officer, submit=False) == {}
