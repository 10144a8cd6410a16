# Two commands for a fresh clone: `make verify` and `make test`.
# Both create .venv and install the project with its test extras first.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install test verify survey clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

## make test: the whole suite (profile from HYPOTHESIS_PROFILE; `ci` when CI is set).
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## make verify: the main job, the property suite against the JAX reference.
verify: $(STAMP)
	$(PY) -m pytest tests/test_properties.py -q $(PYTEST_ARGS)

## make survey: error-to-tolerance ratios of correct code (see README, Tolerances).
survey: $(STAMP)
	$(PY) benchmarks/tolerance_survey.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
