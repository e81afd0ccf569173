"""Timing and reporting: medians over interleaved repeats, the machine's own matmul
throughput, a description of the machine, and plain-text tables."""

import gc
import os
import platform
import sys
import time

import numpy as np

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def median_times(contenders, min_repeats=3, max_repeats=15, budget=0.5, warmup=1):
    """Median wall time in seconds of each function in ``contenders`` ({name: fn()}).

    Each function is called ``warmup`` times first (caches, allocator, PyTorch's first-call
    setup). Then rounds call every contender once, in turn, the order rotating from round to
    round, so that a change of the machine's load hits all of them alike. Rounds go on until
    ``min_repeats`` are done and ``budget`` seconds are spent, at most ``max_repeats``. The
    garbage collector is off while a call is timed, as in ``timeit``.

    Returns ({name: median seconds}, the number of rounds).
    """
    names = list(contenders)
    for name in names:
        for _ in range(warmup):
            contenders[name]()
    times = {name: [] for name in names}
    start = time.perf_counter()
    rounds = 0
    while rounds < min_repeats or (rounds < max_repeats
                                   and time.perf_counter() - start < budget):
        shift = rounds % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(_timed(contenders[name]))
        rounds += 1
    return {name: float(np.median(t)) for name, t in times.items()}, rounds


def _timed(fn):
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


def matmul_gflops(dtype, n, repeats=5):
    """The machine's own matmul throughput in GFLOP/s: an (n, n) @ (n, n) product in ``dtype``
    (2 n³ flops), median over ``repeats``, under the thread settings of this run."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    seconds, _ = median_times({"matmul": lambda: a @ b}, min_repeats=repeats,
                              max_repeats=repeats)
    return 2 * n**3 / seconds["matmul"] / 1e9


def elementwise_ns(ufunc, dtype, n=1 << 16):
    """ns per element of a unary or binary numpy ufunc on n contiguous entries of ``dtype``
    (median of 15): what the cells' element-wise work costs here."""
    x = np.random.default_rng(0).standard_normal(n).astype(dtype)
    out = np.empty_like(x)
    args = (x,) * ufunc.nin
    seconds, _ = median_times({"f": lambda: ufunc(*args, out=out)}, min_repeats=15,
                              max_repeats=15)
    return seconds["f"] / n * 1e9


def page_fault_microseconds(mib=16):
    """What first touching fresh memory costs here: µs per 4 KiB page, median of 3.

    On a busy virtual machine this is several µs, so an array used once costs more to
    obtain than to compute with; ``settle_allocator`` keeps that out of the comparisons.
    """
    import mmap

    costs = []
    for _ in range(3):
        with mmap.mmap(-1, mib << 20) as buffer:
            pages = np.frombuffer(buffer, dtype=np.uint8)[::4096]
            start = time.perf_counter()
            pages[:] = 1  # one write per page: one page fault each
            costs.append((time.perf_counter() - start) / len(pages) * 1e6)
            del pages
    return float(np.median(costs))


def settle_allocator():
    """Allocate and free one 30 MiB array, once.

    glibc's malloc then keeps freed blocks of up to that size for reuse instead of returning
    them to the OS (its mmap threshold follows the largest block freed), as in any process
    that has already handled a large array, such as one that imported PyTorch. Without this,
    whether a contender's arrays are reused memory or fresh pages would depend on what ran
    before it in the process.
    """
    np.ones((30 << 20) // 8).sum()


def load_average():
    """'1.52 / 1.40 / 2.01' (1, 5, 15 minutes), or 'unknown' where the OS does not say."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def machine_lines(torch=None):
    """Lines describing the machine: cores, CPU, versions, BLAS and thread settings, load."""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    blas = _numpy_blas()
    lines = [
        f"machine   {usable} usable of {cores} cores, {_cpu_model()}; {platform.system()} "
        f"{platform.release()}",
        f"python    {sys.version.split()[0]}, numpy {np.__version__} with {blas}",
        "threads   " + ", ".join(f"{k}={os.environ.get(k, 'unset')}" for k in THREAD_VARIABLES),
    ]
    if torch is not None:
        lines.append(f"torch     {torch.__version__}, {torch.get_num_threads()} intra-op "
                     f"thread(s) (set to match numpy's), MKL "
                     f"{'yes' if torch.backends.mkl.is_available() else 'no'}, oneDNN "
                     f"{'yes' if torch.backends.mkldnn.is_available() else 'no'}")
    lines.append(f"memory    first touch of a fresh 4 KiB page {page_fault_microseconds():.2f} µs; "
                 "malloc settled once (timing.settle_allocator)")
    lines.append(f"load      {load_average()} (1, 5, 15 min){_pressure()}: the machine is shared, "
                 "so the numbers are noisy; they are reported as measured")
    return lines


def _pressure():
    """', CPU pressure: 85% of the last minute' (Linux PSI: some task waited for a CPU)."""
    try:
        with open("/proc/pressure/cpu") as f:
            fields = dict(item.split("=") for item in f.readline().split()[1:])
        return f", CPU pressure {float(fields['avg60']):.0f}% of the last minute"
    except (OSError, KeyError, ValueError):
        return ""


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _numpy_blas():
    try:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:  # older numpy: no dict mode; the name is all we need
        return "an unknown BLAS"
    summary = f"{config.get('name', '?')} {config.get('version', '')}".strip()
    detail = config.get("openblas configuration", "")
    return f"{summary} ({' '.join(detail.split())})" if detail else summary


# ---------------------------------------------------------------- reporting
class Table:
    """A plain-text table printed row by row, so that a long run shows its progress.

    columns: [(heading, width, format)], format a format spec or a function of the value;
    None prints as '-'. Everything is right-aligned.
    """

    def __init__(self, columns):
        self.columns = [(h, max(w, len(h)), f) for h, w, f in columns]

    def header(self):
        return "\n".join(["  ".join(h.rjust(w) for h, w, _ in self.columns),
                          "  ".join("-" * w for _, w, _ in self.columns)])

    def row(self, values):
        cells = []
        for (_, width, fmt), value in zip(self.columns, values, strict=True):
            text = "-" if value is None else fmt(value) if callable(fmt) else format(value, fmt)
            cells.append(text.rjust(width))
        return "  ".join(cells)


def heading(title):
    """A section heading line."""
    return f"\n== {title} " + "=" * max(3, 86 - len(title))


def at_most(value, limit, unit=""):
    """'PASS' or 'MISS by N%' for a target value <= limit."""
    if value <= limit:
        return "PASS"
    return f"MISS by {100 * (value / limit - 1):.0f}% ({value:.3g}{unit} > {limit:g}{unit})"


def at_least(value, limit, unit=""):
    """'PASS' or 'MISS by N%' for a target value >= limit."""
    if value >= limit:
        return "PASS"
    return f"MISS by {100 * (1 - value / limit):.0f}% ({value:.3g}{unit} < {limit:g}{unit})"
