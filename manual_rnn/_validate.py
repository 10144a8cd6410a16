"""Input validation shared by the public entry points of every cell family.

Each public function validates once, at its entry, and raises an error that names
the function, the argument, what was expected and what was received. Internal
helpers assume validated input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

__all__ = [
    "check_array",
    "check_parameters",
    "check_gate_parameters",
    "check_cache",
    "check_labels",
    "common_dtype",
]


def _describe(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__}"


def check_array(
    func: str, name: str, value, shape: Sequence[int | None], dims: str | None = None
) -> np.ndarray:
    """Check that ``value`` is a finite floating ndarray of the given shape.

    ``None`` in ``shape`` accepts any length on that axis. ``dims`` names the
    axes for the error message, e.g. ``"n_x, m"``.

    Raises
    ------
    TypeError
        If ``value`` is not an ndarray or not of a floating dtype.
    ValueError
        If the shape differs or the array holds NaN or infinity.
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{func}: {name} must be a numpy.ndarray, got {_describe(value)}")
    if value.dtype not in (np.float32, np.float64):
        raise TypeError(
            f"{func}: {name} must have dtype float32 or float64, got dtype {value.dtype}"
        )
    if value.shape != tuple(shape) and (value.ndim != len(shape) or any(
        s is not None and s != v for s, v in zip(shape, value.shape)
    )):
        expected = tuple("?" if s is None else s for s in shape)
        named = f"({dims}) = " if dims else ""
        raise ValueError(
            f"{func}: {name} must have shape {named}{_fmt(expected)}, got shape {value.shape}"
        )
    if not np.isfinite(value).all():
        bad = np.argwhere(~np.isfinite(value))[0]
        raise ValueError(
            f"{func}: {name} holds a non-finite value ({value[tuple(bad)]}) at index "
            f"{tuple(int(i) for i in bad)}; inputs must be finite"
        )
    return value


def _fmt(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ")"  # every checked shape has 2 or 3 axes


def check_parameters(
    func: str,
    parameters,
    shapes: Callable[[Mapping], Mapping[str, tuple[Sequence[int | None], str]]],
) -> dict[str, np.ndarray]:
    """Check a parameter dict (any mapping): every key present, each an array of its shape.

    ``shapes(parameters)``, called once ``parameters`` is known to be a mapping,
    maps each key to ``(shape, dims)`` as taken by :func:`check_array`.
    """
    if not isinstance(parameters, Mapping):
        raise TypeError(f"{func}: parameters must be a dict, got {_describe(parameters)}")
    shapes = shapes(parameters)
    missing = [k for k in shapes if k not in parameters]
    if missing:
        raise ValueError(
            f"{func}: parameters is missing key(s) {missing}; expected keys {list(shapes)}"
        )
    return {
        k: check_array(func, f"parameters[{k!r}]", parameters[k], s, dims)
        for k, (s, dims) in shapes.items()
    }


#: Dims of a gate weight acting on the concatenation ``[a_prev; xt]``.
GATE_DIMS = "n_a, n_a + n_x"


def check_gate_parameters(func: str, parameters, gates: str) -> dict[str, np.ndarray]:
    """Check a gated cell's parameters: for each gate ``g`` of ``gates``, ``W<g>`` of
    shape ``(n_a, n_a + n_x)`` acting on ``[a_prev; xt]`` and ``b<g>`` of shape
    ``(n_a, 1)``; then the output layer ``Wy (n_y, n_a)`` and ``by (n_y, 1)``.

    The first gate's weight and ``Wy`` fix ``n_a, n_x`` and ``n_y`` (they are read
    first, so errors can name them); ``n_x`` must be at least 1.
    """
    first = f"W{gates[0]}"

    def shapes(parameters) -> dict[str, tuple]:
        W, Wy = parameters.get(first), parameters.get("Wy")
        n_a, n_ax = W.shape if isinstance(W, np.ndarray) and W.ndim == 2 else (None, None)
        if n_ax is not None and n_ax - n_a < 1:
            # n_x is invalid: reported below, once the weight itself is checked.
            n_a = n_ax = None
        n_y = Wy.shape[0] if isinstance(Wy, np.ndarray) and Wy.ndim == 2 else None
        out = {}
        for g in gates:  # the first weight's own shape is (n_a, n_ax): it always agrees
            out[f"W{g}"] = ((n_a, n_ax), GATE_DIMS)
            out[f"b{g}"] = ((n_a, 1), "n_a, 1")
        out["Wy"] = ((n_y, n_a), "n_y, n_a")
        out["by"] = ((n_y, 1), "n_y, 1")
        return out

    p = check_parameters(func, parameters, shapes)
    n_a, n_ax = p[first].shape
    if n_ax - n_a < 1:
        raise ValueError(
            f"{func}: parameters['{first}'] must have shape ({GATE_DIMS}) with n_x >= 1, got "
            f"shape {p[first].shape}, which gives n_a = {n_a} and n_x = {n_ax - n_a}"
        )
    return p


def common_dtype(func: str, **arrays: np.ndarray) -> np.dtype:
    """Return the one floating dtype shared by ``arrays``; raise if they disagree."""
    dtypes = {name: a.dtype for name, a in arrays.items()}
    if len(set(dtypes.values())) > 1:
        listed = ", ".join(f"{n}: {d}" for n, d in dtypes.items())
        raise TypeError(f"{func}: all arrays must share one dtype, got {listed}")
    return next(iter(dtypes.values()))


def check_cache(func: str, name: str, cache, length: int) -> tuple:
    """Check that ``cache`` is a tuple of ``length`` entries."""
    if not isinstance(cache, tuple) or len(cache) != length:
        got = f"tuple of length {len(cache)}" if isinstance(cache, tuple) else _describe(cache)
        raise ValueError(
            f"{func}: {name} must be the {length}-tuple returned by the forward pass, got {got}"
        )
    return cache


def check_labels(func: str, labels, m: int, T_x: int, n_y: int) -> np.ndarray:
    """Check integer class indices of shape ``(m, T_x)`` with values in ``[0, n_y)``."""
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"{func}: labels must be a numpy.ndarray, got {_describe(labels)}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"{func}: labels must hold integer class indices, got dtype {labels.dtype}"
        )
    if labels.shape != (m, T_x):
        raise ValueError(f"{func}: labels must have shape (m, T_x) = {(m, T_x)}, got {labels.shape}")
    if labels.size and (labels.min() < 0 or labels.max() >= n_y):
        raise ValueError(
            f"{func}: labels must lie in [0, n_y) = [0, {n_y}), "
            f"got values in [{labels.min()}, {labels.max()}]"
        )
    return labels


def check_da(func: str, da, n_a: int, m: int, T_cached: int) -> int:
    """``T_x`` of a sequence backward's ``da``: shape ``(n_a, m, T_x)`` with
    ``1 <= T_x <= T_cached`` (a shorter ``da`` back-propagates its first steps)."""
    check_array(func, "da", da, (n_a, m, None), "n_a, m, T_x")
    T_x = da.shape[2]
    if not 1 <= T_x <= T_cached:
        raise ValueError(
            f"{func}: da has T_x = {T_x} time steps but the caches hold "
            f"{T_cached}; expected 1 <= T_x <= {T_cached}"
        )
    return T_x
