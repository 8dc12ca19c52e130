"""What the codes referrals store in audit entries mean (portal/audit/details.py), registered
by ReferralsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from portal.audit.details import register_key, register_values
from portal.audit.models import AuditEntry
from referrals.models import PreventionAction, ReportPerson
from referrals.vocabularies import Outcome, ReferralOutcome, RequestedAction, Urgency

Action = AuditEntry.Action


def register() -> None:
    for key, label in {
        "persons": _("Persons"),
        "person": _("Person"),
        "referral": _("Referral"),
        "urgency": _("Urgency"),
        "due_on": _("Due on"),
        "outcome": _("Outcome"),
        "assigned_to": _("Assigned to"),
        "identifiers": _("Identifiers in full"),
        "document": _("Document"),
        "persons_changed": _("Persons changed"),
        "persons_added": _("Persons added"),
        "persons_removed": _("Persons removed"),
    }.items():
        register_key(key, label)
    register_key("field", _("Identifier"), actions=[Action.PII_REVEALED])
    register_key("action", _("Requested action"), actions=[Action.REFERRAL_SENT])
    register_key("action", _("Prevention action"), actions=[Action.PREVENTION_UPDATED])
    register_key("kind", _("Action"), actions=[Action.PREVENTION_RECORDED])
    register_values(
        "kind", dict(PreventionAction.Kind.choices), actions=[Action.PREVENTION_RECORDED]
    )
    register_values("action", dict(RequestedAction.choices), actions=[Action.REFERRAL_SENT])
    register_values("urgency", dict(Urgency.choices))
    register_values("outcome", dict(Outcome.choices), actions=[Action.REPORT_CLOSED])
    register_values("outcome", dict(ReferralOutcome.choices), actions=[Action.REFERRAL_COMPLETED])
    register_values(
        "document",
        {
            "report": _("Indication report"),
            "report_pdf": _("Indication report (PDF)"),
            "referral_letter": _("Referral letter"),
            "agreement_implementation": _("Implementation of the agreement"),
        },
    )
    person_fields: dict[str, Any] = {
        f.name: f.verbose_name
        for f in ReportPerson._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    register_values("field", person_fields)
    # A report's correction names the persons' changed fields.
    for name, label in person_fields.items():
        register_key(name, label, actions=[Action.REPORT_UPDATED])
