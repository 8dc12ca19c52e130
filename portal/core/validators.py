"""Checks of values that pages and the API accept alike: the services call them, so a form
and a serializer cannot disagree."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")


def normalise_phone(value: str) -> str:
    """Keep digits and a leading +; refuse what cannot be an Indonesian phone number."""
    value = (value or "").strip()
    if not value:
        return ""
    compact = re.sub(r"[\s\-().]", "", value)
    if not PHONE_RE.match(compact):
        raise ValidationError(
            _("Enter a telephone number of 8 to 15 digits, e.g. 0812 3456 7890."), code="phone"
        )
    return compact
