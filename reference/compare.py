"""Tolerances and the element-wise comparison of manual results against the oracle.

An element passes when::

    |manual - reference| <= atol * S + rtol * |reference|,   S = max(max|reference|, scale)

The relative bound covers well-scaled elements; the absolute floor covers
elements that are small only because terms cancelled or saturated (the
rounding error of a sum is relative to its terms, not to its result: a
saturated ``tanh`` gives ``1 - a**2`` with a relative error of
``eps / (1 - a**2)`` in any correct implementation). ``scale`` is the size the
array's terms have: 1 for forward values (states and probabilities are of
order one), the largest upstream gradient for a VJP, and the upstream gradient
the loss puts on the hidden states (``max|Wy| / (m * T_x)``) for the loss
gradient. Non-finite values never
compare equal unless the caller says both sides are expected to be non-finite.

The constants were measured on correct code (``benchmarks/tolerance_survey.py``
prints the distribution, ``make thorough`` the worst case); ``docs/tolerances.md``
records both, and the margin to the subtlest catalogued bug.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Tolerance",
    "FLOAT64",
    "FLOAT32",
    "FINITE_DIFFERENCE",
    "tolerance_for",
    "ArrayComparison",
    "GradientMismatch",
    "compare_arrays",
    "assert_close",
]


@dataclass(frozen=True)
class Tolerance:
    """``|manual - ref| <= atol * S + rtol * |ref|`` per element.

    ``S = max(max|ref|, scale)``: the array's largest magnitude, or the size of
    the terms that produced it (see the module docstring), whichever is larger.
    """

    name: str
    rtol: float
    atol: float

    def allowed(self, reference: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """Per-element allowed absolute error."""
        absref = np.abs(reference)
        S = max(float(absref.max()) if absref.size else 0.0, scale)
        return self.atol * S + self.rtol * absref

    def __str__(self) -> str:
        return (
            f"{self.name}: |manual - ref| <= {self.atol:.0e} * max(max|ref|, scale) "
            f"+ {self.rtol:.0e} * |ref|"
        )


#: float64 manual code against the float64 oracle. The floor started at 1e-12
#: and was raised to 1e-10 once measured: at a unit saturated by weight scale 20
#: with upstream 100, NumPy's and XLA's ``tanh`` differ in the last bits, and a
#: correct ``dxt`` differed by 2.8e-12 (``1 - a**2`` is ill-conditioned there).
#: The worst ratio on correct code since, and the subtlest catalogued fault's (a
#: step rounded through float32): ``docs/tolerances.md``.
FLOAT64 = Tolerance("float64", rtol=1e-9, atol=1e-10)

#: float32 manual code against the float64 oracle run on the same (exactly
#: representable) inputs: float32 rounding (eps = 1.2e-7) accumulates through
#: T_x steps and n_a-long dot products. The floor started at 1e-4 and was raised
#: to 1e-3 after saturated cases measured ratios near 1; the strategies also cap
#: float32 at T_x = 10 and weight scale 5, where the problem's own conditioning
#: exceeds 1 / eps32 (see reference/strategies.py). The worst ratio on correct
#: code: ``docs/tolerances.md``.
FLOAT32 = Tolerance("float32", rtol=1e-3, atol=1e-3)

#: The oracle against central finite differences in float64 with step
#: ``FD_STEP`` and Richardson extrapolation: truncation ~ h**4 and rounding
#: ~ eps * |f| / h, about 1e-9 of the scale; where gates are deeply saturated
#: the extrapolation's own error estimate is added (``slack``), because a fixed
#: step cannot resolve them. A wrong oracle is off by order one.
FINITE_DIFFERENCE = Tolerance("finite difference", rtol=1e-5, atol=1e-6)

#: Step of the central finite differences.
FD_STEP = 1e-5


def tolerance_for(dtype) -> Tolerance:
    """The tolerance for manual results of ``dtype`` (float32 or float64)."""
    dtype = np.dtype(dtype)
    if dtype == np.float64:
        return FLOAT64
    if dtype == np.float32:
        return FLOAT32
    raise TypeError(f"tolerance_for: dtype must be float32 or float64, got {dtype}")


def _fmt_index(key: str, index: tuple) -> str:
    return f"{key}[{', '.join(str(int(i)) for i in index)}]"


def _ranges(steps: list[int]) -> str:
    if not steps:
        return "none"
    out, start, prev = [], steps[0], steps[0]
    for s in steps[1:] + [None]:
        if s is not None and s == prev + 1:
            prev = s
            continue
        out.append(f"t={start}" if start == prev else f"t={start}..{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(out)


@dataclass
class ArrayComparison:
    """The outcome of comparing one array (one gradient key) element by element.

    ``ratio`` is the largest ``|manual - ref| / allowed`` over the elements: at
    most 1 passes. ``time_steps`` lists, for arrays with a ``T_x`` axis, the
    steps holding a failing element.
    """

    function: str
    key: str
    ok: bool
    max_abs: float
    max_rel: float
    ratio: float
    n_bad: int = 0
    size: int = 0
    index: tuple | None = None
    manual: float | None = None
    reference: float | None = None
    allowed: float | None = None
    tolerance: Tolerance | None = None
    time_steps: list[int] = field(default_factory=list)
    T_x: int | None = None
    against: str = "the reference"

    def describe(self) -> str:
        """A message for people: which element, values, errors, tolerance, time steps."""
        if self.ok:
            return (
                f"{self.function}[{self.key!r}] agrees with {self.against}: max abs err "
                f"{self.max_abs:.2e}, max rel err {self.max_rel:.2e}, "
                f"{self.ratio:.2e} of the tolerance"
            )
        lines = [
            f"{self.function}[{self.key!r}] disagrees with {self.against} at {self.n_bad} of "
            f"{self.size} elements ({self.tolerance})",
            f"  worst element {_fmt_index(self.key, self.index)}: manual = {self.manual!r}, "
            f"reference = {self.reference!r}, abs err = {abs_err(self.manual, self.reference)}, "
            f"rel err = {rel_err(self.manual, self.reference)}, allowed = {self.allowed:.2e}",
        ]
        if self.T_x is not None:
            good = [t for t in range(self.T_x) if t not in self.time_steps]
            lines.append(
                f"  time steps: wrong at {_ranges(self.time_steps)}; correct at {_ranges(good)} "
                f"(of T_x = {self.T_x})"
            )
        return "\n".join(lines)


def abs_err(a, b) -> str:
    d = abs(a - b)
    return f"{d:.3e}" if np.isfinite(d) else str(d)


def rel_err(a, b) -> str:
    d = abs(a - b) / abs(b) if b != 0 else (0.0 if a == b else np.inf)
    return f"{d:.3e}" if np.isfinite(d) else str(d)


class GradientMismatch(AssertionError):
    """Raised by :func:`assert_close`; carries the failing comparisons."""

    def __init__(self, comparisons: list[ArrayComparison], context: str = ""):
        self.comparisons = comparisons
        body = "\n".join(c.describe() for c in comparisons)
        super().__init__(f"{context}\n{body}" if context else body)


def compare_arrays(
    function: str,
    key: str,
    manual: np.ndarray,
    reference: np.ndarray,
    tolerance: Tolerance,
    *,
    time_axis: int | None = None,
    allow_nonfinite: bool = False,
    against: str = "the reference",
    scale: float = 1.0,
    slack: float = 0.0,
) -> ArrayComparison:
    """Compare ``manual`` against ``reference`` element by element.

    Parameters
    ----------
    function, key : str
        Named in the report (``"rnn_backward"``, ``"dWaa"``).
    manual, reference : ndarray
        Arrays of one shape (the caller checks shapes and reports a mismatch).
    tolerance : Tolerance
    scale : float
        Size of the terms that produced the array (1 for forward values, the
        largest upstream gradient for a VJP); part of the absolute floor.
    slack : float
        Extra absolute allowance: the reference's own error estimate where it
        has one (finite differences), 0 otherwise.
    time_axis : int, optional
        The ``T_x`` axis, for arrays that have one; the report then lists the
        failing time steps.
    allow_nonfinite : bool
        If true, an element that is non-finite on both sides with the same
        value (NaN and NaN, or the same infinity) passes. Otherwise any
        non-finite element fails.
    """
    m = np.asarray(manual, dtype=np.float64)
    r = np.asarray(reference, dtype=np.float64)
    assert m.shape == r.shape, (m.shape, r.shape)
    passed = _passing(function, key, m, r, tolerance, scale, slack, time_axis, against)
    if passed is not None:
        return passed
    return _elementwise(function, key, m, r, tolerance, scale, slack, time_axis,
                        allow_nonfinite, against)


def _elementwise(function, key, m, r, tolerance, scale, slack, time_axis, allow_nonfinite,
                 against):
    """The general comparison: non-finite values, failing elements, their time steps."""
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        finite = np.isfinite(m) & np.isfinite(r)
        err = np.where(finite, np.abs(m - r), np.inf)
        if allow_nonfinite:
            same = ~finite & ((np.isnan(m) & np.isnan(r)) | (m == r))
            err = np.where(same, 0.0, err)
        allowed = tolerance.allowed(np.where(np.isfinite(r), r, 0.0), scale) + slack
        ratio = np.where(err == 0, 0.0, err / allowed)  # 0/0: exact agreement
        rel = np.where(finite, err / np.maximum(np.abs(r), np.finfo(np.float64).tiny), err)
    bad = ~(ratio <= 1.0)
    out = ArrayComparison(
        function=function,
        key=key,
        ok=not bad.any(),
        max_abs=float(err.max()) if err.size else 0.0,
        max_rel=float(rel.max()) if rel.size else 0.0,
        ratio=float(ratio.max()) if ratio.size else 0.0,
        n_bad=int(bad.sum()),
        size=int(m.size),
        tolerance=tolerance,
        against=against,
    )
    if time_axis is not None and m.ndim > time_axis:
        out.T_x = m.shape[time_axis]
        per_t = bad.any(axis=tuple(i for i in range(bad.ndim) if i != time_axis))
        out.time_steps = [int(t) for t in np.flatnonzero(per_t)]
    if not out.ok:
        worst = np.unravel_index(int(np.argmax(np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0))), m.shape)
        out.index = tuple(int(i) for i in worst)
        out.manual, out.reference = float(m[worst]), float(r[worst])
        out.allowed = float(allowed[worst])
    return out


def _passing(function, key, m, r, tolerance, scale, slack, time_axis, against):
    """The comparison of two arrays that agree everywhere, in a third of the
    operations of :func:`_elementwise`; ``None`` when they do not (or are empty).

    Most comparisons pass, and the harness makes five or more per example.
    The bounds are the same operations in the same order as in
    :func:`_elementwise`, so a passing result is identical. Any non-finite
    element makes the largest ratio NaN or infinite (NaN propagates through
    ``max``), which leaves the arrays to :func:`_elementwise`.
    """
    if not m.size:
        return None
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        err = np.abs(m - r)
        ratio = float((err / (tolerance.allowed(r, scale) + slack)).max())
        if not ratio <= 1.0:
            return None
        max_rel = float((err / np.maximum(np.abs(r), np.finfo(np.float64).tiny)).max())
    out = ArrayComparison(
        function=function, key=key, ok=True, max_abs=float(err.max()), max_rel=max_rel,
        ratio=ratio, size=int(m.size), tolerance=tolerance, against=against,
    )
    if time_axis is not None and m.ndim > time_axis:
        out.T_x = m.shape[time_axis]
    return out


def assert_close(
    function: str,
    manual: dict,
    reference: dict,
    tolerance: Tolerance,
    *,
    time_axes: dict[str, int] | None = None,
    context: str = "",
    against: str = "the reference",
    scale: float = 1.0,
    slack: dict[str, float] | None = None,
) -> list[ArrayComparison]:
    """Compare every key of ``reference``; raise :class:`GradientMismatch` listing failures.

    ``slack`` (optional) adds an absolute allowance per key. Returns the
    comparisons (all passing) so callers can record the errors.
    """
    __tracebackhide__ = True
    time_axes = time_axes or {}
    slack = slack or {}
    results = [
        compare_arrays(
            function, k, manual[k], reference[k], tolerance,
            time_axis=time_axes.get(k), against=against, scale=scale, slack=slack.get(k, 0.0),
        )
        for k in reference
    ]
    failed = [c for c in results if not c.ok]
    if failed:
        raise GradientMismatch(failed, context)
    return results
