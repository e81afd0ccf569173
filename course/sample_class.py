"""The sample class: six submissions made from the sources, so they never drift from them.

Each student starts from the released notebook, as a real student does, and fills in
solution cells with the instructor's answers (solution markers dropped), or does not:

    ada  every answer, correct                          -> full marks
    bob  only the first answer of each notebook          -> the first exercise's points
    cyd  nothing: hands in the release untouched         -> 0
    dan  the last answer loops forever when called       -> all but the last exercise
    eve  the last answer raises an exception             -> all but the last exercise
    fay  leaves the last answer out and deletes its test -> all but the last exercise
         cell (nbgrader puts it back from the source and grades it)

The later exercises of a notebook may call the earlier ones, never the other way round, so
breaking the last answer costs exactly the last exercise's points.
"""

import ast
from dataclasses import dataclass

import nbformat

from course.release import SOLUTIONS
from course.source import points, read_source

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class Student:
    id: str
    first_name: str
    last_name: str
    behaviour: str


STUDENTS = (
    Student("ada", "Ada", "Lovelace", "complete and correct"),
    Student("bob", "Bob", "Babbage", "answers only the first exercise"),
    Student("cyd", "Cyd", "Charisse", "hands in the untouched release"),
    Student("dan", "Dan", "Dennett", "the last answer loops forever"),
    Student("eve", "Eve", "Easley", "the last answer raises an exception"),
    Student("fay", "Fay", "Fairbanks", "skips the last answer and deletes its test cell"),
)


def answer(source):
    """A solution cell's source as a student would type it: without the markers."""
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in SOLUTION_MARKERS)


def last_function_name(source):
    """The name of the last function a cell defines."""
    names = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    if not names:
        raise ValueError(f"the solution cell defines no function:\n{source[:200]}")
    return names[-1]


def submission(student_id, release, solutions):
    """The notebook ``student_id`` hands in.

    release: the released notebook (nbformat); solutions: {solution grade_id: source} from
    the instructor's notebook, in notebook order.
    """
    nb = nbformat.reads(nbformat.writes(release), as_version=4)  # a deep copy
    ids = list(solutions)
    first, last = ids[0], ids[-1]
    fill = {"ada": ids, "bob": [first], "cyd": [], "dan": ids, "eve": ids,
            "fay": ids[:-1]}[student_id]
    cells = []
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in fill:
            cell.source = answer(solutions[grade_id])
        if grade_id == last and student_id in ("dan", "eve"):
            name = last_function_name(cell.source)
            body = ("    while True:  # never returns\n        pass" if student_id == "dan"
                    else '    raise RuntimeError("I ran out of time")')
            cell.source += f"\n\n\ndef {name}(*args, **kwargs):\n{body}\n"
        if student_id == "fay" and grade_id == f"test_{last}":
            continue  # deleted
        cells.append(cell)
    nb.cells = cells
    return nb


def expected_score(student_id, points):
    """The score a student should get; points is {test grade_id: points} in order."""
    values = list(points.values())
    return {"ada": sum(values), "bob": values[0], "cyd": 0, "dan": sum(values[:-1]),
            "eve": sum(values[:-1]), "fay": sum(values[:-1])}[student_id]


def write_submissions(course, released):
    """Write every student's submission of every released notebook into the course's
    submitted/ folder; return {(student, notebook): expected score}."""
    expected = {}
    for name, path in released.items():
        source = read_source(SOLUTIONS / f"{name}.py")
        solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
                     if c.metadata["nbgrader"]["solution"]}
        released_nb = nbformat.read(path, as_version=4)
        for student in STUDENTS:
            target = course.path("submitted", student.id, name, f"{name}.ipynb")
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(submission(student.id, released_nb, solutions), target)
            expected[student.id, name] = expected_score(student.id, points(source))
    return expected
