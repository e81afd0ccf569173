"""Checks for notebook 08, bidirectional RNNs.

Graded functions and their references:
    reverse_time(x) -> x with the time axis (the last) reversed, (n_x, m, T_x)
    bidirectional_forward(x, parameters, cell) -> (a, y_pred, caches)
        a = [a→; a←] (n_a_f + n_a_b, m, T_x), y_pred (n_y, m, T_x), both directions from
        zeros, softmax output; caches in seqlib.bidirectional's format
    bidirectional_backward(da, caches) -> {"dx", "forward": {...}, "backward": {...}}

The last two are checked over all three cells (rnn, gru, lstm); the hidden cases add m = 1,
T_x = 1 and two directions of different sizes. ``bidirectional_backward`` is checked on
caches made by seqlib's own ``bidirectional_forward``, not by the learner's, so the two
exercises are graded independently. The format the learner reads is seqlib's:

    caches = {"states": (cell, n_a_f, caches_f, caches_b), "a_shape": a.shape,
              "output": the cache of output_forward}

where cell is ``seqlib.cells.get_cell(name)`` and caches_f, caches_b are what
``cell.forward_states`` returned for the forward direction (on x) and the backward one (on x
reversed in time). The learner's forward builds the same dict, and its check runs seqlib's
``bidirectional_backward`` on it, so a learner's caches work with either backward.
"""

import copy

import numpy as np

from seqlib import bidirectional
from seqlib._tree import leaves
from seqlib.activations import softmax
from seqlib.cells import Cell, get_cell
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    Wired,
    expect_array,
    expect_dict,
    expect_tuple,
)

CELLS = ("rnn", "gru", "lstm")
BACKWARD_KEYS = ("dx", "forward", "backward")

# ---------------------------------------------------------------- cases
class CheckCell(Cell, Wired):
    """The Cell of ``get_cell(name)``, able to cross the grading sandbox by its name.

    The caches handed to ``bidirectional_backward`` hold the cell object; a plain Cell (a
    dataclass of functions) cannot cross, so the cases hold this subclass, which behaves the
    same and is rebuilt on the other side from its name (course.wire).
    """

    @classmethod
    def named(cls, name):
        cell = get_cell(name)
        return cls(**{f: getattr(cell, f) for f in cell.__dataclass_fields__})

    def __wire_state__(self):
        return {"name": self.name}

    @classmethod
    def from_wire_state(cls, state):
        return cls.named(state["name"])




def _sizes(rng, hidden):
    """(name, (n_x, (n_a_f, n_a_b), n_y, m, T_x)) per case, for one cell.

    The visible case gives both directions the same n_a (so that mixing up the halves of a
    or da still has the right shapes and gets its hint); the hidden ones add different sizes
    and the edges. n_x, n_a and m are kept apart, so that a transposed result has a wrong
    shape.
    """
    def random(name, same):
        n_x, n_a_f, n_a_b, m = (int(s) for s in rng.choice(np.arange(2, 8), size=4,
                                                            replace=False))
        return (name, (n_x, (n_a_f, n_a_f if same else n_a_b), int(rng.integers(2, 5)), m,
                       int(rng.integers(3, 7))))

    sizes = [random("random, n_a_f = n_a_b", same=True)]
    if hidden:
        sizes += [random("n_a_f ≠ n_a_b", same=False),
                  ("m = 1", (3, (4, 2), 2, 1, 5)),
                  ("T_x = 1", (4, (3, 5), 3, 2, 1))]
    return sizes


def _jiggle(tree, rng, noise=0.5):
    """Parameters moved away from their initial values: zero biases would hide a bias bug."""
    if isinstance(tree, dict):
        return {k: _jiggle(w, rng, noise) for k, w in tree.items()}
    return tree + noise * rng.standard_normal(tree.shape)


def _model(rng, cell, n_x, n_a, n_y, m, T_x):
    """x (n_x, m, T_x) and BRNN parameters for ``cell``, directions of sizes n_a."""
    parameters = _jiggle(bidirectional.init_bidirectional(cell, n_x, n_a, n_y, rng), rng)
    return rng.standard_normal((n_x, m, T_x)), parameters


def _describe(cell, sizes):
    n_x, (n_a_f, n_a_b), n_y, m, T_x = sizes
    return f"cell='{cell}', n_x={n_x} n_a_f={n_a_f} n_a_b={n_a_b} n_y={n_y} m={m} T_x={T_x}"


# ---------------------------------------------------------------- reverse_time
def reverse_time(x):
    """x (n_x, m, T_x) with the time axis reversed: x<T_x>, ..., x<1>."""
    return x[:, :, ::-1]


def _reverse_cases(rng, hidden):
    shapes = [("random 1", tuple(int(s) for s in rng.choice(np.arange(2, 8), size=3,
                                                            replace=False))),
              ("random 2", (int(rng.integers(2, 6)), int(rng.integers(2, 6)), 7))]
    if hidden:
        shapes += [("m = 1", (3, 1, 5)), ("T_x = 1", (4, 3, 1)), ("n_x = 1", (1, 2, 6)),
                   ("n_x = m = T_x", (4, 4, 4))]
    return [Case(f"{name}, x of shape {shape}", (rng.standard_normal(shape),))
            for name, shape in shapes]


def _compare_reverse(case, expected, got):
    (x,) = case.args
    expect_array("the result", got, expected, mistakes=[
        (x, "x is unchanged: reverse the order of the time steps, x[:, :, ::-1]"),
        (x[::-1], "you reversed axis 0, the units: time is the last axis, x[:, :, ::-1]"),
        (x[:, ::-1], "you reversed axis 1, the examples: time is the last axis, "
                     "x[:, :, ::-1]"),
        (x[::-1, ::-1, ::-1], "np.flip(x) without an axis reverses every axis: reverse only "
                              "the time axis, np.flip(x, axis=2) or x[:, :, ::-1]"),
        (np.roll(x, 1, axis=2), "that is a rotation, not a reversal: x[:, :, ::-1]"),
    ])


# ---------------------------------------------------------------- bidirectional_forward
def _forward_cases(rng, hidden):
    cases = []
    for cell in CELLS:
        for name, sizes in _sizes(rng, hidden):
            x, parameters = _model(rng, cell, *sizes)
            cases.append(Case(f"{name}, {_describe(cell, sizes)}", (x, parameters, cell)))
    return cases


def _direction_sizes(parameters, cell):
    """(n_a_f, n_a_b): every recurrent parameter has n_a rows."""
    first = next(iter(get_cell(cell).recurrent_shapes))
    return parameters["forward"][first].shape[0], parameters["backward"][first].shape[0]


def _forward_variant(x, parameters, cell, variant):
    """a = [a→; a←] with one likely mistake, or None where the mistake cannot happen."""
    c = get_cell(cell)
    n_a_f, n_a_b = _direction_sizes(parameters, cell)
    m = x.shape[1]
    zeros = {"forward": np.zeros((n_a_f, m)), "backward": np.zeros((n_a_b, m))}
    a_f, _ = c.forward_states(x, zeros["forward"], parameters["forward"])
    backward_parameters = parameters["backward"]
    if variant == "forward_parameters":
        if n_a_f != n_a_b:
            return None
        backward_parameters = parameters["forward"]
    x_in = x if variant in ("no_reversal", "states_only") else x[:, :, ::-1]
    a_b, _ = c.forward_states(x_in, zeros["backward"], backward_parameters)
    if variant != "no_reversal" and variant != "not_reversed_back":
        a_b = a_b[:, :, ::-1]
    if variant == "swapped":
        return np.concatenate([a_b, a_f], axis=0)
    return np.concatenate([a_f, a_b], axis=0)


FORWARD_HINTS = {
    "no_reversal": "a← is wrong: the backward direction reads the sequence from right to left; "
                   "run the cell on reverse_time(x), then reverse its states back",
    "not_reversed_back": "a← is stored in reversed time: reverse the backward direction's "
                         "states back (reverse_time) so that a←<t> sits at index t, next to "
                         "a→<t>",
    "states_only": "a← is wrong: reverse the input x before running the cell (and the states "
                   "after), not only the states",
    "swapped": "stack the forward direction first: a = [a→; a←], "
               "np.concatenate([a_f, a_b], axis=0)",
    "forward_parameters": "a← is wrong: each direction has its own parameters; the backward "
                          "direction uses parameters['backward']",
}


def _compare_forward(case, expected, got):
    x, parameters, cell = case.args
    a, y_pred, caches = expect_tuple(got, 3, "a, y_pred, caches")
    n_a_f, n_a_b = _direction_sizes(parameters, cell)
    one_direction = {(n, *expected[0].shape[1:]) for n in (n_a_f, n_a_b)}
    if isinstance(a, np.ndarray) and a.shape in one_direction:
        raise CheckFailed(f"a has shape {a.shape}, expected {expected[0].shape}: a stacks "
                          "both directions on the units axis, [a→; a←] "
                          "(np.concatenate([a_f, a_b], axis=0))")
    variants = {name: _forward_variant(x, parameters, cell, name) for name in FORWARD_HINTS}
    expect_array("a", a, expected[0], mistakes=[
        (variants[name], hint) for name, hint in FORWARD_HINTS.items()
        if variants[name] is not None])
    z = np.einsum("ya,amt->ymt", parameters["Wy"], expected[0]) + parameters["by"][:, :, None]
    expect_array("y_pred", y_pred, expected[1], mistakes=[
        (z, "apply the softmax: y_pred = softmax(Wy a + by), output_forward does it"),
        (softmax(z, axis=1), "the softmax runs over the units (axis 0), not the examples"),
        (softmax(z, axis=2), "the softmax runs over the units (axis 0), not the time steps"),
        (softmax(z - parameters["by"][:, :, None]), "did you forget the bias by?"),
    ])
    _check_caches(expected, caches, cell)


def _check_caches(expected, caches, cell):
    """Run seqlib's bidirectional_backward on the learner's caches and on the reference's.

    The cell object in caches["states"] is put back from the case: the exercise's given code
    sets it, and a plain Cell does not cross the grading sandbox (it arrives as a stand-in).
    """
    da = np.random.default_rng(0).standard_normal(expected[0].shape)  # a probe, any da works
    want = bidirectional.bidirectional_backward(da, expected[2])
    layout = ("caches should be {'states': (c, n_a_f, caches_f, caches_b), 'a_shape': a.shape, "
              "'output': output_cache}, as the last lines of the exercise build it")
    caches = copy.deepcopy(caches)
    states = caches.get("states") if isinstance(caches, dict) else None
    if isinstance(states, tuple) and len(states) == 4:
        caches["states"] = (get_cell(cell), *states[1:])
    try:
        got = bidirectional.bidirectional_backward(da, caches)
    except Exception as error:  # whatever seqlib raises on them, the caches are unusable
        raise CheckFailed(f"{layout}; seqlib's bidirectional_backward cannot use yours: "
                          f"{error}") from None
    for (path, value), (_, right) in zip(leaves(got), leaves(want), strict=True):
        if value.shape != right.shape or not np.allclose(value, right, atol=1e-7, rtol=1e-6):
            raise CheckFailed(
                f"{layout}. With your caches, seqlib's bidirectional_backward gets {path} "
                "wrong: caches_f must be what forward_states returned for the forward "
                "direction, caches_b what it returned for the backward one (run on the "
                "reversed x)")


# ---------------------------------------------------------------- bidirectional_backward
def _backward_cases(rng, hidden):
    cases = []
    for cell in CELLS:
        for name, sizes in _sizes(rng, hidden):
            x, parameters = _model(rng, cell, *sizes)
            a, _, caches = bidirectional.bidirectional_forward(x, parameters, cell)
            _, n_a_f, caches_f, caches_b = caches["states"]
            caches["states"] = (CheckCell.named(cell), n_a_f, caches_f, caches_b)
            cases.append(Case(f"{name}, {_describe(cell, sizes)}",
                              (rng.standard_normal(a.shape), caches)))
    return cases


def _backward_variant(da, caches, variant):
    """bidirectional_backward's dx and both directions' gradients with one likely mistake,
    built from the cells' reference backward_states; None where it cannot happen.

    variant: "da_not_reversed" (the backward direction gets da← in natural time),
    "dx_not_reversed" (its dx is added without reversing it back), "neither_reversed",
    "added_halves" (each direction gets da→ + da←), "swapped_halves", "dx_forward_only",
    "dx_backward_only", "dx_mean".
    """
    c, n_a_f, caches_f, caches_b = caches["states"]
    n_a_b = da.shape[0] - n_a_f
    da_f, da_b = da[:n_a_f], da[n_a_f:]
    if variant in ("added_halves", "swapped_halves"):
        if n_a_f != n_a_b:
            return None
        da_f, da_b = (da_f + da_b, da_f + da_b) if variant == "added_halves" else (da_b, da_f)
    reverse_da = variant not in ("da_not_reversed", "neither_reversed")
    reverse_dx = variant not in ("dx_not_reversed", "neither_reversed")
    grads_f = c.backward_states(da_f, caches_f)
    grads_b = c.backward_states(da_b[:, :, ::-1] if reverse_da else da_b, caches_b)
    dx_f = grads_f["dx"]
    dx_b = grads_b["dx"][:, :, ::-1] if reverse_dx else grads_b["dx"]
    dx = {"dx_forward_only": dx_f, "dx_backward_only": dx_b,
          "dx_mean": (dx_f + dx_b) / 2}.get(variant, dx_f + dx_b)
    return {"dx": dx, "forward": grads_f, "backward": grads_b}


BACKWARD_HINTS = {
    "da_not_reversed": "the backward direction ran on the reversed sequence (its caches_b "
                       "start at x<T_x>): give its backward_states da← reversed in time, "
                       "reverse_time(da[n_a_f:])",
    "dx_not_reversed": "the backward direction's dx comes out in reversed time: reverse it "
                       "back (reverse_time) before adding it to the forward direction's",
    "neither_reversed": "the backward direction ran on the reversed sequence: reverse its da← "
                        "in time before its backward_states, and reverse the dx it returns "
                        "back",
    "added_halves": "split da, do not add its halves: a = [a→; a←] stacks the directions, so "
                    "da[:n_a_f] goes to the forward direction and da[n_a_f:] to the backward "
                    "one",
    "swapped_halves": "the first n_a_f rows of da belong to the forward direction "
                      "(a = [a→; a←]), the rest to the backward one",
    "dx_forward_only": "x<t> feeds both directions: dx is the forward direction's dx plus the "
                       "backward direction's (reversed back in time)",
    "dx_backward_only": "x<t> feeds both directions: dx is the forward direction's dx plus the "
                        "backward direction's (reversed back in time)",
    "dx_mean": "add the two directions' dx, do not average them",
}


def _compare_backward(case, expected, got):
    da, caches = case.args
    got = expect_dict(got, BACKWARD_KEYS)
    for direction in ("forward", "backward"):
        expect_dict(got[direction], list(expected[direction]),
                    f"the {direction} direction's gradients")
    variants = {name: _backward_variant(da, caches, name) for name in BACKWARD_HINTS}
    variants = {name: value for name, value in variants.items() if value is not None}

    def mistakes(*path):
        found = []
        for name, value in variants.items():
            for key in path:
                value = value[key]
            found.append((value, BACKWARD_HINTS[name]))
        return found

    expect_array("dx", got["dx"], expected["dx"], mistakes=mistakes("dx"))
    for direction in ("forward", "backward"):
        for key, want in expected[direction].items():
            expect_array(f"['{direction}']['{key}']", got[direction][key], want,
                         mistakes=mistakes(direction, key))


EXERCISES = {
    "reverse_time": Exercise("reverse_time", _reverse_cases, reverse_time, _compare_reverse),
    "bidirectional_forward": Exercise("bidirectional_forward", _forward_cases,
                                      bidirectional.bidirectional_forward, _compare_forward,
                                      forbidden=(bidirectional._forward_states,)),
    "bidirectional_backward": Exercise("bidirectional_backward", _backward_cases,
                                       bidirectional.bidirectional_backward, _compare_backward,
                                       forbidden=(bidirectional._backward_states,)),
}
