"""The course's command line.

    python -m course            the main job: build the student release and autograde the
                                sample class (= build, then grade-sample)
    python -m course build      regenerate notebooks/ from solutions/
    python -m course check      fail if notebooks/ is not what solutions/ gives
    python -m course run        execute the solution notebooks headless, report times
    python -m course grade-sample [--build-dir DIR]

Every command but check takes notebook names (02_rnn_forward ...) to work on only those.
"""

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat

from course import release, sample_class
from course.grades import format_table, score_table
from course.nbgrader_course import CourseDirectory
from course.source import points, read_source, solution_ids

DEFAULT_BUILD = release.ROOT / "build" / "course"


def build(build_dir, names=None):
    course = CourseDirectory(build_dir)
    released = release.generate(course, names)
    release.publish(released, prune=not names)
    print(f"released {len(released)} notebooks into notebooks/")
    return course, released


def check():
    with tempfile.TemporaryDirectory() as tmp:
        problems = release.differences(release.generate(CourseDirectory(tmp)))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run `python -m course build` and commit notebooks/", file=sys.stderr)
    return 1 if problems else 0


def run(names):
    from course.execute import execute

    failed = False
    total = 0.0
    for name in names:
        seconds, problems, _ = execute(release.SOLUTIONS / f"{name}.py")
        total += seconds
        print(f"{name:<28} {seconds:6.1f} s  {'ok' if not problems else 'PROBLEMS'}")
        for problem in problems:
            print(f"    {problem}")
        failed |= bool(problems)
    print(f"{'all':<28} {total:6.1f} s")
    return 1 if failed else 0


def grade_sample(course, released):
    """Autograde the sample class on every released notebook; write feedback and a CSV."""
    course.reset_grading()
    for name in released:  # a fresh gradebook needs the assignments again
        course.generate_assignment(name)
    students = sample_class.STUDENTS
    course.add_students([(s.id, s.first_name, s.last_name) for s in students])
    expected = {}
    for name, path in released.items():
        source = read_source(release.SOLUTIONS / f"{name}.py")
        solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                     if c.metadata["nbgrader"]["grade_id"] in solution_ids(source)}
        released_nb = nbformat.read(path, as_version=4)
        for s in students:
            target = course.path("submitted", s.id, name, f"{name}.ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(sample_class.submission(s.id, released_nb, solutions), target)
            expected[s.id, name] = sample_class.expected_score(s.id, points(source))
    for name in released:
        start = time.perf_counter()
        for s in students:
            course.autograde(name, s.id)
        course.generate_feedback(name)
        print(f"graded {name} for {len(students)} students in "
              f"{time.perf_counter() - start:.0f} s")
    course.export(course.path("grades.csv"))
    return expected


def main(argv=None):
    # nbgrader puts a deleted test cell back without a cell id, and nbformat warns about it on
    # every read; the cell is graded all the same.
    warnings.filterwarnings("ignore", message="Cell is missing an id field")
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="all",
                        choices=["all", "build", "check", "run", "grade-sample"])
    parser.add_argument("names", nargs="*", help="notebooks to work on (default: all)")
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD,
                        help="the nbgrader course folder (default: build/course)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(release.assignments()))
    if unknown:
        parser.error(f"no source solutions/NAME.py for {unknown}")
    if args.command == "check":
        return check()
    if args.command == "run":
        return run(args.names or release.assignments())
    course, released = build(args.build_dir, args.names)
    if args.command == "build":
        return 0
    expected = grade_sample(course, released)
    table = score_table(course.db_url)
    print()
    print(format_table(table))
    wrong = [(student, name, row[name], expected[student, name])
             for student, row in table.items() for name in row
             if row[name] is None or row[name][0] != expected[student, name]]
    for student, name, got, want in wrong:
        print(f"UNEXPECTED: {student} on {name}: {got}, expected {want}", file=sys.stderr)
    print(f"\nfeedback: {course.path('feedback')}\ngrades:   {course.path('grades.csv')}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
