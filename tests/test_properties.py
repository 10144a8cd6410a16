"""The generic properties, for every registered family, in float64 and float32.

One test per (property, family, dtype); adding a family to
``reference.families.FAMILIES`` adds its tests here. The properties themselves
live in ``reference.properties`` and are shared with ``rnn-verify``.

With ``RNN_GRADCHECK_RATIO_LOG=PATH`` set, each test appends one JSON line to
PATH: the number of examples and the largest error-to-tolerance ratio seen on
them (the false-alarm margin measured by ``make thorough``).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given

from reference.families import FAMILIES
from reference.properties import PROPERTIES, PropertySkipped
from reference.strategies import cases, seed_only

RATIO_LOG = os.environ.get("RNN_GRADCHECK_RATIO_LOG")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("prop", list(PROPERTIES))
def test_property(impl, prop, family, dtype):
    p, fam = PROPERTIES[prop], FAMILIES[family]
    reason = p.skip_reason(impl, fam, dtype)
    if reason:
        pytest.skip(reason)
    seen = {"examples": 0, "max_ratio": 0.0, "worst": None}

    @given(case=cases(fam, dtype=dtype))
    def check(case):
        try:
            comparisons = p.check(impl, case)
        except PropertySkipped as exc:
            pytest.skip(str(exc))
        seen["examples"] += 1
        for c in comparisons:
            if c.ratio >= seen["max_ratio"]:
                seen.update(max_ratio=c.ratio, worst=f"{c.function}[{c.key}] {case!r}")

    with seed_only():
        check()
    if RATIO_LOG:
        with open(RATIO_LOG, "a") as log:
            log.write(json.dumps({"property": prop, "family": family, "dtype": dtype, **seen}) + "\n")
