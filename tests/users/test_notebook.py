"""Loading a Jupyter notebook: its code cells run in order into one module; what only the
course's missing files break is skipped and noted, IPython's syntax is not run, a
student's bug in a function cell is not hidden, and the notebook is never written."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import jsonschema
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import manual_rnn
from reference import verify
from reference.families import get_family
from reference.implementation import (
    Implementation,
    ImplementationError,
    PropertyFailure,
    load_implementation,
    note_text,
)
from reference.strategies import Dims, make_case
from tests.corpus._make_notebook import NOTEBOOK, function_sources, notebook_text

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SCHEMA = json.loads((ROOT / "reference" / "report_schema.json").read_text())
RNN = get_family("rnn")
API = ("rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward",
       "lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward")


def _notebook(folder: Path, *cells: str, name: str = "my.ipynb", helpers: bool = True) -> Path:
    """A notebook of ``cells`` (code, or markdown when a cell starts with ``"# "`` and has
    one line) in ``folder``, with the course's ``rnn_utils.py`` beside it if ``helpers``."""
    folder.mkdir(parents=True, exist_ok=True)
    if helpers:
        shutil.copy(CORPUS / "rnn_utils.py", folder / "rnn_utils.py")
    nb = new_notebook(cells=[new_markdown_cell(c) if c.startswith("# ") and "\n" not in c
                             else new_code_cell(c) for c in cells])
    path = folder / name
    nbformat.write(nb, path)
    return path


def _cell_notes(notes) -> dict[int, str]:
    """The ``"cell"`` notes by cell number."""
    return {int(n.function.rpartition(", cell ")[2]): n.message for n in notes if n.kind == "cell"}


FUNCTIONS = function_sources()
IMPORTS = "import numpy as np\nfrom rnn_utils import *\nfrom public_tests import *"


# --- the exercise's notebook -------------------------------------------------------


def test_the_committed_notebook_is_what_its_generator_writes():
    assert NOTEBOOK.read_text() == notebook_text(), "run python -m tests.corpus._make_notebook"


def test_the_exercise_notebook_loads_from_another_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path_before, modules_before = list(sys.path), set(sys.modules)
    module = load_implementation(str(NOTEBOOK))
    assert module.__file__ == str(NOTEBOOK)
    assert all(callable(getattr(module, name, None)) for name in API)
    assert sys.path == path_before
    assert "rnn_utils" not in set(sys.modules) - modules_before

    rng = np.random.default_rng(0)
    n_x, n_a, n_y, m, T_x = 3, 4, 2, 5, 6
    x, a0 = rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m))
    parameters = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
                  "Wya": rng.standard_normal((n_y, n_a)), "ba": rng.standard_normal((n_a, 1)),
                  "by": rng.standard_normal((n_y, 1))}
    a, y_pred, _ = module.rnn_forward(x, a0, parameters)
    a_ref, y_ref, _ = manual_rnn.rnn_forward(x, a0, parameters)
    assert np.allclose(a, a_ref) and np.allclose(y_pred, y_ref)


def test_the_cells_the_missing_course_files_break_are_noted(capsys):
    notes = []
    load_implementation(NOTEBOOK, notes=notes)
    assert capsys.readouterr() == ("", "")  # the test cells' prints are captured
    cells = _cell_notes(notes)
    # cells count from the top, markdown included: 3 is the imports, 7 rnn_cell_forward's test
    assert sorted(cells) == [3, 4, 7, 10, 13, 16]
    assert cells[3] == ("exercise_notebook.ipynb, cell 3 (`import numpy as np`): line 3 "
                        "`from public_tests import *` not run: ModuleNotFoundError: No module "
                        "named 'public_tests'")
    assert "IPython syntax not run: line 1 `%matplotlib inline`, line 2 `%load_ext autoreload`" \
        in cells[4]
    assert ("cell 7 (`np.random.seed(1)`): line 18 `rnn_cell_forward_tests(rnn_cell_forward)` not "
            "run: NameError: name 'rnn_cell_forward_tests' is not defined (a test helper of the "
            "course)") in cells[7]
    (printed,) = [n for n in notes if n.kind == "import"]
    assert printed.function.endswith("exercise_notebook.ipynb")
    assert printed.message.startswith("printed ") and "while its cells ran" in printed.message
    assert printed.first_lines[0] == "a_next[4] = "
    for note in notes:  # what the JSON report holds, and what the CLI and pytest print
        jsonschema.validate(note.as_dict(), SCHEMA["properties"]["notes"]["items"])
        assert note_text(note.as_dict())


def test_the_notebook_is_never_written(tmp_path):
    path = _notebook(tmp_path, IMPORTS, FUNCTIONS["rnn_cell_forward"],
                     "x = 1\nrnn_cell_forward_tests(rnn_cell_forward)")
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    files = sorted(p.name for p in tmp_path.iterdir())
    load_implementation(path)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "__pycache__") == files


# --- IPython's own syntax ------------------------------------------------------------


def test_magics_shell_escapes_and_help_are_not_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell_forward = FUNCTIONS["rnn_cell_forward"].replace(
        '"""\n', '"""\n    %% of the docstring, kept?\n', 1)
    path = _notebook(tmp_path / "nb", IMPORTS,
                     "%matplotlib inline\n!touch marker\nfiles = !ls\nx = 1\nnp.dot?\n"
                     "for i in range(2):\n    !touch marker_$i\n    y = i",
                     "%%bash\ntouch marker_bash",
                     "%%time\n" + cell_forward,
                     "%%writefile rnn_forward.py\ndef rnn_forward(x, a0, parameters):\n    pass")
    notes = []
    module = load_implementation(path, notes=notes)
    assert not list(tmp_path.glob("marker*")) and not list((tmp_path / "nb").glob("marker*"))
    assert not (tmp_path / "nb" / "rnn_forward.py").exists()
    assert (module.x, module.y) == (1, 1)
    assert "%% of the docstring, kept?" in module.rnn_cell_forward.__doc__
    assert not hasattr(module, "rnn_forward")
    cells = _cell_notes(notes)
    assert ("IPython syntax not run: line 1 `%matplotlib inline`, line 2 `!touch marker`, line 3 "
            "`files = !ls`, line 5 `np.dot?`, line 7 `!touch marker_$i`") in cells[2]
    assert cells[3] == "my.ipynb, cell 3 (`%%bash`): not run: a %%bash cell is not Python"
    assert cells[4].endswith("IPython syntax not run: line 1 `%%time`")
    assert "a %%writefile cell is not Python" in cells[5]


# --- what is skipped, and what is not ---------------------------------------------------


def test_a_cell_that_fails_before_defining_an_api_function_is_an_error(tmp_path):
    path = _notebook(tmp_path, IMPORTS, "# RNN cell",
                     "n_a = parameters_tmp['Waa'].shape[0]\n\n" + FUNCTIONS["rnn_cell_forward"])
    with pytest.raises(ImplementationError) as info:
        load_implementation(path)
    message = str(info.value)
    assert message.startswith(f"{path}, cell 3 (`n_a = parameters_tmp['Waa'].shape[0]`) raised "
                              "NameError: name 'parameters_tmp' is not defined at line 1, before it "
                              "defined rnn_cell_forward")


def test_an_api_cell_that_is_not_python_is_an_error(tmp_path):
    broken = FUNCTIONS["rnn_forward"].replace("for t in range(T_x):", "for t in range(T_x)")
    path = _notebook(tmp_path, IMPORTS, broken)
    with pytest.raises(ImplementationError, match=r"cell 2 \(`def rnn_forward\(x, a0, parameters\):`\)"
                                                  r" defines rnn_forward but is not valid Python: "
                                                  r"SyntaxError: expected ':' \(line \d+: for t in"):
        load_implementation(path)


def test_a_failing_test_cell_is_skipped_and_noted_and_so_is_what_needs_it(tmp_path):
    path = _notebook(tmp_path, IMPORTS, FUNCTIONS["rnn_cell_forward"],
                     "print('my test')\nassert 1 + 1 == 3, 'my own check'\nmine = 1",
                     "print(mine)\nz = 2",
                     FUNCTIONS["rnn_forward"] + "\n\nrnn_forward(None, None, None)\nafter = 1")
    notes = []
    module = load_implementation(path, notes=notes)
    cells = _cell_notes(notes)
    assert cells[3] == ("my.ipynb, cell 3 (`print('my test')`): not run from line 2 on: "
                        "AssertionError: my own check")
    assert cells[4].endswith("line 1 `print(mine)` not run: NameError: name 'mine' is not defined "
                             "(it is defined by a line not run)")
    assert module.z == 2
    # the function is defined: the harness checks it, the note says where the call failed
    assert callable(module.rnn_forward) and not hasattr(module, "after")
    assert cells[5].endswith("not run from line 49 on: AttributeError: 'NoneType' object has no "
                             "attribute 'shape' (cell 5, line 19: n_x, m, T_x = x.shape)")


def test_a_notebook_without_the_course_files_still_loads(tmp_path):
    path = _notebook(tmp_path, IMPORTS, FUNCTIONS["rnn_cell_forward"], FUNCTIONS["rnn_cell_backward"],
                     helpers=False)
    notes = []
    impl = Implementation(load_implementation(path, notes=notes))
    assert "`from rnn_utils import *` not run: ModuleNotFoundError" in _cell_notes(notes)[1]
    case = make_case(RNN, Dims(2, 3, 1, 2, 1))
    with pytest.raises(PropertyFailure) as info:
        impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    assert str(info.value).startswith("rnn_cell_forward uses 'softmax', which is not defined in ")
    assert "my.ipynb (cell 2, line 30: yt_pred = softmax(np.dot(Wya, a_next) + by))" in str(info.value)


def test_a_notebook_without_the_api_is_an_error(tmp_path):
    path = _notebook(tmp_path, "# Week 1", IMPORTS, "def my_helper():\n    return 1",
                     "assert False")
    with pytest.raises(ImplementationError) as info:
        load_implementation(path)
    assert str(info.value) == (
        f"the notebook {path} defines none of the API's functions (rnn_cell_forward, rnn_forward, "
        "rnn_cell_backward, rnn_backward, or the gru_, lstm_ ones): nothing to check (3 code "
        "cell(s); not run in full: cell 4 (AssertionError))"
    )


def test_a_file_that_is_not_a_notebook_is_an_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    with pytest.raises(ImplementationError, match="cannot read the notebook .*broken.ipynb"):
        load_implementation(path)


# --- errors at call time, output -------------------------------------------------------


def test_an_error_in_a_notebook_function_names_the_cell_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = FUNCTIONS["rnn_cell_forward"].replace('Wax = parameters["Wax"]', "Wax = None")
    _notebook(tmp_path, "# RNN", IMPORTS, "# cell", template,
              "def rnn_forward(x, a0, parameters):\n    n_y, n_a = Wya.shape\n")
    impl = Implementation(load_implementation("my.ipynb"))
    case = make_case(RNN, Dims(2, 3, 1, 2, 1))
    with pytest.raises(PropertyFailure) as info:
        impl.call(RNN, "cell_forward", case.x[:, :, 0], case.a0, case.parameters)
    assert str(info.value).startswith("rnn_cell_forward raised TypeError")
    assert str(info.value).endswith(
        "(my.ipynb, cell 4, line 28: a_next = np.tanh(np.dot(Waa, a_prev) + np.dot(Wax, xt) + ba))")
    with pytest.raises(PropertyFailure) as info:
        impl.call(RNN, "forward", case.x, case.a0, case.parameters)
    assert str(info.value) == ("rnn_forward uses 'Wya', which is not defined in my.ipynb "
                               "(cell 5, line 2: n_y, n_a = Wya.shape)")


def test_output_is_let_through_when_not_captured(tmp_path, capsys):
    path = _notebook(tmp_path, IMPORTS, FUNCTIONS["rnn_cell_forward"], "print('hello')")
    notes = []
    load_implementation(path, capture=False, notes=notes)
    assert capsys.readouterr().out == "hello\n"
    assert [n.kind for n in notes] == ["cell"]  # the public_tests import; no "import" note


# --- end to end ----------------------------------------------------------------------------


def test_rnn_verify_passes_the_exercise_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    report_path = tmp_path / "report.json"
    code = verify.main(["--impl", str(NOTEBOOK), "--families", "rnn", "--dtypes", "float64",
                        "--examples", "5", "--no-progress", "--json", str(report_path)])
    out = capsys.readouterr().out
    report = json.loads(report_path.read_text())
    jsonschema.validate(report, SCHEMA)
    assert code == 0, out
    assert not [r for r in report["results"] if r["status"] == "failed"]
    assert {n["function"].rpartition(", cell ")[2] for n in report["notes"]
            if n["kind"] == "cell"} == {"3", "4", "7", "10", "13", "16"}
    assert "`from public_tests import *` not run" in " ".join(out.split())


def test_future_imports_are_the_notebooks_own(tmp_path):
    """The harness's ``from __future__ import annotations`` does not leak into the notebook;
    the notebook's own holds for the cells after it, as in Jupyter."""
    path = _notebook(tmp_path, IMPORTS, FUNCTIONS["rnn_cell_forward"],
                     "def plain(x: int): pass",
                     "from __future__ import annotations",
                     "def postponed(x: int): pass")
    module = load_implementation(path)
    assert module.plain.__annotations__ == {"x": int}
    assert module.postponed.__annotations__ == {"x": "int"}
