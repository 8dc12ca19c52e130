"""Picking a region in a form: RegionField and its cascading RegionPickerWidget.

    class ResidenceForm(forms.Form):
        village = RegionField(label=_("Village"))  # a village (level 4) is required
        area = RegionField(Region.Level.REGENCY, allow_higher=True, required=False)

One <select> per level, pre-rendered on the server so that the form works before any script
runs; static/portal/js/region-picker.js then loads each next level and makes lists searchable."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from portal.regions.models import Region
from portal.regions.selectors import code_ancestors, is_region_code, region_chain_options

BANTEN = "36"
LEVEL_SUFFIXES: dict[int, str] = {
    Region.Level.PROVINCE: "province",
    Region.Level.REGENCY: "regency",
    Region.Level.DISTRICT: "district",
    Region.Level.VILLAGE: "village",
}
COLUMN_CLASSES = {1: "col-12", 2: "col-12 col-sm-6", 3: "col-12 col-md-4"}


class PartialRegionCode(str):
    """The code of the deepest region chosen in an upper <select> when the named (deepest)
    <select> was left empty. The field takes it as its value only with allow_higher=True,
    and as "nothing chosen" otherwise; the widget draws the chain down to it either way."""

    __slots__ = ()


def _level(value: int) -> Region.Level:
    try:
        return Region.Level(int(value))
    except (TypeError, ValueError):
        raise ValueError(f"region level must be 1..4, not {value!r}") from None


class RegionPickerWidget(forms.Widget):
    template_name = "regions/region_picker.html"
    # Drawn in a <fieldset> whose <legend> is the field's label; each <select> has its own.
    use_fieldset = True

    def __init__(
        self,
        attrs: dict[str, Any] | None = None,
        *,
        level: int = Region.Level.VILLAGE,
        allow_higher: bool = False,
        default: str | None = BANTEN,
    ) -> None:
        super().__init__(attrs)
        self.level = _level(level)
        self.allow_higher = allow_higher
        self.default = default

    def names(self, name: str) -> dict[int, str]:
        """The HTML name of each <select>, by level."""
        return {
            level: name if level == self.level else f"{name}__{LEVEL_SUFFIXES[level]}"
            for level in range(1, self.level + 1)
        }

    def value_from_datadict(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> str | None:
        """The deepest code chosen whose every chosen ancestor agrees with it: walking down from
        the province, a level left empty or not inside the one above ends the chain (as after
        a change without scripts). A <select> missing from the data does not count, so a
        client may post the field's name alone. The code comes as PartialRegionCode when it
        is not the named <select>'s."""
        chosen: str | None = None
        for level, html_name in self.names(name).items():
            if html_name not in data:
                continue
            value = (data.get(html_name) or "").strip()
            if not value or (chosen and not value.startswith(f"{chosen}.")):
                break
            chosen = value if level == self.level else PartialRegionCode(value)
        return chosen

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: Mapping[str, Any], name: str
    ) -> bool:
        return not any(n in data for n in self.names(name).values())

    def id_for_label(self, id_: str) -> str:
        # The <legend> of the fieldset names the group; each <select> has its own <label>.
        return ""

    def _chain(self, value: object) -> list[str]:
        code = str(value.pk if isinstance(value, Region) else (value or "")).strip()
        if not is_region_code(code):
            code = self.default if self.default and is_region_code(self.default) else ""
        return code_ancestors(code)[: self.level] if code else []

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        # The template lives in the project's templates/ folder, which the default form
        # renderer (app templates and Django's own only) does not search.
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context).strip())  # noqa: S308

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        attrs = dict(context["widget"]["attrs"])
        invalid = "is-invalid" in attrs.pop("class", "").split() or "aria-invalid" in attrs
        base_id = attrs.pop("id", None) or f"region-picker-{name}"
        disabled = attrs.pop("disabled", False)
        required = attrs.pop("required", False)
        chain = self._chain(value)
        # Options for each level down to the one below the last chosen region. No value and
        # no default: just the provinces.
        options = region_chain_options(chain[-1] if chain else "", depth=self.level)
        select_class = "form-select is-invalid" if invalid else "form-select"
        selects = []
        for level, html_name in self.names(name).items():
            deepest = level == self.level
            select_attrs = dict(attrs) if deepest else {}
            if invalid:
                select_attrs["aria-invalid"] = "true"
            if disabled:
                select_attrs["disabled"] = True
            # Required: the named <select>, or with allow_higher the province (any level will do).
            if required and (level == Region.Level.PROVINCE if self.allow_higher else deepest):
                select_attrs["required"] = True
            selected = chain[level - 1] if level <= len(chain) else ""
            selects.append(
                {
                    "level": level,
                    "label": Region.Level(level).label,
                    "name": html_name,
                    "id": base_id if deepest else f"{base_id}__{LEVEL_SUFFIXES[level]}",
                    "class": select_class,
                    "attrs": select_attrs,
                    "selected": selected,
                    "options": options.get(level, []),
                }
            )
        context["widget"].update(
            {
                "picker_id": f"{base_id}__picker",
                "level": int(self.level),
                "allow_higher": self.allow_higher,
                "children_url": reverse("regions:children"),
                "selects": selects,
                "column_class": COLUMN_CLASSES.get(self.level, "col-12 col-sm-6 col-lg-3"),
                "empty_label": _("— Select —"),
                "invalid": invalid,
            }
        )
        return context


class RegionField(forms.ModelChoiceField):
    """A Region of exactly `level` (by default a village), or with allow_higher=True of that
    level or any larger one (a province, a regency/city…). Cleans to a Region instance, or
    None when not required and nothing is chosen. The widget starts at `default` (Banten)."""

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not a known region code."),
        "wrong_level": _("%(name)s is a %(chosen)s: select a %(level)s."),
        "too_detailed": _("%(name)s is a %(chosen)s: select a %(level)s or a larger region."),
    }

    def __init__(
        self,
        level: int = Region.Level.VILLAGE,
        *,
        allow_higher: bool = False,
        required: bool = True,
        default: str | None = BANTEN,
        widget: forms.Widget | None = None,
        **kwargs: Any,
    ) -> None:
        self.level = _level(level)
        self.allow_higher = allow_higher
        kwargs.setdefault("label", self.level.label)
        if widget is None:
            widget = RegionPickerWidget(
                level=self.level, allow_higher=allow_higher, default=default
            )
        super().__init__(queryset=Region.objects.all(), required=required, widget=widget, **kwargs)

    def _from_upper_select(self, value: object) -> bool:
        return isinstance(value, PartialRegionCode) and not self.allow_higher

    def to_python(self, value: Any) -> Region | None:
        if self._from_upper_select(value):
            return None
        if isinstance(value, Region):
            value = value.pk
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if not is_region_code(value):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)

    def validate(self, value: Region | None) -> None:
        super().validate(value)
        if value is None:
            return
        ok = value.level <= self.level if self.allow_higher else value.level == self.level
        if not ok:
            code = "too_detailed" if self.allow_higher else "wrong_level"
            raise ValidationError(
                self.error_messages[code],
                code=code,
                params={
                    "name": value.name,
                    "chosen": str(Region.Level(value.level).label).lower(),
                    "level": str(self.level.label).lower(),
                },
            )

    def has_changed(self, initial: Any, data: Any) -> bool:
        return super().has_changed(initial, None if self._from_upper_select(data) else data)
