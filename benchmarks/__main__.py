"""python -m benchmarks [--quick] [--only cells|charlm|course|grading] [--threads N] [--no-torch]"""

import argparse
import os
import sys
import textwrap
import time

SECTIONS = ("cells", "charlm", "course", "grading")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Speed benchmarks of seqlib against PyTorch and min-char-rnn, and the "
                    "course's time budget. Prints tables, targets and PASS/MISS lines.")
    parser.add_argument("--quick", action="store_true",
                        help="a tiny subset of every section, for a smoke test")
    parser.add_argument("--only", choices=SECTIONS, action="append",
                        help="run only this section (may be repeated)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads for numpy and PyTorch alike (default 1, as the "
                             "course runs; threads stall each other on a shared 2-core box)")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave PyTorch out, as on a machine without it")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    # Before numpy is imported: OpenBLAS reads its thread count once, when it loads.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)

    from benchmarks import cells, charlm, course, grading
    from benchmarks.timing import heading, load_average, machine_lines, settle_allocator
    from benchmarks.torch_cells import load_torch

    start = time.perf_counter()
    sys.stdout.reconfigure(line_buffering=True)  # a long run shows each row as it comes
    sections = args.only or list(SECTIONS)
    torch, torch_skipped = load_torch(args.threads, disabled=args.no_torch)
    print("seqlib benchmarks" + (" (--quick: a tiny subset, for a smoke test)" if args.quick
                                 else ""))
    for line in machine_lines(torch):
        print(line)
    settle_allocator()
    if torch is None:
        print(torch_skipped)
    results = []
    for name in sections:
        began = time.perf_counter()
        if name == "cells":
            results += cells.run(args.quick, torch, torch_skipped)
        elif name == "charlm":
            results += charlm.run(args.quick)
        elif name == "grading":
            results += grading.run(args.quick)
        else:
            results += course.run(args.quick)
        print(f"({name}: {time.perf_counter() - began:.0f} s)")
        sys.stdout.flush()
    print(heading("targets"))
    notes = []
    for what, verdict, *why in results:  # a section may say why its target can be missed
        status = "NOT MEASURED" if verdict.startswith("NOT") else verdict.split()[0].rstrip(":")
        print(f"{status:<12} {what}")
        print(f"{'':<12} {verdict}")
        if status == "MISS" and why:
            notes.append(f"- {what}: {why[0]}")
    if notes:
        print("\nwhy the misses (see also the load lines: the machine is shared)")
        for note in notes:
            print(textwrap.fill(note, width=96, subsequent_indent="  "))
    print(f"\nload {load_average()}; the whole run took {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
