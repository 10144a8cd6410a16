# Two commands for a fresh clone: `make verify` and `make test`.
# Both create .venv and install the project with its test extras first.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PYTEST_ARGS ?=

.PHONY: install test verify survey baseline thorough mutation catalog bench bench-smoke throughput bench-verdict clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

## make test: the whole suite on both cores (profile from HYPOTHESIS_PROFILE; `ci` when CI is set;
## loadfile keeps the plugin's suite in one worker, where each family and dtype shares its cases).
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

## make verify: the main job, rnn-verify on manual_rnn, checked against the shipped baseline.
verify: $(STAMP)
	$(VENV)/bin/rnn-verify --impl manual_rnn --baseline baselines/manual_rnn.json $(VERIFY_ARGS)

## make baseline: refresh the precision baseline after an intended numerical change.
baseline: $(STAMP)
	$(VENV)/bin/rnn-verify --impl manual_rnn --seed 0 --examples 20 --write-baseline baselines/manual_rnn.json

## make survey: error-to-tolerance ratios of correct code (see README, Tolerances).
survey: $(STAMP)
	$(PY) benchmarks/tolerance_survey.py

## make thorough: >= 100,000 fresh examples of every property on both cores, logging the
## largest error-to-tolerance ratio of each test (the false-alarm margin).
thorough: $(STAMP)
	mkdir -p reports && rm -f reports/thorough-ratios.jsonl
	HYPOTHESIS_PROFILE=thorough RNN_GRADCHECK_RATIO_LOG=$(CURDIR)/reports/thorough-ratios.jsonl \
		$(PY) -m pytest -n 2 -q -m rnn_gradcheck --rnn-impl manual_rnn $(PYTEST_ARGS)
	$(PY) benchmarks/ratio_summary.py reports/thorough-ratios.jsonl

## make catalog: hunt every fault of tests/faults and regenerate docs/fault-catalog.md.
catalog: $(STAMP)
	$(PY) -m tests.faults docs/fault-catalog.md

## make mutation: mutmut over manual_rnn with the derandomized `mutation` profile.
mutation: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[mutation]'
	rm -rf mutants
	HYPOTHESIS_PROFILE=mutation JAX_COMPILATION_CACHE_DIR=$(CURDIR)/.jax-cache \
		JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0 JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES=0 \
		$(VENV)/bin/mutmut run --max-children 2
	$(VENV)/bin/mutmut results

## make bench: speed of manual_rnn against seed-style NumPy, JAX and torch (if installed:
## `.venv/bin/pip install torch==2.13.0`), then again with OpenBLAS's kernel pins unset.
bench: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	mkdir -p reports
	$(PY) benchmarks/bench.py --plot reports/bench_tx.png
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) benchmarks/bench.py --plot reports/bench_tx_unset.png

## make bench-smoke: every benchmark once on small sizes (CI runs it; not timed).
bench-smoke: $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(PY) benchmarks/bench.py --quick
	$(PY) benchmarks/harness_throughput.py --examples 50 --rounds 1

## make throughput: verified examples per second of the harness, per family.
throughput: $(STAMP)
	$(PY) benchmarks/harness_throughput.py --examples 2000

## make bench-verdict: time to verdict of rnn-verify, this tree against 50a408a (interleaved
## rounds, medians; tens of minutes). `--quick` smoke run, `--profile` where the seconds go.
bench-verdict: $(STAMP)
	$(PY) benchmarks/bench_verdict.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis *.egg-info
