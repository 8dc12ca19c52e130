"""A load run: gunicorn with 2 workers on a loopback port, driven by wrk for a bounded time with a
mixed officer workload, then Django admin's changelist of the same reports as a comparison
point (a bench-only admin site: the portal gives no one the admin of case files)."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from bench import processes
from bench.pages import Targets
from portal.accounts.models import User
from referrals.models import Report

ADMIN_USERNAME = "skala-bench-admin"
LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, \\"p95\\": %%f, \\"p99\\": %%f, \\"non2xx\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


@dataclass
class LoadResult:
    name: str
    paths: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non2xx: int
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def table(results: list[LoadResult]) -> str:
    lines = [
        "| workload | requests/s | p50 ms | p95 ms | p99 ms | requests | non-2xx | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.rps:.1f} | {r.p50_ms:.0f} | {r.p95_ms:.0f} | {r.p99_ms:.0f} "
            f"| {r.requests} | {r.non2xx} | {r.errors} |"
        )
    return "\n".join(lines)


def _session(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _admin() -> User:
    user = User.objects.filter(username=ADMIN_USERNAME).first()
    if user is None:
        kanwil = (
            User.objects.filter(username="skala-sysadmin")
            .values_list("agency_id", flat=True)
            .first()
        )
        if kanwil is None:
            raise RuntimeError("bench: no skala-sysadmin in the data set (is it seeded?)")
        # A superuser of Django's admin only (role officer: no portal powers, no 2FA prompt).
        user = User.objects.create(
            username=ADMIN_USERNAME,
            email=f"{ADMIN_USERNAME}@sinergi.test",
            full_name="Bench Django admin",
            agency_id=kanwil,
            role=User.Role.OFFICER,
            is_staff=True,
            is_superuser=True,
            password=make_password(None),
        )
    return user


def officer_paths(targets: Targets) -> list[str]:
    reports = list(
        Report.objects.filter(agency_id=targets.officer.agency_id)
        .exclude(status="draft")
        .order_by("-occurred_at")
        .values_list("pk", flat=True)[:8]
    )
    base = reverse("referrals:list")
    paths = [
        base,
        base + "?page=2",
        base + "?sort=-risk",
        base + "?q=" + targets.search.replace(" ", "+"),
    ]
    paths += [reverse("referrals:detail", args=[pk]) for pk in reports]
    paths += [reverse("api:report-list")]
    return paths


def run(
    *, seconds: int = 20, connections: int = 4, log: Callable[[str], object] = print
) -> list[LoadResult]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    targets = Targets.find()
    agency = targets.officer.agency_id
    workloads = [
        ("Mixed officer workload (list, page 2, risk sort, search, 8 report pages, API)", _session(targets.officer), officer_paths(targets)),
        (
            "Django admin changelist, same agency's reports",
            _session(_admin()),
            [f"/bench-admin/referrals/report/?agency__id__exact={agency}"],
        ),
    ]  # fmt: skip
    port = processes.free_port()
    env = processes.child_env(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        BENCH_BASE_SETTINGS=settings.SETTINGS_MODULE,
    )
    args = [processes.PYTHON, "-m", "gunicorn", "portal.wsgi:application", "--workers", "2"]
    args += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "--log-level", "warning"]
    results = []
    with tempfile.TemporaryDirectory(prefix="sinergi-load-") as tmp:
        log_path = Path(tmp) / "gunicorn.log"
        with processes.process(args, env=env, log=log_path) as server:
            base = f"http://127.0.0.1:{port}"
            processes.wait_until(lambda: _answers(base + "/health/"), "gunicorn", 60, server)
            for name, session, paths in workloads:
                for path in paths:  # every path answers 200 before it is loaded
                    status = _status(base + path, session)
                    if status != 200:
                        raise RuntimeError(f"load run: {path} answered {status}")
                script = Path(tmp) / "script.lua"
                script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
                command = [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
                command += ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={session}"]
                command += ["-H", "Accept-Language: id", "-s", str(script), base + "/"]
                out = subprocess.run(  # noqa: S603 -- wrk on loopback, arguments built here
                    command, capture_output=True, text=True, timeout=seconds + 60, check=True
                )
                line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
                data = json.loads(line[len("BENCH ") :])
                result = LoadResult(
                    name=name,
                    paths=len(paths),
                    requests=data["requests"],
                    seconds=data["seconds"],
                    p50_ms=data["p50"],
                    p95_ms=data["p95"],
                    p99_ms=data["p99"],
                    non2xx=data["non2xx"],
                    errors=data["errors"],
                )
                log(f"  {name}: {result.rps:.1f} req/s, p95 {result.p95_ms:.0f} ms")
                results.append(result)
    return results


def _status(url: str, session: str = "") -> int:
    """The status of one GET, redirects not followed (a sign-in redirect is a failure)."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None:
        raise ValueError(f"no host in {url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"} if session else {}
        conn.request(
            "GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers
        )
        return conn.getresponse().status
    except OSError:
        return 0
    finally:
        conn.close()


def _answers(url: str) -> bool:
    return _status(url) == 200
