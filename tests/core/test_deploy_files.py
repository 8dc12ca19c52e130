"""The deployment files agree with each other and with portal/settings.py.

Plain parsing of Dockerfile, docker-compose.yml, .env.example and .dockerignore: no database,
no Docker engine. Run alone with
`python -m pytest tests/core/test_deploy_files.py -p no:django`.
"""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
LONG_RUNNING = {"postgres", "redis", "web", "worker", "beat"}
APP_SERVICES = {"web", "worker", "beat"}
VOLUMES = {"pgdata", "redisdata", "media", "beat"}
# Every spelling settings.py uses to read a variable: env("X"), env.str("X"), env.list(\n "X"...
ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
# A variable set (NAME=...) or documented commented out (# NAME=...) in .env.example.
ENV_EXAMPLE_LINE = re.compile(r"^#?[ \t]*([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)


class StrictLoader(yaml.SafeLoader):
    """Rejects a key given twice in one mapping, as `docker compose` does (PyYAML would keep
    the last one silently, and a test could pass on a file compose refuses)."""

    def construct_mapping(self, node, deep=False):
        keys = [key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate keys {duplicates}", node.start_mark
            )
        return super().construct_mapping(node, deep=deep)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.load((ROOT / "docker-compose.yml").read_text(), Loader=StrictLoader)  # noqa: S506


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    text = (ROOT / ".env.example").read_text()
    return {name: value.strip() for name, value in ENV_EXAMPLE_LINE.findall(text)}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) for each instruction, continuation lines joined, comments dropped."""
    instructions = []
    current = ""
    for raw in (ROOT / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        keyword, _, rest = (current + line).partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def image_tag(image: str) -> str:
    """The tag of an image reference ('' when there is none, which means `latest`)."""
    name = image.split("@", 1)[0]
    return name.rsplit("/", 1)[-1].partition(":")[2]


# --- docker-compose.yml ------------------------------------------------------------------


def test_compose_defines_every_service(services):
    assert set(services) >= SERVICES, f"missing: {sorted(SERVICES - set(services))}"


def test_every_long_running_service_has_a_healthcheck(services):
    long_running = {name for name, svc in services.items() if svc.get("restart") != "no"}
    assert long_running >= LONG_RUNNING
    for name in sorted(long_running):
        check = services[name].get("healthcheck") or {}
        assert check.get("test"), f"{name} has no healthcheck"
        assert not check.get("disable"), f"{name} disables its healthcheck"
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, f"{name}: {check['test']!r}"


def test_healthchecks_check_the_right_thing(services):
    def command(name):
        return " ".join(services[name]["healthcheck"]["test"][1:])

    assert "pg_isready" in command("postgres")
    assert "redis-cli ping" in command("redis")
    assert "/health/" in command("web")
    assert "inspect ping" in command("worker")
    assert "celery@$$HOSTNAME" in command("worker")  # $$: compose leaves $HOSTNAME to the shell
    assert "/data/beat/celerybeat-schedule" in command("beat")


def test_migrate_runs_once_before_web_worker_and_beat(services):
    migrate = services["migrate"]
    assert migrate.get("restart") == "no"
    script = " ".join(migrate["command"])
    assert "manage.py migrate --noinput" in script
    assert "manage.py load_regions" in script
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in sorted(APP_SERVICES):
        depends_on = services[name].get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        assert depends_on.get("migrate", {}).get("condition") == (
            "service_completed_successfully"
        ), f"{name} does not wait for migrate to succeed"
        for dependency, spec in depends_on.items():
            if dependency != "migrate":
                assert spec.get("condition") == "service_healthy", f"{name} -> {dependency}"


def test_app_services_share_image_environment_and_env_file(services):
    for name in sorted(APP_SERVICES | {"migrate"}):
        svc = services[name]
        assert svc["image"] == services["web"]["image"]
        assert svc.get("build"), f"{name} has no build section"
        assert svc.get("env_file") in (".env", [".env"])
        env = svc["environment"]
        assert "@postgres:5432/" in env["DATABASE_URL"], name
        assert env["REDIS_URL"].startswith("redis://redis:6379/"), name
        assert str(env["BEHIND_PROXY"]).lower() == "true", name
        assert env["MEDIA_ROOT"] == "/data/media", name


def test_commands(services):
    worker = " ".join(services["worker"]["command"])
    beat = " ".join(services["beat"]["command"])
    assert worker.startswith("celery -A portal worker")
    assert "--concurrency 2" in worker
    assert beat.startswith("celery -A portal beat")
    assert "--schedule /data/beat/celerybeat-schedule" in beat


def test_no_service_uses_a_latest_tag(services):
    for name, svc in services.items():
        assert "image" in svc, f"{name} has no image"
        tag = image_tag(svc["image"])
        assert tag, f"{name}: {svc['image']} has no tag (means latest)"
        assert tag != "latest", f"{name}: {svc['image']}"


def test_only_web_is_published_and_only_on_loopback(services):
    for name, svc in services.items():
        ports = svc.get("ports") or []
        if name != "web":
            assert not ports, f"{name} publishes {ports}"
    assert services["web"]["ports"]
    for port in services["web"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), port


def test_state_lives_in_named_volumes(compose, services):
    assert set(compose.get("volumes") or {}) >= VOLUMES

    def mounts(name):
        return {m.split(":")[1]: m.split(":")[0] for m in services[name].get("volumes", [])}

    # PostgreSQL 18 images want the volume on the parent of their versioned PGDATA.
    assert mounts("postgres") == {"/var/lib/postgresql": "pgdata"}
    assert mounts("redis") == {"/data": "redisdata"}
    assert mounts("web") == {"/data/media": "media"}
    assert mounts("worker") == {"/data/media": "media"}
    assert mounts("beat") == {"/data/beat": "beat"}


def test_redis_persists_the_broker_queue(services):
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"


def test_compose_substitutions_are_documented(env_example):
    text = (ROOT / "docker-compose.yml").read_text()
    substituted = set(re.findall(r"(?<!\$)\$\{([A-Za-z_]\w*)", text))
    assert "POSTGRES_PASSWORD" in substituted
    assert substituted <= set(env_example), sorted(substituted - set(env_example))


# --- Dockerfile -------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_pinned_bases():
    froms = [rest.split() for keyword, rest in dockerfile_instructions() if keyword == "FROM"]
    assert len(froms) >= 2
    stage_names = {parts[2].lower() for parts in froms if len(parts) >= 3}
    for parts in froms:
        if parts[0].lower() in stage_names:
            continue
        assert image_tag(parts[0]) not in {"", "latest"}, parts[0]
    assert froms[-1][0] == "python:3.11-slim-bookworm"


def test_final_stage_runs_as_a_non_root_user():
    users = [rest for keyword, rest in final_stage() if keyword == "USER"]
    assert users, "the final stage sets no USER (runs as root)"
    user = users[-1].split(":")[0]
    assert user not in {"", "root", "0"}, users[-1]


def test_final_stage_has_a_healthcheck_on_health():
    checks = [rest for keyword, rest in final_stage() if keyword == "HEALTHCHECK"]
    assert checks, "the final stage has no HEALTHCHECK"
    assert not checks[-1].upper().startswith("NONE")
    assert "127.0.0.1" in checks[-1]
    assert "8000" in checks[-1]
    assert "/health/" in checks[-1]


def test_final_stage_builds_static_and_translations_and_serves_gunicorn():
    stage = final_stage()
    runs = " ".join(rest for keyword, rest in stage if keyword == "RUN")
    assert "compilemessages" in runs
    assert "collectstatic --noinput" in runs
    assert runs.count("--settings portal.settings_build") >= 2
    apt = " ".join(rest for keyword, rest in stage if keyword == "RUN" and "apt-get" in rest)
    assert "build-essential" not in apt, "compilers belong to the builder stage"
    assert "libmagic1" in apt
    assert "gettext" in apt
    env = " ".join(rest for keyword, rest in stage if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "PYTHONUNBUFFERED=1" in env
    assert "MEDIA_ROOT=/data/media" in env
    assert any(keyword == "EXPOSE" and "8000" in rest for keyword, rest in stage)
    cmd = [rest for keyword, rest in stage if keyword == "CMD"][-1]
    assert '"gunicorn", "portal.wsgi:application"' in cmd
    assert "0.0.0.0:8000" in cmd


def test_dockerignore_keeps_secrets_and_local_state_out():
    patterns = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv", "var", "node_modules", ".git", "staticfiles", "test-artifacts"):
        assert required in patterns, required
    assert ".env" in patterns
    assert patterns & {"__pycache__", "**/__pycache__"}
    assert patterns & {"*.pyc", "**/*.pyc"}


# --- .env.example -------------------------------------------------------------------------


def test_env_example_documents_every_setting(env_example):
    source = (ROOT / "portal" / "settings.py").read_text()
    read = set(ENV_READ.findall(source))
    # Guards the pattern itself: these are read today, one of them over two lines.
    assert read >= {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL"}
    assert read <= set(env_example), f"not in .env.example: {sorted(read - set(env_example))}"


def test_env_example_holds_no_secret(env_example):
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "PII_INDEX_KEY", "POSTGRES_PASSWORD"):
        assert env_example[name] == "", f"{name} must be left empty in .env.example"
    assert env_example["DJANGO_DEBUG"].lower() == "false"
