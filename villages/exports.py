"""The datasets of the Desa Binaan and their activities, added to the export registry. Each
reads the same selector and filter form as its list page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from portal.exports.datasets import Dataset, ExportRun, Sheet, invalid_filters, querydict
from portal.exports.models import Dataset as DatasetName
from portal.exports.registry import register
from villages import selectors as village_selectors
from villages.forms import ActivityFilterForm, VillageFilterForm
from villages.models import Audience

if TYPE_CHECKING:
    from portal.accounts.models import User


@register
class VillagesDataset(Dataset):
    """The Desa Binaan list. Telephone numbers are masked unless the user asks for them: whoever
    sees a village may reveal them (as on its page), and each one written counts as revealed."""

    name = DatasetName.VILLAGES.value
    list_url_name = "villages:list"
    identifiers = True

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        form = VillageFilterForm(querydict(params) or None, user=user)
        if form.is_bound and not form.is_valid():
            raise invalid_filters(form)
        return village_selectors.village_list(user=user, filters=form.to_filters())

    @staticmethod
    def rows(run: ExportRun, villages: list[Any]) -> Iterator[list[Any]]:
        for d in villages:
            district = d.village.parent
            regency = district.parent if district else None
            yield [
                d.village.name,
                d.village.code,
                district.name if district else "",
                regency.name if regency else "",
                d.designating_office.short_name,
                d.designated_on,
                d.decree_number,
                d.get_status_display(),
                d.activity_count,
                d.village_head_name,
                run.reveal(d.pk, d.village_head_phone, run.identifiers),
                d.contact_name,
                d.contact_role,
                run.reveal(d.pk, d.contact_phone, run.identifiers),
            ]

    def sheets(self) -> list[Sheet]:
        columns = (
            ("village", gettext_lazy("Village")),
            ("code", gettext_lazy("Region code")),
            ("district", gettext_lazy("District")),
            ("regency", gettext_lazy("Regency/city")),
            ("office", gettext_lazy("Designating office")),
            ("designated_on", gettext_lazy("Designated on")),
            ("decree", gettext_lazy("Decree number")),
            ("status", gettext_lazy("Status")),
            ("activities", gettext_lazy("Activities")),
            ("head", gettext_lazy("Village head")),
            ("head_phone", gettext_lazy("Village head's telephone")),
            ("contact", gettext_lazy("Local contact")),
            ("contact_role", gettext_lazy("Local contact's role")),
            ("contact_phone", gettext_lazy("Local contact's telephone")),
        )
        return [Sheet("villages", gettext_lazy("Desa Binaan"), columns, self.rows)]


@register
class ActivitiesDataset(Dataset):
    name = DatasetName.ACTIVITIES.value
    list_url_name = "villages:activity_list"

    def queryset(self, user: User, params: dict[str, list[str]]) -> QuerySet:
        form = ActivityFilterForm(querydict(params) or None)
        if form.is_bound and not form.is_valid():
            raise invalid_filters(form)
        return village_selectors.activity_list(
            user=user, filters=form.to_filters()
        ).prefetch_related("co_organisers")

    @staticmethod
    def rows(run: ExportRun, activities: list[Any]) -> Iterator[list[Any]]:
        audience = dict(Audience.choices)
        for a in activities:
            scope = a.agreement_scope
            yield [
                a.date,
                a.get_kind_display(),
                a.title,
                a.place,
                a.organiser.short_name,
                "; ".join(sorted(o.short_name for o in a.co_organisers.all())),
                "; ".join(v.village.name for v in a.villages.all()),
                scope.agreement.title if scope else "",
                scope.scope.name if scope else "",
                "; ".join(str(audience.get(code, code)) for code in a.audience),
                a.participants_male,
                a.participants_female,
                a.participants,
            ]

    def sheets(self) -> list[Sheet]:
        columns = (
            ("date", gettext_lazy("Date")),
            ("kind", gettext_lazy("Kind")),
            ("title", gettext_lazy("Title")),
            ("place", gettext_lazy("Place")),
            ("organiser", gettext_lazy("Organising agency")),
            ("co_organisers", gettext_lazy("Co-organisers")),
            ("villages", gettext_lazy("Desa Binaan reached")),
            ("agreement", gettext_lazy("Agreement")),
            ("scope", gettext_lazy("Scope")),
            ("audience", gettext_lazy("Audience")),
            ("men", gettext_lazy("Participants (men)")),
            ("women", gettext_lazy("Participants (women)")),
            ("participants", gettext_lazy("Participants")),
        )
        return [Sheet("activities", gettext_lazy("Activities"), columns, self.rows)]
