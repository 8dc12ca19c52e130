"""The confirmation step of every irreversible action (close a report, complete or decline a
referral, terminate an agreement, delete or remove anything).

One pattern everywhere: the form carries `data-confirm="question"` and the view asks
`confirmation()` before it acts. In a browser with scripts, static/portal/js/forms.js asks
the question in a <dialog> and posts the form with `confirmed=1`; without scripts the view
answers the first post with a page asking the same question (templates/includes/
confirm_page.html), whose button posts the same fields again with `confirmed=1`. Either way
nothing irreversible happens on a single click."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

CONFIRM_FIELD = "confirmed"
# Fields never sent back by the confirmation page: the token comes fresh with the page.
_NOT_REPEATED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmation(
    request: HttpRequest,
    *,
    question: str,
    cancel_url: str,
    button: str = "",
    form: forms.Form | None = None,
    details: Sequence[tuple[str, str]] = (),
    note: str | None = None,
) -> HttpResponse | None:
    """None when the post is confirmed; otherwise the page that asks `question`, showing
    `details` and what was chosen in `form` (a valid form), and whose button repeats the post
    with the confirmation. `note` replaces "This cannot be undone." (an empty one: no note).
    Call it after the access checks and the form's validation, before
    the service."""
    if request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1":
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_REPEATED
        for value in values
    ]
    return render(
        request,
        "includes/confirm_page.html",
        {
            "question": question,
            "button": button or _("Yes, go ahead"),
            "note": _("This cannot be undone.") if note is None else note,
            "cancel_url": cancel_url,
            "details": [*details, *(form_summary(form) if form is not None else [])],
            "fields": fields,
            "action": request.get_full_path(),
            "confirm_field": CONFIRM_FIELD,
        },
    )


def form_summary(form: forms.Form) -> list[tuple[str, str]]:
    """(label, value as shown) of each field of a valid form that has a value: the chosen
    option's label rather than its code."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()) or isinstance(field.widget, forms.HiddenInput):
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            text = ", ".join(str(item) for item in value)
        elif isinstance(field, forms.MultipleChoiceField):
            labels = dict(field.choices)  # type: ignore[arg-type]  # pairs; the stubs add callables
            text = ", ".join(str(labels.get(v, v)) for v in value)
        elif isinstance(field, forms.ChoiceField):
            choices = dict(field.choices)  # type: ignore[arg-type]  # pairs; the stubs add callables
            text = str(choices.get(value, value))
        elif isinstance(field, forms.DateField):
            text = date_format(value, "j F Y")
        else:
            text = str(value)
        rows.append((str(field.label), text))
    return rows
