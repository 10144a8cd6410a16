"""Build a single-bug variant of the exercise's correct solution (``tests/corpus/exercise_style.py``).

An ``ex_*`` fault module writes the function(s) holding its one mistake in full,
as a student would, and ends with ``globals().update(variant(f, ...))``: the
exercise's other functions come from the corpus module, and they call the buggy
ones (``rnn_backward`` calls the fault's ``rnn_cell_backward``).
"""

from __future__ import annotations

import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
BASE = CORPUS / "exercise_style.py"

_MISSING = object()


def variant(*functions) -> dict:
    """The public callables of a fresh copy of the exercise's solution, with ``functions``
    put in place of the namesakes (by ``__name__``).

    The base is executed from its source into a new namespace each time, with
    ``tests/corpus`` first on ``sys.path`` for its ``from rnn_utils import *``;
    ``sys.path`` and ``sys.modules["rnn_utils"]`` are restored afterwards.
    """
    source = BASE.read_text()
    namespace = {"__name__": "tests.corpus.exercise_style._variant", "__file__": str(BASE)}
    saved_path = list(sys.path)
    saved_utils = sys.modules.pop("rnn_utils", _MISSING)
    sys.path.insert(0, str(CORPUS))
    try:
        exec(compile(source, str(BASE), "exec"), namespace)
    finally:
        sys.path[:] = saved_path
        if saved_utils is _MISSING:
            sys.modules.pop("rnn_utils", None)
        else:
            sys.modules["rnn_utils"] = saved_utils
    for f in functions:
        if f.__name__ not in namespace:
            raise AssertionError(f"{f.__name__} is not a function of {BASE.name}")
        namespace[f.__name__] = f
    return {k: v for k, v in namespace.items() if callable(v) and not k.startswith("_")}
