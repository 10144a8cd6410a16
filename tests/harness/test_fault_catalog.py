"""Every catalogued fault is caught by the suite's own properties, and none is an
equivalent mutant. The table in the README comes from the same hunt
(``python -m tests.faults``)."""

from __future__ import annotations

import pytest

from tests.faults._catalog import HERE, fault_names, hunt, load, origin, witness_differences

FAULTS = fault_names()


#: The exercise's functions: each must be the subject of faults written by hand.
EXERCISE_FUNCTIONS = [f"{family}_{role}" for family in ("rnn", "lstm")
                      for role in ("cell_forward", "forward", "cell_backward", "backward")]


@pytest.mark.parametrize("function", EXERCISE_FUNCTIONS)
def test_every_exercise_function_has_hand_written_faults(function):
    """Mistakes people make, in every function of the exercise (not only our mutants)."""
    written = [n for n in FAULTS if origin(n) == "hand"
               and f"def {function}(" in (HERE / f"{n}.py").read_text()]
    assert len(written) >= 2, f"{function}: hand-written faults {written}"


def test_catalog_holds_every_origin():
    origins = [origin(n) for n in FAULTS]
    assert origins.count("hand") >= 20 and origins.count("mutant") >= 30 and "seed" in origins


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
