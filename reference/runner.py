"""Run one property over many Hypothesis examples and keep what a report needs.

The pytest suite wraps each property in ``@given`` directly; this runner does
the same for ``rnn-verify`` and for tests that must *find* a failure (the
fault catalog): it drives the very same property function, lets Hypothesis
shrink a failure to its minimal case, and returns that case, the failure
message, the number of examples run and the largest error seen per gradient key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Found, Unsatisfiable

from .families import Family, get_family
from .properties import PROPERTIES, Implementation, PropertyFailure, PropertySkipped
from .strategies import Case, cases, seed_only

__all__ = ["KeyStats", "Outcome", "search"]


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

    @property
    def failed(self) -> bool:
        return self.status == "failed"


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

    def body(case: Case) -> None:
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
        for c in comparisons:
            key = (c.function, c.key)
            outcome.stats.setdefault(key, KeyStats(c.function, c.key)).add(c, case)

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

    start = time.perf_counter()
    try:
        with seed_only():
            runner()
    except _Skip as exc:
        outcome.status, outcome.message = "skipped", str(exc)
    except PropertyFailure as exc:
        outcome.status = "failed"
        outcome.message = str(exc)
        outcome.comparisons = exc.comparisons
        outcome.case = last.get("case")
        outcome.examples_to_failure = calls["first_failure"]
        if outcome.case is not None and not outcome.message.startswith("Case("):
            outcome.message = f"{outcome.case!r}\n{outcome.message}"
    except (Found, Unsatisfiable) as exc:  # pragma: no cover - defensive
        outcome.status, outcome.message = "failed", f"hypothesis: {exc}"
    outcome.examples = calls["n"]
    outcome.seconds = time.perf_counter() - start
    return outcome


class _Skip(Exception):
    pass
