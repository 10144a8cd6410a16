"""Worker processes of :func:`reference.check` with ``jobs > 1``.

The work is cut into *units*: the properties of one family and dtype, which
share one stream of cases (:func:`reference.runner.search_together`), or a
part of them when there are too few families and dtypes to keep every worker
busy (:func:`units`). Every worker has its *home* units: the families are
dealt to the workers, the costliest first (:func:`homes`), and a worker's home
is its families' float64 units, then their float32 units. A :class:`Pool` of
``jobs`` fresh ``python -m reference._worker FOLDER INDEX WORKERS CALLER``
processes share the units through a folder. They are started first: each
imports the harness and JAX (about a second) while the caller loads the
implementation and writes the ``task`` (``rnn-verify`` starts them before it
imports NumPy). A worker takes a unit by creating ``claim-U`` exclusively
(so no unit runs twice), checks it, and writes ``done-U`` (the result entries
and the worker's notes so far). It works through its home from the front,
then takes the other workers' remaining units from the back: a slow family
never leaves a core idle, and one family checked alone uses every core. A
worker that ends early (the implementation ended its process or crashed in C
code) fails the checks it was running, and is replaced while units nobody has
taken remain.

Both dtypes of a family run the same oracle programs (the oracle computes in
float64), and a program is compiled by the first worker that needs it. As a
worker compiles only its own families' programs until it has finished them,
and takes another's units from the back (float32 units, long after the owner
compiled them), a run on a cold cache compiles few programs twice: they are in
the persistent compilation cache by then. A family checked alone on a cold
cache is compiled by two workers at once (no slower than by one).

Workers are fresh interpreters, so nothing of the caller's program (its
``__main__``, its threads) is copied or re-run. A worker prints nothing of its
own; what the implementation prints is captured, unless ``show_output``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
import time

__all__ = ["Pool", "claim_order", "homes", "property_cost", "run_in_workers", "units"]

#: How often the caller looks for finished units (for the progress display).
POLL_SECONDS = 0.05

#: How often a started worker looks for its task (it has imported everything by then).
TASK_POLL_SECONDS = 0.005

#: Fewest units per worker: with fewer (one family, one dtype) a family's
#: properties are split, so that no worker waits while another ends its last unit.
UNITS_PER_WORKER = 2


def units(families, properties, dtypes, workers: int,
          cost=lambda family, prop, dtype: 1.0) -> list[tuple[str, str, tuple]]:
    """The units ``(family, dtype, properties)``: each family and dtype's properties,
    split into parts when there would be fewer than :data:`UNITS_PER_WORKER` units
    per worker. ``cost(family, prop, dtype)`` is a property's expected time (0 when it
    is skipped); the parts are filled costliest first, each property into the part
    with the least so far, and keep the report's order of properties."""
    groups = len(families) * len(dtypes)
    parts = max(1, min(len(properties), -(-UNITS_PER_WORKER * workers // groups)))
    out = []
    for f in families:
        for d in dtypes:
            loads, members = [0.0] * parts, [set() for _ in range(parts)]
            for prop in sorted(properties, key=lambda p: -cost(f, p, d)):
                k = loads.index(min(loads))
                members[k].add(prop)
                loads[k] += cost(f, prop, d)
            out += [(f, d, tuple(p for p in properties if p in m)) for m in members if m]
    return out


def property_cost(implementation):
    """``cost`` for :func:`units`: :data:`~reference.selection.PROPERTY_COST`, or 0 for a
    property that will be skipped (its dtype, or a function the module lacks)."""
    from .families import get_family
    from .selection import PROPERTY_COST, skip_reason

    def cost(family: str, prop: str, dtype: str) -> float:
        if skip_reason(prop, implementation, get_family(family), dtype):
            return 0.0
        return float(PROPERTY_COST[prop])

    return cost


def homes(units_, workers: int) -> list[list[tuple[str, str, tuple]]]:
    """Each worker's home units, in the order it takes them, float64 before float32.

    With at least as many families as workers, the families are dealt
    round-robin, the costliest first (the plain RNN last): a worker compiles
    only its own families' programs until it has finished them. With fewer, the
    units themselves are dealt back and forth, so that every worker gets a share of
    each dtype (a float64 unit costs more than a float32 one: longer sequences).
    """
    order = sorted({d for _, d, _ in units_}, key=lambda d: (d != "float64", d))
    by_dtype = [u for d in order for u in units_ if u[1] == d]
    families = list(dict.fromkeys(f for f, _, _ in units_))
    if len(families) < workers:
        # Dealt back and forth (0, 1, 1, 0, ...): :func:`units` puts each dtype's
        # costliest property in its first part, so dealing in one direction would
        # give the first worker every dtype's heavier part.
        dealt = [[] for _ in range(workers)]
        for i, unit in enumerate(by_dtype):
            turn, k = divmod(i, workers)
            dealt[k if turn % 2 == 0 else workers - 1 - k].append(unit)
        return dealt
    by_cost = sorted(families, key=lambda f: f == "rnn")
    return [[u for d in order for f in by_cost[i::workers] for u in by_dtype
             if u[:2] == (f, d)] for i in range(workers)]


def claim_order(homes_, index: int) -> list[tuple[str, str, tuple]]:
    """Worker ``index``'s order of taking units: its home from the front, then every
    other worker's home from the back."""
    others = [list(reversed(homes_[(index + k) % len(homes_)])) for k in range(1, len(homes_))]
    return homes_[index] + [u for home in others for u in home]


class Pool:
    """``workers`` fresh worker processes and the folder they share, started before
    the work is known: each imports the harness (and JAX) while the caller loads the
    implementation and plans the units, then waits for the ``task`` file.

    ``rnn-verify`` starts its pool before it imports anything heavy itself; a pool
    that is never given a task (the implementation did not load) is ended by
    :meth:`close`, and a worker whose caller has gone ends by itself.
    """

    def __init__(self, workers: int, show_output: bool):
        self.workers = workers
        self.show_output = show_output
        self.folder = tempfile.mkdtemp(prefix="rnn-gradcheck-")
        self.procs: list[subprocess.Popen] = []
        for _ in range(workers):
            self.spawn()

    def spawn(self) -> subprocess.Popen:
        """One more worker (a replacement has an index past :attr:`workers`)."""
        index = len(self.procs)
        with open(os.path.join(self.folder, f"stderr-{index}"), "wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "reference._worker", self.folder, str(index),
                 str(self.workers), str(os.getpid())],
                stdout=None if self.show_output else subprocess.DEVNULL,
                stderr=None if self.show_output else err)
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        """End the workers still running (none, after a task) and remove the folder."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_in_workers(spec, workers, families, properties, dtypes, examples, seed, strict_dtype,
                   show_output, implementation, progress, pool: Pool | None = None):
    """Every unit's checks in ``workers`` processes (those of ``pool``, if given,
    whose size then decides): the result entries in the order of a serial run
    (family, property, dtype), and the notes of the import and of all workers, merged."""
    from .implementation import Note, merge_notes

    checks = len(families) * len(properties) * len(dtypes)
    if pool is None:
        with Pool(max(1, min(workers, checks)), show_output) as pool:
            return run_in_workers(spec, workers, families, properties, dtypes, examples, seed,
                                  strict_dtype, show_output, implementation, progress, pool)
    workers, folder, procs = pool.workers, pool.folder, pool.procs
    plan = units(families, properties, dtypes, workers, property_cost(implementation))
    if progress:
        progress.begin(checks)
    _write(os.path.join(folder, "task"), {
        "spec": spec, "units": plan, "homes": homes(plan, workers),
        "examples": examples, "seed": seed, "strict_dtype": strict_dtype,
        "show_output": show_output})

    done: dict[int, dict] = {}
    split: set[int] = set()  # units a worker ended in, handed out again property by property
    handled: set[int] = set()
    while True:
        for u, (_, _, props) in enumerate(plan):
            if u not in done and os.path.exists(os.path.join(folder, f"done-{u}")):
                done[u] = _read(os.path.join(folder, f"done-{u}"))
                if progress:
                    progress.advance_overall(len(props))
        # A worker that ended early (the implementation ended its process or
        # crashed in C code) is replaced while units nobody took remain (at most
        # one replacement per unit, so workers that die at start-up end the run).
        # The unit it ended in is handed out again one property at a time, so
        # that only the properties that end a process fail.
        for index, proc in enumerate(procs):
            if index in handled or proc.poll() in (None, 0):
                continue
            handled.add(index)
            u = _held(folder, index, len(plan))
            if u is not None and len(plan[u][2]) > 1:
                family, dtype, props = plan[u]
                split.add(u)
                plan += [(family, dtype, (prop,)) for prop in props]
                _write(os.path.join(folder, "task"), {**_read(os.path.join(folder, "task")),
                                                      "units": plan, "homes": homes(plan, workers)})
            if len(procs) < workers + len(plan) and any(
                    not os.path.exists(os.path.join(folder, f"claim-{u}"))
                    for u in range(len(plan))):
                pool.spawn()
        if len(done) + len(split) == len(plan) or all(p.poll() is not None for p in procs):
            break
        time.sleep(POLL_SECONDS)
    for proc in procs:  # a worker ends as soon as it has written its last unit
        proc.wait()
    entries, worker_notes = {}, []
    for u, (family, dtype, props) in enumerate(plan):
        if u in done:
            results = done[u]["results"]
            worker_notes += done[u]["notes"]
        elif u in split:
            continue
        else:
            why = _death(folder, procs, u, plan)
            results = [_died(family, prop, dtype, why) for prop in props]
        entries.update(((r["family"], r["property"], r["dtype"]), r) for r in results)
    notes = merge_notes([n.as_dict() for n in implementation.notes] + worker_notes)
    results = [entries[f, p, d] for f in families for p in properties for d in dtypes]
    return results, [Note(**n) for n in notes]


def _held(folder: str, index: int, count: int) -> int | None:
    """The unit worker ``index`` had claimed and not finished when it ended, if any."""
    for u in range(count):
        claim = os.path.join(folder, f"claim-{u}")
        if os.path.exists(claim) and not os.path.exists(os.path.join(folder, f"done-{u}")):
            with open(claim) as f:
                if f.read() == str(index):
                    return u
    return None


def _death(folder: str, procs, unit: int, plan) -> str:
    """Why ``unit`` has no result: its worker ended (or no worker was left to take it)."""
    claim = os.path.join(folder, f"claim-{unit}")
    if not os.path.exists(claim):
        return ("every worker process ended before this check started; the implementation "
                "may have ended its process (os._exit) or crashed")
    with open(claim) as f:
        index = int(f.read() or -1)
    if index < 0:  # ended between creating its claim and writing its number in it
        return ("a worker process ended as it took this check; the implementation may have "
                "ended its process (os._exit) or crashed")
    with open(os.path.join(folder, f"stderr-{index}"), "rb") as f:
        last = f.read().decode(errors="replace").strip().splitlines()[-1:]
    family, dtype, props = plan[unit]
    return (f"the worker process checking {', '.join(props)} of {family} in {dtype} ended with "
            f"exit status {procs[index].returncode} before reporting"
            f"{f' ({last[0]})' if last else ''}; the implementation may have ended its process "
            "(os._exit) or crashed")


def _died(family: str, prop: str, dtype: str, message: str) -> dict:
    return {"family": family, "property": prop, "dtype": dtype, "status": "failed",
            "examples": 0, "seconds": 0.0, "message": message, "minimal_case": None,
            "examples_to_failure": None, "keys": [], "failing": [], "diagnosis": []}


def _write(path: str, obj) -> None:
    """Write atomically: the caller never reads half a file."""
    with open(path + ".part", "wb") as f:
        pickle.dump(obj, f)
    os.replace(path + ".part", path)


def _read(path: str):
    with open(path, "rb") as f:
        return pickle.load(f)


def _claim(folder: str, unit: int, index: int) -> bool:
    try:
        fd = os.open(os.path.join(folder, f"claim-{unit}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.write(fd, str(index).encode())
    os.close(fd)
    return True


def main(folder: str, index: str, workers: str, caller: str) -> None:
    """Worker ``index`` of ``workers`` (a replacement has an index past them), started
    by process ``caller``: import the harness, wait for the task, take units until
    none is left."""
    from . import compilation_cache, diagnose, runner  # noqa: F401 - the harness and JAX, now
    from .api import _implementation
    from .report import run

    compilation_cache.enable()
    path = os.path.join(folder, "task")
    while not os.path.exists(path):
        if os.getppid() != int(caller):  # the caller has gone without a task
            shutil.rmtree(folder, ignore_errors=True)
            os._exit(0)
        time.sleep(TASK_POLL_SECONDS)
    task = _read(path)
    implementation, _ = _implementation(task["spec"], strict_dtype=task["strict_dtype"],
                                        show_output=task["show_output"])
    implementation.notes.clear()  # the import's own notes come from the caller
    number = {unit: u for u, unit in enumerate(task["units"])}
    for unit in claim_order(task["homes"], int(index) % int(workers)):
        if not _claim(folder, number[unit], int(index)):
            continue
        family, dtype, props = unit
        results = run(implementation, [family], list(props), [dtype], task["examples"],
                      task["seed"])
        notes = [n.as_dict() for n in implementation.collected_notes()]
        _write(os.path.join(folder, f"done-{number[unit]}"), {"results": results, "notes": notes})
    # Nothing is left to say: skip the interpreter's teardown (JAX's takes a few
    # tenths of a second), which the caller would otherwise wait for.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(*sys.argv[1:5])
