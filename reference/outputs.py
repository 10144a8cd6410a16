"""What a user's function must return, and the checks that it did.

The API's outputs are tuples (the forwards), dicts (the backwards) and arrays
inside them. Each check raises :class:`PropertyFailure` naming the function,
the output and the expected structure, shape or dtype; the dtype policy itself
is :meth:`Implementation.check_dtype`. The expected shapes are written once
here, from the case's dimensions (``n_x, n_a, n_y, m, T_x``) and parameters.
"""

from __future__ import annotations

import numpy as np

from .families import Family
from .implementation import Implementation, PropertyFailure
from .strategies import Case

__all__ = [
    "TIME_AXES",
    "caches_problem",
    "cell_forward_shapes",
    "cell_gradient_shapes",
    "check_array",
    "check_dict",
    "check_tuple",
    "forward_shapes",
    "gradient_shapes",
    "loss_backward_shapes",
]

#: The time axis of each sequence output, for failure messages that name the step.
TIME_AXES = {"a": 2, "c": 2, "y_pred": 2, "dx": 2, "da": 2}


# --- structure, shape and dtype ---------------------------------------------


def check_array(impl: Implementation, func: str, what: str, value, shape: tuple,
                dtype) -> np.ndarray:
    """``value`` if it is an array of ``shape`` whose dtype the policy accepts."""
    if value is None:
        raise PropertyFailure(f"{func} returned None for {what} (expected an array of shape {shape})")
    if not isinstance(value, np.ndarray):
        raise PropertyFailure(
            f"{func} returned {type(value).__name__} for {what}, expected a numpy array of shape {shape}"
        )
    if value.shape != shape:
        raise PropertyFailure(f"{func} returned {what} of shape {value.shape}, expected {shape}")
    if value.dtype != dtype:
        impl.check_dtype(func, what, value.dtype, dtype)
    return value


def check_tuple(func: str, value, names: tuple[str, ...]) -> dict:
    """``value``, a tuple of ``len(names)`` entries, as a dict by those names."""
    if not isinstance(value, tuple) or len(value) != len(names):
        got = f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
        raise PropertyFailure(f"{func} returned {got}, expected the tuple ({', '.join(names)})")
    return dict(zip(names, value))


def check_dict(impl: Implementation, func: str, value, shapes: dict[str, tuple], dtype) -> dict:
    """The arrays of ``value`` at the keys of ``shapes``, each checked by :func:`check_array`
    (extra keys are ignored)."""
    if not isinstance(value, dict):
        raise PropertyFailure(
            f"{func} returned {type(value).__name__}, expected a dict with keys {list(shapes)}"
        )
    missing = [k for k in shapes if k not in value]
    if missing:
        raise PropertyFailure(
            f"{func} returned a dict without key(s) {missing}; it has {list(value)}"
        )
    return {k: check_array(impl, func, repr(k), value[k], s, dtype) for k, s in shapes.items()}


def caches_problem(family: Family, caches, T_x: int) -> str | None:
    """How ``caches`` departs from the contract's structure, or ``None``.

    The contract: ``(list of T_x cell caches, x)``, each cell cache the family's
    tuple (:attr:`Family.cell_cache_fields`). Only read to explain a backward
    that failed on what its own forward returned.
    """
    expected = f"expected (list of T_x = {T_x} cell caches, x)"
    if not isinstance(caches, (tuple, list)) or len(caches) != 2:
        got = f"a {type(caches).__name__} of {len(caches)}" if hasattr(caches, "__len__") else (
            type(caches).__name__)
        return f"{expected}, got {got}"
    steps, x = caches
    if not hasattr(steps, "__len__") or not hasattr(steps, "__getitem__"):
        return f"{expected}, got a {type(steps).__name__} where the list belongs"
    if len(steps) != T_x:
        return f"{expected}, got a list of {len(steps)}"
    if not isinstance(x, np.ndarray) or x.ndim != 3 or x.shape[2] != T_x:
        return f"{expected}, got {type(x).__name__} {getattr(x, 'shape', '')} where x belongs"
    fields = family.cell_cache_fields
    for t, cell in enumerate(steps):
        if not isinstance(cell, tuple) or len(cell) != len(fields):
            got = f"a tuple of {len(cell)}" if isinstance(cell, tuple) else type(cell).__name__
            return f"cell cache {t} is {got}, expected ({', '.join(fields)})"
    return None


# --- the expected shapes ----------------------------------------------------


def cell_forward_shapes(case: Case) -> dict[str, tuple]:
    """The cell forward's arrays: ``a_next`` (and ``c_next``) ``(n_a, m)``, ``yt_pred`` ``(n_y, m)``."""
    fam, d = case.family, case.dims
    shapes = {f"{s}_next": (d.n_a, d.m) for s in fam.states}
    shapes["yt_pred"] = (d.n_y, d.m)
    return shapes


def forward_shapes(case: Case, m: int, T_x: int) -> dict[str, tuple]:
    """The sequence forward's arrays for an ``x`` of ``m`` columns and ``T_x`` steps:
    ``a`` (and ``c``) ``(n_a, m, T_x)``, ``y_pred`` ``(n_y, m, T_x)``."""
    fam, d = case.family, case.dims
    shapes = {s: (d.n_a, m, T_x) for s in fam.states}
    shapes["y_pred"] = (d.n_y, m, T_x)
    return shapes


def cell_gradient_shapes(case: Case) -> dict[str, tuple]:
    """The cell backward's dict: ``dxt``, ``da_prev`` (and ``dc_prev``), one ``d<key>``
    per recurrent parameter."""
    fam, d = case.family, case.dims
    shapes = {"dxt": (d.n_x, d.m), **{f"d{s}_prev": (d.n_a, d.m) for s in fam.states}}
    shapes.update({f"d{k}": case.parameters[k].shape for k in fam.recurrent_keys})
    return shapes


def gradient_shapes(case: Case, T_x: int | None = None) -> dict[str, tuple]:
    """The sequence backward's dict for a ``da`` of ``T_x`` steps (default: the case's):
    ``dx``, ``da0``, one ``d<key>`` per recurrent parameter."""
    fam, d = case.family, case.dims
    T_x = d.T_x if T_x is None else T_x
    shapes = {"dx": (d.n_x, d.m, T_x), "da0": (d.n_a, d.m)}
    shapes.update({f"d{k}": case.parameters[k].shape for k in fam.recurrent_keys})
    return shapes


def loss_backward_shapes(case: Case) -> dict[str, tuple]:
    """The loss backward's dict: the output layer's ``d<W>, d<b>`` and ``da`` ``(n_a, m, T_x)``."""
    d = case.dims
    W, b = case.family.output_keys
    return {f"d{W}": case.parameters[W].shape, f"d{b}": case.parameters[b].shape,
            "da": (d.n_a, d.m, d.T_x)}
