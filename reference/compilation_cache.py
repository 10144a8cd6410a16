"""JAX's persistent compilation cache, on by default for every way in.

The oracle's programs are compiled by XLA on first use; in a short run that is
most of the wait. :func:`enable` points JAX's persistent cache at a folder of
the user's cache directory (``platformdirs.user_cache_dir``, so
``XDG_CACHE_HOME`` is honoured), and a second run loads the programs instead
of compiling them. ``rnn-verify``, :func:`reference.check` and the pytest
plugin call it before anything compiles.

The place, in order of precedence:

- ``RNN_GRADCHECK_CACHE_DIR=PATH`` moves it; ``RNN_GRADCHECK_CACHE_DIR=off``
  (or ``0``, ``no``, ``false``, or empty) turns it off;
- ``JAX_COMPILATION_CACHE_DIR``, if set, is JAX's own setting and is left as it is;
- otherwise ``<user cache dir>/rnn-gradcheck/jax`` (``~/.cache/rnn-gradcheck/jax`` on Linux).

A stale entry cannot be served: JAX's key (``jax._src.cache_key.get``) is a
SHA-256 of the program's whole StableHLO text, the jaxlib version, the backend
and its version, the XLA flags, the compile options and the devices. Our
programs close over no Python callbacks (whose addresses would change per
process), so the same program gets the same key in every process, and any
change to a program (a new shape bucket, an edited formula in
:mod:`reference.model`, another JAX) is another key. ``tests/harness/test_compilation_cache.py``
checks both. The size on disk is in ``docs/performance.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "OFF", "cache_dir", "enable"]

#: The environment variable that moves the cache or turns it off.
ENV_VAR = "RNN_GRADCHECK_CACHE_DIR"

#: Values of :data:`ENV_VAR` that turn the cache off.
OFF = frozenset({"", "0", "off", "no", "false", "none"})


def cache_dir() -> Path | None:
    """The folder the cache goes to, or ``None`` when it is turned off or JAX's own
    ``JAX_COMPILATION_CACHE_DIR`` decides."""
    if ENV_VAR in os.environ:
        value = os.environ[ENV_VAR].strip()
        return None if value.lower() in OFF else Path(value).expanduser()
    if os.environ.get("JAX_COMPILATION_CACHE_DIR"):
        return None
    import platformdirs

    return Path(platformdirs.user_cache_dir("rnn-gradcheck", appauthor=False)) / "jax"


def enable() -> Path | None:
    """Switch JAX's persistent cache on at :func:`cache_dir`; return the folder in use.

    Every compiled program is kept, however small or quick to compile: the
    oracle's programs take 0.1-1 s each to compile and 100-300 kB each on disk.
    Call before the first compilation; later calls change nothing already
    compiled. Returns ``None`` when the cache is off.
    """
    import jax

    off = ENV_VAR in os.environ and os.environ[ENV_VAR].strip().lower() in OFF
    folder = cache_dir()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        jax.config.update("jax_compilation_cache_dir", str(folder))
    elif off:
        jax.config.update("jax_compilation_cache_dir", None)
        return None
    current = jax.config.jax_compilation_cache_dir
    if current:
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
    return Path(current) if current else None
