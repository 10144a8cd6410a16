"""Print the fault catalog's page, or write it: ``python -m tests.faults [PATH]``."""

import sys
from pathlib import Path

import reference.model  # noqa: F401  (switches JAX to float64 before anything runs)
from tests.faults._catalog import fault_names, hunt, table

INTRO = """\
# The fault catalog

`tests/faults/` holds single-bug implementations, each a small module with the
public API (so `rnn-verify --impl tests/faults/NAME.py`, run from the
repository's root, shows its report). They come in three kinds (the table's
"origin"):

* **by hand** (`ex_*.py`): mistakes found in public solutions of the
  exercise, each written as the whole
  function(s) a student would hand in, in the exercise's style (per-step loops,
  `np.dot`, float64 buffers), on top of the exercise's correct solution in
  `tests/corpus/exercise_style.py` (`tests/faults/_exercise.py` puts the buggy
  functions in place, so the solution's other functions call them). Wrong
  numbers, and mistakes that are exceptions: template `None`s left in place, a
  notebook global read from a function, caches never appended or nested, NumPy 2's
  `np.concat` misused, a debug print that raises, `T_x` taken from `x` or
  `len(caches)` (seen only with a `da` shorter than the caches);
* **mutants** of `manual_rnn`: one textual edit of its source each
  (`tests/faults/_mutant.py`, which fails loudly if the edit no longer fits);
* **seed**: the seed document's RNN with its known bug.

`tests/harness/test_fault_catalog.py` runs the suite's own properties on every fault
(forwards first, then backwards, the `ci` example budget), requires each to be
caught, and the failure message to contain the fault's `MESSAGE` where it has
one (a `NameError` must read "`lstm_forward uses 'Wy', which is not defined in
...`", a broken cache list "`lstm_forward returned malformed caches`"); it also
checks on a witness case meeting the fault's condition that its outputs really
differ from the correct code's (no equivalent mutants). A backward that fails
only because its forward is wrong is diagnosed as such ("the forward is wrong
...: the backward ran on the caches of a wrong forward"). `python -m
tests.faults docs/fault-catalog.md` regenerates this page (`make catalog`).

"""

NOTE = """

"examples" is how many examples the catching property needed; the shapes are
what Hypothesis shrank the failure to; "error / tolerance" is the largest
ratio in that minimal case ("error / structure": an exception or a wrong
shape, key or dtype, reported as such). Properties are tried in the order
cell backward, backward, short `da`, loss gradient, cell forward, forward, the
rest, first with 10 examples each and then with 100; a backward failure whose
forward is wrong on the minimal case is attributed to the forward property.
"""


def page() -> str:
    return INTRO + table([hunt(name) for name in fault_names()]) + NOTE


if __name__ == "__main__":
    text = page()
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(text)
    else:
        print(text)
