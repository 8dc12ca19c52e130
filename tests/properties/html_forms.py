"""The forms of a page as a browser sees them, and what a browser (or someone tampering with
one) could send back: for the property tests of every form.

`forms_of(html)` reads each <form> with its fields: inputs, selects (with their options),
textareas and named submit buttons. `Form.defaults()` is what the browser sends untouched;
`submissions(form)` is a hypothesis strategy of the same with any fields changed to
anything: other options, several options, text, numbers and dates out of range, markup,
control characters, very long values, tampered formset management counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser

from hypothesis import strategies as st

JUNK = [
    "",
    " ",
    "0",
    "-1",
    "1e400",
    "99999999999999999999999",
    "2025-02-30",
    "9999-12-31T23:59",
    "0000-00-00",
    "\x00",
    "\u202etxt.exe",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "36.71.01.1001",
    "[]",
    "a" * 5000,
]


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "textarea" or "button"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted({f.name for f in self.fields if f.kind not in ("file",)})

    def defaults(self) -> dict[str, list[str]]:
        """What a browser sends for the form as rendered (the first named button pressed)."""
        data: dict[str, list[str]] = {}
        pressed = False
        for f in self.fields:
            if f.kind in ("file", "reset"):
                continue
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
            elif f.kind == "select":
                chosen = f.selected or ([] if f.multiple or not f.options else f.options[:1])
                data.setdefault(f.name, []).extend(chosen)
            elif f.kind in ("button", "submit"):
                if not pressed:
                    data[f.name] = [f.value]
                    pressed = True
            else:
                data.setdefault(f.name, []).append(f.value)
        data.pop("csrfmiddlewaretoken", None)
        return data

    def by_name(self) -> dict[str, list[Field]]:
        grouped: dict[str, list[Field]] = {}
        for f in self.fields:
            grouped.setdefault(f.name, []).append(f)
        return grouped


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: tuple[str | None, bool] | None = None
        self.option_text = ""
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        if tag == "option":
            if self.select is not None:
                self.option = (a.get("value"), "selected" in a)
                self.option_text = ""
            return
        name = a.get("name")
        if not name:
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            self.form.fields.append(Field(name, kind, a.get("value", ""), checked="checked" in a))
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self.form.fields.append(Field(name, "button", a.get("value", "")))
        elif tag == "select":
            self.select = Field(name, "select", multiple="multiple" in a)
            self.form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = Field(name, "textarea")
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.option is not None:
            self.option_text += data
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None and self.select is not None:
            value, selected = self.option
            value = value if value is not None else self.option_text.strip()
            self.select.options.append(value)
            if selected:
                self.select.selected.append(value)
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None
        elif tag == "form":
            self.form = None


def forms_of(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def post_forms(html: str, action: str | None = None) -> list[Form]:
    """The forms that post; with `action`, only those posting there."""
    found = [f for f in forms_of(html) if f.method == "post"]
    if action is not None:
        found = [f for f in found if f.action == action]
    return found


# --- What may come back --------------------------------------------------------------------

junk = st.one_of(st.sampled_from(JUNK), st.text(max_size=60))
numbers = st.integers(min_value=-(10**15), max_value=10**15).map(str)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str)
datetimes = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M"))


def filled(values: dict) -> dict[str, list[str]]:
    """Form values as lists of strings, as a browser sends them."""
    return {
        k: [str(x) for x in v] if isinstance(v, list | tuple) else [str(v)]
        for k, v in values.items()
    }


def values_for(fields: list[Field]) -> st.SearchStrategy[list[str]]:
    """Values for one name (a select, a group of checkboxes or radios, or a single input)."""
    first = fields[0]
    options = [o for f in fields for o in (f.options if f.kind == "select" else [f.value])]
    if first.kind in ("select", "checkbox", "radio") and options:
        return st.one_of(
            st.lists(st.sampled_from(options), max_size=3, unique=True),
            st.lists(junk, min_size=1, max_size=2),
        )
    single = {
        "number": st.one_of(numbers, junk),
        "date": st.one_of(dates, junk),
        "datetime-local": st.one_of(datetimes, junk),
        "hidden": st.one_of(st.integers(min_value=-5, max_value=3000).map(str), junk),
        "email": st.one_of(st.emails(), junk),
    }.get(first.kind, st.one_of(st.text(max_size=400), junk))
    return single.map(lambda v: [v])


@st.composite
def submissions(draw, form: Form, base: dict | None = None) -> dict[str, list[str]]:
    """The form as rendered (filled in with `base`), with any of its fields changed to
    anything."""
    data = {**form.defaults(), **filled(base or {})}
    grouped = {
        name: fields
        for name, fields in form.by_name().items()
        if fields[0].kind not in ("file", "reset", "button", "submit")
        and name != "csrfmiddlewaretoken"
    }
    if grouped:
        for name in draw(st.sets(st.sampled_from(sorted(grouped)))):
            data[name] = draw(values_for(grouped[name]))
    buttons = [f for f in form.fields if f.kind == "button"]
    if buttons:
        pressed = draw(st.sampled_from(buttons))
        for b in buttons:
            data.pop(b.name, None)
        data[pressed.name] = [pressed.value]
    return data
