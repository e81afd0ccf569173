"""The checks of notebook 09 (deep RNNs): the references pass, each known mistake fails with
its hint, and broken answers fail with a clear message."""

import numpy as np
import pytest
from conftest import assert_gradients

from seqlib.activations import sigmoid, softmax
from seqlib.cells import get_cell
from seqlib.checks import CheckFailed, check, deep
from seqlib.initialization import init_parameters

NOTEBOOK_SEEDS = (20991, 20992, 20993)  # the hidden seeds of solutions/09_deep_rnns.py
NAMES = ("deep_rnn_forward", "dense_head_forward", "deep_rnn_backward")


# ---------------------------------------------------------------- the references pass
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", (0, 1, *NOTEBOOK_SEEDS))
def test_reference_passes(name, seed, capsys):
    check(name, getattr(deep, name), seed=seed)
    check(name, getattr(deep, name), seed=seed, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == "" and "note" not in out.out


def test_checks_return_none():
    assert check("deep_rnn_forward", deep.deep_rnn_forward) is None


def test_hidden_cases_cover_the_edge_cases():
    forward = [c.name for c in deep._forward_cases(np.random.default_rng(0), hidden=True)]
    backward = [c.name for c in deep._backward_cases(np.random.default_rng(0), hidden=True)]
    for needed in ("L = 1", "L = 3", "m = 1", "T_x = 1", "mixed sizes"):
        assert any(needed in name for name in forward), needed
    for cell in ("rnn", "gru", "lstm"):
        assert any(f": {cell}," in name for name in forward), cell
    assert any("gru/lstm" in name for name in backward)


def test_one_layer_is_the_plain_cell():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 2, 5))
    for cell in ("rnn", "gru", "lstm"):
        layer = init_parameters(cell, 3, 4, rng=rng)
        a_top, caches = deep.deep_rnn_forward(x, [layer], cell)
        a, _ = get_cell(cell).forward_states(x, np.zeros((4, 2)), layer)
        np.testing.assert_array_equal(a_top, a)
        assert caches[0][0] == cell


def test_reference_backward_against_centred_differences():
    """J = sum(w * a[L]) for a GRU layer under an LSTM layer: dx and every layer's gradient."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 2, 4))
    layers = deep._layers(rng, ["gru", "lstm"], 3, [4, 3])

    def forward():
        h, caches = x, []
        for cell, layer in zip(("gru", "lstm"), layers, strict=True):
            h, layer_caches = deep.deep_rnn_forward(h, [layer], cell)
            caches += layer_caches
        return h, caches

    a_top, caches = forward()
    w = rng.standard_normal(a_top.shape)
    grads = deep.deep_rnn_backward(w, caches)
    assert_gradients("deep_rnn_backward (checks)", lambda: float(np.sum(w * forward()[0])),
                     {"x": x, "layers": layers}, grads)


# ---------------------------------------------------------------- deep_rnn_forward
def stack_forward(x, parameters_list, cell, *, inputs="below", order="bottom_up",
                  returned="top", caches_as="pairs"):
    """A learner's deep_rnn_forward with optional mistakes."""
    step = get_cell(cell)
    layers = parameters_list if order == "bottom_up" else parameters_list[::-1]
    h, states, caches = x, [], []
    for layer in layers:
        n_a = deep.layer_size(layer)
        h, layer_caches = step.forward_states(x if inputs == "x" else h,
                                              np.zeros((n_a, x.shape[1])), layer)
        states.append(h)
        caches.append({"pairs": (cell, layer_caches), "cell object": (step, layer_caches),
                       "no cell": layer_caches}[caches_as])
    if caches_as == "reversed":
        caches = [(cell, c) for c in caches[::-1]]
    a = {"top": states[-1], "bottom": states[0], "all": states}[returned]
    return a, caches


FORWARD_MISTAKES = {
    "every layer reads x": (dict(inputs="x"), "each layer reads the states of the layer below"),
    "layers in reverse order": (dict(order="top_down"), r"parameters_list\[0\] is layer 1"),
    "bottom layer's states": (dict(returned="bottom"), "return the states of the top layer"),
    "all the states": (dict(returned="all"), "a_top should be one array"),
    "the Cell object in the caches": (dict(caches_as="cell object"),
                                      r"caches\[0\]\[0\] should be the cell's name"),
    "no cell in the caches": (dict(caches_as="no cell"), r"caches\[0\] should be a pair"),
}


@pytest.mark.parametrize("mistake", FORWARD_MISTAKES)
def test_forward_mistakes_get_their_hint(mistake):
    kwargs, hint = FORWARD_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint):
        check("deep_rnn_forward", lambda x, p, cell: stack_forward(x, p, cell, **kwargs))


def test_forward_caches_in_reverse_order():
    def reversed_caches(x, p, cell):
        a, caches = stack_forward(x, p, cell)
        return a, caches[::-1]

    with pytest.raises(CheckFailed, match="keep the layers' caches in order, bottom first"):
        check("deep_rnn_forward", reversed_caches)


def test_forward_bottom_states_with_different_sizes():
    """On the random-sizes case the bottom layer's states have a shape of their own."""
    case = deep._forward_cases(np.random.default_rng(0), hidden=False)[1]
    got = stack_forward(*case.args, returned="bottom")
    with pytest.raises(CheckFailed, match="return the states of the top layer, the last one"):
        deep._compare_forward(case, deep.deep_rnn_forward(*case.args), got)


def test_forward_broken_answers():
    def stub(x, p, cell):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check("deep_rnn_forward", stub)
    with pytest.raises(CheckFailed, match=r"expected 2 return values \(a_top, caches\)"):
        check("deep_rnn_forward", lambda x, p, cell: stack_forward(x, p, cell)[0])
    with pytest.raises(CheckFailed, match="a_top should be one array"):
        check("deep_rnn_forward", lambda x, p, cell: (
            stack_forward(x, p, cell)[0].tolist(), stack_forward(x, p, cell)[1]))
    with pytest.raises(CheckFailed, match="caches should be a list of L = 2 pairs"):
        check("deep_rnn_forward", lambda x, p, cell: (stack_forward(x, p, cell)[0], None))
    with pytest.raises(CheckFailed, match="a_top has shape"):
        check("deep_rnn_forward", lambda x, p, cell: (
            stack_forward(x, p, cell)[0][:, :, 1:], stack_forward(x, p, cell)[1]))


# ---------------------------------------------------------------- dense_head_forward
def head(a, Wh, bh, Wy, by, *, hidden=lambda z: np.maximum(z, 0), out=softmax,
         bias=lambda b: b[:, :, None]):
    """A learner's dense_head_forward with optional mistakes."""
    h = hidden(np.einsum("ha,amt->hmt", Wh, a) + bias(bh))
    return out(np.einsum("yh,hmt->ymt", Wy, h) + bias(by))


def naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=0)


HEAD_MISTAKES = {
    "no ReLU": (dict(hidden=lambda z: z), "apply the ReLU to the hidden layer"),
    "tanh": (dict(hidden=np.tanh), "the ReLU, np.maximum\\(z, 0\\), not tanh"),
    "sigmoid hidden": (dict(hidden=sigmoid), "not the sigmoid"),
    "softmax over time": (dict(out=lambda z: softmax(z, axis=2)), "not over time"),
    "softmax over examples": (dict(out=lambda z: softmax(z, axis=1)), "not over the examples"),
    "softmax over everything": (dict(out=lambda z: np.exp(z) / np.exp(z).sum()),
                                "separately for each example and each step"),
    "no softmax": (dict(out=lambda z: z), "apply the softmax to Wy h \\+ by"),
    "sigmoid output": (dict(out=sigmoid), "not a sigmoid"),
    "ReLU on the output": (dict(out=lambda z: softmax(np.maximum(z, 0))),
                           "the ReLU belongs to the dense layer only"),
    "bias along the examples": (dict(bias=lambda b: b), r"bh\[:, :, None\]"),
}


@pytest.mark.parametrize("mistake", HEAD_MISTAKES)
def test_head_mistakes_get_their_hint(mistake):
    kwargs, hint = HEAD_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint):
        check("dense_head_forward", lambda *args: head(*args, **kwargs))


def test_head_naive_softmax_passes_then_overflows_in_the_hidden_set(capsys):
    check("dense_head_forward", lambda *args: head(*args, out=naive_softmax))
    with pytest.raises(CheckFailed, match="use seqlib.activations.softmax"):
        check("dense_head_forward", lambda *args: head(*args, out=naive_softmax), hidden=True)
    assert capsys.readouterr().err == ""


def test_head_loop_over_time_passes():
    """Any exact order of the operations passes: one step at a time here."""
    def by_step(a, Wh, bh, Wy, by):
        steps = [softmax(Wy @ np.maximum(Wh @ a[:, :, t] + bh, 0) + by)
                 for t in range(a.shape[2])]
        return np.stack(steps, axis=2)

    check("dense_head_forward", by_step, hidden=True)


def test_head_broken_answers():
    def stub(*args):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check("dense_head_forward", stub)
    with pytest.raises(CheckFailed, match="return y_pred only"):
        check("dense_head_forward", lambda *args: (head(*args), None))
    with pytest.raises(CheckFailed, match="y_pred should be a numpy array, got list"):
        check("dense_head_forward", lambda *args: head(*args).tolist())
    with pytest.raises(CheckFailed, match=r"y_pred has shape \(\d+, \d+\), expected"):
        check("dense_head_forward", lambda *args: head(*args)[:, :, 0])


# ---------------------------------------------------------------- deep_rnn_backward
def stack_backward(da_top, caches, *, da="dx", order="top_down", listed="bottom_first",
                   dx="bottom"):
    """A learner's deep_rnn_backward with optional mistakes."""
    pairs = list(enumerate(caches))
    pairs = pairs[::-1] if order == "top_down" else pairs
    layer_grads, below, first_dx = [None] * len(caches), da_top, None
    for i, (l, (cell, layer_caches)) in enumerate(pairs):
        if da == "da_top" or i == 0:
            given = da_top
        else:
            given = below + da_top if da == "dx + da_top" else below
        layer_grads[l] = get_cell(cell).backward_states(given, layer_caches)
        below = layer_grads[l]["dx"]
        first_dx = below if first_dx is None else first_dx
    if listed == "top_first":
        layer_grads = layer_grads[::-1]
    return {"dx": below if dx == "bottom" else first_dx, "layers": layer_grads}


BACKWARD_MISTAKES = {
    "da_top for every layer": (dict(da="da_top"), "pass dx down"),
    "dx plus da_top": (dict(da="dx + da_top"), "do not add da_top"),
    "bottom layer first": (dict(order="bottom_up"),
                           "backpropagation starts at the top layer"),
    "layers listed top first": (dict(listed="top_first"),
                                "right but in the wrong order: layers\\[0\\] should be layer 1"),
    "dx of the top layer": (dict(dx="top"), "the dx of the bottom layer"),
}


@pytest.mark.parametrize("mistake", BACKWARD_MISTAKES)
def test_backward_mistakes_get_their_hint(mistake):
    kwargs, hint = BACKWARD_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint):
        check("deep_rnn_backward", lambda da, caches: stack_backward(da, caches, **kwargs))


@pytest.mark.parametrize("mistake", ["da_top for every layer", "dx of the top layer"])
def test_backward_mistakes_on_every_hidden_case_that_allows_them(mistake):
    """The hints do not depend on the equal-size case: every case that can tell, tells."""
    kwargs, hint = BACKWARD_MISTAKES[mistake]
    cases = deep._backward_cases(np.random.default_rng(7), hidden=True)
    told = 0
    for case in cases:
        try:
            got = stack_backward(*case.args, **kwargs)
        except ValueError:
            continue  # the sizes do not fit: the learner sees numpy's error
        if case.name.startswith("L = 1"):
            continue  # one layer: nothing to pass down, the mistake changes nothing
        with pytest.raises(CheckFailed, match=hint):
            deep._compare_backward(case, deep.deep_rnn_backward(*case.args), got)
        told += 1
    assert told >= 3


def test_backward_broken_answers():
    def stub(da, caches):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check("deep_rnn_backward", stub)
    with pytest.raises(CheckFailed, match="expected a dict of gradients, got list"):
        check("deep_rnn_backward", lambda da, c: [stack_backward(da, c)["dx"]])
    with pytest.raises(CheckFailed, match="'layers' should be a list of L = 2 dicts"):
        check("deep_rnn_backward", lambda da, c: {**stack_backward(da, c),
                                                  "layers": stack_backward(da, c)["layers"][:1]})

    def without_da0(da, c):
        grads = stack_backward(da, c)
        for layer in grads["layers"]:
            del layer["da0"]
        return grads

    with pytest.raises(CheckFailed, match=r"layers\[0\], layer 1's gradients, is missing 'da0'"):
        check("deep_rnn_backward", without_da0)

    def dx_as_list(da, c):
        grads = stack_backward(da, c)
        return {**grads, "dx": grads["dx"].tolist()}

    with pytest.raises(CheckFailed, match="dx should be a numpy array, got list"):
        check("deep_rnn_backward", dx_as_list)


def test_backward_extra_keys_are_ignored():
    def only_needed(da, c):
        grads = stack_backward(da, c)
        return {"dx": grads["dx"], "layers": [{k: v for k, v in g.items() if k != "dx"}
                                             for g in grads["layers"]]}

    check("deep_rnn_backward", only_needed, hidden=True)
