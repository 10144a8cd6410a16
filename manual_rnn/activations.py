"""Numerically stable activations shared by every cell family.

All functions keep the input dtype. :func:`softmax` and :func:`sigmoid` are pure;
:func:`sigmoid_inplace` writes into the buffer it is given (the sequence
functions' own gate arrays, never a caller's input).
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "sigmoid", "sigmoid_inplace"]


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the class axis (axis 0).

    The per-column maximum is subtracted first, so logits of any finite size give
    finite probabilities (``exp`` of a large logit would otherwise overflow).

    Parameters
    ----------
    z : ndarray, shape (n_y, ...)
        Logits; axis 0 indexes classes.

    Returns
    -------
    ndarray, same shape and dtype as ``z``
        Probabilities summing to one over axis 0.
    """
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for large ``|z|``.

    Only ``exp(-|z|)`` is evaluated, which never overflows, and the branch for
    negative ``z`` (``e / (1 + e)``) keeps full relative precision where the
    naive form would overflow ``exp(-z)`` and round to zero.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_inplace(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` written into ``z``, for the sequence functions' gate buffers.

    Call it under ``np.errstate(over="ignore")``: ``exp(-z)`` overflows only where
    the sigmoid is below the smallest normal number, and the result is then 0.
    Elsewhere this form keeps full relative precision, as :func:`sigmoid` does.
    """
    np.negative(z, out=z)
    np.exp(z, out=z)
    z += 1
    return np.reciprocal(z, out=z)
