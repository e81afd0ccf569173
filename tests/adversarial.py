"""An adversarial class for notebook 02: one submission per way of gaming plain
``nbgrader autograde`` (issue 6's list), plus honest ones.

Every submission starts from the complete answers (as the sample class's ada) and then
attacks, mostly through the last exercise, ``encoder_decoder`` (1 point, called by nothing
else) or the standalone ``rnn_cell_forward_stacked`` (2 points), so that each expected
score follows from the notebook's points: ``expected(points)`` below.
"""

import json
from dataclasses import dataclass

import nbformat

from course import sample_class

NOTEBOOK = "02_rnn_forward"
LAST = "encoder_decoder"
STANDALONE = "rnn_cell_forward_stacked"


@dataclass(frozen=True)
class Attack:
    student: str
    what: str  # the wording
    replace: dict  # {solution grade_id: code appended to the complete answer}
    added_cells: tuple = ()  # code cells the student adds before the first answer
    lost: tuple = ()  # exercises (solution ids) the attack must cost
    status: tuple = ("graded",)  # what the status may be
    tamper_tests: bool = False
    corrupt: bool = False


ZEROS = f'''
def {LAST}(x, a0, enc_parameters, dec_parameters, T_y):
    return np.zeros((dec_parameters["Wya"].shape[0], x.shape[1], T_y))
'''

ATTACKS = (
    Attack("att01", "reads the solutions and hidden tests and prints them into its feedback",
           {LAST: f'''
def {LAST}(*args, **kwargs):
    import glob, os
    found = []
    # the attacker knows where the course lives (the repository is public) and where
    # nbgrader autograde runs (autograded/<student>/<assignment> in the course folder)
    patterns = ("REPO_PATH/solutions/*.py", "COURSE_PATH/source/*/*.ipynb",
                "COURSE_PATH/gradebook.db", "COURSE_PATH/submitted/*/*/*.ipynb",
                "../../../source/*/*.ipynb", "../../../../solutions/*.py")
    for pattern in patterns:
        for path in glob.glob(pattern)[:20]:
            try:
                found.append(path + ":" + open(path, errors="replace").read())
            except OSError as error:
                found.append(path + ":" + str(error))
    raise RuntimeError("LEAKED " + " | ".join(found)[:3000])
'''}, lost=(LAST,)),
    Attack("att02", "opens gradebook.db and writes its own scores",
           {LAST: ZEROS}, added_cells=('''
import glob, sqlite3
for path in ["COURSE_PATH/gradebook.db", "../../../gradebook.db"]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET auto_score = 100")
        db.commit()
    except Exception:
        pass
''',), lost=(LAST,)),
    Attack("att03", "replaces np.allclose and the checker so every comparison passes",
           {LAST: ZEROS}, added_cells=('''
import numpy as np
import seqlib.checks._core as core
np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
core.expect_array = lambda *args, **kwargs: None
core.Exercise.compare = lambda *args, **kwargs: None
''',), lost=(LAST,)),
    Attack("att04", "adds an IPython input transformer that turns test cells into pass",
           {LAST: ZEROS}, added_cells=('''
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
''',), lost=(LAST,)),
    Attack("att05", "calls seqlib's reference instead of implementing the exercise",
           {LAST: f'''
from seqlib.checks.rnn_forward import {LAST} as _reference


def {LAST}(*args, **kwargs):
    return _reference(*args, **kwargs)
'''}, lost=(LAST,)),
    Attack("att06", "loops forever and ignores the interrupt",
           {LAST: f'''
def {LAST}(*args, **kwargs):
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        try:
            pass
        except BaseException:
            pass
'''}, lost=(LAST,), status=("timed out",)),
    Attack("att07", "kills its own process with os._exit",
           {STANDALONE: f'''
def {STANDALONE}(*args, **kwargs):
    import os
    os._exit(0)
'''}, lost=(STANDALONE,), status=("crashed",)),
    Attack("att08", "allocates memory until the machine suffers",
           {STANDALONE: f'''
def {STANDALONE}(*args, **kwargs):
    hoard = []
    while True:
        hoard.append(np.ones(50_000_000))
'''}, lost=(STANDALONE,),
           # MemoryError at the limit, or, on a loaded machine, the time limit first
           status=("graded", "timed out")),
    Attack("att09", "a correct answer that sends numpy warnings to stderr",
           {"rnn_cell_forward": '''
_original = rnn_cell_forward


def rnn_cell_forward(xt, a_prev, parameters):
    import sys
    np.log(np.zeros(1))  # RuntimeWarning: divide by zero
    print("debugging output", file=sys.stderr)
    return _original(xt, a_prev, parameters)
'''}),
    Attack("att10", "returns an ndarray subclass whose comparisons are always true",
           {LAST: f'''
class _Liar(np.ndarray):
    def __eq__(self, other):
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True


def {LAST}(x, a0, enc_parameters, dec_parameters, T_y):
    return np.zeros((dec_parameters["Wya"].shape[0], x.shape[1], T_y)).view(_Liar)
'''}, lost=(LAST,)),
    Attack("att11", "returns NaNs",
           {STANDALONE: f'''
def {STANDALONE}(xt, a_prev, Wa, ba):
    return np.full(a_prev.shape, np.nan)
'''}, lost=(STANDALONE,)),
    Attack("att12", "returns the right values with the wrong dtype",
           {STANDALONE: f'''
_right = {STANDALONE}


def {STANDALONE}(xt, a_prev, Wa, ba):
    return _right(xt, a_prev, Wa, ba).astype(np.float16).astype(object)
'''}, lost=(STANDALONE,)),
    Attack("att13", "deletes, duplicates and edits test cells", {}, tamper_tests=True),
    Attack("att14", "hands in a corrupt notebook", {}, corrupt=True,
           status=("corrupt notebook",)),
)


def expected(attack, points):
    """The score an attack should get: every point but the exercises it loses."""
    if attack.corrupt:
        return 0.0
    return float(sum(p for test, p in points.items()
                     if test.removeprefix("test_") not in attack.lost))


def submission(attack, release, solutions, repo, course):
    """The notebook (or, when corrupt, the text) the attacker hands in; repo and course
    are the paths the attacks aim at."""
    nb = sample_class.submission("ada", release, solutions)
    if attack.corrupt:
        return json.dumps(nbformat.writes(nb))[:5000]  # a truncated, doubly encoded mess
    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in attack.replace:
            cell.source += "\n\n" + attack.replace[grade_id]
        if attack.tamper_tests and meta.get("grade"):
            if grade_id.endswith("rnn_forward"):
                continue  # deleted
            if grade_id.endswith("many_to_one"):
                cells.append(nbformat.v4.new_code_cell("pass", metadata=cell.metadata))
                continue  # edited to nothing
            cells.append(cell)  # and duplicated below
        cells.append(cell)
    first_answer = next(i for i, c in enumerate(cells)
                        if c.metadata.get("nbgrader", {}).get("solution"))
    for code in reversed(attack.added_cells):
        cells.insert(first_answer, nbformat.v4.new_code_cell(code))
    nb.cells = cells
    return nbformat.writes(nb).replace("REPO_PATH", str(repo)).replace("COURSE_PATH",
                                                                       str(course))
