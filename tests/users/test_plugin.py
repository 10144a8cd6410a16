"""The pytest plugin, as a user meets it: in their own repository, beside their own tests.

Each test writes a small user repository in a temporary folder (their module,
the course's helper beside it, one test of their own, and optionally their
``pyproject.toml``) and runs pytest there in a fresh process, where the plugin
comes from the installed package's ``pytest11`` entry point.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"

#: The user's own test: it must run whatever the plugin adds.
USER_TEST = '''
import os
import sys

def test_users_own_test():
    print("USERS-OWN-TEST-RAN")
    if os.environ.get("EXPECT_NO_JAX"):
        # The plugin imports neither JAX nor the harness in a run that does not use it.
        assert "jax" not in sys.modules and "reference.oracle" not in sys.modules
'''

#: The suite narrowed to one family and dtype, to keep these runs short.
NARROW = ["--rnn-families", "rnn", "--rnn-dtypes", "float64"]


def _user_repo(tmp_path: Path, module: Path, pyproject: str | None = None) -> Path:
    repo = tmp_path / "user-repo"
    (repo / "tests").mkdir(parents=True)
    shutil.copy(module, repo / "my_rnn.py")
    shutil.copy(CORPUS / "rnn_utils.py", repo / "rnn_utils.py")
    (repo / "tests" / "test_mine.py").write_text(USER_TEST)
    if pyproject is not None:
        (repo / "pyproject.toml").write_text(textwrap.dedent(pyproject))
    return repo


def _pytest(repo: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    # As a user's shell has it: none of the outer run's pytest options, and not
    # mutmut's variable (under which the plugin searches alone).
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PYTEST_ADDOPTS", "MUTANT_UNDER_TEST")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfEs", *args],
                          capture_output=True, text=True, cwd=repo, env=environment, timeout=600)


def test_a_correct_module_passes_beside_the_users_own_test(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "exercise_style.py")
    proc = _pytest(repo, "-s", "--rnn-impl", "my_rnn.py", *NARROW)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "USERS-OWN-TEST-RAN" in proc.stdout
    assert "rnn-gradcheck: my_rnn.py" in proc.stdout  # the report header


def test_a_buggy_module_fails_naming_the_key_and_the_users_test_still_runs(tmp_path):
    repo = _user_repo(tmp_path, ROOT / "tests" / "faults" / "seed_rnn.py")
    proc = _pytest(repo, "-s", "--rnn-impl", "my_rnn.py", *NARROW,
                   "-k", "backward or test_users_own_test")
    assert proc.returncode == 1, proc.stdout
    assert "USERS-OWN-TEST-RAN" in proc.stdout
    assert "rnn_backward returned None for 'da0'" in proc.stdout
    failed = [line for line in proc.stdout.splitlines() if line.startswith("FAILED")]
    assert any("test_property[rnn-backward-float64]" in line for line in failed), failed
    assert not any("test_users_own_test" in line for line in failed)


def test_the_ini_file_names_the_implementation(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "exercise_style.py", pyproject='''
        [tool.pytest.ini_options]
        rnn_impl = "my_rnn.py"
        rnn_families = "rnn"
        rnn_dtypes = "float64"
    ''')
    proc = _pytest(repo, "-q", "--co")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    collected = proc.stdout
    assert "test_users_own_test" in collected
    assert "test_property[rnn-backward-float64]" in collected
    assert "lstm" not in collected and "float32" not in collected
    # Explicit paths: a quick run of the user's own file, without the suite.
    only_mine = _pytest(repo, "-q", "--co", "tests/test_mine.py")
    assert "test_property" not in only_mine.stdout and "test_users_own_test" in only_mine.stdout


def test_without_an_implementation_the_plugin_stays_out_of_the_way(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "exercise_style.py")
    proc = _pytest(repo, "-q", env={"EXPECT_NO_JAX": "1"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout and "test_property" not in proc.stdout
    helped = _pytest(repo, "--help")
    for option in ("--rnn-impl", "--rnn-families", "--rnn-dtypes", "--rnn-strict-dtype"):
        assert option in helped.stdout


def test_bad_options_are_usage_errors(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "exercise_style.py")
    proc = _pytest(repo, "--rnn-impl", "my_rnn.py", "--rnn-families", "rnn,transformer")
    assert proc.returncode == 4
    assert "--rnn-families: unknown transformer; known: rnn, lstm, gru, gru_reset_after" in proc.stderr
    missing = _pytest(repo, "--rnn-impl", "not_there.py", *NARROW, "-k", "cell_forward")
    assert missing.returncode != 0
    assert "no such file: not_there.py" in missing.stdout + missing.stderr


def test_notes_and_the_strict_dtype_policy(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "printing.py")
    selection = ["--rnn-families", "rnn", "--rnn-dtypes", "float32", "-k",
                 "test_property[rnn-forward or test_property[rnn-backward"]
    proc = _pytest(repo, "-q", "--rnn-impl", "my_rnn.py", *selection)
    assert proc.returncode == 0, proc.stdout
    notes = proc.stdout.split("implementation notes")[1]
    assert "rnn_forward returns float64 for float32 inputs" in notes
    assert "rnn_backward printed" in notes and "--rnn-show-output lets it through" in notes
    assert "--rnn-strict-dtype makes this a failure" in notes
    assert "while it was imported" in notes
    strict = _pytest(repo, "-q", "--rnn-impl", "my_rnn.py", "--rnn-strict-dtype", *selection)
    assert strict.returncode == 1
    assert "rnn_forward returned a of dtype float64 for float32 inputs" in strict.stdout


def test_under_xdist_the_suite_and_its_notes_reach_the_terminal(tmp_path):
    repo = _user_repo(tmp_path, CORPUS / "printing.py")
    proc = _pytest(repo, "-q", "-n", "2", "--rnn-impl", "my_rnn.py", "--rnn-families", "rnn",
                   "--rnn-dtypes", "float32", "-k", "cell_forward or test_users_own_test")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 passed" in proc.stdout
    assert "rnn_cell_forward printed" in proc.stdout.split("implementation notes")[1]
