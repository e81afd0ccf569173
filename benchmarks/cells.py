"""Section "cells": the RNN, GRU and LSTM, forward + backward over a whole sequence.

For every case, three contenders take turns (see ``timing.median_times``), and with them a
reference matrix product, so that "of matmul" compares throughputs measured in the same rounds:

- fused: ``seqlib.fused`` (stacked gates, input projection before the loop, weight gradients
  after it), the path seqlib offers for speed;
- per-gate: ``seqlib.rnn``, ``seqlib.gru``, ``seqlib.lstm``, the teaching version, one product
  per gate on [a<t-1>; x<t>] and gradients summed step by step: what learners write;
- torch: PyTorch CPU (``torch_cells``), when importable.

Each contender runs forward then backward from a given da (n_a, m, T_x) and returns the
gradients of every weight, of x and of a<0>; the output layer is not included.
"""

import itertools

import numpy as np

from benchmarks.timing import (
    Table,
    at_least,
    at_most,
    elementwise_ns,
    heading,
    load_average,
    matmul_gflops,
    median_times,
)
from benchmarks.torch_cells import TorchCell
from seqlib import cells as teaching
from seqlib import fused
from seqlib.initialization import init_parameters

GATE_MATRICES = {"rnn": 1, "gru": 3, "lstm": 4}  # (n_a, n_a + n_x) matrices per step
FULL = {"cell": ("rnn", "gru", "lstm"), "dtype": (np.float64, np.float32), "T_x": (25, 100),
        "m": (1, 16, 64), "n_x": (27, 128), "n_a": (64, 128, 256)}
QUICK = {"cell": ("rnn", "gru", "lstm"), "dtype": (np.float64,), "T_x": (25,), "m": (16,),
         "n_x": (27,), "n_a": (64,)}

# The targets: the LSTM in float64 at T_x = 25 takes at most 0.75x PyTorch's time for m = 16
# and 64, and reaches 45% of the matmul throughput at m = 64 (n_a = 64 ... 256, both n_x).
TORCH_RATIO = 0.75
MATMUL_SHARE = 0.45
REFERENCE = 512  # the reference product is (512, 512) @ (512, 512): near the BLAS's peak


def torch_target_applies(cell, dtype, T_x, m):
    return cell == "lstm" and dtype == np.float64 and T_x == 25 and m in (16, 64)


def matmul_target_applies(cell, dtype, T_x, m):
    return cell == "lstm" and dtype == np.float64 and T_x == 25 and m == 64


def estimated_flops(cell, T_x, m, n_x, n_a):
    """Floating-point operations of forward + backward over the sequence: an estimate that
    counts the matrix products only (element-wise work is left out).

    A product of an (n_out, n_in) matrix by (n_in, m) costs 2 n_out n_in m. Forward, each
    step multiplies k gate matrices (n_a, n_a + n_x) by [a<t-1>; x<t>], with k = 1 for the RNN
    (Waa and Wax side by side), 3 for the GRU, 4 for the LSTM. Backward does two products of the
    same size for each (dW and the gradient of [a<t-1>; x<t>]), so forward + backward is about
    3x the forward's products.
    """
    return 3 * T_x * GATE_MATRICES[cell] * 2 * n_a * (n_a + n_x) * m


def make_case(cell, dtype, T_x, m, n_x, n_a, rng):
    """Recurrent parameters (seqlib's initialisation), x, a0 and da of the given sizes."""
    params = init_parameters(cell, n_x, n_a, rng=rng, dtype=dtype)
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
    a0 = (0.1 * rng.standard_normal((n_a, m))).astype(dtype)
    da = rng.standard_normal((n_a, m, T_x)).astype(dtype)
    return params, x, a0, da


def forward_backward(cell, params, x, a0, da):
    """fn() running a seqlib Cell's forward_states then backward_states on this case."""
    def run():
        _, caches = cell.forward_states(x, a0, params)
        return cell.backward_states(da, caches)
    return run


def agreement_lines(torch, rng):
    """One small float64 case per cell: how far PyTorch's a and dx are from seqlib's, to show
    that the timed programs compute the same thing."""
    lines = []
    for name in GATE_MATRICES:
        params, x, a0, da = make_case(name, np.float64, 7, 3, 5, 4, rng)
        a, caches = fused.get_cell(name).forward_states(x, a0, params)
        dx = fused.get_cell(name).backward_states(da, caches)["dx"]
        a_t, dx_t = TorchCell(torch, name, params, x, a0, da).results()
        lines.append(f"  {name:<5} max |a - a_torch| = {np.abs(a - a_t).max():.1e}, "
                     f"max |dx - dx_torch| = {np.abs(dx - dx_t).max():.1e}")
    return lines


def run(quick, torch, torch_skipped, out=print):
    """Run the section; print its table; return [(target, verdict)]."""
    grid = QUICK if quick else FULL
    budget = 0.05 if quick else 0.2  # seconds of rounds per case, at least 3 rounds
    rng = np.random.default_rng(0)
    out(heading("cells: RNN, GRU and LSTM forward + backward over a sequence"))
    peak = {dtype: matmul_gflops(dtype, REFERENCE) for dtype in grid["dtype"]}
    out("matmul throughput of this machine, measured at the start: " + ", ".join(
        f"{np.dtype(d).name} {g:.1f} GFLOP/s" for d, g in peak.items())
        + f" ({REFERENCE} x {REFERENCE} by {REFERENCE} x {REFERENCE}, median of 5); the same "
        "product is timed again in turn with the contenders of every case, and 'of matmul' "
        "divides by that")
    out("element-wise, ns per element (numpy, 65536 entries): " + ", ".join(
        f"{np.dtype(d).name} tanh {elementwise_ns(np.tanh, d):.2f}, multiply "
        f"{elementwise_ns(np.multiply, d):.2f}" for d in grid["dtype"]))
    out("GFLOP/s of a cell is an estimate: its matrix products only, 2 n_out n_in m each, "
        "forward + backward = 3x forward (see estimated_flops)")
    out("time ratios are fused's median time / the other's, measured in turns in the same "
        "rounds: below 1 means fused is faster; n = rounds")
    if torch is None:
        out(torch_skipped)
    else:
        out("PyTorch against seqlib on a small float64 case (the timed programs agree):")
        for line in agreement_lines(torch, rng):
            out(line)
    table = Table([("cell", 4, "s"), ("dtype", 7, "s"), ("T_x", 3, "d"), ("m", 2, "d"),
                   ("n_x", 3, "d"), ("n_a", 3, "d"), ("fused ms", 9, ".3f"),
                   ("GFLOP/s", 7, ".1f"), ("of matmul", 9, ".0%"), ("per-gate ms", 11, ".3f"),
                   ("÷per-gate", 9, ".2f"), ("torch ms", 9, ".3f"), ("÷torch", 6, ".2f"),
                   ("n", 2, "d"), ("target", 6, "s")])
    out(table.header())
    rows, seen = [], {dtype: [] for dtype in grid["dtype"]}
    for case in itertools.product(*grid.values()):
        cell, dtype, T_x, m, n_x, n_a = case
        params, x, a0, da = make_case(cell, dtype, T_x, m, n_x, n_a, rng)
        contenders = {
            "fused": forward_backward(fused.get_cell(cell), params, x, a0, da),
            "per-gate": forward_backward(teaching.get_cell(cell), params, x, a0, da),
        }
        if torch is not None:
            contenders["torch"] = TorchCell(torch, cell, params, x, a0, da).run
        contenders["matmul"] = reference_product(dtype)
        targeted = torch_target_applies(*case[:4]) or matmul_target_applies(*case[:4])
        # the cases a target is about get more rounds: their verdicts should not hang on noise
        times, rounds = median_times(contenders, min_repeats=7 if targeted and not quick else 3,
                                     budget=4 * budget if targeted else budget)
        gflops = estimated_flops(cell, T_x, m, n_x, n_a) / times["fused"] / 1e9
        share = gflops / (2 * REFERENCE**3 / times["matmul"] / 1e9)
        seen[dtype].append(2 * REFERENCE**3 / times["matmul"] / 1e9)
        to_torch = times["fused"] / times["torch"] if "torch" in times else None
        verdicts = []
        if torch_target_applies(cell, dtype, T_x, m) and to_torch is not None:
            verdicts.append(("torch", at_most(to_torch, TORCH_RATIO, "x")))
        if matmul_target_applies(cell, dtype, T_x, m):
            verdicts.append(("matmul", at_least(100 * share, 100 * MATMUL_SHARE, "%")))
        rows.append((case, times, share, to_torch, verdicts))
        out(table.row([cell, np.dtype(dtype).name, T_x, m, n_x, n_a, 1e3 * times["fused"],
                       gflops, share, 1e3 * times["per-gate"],
                       times["fused"] / times["per-gate"],
                       1e3 * times["torch"] if "torch" in times else None, to_torch, rounds,
                       _target_cell(verdicts)]))
    slower = [(case, t["fused"] / t["per-gate"]) for case, t, *_ in rows
              if t["fused"] > t["per-gate"]]
    out(f"fused slower than per-gate in {len(slower)} of {len(rows)} cases" + "".join(
        f"{';' if i else ':'} {c[0]} {np.dtype(c[1]).name} T_x={c[2]} m={c[3]} n_x={c[4]} "
        f"n_a={c[5]} ({r:.2f}x)" for i, (c, r) in enumerate(slower)))
    out("matmul throughput in the rounds of the cases: " + ", ".join(
        f"{np.dtype(d).name} median {np.median(g):.1f}, from {min(g):.1f} to {max(g):.1f} "
        "GFLOP/s" for d, g in seen.items()) + " (the load changes during the run)")
    out(f"load {load_average()} at the end of the section")
    return _targets(rows, torch, torch_skipped)


def reference_product(dtype):
    """fn() computing the reference matmul, (REFERENCE, REFERENCE) squared, in ``dtype``."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((REFERENCE, REFERENCE)).astype(dtype)
    b = rng.standard_normal((REFERENCE, REFERENCE)).astype(dtype)
    return lambda: a @ b


def _target_cell(verdicts):
    if not verdicts:
        return ""
    return ", ".join(f"{what} {verdict.split(' (')[0]}" for what, verdict in verdicts)


# Why a target can be missed, printed under the targets when it is (see the closing note).
TORCH_WHY = (
    "At large n_a both sides spend most of their time in the same float64 matrix products "
    "(see 'of matmul'), so what fused can still win is the element-wise work; on a shared "
    "machine the ratio of two such times moves by several per cent from run to run.")
MATMUL_WHY = (
    "At small n_a a step's element-wise work (some 35 numpy passes over (n_a, m) blocks, with "
    "float64 tanh far slower than a product per element: see the element-wise line) costs "
    "about as much as the step's products; the products grow as n_a² and the element-wise "
    "work as n_a, so the share rises with n_a.")


def _targets(rows, torch, torch_skipped):
    results = []
    scoped = [r for r in rows if torch_target_applies(*r[0][:4])]
    what = (f"LSTM float64, T_x = 25, m = 16 and 64: fused forward + backward at most "
            f"{TORCH_RATIO}x PyTorch's time")
    if torch is None:
        results.append((what, f"NOT MEASURED: {torch_skipped}"))
    elif scoped:
        results.append((what, _worst(scoped, lambda r: r[3], max, TORCH_RATIO, at_most, "x"),
                        TORCH_WHY))
    scoped = [r for r in rows if matmul_target_applies(*r[0][:4])]
    if scoped:
        what = (f"LSTM float64, T_x = 25, m = 64: at least {MATMUL_SHARE:.0%} of the matmul "
                "throughput")
        results.append((what, _worst(scoped, lambda r: 100 * r[2], min, 100 * MATMUL_SHARE,
                                     at_least, "%"), MATMUL_WHY))
    return results


def _worst(rows, value, pick, limit, verdict, unit):
    """The verdict for the worst row, and how many rows pass."""
    worst = pick(rows, key=value)
    passing = sum(verdict(value(r), limit, unit) == "PASS" for r in rows)
    cell, dtype, T_x, m, n_x, n_a = worst[0]
    where = f"worst at m = {m}, n_x = {n_x}, n_a = {n_a}: {value(worst):.3g}{unit}"
    return f"{verdict(value(worst), limit, unit)}: {passing} of {len(rows)} cases pass; {where}"
