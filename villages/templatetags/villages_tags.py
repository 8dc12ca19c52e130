from collections.abc import Iterable

from django import template

from villages.models import Audience

register = template.Library()


@register.filter
def audience_labels(codes: Iterable[str] | None) -> str:
    labels = dict(Audience.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes or [])
