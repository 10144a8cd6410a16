"""Explain a failure: who is wrong (triangulation) and where (localization).

Triangulation. When the manual gradient and autodiff disagree at an element,
central finite differences in float64 of the same scalar, perturbing that one
element of the input, decide which side is wrong: the side that agrees with
the finite difference is right.

Localization. For the sequence backward, the upstream gradient is placed at the
last step of ever longer prefixes of the sequence (``T_x`` is read from
``da.shape``, so ``backward(da[:, :, :k], caches)`` back-propagates ``k``
steps): the first prefix length at which a key goes wrong tells whether the
step's own backward is wrong (already at ``k = 1``) or the gradient carried to
the previous step is (from ``k = 2`` on). Gate parameters are named by gate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from . import oracle
from .compare import FD_STEP, FINITE_DIFFERENCE, compare_arrays, tolerance_for
from .finite_differences import richardson
from .implementation import Implementation, PropertyFailure, PropertySkipped
from .outputs import check_dict, gradient_shapes
from .properties import cell_forward_matches_reference, forward_matches_reference
from .running import run_forward
from .strategies import Case

__all__ = ["Diagnosis", "diagnose"]


@dataclass
class Diagnosis:
    """What is known about one failing gradient key.

    A report holds it as :meth:`as_dict`; :func:`reference.render.describe_diagnosis`
    prints it.
    """

    function: str
    key: str
    index: list[int] | None
    manual: float | None
    reference: float | None
    finite_difference: float | None = None
    verdict: str = ""
    gate: str | None = None
    localization: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _input_of(key: str) -> str:
    """Gradient key -> input name: ``dWaa`` -> ``Waa``, ``da_prev`` -> ``a_prev``."""
    return key[1:]


def _scalar(prop: str, case: Case):
    """The float64 scalar whose gradient the property compares, as a function of
    a dict of named inputs, and that dict."""
    fam = case.family
    p = {k: v.astype(np.float64) for k, v in case.parameters.items()}
    x, a0 = case.x.astype(np.float64), case.a0.astype(np.float64)
    if prop == "cell_backward":
        names = [f"{s}_prev" for s in fam.states]
        states = [s.astype(np.float64) for s in case.states_prev]
        cots = tuple(c.astype(np.float64) for c in case.cell_cotangents)
        inputs = {"xt": x[:, :, 0], **dict(zip(names, states)), **p}

        def f(inp):
            return oracle.cell_projection(fam, inp["xt"], tuple(inp[n] for n in names),
                                          {k: inp[k] for k in p}, cots)
        return f, inputs
    if prop == "backward":
        da = case.da.astype(np.float64)
        inputs = {"x": x, "a0": a0, **p}

        def f(inp):
            return oracle.sequence_projection(fam, inp["x"], inp["a0"], {k: inp[k] for k in p}, da)
        return f, inputs
    if prop == "loss_gradient":
        inputs = {"x": x, "a0": a0, **p}

        def f(inp):
            return oracle.loss_value(fam, inp["x"], inp["a0"], {k: inp[k] for k in p}, case.labels)
        return f, inputs
    return None, None


def _element_fd(f, inputs: dict, name: str, index: tuple) -> tuple[float, float]:
    def at(t):
        arr = inputs[name].copy()
        arr[index] += t
        return f({**inputs, name: arr})

    return richardson(at, FD_STEP)


def triangulate(prop: str, case: Case, comparison) -> Diagnosis:
    """Decide with finite differences whether the manual or the autodiff value is wrong."""
    d = Diagnosis(
        function=comparison.function,
        key=comparison.key,
        index=list(comparison.index) if comparison.index is not None else None,
        manual=comparison.manual,
        reference=comparison.reference,
        gate=case.family.gate_of(comparison.key),
    )
    f, inputs = _scalar(prop, case)
    name = _input_of(comparison.key)
    if f is None or comparison.index is None or name not in inputs:
        return d
    fd, fd_error = _element_fd(f, inputs, name, tuple(comparison.index))
    d.finite_difference = fd
    if not np.isfinite(d.manual):
        d.verdict = "the manual value is not finite: the manual gradient is wrong"
        return d
    scale = max(abs(f(inputs)), 1.0)
    tol = tolerance_for(case.dtype)
    fd_ok = {
        side: compare_arrays("", "", np.array(v), np.array(fd), FINITE_DIFFERENCE, scale=scale,
                             slack=fd_error).ok
        for side, v in (("manual", d.manual), ("reference", d.reference))
    }
    if fd_ok["reference"] and not fd_ok["manual"]:
        d.verdict = "finite differences agree with autodiff: the manual gradient is wrong"
    elif fd_ok["manual"] and not fd_ok["reference"]:
        d.verdict = "finite differences agree with the manual value: the reference is wrong"
    elif fd_ok["manual"] and fd_ok["reference"]:
        d.verdict = (
            f"finite differences cannot separate them (both within the finite-difference "
            f"tolerance; the {tol.name} tolerance is tighter)"
        )
    else:
        d.verdict = "finite differences agree with neither side (inconclusive)"
    return d


def localize_backward(impl: Implementation, case: Case, keys: list[str]) -> dict[str, str]:
    """For each key, the first prefix length ``k`` at which the sequence backward is wrong."""
    fam = case.family
    tol = tolerance_for(case.dtype)
    try:
        _, caches = run_forward(impl, case)
    except (PropertyFailure, PropertySkipped) as exc:
        return {k: f"not localized: the forward failed ({exc})" for k in keys}
    first_bad: dict[str, int] = {}
    p64 = {k: v.astype(np.float64) for k, v in case.parameters.items()}
    for k_len in range(1, case.dims.T_x + 1):
        da = np.zeros((case.dims.n_a, case.dims.m, k_len), dtype=case.dtype)
        da[:, :, -1] = case.da[:, :, k_len - 1]
        sub = case.replace(dims=case.dims.replace(T_x=k_len))
        try:
            manual = check_dict(impl, fam.functions["backward"], impl.call(fam, "backward", da, caches),
                                gradient_shapes(sub), case.dtype)
        except PropertyFailure as exc:
            return {k: f"not localized: backward with a {k_len}-step da failed ({exc})" for k in keys}
        ref = oracle.sequence_vjp(fam, case.x[:, :, :k_len].astype(np.float64),
                                  case.a0.astype(np.float64), p64, da.astype(np.float64))
        scale = float(np.abs(da).max())
        for key in keys:
            if key in first_bad or key not in ref:
                continue
            if not compare_arrays("", key, manual[key], ref[key], tol, scale=scale).ok:
                first_bad[key] = k_len
        if len(first_bad) == len(keys):
            break
    out = {}
    for key in keys:
        k_len = first_bad.get(key)
        if k_len is None:
            out[key] = ("wrong only when upstream gradients at several steps add up "
                        "(every single-step upstream gives the right value)")
        elif k_len == 1:
            out[key] = ("wrong already for an upstream gradient at t=0 alone: "
                        "the step's own backward is wrong")
        elif k_len == 2:
            out[key] = ("correct for an upstream gradient at t=0 alone, wrong from t=1 carried "
                        "to t=0: the gradient carried to the previous step is wrong")
        else:
            out[key] = (f"correct while the gradient is carried back up to {k_len - 2} steps, "
                        f"wrong when carried {k_len - 1} steps (from t={k_len - 1} to t=0)")
    return out


def wrong_forward(impl: Implementation, prop: str, case: Case) -> str | None:
    """Why a backward failure may be the forward's fault: the implementation's own
    forward disagrees with the oracle's on ``case`` (its caches are then wrong too,
    and a correct backward fed them cannot give the true gradient)."""
    fam = case.family
    if prop == "cell_backward":
        role, check = "cell_forward", cell_forward_matches_reference
    elif prop in ("backward", "short_da", "loss_gradient"):
        role, check = "forward", forward_matches_reference
    else:
        return None
    if impl.function(fam, role) is None:
        return None
    try:
        check(impl, case)
    except PropertyFailure as exc:
        first = next((ln for ln in str(exc).splitlines() if ln.strip() and not ln.startswith("Case(")), "")
        return (f"the forward is wrong ({first.split(' (float')[0]}): the backward ran on the caches "
                f"of a wrong forward; fix {fam.functions[role]} first")
    except PropertySkipped:
        return None
    return None


def diagnose(impl: Implementation, prop: str, case: Case, comparisons: list) -> list[Diagnosis]:
    """Triangulate every failing comparison and localize sequence-backward failures."""
    failing = [c for c in comparisons if not c.ok]
    out = [triangulate(prop, case, c) for c in failing]
    forward = wrong_forward(impl, prop, case)
    if forward:
        for d in out:
            d.localization = forward
    elif prop == "backward" and case.dims.T_x >= 1:
        where = localize_backward(impl, case, [c.key for c in failing])
        for d in out:
            d.localization = where.get(d.key, "")
    elif prop == "cell_backward":
        for d in out:
            d.localization = "the cell's backward step is wrong"
    elif prop == "loss_gradient":
        W, b = case.family.output_keys
        for d in out:
            if d.key in (f"d{W}", f"d{b}"):
                d.localization = f"the output layer's gradient ({case.family.functions['loss_backward']}) is wrong"
    return out
