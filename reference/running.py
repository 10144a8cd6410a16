"""Running the implementation on a case: call the API, check what comes back.

Each function calls the user's functions through :meth:`Implementation.call`
(captured output, time limit, errors that name the user's line) and returns
their outputs checked by :mod:`reference.outputs`: the right structure, keys,
shapes and dtype, or a :class:`PropertyFailure` saying which is wrong. The
properties, the diagnosis and the tests run the implementation only through
these.
"""

from __future__ import annotations

import numpy as np

from .implementation import Implementation, PropertyFailure
from .outputs import (
    caches_problem,
    cell_forward_shapes,
    cell_gradient_shapes,
    check_array,
    check_dict,
    check_tuple,
    forward_shapes,
    gradient_shapes,
    loss_backward_shapes,
)
from .strategies import Case

__all__ = [
    "call_backward",
    "run_backward",
    "run_cell_backward",
    "run_cell_forward",
    "run_forward",
    "run_loss_gradients",
]


def run_cell_forward(impl: Implementation, case: Case) -> tuple[dict, object]:
    """The cell forward on ``x[:, :, 0]`` and the case's previous state(s).

    Returns its arrays by name (``a_next``, [``c_next``,] ``yt_pred``) and its cache.
    """
    fam = case.family
    func = fam.functions["cell_forward"]
    out = check_tuple(
        func,
        impl.call(fam, "cell_forward", case.x[:, :, 0], *case.states_prev, case.parameters),
        fam.cell_forward_outputs,
    )
    checked = {k: check_array(impl, func, k, out[k], s, case.dtype)
               for k, s in cell_forward_shapes(case).items()}
    return checked, out["cache"]


def run_forward(impl: Implementation, case: Case, x=None, a0=None) -> tuple[dict, object]:
    """The sequence forward on ``x`` and ``a0`` (default: the case's).

    Returns its arrays by name (``a``, [``c``,] ``y_pred``) and its caches.
    """
    fam = case.family
    x = case.x if x is None else x
    a0 = case.a0 if a0 is None else a0
    func = fam.functions["forward"]
    out = check_tuple(func, impl.call(fam, "forward", x, a0, case.parameters), fam.forward_outputs)
    m, T_x = x.shape[1], x.shape[2]
    checked = {k: check_array(impl, func, k, out[k], s, case.dtype)
               for k, s in forward_shapes(case, m, T_x).items()}
    return checked, out["caches"]


def run_cell_backward(impl: Implementation, case: Case, cotangents=None) -> dict:
    """The cell backward of :func:`run_cell_forward`'s cache, fed ``cotangents``
    (default: the case's ``(da_next,)`` or ``(da_next, dc_next)``)."""
    fam = case.family
    _, cache = run_cell_forward(impl, case)
    cotangents = case.cell_cotangents if cotangents is None else cotangents
    out = impl.call(fam, "cell_backward", *cotangents, cache)
    return check_dict(impl, fam.functions["cell_backward"], out, cell_gradient_shapes(case), case.dtype)


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
    return check_dict(impl, fam.functions["backward"], out, gradient_shapes(case, T_x=da.shape[2]),
                      case.dtype)


def run_backward(impl: Implementation, case: Case, da=None) -> dict:
    """The sequence backward of :func:`run_forward`'s caches, fed ``da`` (default: the case's)."""
    _, caches = run_forward(impl, case)
    da = case.da if da is None else da
    return call_backward(impl, case, da, caches, case.dims.T_x)


def run_loss_gradients(impl: Implementation, case: Case) -> tuple[float, dict]:
    """The loss and its gradient with respect to everything, via the implementation:
    forward, loss, loss backward, then the sequence backward of the loss's ``da``."""
    fam, d = case.family, case.dims
    impl.require(fam, "forward", "loss", "loss_backward", "backward")
    outputs, caches = run_forward(impl, case)
    loss_name = fam.functions["loss"]
    loss = impl.call(fam, "loss", outputs["y_pred"], case.labels)
    if loss is None or np.ndim(loss) != 0:
        raise PropertyFailure(f"{loss_name} returned {loss!r}, expected a scalar")
    W, b = fam.output_keys
    head = check_dict(
        impl, fam.functions["loss_backward"],
        impl.call(fam, "loss_backward", outputs["y_pred"], case.labels, caches),
        loss_backward_shapes(case),
        case.dtype,
    )
    grads = call_backward(impl, case, head["da"], caches, d.T_x)
    grads.update({f"d{W}": head[f"d{W}"], f"d{b}": head[f"d{b}"]})
    return float(loss), grads
