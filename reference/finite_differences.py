"""Central finite differences with Richardson extrapolation, in float64.

They judge the oracle, not the implementation: ``reference_fd`` checks the JAX
gradients against them along random directions (:func:`fd_check`), and the
diagnosis uses them to decide, at one failing element, whether the manual or
the autodiff value is wrong (:func:`richardson`). Their tolerance is
:data:`reference.compare.FINITE_DIFFERENCE`, their step
:data:`reference.compare.FD_STEP`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .compare import FD_STEP, FINITE_DIFFERENCE, compare_arrays
from .implementation import PropertyFailure
from .strategies import Case

__all__ = ["broadcast", "directions", "fd_check", "fd_steps", "richardson", "richardson_of"]


def directions(case: Case, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """A random unit direction per array, drawn from the case's seed."""
    rng = np.random.default_rng(case.seed ^ 0x5EED)
    out = {}
    for k, v in arrays.items():
        d = rng.standard_normal(v.shape)
        out[k] = d / max(np.linalg.norm(d), 1e-300)
    return out


def fd_steps(h: float) -> tuple[float, ...]:
    """The signed steps at which :func:`richardson` evaluates, in order."""
    return (h, -h, h / 2, -h / 2, h / 4, -h / 4)


def richardson(f: Callable[[float], float], h: float) -> tuple[float, float]:
    """Derivative at 0 by central differences at ``h, h/2, h/4`` with Richardson
    extrapolation (cancelling the ``h**2`` term), and an estimate of its error.

    The estimate is the change between the extrapolations from ``(h, h/2)`` and
    ``(h/2, h/4)``: it grows where the function is far from polynomial at the
    scale of ``h`` (deeply saturated gates), where a fixed tolerance would raise
    false alarms about a correct oracle.
    """
    return richardson_of([f(t) for t in fd_steps(h)], h)


def richardson_of(values, h: float) -> tuple[float, float]:
    """:func:`richardson` from the function's values at :func:`fd_steps`."""
    d = [(values[2 * k] - values[2 * k + 1]) / (2 * s) for k, s in enumerate((h, h / 2, h / 4))]
    r1, r2 = (4 * d[1] - d[0]) / 3, (4 * d[2] - d[1]) / 3
    return r2, abs(r2 - r1)


def fd_check(name: str, case: Case, f: Callable[[dict], np.ndarray], inputs: dict,
             grads: dict, upstream: float) -> list:
    """Directional finite differences of ``f`` along a random unit direction per input.

    ``f`` takes the inputs stacked over a leading batch axis and returns one
    value per entry: the unperturbed inputs and every perturbation of every
    input go to the oracle in one call.

    Rounding in the differences is relative to the terms of ``f``, not to its
    value (a loss near 0 is a difference of logits of order one): the scale is
    ``|f|`` or the upstream gradient's size (1 for the loss), whichever is larger.

    Raises
    ------
    PropertyFailure
        If ``grads["d<input>"]`` disagrees with the finite differences along
        some input's direction.
    """
    along = directions(case, inputs)
    steps = fd_steps(FD_STEP)
    batch = [inputs] + [{**inputs, key: inputs[key] + t * v}
                        for key, v in along.items() for t in steps]
    values = f({k: np.stack([b[k] for b in batch]) for k in inputs})
    scale = max(abs(float(values[0])), upstream)
    comparisons = []
    for n, (key, v) in enumerate(along.items()):
        start = 1 + n * len(steps)
        fd, fd_error = richardson_of([float(y) for y in values[start : start + len(steps)]],
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


def broadcast(arrays: dict, batch: int) -> dict:
    """Inputs held fixed, as read-only views with the batch axis of the perturbed ones."""
    return {k: np.broadcast_to(v, (batch,) + v.shape) for k, v in arrays.items()}
