# Estampille — `make run` serves the app on its embedded default; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# System libraries: WeasyPrint (Pango, HarfBuzz subsetting), poppler (pdftotext, pdffonts),
# and Debian's Chromium for the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils fonts-dejavu-core
TEST_SYSTEM_PACKAGES := chromium zbar-tools
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

# Under CI the suite runs on the real services of the machine.
ifeq ($(CI),true)
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/estampille
export REDIS_URL ?= redis://127.0.0.1:6379/0
endif

.PHONY: setup system-deps run test lint format lock bench bpmn worker beat backup restore clean

# Python packages: exactly the versions pinned in requirements.lock (generated from pyproject.toml
# by `make lock`), then the project itself without its dependencies. `pip check` catches a lock
# file that no longer covers pyproject.toml.
LOCK := requirements.lock
$(VENV)/.installed: $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -r $(LOCK)
	$(VENV)/bin/pip install -q --no-deps -e .
	@$(VENV)/bin/pip check >/dev/null || { $(VENV)/bin/pip check; \
		echo "$(LOCK) ne couvre plus pyproject.toml : lancez « make lock »."; exit 1; }
	touch $@

define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installation des paquets système :$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

# A command that a Debian package brings, installed when missing (e.g. pg_dump).
define install_missing_command
	@command -v $(1) >/dev/null 2>&1 || { echo "Installation du paquet système : $(2)"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(2) >/dev/null; }
endef

system-deps:
	$(call install_missing,$(SYSTEM_PACKAGES))

setup: $(VENV)/.installed system-deps

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py create_seal_certificate
	@echo ""
	@echo "Estampille est servi sur http://127.0.0.1:8000/ (Ctrl+C pour arrêter)."
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(call install_missing,$(TEST_SYSTEM_PACKAGES))
ifeq ($(CI),true)
	$(call install_missing_command,pg_dump,postgresql-client)
endif
	$(PY) scripts/ensure_database.py
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest -rs $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate requirements.lock from pyproject.toml (pip-tools), against the public registry only:
# the machine's own pip settings (local mirrors, find-links) are set aside so that the file
# installs the same on a clean machine.
lock:
	@[ -x $(VENV)/bin/pip-compile ] || { $(PYTHON) -m venv $(VENV) && \
		$(VENV)/bin/pip install -q "pip-tools>=7.6,<7.7"; }
	env -u PIP_FIND_LINKS -u PIP_EXTRA_INDEX_URL -u PIP_INDEX_URL -u PIP_CONSTRAINT \
		PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" \
		$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links --no-emit-trusted-host -o $(LOCK) pyproject.toml

# Benchmarks run on PostgreSQL when a local server answers (as in production), else on SQLite.
bench: setup
	@if [ -z "$$DATABASE_URL" ] && $(PY) -c "import psycopg; psycopg.connect('postgres://postgres@127.0.0.1:5432/postgres', connect_timeout=2).close()" 2>/dev/null; then \
		export DATABASE_URL=postgres://postgres@127.0.0.1:5432/estampille; fi; \
	$(PY) scripts/ensure_database.py && $(PY) -m benchmarks.run $(if $(ONLY),--only $(ONLY))

bpmn: setup
	$(PY) manage.py export_bpmn -o docs/candidature.bpmn

# A Celery worker and beat, on the same settings as manage.py: config.settings.dev unless
# DJANGO_SETTINGS_MODULE says otherwise (config.settings.prod in production). They need a broker
# (CELERY_BROKER_URL or REDIS_URL); in development tasks otherwise run in the request's process.
worker: setup
	$(VENV)/bin/celery -A config worker -l info

beat: setup
	$(VENV)/bin/celery -A config beat -l info

# Backups (config/backup.py): the database (pg_dump, or a copy of the SQLite file) and the
# stored files, into backups/<date>/ (or DEST=…). Restore into a new or empty database and files
# folder: make restore FROM=backups/<date> [TARGET=postgres://…/nouvelle_base] [MEDIA=dossier].
backup: setup
	$(call install_missing_command,pg_dump,postgresql-client)
	$(PY) manage.py backup $(if $(DEST),--dest "$(DEST)")

restore: setup
	@[ -n "$(FROM)" ] || { echo "Indiquez la sauvegarde : make restore FROM=backups/<date>"; exit 1; }
	$(call install_missing_command,pg_restore,postgresql-client)
	$(PY) manage.py restore "$(FROM)" $(if $(TARGET),--database-url "$(TARGET)") \
		$(if $(MEDIA),--media-root "$(MEDIA)")

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles
