"""The region picker: the JSON endpoints, the selectors behind them, RegionField and the
cascading widget, against the full Kemendagri region list (tests/regions/conftest.py)."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.regions.forms import PartialRegionCode, RegionField, RegionPickerWidget
from portal.regions.models import Region
from portal.regions.selectors import (
    PATH_SEPARATOR,
    region_chain_options,
    region_children,
    region_path,
    region_paths,
    region_search,
)

pytestmark = pytest.mark.usefixtures("regions_db")


def path(*names: str) -> str:
    """The label of a region from its name and its ancestors' (selectors.PATH_SEPARATOR)."""
    return PATH_SEPARATOR.join(names)


CHILDREN = reverse("regions:children")
SEARCH = reverse("regions:search")
VILLAGE = "36.72.01.1001"  # Cibeber, in the district Cibeber of Kota Cilegon, Banten


# -- helpers ---------------------------------------------------------------------------------


class _Selects(HTMLParser):
    """Collects every <select>: attributes, options (value, label) and the selected value;
    and every <label for=…>."""

    def __init__(self):
        super().__init__()
        self.selects: dict[str, dict] = {}
        self.labels: dict[str, str] = {}
        self.tags: list[str] = []
        self._select = None
        self._option = None
        self._label = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "select":
            self._select = {"attrs": attrs, "options": [], "selected": None}
            self.selects[attrs["name"]] = self._select
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), ""]
            self._select["options"].append(self._option)
            if "selected" in attrs:
                self._select["selected"] = attrs.get("value")
        elif tag == "label" and "for" in attrs:
            self._label = attrs["for"]
            self.labels[self._label] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data.strip()
        if self._label is not None:
            self.labels[self._label] += data.strip()


def parse(html: str) -> _Selects:
    parser = _Selects()
    parser.feed(str(html))
    return parser


def codes(select: dict) -> list[str]:
    return [value for value, _label in select["options"] if value]


class VillageForm(forms.Form):
    reporter = forms.CharField()
    village = RegionField()


class AreaForm(forms.Form):
    area = RegionField(Region.Level.REGENCY, allow_higher=True, required=False)


@pytest.fixture
def signed_in(client, officer):
    client.force_login(officer)
    return client


# -- the data the cases rely on --------------------------------------------------------------


def test_the_fixture_data():
    assert Region.objects.get(code="36").name == "Banten"
    assert Region.objects.get(code="36.72").name == "Kota Cilegon"
    assert Region.objects.get(code="36.72.01").name == "Cibeber"
    assert Region.objects.get(code=VILLAGE).name == "Cibeber"
    assert Region.objects.get(code="36.72.02").name == "Cilegon"


# -- children endpoint -----------------------------------------------------------------------


def test_children_without_parent_are_the_38_provinces_by_name(signed_in):
    response = signed_in.get(CHILDREN)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    results = response.json()["results"]
    assert len(results) == 38
    assert {"code": "36", "name": "Banten"} in results
    names = [r["name"] for r in results]
    assert names == sorted(names)
    assert signed_in.get(CHILDREN, {"parent": ""}).json()["results"] == results


def test_children_of_banten_are_its_8_regencies_and_cities(signed_in):
    results = signed_in.get(CHILDREN, {"parent": "36"}).json()["results"]
    assert len(results) == 8
    assert {"code": "36.72", "name": "Kota Cilegon"} in results
    assert all(r["code"].startswith("36.") for r in results)
    assert [r["name"] for r in results] == sorted(r["name"] for r in results)


def test_children_of_a_district_are_its_villages(signed_in):
    results = signed_in.get(CHILDREN, {"parent": "36.72.01"}).json()["results"]
    assert {"code": VILLAGE, "name": "Cibeber"} in results
    assert all(r["code"].startswith("36.72.01.") for r in results)


@pytest.mark.parametrize(
    "parent",
    [
        "99",
        "36.99",
        "abc",
        "36.",
        "\u0663\u0666",  # Arabic-Indic digits
        "36.72.01.1001",
        "36.72.01.1001.1",
        "x" * 500,
        "36' OR 1=1",
    ],
)
def test_children_of_an_unknown_or_invalid_parent_are_none(signed_in, parent):
    response = signed_in.get(CHILDREN, {"parent": parent})
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_endpoints_may_be_cached_privately_by_the_browser(signed_in):
    response = signed_in.get(CHILDREN, {"parent": "36"})
    assert "private" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]


# -- search endpoint -------------------------------------------------------------------------


def test_search_finds_the_city_and_the_district_with_their_paths(signed_in):
    results = signed_in.get(SEARCH, {"q": "cilegon"}).json()["results"]
    by_code = {r["code"]: r for r in results}
    assert by_code["36.72"] == {
        "code": "36.72",
        "name": "Kota Cilegon",
        "level": 2,
        "path": path("Kota Cilegon", "Banten"),
    }
    assert by_code["36.72.02"]["path"] == path("Cilegon", "Kota Cilegon", "Banten")
    assert by_code["36.72.02"]["level"] == 3
    # The exact name first.
    assert results[0]["name"].lower() == "cilegon"


def test_search_is_case_and_space_insensitive(signed_in):
    a = signed_in.get(SEARCH, {"q": "CILEGON"}).json()["results"]
    b = signed_in.get(SEARCH, {"q": "  cilegon "}).json()["results"]
    assert a == b
    assert a


def test_search_filters_by_level(signed_in):
    results = signed_in.get(SEARCH, {"q": "cilegon", "level": "2"}).json()["results"]
    assert [r["code"] for r in results] == ["36.72"]
    results = signed_in.get(SEARCH, {"q": "cibeber", "level": "4"}).json()["results"]
    assert results
    assert all(r["level"] == 4 for r in results)
    assert VILLAGE in {r["code"] for r in results}


def test_search_filters_within_a_region(signed_in):
    results = signed_in.get(SEARCH, {"q": "ci", "within": "36.72"}).json()["results"]
    assert results
    assert all(r["code"].startswith("36.72.") for r in results)
    # Not the region itself, only what lies inside it.
    assert "36.72" not in {r["code"] for r in results}
    assert signed_in.get(SEARCH, {"q": "cilegon", "within": "36.01"}).json()["results"] == []


def test_search_returns_at_most_20(signed_in):
    assert len(signed_in.get(SEARCH, {"q": "ka"}).json()["results"]) == 20


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "c"},
        {"q": " c  "},
        {"q": "%%"},
        {"q": "__"},
        {"q": "cilegon", "level": "5"},
        {"q": "cilegon", "level": "two"},
        {"q": "cilegon", "level": "-1"},
        {"q": "cilegon", "within": "banten"},
        {"q": "cilegon", "within": "99"},
    ],
)
def test_search_with_short_or_bad_parameters_finds_nothing(signed_in, params):
    response = signed_in.get(SEARCH, params)
    assert response.status_code == 200
    assert response.json() == {"results": []}


def test_search_treats_like_wildcards_as_text():
    assert region_search("a%b") == []
    assert region_search("a_b") == []


@pytest.mark.parametrize("url", [CHILDREN, SEARCH])
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url, {"q": "cilegon", "parent": "36"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_endpoints_accept_get_only(signed_in):
    assert signed_in.post(CHILDREN).status_code == 405
    assert signed_in.post(SEARCH, {"q": "cilegon"}).status_code == 405


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_endpoint_query_counts_do_not_grow_with_the_results(
    signed_in, django_assert_max_num_queries
):
    signed_in.get(CHILDREN)  # warm the session
    few = _queries(signed_in, CHILDREN, {"parent": "36.72.01"})
    many = _queries(signed_in, CHILDREN, {})
    assert few == many
    with django_assert_max_num_queries(few):
        signed_in.get(CHILDREN, {"parent": "36"})

    one = _queries(signed_in, SEARCH, {"q": "cilegon", "level": "2"})
    twenty = _queries(signed_in, SEARCH, {"q": "ka"})
    assert one == twenty
    # The search itself: the matches, then the names on their paths.
    with django_assert_max_num_queries(2):
        assert len(region_search("ka")) == 20


# -- selectors -------------------------------------------------------------------------------


def test_region_path_lists_the_names_up_to_the_province(django_assert_num_queries):
    assert PATH_SEPARATOR == " \u203a "
    with django_assert_num_queries(1):
        assert region_path(VILLAGE) == path("Cibeber", "Cibeber", "Kota Cilegon", "Banten")
    assert region_path("36") == "Banten"
    assert region_path("36.99") == ""
    assert region_path("nonsense") == ""
    with django_assert_num_queries(1):
        paths = region_paths(["36.72", "36.72.02", VILLAGE, "99"])
    assert paths == {
        "36.72": path("Kota Cilegon", "Banten"),
        "36.72.02": path("Cilegon", "Kota Cilegon", "Banten"),
        VILLAGE: path("Cibeber", "Cibeber", "Kota Cilegon", "Banten"),
    }


def test_region_children_of_a_village_is_empty_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert region_children(VILLAGE) == []
        assert region_children("no") == []
        assert region_children("36\n") == []


def test_region_chain_options_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        options = region_chain_options("36.72.01", depth=4)
    assert sorted(options) == [1, 2, 3, 4]
    assert len(options[1]) == 38
    assert [o["code"] for o in options[2]] == [r["code"] for r in region_children("36")]
    assert [o["code"] for o in options[4]] == [r["code"] for r in region_children("36.72.01")]
    # Never deeper than asked.
    assert sorted(region_chain_options(VILLAGE, depth=2)) == [1, 2]


def test_search_query_can_use_the_trigram_index():
    """Django's icontains is UPPER(name) LIKE UPPER(…), which a trigram index on the bare
    column cannot serve; the search uses ILIKE, which it can."""
    with CaptureQueriesContext(connection) as ctx:
        region_search("cilegon")
    where = ctx.captured_queries[0]["sql"].split(" WHERE ")[1].split(" ORDER BY ")[0]
    assert "ILIKE" in where
    assert "UPPER(" not in where
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT code FROM regions_region WHERE name ILIKE %s", ["%cilegon%"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "region_name_trgm" in plan


# -- RegionField -----------------------------------------------------------------------------


def test_a_village_code_cleans_to_the_region():
    form = VillageForm({"reporter": "Rina", "village": VILLAGE})
    assert form.is_valid(), form.errors
    region = form.cleaned_data["village"]
    assert isinstance(region, Region)
    assert region.code == VILLAGE
    assert region.level == Region.Level.VILLAGE


def test_a_region_instance_as_data_is_accepted():
    field = RegionField()
    assert field.clean(Region.objects.get(code=VILLAGE)).code == VILLAGE


@pytest.mark.parametrize("code", ["36.72.01", "36.72", "36"])
def test_a_larger_region_where_a_village_is_required_is_refused(code):
    form = VillageForm({"reporter": "Rina", "village": code})
    assert not form.is_valid()
    assert form.errors.as_data()["village"][0].code == "wrong_level"


def test_the_level_error_says_what_was_chosen_and_what_is_needed():
    with translation.override("en"):
        form = VillageForm({"reporter": "Rina", "village": "36.72.01"})
        assert form.errors["village"] == ["Cibeber is a district: select a village."]


@pytest.mark.parametrize("code", ["36.72.01.9999", "99", "banten", "36.72.01.1001.1", "x" * 300])
def test_an_unknown_code_is_refused(code):
    form = VillageForm({"reporter": "Rina", "village": code})
    assert not form.is_valid()
    assert form.errors.as_data()["village"][0].code == "invalid_choice"


def test_nothing_chosen_in_a_required_field_is_refused():
    form = VillageForm({"reporter": "Rina", "village": ""})
    assert not form.is_valid()
    assert form.errors.as_data()["village"][0].code == "required"


@pytest.mark.parametrize(
    ("code", "level"), [("36", Region.Level.PROVINCE), ("36.72", Region.Level.REGENCY)]
)
def test_allow_higher_accepts_the_level_and_larger_regions(code, level):
    form = AreaForm({"area": code})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"].level == level


def test_allow_higher_refuses_smaller_regions():
    form = AreaForm({"area": "36.72.01"})
    assert not form.is_valid()
    assert form.errors.as_data()["area"][0].code == "too_detailed"


def test_an_optional_field_left_empty_cleans_to_none():
    form = AreaForm({"area": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"] is None


def test_an_invalid_level_is_a_programming_error():
    with pytest.raises(ValueError, match=r"1\.\.4"):
        RegionField(5)


# -- the picker's data: which <select> counts ------------------------------------------------


def test_upper_selects_alone_do_not_make_a_village():
    data = {
        "reporter": "Rina",
        "village__province": "36",
        "village__regency": "36.72",
        "village__district": "36.72.01",
        "village": "",
    }
    form = VillageForm(data)
    assert isinstance(form["village"].data, PartialRegionCode)
    assert not form.is_valid()
    assert form.errors.as_data()["village"][0].code == "required"


def test_with_allow_higher_the_deepest_chosen_select_counts():
    form = AreaForm({"area__province": "36", "area": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"].code == "36"
    form = AreaForm({"area__province": "", "area": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["area"] is None


def test_a_chain_broken_by_a_change_without_scripts_stops_at_the_change():
    """Without scripts, a changed province leaves the old regency and village in the form:
    they are not inside the new province, so they do not count."""
    data = {
        "reporter": "Rina",
        "village__province": "11",
        "village__regency": "36.72",
        "village__district": "36.72.01",
        "village": VILLAGE,
    }
    form = VillageForm(data)
    assert form["village"].data == "11"
    assert not form.is_valid()
    selects = parse(form["village"].as_widget()).selects
    assert selects["village__province"]["selected"] == "11"
    assert all(c.startswith("11.") for c in codes(selects["village__regency"]))
    assert codes(selects["village__district"]) == []


def test_a_form_posting_the_field_name_alone_works():
    assert VillageForm({"reporter": "Rina", "village": VILLAGE}).is_valid()


# -- the widget ------------------------------------------------------------------------------


def test_the_widget_draws_the_chain_of_the_initial_value(django_assert_num_queries):
    form = VillageForm(initial={"village": VILLAGE})
    with django_assert_num_queries(1):
        html = str(form["village"])
    page = parse(html)
    names = ["village__province", "village__regency", "village__district", "village"]
    assert list(page.selects) == names
    selected = [page.selects[n]["selected"] for n in names]
    assert selected == ["36", "36.72", "36.72.01", VILLAGE]
    assert len(codes(page.selects["village__province"])) == 38
    assert codes(page.selects["village__regency"]) == [r["code"] for r in region_children("36")]
    assert codes(page.selects["village__district"]) == [r["code"] for r in region_children("36.72")]
    assert codes(page.selects["village"]) == [r["code"] for r in region_children("36.72.01")]
    # Each <select> has its own label, and the empty choice comes first.
    with translation.override("id"):
        page = parse(str(VillageForm(initial={"village": VILLAGE})["village"]))
    ids = [page.selects[n]["attrs"]["id"] for n in names]
    assert ids == [
        "id_village__province",
        "id_village__regency",
        "id_village__district",
        "id_village",
    ]
    assert [page.labels[i] for i in ids] == [
        "Provinsi",
        "Kabupaten/kota",
        "Kecamatan",
        "Desa/kelurahan",
    ]
    assert all(s["options"][0][0] == "" for s in page.selects.values())


def test_a_region_instance_as_initial_value_works():
    form = VillageForm(initial={"village": Region.objects.get(code=VILLAGE)})
    assert parse(str(form["village"])).selects["village"]["selected"] == VILLAGE


def test_the_widget_starts_at_banten_with_its_regencies():
    page = parse(str(VillageForm()["village"]))
    assert page.selects["village__province"]["selected"] == "36"
    assert codes(page.selects["village__regency"]) == [r["code"] for r in region_children("36")]
    assert page.selects["village__regency"]["selected"] is None
    assert codes(page.selects["village__district"]) == []
    assert codes(page.selects["village"]) == []


def test_the_widget_without_default_starts_with_the_provinces_only():
    class NoDefault(forms.Form):
        village = RegionField(default=None)

    page = parse(str(NoDefault()["village"]))
    assert page.selects["village__province"]["selected"] is None
    assert len(codes(page.selects["village__province"])) == 38
    assert codes(page.selects["village__regency"]) == []


def test_the_widget_markup_for_the_script():
    html = str(VillageForm()["village"])
    assert "data-region-picker" in html
    assert f'data-children-url="{CHILDREN}"' in html
    assert 'data-level="4"' in html
    # Strict CSP: nothing script-like or styled inline; not picked up by portal.js.
    assert "<script" not in html
    assert "style=" not in html
    assert "onchange" not in html
    assert "data-searchable" not in html


def test_a_regency_field_draws_two_selects():
    page = parse(str(AreaForm(initial={"area": "36.72"})["area"]))
    assert list(page.selects) == ["area__province", "area"]
    assert page.selects["area"]["selected"] == "36.72"
    assert 'data-level="2"' in str(AreaForm()["area"])


def test_a_village_value_in_a_regency_field_draws_down_to_its_regency():
    page = parse(str(AreaForm(initial={"area": VILLAGE})["area"]))
    assert page.selects["area"]["selected"] == "36.72"


def test_after_an_error_elsewhere_the_chosen_village_is_kept():
    form = VillageForm({"reporter": "", "village": VILLAGE, "village__province": "36"})
    assert not form.is_valid()
    assert "village" not in form.errors
    selects = parse(render_to_string("includes/form.html", {"form": form})).selects
    assert selects["village"]["selected"] == VILLAGE
    assert selects["village__district"]["selected"] == "36.72.01"


def test_after_a_level_error_the_chain_so_far_is_kept_with_the_next_list():
    data = {
        "reporter": "Rina",
        "village__province": "36",
        "village__regency": "36.72",
        "village__district": "36.72.01",
        "village": "",
    }
    form = VillageForm(data)
    assert not form.is_valid()
    html = render_to_string("includes/form.html", {"form": form})
    selects = parse(html).selects
    assert selects["village__district"]["selected"] == "36.72.01"
    assert codes(selects["village"]) == [r["code"] for r in region_children("36.72.01")]
    assert selects["village"]["selected"] is None
    assert selects["village"]["attrs"]["aria-invalid"] == "true"
    assert "form-select is-invalid" in selects["village"]["attrs"]["class"]
    assert "region-picker row g-2 is-invalid" in html  # shows the error below it


def test_crispy_draws_the_field_as_a_fieldset_with_a_legend():
    html = render_to_string("includes/form.html", {"form": VillageForm()})
    assert "<fieldset" in html
    legend = html[html.index("<legend") : html.index("</legend>")]
    assert "for=" not in legend
    selects = parse(html).selects
    assert "required" in selects["village"]["attrs"]
    assert "required" not in selects["village__province"]["attrs"]


def test_allow_higher_requires_the_province_only():
    class RequiredArea(forms.Form):
        area = RegionField(Region.Level.REGENCY, allow_higher=True)

    selects = parse(render_to_string("includes/form.html", {"form": RequiredArea()})).selects
    assert "required" in selects["area__province"]["attrs"]
    assert "required" not in selects["area"]["attrs"]


def test_the_default_province_alone_is_no_change():
    form = VillageForm(
        {"reporter": "", "village": "", "village__province": "36"}, initial={"village": None}
    )
    assert "village" not in form.changed_data
    form = VillageForm({"reporter": "", "village": VILLAGE}, initial={"village": VILLAGE})
    assert "village" not in form.changed_data
    form = VillageForm({"reporter": "", "village": VILLAGE})
    assert "village" in form.changed_data


def test_widget_value_omitted():
    widget = RegionPickerWidget()
    assert widget.value_omitted_from_data({}, {}, "village")
    assert not widget.value_omitted_from_data({"village__province": "36"}, {}, "village")
