"""The generic properties, for every registered family, in float64 and float32.

One test per (property, family, dtype); adding a family to
``reference.families.FAMILIES`` adds its tests here. The properties themselves
live in ``reference.properties`` and are shared with ``rnn-verify``.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.families import FAMILIES
from reference.properties import PROPERTIES, PropertySkipped
from reference.strategies import cases


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("family", list(FAMILIES))
@pytest.mark.parametrize("prop", list(PROPERTIES))
def test_property(impl, prop, family, dtype):
    p, fam = PROPERTIES[prop], FAMILIES[family]
    if dtype not in p.dtypes:
        pytest.skip(f"{prop} runs in {', '.join(p.dtypes)} only")
    missing = [fam.functions[r] for r in p.roles if impl.function(fam, r) is None]
    if missing:
        pytest.skip(f"{impl.label} does not provide {', '.join(missing)}")

    @given(case=cases(fam, dtype=dtype))
    def check(case):
        try:
            p.check(impl, case)
        except PropertySkipped as exc:
            pytest.skip(str(exc))

    check()
