"""The names a run selects from, without importing the harness (or JAX).

The command line and :func:`reference.check` validate their arguments against
these before anything heavy is imported, so that a parent process handing the
checks to worker processes stays light. :mod:`reference.properties` checks at
import that its registry has exactly these names, in this order.
"""

from __future__ import annotations

__all__ = ["DTYPES", "IMPLEMENTATION_PROPERTY_NAMES", "ORACLE_PROPERTY_NAMES", "PROPERTY_NAMES"]

DTYPES = ("float64", "float32")

#: Every property, in the order of the report.
PROPERTY_NAMES = ("cell_forward", "forward", "cell_backward", "backward", "short_da",
                  "loss_gradient", "reference_fd", "zero_upstream", "single_step",
                  "batch_columns", "no_mutation")

#: The properties that judge the oracle, not the implementation (``--check-oracle``).
ORACLE_PROPERTY_NAMES = ("reference_fd",)

#: What a user's default run checks.
IMPLEMENTATION_PROPERTY_NAMES = tuple(p for p in PROPERTY_NAMES if p not in ORACLE_PROPERTY_NAMES)
