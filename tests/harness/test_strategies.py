"""The strategies draw the same cases for the same seed, whatever code is loaded."""

from __future__ import annotations

import dataclasses
import importlib.util
import sys

import manual_rnn
from reference import properties, runner
from reference.implementation import Implementation


PROPERTY = properties.PROPERTIES["cell_forward"]


def _drawn_cases(monkeypatch, examples: int = 40) -> list[str]:
    seen = []
    prop = PROPERTY

    def record(impl, case):
        seen.append(repr(case))
        return prop.check(impl, case)

    monkeypatch.setitem(runner.PROPERTIES, "cell_forward", dataclasses.replace(prop, check=record))
    runner.search(Implementation(manual_rnn), "cell_forward", "rnn", max_examples=examples, seed=0)
    return seen


def test_cases_do_not_depend_on_the_literals_of_loaded_code(monkeypatch, tmp_path):
    """Hypothesis mixes integer literals of local modules into its draws; a user's
    module full of them must not change the cases of ``--seed 0``."""
    before = _drawn_cases(monkeypatch)
    source = "CONSTANTS = [" + ", ".join(str(n) for n in (*range(1, 60), 218, 4097, 99991, 2**31 - 5)) + "]\n"
    path = tmp_path / "literals_of_a_user_module.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("literals_of_a_user_module", path)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "literals_of_a_user_module", module)
    spec.loader.exec_module(module)
    assert _drawn_cases(monkeypatch) == before


def test_cases_do_not_depend_on_numpys_global_random_state(monkeypatch):
    """A module that reseeds NumPy's global generator at import (an exported
    notebook) or draws from it changes nothing in the harness's cases."""
    import numpy as np

    before = _drawn_cases(monkeypatch, examples=20)
    np.random.seed(1)
    np.random.randn(7)
    assert _drawn_cases(monkeypatch, examples=20) == before
