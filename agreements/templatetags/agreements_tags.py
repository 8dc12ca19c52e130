from collections.abc import Iterable

from django import template

from agreements.models import AgreementStatus
from portal.core.categories import ReportCategory

register = template.Library()

STATUS_CLASSES: dict[str, str] = {
    AgreementStatus.DRAFT: "text-bg-secondary",
    AgreementStatus.ACTIVE: "text-bg-success",
    AgreementStatus.EXPIRED: "text-bg-warning",
    AgreementStatus.TERMINATED: "text-bg-danger",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "text-bg-light")


@register.filter
def category_labels(codes: Iterable[str]) -> str:
    labels = dict(ReportCategory.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)
