from typing import Any

from django import template
from django.utils import formats

register = template.Library()


def group_digits(value: int) -> str:
    """A count with the current language's thousands separator (12.345 in Indonesian). Much
    faster than intcomma, which a table of a few hundred rows calls a thousand times."""
    return f"{int(value):,}".replace(",", formats.get_format("THOUSAND_SEPARATOR"))


@register.filter
def count(value: Any) -> str:
    try:
        return group_digits(value)
    except (TypeError, ValueError):
        return value
