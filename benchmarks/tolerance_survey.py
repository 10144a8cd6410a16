"""Measure how close correct code comes to the tolerances (no false alarms).

Runs the comparison properties on ``manual_rnn`` over random cases drawn like
the strategies draw them (every dimension, scale and ``T_x`` range) and prints,
per family, dtype and property, the distribution of the error-to-tolerance
ratio ``max |manual - ref| / allowed``. A ratio near 1 would mean the tolerance
is about to raise a false alarm; the README records the figures.

    python benchmarks/tolerance_survey.py [--cases 200] [--seed 0] [--families rnn,lstm]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import manual_rnn
from reference.families import FAMILIES
from reference.properties import PROPERTIES, Implementation, PropertySkipped
from reference.strategies import (
    LOGIT_SCALES,
    MAX_DIM,
    MAX_T_X,
    MAX_WEIGHT_SCALE,
    SHORT_T_X,
    UPSTREAM_SCALES,
    WEIGHT_SCALES,
    Dims,
    make_case,
)

COMPARING = ("cell_forward", "forward", "cell_backward", "backward", "loss_gradient",
             "reference_fd", "single_step", "batch_columns")


def draw_dims(rng, dtype: str) -> Dims:
    long = MAX_T_X[dtype] > SHORT_T_X and rng.random() < 0.3
    T_x = int(rng.integers(SHORT_T_X + 1, MAX_T_X[dtype] + 1) if long else rng.integers(1, SHORT_T_X + 1))
    n_x, n_a, n_y, m = (int(v) for v in rng.integers(1, MAX_DIM + 1, size=4))
    return Dims(n_x, n_a, n_y, m, T_x)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--impl", default="manual_rnn")
    args = ap.parse_args(argv)
    impl = Implementation(manual_rnn if args.impl == "manual_rnn" else __import__(args.impl))
    rng = np.random.default_rng(args.seed)
    print(f"{'family':16} {'dtype':8} {'property':14} {'cases':>6} {'median':>9} "
          f"{'p99':>9} {'max':>9}  worst case")
    for fam in args.families.split(","):
        for dtype in ("float64", "float32"):
            for prop in COMPARING:
                p = PROPERTIES[prop]
                if dtype not in p.dtypes:
                    continue
                ratios, worst, t0 = [], (0.0, None, None), time.perf_counter()
                for _ in range(args.cases):
                    case = make_case(
                        FAMILIES[fam], draw_dims(rng, dtype), dtype=dtype,
                        weight_scale=float(rng.choice(
                            [w for w in WEIGHT_SCALES if w <= MAX_WEIGHT_SCALE[dtype]])),
                        logit_scale=float(rng.choice(LOGIT_SCALES)),
                        upstream_scale=float(rng.choice(UPSTREAM_SCALES)),
                        seed=int(rng.integers(2**32)),
                    )
                    try:
                        comps = p.check(impl, case)
                    except PropertySkipped:
                        break
                    r = max((c.ratio for c in comps), default=0.0)
                    ratios.append(r)
                    if r >= worst[0]:
                        key = max(comps, key=lambda c: c.ratio)
                        worst = (r, case, f"{key.function}[{key.key}]")
                if not ratios:
                    continue
                q = np.quantile(ratios, [0.5, 0.99])
                print(f"{fam:16} {dtype:8} {prop:14} {len(ratios):6d} {q[0]:9.1e} {q[1]:9.1e} "
                      f"{max(ratios):9.1e}  {worst[2]} {worst[1]!r} "
                      f"({time.perf_counter() - t0:.1f}s)", flush=True)


if __name__ == "__main__":
    main()
