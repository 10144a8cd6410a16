"""manual_rnn's caches keep the exercise's contract: ``caches = (list_of_cell_caches, x)``
with entry t exactly the cell forward's cache at step t, even though the fast
backward reads stacked copies; entries replaced in place are honoured."""

from __future__ import annotations

import numpy as np
import pytest

from reference.families import FAMILIES
from tests.helpers import FAMILY_NAMES, case_of, fn, raises



@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_entry_t_is_the_cell_forwards_cache_at_step_t(family):
    fam = FAMILIES[family]
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters, **fam.kwargs)
    cell_caches, x = out[-1]
    assert x is case.x and len(cell_caches) == case.x.shape[2]
    states = (case.a0,) + tuple(np.zeros_like(case.a0) for _ in fam.states[1:])
    for t, entry in enumerate(cell_caches):
        step = fn(family, "cell_forward")(case.x[:, :, t], *states, case.parameters, **fam.kwargs)
        expected = step[-1]
        assert isinstance(entry, tuple) and len(entry) == len(expected), t
        for i, (got, want) in enumerate(zip(entry, expected)):
            if isinstance(want, np.ndarray):
                np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15, err_msg=f"step {t} entry {i}")
            else:
                assert got is want or got == want, (t, i)
        states = tuple(step[: len(fam.states)])


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_an_entry_replaced_in_place_is_used(family):
    """Swapping an entry of the forward's own cache list is not ignored in favour of
    the stacked arrays: a corrupted entry is reported."""
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell_caches, _ = out[-1]
    entry = list(cell_caches[2])
    entry[0] = entry[0][:, :-1]
    cell_caches[2] = tuple(entry)
    f = FAMILIES[family].functions["backward"]
    with raises(ValueError, f, f, "caches[0][2][0] (a_next)"):
        fn(family, "backward")(case.da, out[-1])
