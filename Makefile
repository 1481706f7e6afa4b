# Two commands on a fresh machine with Python 3.11:  make site   and   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
# The same tests on ProperDocs (the continuation of mkdocs 1.x) instead of mkdocs: README, "Platform".
PROPERDOCS_VENV := .venv-properdocs
# Root installs Debian packages itself; anyone else through sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT    := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get

# Material for MkDocs prints an end-of-life notice (May 2027, Zensical named as successor) on
# every build. NO_MKDOCS_2_WARNING=1 silences it for the builds below; the README's "Platform"
# section gives the same dates once, and says where else it is silenced.
QUIET_PLATFORM := NO_MKDOCS_2_WARNING=1

.PHONY: site test test-properdocs bench schema clean system-deps yaml-language-server lighthouse

$(BIN)/policy: pyproject.toml constraints.txt
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  echo "installing: python3-venv (Python's venv module)"; \
	  $(APT) update -qq && $(APT) install -y -qq python3-venv >/dev/null; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	@touch $@

$(VENV)/.test-deps: $(BIN)/policy
	$(PIP) -e '.[test]'
	@touch $@

site: $(BIN)/policy
	$(QUIET_PLATFORM) $(BIN)/policy build --out site

# What the tests need from the system: a Chromium for the browser tests, npm for the pinned
# checkers below, and Java for the Nu Html Checker (Debian's packages when missing). tests/chromium.py
# looks where the tests look ($CHROMIUM, PATH, Debian's, macOS's Applications); only when it
# finds none, and $CHROMIUM names none, is Debian's package installed (the linters come from
# PyPI with the test extras).
system-deps: $(BIN)/policy
	@$(BIN)/python tests/chromium.py >/dev/null 2>&1 || { \
	  if [ -n "$$CHROMIUM" ] || ! command -v apt-get >/dev/null 2>&1; then \
	    $(BIN)/python tests/chromium.py; exit 1; fi; \
	  echo "installing: chromium"; \
	  $(APT) update -qq && $(APT) install -y -qq chromium >/dev/null; }
	@missing=""; \
	  command -v npm >/dev/null 2>&1 || missing="$$missing nodejs npm"; \
	  command -v java >/dev/null 2>&1 || missing="$$missing default-jre-headless"; \
	  if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    $(APT) update -qq && $(APT) install -y -qq $$missing >/dev/null; fi

# The YAML language server VS Code's YAML extension runs, pinned, into .cache/, for the test
# that the school schema completes passage names (tests/test_editor_schema.py). Without npm the
# test says so and is skipped.
YAML_LS := .cache/yaml-language-server/node_modules/yaml-language-server/bin/yaml-language-server

# The browser tests' checkers, from npm, pinned: axe-core (loaded into each page by
# tests/browser) and the Nu Html Checker (vnu-jar, run on the machine's Java by
# tests/test_html_valid.py). Installed once, when missing.
AXE_VERSION := 4.14.1
VNU_VERSION := 26.9.27
NPM_CHECKERS := .cache/node/.installed-axe-$(AXE_VERSION)-vnu-$(VNU_VERSION)
$(NPM_CHECKERS):
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install axe-core and the Nu Html Checker for the tests (Debian: apt-get install nodejs npm)"; exit 1; }
	npm install --prefix .cache/node --no-audit --no-fund --silent axe-core@$(AXE_VERSION) vnu-jar@$(VNU_VERSION)
	@touch $@

yaml-language-server:
	@if [ -x "$(YAML_LS)" ]; then :; \
	elif command -v npm >/dev/null 2>&1; then \
	  npm install --prefix .cache/yaml-language-server --no-audit --no-fund --silent yaml-language-server@2.0.0; \
	else echo "note: npm is not installed, so the editor completion test is skipped (apt-get install nodejs npm)"; fi

# The tests run on every core (pytest-xdist). A module, or a class, goes whole to one worker,
# so its fixtures are set up once; each part of the browser audit is a class of its own
# (tests/browser/test_every_page.py). TEST_WORKERS=0 runs them in this one process.
TEST_WORKERS ?= auto
PYTEST_WORKERS := -n $(TEST_WORKERS) --dist loadscope

test: $(VENV)/.test-deps system-deps yaml-language-server $(NPM_CHECKERS)
	$(QUIET_PLATFORM) $(BIN)/python -m pytest $(PYTEST_WORKERS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

# ProperDocs in place of mkdocs: its own venv, the same pins plus properdocs (material and
# mkdocs-macros still install mkdocs 1.6.1 as their dependency; macros/platform.py makes every
# `mkdocs` import load ProperDocs instead when it is installed).
$(PROPERDOCS_VENV)/.test-deps: pyproject.toml constraints.txt | $(BIN)/policy
	$(PYTHON) -m venv $(PROPERDOCS_VENV)
	$(PROPERDOCS_VENV)/bin/pip install --quiet --disable-pip-version-check -c constraints.txt \
	  -e '.[test,properdocs]'
	@touch $@

test-properdocs: $(PROPERDOCS_VENV)/.test-deps system-deps yaml-language-server $(NPM_CHECKERS)
	$(QUIET_PLATFORM) $(PROPERDOCS_VENV)/bin/python -m pytest $(PYTEST_WORKERS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests"; exit 1; fi; exit $$rc

bench: $(VENV)/.test-deps system-deps
	$(QUIET_PLATFORM) $(BIN)/python benchmarks/bench.py

# Lighthouse (mobile) on the home, longest and print pages of a freshly built site, scored
# against Debian's chromium. Not part of `make test`: it measures, it does not time a test.
# 12.8.2 is the newest release for the Node.js Debian ships (20); Lighthouse 13 needs Node 22.19.
# `make lighthouse RUNS=5 SCHOOLS="westfield hartsfield"` measures more (benchmarks/lighthouse.py).
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := .cache/lighthouse/node_modules/lighthouse/cli/index.js
LIGHTHOUSE_INSTALLED := .cache/lighthouse/.installed-$(LIGHTHOUSE_VERSION)
RUNS ?= 3
SCHOOLS ?= westfield
$(LIGHTHOUSE_INSTALLED):
	@command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install Lighthouse (Debian: apt-get install nodejs npm)"; exit 1; }
	npm install --prefix .cache/lighthouse --no-audit --no-fund --silent lighthouse@$(LIGHTHOUSE_VERSION)
	@touch $@

lighthouse: $(BIN)/policy system-deps $(LIGHTHOUSE_INSTALLED)
	$(QUIET_PLATFORM) $(BIN)/python benchmarks/lighthouse.py --lighthouse $(LIGHTHOUSE) --runs $(RUNS) $(SCHOOLS)

schema: $(BIN)/policy
	$(BIN)/policy schema

clean:
	rm -rf $(VENV) $(PROPERDOCS_VENV) site
