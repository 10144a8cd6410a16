"""This project's internal tests: of ``manual_rnn`` and of the harness.

The property suite itself comes from the pytest plugin
(:mod:`reference.pytest_plugin`), which ``pyproject.toml`` points at
``manual_rnn`` (``rnn_impl``), with the strict dtype policy and the oracle's
own finite-difference check: ``pytest`` alone runs both. ``pytest --rnn-impl
PATH -m rnn_gradcheck`` runs the suite alone on another implementation
(``-o rnn_strict_dtype=false`` for the default dtype policy).

The Hypothesis profile of :mod:`reference.profiles` is loaded for the internal
tests too, and JAX's persistent compilation cache is on
(:mod:`reference.compilation_cache`): ``pytest -n 2``'s workers reuse each
other's programs, and a second run compiles nothing.
"""

from __future__ import annotations

from reference.compilation_cache import enable
from reference.profiles import register_profiles

PROFILE = register_profiles()
enable()
