# The Co-production Casebook. `make book` builds the site, `make test` proves it.
# Each target creates .venv from requirements.lock when it is missing or older than the lock.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-from-lock
SITE   := _build/html
PORT   ?= 8000

# Everything the site is built from; folders are listed too, so adding or deleting a file counts.
SOURCES := $(shell find chapters data book/ -not -path '*/__pycache__*') _config.yml _toc.yml references.bib CHANGELOG.md
SITE_STAMP := $(SITE)/.built-from-sources

.PHONY: book test serve clean lock validate pdf bench datapackage

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Python 3.11 is required (set PYTHON=/path/to/python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

validate: $(STAMP)
	$(BIN)/python -m book validate

book: $(SITE_STAMP)
	@echo "The book is built: open $(SITE)/index.html, or run 'make serve'."

# Rebuilt only when a source is newer than the last successful build.
$(SITE_STAMP): $(STAMP) $(SOURCES)
	$(BIN)/python -m book validate
	$(BIN)/python -m book datapackage
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python -m book pdf
	@touch $@

# The data as one Frictionless Data Package; `make book` refreshes it too.
datapackage: $(STAMP)
	$(BIN)/python -m book datapackage

# `make book` builds the PDF too, into the site; this builds it alone.
pdf: validate
	$(BIN)/python -m book pdf

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadgroup

serve:
	@test -f $(SITE)/index.html || { echo "No site yet: run 'make book' first."; exit 1; }
	@echo "Serving $(SITE) on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

bench: $(STAMP)
	$(BIN)/python -m book bench

clean:
	rm -rf _build .pytest_cache

# Re-pin every package after editing pyproject.toml (needs `pip install uv`).
lock:
	uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes --no-header -o requirements.lock
