"""Widgets that render faster than Django's template-per-option ones."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


class Select(forms.Select):
    """A single <select> built in Python instead of one template rendering per <option>: the
    same markup, but a list of 250 countries or 300 villages costs about a millisecond
    instead of tens (docs/benchmarks.md). Named `Select` so that templates asking
    `field.widget_type == "select"` treat it as one. Grouped choices use Django's rendering."""

    def render(self, name, value, attrs=None, renderer=None):
        choices = [choice for choice in self.choices]  # noqa: C416 -- list() would COUNT a queryset first
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = set(self.format_value(value))
        options, selected_one = [], False
        for option_value, label in choices:
            text = "" if option_value is None else str(option_value)
            selected = text in chosen and not selected_one
            selected_one = selected_one or selected
            options.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    text,
                    mark_safe(" selected") if selected else "",
                    label,
                )
            )
        return format_html(
            "<select{}>\n{}\n</select>",
            flatatt(final_attrs),
            mark_safe("\n".join(options)),  # noqa: S308 -- escaped above
        )
