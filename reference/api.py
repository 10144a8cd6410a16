"""The Python entry point: :func:`check` an implementation, get a :class:`Report`.

>>> import reference
>>> report = reference.check("my_rnn.py", families=["rnn"])      # doctest: +SKIP
>>> report.ok                                                     # doctest: +SKIP
True

``impl`` is a module, a path to a ``.py`` file or a notebook, a dotted module
name, or a mapping of names to functions (a notebook's ``globals()``). The
command line (:mod:`reference.verify`) is a thin layer over :func:`check`: both
run the same checks and give the same verdicts. Nothing here prints, unless
``show_output`` lets the implementation's own output through, and nothing
calls ``sys.exit``.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import compilation_cache
from .families import FAMILIES
from .implementation import Implementation, ImplementationError, load_implementation
from .report import build_report, run, without_points
from .selection import (
    DEFAULT_EXAMPLES,
    DEFAULT_SEED,
    DTYPES,
    IMPLEMENTATION_PROPERTY_NAMES,
    PROPERTY_NAMES,
)

__all__ = ["DEFAULT_EXAMPLES", "DEFAULT_SEED", "DTYPES", "Failure", "Report", "check"]


@dataclass(frozen=True)
class Failure:
    """One failed check: which property, family and dtype, on which minimal case.

    ``function`` and ``key`` name the first disagreeing gradient (``None`` when
    the implementation raised or returned the wrong structure); ``comparisons``
    holds every disagreeing key (element ``index``, ``manual`` and
    ``reference`` values, ``ratio`` to the tolerance, ``time_steps``), and
    ``diagnosis`` who is wrong there (finite differences) and where (time step, gate).
    """

    family: str
    property: str
    dtype: str
    message: str
    minimal_case: dict | None
    function: str | None = None
    key: str | None = None
    comparisons: list = field(default_factory=list)
    diagnosis: list = field(default_factory=list)

    @classmethod
    def from_entry(cls, r: dict) -> Failure:
        first = r["failing"][0] if r["failing"] else {}
        return cls(family=r["family"], property=r["property"], dtype=r["dtype"],
                   message=r["message"], minimal_case=r["minimal_case"],
                   function=first.get("function"), key=first.get("key"),
                   comparisons=list(r["failing"]), diagnosis=list(r["diagnosis"]))

    def __str__(self) -> str:
        where = f"{self.function}[{self.key!r}]" if self.function else self.property
        return f"{where} ({self.family}, {self.property}, {self.dtype}): {self.message}"


class Report:
    """What :func:`check` found.

    ``ok`` is true when every check passed (and no key regressed past a
    baseline); ``failures`` lists what failed; ``data`` is the whole report as
    the JSON schema ``reference/report_schema.json`` describes (``docs/report.md``).
    ``str(report)`` is the plain-text report, a rich console prints it as
    tables, a Jupyter cell shows it as an HTML table, and :meth:`plot` draws
    every example's error against ``T_x`` and the weight scale.
    """

    def __init__(self, data: dict):
        self.data = data

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike) -> Report:
        """A report stored by :meth:`to_json` (a path or the JSON text)."""
        text = os.fspath(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text).read_text()
        return cls(json.loads(text))

    @property
    def ok(self) -> bool:
        return self.data["exit_status"] == 0

    @property
    def exit_status(self) -> int:
        """0 when everything passed, 1 when a check failed or a key regressed."""
        return self.data["exit_status"]

    @property
    def failures(self) -> list[Failure]:
        return [Failure.from_entry(r) for r in self.data["results"] if r["status"] == "failed"]

    @property
    def regressions(self) -> list[str]:
        """Keys whose error grew past the baseline's (empty without a baseline)."""
        return list(self.data.get("baseline_regressions", []))

    @property
    def notes(self) -> list[dict]:
        return list(self.data["notes"])

    @property
    def summary(self) -> dict:
        return dict(self.data["summary"])

    def to_json(self, path: str | os.PathLike | None = None, *, points: bool = True) -> str:
        """The report as JSON (written to ``path`` too, if given); ``points=False``
        drops the per-example points, as a baseline stores it."""
        data = self.data if points else without_points(self.data)
        text = json.dumps(data, indent=1) + "\n"
        if path is not None:
            Path(path).write_text(text)
        return text

    # -- rendering --

    def __rich_console__(self, console, options):
        from .render import renderables

        yield from renderables(self.data)

    def __str__(self) -> str:
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, width=150, color_system=None, force_terminal=False,
                          highlight=False)
        console.print(self)
        return buffer.getvalue()

    def __repr__(self) -> str:
        s = self.data["summary"]
        return (f"<Report {self.data['implementation']}: {s['passed']} passed, {s['failed']} failed, "
                f"{s['skipped']} skipped, {s['examples']} examples>")

    def _repr_html_(self) -> str:
        from .render import html

        return html(self.data)

    def plot(self):
        """A matplotlib ``Figure`` of every example's error/tolerance (needs matplotlib)."""
        from .plot import figure

        return figure(self.data)

    def save_plot(self, path: str | os.PathLike) -> None:
        """:meth:`plot` as a PNG file."""
        from .plot import save

        save(self.data, path)


def check(impl, *, families=None, dtypes=None, examples: int | None = None,
          seed: int | None = None, strict_dtype: bool = False, properties=None,
          check_oracle: bool = False, show_output: bool = False, baseline=None,
          jobs: int = 1, progress=None, _pool=None) -> Report:
    """Check an implementation of the API against autodiff; return the :class:`Report`.

    Parameters
    ----------
    impl : module, str, path or mapping
        A module; a path to a ``.py`` file or a ``.ipynb`` notebook; a dotted
        module name; or a mapping of names to functions (``globals()``).
    families : list of str, optional
        Families to check (default: every family whose functions ``impl`` defines
        is checked; the others are reported as skipped).
    dtypes : list of str, optional
        ``"float64"``, ``"float32"`` or both (default).
    examples : int, optional
        Hypothesis examples per property, family and dtype (default
        :data:`DEFAULT_EXAMPLES`, or the baseline's).
    seed : int, optional
        The same seed draws the same cases (default :data:`DEFAULT_SEED`, or the baseline's).
    strict_dtype : bool
        Fail functions that return float64 for float32 inputs (by default the
        upcast is a note and the values are judged at the float32 tolerance).
    properties : list of str, optional
        Properties to check (default: those that judge the implementation).
    check_oracle : bool
        Also check the JAX reference itself against finite differences.
    show_output : bool
        Let what the implementation prints through (default: captured, summarised in the notes).
    baseline : dict, path or Report, optional
        A stored report: a key whose error grows past 10x the stored one fails;
        its seed, examples and selection are reused unless given.
    jobs : int
        Worker processes (default 1: this process). With more, fresh
        ``python -m reference._worker`` processes share the checks, a family
        and dtype's properties at a time (split when there are fewer families
        and dtypes than workers; :mod:`reference._worker`); the verdicts are
        the same. Only an ``impl`` given by path or name can be
        loaded in a worker: a module or a mapping is checked in this process.
    progress : optional
        A :class:`reference.render.Progress` (the command line's live bar).
    _pool : optional
        Internal: ``rnn-verify``'s worker processes (a :class:`reference._worker.Pool`),
        started before it imported the harness; their number replaces ``jobs``.

    Raises
    ------
    ValueError, TypeError
        For a bad argument, naming it and what was expected.
    ImplementationError
        When ``impl`` cannot be loaded (the message names the missing module,
        file and line).
    """
    stored = _baseline(baseline)
    settings = stored.get("settings", {}) if stored else {}
    families = _names("families", families if families is not None else settings.get("families"),
                      FAMILIES) or list(FAMILIES)
    dtypes = _names("dtypes", dtypes, DTYPES) or list(DTYPES)
    properties = _names("properties", properties if properties is not None
                        else settings.get("properties"), PROPERTY_NAMES) \
        or list(IMPLEMENTATION_PROPERTY_NAMES)
    if check_oracle:
        properties += [p for p in PROPERTY_NAMES if p not in properties]
    examples = _count("examples", examples if examples is not None else settings.get("examples"),
                      DEFAULT_EXAMPLES)
    seed = _seed(seed if seed is not None else settings.get("seed"))

    jobs = _count("jobs", jobs, 1)

    implementation, label = _implementation(impl, strict_dtype=bool(strict_dtype),
                                            show_output=bool(show_output))
    started = _dt.datetime.now(_dt.timezone.utc)
    checks = len(families) * len(properties) * len(dtypes)
    by_path = isinstance(impl, (str, os.PathLike))
    if by_path and (_pool is not None or min(jobs, checks) > 1):
        # Each worker switches the compilation cache on; this process needs no JAX.
        from ._worker import run_in_workers

        results, notes = run_in_workers(os.fspath(impl), jobs, families, properties, dtypes,
                                        examples, seed, bool(strict_dtype), bool(show_output),
                                        implementation, progress, _pool)
    else:
        compilation_cache.enable()
        results = run(implementation, families, properties, dtypes, examples, seed, progress)
        notes = implementation.collected_notes()
    seconds = (_dt.datetime.now(_dt.timezone.utc) - started).total_seconds()
    run_settings = {"seed": seed, "examples": examples, "families": families,
                    "properties": properties, "dtypes": dtypes, "strict_dtype": bool(strict_dtype)}
    return Report(build_report(label, run_settings, results, notes, started, seconds, stored))


# --- the arguments ----------------------------------------------------------


def _implementation(impl, *, strict_dtype: bool, show_output: bool) -> tuple[Implementation, str]:
    notes: list = []
    if isinstance(impl, types.ModuleType):
        module, label = impl, impl.__name__
    elif isinstance(impl, (str, os.PathLike)):
        label = os.fspath(impl)
        module = load_implementation(impl, capture=not show_output, notes=notes)
    elif isinstance(impl, Mapping):
        label = str(impl.get("__name__") or "<mapping>")
        module = types.ModuleType(label)
        # A copy of the names only: the caller's mapping is never modified.
        module.__dict__.update({k: v for k, v in impl.items()
                                if isinstance(k, str) and not k.startswith("__")})
    else:
        raise TypeError("check: impl must be a module, a path to a .py or .ipynb file, a dotted "
                        f"module name or a mapping of names to functions; got {type(impl).__name__}")
    return Implementation(module, label=label, strict_dtype=strict_dtype, show_output=show_output,
                          notes=notes), label


def _names(argument: str, given, known) -> list[str] | None:
    if given is None:
        return None
    names = [given] if isinstance(given, str) else given
    try:
        names = list(names)
    except TypeError:
        raise TypeError(f"check: {argument} must be a list of names from {', '.join(known)}; "
                        f"got {given!r}") from None
    bad = [n for n in names if n not in known]
    if bad or not names:
        raise ValueError(f"check: {argument} has unknown {bad or 'empty selection'}; "
                         f"known: {', '.join(known)}")
    return list(dict.fromkeys(names))


def _count(argument: str, given, default: int) -> int:
    if given is None:
        return default
    if isinstance(given, bool) or not isinstance(given, int) or given < 1:
        raise ValueError(f"check: {argument} must be a positive integer; got {given!r}")
    return given


def _seed(given) -> int:
    if given is None:
        return DEFAULT_SEED
    if isinstance(given, bool) or not isinstance(given, int):
        raise TypeError(f"check: seed must be an integer; got {given!r}")
    return given


def _baseline(baseline) -> dict | None:
    if baseline is None:
        return None
    if isinstance(baseline, Report):
        return baseline.data
    if isinstance(baseline, Mapping):
        return dict(baseline)
    if isinstance(baseline, (str, os.PathLike)):
        try:
            return read_baseline(baseline)
        except ValueError as exc:
            raise ValueError(f"check: {exc}") from None
    raise TypeError(f"check: baseline must be a report, a dict or a path; got {type(baseline).__name__}")


__all__ += ["ImplementationError"]


def read_baseline(path: str | os.PathLike) -> dict:
    """A stored report (``--baseline``); ``ValueError`` naming the file if it cannot be read."""
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read baseline {os.fspath(path)}: {exc}") from None
