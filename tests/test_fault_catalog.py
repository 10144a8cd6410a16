"""Every catalogued fault is caught by the suite's own properties, and none is an
equivalent mutant. The table in the README comes from the same hunt
(``python -m tests.faults``)."""

from __future__ import annotations

import pytest

from tests.faults._catalog import fault_names, hunt, load, origin, witness_differences

FAULTS = fault_names()


def test_catalog_is_large_enough():
    by_origin = {o: [n for n in FAULTS if origin(n) == o] for o in ("hand", "mutant", "seed")}
    assert len(by_origin["hand"]) >= 20, f"{len(by_origin['hand'])} faults written by hand"
    assert len(by_origin["mutant"]) >= 30, f"{len(by_origin['mutant'])} mutants of manual_rnn"


@pytest.mark.parametrize("name", FAULTS)
def test_fault_has_its_metadata(name):
    mod = load(name)
    assert mod.FAMILY and mod.CONDITION and "dims" in mod.WITNESS
    assert (mod.__doc__ or "").startswith(("Fault:", "The seed")), "docstring says what the bug is"


@pytest.mark.parametrize("name", FAULTS)
def test_fault_is_caught(name):
    result = hunt(name)
    assert result.caught_by is not None, f"{name} survived every property"
    expected = getattr(load(name), "MESSAGE", None)
    if expected:
        assert expected in result.message, f"{name}: {expected!r} not in\n{result.message}"
    if origin(name) == "mutant":
        # A mutant whose edit no longer fits the code crashes; that is a stale fault, not a catch.
        assert "NameError" not in result.message and "not defined in" not in result.message \
            and "UnboundLocalError" not in result.message, (
            f"{name} crashed instead of computing a wrong answer:\n{result.message}"
        )


@pytest.mark.parametrize("name", FAULTS)
def test_fault_is_not_equivalent(name):
    """Under its condition the fault's outputs differ from the correct code's."""
    assert witness_differences(name), f"{name} gives the correct outputs on its witness case"
