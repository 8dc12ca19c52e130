"""Printable documents of the exchange: an indication report, a referral letter (surat
rujukan), and the implementation summary of an agreement. Each is built from what the user
may see, gathered by the functions here (reads only, starting from the scoping selectors),
and laid out with portal.core.pdf. The views record the audit entries (services)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import access
from portal.core import pdf
from portal.core.pdf import esc
from portal.regions.models import Region
from referrals import permissions, selectors
from referrals.indicators import GROUP_LABELS, INDICATORS, LABEL_OF, suggest_categories
from referrals.models import Referral, Report, ReportPerson, Share
from referrals.templatetags.referrals_tags import labels
from referrals.vocabularies import ShareStatus

if TYPE_CHECKING:
    from agreements.models import Agreement
    from portal.accounts.models import User
    from referrals.implementation import AgreementExchanges
    from villages.selectors import Implementation

PERSONAL_FIELDS = ("nik", "passport_number", "phone")

# --- The report ----------------------------------------------------------------------------


@dataclass
class ReportPrint:
    """A report as one user may print it: the same subset its page shows them."""

    report: Report
    persons: list[ReportPerson]
    own: bool
    may_reveal: bool
    reveal: bool  # identifiers printed in full (asked for, allowed, audited)
    share: Share | None = None  # a partner's share
    agreement_ended: bool = False
    shares: list[Share] = field(default_factory=list)  # the reporting agency's view
    referrals: list[Referral] = field(default_factory=list)


def report_print(*, user: User, report: Report, identifiers: bool) -> ReportPrint:
    """What `user` may print of `report` (which they may see): everything the page shows; the
    identifiers in full only when asked for and allowed; for a partner its own share and the
    referrals to its agencies only (as on the page)."""
    report = selectors.report_detail(report=report)
    own = permissions.is_own_report(user, report)
    may_reveal = permissions.may_see_identifiers(user, report)
    referrals = report.referrals.select_related("to_agency", "from_agency").order_by("-sent_at")
    data = ReportPrint(
        report=report,
        persons=list(report.persons.all()),
        own=own,
        may_reveal=may_reveal,
        reveal=identifiers and may_reveal,
    )
    if own:
        data.shares = list(
            report.shares.select_related("agency", "agreement").order_by("agency__name")
        )
        data.referrals = list(referrals)
    else:
        data.share = selectors.share_of(user, report)
        data.agreement_ended = data.share is not None and not data.share.agreement.is_in_force_on(
            timezone.localdate()
        )
        data.referrals = list(referrals.filter(to_agency_id__in=access.case_file_agency_ids(user)))
    return data


def _place(report: Report) -> str:
    if report.region is None:
        return report.place_detail or "—"
    names: list[str] = []
    region: Region | None = report.region
    while region is not None and len(names) < 4:
        names.append(region.name)
        region = region.parent
    text = f"{', '.join(names[:3])} ({report.region.code})"
    return f"{text}; {report.place_detail}" if report.place_detail else text


def _identifier(person: ReportPerson, name: str, reveal: bool) -> str:
    value = getattr(person, name)
    if not value:
        return "—"
    if reveal:
        return value
    return {
        "nik": person.nik_masked,
        "passport_number": person.passport_masked,
        "phone": person.phone_masked,
    }[name]


def _person_block(person: ReportPerson, day: dt.date, reveal: bool) -> list:
    facts = [person.get_role_display()]
    if person.sex:
        facts.append(person.get_sex_display())
    age = person.age_on(day)
    if age is not None:
        facts.append(_("%(age)s years old") % {"age": age})
    if person.nationality and person.nationality.code != "ID":
        facts.append(str(person.nationality.name))
    rows = [
        (_("NIK"), _identifier(person, "nik", reveal)),
        (_("Passport"), _identifier(person, "passport_number", reveal)),
        (_("Telephone"), _identifier(person, "phone", reveal)),
    ]
    if person.address_region:
        home = person.address_region.name
        if person.address_region.parent:
            home = f"{home}, {person.address_region.parent.name}"
        rows.append((_("Home address"), home))
    if person.victim_status:
        status = person.get_victim_status_display()
        if person.victim_status_by:
            status = f"{status} ({person.victim_status_by})"
        rows.append((_("Victim status"), status))
    if person.perpetrator_roles:
        rows.append((_("Role in the process"), labels(person, "perpetrator_roles")))
    block = [
        pdf.markup(f"<b>{esc(person.full_name)}</b> · {esc(' · '.join(map(str, facts)))}"),
        pdf.key_values(rows, label_width=35 * pdf.mm),
    ]
    if person.notes:
        block.append(pdf.para(_labelled(_("Notes"), person.notes), "small"))
    block.append(pdf.spacer(2))
    return [pdf.keep(*block)]


def _labelled(label: str, value: str) -> str:
    return f"{label}: {value}"


def _yes(value: bool) -> str:
    return _("yes") if value else _("no")


def _report_heading(data: ReportPrint) -> list:
    """The title, the number and, for a partner, how the report came to it."""
    report = data.report
    story: list = [
        pdf.markup(esc(_("Indication report")), "title"),
        pdf.markup(
            f"<b>{esc(report.number)}</b> · {esc(report.get_status_display())} · "
            + esc(_labelled(_("Risk"), report.get_risk_level_display()))
        ),
    ]
    if not data.own:
        notes = []
        if data.share is not None:
            notes.append(
                _(
                    "Shared with your agency by %(agency)s on %(date)s, under “%(agreement)s”. "
                    "You read it; only %(agency)s changes it."
                )
                % {
                    "agency": report.agency.name,
                    "date": pdf.local_date(
                        timezone.localdate(data.share.shared_at) if data.share.shared_at else None
                    ),
                    "agreement": data.share.agreement.title,
                }
            )
        if data.agreement_ended:
            notes.append(
                _(
                    "That agreement is no longer in force: no new shares are made under it; "
                    "what was shared stays readable."
                )
            )
        if not data.may_reveal:
            notes.append(
                _(
                    "Identifiers stay masked and evidence closed until your agency accepts a "
                    "referral of this report."
                )
            )
        for note in notes:
            story.append(pdf.para(note, "muted"))
    return story


def _report_facts(data: ReportPrint) -> list:
    """The indication: where, when, how, who reported it, and how it ended."""
    report = data.report
    story: list = []
    story.append(pdf.heading(_("The indication")))
    rows = [
        (_("Number"), report.number),
        (_("Reporting agency"), report.agency.name),
        (_("Reporting officer"), report.created_by.full_name),
        (_("Date and time"), date_format(timezone.localtime(report.occurred_at), "l, j F Y H:i")),
        (_("How it came to light"), report.get_source_display()),
        (_("Place"), _place(report)),
        (_("Desa Binaan"), report.desa.village.name if report.desa else "—"),
        (_("Destination country"), report.destination_country.name or "—"),
        (_("Route and transit"), report.route or "—"),
        (_("Suspected mode"), report.get_mode_display() or "—"),
        (_("Risk level"), report.get_risk_level_display()),
        (_("Status"), report.get_status_display()),
    ]
    if report.submitted_at:
        rows.append((_("Submitted"), pdf.local_datetime(report.submitted_at)))
    if report.reviewer:
        rows.append((_("Reviewer"), report.reviewer.full_name))
    if report.status == Report.Status.CLOSED:
        rows.append((_("Outcome"), report.get_outcome_display()))
        if report.closed_at:
            rows.append((_("Closed at"), pdf.local_datetime(report.closed_at)))
    story.append(pdf.key_values(rows))
    if report.status == Report.Status.CLOSED and report.outcome_note:
        story += [pdf.heading(_("Outcome details"), 3), pdf.para(report.outcome_note)]
    story += [pdf.heading(_("Narrative"), 3), pdf.para(report.narrative)]
    return story


def _report_category(data: ReportPrint) -> list:
    """The category as the page shows it, the indicators and the HTCDS details."""
    report = data.report
    story: list = []
    story.append(pdf.heading(_("Category")))
    story.append(
        pdf.markup("<b>" + esc(", ".join(report.category_labels) or _("Not decided yet.")) + "</b>")
    )
    suggestion = suggest_categories(
        report.indicators, child_victim=selectors.child_victim(report, data.persons)
    )
    story.append(
        pdf.para(_labelled(_("Suggested"), ", ".join(suggestion.labels) or _("none")), "small")
    )
    for reason in suggestion.reasons:
        story.append(pdf.para(f"• {reason}", "small"))
    if report.category_overridden:
        story.append(pdf.heading(_("Officer's reason for a different category"), 3))
        story.append(pdf.para(report.category_reason))
    story.append(pdf.heading(_("Indicators observed"), 3))
    ticked = set(report.indicators)
    groups = [
        (label, [str(LABEL_OF[c]) for c, g, _t in INDICATORS if g == key and c in ticked])
        for key, label in GROUP_LABELS.items()
    ]
    groups = [(label, items) for label, items in groups if items]
    if groups:
        story.append(pdf.key_values([(str(label), "; ".join(items)) for label, items in groups]))
    else:
        story.append(pdf.para(_("None ticked."), "muted"))
    htcds = [
        (name, labels(report, name_field))
        for name, name_field in (
            (_("Methods of recruitment"), "recruitment_methods"),
            (_("Methods of control"), "control_methods"),
            (_("Types of exploitation"), "exploitation_types"),
            (_("Industries"), "industries"),
        )
        if getattr(report, name_field)
    ]
    if htcds:
        story += [pdf.heading(_("Case details (HTCDS)"), 3), pdf.key_values(htcds)]
    return story


def _report_persons(data: ReportPrint) -> list:
    """The persons, their identifiers masked unless printed in full on request."""
    day = timezone.localdate(data.report.occurred_at)
    story: list = []
    story.append(pdf.heading(_("Persons")))
    if data.reveal:
        story.append(
            pdf.para(
                _(
                    "Identifiers printed in full at the printer's request; recorded in the audit log."
                ),
                "muted",
            )
        )
    else:
        story.append(pdf.para(_("Identifiers are masked."), "muted"))
    for person in data.persons:
        story += _person_block(person, day, data.reveal)
    if not data.persons:
        story.append(pdf.para(_("No persons recorded yet."), "muted"))
    return story


def _report_prevention(report: Report) -> list:
    """The prevention actions recorded on the report."""
    story: list = []
    story.append(pdf.heading(_("Prevention actions")))
    actions = list(report.prevention_actions.all())
    if actions:
        story.append(
            pdf.data_table(
                [_("Date"), _("Action"), _("Person"), _("Where"), _("Steps"), _("Lifted on")],
                [
                    [
                        pdf.local_date(a.date),
                        a.get_kind_display(),
                        a.person.full_name,
                        f"{a.get_checkpoint_display()}, {a.place} · {a.office.short_name}",
                        "; ".join(
                            [
                                _labelled(_("interview"), _yes(a.interviewed)),
                                _labelled(_("statement"), _yes(a.statement_signed)),
                                a.get_registry_result_display(),
                                _labelled(_("BP3MI"), _yes(a.coordinated_with_bp3mi)),
                            ]
                        ),
                        (
                            f"{pdf.local_date(a.lifted_on)}: {a.lifted_documents}"
                            if a.is_lifted
                            else "—"
                        ),
                    ]
                    for a in actions
                ],
                widths=[x * pdf.mm for x in (20, 28, 28, 40, 34, 20)],
            )
        )
    else:
        story.append(pdf.para(_("None recorded."), "muted"))
    return story


def _report_evidence(report: Report) -> list:
    """The evidence, listed (its files are never printed)."""
    story: list = []
    story.append(pdf.heading(_("Evidence")))
    evidence = list(report.evidence.all())
    if evidence:
        story.append(
            pdf.data_table(
                [_("File"), _("Kind"), _("Uploaded"), "SHA-256"],
                [
                    [
                        e.description or e.original_name,
                        e.get_kind_display(),
                        pdf.local_date(timezone.localdate(e.uploaded_at)),
                        e.sha256[:16] + "…",
                    ]
                    for e in evidence
                ],
                widths=[x * pdf.mm for x in (64, 30, 30, 46)],
            )
        )
    else:
        story.append(pdf.para(_("None yet."), "muted"))
    return story


def _report_exchange(data: ReportPrint) -> list:
    """Shares and referrals: all of them for the reporting agency, a partner's own."""
    story: list = []
    story.append(pdf.heading(_("Sharing and referrals")))
    if data.own:
        if data.shares:
            story.append(
                pdf.data_table(
                    [_("Shared with"), _("Status"), _("Date"), _("Under agreement")],
                    [
                        [
                            s.agency.name,
                            s.get_status_display(),
                            pdf.local_date(timezone.localdate(s.shared_at)) if s.shared_at else "—",
                            s.agreement.title,
                        ]
                        for s in data.shares
                    ],
                    widths=[x * pdf.mm for x in (45, 25, 27, 73)],
                )
            )
        else:
            story.append(pdf.para(_("Not shared."), "muted"))
    elif data.share is not None and data.share.status == ShareStatus.ACTIVE:
        story.append(
            pdf.key_values(
                [
                    (_("Shared with"), data.share.agency.name),
                    (_("Under agreement"), data.share.agreement.title),
                ]
            )
        )
    story.append(pdf.heading(_("Referrals"), 3))
    if data.referrals:
        story.append(
            pdf.data_table(
                [_("Requested action"), _("Sender"), _("Recipient"), _("Status"), _("Due on")],
                [
                    [
                        r.get_requested_action_display()
                        + (" (" + _("urgent") + ")" if r.urgency == "urgent" else ""),
                        r.from_agency.short_name,
                        r.to_agency.short_name,
                        r.get_status_display(),
                        pdf.local_date(r.due_on),
                    ]
                    for r in data.referrals
                ],
                widths=[x * pdf.mm for x in (52, 30, 30, 30, 28)],
            )
        )
    else:
        story.append(pdf.para(_("None."), "muted"))
    return story


def report_document(*, data: ReportPrint, user: User) -> bytes:
    report = data.report
    story = [
        *_report_heading(data),
        *_report_facts(data),
        *_report_category(data),
        *_report_persons(data),
        *_report_prevention(report),
        *_report_evidence(report),
        *_report_exchange(data),
    ]
    info = pdf.PrintContext.for_user(
        user,
        title=_("Indication report"),
        running_head=report.agency.name,
        reference=report.number,
    )
    return pdf.build_pdf(story=story, info=info, letterhead=pdf.Letterhead.of(report.agency))


# --- The referral letter -------------------------------------------------------------------


def referral_letter_number(referral: Referral) -> str:
    """The letter's number: the referral's and the report's, e.g.
    `RJK-KANIMTNG-2026-0007/IND-36-KANIMTNG-2026-000012` (`RJK-0042/IND-36-2025-000001` for a
    referral sent before referrals had numbers of their own)."""
    return f"{referral.number}/{referral.report.number}"


def referral_print(*, referral: Referral) -> Referral:
    """The referral with what its letter names (one query, plus the sender's parent)."""
    return (
        Referral.objects.filter(pk=referral.pk)
        .select_related(
            "report__agency",
            "report__region__parent__parent",
            "from_agency__parent",
            "to_agency",
            "sent_by",
            "share__agreement",
        )
        .get()
    )


def referral_letter_document(*, referral: Referral, user: User) -> bytes:
    report = referral.report
    sender, receiver = referral.from_agency, referral.to_agency
    signer = referral.sent_by
    sent_on = timezone.localdate(referral.sent_at)
    action = referral.get_requested_action_display()
    story: list = [
        pdf.para(pdf.local_date(sent_on), "right"),
        pdf.key_values(
            [
                (_("Number"), referral_letter_number(referral)),
                (_("Nature"), referral.get_urgency_display()),
                (_("Attachment"), "—"),
                (_("Subject"), _("Referral: %(action)s") % {"action": action}),
            ],
            label_width=28 * pdf.mm,
        ),
        pdf.spacer(4),
        pdf.markup(
            esc(_("Addressed to"))
            + "<br/><b>"
            + esc(_("The head of %(agency)s") % {"agency": receiver.name})
            + "</b>"
            + ("<br/>" + esc(" ".join(receiver.address.split())) if receiver.address else "")
        ),
        pdf.spacer(4),
        pdf.para(
            _(
                "With reference to indication report %(number)s of %(date)s, shared with your "
                "agency under “%(agreement)s”, we refer the case to %(agency)s and request: "
                "%(action)s."
            )
            % {
                "number": report.number,
                "date": pdf.local_date(timezone.localdate(report.occurred_at)),
                "agreement": referral.share.agreement.title,
                "agency": receiver.name,
                "action": action,
            }
        ),
        pdf.para(
            _("Urgency: %(urgency)s. We ask that it be acted upon by %(due)s.")
            % {"urgency": referral.get_urgency_display(), "due": pdf.local_date(referral.due_on)}
        ),
        pdf.heading(_("Message"), 3),
        pdf.para(referral.message),
        pdf.heading(_("Summary of the report"), 3),
        pdf.key_values(
            [
                (_("Number"), report.number),
                (_("Reporting agency"), report.agency.name),
                (
                    _("Date and time"),
                    date_format(timezone.localtime(report.occurred_at), "l, j F Y H:i"),
                ),
                (_("Place"), _place(report)),
                (_("How it came to light"), report.get_source_display()),
                (_("Category"), ", ".join(report.category_labels) or _("Not decided yet.")),
                (_("Risk level"), report.get_risk_level_display()),
                (_("Destination country"), report.destination_country.name or "—"),
                (_("Persons"), str(report.person_count)),
            ]
        ),
        pdf.spacer(3),
        pdf.para(
            _(
                "The report, with its persons and evidence, can be read in Sinergi under its "
                "number. Thank you for your cooperation."
            )
        ),
        pdf.spacer(6),
    ]
    signature = [
        pdf.para(signer.position or _("Officer"), "center"),
        pdf.para(sender.name, "center"),
        pdf.spacer(16),
        pdf.markup(f"<b><u>{esc(signer.full_name)}</u></b>", "center"),
    ]
    if signer.employee_number:
        signature.append(
            pdf.para(_("NIP/NRP %(number)s") % {"number": signer.employee_number}, "center")
        )
    table = pdf.Table(
        [["", signature]], colWidths=[pdf.CONTENT_WIDTH * 0.45, pdf.CONTENT_WIDTH * 0.55]
    )
    story.append(pdf.keep(table))
    story += [
        pdf.spacer(6),
        pdf.rule(),
        pdf.para(
            _("Status in Sinergi when printed: %(status)s (due on %(due)s).")
            % {"status": referral.get_status_display(), "due": pdf.local_date(referral.due_on)},
            "muted",
        ),
    ]
    info = pdf.PrintContext.for_user(
        user,
        title=_("Referral letter"),
        running_head=sender.name,
        reference=referral_letter_number(referral),
    )
    return pdf.build_pdf(story=story, info=info, letterhead=pdf.Letterhead.of(sender))


# --- The agreement's implementation --------------------------------------------------------


def implementation_document(
    *,
    agreement: Agreement,
    activities: Implementation,
    exchanges: AgreementExchanges,
    user: User,
) -> bytes:
    period = _("%(start)s to %(end)s") % {
        "start": pdf.local_date(exchanges.date_from),
        "end": pdf.local_date(exchanges.date_to),
    }
    parties = list(agreement.parties.all())
    story: list = [
        pdf.markup(esc(_("Implementation of the agreement")), "title"),
        pdf.markup(f"<b>{esc(agreement.title)}</b>"),
        pdf.key_values(
            [
                (_("Reporting period"), period),
                (_("Status"), agreement.get_status_display()),
                (
                    _("In force"),
                    _("%(start)s to %(end)s")
                    % {
                        "start": pdf.local_date(agreement.effective_from),
                        "end": pdf.local_date(agreement.effective_until)
                        if agreement.effective_until
                        else _("open-ended"),
                    },
                ),
                (
                    _("Parties"),
                    "; ".join(
                        p.agency.name + (f" ({p.agreement_number})" if p.agreement_number else "")
                        for p in parties
                    ),
                ),
            ]
        ),
        pdf.heading(_("Activities")),
    ]
    if activities.total_activities:
        story.append(
            pdf.data_table(
                [_("Scope"), _("Activities"), _("Participants")],
                [[s["scope"].name, s["activities"], s["participants"]] for s in activities.scopes],
                widths=[110 * pdf.mm, 30 * pdf.mm, 30 * pdf.mm],
                numeric=[1, 2],
                total=[_("Total"), activities.total_activities, activities.total_participants],
            )
        )
        per_quarter = [
            [quarter, s["scope"].name, n]
            for i, quarter in enumerate(activities.quarters)
            for s in activities.scopes
            if (n := s["quarters"][i])
        ]
        story += [
            pdf.heading(_("Activities per quarter"), 3),
            pdf.data_table(
                [_("Quarter"), _("Scope"), _("Activities")],
                per_quarter,
                widths=[25 * pdf.mm, 115 * pdf.mm, 30 * pdf.mm],
                numeric=[2],
            ),
            pdf.heading(_("Activities per party"), 3),
            pdf.data_table(
                [_("Party"), _("Organised"), _("Co-organised")],
                [[p["agency"].name, p["organised"], p["co_organised"]] for p in activities.parties],
                widths=[110 * pdf.mm, 30 * pdf.mm, 30 * pdf.mm],
                numeric=[1, 2],
            ),
        ]
    else:
        story.append(
            pdf.para(_("No activity was recorded under this agreement in this period."), "muted")
        )

    story += [
        pdf.heading(_("Exchanges of data")),
        pdf.para(exchange_rule_note(), "muted"),
    ]
    story.append(
        pdf.data_table(
            [_("Scope"), _("Reports shared"), _("Referrals sent"), _("accepted"), _("completed")],
            [
                [
                    e.scope.scope.name
                    if e.scope
                    else _("No data-exchange scope covers it any more"),
                    e.counts.shares,
                    e.counts.referrals_sent,
                    e.counts.referrals_accepted,
                    e.counts.referrals_completed,
                ]
                for e in exchanges.scopes
            ],
            widths=[x * pdf.mm for x in (74, 24, 24, 24, 24)],
            numeric=[1, 2, 3, 4],
            total=[
                _("Total"),
                exchanges.totals.shares,
                exchanges.totals.referrals_sent,
                exchanges.totals.referrals_accepted,
                exchanges.totals.referrals_completed,
            ],
        )
    )
    story += [
        pdf.heading(_("Reports shared per category"), 3),
        pdf.data_table(
            [_("Category"), _("Reports shared")],
            [[label, n] for _code, label, n in exchanges.categories],
            widths=[110 * pdf.mm, 60 * pdf.mm],
            numeric=[1],
        ),
        pdf.heading(_("Per pair of agencies"), 3),
    ]
    if exchanges.pairs:
        story.append(
            pdf.data_table(
                [
                    _("Sender"),
                    _("Recipient"),
                    _("Reports shared"),
                    _("Referrals sent"),
                    _("accepted"),
                    _("completed"),
                ],
                [
                    [
                        p.source.short_name,
                        p.target.short_name,
                        p.counts.shares,
                        p.counts.referrals_sent,
                        p.counts.referrals_accepted,
                        p.counts.referrals_completed,
                    ]
                    for p in exchanges.pairs
                ],
                widths=[x * pdf.mm for x in (36, 36, 26, 26, 23, 23)],
                numeric=[2, 3, 4, 5],
            )
        )
    else:
        story.append(pdf.para(_("No exchange in this period."), "muted"))
    info = pdf.PrintContext.for_user(
        user,
        title=_("Implementation of the agreement"),
        running_head=user.agency.name,
        reference=period,
    )
    return pdf.build_pdf(story=story, info=info, letterhead=pdf.Letterhead.of(user.agency))


def exchange_rule_note() -> str:
    return _(
        "Counted: reports shared and referrals made under this agreement in which your "
        "agency took part, as sender or as recipient. Exchanges between other parties are "
        "not shown."
    )
