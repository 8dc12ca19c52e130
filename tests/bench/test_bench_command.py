"""The bench command runs end to end with tiny numbers and writes its results."""

from __future__ import annotations

import shutil

import pytest
from django.core.management import call_command

from bench import notify, pages


@pytest.mark.django_db
def test_bench_seeds_measures_every_page_and_writes_the_results(tmp_path):
    out = tmp_path / "benchmarks.md"
    out.write_text("# Benchmarks\n\nHand-written text stays.\n")
    call_command(
        "bench",
        "--reports", "300", "--iterations", "2", "--skip-notify", "--skip-load",
        "--write", str(out), verbosity=0,
    )  # fmt: skip
    text = out.read_text()
    assert "Hand-written text stays." in text
    assert text.count("<!-- bench:results:start -->") == 1
    for scenario in pages._scenarios():
        assert f"| {scenario.title} |" in text
    # A second run replaces its block instead of adding one.
    call_command(
        "bench", "--reports", "300", "--iterations", "1", "--only", "list_html",
        "--skip-notify", "--skip-load", "--write", str(out), verbosity=0,
    )  # fmt: skip
    assert out.read_text().count("<!-- bench:results:start -->") == 1


@pytest.mark.django_db
def test_list_pages_answer_in_a_constant_number_of_queries():
    call_command("seed_scale", "--reports", "300", "--users", "300", verbosity=0)
    _targets, results = pages.run(iterations=1, only={"list_html", "list_api", "shared"})
    for result in results:
        assert result.status == 200
        assert result.queries == result.few_rows_queries, result.key
        # 10 in production, where the session is read from the cache; the test settings
        # read it from the database.
        assert result.queries <= 11, result.key


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_notifications_of_a_burst_arrive_once_each(transactional_db):
    call_command("seed_scale", "--reports", "50", "--users", "200", verbosity=0)
    result = notify.run(latency_shares=2, burst=3, timeout=600, log=lambda _m: None)  # a bound
    assert result.lossless
    assert result.expected == 3 * 3 * notify.USERS_PER_PARTNER
    assert result.duplicate_rows == 0
    assert result.notified_p50 > 0


def test_statistics_and_export_are_measured_when_their_apps_exist():
    from django.urls import NoReverseMatch, reverse

    keys = {s.key for s in pages.optional_scenarios()}
    for key, _title, name, args, *_rest in pages.OPTIONAL:
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            installed = False
        else:
            installed = True
        assert (key in keys) == installed
    assert {"stats", "export_csv"} <= keys  # both apps are part of the portal now
