"""JAX's persistent compilation cache: where it goes, how to turn it off, and
that an entry is never served for another program.

Each check runs in a fresh process: JAX sets its cache up once per process, on
the first compilation.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import os, sys
from reference.compilation_cache import enable
folder = enable()
print("FOLDER", folder)
import jax, jax.numpy as jnp
import reference.model  # float64, as the oracle runs
K = float(os.environ.get("PROBE_CONSTANT", "2"))
f = jax.jit(lambda x: jnp.tanh(x) * K)
print("VALUE", float(f(jnp.float64(0.5))))
"""


def _probe(env: dict) -> dict:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("RNN_GRADCHECK_CACHE_DIR", "JAX_COMPILATION_CACHE_DIR", "XDG_CACHE_HOME")}
    environment.update(env)
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env=environment, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)


def test_the_default_is_the_user_cache_directory(tmp_path):
    out = _probe({"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    folder = Path(out["FOLDER"])
    assert folder == tmp_path / "xdg" / "rnn-gradcheck" / "jax"
    assert any(folder.iterdir()), "the compiled program was not stored"


def test_the_environment_variable_moves_it_or_turns_it_off(tmp_path):
    moved = _probe({"RNN_GRADCHECK_CACHE_DIR": str(tmp_path / "here"), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert Path(moved["FOLDER"]) == tmp_path / "here" and any((tmp_path / "here").iterdir())
    off = _probe({"RNN_GRADCHECK_CACHE_DIR": "off", "XDG_CACHE_HOME": str(tmp_path / "xdg2")})
    assert off["FOLDER"] == "None" and not (tmp_path / "xdg2").exists()


def test_jaxs_own_setting_is_left_alone(tmp_path):
    out = _probe({"JAX_COMPILATION_CACHE_DIR": str(tmp_path / "jax-own")})
    assert Path(out["FOLDER"]) == tmp_path / "jax-own" and any((tmp_path / "jax-own").iterdir())


def _value(env: dict, constant: float) -> float:
    """The probe's tanh(0.5) * constant, divided back by the constant (XLA's tanh
    may differ from libm's in the last bit: 1e-12 tells 2 from 3 all the same)."""
    return float(_probe({**env, "PROBE_CONSTANT": str(constant)})["VALUE"]) / constant


def test_another_program_is_another_entry_never_a_stale_one(tmp_path):
    env = {"RNN_GRADCHECK_CACHE_DIR": str(tmp_path / "c")}
    tanh = math.tanh(0.5)
    assert math.isclose(_value(env, 2), tanh, rel_tol=1e-12)
    entries = set(os.listdir(tmp_path / "c"))
    # The same program in a new process: served from the cache, no new entry.
    assert math.isclose(_value(env, 2), tanh, rel_tol=1e-12)
    assert set(os.listdir(tmp_path / "c")) == entries
    # An edited program (another constant): a new entry and the new value.
    assert math.isclose(_value(env, 3), tanh, rel_tol=1e-12)
    assert len(set(os.listdir(tmp_path / "c")) - entries) >= 1
