"""Bidirectional RNNs over each cell: every gradient against centred differences, the two
halves of a against the cell run by hand forwards and backwards in time, and bad input."""

import numpy as np
import pytest
from conftest import assert_gradients

from seqlib import losses, outputs, rnn
from seqlib._tree import leaves
from seqlib.bidirectional import (
    DIRECTIONS,
    bidirectional_backward,
    bidirectional_forward,
    init_bidirectional,
)
from seqlib.cells import get_cell

CELLS = ["rnn", "gru", "lstm"]


# ---------------------------------------------------------------- helpers (test_deep uses them)
def jiggle(tree, rng, noise=0.5, dtype=np.float64):
    """The same nest of dicts and lists with noise added to every array: parameters away from
    their initial values (zero biases would hide a bias bug), cast to dtype."""
    if isinstance(tree, dict):
        return {k: jiggle(w, rng, noise, dtype) for k, w in tree.items()}
    if isinstance(tree, list):
        return [jiggle(w, rng, noise, dtype) for w in tree]
    return (tree + noise * rng.standard_normal(tree.shape)).astype(dtype)


def run_by_hand(cell, x, a0, parameters, reverse=False):
    """The cell one step at a time with Cell.step, over t = 1..T_x or t = T_x..1; the state
    computed after reading x<t> is stored at index t. x (n_x, m, T_x) -> (n_a, m, T_x)."""
    c = get_cell(cell)
    T_x = x.shape[2]
    a = np.zeros((a0.shape[0], x.shape[1], T_x))
    state = c.initial_state(a0)
    for t in reversed(range(T_x)) if reverse else range(T_x):
        state = c.step(x[:, :, t], state, parameters)
        a[:, :, t] = state[0]
    return a


def one_hot_targets(rng, n_y, m, T_x):
    return np.eye(n_y)[rng.integers(0, n_y, (m, T_x))].transpose(2, 0, 1)  # (n_y, m, T_x)


def make_case(cell, rng, n_x=3, n_a=4, n_y=3, m=2, T_x=4, dtype=np.float64):
    """x (n_x, m, T_x), jiggled parameters and a random a0 pair."""
    p = jiggle(init_bidirectional(cell, n_x, n_a, n_y, rng), rng, dtype=dtype)
    sizes = n_a if isinstance(n_a, tuple) else (n_a, n_a)
    a0 = tuple(rng.standard_normal((n, m)).astype(dtype) for n in sizes)
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
    return x, p, a0


def with_a0(parameters, a0):
    """The variables of a gradient check: each direction's parameters and its a0."""
    return {d: {**parameters[d], "a0": a0[i]} for i, d in enumerate(DIRECTIONS)}


def check_state_gradients(model, cell, x, p, a0, rng):
    """J = sum(w * a), so da = w: check dx and every gradient of both directions."""
    a, _, caches = bidirectional_forward(x, p, cell, a0)
    w = rng.standard_normal(a.shape)
    grads = bidirectional_backward(w, caches)
    expected = {"da0"} | {"d" + k for k in get_cell(cell).recurrent_shapes}
    assert set(grads) == {"dx", "forward", "backward"}
    assert set(grads["forward"]) == set(grads["backward"]) == expected

    def loss():
        a, _, _ = bidirectional_forward(x, p, cell, a0)
        return np.sum(w * a)

    return assert_gradients(model, loss, {"x": x, **with_a0(p, a0)}, grads)


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("n_a", [4, (4, 3)], ids=["same n_a", "n_a_b differs"])
@pytest.mark.parametrize("cell", CELLS)
def test_state_gradients(cell, n_a, rng):
    x, p, a0 = make_case(cell, rng, n_a=n_a)
    check_state_gradients(f"bidirectional {cell}", cell, x, p, a0, rng)


@pytest.mark.parametrize("cell", CELLS)
def test_end_to_end_gradients_through_softmax_and_cross_entropy(cell, rng):
    x, p, a0 = make_case(cell, rng, n_a=(4, 3))
    y = one_hot_targets(rng, 3, 2, 4)

    def loss():
        _, y_pred, _ = bidirectional_forward(x, p, cell, a0)
        return losses.cross_entropy(y_pred, y)

    _, y_pred, caches = bidirectional_forward(x, p, cell, a0)
    out = outputs.output_backward(losses.cross_entropy_backward(y_pred, y), caches["output"])
    grads = {**bidirectional_backward(out["da"], caches), "dWy": out["dWy"], "dby": out["dby"]}
    variables = {"x": x, **with_a0(p, a0), "Wy": p["Wy"], "by": p["by"]}
    assert_gradients(f"bidirectional {cell} + softmax", loss, variables, grads)


@pytest.mark.parametrize("m, T_x", [(1, 4), (2, 1), (1, 1)])
@pytest.mark.parametrize("cell", CELLS)
def test_one_example_or_one_step(cell, m, T_x, rng):
    x, p, a0 = make_case(cell, rng, n_a=(4, 3), m=m, T_x=T_x)
    a, y_pred, _ = bidirectional_forward(x, p, cell, a0)
    assert a.shape == (7, m, T_x) and y_pred.shape == (3, m, T_x)
    np.testing.assert_allclose(a[4:], run_by_hand(cell, x, a0[1], p["backward"], reverse=True),
                               rtol=1e-12, atol=1e-14)
    check_state_gradients(f"bidirectional {cell}", cell, x, p, a0, rng)


# ---------------------------------------------------------------- independent truths
@pytest.mark.parametrize("cell", CELLS)
def test_forward_half_is_the_cell_on_x(cell, rng):
    x, p, a0 = make_case(cell, rng, n_a=(4, 3))
    a, _, _ = bidirectional_forward(x, p, cell, a0)
    a_cell, _ = get_cell(cell).forward_states(x, a0[0], p["forward"])
    np.testing.assert_allclose(a[:4], a_cell, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a[:4], run_by_hand(cell, x, a0[0], p["forward"]),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", CELLS)
def test_backward_half_is_the_cell_on_reversed_x_reversed_back(cell, rng):
    x, p, a0 = make_case(cell, rng, n_a=(4, 3))
    a, _, _ = bidirectional_forward(x, p, cell, a0)
    x_reversed = np.ascontiguousarray(x[:, :, ::-1])  # x<T_x>, ..., x<1>
    a_reversed, _ = get_cell(cell).forward_states(x_reversed, a0[1], p["backward"])
    np.testing.assert_allclose(a[4:], a_reversed[:, :, ::-1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a[4:], run_by_hand(cell, x, a0[1], p["backward"], reverse=True),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", CELLS)
def test_each_direction_sees_only_its_side_of_the_sequence(cell, rng):
    """Changing x<t0> changes a→<t> only for t >= t0 and a←<t> only for t <= t0."""
    x, p, a0 = make_case(cell, rng, T_x=5)
    a, _, _ = bidirectional_forward(x, p, cell, a0)
    x2 = x.copy()
    x2[:, :, 2] += 1.0
    a2, _, _ = bidirectional_forward(x2, p, cell, a0)
    np.testing.assert_array_equal(a2[:4, :, :2], a[:4, :, :2])  # a→ before t0
    np.testing.assert_array_equal(a2[4:, :, 3:], a[4:, :, 3:])  # a← after t0
    assert not np.allclose(a2[:4, :, 2:], a[:4, :, 2:])
    assert not np.allclose(a2[4:, :, :3], a[4:, :, :3])


@pytest.mark.parametrize("activation", ["softmax", "sigmoid", "linear"])
def test_output_layer_reads_both_directions(activation, rng):
    """y<t> = g(Wy [a→<t>; a←<t>] + by), written with Wy split into its two column blocks."""
    x, p, a0 = make_case("gru", rng, n_a=(4, 3))
    a, y_pred, _ = bidirectional_forward(x, p, "gru", a0, activation)
    Wf, Wb = p["Wy"][:, :4], p["Wy"][:, 4:]
    z = (np.einsum("ya,amt->ymt", Wf, a[:4]) + np.einsum("ya,amt->ymt", Wb, a[4:])
         + p["by"][:, :, None])
    g = {"softmax": lambda s: np.exp(s) / np.exp(s).sum(axis=0), "linear": lambda s: s,
         "sigmoid": lambda s: 1 / (1 + np.exp(-s))}[activation]
    np.testing.assert_allclose(y_pred, g(z), rtol=1e-12, atol=1e-14)


def test_a0_none_is_zeros(rng):
    x, p, _ = make_case("lstm", rng, n_a=(4, 3))
    zeros = (np.zeros((4, 2)), np.zeros((3, 2)))
    np.testing.assert_array_equal(bidirectional_forward(x, p, "lstm")[0],
                                  bidirectional_forward(x, p, "lstm", zeros)[0])


# ---------------------------------------------------------------- dtypes and initialisation
@pytest.mark.parametrize("cell", CELLS)
def test_float32_in_float32_out(cell, rng):
    x, p, _ = make_case(cell, rng, n_a=(4, 3), dtype=np.float32)
    a, y_pred, caches = bidirectional_forward(x, p, cell)
    assert a.dtype == y_pred.dtype == np.float32
    grads = bidirectional_backward(np.ones_like(a), caches)
    assert {g.dtype for _, g in leaves(grads)} == {np.dtype(np.float32)}


@pytest.mark.parametrize("cell", CELLS)
def test_init_bidirectional_shapes(cell, rng):
    p = init_bidirectional(cell, 3, (4, 5), 2, rng, dtype=np.float32)
    c = get_cell(cell)
    assert set(p) == {"forward", "backward", "Wy", "by"}
    for direction, n_a in (("forward", 4), ("backward", 5)):
        assert set(p[direction]) == set(c.recurrent_shapes)
        assert all(w.shape[0] == n_a for w in p[direction].values())
    assert p["Wy"].shape == (2, 9) and p["by"].shape == (2, 1)
    assert {w.dtype for _, w in leaves(p)} == {np.dtype(np.float32)}
    assert init_bidirectional(cell, 3, 4, 2, rng)["Wy"].shape == (2, 8)


# ---------------------------------------------------------------- bad input
def test_x_with_two_dimensions(rng):
    x, p, _ = make_case("rnn", rng)
    with pytest.raises(ValueError, match=r"x: expected 3 dimensions, shape \(n_x, m, T_x\)"):
        bidirectional_forward(x[:, :, 0], p, "rnn")


@pytest.mark.parametrize("cell", CELLS)
def test_x_with_the_wrong_n_x_names_the_direction(cell, rng):
    x, p, _ = make_case(cell, rng)
    with pytest.raises(ValueError, match=r"parameters\['forward'\]\['W\w+'\]: expected shape"):
        bidirectional_forward(x[:2], p, cell)


@pytest.mark.parametrize("direction", DIRECTIONS)
@pytest.mark.parametrize("cell", CELLS)
def test_missing_key_names_the_direction_and_the_key(cell, direction, rng):
    x, p, _ = make_case(cell, rng)
    for key in get_cell(cell).recurrent_shapes:
        broken = {**p, direction: {k: w for k, w in p[direction].items() if k != key}}
        with pytest.raises(ValueError,
                           match=rf"parameters\['{direction}'\]: missing key '{key}'"):
            bidirectional_forward(x, broken, cell)


def test_missing_direction_or_output_weights(rng):
    x, p, _ = make_case("rnn", rng)
    with pytest.raises(ValueError, match=r"parameters: missing key 'backward'"):
        bidirectional_forward(x, {k: w for k, w in p.items() if k != "backward"}, "rnn")
    with pytest.raises(ValueError, match=r"parameters: missing key 'Wy'"):
        bidirectional_forward(x, {k: w for k, w in p.items() if k != "Wy"}, "rnn")


def test_output_weights_sized_for_one_direction(rng):
    x, p, _ = make_case("rnn", rng, n_a=(4, 3))
    p["Wy"] = p["Wy"][:, :4]
    with pytest.raises(ValueError, match=r"parameters\['Wy'\]: expected shape "
                                         r"\(n_y, n_a_f\+n_a_b\) = \(3, 7\), got \(3, 4\)"):
        bidirectional_forward(x, p, "rnn")


def test_unknown_cell_name(rng):
    x, p, _ = make_case("rnn", rng)
    with pytest.raises(ValueError, match=r"cell: expected one of \['rnn', 'gru', 'lstm'\], "
                                         r"got 'transformer'"):
        bidirectional_forward(x, p, "transformer")


def test_bad_a0(rng):
    x, p, a0 = make_case("gru", rng, n_a=(4, 3))
    with pytest.raises(ValueError, match=r"a0: expected None or a pair"):
        bidirectional_forward(x, p, "gru", a0[0])
    with pytest.raises(ValueError, match=r"a0\[1\]: expected shape \(n_a, m\) = \(3, 2\), "
                                         r"got \(4, 2\)"):
        bidirectional_forward(x, p, "gru", (a0[0], a0[0]))


def test_wrong_da_shape(rng):
    x, p, a0 = make_case("lstm", rng, n_a=(4, 3))
    a, _, caches = bidirectional_forward(x, p, "lstm", a0)
    with pytest.raises(ValueError, match=r"da: expected shape \(n_a_f\+n_a_b, m, T_x\) = "
                                         r"\(7, 2, 4\), got \(4, 2, 4\)"):
        bidirectional_backward(a[:4], caches)


def test_wrong_caches_object(rng):
    x, p, a0 = make_case("rnn", rng)
    a, _, caches = bidirectional_forward(x, p, "rnn", a0)
    rnn_params = {**p["forward"], "Wya": p["Wy"][:, :4], "by": p["by"]}
    _, _, rnn_caches = rnn.rnn_forward(x, a0[0], rnn_params)
    for wrong in (rnn_caches, None, caches["states"], {**caches, "states": None}):
        with pytest.raises(ValueError, match=r"caches: expected the caches dict returned by "
                                             r"bidirectional_forward"):
            bidirectional_backward(a, wrong)


def test_bad_sizes_for_init(rng):
    with pytest.raises(ValueError, match=r"n_a: expected a positive integer or a pair"):
        init_bidirectional("rnn", 3, (4, 3, 2), 2, rng)
    with pytest.raises(ValueError, match=r"n_y: expected a positive integer"):
        init_bidirectional("rnn", 3, 4, 0, rng)
