# The Co-production Casebook. `make book` builds the site, `make check` checks it fast,
# `make test` proves it. Every target creates .venv from requirements.lock when it is missing or
# older than the lock, so `make` is the only command a contributor types.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
SITE   := _build/html
PORT   ?= 8000
ID     ?=

# Everything the site is built from; folders are listed too, so adding or deleting a file counts.
SOURCES := $(shell find chapters data book/ locales -not -path '*/__pycache__*' -not -name '*.mo') _config.yml _toc.yml references.bib CHANGELOG.md requirements.lock
SITE_STAMP := $(SITE)/.built-from-sources

.PHONY: book check test validate new-case serve clean lock pdf bench datapackage schema-docs format translations

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13) and "Python 3.11, 3.12 or 3.13 is required (set PYTHON=/path/to/python3.x)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Data, bibliography, chapters and table of contents: everything a reviewer checks first.
validate: $(STAMP)
	$(BIN)/python -m book validate

# Scaffold a case: make new-case ID=my-case
new-case: $(STAMP)
	@test -n "$(ID)" || { echo "Name the case: make new-case ID=my-case (lower-case words joined by hyphens)" >&2; exit 2; }
	$(BIN)/python -m book new-case "$(ID)"

book: $(SITE_STAMP)
	@echo "The book is built: open $(SITE)/index.html, or run 'make serve'."

# Rebuilt only when a source is newer than the last successful build.
$(SITE_STAMP): $(STAMP) $(SOURCES)
	$(BIN)/python -m book validate
	$(BIN)/python -m book datapackage
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python -m book chinese-edition
	$(BIN)/python -m book pdf
	$(BIN)/python -m book pdf --chinese
	@touch $@

# Fast feedback (about 20 s): validate, unit tests, lint, format and spelling. No build.
check: $(STAMP)
	$(BIN)/python -m book validate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/codespell
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -m "not build and not browser and not slow"

# Everything, the full build and the browser included; prints the slowest tests.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup --durations=10

# Fix what ruff can fix and format the code.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Chinese edition's catalogues (locales/zh_CN/) from the English pages and list what
# each page still needs; see CONTRIBUTING.md, "Translating a page".
translations: $(STAMP)
	$(BIN)/python -m book translations

# The data as one Frictionless Data Package; `make book` refreshes it too.
datapackage: $(STAMP)
	$(BIN)/python -m book datapackage

# data/schemas/README.md, the schema reference readable on GitHub; a test keeps it in step.
schema-docs: $(STAMP)
	$(BIN)/python -m book schema-docs

# `make book` builds the PDF too, into the site; this builds it alone.
pdf: validate
	$(BIN)/python -m book pdf
	$(BIN)/python -m book pdf --chinese

serve:
	@test -f $(SITE)/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	@echo "Serving $(SITE) on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

# The times of `make check` and `make test`, then build times, page weights and Lighthouse scores
# (`make bench BENCH=--checks-only` stops after the first two; `make bench BENCH='--cases 100'` measures
# a temporary copy holding 100 cases instead: build, add-one rebuild, the comparison page's weight and height).
bench: $(STAMP)
	$(BIN)/python -m book bench $(BENCH)

clean:
	rm -rf _build .pytest_cache

# Re-pin every package after editing pyproject.toml: one lock for Linux, macOS and Windows,
# Python 3.11 to 3.13 (needs uv: `$(BIN)/pip install uv`, or pipx).
lock:
	uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes --no-header -o requirements.lock
