"""The course's jobs: build the release, check it, run the solutions, grade the sample class."""

import sys
import tempfile
import time

from course import release, sample_class
from course.execute import execute, warm_up
from course.grading import grade_class
from course.nbgrader_course import CourseDirectory

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
    warm_up()
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


def prepare_sample(course, released):
    """A fresh gradebook with the assignments and the sample class, and its submissions.

    Returns {(student, notebook): the score the student should get}.
    """
    warm_up()
    course.reset_grading()
    for name in released:  # a fresh gradebook needs the assignments again
        course.generate_assignment(name)
    students = sample_class.STUDENTS
    course.add_students([(s.id, s.first_name, s.last_name) for s in students])
    return sample_class.write_submissions(course, released)


def grade_sample(course, released, workers=2):
    """Grade the sample class on every released notebook with the trusted grader; write
    feedback and the CSVs. Returns the expected scores (see prepare_sample)."""
    expected = prepare_sample(course, released)
    grade_class(course, list(released), workers=workers)
    return expected


def grade_sample_with_nbgrader(course, released):
    """The same with plain ``nbgrader autograde``, one submission at a time (what the
    trusted grader replaces; kept for the benchmark that compares the two)."""
    expected = prepare_sample(course, released)
    for name in released:
        start = time.perf_counter()
        for s in sample_class.STUDENTS:
            course.autograde(name, s.id)
        course.generate_feedback(name)
        print(f"graded {name} for {len(sample_class.STUDENTS)} students in "
              f"{time.perf_counter() - start:.0f} s")
    course.export(course.path("grades.csv"))
    return expected
