"""Speed of the sequence functions: seed-style per-step NumPy, manual_rnn, JAX, PyTorch.

Run (about 15 minutes; ``--quick`` is the CI smoke run, under a minute)::

    python benchmarks/bench.py --plot reports/bench_tx.png
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench.py --plot reports/bench_tx_unset.png
    python benchmarks/bench.py --quick

Run it twice as above, once with the environment as it is and once with
``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` unset for that command alone
(they choose OpenBLAS's kernel and blocking), and report both; the kernel that
ran is printed at the top.

For every family (rnn, lstm, gru, gru_reset_after), size and dtype it times two
jobs, with an untimed warm-up call before every timed sample and the
implementations interleaved within each sample (NumPy's and torch's thread
pools disturb each other on few cores):

* ``fb``: forward over the sequence and backward of an upstream ``da`` on every
  hidden state (gradients of ``x``, ``a0`` and the recurrent parameters);
* ``loss``: forward, softmax cross-entropy loss and the gradient of every
  parameter (output layer included).

Implementations: ``seed`` (``manual_rnn.textbook``, the exercise's structure:
the cell functions called in a loop, parameter gradients accumulated step by
step), ``fast``
(``manual_rnn``'s sequence functions), ``jax`` (``jit`` of ``lax.scan`` over
``reference.model.STEPS`` and ``jax.vjp``/``jax.grad``), ``torch``
(``torch.nn.RNN/LSTM/GRU`` on the CPU, skipped if torch is not importable;
torch's GRU is the reset-after variant with a second hidden bias, so it is
listed under both GRU variants). Medians are reported with ratios to ``fast``
(below 1: faster than ``fast``), the share of the machine's GEMM throughput
(measured in the same run) that the matmul flops of forward + backward reach,
and the peak memory of one ``fb`` call of the NumPy implementations
(tracemalloc; JAX and torch allocate outside its view).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import manual_rnn  # noqa: E402
from manual_rnn import textbook  # noqa: E402

FAMILIES = ("rnn", "lstm", "gru", "gru_reset_after")
SIZES = {  # n_x, n_a, m, T_x
    "small": (16, 32, 8, 20),
    "medium": (64, 128, 32, 50),
    "large": (256, 512, 64, 50),
}
QUICK_SIZES = {"small": (16, 32, 8, 10)}
N_Y = 16
GATES = {"rnn": 1, "lstm": 4, "gru": 3, "gru_reset_after": 3}


# --- problems -------------------------------------------------------------------


def make_problem(family, n_x, n_a, m, T_x, dtype, seed=0):
    rng = np.random.default_rng(seed)

    def w(*shape, scale=None):
        scale = 1 / np.sqrt(shape[-1]) if scale is None else scale
        return (rng.standard_normal(shape) * scale).astype(dtype)

    if family == "rnn":
        p = {"Wax": w(n_a, n_x), "Waa": w(n_a, n_a), "ba": w(n_a, 1, scale=0.1)}
        p.update(Wya=w(N_Y, n_a), by=w(N_Y, 1, scale=0.1))
    else:
        keys = "fico" if family == "lstm" else "zrc"
        for k in keys:
            pass
        p = {}
        for k in keys:
            p[f"W{k}"] = w(n_a, n_a + n_x)
            p[f"b{k}"] = w(n_a, 1, scale=0.1)
        p.update(Wy=w(N_Y, n_a), by=w(N_Y, 1, scale=0.1))
    return {
        "p": p,
        "x": w(n_x, m, T_x, scale=1.0),
        "a0": w(n_a, m, scale=0.5),
        "da": w(n_a, m, T_x, scale=1.0),
        "labels": rng.integers(0, N_Y, size=(m, T_x)),
    }


def output_keys(family):
    return ("Wya", "by") if family == "rnn" else ("Wy", "by")


# --- NumPy: manual_rnn (fast) and manual_rnn.textbook (seed-style) --------------------


def api_impl(module, family):
    """The ``fb`` and ``full`` jobs through a module of the public API."""
    kwargs = {"reset_after": True} if family == "gru_reset_after" else {}
    name = "rnn" if family == "rnn" else family[:4].rstrip("_")
    fwd = getattr(module, f"{name}_forward")
    bwd = getattr(module, f"{name}_backward")
    loss = getattr(module, f"{name}_loss")
    loss_bwd = getattr(module, f"{name}_loss_backward")

    def fb(pr):
        out = fwd(pr["x"], pr["a0"], pr["p"], **kwargs)
        return bwd(pr["da"], out[-1])

    def full(pr):
        out = fwd(pr["x"], pr["a0"], pr["p"], **kwargs)
        value = loss(out[1], pr["labels"])
        head = loss_bwd(out[1], pr["labels"], out[-1])
        return value, {**bwd(head["da"], out[-1]), **head}

    return fb, full


# --- JAX: jit(lax.scan) and autodiff -------------------------------------------------


def jax_impl(family):
    import jax
    import jax.numpy as jnp

    from reference.model import STEPS, scan_sequence

    step = STEPS[family]
    W_key, b_key = output_keys(family)

    def states(p, x, a0):
        state0 = (a0, jnp.zeros_like(a0)) if family == "lstm" else (a0,)
        return scan_sequence(step, p, state0, x)[0]

    @jax.jit
    def fb_jit(p, x, a0, da):
        _, vjp = jax.vjp(states, p, x, a0)
        return vjp(da)

    def loss(p, x, a0, labels):
        a = states(p, x, a0)
        z = jnp.tensordot(p[W_key], a, axes=1) + p[b_key][:, :, None]
        logp = jax.nn.log_softmax(z, axis=0)
        return -jnp.take_along_axis(logp, labels[None], axis=0).mean()

    full_jit = jax.jit(jax.value_and_grad(loss, argnums=(0, 1, 2)))

    def fb(pr):
        rec = {k: v for k, v in pr["jax_p"].items() if k not in (W_key, b_key)}
        return jax.block_until_ready(fb_jit(rec, pr["jax_x"], pr["jax_a0"], pr["jax_da"]))

    def full(pr):
        return jax.block_until_ready(full_jit(pr["jax_p"], pr["jax_x"], pr["jax_a0"], pr["jax_labels"]))

    return fb, full


def to_jax(pr):
    import jax.numpy as jnp

    pr["jax_p"] = {k: jnp.asarray(v) for k, v in pr["p"].items()}
    for k in ("x", "a0", "da", "labels"):
        pr[f"jax_{k}"] = jnp.asarray(pr[k])


# --- PyTorch -----------------------------------------------------------------------


def torch_impl(family, n_x, n_a, dtype):
    import torch

    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}.get(family, torch.nn.GRU)
    net = cls(n_x, n_a).to(tdtype)
    head = torch.nn.Linear(n_a, N_Y).to(tdtype)
    params = list(net.parameters()) + list(head.parameters())

    def run(pr, full):
        for q in params:
            q.grad = None
        x = pr["torch_x"].detach().requires_grad_(True)
        h0 = pr["torch_a0"].detach().requires_grad_(True)
        if family == "lstm":
            out, _ = net(x, (h0, torch.zeros_like(h0)))
        else:
            out, _ = net(x, h0)
        if full:  # out: (T_x, m, n_a)
            logits = head(out).reshape(-1, N_Y)
            value = torch.nn.functional.cross_entropy(logits, pr["torch_labels"])
            value.backward()
            return value
        out.backward(pr["torch_da"])
        return x.grad

    def fb(pr):
        with torch.enable_grad():
            return run(pr, False)

    def full(pr):
        with torch.enable_grad():
            return run(pr, True)

    return fb, full


def to_torch(pr):
    import torch

    pr["torch_x"] = torch.from_numpy(np.ascontiguousarray(pr["x"].transpose(2, 1, 0)))  # (T_x, m, n_x)
    pr["torch_a0"] = torch.from_numpy(np.ascontiguousarray(pr["a0"].T))[None]  # (1, m, n_a)
    pr["torch_da"] = torch.from_numpy(np.ascontiguousarray(pr["da"].transpose(2, 1, 0)))
    pr["torch_labels"] = torch.from_numpy(np.ascontiguousarray(pr["labels"].T).reshape(-1))


# --- measuring ---------------------------------------------------------------------


def gemm_gflops(dtype, n=2048, repeats=3):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    a @ b
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(times) / 1e9


def fb_flops(family, n_x, n_a, m, T_x):
    """Matmul flops of forward + backward: the forward's gate matmuls, and twice
    that in the backward (gradients of the inputs and of the weights)."""
    return 3 * 2 * m * T_x * GATES[family] * n_a * (n_x + n_a)


def time_interleaved(impls, pr, samples):
    """Median seconds per implementation, each sample preceded by a warm-up call."""
    times = {name: [] for name in impls}
    names = list(impls)
    for s in range(samples):
        order = names[s % len(names):] + names[: s % len(names)]
        for name in order:
            impls[name](pr)  # warm-up, untimed
            t0 = time.perf_counter()
            impls[name](pr)
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(v) for name, v in times.items()}


def peak_memory(f, pr):
    tracemalloc.start()
    tracemalloc.reset_peak()
    f(pr)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def blas_report():
    lines = []
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed: BLAS kernel unknown (pip install threadpoolctl)"]
    for info in threadpool_info():
        lines.append(
            f"{info.get('user_api')}: {info.get('internal_api')} {info.get('version')} "
            f"kernel={info.get('architecture')} threads={info.get('num_threads')} "
            f"({Path(info.get('filepath', '')).name})"
        )
    return lines


def fmt_time(s):
    return f"{s * 1e3:9.2f} ms" if s >= 1e-3 else f"{s * 1e6:9.1f} us"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI smoke run: small sizes, one sample")
    ap.add_argument("--samples", type=int, default=None, help="timed samples per case (default 5, large 3)")
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    ap.add_argument("--sizes", nargs="+", default=None, help=f"subset of {list(SIZES)}")
    ap.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    ap.add_argument("--no-jax", action="store_true")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-seed", action="store_true", help="skip the slow seed-style implementation (manual_rnn.textbook)")
    ap.add_argument("--plot", metavar="PNG", help="write time against T_x (medium sizes) to this PNG")
    args = ap.parse_args(argv)

    sizes = QUICK_SIZES if args.quick else SIZES
    if args.sizes:
        sizes = {k: v for k, v in {**SIZES, **QUICK_SIZES}.items() if k in args.sizes}
    print("environment:", {k: os.environ.get(k, "<unset>") for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")})
    print("numpy", np.__version__)
    for line in blas_report():
        print("  BLAS", line)

    have_jax = not args.no_jax
    if have_jax:
        try:
            import jax

            jax.config.update("jax_enable_x64", True)
            print("jax", jax.__version__, jax.devices())
        except ImportError:
            print("jax not importable: skipped")
            have_jax = False
    have_torch = not args.no_torch
    if have_torch:
        try:
            import torch

            print("torch", torch.__version__, "threads", torch.get_num_threads(),
                  "mkldnn", torch.backends.mkldnn.is_available())
        except ImportError:
            print("torch not importable: skipped (pip install torch==2.13.0 to include it)")
            have_torch = False

    peaks = {d: gemm_gflops(np.dtype(d)) for d in args.dtypes}
    for d, g in peaks.items():
        print(f"GEMM throughput {d}: {g:.1f} GFLOP/s (2048^3 matmul, median of 3)")

    rows = []
    for size, (n_x, n_a, m, T_x) in sizes.items():
        samples = args.samples or (1 if args.quick else (3 if size == "large" else 5))
        for dname in args.dtypes:
            dtype = np.dtype(dname).type
            for family in args.families:
                pr = make_problem(family, n_x, n_a, m, T_x, dtype)
                impls_fb, impls_full = {}, {}
                impls_fb["fast"], impls_full["fast"] = api_impl(manual_rnn, family)
                if not args.no_seed:
                    impls_fb["seed"], impls_full["seed"] = api_impl(textbook, family)
                if have_jax:
                    to_jax(pr)
                    impls_fb["jax"], impls_full["jax"] = jax_impl(family)
                if have_torch:
                    to_torch(pr)
                    impls_fb["torch"], impls_full["torch"] = torch_impl(family, n_x, n_a, dtype)
                flops = fb_flops(family, n_x, n_a, m, T_x)
                mem = {k: peak_memory(impls_fb[k], pr) for k in ("fast", "seed") if k in impls_fb}
                for job, impls in (("fb", impls_fb), ("loss", impls_full)):
                    med = time_interleaved(impls, pr, samples)
                    for name, sec in med.items():
                        rows.append(dict(size=size, dtype=dname, family=family, job=job, impl=name,
                                         sec=sec, ratio=sec / med["fast"],
                                         gemm=flops / sec / 1e9 / peaks[dname],
                                         mem=mem.get(name) if job == "fb" else None))
                    line = "  ".join(f"{k}={fmt_time(v).strip()} ({v / med['fast']:.2f}x)" for k, v in med.items())
                    print(f"[{size} {dname} {family} {job}] {line}", flush=True)

    print_table(rows)
    if args.plot:
        plot(args, have_jax, have_torch)


def print_table(rows):
    print("\nmedian time; ratio = time / fast (below 1: faster than fast NumPy); "
          "gemm% = matmul flops of forward+backward / time / GEMM throughput")
    header = f"{'size':7} {'dtype':8} {'family':16} {'job':5} {'impl':6} {'time':>12} {'ratio':>7} {'gemm%':>6} {'peak MB':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        mem = f"{r['mem'] / 2**20:8.1f}" if r["mem"] is not None else f"{'':8}"
        gemm = f"{100 * r['gemm']:5.1f}%" if r["job"] == "fb" else f"{'':6}"
        print(f"{r['size']:7} {r['dtype']:8} {r['family']:16} {r['job']:5} {r['impl']:6} "
              f"{fmt_time(r['sec']):>12} {r['ratio']:6.2f}x {gemm} {mem}")


def plot(args, have_jax, have_torch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_x, n_a, m, _ = SIZES["medium"]
    T_values = (5, 10) if args.quick else (10, 25, 50, 100, 200)
    dname = args.dtypes[0]
    dtype = np.dtype(dname).type
    fams = args.families
    fig, axes = plt.subplots(1, len(fams), figsize=(4.5 * len(fams), 4), squeeze=False)
    for ax, family in zip(axes[0], fams):
        series = {}
        for T_x in T_values:
            pr = make_problem(family, n_x, n_a, m, T_x, dtype)
            impls = {"fast": api_impl(manual_rnn, family)[0]}
            if not args.no_seed:
                impls["seed"] = api_impl(textbook, family)[0]
            if have_jax:
                to_jax(pr)
                impls["jax"] = jax_impl(family)[0]
            if have_torch:
                to_torch(pr)
                impls["torch"] = torch_impl(family, n_x, n_a, dtype)[0]
            med = time_interleaved(impls, pr, 1 if args.quick else 3)
            for k, v in med.items():
                series.setdefault(k, []).append(v * 1e3)
        for k, v in series.items():
            ax.plot(T_values, v, marker="o", label=k)
        ax.set_title(f"{family}, {dname}, n_x={n_x} n_a={n_a} m={m}")
        ax.set_xlabel("T_x")
        ax.set_ylabel("forward + backward, ms")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend()
    fig.tight_layout()
    Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print("plot written to", args.plot)


if __name__ == "__main__":
    main()
