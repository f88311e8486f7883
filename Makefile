# Set-up and checks. `make run` and `make test` each prepare everything they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit ui screenshots bench bench-window bench-window-postgres bench-log bench-attach bench-search bench-threads bench-conversations bench-listener bench-receiver drill-listener drill-pg-restart drill-claims clean

$(STAMP): pyproject.toml scripts/system_packages.sh scripts/apt_install_missing.sh
	$(PYTHON) scripts/check_python.py
	bash scripts/system_packages.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/sms-console --demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The window's tests run in a process of their own: their Qt event loop drives asyncio,
# which must not meet the per-test loops of the other tests.
ui: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/ui

test: lint typecheck unit ui

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_engine.py

screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1920x1080x24" $(BIN)/python scripts/screenshots.py --out screenshots

bench-window: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_window.py

bench-window-postgres: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_window.py --postgres

bench-log: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_log.py

bench-attach: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_attach.py

bench-search: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_search.py

bench-threads: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_threads.py

bench-conversations: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_conversations.py

bench-listener: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python tests/benchmarks/bench_listener.py

# The receiver on PostgreSQL next to SQLite, and two receivers on one database.
bench-receiver: $(STAMP)
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python tests/benchmarks/bench_receiver_backends.py

# A receiver under load while PostgreSQL restarts (fast, then immediate).
drill-pg-restart: $(STAMP)
	$(BIN)/python tests/benchmarks/drill_pg_restart.py

# Every known attack on the listener at once for 60 s, while real receipts flow.
drill-listener: $(STAMP)
	$(BIN)/python tests/benchmarks/drill_listener.py

# Team mode's claims: two resumes racing over 1,000 messages; a send killed mid-request
# whose lease runs out and another process finishes it (both on a PostgreSQL server).
drill-claims: $(STAMP)
	$(BIN)/python tests/benchmarks/drill_resume_race.py
	$(BIN)/python tests/benchmarks/drill_lease_takeover.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

# Installers. `make deb` builds dist/sms-operator-console_<version>_<arch>.deb from a frozen
# build (packaging/build.py); `make deb-check` then unpacks it and runs it (tests/packaging).
.PHONY: deb deb-check

deb:
	$(PYTHON) scripts/check_python.py
	bash scripts/system_packages.sh
	bash scripts/packaging_packages.sh
	$(PYTHON) packaging/build.py
	bash packaging/linux/build-deb.sh

deb-check: deb $(STAMP)
	$(BIN)/pytest tests/packaging
