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
policy live in :mod:`reference.implementation`; running it on a case in
:mod:`reference.running`, which checks what it returned with
:mod:`reference.outputs`; the finite differences that judge the oracle in
:mod:`reference.finite_differences`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import oracle
from .compare import GradientMismatch, assert_close, compare_arrays, tolerance_for
from .families import Family
from .finite_differences import broadcast, fd_check
from .implementation import (
    Implementation,
    ImplementationError,
    PropertyFailure,
    PropertySkipped,
    load_implementation,
)
from .outputs import TIME_AXES
from .selection import (
    DTYPES,
    IMPLEMENTATION_PROPERTY_NAMES,
    PROPERTY_DTYPES,
    PROPERTY_NAMES,
    PROPERTY_PROGRAMS,
    PROPERTY_ROLES,
    skip_reason,
)
from .running import (
    call_backward,
    run_backward,
    run_cell_backward,
    run_cell_forward,
    run_forward,
    run_loss_gradients,
)
from .strategies import Case

__all__ = [
    "Implementation",
    "PropertyFailure",
    "PropertySkipped",
    "Property",
    "PROPERTIES",
    "IMPLEMENTATION_PROPERTIES",
    "ImplementationError",
    "compare_results",
    "load_implementation",
    "prime_oracle",
]


def _f64(case: Case):
    """The case's inputs in float64, for the oracle."""
    p = {k: v.astype(np.float64) for k, v in case.parameters.items()}
    return p, case.x.astype(np.float64), case.a0.astype(np.float64)


def compare_results(func: str, manual: dict, reference: dict, case: Case, against: str,
                    scale: float = 1.0, slack: dict[str, float] | None = None) -> list:
    """Every key of ``reference`` against ``manual`` at the case's dtype tolerance
    (plus ``slack``, an absolute allowance per key, if given).

    Returns the comparisons; a mismatch raises :class:`PropertyFailure` naming
    ``func``, the key, the element and the time step (``against`` names the other side).
    """
    tol = tolerance_for(case.dtype)
    try:
        return assert_close(
            func, manual, reference, tol, time_axes=TIME_AXES, context=f"{case!r}",
            against=against, scale=scale, slack=slack,
        )
    except GradientMismatch as exc:
        raise PropertyFailure(str(exc), exc.comparisons) from None


#: Relative size of the rounding-level perturbations of the inputs by which
#: :func:`compare_to_oracle` measures how much a case amplifies rounding: a few
#: float64 ulps, what any two correct implementations differ by after one step.
ROUNDING_PERTURBATION = 4 * float(np.finfo(np.float64).eps)

#: A mismatch within this many times the change such a perturbation makes in the
#: oracle's own result is rounding amplified by an ill-conditioned case, not a
#: bug. In a well-conditioned case that change is ~1e-15 relative and the
#: allowance is a millionth of the float64 tolerance; at weight scale 20 over 38
#: steps (a reset-after GRU, found by ``make thorough``) two correct
#: implementations, and the padded and unpadded oracle, differ by 5e-7 relative,
#: and the perturbation moves the oracle by 7e-7 to 1.5e-6 (docs/tolerances.md).
ROUNDING_NOISE_FACTOR = 10.0


def prime_oracle(case: Case, properties) -> None:
    """Have the oracle compute what ``properties`` will ask of it for ``case`` at
    once, ahead of them (:func:`reference.oracle.prime`): one call of each program
    they use instead of one per property."""
    programs = {g for prop in properties for g in PROPERTY_PROGRAMS.get(prop, ())}
    if not programs:
        return
    p, x, a0 = _f64(case)
    f64 = lambda a: a.astype(np.float64)  # noqa: E731
    oracle.prime(case.family, x, a0, p, f64(case.da), case.labels,
                 tuple(map(f64, case.states_prev)), tuple(map(f64, case.cell_cotangents)),
                 programs)


def rounding_noise(case: Case, evaluate: Callable, reference: dict, draws: int = 2) -> dict:
    """Per key, the largest change of the oracle's result ``evaluate(p, x, a0)`` when
    every input is perturbed by :data:`ROUNDING_PERTURBATION` (relative, random sign)."""
    rng = np.random.default_rng(case.seed ^ 0x0ADD)
    p, x, a0 = _f64(case)

    def perturbed(a):
        return a * (1 + rng.uniform(-ROUNDING_PERTURBATION, ROUNDING_PERTURBATION, a.shape))

    noise = {k: 0.0 for k in reference}
    for _ in range(draws):
        moved = evaluate({k: perturbed(v) for k, v in p.items()}, perturbed(x), perturbed(a0))
        for k in reference:
            change = np.abs(np.asarray(moved[k]) - np.asarray(reference[k]))
            noise[k] = max(noise[k], float(np.nanmax(change, initial=0.0)))
    return noise


def compare_to_oracle(func: str, manual: dict, case: Case, against: str, evaluate: Callable,
                      scale: float = 1.0, reference: dict | None = None) -> list:
    """:func:`compare_results` against the oracle's ``evaluate(p, x, a0)`` on the case's
    float64 inputs (``reference``, if the caller has it already); a mismatch is
    re-judged once, allowing for the rounding the case amplifies
    (:data:`ROUNDING_NOISE_FACTOR`), and stands if it still fails."""
    if reference is None:
        p, x, a0 = _f64(case)
        reference = evaluate(p, x, a0)
    try:
        return compare_results(func, manual, reference, case, against, scale)
    except PropertyFailure as failure:
        noise = rounding_noise(case, evaluate, reference)
        try:
            return compare_results(func, manual, reference, case, against, scale,
                                   slack={k: ROUNDING_NOISE_FACTOR * v for k, v in noise.items()})
        except PropertyFailure:
            raise failure from None


# --- the properties ----------------------------------------------------------


def cell_forward_matches_reference(impl: Implementation, case: Case) -> list:
    """The cell's new state(s) and prediction equal the JAX cell's."""
    fam = case.family
    manual, _ = run_cell_forward(impl, case)
    rest = tuple(s.astype(np.float64) for s in case.states_prev[1:])
    return compare_to_oracle(fam.functions["cell_forward"], manual, case, "the JAX cell",
                             lambda p, x, a0: oracle.cell_forward(fam, x[:, :, 0], (a0, *rest), p))


def forward_matches_reference(impl: Implementation, case: Case) -> list:
    """The sequence forward's states and predictions equal the JAX scan's."""
    fam = case.family
    manual, _ = run_forward(impl, case)
    return compare_to_oracle(fam.functions["forward"], manual, case, "the JAX lax.scan",
                             lambda p, x, a0: oracle.forward(fam, x, a0, p))


def cell_backward_matches_vjp(impl: Implementation, case: Case) -> list:
    """Every key of the cell backward equals ``jax.vjp`` of the cell step."""
    fam = case.family
    impl.require(fam, "cell_forward", "cell_backward")
    manual = run_cell_backward(impl, case)
    rest = tuple(s.astype(np.float64) for s in case.states_prev[1:])
    cots = tuple(c.astype(np.float64) for c in case.cell_cotangents)
    return compare_to_oracle(
        fam.functions["cell_backward"], manual, case, "jax.vjp of the cell",
        lambda p, x, a0: oracle.cell_vjp(fam, x[:, :, 0], (a0, *rest), p, cots),
        scale=max(float(np.abs(c).max()) for c in cots))


def backward_matches_vjp(impl: Implementation, case: Case) -> list:
    """Every key of the sequence backward equals ``jax.vjp`` of the scan, fed the same ``da``."""
    fam = case.family
    impl.require(fam, "forward", "backward")
    manual = run_backward(impl, case)
    da = case.da.astype(np.float64)
    return compare_to_oracle(fam.functions["backward"], manual, case, "jax.vjp of the sequence",
                             lambda p, x, a0: oracle.sequence_vjp(fam, x, a0, p, da),
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
    da = case.da.astype(np.float64)
    return compare_to_oracle(
        f"{fam.functions['backward']} (da of T_x = {d.T_x}, caches of {d.T_x + extra} steps)",
        manual, case, "jax.vjp of the first T_x steps",
        lambda p, x, a0: oracle.sequence_vjp(fam, x, a0, p, da), scale=float(np.abs(case.da).max()))


def loss_gradient_matches_grad(impl: Implementation, case: Case) -> list:
    """The loss and its gradient with respect to every parameter, ``x`` and ``a0``
    (forward, loss backward, then backward) equal ``jax.grad`` of the same loss."""
    fam = case.family
    loss, manual = run_loss_gradients(impl, case)
    p, x, a0 = _f64(case)
    ref_loss, ref = oracle.loss_and_gradients(fam, x, a0, p, case.labels)
    func = f"{fam.functions['loss_backward']} + {fam.functions['backward']}"
    W = fam.output_keys[0]
    comparisons = compare_to_oracle(
        func, manual, case, "jax.grad of the loss",
        lambda p, x, a0: oracle.loss_and_gradients(fam, x, a0, p, case.labels)[1],
        scale=float(np.abs(p[W]).max()) / (case.dims.m * case.dims.T_x), reference=ref)
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
        params = {**broadcast(fixed, len(inp["xt"])), **{k: inp[k] for k in keys}}
        return oracle.cell_projections(fam, inp["xt"], tuple(inp[s] for s in state_names),
                                       params, cots)

    cell_in = {"xt": x[:, :, 0], **dict(zip(state_names, states)), **{k: p[k] for k in keys}}
    out = fd_check("reference cell VJP", case, cell_f, cell_in,
                   oracle.cell_vjp(fam, x[:, :, 0], states, p, cots),
                   upstream=max(float(np.abs(c).max()) for c in cots))

    def seq_f(inp):
        params = {**broadcast(fixed, len(inp["x"])), **{k: inp[k] for k in keys}}
        return oracle.sequence_projections(fam, inp["x"], inp["a0"], params, da)

    seq_in = {"x": x, "a0": a0, **{k: p[k] for k in keys}}
    out += fd_check("reference sequence VJP", case, seq_f, seq_in,
                    oracle.sequence_vjp(fam, x, a0, p, da), upstream=float(np.abs(da).max()))

    def loss_f(inp):
        return oracle.loss_values(fam, inp["x"], inp["a0"], {k: inp[k] for k in p}, case.labels)

    _, grads = oracle.loss_and_gradients(fam, x, a0, p, case.labels)
    out += fd_check("reference loss gradient", case, loss_f, {"x": x, "a0": a0, **p}, grads,
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
    x1 = case.x[:, :, :1]
    seq, caches = run_forward(impl, case, x=x1)
    cell, _ = run_cell_forward(impl, case)
    if len(fam.states) > 1:  # the sequence starts from c0 = 0
        case = case.replace(c_prev=np.zeros_like(case.c_prev))
        cell, _ = run_cell_forward(impl, case)
    manual = {s: seq[s][:, :, 0] for s in fam.states}
    manual["y_pred"] = seq["y_pred"][:, :, 0]
    cell_named = {s: cell[f"{s}_next"] for s in fam.states}
    cell_named["y_pred"] = cell["yt_pred"]
    out = compare_results(fam.functions["forward"] + " with T_x = 1", manual, cell_named, case,
                          "one step of " + fam.functions["cell_forward"])
    da1 = case.da[:, :, :1]
    seq_g = call_backward(impl, case, da1, caches, 1)
    cots = (da1[:, :, 0],) + tuple(np.zeros_like(case.a0) for _ in fam.states[1:])
    cell_g = run_cell_backward(impl, case, cots)
    manual_g = {"dxt": seq_g["dx"][:, :, 0], "da_prev": seq_g["da0"]}
    manual_g.update({f"d{k}": seq_g[f"d{k}"] for k in fam.recurrent_keys})
    cell_g = {k: cell_g[k] for k in manual_g}
    out += compare_results(fam.functions["backward"] + " with T_x = 1", manual_g, cell_g, case,
                           "one step of " + fam.functions["cell_backward"])
    return out


def batch_columns_are_independent(impl: Implementation, case: Case) -> list:
    """Column ``j`` of a batch gives the results of a batch holding only column ``j``;
    the parameter gradients of the batch are the sums over its columns."""
    fam = case.family
    impl.require(fam, "forward", "backward")
    full_out, full_caches = run_forward(impl, case)
    full_g = call_backward(impl, case, case.da, full_caches, case.dims.T_x)
    summed = {f"d{k}": np.zeros(case.parameters[k].shape) for k in fam.recurrent_keys}
    out = []
    for j in range(case.dims.m):
        col = slice(j, j + 1)
        sub = case.replace(dims=case.dims.replace(m=1), x=case.x[:, col], a0=case.a0[:, col],
                           c_prev=case.c_prev[:, col], da=case.da[:, col],
                           dc_next=case.dc_next[:, col], labels=case.labels[col])
        sub_out, sub_caches = run_forward(impl, sub)
        sub_g = call_backward(impl, sub, sub.da, sub_caches, case.dims.T_x)
        mine = {k: full_out[k][:, col] for k in sub_out}
        mine.update({"dx": full_g["dx"][:, col], "da0": full_g["da0"][:, col]})
        theirs = {**sub_out, "dx": sub_g["dx"], "da0": sub_g["da0"]}
        out += compare_results(f"{fam.functions['forward']}/{fam.functions['backward']} column {j}",
                               mine, theirs, case, f"a batch of column {j} alone")
        for k in summed:
            summed[k] += sub_g[k]
    out += compare_results(fam.functions["backward"], {k: full_g[k] for k in summed}, summed,
                           case, "the sum of per-column gradients")
    return out


class _Snapshot:
    """What a function's arguments held before the call, to tell afterwards whether
    it wrote into any of them.

    Arrays are kept as their bytes (a copy), containers as their type and keys,
    anything else as a deep copy. An object reached several times (the
    parameters dict in every step's cache, a stacked array's views) is copied
    once and compared once per object it is then found at. Values compare as
    :func:`numpy.array_equal` with ``equal_nan`` does (equal bytes first, the
    cheap common case); dtype, shape, length and keys must match, and a list or
    tuple must stay a list or tuple (a dict, any dict).
    """

    def __init__(self, obj):
        self._nodes: dict[int, tuple] = {}  # by id: everything is reachable from obj, alive
        self.root = self._take(obj)

    def _take(self, obj) -> tuple:
        node = self._nodes.get(id(obj))
        if node is not None:
            return node
        if isinstance(obj, np.ndarray):
            data = obj.copy() if obj.dtype.hasobject else obj.tobytes()
            node = ("array", obj.dtype, obj.shape, data)
        elif isinstance(obj, dict):
            node = ("dict", {k: self._take(v) for k, v in obj.items()})
        elif isinstance(obj, (list, tuple)):
            node = ("seq", type(obj), len(obj), tuple(self._take(v) for v in obj))
        else:
            node = ("value", copy.deepcopy(obj))
        self._nodes[id(obj)] = node
        return node

    def same(self, obj) -> bool:
        """Whether ``obj`` (the arguments after the call) holds what it held before."""
        return self._same(self.root, obj, set())

    def _same(self, node, obj, seen: set) -> bool:
        pair = (id(node), id(obj))
        if pair in seen:
            return True
        seen.add(pair)
        kind = node[0]
        if kind == "array":
            _, dtype, shape, data = node
            if not isinstance(obj, np.ndarray) or obj.dtype != dtype or obj.shape != shape:
                return False
            if dtype.hasobject:
                return np.array_equal(data, obj)
            return obj.tobytes() == data or np.array_equal(
                np.frombuffer(data, dtype=dtype).reshape(shape), obj, equal_nan=True)
        if kind == "dict":
            children = node[1]
            return (isinstance(obj, dict) and obj.keys() == children.keys()
                    and all(self._same(c, obj[k], seen) for k, c in children.items()))
        if kind == "seq":
            _, typ, n, children = node
            return (type(obj) is typ and len(obj) == n
                    and all(self._same(c, v, seen) for c, v in zip(children, obj)))
        if isinstance(obj, np.ndarray):
            return False
        return bool(node[1] == obj)


def inputs_are_not_mutated(impl: Implementation, case: Case) -> list:
    """No function writes into what it was given (inputs, parameters, caches, upstream)."""
    fam = case.family
    checks = []

    def guarded(role, *args):
        before = [_Snapshot(a) for a in args]
        result = impl.call(fam, role, *args)
        for i, (b, a) in enumerate(zip(before, args)):
            if not b.same(a):
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

    def skip_reason(self, impl: Implementation, family: Family, dtype: str) -> str | None:
        """Why this property does not run on ``impl``'s ``family`` in ``dtype``, or ``None``.

        The one decision ``rnn-verify`` (:func:`reference.runner.search`) and the
        pytest suite both ask before drawing a case
        (:func:`reference.selection.skip_reason`).
        """
        return skip_reason(self.name, impl, family, dtype)


def _property(name: str, check: Callable[[Implementation, Case], list],
              judges: str = "implementation") -> Property:
    return Property(name, check, PROPERTY_ROLES[name], PROPERTY_DTYPES.get(name, DTYPES), judges)


PROPERTIES: dict[str, Property] = {
    p.name: p
    for p in (
        _property("cell_forward", cell_forward_matches_reference),
        _property("forward", forward_matches_reference),
        _property("cell_backward", cell_backward_matches_vjp),
        _property("backward", backward_matches_vjp),
        _property("short_da", shorter_da_matches_vjp),
        _property("loss_gradient", loss_gradient_matches_grad),
        _property("reference_fd", reference_matches_finite_differences, "oracle"),
        _property("zero_upstream", zero_upstream_gives_zero_gradients),
        _property("single_step", single_step_equals_cell),
        _property("batch_columns", batch_columns_are_independent),
        _property("no_mutation", inputs_are_not_mutated),
    )
}

#: What a user's run checks by default: every property that judges the
#: implementation (the oracle's own check runs in this project's suite, in
#: ``make thorough`` and with ``rnn-verify --check-oracle``).
IMPLEMENTATION_PROPERTIES = tuple(n for n, p in PROPERTIES.items() if p.judges == "implementation")

# The light list the command line validates against must name these same properties.
assert tuple(PROPERTIES) == PROPERTY_NAMES and IMPLEMENTATION_PROPERTIES == IMPLEMENTATION_PROPERTY_NAMES
