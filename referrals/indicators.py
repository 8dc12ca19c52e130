"""The indicator checklist and the category it suggests (DOMAIN.md, "Telling TPPO from TPPM"):
`suggest_categories` applies the elements of UU 21/2007 and UU 6/2011 and says why. It is
advice: the officer confirms it or chooses otherwise with a reason (UNODC: an indicator
neither proves nor disproves trafficking)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.core.categories import ReportCategory

ACT = "act"
MEANS = "means"
PURPOSE = "purpose"
SMUGGLING = "smuggling"
NONPROCEDURAL = "nonprocedural"

GROUP_LABELS: dict[str, Promise] = {
    ACT: _("Act"),
    MEANS: _("Means"),
    PURPOSE: _("Purpose (exploitation)"),
    SMUGGLING: _("Smuggling markers"),
    NONPROCEDURAL: _("Non-procedural departure markers"),
}
GROUP_HELP: dict[str, Promise] = {
    ACT: _("What was done with the person."),
    MEANS: _("How the person's consent was obtained or overridden."),
    PURPOSE: _("What the person was to be used for."),
    SMUGGLING: _("Crossing a border illegally for someone's profit."),
    NONPROCEDURAL: _("Leaving to work abroad outside the legal placement procedure."),
}

# (code, group, label). Codes are stored on reports: never rename one, add new ones.
INDICATORS: list[tuple[str, str, Promise]] = [
    ("act_recruitment", ACT, _("Recruitment")),
    ("act_transport", ACT, _("Transport")),
    ("act_transfer", ACT, _("Transfer")),
    ("act_harbouring", ACT, _("Harbouring (shelter, holding house)")),
    ("act_sending", ACT, _("Sending abroad")),
    ("act_receipt", ACT, _("Receipt of the person")),
    ("means_force", MEANS, _("Threat or use of force")),
    ("means_abduction", MEANS, _("Abduction")),
    ("means_confinement", MEANS, _("Confinement")),
    ("means_forgery", MEANS, _("Forged documents or identity")),
    ("means_deception", MEANS, _("Fraud or deception (false job, false wages)")),
    ("means_abuse_of_power", MEANS, _("Abuse of power or of a position of vulnerability")),
    ("means_debt_bondage", MEANS, _("Debt bondage")),
    ("means_payment_to_controller", MEANS, _("Payment to a person in control of the victim")),
    ("purpose_sexual", PURPOSE, _("Sexual exploitation")),
    ("purpose_forced_labour", PURPOSE, _("Forced labour or services")),
    ("purpose_slavery", PURPOSE, _("Slavery or slavery-like practices")),
    ("purpose_servitude", PURPOSE, _("Servitude")),
    ("purpose_organ_removal", PURPOSE, _("Organ removal")),
    ("smuggling_no_documents", SMUGGLING, _("No valid travel documents")),
    ("smuggling_false_documents", SMUGGLING, _("False or someone else's travel documents")),
    ("smuggling_avoiding_checkpoint", SMUGGLING, _("Crossing away from an official checkpoint")),
    ("smuggling_profit", SMUGGLING, _("Paid a facilitator to arrange the crossing")),
    ("nonproc_visit_visa", NONPROCEDURAL, _("Leaving to work on a visit, tourist or umrah visa")),
    ("nonproc_unlicensed_recruiter", NONPROCEDURAL, _("Recruited by an unlicensed agent")),
    ("nonproc_not_registered", NONPROCEDURAL, _("Not registered as a migrant worker (SISKOP2MI)")),
    (
        "nonproc_no_recommendation",
        NONPROCEDURAL,
        _("No recommendation from the manpower office"),
    ),
    ("nonproc_no_contract", NONPROCEDURAL, _("No work contract or placement agreement")),
]
INDICATOR_CODES: frozenset[str] = frozenset(code for code, _group, _label in INDICATORS)
GROUP_OF: dict[str, str] = {code: group for code, group, _label in INDICATORS}
LABEL_OF: dict[str, Promise] = {code: label for code, _group, label in INDICATORS}
ILLEGAL_CROSSING = frozenset(
    {"smuggling_no_documents", "smuggling_false_documents", "smuggling_avoiding_checkpoint"}
)
PROFIT = "smuggling_profit"


def indicator_choices() -> list[tuple[str | Promise, list[tuple[str, Promise]]]]:
    """Grouped choices for a form: [(group label, [(code, label), …]), …]."""
    return [
        (GROUP_LABELS[group], [(code, label) for code, g, label in INDICATORS if g == group])
        for group in GROUP_LABELS
    ]


@dataclass(frozen=True)
class Suggestion:
    categories: tuple[str, ...]  # in ReportCategory order; empty when nothing is suggested
    reasons: tuple[Promise | str, ...] = field(default=())

    @property
    def labels(self) -> list[str]:
        names = dict(ReportCategory.choices)
        return [str(names[c]) for c in self.categories]


def suggest_categories(indicators: set[str] | list[str], *, child_victim: bool) -> Suggestion:
    """The category the ticked `indicators` point to, and why. Unknown codes are ignored."""
    ticked = set(indicators) & INDICATOR_CODES
    groups = {g: {c for c in ticked if GROUP_OF[c] == g} for g in GROUP_LABELS}
    act, means, purpose = bool(groups[ACT]), bool(groups[MEANS]), bool(groups[PURPOSE])
    crossing = bool(ticked & ILLEGAL_CROSSING)
    profit = PROFIT in ticked
    nonproc = bool(groups[NONPROCEDURAL])
    reasons: list[Promise | str] = []
    found: set[str] = set()

    if act and purpose and (means or child_victim):
        found.add(ReportCategory.TPPO)
        reasons.append(
            _("TPPO: an act, a means and a purpose of exploitation are all present.")
            if means
            else _("TPPO: an act and a purpose of exploitation against a child (under 18).")
        )
    elif act or means or purpose:
        missing = []
        if not act:
            missing.append(_("an act"))
        if not purpose:
            missing.append(_("a purpose of exploitation"))
        if not means and not child_victim:
            missing.append(_("a means (or a child victim)"))
        reasons.append(
            _("Not TPPO yet: %(missing)s is missing.") % {"missing": ", ".join(map(str, missing))}
        )

    if crossing and profit:
        found.add(ReportCategory.TPPM)
        reasons.append(_("TPPM: an illegal border crossing arranged for a facilitator's profit."))
    elif crossing:
        reasons.append(
            _("Not TPPM yet: an illegal crossing, but no sign that someone profited from it.")
        )
    elif profit:
        reasons.append(_("Not TPPM yet: a paid facilitator, but no illegal crossing."))

    if not found and nonproc:
        if means or purpose:
            reasons.append(
                _(
                    "Not a plain non-procedural departure: there are signs of means or "
                    "exploitation; look further for TPPO."
                )
            )
        else:
            found.add(ReportCategory.PMI_NONPROCEDURAL)
            reasons.append(
                _(
                    "Non-procedural migrant worker: leaving to work outside the procedure, "
                    "with no sign of means or exploitation yet."
                )
            )

    if not ticked:
        reasons.append(_("No indicator is ticked yet."))
    order = list(ReportCategory.values)
    return Suggestion(
        categories=tuple(sorted(found, key=order.index)),
        reasons=tuple(reasons),
    )
