"""Who may do what with a Desa Binaan or an activity: the predicates of the villages app (the
idiom is portal.access's). Which villages a user sees is villages.selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules
from django.db.models import QuerySet

from portal import access
from portal.accounts.models import Agency, AgencyKind
from villages import selectors
from villages.models import Activity, DesaBinaan

if TYPE_CHECKING:
    from portal.accounts.models import User


def designating_offices(user: User) -> QuerySet[Agency]:
    """The active immigration offices `user` may designate a village for: every one for a
    system admin, those among their own agencies (a Kanwil supervisor: the offices below) for
    anyone else."""
    offices = Agency.objects.filter(kind=AgencyKind.IMMIGRATION, is_active=True)
    if access.is_system_admin(user):
        return offices
    return offices.filter(pk__in=access.visible_agency_ids(user))


@rules.predicate
def may_designate_villages(user: User) -> bool:
    """The designation page and its button: someone with an office to designate for."""
    return designating_offices(user).exists()


@rules.predicate
def may_designate_for(user: User, office: Agency) -> bool:
    """Designate a village in the name of `office`: the office itself (or a supervisor above
    it), or a system admin. That the office is an immigration office is a validation rule
    (villages.services.village_designate), not an access rule."""
    return access.is_system_admin(user) or office.pk in access.visible_agency_ids(user)


@rules.predicate
def can_edit_village(user: User, desa: DesaBinaan) -> bool:
    """The designating office and the partners (and system admins): selectors.editable_villages."""
    return selectors.editable_villages(user).filter(pk=desa.pk).exists()


@rules.predicate
def can_edit_activity(user: User, activity: Activity) -> bool:
    """The organiser and co-organisers (and system admins)."""
    if access.is_system_admin(user):
        return True
    own = access.visible_agency_ids(user)
    return activity.organiser_id in own or activity.co_organisers.filter(pk__in=own).exists()


rules.add_perm("villages.add_desabinaan", may_designate_villages)
rules.add_perm("villages.designate_for_agency", may_designate_for)
rules.add_perm("villages.change_desabinaan", can_edit_village)
rules.add_perm("villages.change_activity", can_edit_activity)
