"""referrals: arrives with its issue (see README.md, "Roadmap")."""
