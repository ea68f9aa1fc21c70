# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# axe-core (pinned in package-lock.json) for the accessibility tests; without npm
# those tests skip and say why.
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test lint check install install-test clean

# A stamp per requirements set: pip runs again only when a requirements file changes.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test $(if $(shell command -v npm),$(AXE))

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Development server with the demo content. DJANGO_DEBUG defaults to true here only.
run: export DJANGO_DEBUG ?= true
run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) load_demo_content
	$(MANAGE) setup_roles
	$(MANAGE) create_demo_users
	$(MANAGE) ensure_superuser
	@echo "Serving on http://127.0.0.1:$(PORT)/ (admin at http://127.0.0.1:$(PORT)/admin/)"
	@# The scheduler publishes and expires scheduled pages; the webhooks worker sends
	@# webhooks (docs/webhooks.md; without the reloader, so that kill stops it). Both
	@# stop with the server.
	$(MANAGE) run_scheduler & scheduler=$$!; \
		$(MANAGE) db_worker --backend webhooks --queue-name webhooks --no-reload \
			& worker=$$!; \
		trap 'kill $$scheduler $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

# Django's system checks and a check that every model change has its migration.
check: export DJANGO_DEBUG ?= true
check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules test-artifacts

# The HTTP benchmark (docs/performance.md): seeds 100 and 10,000 articles into a
# PostgreSQL database of its own (dropped afterwards), serves them with gunicorn
# under production settings, and loads them with wrk; nginx and Varnish, from
# Debian's packages, give the static-file reference. Writes bench/results/.
# Debian packages the benchmark drives: installed when missing.
BENCH_PACKAGES := wrk:wrk nginx:nginx-light varnishd:varnish redis-server:redis-server

.PHONY: bench bench-import bench-tools
bench: install-test bench-tools
	$(BIN)/python bench/http_load.py

bench-tools:
	@missing=""; for pair in $(BENCH_PACKAGES); do \
		command -v $${pair%%:*} >/dev/null || [ -x /usr/sbin/$${pair%%:*} ] \
			|| missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null; \
	fi

# The soak and fault test (docs/performance.md), loopback only, about 2.5 minutes: a
# throwaway PostgreSQL cluster of its own (initdb in a temporary folder), gunicorn
# under production settings, 60 s of mixed traffic at 32 connections, then 60 s more
# with PostgreSQL stopped and started in the middle. SOAK_SECONDS and
# SOAK_CONNECTIONS shorten it. Writes bench/results/soak-<timestamp>.json; exits
# non-zero when a target is missed.
.PHONY: soak soak-tools
soak: install soak-tools
	$(BIN)/python bench/soak.py

# PostgreSQL's server programs (initdb, pg_ctl), from Debian's packages when missing.
soak-tools:
	@if [ -z "$$SOAK_PG_BIN" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing postgresql from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

# Imports a generated 2,000-post WordPress export into a fresh temporary SQLite
# database under GNU time (apt-get install -y time) and prints posts/second and peak
# memory; see docs/performance.md.
bench-import: install-test
	$(BIN)/python bench/import_wordpress.py

# Backups (docs/backups.md) of the configured database (DATABASE_URL: pg_dump on
# PostgreSQL, SQLite's backup API on SQLite) and MEDIA_ROOT. `make backup` writes
# backups/<date-time>/ (BACKUP_DIR to put it elsewhere); `make restore
# BACKUP=backups/<date-time>` checks the backup's checksums and puts it back (add
# YES=1 to replace a database that holds pages), then compares the row counts.
# Debug mode (so no secret key is needed) by default only outside DJANGO_ENV=production;
# a server's own environment is used as it is.
.PHONY: backup restore
backup restore: export DJANGO_DEBUG ?= $(if $(filter production,$(DJANGO_ENV)),false,true)
backup: install
	$(MANAGE) backup $(if $(BACKUP_DIR),--output "$(BACKUP_DIR)")

restore: install
	@test -n "$(BACKUP)" || { echo "Name the backup folder: make restore BACKUP=backups/<date-time>" >&2; exit 2; }
	$(MANAGE) restore "$(BACKUP)" $(if $(YES),--yes)
