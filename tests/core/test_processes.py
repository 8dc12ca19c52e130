"""tests/processes.py: what a test starts ends with it, even a process that ignores SIGTERM,
one in a session of its own, and one whose parent died (handed to init)."""

import signal
import subprocess
import sys
import textwrap
import time

import psutil

from tests import processes

# A parent that ignores SIGTERM, with a child in its own session (as honcho starts web, worker
# and beat) and a grandchild orphaned at once (as pg_ctl leaves the postmaster).
TREE = textwrap.dedent(
    """
    import signal, subprocess, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sleeper = [sys.executable, "-c", "import time; time.sleep(3600)"]
    subprocess.Popen(sleeper, start_new_session=True)
    subprocess.Popen([sys.executable, "-c",
        "import subprocess, sys; subprocess.Popen(%r, start_new_session=True)" % (sleeper,)]
    ).wait()
    print("ready", flush=True)
    time.sleep(3600)
    """
)


def test_end_leaves_nothing_of_a_tree_that_resists():
    proc = processes.start([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        started = processes.leftovers(proc)
        assert len(started) == 3  # the parent, its session-leading child, the orphan
        begun = time.monotonic()
        processes.end(proc, grace=2)
        assert time.monotonic() - begun < 60
        assert proc.returncode == -signal.SIGKILL
        assert not [p for p in started if p.is_running() and p.status() != "zombie"]
        assert processes.leftovers(proc) == []
    finally:
        processes.end(proc)
        proc.stdout.close()


def test_end_of_a_process_that_already_exited():
    proc = processes.start([sys.executable, "-c", "pass"])
    proc.wait(processes.GRACE_SECONDS)
    processes.end(proc)
    assert proc.returncode == 0
    assert not psutil.pid_exists(proc.pid) or psutil.Process(proc.pid).status() == "zombie"
