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

Two programs per family and bucket: the *cell program* (new states, prediction
and ``jax.vjp`` of one step) and the *sequence program* (states, predictions,
loss, ``jax.vjp`` of the states and ``jax.grad`` of the loss, from one forward
and one batched backward pass). The public functions read their parts, each
program remembers its last calls by the bytes of their inputs, and
:func:`prime` computes a case's answers at once: a property-based run pays
one call of each program per case, and a cold cache compiles two programs per
bucket instead of five (``docs/oracle.md``).
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
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
    "prime",
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


def _cell_projection_impl(name, p, xt, state, cotangents):
    new = STEPS[FAMILIES[name].model](p, state, xt)
    return sum(jnp.vdot(c, s) for c, s in zip(cotangents, new))


def _sequence_projection_impl(name, p, x, a0, da):
    fam = FAMILIES[name]
    a = SEQUENCES[fam.model](p, _initial_state(fam, a0), x)[0]
    return jnp.vdot(da, a)


def _head_loss(W, b, a, labels, weights, class_mask):
    """The weighted cross-entropy of the output layer on the hidden states ``a``."""
    logp = jax.nn.log_softmax(output_logits(W, b, a, class_mask), axis=0)
    picked = jnp.take_along_axis(logp, labels[None], axis=0)[0]
    return -jnp.sum(weights * picked)


def _loss_impl(name, p, x, a0, labels, weights, class_mask):
    fam = FAMILIES[name]
    a = SEQUENCES[fam.model](p, _initial_state(fam, a0), x)[0]
    W, b = fam.output_keys
    return _head_loss(p[W], p[b], a, labels, weights, class_mask)


def _cell_impl(name, p, xt, state, cotangents, class_mask):
    """One cell step: its new states, prediction and ``jax.vjp`` fed ``cotangents``."""
    fam = FAMILIES[name]
    step = STEPS[fam.model]
    new, pullback = jax.vjp(lambda p, xt, state: step(p, state, xt), p, xt, state)
    W, b = fam.output_keys
    y = jax.nn.softmax(output_logits(p[W], p[b], new[0], class_mask), axis=0)
    return new, y, pullback(tuple(cotangents))


def _sequence_impl(name, p, x, a0, da, labels, weights, class_mask):
    """The whole sequence at once: states, predictions, the loss, ``jax.grad`` of the
    loss and ``jax.vjp`` of the hidden states fed ``da``.

    One forward pass, and one backward pass over two cotangents of the hidden
    states (``da``, and the loss's gradient with respect to them), batched with
    ``jax.vmap``: the loss's gradient is the output layer's own gradient plus the
    pullback of the second. One program instead of three (forward, VJP, loss
    gradient) halves what XLA compiles, and a case's checks share one call
    (:func:`prime`).
    """
    fam = FAMILIES[name]
    W, b = fam.output_keys
    recurrent = {k: v for k, v in p.items() if k not in (W, b)}

    def states_of(recurrent, x, a0):
        return SEQUENCES[fam.model]({**recurrent, W: p[W], b: p[b]}, _initial_state(fam, a0), x)

    states, pullback = jax.vjp(states_of, recurrent, x, a0)
    y = jax.nn.softmax(output_logits(p[W], p[b], states[0], class_mask), axis=0)
    loss, (gW, gb, ga) = jax.value_and_grad(_head_loss, argnums=(0, 1, 2))(
        p[W], p[b], states[0], labels, weights, class_mask)
    others = tuple(jnp.zeros((2, *s.shape), s.dtype) for s in states[1:])
    both = jax.vmap(pullback)((jnp.stack([da, ga]), *others))
    vjp, from_loss = (jax.tree_util.tree_map(lambda g, i=i: g[i], both) for i in (0, 1))
    (g_rec, g_x, g_a0) = from_loss
    return states, y, vjp, loss, ({**g_rec, W: gW, b: gb}, g_x, g_a0)


_cell_jit = _Program(_cell_impl)
_sequence_jit = _Program(_sequence_impl)


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


#: Calls each program remembers (by the bytes of their inputs): the checks of one
#: case ask for the same inputs' results, and :func:`prime` computes them all at once.
MEMO_SIZE = 4

_memo: dict[str, OrderedDict] = {"cell": OrderedDict(), "sequence": OrderedDict()}


def _key(*arrays) -> tuple:
    return tuple((a.dtype.str, a.shape, a.tobytes()) for a in map(np.asarray, arrays))


def _copy(v):
    return tuple(np.array(a) for a in v) if isinstance(v, tuple) else np.array(v)


def _remembered(program: str, base: tuple, asked: dict, compute):
    """The remembered call of ``program`` on inputs ``base`` whose optional inputs
    match ``asked`` (``name -> array or None``; ``None`` matches anything), or a new
    call ``compute(**inputs)``; an input not asked for is the remembered one, if any."""
    memo = _memo[program]
    wanted = {k: None if v is None else _key(*v) if isinstance(v, tuple) else _key(v)
              for k, v in asked.items()}
    entry = memo.get(base)
    if entry is not None and all(w is None or w == entry["keys"][k] for k, w in wanted.items()):
        memo.move_to_end(base)
        return entry
    inputs = {k: _copy(v) if v is not None else (entry["inputs"][k] if entry else None)
              for k, v in asked.items()}  # copies: the caller may write into its arrays later
    keys = {k: wanted[k] if wanted[k] is not None else (entry["keys"][k] if entry else None)
            for k in asked}
    entry = {"inputs": inputs, "keys": keys, **compute(**inputs)}
    memo[base] = entry
    memo.move_to_end(base)
    while len(memo) > MEMO_SIZE:
        memo.popitem(last=False)
    return entry


def _cell(family, xt, states_prev, parameters, cotangents=None, *, pad=True) -> dict:
    fam = _family(family)
    states_prev = tuple(states_prev)
    base = (fam.name, pad, _key(xt, *states_prev, *(parameters[k] for k in fam.parameters)))

    def compute(cotangents):
        f, dims, pdims, p = _bucketed(fam, parameters, np.shape(xt)[1], None, pad)
        pad_state = partial(_pad, layout=STATE_LAYOUT, dims=dims, pdims=pdims)
        states = tuple(pad_state(s) for s in states_prev)
        cots = (tuple(pad_state(c) for c in cotangents) if cotangents is not None
                else tuple(np.zeros_like(s) for s in states))
        out = _cell_jit(f.name, p, _pad(xt, XT_LAYOUT, dims, pdims), states, cots,
                        _class_mask(dims, pdims))
        return {"out": out, "dims": dims, "pdims": pdims}

    return _remembered("cell", base, {"cotangents": cotangents}, compute)


def _sequence(family, x, a0, parameters, da=None, labels=None, *, pad=True) -> dict:
    fam = _family(family)
    base = (fam.name, pad, _key(x, a0, *(parameters[k] for k in fam.parameters)))

    def compute(da, labels):
        m, T_x = np.shape(x)[-2:]
        given = labels if labels is not None else np.zeros((m, T_x), dtype=np.int32)
        (p, xp, a0p, labels_p, weights, mask), dims, pdims = _loss_arguments(
            fam, x, a0, parameters, given, pad)
        dap = (_pad(da, SEQ_STATE_LAYOUT, dims, pdims) if da is not None
               else np.zeros(layout_shape(SEQ_STATE_LAYOUT, pdims)))
        out = _sequence_jit(fam.name, p, xp, a0p, dap, labels_p, weights, mask)
        return {"out": out, "dims": dims, "pdims": pdims}

    return _remembered("sequence", base, {"da": da, "labels": labels}, compute)


def prime(family, x, a0, parameters, da, labels, states_prev, cotangents,
          programs=("cell", "sequence")) -> None:
    """Compute (and remember) everything the oracle gives for one case, in one call
    of each of ``programs``: the cell step (``x[:, :, 0]``, ``states_prev``,
    ``cotangents``) and the sequence (``x, a0``, ``da``, ``labels``). The functions
    below then answer those inputs from memory."""
    if "cell" in programs:
        _cell(family, np.asarray(x)[:, :, 0], states_prev, parameters, cotangents)
    if "sequence" in programs:
        _sequence(family, x, a0, parameters, da, labels)


def cell_forward(family, xt, states_prev, parameters, *, pad=True) -> dict:
    """Reference cell step: ``{"a_next", ["c_next",] "yt_pred"}``.

    ``states_prev`` is ``(a_prev,)`` or ``(a_prev, c_prev)``.
    """
    fam = _family(family)
    e = _cell(fam, xt, states_prev, parameters, pad=pad)
    (new, y, _), dims, pdims = e["out"], e["dims"], e["pdims"]
    out = {f"{s}_next": _unpad(v, STATE_LAYOUT, dims, pdims) for s, v in zip(fam.states, new)}
    out["yt_pred"] = _unpad(y, YT_LAYOUT, dims, pdims)
    return out


def forward(family, x, a0, parameters, *, pad=True) -> dict:
    """Reference sequence forward: ``{"a", ["c",] "y_pred"}``, each ``(n, m, T_x)``."""
    fam = _family(family)
    e = _sequence(fam, x, a0, parameters, pad=pad)
    (states, y, *_), dims, pdims = e["out"], e["dims"], e["pdims"]
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
    fam = _family(family)
    e = _cell(fam, xt, states_prev, parameters, tuple(cotangents), pad=pad)
    (_, _, (gp, gx, gs)), dims, pdims = e["out"], e["dims"], e["pdims"]
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
    fam = _family(family)
    e = _sequence(fam, x, a0, parameters, da=da, pad=pad)
    (_, _, (gp, gx, ga0), *_), dims, pdims = e["out"], e["dims"], e["pdims"]
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
    e = _sequence(fam, x, a0, parameters, labels=labels, pad=pad)
    (_, _, _, loss, (gp, gx, ga0)), dims, pdims = e["out"], e["dims"], e["pdims"]
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
