"""Checks for notebook 02, RNN forward propagation.

Graded functions and their references:
    rnn_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)
    rnn_forward(x, a0, parameters) -> (a, y_pred, caches)
    rnn_cell_forward_stacked(xt, a_prev, Wa, ba) -> a_next       (Wa = [Waa | Wax])
    many_to_one(x, a0, parameters) -> y_hat (n_y, m)
    one_to_many(x1, a0, parameters, T_y) -> y_pred (n_y, m, T_y)
    encoder_decoder(x, a0, enc_parameters, dec_parameters, T_y) -> y_pred (n_y, m, T_y)
"""

import numpy as np

from seqlib import rnn
from seqlib.activations import sigmoid, softmax
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    expect_array,
    expect_tuple,
)
from seqlib.initialization import init_parameters

# ---------------------------------------------------------------- cases


def _params(rng, n_x, n_a, n_y, scale=1.0):
    p = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
    # non-zero biases: a forgotten bias must show
    return {k: scale * (v + 0.5 * rng.standard_normal(v.shape)) for k, v in p.items()}


def _sizes(rng, hidden):
    """(n_x, n_a, n_y, m, T_x) per case: a random one, then the edge cases when hidden."""
    sizes = [(f"random {i + 1}", tuple(int(s) for s in rng.integers(2, 7, size=5)))
             for i in range(2)]
    if hidden:
        sizes += [("m = 1", (3, 5, 2, 1, 4)), ("T_x = 1", (4, 3, 5, 2, 1)),
                  ("n_x = n_a = n_y", (4, 4, 4, 3, 3))]
    return sizes


def _step_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, _) in _sizes(rng, hidden):
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m}",
                          (rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)),
                           _params(rng, n_x, n_a, n_y))))
    if hidden:
        cases.append(Case("large activations", (50 * rng.standard_normal((3, 4)),
                                                 rng.standard_normal((5, 4)),
                                                 _params(rng, 3, 5, 2, scale=30.0))))
    return cases


def _sequence_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, T_x) in _sizes(rng, hidden):
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m} T_x={T_x}",
                          (rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)),
                           _params(rng, n_x, n_a, n_y))))
    return cases


# ---------------------------------------------------------------- rnn_cell_forward
def _compare_cell(case, expected, got):
    xt, a_prev, p = case.args
    a_next, yt_pred, cache = expect_tuple(got, 3, "a_next, yt_pred, cache")
    z = p["Waa"] @ a_prev + p["Wax"] @ xt
    expect_array("a_next", a_next, expected[0], mistakes=[
        (np.tanh(z), "did you forget the bias ba?"),
        (sigmoid(z + p["ba"]), "the RNN's hidden state uses tanh, not the sigmoid"),
        (z + p["ba"], "did you forget the tanh?"),
    ])
    zy = p["Wya"] @ expected[0] + p["by"]
    expect_array("yt_pred", yt_pred, expected[1], mistakes=[
        (zy, "apply the softmax to Wya a_next + by"),
        (softmax(zy, axis=1), "the softmax runs over the units (axis 0), one column per example"),
        (softmax(p["Wya"] @ a_prev + p["by"]), "the prediction uses a_next, not a_prev"),
        (softmax(p["Wya"] @ expected[0]), "did you forget the bias by?"),
    ])
    cache = expect_tuple(cache, 4, "the cache (a_next, a_prev, xt, parameters)")
    for i, (name, want) in enumerate([("a_next", expected[0]), ("a_prev", a_prev),
                                      ("xt", xt)]):
        if not (isinstance(cache[i], np.ndarray) and cache[i].shape == want.shape
                and np.allclose(cache[i], want)):
            raise CheckFailed(f"cache[{i}] should be {name}: the cache is "
                              "(a_next, a_prev, xt, parameters)")


# ---------------------------------------------------------------- rnn_forward
def _compare_sequence(case, expected, got):
    x, a0, p = case.args
    a, y_pred, caches = expect_tuple(got, 3, "a, y_pred, caches")
    T_x = x.shape[2]
    never_updated = np.stack([rnn.rnn_cell_forward(x[:, :, t], a0, p)[0]
                              for t in range(T_x)], axis=2)
    shifted = np.concatenate([a0[:, :, None], expected[0][:, :, :-1]], axis=2)
    expect_array("a", a, expected[0], mistakes=[
        (never_updated, "every step should start from the previous step's a_next, not a0"),
        (shifted, "a[:, :, t] should hold a<t+1>, the state after step t (you stored a_prev)"),
    ])
    expect_array("y_pred", y_pred, expected[1])
    if not (isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[0], list)
            and len(caches[0]) == T_x):
        raise CheckFailed("caches should be (list of the T_x step caches, x)")


# ---------------------------------------------------------------- the stacked notation
def rnn_cell_forward_stacked(xt, a_prev, Wa, ba):
    """a<t> = tanh(Wa [a<t-1>; x<t>] + ba) with Wa = [Waa | Wax]: (n_a, n_a + n_x)."""
    return np.tanh(Wa @ np.vstack([a_prev, xt]) + ba)


def _stacked_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, _, m, _) in _sizes(rng, hidden):
        p = _params(rng, n_x, n_a, 2)
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} m={m}",
                          (rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)),
                           np.hstack([p["Waa"], p["Wax"]]), p["ba"])))
    return cases


def _compare_stacked(case, expected, got):
    xt, a_prev, Wa, ba = case.args
    expect_array("a_next", got, expected, mistakes=[
        (np.tanh(Wa @ np.vstack([xt, a_prev]) + ba),
         "stack the hidden state first: [a_prev; xt], matching Wa = [Waa | Wax]"),
        (Wa @ np.vstack([a_prev, xt]) + ba, "did you forget the tanh?"),
    ])


# ---------------------------------------------------------------- the four architectures
def many_to_one(x, a0, parameters):
    """Only the last step predicts: ŷ = softmax(Wya a<T_x> + by), (n_y, m)."""
    a, _, _ = rnn.rnn_forward(x, a0, parameters)
    return softmax(parameters["Wya"] @ a[:, :, -1] + parameters["by"])


def one_to_many(x1, a0, parameters, T_y):
    """x<1> = x1, then each prediction is the next input: x<t> = ŷ<t-1>. (n_y, m, T_y)."""
    xt, a_prev, outputs = x1, a0, []
    for _ in range(T_y):
        a_prev, xt, _ = rnn.rnn_cell_forward(xt, a_prev, parameters)
        outputs.append(xt)
    return np.stack(outputs, axis=2)


def encoder_decoder(x, a0, enc_parameters, dec_parameters, T_y):
    """The encoder reads x; its last state starts a one-to-many decoder fed zeros first."""
    a, _, _ = rnn.rnn_forward(x, a0, enc_parameters)
    n_x_dec = dec_parameters["Wax"].shape[1]
    return one_to_many(np.zeros((n_x_dec, x.shape[1])), a[:, :, -1], dec_parameters, T_y)


def _arch_cases(kind):
    def cases(rng, hidden):
        out = []
        for name, (n_x, n_a, n_y, m, T_x) in _sizes(rng, hidden):
            x = rng.standard_normal((n_x, m, T_x))
            a0 = rng.standard_normal((n_a, m))
            if kind == "many_to_one":
                out.append(Case(f"{name}, T_x={T_x}", (x, a0, _params(rng, n_x, n_a, n_y))))
            elif kind == "one_to_many":
                out.append(Case(f"{name}, T_y={T_x + 1}", (
                    rng.standard_normal((n_y, m)), a0, _params(rng, n_y, n_a, n_y), T_x + 1)))
            else:
                # the decoder reads its own predictions, so its n_x is n_y; it shares n_a
                out.append(Case(f"{name}, T_x={T_x} T_y={T_x + 2}", (
                    x, a0, _params(rng, n_x, n_a, 3), _params(rng, n_y, n_a, n_y), T_x + 2)))
        return out
    return cases


def _compare_many_to_one(case, expected, got):
    x, a0, p = case.args
    a, y_pred, _ = rnn.rnn_forward(x, a0, p)
    expect_array("y_hat", got, expected, mistakes=[
        (y_pred[:, :, 0], "predict from the last step, a<T_x>, not the first"),
        (y_pred, "return only the last step's prediction, shape (n_y, m)"),
    ])


def _compare_sequence_output(case, expected, got):
    expect_array("y_pred", got, expected)


EXERCISES = {
    "rnn_cell_forward": Exercise("rnn_cell_forward", _step_cases, rnn.rnn_cell_forward,
                                 _compare_cell, forbidden=(rnn._step,)),
    "rnn_forward": Exercise("rnn_forward", _sequence_cases, rnn.rnn_forward,
                            _compare_sequence, forbidden=(rnn.forward_states,)),
    "rnn_cell_forward_stacked": Exercise("rnn_cell_forward_stacked", _stacked_cases,
                                         rnn_cell_forward_stacked, _compare_stacked),
    "many_to_one": Exercise("many_to_one", _arch_cases("many_to_one"), many_to_one,
                            _compare_many_to_one),
    "one_to_many": Exercise("one_to_many", _arch_cases("one_to_many"), one_to_many,
                            _compare_sequence_output),
    "encoder_decoder": Exercise("encoder_decoder", _arch_cases("encoder_decoder"),
                                encoder_decoder, _compare_sequence_output),
}
