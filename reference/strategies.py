"""Hypothesis strategies: dimensions first, then the arrays of one test case.

Arrays are generated from a drawn seed (``np.random.default_rng``) rather than
element by element: drawing hundreds of floats per example through Hypothesis
costs more than the check itself, and a failing case shrinks through what makes
a counterexample readable: the dimensions, ``T_x``, the scales and the seed.
Every dimension shrinks towards 1, every scale towards 1.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from hypothesis import strategies as st

from .families import Family, get_family

__all__ = ["Dims", "Case", "dimensions", "cases", "seed_only", "WEIGHT_SCALES", "LOGIT_SCALES"]

#: Weight scales: 1 first (shrink target); 5 and 20 drive tanh and the gates
#: deep into saturation, 0.1 keeps them linear.
WEIGHT_SCALES = (1.0, 0.1, 0.5, 2.0, 5.0, 20.0)

#: Scale of the output bias: 1000 gives logits beyond exp's float64 range
#: (709), where an unshifted softmax overflows.
LOGIT_SCALES = (1.0, 10.0, 1000.0)

#: Scale of the upstream gradient: 1e-8 exercises near-zero gradients.
UPSTREAM_SCALES = (1.0, 1e-8, 100.0)

#: Longest ``T_x`` drawn per dtype. float32 stops at 10: at weight scales near
#: the edge of chaos (2 to 5) a recurrent map amplifies a perturbation by up to
#: 1e4 over 50 steps (measured with ``benchmarks/tolerance_survey.py``), so any
#: float32 implementation, however correct, drifts from the float64 truth by
#: more than the float32 tolerance; float64 has eight more digits to spare.
MAX_T_X = {"float64": 50, "float32": 10}

#: ``T_x`` up to this is drawn most often; longer sequences come from a second branch.
SHORT_T_X = 10

#: Largest weight scale drawn per dtype. float32 stops at 5: at 20 the gates sit
#: on sigmoid's cliffs, and the gradient's condition number passes 1 / eps32 --
#: perturbing a float64 run's inputs by float32 rounding (1e-7 relative) moves
#: a GRU's ``dx`` by 3 % (measured, T_x = 10), so no float32 implementation can
#: match the float64 truth there. float64 covers the deep saturation.
MAX_WEIGHT_SCALE = {"float64": 20.0, "float32": 5.0}

#: Largest ``n_x, n_a, n_y, m`` drawn.
MAX_DIM = 6


@dataclass(frozen=True)
class Dims:
    """The harness's shape vocabulary."""

    n_x: int
    n_a: int
    n_y: int
    m: int
    T_x: int

    def as_dict(self) -> dict[str, int]:
        return {"n_x": self.n_x, "n_a": self.n_a, "n_y": self.n_y, "m": self.m, "T_x": self.T_x}

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.as_dict().items())

    def replace(self, **changes) -> Dims:
        """These dimensions with ``changes`` (``dims.replace(m=1)``)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, repr=False)
class Case:
    """One drawn test case: inputs for the cell and the sequence functions.

    The cell functions use ``xt = x[:, :, 0]``, ``a_prev = a0``, ``c_prev``,
    and the upstream ``da_next = da[:, :, 0]``, ``dc_next``.
    """

    family: Family
    dims: Dims
    dtype: np.dtype
    weight_scale: float
    logit_scale: float
    upstream_scale: float
    seed: int
    parameters: dict = field(compare=False)
    x: np.ndarray = field(compare=False)
    a0: np.ndarray = field(compare=False)
    c_prev: np.ndarray = field(compare=False)
    da: np.ndarray = field(compare=False)
    dc_next: np.ndarray = field(compare=False)
    labels: np.ndarray = field(compare=False)

    def __repr__(self) -> str:
        return (
            f"Case({self.family.name}, {self.dims}, dtype={np.dtype(self.dtype).name}, "
            f"weight_scale={self.weight_scale}, logit_scale={self.logit_scale}, "
            f"upstream_scale={self.upstream_scale}, seed={self.seed})"
        )

    def _repr_pretty_(self, printer, cycle) -> None:  # Hypothesis prints failing cases so
        printer.text(repr(self))

    def replace(self, **changes) -> Case:
        """This case with ``changes``; the other fields are shared, not copied.

        The caller keeps the arrays consistent with ``dims``:
        ``case.replace(dims=case.dims.replace(m=1), x=case.x[:, :1], ...)``.
        """
        return dataclasses.replace(self, **changes)

    @property
    def states_prev(self) -> tuple[np.ndarray, ...]:
        """The cell's previous state: ``(a_prev,)`` or ``(a_prev, c_prev)``."""
        return (self.a0, self.c_prev)[: len(self.family.states)]

    @property
    def cell_cotangents(self) -> tuple[np.ndarray, ...]:
        """The cell backward's upstream: ``(da_next,)`` or ``(da_next, dc_next)``."""
        return (self.da[:, :, 0], self.dc_next)[: len(self.family.states)]


def make_case(
    family: Family | str,
    dims: Dims,
    *,
    dtype=np.float64,
    weight_scale: float = 1.0,
    logit_scale: float = 1.0,
    upstream_scale: float = 1.0,
    seed: int = 0,
) -> Case:
    """Build the arrays of a case deterministically from ``seed``."""
    family = family if isinstance(family, Family) else get_family(family)
    rng = np.random.default_rng(seed)
    sizes = dims.as_dict()
    parameters = {}
    W_out, b_out = family.output_keys
    for key, layout in family.parameters.items():
        shape = family.parameter_shape(key, sizes)
        if key == b_out:
            scale = logit_scale
        elif key == W_out:
            scale = 1.0
        else:
            fan_in = shape[1] if layout[1] else 1
            scale = weight_scale / np.sqrt(fan_in) if layout[1] else weight_scale
        parameters[key] = (scale * rng.standard_normal(shape)).astype(dtype)
    n_x, n_a, n_y, m, T_x = dims.n_x, dims.n_a, dims.n_y, dims.m, dims.T_x
    return Case(
        family=family,
        dims=dims,
        dtype=np.dtype(dtype),
        weight_scale=weight_scale,
        logit_scale=logit_scale,
        upstream_scale=upstream_scale,
        seed=seed,
        parameters=parameters,
        x=rng.standard_normal((n_x, m, T_x)).astype(dtype),
        a0=np.tanh(rng.standard_normal((n_a, m))).astype(dtype),
        c_prev=rng.standard_normal((n_a, m)).astype(dtype),
        da=(upstream_scale * rng.standard_normal((n_a, m, T_x))).astype(dtype),
        dc_next=(upstream_scale * rng.standard_normal((n_a, m))).astype(dtype),
        labels=rng.integers(0, n_y, size=(m, T_x)),
    )


def dimensions(
    *, max_dim: int = MAX_DIM, short_T_x: int = SHORT_T_X, max_T_x: int = 50
) -> st.SearchStrategy[Dims]:
    """``n_x, n_a, n_y, m, T_x``, each from 1; ``T_x`` beyond ``short_T_x`` less often."""
    return _dimensions(max_dim, short_T_x, max_T_x)


@lru_cache(maxsize=None)
def _dimensions(max_dim: int, short_T_x: int, max_T_x: int) -> st.SearchStrategy[Dims]:
    # Built once per setting: a strategy object made inside every draw costs
    # Hypothesis more than the check itself.
    dim = st.integers(1, max_dim)
    T_x = st.integers(1, min(short_T_x, max_T_x))
    if max_T_x > short_T_x:
        T_x = st.one_of(T_x, st.integers(short_T_x + 1, max_T_x))

    @st.composite
    def draw_dims(draw) -> Dims:
        T = draw(T_x)
        return Dims(n_x=draw(dim), n_a=draw(dim), n_y=draw(dim), m=draw(dim), T_x=T)

    return draw_dims()


_WEIGHT_SCALE = {
    dtype: st.sampled_from(tuple(w for w in WEIGHT_SCALES if w <= largest))
    for dtype, largest in MAX_WEIGHT_SCALE.items()
}
_LOGIT_SCALE = st.sampled_from(LOGIT_SCALES)
_UPSTREAM_SCALE = st.sampled_from(UPSTREAM_SCALES)
_SEED = st.integers(0, 2**32 - 1)


@st.composite
def _cases(draw, family: Family, dtype: np.dtype, dims: st.SearchStrategy[Dims]) -> Case:
    d = draw(dims)
    return make_case(
        family,
        d,
        dtype=dtype,
        weight_scale=draw(_WEIGHT_SCALE[dtype.name]),
        logit_scale=draw(_LOGIT_SCALE),
        upstream_scale=draw(_UPSTREAM_SCALE),
        seed=draw(_SEED),
    )


def cases(
    family: Family | str,
    *,
    dtype=np.float64,
    dims: st.SearchStrategy[Dims] | None = None,
) -> st.SearchStrategy[Case]:
    """A :class:`Case` of ``family``: dimensions first, then the scales, then a seed
    from which the arrays are generated (see :func:`make_case`)."""
    family = family if isinstance(family, Family) else get_family(family)
    dtype = np.dtype(dtype)
    if dims is None:
        dims = dimensions(max_T_x=MAX_T_X[dtype.name])
    return _cases(family, dtype, dims)


@contextlib.contextmanager
def seed_only():
    """Draw cases from the Hypothesis seed alone, not from the code that is loaded.

    Hypothesis (since 6.131) mixes integer constants found in the source of every
    local module imported into its draws (about one draw in twenty). The cases of
    ``rnn-verify --seed S`` would then depend on the literals of the implementation
    under test and of this project's own code: two implementations, or two
    versions of one, would be checked on different cases, and a precision baseline
    would compare different searches. Within this block the pool of local
    constants is empty. (A private hook of Hypothesis: if it moves, the block
    does nothing and ``tests/harness/test_strategies.py`` fails.)
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover
        yield
        return
    getter = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if getter is None or cache is None or not hasattr(providers, "Constants"):
        yield
        return
    empty = providers.Constants()
    providers._get_local_constants = lambda: empty
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = getter
        cache.cache.clear()
