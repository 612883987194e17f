# Two commands: `make demo` builds the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo g4 g4-data test lint bench chromium clean

install: $(STAMP)

# Re-install only when the project metadata changed: a quick no-op otherwise.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	$(BIN)/wijkmonitor build . --site-dir site

# The G4 example on real geography (synthetic figures): its site into examples/g4/site.
# `make g4-data` regenerates its data (buurt figures only; add --with-parents for sums).
g4: install
	$(BIN)/wijkmonitor build examples/g4 --site-dir examples/g4/site

g4-data: install
	$(BIN)/python -m wijkmonitor.demo.g4 examples/g4

# Debian's chromium for the browser tests, installed when missing and we are root.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: install Debian's chromium package (browser tests need it)"; fi; \
	fi

test: install chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q

# Figures, never assertions: check + compute at national size, then full builds of about
# 1,000, 4,000 and 17,000 pages against a bare mkdocs-material build of the same shape,
# a rebuild after one indicator YAML changed, and peak memory; then the search's time to
# first result on a throttled phone at national size; seconds per PDF profile (80 of them,
# extrapolated to national size); Zensical against mkdocs-material
# on a bare site and on our pages of 4,000 pages (issue 13).
bench: install
	$(BIN)/python benchmarks/compute_scale.py
	$(BIN)/python benchmarks/site_scale.py --national 200 800 3300
	$(BIN)/python benchmarks/page_speed.py --national 3300
	$(BIN)/python benchmarks/search_speed.py --national 3300
	$(BIN)/python benchmarks/pdf_profiles.py --areas 40
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python benchmarks/zensical_compare.py --zensical $(BIN)/zensical --national 800

clean:
	rm -rf site .site.folders build .pytest_cache .wijkmonitor-cache examples/g4/.wijkmonitor-cache
