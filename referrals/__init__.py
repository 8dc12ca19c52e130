"""Indication reports of TPPO/TPPM (and, with the sharing issue, shares and referrals)."""
