"""An nbgrader course directory, and nbgrader's steps run in it.

The layout is nbgrader's own (``source/``, ``release/``, ``submitted/``, ``autograded/``,
``feedback/``, the SQLite ``gradebook.db``), under a build folder (``build/course`` by
default) so that nothing nbgrader writes lands among the committed files. The folder's
``nbgrader_config.py`` holds the settings below, so an instructor's own ``nbgrader`` commands
and the formgrader, run in that folder, behave exactly as this module does.

The steps run through nbgrader's Python API (``NbGraderAPI``), in this process: each
``nbgrader`` command line spends about 5 s importing before it starts, 30 times per class.
Every step is forced: without ``force`` nbgrader silently keeps old output.
"""

import os
import shutil
from pathlib import Path

# Settings that make grades trustworthy and runs fast; each line says why.
CONFIG = """\
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from course.feedback import ClearHiddenTracebacks

c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "sequence-models"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
# A deleted test cell is put back from the source and graded (nbgrader's default skips it).
c.OverwriteCells.add_missing_cells = True
# An answer stuck in a loop is interrupted after this many seconds per cell; the other cells
# still run. The slowest solution cell takes a few seconds.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# Keep kernels quiet (their log goes to the grader's stderr) and their history in memory.
c.Execute.extra_arguments = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]
# Shut kernels down at once: the graceful default waits seconds per notebook.
c.Execute.shutdown_kernel = "immediate"
# Feedback shows the test cells without their hidden part, in the source or in a traceback
# (nbgrader's default shows it all).
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor,
                                    ClearHiddenTracebacks, ClearHiddenTests]
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
"""

# One BLAS thread per process: on 2 cores, kernels with threaded BLAS stall each other, and
# the small matrices of the course gain nothing from threads.
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


class NbgraderError(RuntimeError):
    """An nbgrader step failed; the message holds its log and traceback."""


class CourseDirectory:
    """An nbgrader course folder at ``root``; ``timeout`` seconds per cell when grading."""

    def __init__(self, root, timeout=10):
        # imported here: nbgrader takes seconds to import, and `course check` of a single
        # notebook source needs none of it
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory as NbCourseDirectory
        from traitlets.config.loader import PyFileConfigLoader

        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "nbgrader_config.py").write_text(
            CONFIG.format(root=str(self.root), timeout=timeout))
        os.environ.update(SINGLE_THREAD)  # inherited by every kernel nbgrader starts
        config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
        self.db_url = config.CourseDirectory.db_url
        self.api = NbGraderAPI(coursedir=NbCourseDirectory(config=config), config=config)
        self.config = config

    def path(self, *parts):
        return self.root.joinpath(*parts)

    def reset_grading(self):
        """Forget every submission and grade: remove submitted/, autograded/, feedback/ and
        the gradebook (released notebooks stay)."""
        for folder in ("submitted", "autograded", "feedback"):
            shutil.rmtree(self.path(folder), ignore_errors=True)
        self.path("gradebook.db").unlink(missing_ok=True)

    def _check(self, what, result):
        if not result["success"]:
            raise NbgraderError(f"nbgrader {what} failed:\n{result.get('log', '')}\n"
                                f"{result.get('error', '')}")
        return result

    def add_students(self, students):
        """Put (id, first name, last name) triples in the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            for student_id, first, last in students:
                gb.update_or_create_student(student_id, first_name=first, last_name=last)

    def generate_assignment(self, assignment):
        return self._check(f"generate_assignment {assignment}",
                           self.api.generate_assignment(assignment, force=True))

    def autograde(self, assignment, student):
        return self._check(f"autograde {assignment} for {student}",
                           self.api.autograde(assignment, student, force=True))

    def generate_feedback(self, assignment, student=None):
        return self._check(f"generate_feedback {assignment}",
                           self.api.generate_feedback(assignment, student, force=True))

    def export(self, csv_path):
        """nbgrader export: the gradebook as a CSV, one row per student and assignment."""
        from nbgrader.api import Gradebook
        from nbgrader.plugins import CsvExportPlugin

        plugin = CsvExportPlugin(config=self.config)
        plugin.to = str(csv_path)
        with Gradebook(self.db_url) as gb:
            plugin.export(gb)
