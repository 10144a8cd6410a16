r"""Vanilla tanh RNN with a softmax output layer: forward and backward by hand.

Equations, for one time step with input ``x_t`` of shape ``(n_x, m)``::

    a_t = tanh(Waa a_{t-1} + Wax x_t + ba)          # (n_a, m)
    y_t = softmax(Wya a_t + by)                       # (n_y, m), softmax over axis 0

Backward, given the gradient ``da_next`` of the loss with respect to ``a_t``::

    dtanh   = (1 - a_t**2) * da_next                   # (n_a, m)
    dxt     = Wax^T dtanh          dWax = dtanh x_t^T
    da_prev = Waa^T dtanh          dWaa = dtanh a_{t-1}^T
    dba     = sum over the batch axis of dtanh

Through time, the gradient reaching ``a_t`` is the upstream ``da[:, :, t]``
plus the ``da_prev`` carried back from step ``t + 1``; the weight gradients are
sums over all steps, and ``da0`` is the ``da_prev`` left after step 0.

The sequence functions keep only the recurrence in their time loop. The forward
computes ``Wax x_t + ba`` for every step before the loop (one matmul call) and
the output layer of every step after it; the backward stores every step's
``dtanh`` in the loop and computes ``dx``, ``dWax``, ``dWaa`` and ``dba`` after
it, each as one matmul (or sum) over the ``m * T_x`` columns of all steps, with
the formulas of one cell step (:func:`_parameter_gradients`). Per-step arrays
are stored as ``(n, T_x, m)``: every step's slice is a matrix with unit column
stride (what BLAS takes without a copy), and the ``T_x * m`` columns of all
steps side by side are a free reshape, so the matmuls over all steps read the
stored arrays in place. The forward's list of cell caches is a :class:`CellCaches`: a
plain list of the cell-cache tuples, whose arrays are views into these stacked
arrays, which it also carries for the backward. A hand-built list of cell
caches works too: the backward validates and stacks it first.

The API (names, argument order, shapes, dictionary keys, cache tuples) is the
one of the "RNN step by step" exercise. Every public function validates its
input, keeps the input dtype (float32 or float64) and never modifies its
arguments.
"""

from __future__ import annotations

from itertools import repeat
from typing import NamedTuple

import numpy as np

from ._sequence import CellCaches, all_finite, stack_field
from ._validate import (
    check_array,
    check_cache,
    check_da,
    check_parameters,
    common_dtype,
)
from .activations import softmax
from .caches import RNNCache, field_label
from .loss import cross_entropy_loss, loss_backward_from_states

__all__ = [
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_cell_backward",
    "rnn_backward",
    "rnn_loss",
    "rnn_loss_backward",
]



def _parameter_shapes(parameters) -> dict[str, tuple]:
    """Shapes implied by ``Wax`` and ``Wya`` (read first, so errors can name them)."""
    Wax, Wya = parameters.get("Wax"), parameters.get("Wya")
    n_a, n_x = Wax.shape if isinstance(Wax, np.ndarray) and Wax.ndim == 2 else (None, None)
    n_y = Wya.shape[0] if isinstance(Wya, np.ndarray) and Wya.ndim == 2 else None
    return {
        "Wax": ((None, None), "n_a, n_x"),
        "Waa": ((n_a, n_a), "n_a, n_a"),
        "Wya": ((n_y, n_a), "n_y, n_a"),
        "ba": ((n_a, 1), "n_a, 1"),
        "by": ((n_y, 1), "n_y, 1"),
    }


def _check_parameters(func: str, parameters) -> dict[str, np.ndarray]:
    return check_parameters(func, parameters, _parameter_shapes)


def _cell_forward(xt, a_prev, p):
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])
    yt_pred = softmax(p["Wya"] @ a_next + p["by"])
    return a_next, yt_pred


def rnn_cell_forward(xt: np.ndarray, a_prev: np.ndarray, parameters: dict):
    """One forward step of the RNN cell.

    Parameters
    ----------
    xt : ndarray, shape (n_x, m)
        Input at time step t.
    a_prev : ndarray, shape (n_a, m)
        Hidden state at time step t - 1.
    parameters : dict
        ``Wax`` (n_a, n_x), ``Waa`` (n_a, n_a), ``Wya`` (n_y, n_a),
        ``ba`` (n_a, 1), ``by`` (n_y, 1).

    Returns
    -------
    a_next : ndarray, shape (n_a, m)
    yt_pred : ndarray, shape (n_y, m)
        Softmax over the class axis.
    cache : RNNCache
        ``(a_next, a_prev, xt, parameters)`` for :func:`rnn_cell_backward`, a
        named tuple.

    Raises
    ------
    TypeError
        If an argument is not a float32/float64 ndarray (or ``parameters`` not a
        dict), or the arrays do not share one dtype.
    ValueError
        If a shape disagrees with ``Wax``/``Wya``, a parameter key is missing or
        an input holds NaN or infinity.
    """
    func = "rnn_cell_forward"
    p = _check_parameters(func, parameters)
    n_a, n_x = p["Wax"].shape
    check_array(func, "xt", xt, (n_x, None), "n_x, m")
    m = xt.shape[1]
    check_array(func, "a_prev", a_prev, (n_a, m), "n_a, m")
    common_dtype(func, xt=xt, a_prev=a_prev, **p)
    a_next, yt_pred = _cell_forward(xt, a_prev, p)
    return a_next, yt_pred, RNNCache(a_next, a_prev, xt, parameters)


class _Steps(NamedTuple):
    """The per-step arrays of :func:`rnn_forward`, step-major columns, for the backward."""

    a_next: np.ndarray  # (n_a, T_x, m)
    a_prev: np.ndarray  # (n_a, T_x, m); a view of the same states shifted by one step
    x: np.ndarray  # (n_x, T_x, m)


def _columns(steps: np.ndarray, T_x: int) -> np.ndarray:
    """``(k, T, m) -> (k, T_x * m)``: the columns of the first ``T_x`` steps, a view
    (never a copy: the forward writes through it)."""
    k, _, m = steps.shape
    return steps[:, :T_x].reshape(k, T_x * m, copy=False)


def rnn_forward(x: np.ndarray, a0: np.ndarray, parameters: dict):
    """Forward pass of the RNN over a whole sequence.

    Parameters
    ----------
    x : ndarray, shape (n_x, m, T_x)
        Input at every time step.
    a0 : ndarray, shape (n_a, m)
        Initial hidden state.
    parameters : dict
        As for :func:`rnn_cell_forward`.

    Returns
    -------
    a : ndarray, shape (n_a, m, T_x)
        Hidden state at every time step.
    y_pred : ndarray, shape (n_y, m, T_x)
        Softmax prediction at every time step.
    caches : tuple
        ``(list_of_cell_caches, x)``; entry ``t`` of the list is the
        :class:`RNNCache` ``(a_next, a_prev, xt, parameters)`` of
        :func:`rnn_cell_forward` at step ``t``, its arrays views into the
        stacked states the list also carries (see :class:`CellCaches`).

    Raises
    ------
    TypeError, ValueError
        As for :func:`rnn_cell_forward`, naming ``x`` or ``a0``.
    """
    func = "rnn_forward"
    p = _check_parameters(func, parameters)
    n_a, n_x = p["Wax"].shape
    n_y = p["Wya"].shape[0]
    check_array(func, "x", x, (n_x, None, None), "n_x, m, T_x")
    _, m, T_x = x.shape
    check_array(func, "a0", a0, (n_a, m), "n_a, m")
    dtype = common_dtype(func, x=x, a0=a0, **p)

    states = np.empty((n_a, T_x + 1, m), dtype=dtype)  # a0, a_1, ..., a_T_x along axis 1
    states[:, 0] = a0
    xs = np.ascontiguousarray(x.transpose(0, 2, 1))  # (n_x, T_x, m)
    np.matmul(p["Wax"], _columns(xs, T_x), out=_columns(states[:, 1:], T_x))
    states[:, 1:] += p["ba"][:, :, np.newaxis]
    Waa = p["Waa"]
    by_step = list(states.transpose(1, 0, 2))  # the (n_a, m) view of every step
    for t in range(T_x):  # elementwise work on the contiguous matmul result
        z = Waa @ by_step[t]
        z += by_step[t + 1]
        np.tanh(z, out=by_step[t + 1])

    a = np.ascontiguousarray(states[:, 1:].transpose(0, 2, 1))
    y_steps = softmax(p["Wya"] @ _columns(states[:, 1:], T_x) + p["by"]).reshape(n_y, T_x, m)
    y_pred = np.ascontiguousarray(y_steps.transpose(0, 2, 1))
    steps = _Steps(a_next=states[:, 1:], a_prev=states[:, :-1], x=xs)
    # Entry t is RNNCache(a_t, a_{t-1}, x[:, :, t], parameters), views of states and x
    # (map with _make: a constructor call per step would cost twice as much).
    entries = list(map(RNNCache._make, zip(by_step[1:], by_step[:-1], x.transpose(2, 0, 1),
                                            repeat(parameters))))
    return a, y_pred, (CellCaches(entries, steps), x)


def _cell_backward(da_next, tanh_grad, Waa_T, out=None):
    """The part of one backward step that recurs through time: ``dtanh``, ``da_prev``.

    ``tanh_grad`` is ``1 - a_next**2`` and ``Waa_T`` is ``Waa.T``; ``dtanh`` is
    written to ``out`` if given.
    """
    dtanh = np.multiply(tanh_grad, da_next, out=out)
    return {"dtanh": dtanh, "da_prev": Waa_T @ dtanh}


def _parameter_gradients(dtanh, a_prev, xt):
    """``dWax``, ``dWaa``, ``dba`` from ``dtanh``, ``a_prev`` (n_a, k) and ``xt`` (n_x, k).

    The columns are those of one step (``k = m``) or of all steps side by side
    (``k = m * T_x``): the sums over time are then inside the matmuls.
    """
    return {
        "dWax": dtanh @ xt.T,
        "dWaa": dtanh @ a_prev.T,
        "dba": dtanh.sum(axis=1, keepdims=True),
    }


def _check_cell_cache(func: str, name: str, cache) -> RNNCache:
    """Validate a cell cache (an :class:`RNNCache` or a plain tuple); return it as an
    :class:`RNNCache` whose ``parameters`` are the validated ones."""
    cache = RNNCache._make(check_cache(func, name, cache, len(RNNCache._fields)))
    p = _check_parameters(func, cache.parameters)
    n_a, n_x = p["Wax"].shape
    check_array(func, field_label(name, RNNCache, "xt"), cache.xt, (n_x, None), "n_x, m")
    m = cache.xt.shape[1]
    for field in ("a_next", "a_prev"):
        check_array(func, field_label(name, RNNCache, field), getattr(cache, field), (n_a, m),
                    "n_a, m")
    return cache._replace(parameters=p)


def rnn_cell_backward(da_next: np.ndarray, cache: tuple) -> dict:
    """Backward pass of one RNN cell step.

    Parameters
    ----------
    da_next : ndarray, shape (n_a, m)
        Gradient of the loss with respect to the cell's output ``a_next``.
    cache : RNNCache or tuple
        ``(a_next, a_prev, xt, parameters)`` from :func:`rnn_cell_forward`.

    Returns
    -------
    gradients : dict
        ``dxt`` (n_x, m), ``da_prev`` (n_a, m), ``dWax`` (n_a, n_x),
        ``dWaa`` (n_a, n_a), ``dba`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``cache`` is not the forward pass's 4-tuple or ``da_next`` does not
        have the shape of ``a_next``.
    """
    func = "rnn_cell_backward"
    a_next, a_prev, xt, p = _check_cell_cache(func, "cache", cache)
    check_array(func, "da_next", da_next, a_next.shape, "n_a, m")
    common_dtype(func, da_next=da_next, xt=xt, **p)
    g = _cell_backward(da_next, 1 - a_next * a_next, p["Waa"].T)
    dtanh = g["dtanh"]
    return {
        "dxt": p["Wax"].T @ dtanh,
        "da_prev": g["da_prev"],
        **_parameter_gradients(dtanh, a_prev, xt),
    }


def _check_caches(func: str, caches) -> tuple[_Steps, dict]:
    """Validate the forward pass's caches; return its stacked steps and parameters.

    Caches from :func:`rnn_forward` are validated through their stacked arrays
    (a finiteness check of one sum each); a hand-built list of cell caches is
    validated entry by entry and stacked.
    """
    cell_caches, x = check_cache(func, "caches", caches, 2)
    if not isinstance(cell_caches, (list, tuple)) or not cell_caches:
        raise ValueError(
            f"{func}: caches[0] must be the non-empty list of cell caches from the forward "
            f"pass, got {type(cell_caches).__name__}"
        )
    steps = cell_caches.intact_stacked() if isinstance(cell_caches, CellCaches) else None
    if steps is None or not all_finite(steps.a_next, steps.a_prev):
        checked = [_check_cell_cache(func, f"caches[0][{t}]", c) for t, c in enumerate(cell_caches)]
        steps = _Steps(a_next=stack_field(checked, "a_next", axis=1),
                       a_prev=stack_field(checked, "a_prev", axis=1),
                       x=stack_field(checked, "xt", axis=1))
        p = checked[0].parameters
    else:
        p = _check_parameters(func, cell_caches[0].parameters)
    check_array(func, "caches[1] (x)", x, (None, None, len(cell_caches)))
    return steps, p


def rnn_backward(da: np.ndarray, caches: tuple) -> dict:
    """Backward pass of the RNN through time.

    ``T_x`` is read from ``da.shape``: a ``da`` shorter than the forward
    sequence back-propagates through its first ``T_x`` steps only (the
    gradients are those of the truncated sequence).

    Parameters
    ----------
    da : ndarray, shape (n_a, m, T_x)
        Upstream gradient of the loss with respect to every hidden state (for
        the softmax loss, the ``da`` of :func:`rnn_loss_backward`).
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`rnn_forward`, or a list of
        :func:`rnn_cell_forward` caches built by hand.

    Returns
    -------
    gradients : dict
        ``dx`` (n_x, m, T_x), ``da0`` (n_a, m) the gradient with respect to the
        initial hidden state, ``dWax`` (n_a, n_x), ``dWaa`` (n_a, n_a),
        ``dba`` (n_a, 1).

    Raises
    ------
    TypeError, ValueError
        If ``caches`` is not the forward pass's ``(list, x)`` tuple, or ``da``
        does not have shape ``(n_a, m, T_x)`` with ``T_x`` at most the number
        of cached steps.
    """
    func = "rnn_backward"
    steps, p = _check_caches(func, caches)
    n_a, T_cached, m = steps.a_next.shape
    n_x = steps.x.shape[0]
    T_x = check_da(func, da, n_a, m, T_cached)
    dtype = common_dtype(func, da=da, x=steps.x, **p)

    Waa_T = np.ascontiguousarray(p["Waa"].T)  # BLAS is faster with the transpose C-ordered
    dtanh = np.square(steps.a_next[:, :T_x])  # (n_a, T_x, m): 1 - a**2, then dtanh, in place
    np.subtract(1, dtanh, out=dtanh)
    da_prevt = np.zeros((n_a, m), dtype=dtype)
    dtanh_steps = list(dtanh.transpose(1, 0, 2))  # the (n_a, m) view of every step
    for t in reversed(range(T_x)):
        g = _cell_backward(da[:, :, t] + da_prevt, dtanh_steps[t], Waa_T, out=dtanh_steps[t])
        da_prevt = g["da_prev"]

    dtanh = _columns(dtanh, T_x)
    dx = (np.ascontiguousarray(p["Wax"].T) @ dtanh).reshape(n_x, T_x, m).transpose(0, 2, 1)
    grads = _parameter_gradients(dtanh, _columns(steps.a_prev, T_x), _columns(steps.x, T_x))
    return {"dx": np.ascontiguousarray(dx), "da0": da_prevt, **grads}


def rnn_loss(y_pred: np.ndarray, labels: np.ndarray) -> np.floating:
    """Mean softmax cross-entropy over batch and time; see :mod:`manual_rnn.loss`."""
    return cross_entropy_loss(y_pred, labels)


def rnn_loss_backward(y_pred: np.ndarray, labels: np.ndarray, caches: tuple) -> dict:
    """Gradient of :func:`rnn_loss` through the output layer.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
        Predictions of :func:`rnn_forward`.
    labels : ndarray of int, shape (m, T_x)
        True class indices in ``[0, n_y)``.
    caches : tuple
        ``(list_of_cell_caches, x)`` from :func:`rnn_forward`.

    Returns
    -------
    gradients : dict
        ``dWya`` (n_y, n_a), ``dby`` (n_y, 1), and ``da`` (n_a, m, T_x), the
        upstream gradient on every hidden state, to pass to
        :func:`rnn_backward`. Together with that function's result this is the
        gradient of the loss with respect to every parameter, ``x`` and ``a0``.

    Raises
    ------
    TypeError, ValueError
        If ``y_pred``, ``labels`` and ``caches`` disagree in shape.
    """
    func = "rnn_loss_backward"
    steps, p = _check_caches(func, caches)
    a_steps = steps.a_next.transpose(1, 0, 2)  # (T_x, n_a, m), as the shared body takes them
    return loss_backward_from_states(func, y_pred, labels, a_steps, p, ("Wya", "by"))
