"""Who may do what with agreements. Visibility itself is agreements.selectors
.visible_agreements(), built on portal.access; these predicates reuse both."""

import rules

from portal.access import is_system_admin


@rules.predicate
def can_see_agreement(user, agreement) -> bool:
    from agreements.selectors import visible_agreements

    return agreement is not None and visible_agreements(user).filter(pk=agreement.pk).exists()


rules.add_perm("agreements.manage_agreements", is_system_admin)
rules.add_perm("agreements.manage_scopes", is_system_admin)
rules.add_perm("agreements.view_agreement", is_system_admin | can_see_agreement)
