"""The statistics page: parse the filters, ask the selectors, draw."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.stats import charts, reference
from portal.stats.forms import StatsFilterForm
from portal.stats.selectors import filter_agencies, statistics_overview


def _chart_context(overview) -> dict:
    referral_rows = overview.referrals.rows if overview.referrals else []
    return {
        "monthly_rows": [
            (row, [(combo, row.by_combo.get(combo.key, 0)) for combo in overview.combos])
            for row in overview.months
        ],
        "pmi_sources": sorted({f.source for f in reference.NONPROCEDURAL_PMI_BANTEN}),
        "monthly_chart": charts.stacked_columns(overview.months, overview.combos),
        "source_chart": charts.hbars(
            [(b.label, b.reports, None, b.key) for b in overview.by_source]
        ),
        "regency_chart": charts.hbars(
            [(b.label, b.reports, None, b.key) for b in overview.by_regency]
        ),
        "village_chart": charts.hbars(
            [(b.label, b.reports, None, b.key) for b in overview.villages]
        ),
        "destination_chart": charts.hbars(
            [(b.label, b.reports, None, b.key) for b in overview.by_destination]
        ),
        "status_chart": charts.hbars(
            [(b.label, b.reports, None, b.key) for b in overview.referrals.by_status]
            if overview.referrals
            else []
        ),
        "accept_chart": charts.hbars(
            [
                (r.agency, r.accept_median, r.accept_p90, str(r.agency_id))
                for r in referral_rows
                if r.accept_median is not None
            ]
        ),
        "complete_chart": charts.hbars(
            [
                (r.agency, r.complete_median, r.complete_p90, str(r.agency_id))
                for r in referral_rows
                if r.complete_median is not None
            ]
        ),
        "pmi_chart": charts.hbars(
            [
                (row.label, row.persons, row.published.persons if row.published else None)
                for row in overview.pmi
                if row.half is None or row.published  # years, and halves with a figure
            ]
        ),
    }


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Charts and tables of the reports and referrals the user may see."""
    agencies = filter_agencies(request.user)
    form = StatsFilterForm(request.GET or None, agencies=agencies)
    context: dict = {"form": form, "agencies": agencies}
    if not form.is_bound or form.is_valid():
        result = statistics_overview(user=request.user, filters=form.filters())
        context["overview"] = result
        context["agency_names"] = [a.short_name for a in agencies if a.pk in result.agency_ids]
        context.update(_chart_context(result))
    return render(request, "stats/overview.html", context)
