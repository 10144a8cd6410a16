"""Suite options: ``--impl MODULE`` chooses the implementation under test.

``manual_rnn`` (the default) is always checked with the strict dtype policy;
another implementation is checked with the default policy unless
``--strict-dtype`` is given (see ``reference.implementation``). What the
implementation prints is captured; the notes (accepted upcasts, captured
output) are listed at the end of the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import jax
import pytest

from reference.implementation import note_text
from reference.profiles import register_profiles
from reference.properties import Implementation, ImplementationError, load_implementation

PROFILE = register_profiles()

# Compiled oracle programs persist in the checkout's .jax-cache/ (as for `make
# mutation`): `pytest -n 2`'s workers reuse each other's programs, and a second
# run compiles nothing. JAX's cache key covers the program, the JAX and XLA
# versions and the compiler flags. JAX_COMPILATION_CACHE_DIR overrides the place.
if not os.environ.get("JAX_COMPILATION_CACHE_DIR"):
    jax.config.update("jax_compilation_cache_dir",
                      str(Path(__file__).resolve().parent.parent / ".jax-cache"))
jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)

DEFAULT_IMPL = "manual_rnn"


def pytest_addoption(parser):
    parser.addoption(
        "--impl",
        default=DEFAULT_IMPL,
        metavar="MODULE",
        help="implementation to check: a dotted module name or a path to a .py file "
        "(default: manual_rnn)",
    )
    parser.addoption("--strict-dtype", action="store_true",
                     help="fail functions that return float64 for float32 inputs "
                     "(always on for manual_rnn)")
    parser.addoption("--show-output", action="store_true",
                     help="let what the implementation prints through instead of capturing it")


def _strict(config) -> bool:
    return config.getoption("--strict-dtype") or config.getoption("--impl") == DEFAULT_IMPL


def pytest_report_header(config):
    return [f"implementation: {config.getoption('--impl')}"
            f"{' (strict dtype)' if _strict(config) else ''}",
            f"hypothesis profile: {PROFILE}"]


@pytest.fixture(scope="session")
def impl(request) -> Implementation:
    config = request.config
    spec = config.getoption("--impl")
    show = config.getoption("--show-output")
    notes: list = []
    try:
        module = load_implementation(spec, capture=not show, notes=notes)
    except ImplementationError as exc:
        raise pytest.UsageError(str(exc)) from None
    implementation = Implementation(module, label=spec, strict_dtype=_strict(config),
                                    show_output=show, notes=notes)
    _IMPLEMENTATIONS.append(implementation)
    return implementation


_IMPLEMENTATIONS: list[Implementation] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Notes travel with the test reports, so they reach the terminal under xdist too.
    outcome = yield
    if call.when == "teardown" and _IMPLEMENTATIONS:
        report = outcome.get_result()
        for note in _IMPLEMENTATIONS[0].collected_notes():
            report.user_properties.append(("rnn_gradcheck_note", note.as_dict()))


def pytest_terminal_summary(terminalreporter):
    notes = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "rnn_gradcheck_note":
                    key = (value["function"], value["kind"])
                    if key not in notes or value["lines"] > notes[key]["lines"]:
                        notes[key] = value
    if notes:
        terminalreporter.section("implementation notes")
        for note in notes.values():
            terminalreporter.line(note_text(note))
