# Set-up and everyday commands. Everything installs into ./.venv from pinned versions.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# Models ship inside installed packages; nothing is fetched from a model hub at run time.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
# Idle OpenMP threads sleep instead of spinning (see THREAD_ENV in assistant/runtime.py): two test
# workers or a server beside an ingest no longer starve each other on two cores.
export OMP_WAIT_POLICY := PASSIVE

.PHONY: install run test test-fast clean browser

install: $(STAMP)

# torch goes in first, pinned to the CPU build, so nothing later pulls a CUDA build.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

run: install
	$(BIN)/ngoaid ingest samples
	@echo "Chat: http://$(HOST):$(PORT)/   API: http://$(HOST):$(PORT)/docs"
	@echo "Uploads and deletions are open to programs on this machine (not to other sites' pages). To require a token, run:"
	@echo "  NGOAID_API_TOKEN=<a long secret> make run"
	$(BIN)/ngoaid serve --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests; they are skipped where it cannot be installed.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
	  echo "Chromium is not installed: the browser tests will be skipped."

# Two workers, each test file whole on one of them (module fixtures and in-file order kept): the
# suite took 20 min in one process on a 2-core machine and 14 min in two.
TEST_WORKERS ?= 2
test: install browser
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# For the edit-test loop: everything but the tests marked slow (the real model over the shared
# corpora, crash and load tests), the browser and external servers; 2.5 min on a 2-core machine.
test-fast: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not slow and not browser and not server"

clean:
	rm -rf $(VENV) data .pytest_cache test-artifacts
