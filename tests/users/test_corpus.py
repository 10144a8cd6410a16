"""False-alarm tests on code that is not ours: every correct implementation in
``tests/corpus`` (written as people write them, in ``.py`` files and in the
exercise's notebook) passes ``rnn-verify`` at its default settings, run from
another working directory, with zero failures."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reference import verify

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SCHEMA = json.loads((CORPUS.parent.parent / "reference" / "report_schema.json").read_text())
IMPLEMENTATIONS = sorted(p.name for p in [*CORPUS.glob("*.py"), *CORPUS.glob("*.ipynb")]
                         if not p.name.startswith("_") and p.name != "rnn_utils.py")

#: The families each file implements (every one of them must be checked and pass).
FAMILIES = {"dtype_preserving.py": {"rnn", "lstm"}, "exercise_style.py": {"rnn", "lstm"},
            "exercise_notebook.ipynb": {"rnn", "lstm"},
            "extra_keys.py": {"rnn", "lstm"}, "printing.py": {"rnn", "lstm"},
            "seed_rnn_fixed.py": {"rnn"}, "vectorized.py": {"rnn", "lstm", "gru", "gru_reset_after"}}

#: Files whose float64 buffers must be noted, not failed.
UPCASTS = {"exercise_style.py", "exercise_notebook.ipynb", "seed_rnn_fixed.py", "printing.py"}


def test_every_corpus_file_is_listed():
    assert set(IMPLEMENTATIONS) == set(FAMILIES)


@pytest.mark.parametrize(("name", "family"),
                         [(n, f) for n in sorted(FAMILIES) for f in sorted(FAMILIES[n])])
def test_correct_implementation_passes_at_default_settings(name, family, tmp_path, monkeypatch,
                                                            capsys):
    """One family at a time (a test each, so that ``pytest -n`` spreads them)."""
    monkeypatch.chdir(tmp_path)
    report_path = tmp_path / "report.json"
    code = verify.main(["--impl", str(CORPUS / name), "--families", family, "--no-progress",
                        "--json", str(report_path)])
    out = capsys.readouterr().out
    report = json.loads(report_path.read_text())
    jsonschema.validate(report, SCHEMA)
    failed = [f"{r['family']} {r['property']} {r['dtype']}: {r['message']}"
              for r in report["results"] if r["status"] == "failed"]
    assert code == 0 and not failed, "\n".join(failed) or out
    checked = {r["family"] for r in report["results"] if r["status"] == "passed"}
    assert checked == {family}, f"{name}: checked {checked}"
    notes = {(n["function"], n["kind"]) for n in report["notes"]}
    if name in UPCASTS:
        assert (f"{family}_forward", "dtype") in notes, notes
        assert f"{family}_forward returns float64 for float32 inputs" in out


def test_dtype_preserving_implementation_passes_strict(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = verify.main(["--impl", str(CORPUS / "dtype_preserving.py"), "--no-progress",
                        "--strict-dtype", "--dtypes", "float32", "--examples", "20"])
    assert code == 0, capsys.readouterr().out


def test_exercise_style_fails_strict_with_the_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = verify.main(["--impl", str(CORPUS / "exercise_style.py"), "--no-progress",
                        "--strict-dtype", "--families", "rnn", "--dtypes", "float32",
                        "--properties", "forward", "--examples", "5"])
    assert code == 1
    assert "rnn_forward returned a of dtype float64 for float32 inputs" in capsys.readouterr().out


def test_printing_implementation_is_summarised_not_streamed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    report_path = tmp_path / "report.json"
    code = verify.main(["--impl", str(CORPUS / "printing.py"), "--no-progress", "--families", "rnn",
                        "--examples", "10", "--json", str(report_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    report = json.loads(report_path.read_text())
    kinds = {(n["function"], n["kind"]): n for n in report["notes"]}
    assert kinds[("rnn_backward", "output")]["lines"] > 10
    assert any(k[1] == "import" for k in kinds)
    assert len(out.splitlines()) < 80, "the implementation's output leaked into the report"
