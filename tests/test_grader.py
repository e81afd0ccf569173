"""The trusted grader against an adversarial class (tests/adversarial.py): every way of
gaming plain ``nbgrader autograde`` is graded as intended, honest submissions keep their
marks, nothing is dropped or modified, feedback shows no hidden test, re-running is
idempotent."""

import csv
import hashlib
import io
import re

import nbformat
import pytest
from adversarial import ATTACKS, NOTEBOOK, expected, submission

from course import release, sample_class
from course.grader import Limits, SourceNotGradable, check_calls, setup_cells
from course.grading import grade_class
from course.nbgrader_course import CourseDirectory
from course.sandbox import isolation
from course.source import points, read_source

pytestmark = pytest.mark.filterwarnings("ignore")  # nbgrader's own warnings, see test_course

SOURCE = read_source(release.SOLUTIONS / f"{NOTEBOOK}.py")
POINTS = points(SOURCE)
HONEST = ("ada", "cyd")
# 1 GiB: the memory attack hits the limit after two of its 400 MB blocks
LIMITS = Limits(exercise=5.0, memory=2**30)
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "hidden=True", "seed=2026")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = CourseDirectory(tmp_path_factory.mktemp("adversarial"))
    released = release.generate(course, [NOTEBOOK])
    release_nb = nbformat.read(released[NOTEBOOK], as_version=4)
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in SOURCE.cells
                 if c.metadata["nbgrader"]["solution"]}
    students = [(a.student, "Adversary", a.student) for a in ATTACKS]
    students += [(s.id, s.first_name, s.last_name) for s in sample_class.STUDENTS
                 if s.id in HONEST]
    course.add_students(students)
    for attack in ATTACKS:
        path = course.path("submitted", attack.student, NOTEBOOK, f"{NOTEBOOK}.ipynb")
        path.parent.mkdir(parents=True)
        path.write_text(submission(attack, release_nb, solutions, release.ROOT, course.root))
    for student in HONEST:
        path = course.path("submitted", student, NOTEBOOK, f"{NOTEBOOK}.ipynb")
        path.parent.mkdir(parents=True)
        nbformat.write(sample_class.submission(student, release_nb, solutions), path)
    before = _hashes(course)
    log = io.StringIO()
    results = grade_class(course, [NOTEBOOK], limits=LIMITS, out=log)
    return course, results, before, log.getvalue()


def _hashes(course):
    return {p: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in course.path("submitted").rglob("*") if p.is_file()}


def _result(results, student):
    return results[student, NOTEBOOK]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.student for a in ATTACKS])
def test_each_attack_gets_the_intended_score(graded, attack):
    _, results, _, _ = graded
    result = _result(results, attack.student)
    assert result.score == expected(attack, POINTS), (attack.what, result.tests)
    assert result.status in attack.status


def test_honest_submissions_keep_their_marks(graded):
    _, results, _, _ = graded
    assert _result(results, "ada").score == sum(POINTS.values())
    assert _result(results, "cyd").score == 0


def test_delegation_is_named(graded):
    _, results, _, _ = graded
    messages = [t.message for t in _result(results, "att05").tests if t.score == 0]
    assert any("calls seqlib's own encoder_decoder" in m for m in messages)


def test_warnings_are_hints_not_failures(graded):
    _, results, _, _ = graded
    result = _result(results, "att09")
    assert result.score == sum(POINTS.values())
    assert any("divide by zero" in h for t in result.tests for h in t.hints)


def test_crash_and_timeout_fail_only_their_exercise(graded):
    _, results, _, _ = graded
    for student, lost in (("att06", "test_encoder_decoder"), ("att07",
                                                              "test_rnn_cell_forward_stacked")):
        scores = {t.grade_id: t.score for t in _result(results, student).tests}
        assert scores[lost] == 0
        assert all(scores[g] == p for g, p in POINTS.items() if g != lost)


def test_sources_gradebook_and_other_students_stay_out_of_reach(graded):
    course, results, _, _ = graded
    if not isolation()[0]:
        pytest.skip(isolation()[1])
    leak = _result(results, "att01").tests[-1].message
    assert "LEAKED" in leak  # the attack ran, and found nothing to read:
    assert leak.split("LEAKED", 1)[1].split("(cell", 1)[0].strip() == "", leak
    assert _result(results, "att02").score < sum(POINTS.values())  # its own gradebook
    with open(course.path("grades.csv")) as f:  # write went nowhere
        assert all(float(r["score"]) <= float(r["max_score"]) for r in csv.DictReader(f))


def test_nothing_dropped_nothing_modified_status_exported(graded):
    course, results, before, _ = graded
    assert _hashes(course) == before
    with open(course.path("grades_status.csv")) as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == {a.student for a in ATTACKS} | set(HONEST)
    assert rows["att14"]["status"] == "corrupt notebook"
    assert rows["att06"]["status"] == "timed out" and rows["att06"]["reason"]
    with open(course.path("grades.csv")) as f:  # nbgrader's own export still works
        nbgrader_rows = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    for attack in ATTACKS:
        assert nbgrader_rows[attack.student] == expected(attack, POINTS)


def test_feedback_shows_no_hidden_test(graded):
    course, _, _, _ = graded
    pages = list(course.path("feedback").rglob("*.html"))
    assert len(pages) == len(ATTACKS) + len(HONEST)  # the corrupt one says it was corrupt
    for page in pages:
        text = page.read_text()
        for marker in HIDDEN_MARKERS:
            assert marker not in text, f"{page}: {marker}"


def test_regrading_is_idempotent_and_resumes(graded):
    course, results, _, _ = graded
    log = io.StringIO()
    again = grade_class(course, [NOTEBOOK], limits=LIMITS, out=log)
    assert {k: r.score for k, r in again.items()} == {k: r.score for k, r in results.items()}
    assert log.getvalue().count("up to date") == len(results)


def test_progress_is_shown(graded):
    _, results, _, log = graded
    assert len(re.findall(r"^\[\s*\d+/\d+\]", log, re.M)) == len(results)
    assert "isolation:" in log


def test_test_cells_must_be_plain_checks():
    with pytest.raises(SourceNotGradable, match="may only call check"):
        check_calls('"""doc"""\nassert f(1) == 2\n')
    calls = check_calls('"""doc"""\ncheck("rnn_forward", rnn_forward)\n'
                        'check("rnn_forward", rnn_forward, seed=5, hidden=True)\n')
    assert [(c.exercise, c.seed, c.hidden) for c in calls] == [("rnn_forward", 0, False),
                                                               ("rnn_forward", 5, True)]


def test_setup_keeps_definitions_and_leaves_demonstrations_out():
    cells = setup_cells(SOURCE, SOURCE)
    code = "\n".join(cells)
    assert "import numpy as np" in code and "def rnn_cell_forward" in code
    assert "print(" not in "\n".join(c for c in cells if "def " not in c)
    assert not any("check(" in c for c in cells)
