"""The case-file API: reports (with their evidence and sharing), shares and referrals."""
