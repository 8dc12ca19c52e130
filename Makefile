# Sinergi — the two commands a new machine needs are `make run` and `make test`.
# With no DATABASE_URL / REDIS_URL set they start the embedded engines (see scripts/devenv.py).

PYTHON_BIN ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Two workers on the two cores of our machines; override with PYTEST_WORKERS=0 to debug.
PYTEST_WORKERS ?= 2
# `make bench`: reports in its own database (sinergi_bench, seeded on the first run), and the
# size of the notification burst.
BENCH_REPORTS ?= 100000
BENCH_BURST ?= 1000
BENCH_ARGS ?=

.PHONY: run test lint format check-deploy messages makemessages vendor-static system-deps bench bench-deps clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled translations (.mo) are built, not committed.
messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore '.venv' --ignore 'node_modules' -v 0 \
		--settings portal.settings_build

makemessages: $(STAMP)
	$(PY) manage.py makemessages -l id -l en --no-obsolete --ignore '.venv/*' \
		--ignore 'node_modules/*' --ignore 'var/*' --ignore 'staticfiles/*' \
		--ignore 'templates/allauth/*' \
		--settings portal.settings_build

run: $(STAMP) messages
	$(PY) scripts/devenv.py run

# Debian's chromium for the browser tests: installed here when missing (root on our machines).
system-deps:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	@ldconfig -p | grep -q libmagic.so.1 || (apt-get update -qq && apt-get install -y -qq libmagic1)
	@test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

test: $(STAMP) system-deps messages
	$(PY) scripts/devenv.py exec -- $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# Types (pyproject.toml, [tool.mypy]): django-stubs reads the build settings, no database.
	$(VENV)/bin/mypy
	# One-way imports between the apps (pyproject.toml, [tool.importlinter]).
	$(VENV)/bin/lint-imports
	# The OpenAPI schema (/api/schema/) builds from the code without a warning; no database.
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null \
		--settings portal.settings_build
	$(PY) scripts/devenv.py exec -- $(PY) manage.py makemigrations --check --dry-run \
		--settings portal.settings_test

# Benchmarks (docs/benchmarks.md): seed_scale into the `sinergi_bench` database of the embedded
# PostgreSQL when it holds fewer than BENCH_REPORTS reports, then pages, notifications and a
# load run against gunicorn with wrk (Debian package, installed here when missing). With
# DATABASE_URL set, that database is used instead: never a production one.
bench-deps:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

bench: $(STAMP) bench-deps messages
	$(PY) manage.py collectstatic --noinput -v 0 --settings portal.settings_build
	BENCH_COMMAND="make bench BENCH_REPORTS=$(BENCH_REPORTS) BENCH_BURST=$(BENCH_BURST) $(BENCH_ARGS)" \
	$(PY) scripts/devenv.py --db sinergi_bench exec -- $(PY) manage.py bench --migrate \
		--reports $(BENCH_REPORTS) --burst $(BENCH_BURST) --write docs/benchmarks.md $(BENCH_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# `manage.py check --deploy` with production settings: must print no issue.
check-deploy: $(STAMP)
	DJANGO_DEBUG=false \
	SECRET_KEY=check-deploy-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	FIELD_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	PII_INDEX_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(32))') \
	ALLOWED_HOSTS=sinergi.example.go.id \
	DATABASE_URL=postgres://sinergi@127.0.0.1:5432/sinergi \
	REDIS_URL=redis://127.0.0.1:6379/0 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Front-end files are committed under static/vendor; this regenerates them from package.json.
vendor-static:
	bash scripts/vendor_static.sh

clean:
	rm -rf $(VENV) staticfiles test-artifacts
