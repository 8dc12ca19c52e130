"""Who may do what with agreements (the idiom is portal.access's). Which agreements a user
sees is agreements.selectors.visible_agreements()."""

import rules

from portal.access import is_system_admin

rules.add_perm("agreements.manage_agreements", is_system_admin)
rules.add_perm("agreements.manage_scopes", is_system_admin)
