"""portal.core.widgets.Select renders what Django's Select renders, without a template per
option: the same options, values and labels escaped, one option selected."""

import re

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from portal.core.widgets import Select

pytestmark = pytest.mark.django_db(False)

CHOICES = [
    ("", "---------"),
    ("a&b", 'Tom & "Jerry"'),
    ("<x>", "<script>alert(1)</script>"),
    (3, gettext_lazy("Submitted")),
    ("dup", "First"),
    ("dup", "Second"),
]


def _normalised(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html)


@pytest.mark.parametrize("value", [None, "", "a&b", "<x>", "3", 3, "dup", "missing"])
def test_same_markup_as_django_select(value):
    attrs = {"data-searchable": "true", "class": "form-select", "required": True, "hidden": False}
    ours = Select(attrs=attrs, choices=CHOICES)
    django = forms.Select(attrs=attrs, choices=CHOICES)
    assert _normalised(ours.render("f", value, attrs={"id": "id_f"})) == _normalised(
        django.render("f", value, attrs={"id": "id_f"})
    )


def test_values_and_labels_are_escaped_and_one_option_selected():
    html = Select(choices=CHOICES).render("f", "dup")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="a&amp;b"' in html
    assert "Tom &amp; &quot;Jerry&quot;" in html
    assert html.count(" selected") == 1
    assert '<option value="dup" selected>First</option>' in html


def test_grouped_choices_fall_back_to_django():
    grouped = [("Group", [("a", "A"), ("b", "B")])]
    html = Select(choices=grouped).render("f", "b")
    assert '<optgroup label="Group">' in html
