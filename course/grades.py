"""Reading scores back from nbgrader's gradebook, and the students x notebooks table."""

from nbgrader.api import Gradebook, MissingEntry


def score_table(db_url):
    """{student id: {assignment: (score, max_score) or None if not submitted}}."""
    table = {}
    with Gradebook(db_url) as gb:
        assignments = sorted(a.name for a in gb.assignments)
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {}
            for name in assignments:
                try:
                    sub = gb.find_submission(name, student.id)
                    row[name] = (sub.score, sub.max_score)
                except MissingEntry:
                    row[name] = None
            table[student.id] = row
    return table


def format_table(table):
    """A plain-text table: one row per student, one column per notebook, then the total."""
    if not table:
        return "(no students)"
    names = list(next(iter(table.values())))
    short = [n.split("_")[0] for n in names]
    lines = ["student  " + "  ".join(f"{s:>9}" for s in short) + "      total"]
    for student, row in table.items():
        cells, got, out_of = [], 0.0, 0.0
        for name in names:
            if row[name] is None:
                cells.append(f"{'missing':>9}")
                continue
            score, max_score = row[name]
            got, out_of = got + score, out_of + max_score
            cells.append(f"{score:>4g}/{max_score:<4g}")
        lines.append(f"{student:<8} " + "  ".join(cells) + f"  {got:>4g}/{out_of:<4g}")
    legend = ", ".join(f"{s} = {n}" for s, n in zip(short, names, strict=True))
    return "\n".join(lines) + f"\n({legend})"
