"""Build a single-bug variant of a ``manual_rnn`` module from its source text.

A fault module calls :func:`mutant` with the exact source text to replace and
the buggy text; the result is the module's public API with that one change.
``old`` must occur exactly ``count`` times, so a fault whose target line was
rewritten fails loudly instead of silently becoming the correct code.

``inject`` overrides names in the mutated module's namespace, for a bug that
lives in a helper module: ``mutant("rnn", inject=mutant("loss", (old, new)))``
is the RNN whose loss helper has the bug (the family module calls the helper
through its own global name, so the override takes effect).
"""

from __future__ import annotations

import importlib
from pathlib import Path


def mutant(module: str, *replacements: tuple[str, str], count: int = 1, inject: dict | None = None) -> dict:
    """Return the public names of ``manual_rnn.<module>`` with ``replacements`` applied.

    ``module`` may also be a dotted name (``"tests.faults.seed_rnn"``), whose
    public functions are returned when it has no ``__all__``.
    """
    name = module if "." in module else f"manual_rnn.{module}"
    original = importlib.import_module(name)
    source = Path(original.__file__).read_text()
    for old, new in replacements:
        found = source.count(old)
        if found != count:
            raise AssertionError(
                f"fault target {old!r} occurs {found} times in {original.__file__}, expected {count}"
            )
        source = source.replace(old, new)
    namespace = {"__name__": f"{name}._mutant", "__package__": name.rpartition(".")[0]}
    exec(compile(source, f"<mutant of {original.__file__}>", "exec"), namespace)
    namespace.update(inject or {})
    public = namespace.get("__all__") or [
        k for k, v in namespace.items() if callable(v) and not k.startswith("_")
        and getattr(v, "__module__", None) == namespace["__name__"]
    ]
    return {k: namespace[k] for k in public}
