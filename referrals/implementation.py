"""Exchanges of case data under one agreement in a period, for the agreement's implementation
report (villages.selectors.agreement_implementation counts the activities; this counts the
shares and referrals, which live in this app).

Who sees which counts — the rule:

* The page itself is open to whoever sees the agreement (agreements.selectors).
* Counted are only the exchanges the user could see one by one: shares made under the
  agreement of reports their agencies own (`own_reports`), shares their agencies received
  (active ones: those they can open), and referrals sent by or to their agencies
  (`visible_referrals`). "Their agencies" is `portal.access.case_file_agency_ids`: their
  own, and for a supervisor of a Kanwil or a Polda the offices below it. So an officer of
  BP3MI sees what BP3MI sent and received under the agreement, never what Kantor Imigrasi
  Tangerang exchanged with DPD KNPI under the same three-party agreement; a system admin
  counts none (it reads no case file, `portal.access.reads_case_files`).
* Only counts leave this module: per scope, per report category and per pair of agencies
  (the pairs all include one of the user's agencies) — never a report number, a place or a
  name.

A share made in the period is one whose `shared_at` falls in it (shares still waiting for
approval or refused are not exchanges). A referral counts as sent, accepted or completed in
the period when that step's date falls in it. A share (and its referrals) is credited to every
data-exchange scope of the agreement that covers one of its report's categories and binds
both agencies (agreements.sharing_policy.scope_attribution); one that none covers any more —
the report's category was corrected, or the scope was taken out of the agreement — is
counted under "no scope". Categories are the report's current ones; a report of two
categories counts under each.
"""

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
    module's rule), per scope, per category and per pair of agencies. Seven queries, however
    many exchanges."""
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
