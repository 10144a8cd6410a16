"""How ``reference.check(jobs=N)`` cuts the work into units and deals them to workers,
and how its worker processes start and end."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

import manual_rnn
from reference._worker import Pool, claim_order, homes, property_cost, units
from reference.implementation import Implementation, load_implementation
from reference.selection import DTYPES, IMPLEMENTATION_PROPERTY_NAMES, PROPERTY_NAMES

FAMILIES = ["rnn", "lstm", "gru", "gru_reset_after"]
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize("families", [FAMILIES, ["rnn"], ["lstm", "rnn"]])
@pytest.mark.parametrize("workers", [1, 2, 3])
def test_every_check_is_in_exactly_one_unit_and_every_unit_in_one_home(families, workers):
    plan = units(families, list(PROPERTY_NAMES), list(DTYPES), workers)
    checks = [(f, p, d) for f, d, props in plan for p in props]
    assert sorted(checks) == sorted((f, p, d) for f in families for p in PROPERTY_NAMES
                                    for d in DTYPES)
    dealt = homes(plan, workers)
    assert sorted(u for home in dealt for u in home) == sorted(plan)
    for index in range(workers):
        assert sorted(claim_order(dealt, index)) == sorted(plan)


def test_families_enough_for_every_worker_share_no_family():
    """Each worker compiles only its own families' programs until it has finished them."""
    plan = units(FAMILIES, list(IMPLEMENTATION_PROPERTY_NAMES), list(DTYPES), 2)
    assert len(plan) == len(FAMILIES) * len(DTYPES)  # a family and dtype's properties together
    dealt = homes(plan, 2)
    owners = [{f for f, _, _ in home} for home in dealt]
    assert not owners[0] & owners[1] and "rnn" not in owners[0]  # the cheap family goes last
    for home in dealt:  # float64 first
        assert [d for _, d, _ in home] == sorted((d for _, d, _ in home), key=lambda d: d != "float64")


def test_one_family_is_split_evenly_and_each_worker_gets_both_dtypes():
    plan = units(["rnn"], list(IMPLEMENTATION_PROPERTY_NAMES), list(DTYPES), 2,
                 property_cost(Implementation(manual_rnn)))
    assert len(plan) == 4
    dealt = homes(plan, 2)
    assert [{d for _, d, _ in home} for home in dealt] == [set(DTYPES)] * 2


@pytest.mark.parametrize("module", ["manual_rnn", "seed_rnn_fixed"])
def test_one_family_is_dealt_evenly(module):
    """Each worker's home carries half the estimated cost: the heavier part of one
    dtype goes with the lighter part of the other."""
    impl = Implementation(manual_rnn) if module == "manual_rnn" else Implementation(
        load_implementation(CORPUS / f"{module}.py"))
    cost = property_cost(impl)
    plan = units(["rnn"], list(IMPLEMENTATION_PROPERTY_NAMES), list(DTYPES), 2, cost)
    loads = [sum(cost(f, p, d) for f, d, props in home for p in props) for home in homes(plan, 2)]
    assert abs(loads[0] - loads[1]) <= 0.01 * sum(loads), loads


def test_properties_that_will_be_skipped_weigh_nothing_in_the_split():
    """A student's file without the loss functions: the split balances what runs."""
    module = types.ModuleType("no_loss")
    module.__dict__.update({name: getattr(manual_rnn, name) for name in (
        "rnn_cell_forward", "rnn_forward", "rnn_cell_backward", "rnn_backward")})
    cost = property_cost(Implementation(module))
    assert cost("rnn", "loss_gradient", "float64") == 0 and cost("rnn", "backward", "float64") > 0
    assert cost("rnn", "reference_fd", "float32") == 0
    plan = units(["rnn"], list(IMPLEMENTATION_PROPERTY_NAMES), ["float64"], 2, cost)
    loads = [sum(cost("rnn", p, "float64") for p in props) for _, _, props in plan]
    largest = max(cost("rnn", p, "float64") for p in IMPLEMENTATION_PROPERTY_NAMES)
    assert len(plan) == 4 and max(loads) - min(loads) <= largest, (plan, loads)
    for _, _, props in plan:  # in the report's order
        assert list(props) == [p for p in IMPLEMENTATION_PROPERTY_NAMES if p in props]


def _ended(pid: int) -> bool:
    """The process is gone (or a zombie nobody has reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


def test_a_pool_never_given_a_task_is_ended_and_leaves_no_folder():
    """``rnn-verify`` starts its workers before it loads the implementation; when the
    load fails, closing the pool ends them and removes their folder."""
    pool = Pool(2, show_output=False)
    assert [p.poll() for p in pool.procs] == [None, None]  # waiting for the task
    pool.close()
    assert all(p.returncode is not None for p in pool.procs)
    assert not os.path.exists(pool.folder)


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="reads /proc")
def test_a_worker_ends_by_itself_when_its_caller_has_gone():
    """A caller killed before it wrote the task leaves no worker behind."""
    caller = subprocess.run(
        [sys.executable, "-c", "import os\nfrom reference._worker import Pool\n"
         "pool = Pool(1, show_output=False)\nprint(pool.procs[0].pid, pool.folder, flush=True)\n"
         "os._exit(0)"], capture_output=True, text=True, timeout=60)
    pid, folder = caller.stdout.split()
    deadline = time.monotonic() + 120  # it notices once it has imported JAX
    while not _ended(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    ended, left = _ended(int(pid)), os.path.exists(folder)
    if not ended:
        os.kill(int(pid), 9)
    shutil.rmtree(folder, ignore_errors=True)
    assert ended, f"worker {pid} still runs without its caller"
    assert not left, "the worker left its folder behind"
