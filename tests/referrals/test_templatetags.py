"""The status and risk badges every report list shows on each row."""

import pytest
from django.template import engines
from django.utils import translation

from referrals.models import Report
from referrals.templatetags.referrals_tags import risk_badge, status_badge
from referrals.vocabularies import ReportStatus

pytestmark = pytest.mark.django_db(False)


@pytest.mark.parametrize(
    ("status", "css"),
    [
        (ReportStatus.DRAFT, "text-bg-secondary"),
        (ReportStatus.SUBMITTED, "text-bg-primary"),
        (ReportStatus.UNDER_REVIEW, "text-bg-warning"),
        (ReportStatus.CLOSED, "text-bg-success"),
    ],
)
def test_status_badge_colour_and_label(status, css):
    report = Report(status=status)
    with translation.override("id"):
        html = status_badge(report)
        label = report.get_status_display()
    assert html == f'<span class="badge {css}">{label}</span>'


@pytest.mark.parametrize(
    ("risk", "css"),
    [("high", "text-bg-danger"), ("medium", "text-bg-warning"), ("low", "text-bg-light border")],
)
def test_risk_badge_colour_and_label(risk, css):
    report = Report(risk_level=risk)
    with translation.override("en"):
        assert risk_badge(report) == (
            f'<span class="badge {css}">{report.get_risk_level_display()}</span>'
        )


def test_badges_are_safe_markup_in_templates_and_escape_their_label(monkeypatch):
    report = Report(status=ReportStatus.SUBMITTED, risk_level="high")
    monkeypatch.setattr(report, "get_status_display", lambda: "<b>x</b>")
    template = engines["django"].from_string(
        "{% load referrals_tags %}{{ r|status_badge }} {{ r|risk_badge }}"
    )
    html = template.render({"r": report})
    assert '<span class="badge text-bg-primary">&lt;b&gt;x&lt;/b&gt;</span>' in html
    assert '<span class="badge text-bg-danger">' in html
