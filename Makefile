# The two set-up commands of the README: `make run` and `make test`. Both create or reuse the
# virtualenv in .venv and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format clean screenshot

PORT ?= 8000

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo blog and the API on one local port, on the SQLite default (likes.sqlite3).
run: $(STAMP)
	$(BIN)/pelican-likes db upgrade
	$(BIN)/pelican content -s pelicanconf.py -o output
	@echo "Serving the demo blog and its API on http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	LIKES_SITE_DIR=output $(BIN)/gunicorn api.app:app -c gunicorn.conf.py \
		--bind 127.0.0.1:$(PORT) --workers 2 --access-logfile /dev/null

# docs/widget.png for the README, from a freshly built demo.
screenshot: $(STAMP)
	$(BIN)/python scripts/screenshot.py docs/widget.png

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache
