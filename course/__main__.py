"""The course's command line.

    python -m course            the main job: build the student release and autograde the
                                sample class (= build, then grade-sample)
    python -m course build      regenerate notebooks/ from solutions/
    python -m course check      fail if notebooks/ is not what solutions/ gives
    python -m course run        execute the solution notebooks headless, report times
    python -m course grade-sample [--build-dir DIR]
    python -m course grade NAMES [--force] [--workers N]
                                grade a real class: the submissions that nbgrader collect
                                or zip_collect put in the course folder's submitted/,
                                with the trusted grader (never bare nbgrader autograde)

Every command but check takes notebook names (02_rnn_forward ...) to work on only those.
"""

import argparse
import sys
import warnings
from pathlib import Path

from course import release
from course.grades import format_table, score_table
from course.grading import grade_class
from course.nbgrader_course import CourseDirectory
from course.pipeline import DEFAULT_BUILD, build, check, grade_sample, run


def main(argv=None):
    # nbgrader puts a deleted test cell back without a cell id, and nbformat warns about it on
    # every read; the cell is graded all the same.
    warnings.filterwarnings("ignore", message="Cell is missing an id field")
    # nbgrader's gradebook code trips SQLAlchemy's autoflush warning; the grades are right.
    warnings.filterwarnings("ignore", message="Object of type .* not in session")
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="all",
                        choices=["all", "build", "check", "run", "grade-sample", "grade"])
    parser.add_argument("names", nargs="*", help="notebooks to work on (default: all)")
    parser.add_argument("--build-dir", type=Path, default=DEFAULT_BUILD,
                        help="the nbgrader course folder (default: build/course)")
    parser.add_argument("--force", action="store_true",
                        help="grade again what is already graded and unchanged")
    parser.add_argument("--workers", type=int, default=2,
                        help="submissions graded at once (default 2, one per core)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(release.assignments()))
    if unknown:
        parser.error(f"no source solutions/NAME.py for {unknown}")
    if args.command == "check":
        return check()
    if args.command == "run":
        return run(args.names or release.assignments())
    if args.command == "grade":
        course = CourseDirectory(args.build_dir)
        grade_class(course, args.names or release.assignments(),
                    workers=args.workers, force=args.force)
        print()
        print(format_table(score_table(course.db_url)))
        print(f"\nfeedback: {course.path('feedback')}\ngrades:   {course.path('grades.csv')},"
              f" {course.path('grades_status.csv')}")
        return 0
    if args.command == "grade-sample":  # grade a fresh release, leave notebooks/ alone
        course = CourseDirectory(args.build_dir)
        released = release.generate(course, args.names)
    else:
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
    print(f"\nfeedback: {course.path('feedback')}\ngrades:   {course.path('grades.csv')}, "
          f"{course.path('grades_status.csv')}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
