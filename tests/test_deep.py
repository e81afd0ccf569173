"""Deep RNNs: stacks of mixed cells, with and without a bidirectional layer, checked against
centred differences and against the same layers composed by hand; and bad input."""

import numpy as np
import pytest
from conftest import assert_gradients
from test_bidirectional import CELLS, jiggle, one_hot_targets, with_a0

from seqlib import losses, outputs
from seqlib._tree import leaves
from seqlib.bidirectional import bidirectional_forward, init_bidirectional
from seqlib.cells import get_cell
from seqlib.deep import deep_backward, deep_forward, init_deep
from seqlib.initialization import init_parameters

# (cells, bidirectional, layer sizes): every cell type as the bidirectional middle layer
THREE_LAYERS = [
    (["rnn", "gru", "lstm"], [False, True, False], [4, (3, 2), 5]),
    (["gru", "lstm", "rnn"], [False, True, False], [4, (2, 3), 5]),
    (["lstm", "rnn", "gru"], [False, True, False], [4, 3, 5]),
]
TWO_LAYERS = [
    (["gru", "lstm"], [True, False], [(4, 3), 5]),  # a bidirectional bottom layer
    (["lstm", "rnn"], [False, True], [4, (3, 4)]),  # a bidirectional top layer
    (["rnn", "gru"], [False, False], [4, 5]),
]


def make_case(cells, bidirectional, sizes, rng, n_x=3, n_y=3, m=2, T_x=4, dtype=np.float64):
    """x (n_x, m, T_x), jiggled parameters and random initial states for every layer."""
    p = jiggle(init_deep(n_x, sizes, n_y, rng, cells, bidirectional), rng, dtype=dtype)
    a0 = []
    for size, bidir in zip(sizes, bidirectional, strict=True):
        if bidir:
            pair = size if isinstance(size, tuple) else (size, size)
            a0.append(tuple(rng.standard_normal((n, m)).astype(dtype) for n in pair))
        else:
            a0.append(rng.standard_normal((size, m)).astype(dtype))
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
    return x, p, a0


def layer_variables(p, a0, bidirectional):
    """Each layer's parameters with its a0, nested like the gradients of deep_backward."""
    return [with_a0(layer, start) if bidir else {**layer, "a0": start}
            for layer, start, bidir in zip(p["layers"], a0, bidirectional, strict=True)]


def check_state_gradients(model, cells, bidirectional, x, p, a0, rng):
    """J = sum(w * a[L]), so da = w: check dx and every layer's gradients."""
    a, _, caches = deep_forward(x, p, cells, bidirectional, a0)
    w = rng.standard_normal(a.shape)
    grads = deep_backward(w, caches)
    assert set(grads) == {"dx", "layers"} and len(grads["layers"]) == len(cells)
    variables = {"x": x, "layers": layer_variables(p, a0, bidirectional)}
    # assert_gradients finds a gradient for every variable; equal counts: nothing else
    assert len(list(leaves(grads))) == len(list(leaves(variables)))

    def loss():
        a, _, _ = deep_forward(x, p, cells, bidirectional, a0)
        return np.sum(w * a)

    return assert_gradients(model, loss, variables, grads)


def by_hand(cell, x, a0, parameters):
    return get_cell(cell).forward_states(x, a0, parameters)[0]


# ---------------------------------------------------------------- gradients
@pytest.mark.parametrize("cells, bidirectional, sizes", TWO_LAYERS + THREE_LAYERS,
                         ids=lambda value: str(value).replace(" ", ""))
def test_state_gradients(cells, bidirectional, sizes, rng):
    x, p, a0 = make_case(cells, bidirectional, sizes, rng)
    model = f"deep {'-'.join(c + '(bi)' * b for c, b in zip(cells, bidirectional, strict=True))}"
    check_state_gradients(model, cells, bidirectional, x, p, a0, rng)


@pytest.mark.parametrize("cells, bidirectional, sizes", THREE_LAYERS,
                         ids=lambda value: str(value).replace(" ", ""))
def test_end_to_end_gradients_through_softmax_and_cross_entropy(cells, bidirectional, sizes,
                                                                 rng):
    x, p, a0 = make_case(cells, bidirectional, sizes, rng)
    y = one_hot_targets(rng, 3, 2, 4)

    def loss():
        _, y_pred, _ = deep_forward(x, p, cells, bidirectional, a0)
        return losses.cross_entropy(y_pred, y)

    _, y_pred, caches = deep_forward(x, p, cells, bidirectional, a0)
    out = outputs.output_backward(losses.cross_entropy_backward(y_pred, y), caches["output"])
    grads = {**deep_backward(out["da"], caches), "dWy": out["dWy"], "dby": out["dby"]}
    variables = {"x": x, "layers": layer_variables(p, a0, bidirectional),
                 "Wy": p["Wy"], "by": p["by"]}
    # eps = 1e-5 here, not assert_gradients' 1e-6: the loss (about 4) carries rounding noise
    # of about 1e-15, so every centred difference is off by about 1e-15 / eps, while the
    # forget and relevance gates of the lower layers get gradients of only about 1e-2. With
    # 1e-6, that noise alone gives this correct backward relative errors up to 2e-7 over 13
    # seeds; with 1e-5 they stay below 3e-8, and the truncation error (~eps^2) is negligible.
    name = "-".join(c + "(bi)" * b for c, b in zip(cells, bidirectional, strict=True))
    assert_gradients(f"deep {name} + softmax", loss, variables, grads, eps=1e-5)


@pytest.mark.parametrize("m, T_x", [(1, 3), (2, 1), (1, 1)])
def test_one_example_or_one_step(m, T_x, rng):
    cells, bidirectional, sizes = TWO_LAYERS[1]
    x, p, a0 = make_case(cells, bidirectional, sizes, rng, m=m, T_x=T_x)
    a, y_pred, _ = deep_forward(x, p, cells, bidirectional, a0)
    assert a.shape == (7, m, T_x) and y_pred.shape == (3, m, T_x)
    check_state_gradients("deep lstm-rnn(bi)", cells, bidirectional, x, p, a0, rng)


# ---------------------------------------------------------------- independent truths
@pytest.mark.parametrize("cell", CELLS)
def test_one_layer_is_the_plain_cell(cell, rng):
    x, p, a0 = make_case([cell], [False], [4], rng)
    a, y_pred, caches = deep_forward(x, p, cell, a0=a0)
    c = get_cell(cell)
    a_cell, cell_caches = c.forward_states(x, a0[0], p["layers"][0])
    np.testing.assert_allclose(a, a_cell, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y_pred, outputs.output_forward(a_cell, p["Wy"], p["by"])[0],
                               rtol=1e-12, atol=1e-14)
    w = rng.standard_normal(a.shape)
    grads, cell_grads = deep_backward(w, caches), c.backward_states(w, cell_caches)
    np.testing.assert_allclose(grads["dx"], cell_grads["dx"], rtol=1e-12, atol=1e-14)
    for key, g in grads["layers"][0].items():
        np.testing.assert_allclose(g, cell_grads[key], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell", CELLS)
def test_one_bidirectional_layer_is_a_bidirectional_rnn(cell, rng):
    x, p, a0 = make_case([cell], [True], [(4, 3)], rng)
    a, y_pred, _ = deep_forward(x, p, cell, True, a0)
    a_bi, y_bi, _ = bidirectional_forward(x, {**p["layers"][0], "Wy": p["Wy"], "by": p["by"]},
                                          cell, a0[0])
    np.testing.assert_allclose(a, a_bi, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y_pred, y_bi, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cells, bidirectional, sizes", THREE_LAYERS[:2],
                         ids=lambda value: str(value).replace(" ", ""))
def test_each_layer_reads_the_states_of_the_layer_below(cells, bidirectional, sizes, rng):
    """The stack composed by hand from the cells' forward_states, the middle layer run
    forwards on a[1] and backwards on a[1] reversed in time."""
    x, p, a0 = make_case(cells, bidirectional, sizes, rng)
    layers = p["layers"]
    a1 = by_hand(cells[0], x, a0[0], layers[0])  # layer 2's input is layer 1's output
    a2_f = by_hand(cells[1], a1, a0[1][0], layers[1]["forward"])
    a2_b = by_hand(cells[1], a1[:, :, ::-1].copy(), a0[1][1], layers[1]["backward"])[:, :, ::-1]
    a2 = np.concatenate([a2_f, a2_b])
    a3 = by_hand(cells[2], a2, a0[2], layers[2])
    a, _, _ = deep_forward(x, p, cells, bidirectional, a0)
    np.testing.assert_allclose(a, a3, rtol=1e-12, atol=1e-14)


def test_two_plain_layers_composed_by_hand(rng):
    cells, bidirectional, sizes = TWO_LAYERS[2]
    x, p, a0 = make_case(cells, bidirectional, sizes, rng)
    a1 = by_hand(cells[0], x, a0[0], p["layers"][0])
    a2 = by_hand(cells[1], a1, a0[1], p["layers"][1])
    np.testing.assert_allclose(deep_forward(x, p, cells, a0=a0)[0], a2, rtol=1e-12, atol=1e-14)


def test_a0_none_is_zeros_in_every_layer(rng):
    cells, bidirectional, sizes = THREE_LAYERS[0]
    x, p, _ = make_case(cells, bidirectional, sizes, rng)
    zeros = [np.zeros((4, 2)), (np.zeros((3, 2)), np.zeros((2, 2))), np.zeros((5, 2))]
    np.testing.assert_array_equal(deep_forward(x, p, cells, bidirectional)[0],
                                  deep_forward(x, p, cells, bidirectional, zeros)[0])
    np.testing.assert_array_equal(deep_forward(x, p, cells, bidirectional, [None] * 3)[0],
                                  deep_forward(x, p, cells, bidirectional, zeros)[0])


# ---------------------------------------------------------------- dtypes and initialisation
def test_float32_in_float32_out(rng):
    cells, bidirectional, sizes = THREE_LAYERS[1]
    x, p, _ = make_case(cells, bidirectional, sizes, rng, dtype=np.float32)
    a, y_pred, caches = deep_forward(x, p, cells, bidirectional)
    assert a.dtype == y_pred.dtype == np.float32
    grads = deep_backward(np.ones_like(a), caches)
    assert {g.dtype for _, g in leaves(grads)} == {np.dtype(np.float32)}


def test_init_deep_chains_the_sizes(rng):
    p = init_deep(3, [4, (2, 5), 6], 2, rng, ["lstm", "rnn", "gru"], [False, True, False],
                  dtype=np.float32)
    assert p["layers"][0]["Wf"].shape == (4, 4 + 3)
    assert p["layers"][1]["forward"]["Wax"].shape == (2, 4)
    assert p["layers"][1]["backward"]["Wax"].shape == (5, 4)
    assert p["layers"][2]["Wu"].shape == (6, 6 + 2 + 5)  # reads [a<t-1>; a→; a←]
    assert p["Wy"].shape == (2, 6) and p["by"].shape == (2, 1)
    assert {w.dtype for _, w in leaves(p)} == {np.dtype(np.float32)}
    assert set(p["layers"][2]) == set(get_cell("gru").recurrent_shapes)


# ---------------------------------------------------------------- bad input
@pytest.fixture
def case(rng):
    cells, bidirectional, sizes = THREE_LAYERS[0]
    return (*make_case(cells, bidirectional, sizes, rng), cells, bidirectional)


def test_x_with_two_dimensions(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"x: expected 3 dimensions, shape \(n_x, m, T_x\)"):
        deep_forward(x[:, :, 0], p, cells, bidirectional)


def test_x_with_the_wrong_n_x_names_the_first_layer(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"parameters\['layers'\]\[0\]\['Wax'\]: expected shape "
                                         r"\(n_a, n_x\) = \(4, 2\), got \(4, 3\): n_x is 2 "
                                         r"\(from x\)"):
        deep_forward(x[:2], p, cells, bidirectional)


def test_mismatched_layer_sizes_name_the_layer(rng):
    x = rng.standard_normal((3, 2, 4))
    p = init_deep(3, [6, 8], 2, rng)
    p["layers"][1] = init_parameters("rnn", 5, 8, rng=rng)  # built for an input of 5, not 6
    with pytest.raises(ValueError, match=r"parameters\['layers'\]\[1\]\['Wax'\]: expected shape "
                                         r"\(n_a, n_x\) = \(8, 6\), got \(8, 5\): n_x is 6 "
                                         r"\(from the states of parameters\['layers'\]\[0\]\)"):
        deep_forward(x, p, "rnn")


def test_layer_after_a_bidirectional_layer_reads_both_directions(case, rng):
    x, p, a0, cells, bidirectional = case
    p["layers"][2] = init_parameters("lstm", 3, 5, rng=rng)  # n_a_f only: should be 3 + 2
    with pytest.raises(ValueError, match=r"parameters\['layers'\]\[2\]\['Wf'\]: expected shape "
                                         r"\(n_a, n_a\+n_x\) = \(5, 10\), got \(5, 8\)"):
        deep_forward(x, p, cells, bidirectional)


def test_output_weights_sized_for_the_wrong_layer(case):
    x, p, a0, cells, bidirectional = case
    p["Wy"] = p["Wy"][:, :4]
    with pytest.raises(ValueError, match=r"parameters\['Wy'\]: expected shape \(n_y, n_a\) = "
                                         r"\(3, 5\), got \(3, 4\): n_a is 5 \(from the top layer, "
                                         r"parameters\['layers'\]\[2\]\)"):
        deep_forward(x, p, cells, bidirectional)


@pytest.mark.parametrize("layer, path", [(0, []), (1, ["forward"]), (1, ["backward"]), (2, [])])
def test_missing_key_names_the_layer_and_the_key(case, layer, path):
    x, p, a0, cells, bidirectional = case
    entry = p["layers"][layer]
    for step in path:
        entry = entry[step]
    key = sorted(entry)[0]
    del entry[key]
    where = "".join(f"\\['{s}'\\]" for s in path)
    with pytest.raises(ValueError,
                       match=rf"parameters\['layers'\]\[{layer}\]{where}: missing key '{key}'"):
        deep_forward(x, p, cells, bidirectional)


def test_missing_layers_or_no_layers(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"parameters: missing key 'layers'"):
        deep_forward(x, {"Wy": p["Wy"], "by": p["by"]}, cells, bidirectional)
    with pytest.raises(ValueError, match=r"parameters\['layers'\]: expected a non-empty list"):
        deep_forward(x, {**p, "layers": []}, cells, bidirectional)


def test_unknown_cell_name(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"cells\[1\]: expected one of \['rnn', 'gru', 'lstm'\], "
                                         r"got 'transformer'"):
        deep_forward(x, p, ["rnn", "transformer", "lstm"], bidirectional)
    with pytest.raises(ValueError, match=r"cells: expected one of .*got 'transformer'"):
        deep_forward(x, p, "transformer", bidirectional)


def test_one_cell_name_or_flag_per_layer(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"cells: expected one value for all layers or a list "
                                         r"of 3, one per layer \(parameters\['layers'\] has 3\), "
                                         r"got a list of 2"):
        deep_forward(x, p, cells[:2], bidirectional)
    with pytest.raises(ValueError, match=r"bidirectional: expected .* a list of 3"):
        deep_forward(x, p, cells, bidirectional + [False])
    with pytest.raises(ValueError, match=r"bidirectional\[1\]: expected True or False"):
        deep_forward(x, p, cells, [False, "yes", False])


def test_flag_and_layer_nesting_disagree(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"parameters\['layers'\]\[1\]: holds the 'forward'/"
                                         r"'backward' .* but bidirectional is False"):
        deep_forward(x, p, cells, False)
    with pytest.raises(ValueError, match=r"parameters\['layers'\]\[0\]: bidirectional\[0\] is "
                                         r"True but"):
        deep_forward(x, p, cells, [True, True, False])


def test_bad_a0(case):
    x, p, a0, cells, bidirectional = case
    with pytest.raises(ValueError, match=r"a0: expected None or a list of 3 initial states"):
        deep_forward(x, p, cells, bidirectional, a0[:2])
    with pytest.raises(ValueError, match=r"a0\[2\]: expected shape \(n_a, m\) = \(5, 2\), "
                                         r"got \(4, 2\)"):
        deep_forward(x, p, cells, bidirectional, [a0[0], a0[1], a0[0]])
    with pytest.raises(ValueError, match=r"a0\[1\]: expected None or a pair"):
        deep_forward(x, p, cells, bidirectional, [a0[0], a0[0], a0[2]])


def test_wrong_da_shape(case):
    x, p, a0, cells, bidirectional = case
    a, _, caches = deep_forward(x, p, cells, bidirectional, a0)
    with pytest.raises(ValueError, match=r"da: expected shape \(n_a, m, T_x\) = \(5, 2, 4\), "
                                         r"got \(5, 2, 3\)"):
        deep_backward(a[:, :, :3], caches)


def test_wrong_caches_object(case, rng):
    x, p, a0, cells, bidirectional = case
    a, _, caches = deep_forward(x, p, cells, bidirectional, a0)
    bi = init_bidirectional("rnn", 3, (2, 3), 2, rng)
    _, _, bi_caches = bidirectional_forward(x, bi, "rnn")
    for wrong in (bi_caches, None, caches["layers"], {**caches, "layers": []}):
        with pytest.raises(ValueError, match=r"caches: expected the caches dict returned by "
                                             r"deep_forward"):
            deep_backward(a, wrong)


def test_bad_sizes_for_init(rng):
    with pytest.raises(ValueError, match=r"layer_sizes: expected a non-empty list"):
        init_deep(3, [], 2, rng)
    with pytest.raises(ValueError, match=r"cells: expected .* a list of 2, one per layer "
                                         r"\(layer_sizes has 2\)"):
        init_deep(3, [4, 5], 2, rng, cells=["rnn"])
    with pytest.raises(ValueError, match=r"layer_sizes\[0\]: expected a positive integer"):
        init_deep(3, [(4, 3), 5], 2, rng)
    with pytest.raises(ValueError, match=r"cells\[1\]: expected one of"):
        init_deep(3, [4, 5], 2, rng, cells=["rnn", "elman"])
