"""seqlib.explore against independent truths: the reference caches, finite differences, the
notebook-03 construction of the horizontal gradient, and charlm's own distribution."""

import numpy as np
import pytest

import seqlib.rnn
from seqlib import explore
from seqlib.cells import get_cell
from seqlib.charlm import char_vocab, init_char_lm, probabilities
from seqlib.gru import gru_cell_forward
from seqlib.initialization import init_parameters
from seqlib.lstm import lstm_cell_forward
from seqlib.rnn import rnn_cell_forward, rnn_forward

CELLS = ("rnn", "gru", "lstm")
STEPS = {"rnn": rnn_cell_forward, "gru": gru_cell_forward, "lstm": lstm_cell_forward}


def setup(cell, n_x=3, n_a=4, n_y=5, T=6, seed=0):
    rng = np.random.default_rng(seed)
    params = init_parameters(cell, n_x, n_a, n_y, rng=rng)
    return params, rng.standard_normal((n_x, 1, T))


@pytest.mark.parametrize("cell", CELLS)
def test_gate_trace_matches_the_reference_caches(cell):
    params, x = setup(cell)
    trace = explore.gate_trace(cell, params, x)
    _, (caches, _) = get_cell(cell).forward_states(x, np.zeros((4, 1)), params)
    where = {"rnn": {"a": 0}, "gru": {"c": 0, "gamma_u": 3, "gamma_r": 4, "c_tilde": 5},
             "lstm": {"a": 0, "c": 1, "gamma_f": 4, "gamma_u": 5, "c_tilde": 6, "gamma_o": 7}}
    assert set(where[cell]) == set(explore.TRACE_KEYS[cell])
    for key, index in where[cell].items():
        expected = np.stack([cache[index][:, 0] for cache in caches], axis=1)  # (n_a, T)
        np.testing.assert_allclose(trace[key], expected, rtol=0, atol=1e-14)
    assert trace["y"].shape == (5, 6)
    np.testing.assert_allclose(trace["y"].sum(axis=0), 1)
    assert trace["source"] == "seqlib" and trace["reason"] is None


@pytest.mark.parametrize("cell", CELLS)
def test_gate_trace_runs_the_learners_function(cell):
    params, x = setup(cell)
    calls = []

    def mine(*args):
        calls.append(1)
        return STEPS[cell](*args)

    trace = explore.gate_trace(cell, params, x, step_fn=mine)
    assert trace["source"] == "yours" and trace["reason"] is None
    assert len(calls) == 6 and trace["max_difference"] == 0


def test_gate_trace_reports_a_wrong_learner_function():
    params, x = setup("rnn")

    def doubled(xt, a_prev, parameters):
        a, y, cache = rnn_cell_forward(xt, a_prev, parameters)
        return 0.5 * a, y, (0.5 * a, *cache[1:])

    trace = explore.gate_trace("rnn", params, x, step_fn=doubled)
    assert trace["source"] == "yours" and trace["max_difference"] > 1e-3


@pytest.mark.parametrize("cell", CELLS)
def test_gate_trace_falls_back_when_not_implemented(cell):
    params, x = setup(cell)

    def gru_cell_forward(*args):
        raise NotImplementedError()

    trace = explore.gate_trace(cell, params, x, step_fn=gru_cell_forward)
    reference = explore.gate_trace(cell, params, x)
    assert trace["source"] == "seqlib"
    assert "gru_cell_forward is not written yet" in trace["reason"]
    for key in explore.TRACE_KEYS[cell]:
        np.testing.assert_array_equal(trace[key], reference[key])


def test_gate_trace_falls_back_on_an_error_or_a_bad_cache():
    params, x = setup("gru")

    def broken(xt, a_prev, parameters):
        raise KeyError("Wr")

    def short_cache(xt, a_prev, parameters):
        a, y, cache = gru_cell_forward(xt, a_prev, parameters)
        return a, y, cache[:3]

    trace = explore.gate_trace("gru", params, x, step_fn=broken)
    assert trace["source"] == "seqlib" and "KeyError" in trace["reason"]
    trace = explore.gate_trace("gru", params, x, step_fn=short_cache)
    assert trace["source"] == "seqlib" and "tuple of 7" in trace["reason"]


@pytest.mark.parametrize("cell", CELLS)
def test_step_equation_numbers_agree_with_the_trace(cell):
    params, x = setup(cell)
    trace = explore.gate_trace(cell, params, x)
    text = explore.step_equation(trace, 3, 1)
    last = "c" if cell == "gru" else "a"
    value = f"{trace[last][1, 2]:.3f}".replace("-", "−")
    assert value in text
    assert explore.step_equation(trace, 1, 0)  # step 1 reads a<0> = 0


def test_text_inputs_follow_the_language_model():
    vocab = char_vocab(["anna", "bob"])
    x, labels = explore.text_inputs(vocab, "ab")
    assert x.shape == (len(vocab), 1, 3) and labels == ["·", "a", "b"]
    assert not x[:, 0, 0].any() and x[vocab.index("a"), 0, 1] == 1


# ---------------------------------------------------------------- gradient flow
def finite_difference_flow(cell, radius, T, seed, input_scale, n_x, n_a, eps=1e-6):
    """‖∂J/∂a<t>‖ by centred differences: perturb a<t>, run the later steps again."""
    rng = np.random.default_rng(seed)
    x = input_scale * rng.standard_normal((n_x, 1, T))
    w = rng.standard_normal((n_a, 1))
    w /= np.linalg.norm(w)
    params = explore.recurrent_parameters(cell, radius, n_x, n_a, rng)
    c = get_cell(cell)
    states = [c.initial_state(np.zeros((n_a, 1)))]
    for t in range(T):
        states.append(c.step(x[:, :, t], states[-1], params))

    def J_from(t, state):  # state is the state after step t (1-based)
        for k in range(t, T):
            state = c.step(x[:, :, k], state, params)
        return float(w[:, 0] @ state[0][:, 0])

    norms = np.zeros(T)
    for t in range(1, T + 1):
        grad = np.zeros(n_a)
        for j in range(n_a):
            plus = [s.copy() for s in states[t]]
            minus = [s.copy() for s in states[t]]
            plus[0][j] += eps
            minus[0][j] -= eps
            grad[j] = (J_from(t, tuple(plus)) - J_from(t, tuple(minus))) / (2 * eps)
        norms[t - 1] = np.linalg.norm(grad)
    return norms


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("radius", [0.6, 1.4])
def test_gradient_flow_matches_finite_differences(cell, radius):
    got = explore.gradient_flow(cell, radius, 5, rng=np.random.default_rng(3),
                                input_scale=0.7, n_x=2, n_a=3)
    want = finite_difference_flow(cell, radius, 5, 3, 0.7, 2, 3)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    assert got[-1] == pytest.approx(1.0)


def test_gradient_flow_at_zero_states_is_a_power_of_waa():
    rng = np.random.default_rng(0)
    got = explore.gradient_flow("rnn", 1.5, 20, rng=np.random.default_rng(0), n_x=4, n_a=16)
    rng.standard_normal((4, 1, 20))  # x (zero times these)
    w = rng.standard_normal((16, 1))
    w /= np.linalg.norm(w)
    Waa = explore.recurrent_parameters("rnn", 1.5, 4, 16, rng)["Waa"]
    assert np.max(np.abs(np.linalg.eigvals(Waa))) == pytest.approx(1.5)
    want = [np.linalg.norm(np.linalg.matrix_power(Waa.T, 19 - t) @ w) for t in range(20)]
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert got[0] > 1e2  # exploding


def test_gradient_flow_vanishes_and_clipping_bounds_the_explosion():
    small = explore.gradient_flow("rnn", 0.5, 40)
    assert small[0] < 1e-8
    big = explore.gradient_flow("rnn", 1.5, 40)
    clipped = explore.gradient_flow("rnn", 1.5, 40, clip=2.0)
    assert big.max() > 1e3 and clipped.max() <= 2.0 + 1e-12
    np.testing.assert_array_equal(explore.gradient_flow("rnn", 1.5, 40, clip=1e30), big)


# ---------------------------------------------------------------- BPTT contributions
def test_bptt_contributions_match_the_shorter_sequence_construction():
    rng = np.random.default_rng(3)
    n_x, n_a, n_y, m, T = 3, 5, 4, 2, 7
    params = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
    x = rng.standard_normal((n_x, m, T))
    _, _, caches = rnn_forward(x, np.zeros((n_a, m)), params)
    da = rng.standard_normal((n_a, m, T))
    vertical, horizontal = explore.bptt_contributions(da, caches)
    step_caches, _ = caches
    for t in range(T):
        assert vertical[t] == pytest.approx(np.linalg.norm(da[:, :, t]))
        if t == T - 1:
            assert horizontal[t] == 0
        else:  # notebook 03's trick: the steps after t, started from a<t>; their da0
            later = (step_caches[t + 1:], x[:, :, t + 1:])
            want = np.linalg.norm(seqlib.rnn.rnn_backward(da[:, :, t + 1:], later)["da0"])
            assert horizontal[t] == pytest.approx(want, rel=1e-12)


# ---------------------------------------------------------------- the language model
@pytest.fixture
def model():
    vocab = char_vocab(["anna", "bob", "carl", "dora"])
    return init_char_lm(vocab, 8, np.random.default_rng(0), cell="gru")


def test_temperature_one_is_the_model_distribution(model):
    np.testing.assert_allclose(explore.next_char_distribution(model, "an", 1.0),
                               probabilities(model, "an"), rtol=1e-12)


def test_temperature_sharpens_and_flattens(model):
    p = probabilities(model, "b")

    def entropy(q):
        return -np.sum(q * np.log(q))

    cold = explore.next_char_distribution(model, "b", 0.001)
    hot = explore.next_char_distribution(model, "b", 10.0)
    assert cold[np.argmax(p)] == pytest.approx(1.0)
    assert entropy(hot) > entropy(p) > entropy(cold)
    np.testing.assert_allclose([cold.sum(), hot.sum()], 1)


def test_samples_repeat_with_the_seed(model):
    first = explore.samples(model, n=5, temperature=0.8, seed=4)
    assert first == explore.samples(model, n=5, temperature=0.8, seed=4)
    assert len(first) == 5 and all(isinstance(s, str) for s in first)


# ---------------------------------------------------------------- bad input
def test_bad_arguments_name_the_argument(model):
    params, x = setup("rnn")
    with pytest.raises(ValueError, match="cell"):
        explore.gate_trace("transformer", params, x)
    with pytest.raises(ValueError, match="x: expected shape"):
        explore.gate_trace("rnn", params, np.zeros((3, 2, 6)))
    with pytest.raises(ValueError, match="parameters"):
        explore.gate_trace("gru", params, x)
    with pytest.raises(ValueError, match="step_fn"):
        explore.gate_trace("rnn", params, x, step_fn="rnn_cell_forward")
    trace = explore.gate_trace("rnn", params, x)
    with pytest.raises(ValueError, match="t: expected a step in 1 .. 6"):
        explore.step_equation(trace, 0, 0)
    with pytest.raises(ValueError, match="unit"):
        explore.step_equation(trace, 1, 4)
    with pytest.raises(ValueError, match="radius"):
        explore.gradient_flow("rnn", -1.0, 10)
    with pytest.raises(ValueError, match="T"):
        explore.gradient_flow("rnn", 1.0, 0)
    with pytest.raises(ValueError, match="clip"):
        explore.gradient_flow("rnn", 1.0, 10, clip=0)
    with pytest.raises(ValueError, match="rng"):
        explore.gradient_flow("rnn", 1.0, 10, rng=3)
    with pytest.raises(ValueError, match="da"):
        _, _, caches = rnn_forward(x, np.zeros((4, 1)), params)
        explore.bptt_contributions(np.zeros((4, 1, 5)), caches)
    with pytest.raises(ValueError, match="temperature"):
        explore.next_char_distribution(model, "a", 0)
    with pytest.raises(ValueError, match="model"):
        explore.next_char_distribution(params, "a")
    with pytest.raises(ValueError, match="seed"):
        explore.samples(model, seed=-1)
    with pytest.raises(ValueError, match="text"):
        explore.text_inputs(model.vocab, 3)


def test_random_rnn_contributions_follow_the_scale():
    small = explore.random_rnn_contributions(1.0, 20, np.random.default_rng(3))
    big = explore.random_rnn_contributions(3.0, 20, np.random.default_rng(3))
    for vertical, horizontal in (small, big):
        assert vertical.shape == horizontal.shape == (20,) and horizontal[-1] == 0
    assert big[1][0] > 10 * small[1][0]  # exploding going back
    with pytest.raises(ValueError, match="scale"):
        explore.random_rnn_contributions(0, 20, np.random.default_rng(3))
