"""Time to verdict of ``rnn-verify``: this tree against the code before the work on it.

Whole processes are timed (``time.perf_counter()`` around ``subprocess.run``, so
interpreter start-up and imports count), every run must exit with status 0, and
all runs of one invocation are interleaved: each round runs every column once,
in an order rotated by one per round, and the median of ``--rounds`` rounds is
printed (these machines are shared; a single run moves by 20 %).

The columns:

* ``before``: commit ``--before`` (default ``50a408a``), materialised with
  ``git archive`` into a temporary folder and run from there as
  ``python -m reference.verify`` (``PYTHONPATH`` and the working directory are
  that folder, so its ``reference`` and ``manual_rnn`` are the ones imported; a
  probe prints ``reference.__file__`` to show it). It has no persistent
  compilation cache: it compiles every program in every run.
* ``after, cold``: the working tree, with ``RNN_GRADCHECK_CACHE_DIR`` a fresh
  empty folder for every run (a first run on a new machine).
* ``after, warm``: the working tree, with one shared cache folder filled by an
  untimed run before the rounds.

Three measurements, against the targets of the time-to-verdict work:

1. ``rnn-verify --impl manual_rnn --examples 20 --no-progress`` (``make verify``'s
   settings): after warm / before (target <= 0.2x), after cold / before (<= 0.5x).
2. ``rnn-verify --impl tests/corpus/seed_rnn_fixed.py --families rnn`` (one
   family's module, default settings), after warm: <= 3 s, start-up included.
   These shared hosts' speed swings by up to 2x from hour to hour, so the time
   is also shown scaled to the speed of the day the targets were set (each
   round's time over that round's before verdict run, which took 33 s then).
3. Sustained rate: ``rnn-verify --impl manual_rnn --examples N`` at two lengths;
   verified examples/s = (examples_long - examples_short) / (t_long - t_short),
   the counts from the JSON report's ``summary.examples``: after warm >= 500/s,
   and the same for the before code.

``CI``, ``HYPOTHESIS_PROFILE``, ``JAX_COMPILATION_CACHE_DIR`` and
``PYTHONDONTWRITEBYTECODE`` are unset for every run (the untimed warm-up runs
write both trees' bytecode, as a user's first run does). The default run takes
tens of minutes (mostly the before code's long runs); ``--quick`` is a smoke
run of a minute or two (its figures are not measurements).

``--suite`` instead times the test suite, ``python -m pytest -n 2 -q`` with
``CI=true`` (``make test``), of the before tree against this one, interleaved,
each run on empty compilation caches (as on CI; with ``--warm``, each tree keeps
its cache folder, filled by one untimed run, as a developer's next run does;
the before tree's ``tests/conftest.py`` already kept its compiled programs, in
the folder ``JAX_COMPILATION_CACHE_DIR`` names, which is set for it here):
target this tree <= 0.7x. The
before tree runs from its folder with its own ``pyproject.toml`` and
``conftest.py``, and with this tree's pytest plugin switched off
(``PYTEST_ADDOPTS=-p no:rnn_gradcheck``, which reaches the pytest processes
its tests start too: the installed package is this tree's).

``--profile`` instead runs one after-warm and one after-cold verdict run under
``python -X importtime -m cProfile`` and prints where the seconds go. It is
approximate: the profiler slows Python-heavy parts (imports, Hypothesis) more
than XLA's compiler, and the groups come from cumulative times of a few anchor
functions and of the calls into a package (see :func:`profile_groups`).

    python benchmarks/bench_verdict.py [--rounds 3] [--examples-verdict 20] [--long 500] [--short 100]
    python benchmarks/bench_verdict.py --quick
    python benchmarks/bench_verdict.py --profile
    python benchmarks/bench_verdict.py --suite [--rounds 3] [--warm]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BEFORE = "50a408a"
ONE_FAMILY_MODULE = REPO / "tests" / "corpus" / "seed_rnn_fixed.py"
# PYTHONDONTWRITEBYTECODE (set on these machines, rarely on a user's) would make
# every process of both trees compile the projects' own sources again.
UNSET = ("CI", "HYPOTHESIS_PROFILE", "JAX_COMPILATION_CACHE_DIR", "RNN_GRADCHECK_CACHE_DIR",
         "PYTHONDONTWRITEBYTECODE")
TARGETS = {"warm": 0.2, "cold": 0.5, "family_seconds": 3.0, "rate": 500.0, "suite": 0.7}
#: The before code's verdict run (``make verify``'s settings) when the targets were
#: set: 32-34 s. The same run takes 40-90 s on other hours of these shared hosts, so
#: an absolute target (one family's 3 s) is also shown at the speed of that day.
TARGETS_DAY_BEFORE_SECONDS = 33.0
IMPORTED = ("jax", "hypothesis", "rich", "reference", "manual_rnn")


# --- running the two trees ----------------------------------------------------------


class Tree:
    """One version of the code: where it runs from and with which cache."""

    def __init__(self, name: str, root: Path, cache: str | None):
        self.name, self.root, self.cache = name, root, cache

    def env(self, cache: str | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in UNSET}
        env["PYTHONPATH"] = str(self.root)
        cache = cache or self.cache
        if cache is not None:
            env["RNN_GRADCHECK_CACHE_DIR"] = cache
        return env


def run(tree: Tree, args: list[str], cache: str | None = None, python_flags=(), module="reference.verify"):
    """Run ``python -m reference.verify ARGS`` in ``tree``; return (seconds, stdout, stderr)."""
    cmd = [sys.executable, *python_flags, "-m", module, *args]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=tree.root, env=tree.env(cache), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        raise SystemExit(f"bench_verdict: {tree.name} exited with {proc.returncode}: "
                         f"{' '.join(cmd)}\n(cwd {tree.root})\n{tail}")
    return seconds, proc.stdout, proc.stderr


def probe(tree: Tree) -> str:
    """Where ``reference`` and ``manual_rnn`` are imported from in ``tree``'s runs."""
    code = "import reference, manual_rnn; print(reference.__file__); print(manual_rnn.__file__)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=tree.root, env=tree.env(),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"bench_verdict: probe failed in {tree.root}:\n{proc.stderr}")
    paths = [Path(p) for p in proc.stdout.split()]
    for p in paths:
        if tree.root.resolve() not in p.resolve().parents:
            raise SystemExit(f"bench_verdict: {tree.name} imports {p}, not from {tree.root}")
    return ", ".join(map(str, paths))


def materialise(rev: str, into: Path) -> Path:
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


# --- the header ----------------------------------------------------------------------


def git(*args) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def header(before_rev: str) -> None:
    head = git("rev-parse", "--short", "HEAD")
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("jax", "jaxlib", "hypothesis", "numpy"))
    print(f"date     {_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC")
    print(f"machine  {cpu}; os.cpu_count() = {os.cpu_count()}, usable cores {usable}; "
          f"{platform.system()} {platform.release()}")
    print(f"python   {sys.executable} ({platform.python_version()}); {versions}")
    print(f"after    working tree at {head}{dirty}")
    print(f"before   {git('rev-parse', '--short', before_rev)} "
          f"({git('log', '-1', '--format=%s', before_rev)})")


# --- the interleaved measurement --------------------------------------------------------


def examples_in(report: Path) -> int:
    return json.loads(report.read_text())["summary"]["examples"]


def measure(args, before: Tree, after: Tree, scratch: Path) -> None:
    quick = ["--families", "rnn"] if args.quick else []
    verdict = ["--impl", "manual_rnn", "--examples", str(args.examples_verdict), "--no-progress", *quick]
    family = ["--impl", str(ONE_FAMILY_MODULE.relative_to(REPO)), "--families", "rnn"]
    if args.quick:
        family += ["--examples", str(args.examples_verdict)]

    def rate_args(n):
        return ["--impl", "manual_rnn", "--examples", str(n), "--no-progress", *quick]

    reports = iter(range(10**6))

    def timed(tree, command, cold=False, report=False):
        def job():
            cache = tempfile.mkdtemp(prefix="cold-cache-", dir=scratch) if cold else None
            path = scratch / f"report-{next(reports)}.json"
            try:
                seconds = run(tree, [*command, "--json", str(path)] if report else command, cache)[0]
            finally:
                if cold:
                    shutil.rmtree(cache, ignore_errors=True)
            return seconds, examples_in(path) if report else None
        return job

    L, S = args.long, args.short
    columns = {  # name: (command, job)
        "before": (verdict, timed(before, verdict)),
        "after, cold": (verdict, timed(after, verdict, cold=True)),
        "after, warm": (verdict, timed(after, verdict)),
        "one family, after, warm": (family, timed(after, family)),
        "after, warm, long": (rate_args(L), timed(after, rate_args(L), report=True)),
        "after, warm, short": (rate_args(S), timed(after, rate_args(S), report=True)),
        "before, long": (rate_args(L), timed(before, rate_args(L), report=True)),
        "before, short": (rate_args(S), timed(before, rate_args(S), report=True)),
    }

    print("\nwarm-up (untimed): the before tree once (writes its .pyc files); the after tree's "
          "warm cache filled by the long run and the one-family run", flush=True)
    run(before, ["--impl", "manual_rnn", "--examples", "1", "--families", "rnn", "--no-progress"])
    run(after, rate_args(L))
    run(after, family)

    names = list(columns)
    seconds = {k: [] for k in names}
    examples = {}
    for r in range(args.rounds):
        order = names[r % len(names):] + names[: r % len(names)]
        for name in order:
            s, n = columns[name][1]()
            seconds[name].append(s)
            if n is not None:
                examples.setdefault(name, set()).add(n)
        print(f"round {r + 1}/{args.rounds}, in this order: "
              + "; ".join(f"{k} {seconds[k][-1]:.1f} s" for k in order), flush=True)

    med = {k: statistics.median(v) for k, v in seconds.items()}
    print(f"\nmedian of {args.rounds} interleaved round(s); whole processes, start-up included")
    print(f"{'column':24} {'median':>9}  {'rounds (s)':20} rnn-verify arguments [summary.examples]")
    for k in names:
        rounds = " ".join(f"{s:.1f}" for s in seconds[k])
        counts = f" [{'/'.join(map(str, sorted(examples[k])))}]" if k in examples else ""
        print(f"{k:24} {med[k]:7.2f} s  {rounds:20} {' '.join(columns[k][0])}{counts}")

    def rate(tree):
        dn = statistics.median(examples[f"{tree}, long"]) - statistics.median(examples[f"{tree}, short"])
        dt = med[f"{tree}, long"] - med[f"{tree}, short"]
        return (dn / dt if dt > 0 else float("nan")), dn, dt

    def target(text, value, goal, ok):
        print(f"  {text:62} {value:>9}   target {goal:>8}   {'met' if ok else 'MISSED'}")

    warm, cold = med["after, warm"] / med["before"], med["after, cold"] / med["before"]
    fam = med["one family, after, warm"]
    after_rate, dn, dt = rate("after, warm")
    before_rate, bdn, bdt = rate("before")
    print("\nagainst the targets"
          + (" (--quick: settings far too small to measure anything)" if args.quick else ""))
    target(f"1. verdict, after warm / before ({med['after, warm']:.1f} s / {med['before']:.1f} s)",
           f"{warm:.2f}x", f"<= {TARGETS['warm']}x", warm <= TARGETS["warm"])
    target(f"1. verdict, after cold / before ({med['after, cold']:.1f} s / {med['before']:.1f} s)",
           f"{cold:.2f}x", f"<= {TARGETS['cold']}x", cold <= TARGETS["cold"])
    target("2. one family's module (rnn), after warm", f"{fam:.2f} s",
           f"<= {TARGETS['family_seconds']:g} s", fam <= TARGETS["family_seconds"])
    target(f"3. sustained rate, after warm ({dn:.0f} examples in {dt:.1f} s)",
           f"{after_rate:.0f}/s", f">= {TARGETS['rate']:g}/s", after_rate >= TARGETS["rate"])
    print(f"  {f'   sustained rate, before ({bdn:.0f} examples in {bdt:.1f} s)':62} {before_rate:>7.0f}/s"
          f"   after / before {after_rate / before_rate:.2f}x")
    if args.quick or args.examples_verdict != 20:  # not the run the 33 s were measured on
        return
    # The host's speed, from the before verdict run of the same round.
    scaled = statistics.median(
        f * TARGETS_DAY_BEFORE_SECONDS / b
        for f, b in zip(seconds["one family, after, warm"], seconds["before"]))
    print(f"\nhost speed: the before verdict run took {med['before']:.1f} s here, "
          f"{TARGETS_DAY_BEFORE_SECONDS:g} s when the targets were set;\n"
          f"  one family at that speed (each round's time x {TARGETS_DAY_BEFORE_SECONDS:g} s / "
          f"that round's before run, median): {scaled:.2f} s")


# --- the test suite ------------------------------------------------------------------


def make_test_args(tree: Tree) -> list[str]:
    """The pytest arguments of the tree's own ``make test`` recipe (``-n 2`` and its
    ``--dist``), so that each suite runs as its own ``make test`` does."""
    recipe = (tree.root / "Makefile").read_text().split("\ntest:", 1)[1].splitlines()[1]
    args = recipe.split("-m pytest", 1)[1].split()
    return [a for a in args if not a.startswith("$(")]


def suite(args, before: Tree, after: Tree, scratch: Path) -> None:
    """``make test`` (``pytest -n 2``, CI=true), before and after, interleaved: every
    run on empty caches (CI's first run), or with ``--warm`` on each tree's own cache
    folder kept from an untimed run before the rounds (a developer's next run)."""
    kept = {}

    def job(tree: Tree, addopts: str):
        def go(timed: bool = True) -> float:
            if args.warm:
                if tree.name not in kept:
                    kept[tree.name] = tempfile.mkdtemp(prefix="suite-cache-", dir=scratch)
                cache = kept[tree.name]
            else:
                cache = tempfile.mkdtemp(prefix="suite-cache-", dir=scratch)
                shutil.rmtree(tree.root / ".jax-cache", ignore_errors=True)  # the before tree's cache
            env = tree.env(cache)
            env.update(CI="true", JAX_COMPILATION_CACHE_DIR=str(Path(cache) / "jax"),
                       PYTEST_ADDOPTS=addopts)
            cmd = [sys.executable, "-m", "pytest", *make_test_args(tree), "-q", "-p", "no:cacheprovider"]
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, cwd=tree.root, env=env, capture_output=True, text=True)
            seconds = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time of every process the suite started and waited for (xdist
            # workers, the tests' own subprocesses): the work, less moved than the
            # wall time by the other machines sharing the host.
            cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
            if not args.warm:
                shutil.rmtree(cache, ignore_errors=True)
            last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
            if proc.returncode != 0:
                raise SystemExit(f"bench_verdict: the {tree.name} suite failed:\n"
                                 + "\n".join(proc.stdout.splitlines()[-30:]))
            print(f"  {tree.name}{'' if timed else ' (untimed, fills its cache)'}: "
                  f"{seconds:.1f} s, CPU {cpu:.0f} s ({last})", flush=True)
            return seconds, cpu
        return go

    # PYTEST_ADDOPTS reaches the pytest processes the before suite starts itself too
    columns = {"before": job(before, "-p no:rnn_gradcheck"), "after": job(after, "")}
    seconds = {k: [] for k in columns}
    cpu = {k: [] for k in columns}
    if args.warm:
        for go in columns.values():
            go(timed=False)
    for r in range(args.rounds):
        order = list(columns) if r % 2 == 0 else list(reversed(columns))
        print(f"round {r + 1}/{args.rounds}", flush=True)
        for name in order:
            wall, used = columns[name]()
            seconds[name].append(wall)
            cpu[name].append(used)
    med = {k: statistics.median(v) for k, v in seconds.items()}
    ratio = med["after"] / med["before"]
    per_round = [a / b for a, b in zip(seconds["after"], seconds["before"])]
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    caches = "each tree's cache kept from a run before" if args.warm else "empty caches"
    print(f"\nmake test (its own pytest arguments, CI=true, {caches}), median of "
          f"{args.rounds} round(s): before {med['before']:.1f} s, after {med['after']:.1f} s: "
          f"{ratio:.2f}x (target <= {TARGETS['suite']}x: "
          f"{'met' if ratio <= TARGETS['suite'] else 'MISSED'})")
    print(f"  per round: {', '.join(f'{x:.2f}x' for x in per_round)}")
    print(f"  CPU time, medians: before {cpu_med['before']:.0f} s, after {cpu_med['after']:.0f} s: "
          f"{cpu_med['after'] / cpu_med['before']:.2f}x")


# --- where the seconds go ---------------------------------------------------------------


def import_times(stderr: str) -> dict[str, float]:
    """Seconds of the top-level imports in ``-X importtime`` output, by root package."""
    out: dict[str, float] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        _, _, cumulative, name = (part for part in line.replace("import time:", "|", 1).split("|"))
        name = name[1:]
        if name.startswith(" "):
            continue  # imported by another import
        root = name.split(".")[0]
        out[root] = out.get(root, 0.0) + int(cumulative) / 1e6
    return out


def profile_groups(prof: Path, jax_names: dict) -> dict[str, float | None]:
    """Seconds per group from a cProfile dump of ``reference.verify``.

    * JAX: cumulative time of the anchors in ``jax_names`` (outermost calls).
    * Hypothesis: the cumulative time of its ``wrapped_test`` minus the test
      body. Hypothesis's wrappers take the body's label in pstats (they copy its
      code name), so the body is the calls from that label to code outside
      Hypothesis.
    * manual_rnn, oracle (``reference/oracle.py`` and ``reference/model.py``),
      rendering: calls into those files from outside them (not module import,
      not callbacks from JAX or from C built-ins). Oracle execution is the
      oracle's time less all JAX tracing, lowering and compiling, which only
      the oracle does.
    """
    stats = pstats.Stats(str(prof)).stats

    def in_dir(f, *parts):
        return any(f"{os.sep}{p}{os.sep}" in f[0] for p in parts)

    def into(inside, skip_caller=lambda c: False):
        total = 0.0
        for f, (_, _, _, _, callers) in stats.items():
            if f[2] == "<module>" or not inside(f):
                continue
            for c, (_, _, _, ct) in callers.items():
                if not inside(c) and c[0] != "~" and not skip_caller(c):
                    total += ct
        return total

    def cumulative(path_end, name):
        hits = [v[3] for f, v in stats.items() if f[0].endswith(path_end) and f[2] == name]
        return sum(hits) if hits else None

    g: dict[str, float | None] = {k: cumulative(*v) for k, v in jax_names.items()}
    hyp = lambda f: in_dir(f, "hypothesis")  # noqa: E731
    wrappers = {c for f, v in stats.items()
                if hyp(f) and f[2] == "wrapped_test" for c in v[4] if not hyp(c) and c[0] != "~"}
    body = sum(ct for f, v in stats.items() if not hyp(f)
               for c, (_, _, _, ct) in v[4].items() if c in wrappers)
    engine = cumulative(f"hypothesis{os.sep}core.py", "wrapped_test")
    g["hypothesis"] = engine - body if wrappers and engine is not None else None
    g["manual_rnn"] = manual = into(lambda f: in_dir(f, "manual_rnn"))
    oracle = into(lambda f: f[0].endswith(("reference/oracle.py", "reference/model.py")),
                  skip_caller=lambda c: in_dir(c, "jax", "jaxlib"))
    g["oracle"] = oracle - sum(g[k] or 0.0 for k in jax_names)
    g["render"] = into(lambda f: f[0].endswith("reference/render.py"))
    g["body_rest"] = body - manual - oracle
    return g


JAX_ANCHORS = {  # JAX 0.10's names; profile_groups reports None for one not found
    "trace": ("jax/_src/pjit.py", "_trace_for_jit"),
    "lower": ("jax/_src/interpreters/pxla.py", "lower_sharding_computation"),
    "compile": ("jax/_src/compiler.py", "compile_or_get_cached"),
}

ROWS = (
    ("imports", "imports of " + ", ".join(IMPORTED) + " (-X importtime, top level)"),
    ("trace", "JAX: tracing the oracle's programs (pjit._trace_for_jit)"),
    ("lower", "JAX: lowering to StableHLO (pxla.lower_sharding_computation)"),
    ("compile", "JAX: XLA compile or persistent-cache load (compiler.compile_or_get_cached)"),
    ("hypothesis", "Hypothesis: generation, engine (test body excluded)"),
    ("manual_rnn", "the implementation's own code (manual_rnn)"),
    ("oracle", "oracle execution (dispatch, run, copy to host)"),
    ("body_rest", "rest of the test body (comparisons, statistics, wrappers)"),
    ("render", "rendering (reference.render)"),
    ("other", "everything else (interpreter start-up, CLI, report, profile dump)"),
)


def profile(args, after: Tree, scratch: Path) -> None:
    quick = ["--families", "rnn"] if args.quick else []
    # --jobs 1: the checks run in the profiled process (workers would not be profiled)
    verdict = ["--impl", "manual_rnn", "--examples", str(args.examples_verdict), "--no-progress",
               "--jobs", "1", *quick]
    warm = str(scratch / "warm-cache")
    print(f"\nprofile of: rnn-verify {' '.join(verdict)}", flush=True)
    run(after, verdict, cache=warm)  # fills the warm cache, untimed
    results = {}
    for label in ("warm", "cold"):
        cache = warm if label == "warm" else tempfile.mkdtemp(prefix="cold-cache-", dir=scratch)
        prof = scratch / f"{label}.prof"
        wall, _, stderr = run(after, ["-o", str(prof), "-m", "reference.verify", *verdict], cache=cache,
                              python_flags=["-X", "importtime"], module="cProfile")
        imports = import_times(stderr)
        g = profile_groups(prof, JAX_ANCHORS)
        g["imports"] = sum(imports.get(k, 0.0) for k in IMPORTED)
        g["other"] = wall - sum(v or 0.0 for v in g.values())
        results[label] = (wall, g, imports)
        print(f"  after, {label}: {wall:.1f} s under the profiler", flush=True)

    print("\nwhere the seconds go (under cProfile, which slows Python-heavy code more than XLA)")
    print(f"{'':78} {'after, warm':>16} {'after, cold':>16}")
    for key, text in ROWS:
        cells = []
        for label in ("warm", "cold"):
            wall, g, _ = results[label]
            v = g.get(key)
            cells.append(f"{'n/a':>16}" if v is None else f"{v:7.2f} s {100 * v / wall:5.1f} %")
        print(f"{text:78} {cells[0]} {cells[1]}")
    print(f"{'total (wall time of the profiled process)':78} "
          + " ".join(f"{results[k][0]:7.2f} s {100:5.1f} %" for k in ("warm", "cold")))
    imports = results["warm"][2]
    top = sorted(imports.items(), key=lambda kv: -kv[1])[:8]
    print("\ntop-level imports, after warm (-X importtime, seconds): "
          + ", ".join(f"{k} {v:.2f}" for k, v in top))
    for label in ("warm", "cold"):
        missing = [k for k in JAX_ANCHORS if results[label][1][k] is None]
        if missing:
            print(f"note: {label}: JAX anchors not found in this JAX: {missing}")


# --- main ----------------------------------------------------------------------------


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed")
    ap.add_argument("--examples-verdict", type=int, default=20,
                    help="--examples of the verdict runs (default 20, make verify's)")
    ap.add_argument("--long", type=int, default=500, help="--examples of the long rate run")
    ap.add_argument("--short", type=int, default=100, help="--examples of the short rate run")
    ap.add_argument("--before", default=BEFORE, help=f"the before commit (default {BEFORE})")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 round, --examples 2, family rnn only (not a measurement)")
    ap.add_argument("--profile", action="store_true",
                    help="instead: profile one after-warm and one after-cold verdict run (--jobs 1)")
    ap.add_argument("--suite", action="store_true",
                    help="instead: time make test's pytest run, before against after, interleaved")
    ap.add_argument("--warm", action="store_true",
                    help="with --suite: keep each tree's compilation cache between its runs "
                         "(filled by one untimed run each) instead of emptying it")
    args = ap.parse_args(argv)
    if args.warm and not args.suite:
        ap.error("--warm goes with --suite")
    if args.quick:
        args.rounds, args.examples_verdict, args.long, args.short = 1, 2, 4, 2
    if args.long <= args.short:
        ap.error("--long must be larger than --short")

    header(args.before)
    with tempfile.TemporaryDirectory(prefix="bench-verdict-") as tmp:
        scratch = Path(tmp)
        after = Tree("after", REPO, cache=str(scratch / "warm-cache"))
        print(f"after    imports {probe(after)}")
        if args.profile:
            profile(args, after, scratch)
            return
        before = Tree("before", materialise(args.before, scratch / "before"), cache=None)
        print(f"before   imports {probe(before)}")
        if args.suite:
            suite(args, before, after, scratch)
            return
        measure(args, before, after, scratch)


if __name__ == "__main__":
    main()
