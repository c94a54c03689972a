# alarmbell developer and CI entry points. CI runs `.ci/run`, which runs `make test`: one path.
# Needs only python3 (3.11+), make, and for system-deps Debian's apt-get.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.alarmbell-installed
SYSTEM_PACKAGES := chromium postgresql fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
# Extra arguments for both pytest runs, e.g. `make test PYTEST_ARGS="-x -k chronology"`.
PYTEST_ARGS ?=
# Arguments for `alarmbell demo`, e.g. `make demo DEMO_ARGS="--children 100"`.
DEMO_ARGS ?=

# Every generator of a file in docs/, as `module [output]` for `python -m`; tests/docs checks that
# each generator a doc names is here.
DOC_GENERATORS := "alarmbell.docs_gen docs" "alarmbell.ingest.schema docs/exchange-format.schema.json" \
  "alarmbell.policy.docs docs/policy.md"

LINT_STEPS := "ruff check --output-format=concise ." "ruff format --check --output-format=concise ." \
  "mypy" "lint-imports"

step = printf '\n==> %s\n' "$(1)"
# Run pytest; exit 5 (no tests collected) stays a failure, with a word saying why.
pytest = rc=0; $(1) || rc=$$?; \
  if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): that counts as a failure" >&2; fi; \
  exit $$rc

.PHONY: help install demo docs lint system-deps test test-fast test-sqlite test-postgres bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The stamp holds a hash of pyproject.toml and the venv's Python version, so a second run is a
# no-op until either changes (file times are unreliable after clones and copies).
install: ## Create .venv (if missing) and pip install -e ".[dev]" into it
	@want="$$(sha256sum < pyproject.toml | cut -c1-64) $$($(BIN)/python -V 2>&1 || true)"; \
	if [ -f $(STAMP) ] && [ "$$(cat $(STAMP))" = "$$want" ]; then exit 0; fi; \
	$(call step,install: pip install -e .[dev] into $(VENV)); \
	if ! $(BIN)/python -c '' 2>/dev/null; then \
	  $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	    || { echo "alarmbell needs Python 3.11+; $(PYTHON) is $$($(PYTHON) -V 2>&1)" >&2; exit 1; }; \
	  rm -rf $(VENV); \
	  $(PYTHON) -m venv $(VENV) \
	    || { echo "could not create $(VENV) (Debian: apt-get install python3-venv)" >&2; exit 1; }; \
	fi; \
	$(BIN)/python -m pip install --disable-pip-version-check --progress-bar off -q -e ".[dev]" 2>&1 \
	  | { grep -v "^WARNING: Location '.*' is ignored: it is neither a file nor a directory" || true; }; \
	echo "$$(sha256sum < pyproject.toml | cut -c1-64) $$($(BIN)/python -V 2>&1)" > $(STAMP); \
	echo "installed into $(VENV) ($$($(BIN)/python -V))"

demo: install ## Build a fresh demo database and serve the web app
	$(BIN)/alarmbell demo $(DEMO_ARGS)

docs: install ## Regenerate every generated doc (settings, CLI, schema, policy); a rerun changes nothing
	@for gen in $(DOC_GENERATORS); do $(BIN)/python -m $$gen; done

lint: install ## ruff check, ruff format --check, mypy, import-linter (runs all, then fails if any did)
	@failed=""; \
	for cmd in $(LINT_STEPS); do \
	  $(call step,lint: $$cmd); \
	  $(BIN)/$$cmd || failed="$$failed [$$cmd]"; \
	done; \
	if [ -n "$$failed" ]; then \
	  printf '\nlint FAILED:%s\n' "$$failed" >&2; \
	  echo "(most ruff findings fix with: $(BIN)/ruff check --fix . && $(BIN)/ruff format .)" >&2; \
	  exit 1; \
	fi; \
	printf '\nlint passed\n'

system-deps: ## Ensure Debian's chromium, postgresql and fonts-dejavu-core are installed
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q 'install ok installed' \
	    || missing="$$missing $$pkg"; \
	done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	missing="$$(printf '%s\n' $$missing | sort -u | xargs)"; \
	if [ -z "$$missing" ]; then echo "system packages present: $(SYSTEM_PACKAGES)"; exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
	  echo "missing system packages: $$missing (no apt-get here: install them by hand)" >&2; exit 1; \
	fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "missing system packages: $$missing (not root, so not installing them)" >&2; \
	  echo "run:  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing" >&2; \
	  exit 1; \
	fi; \
	$(call step,system-deps: apt-get install $$missing); \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q; \
	apt-get install -y -q $$missing

# Run 1: SQLite, every test (browser and pure ones included).
test-sqlite: install
	@$(call step,pytest: SQLite)
	@$(call pytest,env -u ALARMBELL_TEST_POSTGRES_URL -u ALARMBELL_TEST_BACKENDS $(BIN)/pytest $(PYTEST_ARGS))

# Run 2: PostgreSQL in a throwaway cluster, only the tests that use a store (tests/conftest.py
# marks them `backend`); the browser and pure tests already ran once above.
test-postgres: install
	@$(call step,pytest: PostgreSQL (throwaway cluster from scripts/with-postgres))
	@$(call pytest,scripts/with-postgres env ALARMBELL_TEST_BACKENDS=postgresql \
	  $(BIN)/pytest -m "backend and not browser" $(PYTEST_ARGS))

# The inner loop: SQLite only, no lint, and neither `slow` tests (other processes, kill -9
# trials, concurrency, load) nor `browser` ones. `make test` still runs everything, as CI does.
test-fast: install ## Quick pytest on SQLite, without slow and browser tests (not what CI runs)
	@$(call step,pytest: SQLite (no slow or browser tests))
	@$(call pytest,env -u ALARMBELL_TEST_POSTGRES_URL -u ALARMBELL_TEST_BACKENDS \
	  $(BIN)/pytest -m "not slow and not browser" $(PYTEST_ARGS))

test: install system-deps lint ## Lint, then pytest on SQLite, then on PostgreSQL
	@start=$$SECONDS; failed=""; \
	$(MAKE) test-sqlite || failed="$$failed sqlite"; \
	$(MAKE) test-postgres || failed="$$failed postgresql"; \
	if [ -n "$$failed" ]; then \
	  printf '\ntests FAILED on:%s (%ss)\n' "$$failed" "$$((SECONDS - start))" >&2; exit 1; fi; \
	printf '\ntests passed on sqlite and postgresql (%ss)\n' "$$((SECONDS - start))"

bench: install ## Quick benchmarks (benchmarks/run.py --quick)
	@if [ -f benchmarks/run.py ]; then \
	  $(BIN)/python benchmarks/run.py --quick; \
	else \
	  echo "no benchmarks yet: benchmarks/run.py does not exist" >&2; exit 1; \
	fi
