from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def add_service_error(form: forms.Form, exc: ValidationError | PermissionDenied) -> None:
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
