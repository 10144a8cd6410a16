"""Loading an implementation of the API and calling it defensively.

Everything the harness knows about the code it checks passes through here:

* :func:`load_implementation` imports a module by dotted name or from a path to
  a ``.py`` file, the way ``python path/to/file.py`` would: the file's own
  folder comes first on the import path while it loads, so a helper beside it
  (the course's ``rnn_utils.py``) is found;
* :class:`Implementation` looks the API's functions up (:meth:`~Implementation.unavailable`
  is the one place that decides a check is *skipped* because a function is
  missing; :meth:`reference.properties.Property.skip_reason`,
  :meth:`~Implementation.require` and :meth:`~Implementation.call` ask it), calls them
  with their standard output and error captured and a per-call time limit, turns
  whatever they raise into a :class:`PropertyFailure` that names the user's file
  and line, and applies the dtype policy to what they return.

The dtype policy
----------------
The exercise fills its outputs with ``np.zeros((n_a, m, T_x))``, so a correct
solution returns float64 for float32 inputs. By default that upcast is not a
failure: the values are still judged against the float64 truth at the float32
tolerance, and the upcast is reported once per function as a note.
``strict_dtype=True`` (``rnn-verify --strict-dtype``) makes preserving the input
dtype a requirement, for kernel writers; ``manual_rnn``'s own tests run strict.
Any other dtype fails in both modes: float32 for float64 inputs loses precision,
and integer, float16 or complex outputs are not what the API returns.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import signal
import sys
import threading
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .families import Family

__all__ = [
    "CALL_TIMEOUT_SECONDS",
    "Implementation",
    "ImplementationError",
    "Note",
    "PropertyFailure",
    "PropertySkipped",
    "load_implementation",
    "note_text",
]

#: Longest a single call of a user's function may take. The largest case the
#: strategies draw (every dimension 6, ``T_x`` 53) takes a few milliseconds even
#: in a per-step Python loop; a call still running after this long is stuck in
#: a loop that does not end, and is reported as such instead of hanging the run.
CALL_TIMEOUT_SECONDS = 30.0

#: Lines of a function's captured output kept for the report.
OUTPUT_LINES_SHOWN = 3


class PropertyFailure(AssertionError):
    """The implementation violates a property; the message says where."""

    def __init__(self, message: str, comparisons: list | None = None):
        super().__init__(message)
        self.comparisons = comparisons or []


class PropertySkipped(Exception):
    """The implementation lacks a function this property needs."""


class ImplementationError(Exception):
    """An implementation could not be loaded."""


@dataclass
class Note:
    """Something about the implementation a report shows without failing it."""

    function: str
    kind: str  # "dtype" (an upcast accepted), "output" (it printed), "import" (printed when loaded)
    message: str
    lines: int = 0
    first_lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"function": self.function, "kind": self.kind, "message": self.message,
                "lines": self.lines, "first_lines": list(self.first_lines)}



def note_text(note: dict) -> str:
    """One line for a note (as :meth:`Note.as_dict` gives it), with the first lines printed."""
    text = note["message"]
    if note.get("first_lines"):
        text += "; first: " + " | ".join(note["first_lines"])
    return text


class _LineSink(io.TextIOBase):
    """A text stream that counts the lines written to it and keeps the first few."""

    def __init__(self, keep: int = OUTPUT_LINES_SHOWN):
        self.lines = 0
        self.first: list[str] = []
        self._keep = keep
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        n = text.count("\n")
        if len(self.first) < self._keep:
            parts = (self._partial + text).split("\n")
            self._partial = parts.pop()
            self.first.extend(p[:120] for p in parts[: self._keep - len(self.first)])
        self.lines += n
        return len(text)

    def total_lines(self) -> int:
        return self.lines + bool(self._partial)

    def shown(self) -> list[str]:
        return self.first + ([self._partial[:120]] if self._partial and len(self.first) < self._keep else [])


@contextlib.contextmanager
def _redirected(sink: io.TextIOBase):
    """Standard output and standard error both written to ``sink`` within the block."""
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


# --- loading ----------------------------------------------------------------


def _display_path(path: str | os.PathLike) -> str:
    """``path`` relative to the working directory when it lies inside it."""
    try:
        return os.path.relpath(path) if Path(path).resolve().is_relative_to(Path.cwd()) else str(path)
    except (OSError, ValueError):
        return str(path)


@contextlib.contextmanager
def _import_path(*folders: Path, fresh_helpers: bool = False):
    """``folders`` first on ``sys.path`` while a module loads, in that order.

    ``python folder/file.py`` puts the script's folder first; the working
    directory follows, as ``python -m`` has it. With ``fresh_helpers``, the
    single-file modules beside the script (the course's ``rnn_utils.py``) are
    imported fresh and forgotten afterwards: a module of the same name imported
    earlier from elsewhere (another user's ``rnn_utils``) is hidden while the
    file loads, so the file gets its own.
    """
    folder = folders[0]
    local = {p.stem for p in folder.glob("*.py")} if fresh_helpers else set()
    hidden = {n: sys.modules.pop(n) for n in list(sys.modules) if n in local}
    added = [str(f) for f in dict.fromkeys(folders)]
    sys.path[:0] = added
    try:
        yield
    finally:
        for f in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(f)
        for name in local:
            mod = sys.modules.get(name)
            mod_file = getattr(mod, "__file__", None) or ""
            if mod_file and Path(mod_file).resolve().parent == folder:
                del sys.modules[name]
        sys.modules.update(hidden)


def _import_error(spec: str, exc: BaseException, searched: list[str]) -> ImplementationError:
    where = _user_frame(exc)
    origin = f" ({where})" if where else ""
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        folders = ", ".join(searched) + " or the installed packages"
        if exc.name == spec:
            return ImplementationError(f"cannot import implementation: no module named {spec!r} "
                                       f"in {folders}")
        return ImplementationError(
            f"cannot import implementation {spec!r}: it imports {exc.name!r}{origin}, which is "
            f"not in {folders}"
        )
    return ImplementationError(
        f"cannot import implementation {spec!r}: {type(exc).__name__}: {exc}{origin}"
    )


def load_implementation(spec: str | os.PathLike, *, capture: bool = True,
                        notes: list | None = None) -> types.ModuleType:
    """Import a module by dotted name or from a path to a ``.py`` file.

    A file is loaded as Python runs a script: its own folder comes first on the
    import path while it loads, so ``from rnn_utils import *`` finds the helper
    beside it. What the module prints while loading is captured (unless
    ``capture`` is false) and, when ``notes`` is given, appended to it as a
    :class:`Note`.

    Raises
    ------
    ImplementationError
        If nothing can be imported from ``spec``; the message names the missing
        module, the file and line that imported it, and the folders searched.
    """
    spec = os.fspath(spec)
    path = Path(spec)
    sink = _LineSink()
    searched: list[str] = []
    cwd = Path.cwd()
    quiet = _redirected(sink) if capture else contextlib.nullcontext()
    try:
        if spec.endswith(".py") or path.is_file():
            if not path.is_file():
                raise ImplementationError(f"no such file: {spec}")
            folder = path.resolve().parent
            name = f"_rnn_impl_{path.stem}_{abs(hash(str(path.resolve())))}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            searched = [_display_path(folder), f"the working directory ({cwd})"]
            try:
                with _import_path(folder, cwd, fresh_helpers=True), quiet:
                    module_spec.loader.exec_module(module)
            except BaseException:
                sys.modules.pop(name, None)
                raise
        else:
            searched = [f"the working directory ({cwd})"]
            with _import_path(cwd), quiet:
                module = importlib.import_module(spec)
    except ImplementationError:
        raise
    except (Exception, SystemExit) as exc:  # a user's module may fail to import in any way
        raise _import_error(spec, exc, searched) from exc
    if notes is not None and sink.total_lines():
        notes.append(Note(_display_path(spec) if path.suffix == ".py" else spec, "import",
                          f"printed {sink.total_lines()} line(s) while it was imported",
                          sink.total_lines(), sink.shown()))
    return module


# --- calling ----------------------------------------------------------------


_HARNESS = str(Path(__file__).resolve().parent)
_LIBRARIES = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix})


def _is_user_file(filename: str) -> bool:
    if not filename or filename.startswith("<frozen"):
        return False
    resolved = os.path.abspath(filename)
    if resolved.startswith(_HARNESS) or "site-packages" in resolved:
        return False
    return not any(resolved.startswith(p + os.sep) for p in _LIBRARIES)


def _innermost_user_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost frame of ``exc``'s traceback that lies in the user's code."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_user_file(f.filename)]
    return frames[-1] if frames else None


def _user_frame(exc: BaseException) -> str:
    """``file, line N: code`` of the innermost frame of the user's code in ``exc``'s traceback."""
    f = _innermost_user_frame(exc)
    if f is None:
        return ""
    code = f": {f.line.strip()}" if f.line and f.line.strip() else ""
    return f"{_display_path(f.filename)}, line {f.lineno}{code}"


def describe_exception(function: str, exc: BaseException) -> str:
    """What the user's ``function`` did wrong, with the file and line where it happened."""
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        f = _innermost_user_frame(exc)
        file = _display_path(f.filename) if f else "its module"
        text = f"{function} uses {exc.name!r}, which is not defined in {file}"
        if f:
            text += f" (line {f.lineno}: {(f.line or '').strip()})"
        return text
    where = _user_frame(exc)
    text = f"{function} raised {type(exc).__name__}: {exc}"
    return text + (f" ({where})" if where else "")


class _CallTimeout(BaseException):
    """Raised in the main thread when a call exceeds its time limit."""


def _on_alarm(signum, frame):
    raise _CallTimeout


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the block after ``seconds`` (main thread of a POSIX process only,
    and only when no other alarm is pending; elsewhere, no limit)."""
    if (not seconds or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    pending, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if pending:  # someone else's alarm: restore it, run without our limit
        signal.setitimer(signal.ITIMER_REAL, pending)
        signal.signal(signal.SIGALRM, previous)
        yield
        return
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


@dataclass
class Implementation:
    """A module providing some or all of the API, called defensively.

    Parameters
    ----------
    module : module
        Where the API's functions are looked up, by name.
    label : str
        How reports name the implementation (default: the module's name).
    strict_dtype : bool
        Require outputs in the input dtype (see the module docstring).
    show_output : bool
        Let what the functions print through instead of capturing it.
    timeout : float or None
        Per-call time limit in seconds (:data:`CALL_TIMEOUT_SECONDS`).
    """

    module: types.ModuleType
    label: str = ""
    strict_dtype: bool = False
    show_output: bool = False
    timeout: float | None = CALL_TIMEOUT_SECONDS
    notes: list[Note] = field(default_factory=list)

    def __post_init__(self):
        self.label = self.label or self.module.__name__
        self._sinks: dict[str, _LineSink] = {}
        self._upcasts: set[str] = set()
        self._hung: dict[str, str] = {}

    # -- what the module provides --

    def function(self, family: Family, role: str) -> Callable | None:
        f = getattr(self.module, family.functions[role], None)
        return f if callable(f) else None

    def missing(self, family: Family, roles) -> list[str]:
        """Names of the functions for ``roles`` that the module does not provide."""
        return [family.functions[r] for r in roles if self.function(family, r) is None]

    def unavailable(self, family: Family, roles) -> str | None:
        """Why a check needing ``roles`` is skipped (``"<label> does not provide f, g"``),
        or ``None`` when the module provides them all."""
        missing = self.missing(family, roles)
        return f"{self.label} does not provide {', '.join(missing)}" if missing else None

    def require(self, family: Family, *roles: str) -> None:
        """Raise :class:`PropertySkipped` unless the module provides every function of ``roles``."""
        reason = self.unavailable(family, roles)
        if reason:
            raise PropertySkipped(reason)

    # -- calling --

    def call(self, family: Family, role: str, *args, **kwargs):
        """Call the function for ``role``; whatever goes wrong becomes a :class:`PropertyFailure`."""
        name = family.functions[role]
        f = self.function(family, role)
        if f is None:
            raise PropertySkipped(self.unavailable(family, (role,)))
        if name in self._hung:
            raise PropertyFailure(self._hung[name])
        if role in ("cell_forward", "forward"):
            kwargs = {**family.kwargs, **kwargs}
        try:
            with self._output(name), _time_limit(self.timeout):
                return f(*args, **kwargs)
        except _CallTimeout:
            self._hung[name] = (
                f"{name} did not return within {self.timeout:g} s (the per-call limit) and is "
                f"not called again"
            )
            raise PropertyFailure(self._hung[name]) from None
        except Exception as exc:
            raise PropertyFailure(describe_exception(name, exc)) from exc
        except SystemExit as exc:
            raise PropertyFailure(f"{name} called exit({exc.code!r})") from None

    def _output(self, name: str):
        if self.show_output:
            return contextlib.nullcontext()
        sink = self._sinks.get(name)
        if sink is None:
            sink = self._sinks[name] = _LineSink()
        return _redirected(sink)

    # -- judging what came back --

    def check_dtype(self, function: str, what: str, actual: np.dtype, expected: np.dtype) -> None:
        """Apply the dtype policy to one returned array (see the module docstring)."""
        expected = np.dtype(expected)
        if actual == expected:
            return
        if (not self.strict_dtype and actual == np.float64 and expected == np.float32):
            self._upcasts.add(function)
            return
        if actual in _FLOATS and expected in _FLOATS:
            why = ("float32 for float64 inputs loses precision" if actual == np.float32
                   else "the input dtype must be preserved (strict dtype)")
        else:
            why = f"expected {expected.name}"
        raise PropertyFailure(
            f"{function} returned {what} of dtype {actual} for {expected.name} inputs ({why})"
        )

    def collected_notes(self) -> list[Note]:
        """The notes so far: import-time output, accepted upcasts, captured output."""
        out = list(self.notes)
        for function in sorted(self._upcasts):
            out.append(Note(function, "dtype",
                            f"{function} returns float64 for float32 inputs; its values were judged "
                            f"against the float64 truth at the float32 tolerance (--strict-dtype "
                            f"makes this a failure)"))
        for function, sink in self._sinks.items():
            if sink.total_lines():
                out.append(Note(function, "output",
                                f"{function} printed {sink.total_lines():,} line(s) (captured; "
                                f"--show-output lets it through)",
                                sink.total_lines(), sink.shown()))
        return out
