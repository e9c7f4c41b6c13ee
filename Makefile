# Tasks for maintainers. The README's two commands stay the way in:
# `pip install -r requirements.txt && mkdocs serve` and
# `pip install -r requirements-dev.txt && python -m pytest` (= make test).

PYTHON ?= python

.PHONY: check fast test docs build bench

# Lint, the stamped helper copies and the generated notebooks, in seconds.
check:
	$(PYTHON) -m ruff check .
	$(PYTHON) -m sitekit.stamp --check
	$(PYTHON) -m sitekit.notebook --check

# The fast loop: every test that builds no site and drives no browser. Both
# targets run on every core (pytest-xdist, pyproject.toml's addopts); add
# `-n 0` to a pytest command for one process (pdb, -s).
fast:
	$(PYTHON) -m pytest -m "not slow" -q

# Everything, as CI runs it.
test:
	$(PYTHON) -m pytest

# Serve the site, rebuilding on every save.
docs:
	mkdocs serve

# The static site into site/ (never with -q: it hides what --strict counts).
build:
	mkdocs build --strict

# Timings of the snippets and of the build; writes docs/performance.md.
bench:
	$(PYTHON) -m tests.benchmarks.run --write --build
