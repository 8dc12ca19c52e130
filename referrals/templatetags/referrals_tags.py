from django import template
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.html import format_html

from referrals.models import Report
from referrals.vocabularies import ReportStatus, RiskLevel

register = template.Library()


@register.filter
def labels(instance: models.Model, field_name: str) -> str:
    """The labels of a list-of-codes field (ArrayField with choices), in the active language:
    `{{ report|labels:"control_methods" }}` → "Debt bondage, Threats"."""
    field = instance._meta.get_field(field_name)
    if not isinstance(field, ArrayField):
        raise TypeError(f"{field_name} is not a list of codes")
    names = dict(field.base_field.choices or [])
    return ", ".join(str(names.get(code, code)) for code in getattr(instance, field_name) or [])


# A report's status and risk as Bootstrap badges: one place for their colours, rendered in
# Python because the lists show them on every row (an {% include %} per cell cost more than
# the rest of the row, docs/benchmarks.md).
STATUS_BADGES: dict[str, str] = {
    ReportStatus.DRAFT: "text-bg-secondary",
    ReportStatus.SUBMITTED: "text-bg-primary",
    ReportStatus.UNDER_REVIEW: "text-bg-warning",
    ReportStatus.CLOSED: "text-bg-success",
}
RISK_BADGES: dict[str, str] = {
    RiskLevel.HIGH: "text-bg-danger",
    RiskLevel.MEDIUM: "text-bg-warning",
}


@register.filter
def status_badge(report: Report) -> str:
    """`{{ report|status_badge }}`: the status, coloured by how far the report has come."""
    css = STATUS_BADGES.get(report.status, "text-bg-success")
    return format_html('<span class="badge {}">{}</span>', css, report.get_status_display())


@register.filter
def risk_badge(report: Report) -> str:
    """`{{ report|risk_badge }}`: the risk level, red for high, amber for medium."""
    css = RISK_BADGES.get(report.risk_level, "text-bg-light border")
    return format_html('<span class="badge {}">{}</span>', css, report.get_risk_level_display())
