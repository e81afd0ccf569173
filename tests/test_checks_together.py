"""The checks of notebook 10 (putting it together): they pass the references, each likely
mistake fails with its hint, and broken answers fail with a clear message. Also the pieces of
seqlib.data.train_weights that the notebook relies on: the bidirectional classifier's
gradients and the shipped weights."""

import re

import numpy as np
import pytest

from seqlib.cells import get_cell
from seqlib.checks import CheckFailed, check
from seqlib.checks import together as t
from seqlib.data import train_weights as tw
from seqlib.gradcheck import check_gradients
from seqlib.losses import sigmoid_binary_cross_entropy

NOTEBOOK_SEEDS = (21001, 21002, 21003)  # the hidden seeds of solutions/10_putting_it_together.py
NAMES = ("accuracy", "many_to_one_loss_and_grads", "tagging_f1")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", (0, *NOTEBOOK_SEEDS))
def test_references_pass(name, seed, capsys):
    check(name, getattr(t, name), seed=seed)
    check(name, getattr(t, name), seed=seed, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == ""


def test_checks_return_none(capsys):
    assert check("accuracy", t.accuracy) is None


def fails(name, fn, match, hidden=False):
    with pytest.raises(CheckFailed, match=match):
        check(name, fn, seed=NOTEBOOK_SEEDS[0] if hidden else 0, hidden=hidden)


def not_implemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("name", NAMES)
def test_not_implemented(name):
    fails(name, not_implemented, "is not implemented yet")


# ---------------------------------------------------------------- accuracy
@pytest.mark.parametrize("fn, hint", [
    (lambda p, y: float(np.sum((p > 0.5) == (y > 0.5))), "divide by m"),
    (lambda p, y: float(np.mean((p > 0) == (y > 0.5))), "threshold them at 0.5, not at 0"),
    (lambda p, y: float(np.mean((p > 0.5) != (y > 0.5))), "the other way round"),
    (lambda p, y: float(np.mean(p == y)), "threshold the probabilities first"),
    (lambda p, y: (p > 0.5) == (y > 0.5), r"has shape \(1, \d+\): return one number"),
    (lambda p, y: [float(np.mean((p > 0.5) == y))], "should be a number, got list"),
    (lambda p, y: 0.5, r"the accuracy is 0.5, expected"),
])
def test_accuracy_mistakes(fn, hint):
    fails("accuracy", fn, hint)


def test_accuracy_other_correct_forms_pass(capsys):
    for fn in (lambda p, y: np.mean(np.round(p) == y, axis=1),  # shape (1,): accepted
               lambda p, y: np.sum((p >= 0.5) == (y == 1)) / y.shape[1]):
        check("accuracy", fn, hidden=True)
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- many_to_one_loss_and_grads
def loss_and_grads(x, y, a0, parameters, cell, mistake=None):
    """A learner's answer, with one optional mistake."""
    if mistake in t.LOSS_HINTS:
        return t._loss_variant(x, y, a0, parameters, cell, mistake)
    c = get_cell(cell)
    W_key, b_key = c.output_keys
    W = parameters[W_key]
    a, caches = c.forward_states(x, a0, parameters)
    z = W @ a[:, :, -1] + parameters[b_key]
    J, dz = sigmoid_binary_cross_entropy(z, y)
    da = np.zeros_like(a)
    da[:, :, -1] = W.T @ dz
    grads = c.backward_states(da, caches)
    if mistake != "extra_keys":
        grads = {"d" + k: grads["d" + k] for k in c.recurrent_shapes}
    grads["d" + W_key] = dz @ a[:, :, -1].T
    grads["d" + b_key] = np.sum(dz, axis=1, keepdims=True)
    if mistake == "dW_transposed":
        grads["d" + W_key] = grads["d" + W_key].T
    if mistake == "db_not_summed":
        grads["d" + b_key] = dz
    if mistake == "swapped":
        return grads, J
    if mistake == "missing_key":
        del grads["d" + b_key]
    if mistake == "list":
        grads["d" + W_key] = grads["d" + W_key].tolist()
    if mistake == "nudged":  # wrong by a little, in a way no hint knows
        grads["d" + W_key] = grads["d" + W_key] * 1.01
    return J, grads


@pytest.mark.parametrize("mistake, hint", [
    *[(name, re.escape(hint[:40])) for name, hint in t.LOSS_HINTS.items()],
    ("extra_keys", r"besides the parameters' gradients.*clip_by_global_norm would count"),
    ("dW_transposed", r"dWya has shape \(\d, 1\), expected \(1, \d\) \(transposed\?"),
    ("db_not_summed", r"dby has shape \(1, \d\), expected \(1, 1\): the bias is shared"),
    ("swapped", r"return \(J, grads\) in this order"),
    ("missing_key", "the returned dict is missing 'dby'"),
    ("list", "dWya should be a numpy array, got list"),
    ("nudged", r"dWya has the right shape but the wrong values \(largest difference"),
])
def test_loss_mistakes(mistake, hint):
    fails("many_to_one_loss_and_grads",
          lambda *args: loss_and_grads(*args, mistake=mistake), hint)


def test_loss_every_step_is_caught_by_centred_differences_too():
    """The numeric cases judge a gradient by the derivative alone, and still give the hint."""
    case = next(c for c in t._loss_cases(np.random.default_rng(0), hidden=False)
                if isinstance(c, t.NumericCase))
    expected = t.many_to_one_loss_and_grads(*case.args)
    with pytest.raises(CheckFailed, match="not the derivative of the loss.*only the last step"):
        t._compare_loss(case, expected, loss_and_grads(*case.args, mistake="every_step"))


def test_loss_numeric_check_accepts_the_reference_and_measures_errors():
    for case in t._loss_cases(np.random.default_rng(1), hidden=True):
        if isinstance(case, t.NumericCase):
            _, grads = t.many_to_one_loss_and_grads(*case.args)
            assert max(t._numeric_errors(case, grads).values()) < 1e-6


def test_loss_cases_cover_every_cell_and_the_edges():
    cases = t._loss_cases(np.random.default_rng(0), hidden=True)
    assert {c.args[4] for c in cases} == {"rnn", "gru", "lstm"}
    shapes = [c.args[0].shape for c in cases]
    assert any(s[1] == 1 for s in shapes) and any(s[2] == 1 for s in shapes)


# ---------------------------------------------------------------- tagging_f1
def f1_variant(y_prob, y, mask, mistake):
    if mistake == "no_mask":
        return t.tagging_f1(y_prob, y, np.ones_like(mask))
    p, r, f = t.tagging_f1(y_prob, y, mask)
    if mistake == "swapped":
        return r, p, f
    if mistake == "mean":
        return p, r, (p + r) / 2
    if mistake == "threshold_0":
        return t.tagging_f1(np.where(y_prob > 0, 1.0, 0.0), y, mask)
    if mistake == "nan":  # 0 / 0 left alone
        real = mask[None] > 0
        predicted, actual = (y_prob > 0.5) & real, (y > 0.5) & real
        tp = np.sum(predicted & actual)
        with np.errstate(invalid="ignore"):
            p, r = tp / np.sum(predicted), tp / np.sum(actual)
            return p, r, 2 * p * r / (p + r)
    if mistake == "two_values":
        return p, r
    if mistake == "arrays":
        return np.array([p]), np.array([r]), np.array([f])
    raise ValueError(mistake)


@pytest.mark.parametrize("mistake, hint, hidden", [
    ("no_mask", "count only the real tokens", False),
    ("swapped", "precision and recall are swapped", False),
    ("mean", "F1 is the harmonic mean", False),
    ("threshold_0", r"predicted a name when y_prob > 0.5, not 0", False),
    ("nan", "0.0 by convention", True),
    ("two_values", r"expected 3 return values \(precision, recall, F1\), got 2 values", False),
])
def test_f1_mistakes(mistake, hint, hidden):
    fails("tagging_f1", lambda *args: f1_variant(*args, mistake), hint, hidden)


def test_f1_nan_mistake_passes_where_no_denominator_is_zero(capsys):
    check("tagging_f1", lambda *args: f1_variant(*args, "nan"))  # visible cases: no 0 / 0
    assert capsys.readouterr().err == ""


def test_f1_arrays_of_one_are_accepted(capsys):
    check("tagging_f1", lambda *args: f1_variant(*args, "arrays"), hidden=True)


def test_f1_wrong_types():
    fails("tagging_f1", lambda *args: None, r"expected 3 return values")
    fails("tagging_f1", lambda *args: ("a", "b", "c"), "precision should be a number, got str")


def test_f1_cases_pad_and_tell_the_mistakes_apart():
    cases = t._f1_cases(np.random.default_rng(0), hidden=True)
    assert any(np.any(c.args[2] == 0) for c in cases)
    for case in cases[:2]:
        right = np.array(t.tagging_f1(*case.args))
        assert all(not np.allclose(right, w) for w, _ in t._f1_wrongs(*case.args))


# ---------------------------------------------------------------- train_weights
@pytest.mark.parametrize("model", ["bi-rnn", "bi-gru", "bi-lstm", "lstm"])
def test_classifier_gradients_match_centred_differences(model):
    rng = np.random.default_rng(5)
    parameters = tw.init_model(model, 3, 2, 1.0, rng)
    x = rng.standard_normal((3, 3, 4))
    y = np.array([[0.0, 1.0, 1.0]])
    _, grads = tw.loss_and_grads(model, x, y, parameters)

    def loss():  # from predict: the forward pass alone
        y_prob = tw.predict(model, x, parameters)
        return -np.mean(y * np.log(y_prob) + (1 - y) * np.log(1 - y_prob))

    errors = check_gradients(loss, parameters, grads, max_entries=6, rng=rng)
    assert max(errors.values()) < 1e-6, errors


def test_bidirectional_prediction_reads_both_ends():
    """ŷ of a bidirectional model depends on x<1> through a←<1> even when the forward
    direction cannot see it (its input weights zeroed)."""
    rng = np.random.default_rng(2)
    parameters = tw.init_model("bi-rnn", 3, 4, 0.0, rng)
    parameters["forward"]["Wax"][:] = 0
    x = rng.standard_normal((3, 2, 6))
    changed = x.copy()
    changed[:, :, 0] += 1
    assert not np.allclose(tw.predict("bi-rnn", x, parameters),
                           tw.predict("bi-rnn", changed, parameters))


def test_open_gates():
    rng = np.random.default_rng(0)
    assert np.all(tw.init_model("lstm", 3, 2, 3.0, rng)["bf"] == 3.0)
    assert np.all(tw.init_model("bi-gru", 3, 2, 3.0, rng)["backward"]["bu"] == -3.0)


def test_shipped_weights_load_with_their_settings():
    weights, meta = tw.load()
    assert set(weights) == set(tw.MODELS) == set(meta["models"])
    assert tuple(meta["distances"]) == tw.DISTANCES and tuple(meta["seeds"]) == tw.SEEDS
    assert {k: meta[k] for k in tw.SETTINGS} == tw.SETTINGS
    for model in tw.MODELS:
        for distance in tw.DISTANCES:
            assert len(weights[model][distance]) == len(tw.SEEDS)
    assert set(weights["bi-rnn"][5][0]) == {"forward", "backward", "Wy", "by"}


def test_shipped_weights_are_what_the_script_trains():
    """Retrain the cheapest shipped run and compare: the files come from this code."""
    weights, _ = tw.load()
    retrained = tw.train("rnn", 5, 0, tw.SETTINGS)
    for key, value in weights["rnn"][5][0].items():
        np.testing.assert_allclose(retrained[key], value, rtol=0, atol=1e-10)


def test_save_then_load_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    weights = {m: {3: [tw.init_model(m, 38, 2, 1.0, rng)]} for m in tw.MODELS}
    tw.save(weights, tw.SETTINGS, (7,), tmp_path)
    loaded, meta = tw.load(tmp_path)
    assert meta["seeds"] == [7] and meta["distances"] == [3]
    np.testing.assert_array_equal(loaded["bi-rnn"][3][0]["forward"]["Waa"],
                                  weights["bi-rnn"][3][0]["forward"]["Waa"])
