"""Run properties over many Hypothesis examples and keep what a report needs.

The pytest suite wraps each property in ``@given`` directly where a test
searches alone; this runner does the same for ``rnn-verify`` and for tests
that must *find* a failure (the fault catalog): :func:`search` drives one
property function, lets Hypothesis shrink a failure to its minimal case, and
returns that case, the failure message, the number of examples run and the
largest error seen per gradient key. :func:`search_together` gives the same
outcomes for several properties of one family and dtype from one stream of
cases (what ``rnn-verify`` runs, and the pytest suite when a family and
dtype's tests run in one process).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Found, Unsatisfiable

from .families import Family, get_family
from .properties import PROPERTIES, Implementation, PropertyFailure, PropertySkipped, prime_oracle
from .strategies import Case, cases, seed_only

__all__ = ["KeyStats", "Outcome", "search", "search_together"]


@dataclass
class KeyStats:
    """The largest errors seen for one (function, key) over passing examples."""

    function: str
    key: str
    examples: int = 0
    max_abs: float = 0.0
    max_rel: float = 0.0
    max_ratio: float = 0.0
    points: list = field(default_factory=list)  # (T_x, weight_scale, ratio) per example

    def add(self, comparison, case: Case) -> None:
        self.examples += 1
        self.max_abs = max(self.max_abs, comparison.max_abs)
        self.max_rel = max(self.max_rel, comparison.max_rel)
        self.max_ratio = max(self.max_ratio, comparison.ratio)
        self.points.append((case.dims.T_x, case.weight_scale, comparison.ratio))


@dataclass
class Outcome:
    """What running one property on one family and dtype found."""

    prop: str
    family: str
    dtype: str
    status: str  # "passed", "failed" or "skipped"
    examples: int = 0
    seconds: float = 0.0
    message: str = ""
    case: Case | None = None
    comparisons: list = field(default_factory=list)
    stats: dict[tuple[str, str], KeyStats] = field(default_factory=dict)
    examples_to_failure: int | None = None
    max_ratio: float = 0.0  # the largest error-to-tolerance ratio over passing examples
    worst: str = ""  # where it was seen: "function[key] Case(...)"

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def record(self, comparisons, case: Case) -> None:
        """Add one passing example's comparisons to the per-key statistics."""
        for c in comparisons:
            key = (c.function, c.key)
            self.stats.setdefault(key, KeyStats(c.function, c.key)).add(c, case)
            if c.ratio >= self.max_ratio:
                self.max_ratio, self.worst = c.ratio, f"{c.function}[{c.key}] {case!r}"


def search(
    impl: Implementation,
    prop: str,
    family: Family | str,
    dtype: str = "float64",
    *,
    max_examples: int = 100,
    seed: int | None = None,
    derandomize: bool = False,
    shrink: bool = True,
    on_example=None,
) -> Outcome:
    """Run property ``prop`` on ``family`` in ``dtype`` for up to ``max_examples`` cases.

    A failure is shrunk by Hypothesis to the smallest case that still fails;
    the returned :class:`Outcome` holds that case and its message.
    ``on_example`` (optional) is called with no argument after every example,
    for progress displays.
    """
    p = PROPERTIES[prop]
    fam = family if isinstance(family, Family) else get_family(family)
    outcome = Outcome(prop=prop, family=fam.name, dtype=dtype, status="passed")
    reason = p.skip_reason(impl, fam, dtype)
    if reason:
        outcome.status, outcome.message = "skipped", reason
        return outcome

    calls = {"n": 0, "first_failure": None}
    last: dict = {}

    def step(case: Case) -> None:
        calls["n"] += 1
        last["case"] = case  # Hypothesis replays the minimal failing case last
        if on_example is not None:
            on_example()
        try:
            comparisons = p.check(impl, case)
        except PropertySkipped as exc:
            raise _Skip(str(exc)) from None
        except PropertyFailure:
            if calls["first_failure"] is None:
                calls["first_failure"] = calls["n"]
            raise
        outcome.record(comparisons, case)

    start = time.perf_counter()
    try:
        _hypothesis(step, fam, dtype, max_examples, seed, derandomize, shrink)
    except _Skip as exc:
        outcome.status, outcome.message = "skipped", str(exc)
    except PropertyFailure as exc:
        _failed(outcome, exc, last.get("case"), calls["first_failure"])
    except (Found, Unsatisfiable) as exc:  # pragma: no cover - defensive
        outcome.status, outcome.message = "failed", f"hypothesis: {exc}"
    outcome.examples = calls["n"]
    outcome.seconds = time.perf_counter() - start
    return outcome


def search_together(
    impl: Implementation,
    props,
    family: Family | str,
    dtype: str = "float64",
    *,
    max_examples: int = 100,
    seed: int | None = None,
    derandomize: bool = False,
    shrink: bool = True,
    confirm: bool = True,
    on_example=None,
) -> list[Outcome]:
    """:func:`search` of every property of ``props``, on one stream of cases.

    The properties draw their cases from the same strategy, so one Hypothesis
    search can serve them all: each drawn case is checked by every property
    still running, and Hypothesis's cost per example (a third of a short run)
    and the building of the case's arrays are paid once, not once per property.
    A property that fails or is skipped drops out; the others go on to
    ``max_examples``.

    The outcomes are those of :func:`search` run on each property alone with the
    same ``seed`` (or ``derandomize``): while every check passes, Hypothesis
    draws the same cases whatever the test does with them, so a passing
    property sees the very cases it would see alone, and a failing property is
    searched again alone, which finds the same first failure and shrinks it.
    Should that second search not fail (the implementation answers the same
    inputs differently from one call to the next), the failure of the shared
    search is reported as it was found, unshrunk, and says so. With
    ``confirm=False`` there is no second search: a failure is reported as the
    shared search found it, for a caller that searches it again its own way
    (the pytest suite, whose own search replays and saves failures).

    ``on_example`` (optional) is called with the property's name after each
    of its examples. Returns the outcomes in the order of ``props``.
    """
    fam = family if isinstance(family, Family) else get_family(family)
    outcomes = {prop: Outcome(prop=prop, family=fam.name, dtype=dtype, status="passed")
                for prop in props}
    running = []
    for prop, outcome in outcomes.items():
        reason = PROPERTIES[prop].skip_reason(impl, fam, dtype)
        if reason:
            outcome.status, outcome.message = "skipped", reason
        else:
            running.append(prop)
    if len(running) <= 1:  # nothing to share
        for prop in running:
            outcomes[prop] = search(impl, prop, fam, dtype, max_examples=max_examples, seed=seed,
                                    derandomize=derandomize, shrink=shrink,
                                    on_example=on_example and (lambda p=prop: on_example(p)))
        return list(outcomes.values())

    found: dict[str, tuple] = {}  # prop -> (failure, case, example number)

    def step(case: Case) -> None:
        if len(running) > 1:
            prime_oracle(case, running)
        for prop in tuple(running):
            outcome = outcomes[prop]
            outcome.examples += 1
            began = time.perf_counter()
            try:
                comparisons = PROPERTIES[prop].check(impl, case)
            except PropertySkipped as exc:
                outcome.status, outcome.message = "skipped", str(exc)
                running.remove(prop)
                continue
            except PropertyFailure as exc:
                found[prop] = (exc, case, outcome.examples)
                running.remove(prop)
                continue
            finally:
                outcome.seconds += time.perf_counter() - began
                if on_example is not None:
                    on_example(prop)
            outcome.record(comparisons, case)
        if not running:
            raise _AllDone

    start = time.perf_counter()
    try:
        _hypothesis(step, fam, dtype, max_examples, seed, derandomize, shrink=False)
    except _AllDone:
        pass
    # Hypothesis's own time, shared out by the examples each property ran.
    ran = [o for o in outcomes.values() if o.examples]
    overhead = max(0.0, time.perf_counter() - start - sum(o.seconds for o in ran))
    total = sum(o.examples for o in ran)
    for o in ran:
        o.seconds += overhead * o.examples / total
    for prop, (exc, case, number) in found.items():
        if not confirm:
            _failed(outcomes[prop], exc, case, number)
            continue
        alone = search(impl, prop, fam, dtype, max_examples=max_examples, seed=seed,
                       derandomize=derandomize, shrink=shrink)
        if not alone.failed:  # not reproduced: report what the shared search saw
            alone = Outcome(prop=prop, family=fam.name, dtype=dtype, status="passed",
                            examples=number, seconds=outcomes[prop].seconds + alone.seconds)
            _failed(alone, exc, case, number)
            alone.message += (f"\n(not shrunk: searched again alone, {prop} passed; "
                              "the implementation answers the same inputs differently from one "
                              "call to the next)")
        outcomes[prop] = alone
    return list(outcomes.values())


def _hypothesis(step, fam: Family, dtype: str, max_examples: int, seed, derandomize: bool,
                shrink: bool) -> None:
    """Run ``step(case)`` on the cases Hypothesis draws. Every search runs this one
    ``body``, so that a derandomized search draws the same cases whoever calls it
    (Hypothesis derives its seed from the test function's source)."""

    def body(case: Case) -> None:
        step(case)

    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target]
    if shrink:
        phases.append(Phase.shrink)
    runner = settings(
        max_examples=max_examples,
        derandomize=derandomize,
        deadline=None,
        database=None,
        phases=phases,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )(given(case=cases(fam, dtype=np.dtype(dtype)))(body))
    if seed is not None and not derandomize:
        from hypothesis import seed as hseed

        runner = hseed(seed)(runner)
    with seed_only():
        runner()


def _failed(outcome: Outcome, exc: PropertyFailure, case: Case | None, first: int | None) -> None:
    outcome.status = "failed"
    outcome.message = str(exc)
    outcome.comparisons = exc.comparisons
    outcome.case = case
    outcome.examples_to_failure = first
    if case is not None and not outcome.message.startswith("Case("):
        outcome.message = f"{case!r}\n{outcome.message}"


class _AllDone(Exception):
    """Every property of a shared search has failed or been skipped."""


class _Skip(Exception):
    pass
