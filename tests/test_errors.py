"""Bad input gets a ValueError that names the argument, the expected shape and what it got,
never a numpy broadcasting error from deep inside."""

import numpy as np
import pytest
from conftest import random_case

from seqlib import cells, gru, initialization, losses, lstm, outputs, rnn


@pytest.fixture
def rnn_case(rng):
    return random_case("rnn", rng, n_x=3, n_a=5, n_y=2, m=4, T_x=6)


def test_wrong_batch_size_in_a_prev_names_it_and_both_shapes(rnn_case):
    x, a0, p = rnn_case
    with pytest.raises(ValueError, match=r"a_prev: expected shape \(n_a, m\) = \(5, 4\), "
                                         r"got \(5, 3\): m is 4 \(from xt\)"):
        rnn.rnn_cell_forward(x[:, :, 0], a0[:, :3], p)


def test_wrong_weight_shape_names_the_key(rnn_case):
    x, a0, p = rnn_case
    p["Wax"] = p["Wax"][:, :2]
    with pytest.raises(ValueError, match=r"parameters\['Wax'\]: expected shape \(n_a, n_x\) = "
                                         r"\(5, 3\), got \(5, 2\)"):
        rnn.rnn_forward(x, a0, p)


@pytest.mark.parametrize("key", ["Wax", "Waa", "ba", "Wya", "by"])
def test_missing_rnn_key_is_named(rnn_case, key):
    x, a0, p = rnn_case
    del p[key]
    with pytest.raises(ValueError, match=f"parameters: missing key '{key}'"):
        rnn.rnn_forward(x, a0, p)


@pytest.mark.parametrize("key", ["Wf", "bf", "Wu", "bu", "Wc", "bc", "Wo", "bo", "Wy", "by"])
def test_missing_lstm_key_is_named(rng, key):
    x, a0, p = random_case("lstm", rng)
    del p[key]
    with pytest.raises(ValueError, match=f"missing key '{key}'"):
        lstm.lstm_forward(x, a0, p)


def test_gru_gate_with_wrong_width_says_n_a_plus_n_x(rng):
    x, a0, p = random_case("gru", rng, n_x=3, n_a=5)
    p["Wr"] = p["Wr"][:, :5]
    with pytest.raises(ValueError, match=r"\['Wr'\]: expected shape \(n_a, n_a\+n_x\) = "
                                         r"\(5, 8\), got \(5, 5\)"):
        gru.gru_forward(x, a0, p)


def test_x_with_two_dimensions_for_a_sequence(rnn_case):
    x, a0, p = rnn_case
    with pytest.raises(ValueError, match=r"x: expected 3 dimensions, shape \(n_x, m, T_x\)"):
        rnn.rnn_forward(x[:, :, 0], a0, p)


def test_integer_input_and_list_input(rnn_case):
    x, a0, p = rnn_case
    with pytest.raises(ValueError, match="x: expected a float array .* got dtype int64"):
        rnn.rnn_forward(x.astype(np.int64), a0, p)
    with pytest.raises(ValueError, match="a0: expected a numpy array .* got list"):
        rnn.rnn_forward(x, a0.tolist(), p)


def test_parameters_not_a_dict(rnn_case):
    x, a0, _ = rnn_case
    with pytest.raises(ValueError, match="parameters: expected a dict of arrays, got list"):
        rnn.rnn_forward(x, a0, [1, 2])


def test_backward_da_with_wrong_time_length(rng):
    """The hidden tests of the LSTM notebook use a T_x for da that matches x; a mismatch is
    caught at the entry, not inside the loop."""
    x, a0, p = random_case("lstm", rng, T_x=6)
    _, _, _, caches = lstm.lstm_forward(x, a0, p)
    with pytest.raises(ValueError, match=r"da: expected shape \(5, 4, 6\), got \(5, 4, 5\)"):
        lstm.lstm_backward(np.ones((5, 4, 5)), caches)


@pytest.mark.parametrize("backward", [rnn.rnn_backward, gru.gru_backward, lstm.lstm_backward])
def test_backward_with_something_else_than_caches(backward):
    with pytest.raises(ValueError, match="caches: expected the"):
        backward(np.ones((5, 4, 6)), {"a": 1})


def test_backward_with_caches_of_another_cell(rng):
    x, a0, p = random_case("rnn", rng)
    _, _, caches = rnn.rnn_forward(x, a0, p)
    with pytest.raises(ValueError, match="returned by lstm_forward"):
        lstm.lstm_backward(np.ones((5, 4, 6)), caches)


def test_cell_backward_da_next_shape(rng):
    x, a0, p = random_case("gru", rng)
    _, _, cache = gru.gru_cell_forward(x[:, :, 0], a0, p)
    with pytest.raises(ValueError, match=r"da_next: expected shape \(5, 4\), got \(4, 5\)"):
        gru.gru_cell_backward(np.ones((4, 5)), cache)


def test_unknown_cell_name():
    with pytest.raises(ValueError, match=r"cell: expected one of \['rnn', 'gru', 'lstm'\], "
                                         r"got 'transformer'"):
        cells.get_cell("transformer")


def test_init_arguments(rng):
    with pytest.raises(ValueError, match="n_a: expected a positive integer, got 0"):
        initialization.init_parameters("rnn", 3, 0, 2, rng=rng)
    with pytest.raises(ValueError, match="rng: expected a numpy.random.Generator"):
        initialization.init_parameters("rnn", 3, 4, 2, rng=42)


def test_output_and_loss_shapes(rng):
    a = rng.standard_normal((4, 3, 5))
    with pytest.raises(ValueError, match=r"Wy: expected shape \(n_y, n_a\) = \(2, 4\), "
                                         r"got \(2, 5\): n_a is 4 \(from a\)"):
        outputs.output_forward(a, np.ones((2, 5)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="activation: expected one of"):
        outputs.output_forward(a, np.ones((2, 4)), np.ones((2, 1)), activation="relu")
    with pytest.raises(ValueError, match=r"y: expected shape \(n_y, m, T\) = \(2, 3, 5\)"):
        losses.cross_entropy(np.full((2, 3, 5), 0.5), np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"mask: expected shape \(3, 5\), got \(5, 3\)"):
        losses.softmax_cross_entropy(np.zeros((2, 3, 5)), np.zeros((2, 3, 5)), np.ones((5, 3)))
