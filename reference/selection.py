"""The names a run selects from, without importing the harness (or JAX).

The command line and :func:`reference.check` validate their arguments against
these before anything heavy is imported, so that a parent process handing the
checks to worker processes stays light. :mod:`reference.properties` checks at
import that its registry has exactly these names, in this order.
"""

from __future__ import annotations

__all__ = ["BASELINE_FACTOR", "DEFAULT_EXAMPLES", "DEFAULT_SEED", "DTYPES",
           "IMPLEMENTATION_PROPERTY_NAMES", "ORACLE_PROPERTY_NAMES", "PROPERTY_COST",
           "PROPERTY_DTYPES", "PROPERTY_NAMES", "PROPERTY_PROGRAMS", "PROPERTY_ROLES",
           "skip_reason"]

DTYPES = ("float64", "float32")

#: Examples per property, family and dtype, and the seed, when neither the
#: caller nor a baseline gives them.
DEFAULT_EXAMPLES = 50
DEFAULT_SEED = 0

#: A key regresses when its largest error-to-tolerance ratio grows past this
#: factor over the baseline (:mod:`reference.report`). Reordering a sum or changing
#: a BLAS kernel moves the worst error by about 2x on a fixed sweep; a numerically
#: worse formula (a naive softmax, ``1 - tanh**2`` from a float32 ``tanh``) by 100x or more.
BASELINE_FACTOR = 10.0

#: Every property, in the order of the report.
PROPERTY_NAMES = ("cell_forward", "forward", "cell_backward", "backward", "short_da",
                  "loss_gradient", "reference_fd", "zero_upstream", "single_step",
                  "batch_columns", "no_mutation")

#: The properties that judge the oracle, not the implementation (``--check-oracle``).
ORACLE_PROPERTY_NAMES = ("reference_fd",)

#: What a user's default run checks.
IMPLEMENTATION_PROPERTY_NAMES = tuple(p for p in PROPERTY_NAMES if p not in ORACLE_PROPERTY_NAMES)

#: The functions of the API (by role) each property calls: it runs on a module
#: that provides them all, and is skipped otherwise.
PROPERTY_ROLES = {
    "cell_forward": ("cell_forward",),
    "forward": ("forward",),
    "cell_backward": ("cell_forward", "cell_backward"),
    "backward": ("forward", "backward"),
    "short_da": ("forward", "backward"),
    "loss_gradient": ("forward", "loss", "loss_backward", "backward"),
    "reference_fd": (),
    "zero_upstream": ("backward",),
    "single_step": ("cell_forward", "forward", "cell_backward", "backward"),
    "batch_columns": ("forward", "backward"),
    "no_mutation": ("forward",),
}

#: The oracle's programs each property asks (``reference.oracle``: ``cell``, one cell
#: step; ``sequence``, the whole sequence): what a case is primed with before they run.
PROPERTY_PROGRAMS = {
    "cell_forward": ("cell",), "forward": ("sequence",), "cell_backward": ("cell",),
    "backward": ("sequence",), "short_da": ("sequence",), "loss_gradient": ("sequence",),
    "reference_fd": ("cell", "sequence"),
}

#: The dtypes a property runs in, where not every dtype.
PROPERTY_DTYPES = {"reference_fd": ("float64",)}

#: Rough share of a family's check time each property takes, in percent (measured
#: with ``manual_rnn`` and a loop-per-step student file, every family: the shares
#: move by a few points between them). Only used to split a family's properties
#: evenly between worker processes (:func:`reference._worker.units`).
PROPERTY_COST = {
    "cell_forward": 7, "forward": 8, "cell_backward": 8, "backward": 11, "short_da": 11,
    "loss_gradient": 17, "reference_fd": 80, "zero_upstream": 7, "single_step": 7,
    "batch_columns": 17, "no_mutation": 9,
}


def skip_reason(prop: str, implementation, family, dtype: str) -> str | None:
    """Why property ``prop`` does not run on ``implementation``'s ``family`` (a
    :class:`~reference.families.Family`) in ``dtype``, or ``None``: it runs in other
    dtypes only, or the module lacks a function of its roles. The one decision
    every way in asks before drawing a case (and the workers' split, to count a
    skipped property as free)."""
    dtypes = PROPERTY_DTYPES.get(prop, DTYPES)
    if dtype not in dtypes:
        return f"{prop} runs in {', '.join(dtypes)} only"
    return implementation.unavailable(family, PROPERTY_ROLES[prop])
