from django import template
from django.db import models

register = template.Library()


@register.filter
def labels(instance: models.Model, field_name: str) -> str:
    """The labels of a list-of-codes field (ArrayField with choices), in the active language:
    `{{ report|labels:"control_methods" }}` → "Debt bondage, Threats"."""
    field = instance._meta.get_field(field_name)
    names = dict(field.base_field.choices or [])
    return ", ".join(str(names.get(code, code)) for code in getattr(instance, field_name) or [])
