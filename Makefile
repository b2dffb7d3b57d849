# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark
DEMO_STAMP  := $(VENV)/.installed-demo

.PHONY: demo test check lint typecheck schema docs-check policies unit test-spark test-browser docs clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The demo needs gridpolicing alone: none of the test tool chain.
$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(BIN)/gridpolicing demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

schema: $(STAMP)
	$(BIN)/gridpolicing schema --check

docs-check: $(STAMP)
	$(BIN)/python -m gridpolicing.policy.docgen --check

policies: $(STAMP)
	$(BIN)/gridpolicing validate policies tests/policies/clauses tests/policies/readings
	mkdir -p build
	$(BIN)/gridpolicing test policies --junit build/policy-tests.xml
	$(BIN)/gridpolicing test tests/policies/clauses --junit build/clause-tests.xml
	$(BIN)/gridpolicing test tests/policies/readings --junit build/reading-tests.xml

unit: $(STAMP)
	$(BIN)/python -m pytest -q --ignore=tests/spark --ignore=tests/browser

# The Spark engine: PySpark (the spark extra) and a Java runtime (Debian's, when none is found).
$(SPARK_STAMP): $(STAMP)
	sh scripts/ensure-java.sh
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $(SPARK_STAMP)

test-spark: $(SPARK_STAMP)
	GRIDPOLICING_REQUIRE_SPARK=1 $(BIN)/python -m pytest -q tests/spark

# The HTML report in a real headless Chromium (Debian's, scripts/ensure-chromium.sh), driven by
# Playwright (the test extra) without downloading a browser.
test-browser: $(STAMP)
	sh scripts/ensure-chromium.sh
	GRIDPOLICING_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q tests/browser

test: lint typecheck schema docs-check policies unit test-spark test-browser

# The everyday loop, a few minutes: lint, types and the tests not marked slow (tests/conftest.py).
check: lint typecheck
	$(BIN)/python -m pytest -q --ignore=tests/spark --ignore=tests/browser -m "not slow"

# The fuzz targets with a long budget (tests/fuzz/run.py); not part of `make test`.
fuzz: $(STAMP)
	$(BIN)/python tests/fuzz/run.py --minutes 10

# Regenerate what the checks above compare against.
docs: $(STAMP)
	$(BIN)/gridpolicing schema
	$(BIN)/python -m gridpolicing.policy.docgen

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
