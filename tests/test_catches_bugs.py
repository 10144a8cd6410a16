"""The harness catches real bugs: each buggy module fails the shared properties,
with a message naming the function, the gradient key and (for sequences) the
time steps. The search runs the same property code as ``test_properties.py``.
"""

from __future__ import annotations

import pytest

from reference.properties import Implementation, load_implementation
from reference.runner import search

# module, property, family, phrases the failure message must contain
CAUGHT = [
    ("tests/faults/seed_rnn.py", "backward", "rnn", ["rnn_backward returned None for 'da0'"]),
    ("tests.faults.rnn_dwaa_transposed", "backward", "rnn", ["rnn_backward['dWaa']", "dWaa["]),
    ("tests.faults.rnn_dwaa_transposed", "cell_backward", "rnn", ["rnn_cell_backward['dWaa']"]),
    ("tests.faults.rnn_missing_da_prevt", "backward", "rnn",
     ["rnn_backward['dx']", "time steps: wrong at t=0"]),
    ("tests.faults.rnn_missing_da_prevt", "loss_gradient", "rnn", ["rnn_backward['da0']"]),
    ("tests.faults.lstm_candidate_erratum", "cell_backward", "lstm",
     ["lstm_cell_backward['dWc']"]),
    ("tests.faults.lstm_dc_prev_missing_term", "cell_backward", "lstm",
     ["lstm_cell_backward['dc_prev']"]),
    ("tests.faults.lstm_concat_swapped", "cell_backward", "lstm", ["lstm_cell_backward"]),
    ("tests.faults.lstm_dc_not_carried", "backward", "lstm",
     ["lstm_backward['dx']", "time steps: wrong at t=0; correct at t=1"]),
]


@pytest.mark.parametrize(("module", "prop", "family", "phrases"), CAUGHT,
                         ids=[f"{m.split('/')[-1].split('.')[-1]}-{p}" for m, p, *_ in CAUGHT])
def test_bug_is_caught(module, prop, family, phrases):
    impl = Implementation(load_implementation(module), module)
    outcome = search(impl, prop, family, max_examples=200, derandomize=True)
    assert outcome.failed, f"{module} passed {outcome.examples} examples of {prop}"
    for phrase in phrases:
        assert phrase in outcome.message, outcome.message


def test_correct_module_passes_the_same_search():
    impl = Implementation(load_implementation("manual_rnn"))
    for prop in ("backward", "loss_gradient"):
        outcome = search(impl, prop, "rnn", max_examples=50, derandomize=True)
        assert outcome.status == "passed", outcome.message
