"""The plugin's suite: a family and dtype's tests share one search of cases, and
lose nothing of a search of their own (failures shrunk, saved and replayed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

import pytest
from hypothesis import settings
from hypothesis.database import InMemoryExampleDatabase

import manual_rnn
from reference import pytest_suite
from reference.families import FAMILIES
from reference.properties import PROPERTIES, Implementation, PropertyFailure
from tests.users.test_plugin import CORPUS, NARROW, ROOT, _pytest, _user_repo

RNN = FAMILIES["rnn"]
FAULTS = ROOT / "tests" / "faults"


def _wrong_dwaa(module_name: str):
    def rnn_backward(da, caches):
        grads = manual_rnn.rnn_backward(da, caches)
        return {**grads, "dWaa": grads["dWaa"] + 1.0}

    module = types.ModuleType(module_name)
    module.__dict__.update(rnn_forward=manual_rnn.rnn_forward, rnn_backward=rnn_backward)
    return Implementation(module)


def test_a_saved_failure_is_replayed_before_a_shared_pass_counts(monkeypatch):
    """With an example database (the ``dev`` profile), a case that failed a test
    before is run again first, even where the shared search passed."""
    db = InMemoryExampleDatabase()
    monkeypatch.setattr(pytest_suite, "SETTINGS", settings(pytest_suite.SETTINGS, database=db,
                                                           derandomize=False, max_examples=10))
    prop, correct = PROPERTIES["backward"], Implementation(manual_rnn)
    assert not pytest_suite._replays_a_saved_failure(prop, correct, RNN, "float64")  # nothing saved

    with pytest.raises(PropertyFailure, match="dWaa"):  # the test's own search: fails, saves
        pytest_suite._property_test(prop, _wrong_dwaa("wrong"), RNN, "float64", {"examples": 0,
                                    "max_ratio": 0.0}, pytest_suite.SETTINGS)()
    assert db.data, "the failure was not saved"
    assert pytest_suite._replays_a_saved_failure(prop, _wrong_dwaa("still_wrong"), RNN, "float64")
    assert not pytest_suite._replays_a_saved_failure(prop, correct, RNN, "float64")  # fixed


ONCE_WRONG = '''
import numpy as np
from seed_rnn_fixed import rnn_forward, rnn_backward as _backward

CALLS = [0]

def rnn_backward(da, caches):
    """Right on every call but the fifth."""
    CALLS[0] += 1
    grads = _backward(da, caches)
    if CALLS[0] == 5:
        grads["dWaa"] = grads["dWaa"] + 1.0
    return grads
'''


def test_a_failure_of_the_shared_search_fails_its_test_even_when_not_found_again(tmp_path):
    """Without pytest-xdist a family and dtype's tests run one shared search: an
    implementation wrong on its fifth call only fails the test that made that
    call, with the shared search's case, and says it was not found again."""
    repo = _user_repo(tmp_path, CORPUS / "seed_rnn_fixed.py")
    (repo / "seed_rnn_fixed.py").write_text((repo / "my_rnn.py").read_text())
    (repo / "my_rnn.py").write_text(ONCE_WRONG)
    proc = _pytest(repo, "-q", "--rnn-impl", "my_rnn.py", *NARROW, env={"CI": "true"})
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert proc.returncode == 1 and len(failed) == 1, proc.stdout
    assert "dWaa" in proc.stdout and "this test's own search of other cases passed" in proc.stdout
    assert "Case(rnn" in proc.stdout


TWO_SESSIONS = '''
import sys
import pytest

codes = [int(pytest.main(["-q", "-p", "no:cacheprovider", "--rnn-impl", path, *sys.argv[2:]]))
         for path in sys.argv[1].split(",")]
print("EXIT CODES", codes)
'''


def test_a_second_session_in_one_process_checks_its_own_implementation(tmp_path):
    """A notebook's kernel running the suite twice, fixed file then broken file:
    the shared outcomes belong to one session, never reused by the next."""
    repo = _user_repo(tmp_path, CORPUS / "seed_rnn_fixed.py")
    shutil.copy(FAULTS / "seed_rnn.py", repo / "broken_rnn.py")
    (repo / "run_twice.py").write_text(TWO_SESSIONS)
    proc = subprocess.run([sys.executable, "run_twice.py", "my_rnn.py,broken_rnn.py", *NARROW,
                           "-k", "test_property and backward"], cwd=repo, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "CI": "true"})
    assert "EXIT CODES [0, 1]" in proc.stdout, proc.stdout[-3000:] + proc.stderr[-3000:]


RECORDING = '''
import os
from seed_rnn_fixed import rnn_forward, rnn_backward as _backward

def rnn_backward(da, caches):
    """Right, and writes down which test called it."""
    with open("calls.txt", "a") as f:
        f.write(os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0] + "\\n")
    return _backward(da, caches)
'''


@pytest.mark.parametrize("how", ["shared", "--rnn-search-alone", "under mutmut"])
def test_searching_alone_each_test_calls_what_it_checks(tmp_path, how):
    """A mutation tester records which test calls which function, and later reruns
    only those: with the shared search, the first test of the group makes every
    call and ``backward``'s own test none, so a broken ``rnn_backward`` would never
    be rerun by the test that checks it. Searching alone (the option, or by itself
    under mutmut) each test calls what it checks."""
    repo = _user_repo(tmp_path, CORPUS / "seed_rnn_fixed.py")
    (repo / "seed_rnn_fixed.py").write_text((repo / "my_rnn.py").read_text())
    (repo / "my_rnn.py").write_text(RECORDING)
    args = ["--rnn-search-alone"] if how == "--rnn-search-alone" else []
    env = {"CI": "true", "MUTANT_UNDER_TEST": "stats"} if how == "under mutmut" else {"CI": "true"}
    proc = _pytest(repo, "-q", "--rnn-impl", "my_rnn.py", *NARROW, *args,
                   "-k", "test_property and (forward or backward)", env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    callers = {line.rsplit("::", 1)[-1] for line in (repo / "calls.txt").read_text().split()}
    # The module has no cell functions: the group's tests that run are forward's
    # and backward's, forward's first.
    expected = "forward" if how == "shared" else "backward"
    assert callers == {f"test_property[rnn-{expected}-float64]"}, callers
