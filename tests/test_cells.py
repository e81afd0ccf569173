"""RNN, GRU and LSTM cells against independent truth.

- every backward (one step and a whole sequence) against centred differences;
- the whole-sequence forward against the cell run step by step;
- known special cases: a GRU with Γu ≡ Γr ≡ 1 is a tanh RNN on [a; x]; an LSTM with
  Γf ≡ 1, Γu ≡ 0 carries c unchanged; a GRU with Γu ≡ 0 carries a unchanged;
- finite, warning-free outputs at pre-activations of ±1000; float32 preserved.
"""

import numpy as np
import pytest
from conftest import assert_gradients, random_case

from seqlib import gru, lstm, rnn

SATURATE = 1000.0  # a bias this large drives σ to exactly 0 or 1 in float64


# ---------------------------------------------------------------- adapters: one call shape
def seq_forward(cell, x, a0, params):
    """-> (a, y_pred, caches) for every cell."""
    if cell == "rnn":
        return rnn.rnn_forward(x, a0, params)
    if cell == "gru":
        return gru.gru_forward(x, a0, params)
    if cell == "gru_simplified":
        return gru.gru_forward(x, a0, params, simplified=True)
    a, y, _, caches = lstm.lstm_forward(x, a0, params)
    return a, y, caches


SEQ_BACKWARD = {
    "rnn": rnn.rnn_backward, "gru": gru.gru_backward, "gru_simplified": gru.gru_backward,
    "lstm": lstm.lstm_backward,
}
RECURRENT = {
    "rnn": rnn.RECURRENT_SHAPES, "gru": gru.RECURRENT_SHAPES,
    "gru_simplified": gru.SIMPLIFIED_SHAPES, "lstm": lstm.RECURRENT_SHAPES,
}
CELLS = list(RECURRENT)


def case(cell, rng, **kw):
    x, a0, params = random_case("gru" if cell == "gru_simplified" else cell, rng, **kw)
    if cell == "gru_simplified":
        del params["Wr"], params["br"]
    return x, a0, params


def recurrent(cell, params):
    return {k: params[k] for k in RECURRENT[cell]}


# ---------------------------------------------------------------- gradient checks
@pytest.mark.parametrize("cell", CELLS)
def test_sequence_backward_matches_numerical_gradient(cell, rng):
    x, a0, params = case(cell, rng)
    weights = rng.standard_normal((a0.shape[0], x.shape[1], x.shape[2]))

    def loss():  # J = Σ weights * a, so dJ/da = weights
        return np.sum(weights * seq_forward(cell, x, a0, params)[0])

    grads = SEQ_BACKWARD[cell](weights, seq_forward(cell, x, a0, params)[2])
    assert_gradients(f"{cell} sequence", loss, {"x": x, "a0": a0, **recurrent(cell, params)},
                     grads)


@pytest.mark.parametrize("cell", CELLS)
def test_cell_backward_matches_numerical_gradient(cell, rng):
    x, a0, params = case(cell, rng, T_x=1)
    xt = x[:, :, 0]
    c_prev = rng.standard_normal(a0.shape)
    w_a = rng.standard_normal(a0.shape)
    w_c = rng.standard_normal(a0.shape)
    variables = {"xt": xt, "a_prev": a0, **recurrent(cell, params)}
    if cell == "lstm":
        variables["c_prev"] = c_prev

        def loss():
            a, c, _, _ = lstm.lstm_cell_forward(xt, a0, c_prev, params)
            return np.sum(w_a * a) + np.sum(w_c * c)

        grads = lstm.lstm_cell_backward(w_a, w_c, lstm.lstm_cell_forward(xt, a0, c_prev,
                                                                          params)[3])
    else:
        forward = {"rnn": rnn.rnn_cell_forward, "gru": gru.gru_cell_forward,
                   "gru_simplified": lambda *a: gru.gru_cell_forward(*a, simplified=True)}[cell]
        backward = rnn.rnn_cell_backward if cell == "rnn" else gru.gru_cell_backward

        def loss():
            return np.sum(w_a * forward(xt, a0, params)[0])

        grads = backward(w_a, forward(xt, a0, params)[2])
    assert_gradients(f"{cell} cell", loss, variables, grads)


# ---------------------------------------------------------------- forward agreements
@pytest.mark.parametrize("cell", CELLS)
def test_sequence_forward_equals_step_by_step(cell, rng):
    x, a0, params = case(cell, rng)
    a, y_pred, caches = seq_forward(cell, x, a0, params)
    a_prev, c_prev = a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        if cell == "lstm":
            a_prev, c_prev, yt, _ = lstm.lstm_cell_forward(x[:, :, t], a_prev, c_prev, params)
        elif cell == "rnn":
            a_prev, yt, _ = rnn.rnn_cell_forward(x[:, :, t], a_prev, params)
        else:
            a_prev, yt, _ = gru.gru_cell_forward(x[:, :, t], a_prev, params,
                                                 simplified=cell == "gru_simplified")
        np.testing.assert_allclose(a[:, :, t], a_prev, rtol=0, atol=1e-12)
        np.testing.assert_allclose(y_pred[:, :, t], yt, rtol=0, atol=1e-12)
    assert len(caches[0]) == x.shape[2]
    np.testing.assert_allclose(y_pred.sum(axis=0), 1.0, atol=1e-12)


def test_lstm_forward_returns_the_cell_states(rng):
    x, a0, params = case("lstm", rng)
    a, _, c, _ = lstm.lstm_forward(x, a0, params)
    a_prev, c_prev = a0, np.zeros_like(a0)
    for t in range(x.shape[2]):
        a_prev, c_prev, _, _ = lstm.lstm_cell_forward(x[:, :, t], a_prev, c_prev, params)
        np.testing.assert_allclose(c[:, :, t], c_prev, atol=1e-12)
    # the hidden state is Γo * tanh(c): |a| < |tanh(c)| entry-wise, sign shared
    assert np.all(np.abs(a) <= np.abs(np.tanh(c)) + 1e-15)


def test_rnn_forward_against_the_equations_written_out(rng):
    """a<t> = tanh(Waa a<t-1> + Wax x<t> + ba) with the stacked Wa = [Waa | Wax]."""
    x, a0, p = case("rnn", rng)
    a, y_pred, _ = rnn.rnn_forward(x, a0, p)
    Wa = np.hstack([p["Waa"], p["Wax"]])
    a_prev = a0
    for t in range(x.shape[2]):
        a_prev = np.tanh(Wa @ np.vstack([a_prev, x[:, :, t]]) + p["ba"])
        z = p["Wya"] @ a_prev + p["by"]
        np.testing.assert_allclose(a[:, :, t], a_prev, atol=1e-12)
        np.testing.assert_allclose(y_pred[:, :, t], np.exp(z) / np.exp(z).sum(0), atol=1e-12)


# ---------------------------------------------------------------- special cases
def test_gru_with_both_gates_open_is_a_tanh_rnn(rng):
    """Γu ≡ 1, Γr ≡ 1: c<t> = c̃<t> = tanh(Wc [c<t-1>; x<t>] + bc), an RNN with
    Waa = Wc[:, :n_a] and Wax = Wc[:, n_a:]."""
    x, a0, p = case("gru", rng)
    n_a = a0.shape[0]
    p["bu"][:] = SATURATE
    p["br"][:] = SATURATE
    a_gru, _, _ = gru.gru_forward(x, a0, p)
    as_rnn = {"Waa": p["Wc"][:, :n_a], "Wax": p["Wc"][:, n_a:], "ba": p["bc"],
              "Wya": p["Wy"], "by": p["by"]}
    a_rnn, _, _ = rnn.rnn_forward(x, a0, as_rnn)
    np.testing.assert_allclose(a_gru, a_rnn, rtol=0, atol=1e-12)


def test_gru_with_update_gate_closed_keeps_memory_and_gradient(rng):
    """Γu ≡ 0: c<t> = c<t-1> for 100 steps, and dJ/dc<0> = dJ/dc<100> exactly."""
    x, a0, p = case("gru", rng, T_x=100, m=3)
    p["bu"][:] = -SATURATE
    a, _, caches = gru.gru_forward(x, a0, p)
    np.testing.assert_array_equal(a[:, :, -1], a0)
    da = np.zeros_like(a)
    da[:, :, -1] = rng.standard_normal(a0.shape)
    grads = gru.gru_backward(da, caches)
    np.testing.assert_allclose(grads["da0"], da[:, :, -1], atol=1e-12)


def test_lstm_with_forget_open_and_update_closed_carries_c_for_100_steps(rng):
    x, a0, p = case("lstm", rng, T_x=100, m=3)
    p["bf"][:] = SATURATE  # Γf ≡ 1
    p["bu"][:] = -SATURATE  # Γu ≡ 0
    c0 = rng.standard_normal(a0.shape)
    a_prev, c_prev = a0, c0
    for t in range(100):
        a_prev, c_prev, _, _ = lstm.lstm_cell_forward(x[:, :, t], a_prev, c_prev, p)
        np.testing.assert_array_equal(c_prev, c0)
    # and a plain RNN's state after 100 steps has long forgotten a0
    xr, _, pr = case("rnn", rng, T_x=100, m=3)
    a_one, _, _ = rnn.rnn_forward(xr, a0, pr)
    a_two, _, _ = rnn.rnn_forward(xr, -a0, pr)
    assert np.max(np.abs(a_one[:, :, -1] - a_two[:, :, -1])) < 1e-3


@pytest.mark.parametrize("cell", CELLS)
def test_huge_preactivations_stay_finite_and_quiet(cell, rng):
    """Pre-activations of ±1000 saturate the gates; no overflow warning (pytest turns warnings
    into errors) and finite values forward and backward."""
    x, a0, params = case(cell, rng)
    x = x * 1000.0
    for key in params:
        params[key] = params[key] * 1000.0
    a, y_pred, caches = seq_forward(cell, x, a0, params)
    grads = SEQ_BACKWARD[cell](np.ones_like(a), caches)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(y_pred))
    assert all(np.all(np.isfinite(g)) for g in grads.values())


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("m,T_x", [(1, 1), (1, 5), (3, 1)])
def test_single_example_and_single_step(cell, m, T_x, rng):
    x, a0, params = case(cell, rng, m=m, T_x=T_x)
    a, y_pred, caches = seq_forward(cell, x, a0, params)
    assert a.shape == (a0.shape[0], m, T_x) and y_pred.shape == (2, m, T_x)
    grads = SEQ_BACKWARD[cell](np.ones_like(a), caches)
    assert grads["dx"].shape == x.shape and grads["da0"].shape == a0.shape
    for key, value in recurrent(cell, params).items():
        assert grads["d" + key].shape == value.shape


@pytest.mark.parametrize("cell", CELLS)
def test_float32_in_float32_out(cell, rng):
    x, a0, params = case(cell, rng, dtype=np.float32)
    a, y_pred, caches = seq_forward(cell, x, a0, params)
    grads = SEQ_BACKWARD[cell](np.ones_like(a), caches)
    assert a.dtype == y_pred.dtype == np.float32
    assert all(g.dtype == np.float32 for g in grads.values())
    a64, _, _ = seq_forward(cell, x.astype(np.float64), a0.astype(np.float64),
                            {k: v.astype(np.float64) for k, v in params.items()})
    np.testing.assert_allclose(a, a64, atol=1e-5)


@pytest.mark.parametrize("cell", CELLS)
def test_batch_columns_are_independent(cell, rng):
    """Vectorised over m: each example's result equals running it alone."""
    x, a0, params = case(cell, rng, m=3)
    a, _, _ = seq_forward(cell, x, a0, params)
    for i in range(3):
        a_i, _, _ = seq_forward(cell, x[:, i:i + 1], a0[:, i:i + 1], params)
        np.testing.assert_allclose(a[:, i:i + 1], a_i, atol=1e-12)
