"""`make run`'s path on the embedded engines, end to end: start PostgreSQL and Redis in a
fresh state folder, migrate, seed, serve a page, see worker and beat at work, stop cleanly on
Ctrl-C — then all of it again on the same folder (seeding twice must be harmless)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

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
        self.proc = subprocess.Popen(
            [sys.executable, "scripts/devenv.py", "--var", str(var), "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
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
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise


def get(url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_starts_everything_on_embedded_engines_and_stops_on_ctrl_c(tmp_path):
    var = tmp_path / "var"
    for attempt in (1, 2):
        port = free_port()
        run = Run(var, port)
        try:
            run.wait_for_output("Demo accounts", timeout=240)
            try:
                page = get(f"http://127.0.0.1:{port}/accounts/login/")
            except OSError as exc:
                raise AssertionError(f"web did not answer: {exc}\n{run.output[-5000:]}") from exc
            assert "Masuk" in page
            assert "sysadmin" in run.output
            assert "Sinergi-Banten-2025" in run.output
            # Beat schedules the heartbeat through Redis; the worker runs it.
            run.wait_for_output("heartbeat at", timeout=90)
        finally:
            code = run.ctrl_c()
        assert code in (0, -signal.SIGINT, 130), run.output[-3000:]
        assert "PostgreSQL (embedded) stopped" in run.output, f"attempt {attempt}"
        assert "Redis (embedded) stopped" in run.output
        assert not (var / "pgdata" / "postmaster.pid").exists()
        assert not port_open(port)
    # The second run found the database migrated and seeded: no new migrations applied.
    assert (var / "pgdata" / "PG_VERSION").exists()
