"""The statistics page: parse the filters, ask the selectors, draw."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.core.http import AuthenticatedHttpRequest
from referrals.stats import charts, reference
from referrals.stats.charts import HRow
from referrals.stats.forms import StatsFilterForm
from referrals.stats.selectors import (
    Bar,
    Overview,
    cached_statistics_overview,
    filter_agencies,
)

TOP_VILLAGES = 25


def _rows(bars: list[Bar]) -> list[HRow]:
    return [HRow(label=b.label, value=b.reports, key=b.key) for b in bars]


def _top_villages(bars: list[Bar]) -> list[HRow]:
    rows = _rows(bars[:TOP_VILLAGES])
    rest = bars[TOP_VILLAGES:]
    if rest:
        label = _("Other villages (%(count)s)") % {"count": len(rest)}
        rows.append(HRow(label=label, value=sum(b.reports for b in rest)))
    return rows


def _charts(request: AuthenticatedHttpRequest, o: Overview) -> dict:
    params = request.GET.copy()
    params.pop("regency", None)
    query = params.urlencode()
    drill_prefix = f"?{query}&regency=" if query else "?regency="

    def drill(key: str) -> str:
        return f"{drill_prefix}{key}#villages"

    referrals = o.referrals.rows if o.referrals else []
    return {
        "monthly_chart": charts.columns_svg(
            o.months,
            o.combos,
            chart_id="chart-monthly",
            title=_("Indication reports per month, stacked by category"),
            desc=_(
                "Each column is one month; its parts are the categories (a report with two "
                "categories is counted once, as that combination). The table gives the numbers."
            ),
        ),
        "regency_chart": charts.hbars_svg(
            _rows(o.by_regency),
            chart_id="chart-regency",
            title=_("Indication reports by regency or city"),
            desc=_("One bar per regency or city, longest first; the table gives the numbers."),
            link=drill,
        ),
        "source_chart": charts.hbars_svg(
            _rows(o.by_source),
            chart_id="chart-source",
            title=_("Indication reports by source"),
            desc=_("One bar per source, longest first; the table gives the numbers."),
            fill="#0f5132",
        ),
        "village_chart": charts.hbars_svg(
            _top_villages(o.villages),
            chart_id="chart-village",
            title=_("Indication reports by village"),
            desc=_(
                "One bar per village of the chosen regency or city, the most frequent first; "
                "the table gives the numbers."
            ),
            fill="#6f42c1",
        ),
        "destination_chart": charts.hbars_svg(
            _rows(o.by_destination),
            chart_id="chart-destination",
            title=_("Indication reports by destination country"),
            desc=_(
                "The ten most frequent destination countries and the others together; the "
                "table gives the numbers."
            ),
            fill="#0b5ed7",
        ),
        "status_chart": charts.hbars_svg(
            _rows(o.referrals.by_status) if o.referrals else [],
            chart_id="chart-referral-status",
            title=_("Referrals by status"),
            desc=_("One bar per status; the table gives the numbers."),
            fill="#495057",
        ),
        "accept_chart": charts.hbars_svg(
            [
                HRow(r.agency, r.accept_median, r.accept_p90, str(r.agency_id))
                for r in referrals
                if r.accept_median is not None
            ],
            chart_id="chart-referral-accept",
            title=_("Days from sending to acceptance, per receiving agency"),
            desc=_(
                "Median (dark bar) and 90th percentile (pale bar) of the days a referral "
                "waited to be accepted, per receiving agency."
            ),
            days=True,
        ),
        "complete_chart": charts.hbars_svg(
            [
                HRow(r.agency, r.complete_median, r.complete_p90, str(r.agency_id))
                for r in referrals
                if r.complete_median is not None
            ],
            chart_id="chart-referral-complete",
            title=_("Days from acceptance to completion, per receiving agency"),
            desc=_(
                "Median (dark bar) and 90th percentile (pale bar) of the days from acceptance "
                "to completion, per receiving agency."
            ),
            days=True,
            fill="#0f5132",
            secondary_fill="#b7d9c6",
        ),
        "pmi_chart": charts.hbars_svg(
            [
                HRow(row.label, row.persons, row.published.persons if row.published else None)
                for row in o.pmi
                if row.half is None or row.published  # years, and halves with a figure
            ],
            chart_id="chart-pmi",
            title=_("Non-procedural PMI: persons recorded and published figures"),
            desc=_(
                "Per year and half-year: dark bar, persons recorded in the portal; pale bar, "
                "the published figure where there is one."
            ),
            fill="#d08c00",
            secondary_fill="#dee2e6",
        ),
        "drill_prefix": drill_prefix,
        "close_drill": f"?{query}#regency-heading",
        "monthly_rows": [
            (row, [(combo, row.by_combo.get(combo.key, 0)) for combo in o.combos])
            for row in o.months
        ],
        "pmi_sources": sorted({f.source for f in reference.NONPROCEDURAL_PMI_BANTEN}),
    }


@login_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Charts and tables of the reports and referrals the user may see."""
    agencies = filter_agencies(request.user)
    form = StatsFilterForm(request.GET or None, agencies=agencies)
    context: dict = {"form": form}
    if not form.is_bound or form.is_valid():
        result = cached_statistics_overview(user=request.user, filters=form.filters())
        context["overview"] = result
        context["agency_names"] = [a.short_name for a in agencies if a.pk in result.agency_ids]
        context.update(_charts(request, result))
    return render(request, "stats/overview.html", context)
