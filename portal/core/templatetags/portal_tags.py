from django import template
from django.forms import BoundField
from django.http import QueryDict
from django.template import Context

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: Context, **changes: object) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def with_class(field: BoundField, css: str) -> str:
    return field.as_widget(attrs={"class": css})


@register.filter
def has_filters(query: QueryDict) -> bool:
    """Whether a list's query string narrows it (any non-empty parameter but the page)."""
    return any(value for key, value in query.items() if key != "page")
