"""Sequence machinery shared by the fast paths of every family.

The fast sequence functions keep every step's arrays stacked; the list of cell
caches they return (the exercise's contract) holds views into those stacks, and
the sequence backward reads the stacks back when the list is still intact.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CellCaches", "all_finite", "stack_field", "time_columns"]


class CellCaches(list):
    """The list of cell caches of a sequence forward pass, with its stacked arrays.

    It is a ``list`` whose entry ``t`` is the cell cache of step ``t`` (a
    :mod:`manual_rnn.caches` named tuple); those caches hold views into
    ``stacked``, the family's per-step arrays with all steps in one array each (a
    ``NamedTuple`` with, like each entry, an ``a_next`` field), which the sequence
    backward reads instead of stacking the entries again. Shared by every family.
    """

    def __init__(self, entries, stacked):
        super().__init__(entries)
        self.stacked = stacked
        self._entries = tuple(entries)

    def intact_stacked(self):
        """``stacked`` if the entries still view it, else ``None``.

        ``None`` once an entry was replaced, added or removed, or once a copy
        (``copy.deepcopy``, pickling) gave the entries arrays of their own.
        """
        if (
            len(self) == len(self._entries)
            and all(a is b for a, b in zip(self, self._entries))
            and np.may_share_memory(self[0].a_next, self.stacked.a_next)
        ):
            return self.stacked
        return None


def all_finite(*arrays: np.ndarray) -> bool:
    """Whether every element of every array is finite, at the cost of one sum each.

    A sum is finite only if every term is (infinity and NaN propagate); a sum
    that overflows merely answers ``False``, and the caller then runs the full
    elementwise check, which finds nothing to report.
    """
    return all(np.isfinite(a.sum()) for a in arrays)


def stack_field(cell_caches, field: str, axis: int = 0) -> np.ndarray:
    """Field ``field`` of every cell cache (named tuples), stacked along a new ``axis``."""
    return np.stack([getattr(cache, field) for cache in cell_caches], axis=axis)


def time_columns(steps: np.ndarray) -> np.ndarray:
    """``(T_x, k, m) -> (k, T_x * m)``: the columns of every step side by side."""
    T_x, k, m = steps.shape
    return steps.transpose(1, 0, 2).reshape(k, T_x * m)
