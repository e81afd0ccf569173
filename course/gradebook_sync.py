"""Putting the trusted grader's results where nbgrader expects autograde's.

For each graded submission: an autograded notebook (the instructor's notebook with the
student's answers in it and each test cell's verdict as its output: no test code ran, so
there is no traceback to leak hidden lines) and the scores in the gradebook, with the
verdict as the comment of the exercise's answer cell. nbgrader's formgrader,
``generate_feedback`` and ``export`` then work on them unchanged.
"""

import nbformat
from nbgrader.api import Gradebook, MissingEntry


def autograded_notebook(source_nb, submission_path, result):
    """The instructor's notebook, the student's answers in its solution cells, verdicts as
    the test cells' outputs."""
    nb = nbformat.reads(nbformat.writes(source_nb), as_version=4)  # a copy
    try:
        submission = nbformat.read(submission_path, as_version=4)
        answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
                   for c in submission.cells if c.get("cell_type") == "code"}
    except Exception:  # a corrupt submission: its verdicts say so
        answers = {}
    verdicts = {t.grade_id: t for t in result.tests}
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta["solution"] and meta["grade_id"] in answers:
            cell.source = answers[meta["grade_id"]]
        if meta["grade"]:
            t = verdicts[meta["grade_id"]]
            outputs = []
            if t.score == t.points:
                outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                      text=t.message + "\n"))
            else:
                outputs.append(nbformat.v4.new_output(
                    "error", ename="CheckFailed", evalue=t.message,
                    traceback=[f"CheckFailed: {t.message}"]))
            if t.hints:
                outputs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text="".join(f"hint: {h}\n" for h in t.hints)))
            cell.outputs = outputs
    return nb


def save(course, assignment, notebook, student, result, autograded_nb):
    """Write the autograded notebook and the scores."""
    path = course.path("autograded", student, assignment, f"{notebook}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(autograded_nb, path)
    with Gradebook(course.db_url) as gb:
        gb.update_or_create_student(student)
        try:
            gb.find_submission(assignment, student)
        except MissingEntry:
            gb.add_submission(assignment, student)
        for t in result.tests:
            grade = gb.find_grade(t.grade_id, notebook, assignment, student)
            grade.auto_score = t.score
            grade.needs_manual_grade = False
            solution_id = t.grade_id.removeprefix("test_")
            try:
                comment = gb.find_comment(solution_id, notebook, assignment, student)
                status = "" if result.status == "graded" else f"[{result.status}] "
                comment.auto_comment = f"{status}{t.message}"[:4000]
            except MissingEntry:
                pass
        gb.db.commit()
