"""The printed report: a diagnosis names the gate of a gradient key once."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from reference.render import describe_diagnosis, render


def _diagnosis(key: str, gate: str | None) -> dict:
    return {"function": "lstm_backward", "key": key, "index": [0, 1], "manual": 0.5,
            "reference": 0.25, "finite_difference": 0.25,
            "verdict": "finite differences agree with autodiff: the manual gradient is wrong",
            "gate": gate, "localization": "the step's own backward is wrong"}


def _report(diagnosis: dict) -> dict:
    result = {"family": "lstm", "property": "backward", "dtype": "float64", "status": "failed",
              "examples": 1, "seconds": 0.1, "message": "lstm_backward['dWo'] is wrong",
              "minimal_case": None, "examples_to_failure": 1, "keys": [], "failing": [],
              "diagnosis": [diagnosis]}
    return {"implementation": "buggy", "results": [result],
            "summary": {"passed": 0, "failed": 1, "skipped": 0, "examples": 1, "seconds": 0.1}}


@pytest.mark.parametrize(("key", "gate", "label"), [
    ("dWo", "output gate", "(output gate)"),
    ("dWf", "forget", "(forget gate)"),
    ("dWy", "output", "(output layer)"),
])
def test_a_diagnosis_names_the_gate_once(key, gate, label):
    out = io.StringIO()
    render(_report(_diagnosis(key, gate)), Console(file=out, width=150, highlight=False))
    text = out.getvalue()
    assert f"  -> {key} {label}: finite differences give 0.25: " in text, text
    assert "gate gate" not in text


def test_a_diagnosis_without_a_gate_names_the_key_alone():
    assert describe_diagnosis(_diagnosis("dx", None)).startswith("  -> dx: finite differences give")
