# The README's two commands: `make run` and `make test`. Both create .venv when it is missing.
# Quiet unless something fails: set-up steps hold their output back and show it only on failure.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOWEST := .venv-lowest
LOWEST_STAMP := $(LOWEST)/.installed

# The fast subset run on the lowest versions (about a minute): files that exercise
# each direct dependency (Textual through Pilot, cryptography, TinyDB, orjson, watchfiles,
# PyYAML, jinja2, platformdirs, icalendar, hypothesis, import-linter, Babel, shtab). Named by
# file, found in tests/ or any folder under it. Snapshots are left out: they pin how the newest
# Textual draws.
LOWEST_FILES := test_store_replica test_store_tampering test_store_confidentiality \
	test_store_encoding test_store_merge_properties test_templates test_templates_sandbox \
	test_house_jinja_hooks test_house_layers test_house_import_cycles test_sync_watcher \
	test_smoke_cli test_themes test_tui_startup test_tui_badges test_tui_detail \
	test_tui_stage_lists test_dates_in_your_language test_cli_conveniences test_invitation
LOWEST_TESTS := $(foreach f,$(LOWEST_FILES),$(wildcard tests/$(f).py tests/*/$(f).py))

LOWEST_INSTALL := $(LOWEST)/bin/uv pip install --python $(LOWEST)/bin/python \
	--resolution lowest-direct -e '.[test]'

# $(call quietly,COMMAND): run COMMAND, printing its output only when it fails.
quietly = out=$$($(1) 2>&1) || { printf '%s\n' "$$out" >&2; exit 1; }

.PHONY: run test test-lowest bench lint format clean

$(STAMP): pyproject.toml
	@echo "Setting up $(VENV) (once, and after pyproject.toml changes)..."
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(call quietly,$(BIN)/python -m pip install -q --upgrade pip)
	@$(call quietly,$(BIN)/python -m pip install -q -e '.[test]')
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/followup-tui

# Two workers (pytest-xdist): the suite is mostly Pilot and tmux tests, each on one core.
test: $(STAMP)
	@$(BIN)/python -m pytest -q -n 2

# The lowest versions pyproject.toml allows for each direct dependency (uv's lowest-direct
# resolution), in a venv of their own, running the fast subset: proof the lower bounds are true.
$(LOWEST_STAMP): pyproject.toml
	@echo "Setting up $(LOWEST) with the lowest versions pyproject.toml allows..."
	@rm -rf $(LOWEST) && $(PY) -m venv $(LOWEST)
	@$(call quietly,$(LOWEST)/bin/python -m pip install -q 'uv>=0.5')
	@$(call quietly,$(LOWEST_INSTALL))
	@touch $(LOWEST_STAMP)

test-lowest: $(LOWEST_STAMP)
	@test $(words $(LOWEST_TESTS)) -eq $(words $(LOWEST_FILES)) || { echo "make test-lowest:" \
		"$(words $(LOWEST_TESTS)) of the $(words $(LOWEST_FILES)) LOWEST_FILES found;" \
		"update the list in the Makefile" >&2; exit 1; }
	@$(LOWEST)/bin/ruff check -q .
	@$(LOWEST)/bin/ruff format --check -q .
	@$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider -k "not snapshot" $(LOWEST_TESTS)

bench: $(STAMP)
	@$(BIN)/python -m bench

lint: $(STAMP)
	@$(BIN)/ruff check -q .
	@$(BIN)/ruff format --check -q .
	@$(call quietly,$(BIN)/lint-imports --no-cache)

format: $(STAMP)
	@$(BIN)/ruff format -q .
	@$(BIN)/ruff check -q --fix .

clean:
	rm -rf $(VENV) $(LOWEST) build *.egg-info .pytest_cache .ruff_cache .hypothesis \
		.import_linter_cache
