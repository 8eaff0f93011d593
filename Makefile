# One entry point for people, CI and the README. Every target creates the virtual environment it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := .vendor/.installed
# Builds take their dates from the last commit, never from the clock, so two builds of a commit are identical.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.DEFAULT_GOAL := help
.PHONY: help serve build check test lint typecheck unit lock clean vendor linkcheck engines generate editions offline new diff-report addresses release bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(VENDOR): vendor.lock.json tools/vendor.py
	$(PYTHON) -m tools.vendor
	@touch $@

vendor: $(VENDOR) ## fetch the pinned front-end files (Mermaid, axe-core) from the npm registry, hash-checked

serve: $(STAMP) $(VENDOR) ## the site, live, at http://127.0.0.1:8000 (reloads on changes to manual/, docs/, references.bib, glossary.yml)
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP) $(VENDOR) ## strict build of the site into site/
	$(BIN)/mkdocs build --strict --clean

generate: $(STAMP) ## write the complete site source as plain files into DIR (default: generated/) for any engine
	$(BIN)/python -m imap generate $(or $(DIR),generated)

editions: build offline ## the manual as PDF and EPUB (checked by EPUBCheck), the cards and each form as PDF, and the offline copy, into editions/ (PAPER=letter for US Letter)
	$(BIN)/python -m imap editions site editions $(if $(PAPER),--paper $(PAPER)) --renders test-artifacts/editions
	$(BIN)/python -m tools.epubcheck editions/imap-manual.epub

# The offline edition: the site built to be opened from the file system (no directory URLs, search index as a script),
# finished and zipped by the engine. Release links are left out (IMAP_EDITIONS=): the zip holds no other edition.
offline: $(STAMP) $(VENDOR) ## the whole site to open from your own disk (search included), zipped into editions/
	IMAP_OFFLINE=true IMAP_EDITIONS= $(BIN)/mkdocs build --strict --clean --site-dir .offline-site
	$(BIN)/python -m imap offline .offline-site editions

check: $(STAMP) ## validate manual/ and references.bib (no site build; seconds)
	$(BIN)/python -m imap check

lint: $(STAMP) ## ruff over the code and tests
	$(BIN)/ruff check imap tests tools hooks
	$(BIN)/ruff format --check imap tests tools hooks

typecheck: $(STAMP) ## mypy (strict) over the code
	$(BIN)/mypy

unit: $(STAMP) $(VENDOR) ## the test suite, one process per core (pytest -n auto; plain `pytest` runs it in one)
	$(BIN)/pytest -n auto --dist worksteal

linkcheck: build ## every internal link (LinkChecker, offline) and every anchor (one pass over the built files) of the site
	$(BIN)/python -m tools.linkcheck site

engines: build ## the site built by ProperDocs, and from the generated tree, is the site MkDocs built
	$(BIN)/python -m tools.engines site

# The tests, the link check and the engine comparison run side by side (each one's output kept together): the tests
# run one process per core, and the other two fill the time the last tests leave a core idle.
test: lint typecheck check ## everything: lint, types, content check, tests (site builds, browser), link check, engines
	$(MAKE) --no-print-directory --output-sync=target -j3 unit linkcheck engines

bench: $(STAMP) $(VENDOR) ## measure build time, scaling, check, live preview, page weight (long; not in make test)
	$(BIN)/python -m tools.bench $(BENCH_ARGS)

# KIND and TITLE are author text: they reach Python only through the environment, as typed ($(value ...): make
# expands nothing in them), never through the recipe's shell text; the CLI checks them and prints the usage.
# Unexported, because make would otherwise expand them (running any $(shell ...) in them) to pass them on.
unexport KIND TITLE
new: export IMAP_NEW_KIND = $(value KIND)
new: export IMAP_NEW_TITLE = $(value TITLE)
new: $(STAMP) ## scaffold a new item with the next free ID: make new KIND=principle TITLE="..."
	$(BIN)/python -m imap new --from-env

diff-report: $(STAMP) ## what a change does to items, evidence links and references: make diff-report BASE=main HEAD=HEAD
	$(BIN)/python -m imap diff-report $(or $(BASE),main) $(or $(HEAD),HEAD)

addresses: build ## add every address of the built site to addresses.txt (run before each release)
	$(BIN)/python -m imap register site

release: $(STAMP) $(VENDOR) ## publish VERSION with mike to the local gh-pages branch at /MAJOR.MINOR/ and as latest (PUSH=1 pushes)
	$(BIN)/python -m tools.release $(if $(PUSH),--push)

lock: ## re-resolve requirements.in into requirements.lock
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -r requirements.in
	(echo '# Exact versions for every package the project installs (generated by `make lock` from requirements.in).'; \
	 .lock-venv/bin/python -m pip freeze --exclude-editable) > requirements.lock
	rm -rf .lock-venv

clean: ## remove the built site and caches (keeps the virtual environment)
	rm -rf site .offline-site .cache .pytest_cache .mypy_cache .ruff_cache .vendor docs/assets/vendor
