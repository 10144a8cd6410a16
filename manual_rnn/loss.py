"""Softmax cross-entropy over a sequence, shared by every cell family.

The loss of a prediction ``y_pred`` of shape ``(n_y, m, T_x)`` against integer
labels of shape ``(m, T_x)`` is the **mean** over the ``m * T_x`` (example, time
step) pairs of the negative log-probability of the true class::

    L = -1 / (m * T_x) * sum_{i, t} log y_pred[labels[i, t], i, t]

The mean (not the sum) keeps the loss, and so the gradients, on the same scale
whatever ``m`` and ``T_x`` are. With ``z_t = Wy a_t + by`` and
``y_t = softmax(z_t)``, the gradient of ``L`` with respect to the logits is
``dz_t = (y_t - onehot(labels[:, t])) / (m * T_x)``, from which::

    dWy = sum_t dz_t a_t^T      dby = sum_t sum_i dz_t      da_t = Wy^T dz_t
"""

from __future__ import annotations

import numpy as np

from ._validate import check_array, check_labels, common_dtype

__all__ = ["cross_entropy_loss", "output_layer_backward", "loss_backward_from_states"]


def cross_entropy_loss(y_pred: np.ndarray, labels: np.ndarray) -> np.floating:
    """Mean softmax cross-entropy of a sequence of predictions.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
        Softmax probabilities, as returned by a family's ``*_forward``.
    labels : ndarray of int, shape (m, T_x)
        True class index of each example at each time step, in ``[0, n_y)``.

    Returns
    -------
    numpy scalar of ``y_pred``'s dtype
        The mean negative log-likelihood. A true-class probability that
        underflowed to exactly zero gives ``inf`` (never a clipped value).

    Raises
    ------
    TypeError, ValueError
        If ``y_pred`` is not a finite float array of rank 3, or ``labels`` is
        not an integer array of shape ``(m, T_x)`` with values in ``[0, n_y)``.
    """
    func = "cross_entropy_loss"
    check_array(func, "y_pred", y_pred, (None, None, None))
    n_y, m, T_x = y_pred.shape
    check_labels(func, labels, m, T_x, n_y)
    picked = np.take_along_axis(y_pred, labels[np.newaxis], axis=0)[0]
    with np.errstate(divide="ignore"):
        return -np.log(picked).mean(dtype=y_pred.dtype)


def output_layer_backward(
    y_pred: np.ndarray, labels: np.ndarray, a: np.ndarray, Wy: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`cross_entropy_loss` through ``softmax(Wy a_t + by)``.

    Inputs are assumed validated by the calling family's ``*_loss_backward``.

    Parameters
    ----------
    y_pred : ndarray, shape (n_y, m, T_x)
    labels : ndarray of int, shape (m, T_x)
    a : ndarray, shape (n_a, m, T_x)
        Hidden states that fed the output layer.
    Wy : ndarray, shape (n_y, n_a)

    Returns
    -------
    dWy : ndarray, shape (n_y, n_a)
    dby : ndarray, shape (n_y, 1)
    da : ndarray, shape (n_a, m, T_x)
        The upstream gradient on every hidden state, to feed ``*_backward``.
    """
    n_y, m, T_x = y_pred.shape
    dz = y_pred.copy()
    np.put_along_axis(
        dz, labels[np.newaxis], np.take_along_axis(dz, labels[np.newaxis], axis=0) - 1, axis=0
    )
    dz /= m * T_x
    dWy = np.tensordot(dz, a, axes=([1, 2], [1, 2]))
    dby = dz.sum(axis=(1, 2))[:, np.newaxis]
    da = np.tensordot(Wy.T, dz, axes=1)
    return dWy, dby, da


def loss_backward_from_states(
    func: str, y_pred: np.ndarray, labels: np.ndarray, a_steps: np.ndarray, parameters: dict,
    keys: tuple[str, str],
) -> dict:
    """The body every family's ``*_loss_backward`` shares, after it has validated its caches.

    Parameters
    ----------
    func : str
        The public function's name, for error messages.
    y_pred, labels
        As for :func:`output_layer_backward`; validated here against the states.
    a_steps : ndarray, shape (T_x, n_a, m)
        The cached hidden states, time-major.
    parameters : dict
        The validated parameters; ``keys`` names the output layer's ``(W, b)``.

    Returns
    -------
    dict
        ``d<W>``, ``d<b>`` and ``da`` (n_a, m, T_x).
    """
    W, b = keys
    T_x, _, m = a_steps.shape
    n_y = parameters[W].shape[0]
    check_array(func, "y_pred", y_pred, (n_y, m, T_x), "n_y, m, T_x")
    check_labels(func, labels, m, T_x, n_y)
    common_dtype(func, y_pred=y_pred, **parameters)
    dW, db, da = output_layer_backward(y_pred, labels, a_steps.transpose(1, 2, 0), parameters[W])
    return {f"d{W}": dW, f"d{b}": db, "da": da}
