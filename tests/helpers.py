"""Helpers shared by the tests of ``manual_rnn`` (one place, not imported from
other test modules)."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

import manual_rnn
from reference.families import FAMILIES
from reference.strategies import Dims, make_case

#: Every registered family: manual_rnn implements them all.
FAMILY_NAMES = list(FAMILIES)


def fn(family, role):
    """The family's public function; forward functions get the family's keyword
    arguments (``reset_after=True`` for ``gru_reset_after``)."""
    f = getattr(manual_rnn, FAMILIES[family].functions[role])
    if role in ("cell_forward", "forward") and FAMILIES[family].kwargs:
        return functools.partial(f, **FAMILIES[family].kwargs)
    return f


def case_of(family, dtype=np.float64):
    return make_case(family, Dims(n_x=3, n_a=4, n_y=2, m=5, T_x=6), dtype=dtype, seed=7)


def cell_args(case):
    return (case.x[:, :, 0], *case.states_prev, case.parameters)


def raises(exc, func, *names):
    """``pytest.raises`` for a message that starts with ``func: `` and names every one of ``names``."""
    pattern = "^" + "".join(f"(?=.*{re.escape(n)})" for n in names) + f"{re.escape(func)}: "
    return pytest.raises(exc, match=re.compile(pattern, re.S))
