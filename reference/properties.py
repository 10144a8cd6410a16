"""The properties every implementation of the API must satisfy, defined once.

Each property is a function ``prop(impl, case) -> list[ArrayComparison]`` that
raises :class:`PropertyFailure` (an ``AssertionError``) when the implementation
is wrong, and :class:`PropertySkipped` when it lacks a function the property
needs. The pytest suite and the ``rnn-verify`` command both drive these same
functions; neither has a copy.

A user's function that raises, returns ``None``, or returns the wrong
structure, keys, shapes or dtype fails the property with that reason: the
harness never crashes on the code it checks. Calling the implementation
(captured output, time limit, errors that name the user's line) and the dtype
policy live in :mod:`reference.implementation`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import oracle
from .compare import (
    FINITE_DIFFERENCE,
    FD_STEP,
    GradientMismatch,
    assert_close,
    compare_arrays,
    tolerance_for,
)
from .families import Family
from .implementation import (
    Implementation,
    ImplementationError,
    PropertyFailure,
    PropertySkipped,
    load_implementation,
)
from .strategies import Case

__all__ = [
    "Implementation",
    "PropertyFailure",
    "PropertySkipped",
    "PROPERTIES",
    "IMPLEMENTATION_PROPERTIES",
    "ImplementationError",
    "load_implementation",
]


# --- checking what a user's function returned -------------------------------


def _check_array(impl: Implementation, func: str, what: str, value, shape: tuple,
                 dtype) -> np.ndarray:
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


def _check_tuple(func: str, value, names: tuple[str, ...]) -> dict:
    if not isinstance(value, tuple) or len(value) != len(names):
        got = f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
        raise PropertyFailure(f"{func} returned {got}, expected the tuple ({', '.join(names)})")
    return dict(zip(names, value))


def _check_dict(impl: Implementation, func: str, value, shapes: dict[str, tuple], dtype) -> dict:
    if not isinstance(value, dict):
        raise PropertyFailure(
            f"{func} returned {type(value).__name__}, expected a dict with keys {list(shapes)}"
        )
    missing = [k for k in shapes if k not in value]
    if missing:
        raise PropertyFailure(
            f"{func} returned a dict without key(s) {missing}; it has {list(value)}"
        )
    return {k: _check_array(impl, func, repr(k), value[k], s, dtype) for k, s in shapes.items()}


def _parameter_shapes(case: Case) -> dict[str, tuple]:
    return {k: v.shape for k, v in case.parameters.items()}


def _seq(case: Case, n: int) -> tuple:
    return (n, case.dims.m, case.dims.T_x)


def _cell_gradient_shapes(case: Case) -> dict[str, tuple]:
    fam, d = case.family, case.dims
    shapes = {"dxt": (d.n_x, d.m), **{f"d{s}_prev": (d.n_a, d.m) for s in fam.states}}
    shapes.update({f"d{k}": case.parameters[k].shape for k in fam.recurrent_keys})
    return shapes


def _gradient_shapes(case: Case, T_x: int | None = None) -> dict[str, tuple]:
    fam, d = case.family, case.dims
    T_x = d.T_x if T_x is None else T_x
    shapes = {"dx": (d.n_x, d.m, T_x), "da0": (d.n_a, d.m)}
    shapes.update({f"d{k}": case.parameters[k].shape for k in fam.recurrent_keys})
    return shapes


TIME_AXES = {"a": 2, "c": 2, "y_pred": 2, "dx": 2, "da": 2}


# --- running the implementation ---------------------------------------------


def run_cell_forward(impl: Implementation, case: Case) -> tuple[dict, object]:
    fam, d = case.family, case.dims
    func = fam.functions["cell_forward"]
    out = _check_tuple(
        func,
        impl.call(fam, "cell_forward", case.x[:, :, 0], *case.states_prev, case.parameters),
        fam.cell_forward_outputs,
    )
    arrays = {f"{s}_next": (d.n_a, d.m) for s in fam.states}
    arrays["yt_pred"] = (d.n_y, d.m)
    checked = {k: _check_array(impl, func, k, out[k], s, case.dtype) for k, s in arrays.items()}
    return checked, out["cache"]


def run_forward(impl: Implementation, case: Case, x=None, a0=None) -> tuple[dict, object]:
    fam, d = case.family, case.dims
    x = case.x if x is None else x
    a0 = case.a0 if a0 is None else a0
    func = fam.functions["forward"]
    out = _check_tuple(func, impl.call(fam, "forward", x, a0, case.parameters), fam.forward_outputs)
    m, T_x = x.shape[1], x.shape[2]
    arrays = {s: (d.n_a, m, T_x) for s in fam.states}
    arrays["y_pred"] = (d.n_y, m, T_x)
    checked = {k: _check_array(impl, func, k, out[k], s, case.dtype) for k, s in arrays.items()}
    return checked, out["caches"]


def run_cell_backward(impl: Implementation, case: Case, cotangents=None) -> dict:
    fam = case.family
    _, cache = run_cell_forward(impl, case)
    cotangents = case.cell_cotangents if cotangents is None else cotangents
    out = impl.call(fam, "cell_backward", *cotangents, cache)
    return _check_dict(impl, fam.functions["cell_backward"], out, _cell_gradient_shapes(case), case.dtype)


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


def call_backward(impl: Implementation, case: Case, da, caches, T_forward: int) -> dict:
    """The sequence backward on ``caches`` from the implementation's own forward over
    ``T_forward`` steps, its result checked against the gradient shapes of ``da``'s ``T_x``.

    A backward that fails on caches its forward built with the wrong structure is
    reported as the forward's fault, not as the backward's exception.
    """
    fam = case.family
    try:
        out = impl.call(fam, "backward", da, caches)
    except PropertyFailure as exc:
        problem = caches_problem(fam, caches, T_forward)
        if problem is None:
            raise
        raise PropertyFailure(
            f"{fam.functions['forward']} returned malformed caches: {problem}; "
            f"{fam.functions['backward']} failed on them: {exc}"
        ) from exc
    return _check_dict(impl, fam.functions["backward"], out, _gradient_shapes(case, T_x=da.shape[2]),
                       case.dtype)


def run_backward(impl: Implementation, case: Case, da=None) -> dict:
    _, caches = run_forward(impl, case)
    da = case.da if da is None else da
    return call_backward(impl, case, da, caches, case.dims.T_x)


def run_loss_gradients(impl: Implementation, case: Case) -> tuple[float, dict]:
    """The loss and its gradient with respect to everything, via the implementation."""
    fam, d = case.family, case.dims
    impl.require(fam, "forward", "loss", "loss_backward", "backward")
    outputs, caches = run_forward(impl, case)
    loss_name = fam.functions["loss"]
    loss = impl.call(fam, "loss", outputs["y_pred"], case.labels)
    if loss is None or np.ndim(loss) != 0:
        raise PropertyFailure(f"{loss_name} returned {loss!r}, expected a scalar")
    W, b = fam.output_keys
    shapes = {f"d{W}": case.parameters[W].shape, f"d{b}": case.parameters[b].shape, "da": _seq(case, d.n_a)}
    head = _check_dict(
        impl, fam.functions["loss_backward"],
        impl.call(fam, "loss_backward", outputs["y_pred"], case.labels, caches),
        shapes,
        case.dtype,
    )
    grads = call_backward(impl, case, head["da"], caches, d.T_x)
    grads.update({f"d{W}": head[f"d{W}"], f"d{b}": head[f"d{b}"]})
    return float(loss), grads


def _f64(case: Case):
    """The case's inputs in float64, for the oracle."""
    p = {k: v.astype(np.float64) for k, v in case.parameters.items()}
    return p, case.x.astype(np.float64), case.a0.astype(np.float64)


def _compare(func: str, manual: dict, reference: dict, case: Case, against: str,
             scale: float = 1.0) -> list:
    tol = tolerance_for(case.dtype)
    try:
        return assert_close(
            func, manual, reference, tol, time_axes=TIME_AXES, context=f"{case!r}",
            against=against, scale=scale,
        )
    except GradientMismatch as exc:
        raise PropertyFailure(str(exc), exc.comparisons) from None


# --- the properties ----------------------------------------------------------


def cell_forward_matches_reference(impl: Implementation, case: Case) -> list:
    """The cell's new state(s) and prediction equal the JAX cell's."""
    fam = case.family
    manual, _ = run_cell_forward(impl, case)
    p, x, _ = _f64(case)
    states = tuple(s.astype(np.float64) for s in case.states_prev)
    ref = oracle.cell_forward(fam, x[:, :, 0], states, p)
    return _compare(fam.functions["cell_forward"], manual, ref, case, "the JAX cell")


def forward_matches_reference(impl: Implementation, case: Case) -> list:
    """The sequence forward's states and predictions equal the JAX scan's."""
    fam = case.family
    manual, _ = run_forward(impl, case)
    p, x, a0 = _f64(case)
    ref = oracle.forward(fam, x, a0, p)
    return _compare(fam.functions["forward"], manual, ref, case, "the JAX lax.scan")


def cell_backward_matches_vjp(impl: Implementation, case: Case) -> list:
    """Every key of the cell backward equals ``jax.vjp`` of the cell step."""
    fam = case.family
    impl.require(fam, "cell_forward", "cell_backward")
    manual = run_cell_backward(impl, case)
    p, x, _ = _f64(case)
    states = tuple(s.astype(np.float64) for s in case.states_prev)
    cots = tuple(c.astype(np.float64) for c in case.cell_cotangents)
    ref = oracle.cell_vjp(fam, x[:, :, 0], states, p, cots)
    return _compare(fam.functions["cell_backward"], manual, ref, case, "jax.vjp of the cell",
                    scale=max(float(np.abs(c).max()) for c in cots))


def backward_matches_vjp(impl: Implementation, case: Case) -> list:
    """Every key of the sequence backward equals ``jax.vjp`` of the scan, fed the same ``da``."""
    fam = case.family
    impl.require(fam, "forward", "backward")
    manual = run_backward(impl, case)
    p, x, a0 = _f64(case)
    ref = oracle.sequence_vjp(fam, x, a0, p, case.da.astype(np.float64))
    return _compare(fam.functions["backward"], manual, ref, case, "jax.vjp of the sequence",
                    scale=float(np.abs(case.da).max()))


#: Extra forward steps beyond ``da``'s in :func:`shorter_da_matches_vjp`: 1 to this many.
SHORT_DA_EXTRA_STEPS = 3


def shorter_da_matches_vjp(impl: Implementation, case: Case) -> list:
    """A ``da`` with fewer steps than the caches back-propagates through its first
    ``T_x`` steps: the forward runs ``T_x`` plus 1 to 3 steps, the backward gets the
    case's ``da`` and must equal ``jax.vjp`` of the first ``T_x`` steps (``T_x``
    comes from ``da.shape``, as in the exercise's own test of ``lstm_backward``)."""
    fam, d = case.family, case.dims
    impl.require(fam, "forward", "backward")
    extra = 1 + case.seed % SHORT_DA_EXTRA_STEPS
    rng = np.random.default_rng(case.seed ^ 0xDA)
    tail = rng.standard_normal((d.n_x, d.m, extra)).astype(case.dtype)
    _, caches = run_forward(impl, case, x=np.concatenate([case.x, tail], axis=2))
    manual = call_backward(impl, case, case.da, caches, d.T_x + extra)
    p, x, a0 = _f64(case)
    ref = oracle.sequence_vjp(fam, x, a0, p, case.da.astype(np.float64))
    return _compare(f"{fam.functions['backward']} (da of T_x = {d.T_x}, caches of {d.T_x + extra} steps)",
                    manual, ref, case, "jax.vjp of the first T_x steps",
                    scale=float(np.abs(case.da).max()))


def loss_gradient_matches_grad(impl: Implementation, case: Case) -> list:
    """The loss and its gradient with respect to every parameter, ``x`` and ``a0``
    (forward, loss backward, then backward) equal ``jax.grad`` of the same loss."""
    fam = case.family
    loss, manual = run_loss_gradients(impl, case)
    p, x, a0 = _f64(case)
    ref_loss, ref = oracle.loss_and_gradients(fam, x, a0, p, case.labels)
    func = f"{fam.functions['loss_backward']} + {fam.functions['backward']}"
    W = fam.output_keys[0]
    comparisons = _compare(func, manual, ref, case, "jax.grad of the loss",
                           scale=float(np.abs(p[W]).max()) / (case.dims.m * case.dims.T_x))
    # The loss is computed from probabilities, which cannot represent a
    # true-class probability below the dtype's normal range (the log of an
    # underflowed probability is inf or imprecise); compare it where they can.
    y_ref = oracle.forward(fam, x, a0, p)["y_pred"]
    picked = np.take_along_axis(y_ref, case.labels[None], axis=0)
    if picked.min() > np.finfo(case.dtype).tiny * 1e3:
        tol = tolerance_for(case.dtype)
        c = compare_arrays(fam.functions["loss"], "loss", np.array(loss), np.array(ref_loss), tol,
                           against="the JAX loss")
        if not c.ok:
            raise PropertyFailure(f"{case!r}\n{c.describe()}", [c])
        comparisons.append(c)
    return comparisons


def _directions(case: Case, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(case.seed ^ 0x5EED)
    out = {}
    for k, v in arrays.items():
        d = rng.standard_normal(v.shape)
        out[k] = d / max(np.linalg.norm(d), 1e-300)
    return out


def _fd_steps(h: float) -> tuple[float, ...]:
    """The signed steps at which :func:`_richardson` evaluates, in order."""
    return (h, -h, h / 2, -h / 2, h / 4, -h / 4)


def _richardson(f: Callable[[float], float], h: float) -> tuple[float, float]:
    """Derivative at 0 by central differences at ``h, h/2, h/4`` with Richardson
    extrapolation (cancelling the ``h**2`` term), and an estimate of its error.

    The estimate is the change between the extrapolations from ``(h, h/2)`` and
    ``(h/2, h/4)``: it grows where the function is far from polynomial at the
    scale of ``h`` (deeply saturated gates), where a fixed tolerance would raise
    false alarms about a correct oracle.
    """
    return _richardson_of([f(t) for t in _fd_steps(h)], h)


def _richardson_of(values, h: float) -> tuple[float, float]:
    """:func:`_richardson` from the function's values at :func:`_fd_steps`."""
    d = [(values[2 * k] - values[2 * k + 1]) / (2 * s) for k, s in enumerate((h, h / 2, h / 4))]
    r1, r2 = (4 * d[1] - d[0]) / 3, (4 * d[2] - d[1]) / 3
    return r2, abs(r2 - r1)


def _fd_check(name: str, case: Case, f: Callable[[dict], np.ndarray], inputs: dict,
              grads: dict, upstream: float) -> list:
    """Directional finite differences of ``f`` along a random unit direction per input.

    ``f`` takes the inputs stacked over a leading batch axis and returns one
    value per entry: the unperturbed inputs and every perturbation of every
    input go to the oracle in one call.

    Rounding in the differences is relative to the terms of ``f``, not to its
    value (a loss near 0 is a difference of logits of order one): the scale is
    ``|f|`` or the upstream gradient's size (1 for the loss), whichever is larger.
    """
    directions = _directions(case, inputs)
    steps = _fd_steps(FD_STEP)
    batch = [inputs] + [{**inputs, key: inputs[key] + t * v}
                        for key, v in directions.items() for t in steps]
    values = f({k: np.stack([b[k] for b in batch]) for k in inputs})
    scale = max(abs(float(values[0])), upstream)
    comparisons = []
    for n, (key, v) in enumerate(directions.items()):
        start = 1 + n * len(steps)
        fd, fd_error = _richardson_of([float(y) for y in values[start : start + len(steps)]],
                                      FD_STEP)
        ad = float(np.vdot(grads[f"d{key}"], v))
        c = compare_arrays(name, f"d{key}", np.array(ad), np.array(fd), FINITE_DIFFERENCE,
                           against="central finite differences", scale=scale, slack=fd_error)
        comparisons.append(c)
    failed = [c for c in comparisons if not c.ok]
    if failed:
        raise PropertyFailure(
            f"{case!r}\nthe JAX reference disagrees with finite differences:\n"
            + "\n".join(c.describe() for c in failed),
            failed,
        )
    return comparisons


def _broadcast(arrays: dict, batch: int) -> dict:
    """Inputs held fixed, as read-only views with the batch axis of the perturbed ones."""
    return {k: np.broadcast_to(v, (batch,) + v.shape) for k, v in arrays.items()}


def reference_matches_finite_differences(impl: Implementation, case: Case) -> list:
    """The oracle itself: its cell VJP, sequence VJP and loss gradient agree with
    central finite differences in float64 (a directional derivative per input)."""
    fam = case.family
    p, x, a0 = _f64(case)
    states = tuple(s.astype(np.float64) for s in case.states_prev)
    cots = tuple(c.astype(np.float64) for c in case.cell_cotangents)
    da = case.da.astype(np.float64)
    state_names = [f"{s}_prev" for s in fam.states]
    keys = fam.recurrent_keys
    fixed = {k: v for k, v in p.items() if k not in keys}  # the output layer

    def cell_f(inp):
        params = {**_broadcast(fixed, len(inp["xt"])), **{k: inp[k] for k in keys}}
        return oracle.cell_projections(fam, inp["xt"], tuple(inp[s] for s in state_names),
                                       params, cots)

    cell_in = {"xt": x[:, :, 0], **dict(zip(state_names, states)), **{k: p[k] for k in keys}}
    out = _fd_check("reference cell VJP", case, cell_f, cell_in,
                    oracle.cell_vjp(fam, x[:, :, 0], states, p, cots),
                    upstream=max(float(np.abs(c).max()) for c in cots))

    def seq_f(inp):
        params = {**_broadcast(fixed, len(inp["x"])), **{k: inp[k] for k in keys}}
        return oracle.sequence_projections(fam, inp["x"], inp["a0"], params, da)

    seq_in = {"x": x, "a0": a0, **{k: p[k] for k in keys}}
    out += _fd_check("reference sequence VJP", case, seq_f, seq_in,
                     oracle.sequence_vjp(fam, x, a0, p, da), upstream=float(np.abs(da).max()))

    def loss_f(inp):
        return oracle.loss_values(fam, inp["x"], inp["a0"], {k: inp[k] for k in p}, case.labels)

    _, grads = oracle.loss_and_gradients(fam, x, a0, p, case.labels)
    out += _fd_check("reference loss gradient", case, loss_f, {"x": x, "a0": a0, **p}, grads,
                     upstream=1.0)
    return out


def zero_upstream_gives_zero_gradients(impl: Implementation, case: Case) -> list:
    """A zero upstream gradient gives exactly zero gradients (cell and sequence)."""
    fam = case.family
    results = {}
    if impl.function(fam, "cell_backward") and impl.function(fam, "cell_forward"):
        zeros = tuple(np.zeros_like(c) for c in case.cell_cotangents)
        results[fam.functions["cell_backward"]] = run_cell_backward(impl, case, zeros)
    if impl.function(fam, "backward") and impl.function(fam, "forward"):
        results[fam.functions["backward"]] = run_backward(impl, case, np.zeros_like(case.da))
    if not results:
        raise PropertySkipped(f"{impl.label} provides no {fam.name} backward")
    for func, grads in results.items():
        for k, g in grads.items():
            if np.any(g != 0):
                idx = tuple(int(i) for i in np.argwhere(g != 0)[0])
                raise PropertyFailure(
                    f"{case!r}\n{func}: a zero upstream gradient gave a nonzero {k!r}: "
                    f"{k}{list(idx)} = {g[idx]!r} (expected exactly 0)"
                )
    return []


def single_step_equals_cell(impl: Implementation, case: Case) -> list:
    """A ``T_x = 1`` sequence equals one cell step, forward and backward."""
    fam = case.family
    impl.require(fam, "cell_forward", "forward", "cell_backward", "backward")
    tol = tolerance_for(case.dtype)
    x1 = case.x[:, :, :1]
    seq, caches = run_forward(impl, case, x=x1)
    cell, _ = run_cell_forward(impl, case)
    if len(fam.states) > 1:  # the sequence starts from c0 = 0
        case = _with(case, c_prev=np.zeros_like(case.c_prev))
        cell, _ = run_cell_forward(impl, case)
    manual = {s: seq[s][:, :, 0] for s in fam.states}
    manual["y_pred"] = seq["y_pred"][:, :, 0]
    cell_named = {s: cell[f"{s}_next"] for s in fam.states}
    cell_named["y_pred"] = cell["yt_pred"]
    out = _compare_pair(fam.functions["forward"] + " with T_x = 1", manual, cell_named, tol, case,
                        "one step of " + fam.functions["cell_forward"])
    da1 = case.da[:, :, :1]
    seq_g = call_backward(impl, case, da1, caches, 1)
    cots = (da1[:, :, 0],) + tuple(np.zeros_like(case.a0) for _ in fam.states[1:])
    cell_g = run_cell_backward(impl, case, cots)
    manual_g = {"dxt": seq_g["dx"][:, :, 0], "da_prev": seq_g["da0"]}
    manual_g.update({f"d{k}": seq_g[f"d{k}"] for k in fam.recurrent_keys})
    cell_g = {k: cell_g[k] for k in manual_g}
    out += _compare_pair(fam.functions["backward"] + " with T_x = 1", manual_g, cell_g, tol, case,
                         "one step of " + fam.functions["cell_backward"])
    return out


def _with(case: Case, **changes) -> Case:
    import dataclasses

    return dataclasses.replace(case, **changes)


def _compare_pair(func, manual, other, tol, case, against) -> list:
    try:
        return assert_close(func, manual, other, tol, time_axes=TIME_AXES, context=f"{case!r}",
                            against=against)
    except GradientMismatch as exc:
        raise PropertyFailure(str(exc), exc.comparisons) from None


def batch_columns_are_independent(impl: Implementation, case: Case) -> list:
    """Column ``j`` of a batch gives the results of a batch holding only column ``j``;
    the parameter gradients of the batch are the sums over its columns."""
    fam = case.family
    impl.require(fam, "forward", "backward")
    tol = tolerance_for(case.dtype)
    full_out, full_caches = run_forward(impl, case)
    full_g = call_backward(impl, case, case.da, full_caches, case.dims.T_x)
    summed = {f"d{k}": np.zeros(case.parameters[k].shape) for k in fam.recurrent_keys}
    out = []
    for j in range(case.dims.m):
        col = slice(j, j + 1)
        sub = _with(case, dims=_replace_dims(case, m=1), x=case.x[:, col], a0=case.a0[:, col],
                    c_prev=case.c_prev[:, col], da=case.da[:, col], dc_next=case.dc_next[:, col],
                    labels=case.labels[col])
        sub_out, sub_caches = run_forward(impl, sub)
        sub_g = call_backward(impl, sub, sub.da, sub_caches, case.dims.T_x)
        mine = {k: full_out[k][:, col] for k in sub_out}
        mine.update({"dx": full_g["dx"][:, col], "da0": full_g["da0"][:, col]})
        theirs = {**sub_out, "dx": sub_g["dx"], "da0": sub_g["da0"]}
        out += _compare_pair(f"{fam.functions['forward']}/{fam.functions['backward']} column {j}",
                             mine, theirs, tol, case, f"a batch of column {j} alone")
        for k in summed:
            summed[k] += sub_g[k]
    out += _compare_pair(fam.functions["backward"], {k: full_g[k] for k in summed}, summed, tol,
                         case, "the sum of per-column gradients")
    return out


def _replace_dims(case: Case, **changes):
    import dataclasses

    return dataclasses.replace(case.dims, **changes)


def _snapshot(obj):
    return copy.deepcopy(obj)


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
            and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
        )
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def inputs_are_not_mutated(impl: Implementation, case: Case) -> list:
    """No function writes into what it was given (inputs, parameters, caches, upstream)."""
    fam = case.family
    checks = []

    def guarded(role, *args):
        before = _snapshot(args)
        result = impl.call(fam, role, *args)
        for i, (b, a) in enumerate(zip(before, args)):
            if not _same(b, a):
                checks.append(f"{fam.functions[role]} modified its argument {i + 1}")
        return result

    if impl.function(fam, "cell_forward"):
        res = guarded("cell_forward", case.x[:, :, 0].copy(), *[s.copy() for s in case.states_prev],
                      copy.deepcopy(case.parameters))
        if impl.function(fam, "cell_backward") and isinstance(res, tuple):
            guarded("cell_backward", *[c.copy() for c in case.cell_cotangents], res[-1])
    if impl.function(fam, "forward"):
        res = guarded("forward", case.x.copy(), case.a0.copy(), copy.deepcopy(case.parameters))
        if isinstance(res, tuple) and len(res) == len(fam.forward_outputs):
            y_pred, caches = res[1], res[-1]
            if impl.function(fam, "loss_backward") and isinstance(y_pred, np.ndarray):
                guarded("loss_backward", y_pred, case.labels.copy(), caches)
            if impl.function(fam, "backward"):
                guarded("backward", case.da.copy(), caches)
    if not checks and not any(impl.function(fam, r) for r in ("cell_forward", "forward")):
        raise PropertySkipped(f"{impl.label} provides no {fam.name} forward")
    if checks:
        raise PropertyFailure(f"{case!r}\n" + "\n".join(checks))
    return []


@dataclass(frozen=True)
class Property:
    """A named property and the functions of the API it exercises."""

    name: str
    check: Callable[[Implementation, Case], list]
    roles: tuple[str, ...]
    dtypes: tuple[str, ...] = ("float64", "float32")
    judges: str = "implementation"  # or "oracle": a check of the reference itself


PROPERTIES: dict[str, Property] = {
    p.name: p
    for p in (
        Property("cell_forward", cell_forward_matches_reference, ("cell_forward",)),
        Property("forward", forward_matches_reference, ("forward",)),
        Property("cell_backward", cell_backward_matches_vjp, ("cell_forward", "cell_backward")),
        Property("backward", backward_matches_vjp, ("forward", "backward")),
        Property("short_da", shorter_da_matches_vjp, ("forward", "backward")),
        Property("loss_gradient", loss_gradient_matches_grad,
                 ("forward", "loss", "loss_backward", "backward")),
        Property("reference_fd", reference_matches_finite_differences, (), ("float64",), "oracle"),
        Property("zero_upstream", zero_upstream_gives_zero_gradients, ("backward",)),
        Property("single_step", single_step_equals_cell,
                 ("cell_forward", "forward", "cell_backward", "backward")),
        Property("batch_columns", batch_columns_are_independent, ("forward", "backward")),
        Property("no_mutation", inputs_are_not_mutated, ("forward",)),
    )
}

#: What a user's run checks by default: every property that judges the
#: implementation (the oracle's own check runs in this project's suite, in
#: ``make thorough`` and with ``rnn-verify --check-oracle``).
IMPLEMENTATION_PROPERTIES = tuple(n for n, p in PROPERTIES.items() if p.judges == "implementation")
