"""Checks for notebook 10, putting it together.

Graded functions and their references:

    accuracy(y_prob, y) -> float
        the fraction of the m many-to-one predictions that are right; y_prob (1, m) holds
        probabilities (after the sigmoid), y (1, m) the 0/1 labels, and the prediction is 1
        where y_prob > 0.5. The cases never hold a probability of exactly 0.5.
    many_to_one_loss_and_grads(x, y, a0, parameters, cell) -> (J, grads)
        a many-to-one classifier: ``get_cell(cell).forward_states`` over x (n_x, m, T_x) from
        a0 (n_a, m), a sigmoid on the last state, z = Wy a<T_x> + by with (Wy, by) the cell's
        ``output_keys`` (Wya, by for "rnn"; Wy, by for "gru" and "lstm"), the mean binary
        cross-entropy ``sigmoid_binary_cross_entropy(z, y)`` against y (1, m); then the
        backward pass with da zero except at the last step. grads holds "d" + every key of
        parameters and nothing else (no dx, da0, dc0: they are not parameters, and
        ``clip_by_global_norm`` would count them).
    tagging_f1(y_prob, y, mask) -> (precision, recall, f1)
        of the positive class (a name) over the real tokens: y_prob, y (1, m, T_x), mask
        (m, T_x) 1 at real tokens and 0 at padding; predicted positive where y_prob > 0.5.
        precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R), each 0.0
        when its denominator is 0.

Besides the comparison with the reference, some cases of many_to_one_loss_and_grads check the
learner's gradients against centred differences of the loss, so a backward pass is judged
against the definition of a derivative as well as against seqlib.
"""

from dataclasses import dataclass

import numpy as np

from seqlib.cells import get_cell
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    expect_array,
    expect_close,
    expect_dict,
    expect_tuple,
)
from seqlib.data import long_range_agreement
from seqlib.gradcheck import numerical_gradient, relative_error
from seqlib.initialization import init_parameters
from seqlib.losses import sigmoid_binary_cross_entropy

# ---------------------------------------------------------------- references


def accuracy(y_prob, y):
    """The fraction of right 0/1 predictions: y_prob, y (1, m) -> float."""
    return float(np.mean((y_prob > 0.5) == (y > 0.5)))


def many_to_one_loss_and_grads(x, y, a0, parameters, cell):
    """J and the gradient of every parameter of a many-to-one sigmoid classifier.

    x (n_x, m, T_x), y (1, m), a0 (n_a, m); parameters: the cell's recurrent parameters and its
    output layer. Returns (J, {"d" + key: gradient for every key of parameters}).
    """
    c = get_cell(cell)
    W_key, b_key = c.output_keys  # ("Wya", "by") for the RNN, ("Wy", "by") for GRU and LSTM
    Wy = parameters[W_key]  # W_y, (1, n_a)
    a, caches = c.forward_states(x, a0, parameters)  # (n_a, m, T_x)
    a_last = a[:, :, -1]  # a<T_x>, (n_a, m)
    z = Wy @ a_last + parameters[b_key]  # (1, m)
    J, dz = sigmoid_binary_cross_entropy(z, y)  # dz = (σ(z) - y) / m, (1, m)
    da = np.zeros_like(a)
    da[:, :, -1] = Wy.T @ dz  # only the last step has a loss
    recurrent = c.backward_states(da, caches)
    grads = {"d" + key: recurrent["d" + key] for key in c.recurrent_shapes}
    grads["d" + W_key] = dz @ a_last.T  # (1, n_a)
    grads["d" + b_key] = np.sum(dz, axis=1, keepdims=True)  # (1, 1)
    return J, grads


def tagging_f1(y_prob, y, mask):
    """Precision, recall and F1 of the positive class over the real tokens.

    y_prob, y: (1, m, T_x); mask: (m, T_x). Returns three floats, each 0.0 when its
    denominator is 0.
    """
    real = mask[np.newaxis] > 0  # (1, m, T_x)
    predicted = (y_prob > 0.5) & real
    actual = (y > 0.5) & real
    tp = int(np.sum(predicted & actual))
    n_predicted, n_actual = int(np.sum(predicted)), int(np.sum(actual))
    precision = tp / n_predicted if n_predicted else 0.0
    recall = tp / n_actual if n_actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


# ---------------------------------------------------------------- accuracy


def _accuracy_wrongs(y_prob, y):
    """(wrong value, hint) for the likely mistakes."""
    right = (y_prob > 0.5) == (y > 0.5)
    return [
        (float(np.sum(right)), "that is the number of right predictions: divide by m for the "
                               "fraction (np.mean)"),
        (float(np.mean((y_prob > 0) == (y > 0.5))),
         "y_prob holds probabilities (after the sigmoid): threshold them at 0.5, not at 0"),
        (1 - float(np.mean(right)), "the other way round: the prediction is 1 (\"were\") where "
                                    "y_prob > 0.5, and a prediction is right when it equals y"),
        (float(np.mean(y_prob == y)), "threshold the probabilities first: (y_prob > 0.5) is "
                                      "the 0/1 prediction to compare with y"),
    ]


def _accuracy_case(rng, name, m, confidence=1.0):
    """Labels and probabilities whose accuracy differs from every value of _accuracy_wrongs."""
    for _ in range(1000):
        y = rng.permutation(np.arange(m) % 2).astype(np.float64)[np.newaxis]  # (1, m)
        z = confidence * (2 * y - 1) + rng.standard_normal((1, m))  # mostly the right sign
        y_prob = 1 / (1 + np.exp(-z))
        y_prob[np.abs(y_prob - 0.5) < 1e-3] = 0.75  # never a tie at 0.5
        right = accuracy(y_prob, y)
        values = [right] + [w for w, _ in _accuracy_wrongs(y_prob, y)]
        if len(set(np.round(values, 9))) == len(values):
            return Case(f"{name}, m={m}", (y_prob, y))
    raise RuntimeError(f"no m = {m} case tells the mistakes apart")  # a bug in the check


def _accuracy_cases(rng, hidden):
    cases = [_accuracy_case(rng, f"random {i + 1}", int(rng.integers(8, 20)))
             for i in range(2)]
    if hidden:
        cases += [
            Case("m = 1, right", (np.array([[0.9]]), np.array([[1.0]]))),
            Case("m = 1, wrong", (np.array([[0.2]]), np.array([[1.0]]))),
            Case("every prediction right, probabilities 0 and 1",
                 (np.array([[0.0, 1.0, 1.0, 0.0, 0.3]]), np.array([[0.0, 1.0, 1.0, 0.0, 0.0]]))),
            _accuracy_case(rng, "confident", 50, confidence=3.0),
        ]
    return cases


def _number(name, value):
    """value as a float; CheckFailed unless it is one number (an array of one is accepted)."""
    if isinstance(value, np.ndarray) and value.size > 1:
        raise CheckFailed(f"{name} has shape {value.shape}: return one number, computed over "
                          "all the examples")
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()  # np.mean(..., axis=1) gives shape (1,): accepted
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{name} should be a number, got {type(value).__name__}")
    return float(value)


def _compare_accuracy(case, expected, got):
    got = _number("the accuracy", got)
    expect_close("the accuracy", got, expected, mistakes=_accuracy_wrongs(*case.args))


# ---------------------------------------------------------------- many_to_one_loss_and_grads


@dataclass
class NumericCase(Case):
    """A case whose gradients are checked against centred differences of the loss."""


def _loss_variant(x, y, a0, parameters, cell, mistake):
    """many_to_one_loss_and_grads with one likely mistake, for the hints."""
    c = get_cell(cell)
    W_key, b_key = c.output_keys
    Wy = parameters[W_key]
    a, caches = c.forward_states(x, a0, parameters)
    step = 0 if mistake == "first_state" else -1
    h = a[:, :, step]
    z = Wy @ h + parameters[b_key]
    if mistake == "sigmoid_twice":
        J, dz = sigmoid_binary_cross_entropy(1 / (1 + np.exp(-z)), y)
    else:
        J, dz = sigmoid_binary_cross_entropy(z, y)
    if mistake == "divided_by_m":
        dz = dz / y.shape[1]
    da = np.zeros_like(a)
    dh = dz * np.ones((Wy.shape[1], 1)) if mistake == "no_Wy" else Wy.T @ dz
    if mistake == "every_step":
        da[:] = dh[:, :, np.newaxis]
    else:
        da[:, :, step] = dh
    recurrent = c.backward_states(da, caches)
    grads = {"d" + key: recurrent["d" + key] for key in c.recurrent_shapes}
    grads["d" + W_key] = dz @ h.T
    grads["d" + b_key] = np.sum(dz, axis=1, keepdims=True)
    return J, grads


LOSS_HINTS = {
    "first_state": "the prediction comes from the last state a<T_x>, a[:, :, -1], after the "
                   "whole sequence",
    "sigmoid_twice": "sigmoid_binary_cross_entropy takes z = Wy a<T_x> + by, before the sigmoid: "
                     "it applies the sigmoid itself",
    "divided_by_m": "do not divide by m: dz from sigmoid_binary_cross_entropy already holds "
                    "the 1/m of the mean",
    "every_step": "only the last step has a loss: da is zero everywhere except "
                  "da[:, :, -1] = Wy.T @ dz",
    "no_Wy": "the gradient reaching a<T_x> is Wy.T @ dz, through the output weights",
}
EXTRA_KEYS = ("dx", "da0", "dc0")


def _loss_params(rng, cell, n_x, n_a, scale=1.0):
    p = init_parameters(cell, n_x, n_a, 1, rng=rng)
    # non-zero biases and a larger output layer, so a forgotten term shows
    return {k: scale * (v + 0.5 * rng.standard_normal(v.shape)) for k, v in p.items()}


def _loss_case(rng, name, cell, n_x, n_a, m, T_x, kind=Case, x=None, scale=1.0):
    if x is None:
        x = rng.standard_normal((n_x, m, T_x))
    y = rng.permutation(np.arange(m) % 2).astype(np.float64)[np.newaxis]  # (1, m)
    a0 = 0.5 * rng.standard_normal((n_a, m))
    args = (x, y, a0, _loss_params(rng, cell, n_x, n_a, scale), cell)
    return kind(f"{name}, {cell}, n_x={n_x} n_a={n_a} m={m} T_x={T_x}", args)


def _sizes(rng):
    """n_x, n_a, m all different, so that a transposed gradient has the wrong shape."""
    return (int(s) for s in rng.choice(np.arange(2, 8), size=3, replace=False))


def _loss_cases(rng, hidden):
    cases = []
    for i, cell in enumerate(("rnn", "gru", "lstm")):
        n_x, n_a, m = _sizes(rng)
        cases.append(_loss_case(rng, f"random {i + 1}", cell, n_x, n_a, m,
                                int(rng.integers(3, 7))))
    cases.append(_loss_case(rng, "centred differences", "lstm", 3, 2, 4, 3, kind=NumericCase))
    if hidden:
        task = long_range_agreement(6, 2, rng)  # one-hot words, T_x = 7
        cases += [
            _loss_case(rng, "m = 1", "gru", 4, 3, 1, 4),
            _loss_case(rng, "T_x = 1", "lstm", 4, 3, 5, 1),
            _loss_case(rng, "saturated activations", "rnn", 3, 5, 4, 5, scale=8.0),
            _loss_case(rng, "saturated activations", "lstm", 3, 5, 4, 5, scale=8.0),
            _loss_case(rng, "agreement sentences", "gru", task.x.shape[0], 5, 6, 7, x=task.x),
            _loss_case(rng, "centred differences", "rnn", 3, 4, 2, 4, kind=NumericCase),
            _loss_case(rng, "centred differences", "gru", 2, 3, 4, 3, kind=NumericCase),
        ]
    return cases


def _check_bias_shape(name, got, m):
    shape = np.shape(got) if isinstance(got, (np.ndarray, float, np.floating)) else None
    if shape in ((1, m), (m,)) and m > 1:
        raise CheckFailed(f"{name} has shape {shape}, expected (1, 1): the bias is shared by the "
                          "m examples, so sum dz over axis 1 with keepdims=True")


def _numeric_errors(case, grads):
    """{key: relative error of grads[key] against centred differences of the loss}."""
    x, y, a0, parameters, cell = case.args
    parameters = {k: v.copy() for k, v in parameters.items()}

    c = get_cell(cell)
    W_key, b_key = c.output_keys

    def loss():  # J alone: the forward pass of many_to_one_loss_and_grads
        a, _ = c.forward_states(x, a0, parameters)
        z = parameters[W_key] @ a[:, :, -1] + parameters[b_key]
        return sigmoid_binary_cross_entropy(z, y)[0]

    return {"d" + key: relative_error(grads["d" + key], numerical_gradient(loss, value, 1e-6))
            for key, value in parameters.items()}


def _compare_loss(case, expected, got):
    if isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[0], dict):
        raise CheckFailed("return (J, grads) in this order: the loss first, then the dict")
    J, grads = expect_tuple(got, 2, "J and grads")
    x, y, a0, parameters, cell = case.args
    variants = {name: _loss_variant(*case.args, name) for name in LOSS_HINTS}
    expect_close("J", J, expected[0],
                 mistakes=[(variants[n][0], LOSS_HINTS[n]) for n in ("sigmoid_twice",
                                                                      "first_state")])
    keys = ["d" + key for key in parameters]
    grads = expect_dict(grads, keys)
    extra = sorted(set(grads) - set(keys))
    if extra:
        hint = (" (they are not parameters, and clip_by_global_norm would count them)"
                if set(extra) <= set(EXTRA_KEYS) else "")
        raise CheckFailed(f"grads has keys {extra} besides the parameters' gradients: keep "
                          f"only 'd' + each key of parameters{hint}")
    b_key = "d" + get_cell(cell).output_keys[1]
    _check_bias_shape(b_key, grads[b_key], y.shape[1])
    if isinstance(case, NumericCase):
        for key in keys:  # shapes and types first, against the reference
            if type(grads[key]) is not np.ndarray or grads[key].shape != expected[1][key].shape:
                expect_array(key, grads[key], expected[1][key])
        for key, error in _numeric_errors(case, grads).items():
            if not error < 1e-6:
                hints = [h for n, h in LOSS_HINTS.items()
                         if np.allclose(grads[key], variants[n][1][key], atol=1e-7, rtol=1e-6)]
                raise CheckFailed(f"{key} is not the derivative of the loss: its relative error "
                                  f"against centred differences is {error:.2g} (a right "
                                  "gradient gives about 1e-9)" + (f": {hints[0]}" if hints
                                                                   else ""))
        return
    for key in keys:
        expect_array(key, grads[key], expected[1][key],
                     mistakes=[(variants[n][1][key], h) for n, h in LOSS_HINTS.items()])


# ---------------------------------------------------------------- tagging_f1


def _f1_wrongs(y_prob, y, mask):
    """(wrong (precision, recall, f1), hint) for the likely mistakes."""
    p, r, f = tagging_f1(y_prob, y, mask)
    return [
        (tagging_f1(y_prob, y, np.ones_like(mask)),
         "count only the real tokens: padding (mask 0) belongs to no sentence, so a "
         "prediction there is neither right nor wrong"),
        ((r, p, f), "precision and recall are swapped: precision = TP / (TP + FP), the share "
                    "of predicted names that are names; recall = TP / (TP + FN)"),
        ((p, r, (p + r) / 2), "F1 is the harmonic mean 2PR / (P + R), not the mean (P + R) / 2"),
        (tagging_f1(np.where(y_prob > 0, 1.0, 0.0), y, mask),
         "y_prob holds probabilities: a token is predicted a name when y_prob > 0.5, not 0"),
    ]


def _tagging_batch(rng, m, T_x):
    """y (1, m, T_x) about one third names, mask (m, T_x) from random lengths, y_prob that
    is mostly right at real tokens and anything at padding."""
    lengths = rng.integers(max(1, T_x - 4), T_x, size=m)  # every sentence padded...
    if m > 1:
        lengths[rng.integers(m)] = T_x  # ...but one: the longest sets T_x in a real batch
    mask = (np.arange(T_x)[np.newaxis] < lengths[:, np.newaxis]).astype(np.float64)
    y = ((rng.random((1, m, T_x)) < 0.35) * mask).astype(np.float64)  # 0 at padding
    z = 1.5 * (2 * y - 1) + rng.standard_normal((1, m, T_x))
    z = np.where(mask > 0, z, 2.0 * rng.standard_normal((1, m, T_x)))  # padding: random
    y_prob = 1 / (1 + np.exp(-z))
    y_prob[np.abs(y_prob - 0.5) < 1e-3] = 0.25  # never a tie at 0.5
    return y_prob, y, mask


def _f1_case(rng, name, m, T_x):
    """A batch whose right answer differs from every wrong one of _f1_wrongs."""
    for _ in range(1000):
        args = _tagging_batch(rng, m, T_x)
        right = np.array(tagging_f1(*args))
        if all(not np.allclose(right, w, atol=1e-9) for w, _ in _f1_wrongs(*args)):
            return Case(f"{name}, m={m} T_x={T_x}", args)
    raise RuntimeError(f"no {m} x {T_x} batch tells the mistakes apart")  # a bug in the check


def _f1_cases(rng, hidden):
    cases = [_f1_case(rng, f"random {i + 1}", int(rng.integers(4, 9)), int(rng.integers(5, 9)))
             for i in range(2)]
    if hidden:
        y_prob, y, mask = _tagging_batch(rng, 4, 6)
        y_prob_nothing = np.where(mask > 0, 0.1, 0.9)[np.newaxis]  # names only at padding
        y_no_names = np.zeros_like(y)
        cases += [
            _f1_case(rng, "m = 1", 1, 7),
            Case("T_x = 1", (np.array([[[0.8], [0.3], [0.7]]]), np.array([[[1.0], [1.0], [0.0]]]),
                             np.ones((3, 1)))),
            Case("every tag right", (np.where(y > 0, 0.9, 0.1), y, mask)),
            Case("no token predicted a name (precision 0 by convention)",
                 (y_prob_nothing, y, mask)),
            Case("no names in the batch (recall 0 by convention)", (y_prob, y_no_names, mask)),
            _f1_case(rng, "a larger batch", 40, 9),
        ]
    return cases


def _compare_f1(case, expected, got):
    got = list(expect_tuple(got, 3, "precision, recall, F1"))
    names = ("precision", "recall", "F1")
    for i, name in enumerate(names):
        got[i] = _number(name, got[i])
        if np.isnan(got[i]):
            raise CheckFailed(f"{name} is nan, expected {expected[i]:.6g}: when a denominator "
                              "is 0 (no token predicted a name, or no name at all), the "
                              "value is 0.0 by convention")
    wrongs = _f1_wrongs(*case.args)
    for i, name in enumerate(names):
        hints = [(w[i], h) for w, h in wrongs if np.allclose(got, w, atol=1e-9)]
        expect_close(name, got[i], expected[i], mistakes=hints)


EXERCISES = {
    "accuracy": Exercise("accuracy", _accuracy_cases, accuracy, _compare_accuracy),
    "many_to_one_loss_and_grads": Exercise("many_to_one_loss_and_grads", _loss_cases,
                                           many_to_one_loss_and_grads, _compare_loss),
    "tagging_f1": Exercise("tagging_f1", _f1_cases, tagging_f1, _compare_f1),
}
