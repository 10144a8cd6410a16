"""The fault catalog: discover the single-bug modules and hunt each one down.

Every module in ``tests/faults`` whose name does not start with ``_`` is a
fault. Besides the API functions it defines

* ``FAMILY``: the registry family it breaks (``"rnn"``, ``"lstm"``, ...);
* ``CONDITION``: when the bug is observable, in words (``"n_a > 1"``);
* ``WITNESS``: keyword arguments of :func:`reference.strategies.make_case`
  (``dims`` as a dict) for a case meeting the condition, on which the fault's
  outputs must differ from the correct code's (it is not an equivalent mutant).

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
from reference.families import get_family
from reference.properties import Implementation, PropertyFailure, PropertySkipped, _check_tuple
from reference.runner import search
from reference.strategies import Dims, make_case

HERE = Path(__file__).parent

#: Order in which properties are tried: the most direct checks first.
HUNT_ORDER = ("cell_backward", "backward", "loss_gradient", "cell_forward", "forward",
              "zero_upstream", "single_step", "batch_columns", "no_mutation")

#: Examples per property and dtype in the hunt (the ``ci`` profile's count).
HUNT_EXAMPLES = 100


def fault_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_"))


def load(name: str):
    return importlib.import_module(f"tests.faults.{name}")


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


def hunt(name: str, examples: int = HUNT_EXAMPLES) -> Hunt:
    """Run the properties on fault ``name`` until one fails."""
    mod = load(name)
    impl = Implementation(mod, name)
    summary = (mod.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    summary = summary.removeprefix("Fault: ").split(" Observable")[0].split(" Shape-valid")[0]
    for prop in HUNT_ORDER:
        for dtype in ("float64", "float32"):
            out = search(impl, prop, mod.FAMILY, dtype, max_examples=examples, derandomize=True)
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
                            out.examples_to_failure, out.message, ratio)
    return Hunt(name, mod.FAMILY, mod.CONDITION, summary, None, None, "", None, "survived")


def _outputs(impl: Implementation, case) -> dict:
    """Every API output of ``impl`` on ``case``, by name; an error is an output too."""
    fam = case.family
    out = {}

    def call(label, role, *args):
        try:
            return impl.call(fam, role, *args)
        except (PropertyFailure, PropertySkipped) as exc:
            out[label] = f"error: {exc}"
            return None

    res = call("cell_forward", "cell_forward", case.x[:, :, 0], *case.states_prev, case.parameters)
    if isinstance(res, tuple):
        named = _check_tuple("cell_forward", res, fam.cell_forward_outputs)
        out.update({f"cell_forward.{k}": v for k, v in named.items() if k != "cache"})
        g = call("cell_backward", "cell_backward", *case.cell_cotangents, named["cache"])
        if isinstance(g, dict):
            out.update({f"cell_backward.{k}": v for k, v in g.items()})
    res = call("forward", "forward", case.x, case.a0, case.parameters)
    if isinstance(res, tuple):
        named = _check_tuple("forward", res, fam.forward_outputs)
        out.update({f"forward.{k}": v for k, v in named.items() if k != "caches"})
        g = call("backward", "backward", case.da, named["caches"])
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
    case = make_case(get_family(mod.FAMILY), Dims(**spec.pop("dims")), **spec)
    mine, good = _outputs(Implementation(mod, name), case), _outputs(Implementation(manual_rnn), case)
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
    lines = ["| fault | family | observable when | caught by | minimal failing case | examples | error / tolerance |",
             "|---|---|---|---|---|---|---|"]
    for h in hunts:
        caught = f"`{h.caught_by}` ({h.dtype})" if h.caught_by else "**not caught**"
        ratio = f"{h.ratio:.1e}" if h.ratio != float("inf") else "wrong structure"
        lines.append(f"| `{h.name}`: {h.summary} | {h.family} | {h.condition} | {caught} | "
                     f"{h.minimal_case} | {h.examples} | {ratio} |")
    numeric = [h.ratio for h in hunts if h.caught_by and h.ratio != float("inf")]
    if numeric:
        lines.append("")
        lines.append(f"Smallest error-to-tolerance ratio of a caught fault: {min(numeric):.1e}.")
    return "\n".join(lines)
