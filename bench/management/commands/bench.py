import os
import platform
import re
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone

from bench import load, notify, pages
from bench.seed import seed_scale
from referrals.models import Report

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


class Command(BaseCommand):
    help = (
        "Measure the portal on a large data set: pages and API (queries, median and p95 "
        "server time, ratio to a one-query floor), notification latency and a burst with a "
        "real worker, and a load run against gunicorn with wrk. Seeds the data first when "
        "the database has fewer reports than --reports. Prints the tables; --write updates "
        "the results section of docs/benchmarks.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reports",
            type=int,
            default=int(os.environ.get("BENCH_REPORTS", "100000")),
            help="reports the data set should hold (seeded when there are fewer)",
        )
        parser.add_argument("--iterations", type=int, default=20, help="requests per page")
        parser.add_argument("--latency-shares", type=int, default=50)
        parser.add_argument("--burst", type=int, default=int(os.environ.get("BENCH_BURST", "1000")))
        parser.add_argument("--burst-timeout", type=float, default=900)
        parser.add_argument("--load-seconds", type=int, default=20)
        parser.add_argument("--only", default="", help="comma-separated page scenarios")
        parser.add_argument("--skip-notify", action="store_true")
        parser.add_argument("--skip-load", action="store_true")
        parser.add_argument("--migrate", action="store_true", help="migrate the database first")
        parser.add_argument("--write", default="", help="update this Markdown file's results")

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout.write
        started = time.monotonic()
        self.load_before = os.getloadavg()[0]
        if options["migrate"]:
            call_command("migrate", verbosity=0, interactive=False)
        sections: list[str] = []
        have = Report.objects.count()
        wanted = options["reports"]
        if have < wanted:
            out(f"Seeding {wanted - have:,} reports (the database holds {have:,}) ...")
            result = seed_scale(reports=wanted - have, append=have > 0, log=out)
            seeded = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
            sections.append(
                f"Seed: {result.reports:,} reports, {result.persons:,} persons, "
                f"{result.shares:,} shares, {result.referrals:,} referrals ({seeded}; "
                f"pghistory triggers {'skipped' if result.trigger_mode == 'replica' else 'fired'})."
            )
        total = Report.objects.count()
        out(f"Data set: {total:,} reports.")

        out("Pages ...")
        only = {s for s in options["only"].split(",") if s} or None
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            targets, results = pages.run(iterations=options["iterations"], only=only, log=out)
        page_table = pages.table(results)
        out(page_table)
        missing = pages.missing_scenarios(results) if not only else []
        notify_table = load_table = ""
        if not options["skip_notify"]:
            out("Notifications ...")
            notified = notify.run(
                latency_shares=options["latency_shares"],
                burst=options["burst"],
                timeout=options["burst_timeout"],
                log=out,
            )
            notify_table = notified.table()
            out(notify_table)
            if not notified.lossless or notified.duplicate_rows or notified.duplicate_emails:
                self.stderr.write("Notifications were lost or doubled: see the table.")
        if not options["skip_load"]:
            out("Load run ...")
            try:
                load_results = load.run(seconds=options["load_seconds"], log=out)
            except RuntimeError as exc:
                load_table = f"Not run: {exc}."
            else:
                load_table = load.table(load_results)
            out(load_table)
        elapsed = time.monotonic() - started
        out(f"bench: done in {elapsed:.0f}s")
        if options["write"]:
            markdown = self.markdown(
                total=total,
                targets=targets,
                sections=sections,
                page_table=page_table,
                missing=missing,
                notify_table=notify_table,
                load_table=load_table,
                options=options,
                elapsed=elapsed,
            )
            self.write(Path(options["write"]), markdown)
            out(f"Results written to {options['write']}")

    def markdown(
        self,
        *,
        total: int,
        targets: pages.Targets,
        sections: list[str],
        page_table: str,
        missing: list[str],
        notify_table: str,
        load_table: str,
        options: dict[str, Any],
        elapsed: float,
    ) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (pg,) = cursor.fetchone()
        command = os.environ.get("BENCH_COMMAND") or "manage.py bench " + shlex.join(sys.argv[2:])
        lines = [
            START,
            f"### Latest run: {timezone.localtime():%Y-%m-%d %H:%M %Z} ({elapsed / 60:.0f} min)",
            "",
            f"Command: `{command}`  ",
            f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"PostgreSQL {pg}; {total:,} reports. Load average (1 min) at the start "
            f"{self.load_before:.1f}, at the end {os.getloadavg()[0]:.1f}: other work on the "
            "machine slows every number down alike.  ",
            f"Users: officer `{targets.officer.username}` ({targets.officer.agency.short_name}), "
            f"partner officer `{targets.partner_officer.username}` "
            f"({targets.partner_officer.agency.short_name}), supervisor "
            f"`{targets.supervisor.username}` ({targets.supervisor.agency.short_name}); "
            f"search `{targets.search}`.",
            *(["", *sections] if sections else []),
            "",
            f"#### Pages ({options['iterations']} requests each, after 2 warm-up requests)",
            "",
            page_table,
            "",
        ]
        if missing:
            lines += ["Not measured (not installed in this build): " + "; ".join(missing) + ".", ""]
        if notify_table:
            lines += ["#### Notifications (one worker)", "", notify_table, ""]
        if load_table:
            lines += [
                f"#### Load ({options['load_seconds']} s each, gunicorn 2 workers, wrk 2 threads x 4 connections, loopback)",
                "",
                load_table,
                "",
            ]
        lines.append(END)
        return "\n".join(lines)

    def write(self, path: Path, block: str) -> None:
        if path.exists():
            text = path.read_text()
            if START in text and END in text:
                text = re.sub(
                    re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S
                )
            else:
                text = text.rstrip() + "\n\n" + block + "\n"
        else:
            text = f"# Benchmarks\n\n{block}\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
