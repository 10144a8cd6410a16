"""The fault catalog: discover the single-bug modules and hunt each one down.

Every module in ``tests/faults`` whose name does not start with ``_`` is a
fault. Besides the API functions it defines

* ``FAMILY``: the registry family it breaks (``"rnn"``, ``"lstm"``, ...);
* ``CONDITION``: when the bug is observable, in words (``"n_a > 1"``);
* ``WITNESS``: keyword arguments of :func:`reference.strategies.make_case`
  (``dims`` as a dict) for a case meeting the condition, on which the fault's
  outputs must differ from the correct code's (it is not an equivalent mutant);
  ``da_steps: k`` calls the sequence backward with the first ``k`` steps of ``da``;
* ``MESSAGE`` (optional): a phrase the failure message must contain.

A fault is either *written by hand* (whole functions in the exercise's style,
``ex_*.py``, on top of ``tests/faults/_exercise.py``), a *mutant of manual_rnn*
(one textual edit of its source, ``tests/faults/_mutant.py``), or the seed's own
code.

:func:`hunt` runs the real properties (``reference.properties``, the suite's own
code) on the fault, cheapest first, until one fails, and returns what the README
table shows. ``python -m tests.faults`` prints that table.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from reference.compare import FLOAT64, compare_arrays
from reference.diagnose import wrong_forward
from reference.families import get_family
from reference.outputs import check_tuple
from reference.properties import Implementation, PropertyFailure, PropertySkipped
from reference.runner import search
from reference.strategies import Dims, make_case

HERE = Path(__file__).parent

#: Order in which properties are tried: the most direct checks first.
HUNT_ORDER = ("cell_backward", "backward", "short_da", "loss_gradient", "cell_forward", "forward",
              "zero_upstream", "single_step", "batch_columns", "no_mutation")

#: A backward fed the caches of a wrong forward fails too: when the forward is
#: wrong on the minimal case, the fault is hunted with the forward's property.
FORWARD_OF = {"cell_backward": "cell_forward", "backward": "forward", "short_da": "forward",
              "loss_gradient": "forward"}

#: Examples per property and dtype in the hunt (the ``ci`` profile's count).
HUNT_EXAMPLES = 100

#: The hunt's first pass tries every property with this many examples (most faults
#: fail on the first few), the second pass with the full budget: a fault caught
#: late in the order costs 10 examples of each property before it, not 100.
FIRST_PASS_EXAMPLES = 10


def fault_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def load(name: str):
    return importlib.import_module(f"tests.faults.{name}")


def origin(name: str) -> str:
    """Where a fault comes from: ``"hand"``, ``"mutant"`` (of manual_rnn) or ``"seed"``."""
    source = (HERE / f"{name}.py").read_text()
    if "_mutant import" in source:
        return "mutant"
    return "hand" if name.startswith("ex_") else "seed"


@dataclass
class Hunt:
    name: str
    family: str
    condition: str
    summary: str
    caught_by: str | None
    dtype: str | None
    minimal_case: str
    examples: int | None
    message: str
    ratio: float = float("inf")  # largest error/tolerance in the failing case (inf: not a number)
    origin: str = ""


def hunt(name: str, examples: int = HUNT_EXAMPLES) -> Hunt:
    """Run the properties on fault ``name`` until one fails."""
    mod = load(name)
    impl = Implementation(mod, name)
    summary = (mod.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    summary = summary.removeprefix("Fault: ").split(" Observable")[0].split(" Shape-valid")[0]
    passes = [n for n in (FIRST_PASS_EXAMPLES, examples) if n <= examples]
    for budget, prop, dtype in [(b, p, d) for b in passes for p in HUNT_ORDER
                                for d in ("float64", "float32")]:
        out = search(impl, prop, mod.FAMILY, dtype, max_examples=budget, derandomize=True)
        if out.failed and out.case is not None and wrong_forward(impl, prop, out.case):
            forward = search(impl, FORWARD_OF[prop], mod.FAMILY, dtype, max_examples=examples,
                             derandomize=True)
            if forward.failed:
                prop, out = FORWARD_OF[prop], forward
        if out.failed:
            case = out.case
            shape = (f"n_x={case.dims.n_x}, n_a={case.dims.n_a}, n_y={case.dims.n_y}, "
                     f"m={case.dims.m}, T_x={case.dims.T_x}") if case else "?"
            if case is not None and case.logit_scale != 1.0:
                shape += f", logit_scale={case.logit_scale:g}"
            if case is not None and case.weight_scale != 1.0:
                shape += f", weight_scale={case.weight_scale:g}"
            ratio = max((c.ratio for c in out.comparisons), default=float("inf"))
            return Hunt(name, mod.FAMILY, mod.CONDITION, summary, prop, dtype, shape,
                        out.examples_to_failure, out.message, ratio, origin(name))
    return Hunt(name, mod.FAMILY, mod.CONDITION, summary, None, None, "", None, "survived",
                origin=origin(name))


def _outputs(impl: Implementation, case, da_steps: int | None = None) -> dict:
    """Every API output of ``impl`` on ``case``, by name; an error is an output too.

    ``da_steps``: the sequence backward gets the first ``da_steps`` steps of ``da``.
    """
    fam = case.family
    da = case.da if da_steps is None else case.da[:, :, :da_steps]
    out = {}

    def call(label, role, *args):
        try:
            return impl.call(fam, role, *args)
        except (PropertyFailure, PropertySkipped) as exc:
            out[label] = f"error: {exc}"
            return None

    res = call("cell_forward", "cell_forward", case.x[:, :, 0], *case.states_prev, case.parameters)
    if isinstance(res, tuple):
        named = check_tuple("cell_forward", res, fam.cell_forward_outputs)
        out.update({f"cell_forward.{k}": v for k, v in named.items() if k != "cache"})
        g = call("cell_backward", "cell_backward", *case.cell_cotangents, named["cache"])
        if isinstance(g, dict):
            out.update({f"cell_backward.{k}": v for k, v in g.items()})
    res = call("forward", "forward", case.x, case.a0, case.parameters)
    if isinstance(res, tuple):
        named = check_tuple("forward", res, fam.forward_outputs)
        out.update({f"forward.{k}": v for k, v in named.items() if k != "caches"})
        g = call("backward", "backward", da, named["caches"])
        if isinstance(g, dict):
            out.update({f"backward.{k}": v for k, v in g.items()})
        if impl.function(fam, "loss_backward"):
            h = call("loss_backward", "loss_backward", named["y_pred"], case.labels, named["caches"])
            if isinstance(h, dict):
                out.update({f"loss_backward.{k}": v for k, v in h.items()})
                g = call("backward(loss da)", "backward", h["da"], named["caches"])
                if isinstance(g, dict):
                    out.update({f"loss.backward.{k}": v for k, v in g.items()})
        if impl.function(fam, "loss"):
            out["loss"] = call("loss", "loss", named["y_pred"], case.labels)
    return out


def witness_differences(name: str) -> list[str]:
    """Outputs on which the fault differs from manual_rnn beyond the float64 tolerance."""
    import manual_rnn

    mod = load(name)
    spec = dict(mod.WITNESS)
    da_steps = spec.pop("da_steps", None)
    case = make_case(get_family(mod.FAMILY), Dims(**spec.pop("dims")), **spec)
    mine = _outputs(Implementation(mod, name), case, da_steps)
    good = _outputs(Implementation(manual_rnn), case, da_steps)
    differ = []
    for key, value in mine.items():
        ref = good.get(key)
        if isinstance(value, str) or isinstance(ref, str) or value is None:
            if value is not ref and not (isinstance(value, str) and value == ref):
                differ.append(key)
            continue
        v, r = np.asarray(value, dtype=float), np.asarray(ref, dtype=float)
        if v.shape != r.shape or not compare_arrays(name, key, v, r, FLOAT64).ok:
            differ.append(key)
    return differ


def table(hunts: list[Hunt]) -> str:
    lines = ["| fault | origin | family | observable when | caught by | minimal failing case | examples | error / tolerance |",
             "|---|---|---|---|---|---|---|---|"]
    origins = {"hand": "by hand", "mutant": "mutant", "seed": "seed"}
    for h in hunts:
        caught = f"`{h.caught_by}` ({h.dtype})" if h.caught_by else "**not caught**"
        ratio = f"{h.ratio:.1e}" if h.ratio != float("inf") else "error / structure"
        lines.append(f"| `{h.name}`: {h.summary} | {origins.get(h.origin, h.origin)} | {h.family} | "
                     f"{h.condition} | {caught} | {h.minimal_case} | {h.examples} | {ratio} |")
    numeric = [h.ratio for h in hunts if h.caught_by and h.ratio != float("inf")]
    if numeric:
        lines.append("")
        lines.append(f"Smallest error-to-tolerance ratio of a caught fault: {min(numeric):.1e}.")
    return "\n".join(lines)
