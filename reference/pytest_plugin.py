"""The pytest plugin: ``pytest --rnn-impl MODULE_OR_PATH`` adds the property suite.

Registered through the ``pytest11`` entry point, so any pytest run where the
package is installed knows the options; it does nothing (and imports neither
JAX nor the harness) unless an implementation is named:

- ``--rnn-impl MODULE_OR_PATH`` (ini ``rnn_impl``): a dotted module name, a
  ``.py`` file or a notebook. The property suite (:mod:`reference.pytest_suite`)
  is added to the run, beside the user's own tests. Set in the ini file only,
  it is added when pytest runs without explicit paths (``pytest`` alone), so
  ``pytest tests/test_mine.py`` stays a quick run of one file.
- ``--rnn-families F,F`` and ``--rnn-dtypes D,D`` (ini ``rnn_families``,
  ``rnn_dtypes``): the selection (default: every family, both dtypes).
- ``--rnn-strict-dtype`` (ini ``rnn_strict_dtype``): float64 returned for
  float32 inputs fails instead of being a note.
- ``--rnn-show-output`` (ini ``rnn_show_output``): let the implementation's
  prints through instead of summarising them.
- ``--rnn-check-oracle`` (ini ``rnn_check_oracle``): also check the JAX
  reference itself against finite differences (it judges the oracle, not the
  implementation; this project's own suite turns it on).
- ``--rnn-search-alone`` (ini ``rnn_search_alone``): each property's test
  searches its own cases. By default the tests of one family and dtype share
  one search (:mod:`reference.pytest_suite`), run by the first of them, so
  the others call nothing of the implementation themselves: a tool that
  records which test calls which function, and later runs only those tests
  (mutmut; ``pytest-testmon``), would then never rerun the test that checks
  a function, and a broken gradient would pass. On by itself under mutmut
  (its ``MUTANT_UNDER_TEST`` variable is set).

The Hypothesis profile is chosen as for this project's suite
(``HYPOTHESIS_PROFILE``; ``ci`` under ``CI``; :mod:`reference.profiles`) and
applies to the suite's tests only. Every test carries the ``rnn_gradcheck``
marker (``-m rnn_gradcheck`` runs the suite alone). What the implementation
printed and the dtype upcasts accepted are listed in an "implementation notes"
section at the end of the run, under ``pytest-xdist`` too.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

SUITE_MODULE = "reference.pytest_suite"
MARKER = "rnn_gradcheck"
_NOTE = "rnn_gradcheck_note"
_DIST = "rnn_gradcheck_dist"
_DTYPES = ("float64", "float32")

#: Set by mutmut in every test run it starts (``--rnn-search-alone`` is then on).
MUTMUT_VARIABLE = "MUTANT_UNDER_TEST"


@dataclass(frozen=True)
class Options:
    """The plugin's settings for one run, from the command line and the ini file."""

    impl: str | None
    families: tuple[str, ...] | None
    dtypes: tuple[str, ...]
    strict_dtype: bool
    show_output: bool
    check_oracle: bool
    from_command_line: bool
    search_alone: bool


def pytest_addoption(parser):
    group = parser.getgroup("rnn-gradcheck", "hand-written RNN backprop against autodiff")
    group.addoption("--rnn-impl", dest="rnn_impl", default=None, metavar="MODULE_OR_PATH",
                    help="add the property suite for this implementation: a dotted module name, "
                    "a .py file or a .ipynb notebook (ini: rnn_impl)")
    group.addoption("--rnn-families", dest="rnn_families", default=None, metavar="F[,F...]",
                    help="families to check (default: all; ini: rnn_families)")
    group.addoption("--rnn-dtypes", dest="rnn_dtypes", default=None, metavar="D[,D...]",
                    help="float64, float32 or both (default; ini: rnn_dtypes)")
    group.addoption("--rnn-strict-dtype", dest="rnn_strict_dtype", action="store_true",
                    default=None, help="fail functions that return float64 for float32 inputs "
                    "(ini: rnn_strict_dtype)")
    group.addoption("--rnn-show-output", dest="rnn_show_output", action="store_true", default=None,
                    help="let what the implementation prints through (ini: rnn_show_output)")
    group.addoption("--rnn-check-oracle", dest="rnn_check_oracle", action="store_true",
                    default=None, help="also check the JAX reference against finite differences "
                    "(ini: rnn_check_oracle)")
    group.addoption("--rnn-search-alone", dest="rnn_search_alone", action="store_true",
                    default=None, help="each property's test draws and searches its own cases, "
                    "no search shared by a family and dtype's tests: for tools that map what "
                    "each test calls, such as mutation testers (on by itself under mutmut; "
                    "ini: rnn_search_alone)")
    parser.addini("rnn_impl", "implementation the property suite checks (as --rnn-impl)", default="")
    parser.addini("rnn_families", "families the property suite checks (as --rnn-families)",
                  default="")
    parser.addini("rnn_dtypes", "dtypes the property suite checks (as --rnn-dtypes)", default="")
    parser.addini("rnn_strict_dtype", "as --rnn-strict-dtype", type="bool", default=False)
    parser.addini("rnn_show_output", "as --rnn-show-output", type="bool", default=False)
    parser.addini("rnn_check_oracle", "as --rnn-check-oracle", type="bool", default=False)
    parser.addini("rnn_search_alone", "as --rnn-search-alone", type="bool", default=False)


def options(config) -> Options:
    """The plugin's settings, the command line over the ini file; a bad value is a usage error."""
    from_command_line = config.getoption("rnn_impl") is not None
    impl = config.getoption("rnn_impl") or config.getini("rnn_impl").strip() or None
    families = _names(config, "families", None)
    dtypes = _names(config, "dtypes", _DTYPES) or _DTYPES

    def flag(name):
        given = config.getoption(f"rnn_{name}")
        return bool(given) if given is not None else bool(config.getini(f"rnn_{name}"))

    return Options(impl=impl, families=families, dtypes=dtypes, strict_dtype=flag("strict_dtype"),
                   show_output=flag("show_output"), check_oracle=flag("check_oracle"),
                   from_command_line=from_command_line,
                   search_alone=flag("search_alone") or MUTMUT_VARIABLE in os.environ)


def _names(config, what: str, known) -> tuple[str, ...] | None:
    text = config.getoption(f"rnn_{what}") or config.getini(f"rnn_{what}")
    names = [t.strip() for t in str(text).replace("\n", ",").split(",") if t.strip()]
    if not names:
        return None
    if known is None:  # the families' registry needs the harness: only load it when asked
        from .families import FAMILIES

        known = tuple(FAMILIES)
    bad = [n for n in names if n not in known]
    if bad:
        raise pytest.UsageError(f"--rnn-{what}: unknown {', '.join(bad)}; known: {', '.join(known)}")
    return tuple(dict.fromkeys(names))


def active(config) -> bool:
    """Whether this run includes the property suite: ``--rnn-impl`` was given, or
    ``rnn_impl`` is set in the ini file and pytest runs without explicit paths."""
    opts = options(config)
    if opts.impl is None:
        return False
    return opts.from_command_line or config.args_source != pytest.Config.ArgsSource.ARGS


def pytest_configure(config):
    config.addinivalue_line("markers", f"{MARKER}: a property of the rnn-gradcheck suite "
                            "(--rnn-impl) checking a hand-written RNN against autodiff")
    if active(config):
        from . import compilation_cache

        compilation_cache.enable()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """pytest-xdist, in the controller: tell each worker how the tests are split
    (a worker's own ``--dist`` reads "no"), for :func:`whole_groups`."""
    node.workerinput[_DIST] = node.config.getoption("dist", "no")


def whole_groups(item) -> bool:
    """Whether all of a family and dtype's tests run in the process running ``item``.

    True outside pytest-xdist, and under it when tests are split by file or
    scope (``--dist loadfile`` or ``loadscope``: the suite's module goes whole to
    one worker) or by ``xdist_group`` where pytest-xdist honours it (the group's
    name then ends the test's id; pytest-xdist 3.8 does not mark them under
    pytest 9.2)."""
    workerinput = getattr(item.config, "workerinput", None)
    if workerinput is None:
        return True
    dist = workerinput.get(_DIST)
    return dist in ("loadfile", "loadscope") or (dist == "loadgroup" and "@rnn-gradcheck-" in item.nodeid)


def pytest_report_header(config):
    if not active(config):
        return None
    from .profiles import profile_name

    opts = options(config)
    extras = [w for w, on in (("strict dtype", opts.strict_dtype), ("oracle check", opts.check_oracle))
              if on]
    return [f"rnn-gradcheck: {opts.impl}{' (' + ', '.join(extras) + ')' if extras else ''}; "
            f"hypothesis profile {profile_name()}"]


class _SuiteModule(pytest.Module):
    """The suite module, imported by name (wherever the package is installed)
    rather than by path, so that collecting it changes no ``sys.path``."""

    def _getobj(self):
        return importlib.import_module(SUITE_MODULE)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    # tryfirst: added before -k, -m and --deselect select among the items.
    if not active(config):
        return
    path = Path(importlib.util.find_spec(SUITE_MODULE).origin)
    if any(getattr(item, "path", None) == path for item in items):
        return  # the suite's file was named on the command line: already collected
    try:
        path.relative_to(config.rootpath)
        nodeid = None  # inside the project (this repository): its path, as pytest names it
    except ValueError:
        nodeid = "rnn-gradcheck"  # installed elsewhere: "rnn-gradcheck::test_property[...]"
    module = _SuiteModule.from_parent(session, path=path, nodeid=nodeid)
    selected = options(config).families
    dropped = []
    for item in session.genitems(module):
        # The family-specific tests name their families on the marker; those of
        # families left out are deselected (rather than reported as skipped).
        families = item.get_closest_marker(MARKER).kwargs.get("families")
        if selected is None or families is None or set(families) & set(selected):
            items.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)


def pytest_generate_tests(metafunc):
    if "rnn_property" not in metafunc.fixturenames:
        return
    from .families import FAMILIES
    from .selection import IMPLEMENTATION_PROPERTY_NAMES, PROPERTY_NAMES

    opts = options(metafunc.config)
    props = list(PROPERTY_NAMES if opts.check_oracle else IMPLEMENTATION_PROPERTY_NAMES)
    combos = [(p, f, d) for p in props for f in (opts.families or FAMILIES) for d in opts.dtypes]
    # A family and dtype's tests share one search of cases when they run in one
    # process: under pytest-xdist, ``--dist loadgroup`` sends each group to one
    # worker, where pytest-xdist honours the marks (see whole_groups).
    grouped = metafunc.config.pluginmanager.hasplugin("xdist")
    metafunc.parametrize(("rnn_property", "rnn_family", "rnn_dtype"), [
        pytest.param(p, f, d, id=f"{f}-{p}-{d}",
                     marks=[pytest.mark.xdist_group(f"rnn-gradcheck-{f}-{d}")] if grouped else [])
        for p, f, d in combos])


_IMPLEMENTATIONS: list = []


@pytest.fixture(scope="session")
def rnn_impl(request):
    """The implementation under test, loaded once per session
    (a :class:`reference.implementation.Implementation`)."""
    from .implementation import Implementation, ImplementationError, load_implementation

    opts = options(request.config)
    if opts.impl is None:
        pytest.skip("no implementation named: pass --rnn-impl MODULE_OR_PATH or set rnn_impl")
    notes: list = []
    try:
        module = load_implementation(opts.impl, capture=not opts.show_output, notes=notes)
    except ImplementationError as exc:
        raise pytest.UsageError(f"--rnn-impl: {exc}") from None
    implementation = Implementation(module, label=opts.impl, strict_dtype=opts.strict_dtype,
                                    show_output=opts.show_output, notes=notes, option_prefix="--rnn-")
    _IMPLEMENTATIONS.append(implementation)
    return implementation


@pytest.fixture
def rnn_families(request) -> tuple[str, ...]:
    """The families selected for this run (all by default)."""
    from .families import FAMILIES

    return options(request.config).families or tuple(FAMILIES)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (call.when == "call" and call.excinfo is not None and item.get_closest_marker(MARKER)
            and item.config.getoption("tbstyle") == "auto"):
        from .implementation import PropertyFailure

        if isinstance(call.excinfo.value, PropertyFailure):
            # The property's own message says what is wrong and where (function,
            # key, element, time step) on the minimal case; the harness's frames
            # say nothing more. --tb=long shows them.
            exc = call.excinfo.value
            report.longrepr = "\n".join([str(exc), *getattr(exc, "__notes__", ())])
    # Notes travel with the test reports, so they reach the terminal under xdist too.
    if call.when == "teardown" and _IMPLEMENTATIONS:
        for note in _IMPLEMENTATIONS[0].collected_notes():
            report.user_properties.append((_NOTE, note.as_dict()))


def pytest_terminal_summary(terminalreporter):
    reported = [value for reports in terminalreporter.stats.values() for report in reports
                for name, value in getattr(report, "user_properties", ()) if name == _NOTE]
    if reported:
        from .implementation import merge_notes, note_text

        terminalreporter.section("implementation notes")
        for note in merge_notes(reported):
            terminalreporter.line(note_text(note))
