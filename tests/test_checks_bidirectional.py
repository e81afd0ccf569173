"""The checks of notebook 08 (bidirectional RNNs): the reference passes, each known mistake
fails with its hint, broken answers fail with a clear message, and the cases cross the
grading sandbox."""

import copy
import re

import numpy as np
import pytest

from seqlib import bidirectional
from seqlib.cells import Cell, get_cell
from seqlib.checks import EXERCISES, CheckFailed, check
from seqlib.checks import bidirectional as checks
from seqlib.checks._core import verify
from seqlib.outputs import output_forward

NOTEBOOK_SEEDS = (20881, 20882, 20883)  # the hidden seeds of solutions/08_bidirectional.py
REFERENCES = [("reverse_time", checks.reverse_time),
              ("bidirectional_forward", bidirectional.bidirectional_forward),
              ("bidirectional_backward", bidirectional.bidirectional_backward)]


def hint(text):
    """A pytest.raises pattern for a hint quoted literally."""
    return re.escape(text)


# ---------------------------------------------------------------- the reference passes
@pytest.mark.parametrize("name, fn", REFERENCES)
@pytest.mark.parametrize("seed", (0, *NOTEBOOK_SEEDS))
def test_reference_passes(name, fn, seed, capsys):
    assert check(name, fn, seed=seed) is None
    check(name, fn, seed=seed, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == ""


@pytest.mark.parametrize("name", ["bidirectional_forward", "bidirectional_backward"])
def test_cases_cover_every_cell_and_edge(name):
    visible = EXERCISES[name].cases(np.random.default_rng(0), False)
    hidden = EXERCISES[name].cases(np.random.default_rng(0), True)
    assert [c.name.split("cell='")[1][:3] for c in visible] == ["rnn", "gru", "lst"]
    for cell in ("rnn", "gru", "lstm"):
        names = [c.name for c in hidden if f"cell='{cell}'" in c.name]
        assert any("m=1 " in n for n in names) and any(n.endswith("T_x=1") for n in names)
        assert any(re.search(r"n_a_f=(\d+) n_a_b=(?!\1\b)\d+", n) for n in names)


def test_the_variants_start_from_a_correct_answer():
    """Every hint is a correct computation with one thing changed: without a change, the
    variant builders give the reference's values."""
    for case in EXERCISES["bidirectional_forward"].cases(np.random.default_rng(1), True):
        want = bidirectional.bidirectional_forward(*case.args)[0]
        assert np.allclose(checks._forward_variant(*case.args, "none"), want)
    for case in EXERCISES["bidirectional_backward"].cases(np.random.default_rng(1), True):
        want = bidirectional.bidirectional_backward(*case.args)
        got = checks._backward_variant(*case.args, "none")
        assert np.allclose(got["dx"], want["dx"])
        for direction in ("forward", "backward"):
            for key, value in want[direction].items():
                assert np.allclose(got[direction][key], value)


# ---------------------------------------------------------------- the grading sandbox
def test_cases_and_answers_cross_the_sandbox_wire():
    """The trusted grader sends the cases to the learner's function as JSON and the results
    back: the cell object in the backward's caches must cross, the forward's caches too."""
    wire = pytest.importorskip("course.wire")

    def across(fn):
        def call(case, notes):
            args, kwargs = wire.decode(wire.encode(case.args)), wire.decode(wire.encode(
                case.kwargs))
            return wire.decode(wire.encode(fn(*args, **kwargs)))
        return call

    for name, fn in REFERENCES:
        n_cases, notes = verify(EXERCISES[name], NOTEBOOK_SEEDS[0], True, across(fn))
        assert n_cases > 0 and not notes
    case = EXERCISES["bidirectional_backward"].cases(np.random.default_rng(0), False)[2]
    cell = wire.decode(wire.encode(case.args))[1]["states"][0]
    assert isinstance(cell, Cell) and cell.name == "lstm"
    assert isinstance(copy.deepcopy(case.args)[1]["states"][0], Cell)


def test_seqlib_answers_are_forbidden():
    assert bidirectional._forward_states in EXERCISES["bidirectional_forward"].forbidden
    assert bidirectional._backward_states in EXERCISES["bidirectional_backward"].forbidden


# ---------------------------------------------------------------- reverse_time
REVERSE_MISTAKES = {
    "unchanged": (lambda x: x.copy(), "x is unchanged"),
    "axis 0": (lambda x: x[::-1], "you reversed axis 0, the units"),
    "axis 1": (lambda x: x[:, ::-1], "you reversed axis 1, the examples"),
    "every axis": (lambda x: np.flip(x), "np.flip(x) without an axis reverses every axis"),
    "rotation": (lambda x: np.roll(x, 1, axis=2), "that is a rotation, not a reversal"),
    "transposed": (lambda x: x.T, "(transposed?"),
    "a list": (lambda x: x[:, :, ::-1].tolist(), "should be a numpy array, got list"),
    "not implemented": (lambda x: (_ for _ in ()).throw(NotImplementedError()),
                        "reverse_time is not implemented yet"),
}


@pytest.mark.parametrize("mistake", REVERSE_MISTAKES)
def test_reverse_time_mistakes(mistake):
    fn, text = REVERSE_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint(text)):
        check("reverse_time", fn)
        check("reverse_time", fn, hidden=True)


# ---------------------------------------------------------------- bidirectional_forward
def learner_forward(x, parameters, cell="rnn", *, mistake=None):
    """A learner's bidirectional_forward, optionally with one mistake."""
    c = get_cell(cell)
    m = x.shape[1]
    n_a_f, n_a_b = checks._direction_sizes(parameters, cell)
    if mistake == "one size":
        n_a_b = n_a_f
    a0_f, a0_b = np.zeros((n_a_f, m)), np.zeros((n_a_b, m))
    a_f, caches_f = c.forward_states(x, a0_f, parameters["forward"])
    backward = parameters["forward"] if mistake == "forward parameters" else parameters[
        "backward"]
    x_b = x if mistake in ("no reversal", "states only") else x[:, :, ::-1]
    a_b, caches_b = c.forward_states(x_b, a0_b, backward)
    if mistake not in ("no reversal", "not reversed back"):
        a_b = a_b[:, :, ::-1]
    parts = [a_b, a_f] if mistake == "swapped" else [a_f, a_b]
    a = np.concatenate(parts, axis=0)
    y_pred, output_cache = output_forward(a, parameters["Wy"], parameters["by"])
    z = np.einsum("ya,amt->ymt", parameters["Wy"], a) + parameters["by"][:, :, None]
    if mistake == "forward only":
        a = a_f  # returns one direction's states only
    if mistake == "no softmax":
        y_pred = z
    elif mistake == "softmax over examples":
        y_pred = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    elif mistake == "no bias":
        y_pred = output_forward(a, parameters["Wy"], 0 * parameters["by"])[0]
    states = (c, n_a_f, caches_b, caches_f) if mistake == "caches swapped" else (
        c, n_a_f, caches_f, caches_b)
    caches = {"states": states, "a_shape": a.shape, "output": output_cache}
    if mistake == "caches incomplete":
        caches = {"states": states}
    return a, y_pred, caches


FORWARD_MISTAKES = {
    "no reversal": "the backward direction reads the sequence from right to left",
    "not reversed back": "a← is stored in reversed time",
    "states only": "reverse the input x before running the cell",
    "swapped": "stack the forward direction first: a = [a→; a←]",
    "forward parameters": "each direction has its own parameters",
    "forward only": "a stacks both directions on the units axis",
    "no softmax": "apply the softmax",
    "softmax over examples": "the softmax runs over the units (axis 0), not the examples",
    "no bias": "did you forget the bias by?",
    "caches swapped": "caches_f must be what forward_states returned for the forward direction",
    "caches incomplete": "caches should be {'states': (c, n_a_f, caches_f, caches_b)",
}


@pytest.mark.parametrize("mistake", FORWARD_MISTAKES)
def test_forward_mistakes(mistake):
    with pytest.raises(CheckFailed, match=hint(FORWARD_MISTAKES[mistake])):
        check("bidirectional_forward", lambda x, p, cell="rnn": learner_forward(
            x, p, cell, mistake=mistake))


def test_forward_learner_answer_passes():
    fn = lambda x, p, cell="rnn": learner_forward(x, p, cell)  # noqa: E731
    check("bidirectional_forward", fn)
    check("bidirectional_forward", fn, seed=NOTEBOOK_SEEDS[1], hidden=True)


def test_forward_one_size_for_both_directions_fails_the_hidden_set():
    """Starting the backward direction from zeros of the forward one's size passes while the
    sizes are equal, and not on the hidden cases where they differ."""
    def one_size(x, p, cell="rnn"):
        return learner_forward(x, p, cell, mistake="one size")

    check("bidirectional_forward", one_size)
    with pytest.raises(ValueError):  # the learner's own shapes error, as the learner sees it
        check("bidirectional_forward", one_size, hidden=True)


@pytest.mark.parametrize("returned, text", [
    (lambda a, y, c: (a, y), "expected 3 return values (a, y_pred, caches), got 2 values"),
    (lambda a, y, c: (a.tolist(), y, c), "a should be a numpy array, got list"),
    (lambda a, y, c: (a.transpose(2, 1, 0), y, c), "a has shape"),
])
def test_forward_broken_returns(returned, text):
    with pytest.raises(CheckFailed, match=hint(text)):
        check("bidirectional_forward",
              lambda x, p, cell="rnn": returned(*learner_forward(x, p, cell)))


def test_forward_not_implemented():
    def stub(x, parameters, cell="rnn"):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="bidirectional_forward is not implemented yet"):
        check("bidirectional_forward", stub)


# ---------------------------------------------------------------- bidirectional_backward
def learner_backward(da, caches, *, mistake=None):
    """A learner's bidirectional_backward, optionally with one mistake."""
    c, n_a_f, caches_f, caches_b = caches["states"]
    da_f, da_b = da[:n_a_f], da[n_a_f:]
    if mistake == "added halves":
        da_f = da_b = da_f + da_b
    elif mistake == "swapped halves":
        da_f, da_b = da_b, da_f
    grads_f = c.backward_states(da_f, caches_f)
    reverse_da = mistake not in ("da not reversed", "nothing reversed")
    grads_b = c.backward_states(da_b[:, :, ::-1] if reverse_da else da_b, caches_b)
    reverse_dx = mistake not in ("dx not reversed", "nothing reversed")
    dx_b = grads_b["dx"][:, :, ::-1] if reverse_dx else grads_b["dx"]
    dx = {"dx forward only": grads_f["dx"], "dx backward only": dx_b,
          "dx averaged": (grads_f["dx"] + dx_b) / 2}.get(mistake, grads_f["dx"] + dx_b)
    return {"dx": dx, "forward": {k: g for k, g in grads_f.items() if k != "dx"},
            "backward": {k: g for k, g in grads_b.items() if k != "dx"}}


BACKWARD_MISTAKES = {
    "da not reversed": "give its backward_states da← reversed in time",
    "dx not reversed": "the backward direction's dx comes out in reversed time",
    "nothing reversed": "reverse its da← in time before its backward_states, and reverse the "
                        "dx it returns back",
    "added halves": "split da, do not add its halves",
    "swapped halves": "the first n_a_f rows of da belong to the forward direction",
    "dx forward only": "x<t> feeds both directions",
    "dx backward only": "x<t> feeds both directions",
    "dx averaged": "add the two directions' dx, do not average them",
}


@pytest.mark.parametrize("mistake", BACKWARD_MISTAKES)
def test_backward_mistakes(mistake):
    with pytest.raises(CheckFailed, match=hint(BACKWARD_MISTAKES[mistake])):
        check("bidirectional_backward", lambda da, caches: learner_backward(
            da, caches, mistake=mistake))


def test_backward_learner_answer_passes_and_may_keep_dc0():
    check("bidirectional_backward", learner_backward)
    check("bidirectional_backward", learner_backward, seed=NOTEBOOK_SEEDS[2], hidden=True)

    def with_everything(da, caches):  # the directions' own dx and the LSTM's dc0 left in
        c, n_a_f, caches_f, caches_b = caches["states"]
        grads = learner_backward(da, caches)
        grads["forward"] = c.backward_states(da[:n_a_f], caches_f)
        return grads

    check("bidirectional_backward", with_everything, hidden=True)


def test_backward_wrong_split_size_fails_the_hidden_set():
    """Splitting da at n_a_b instead of n_a_f passes when the sizes are equal, not after."""
    def split_at_half(da, caches):
        c, _, caches_f, caches_b = caches["states"]
        half = da.shape[0] // 2
        return learner_backward(da, {**caches, "states": (c, half, caches_f, caches_b)})

    check("bidirectional_backward", split_at_half)
    with pytest.raises(ValueError):  # the learner's own shapes error, as the learner sees it
        check("bidirectional_backward", split_at_half, hidden=True)


@pytest.mark.parametrize("change, text", [
    (lambda g: {k: v for k, v in g.items() if k != "dx"}, "the returned dict is missing 'dx'"),
    (lambda g: {**g, "backward": {k: v for k, v in g["backward"].items() if k != "da0"}},
     "the returned dict is missing 'da0'"),
    (lambda g: {**g, "dx": g["dx"].tolist()}, "dx should be a numpy array, got list"),
    (lambda g: [g["dx"], g["forward"], g["backward"]], "expected a dict of gradients, got list"),
    (lambda g: {**g, "dx": g["dx"][:, :, :-1]}, "dx has shape"),
])
def test_backward_broken_returns(change, text):
    with pytest.raises(CheckFailed, match=hint(text)):
        check("bidirectional_backward", lambda da, caches: change(learner_backward(da, caches)))


def test_backward_not_implemented():
    def stub(da, caches):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="bidirectional_backward is not implemented yet"):
        check("bidirectional_backward", stub)
