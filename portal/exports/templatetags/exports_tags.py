from django import template
from django.template.context import Context
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def export_url(context: Context, dataset: str, **extra: str) -> str:
    """Where a list page's export buttons post: the dataset's export URL with the list's query
    string (without the page number), plus `extra` parameters such as the referral direction."""
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in extra.items():
        if value:
            query[key] = value
    encoded = query.urlencode()
    return reverse("exports:create", args=[dataset]) + (f"?{encoded}" if encoded else "")
