"""After the demo reports: fill the summary so that `make run` shows charts at once."""

from referrals.stats.services import refresh_report_stats


def seed() -> None:
    refresh_report_stats(full=True)
