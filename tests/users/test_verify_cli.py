"""The rnn-verify command: exit codes, the report, the JSON schema, the plot, the baseline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reference import verify

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "reference" / "report_schema.json").read_text())


def run(capsys, *argv):
    code = verify.main(["--no-progress", *argv])
    return code, capsys.readouterr()


def test_correct_module_passes_with_a_table_and_a_valid_report(capsys, tmp_path):
    report_path, plot_path = tmp_path / "r.json", tmp_path / "p.png"
    code, out = run(capsys, "--impl", "manual_rnn", "--families", "rnn,gru", "--examples", "5",
                    "--json", str(report_path), "--plot", str(plot_path))
    assert code == 0, out.out
    assert "rnn: manual vs autodiff, per function and key" in out.out
    assert "rnn_backward" in out.out and "dWaa" in out.out
    report = json.loads(report_path.read_text())
    jsonschema.validate(report, SCHEMA)
    assert report["summary"]["failed"] == 0 and report["exit_status"] == 0
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("module", "phrases"),
    [
        ("tests/faults/seed_rnn.py", ["rnn_backward returned None for 'da0'"]),
        ("tests.faults.rnn_dwaa_transposed",
         ["rnn_backward['dWaa']", "finite differences agree with autodiff: the manual gradient is wrong",
          "the step's own backward is wrong"]),
        ("tests.faults.rnn_missing_da_prevt",
         ["rnn_backward['dx']", "the gradient carried to the previous step is wrong"]),
    ],
)
def test_buggy_modules_fail_naming_function_and_key(capsys, tmp_path, module, phrases):
    report_path = tmp_path / "r.json"
    code, out = run(capsys, "--impl", module, "--families", "rnn", "--examples", "20",
                    "--properties", "backward,loss_gradient", "--dtypes", "float64",
                    "--json", str(report_path))
    assert code == 1
    for phrase in phrases:
        assert phrase in out.out, out.out
    report = json.loads(report_path.read_text())
    jsonschema.validate(report, SCHEMA)
    failed = [r for r in report["results"] if r["status"] == "failed"]
    assert failed and all(r["minimal_case"] for r in failed)


def test_user_bugs_that_are_not_numbers_are_reported_not_crashed(capsys):
    code, out = run(capsys, "--impl", "tests.impls.misbehaving", "--families", "rnn",
                    "--examples", "10", "--dtypes", "float64")
    assert code == 1
    for phrase in ["rnn_forward raised IndexError", "rnn_cell_backward returned NoneType",
                   "rnn_backward returned a dict without key(s) ['dx'",
                   "rnn_loss_backward returned 'dWya' of dtype float32"]:
        assert phrase in out.out, phrase


def test_module_lacking_families_is_skipped_not_failed(capsys):
    code, out = run(capsys, "--impl", "tests/faults/seed_rnn.py", "--families", "lstm",
                    "--examples", "3")
    assert code == 0
    assert "skipped" in out.out and "does not provide lstm_forward" in out.out


@pytest.mark.parametrize("argv", [
    ["--impl", "no.such.module"],
    ["--impl", "tests/impls/raises_on_import.py"],
    ["--impl", "missing_file.py"],
    ["--families", "transformer"],
    ["--examples", "0"],
])
def test_bad_arguments_and_unimportable_modules_exit_2(argv):
    proc = subprocess.run([sys.executable, "-m", "reference.verify", "--no-progress", *argv],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "rnn-verify: error:" in proc.stderr


def test_baseline_round_trip_and_regression(capsys, tmp_path):
    base = tmp_path / "base.json"
    argv = ["--families", "rnn", "--examples", "5", "--properties", "backward,loss_gradient"]
    assert run(capsys, *argv, "--write-baseline", str(base))[0] == 0
    assert run(capsys, "--baseline", str(base))[0] == 0
    stored = json.loads(base.read_text())
    for r in stored["results"]:
        for k in r["keys"]:
            k["max_ratio"] = 0.0  # pretend it used to be exact
    base.write_text(json.dumps(stored))
    code, out = run(capsys, "--baseline", str(base))
    assert code == 1
    assert "precision regression" in out.out


def test_shipped_baseline_holds():
    """Our implementation against the baseline shipped in the repository."""
    assert verify.main(["--no-progress", "--baseline", str(ROOT / "baselines" / "manual_rnn.json")]) == 0
