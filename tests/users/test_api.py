"""``reference.check``: the Python entry point, and the report object it returns."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import reference
from reference import verify
from reference.implementation import ImplementationError, load_implementation

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SCHEMA = json.loads((ROOT / "reference" / "report_schema.json").read_text())
SMALL = {"families": ["rnn"], "dtypes": ["float64"], "examples": 5}


def test_a_correct_path_passes_and_nothing_is_printed(capsys):
    report = reference.check(str(CORPUS / "dtype_preserving.py"), **SMALL)
    assert capsys.readouterr() == ("", "")
    assert report.ok and report.exit_status == 0 and report.failures == []
    jsonschema.validate(json.loads(report.to_json()), SCHEMA)
    text = str(report)
    assert "rnn: manual vs autodiff, per function and key" in text and "rnn_backward" in text
    assert "\x1b[" not in text  # plain text, no terminal colours
    html = report._repr_html_()
    assert html.count("<table") == 2 and "<td style='color:#1a7f37;font-weight:bold'>pass</td>" in html
    assert "Report" in repr(report) and "0 failed" in repr(report)


def test_the_seeds_bug_is_a_failure_given_as_data():
    report = reference.check(str(ROOT / "tests" / "faults" / "seed_rnn.py"), **SMALL)
    assert not report.ok and report.exit_status == 1
    failures = {(f.function, f.property) for f in report.failures}
    assert ("rnn_backward", "backward") in failures or any(
        "rnn_backward returned None for 'da0'" in f.message for f in report.failures)
    first = report.failures[0]
    assert first.minimal_case["T_x"] >= 1 and first.dtype == "float64" and first.family == "rnn"
    assert "rnn_backward returned None for 'da0'" in str(report)
    assert "FAIL" in report._repr_html_()


def test_a_module_and_a_mapping_give_the_verdict_of_the_path(tmp_path):
    path = CORPUS / "exercise_style.py"
    by_path = reference.check(str(path), **SMALL).data
    module = load_implementation(path)
    by_module = reference.check(module, **SMALL).data
    namespace = dict(vars(module))
    before = copy.copy(namespace)
    by_mapping = reference.check(namespace, **SMALL).data
    assert namespace == before  # the caller's mapping is not modified

    def verdicts(data):
        return [(r["family"], r["property"], r["dtype"], r["status"], r["examples"],
                 [(k["key"], k["max_abs"]) for k in r["keys"]]) for r in data["results"]]

    assert verdicts(by_path) == verdicts(by_module) == verdicts(by_mapping)


def test_the_command_line_and_check_agree(tmp_path, capsys):
    """The command line's workers, started before it loads anything, give the
    verdicts of a check in one process."""
    path = str(CORPUS / "vectorized.py")
    json_path = tmp_path / "cli.json"
    code = verify.main(["--impl", path, "--families", "gru", "--examples", "4", "--no-progress",
                        "--jobs", "2", "--json", str(json_path)])
    capsys.readouterr()
    cli = json.loads(json_path.read_text())
    api = reference.check(path, families=["gru"], examples=4).data
    assert code == 0
    strip = lambda data: [{k: v for k, v in r.items() if k != "seconds"} for r in data["results"]]  # noqa: E731
    assert strip(cli) == strip(api)
    assert cli["settings"] == api["settings"]


def test_worker_processes_give_the_verdicts_of_one_process():
    path = str(CORPUS / "printing.py")
    selection = {"families": ["rnn", "lstm"], "examples": 3}
    serial = reference.check(path, **selection).data
    parallel = reference.check(path, jobs=2, **selection).data
    strip = lambda data: [{k: v for k, v in r.items() if k != "seconds"} for r in data["results"]]  # noqa: E731
    assert strip(parallel) == strip(serial)
    # The notes of both workers, merged: each function's once, the import's once.
    assert sorted((n["function"], n["kind"]) for n in parallel["notes"]) == \
        sorted((n["function"], n["kind"]) for n in serial["notes"])


def test_workers_from_a_script_without_a_main_guard(tmp_path):
    """The workers are fresh processes: a script calling check at its top level
    (no ``if __name__ == "__main__":``) is not re-run by them."""
    script = tmp_path / "check_mine.py"
    script.write_text(
        "import reference\n"
        f"report = reference.check({str(CORPUS / 'seed_rnn_fixed.py')!r}, families=['rnn', 'lstm'],\n"
        "                         dtypes=['float64'], examples=2, jobs=2)\n"
        "print('RAN', report.ok, report.summary['passed'])\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["RAN True 9"], proc.stdout


def test_a_notebook_is_checked_and_its_skipped_cells_are_listed():
    report = reference.check(str(CORPUS / "exercise_notebook.ipynb"), **SMALL)
    assert report.ok, str(report)
    cells = [n for n in report.notes if n["kind"] == "cell"]
    assert any("public_tests" in n["message"] for n in cells)
    assert any("rnn_cell_forward_tests" in n["message"] for n in cells)


def test_bad_arguments_name_the_function_the_argument_and_what_was_expected():
    path = str(CORPUS / "exercise_style.py")
    with pytest.raises(ValueError, match=r"check: families has unknown \['transformer'\]; known: rnn"):
        reference.check(path, families=["transformer"])
    with pytest.raises(ValueError, match="check: dtypes has unknown"):
        reference.check(path, dtypes=["float16"])
    with pytest.raises(ValueError, match="check: examples must be a positive integer; got 0"):
        reference.check(path, examples=0)
    with pytest.raises(TypeError, match="check: seed must be an integer"):
        reference.check(path, seed="zero")
    with pytest.raises(TypeError, match="check: impl must be a module, a path"):
        reference.check(42)
    with pytest.raises(ImplementationError, match="no such file"):
        reference.check("not_there.py")


def test_a_stored_report_reads_back_and_serves_as_a_baseline(tmp_path):
    path = str(CORPUS / "dtype_preserving.py")
    report = reference.check(path, **SMALL)
    stored = tmp_path / "report.json"
    report.to_json(stored, points=False)
    again = reference.Report.from_json(stored)
    assert again.ok and again.summary["examples"] == report.summary["examples"]
    assert all("points" not in k for r in again.data["results"] for k in r["keys"])
    rerun = reference.check(path, baseline=stored)
    assert rerun.ok and rerun.regressions == [] and rerun.data["settings"]["examples"] == 5


def test_a_notebook_kernel_shows_the_report_as_an_html_table(tmp_path):
    """The exercise's notebook with a last cell calling ``reference.check(globals())``,
    executed by a real Jupyter kernel: the cell's output is the HTML table."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    shutil.copy(CORPUS / "rnn_utils.py", tmp_path / "rnn_utils.py")
    notebook = nbformat.read(CORPUS / "exercise_notebook.ipynb", as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import reference\n"
        "report = reference.check(globals(), families=['rnn'], dtypes=['float64'], examples=5)\n"
        "report"))
    # The course's own test files are missing here, as on a student's machine
    # outside the course: those cells raise and the kernel goes on.
    nbclient.NotebookClient(notebook, timeout=600, allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    last = notebook.cells[-1]
    html = [o for o in last.outputs if o.get("output_type") == "execute_result"][0]["data"]["text/html"]
    assert "<table" in html and "rnn_backward" in html and "0 failed" in html


def test_an_implementation_that_ends_its_process_fails_only_what_it_ended(tmp_path):
    """``os._exit`` in the backward ends a worker: the checks that reached it fail,
    saying so, and the others still run (in a replacement worker) and pass."""
    module = tmp_path / "exits.py"
    module.write_text(
        "import os\n"
        "from seed_rnn_fixed import rnn_cell_forward, rnn_forward, rnn_cell_backward\n"
        "def rnn_backward(da, caches):\n"
        "    os._exit(3)\n")
    shutil.copy(CORPUS / "seed_rnn_fixed.py", tmp_path / "seed_rnn_fixed.py")
    # Three properties that reach the backward and three that do not: each ended
    # worker is replaced (a process start and JAX's import), so no more of them.
    props = ["cell_forward", "forward", "cell_backward", "backward", "short_da", "zero_upstream"]
    report = reference.check(str(module), families=["rnn"], dtypes=["float64"], examples=3, jobs=2,
                             properties=props)
    status = {r["property"]: r["status"] for r in report.data["results"]}
    assert set(status) == set(props)
    ended = [r for r in report.data["results"] if "ended with exit status 3" in r["message"]]
    assert {r["property"] for r in ended} == {"backward", "short_da", "zero_upstream"}
    assert all(r["status"] == "failed" for r in ended)
    assert status["cell_forward"] == status["forward"] == status["cell_backward"] == "passed"
