"""Bad input to manual_rnn raises an error naming the function, the argument and
the expected and actual shape or dtype; nothing the caller passed is modified.

These tests are about ``manual_rnn`` itself (a user's module need not validate),
written once for every family through the registry.
"""

from __future__ import annotations

import copy
import types
import warnings

import numpy as np
import pytest

import manual_rnn
from reference.families import FAMILIES
from reference.strategies import Dims, make_case
from tests.helpers import FAMILY_NAMES, case_of, cell_args, fn, raises

@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_xt_with_wrong_n_x(family):
    case = case_of(family)
    f = FAMILIES[family].functions["cell_forward"]
    xt = np.ones((2, 5))
    with raises(ValueError, f, f, "xt", "(3, ?)", "(2, 5)"):
        fn(family, "cell_forward")(xt, *case.states_prev, case.parameters)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_a0_with_wrong_batch(family):
    case = case_of(family)
    f = FAMILIES[family].functions["forward"]
    with raises(ValueError, f, f, "a0", "(4, 5)", "(4, 3)"):
        fn(family, "forward")(case.x, np.zeros((4, 3)), case.parameters)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_missing_parameter_key(family):
    case = case_of(family)
    key = FAMILIES[family].recurrent_keys[1]
    params = {k: v for k, v in case.parameters.items() if k != key}
    f = FAMILIES[family].functions["forward"]
    with raises(ValueError, f, f, "missing", repr(key)):
        fn(family, "forward")(case.x, case.a0, params)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_one_dimensional_bias(family):
    case = case_of(family)
    bias = next(k for k in FAMILIES[family].recurrent_keys if k.startswith("b"))
    params = {**case.parameters, bias: case.parameters[bias][:, 0]}
    f = FAMILIES[family].functions["cell_forward"]
    with raises(ValueError, f, f, f"parameters['{bias}']", "(4, 1)", "(4,)"):
        fn(family, "cell_forward")(case.x[:, :, 0], *case.states_prev, params)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_da_longer_than_caches(family):
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    f = FAMILIES[family].functions["backward"]
    with raises(ValueError, f, f, "da", "T_x = 7", "6"):
        fn(family, "backward")(np.zeros((4, 5, 7)), out[-1])


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_nan_input_is_rejected(family):
    case = case_of(family)
    x = case.x.copy()
    x[1, 2, 3] = np.nan
    f = FAMILIES[family].functions["forward"]
    with raises(ValueError, f, f, "x", "non-finite", "(1, 2, 3)"):
        fn(family, "forward")(x, case.a0, case.parameters)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_mixed_dtypes_are_rejected(family):
    case = case_of(family)
    f = FAMILIES[family].functions["forward"]
    with raises(TypeError, f, f, "float32", "float64"):
        fn(family, "forward")(case.x.astype(np.float32), case.a0, case.parameters)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_non_array_and_integer_inputs(family):
    case = case_of(family)
    f = FAMILIES[family].functions["forward"]
    with raises(TypeError, f, f, "x", "numpy.ndarray", "list"):
        fn(family, "forward")(case.x.tolist(), case.a0, case.parameters)
    with raises(TypeError, f, f, "x", "int64"):
        fn(family, "forward")(case.x.astype(np.int64), case.a0, case.parameters)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_cell_backward_rejects_a_foreign_cache(family):
    case = case_of(family)
    f = FAMILIES[family].functions["cell_backward"]
    upstream = case.cell_cotangents
    with raises(ValueError, f, f, "cache", "tuple"):
        fn(family, "cell_backward")(*upstream, ("not", "a", "cache"))


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_loss_labels_out_of_range(family):
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    labels = case.labels.copy()
    labels[0, 0] = 2  # n_y = 2
    f = FAMILIES[family].functions["loss_backward"]
    with raises(ValueError, f, f, "labels", "[0, 2)"):
        fn(family, "loss_backward")(out[1], labels, out[-1])
    with raises(TypeError, "cross_entropy_loss", "labels", "integer"):
        fn(family, "loss")(out[1], labels.astype(float))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_dtype_preserved_and_inputs_untouched(family, dtype):
    """Every output of every function has the input dtype; no input is written to."""
    case = case_of(family, dtype)
    before = copy.deepcopy((case.x, case.a0, case.parameters, case.da, case.labels))
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell = fn(family, "cell_forward")(*cell_args(case))
    arrays = [o for o in out + cell if isinstance(o, np.ndarray)]
    head = fn(family, "loss_backward")(out[1], case.labels, out[-1])
    arrays += list(head.values())
    arrays += list(fn(family, "backward")(case.da, out[-1]).values())
    arrays += list(fn(family, "cell_backward")(*case.cell_cotangents, cell[-1]).values())
    arrays.append(np.asarray(fn(family, "loss")(out[1], case.labels)))
    assert all(a.dtype == dtype for a in arrays), {a.dtype for a in arrays}
    after = (case.x, case.a0, case.parameters, case.da, case.labels)
    for b, a in zip(before, after):
        if isinstance(b, dict):
            assert b.keys() == a.keys()
            assert all(np.array_equal(b[k], a[k]) for k in b)
        else:
            assert np.array_equal(b, a)


def test_shorter_da_backpropagates_a_prefix():
    """T_x comes from da: a shorter da gives the gradients of the truncated sequence."""
    case = case_of("rnn")
    _, _, caches = manual_rnn.rnn_forward(case.x, case.a0, case.parameters)
    _, _, caches3 = manual_rnn.rnn_forward(case.x[:, :, :3], case.a0, case.parameters)
    g = manual_rnn.rnn_backward(case.da[:, :, :3], caches)
    g3 = manual_rnn.rnn_backward(case.da[:, :, :3], caches3)
    for k in g3:
        np.testing.assert_array_equal(g[k], g3[k])


def _bad_shape_cases(family):
    """(role, build the call's arguments with one wrong array, argument name, dims,
    expected shape text, wrong shape) for every array argument of every function."""
    fam = FAMILIES[family]
    case = case_of(family)
    n_x, n_a, n_y, m, T_x = 3, 4, 2, 5, 6
    xt, x, a0 = case.x[:, :, 0], case.x, case.a0
    states = case.states_prev
    out = fn(family, "forward")(x, a0, case.parameters)
    cell = fn(family, "cell_forward")(xt, *states, case.parameters)
    bad = np.zeros((7, 1))
    rows = [
        ("cell_forward", lambda: (bad, *states, case.parameters), "xt", "n_x, m", f"({n_x}, ?)"),
        ("cell_forward", lambda: (xt, np.zeros((n_a, m + 1)), *states[1:], case.parameters),
         "a_prev", "n_a, m", f"({n_a}, {m})"),
        ("forward", lambda: (np.zeros((7, m, T_x)), a0, case.parameters), "x", "n_x, m, T_x",
         f"({n_x}, ?, ?)"),
        ("forward", lambda: (x, np.zeros((n_a, m + 1)), case.parameters), "a0", "n_a, m", f"({n_a}, {m})"),
        ("cell_backward", lambda: (np.zeros((n_a, m + 1)), *case.cell_cotangents[1:], cell[-1]),
         "da_next", "n_a, m", f"({n_a}, {m})"),
        ("backward", lambda: (np.zeros((n_a + 1, m, T_x)), out[-1]), "da", "n_a, m, T_x",
         f"({n_a}, {m}, ?)"),
        ("loss_backward", lambda: (np.zeros((n_y + 1, m, T_x)), case.labels, out[-1]), "y_pred",
         "n_y, m, T_x", f"({n_y}, {m}, {T_x})"),
    ]
    if len(fam.states) > 1:
        rows.append(("cell_forward", lambda: (xt, a0, np.zeros((n_a, m + 1)), case.parameters),
                     "c_prev", "n_a, m", f"({n_a}, {m})"))
        rows.append(("cell_backward", lambda: (case.cell_cotangents[0], np.zeros((n_a, m + 1)), cell[-1]),
                     "dc_next", "n_a, m", f"({n_a}, {m})"))
    return rows


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_every_array_argument_reports_its_exact_shape_error(family):
    """The whole message, not a fragment: function, argument, named dims, expected, actual."""
    for role, args, name, dims, expected in _bad_shape_cases(family):
        arguments = args()
        wrong = next(a for a in arguments if isinstance(a, np.ndarray) and a.dtype == np.float64
                     and not a.any() and a.ndim >= 2)
        func = FAMILIES[family].functions[role]
        message = f"{func}: {name} must have shape ({dims}) = {expected}, got shape {wrong.shape}"
        with pytest.raises(ValueError) as info:
            fn(family, role)(*arguments)
        assert str(info.value) == message, (role, name)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_hand_built_caches_give_the_same_gradients(family):
    """Caches rebuilt by hand as a plain list of cell-cache tuples (the documented
    unpacking) back-propagate exactly like the forward's own."""
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell_caches, x = out[-1]
    rebuilt = ([tuple(c) for c in cell_caches], x)
    assert type(rebuilt[0]) is list
    fast = fn(family, "backward")(case.da, out[-1])
    plain = fn(family, "backward")(case.da, rebuilt)
    for key in fast:
        np.testing.assert_array_equal(plain[key], fast[key], err_msg=key)
    head = fn(family, "loss_backward")(out[1], case.labels, rebuilt)
    head_fast = fn(family, "loss_backward")(out[1], case.labels, out[-1])
    for key in head:
        np.testing.assert_allclose(head[key], head_fast[key], rtol=1e-12, atol=0, err_msg=key)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_a_corrupted_hand_built_cache_is_named(family):
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell_caches, x = out[-1]
    entries = [list(c) for c in cell_caches]
    entries[2][0] = entries[2][0][:, :-1]  # a_next of step 2 loses a batch column
    broken = ([tuple(e) for e in entries], x)
    f = FAMILIES[family].functions["backward"]
    with raises(ValueError, f, f, "caches[0][2][0] (a_next)", "(4, 5)", "(4, 4)"):
        fn(family, "backward")(case.da, broken)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_backward_rejects_an_upstream_of_another_dtype(family):
    """A float32 ``da`` against float64 caches is refused, not silently upcast."""
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    f = FAMILIES[family].functions["backward"]
    with raises(TypeError, f, f, "da: float32", "float64"):
        fn(family, "backward")(case.da.astype(np.float32), out[-1])
    g = FAMILIES[family].functions["loss_backward"]
    with raises(TypeError, g, g, "y_pred: float32", "float64"):
        fn(family, "loss_backward")(out[1].astype(np.float32), case.labels, out[-1])


def _dims_text(layout) -> str:
    """The dims of a registry layout as the messages spell them: ``"n_a, n_a + n_x"``."""
    return ", ".join(" + ".join(blocks) if blocks else "1" for blocks in layout)


def _parameter_shape_cases(family, sizes):
    """(key, wrong array, expected-shape text) for every parameter of ``family``.

    The first recurrent weight and the output weight fix ``n_a, n_x`` and ``n_y``,
    so only their rank (first weight) or their ``n_a`` (output weight) can be wrong.
    """
    fam = FAMILIES[family]
    first, W_out = fam.recurrent_keys[0], fam.output_keys[0]
    for key in fam.parameters:
        shape = fam.parameter_shape(key, sizes)
        if key == first:
            yield key, np.zeros(shape + (1,)), "(?, ?)"
        elif key == W_out:
            yield key, np.zeros((shape[0], shape[1] + 1)), str(shape)
            yield key, np.zeros((shape[0], shape[1], 1)), f"(?, {shape[1]})"
        else:
            yield key, np.zeros((shape[0] + 1, shape[1])), str(shape)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_every_parameter_reports_its_exact_shape_error(family):
    """Each parameter in turn of a wrong shape, through the cell forward, the sequence
    forward and the cell backward's cache: the whole message (function, key, named
    dims, the shape the other parameters imply, the shape received)."""
    fam = FAMILIES[family]
    for sizes in ({"n_x": 3, "n_a": 4, "n_y": 2}, {"n_x": 1, "n_a": 2, "n_y": 3}):
        case = make_case(family, Dims(m=5, T_x=6, **sizes), seed=7)
        _check_parameter_messages(fam, case, sizes)


def _check_parameter_messages(fam, case, sizes):
    family = fam.name
    cell = fn(family, "cell_forward")(*cell_args(case))
    slot = next(i for i, v in enumerate(cell[-1]) if v is case.parameters)
    for key, wrong, expected in _parameter_shape_cases(family, sizes):
        params = {**case.parameters, key: wrong}
        dims = _dims_text(fam.parameters[key])
        cache = cell[-1][:slot] + (params,) + cell[-1][slot + 1:]
        calls = {
            "cell_forward": (case.x[:, :, 0], *case.states_prev, params),
            "forward": (case.x, case.a0, params),
            "cell_backward": (*case.cell_cotangents, cache),
        }
        for role, arguments in calls.items():
            func = fam.functions[role]
            message = (f"{func}: parameters['{key}'] must have shape ({dims}) = {expected}, "
                       f"got shape {wrong.shape}")
            with pytest.raises(ValueError) as info:
                fn(family, role)(*arguments)
            assert str(info.value) == message, (role, key)


#: The arrays of each family's cell cache, in order (the seed's cache tuples).
CACHE_ARRAYS = {
    "rnn": ("a_next", "a_prev", "xt"),
    "lstm": ("a_next", "c_next", "a_prev", "c_prev", "ft", "it", "cct", "ot", "xt"),
    "gru": ("a_next", "a_prev", "zt", "rt", "cct", "xt"),
    "gru_reset_after": ("a_next", "a_prev", "zt", "rt", "cct", "xt"),
}


def _nan_message(func, name, index):
    return f"{func}: {name} holds a non-finite value (nan) at index {index}; inputs must be finite"


@pytest.mark.parametrize("edit", ["hand_built", "in_place"])
@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_a_non_finite_cache_entry_is_named(family, edit):
    """A NaN in any array of any cell cache is reported with its step, slot, name and
    index, whether the list was rebuilt by hand or the forward's own entries (views
    of its stacked arrays) were written to in place."""
    case = case_of(family)
    f = FAMILIES[family].functions["backward"]
    for i, name in enumerate(CACHE_ARRAYS[family]):
        x = case.x.copy()
        out = fn(family, "forward")(x, case.a0, case.parameters)
        cell_caches, _ = out[-1]
        if edit == "hand_built":
            entries = [list(c) for c in cell_caches]
            entries[2][i] = entries[2][i].copy()
            entries[2][i][1, 0] = np.nan
            caches = ([tuple(e) for e in entries], x)
        else:
            cell_caches[2][i][1, 0] = np.nan
            caches = out[-1]
        names = CACHE_ARRAYS[family]
        if edit == "in_place" and name == "xt":  # xt is a view of x: x is named
            message = _nan_message(f, "caches[1] (x)", (1, 0, 2))
        elif edit == "in_place" and name.endswith("_prev"):  # the same memory as step 1's *_next
            twin = name.replace("_prev", "_next")
            message = _nan_message(f, f"caches[0][1][{names.index(twin)}] ({twin})", (1, 0))
        else:
            message = _nan_message(f, f"caches[0][2][{i}] ({name})", (1, 0))
        with pytest.raises(ValueError) as info:
            fn(family, "backward")(case.da, caches)
        assert str(info.value) == message, name
    if edit == "in_place":  # the last *_next and the first *_prev: shared with no other slot
        names = CACHE_ARRAYS[family]
        ends = [(5, names.index(n), n) for n in ("a_next", "c_next") if n in names]
        ends += [(0, names.index(n), n) for n in ("a_prev", "c_prev") if n in names]
        for step, slot, name in ends:
            out = fn(family, "forward")(case.x, case.a0, case.parameters)
            out[-1][0][step][slot][1, 0] = np.nan
            with pytest.raises(ValueError) as info:
                fn(family, "backward")(case.da, out[-1])
            assert str(info.value) == _nan_message(f, f"caches[0][{step}][{slot}] ({name})", (1, 0))


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_a_non_finite_cell_cache_entry_is_named(family):
    case = case_of(family)
    f = FAMILIES[family].functions["cell_backward"]
    cache = fn(family, "cell_forward")(*cell_args(case))[-1]
    for i, name in enumerate(CACHE_ARRAYS[family]):
        bad = cache[i].copy()
        bad[1, 0] = np.inf
        broken = cache[:i] + (bad,) + cache[i + 1:]
        with pytest.raises(ValueError) as info:
            fn(family, "cell_backward")(*case.cell_cotangents, broken)
        assert str(info.value) == _nan_message(f, f"cache[{i}] ({name})", (1, 0)).replace(
            "(nan)", "(inf)"), name


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_cell_backward_rejects_an_upstream_of_another_dtype(family):
    """Each upstream gradient of the cell backward in float32 against a float64 cache."""
    case = case_of(family)
    f = FAMILIES[family].functions["cell_backward"]
    cache = fn(family, "cell_forward")(*cell_args(case))[-1]
    upstream = case.cell_cotangents
    for k, name in enumerate(("da_next", "dc_next")[: len(upstream)]):
        mixed = tuple(u.astype(np.float32) if j == k else u for j, u in enumerate(upstream))
        with raises(TypeError, f, f, f"{name}: float32", "float64"):
            fn(family, "cell_backward")(*mixed, cache)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_malformed_caches_are_named_by_every_function_that_takes_them(family):
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    head = (out[1], case.labels)
    for role, leading in (("backward", (case.da,)), ("loss_backward", head)):
        f = FAMILIES[family].functions[role]
        bad = {
            "not a 2-tuple": (out[-1] + (None,),
                              f"{f}: caches must be the 2-tuple returned by the forward pass, "
                              "got tuple of length 3"),
            "a list": (list(out[-1]),
                       f"{f}: caches must be the 2-tuple returned by the forward pass, got list"),
            "no cell caches": (([], case.x),
                               f"{f}: caches[0] must be the non-empty list of cell caches from "
                               "the forward pass, got list"),
            "x of another length": ((out[-1][0], case.x[:, :, :-1]),
                                    f"{f}: caches[1] (x) must have shape (?, ?, 6), "
                                    "got shape (3, 5, 5)"),
        }
        for what, (caches, message) in bad.items():
            with pytest.raises(ValueError) as info:
                fn(family, role)(*leading, caches)
            assert str(info.value) == message, (role, what)


def _argument_arrays(family, case):
    """(role, argument name, build the call with that one argument in float32)."""
    fam = FAMILIES[family]
    xt, states = case.x[:, :, 0], case.states_prev
    state_names = ("a_prev", "c_prev")[: len(states)]
    f32 = np.float32

    def swap(seq, k):
        return tuple(v.astype(f32) if j == k else v for j, v in enumerate(seq))

    rows = [("cell_forward", "xt", lambda: (xt.astype(f32), *states, case.parameters)),
            ("forward", "x", lambda: (case.x.astype(f32), case.a0, case.parameters)),
            ("forward", "a0", lambda: (case.x, case.a0.astype(f32), case.parameters))]
    for k, name in enumerate(state_names):
        rows.append(("cell_forward", name, lambda k=k: (xt, *swap(states, k), case.parameters)))
    for key in fam.parameters:
        params = {**case.parameters, key: case.parameters[key].astype(f32)}
        rows.append(("cell_forward", key, lambda params=params: (xt, *states, params)))
        rows.append(("forward", key, lambda params=params: (case.x, case.a0, params)))
    return rows


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_every_argument_of_another_dtype_is_named(family):
    """Each array argument and each parameter in turn in float32 among float64 ones."""
    case = case_of(family)
    for role, name, args in _argument_arrays(family, case):
        f = FAMILIES[family].functions[role]
        with raises(TypeError, f, f, f"{name}: float32", "float64"):
            fn(family, role)(*args())


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_hand_built_caches_with_float32_inputs_are_refused(family):
    """The cached inputs ``xt`` of another dtype than the parameters and ``da``."""
    case = case_of(family)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell_caches, x = out[-1]
    slot = CACHE_ARRAYS[family].index("xt")
    entries = [c[:slot] + (c[slot].astype(np.float32),) + c[slot + 1:] for c in cell_caches]
    f = FAMILIES[family].functions["backward"]
    with raises(TypeError, f, f, "float32", "float64"):
        fn(family, "backward")(case.da, (entries, x.astype(np.float32)))


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_one_step_hand_built_caches(family):
    """A hand-built list of one cell cache back-propagates like the forward's own."""
    case = make_case(family, Dims(n_x=3, n_a=4, n_y=2, m=5, T_x=1), seed=3)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    cell_caches, x = out[-1]
    fast = fn(family, "backward")(case.da, out[-1])
    plain = fn(family, "backward")(case.da, ([tuple(cell_caches[0])], x))
    for key in fast:
        np.testing.assert_array_equal(plain[key], fast[key], err_msg=key)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_saturated_gates_raise_no_floating_point_warning(family, dtype):
    """Pre-activations of +-1e4 (far past exp's range in either dtype) give finite
    results and no overflow warning: a sigmoid of -1e4 is exactly 0, not a warning."""
    case = case_of(family, dtype)
    params = {k: (v * 0 + 1e4 * np.sign(v + 0.1)).astype(dtype) if k.startswith("b") else v
              for k, v in case.parameters.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(family, "forward")(case.x, case.a0, params)
        cell = fn(family, "cell_forward")(*cell_args(case)[:-1], params)
        grads = fn(family, "backward")(case.da, out[-1])
        fn(family, "cell_backward")(*case.cell_cotangents, cell[-1])
    assert all(np.isfinite(g).all() for g in grads.values())


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_parameters_that_are_not_a_dict(family):
    case = case_of(family)
    as_list = list(case.parameters.values())
    calls = {"cell_forward": (case.x[:, :, 0], *case.states_prev, as_list),
             "forward": (case.x, case.a0, as_list)}
    for role, arguments in calls.items():
        f = FAMILIES[family].functions[role]
        with pytest.raises(TypeError) as info:
            fn(family, role)(*arguments)
        assert str(info.value) == f"{f}: parameters must be a dict, got list", role


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_cell_backward_rejects_a_cache_of_another_dtype(family):
    """A float32 ``xt`` or parameter inside the cache, against float64 upstream gradients."""
    case = case_of(family)
    f = FAMILIES[family].functions["cell_backward"]
    cache = fn(family, "cell_forward")(*cell_args(case))[-1]
    slot_x = CACHE_ARRAYS[family].index("xt")
    slot_p = next(i for i, v in enumerate(cache) if v is case.parameters)
    key = FAMILIES[family].recurrent_keys[1]
    params = {**case.parameters, key: case.parameters[key].astype(np.float32)}
    for slot, value, name in ((slot_x, cache[slot_x].astype(np.float32), "xt"), (slot_p, params, key)):
        mixed = cache[:slot] + (value,) + cache[slot + 1:]
        with raises(TypeError, f, f, f"{name}: float32", "float64"):
            fn(family, "cell_backward")(*case.cell_cotangents, mixed)


@pytest.mark.parametrize("family", [f for f in FAMILY_NAMES if f != "rnn"])
def test_gate_weights_without_input_columns(family):
    """Gate weights of shape (n_a, n_a) leave no column for x: n_x would be 0."""
    case = case_of(family)
    first = FAMILIES[family].recurrent_keys[0]
    params = {**case.parameters, first: case.parameters[first][:, :4]}  # the others keep n_x = 3
    f = FAMILIES[family].functions["forward"]
    with pytest.raises(ValueError) as info:
        fn(family, "forward")(case.x, case.a0, params)
    assert str(info.value) == (
        f"{f}: parameters['{first}'] must have shape (n_a, n_a + n_x) with n_x >= 1, got "
        "shape (4, 4), which gives n_a = 4 and n_x = 0")


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_every_cell_cache_array_reports_its_exact_shape_error(family):
    case = case_of(family)
    f = FAMILIES[family].functions["cell_backward"]
    cache = fn(family, "cell_forward")(*cell_args(case))[-1]
    for i, name in enumerate(CACHE_ARRAYS[family]):
        if name == "xt":
            wrong, expected = np.zeros((4, 5)), "(n_x, m) = (3, ?)"
        else:
            wrong, expected = np.zeros((5, 5)), "(n_a, m) = (4, 5)"
        broken = cache[:i] + (wrong,) + cache[i + 1:]
        with pytest.raises(ValueError) as info:
            fn(family, "cell_backward")(*case.cell_cotangents, broken)
        assert str(info.value) == (
            f"{f}: cache[{i}] ({name}) must have shape {expected}, got shape {wrong.shape}"), name


def test_a_mixed_dtype_message_lists_every_array():
    case = case_of("rnn")
    x = case.x.astype(np.float32)
    listed = ", ".join(f"{k}: float64" for k in ("Wax", "Waa", "Wya", "ba", "by"))
    with pytest.raises(TypeError) as info:
        manual_rnn.rnn_forward(x, case.a0, case.parameters)
    assert str(info.value) == (
        f"rnn_forward: all arrays must share one dtype, got x: float32, a0: float64, {listed}")


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_parameters_changed_after_the_forward_are_checked(family):
    """The caches refer to the caller's parameter dict: a key replaced after the
    forward pass by an array of the wrong shape or dtype is named by the backward."""
    case = case_of(family)
    key = FAMILIES[family].recurrent_keys[1]
    f = FAMILIES[family].functions["backward"]
    for wrong, exc, text in ((np.zeros((1, 1)), ValueError, f"parameters['{key}'] must have shape"),
                             (case.parameters[key].astype(np.float32), TypeError, f"{key}: float32")):
        params = dict(case.parameters)
        out = fn(family, "forward")(case.x, case.a0, params)
        params[key] = wrong
        with raises(exc, f, f, text):
            fn(family, "backward")(case.da, out[-1])


def test_cross_entropy_loss_names_a_bad_prediction():
    with pytest.raises(ValueError) as info:
        manual_rnn.rnn_loss(np.full((2, 5), 0.5), np.zeros((5, 1), dtype=int))
    assert str(info.value) == ("cross_entropy_loss: y_pred must have shape (?, ?, ?), "
                               "got shape (2, 5)")


def test_cross_entropy_of_a_zero_probability_is_infinite_without_warning():
    y_pred = np.array([[[1.0]], [[0.0]]])  # the true class 1 has probability 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert manual_rnn.rnn_loss(y_pred, np.array([[1]])) == np.inf


@pytest.mark.parametrize("role", ["cell_forward", "forward"])
def test_reset_after_must_be_a_bool(role):
    case = case_of("gru")
    args = (case.x[:, :, 0], case.a0, case.parameters) if role == "cell_forward" else (
        case.x, case.a0, case.parameters)
    f = FAMILIES["gru"].functions[role]
    with pytest.raises(TypeError) as info:
        getattr(manual_rnn, f)(*args, reset_after="yes")
    assert str(info.value) == f"{f}: reset_after must be a bool, got str"


def test_a_cell_cache_with_a_bad_reset_after_is_named():
    case = case_of("gru")
    cache = manual_rnn.gru_cell_forward(case.x[:, :, 0], case.a0, case.parameters)[-1]
    with pytest.raises(TypeError) as info:
        manual_rnn.gru_cell_backward(case.da[:, :, 0], cache[:7] + (None,))
    assert str(info.value) == "gru_cell_backward: cache[7] (reset_after) must be a bool, got NoneType"


def test_hand_built_gru_caches_of_both_variants_are_refused():
    case = case_of("gru")
    before = manual_rnn.gru_forward(case.x, case.a0, case.parameters)[-1]
    after = manual_rnn.gru_forward(case.x, case.a0, case.parameters, reset_after=True)[-1]
    mixed = ([tuple(c) for c in before[0][:3]] + [tuple(c) for c in after[0][3:]], case.x)
    with pytest.raises(ValueError) as info:
        manual_rnn.gru_backward(case.da, mixed)
    assert str(info.value) == ("gru_backward: caches[0] mixes cell caches with reset_after=True "
                               "and =False; a sequence has one variant")


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_parameters_may_be_any_mapping(family):
    """A read-only mapping of the parameters gives the same results as the dict."""
    case = case_of(family)
    frozen = types.MappingProxyType(case.parameters)
    out = fn(family, "forward")(case.x, case.a0, case.parameters)
    out_frozen = fn(family, "forward")(case.x, case.a0, frozen)
    np.testing.assert_array_equal(out_frozen[1], out[1])
    g, g_frozen = fn(family, "backward")(case.da, out[-1]), fn(family, "backward")(case.da, out_frozen[-1])
    for key in g:
        np.testing.assert_array_equal(g_frozen[key], g[key], err_msg=key)
    cell = fn(family, "cell_forward")(*cell_args(case))
    cell_frozen = fn(family, "cell_forward")(*cell_args(case)[:-1], frozen)
    for a, b in zip(cell_frozen[:-1], cell[:-1]):
        np.testing.assert_array_equal(a, b)
    g = fn(family, "cell_backward")(*case.cell_cotangents, cell[-1])
    g_frozen = fn(family, "cell_backward")(*case.cell_cotangents, cell_frozen[-1])
    for key in g:
        np.testing.assert_array_equal(g_frozen[key], g[key], err_msg=key)
