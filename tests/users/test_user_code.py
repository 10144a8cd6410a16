"""How the harness treats code that is not ours: the dtype policy, loading a file
with its helpers, captured output, errors that name the user's line, hangs."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import manual_rnn
from reference.families import get_family
from reference.implementation import (
    Implementation,
    ImplementationError,
    PropertyFailure,
    load_implementation,
)
from reference.runner import search
from reference.strategies import Dims, make_case

RNN = get_family("rnn")


def _module(**functions) -> types.ModuleType:
    module = types.ModuleType("users_module")
    module.__dict__.update(functions)
    return module


def _cell_forward_as(dtype):
    def rnn_cell_forward(xt, a_prev, parameters):
        a_next, yt_pred, cache = manual_rnn.rnn_cell_forward(xt, a_prev, parameters)
        return a_next.astype(dtype), yt_pred.astype(dtype), cache

    return rnn_cell_forward


# --- the dtype policy ----------------------------------------------------------


def test_float64_for_float32_is_judged_on_its_values_and_noted():
    impl = Implementation(_module(rnn_cell_forward=_cell_forward_as(np.float64)))
    out = search(impl, "cell_forward", RNN, "float32", max_examples=20, derandomize=True)
    assert out.status == "passed", out.message
    notes = impl.collected_notes()
    assert [(n.function, n.kind) for n in notes] == [("rnn_cell_forward", "dtype")]
    assert "judged against the float64 truth at the float32 tolerance" in notes[0].message


def test_strict_dtype_fails_the_upcast():
    impl = Implementation(_module(rnn_cell_forward=_cell_forward_as(np.float64)), strict_dtype=True)
    out = search(impl, "cell_forward", RNN, "float32", max_examples=20, derandomize=True)
    assert out.failed
    assert "rnn_cell_forward returned a_next of dtype float64 for float32 inputs" in out.message
    assert "strict dtype" in out.message


@pytest.mark.parametrize(("returned", "input_dtype", "why"), [
    (np.float32, "float64", "loses precision"),
    (np.float16, "float32", "expected float32"),
    (np.int64, "float64", "expected float64"),
    (np.complex128, "float32", "expected float32"),
])
def test_other_dtypes_fail_in_either_mode(returned, input_dtype, why):
    for strict in (False, True):
        impl = Implementation(_module(rnn_cell_forward=_cell_forward_as(returned)), strict_dtype=strict)
        out = search(impl, "cell_forward", RNN, input_dtype, max_examples=5, derandomize=True)
        assert out.failed, (returned, input_dtype, strict)
        assert f"of dtype {np.dtype(returned).name} for {input_dtype} inputs" in out.message
        assert why in out.message


def test_an_upcast_value_is_still_judged():
    """A float64 result of the wrong value fails at the float32 tolerance."""
    def rnn_cell_forward(xt, a_prev, parameters):
        a_next, yt_pred, cache = manual_rnn.rnn_cell_forward(xt, a_prev, parameters)
        return a_next.astype(np.float64) * (1 + 1e-2), yt_pred.astype(np.float64), cache

    out = search(Implementation(_module(rnn_cell_forward=rnn_cell_forward)), "cell_forward", RNN,
                 "float32", max_examples=20, derandomize=True)
    assert out.failed and "rnn_cell_forward['a_next']" in out.message


# --- loading a file as Python runs a script --------------------------------------


def _write(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text)
    return folder / name


def test_a_helper_beside_the_file_is_found_from_another_directory(tmp_path, monkeypatch):
    one = _write(tmp_path / "one", "my_rnn.py", "from rnn_utils import *\n")
    _write(tmp_path / "one", "rnn_utils.py", "WHICH = 'one'\n")
    two = _write(tmp_path / "two", "my_rnn.py", "from rnn_utils import *\n")
    _write(tmp_path / "two", "rnn_utils.py", "WHICH = 'two'\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    path_before, modules_before = list(sys.path), set(sys.modules)
    assert load_implementation(str(one)).WHICH == "one"
    assert load_implementation(str(two)).WHICH == "two"  # its own helper, not the first one's
    assert sys.path == path_before
    assert "rnn_utils" not in set(sys.modules) - modules_before


def test_a_missing_import_names_the_module_the_file_and_the_folders(tmp_path, monkeypatch):
    path = _write(tmp_path / "course", "my_rnn.py", "import numpy as np\nfrom rnn_utils import *\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ImplementationError) as info:
        load_implementation(str(path))
    message = str(info.value)
    assert "it imports 'rnn_utils'" in message
    assert "course/my_rnn.py, line 2: from rnn_utils import *" in message
    assert "not in course, the working directory" in message


def test_what_a_module_prints_at_import_is_captured_and_noted(tmp_path, capsys):
    path = _write(tmp_path, "chatty.py", "for i in range(5):\n    print('loading', i)\n")
    notes = []
    load_implementation(str(path), notes=notes)
    assert capsys.readouterr().out == ""
    assert notes[0].kind == "import" and notes[0].lines == 5
    assert notes[0].first_lines == ["loading 0", "loading 1", "loading 2"]


# --- calling: output, errors, hangs ------------------------------------------------


def test_output_is_captured_and_counted_per_function(capsys):
    def rnn_cell_forward(xt, a_prev, parameters):
        print("shapes", xt.shape, a_prev.shape)
        print("step done", file=sys.stderr)
        return manual_rnn.rnn_cell_forward(xt, a_prev, parameters)

    impl = Implementation(_module(rnn_cell_forward=rnn_cell_forward))
    out = search(impl, "cell_forward", RNN, "float64", max_examples=10, derandomize=True)
    assert out.status == "passed"
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    (note,) = [n for n in impl.collected_notes() if n.kind == "output"]
    assert note.function == "rnn_cell_forward" and note.lines == 2 * out.examples
    assert note.first_lines[:2] == ["shapes (1, 1) (1, 1)", "step done"]


def test_show_output_lets_it_through(capsys):
    def rnn_cell_forward(xt, a_prev, parameters):
        print("visible")
        return manual_rnn.rnn_cell_forward(xt, a_prev, parameters)

    impl = Implementation(_module(rnn_cell_forward=rnn_cell_forward), show_output=True)
    case = make_case(RNN, Dims(1, 1, 1, 1, 1))
    impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    assert capsys.readouterr().out == "visible\n"
    assert impl.collected_notes() == []


def test_a_name_error_names_the_global_the_file_and_the_line(tmp_path):
    path = _write(tmp_path, "notebook_export.py", (
        "import numpy as np\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    n_y, n_a = Wya.shape\n"
        "    return None\n"
    ))
    impl = Implementation(load_implementation(str(path)))
    case = make_case(RNN, Dims(1, 1, 1, 1, 1))
    with pytest.raises(PropertyFailure) as info:
        impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    message = str(info.value)
    assert message.startswith("rnn_cell_forward uses 'Wya', which is not defined in ")
    assert "notebook_export.py (line 3: n_y, n_a = Wya.shape)" in message


def test_an_exception_names_the_users_line_not_numpys(tmp_path):
    path = _write(tmp_path, "template.py", (
        "import numpy as np\n"
        "def rnn_cell_forward(xt, a_prev, parameters):\n"
        "    Wax = None\n"
        "    a_next = np.tanh(np.dot(Wax, xt))\n"
        "    return a_next\n"
    ))
    impl = Implementation(load_implementation(str(path)))
    case = make_case(RNN, Dims(2, 3, 1, 2, 1))
    with pytest.raises(PropertyFailure) as info:
        impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    assert "rnn_cell_forward raised TypeError" in str(info.value)
    assert "template.py, line 4: a_next = np.tanh(np.dot(Wax, xt)))" in str(info.value)


def test_a_backward_that_fails_on_its_forwards_malformed_caches_blames_the_forward():
    def rnn_forward(x, a0, parameters):
        a, y_pred, (caches, x_) = manual_rnn.rnn_forward(x, a0, parameters)
        return a, y_pred, (caches[-1], x_)  # `caches = cache` instead of appending

    def rnn_backward(da, caches):
        (caches, x) = caches
        (a1, a0, x1, parameters) = caches[0]
        return manual_rnn.rnn_backward(da, (caches, x))

    impl = Implementation(_module(rnn_forward=rnn_forward, rnn_backward=rnn_backward))
    out = search(impl, "backward", RNN, "float64", max_examples=10, derandomize=True)
    assert out.failed
    assert "rnn_forward returned malformed caches: expected (list of T_x = 1 cell caches, x)" in out.message
    assert "rnn_backward failed on them" in out.message


def test_a_call_that_never_returns_is_reported_and_not_repeated():
    import tests.impls.hangs as hangs

    impl = Implementation(hangs, timeout=0.5)
    case = make_case(RNN, Dims(1, 1, 1, 1, 1))
    _, _, cache = impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    for _ in range(2):
        with pytest.raises(PropertyFailure, match=r"rnn_cell_backward did not return within 0.5 s"):
            impl.call(RNN, "cell_backward", case.da[:, :, 0], cache)


# --- writing into what it was given -------------------------------------------------


def _writes(where):
    """manual_rnn's RNN, with a backward that writes into one thing it was given."""
    def rnn_backward(da, caches):
        grads = manual_rnn.rnn_backward(da, caches)
        if where == "upstream":
            da[0, 0, 0] += 1.0
        elif where == "cache array":
            caches[1][0, 0, 0] *= 2.0  # x, the second item of the caches
        elif where == "shared parameters":
            caches[0][0][-1]["Waa"][0, 0] = 0.5  # the dict every step's cache holds
        elif where == "cache list":
            caches[0].pop()
        elif where == "a zero's sign":  # -0.0 becomes 0.0: the values are unchanged
            np.add(da, 0.0, out=da, where=da == 0.0)
        return grads
    return _module(rnn_cell_forward=manual_rnn.rnn_cell_forward, rnn_forward=manual_rnn.rnn_forward,
                   rnn_backward=rnn_backward)


@pytest.mark.parametrize("where", ["upstream", "cache array", "shared parameters", "cache list"])
def test_a_backward_writing_into_its_arguments_fails_naming_the_argument(where):
    outcome = search(Implementation(_writes(where)), "no_mutation", "rnn", max_examples=5, seed=0)
    assert outcome.failed
    argument = 1 if where == "upstream" else 2
    assert f"rnn_backward modified its argument {argument}" in outcome.message


def test_an_unchanged_value_is_not_a_modification():
    outcome = search(Implementation(_writes("a zero's sign")), "no_mutation", "rnn",
                     max_examples=20, seed=0)
    assert outcome.status == "passed", outcome.message
