"""The runner: properties searched together give the outcomes of each searched alone."""

from __future__ import annotations

import types

import pytest

import manual_rnn
from reference.properties import IMPLEMENTATION_PROPERTIES, Implementation
from reference.runner import search, search_together
from tests.faults._catalog import load


def _summary(outcome):
    """Everything a report takes from an outcome, bar the time."""
    return (outcome.prop, outcome.status, outcome.examples, outcome.examples_to_failure,
            outcome.message, repr(outcome.case),
            [(c.function, c.key, c.index, c.max_abs) for c in outcome.comparisons],
            sorted((k, s.examples, s.max_abs, s.max_rel, s.max_ratio, tuple(s.points))
                   for k, s in outcome.stats.items()))


@pytest.mark.parametrize("module, family, search_kw", [
    (manual_rnn, "lstm", dict(seed=7)),
    (manual_rnn, "gru", dict(derandomize=True)),
    ("ex_rnn_backward_dx_like_x", None, dict(seed=7)),
    ("ex_lstm_backward_da_prev_not_added", None, dict(derandomize=True)),
])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_searched_together_as_alone(module, family, search_kw, dtype):
    """Passing properties see the same cases, with the same largest errors; failing
    ones the same first failure, shrunk to the same minimal case; skipped ones the
    same reason."""
    if isinstance(module, str):
        module, family = load(module), load(module).FAMILY
    impl = Implementation(module)
    together = search_together(impl, IMPLEMENTATION_PROPERTIES, family, dtype, max_examples=15,
                               **search_kw)
    alone = [search(impl, prop, family, dtype, max_examples=15, **search_kw)
             for prop in IMPLEMENTATION_PROPERTIES]
    assert [o.prop for o in together] == list(IMPLEMENTATION_PROPERTIES)
    for t, a in zip(together, alone):
        assert _summary(t) == _summary(a), t.prop
    if module is not manual_rnn:
        assert any(o.failed for o in together) and any(o.status == "passed" for o in together)


def test_a_failure_that_does_not_come_back_is_still_reported():
    """An implementation wrong on one call only: the search alone passes, and the
    failure the shared search saw is reported, unshrunk, saying why."""
    calls = {"n": 0}

    def rnn_backward(da, caches):
        calls["n"] += 1
        grads = manual_rnn.rnn_backward(da, caches)
        if calls["n"] == 5:
            grads = {**grads, "dWaa": grads["dWaa"] + 1.0}
        return grads

    module = types.ModuleType("once_wrong")
    module.__dict__.update(rnn_forward=manual_rnn.rnn_forward, rnn_backward=rnn_backward)
    outcomes = {o.prop: o for o in search_together(
        Implementation(module), ["backward", "zero_upstream", "batch_columns"], "rnn",
        max_examples=10, seed=1)}
    wrong = [o for o in outcomes.values() if o.failed]
    assert len(wrong) == 1, {p: o.status for p, o in outcomes.items()}
    assert "dWaa" in wrong[0].message and "not shrunk" in wrong[0].message
    assert wrong[0].case is not None and wrong[0].examples_to_failure is not None
    assert all(o.status == "passed" for o in outcomes.values() if o is not wrong[0])


def test_properties_the_module_cannot_run_are_skipped_with_the_reason():
    module = types.ModuleType("forward_only")
    module.rnn_forward = manual_rnn.rnn_forward
    outcomes = search_together(Implementation(module), ["forward", "backward", "cell_forward"],
                               "rnn", max_examples=5, seed=0)
    assert [o.status for o in outcomes] == ["passed", "skipped", "skipped"]
    assert "rnn_backward" in outcomes[1].message and "rnn_cell_forward" in outcomes[2].message
    assert outcomes[0].examples == 5
