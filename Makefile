# The two set-up commands of the README: `make run` and `make test`. Both create or reuse the
# virtualenv in .venv and install the project into it: `run` what serving needs, `test` the test
# tools besides.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

# Strict editable mode links every file of the package folders into build/, under the installed
# names; it is the editable mode in which Pelican discovers the namespace plugin. A file added or
# removed needs a new link, so the install depends on the folders themselves (their mtimes).
PACKAGE_FOLDERS := $(shell find src api plugin migrations -type d -not -name __pycache__)
INSTALL := $(BIN)/python -m pip install --quiet --config-settings editable_mode=strict -e

.PHONY: run test lint format clean screenshot vendor-uplot

PORT ?= 8000

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml $(PACKAGE_FOLDERS) | $(BIN)/python
	$(INSTALL) .
	touch $@

$(TEST_STAMP): pyproject.toml $(PACKAGE_FOLDERS) | $(BIN)/python
	$(INSTALL) '.[test]'
	touch $@ $(RUN_STAMP)

# The demo blog and the API on one local port, on the SQLite default (likes.sqlite3); the API's
# public origin is that address, where the widget's form is sent from.
# The demo's shared posts are on example hosts: their links are shown, no count is fetched.
run: $(RUN_STAMP)
	$(BIN)/pelican-likes db upgrade
	LIKES_SOCIAL_OFFLINE=1 $(BIN)/pelican content -s pelicanconf.py -o output
	@echo "Serving the demo blog and its API on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	LIKES_SITE_DIR=output LIKES_PUBLIC_ORIGIN=http://127.0.0.1:$(PORT) \
		$(BIN)/gunicorn -c python:pelican_likes.api.gunicorn_conf \
		pelican_likes.api.wsgi:app --bind 127.0.0.1:$(PORT) --workers 2 --access-logfile /dev/null

# docs/widget.png and docs/report-*.png for the README, from a freshly built demo.
screenshot: $(TEST_STAMP)
	$(BIN)/python -m scripts.screenshot docs/widget.png
	$(BIN)/python -m scripts.report_screenshot docs
	$(BIN)/python -m scripts.theme_screenshots docs/themes

# The report's charting library, unmodified from its npm package, with its licence.
UPLOT_VERSION ?= 1.6.32
UPLOT_DIR := src/pelican_likes/reports/assets
vendor-uplot:
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent uplot@$(UPLOT_VERSION) >/dev/null \
	  && tar xzf uplot-$(UPLOT_VERSION).tgz \
	  && cp package/dist/uPlot.iife.min.js package/dist/uPlot.min.css $(CURDIR)/$(UPLOT_DIR)/ \
	  && cp package/LICENSE $(CURDIR)/$(UPLOT_DIR)/uPlot.LICENSE && rm -rf $$tmp

# The suite on several pytest-xdist workers, each test module on one (so that a module's server
# or built blog is made once), in the order tests/conftest.py gives them: most of the suite waits
# on servers, builds and Chromium rather than on the CPU, so there are more workers than cores.
# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the suite
# starts hundreds of Pythons (gunicorn workers, builds, commands), which would otherwise compile
# the project anew each, where an installed package has its bytecode compiled once.
TEST_WORKERS ?= 3
test: $(TEST_STAMP)
	env -u PYTHONDONTWRITEBYTECODE \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(TEST_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) build dist output .pytest_cache .ruff_cache
