"""The cell caches: what each family's cell backward needs from its cell forward.

One ``NamedTuple`` per family, shared by the fast path (:mod:`manual_rnn`) and
the textbook path (:mod:`manual_rnn.textbook`). Each unpacks exactly like the
exercise's tuple (same fields, same order), so ``(a_next, a_prev, xt,
parameters) = cache`` keeps working and a hand-built plain tuple is accepted
wherever a cache is; the names are for reading fields without counting.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["GRUCache", "LSTMCache", "RNNCache", "field_label"]


class RNNCache(NamedTuple):
    """What ``rnn_cell_backward`` needs from ``rnn_cell_forward``."""

    a_next: np.ndarray  # (n_a, m)
    a_prev: np.ndarray  # (n_a, m)
    xt: np.ndarray  # (n_x, m)
    parameters: dict  # Wax (n_a, n_x), Waa (n_a, n_a), Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1)


class LSTMCache(NamedTuple):
    """What ``lstm_cell_backward`` needs from ``lstm_cell_forward``."""

    a_next: np.ndarray  # (n_a, m)
    c_next: np.ndarray  # (n_a, m)
    a_prev: np.ndarray  # (n_a, m)
    c_prev: np.ndarray  # (n_a, m)
    ft: np.ndarray  # (n_a, m) forget gate
    it: np.ndarray  # (n_a, m) input gate
    cct: np.ndarray  # (n_a, m) candidate
    ot: np.ndarray  # (n_a, m) output gate
    xt: np.ndarray  # (n_x, m)
    parameters: dict  # Wf, Wi, Wc, Wo (n_a, n_a + n_x); bf, bi, bc, bo (n_a, 1); Wy (n_y, n_a); by (n_y, 1)


class GRUCache(NamedTuple):
    """What ``gru_cell_backward`` needs from ``gru_cell_forward``."""

    a_next: np.ndarray  # (n_a, m)
    a_prev: np.ndarray  # (n_a, m)
    zt: np.ndarray  # (n_a, m) update gate
    rt: np.ndarray  # (n_a, m) reset gate
    cct: np.ndarray  # (n_a, m) candidate
    xt: np.ndarray  # (n_x, m)
    parameters: dict  # Wz, Wr, Wc (n_a, n_a + n_x); bz, br, bc (n_a, 1); Wy (n_y, n_a); by (n_y, 1)
    reset_after: bool  # where the reset gate acts; see gru_cell_forward


def field_label(name: str, cache_type: type, field: str) -> str:
    """How an error message names a field of a cache argument: ``"cache[2] (xt)"``.

    The position is there for users whose cache is a plain tuple.
    """
    return f"{name}[{cache_type._fields.index(field)}] ({field})"
