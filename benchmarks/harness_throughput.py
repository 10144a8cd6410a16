"""Harness throughput: fully verified examples per second, per family.

"Verified" means one Hypothesis example of the ``backward`` property: draw a
case, run the manual forward and backward, the oracle's VJP, and the element-wise
comparison of every gradient key. It is set against the manual-only cost (the
same cases, manual forward and backward alone) measured in the same run, and
against the loss-gradient property, which adds the loss and the output layer.
Compilation is excluded (a warm-up search compiles each bucket first).

The suite's float64 strategy draws ``T_x`` up to 50 (one branch in two beyond
10), and long sequences dominate the cost; the last column is the same
verification (draw, the property's check) on short sequences only, ``T_x <= 10``
(the float32 strategy's range).

Each column is measured ``--rounds`` times, the columns interleaved, and the
median printed: these machines are shared, and a single run moves by 20 %.

    python benchmarks/harness_throughput.py [--examples 1000] [--rounds 3] [--families rnn,lstm,gru]
"""

from __future__ import annotations

import argparse
import statistics
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hseed

import manual_rnn
from reference.properties import PROPERTIES, Implementation
from reference.runner import search
from reference.running import run_backward
from reference.strategies import cases, dimensions


def hypothesis_rate(family, n, seed, work, dims=None) -> float:
    """Examples per second of the Hypothesis loop the properties use, running
    ``work(case)`` on each drawn case."""
    count = {"n": 0}

    @hseed(seed)
    @settings(max_examples=n, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=cases(family, dims=dims))
    def body(case):
        count["n"] += 1
        work(case)

    start = time.perf_counter()
    body()
    return count["n"] / (time.perf_counter() - start)


def verified(impl, family, prop, n, seed) -> float:
    out = search(impl, prop, family, max_examples=n, seed=seed, shrink=False)
    # search() runs the generate phase plus (cheap) replay phases; count its examples
    assert not out.failed, out.message
    return out.examples / out.seconds


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=1000, help="examples per measurement")
    ap.add_argument("--rounds", type=int, default=3,
                    help="measurements of every column, interleaved; the median is printed")
    ap.add_argument("--families", default="rnn,lstm,gru")
    args = ap.parse_args(argv)
    impl = Implementation(manual_rnn)
    print(f"median of {args.rounds} interleaved rounds of {args.examples} examples each")
    print(f"{'family':8} {'drawing only':>13} {'manual only':>12} {'verified backward':>18} "
          f"{'cost ratio':>10} {'verified loss gradient':>22} {'verified backward, T_x<=10':>27}")
    short = dimensions(max_T_x=10)
    backward = PROPERTIES["backward"]
    n = args.examples
    for family in args.families.split(","):
        for prop in ("backward", "loss_gradient"):
            search(impl, prop, family, max_examples=200, seed=1)  # compile every bucket
        columns = {
            "drawing": lambda: hypothesis_rate(family, n, 4, lambda case: None),
            "manual": lambda: hypothesis_rate(family, n, 2, lambda case: run_backward(impl, case)),
            "verified": lambda: verified(impl, family, "backward", n, seed=2),
            "loss": lambda: verified(impl, family, "loss_gradient", n, seed=3),
            "short": lambda: hypothesis_rate(
                family, n, 5, lambda case: backward.check(impl, case), short),
        }
        rates = {k: [] for k in columns}
        for _ in range(args.rounds):
            for k, measure in columns.items():
                rates[k].append(measure())
        g, m, v, L, S = (statistics.median(r) for r in rates.values())
        print(f"{family:8} {g:11.0f}/s {m:10.0f}/s {v:16.0f}/s {m / v:9.1f}x {L:20.0f}/s "
              f"{S:25.0f}/s", flush=True)


if __name__ == "__main__":
    main()
