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
import __future__

import ast
import contextlib
import importlib
import importlib.util
import io
import linecache
import os
import re
import signal
import sys
import threading
import traceback
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .families import FAMILIES, Family

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
    # "dtype" (an upcast accepted), "output" (it printed), "import" (printed when loaded),
    # "cell" (a notebook cell, or lines of it, not run)
    kind: str
    message: str
    lines: int = 0
    first_lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"function": self.function, "kind": self.kind, "message": self.message,
                "lines": self.lines, "first_lines": list(self.first_lines)}



def merge_notes(notes) -> list[dict]:
    """Notes (as :meth:`Note.as_dict` gives them) gathered from several places (the
    tests of a pytest run, the worker processes of a check), once per function and
    kind: the one that counted the most printed lines, in the order first seen."""
    merged: dict = {}
    for note in notes:
        key = (note["function"], note["kind"])
        if key not in merged or note["lines"] > merged[key]["lines"]:
            merged[key] = note
    return list(merged.values())


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


# --- notebooks ----------------------------------------------------------------

#: Every function name of the API, of every family: what a notebook is loaded for.
_API_NAMES = frozenset(name for family in FAMILIES.values() for name in family.functions.values())

#: Cell magics whose body is Python that IPython runs: the body runs once, without
#: the magic's line. Any other ``%%`` cell (``%%bash``, ``%%writefile``, ``%%html``)
#: is not Python, or writes files, and is not run.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})

#: A line in IPython's own syntax: a line magic, a shell escape, help (``?np.dot``,
#: ``np.dot??``), or a magic's or a shell's output assigned (``files = !ls``).
_IPYTHON_LINE = re.compile(
    r"\s*(?:[%!]|\?{1,2}[\w.*]+\s*$|[\w.*]+\?{1,2}\s*$"
    r"|[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s*=\s*[%!])"
)

#: The course's test helpers: ``rnn_cell_forward_tests``, ``lstm_backward_test``...
_COURSE_HELPER = re.compile(r"\w+_tests?")

#: The lines of every notebook cell run, by the file name its code was compiled
#: with (``/path/to/my.ipynb, cell 5``), so that tracebacks show them.
_CELL_LINES: dict[str, list[str]] = {}

_CELL_SUFFIX = re.compile(r", cell \d+$")


def _remember_cell(filename: str, source: str) -> None:
    lines = [line + "\n" for line in source.split("\n")]
    _CELL_LINES[filename] = lines
    linecache.cache[filename] = (len(source), None, lines, filename)


def _recache_cells() -> None:
    """The notebook cells run so far back in :mod:`linecache`, if it was cleared since."""
    for filename, lines in _CELL_LINES.items():
        if filename not in linecache.cache:
            linecache.cache[filename] = (sum(map(len, lines)), None, lines, filename)


def _clip(text: str, width: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _read_notebook(path: Path, display: str):
    try:
        import nbformat
    except ImportError:
        raise ImplementationError(f"cannot load the notebook {display}: reading notebooks needs "
                                  f"nbformat (pip install nbformat)") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. the cell ids an older notebook lacks
            notebook = nbformat.read(path, as_version=4)
    except Exception as exc:  # not JSON, not a notebook, a newer format...
        raise ImplementationError(f"cannot read the notebook {display}: "
                                  f"{type(exc).__name__}: {_clip(str(exc), 200)}") from exc
    metadata = notebook.get("metadata", {})
    language = (metadata.get("kernelspec", {}).get("language")
                or metadata.get("language_info", {}).get("name"))
    if language and language.lower() != "python":
        raise ImplementationError(f"the notebook {display} is written in {language}, not Python")
    return notebook


def _cell_magic(lines: list[str]) -> tuple[int, str] | None:
    """``(index, name)`` of the cell magic (``%%time``) opening a cell, if any."""
    for i, line in enumerate(lines):
        if line.strip():
            match = re.match(r"\s*%%(\w+)", line)
            return (i, match.group(1)) if match else None
    return None


def _parse_cell(source: str, filename: str) -> tuple[ast.Module, list[tuple[int, str]]]:
    """A cell's code parsed, with each line in IPython's syntax replaced by ``pass``.

    Only lines that Python rejects are replaced (a docstring holding a ``%`` or a
    ``?`` is left alone), one for one so that line numbers hold. Returns the tree
    and the ``(line number, text)`` of the lines replaced.

    Raises
    ------
    SyntaxError
        For a line that Python rejects and is not IPython's.
    """
    lines = source.split("\n")
    replaced = []
    while True:
        try:
            return ast.parse("\n".join(lines), filename), sorted(replaced)
        except SyntaxError as exc:
            i = (exc.lineno or 0) - 1
            if not 0 <= i < len(lines) or not _IPYTHON_LINE.match(lines[i]):
                raise
            replaced.append((i + 1, lines[i].strip()))
            lines[i] = lines[i][: len(lines[i]) - len(lines[i].lstrip())] + "pass"


def _bound_names(statements: list[ast.stmt]) -> set[str]:
    """The module-level names that ``statements`` bind (not those local to a function)."""
    names: set[str] = set()
    todo: list[ast.AST] = list(statements)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias) and node.name != "*":
            names.add((node.asname or node.name).partition(".")[0])
        todo.extend(ast.iter_child_nodes(node))
    return names


def _course_file_missing(statement: ast.stmt, exc: BaseException, not_run: set[str]) -> str | None:
    """Why ``exc`` only shows that a file of the course is missing: ``""`` when the error
    says it all, ``None`` when it is not that."""
    if isinstance(exc, ModuleNotFoundError) and isinstance(statement, (ast.Import, ast.ImportFrom)):
        return ""
    name = getattr(exc, "name", None) if isinstance(exc, NameError) else None
    if name in not_run:
        return " (it is defined by a line not run)"
    if name and _COURSE_HELPER.fullmatch(name):
        return " (a test helper of the course)"
    return None


def _error_text(exc: BaseException, filename: str, statement: ast.stmt) -> str:
    """``Type: message``, and where in the user's code when that is not ``statement`` itself
    (``cell M, line N: code`` in the same notebook)."""
    text = f"{type(exc).__name__}: {_clip(str(exc), 200)}"
    frame = _innermost_user_frame(exc)
    if frame is None or (frame.filename == filename
                         and statement.lineno <= (frame.lineno or 0) <= statement.end_lineno):
        return text
    where = _user_frame(exc)
    notebook = _CELL_SUFFIX.sub("", filename)
    if _CELL_SUFFIX.sub("", frame.filename) == notebook:
        where = where[len(_file_and_cell(frame.filename)[0]) + 2:]
    return f"{text} ({where})"


def _run_notebook(path: Path, namespace: dict, notes: list[Note]) -> None:
    """Run the code cells of the notebook at ``path`` in order into ``namespace``.

    Cell ``N`` counts every cell from the top, markdown included, and its code is
    compiled as the file ``"<notebook>, cell N"``, so that errors read ``(my.ipynb, cell 5, line 3: a_next = ...)``. A
    notebook needs the course's files beside it only to run its own tests, so:

    * IPython's own syntax is not run: a line that Python rejects and that is a
      line magic (``%matplotlib inline``), a shell escape (``!pip install``), help
      (``np.dot?``) or ``x = !ls`` is replaced by ``pass``. A cell opened by
      ``%%time``, ``%%timeit``, ``%%capture`` or ``%%prun`` runs its body once;
      any other cell magic (``%%bash``, ``%%writefile``) is not Python, or writes
      files, and the cell is not run.
    * A cell runs one top-level statement at a time. A statement that fails only
      because a course file is missing is skipped and the cell goes on: an
      ``import`` raising ``ModuleNotFoundError`` (``from public_tests import *``),
      and a ``NameError`` for a name ending in ``_test``/``_tests`` (the course's
      ``rnn_cell_forward_tests(rnn_cell_forward)``) or for a name that a
      statement not run would have defined.
    * Any other exception stops the cell, as in Jupyter. If the rest of the cell
      (the failing statement included) would have defined one of the API's
      functions, the loading fails with an :class:`ImplementationError` naming the
      cell, line and error: that function would otherwise be missing, or be an
      earlier cell's version, and the report would judge code other than the
      notebook's last word. Otherwise (a student's own test, a print, a plot
      failing) the rest of the cell is skipped: the functions are defined, and
      the harness tests them more thoroughly than that cell did.

    Each cell not run in full adds a :class:`Note` of kind ``"cell"`` to
    ``notes``, saying which lines and why.
    """
    display = _display_path(path)
    not_run: set[str] = set()  # names that lines not run would have defined
    flags = 0  # the notebook's `from __future__ import ...`, in force from then on, as in Jupyter
    partial: list[str] = []  # "cell 3 (NameError)", for the error of a notebook without the API
    cells = [(n, c.source) for n, c in enumerate(_read_notebook(path, display).cells, 1)
             if c.cell_type == "code" and c.source.strip()]
    for number, source in cells:
        filename = f"{path}, cell {number}"
        _remember_cell(filename, source)
        lines = source.split("\n")
        cell = f"cell {number} (`{_clip(next(x for x in lines if x.strip()), 50)}`)"
        where = f"{display}, {cell}"
        skipped: list[str] = []

        def note(text: str, number: int = number, cell: str = cell) -> None:
            notes.append(Note(f"{display}, cell {number}", "cell", f"{path.name}, {cell}: {text}"))

        magic = _cell_magic(lines)
        if magic and magic[1] not in _PYTHON_CELL_MAGICS:
            note(f"not run: a %%{magic[1]} cell is not Python")
            partial.append(f"cell {number} (%%{magic[1]})")
            continue
        if magic:  # the body runs once, as plain Python
            lines[magic[0]] = ""
        try:
            tree, ipython = _parse_cell("\n".join(lines), filename)
        except SyntaxError as exc:
            error = f"SyntaxError: {exc.msg} (line {exc.lineno}: {(exc.text or '').strip()})"
            defs = re.findall(r"^\s*def\s+(\w+)", source, re.MULTILINE)
            defined = sorted(_API_NAMES.intersection(defs))
            if defined:
                raise ImplementationError(f"{where} defines {', '.join(defined)} but is not valid "
                                          f"Python: {error}") from None
            note(f"not run: {error}")
            partial.append(f"cell {number} (SyntaxError)")
            continue
        if magic:
            ipython.insert(0, (magic[0] + 1, f"%%{magic[1]}"))
        if ipython:
            skipped.append("IPython syntax not run: " + ", ".join(f"line {n} `{_clip(text, 50)}`"
                                                           for n, text in ipython))
        for index, statement in enumerate(tree.body):
            try:
                code = compile(ast.Module([statement], []), filename, "exec", flags=flags,
                               dont_inherit=True)
                exec(code, namespace)  # noqa: S102 -- running the user's notebook is the point
                if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
                    for alias in statement.names:
                        flags |= getattr(__future__, alias.name).compiler_flag
            except (Exception, SystemExit) as exc:
                text = _error_text(exc, filename, statement)
                why = _course_file_missing(statement, exc, not_run)
                if why is not None:
                    not_run |= _bound_names([statement])
                    skipped.append(f"line {statement.lineno} "
                                   f"`{_clip(lines[statement.lineno - 1], 50)}` not run: {text}{why}")
                    continue
                rest = tree.body[index:]
                undefined = sorted(_bound_names(rest) & _API_NAMES)
                if undefined:
                    raise ImplementationError(
                        f"{where} raised {text} at line {statement.lineno}, before it defined "
                        f"{', '.join(undefined)}; fix the cell: a function that is not defined "
                        f"cannot be checked"
                    ) from exc
                not_run |= _bound_names(rest)
                skipped.append(f"not run from line {statement.lineno} on: {text}")
                partial.append(f"cell {number} ({type(exc).__name__})")
                break
        if skipped:
            note("; ".join(skipped))
    if not any(callable(namespace.get(name)) for name in _API_NAMES):
        rnn = FAMILIES["rnn"].functions
        others = sorted({f.functions["cell_forward"].removesuffix("cell_forward")
                         for f in FAMILIES.values()} - {"rnn_"})
        found = (f"{len(cells)} code cell(s)" + (f"; not run in full: {', '.join(partial)}"
                                                 if partial else ""))
        raise ImplementationError(
            f"the notebook {display} defines none of the API's functions "
            f"({', '.join(rnn[r] for r in ('cell_forward', 'forward', 'cell_backward', 'backward'))}, "
            f"or the {', '.join(others)} ones): nothing to check ({found})"
        )


def load_implementation(spec: str | os.PathLike, *, capture: bool = True,
                        notes: list | None = None) -> types.ModuleType:
    """Import a module by dotted name or from a path to a ``.py`` file or a notebook.

    A file is loaded as Python runs a script: its own folder comes first on the
    import path while it loads, so ``from rnn_utils import *`` finds the helper
    beside it. What the module prints while loading is captured (unless
    ``capture`` is false) and, when ``notes`` is given, appended to it as a
    :class:`Note`.

    A Jupyter notebook (``.ipynb``, read with nbformat and never written) is
    loaded the same way, its code cells run in order into one fresh module whose
    ``__file__`` is the notebook; cells that fail only for the course's missing
    files are skipped (the rules: :func:`_run_notebook`).

    Each cell not run in full adds a note of kind ``"cell"`` saying which lines
    and why.

    Raises
    ------
    ImplementationError
        If nothing can be imported from ``spec``; the message names the missing
        module, the file and line that imported it, and the folders searched.
        For a notebook: if it cannot be read, if a cell that defines a function
        of the API fails (or is not valid Python) before defining it, or if it
        defines no function of the API at all.
    """
    spec = os.fspath(spec)
    path = Path(spec)
    sink = _LineSink()
    searched: list[str] = []
    cwd = Path.cwd()
    quiet = _redirected(sink) if capture else contextlib.nullcontext()
    cell_notes: list[Note] = []
    notebook = path.suffix == ".ipynb"
    try:
        if notebook or spec.endswith(".py") or path.is_file():
            if not path.is_file():
                raise ImplementationError(f"no such file: {spec}")
            resolved = path.resolve()
            name = f"_rnn_impl_{path.stem}_{abs(hash(str(resolved)))}"
            if notebook:
                module = types.ModuleType(name, f"The code cells of {path.name}.")
                module.__file__ = str(resolved)
                def run():
                    _run_notebook(resolved, module.__dict__, cell_notes)
            else:
                module_spec = importlib.util.spec_from_file_location(name, path)
                module = importlib.util.module_from_spec(module_spec)
                def run():
                    module_spec.loader.exec_module(module)
            sys.modules[name] = module
            searched = [_display_path(resolved.parent), f"the working directory ({cwd})"]
            try:
                with _import_path(resolved.parent, cwd, fresh_helpers=True), quiet:
                    run()
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
    if notes is not None:
        notes.extend(cell_notes)
    if notes is not None and sink.total_lines():
        notes.append(Note(_display_path(spec) if path.suffix in (".py", ".ipynb") else spec, "import",
                          f"printed {sink.total_lines()} line(s) while "
                          f"{'its cells ran' if notebook else 'it was imported'}",
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
    _recache_cells()
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _is_user_file(f.filename)]
    return frames[-1] if frames else None


def _file_and_cell(filename: str) -> tuple[str, str]:
    """A frame's file for people, and ``"cell N, "`` when it is a notebook's cell."""
    if filename in _CELL_LINES:
        cell = _CELL_SUFFIX.search(filename)
        return _display_path(filename[: cell.start()]), cell.group()[2:] + ", "
    return _display_path(filename), ""


def _user_frame(exc: BaseException) -> str:
    """``file, line N: code`` (``file, cell M, line N: code`` in a notebook) of the innermost
    frame of the user's code in ``exc``'s traceback."""
    f = _innermost_user_frame(exc)
    if f is None:
        return ""
    code = f": {f.line.strip()}" if f.line and f.line.strip() else ""
    file, cell = _file_and_cell(f.filename)
    return f"{file}, {cell}line {f.lineno}{code}"


def describe_exception(function: str, exc: BaseException) -> str:
    """What the user's ``function`` did wrong, with the file and line where it happened."""
    if isinstance(exc, NameError) and getattr(exc, "name", None):
        f = _innermost_user_frame(exc)
        file, cell = _file_and_cell(f.filename) if f else ("its module", "")
        text = f"{function} uses {exc.name!r}, which is not defined in {file}"
        if f:
            text += f" ({cell}line {f.lineno}: {(f.line or '').strip()})"
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
    #: How the notes name the options: ``--`` for ``rnn-verify``, ``--rnn-`` for pytest.
    option_prefix: str = "--"

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
                            f"against the float64 truth at the float32 tolerance "
                            f"({self.option_prefix}strict-dtype makes this a failure)"))
        for function, sink in self._sinks.items():
            if sink.total_lines():
                out.append(Note(function, "output",
                                f"{function} printed {sink.total_lines():,} line(s) (captured; "
                                f"{self.option_prefix}show-output lets it through)",
                                sink.total_lines(), sink.shown()))
        return out
