"""seqlib.fused, the fast path, against the readable teaching modules it must equal.

- forward outputs and every gradient equal seqlib.rnn, seqlib.gru (full and simplified) and
  seqlib.lstm to 1e-12 in float64, on random cases including m = 1 and T_x = 1; float32 is
  preserved and agrees to float32 precision;
- the fused backward against centred differences (gradient check);
- the Cells of fused.get_cell drop into the code that takes a Cell (the language model's loss);
- saturated gates stay finite and quiet; wrong arguments raise ValueError naming them.
"""

import numpy as np
import pytest
from conftest import assert_gradients, random_case

from seqlib import charlm, fused, gru, lstm, rnn
from seqlib.cells import get_cell
from seqlib.text import Vocabulary

CELLS = ["rnn", "gru", "gru_simplified", "lstm"]
SIZES = [  # (n_x, n_a, m, T_x)
    (3, 5, 4, 6),
    (3, 5, 1, 6),  # one example
    (3, 5, 4, 1),  # one step
    (2, 3, 1, 1),
    (7, 2, 3, 9),  # n_a < n_x
]


def case(cell, rng, n_x=3, n_a=5, m=4, T_x=6, dtype=np.float64):
    x, a0, params = random_case("gru" if cell == "gru_simplified" else cell, rng, n_x=n_x,
                                n_a=n_a, m=m, T_x=T_x, dtype=dtype)
    if cell == "gru_simplified":
        del params["Wr"], params["br"]
    return x, a0, params


def teaching(cell, x, a0, params):
    """(forward outputs, backward gradients from a random da) of the teaching module."""
    if cell == "lstm":
        a, y, c, caches = lstm.lstm_forward(x, a0, params)
        return (a, y, c), lambda da: lstm.lstm_backward(da, caches)
    if cell == "rnn":
        a, y, caches = rnn.rnn_forward(x, a0, params)
        return (a, y), lambda da: rnn.rnn_backward(da, caches)
    a, y, caches = gru.gru_forward(x, a0, params, simplified=cell == "gru_simplified")
    return (a, y), lambda da: gru.gru_backward(da, caches)


def fast(cell, x, a0, params):
    if cell == "lstm":
        a, y, c, caches = fused.lstm_forward(x, a0, params)
        return (a, y, c), lambda da: fused.lstm_backward(da, caches)
    if cell == "rnn":
        a, y, caches = fused.rnn_forward(x, a0, params)
        return (a, y), lambda da: fused.rnn_backward(da, caches)
    a, y, caches = fused.gru_forward(x, a0, params, simplified=cell == "gru_simplified")
    return (a, y), lambda da: fused.gru_backward(da, caches)


def assert_same(got, want, tol):
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


# ---------------------------------------------------------------- equal to the teaching version
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "n_x{}-n_a{}-m{}-T{}".format(*s))
@pytest.mark.parametrize("cell", CELLS)
def test_fused_equals_the_teaching_version(cell, sizes, rng):
    n_x, n_a, m, T_x = sizes
    x, a0, params = case(cell, rng, n_x=n_x, n_a=n_a, m=m, T_x=T_x)
    da = rng.standard_normal((n_a, m, T_x))
    outputs, backward = teaching(cell, x, a0, params)
    fast_outputs, fast_backward = fast(cell, x, a0, params)
    for got, want in zip(fast_outputs, outputs, strict=True):
        assert_same(got, want, 1e-12)
    grads, fast_grads = backward(da), fast_backward(da)
    assert set(fast_grads) == set(grads)
    for key in grads:
        assert_same(fast_grads[key], grads[key], 1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_float32_is_preserved_and_agrees_to_float32_precision(cell, rng):
    for m, T_x in ((4, 6), (1, 1)):
        x, a0, params = case(cell, rng, m=m, T_x=T_x, dtype=np.float32)
        da = rng.standard_normal((a0.shape[0], m, T_x)).astype(np.float32)
        outputs, backward = teaching(cell, x, a0, params)
        fast_outputs, fast_backward = fast(cell, x, a0, params)
        for got, want in zip(fast_outputs, outputs, strict=True):
            assert_same(got, want, 1e-5)
        grads, fast_grads = backward(da), fast_backward(da)
        for key in grads:
            assert_same(fast_grads[key], grads[key], 1e-5)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_mixed_dtypes_compute_as_the_teaching_version(cell, rng):
    x, a0, params = case(cell, rng)
    x32 = x.astype(np.float32)  # float32 inputs, float64 parameters: float64 results
    outputs, _ = teaching(cell, x32, a0, params)
    fast_outputs, _ = fast(cell, x32, a0, params)
    for got, want in zip(fast_outputs, outputs, strict=True):
        assert_same(got, want, 1e-12)


def test_lstm_with_a_given_c0_equals_the_teaching_version(rng):
    x, a0, params = case("lstm", rng)
    c0 = rng.standard_normal(a0.shape)
    a, c, caches = lstm.forward_states(x, a0, params, c0=c0)
    fast_caches = fused._lstm_states(x, a0, params, c0=c0)
    assert_same(fused._natural(fast_caches["A"]), a, 1e-12)
    assert_same(fused._natural(fast_caches["C"]), c, 1e-12)
    da = rng.standard_normal(a.shape)
    grads, fast_grads = lstm.backward_states(da, caches), fused.lstm_backward(da, fast_caches)
    for key in grads:
        assert_same(fast_grads[key], grads[key], 1e-12)


def test_inputs_that_are_views_work(rng):
    """Bidirectional RNNs pass x reversed in time, a view with a negative stride."""
    x, a0, params = case("lstm", rng)
    reversed_x = x[:, :, ::-1]
    outputs, backward = teaching("lstm", reversed_x, a0, params)
    fast_outputs, fast_backward = fast("lstm", reversed_x, a0, params)
    for got, want in zip(fast_outputs, outputs, strict=True):
        assert_same(got, want, 1e-12)
    da = rng.standard_normal(outputs[0].shape)[:, :, ::-1]
    for key, value in backward(da).items():
        assert_same(fast_backward(da)[key], value, 1e-12)


def test_backward_leaves_the_caches_as_they_were(rng):
    """Calling backward twice on the same caches gives the same gradients."""
    x, a0, params = case("lstm", rng)
    _, backward = fast("lstm", x, a0, params)
    da = rng.standard_normal((a0.shape[0], x.shape[1], x.shape[2]))
    first, second = backward(da), backward(da)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


# ---------------------------------------------------------------- gradient check
@pytest.mark.parametrize("cell", CELLS)
def test_fused_backward_matches_numerical_gradient(cell, rng):
    x, a0, params = case(cell, rng)
    weights = rng.standard_normal((a0.shape[0], x.shape[1], x.shape[2]))

    def loss():  # J = Σ weights * a, so dJ/da = weights
        return np.sum(weights * fast(cell, x, a0, params)[0][0])

    _, backward = fast(cell, x, a0, params)
    shapes = {"rnn": rnn.RECURRENT_SHAPES, "gru": gru.RECURRENT_SHAPES,
              "gru_simplified": gru.SIMPLIFIED_SHAPES, "lstm": lstm.RECURRENT_SHAPES}[cell]
    variables = {"x": x, "a0": a0, **{k: params[k] for k in shapes}}
    assert_gradients(f"fused {cell} sequence", loss, variables, backward(weights))


# ---------------------------------------------------------------- as a Cell
@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_fused_cells_give_the_language_models_loss_and_gradients(cell, rng):
    vocab = Vocabulary(list("abcde"))
    model = charlm.init_char_lm(vocab, 6, rng, cell=cell)
    x, y, mask = charlm.make_batch(model, ["abc", "e", "deadbeef"])  # padded, masked
    a0 = np.zeros((6, 3))
    J, grads = charlm._loss_and_gradients(get_cell(cell), model.parameters, x, y, mask, a0)
    J_fast, fast_grads = charlm._loss_and_gradients(fused.get_cell(cell), model.parameters, x,
                                                    y, mask, a0)
    assert J_fast == pytest.approx(J, rel=1e-12)
    for key in grads:
        assert_same(fast_grads[key], grads[key], 1e-12)


def test_get_cell_names_the_three_cells():
    assert fused.get_cell("lstm").state_size == 2
    assert fused.get_cell("lstm").step is get_cell("lstm").step
    with pytest.raises(ValueError, match="cell"):
        fused.get_cell("transformer")


# ---------------------------------------------------------------- saturation and errors
@pytest.mark.parametrize("cell", CELLS)
def test_saturated_gates_stay_finite_and_quiet(cell, rng):
    x, a0, params = case(cell, rng)
    for key in params:
        if key.startswith("b"):
            params[key] = params[key] + 1000.0 * np.sign(rng.standard_normal(params[key].shape))
    outputs, backward = fast(cell, x, a0, params)
    grads = backward(rng.standard_normal(outputs[0].shape))
    teaching_outputs, _ = teaching(cell, x, a0, params)
    for got, want in zip(outputs, teaching_outputs, strict=True):
        assert_same(got, want, 1e-12)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


@pytest.mark.parametrize("cell", CELLS)
def test_wrong_shapes_raise_errors_that_name_the_argument(cell, rng):
    x, a0, params = case(cell, rng)
    with pytest.raises(ValueError, match="a0"):
        fast(cell, x, a0[:, :2], params)
    bad = dict(params)
    key = "Waa" if cell == "rnn" else "Wc"
    bad[key] = bad[key][:, 1:]
    with pytest.raises(ValueError, match=key):
        fast(cell, x, a0, bad)
    with pytest.raises(ValueError, match="x"):
        fast(cell, x[:, :, 0], a0, params)
    _, backward = fast(cell, x, a0, params)
    with pytest.raises(ValueError, match="da"):
        backward(np.zeros((a0.shape[0], x.shape[1], x.shape[2] + 1)))


def test_backward_refuses_other_caches(rng):
    x, a0, params = case("lstm", rng)
    _, _, _, teaching_caches = lstm.lstm_forward(x, a0, params)
    da = np.zeros((a0.shape[0], x.shape[1], x.shape[2]))
    with pytest.raises(ValueError, match="caches"):
        fused.lstm_backward(da, teaching_caches)
    x, a0, params = case("rnn", rng)
    _, _, rnn_caches = fused.rnn_forward(x, a0, params)
    with pytest.raises(ValueError, match="fused.rnn_forward"):
        fused.lstm_backward(da, rnn_caches)

