from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

_FieldT = TypeVar("_FieldT", bound=forms.Field)


def field_as(fields: Mapping[str, forms.Field], name: str, kind: type[_FieldT]) -> _FieldT:
    """`fields[name]` (a form's `fields` or `base_fields`) as the kind of field the form
    declares, to set what only that kind has (a queryset, choices): the stubs know them all
    as Field."""
    field = fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def label_options(field: forms.ModelChoiceField, label: Callable[[Any], str]) -> None:
    """Label the field's options with `label(obj)` instead of `str(obj)`."""
    # An instance attribute over the method, which Django looks up on the instance; mypy
    # refuses any assignment to a method, so it is said once, here.
    field.label_from_instance = label  # type: ignore[method-assign, assignment]


def add_service_error(form: forms.BaseForm, exc: ValidationError | PermissionDenied) -> None:
    """Show what a service refused on the form, next to the field it concerns when the form
    has that field, above the form otherwise. The typed values stay in the form."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or _("You are not allowed to do this."))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def flash_errors(request: HttpRequest, source: ValidationError | forms.Form) -> None:
    """Show what was refused as messages, for forms posted from a page they do not own (an
    upload or a quick entry on a detail page, which redirects back to it)."""
    if isinstance(source, forms.Form):
        for errors in source.errors.values():
            for error in errors:
                # The stubs type an ErrorList's items as ValidationError | str; it yields messages.
                messages.error(request, error)  # type: ignore[arg-type]
    else:
        for message in source.messages:
            messages.error(request, message)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only checks the shape of the input: the service it feeds calls
    full_clean() and applies the rules, and the view shows what it refuses with
    add_service_error(). The instance is never modified by the form."""

    def _post_clean(self) -> None:
        pass


class DateInput(forms.DateInput):
    """The browser's date picker; values travel as ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
