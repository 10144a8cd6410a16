"""The fast path (``manual_rnn``) equals the textbook path (``manual_rnn.textbook``).

For every family and both dtypes, each function of the API is called on the
same case through both paths (each backward on its own forward's caches), and
every returned array is compared element by element with the harness's
tolerance for that dtype. Both paths are also checked against JAX on their own
(``rnn-verify``); this property says they agree with each other, which is what
lets the textbook path stand for the fast one when the two are read side by side.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import manual_rnn
from manual_rnn import textbook
from reference.compare import compare_arrays, tolerance_for
from reference.families import FAMILIES
from reference.strategies import cases

#: Per (family, dtype): the file runs in about 5 s (600 each passed once, in 50 s).
EXAMPLES = 50

#: Arrays with a ``T_x`` axis, so that a failure lists the wrong time steps.
TIME_AXES = {"a": 2, "c": 2, "y_pred": 2, "dx": 2, "da": 2}


def _call(module, family, role, *args, **kwargs):
    return getattr(module, family.functions[role])(*args, **kwargs)


def _agree(function: str, fast: dict, book: dict, case, *, scale: float = 1.0,
           allow_nonfinite: bool = False) -> None:
    """Every key of ``book`` agrees with ``fast``: shape, dtype, then values."""
    __tracebackhide__ = True
    tol = tolerance_for(case.dtype)
    problems = []
    for key, expected in book.items():
        got = np.asarray(fast[key])
        expected = np.asarray(expected)
        if got.shape != expected.shape or got.dtype != expected.dtype:
            problems.append(
                f"manual_rnn.{function}[{key!r}] has shape {got.shape} and dtype {got.dtype}, "
                f"manual_rnn.textbook's {expected.shape} and {expected.dtype}"
            )
            continue
        comparison = compare_arrays(
            f"manual_rnn.{function}", key, got, expected, tol, time_axis=TIME_AXES.get(key),
            against=f"manual_rnn.textbook.{function}", scale=scale,
            allow_nonfinite=allow_nonfinite,
        )
        if not comparison.ok:
            problems.append(comparison.describe())
    if problems:
        raise AssertionError(f"{case!r}\n" + "\n".join(problems))


def _fast_equals_textbook(case) -> None:
    fam = case.family
    names = fam.functions
    paths = {"fast": manual_rnn, "book": textbook}

    cell = {k: _call(m, fam, "cell_forward", case.x[:, :, 0], *case.states_prev,
                     case.parameters, **fam.kwargs) for k, m in paths.items()}
    out = {k: dict(zip(fam.cell_forward_outputs, v)) for k, v in cell.items()}
    cache = {k: dict(zip(fam.cell_cache_fields, o.pop("cache"))) for k, o in out.items()}
    _agree(names["cell_forward"], out["fast"], out["book"], case)
    arrays = {f: v for f, v in cache["book"].items() if isinstance(v, np.ndarray)}
    _agree(f"{names['cell_forward']} cache", cache["fast"], arrays, case)

    cots = case.cell_cotangents
    grads = {k: _call(m, fam, "cell_backward", *cots, cell[k][-1]) for k, m in paths.items()}
    _agree(names["cell_backward"], grads["fast"], grads["book"], case,
           scale=max(float(np.abs(c).max()) for c in cots))

    seq = {k: _call(m, fam, "forward", case.x, case.a0, case.parameters, **fam.kwargs)
           for k, m in paths.items()}
    out = {k: dict(zip(fam.forward_outputs, v)) for k, v in seq.items()}
    caches = {k: o.pop("caches") for k, o in out.items()}
    _agree(names["forward"], out["fast"], out["book"], case)

    grads = {k: _call(m, fam, "backward", case.da, caches[k]) for k, m in paths.items()}
    _agree(names["backward"], grads["fast"], grads["book"], case,
           scale=float(np.abs(case.da).max()))

    y_pred = {k: o["y_pred"] for k, o in out.items()}
    # A true-class probability below the dtype's normal range has lost its digits
    # (its log is imprecise or infinite) in any implementation: compare the loss
    # where both paths can represent it, as the harness's loss_gradient does.
    picked = np.take_along_axis(y_pred["book"], case.labels[np.newaxis], axis=0)
    if picked.min() > np.finfo(case.dtype).tiny * 1e3:
        loss = {k: _call(m, fam, "loss", y_pred[k], case.labels) for k, m in paths.items()}
        _agree(names["loss"], {"loss": loss["fast"]}, {"loss": loss["book"]}, case)

    grads = {k: _call(m, fam, "loss_backward", y_pred[k], case.labels, caches[k])
             for k, m in paths.items()}
    W = fam.output_keys[0]
    _agree(names["loss_backward"], grads["fast"], grads["book"], case,
           scale=float(np.abs(case.parameters[W]).max()) / (case.dims.m * case.dims.T_x))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("fam", FAMILIES.values(), ids=lambda f: f.name)
def test_fast_path_equals_textbook(fam, dtype):
    """Cell forward (outputs and cache), forward, cell backward, backward, loss and
    loss backward of ``manual_rnn`` equal those of ``manual_rnn.textbook``."""

    @settings(max_examples=EXAMPLES)
    @given(case=cases(fam, dtype=dtype))
    def check(case):
        _fast_equals_textbook(case)

    check()
