"""From a notebook's reviewable source to the .ipynb that nbgrader reads.

Each notebook's master copy is ``solutions/NN_topic.py``, a jupytext "percent" file: cells start
with ``# %%`` lines, markdown cells with ``# %% [markdown]``. Three kinds of cell carry
nbgrader's roles, set by short keys on the ``# %%`` line:

    # %% grade_id="rnn_cell_forward" solution=true     the learner's answer (autograded)
    # %% grade_id="test_rnn_cell_forward" points=3     a test cell worth 3 points (locked)

Each solution cell X is followed by exactly one test cell ``test_X`` that grades it. Every
other cell is locked read-only, with an id made from its position. Cell ids are set to
the grade ids, so the generated notebook is byte-for-byte the same on every build (jupytext
alone draws new random ids each time).

The .py file lives in ``solutions/``, outside the assignment folder ``solutions/NN_topic/``
that nbgrader copies into the release: it can never leak into the student version.
"""

import re
from pathlib import Path

import jupytext
import nbformat

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}
ROLE_KEYS = ("grade_id", "solution", "points")
GRADE_ID = re.compile(r"^[a-z0-9_]{1,60}$")


class SourceError(ValueError):
    """A notebook source breaks the rules above; the message names the file and the cell."""


def read_source(path):
    """Read ``solutions/NN_topic.py`` and return the nbformat notebook nbgrader will take."""
    path = Path(path)
    try:
        nb = jupytext.read(path, fmt="py:percent")
    except Exception as error:  # jupytext raises many types; the message is what matters
        raise SourceError(
            f"{path}: cannot be read as a jupytext percent notebook: {error}") from error
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {"kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    seen = set()
    previous_role = previous_solution = None
    for index, cell in enumerate(nb.cells):
        role = {k: cell.metadata.get(k) for k in ROLE_KEYS if k in cell.metadata}
        where = f"{path.name}, cell {index + 1}"
        grade_id = role.get("grade_id") or f"{cell.cell_type[:2]}_{index:03d}"
        if not GRADE_ID.match(grade_id):
            raise SourceError(f"{where}: grade_id {grade_id!r} must match {GRADE_ID.pattern}")
        if grade_id in seen:
            raise SourceError(f"{where}: grade_id {grade_id!r} is used twice")
        seen.add(grade_id)
        nbgrader = _nbgrader_metadata(role, grade_id, where)
        kind = "solution" if nbgrader["solution"] else "test" if nbgrader["grade"] else None
        if kind == "test" and previous_role != "solution":
            # nbgrader re-inserts a deleted test cell after the solution or test cell before
            # it in the source, and fails if that cell is an ordinary one.
            raise SourceError(f"{where}: test cell {grade_id!r} must follow its solution cell")
        if kind == "test" and grade_id != f"test_{previous_solution}":
            raise SourceError(f"{where}: the test cell after solution {previous_solution!r} "
                              f"must be called 'test_{previous_solution}', not {grade_id!r}")
        if kind == "solution":
            previous_solution = grade_id
        previous_role = kind
        new = (nbformat.v4.new_markdown_cell if cell.cell_type == "markdown"
               else nbformat.v4.new_code_cell)(cell.source)
        new.id = grade_id.replace("_", "-")
        new.metadata = {"nbgrader": nbgrader}
        notebook.cells.append(new)
    untested = set(solution_ids(notebook)) - {t.removeprefix("test_") for t in points(notebook)}
    if untested:
        raise SourceError(f"{path.name}: solution cells without a test cell: {sorted(untested)}")
    nbformat.validate(notebook)
    return notebook


def _nbgrader_metadata(role, grade_id, where):
    solution = bool(role.get("solution", False))
    points = role.get("points")
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))
                               or points <= 0):
        raise SourceError(f"{where}: points must be a positive number, got {points!r}")
    grade = points is not None
    if solution and grade:
        raise SourceError(f"{where}: a cell is either a solution or a test, not both")
    if ("solution" in role or "points" in role) and "grade_id" not in role:
        raise SourceError(f"{where}: a solution or test cell needs a grade_id")
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def write_source_notebook(source, target):
    """Convert one source to ``target`` (an .ipynb path); return the notebook."""
    notebook = read_source(source)
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return notebook


def points(notebook):
    """{test grade_id: points} of a notebook from read_source, in notebook order."""
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in notebook.cells if c.metadata["nbgrader"]["grade"]}


def solution_ids(notebook):
    """The grade ids of the solution cells, in notebook order."""
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if c.metadata["nbgrader"]["solution"]]
