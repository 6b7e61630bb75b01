# MIKEY for constrained devices. `make demo` and `make test` set everything up.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.setup-done
BOARD ?=
PORT ?=
PYTEST_ARGS ?=
ROMFS ?=

.PHONY: setup test demo bench size deploy clean

setup: $(STAMP)

# Idempotent: reruns only when the pins or the host package change.
$(STAMP): tools/requirements.txt host/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r tools/requirements.txt -e host
	@$(BIN)/python tools/toolchain.py || { \
	  echo "make setup: no usable MicroPython; firmware tests and benchmarks need MICROPYTHON=/path/to/micropython" >&2; }
	@touch $(STAMP)

# pytest's exit status 5 means nothing was collected: a failure here.
test: setup
	@$(BIN)/python -m pytest tests $(PYTEST_ARGS) || { rc=$$?; \
	  [ $$rc -ne 5 ] || echo "make test: no tests were collected" >&2; exit $$rc; }

demo: setup
	$(BIN)/python tools/demo.py

bench: setup
	$(BIN)/python tools/bench.py

size: setup
	$(BIN)/python tools/size.py

deploy: setup
	@test -n "$(BOARD)" -a -n "$(PORT)" || { echo "usage: make deploy BOARD=esp32|rp2040 PORT=/dev/ttyUSB0 [ROMFS=1]" >&2; exit 2; }
	$(BIN)/python tools/deploy.py --board $(BOARD) --port $(PORT) $(if $(ROMFS),--romfs)

clean:
	rm -rf build
