"""The registry of cell families: one entry describes a family's public API.

Everything generic in the harness (the JAX oracle's padding, the strategies,
the properties, the report) reads a :class:`Family`; adding a cell family to the
verified set is one entry here plus its JAX step and sequence in :mod:`reference.model`.

Shapes are written in the harness's one vocabulary: ``n_x, n_a, n_y, m, T_x``.
A parameter's layout lists, per axis, the dimension blocks laid side by side on
that axis: ``(("n_a",), ("n_a", "n_x"))`` is a weight of shape
``(n_a, n_a + n_x)`` acting on the concatenation ``[a_prev; xt]``; ``()`` is an
axis of length one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

__all__ = ["Family", "FAMILIES", "get_family", "layout_shape"]

Layout = tuple[tuple[str, ...], ...]


def layout_shape(layout: Layout, dims: Mapping[str, int]) -> tuple[int, ...]:
    """The shape of an array of ``layout`` at the sizes ``dims``: each axis the sum
    of its blocks, 1 for ``()``. ``layout_shape((("n_a",), ("n_a", "n_x")), dims)``
    is ``(n_a, n_a + n_x)``."""
    return tuple(sum(dims[b] for b in blocks) if blocks else 1 for blocks in layout)

_GATE_W: Layout = (("n_a",), ("n_a", "n_x"))
_BIAS: Layout = (("n_a",), ())


@dataclass(frozen=True)
class Family:
    """How one cell family's functions are called and what they return.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"rnn"``.
    model : str
        Key of the family's JAX step (``STEPS``) and sequence (``SEQUENCES``) in
        :mod:`reference.model`.
    states : tuple of str
        Recurrent state carried between steps: ``("a",)`` or ``("a", "c")``.
    parameters : dict
        Every parameter key, in the API's order, mapped to its layout.
    output_keys : tuple of str
        The output layer's ``(W, b)`` keys (``("Wya", "by")`` for the RNN).
    gates : dict
        Gate name -> the parameter keys that belong to it, for localisation.
    functions : dict
        Role -> public function name: ``cell_forward``, ``forward``,
        ``cell_backward``, ``backward``, ``loss``, ``loss_backward``.
    cell_forward_outputs, forward_outputs : tuple of str
        Names of the returned tuple's entries, in order.
    cell_cache_fields : tuple of str
        Names of a cell cache's entries, in order (the exercise's tuple).
    kwargs : dict
        Keyword arguments passed to the forward functions (a variant switch).
    """

    name: str
    model: str
    states: tuple[str, ...]
    parameters: dict[str, Layout]
    output_keys: tuple[str, str]
    gates: dict[str, tuple[str, ...]]
    functions: dict[str, str]
    cell_forward_outputs: tuple[str, ...]
    forward_outputs: tuple[str, ...]
    cell_cache_fields: tuple[str, ...]
    kwargs: dict = field(default_factory=dict)

    @property
    def recurrent_keys(self) -> tuple[str, ...]:
        """Parameter keys differentiated by the (cell) backward."""
        return tuple(k for k in self.parameters if k not in self.output_keys)

    @property
    def cell_gradient_keys(self) -> tuple[str, ...]:
        """Keys of the dict the cell backward returns."""
        return ("dxt", *(f"d{s}_prev" for s in self.states), *(f"d{k}" for k in self.recurrent_keys))

    @property
    def gradient_keys(self) -> tuple[str, ...]:
        """Keys of the dict the sequence backward returns (no ``dc0``: ``c0`` is zero)."""
        return ("dx", "da0", *(f"d{k}" for k in self.recurrent_keys))

    @property
    def loss_gradient_keys(self) -> tuple[str, ...]:
        """Keys of the loss gradient: the sequence backward's plus the output layer's."""
        return (*self.gradient_keys, *(f"d{k}" for k in self.output_keys))

    def parameter_shape(self, key: str, dims: Mapping[str, int]) -> tuple[int, ...]:
        """The shape of parameter ``key`` at the sizes ``dims`` (``n_x, n_a, n_y``;
        ``Dims.as_dict()`` will do): ``(n_a, n_a + n_x)`` for an LSTM's ``Wf``."""
        return layout_shape(self.parameters[key], dims)

    def gate_of(self, key: str) -> str | None:
        """The gate a gradient key (``"dWf"``) or parameter key belongs to."""
        bare = key[1:] if key.startswith("d") else key
        for gate, keys in self.gates.items():
            if bare in keys:
                return gate
        return None


def _output(w: str) -> dict[str, Layout]:
    return {w: (("n_y",), ("n_a",)), "by": (("n_y",), ())}


RNN = Family(
    name="rnn",
    model="rnn",
    states=("a",),
    parameters={
        "Wax": (("n_a",), ("n_x",)),
        "Waa": (("n_a",), ("n_a",)),
        "ba": _BIAS,
        **_output("Wya"),
    },
    output_keys=("Wya", "by"),
    gates={"output": ("Wya", "by")},
    functions={
        "cell_forward": "rnn_cell_forward",
        "forward": "rnn_forward",
        "cell_backward": "rnn_cell_backward",
        "backward": "rnn_backward",
        "loss": "rnn_loss",
        "loss_backward": "rnn_loss_backward",
    },
    cell_forward_outputs=("a_next", "yt_pred", "cache"),
    forward_outputs=("a", "y_pred", "caches"),
    cell_cache_fields=("a_next", "a_prev", "xt", "parameters"),
)

LSTM = Family(
    name="lstm",
    model="lstm",
    states=("a", "c"),
    parameters={
        "Wf": _GATE_W, "bf": _BIAS,
        "Wi": _GATE_W, "bi": _BIAS,
        "Wc": _GATE_W, "bc": _BIAS,
        "Wo": _GATE_W, "bo": _BIAS,
        **_output("Wy"),
    },
    output_keys=("Wy", "by"),
    gates={
        "forget": ("Wf", "bf"),
        "input": ("Wi", "bi"),
        "candidate": ("Wc", "bc"),
        "output gate": ("Wo", "bo"),
        "output": ("Wy", "by"),
    },
    functions={
        "cell_forward": "lstm_cell_forward",
        "forward": "lstm_forward",
        "cell_backward": "lstm_cell_backward",
        "backward": "lstm_backward",
        "loss": "lstm_loss",
        "loss_backward": "lstm_loss_backward",
    },
    cell_forward_outputs=("a_next", "c_next", "yt_pred", "cache"),
    forward_outputs=("a", "y_pred", "c", "caches"),
    cell_cache_fields=("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt",
                       "parameters"),
)

_GRU_PARAMETERS = {
    "Wz": _GATE_W, "bz": _BIAS,
    "Wr": _GATE_W, "br": _BIAS,
    "Wc": _GATE_W, "bc": _BIAS,
    **_output("Wy"),
}
_GRU_FUNCTIONS = {
    "cell_forward": "gru_cell_forward",
    "forward": "gru_forward",
    "cell_backward": "gru_cell_backward",
    "backward": "gru_backward",
    "loss": "gru_loss",
    "loss_backward": "gru_loss_backward",
}
_GRU_GATES = {
    "update": ("Wz", "bz"),
    "reset": ("Wr", "br"),
    "candidate": ("Wc", "bc"),
    "output": ("Wy", "by"),
}

GRU = Family(
    name="gru",
    model="gru",
    states=("a",),
    parameters=_GRU_PARAMETERS,
    output_keys=("Wy", "by"),
    gates=_GRU_GATES,
    functions=_GRU_FUNCTIONS,
    cell_forward_outputs=("a_next", "yt_pred", "cache"),
    forward_outputs=("a", "y_pred", "caches"),
    cell_cache_fields=("a_next", "a_prev", "zt", "rt", "cct", "xt", "parameters", "reset_after"),
)

GRU_RESET_AFTER = replace(GRU, name="gru_reset_after", model="gru_reset_after",
                          kwargs={"reset_after": True})

FAMILIES: dict[str, Family] = {f.name: f for f in (RNN, LSTM, GRU, GRU_RESET_AFTER)}


def get_family(name: str) -> Family:
    """Look a family up by name, with an error that lists the known ones."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown cell family {name!r}; known: {sorted(FAMILIES)}") from None
