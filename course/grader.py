"""The trusted grader: what instructors use instead of bare ``nbgrader autograde``.

For each submission, the code that defines the student's functions runs in a sandbox
(course.sandbox): the locked cells' imports and definitions from the instructor's source,
and the student's own cells. Test cells are never run, and never taken from the submission:
the grader reads the ``check(...)`` calls of the source's test cells, makes each check's
cases here, has the sandbox call the student's function on them, and compares what comes
back with seqlib's reference here (seqlib.checks' ``verify``). Nothing the submission
patches, prints or returns can change a verdict, and a crash, a hang or a memory kill costs
only the exercises it touches.

Each submission's result is written as JSON beside nbgrader's autograded notebook, with a
hash of its inputs, so re-running skips what is done and resumes after an interruption; the
scores go into nbgrader's gradebook (course.gradebook_sync) so that the formgrader,
``nbgrader generate_feedback`` and ``nbgrader export`` work as usual.
"""

import ast
import hashlib
import json
import threading
import time
from dataclasses import asdict, dataclass, field

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from course import wire
from course.sandbox import Sandbox, SandboxError
from seqlib.checks import EXERCISES
from seqlib.checks._core import CheckFailed, Handed, verify

SCHEMA = 1
# CPython 3.11's ast module is not safe to use from two threads at once ("AST constructor
# recursion depth mismatch"); the grader parses in worker threads, so parsing takes turns.
_PARSING = threading.Lock()


@dataclass
class Limits:
    exercise: float = 10.0  # seconds for one check (all its cases)
    submission: float = 120.0  # seconds for a whole submission
    setup: float = 30.0  # seconds for the student's cells to define their functions
    memory: int = 2 * 2**30  # bytes of address space


@dataclass
class CheckCall:
    """One ``check(name, fn, seed=..., hidden=...)`` line of a source test cell."""

    exercise: str
    fn: str
    seed: int
    hidden: bool


@dataclass
class TestResult:
    grade_id: str
    points: float
    score: float = 0.0
    message: str = ""
    hints: list = field(default_factory=list)


@dataclass
class Result:
    """One student's result on one notebook."""

    student: str
    notebook: str
    status: str  # "graded", "crashed", "timed out", "corrupt notebook" (with a reason)
    tests: list
    isolation: str = ""
    seconds: float = 0.0
    inputs: str = ""  # hash of the source and the submission: what the result is for
    schema: int = SCHEMA

    @property
    def score(self):
        return sum(t.score for t in self.tests)

    @property
    def max_score(self):
        return sum(t.points for t in self.tests)

    def to_json(self):
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        data["tests"] = [TestResult(**t) for t in data["tests"]]
        return cls(**data)


class SourceNotGradable(ValueError):
    """A source test cell holds something the trusted grader cannot run outside the kernel."""


# ---------------------------------------------------------------- reading the source
def check_calls(source):
    """The check(...) calls of a test cell; anything else in it is a SourceNotGradable."""
    with _PARSING:
        tree = ast.parse(TransformerManager().transform_cell(source))
    calls = []
    for statement in tree.body:
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # the docstring
        call = statement.value if isinstance(statement, ast.Expr) else None
        ok = (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
              and call.func.id == "check" and len(call.args) == 2
              and isinstance(call.args[0], ast.Constant) and isinstance(call.args[1], ast.Name))
        keywords = {k.arg: k.value for k in call.keywords} if ok else {}
        ok = ok and set(keywords) <= {"seed", "hidden"} and all(
            isinstance(v, ast.Constant) for v in keywords.values())
        if not ok:
            raise SourceNotGradable(f"line {statement.lineno}: a test cell may only call "
                                    "check(\"exercise\", function, seed=N, hidden=True)")
        name = call.args[0].value
        if name not in EXERCISES:
            raise SourceNotGradable(f"line {statement.lineno}: no exercise called {name!r}")
        calls.append(CheckCall(name, call.args[1].id,
                               int(keywords["seed"].value) if "seed" in keywords else 0,
                               bool(keywords["hidden"].value) if "hidden" in keywords
                               else False))
    return calls


def plan(source_nb):
    """[(grade_id, points, [CheckCall])] for the test cells of an instructor notebook."""
    tests = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            try:
                tests.append((meta["grade_id"], float(meta["points"]), check_calls(cell.source)))
            except (SourceNotGradable, SyntaxError) as error:
                raise SourceNotGradable(f"test cell {meta['grade_id']}: {error}") from None
    return tests


SETUP_STATEMENTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)


def setup_cells(source_nb, submission_nb):
    """The code to run before calling the student's functions, in notebook order.

    From the source: the imports and function or class definitions of each locked code cell
    (the demonstrations, which may call the student's functions, are left out; test cells
    are never run). From the submission: each solution cell, found by its grade id, and every
    code cell the student added, after the cell it followed.
    """
    answers, added, previous = {}, {}, None
    for cell in submission_nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.get("cell_type") != "code":
            continue
        if grade_id is None:
            added.setdefault(previous, []).append(cell.source)
        else:
            answers[grade_id] = cell.source
            previous = grade_id
    cells = list(added.get(None, []))
    transformer = TransformerManager()
    for cell in source_nb.cells:
        meta = cell.metadata["nbgrader"]
        grade_id = meta["grade_id"]
        if cell.cell_type != "code" or meta["grade"]:
            pass
        elif meta["solution"]:
            cells.append(answers.get(grade_id, ""))
        else:
            with _PARSING:
                tree = ast.parse(transformer.transform_cell(cell.source))
                kept = [s for s in tree.body if isinstance(s, SETUP_STATEMENTS)]
                if kept:
                    cells.append(ast.unparse(ast.Module(body=kept, type_ignores=[])))
        cells.extend(added.get(grade_id, []))
    # magics and shell escapes become get_ipython() calls here, so the sandbox runs plain
    # Python without importing IPython
    with _PARSING:
        return [transformer.transform_cell(c) for c in cells]


def forbidden_functions(tests):
    """'module:qualname' of seqlib's answers to this notebook's exercises."""
    names = set()
    for _, _, calls in tests:
        for call in calls:
            exercise = EXERCISES[call.exercise]
            for fn in (exercise.reference, *exercise.forbidden):
                names.add(f"{fn.__module__}:{fn.__qualname__}")
    return sorted(names)


# ---------------------------------------------------------------- grading one submission
def inputs_hash(source_path, submission_path, limits):
    digest = hashlib.sha256()
    for path in (source_path, submission_path):
        digest.update(path.read_bytes())
    digest.update(repr((SCHEMA, asdict(limits))).encode())
    return digest.hexdigest()


def grade(student, notebook, source_nb, submission_path, hidden, limits=None):
    """Grade one submission; never raises for anything the submission does."""
    from course.sandbox import isolation

    limits = limits or Limits()
    start = time.monotonic()
    tests = plan(source_nb)
    results = [TestResult(grade_id, points) for grade_id, points, _ in tests]
    isolated = isolation()[1]
    try:
        # read, not validated: a duplicated cell id is the student's doing, not a reason to
        # drop the submission (the answers are found by grade id, the tests come from the
        # source)
        submission = nbformat.reads(submission_path.read_text(), as_version=4)
        if not isinstance(submission.get("cells"), list):
            raise ValueError("it has no list of cells")
    except Exception as error:  # nbformat raises many kinds for a damaged file
        for r in results:
            r.message = f"the notebook could not be read: {str(error)[:300]}"
        return Result(student, notebook, "corrupt notebook", results, isolated,
                      time.monotonic() - start)
    cells = setup_cells(source_nb, submission)
    runner = _Runner(cells, forbidden_functions(tests), hidden, limits)
    status = "graded"
    try:
        for (_, points, calls), result in zip(tests, results, strict=True):
            outcome = runner.run_test(calls, deadline=start + limits.submission)
            result.score = points if outcome.passed else 0.0
            result.message, result.hints = outcome.message, sorted(outcome.notes)
            if outcome.status != "graded":
                status = outcome.status
    finally:
        runner.close()
    if status == "graded":
        status = runner.status
    return Result(student, notebook, status, results, isolated, time.monotonic() - start)


@dataclass
class _Outcome:
    passed: bool
    message: str
    notes: set
    status: str = "graded"


class _Runner:
    """Drives one Sandbox through the checks of a notebook, restarting it after a crash."""

    def __init__(self, cells, forbidden, hidden, limits):
        self.cells, self.forbidden, self.limits = cells, forbidden, limits
        self.sandbox = Sandbox(hidden, limits.memory)
        self.setup_problems = None
        self.skipped = []  # setup cells left out because they hung or crashed
        self.status = "graded"

    def close(self):
        self.sandbox.close()

    def _ensure_started(self):
        """Start the sandbox; a cell that hangs or kills it at setup is left out (and said
        so) and the sandbox started again, so one bad cell costs only what depends on it."""
        while self.sandbox.proc is None:
            try:
                setup = self.sandbox.start(self.cells, self.forbidden, self.limits.setup)
            except SandboxError as error:
                bad = len(self.sandbox.setup)
                self.sandbox.close()
                if bad >= len(self.cells):
                    raise
                what = "did not finish in time" if error.kind == "timeout" else str(error)
                self.skipped.append(f"setup cell {bad + 1} was left out: {what}")
                self.cells = [*self.cells[:bad], "pass", *self.cells[bad + 1:]]
                self.status = "timed out" if error.kind == "timeout" else "crashed"
                continue
            self.setup_problems = [f"cell {i + 1}: {error}" for i, (ok, error)
                                   in enumerate(setup) if not ok] + self.skipped

    def run_test(self, calls, deadline):
        notes, messages = set(), []
        for call in calls:
            try:
                self._ensure_started()
                n, call_notes = verify(EXERCISES[call.exercise], call.seed, call.hidden,
                                       self._caller(call, deadline))
                notes |= call_notes
                messages.append(f"✓ {call.exercise}: {n} {'hidden ' if call.hidden else ''}"
                                f"case{'s' if n != 1 else ''} passed")
            except CheckFailed as failure:
                return _Outcome(False, str(failure), notes | set(self._setup_notes()))
            except SandboxError as error:
                self.sandbox.close()  # the next check starts a fresh process
                status = {"timeout": "timed out", "died": "crashed"}.get(error.kind, "crashed")
                what = (f"{call.exercise} did not finish within the time limit"
                        if error.kind == "timeout" else f"{call.exercise}: {error}")
                return _Outcome(False, what, notes, status)
        return _Outcome(True, "\n".join(messages), notes)

    def _setup_notes(self):
        return [f"while running your notebook's cells: {p}" for p in self.setup_problems or []]

    def _caller(self, call, deadline):
        exercise_deadline = min(deadline, time.monotonic() + self.limits.exercise)

        def learner(case, notes):
            left = exercise_deadline - time.monotonic()
            if left <= 0:
                raise SandboxError("timeout", "time limit reached")
            reply = self.sandbox.call(call.fn, wire.encode(case.args),
                                      wire.encode(case.kwargs), left)
            for warning in reply.get("warnings", []):
                notes.add(f"{call.exercise} raised a warning on case '{case.name}': "
                          f"{warning}. The answer can still be right, but a numerically "
                          "stable formula avoids it.")
            if reply.get("delegated") or reply.get("kind") == "delegated":
                raise CheckFailed(f"{call.fn} calls seqlib's own {call.exercise}, which "
                                  "scores zero: the exercise is to write it yourself")
            if not reply.get("ok"):
                kind, error = reply.get("kind"), str(reply.get("error", ""))[:1000]
                if kind == "not implemented":
                    raise CheckFailed(f"{call.fn} is not implemented yet")
                if kind == "missing":
                    raise CheckFailed(f"{error}: did you rename or delete it?")
                raise CheckFailed(f"{call.fn} raised {error} on case '{case.name}'")
            _restore_handed(case, wire.decode(str(reply.get("args_after"))))
            return wire.decode(str(reply["result"]))

        return learner


def _restore_handed(case, args_after):
    """Give each Handed argument the contents the student's function left in it."""
    if not isinstance(args_after, (list, tuple)):
        return
    for given, after in zip(case.args, args_after, strict=False):
        if isinstance(given, Handed) and isinstance(after, dict):
            given.clear()
            given.update(after)
