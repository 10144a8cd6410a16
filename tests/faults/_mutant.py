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
    """Return the public names of ``manual_rnn.<module>`` with ``replacements`` applied."""
    original = importlib.import_module(f"manual_rnn.{module}")
    source = Path(original.__file__).read_text()
    for old, new in replacements:
        found = source.count(old)
        if found != count:
            raise AssertionError(
                f"fault target {old!r} occurs {found} times in manual_rnn/{module}.py, expected {count}"
            )
        source = source.replace(old, new)
    namespace = {"__name__": f"manual_rnn._mutant_{module}", "__package__": "manual_rnn"}
    exec(compile(source, f"<mutant of manual_rnn/{module}.py>", "exec"), namespace)
    namespace.update(inject or {})
    return {name: namespace[name] for name in namespace["__all__"]}
