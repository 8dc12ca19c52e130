from django import template
from django.forms import (
    BaseForm,
    BaseFormSet,
    BoundField,
    CheckboxSelectMultiple,
    RadioSelect,
)
from django.http import QueryDict
from django.template import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def with_class(field: BoundField, css: str) -> str:
    return field.as_widget(attrs={"class": css})


@register.filter
def has_filters(query: QueryDict) -> bool:
    """Whether a list's query string narrows it (any non-empty parameter but the page)."""
    return any(value for key, value in query.items() if key != "page")


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms: BaseForm | BaseFormSet | None, item_label: str = "") -> dict:
    """Every error of the forms (and formsets) of one submit, listed above them, each linking
    to its field: the page opens there (static/portal/js/forms.js focuses it). A formset's
    forms are named `item_label` and their number ("Person 2: Name")."""
    items: list[dict] = []
    for source in forms:
        if source is None or not source.is_bound:
            continue
        if isinstance(source, BaseFormSet):
            items += [{"message": e} for e in source.non_form_errors()]
            for number, form in enumerate(source.forms, start=1):
                prefix = f"{item_label} {number}" if item_label else ""
                items += _error_items(form, prefix)
        else:
            items += _error_items(source, "")
    return {"items": items}


def _error_items(form: BaseForm, prefix: str) -> list[dict]:
    items = [{"label": prefix, "message": e, "anchor": ""} for e in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            label = f"{prefix}: {field.label}" if prefix else str(field.label)
            items.append(
                {
                    "label": label,
                    "message": error,
                    "anchor": _anchor(field),
                    "name": field.html_name,
                }
            )
    return items


def _anchor(field: BoundField) -> str:
    """The id of the element a link to the field lands on: the control itself, or the first
    box of a list of checkboxes or radio buttons (which has no element of the field's id)."""
    if isinstance(field.field.widget, CheckboxSelectMultiple | RadioSelect):
        return f"{field.auto_id}_0"
    return field.auto_id or ""
