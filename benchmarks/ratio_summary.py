"""Summarize a ratio log written by ``make thorough`` (RNN_GRADCHECK_RATIO_LOG).

    python benchmarks/ratio_summary.py reports/thorough-ratios.jsonl
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict


def main(path: str) -> None:
    rows = [json.loads(line) for line in open(path)]
    total = sum(r["examples"] for r in rows)
    by_family = defaultdict(lambda: [0, 0.0, None])
    for r in rows:
        f = by_family[(r["family"], r["dtype"])]
        f[0] += r["examples"]
        if r["max_ratio"] >= f[1]:
            f[1], f[2] = r["max_ratio"], r["worst"]
    print(f"{total} examples in {len(rows)} tests")
    for (family, dtype), (n, ratio, worst) in sorted(by_family.items()):
        print(f"{family:16} {dtype:8} {n:8d} examples  worst error/tolerance {ratio:.2e}  {worst}")
    worst = max(rows, key=lambda r: r["max_ratio"])
    print(f"largest error-to-tolerance ratio on correct code: {worst['max_ratio']:.2e} ({worst['worst']})")


if __name__ == "__main__":
    main(sys.argv[1])
