"""Printable documents (PDF) and the exchanges panel of an agreement's implementation page:
check access, gather, build, audit, respond. Whatever the user may not see is a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from agreements.selectors import agreement_detail, get_agreement_for
from portal.core.http import AuthenticatedHttpRequest
from portal.core.pdf import pdf_response
from referrals import documents, implementation, selectors, services
from villages.forms import ImplementationPeriodForm
from villages.selectors import agreement_implementation


@never_cache
@require_GET
@login_required
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report as the user may see it. Identifiers stay masked unless the user may reveal
    them and asks with `?identifiers=1` (then the print is audited as a reveal too)."""
    report = selectors.get_report_for(request.user, pk)
    data = documents.report_print(
        user=request.user, report=report, identifiers=request.GET.get("identifiers") == "1"
    )
    content = documents.report_document(data=data, user=request.user)
    services.report_print_record(
        actor=request.user,
        report=data.report,
        persons=data.persons,
        reveal=data.reveal,
        request=request,
    )
    return pdf_response(content, name=data.report.number)


@never_cache
@require_GET
@login_required
def referral_letter(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    """The referral letter (surat rujukan) from the sending agency, for either side."""
    referral = documents.referral_print(
        referral=selectors.get_referral_for(request.user, referral_pk)
    )
    content = documents.referral_letter_document(referral=referral, user=request.user)
    services.document_print_record(
        actor=request.user,
        target=referral.report,
        document="referral_letter",
        request=request,
        data={"referral": referral.pk},
    )
    return pdf_response(content, name=f"surat-rujukan-{referral.pk}-{referral.report.number}")


def _period(request: AuthenticatedHttpRequest) -> tuple[ImplementationPeriodForm, tuple | None]:
    form = ImplementationPeriodForm(request.GET or None)
    return form, form.period()


@require_GET
@login_required
def agreement_exchanges_panel(request: AuthenticatedHttpRequest, agreement_pk: int) -> HttpResponse:
    """Shares and referrals under an agreement in a period, counted from what the user may
    see (referrals.implementation): a panel of the implementation page (htmx)."""
    agreement = get_agreement_for(request.user, agreement_pk)
    form, period = _period(request)
    if not request.htmx:
        url = reverse("villages:agreement_implementation", args=[agreement.pk])
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    exchanges = None
    if period is not None:
        exchanges = implementation.agreement_exchanges(
            user=request.user, agreement=agreement, date_from=period[0], date_to=period[1]
        )
    return render(
        request,
        "referrals/_agreement_exchanges.html",
        {
            "agreement": agreement,
            "exchanges": exchanges,
            "period_form": form,
            "rule": documents.exchange_rule_note(),
        },
    )


@never_cache
@require_GET
@login_required
def agreement_implementation_pdf(
    request: AuthenticatedHttpRequest, agreement_pk: int
) -> HttpResponse:
    """The implementation summary of an agreement for a period, as PDF. A wrong period sends
    the user back to the page, where the form says what is wrong."""
    agreement = get_agreement_for(request.user, agreement_pk)
    form, period = _period(request)
    if period is None:
        context = {"agreement": agreement, "report": None, "period_form": form, "period": None}
        return render(request, "villages/implementation.html", context, status=400)
    activities = agreement_implementation(
        agreement=agreement, date_from=period[0], date_to=period[1]
    )
    exchanges = implementation.agreement_exchanges(
        user=request.user, agreement=agreement, date_from=period[0], date_to=period[1]
    )
    agreement = agreement_detail(agreement=agreement)
    content = documents.implementation_document(
        agreement=agreement, activities=activities, exchanges=exchanges, user=request.user
    )
    services.document_print_record(
        actor=request.user,
        target=agreement,
        document="agreement_implementation",
        request=request,
        data={"from": period[0].isoformat(), "to": period[1].isoformat()},
    )
    return pdf_response(
        content,
        name=f"realisasi-pks-{agreement.pk}-{period[0].isoformat()}-{period[1].isoformat()}",
    )
