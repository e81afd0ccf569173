"""The course pipeline end to end: the committed student release is what the sources give and
carries no answers; every solution notebook runs cleanly; the sample class gets exactly the
grades the grading contract says, again when re-graded; feedback and the CSV are written.

These tests run nbgrader and Jupyter kernels: about three minutes in all.
"""

import csv
import io
import re

import nbformat
import pytest

from course import release, sample_class
from course.execute import execute, warm_up
from course.grades import score_table
from course.grading import grade_class
from course.nbgrader_course import CourseDirectory
from course.pipeline import grade_sample
from course.source import SourceError, points, read_source, solution_ids

NAMES = release.assignments()
# nbgrader, SQLAlchemy and jupyter emit warnings of their own in this process (deprecations,
# "missing cell id", autoflush); what the notebooks write is checked from their outputs.
pytestmark = pytest.mark.filterwarnings("ignore")


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A fresh release of every notebook, in a temporary nbgrader course folder."""
    course = CourseDirectory(tmp_path_factory.mktemp("course"))
    return course, release.generate(course)


@pytest.fixture(scope="module")
def graded(released):
    course, notebooks = released
    expected = grade_sample(course, notebooks)
    return course, notebooks, expected, score_table(course.db_url)


# ---------------------------------------------------------------- the release
def test_every_notebook_has_a_source_and_at_least_three_exercises():
    assert NAMES, "no notebook sources in solutions/"
    for name in NAMES:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name)
        assert len(solution_ids(read_source(release.SOLUTIONS / f"{name}.py"))) >= 3


def test_committed_release_is_what_the_sources_give(released):
    _, notebooks = released
    assert release.differences(notebooks) == []


def _regions(source, begin, end):
    """The lines strictly between begin and end markers."""
    inside, lines = False, []
    for line in source.splitlines():
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            lines.append(line.strip())
    return lines


@pytest.mark.parametrize("name", NAMES)
def test_release_carries_no_answers_no_hidden_tests_no_outputs(name):
    text = (release.NOTEBOOKS / name / f"{name}.ipynb").read_text()
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    nb = nbformat.reads(text, as_version=4)
    released_code = "\n".join(c.source for c in nb.cells)
    source = read_source(release.SOLUTIONS / f"{name}.py")
    public = "\n".join(line for c in source.cells for line in c.source.splitlines()
                       if not c.metadata["nbgrader"]["solution"])
    for cell in source.cells:
        hidden = _regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
        answer = _regions(cell.source, "BEGIN SOLUTION", "END SOLUTION")
        for line in hidden + [a for a in answer if len(a) > 12 and a not in public]:
            assert line not in released_code, f"{name}: {line!r} leaked into the release"
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")
    assert not list((release.NOTEBOOKS / name).glob("*.py"))


# ---------------------------------------------------------------- the solutions run
@pytest.mark.parametrize("name", NAMES)
def test_solution_notebook_runs_top_to_bottom_cleanly(name):
    warm_up()
    seconds, problems, _ = execute(release.SOLUTIONS / f"{name}.py")
    print(f"{name}: {seconds:.1f} s")  # timing targets live in benchmarks/, not here
    assert problems == []


# ---------------------------------------------------------------- grading
@pytest.mark.parametrize("student", [s.id for s in sample_class.STUDENTS])
def test_sample_class_gets_the_contract_grades(graded, student):
    _, notebooks, expected, table = graded
    for name in notebooks:
        score, max_score = table[student][name]
        assert max_score == sum(points(read_source(release.SOLUTIONS / f"{name}.py")).values())
        assert score == expected[student, name], f"{student} on {name}"


def test_full_marks_for_the_solution_and_zero_for_the_release(graded):
    _, notebooks, _, table = graded
    for name in notebooks:
        assert table["ada"][name][0] == table["ada"][name][1] > 0
        assert table["cyd"][name][0] == 0


def test_grades_csv_and_feedback(graded):
    course, notebooks, expected, _ = graded
    with open(course.path("grades.csv")) as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(sample_class.STUDENTS) * len(notebooks)
    for row in rows:
        assert float(row["score"]) == expected[row["student_id"], row["assignment"]]
    for student in sample_class.STUDENTS:
        for name in notebooks:
            html = course.path("feedback", student.id, name, f"{name}.html").read_text()
            assert "BEGIN HIDDEN TESTS" not in html and "hidden=True" not in html


def test_deleted_test_cell_is_put_back_and_graded(graded):
    course, notebooks, _, _ = graded
    name = next(iter(notebooks))
    last = solution_ids(read_source(release.SOLUTIONS / f"{name}.py"))[-1]
    submitted = nbformat.read(course.path("submitted", "fay", name, f"{name}.ipynb"), 4)
    autograded = nbformat.read(course.path("autograded", "fay", name, f"{name}.ipynb"), 4)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in submitted.cells]
    assert f"test_{last}" not in ids
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in autograded.cells]
    assert f"test_{last}" in ids


def test_regrading_gives_the_same_grades(graded):
    course, notebooks, _, table = graded
    name = next(iter(notebooks))
    grade_class(course, [name], force=True, out=io.StringIO())
    again = score_table(course.db_url)
    assert {s: row[name] for s, row in again.items()} == {s: row[name]
                                                          for s, row in table.items()}


def test_validate_button_still_works(graded):
    """What the student's Validate button runs: nbgrader's validator, in a real kernel."""
    from nbgrader.validator import Validator

    course, notebooks, _, _ = graded
    name = next(iter(notebooks))
    validator = Validator()
    complete = validator.validate(str(course.path("submitted", "ada", name, f"{name}.ipynb")))
    untouched = validator.validate(str(course.path("submitted", "cyd", name, f"{name}.ipynb")))
    assert complete == {}  # no failed, changed or type-changed cells
    assert untouched.get("failed")


# ---------------------------------------------------------------- the source format
def _source(tmp_path, text):
    path = tmp_path / "99_bad.py"
    path.write_text(text)
    return path


def test_test_cell_must_follow_its_solution(tmp_path):
    text = '# %%\nx = 1\n\n# %% grade_id="test_f" points=1\nassert x\n'
    with pytest.raises(SourceError, match="must follow its solution cell"):
        read_source(_source(tmp_path, text))


def test_test_cell_named_after_its_solution(tmp_path):
    text = ('# %% grade_id="f" solution=true\ndef f():\n    return 1\n\n'
            '# %% grade_id="test_g" points=1\nassert f()\n')
    with pytest.raises(SourceError, match="must be called 'test_f'"):
        read_source(_source(tmp_path, text))


def test_solution_without_test_and_bad_points(tmp_path):
    with pytest.raises(SourceError, match=r"solution cells without a test cell: \['f'\]"):
        read_source(_source(tmp_path, '# %% grade_id="f" solution=true\ndef f():\n    pass\n'))
    text = ('# %% grade_id="f" solution=true\ndef f():\n    return 1\n\n'
            '# %% grade_id="test_f" points=-1\nassert f()\n')
    with pytest.raises(SourceError, match="points must be a positive number"):
        read_source(_source(tmp_path, text))


def test_source_ids_are_stable(tmp_path):
    path = release.SOLUTIONS / f"{NAMES[0]}.py"
    first, second = read_source(path), read_source(path)
    assert [c.id for c in first.cells] == [c.id for c in second.cells]
    assert nbformat.writes(first) == nbformat.writes(second)
