"""Shares and referrals exchanged under one agreement in a period, counted for its implementation
report (villages.selectors counts the activities). Only counts leave this module, and only of
exchanges the user could open one by one: `own_reports`, shares to their agencies,
`visible_referrals`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from agreements.sharing_policy import scope_attribution
from portal import access
from portal.accounts.models import Agency
from portal.core.categories import ReportCategory
from referrals.models import Share
from referrals.selectors import own_reports, visible_referrals
from referrals.vocabularies import ReferralStatus, ShareStatus

if TYPE_CHECKING:
    from agreements.models import Agreement, AgreementScope
    from portal.accounts.models import User


@dataclass
class ExchangeCounts:
    shares: int = 0
    referrals_sent: int = 0
    referrals_accepted: int = 0
    referrals_completed: int = 0

    @property
    def any(self) -> bool:
        return bool(
            self.shares
            or self.referrals_sent
            or self.referrals_accepted
            or self.referrals_completed
        )


@dataclass
class ScopeExchanges:
    scope: AgreementScope | None  # None: exchanges no data-exchange scope covers any more
    counts: ExchangeCounts = field(default_factory=ExchangeCounts)


@dataclass
class PairExchanges:
    source: Agency
    target: Agency
    counts: ExchangeCounts = field(default_factory=ExchangeCounts)


@dataclass
class AgreementExchanges:
    date_from: dt.date
    date_to: dt.date
    scopes: list[ScopeExchanges]
    categories: list[tuple[str, str, int]]  # (code, label, shares)
    pairs: list[PairExchanges]
    totals: ExchangeCounts


def _in_period(value: dt.datetime | None, start: dt.date, end: dt.date) -> bool:
    return value is not None and start <= timezone.localdate(value) <= end


def agreement_exchanges(
    *, user: User, agreement: Agreement, date_from: dt.date, date_to: dt.date
) -> AgreementExchanges:
    """Shares and referrals under `agreement` in the period that the user may count (see the
    module's rule), per scope, per category and per pair of agencies; a fixed number of queries,
    however many exchanges."""
    agencies = access.case_file_agency_ids(user)
    shares = list(
        Share.objects.filter(agreement=agreement, status=ShareStatus.ACTIVE)
        .filter(shared_at__date__gte=date_from, shared_at__date__lte=date_to)
        .filter(Q(report__in=own_reports(user)) | Q(agency_id__in=agencies))
        .values_list("pk", "report__agency_id", "agency_id", "report__categories")
    )
    stepped = Q(sent_at__date__gte=date_from, sent_at__date__lte=date_to) | Q(
        accepted_at__date__gte=date_from, accepted_at__date__lte=date_to
    )
    stepped |= Q(
        status=ReferralStatus.COMPLETED,
        closed_at__date__gte=date_from,
        closed_at__date__lte=date_to,
    )
    referrals = list(
        visible_referrals(user)
        .filter(share__agreement=agreement)
        .filter(stepped)
        .values_list(
            "from_agency_id",
            "to_agency_id",
            "report__categories",
            "status",
            "sent_at",
            "accepted_at",
            "closed_at",
        )
    )
    attribution = scope_attribution(agreement=agreement)
    by_scope: dict[int | None, ScopeExchanges] = {
        s.pk: ScopeExchanges(scope=s) for s in attribution.scopes
    }
    by_pair: dict[tuple[int, int], ExchangeCounts] = defaultdict(ExchangeCounts)
    per_category: dict[str, int] = defaultdict(int)
    totals = ExchangeCounts()

    def credited(source_id: int, target_id: int, categories: list[str]) -> list[ScopeExchanges]:
        found = attribution.scopes_for(
            source_id=source_id, target_id=target_id, categories=categories
        )
        if not found:
            return [by_scope.setdefault(None, ScopeExchanges(scope=None))]
        return [by_scope[s.pk] for s in found]

    for _pk, source_id, target_id, categories in shares:
        totals.shares += 1
        by_pair[(source_id, target_id)].shares += 1
        for category in set(categories or []):
            per_category[category] += 1
        for entry in credited(source_id, target_id, categories or []):
            entry.counts.shares += 1

    for source_id, target_id, categories, status, sent_at, accepted_at, closed_at in referrals:
        steps = {
            "referrals_sent": _in_period(sent_at, date_from, date_to),
            "referrals_accepted": _in_period(accepted_at, date_from, date_to),
            "referrals_completed": status == ReferralStatus.COMPLETED
            and _in_period(closed_at, date_from, date_to),
        }
        targets = [totals, by_pair[(source_id, target_id)]] + [
            e.counts for e in credited(source_id, target_id, categories or [])
        ]
        for name, happened in steps.items():
            if happened:
                for counts in targets:
                    setattr(counts, name, getattr(counts, name) + 1)

    names = Agency.objects.in_bulk({pk for pair in by_pair for pk in pair})
    pairs = sorted(
        (
            PairExchanges(source=names[s], target=names[t], counts=c)
            for (s, t), c in by_pair.items()
        ),
        key=lambda p: (p.source.name, p.target.name),
    )
    scopes = [by_scope[s.pk] for s in attribution.scopes]
    if None in by_scope:
        scopes.append(by_scope[None])
    return AgreementExchanges(
        date_from=date_from,
        date_to=date_to,
        scopes=scopes,
        categories=[
            (code, str(label), per_category.get(code, 0)) for code, label in ReportCategory.choices
        ],
        pairs=pairs,
        totals=totals,
    )
