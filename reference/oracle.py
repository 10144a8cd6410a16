"""The autodiff oracle: reference forward passes and gradients, as NumPy dicts.

Every function takes and returns NumPy arrays with the manual API's names and
dictionary keys, computes in float64, and gets its gradients from ``jax.vjp``
(fed the same upstream gradient the manual backward receives) or ``jax.grad``
(of the same mean cross-entropy loss).

Compile cost. ``jax.jit`` compiles once per distinct input shape, which would
cost one compilation per drawn example in a property test. Every array is
therefore zero-padded to a *bucket* shape before the jitted call and the result
sliced back, so a handful of compiled programs serve all shapes. The padding is
exact, not approximate:

* padded hidden units have zero weights, zero bias and a zero initial state, so
  they stay exactly zero in every family (``tanh(0) = 0``; an LSTM's padded
  cell state stays ``0.5 * 0 + 0.5 * tanh(0) = 0``; a GRU's candidate is 0) and
  feed nothing into the real units;
* padded inputs, batch columns and time steps (appended at the end) receive a
  zero upstream gradient and a zero loss weight, so they change no real
  gradient;
* padded classes get a ``-inf`` logit, so the softmax over the real classes is
  unchanged.

``tests/harness/test_reference.py`` checks padded against unpadded results.
"""

from __future__ import annotations

import itertools
from functools import lru_cache, partial

import numpy as np

from .families import FAMILIES, Family, get_family, layout_shape
from .model import SEQUENCES, STEPS, output_logits  # first: switches JAX to float64

import jax  # noqa: E402,I001
import jax.numpy as jnp  # noqa: E402

__all__ = [
    "bucket",
    "cell_forward",
    "forward",
    "cell_vjp",
    "sequence_vjp",
    "loss_and_gradients",
    "cell_projection",
    "cell_projections",
    "sequence_projection",
    "sequence_projections",
    "loss_value",
    "loss_values",
]

#: Smallest padded size of every dimension. Shapes up to it share one program.
#: ``T_x`` starts at 16: every bucket is one more compiled program per family and
#: program kind, and compiling is most of a CI run's oracle time, while a few
#: padded steps cost little per call (the timings: ``docs/performance.md``).
BUCKET_MINIMUM = {"n_x": 8, "n_a": 8, "n_y": 8, "m": 8, "T_x": 16}

#: Beyond its minimum, ``T_x`` goes straight to 64, the one bucket of every
#: longer sequence the strategies draw (up to 50 steps, 53 with ``short_da``):
#: two sequence programs per family and kind instead of three, each costing a
#: trace and a lowering in every process and a compilation on a cold cache, for
#: a fraction of a millisecond more per call on the few long examples.
LONG_T_X = 64

X_LAYOUT = (("n_x",), ("m",), ("T_x",))
XT_LAYOUT = (("n_x",), ("m",))
STATE_LAYOUT = (("n_a",), ("m",))
SEQ_STATE_LAYOUT = (("n_a",), ("m",), ("T_x",))
Y_LAYOUT = (("n_y",), ("m",), ("T_x",))
YT_LAYOUT = (("n_y",), ("m",))


def bucket(dims: dict[str, int], pad: bool = True) -> dict[str, int]:
    """Padded size of each dimension: the next power of two, at least the minimum
    (``T_x`` past its minimum: at least :data:`LONG_T_X`)."""
    if not pad:
        return dict(dims)
    out = {}
    for k, v in dims.items():
        size = max(BUCKET_MINIMUM.get(k, 1), 1 << max(0, int(v) - 1).bit_length())
        if k == "T_x" and size > BUCKET_MINIMUM["T_x"]:
            size = max(size, LONG_T_X)
        out[k] = size
    return out


@lru_cache(maxsize=4096)
def _block_copies(layout, dims: tuple, pdims: tuple, to_padded: bool) -> tuple:
    """Index pairs ``(dst, src)`` copying every real block between the two layouts."""
    dims, pdims = dict(dims), dict(pdims)
    per_axis = []
    for blocks in layout:
        if not blocks:
            per_axis.append([(slice(None), slice(None))])
            continue
        pairs, real, padded = [], 0, 0
        for name in blocks:
            n = dims[name]
            real_sl, pad_sl = slice(real, real + n), slice(padded, padded + n)
            pairs.append((pad_sl, real_sl) if to_padded else (real_sl, pad_sl))
            real += n
            padded += pdims[name]
        per_axis.append(pairs)
    return tuple(
        (tuple(p[0] for p in combo), tuple(p[1] for p in combo))
        for combo in itertools.product(*per_axis)
    )


def _pad(arr, layout, dims, pdims):
    """Zero-pad ``arr`` from the real block sizes ``dims`` to the bucket sizes ``pdims``
    (on its last axes: leading batch axes are kept)."""
    arr = np.asarray(arr, dtype=np.float64)
    out = np.zeros(arr.shape[: arr.ndim - len(layout)] + layout_shape(layout, pdims))
    for dst, src in _block_copies(layout, tuple(dims.items()), tuple(pdims.items()), True):
        out[(Ellipsis, *dst)] = arr[(Ellipsis, *src)]
    return out


def _unpad(arr, layout, dims, pdims):
    """The real blocks of a padded ``arr``, laid out at their real sizes."""
    arr = np.asarray(arr)
    out = np.empty(layout_shape(layout, dims), dtype=arr.dtype)
    for dst, src in _block_copies(layout, tuple(dims.items()), tuple(pdims.items()), False):
        out[dst] = arr[src]
    return out


def _family(family) -> Family:
    return family if isinstance(family, Family) else get_family(family)


def _pad_parameters(fam: Family, parameters, dims, pdims):
    return {k: _pad(parameters[k], lay, dims, pdims) for k, lay in fam.parameters.items()}


def _bucketed(family, parameters, m: int, T_x: int | None, pad: bool):
    """What every public function sets up before its jitted call: the family, the
    real sizes (read off ``parameters``, ``m`` and ``T_x``), their bucket sizes, and
    the parameters padded to the bucket."""
    fam = _family(family)
    dims = _dims_of(fam, parameters, m, T_x)
    pdims = bucket(dims, pad)
    return fam, dims, pdims, _pad_parameters(fam, parameters, dims, pdims)


def _dims_of(fam: Family, parameters, m: int, T_x: int | None = None) -> dict[str, int]:
    W, _ = fam.output_keys
    n_y, n_a = np.shape(parameters[W])[-2:]
    first = fam.recurrent_keys[0]
    lay = fam.parameters[first]
    n_cols = np.shape(parameters[first])[-1]
    n_x = n_cols - (n_a if "n_a" in lay[1] else 0)
    dims = {"n_x": n_x, "n_a": n_a, "n_y": n_y, "m": m}
    if T_x is not None:
        dims["T_x"] = T_x
    return dims


def _class_mask(dims, pdims):
    return np.arange(pdims["n_y"]) < dims["n_y"]


def _initial_state(fam: Family, a0):
    return (a0,) + tuple(jnp.zeros_like(a0) for _ in fam.states[1:])


# --- jitted programs (module level, so the compile cache is shared) ----------


class _Program:
    """A jitted reference program whose outputs reach the host in one copy.

    JAX copies every output array to the host separately, which for a VJP with
    seven gradients cost more than computing them (``docs/performance.md``).
    The compiled program therefore returns its outputs raveled into one flat
    buffer; the call splits that buffer back into the program's output tree,
    whose structure and shapes the program records while it is traced (once per
    bucket and process, so no second trace is needed to learn them).
    """

    def __init__(self, fn):
        self._fn = fn
        self._jit = jax.jit(self._flat, static_argnames="name")
        self._layouts: dict = {}

    @staticmethod
    def _key(name, args) -> tuple:
        return (name, tuple(np.shape(leaf) for leaf in jax.tree_util.tree_leaves(args)))

    def _flat(self, name, *args):
        leaves, treedef = jax.tree_util.tree_flatten(self._fn(name, *args))
        sizes = [int(np.prod(leaf.shape)) for leaf in leaves]
        self._layouts[self._key(name, args)] = (
            treedef, [leaf.shape for leaf in leaves], np.cumsum(sizes)[:-1])
        return jnp.concatenate([jnp.ravel(leaf) for leaf in leaves])

    def __call__(self, name, *args):
        flat = np.asarray(self._jit(name, *args))  # traces (and records the layout) if new
        treedef, shapes, splits = self._layouts[self._key(name, args)]
        parts = [part.reshape(shape) for part, shape in zip(np.split(flat, splits), shapes)]
        return jax.tree_util.tree_unflatten(treedef, parts)

    def _cache_size(self) -> int:
        """Number of compiled programs (one per bucket and family)."""
        return self._jit._cache_size()


def _cell_forward_impl(name, p, xt, state, class_mask):
    fam = FAMILIES[name]
    new = STEPS[fam.model](p, state, xt)
    W, b = fam.output_keys
    return new, jax.nn.softmax(output_logits(p[W], p[b], new[0], class_mask), axis=0)


def _forward_impl(name, p, x, a0, class_mask):
    fam = FAMILIES[name]
    states = SEQUENCES[fam.model](p, _initial_state(fam, a0), x)
    W, b = fam.output_keys
    return states, jax.nn.softmax(output_logits(p[W], p[b], states[0], class_mask), axis=0)


def _cell_projection_impl(name, p, xt, state, cotangents):
    new = STEPS[FAMILIES[name].model](p, state, xt)
    return sum(jnp.vdot(c, s) for c, s in zip(cotangents, new))


def _sequence_projection_impl(name, p, x, a0, da):
    fam = FAMILIES[name]
    a = SEQUENCES[fam.model](p, _initial_state(fam, a0), x)[0]
    return jnp.vdot(da, a)


def _loss_impl(name, p, x, a0, labels, weights, class_mask):
    fam = FAMILIES[name]
    a = SEQUENCES[fam.model](p, _initial_state(fam, a0), x)[0]
    W, b = fam.output_keys
    logp = jax.nn.log_softmax(output_logits(p[W], p[b], a, class_mask), axis=0)
    picked = jnp.take_along_axis(logp, labels[None], axis=0)[0]
    return -jnp.sum(weights * picked)


def _cell_vjp_impl(name, p, xt, state, cotangents):
    step = STEPS[FAMILIES[name].model]
    _, pullback = jax.vjp(lambda p, xt, state: step(p, state, xt), p, xt, state)
    return pullback(tuple(cotangents))


def _sequence_vjp_impl(name, p, x, a0, da):
    fam = FAMILIES[name]

    def a_of(p, x, a0):
        return SEQUENCES[fam.model](p, _initial_state(fam, a0), x)[0]

    _, pullback = jax.vjp(a_of, p, x, a0)
    return pullback(da)


def _loss_and_grad_impl(name, *args):
    return jax.value_and_grad(_loss_impl, argnums=(1, 2, 3))(name, *args)


_cell_forward_jit = _Program(_cell_forward_impl)
_forward_jit = _Program(_forward_impl)
_cell_vjp_jit = _Program(_cell_vjp_impl)
_sequence_vjp_jit = _Program(_sequence_vjp_impl)
_loss_and_grad_jit = _Program(_loss_and_grad_impl)


def _over_batch(impl, batched: int):
    """``impl`` mapped over a leading batch axis of its first ``batched`` array
    arguments (after ``name``), jitted: one call evaluates many perturbed inputs."""

    def mapped(name, *args):
        axes = (0,) * batched + (None,) * (len(args) - batched)
        return jax.vmap(partial(impl, name), in_axes=axes)(*args)

    return jax.jit(mapped, static_argnames="name")


# Scalars for finite differences, over a batch of inputs (parameters, x or xt, a0 or states).
_loss_jit = _over_batch(_loss_impl, 3)
_cell_projection_jit = _over_batch(_cell_projection_impl, 3)
_sequence_projection_jit = _over_batch(_sequence_projection_impl, 3)


# --- public API: NumPy in, NumPy out, the manual API's keys ----------------


def cell_forward(family, xt, states_prev, parameters, *, pad=True) -> dict:
    """Reference cell step: ``{"a_next", ["c_next",] "yt_pred"}``.

    ``states_prev`` is ``(a_prev,)`` or ``(a_prev, c_prev)``.
    """
    fam, dims, pdims, p = _bucketed(family, parameters, np.shape(xt)[1], None, pad)
    state = tuple(_pad(s, STATE_LAYOUT, dims, pdims) for s in states_prev)
    new, y = _cell_forward_jit(
        fam.name, p, _pad(xt, XT_LAYOUT, dims, pdims), state, _class_mask(dims, pdims)
    )
    out = {f"{s}_next": _unpad(v, STATE_LAYOUT, dims, pdims) for s, v in zip(fam.states, new)}
    out["yt_pred"] = _unpad(y, YT_LAYOUT, dims, pdims)
    return out


def forward(family, x, a0, parameters, *, pad=True) -> dict:
    """Reference sequence forward: ``{"a", ["c",] "y_pred"}``, each ``(n, m, T_x)``."""
    _, m, T_x = np.shape(x)
    fam, dims, pdims, p = _bucketed(family, parameters, m, T_x, pad)
    states, y = _forward_jit(
        fam.name,
        p,
        _pad(x, X_LAYOUT, dims, pdims),
        _pad(a0, STATE_LAYOUT, dims, pdims),
        _class_mask(dims, pdims),
    )
    out = {s: _unpad(v, SEQ_STATE_LAYOUT, dims, pdims) for s, v in zip(fam.states, states)}
    out["y_pred"] = _unpad(y, Y_LAYOUT, dims, pdims)
    return out


def _parameter_gradients(fam, keys, grads, dims, pdims):
    return {f"d{k}": _unpad(grads[k], fam.parameters[k], dims, pdims) for k in keys}


def cell_vjp(family, xt, states_prev, parameters, cotangents, *, pad=True) -> dict:
    """VJP of one cell step, with the keys of the family's cell backward.

    ``cotangents`` are the upstream gradients on the step's new states, in the
    order of ``family.states`` (``(da_next,)`` or ``(da_next, dc_next)``).
    """
    fam, dims, pdims, p = _bucketed(family, parameters, np.shape(xt)[1], None, pad)
    pad_state = partial(_pad, layout=STATE_LAYOUT, dims=dims, pdims=pdims)
    gp, gx, gs = _cell_vjp_jit(
        fam.name,
        p,
        _pad(xt, XT_LAYOUT, dims, pdims),
        tuple(pad_state(s) for s in states_prev),
        tuple(pad_state(c) for c in cotangents),
    )
    out = {"dxt": _unpad(gx, XT_LAYOUT, dims, pdims)}
    for s, g in zip(fam.states, gs):
        out[f"d{s}_prev"] = _unpad(g, STATE_LAYOUT, dims, pdims)
    out.update(_parameter_gradients(fam, fam.recurrent_keys, gp, dims, pdims))
    return out


def sequence_vjp(family, x, a0, parameters, da, *, pad=True) -> dict:
    """VJP of the hidden-state sequence ``a`` fed the upstream ``da``.

    Returns the keys of the family's sequence backward: ``dx, da0`` and one
    ``d<key>`` per recurrent parameter.
    """
    _, m, T_x = np.shape(x)
    fam, dims, pdims, p = _bucketed(family, parameters, m, T_x, pad)
    gp, gx, ga0 = _sequence_vjp_jit(
        fam.name,
        p,
        _pad(x, X_LAYOUT, dims, pdims),
        _pad(a0, STATE_LAYOUT, dims, pdims),
        _pad(da, SEQ_STATE_LAYOUT, dims, pdims),
    )
    out = {"dx": _unpad(gx, X_LAYOUT, dims, pdims), "da0": _unpad(ga0, STATE_LAYOUT, dims, pdims)}
    out.update(_parameter_gradients(fam, fam.recurrent_keys, gp, dims, pdims))
    return out


def _loss_arguments(fam, x, a0, parameters, labels, pad):
    m, T_x = np.shape(x)[-2:]
    fam, dims, pdims, p = _bucketed(fam, parameters, m, T_x, pad)
    labels_p = np.zeros((pdims["m"], pdims["T_x"]), dtype=np.int32)
    labels_p[:m, :T_x] = labels
    weights = np.zeros((pdims["m"], pdims["T_x"]))
    weights[:m, :T_x] = 1.0 / (m * T_x)
    args = (
        p,
        _pad(x, X_LAYOUT, dims, pdims),
        _pad(a0, STATE_LAYOUT, dims, pdims),
        labels_p,
        weights,
        _class_mask(dims, pdims),
    )
    return args, dims, pdims


def _one(tree):
    """A batch of one: every array of ``tree`` with a leading axis of length 1."""
    return jax.tree_util.tree_map(lambda v: np.asarray(v)[None], tree)


def loss_and_gradients(family, x, a0, parameters, labels, *, pad=True):
    """The mean cross-entropy loss and ``jax.grad`` of it.

    Returns
    -------
    loss : float
    gradients : dict
        ``dx, da0``, one ``d<key>`` per recurrent parameter, and the output
        layer's (``dWya, dby`` for the RNN, ``dWy, dby`` for gated cells).
    """
    fam = _family(family)
    args, dims, pdims = _loss_arguments(fam, x, a0, parameters, labels, pad)
    loss, (gp, gx, ga0) = _loss_and_grad_jit(fam.name, *args)
    out = {"dx": _unpad(gx, X_LAYOUT, dims, pdims), "da0": _unpad(ga0, STATE_LAYOUT, dims, pdims)}
    out.update(_parameter_gradients(fam, fam.parameters, gp, dims, pdims))
    return float(loss), out


def loss_value(family, x, a0, parameters, labels, *, pad=True) -> float:
    """The mean cross-entropy loss alone (for finite differences)."""
    x, a0, parameters = _one((x, a0, parameters))
    return float(loss_values(family, x, a0, parameters, labels, pad=pad)[0])


def loss_values(family, x, a0, parameters, labels, *, pad=True) -> np.ndarray:
    """:func:`loss_value` of a batch: ``x``, ``a0`` and every parameter carry one
    leading axis of length ``B`` (``labels`` is shared); returns ``B`` losses."""
    fam = _family(family)
    args, _, _ = _loss_arguments(fam, x, a0, parameters, labels, pad)
    return np.asarray(_loss_jit(fam.name, *args))


def cell_projection(family, xt, states_prev, parameters, cotangents, *, pad=True) -> float:
    """``sum_s <cotangent_s, new_state_s>``: the scalar whose gradient is :func:`cell_vjp`."""
    xt, states_prev, parameters = _one((xt, tuple(states_prev), parameters))
    return float(cell_projections(family, xt, states_prev, parameters, cotangents, pad=pad)[0])


def cell_projections(family, xt, states_prev, parameters, cotangents, *, pad=True) -> np.ndarray:
    """:func:`cell_projection` of a batch: ``xt``, each previous state and every
    parameter carry one leading axis of length ``B`` (the cotangents are shared)."""
    fam, dims, pdims, p = _bucketed(family, parameters, np.shape(xt)[-1], None, pad)
    pad_state = partial(_pad, layout=STATE_LAYOUT, dims=dims, pdims=pdims)
    return np.asarray(
        _cell_projection_jit(
            fam.name,
            p,
            _pad(xt, XT_LAYOUT, dims, pdims),
            tuple(pad_state(s) for s in states_prev),
            tuple(pad_state(c) for c in cotangents),
        )
    )


def sequence_projection(family, x, a0, parameters, da, *, pad=True) -> float:
    """``<da, a>``: the scalar whose gradient is :func:`sequence_vjp`."""
    x, a0, parameters = _one((x, a0, parameters))
    return float(sequence_projections(family, x, a0, parameters, da, pad=pad)[0])


def sequence_projections(family, x, a0, parameters, da, *, pad=True) -> np.ndarray:
    """:func:`sequence_projection` of a batch: ``x``, ``a0`` and every parameter
    carry one leading axis of length ``B`` (``da`` is shared)."""
    m, T_x = np.shape(x)[-2:]
    fam, dims, pdims, p = _bucketed(family, parameters, m, T_x, pad)
    return np.asarray(
        _sequence_projection_jit(
            fam.name,
            p,
            _pad(x, X_LAYOUT, dims, pdims),
            _pad(a0, STATE_LAYOUT, dims, pdims),
            _pad(da, SEQ_STATE_LAYOUT, dims, pdims),
        )
    )
