"""Section "grading": the sample class graded by the trusted grader and by bare
``nbgrader autograde``, in the same run, on the same submissions.

Both start from the same fresh course folder and gradebook (course.pipeline.prepare_sample)
and end with feedback and the CSV export written, so the wall times compare like with like:
nbgrader autograde runs every notebook in a Jupyter kernel, one submission at a time; the
trusted grader runs only the definitions, in a sandbox per submission, two at a time. The
per-exercise time limit is the same for both (10 s; the sample class's "dan" loops in one
exercise of every notebook and costs that much in each).
"""

import io
import tempfile
import time

from benchmarks.timing import Table, at_least, heading, load_average

TARGET_RATIO = 3.0


def run(quick, out=print):
    """Grade the sample class both ways; print the table; return [(target, verdict)]."""
    from course import release
    from course.nbgrader_course import CourseDirectory
    from course.pipeline import grade_sample, grade_sample_with_nbgrader

    names = release.assignments()[:1] if quick else release.assignments()
    out(heading("grading: the sample class, trusted grader vs nbgrader autograde"))
    out(f"{len(names)} notebook(s) x 6 students; both write feedback and grades.csv")
    seconds, scores = {}, {}
    for way, grade in (("nbgrader autograde", grade_sample_with_nbgrader),
                       ("python -m course grade", grade_sample)):
        with tempfile.TemporaryDirectory() as tmp:
            course = CourseDirectory(tmp)
            released = release.generate(course, names)
            start = time.perf_counter()
            _quietly(grade, course, released)
            seconds[way] = time.perf_counter() - start
            scores[way] = _scores(course)
    table = Table([("grader", 24, "s"), ("seconds", 8, ".1f"), ("per submission", 14, ".2f")])
    out(table.header())
    n = 6 * len(names)
    for way, s in seconds.items():
        out(table.row([way, s, s / n]))
    ratio = seconds["nbgrader autograde"] / seconds["python -m course grade"]
    same = scores["nbgrader autograde"] == scores["python -m course grade"]
    out(f"ratio (nbgrader / trusted) {ratio:.2f}; the same scores both ways: {same}")
    out(f"load {load_average()} at the end of the section")
    scope = " (--quick: one notebook only)" if quick else ""
    return [(f"the trusted grader at least {TARGET_RATIO:g}x faster than nbgrader "
             f"autograde{scope}", f"{at_least(ratio, TARGET_RATIO, 'x')}: {ratio:.2f}x")]


def _quietly(grade, course, released):
    """Grade without the progress lines, and without nbgrader's own warnings (SQLAlchemy's
    autoflush notices, deprecations), which say nothing about the grades."""
    import contextlib
    import warnings

    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grade(course, released)


def _scores(course):
    from course.grades import score_table

    return {student: {name: cell[0] for name, cell in row.items()}
            for student, row in score_table(course.db_url).items()}
