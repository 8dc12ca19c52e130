"""A test-only URLconf: the portal's URLs plus one page with a RegionField, for the browser
test of the region picker (tests/e2e/test_region_picker.py). Never part of portal.urls."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from portal.regions.forms import RegionField
from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns

# The page a real form would be: base.html (which loads portal/js/region-picker.js) and the
# form drawn by includes/form.html (crispy).
PAGE = engines["django"].from_string(
    """{% extends "base.html" %}
{% block title %}Region picker{% endblock %}
{% block content %}
<h1 class="page-title">Region picker</h1>
{% if chosen %}<p class="alert alert-success" data-testid="chosen">{{ chosen.code }} {{ chosen.name }}</p>{% endif %}
<form method="post" novalidate>
  {% csrf_token %}
  {% include "includes/form.html" %}
  <button type="submit" class="btn btn-primary">Kirim</button>
</form>
<button type="button" class="btn btn-outline-secondary mt-3" hx-get="{% url 'test_region_picker_fragment' %}" hx-target="#later" hx-swap="innerHTML">Tambah</button>
<div id="later" class="mt-3"></div>
{% endblock %}"""
)


class PickerForm(forms.Form):
    village = RegionField(label="Desa tempat tinggal")


@login_required
def region_picker_page(request):
    form = PickerForm(request.POST or None)
    chosen = form.cleaned_data["village"] if request.method == "POST" and form.is_valid() else None
    return HttpResponse(PAGE.render({"form": form, "chosen": chosen}, request))


# A second picker, fetched by htmx into the page after it has loaded.
FRAGMENT = engines["django"].from_string('{% include "includes/form.html" %}')


@login_required
def region_picker_fragment(request):
    return HttpResponse(FRAGMENT.render({"form": PickerForm(prefix="later")}, request))


urlpatterns = [
    path("test/region-picker/", region_picker_page, name="test_region_picker"),
    path(
        "test/region-picker/fragment/", region_picker_fragment, name="test_region_picker_fragment"
    ),
    *portal_urlpatterns,
]
