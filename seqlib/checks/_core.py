"""The machinery behind every exercise check: cases, the reference, comparisons and hints.

An exercise is checked by calling the learner's function on a list of cases and comparing
each result with seqlib's reference on the same inputs. The pieces are kept apart (cases,
reference, comparison) so that a grader can call the learner's function in one process and
compare in another; ``run`` puts them together for a notebook's test cell.

A failed comparison raises ``CheckFailed`` (an AssertionError, so nbgrader scores the cell 0)
with a message meant for the learner: what was wrong, on which case, and, where the result
matches a known mistake, what the mistake probably is.
"""

import copy
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: The seed visible test cells use; hidden test cells pass their own.
PUBLIC_SEED = 0


class CheckFailed(AssertionError):
    """A learner's function gave a wrong result; the message says what and gives a hint."""


@dataclass
class Case:
    """One set of inputs for the learner's function.

    name: shown to the learner ("m = 1", "random, m = 4, T_x = 6")
    args: positional arguments (copied before each call, so a function that modifies its
        inputs cannot change the reference's)
    """

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass
class Exercise:
    """Everything needed to check one graded function.

    cases: (rng, hidden) -> list of Case; hidden adds the edge cases
    reference: seqlib's implementation, same signature as the learner's
    compare: (case, expected, got) -> None, raising CheckFailed
    forbidden: further functions the learner's answer must not call
    """

    name: str
    cases: Callable
    reference: Callable
    compare: Callable
    #: more functions that are seqlib's answer to this exercise (its internals): the trusted
    #: grader scores a learner's function that calls any of them, or the reference, as zero
    forbidden: tuple = ()


def run(exercise, fn, seed=PUBLIC_SEED, hidden=False):
    """Check ``fn`` against the reference on every case; print one line when all pass.

    Raises CheckFailed on the first wrong case. numpy warnings raised by ``fn`` are caught
    and shown as a note on stdout: a correct answer is never failed because of one.
    """
    if not callable(fn):
        raise CheckFailed(f"{exercise.name}: expected a function, got {type(fn).__name__}")
    n_cases, notes = verify(exercise, seed, hidden,
                            lambda case, notes: call_learner(exercise.name, fn, case, notes))
    for note in sorted(notes):
        print(f"note: {note}")
    kind = ("hidden " if hidden else "") + ("case" if n_cases == 1 else "cases")
    print(f"✓ {exercise.name}: {n_cases} {kind} passed")


def verify(exercise, seed, hidden, call):
    """Compare the learner's results with the reference on every case of an exercise.

    call(case, notes) -> what the learner's function returned for that case (raising
    CheckFailed if the call itself failed, adding warnings to the set ``notes``). In a test
    cell it calls the function directly; the trusted grader (course.grader) calls it in a
    sandbox, and only the comparison runs here. Returns (number of cases, notes).
    """
    cases = exercise.cases(np.random.default_rng(seed), hidden)
    notes = set()
    for case in cases:
        got = call(case, notes)
        expected = exercise.reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
        try:
            exercise.compare(case, expected, got)
        except CheckFailed as failure:
            raise CheckFailed(f"{exercise.name}, case '{case.name}': {failure}") from None
    return len(cases), notes


def call_learner(name, fn, case, notes):
    """fn(*case.args) with readable errors for the usual ways it can go wrong."""
    args = copy.deepcopy(case.args)
    kwargs = copy.deepcopy(case.kwargs)
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        try:
            got = fn(*args, **kwargs)
        except NotImplementedError:
            raise CheckFailed(
                f"{name} is not implemented yet: replace `raise NotImplementedError()` with "
                "your code"
            ) from None
    for w in caught:
        notes.add(f"{name} raised a warning on case '{case.name}': {w.message}. The answer "
                  "can still be right, but a numerically stable formula avoids it.")
    return got


class Handed(dict):
    """A dict handed to the learner's function itself, not a copy.

    ``run`` deep-copies every argument before calling the learner; this dict survives the
    copy, so a comparison can see what the function did to it (``clip`` must not modify its
    input; ``optimize`` must update its parameters in place). ``before`` keeps a copy of the
    values it was created with, for the reference and the hints.
    """

    def __init__(self, values):
        super().__init__(values)
        self.before = copy.deepcopy(dict(values))

    def __deepcopy__(self, memo):
        return self


class Wired:
    """A check's helper object (a loss function handed to ``gradient_check``) that can be
    rebuilt on the other side of the grading sandbox from its attributes (course.wire)."""

    def __wire_state__(self):
        return dict(vars(self))

    @classmethod
    def from_wire_state(cls, state):
        obj = cls.__new__(cls)
        vars(obj).update(state)
        return obj


# ---------------------------------------------------------------- comparisons
def kind(value):
    """What a value is, for a message: its type's name; for a value that the grading sandbox
    could not pass on (course.wire.Unsupported), the type the student's code returned."""
    if hasattr(value, "type_name"):
        return repr(value)
    return type(value).__name__


def expect_tuple(got, length, what):
    """Check that ``got`` is a tuple (or list) of ``length`` items; return it as a tuple."""
    if not isinstance(got, (tuple, list)) or len(got) != length:
        n = len(got) if isinstance(got, (tuple, list)) else None
        shown = f"{n} values" if n is not None else f"a {kind(got)}"
        raise CheckFailed(f"expected {length} return values ({what}), got {shown}")
    return tuple(got)


def expect_dict(got, keys, what="gradients"):
    """Check that ``got`` is a dict holding every key; return it."""
    if not isinstance(got, dict):
        raise CheckFailed(f"expected a dict of {what}, got {kind(got)}")
    missing = [k for k in keys if k not in got]
    if missing:
        raise CheckFailed(f"the returned dict is missing {', '.join(map(repr, missing))}")
    return got


def expect_array(name, got, expected, mistakes=(), atol=1e-7, rtol=1e-6):
    """Compare one returned array with the reference.

    mistakes: (wrong_value, hint) pairs; if ``got`` matches a wrong value, the hint is given.
    Checks, in order: an ndarray (not a list, not a subclass), the shape, a float dtype,
    finite values, then the values.
    """
    if type(got) is not np.ndarray:
        raise CheckFailed(f"{name} should be a numpy array, got {kind(got)}")
    if got.shape != expected.shape:
        hint = ""
        if got.shape == expected.shape[::-1]:
            hint = " (transposed? the layout is units first, then examples m, then time)"
        raise CheckFailed(f"{name} has shape {got.shape}, expected {expected.shape}{hint}")
    if not np.issubdtype(got.dtype, np.floating):
        raise CheckFailed(f"{name} has dtype {got.dtype}, expected a float array")
    if not np.all(np.isfinite(got)):
        raise CheckFailed(f"{name} contains NaN or inf values")
    if np.allclose(got, expected, atol=atol, rtol=rtol):
        return
    for wrong, hint in mistakes:
        if np.shape(wrong) == got.shape and np.allclose(got, wrong, atol=atol, rtol=rtol):
            raise CheckFailed(f"{name} has the right shape but the wrong values: {hint}")
    diff = float(np.max(np.abs(got - expected)))
    raise CheckFailed(f"{name} has the right shape but the wrong values "
                      f"(largest difference {diff:.3g})")


def expect_close(name, got, expected, mistakes=(), rel=1e-6):
    """Compare one returned number with the reference."""
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{name} should be a number, got {kind(got)}")
    if np.isclose(got, expected, rtol=rel, atol=1e-12):
        return
    for wrong, hint in mistakes:
        if np.isclose(got, wrong, rtol=rel, atol=1e-12):
            raise CheckFailed(f"{name} is {got:.6g}, expected {expected:.6g}: {hint}")
    raise CheckFailed(f"{name} is {got:.6g}, expected {expected:.6g}")


def expect_equal(name, got, expected, hint=""):
    """Exact equality for non-float results (ids, tokens, lists of strings)."""
    same = (np.array_equal(got, expected) if isinstance(expected, np.ndarray)
            else got == expected)
    if not same:
        raise CheckFailed(f"{name} is {got!r}, expected {expected!r}" + (f": {hint}" if hint
                                                                         else ""))
