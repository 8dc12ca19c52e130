"""The details of audit entries as people read them: labels, not the codes the entries store.

An entry's `data` holds codes (`{"scope": "joint-outreach", "kind": "diseminasi",
"type": "image/jpeg"}`) so that it stays true whatever the labels become. `describe()` turns
them into (label, text) rows in the reader's language:

- a key that is a field of the entry's target model takes the field's verbose name, and a
  value of a field with choices its label; `changes` ({field: [old, new]}) alike, field by
  field;
- otherwise the key's label and value labels come from what was registered here: this
  module's own (sign-in, files, dates) and, for codes of the apps above the core, what those
  apps register in their AppConfig.ready() (`register_key`, `register_values`), so that this
  lower app never imports a higher one;
- a key nothing names keeps its code, and so does a value nothing maps (a name, a number).

Values that need the database (a scope's name by its code) are looked up once per page for
all the entries shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.models import AuditEntry
from portal.core.categories import ReportCategory
from portal.notifications.kinds import EMAIL_KINDS

# Any action: None. Value labels: a mapping, or a function from the codes on the page to a
# mapping (for labels kept in the database).
ValueLabels = Mapping[str, Any] | Callable[[set[str]], Mapping[str, Any]]

_KEY_LABELS: dict[tuple[str | None, str], Promise | str] = {}
_VALUE_LABELS: dict[tuple[str | None, str], ValueLabels] = {}


def register_key(key: str, label: Promise | str, *, actions: Iterable[str] = ()) -> None:
    """Name a data key (for the given actions only, or for every action)."""
    for action in tuple(actions) or (None,):
        _KEY_LABELS[(action, key)] = label


def register_values(key: str, labels: ValueLabels, *, actions: Iterable[str] = ()) -> None:
    """Say what the codes stored under a data key mean (for the given actions only, or for
    every action). Mappings registered for the same key and action are merged."""
    for action in tuple(actions) or (None,):
        known = _VALUE_LABELS.get((action, key))
        if isinstance(known, Mapping) and isinstance(labels, Mapping):
            _VALUE_LABELS[(action, key)] = {**known, **labels}
        else:
            _VALUE_LABELS[(action, key)] = labels


@dataclass(frozen=True)
class Detail:
    key: str
    label: str
    text: str


def describe(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Give each entry `details`: its data as (key, label, text) rows. Returns the entries."""
    entries = list(entries)
    resolved = _resolve_lookups(entries)
    for entry in entries:
        model = _target_model(entry.target_type)
        entry.details = [  # type: ignore[attr-defined]  # for the templates only
            row
            for key, value in (entry.data or {}).items()
            for row in _rows(entry.action, model, key, value, resolved)
        ]
    return entries


# --- Keys and values -----------------------------------------------------------------------


def _target_model(label: str) -> type[models.Model] | None:
    if not label:
        return None
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _registered(table: Mapping[tuple[str | None, str], Any], action: str, key: str) -> Any:
    return table.get((action, key), table.get((None, key)))


def _key_label(action: str, model: type[models.Model] | None, key: str) -> str:
    label = _registered(_KEY_LABELS, action, key)
    if label is None:
        field = _field(model, key)
        label = field.verbose_name if field is not None else None
    if label is None:
        return key
    text = str(label)
    return text[:1].upper() + text[1:]


def _resolve_lookups(entries: list[AuditEntry]) -> dict[tuple[str | None, str], Mapping]:
    """Call each value function once, with every code of its key on the page."""
    wanted: dict[tuple[str | None, str], set[str]] = {}
    for entry in entries:
        for key, value in (entry.data or {}).items():
            for scope in ((entry.action, key), (None, key)):
                if callable(_VALUE_LABELS.get(scope)):
                    wanted.setdefault(scope, set()).update(str(v) for v in _codes(value))
                    break
    resolved: dict[tuple[str | None, str], Mapping[str, Any]] = {}
    for wanted_scope, codes in wanted.items():
        lookup = _VALUE_LABELS[wanted_scope]
        if callable(lookup):  # always: `wanted` holds the callable ones
            resolved[wanted_scope] = lookup(codes)
    return resolved


def _codes(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and ", " in value:
        return value.split(", ")
    return [value]


def _value_text(
    action: str,
    model: type[models.Model] | None,
    key: str,
    value: Any,
    resolved: Mapping[tuple[str | None, str], Mapping[str, Any]],
) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    labels = resolved.get((action, key)) or resolved.get((None, key))
    if labels is None:
        labels = _registered(_VALUE_LABELS, action, key)
    if labels is None or callable(labels):
        field = _field(model, key)
        if field is not None and field.choices:
            labels = dict(field.flatchoices)
        elif field is not None and getattr(field, "base_field", None) is not None:
            labels = dict(field.base_field.flatchoices or ())  # type: ignore[attr-defined]  # an ArrayField
    if isinstance(value, list | tuple) or (isinstance(value, str) and ", " in value and labels):
        return ", ".join(_one(v, labels) for v in _codes(value))
    return _one(value, labels)


def _one(value: Any, labels: Mapping[Any, Any] | None) -> str:
    if labels and str(value) in labels:
        return str(labels[str(value)])
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:  # an ISO date, as entries store them
            return date_format(dt.date.fromisoformat(value), "j M Y")
        except ValueError:
            pass
    return str(value)


def _rows(
    action: str,
    model: type[models.Model] | None,
    key: str,
    value: Any,
    resolved: Mapping[tuple[str | None, str], Mapping[str, Any]],
) -> list[Detail]:
    if key == "changes" and isinstance(value, dict):
        return [
            Detail(
                key=f"changes.{name}",
                label=_key_label(action, model, name),
                text=" → ".join(
                    _value_text(action, model, name, v, resolved)
                    for v in (pair if isinstance(pair, list | tuple) else [pair])
                ),
            )
            for name, pair in value.items()
        ]
    if isinstance(value, dict):  # nested details (a person's changes): names, not values
        return [
            Detail(
                key=key,
                label=_key_label(action, model, key),
                text="; ".join(
                    f"{name}: {', '.join(_key_label(action, None, f) for f in inner)}"
                    if isinstance(inner, dict)
                    else f"{name}: {inner}"
                    for name, inner in value.items()
                ),
            )
        ]
    return [
        Detail(
            key=key,
            label=_key_label(action, model, key),
            text=_value_text(action, model, key, value, resolved),
        )
    ]


# --- What the core itself stores ---------------------------------------------------------

MFA_TYPES = {
    "totp": gettext_lazy("Authenticator app (TOTP)"),
    "recovery_codes": gettext_lazy("Recovery codes"),
    "webauthn": gettext_lazy("Security key"),
}
FILE_TYPES = {
    "image/jpeg": gettext_lazy("JPEG photo"),
    "image/png": gettext_lazy("PNG image"),
    "image/webp": gettext_lazy("WebP image"),
    "application/pdf": gettext_lazy("PDF document"),
}

_PORTAL_KEYS: dict[str, Promise | str] = {
    "login": gettext_lazy("Name typed"),
    "type": gettext_lazy("Type"),
    "stage": gettext_lazy("Step"),
    "token": gettext_lazy("Token"),
    "name": gettext_lazy("Name"),
    "days": gettext_lazy("Valid for (days)"),
    "role": gettext_lazy("Role"),
    "agency": gettext_lazy("Agency"),
    "removed": gettext_lazy("Methods removed"),
    "muted": gettext_lazy("E-mails turned off"),
    "file": gettext_lazy("File"),
    "sha256": "SHA-256",
    "reason": gettext_lazy("Reason"),
    "categories": gettext_lazy("Report categories"),
    "date": gettext_lazy("Date"),
    "from": gettext_lazy("From"),
    "to": gettext_lazy("To"),
    "days_before": gettext_lazy("Reminder (days before the end)"),
    "days_left": gettext_lazy("Days left"),
    "dataset": gettext_lazy("Data"),
    "format": gettext_lazy("Format"),
    "rows": gettext_lazy("Rows"),
    "identifiers_revealed": gettext_lazy("Identifiers in full"),
}
for _key, _label in _PORTAL_KEYS.items():
    register_key(_key, _label)
register_values("type", {**MFA_TYPES, **FILE_TYPES})
register_values("stage", {"mfa": gettext_lazy("Two-factor code")})
register_values("categories", dict(ReportCategory.choices))
register_values("muted", lambda codes: dict(EMAIL_KINDS))  # the apps register their kinds
