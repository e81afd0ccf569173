"""Section "course": headless execution time of every solution notebook, and of the series.

Each notebook runs as ``python -m course run`` runs it (``course.execute``): a fresh kernel,
top to bottom, one BLAS thread, kernel start-up included. The rounds run the whole series
each time, so a change of load hits every notebook alike; every time is the median over the
rounds, and the series' time is the median of the rounds' totals.
"""

import statistics

from benchmarks.timing import Table, at_most, heading, load_average

NOTEBOOK_LIMIT = 20.0  # seconds, each notebook
SERIES_LIMIT = 90.0  # seconds, all of them one after the other


def run(quick, out=print):
    """Run the section; print its table; return [(target, verdict)]."""
    from course import release  # here: the course package is only needed for this section
    from course.execute import execute, warm_up

    names = release.assignments()
    if quick:
        names = names[:1]
    rounds = 1 if quick else 3
    out(heading("course: headless execution of the solution notebooks"))
    out(f"{len(names)} notebook(s) from solutions/, {rounds} round(s) of the whole series; "
        "each in a fresh kernel, kernel start included (course.execute)")
    warm_up()
    times = {name: [] for name in names}
    problems = {name: [] for name in names}
    for _ in range(rounds):
        for name in names:
            seconds, found, _ = execute(release.SOLUTIONS / f"{name}.py")
            times[name].append(seconds)
            problems[name] = found
    table = Table([("notebook", max(map(len, names)), "s"), ("median s", 8, ".1f"),
                   ("runs", 16, "s"), ("cells", 9, "s"), ("target", 6, "s")])
    out(table.header())
    for name in names:
        median = statistics.median(times[name])
        status = "ok" if not problems[name] else f"{len(problems[name])} PROBLEMS"
        out(table.row([name, median, " ".join(f"{t:.1f}" for t in times[name]), status,
                       at_most(median, NOTEBOOK_LIMIT, " s").split(" (")[0]]))
        for problem in problems[name]:
            out(f"    {problem}")
    totals = [sum(times[name][r] for name in names) for r in range(rounds)]
    series = statistics.median(totals)
    out(table.row(["the series", series, " ".join(f"{t:.1f}" for t in totals), "",
                   at_most(series, SERIES_LIMIT, " s").split(" (")[0]]))
    out(f"load {load_average()} at the end of the section")
    slowest = max(names, key=lambda n: statistics.median(times[n]))
    scope = " (--quick: one notebook only)" if quick else ""
    return [
        (f"every notebook at most {NOTEBOOK_LIMIT:g} s{scope}",
         f"{at_most(statistics.median(times[slowest]), NOTEBOOK_LIMIT, ' s')}: slowest "
         f"{slowest}, {statistics.median(times[slowest]):.1f} s"),
        (f"the series under {SERIES_LIMIT:g} s{scope}",
         f"{at_most(series, SERIES_LIMIT, ' s')}: {series:.1f} s for {len(names)} notebooks"),
    ]
