"""Build a single-bug variant of a ``manual_rnn`` module from its source text.

A fault module calls :func:`mutant` with the exact source text to replace and
the buggy text; the result is the module's public API with that one change.
``old`` must occur exactly ``count`` times, so a fault whose target line was
rewritten fails loudly instead of silently becoming the correct code.

``inject`` overrides names in the mutated module's namespace, for a bug that
lives in a helper module: ``mutant("rnn", inject=mutant("loss", (old, new)))``
is the RNN whose loss helper has the bug (the family module calls the helper
through its own global name, so the override takes effect).

Derivation mistakes are edits of the textbook path, ``mutant("textbook", ...)``
(:mod:`manual_rnn.textbook`, whose cells and loops stay put when the fast path
is optimised); the fast modules are edited only for mistakes about their own
machinery. The textbook repeats a loop line in every family: ``within`` names
the function whose source the edit applies to (``within="rnn_backward"``).
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path


def mutant(module: str, *replacements: tuple[str, str], count: int = 1, inject: dict | None = None,
           within: str | None = None) -> dict:
    """Return the public names of ``manual_rnn.<module>`` with ``replacements`` applied.

    ``module`` may also be a dotted name (``"tests.faults.seed_rnn"``), whose
    public functions are returned when it has no ``__all__``. With ``within``,
    ``old`` is counted and replaced in the source of that function only.
    """
    name = module if "." in module else f"manual_rnn.{module}"
    original = importlib.import_module(name)
    source = Path(original.__file__).read_text()
    scope = inspect.getsource(getattr(original, within)) if within else source
    where = f"{within} of {original.__file__}" if within else original.__file__
    edited = scope
    for old, new in replacements:
        found = edited.count(old)
        if found != count:
            raise AssertionError(f"fault target {old!r} occurs {found} times in {where}, expected {count}")
        edited = edited.replace(old, new)
    source = source.replace(scope, edited) if within else edited
    namespace = {"__name__": f"{name}._mutant", "__package__": name.rpartition(".")[0]}
    exec(compile(source, f"<mutant of {original.__file__}>", "exec"), namespace)
    namespace.update(inject or {})
    public = namespace.get("__all__") or [
        k for k, v in namespace.items() if callable(v) and not k.startswith("_")
        and getattr(v, "__module__", None) == namespace["__name__"]
    ]
    return {k: namespace[k] for k in public}
