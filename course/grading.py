"""Grading a whole class with the trusted grader, in parallel, resumably.

``grade_class`` grades every submission under the course's ``submitted/`` folder, two at a
time on two cores (each submission's code runs in its own sandboxed process), prints a line
per submission as it finishes, writes each result beside the autograded notebook, syncs the
gradebook, writes feedback with nbgrader, and exports ``grades.csv`` (nbgrader's) and
``grades_status.csv`` (with each submission's status: a crash or a timeout is never a
silent 0).
"""

import csv
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import nbformat

import seqlib
from course import gradebook_sync, release
from course.grader import Limits, Result, grade, inputs_hash
from course.sandbox import isolation


def hidden_folders(course):
    """What a student's code must not see: the course folder (gradebook, every submission,
    the sources) and the repository's sources, seqlib's original included."""
    root = release.ROOT
    return [course.root, release.SOLUTIONS, root / "course", root / "tests", root / ".git",
            root / "notebooks", root / "benchmarks", root / "build",
            Path(seqlib.__file__).parent]


def submissions(course, assignments):
    """[(student, assignment, path)] for every submitted notebook, sorted."""
    found = []
    for assignment in assignments:
        for path in sorted(course.path("submitted").glob(f"*/{assignment}/{assignment}.ipynb")):
            found.append((path.parent.parent.name, assignment, path))
    return found


def grade_class(course, assignments, workers=2, force=False, limits=None, out=None):
    """Grade every submission of ``assignments``; return {(student, assignment): Result}.

    Progress lines go to ``out`` (the current sys.stdout by default)."""
    limits = limits or Limits()
    out = out or sys.stdout
    todo = submissions(course, assignments)
    print(f"grading {len(todo)} submissions, {workers} at a time; isolation: "
          f"{isolation()[1]}", file=out)
    sources = {a: nbformat.read(course.path("source", a, f"{a}.ipynb"), as_version=4)
               for a in assignments}
    hidden = hidden_folders(course)
    results, lock, done = {}, threading.Lock(), [0]
    start = time.monotonic()

    def one(student, assignment, path):
        result_path = course.path("autograded", student, assignment, "grading.json")
        key = inputs_hash(course.path("source", assignment, f"{assignment}.ipynb"), path,
                          limits)
        if not force and result_path.exists():
            old = Result.from_json(result_path.read_text())
            if old.inputs == key:
                return old, True
        result = grade(student, assignment, sources[assignment], path, hidden, limits)
        result.inputs = key
        return result, False

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(one, *job): job for job in todo}
        for future in as_completed(futures):
            student, assignment, path = futures[future]
            result, cached = future.result()
            with lock:  # the gradebook is one SQLite file: one writer at a time
                if not cached:
                    nb = gradebook_sync.autograded_notebook(sources[assignment], path, result)
                    gradebook_sync.save(course, assignment, assignment, student, result, nb)
                    _write_atomically(course.path("autograded", student, assignment,
                                                  "grading.json"), result.to_json())
                results[student, assignment] = result
                done[0] += 1
                note = "up to date" if cached else f"{result.seconds:.1f} s"
                status = "" if result.status == "graded" else f"  [{result.status}]"
                print(f"[{done[0]:>3}/{len(todo)}] {student:<10} {assignment:<28} "
                      f"{result.score:g}/{result.max_score:g}{status}  ({note})", file=out)
    print(f"graded in {time.monotonic() - start:.1f} s", file=out)
    for assignment in assignments:
        course.generate_feedback(assignment)
    course.export(course.path("grades.csv"))
    write_status_csv(course.path("grades_status.csv"), results)
    return results


def write_status_csv(path, results):
    """One row per submission: score, maximum, status, and the first failure's reason."""
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "assignment", "score", "max_score", "status", "reason"])
        for (student, assignment), r in sorted(results.items()):
            failed = [t.message for t in r.tests if t.score < t.points]
            reason = failed[0].splitlines()[0][:200] if failed and r.status != "graded" else ""
            writer.writerow([student, assignment, f"{r.score:g}", f"{r.max_score:g}",
                             r.status, reason])


def _write_atomically(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
