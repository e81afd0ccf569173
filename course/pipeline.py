"""The course's jobs: build the release, check it, run the solutions, grade the sample class."""

import sys
import tempfile
import time

from course import release, sample_class
from course.execute import execute, warm_up
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


def grade_sample(course, released):
    """Autograde the sample class on every released notebook; write feedback and a CSV.

    Returns {(student, notebook): the score the student should get}.
    """
    warm_up()
    course.reset_grading()
    for name in released:  # a fresh gradebook needs the assignments again
        course.generate_assignment(name)
    students = sample_class.STUDENTS
    course.add_students([(s.id, s.first_name, s.last_name) for s in students])
    expected = sample_class.write_submissions(course, released)
    for name in released:
        start = time.perf_counter()
        for s in students:
            course.autograde(name, s.id)
        course.generate_feedback(name)
        print(f"graded {name} for {len(students)} students in "
              f"{time.perf_counter() - start:.0f} s")
    course.export(course.path("grades.csv"))
    return expected
