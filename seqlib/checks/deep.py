"""Checks for notebook 09, deep RNNs.

Graded functions and their references:
    deep_rnn_forward(x, parameters_list, cell) -> (a_top, caches)
        L unidirectional layers of one cell type ("rnn", "gru", "lstm"), zero initial states;
        layer l reads the states of layer l-1 (layer 1 reads x). a_top (n_a[L], m, T_x);
        caches: a list of L pairs (cell, that layer's forward_states caches), bottom first.
    dense_head_forward(a, Wh, bh, Wy, by) -> y_pred
        h<t> = ReLU(Wh a<t> + bh), y<t> = softmax(Wy h<t> + by) at every step: (n_y, m, T_x).
    deep_rnn_backward(da_top, caches) -> {"dx", "layers"}
        backward through the stack, top layer first; layers[l] holds layer l+1's "da0" and
        the gradient of each of its parameters (extra keys are ignored).

The references are seqlib.deep's deep_forward and deep_backward, with the caches converted to
and from the exercise's simpler list. deep_rnn_backward's cases come from that reference
forward, so the exercise does not depend on the learner's deep_rnn_forward.
"""

import numpy as np

from seqlib.activations import sigmoid, softmax
from seqlib.cells import get_cell
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    expect_array,
    expect_dict,
    expect_tuple,
)
from seqlib.deep import deep_backward, deep_forward
from seqlib.initialization import init_parameters
from seqlib.outputs import output_forward

# ---------------------------------------------------------------- the references


def layer_size(layer_parameters):
    """n_a of one layer: every recurrent parameter, weight or bias, has n_a rows."""
    return next(iter(layer_parameters.values())).shape[0]


def deep_rnn_forward(x, parameters_list, cell):
    """The top layer's states and [(cell, layer caches)] per layer, from seqlib.deep."""
    top = layer_size(parameters_list[-1])
    parameters = {"layers": list(parameters_list), "Wy": np.zeros((1, top)),
                  "by": np.zeros((1, 1))}  # an unused output layer: deep_forward wants one
    a_top, _, caches = deep_forward(x, parameters, cell)
    return a_top, [(cell, layer_cache) for _, (_, layer_cache) in caches["layers"]]


def deep_rnn_backward(da_top, caches):
    """seqlib.deep.deep_backward on the exercise's caches."""
    layers = [(False, (get_cell(cell), layer_cache)) for cell, layer_cache in caches]
    return deep_backward(da_top, {"layers": layers, "a_shape": da_top.shape, "output": None})


def relu(z):
    return np.maximum(z, 0)


def dense_head_forward(a, Wh, bh, Wy, by):
    """ReLU(Wh a + bh), then the softmax output, at every step: (n_y, m, T_x)."""
    z_h, _ = output_forward(a, Wh, bh, "linear")  # (n_h, m, T_x)
    y_pred, _ = output_forward(relu(z_h), Wy, by, "softmax")  # (n_y, m, T_x)
    return y_pred


# ---------------------------------------------------------------- cases
CELL_NAMES = ("rnn", "gru", "lstm")


def _layers(rng, cell, n_x, sizes):
    """Random parameters for a stack: layer l reads n_a[l-1] units (n_x for layer 1).

    cell: one name, or one per layer. The biases get noise too: a forgotten one must show.
    """
    cells = [cell] * len(sizes) if isinstance(cell, str) else list(cell)
    layers, n_in = [], n_x
    for name, n_a in zip(cells, sizes, strict=True):
        p = init_parameters(name, n_in, n_a, rng=rng)
        layers.append({k: w + 0.5 * rng.standard_normal(w.shape) for k, w in p.items()})
        n_in = n_a
    return layers


def _stacks(rng, hidden):
    """(name, cell, n_x, layer sizes, m, T_x) for the cases of both stack exercises.

    The first case has equal sizes (n_x = every n_a), so that a layer reading the wrong
    input, or layers taken in the wrong order, gives wrong values and a hint rather than a
    numpy error; the second has random, different sizes.
    """
    m, T_x = (int(s) for s in rng.integers(2, 6, size=2))
    stacks = [("2 layers of equal size", "rnn", 4, [4, 4], m, T_x)]
    n_x, n1, n2 = (int(s) for s in rng.choice(np.arange(2, 8), size=3, replace=False))
    stacks.append(("2 layers, random sizes", "gru", n_x, [n1, n2], int(rng.integers(2, 5)),
                   int(rng.integers(3, 7))))
    if hidden:
        stacks += [
            ("L = 1, the plain cell", "lstm", 3, [5], 2, 4),
            ("L = 3", "rnn", 3, [4, 5, 2], 3, 4),
            ("3 layers of equal size", "gru", 3, [3, 3, 3], 2, 3),
            ("m = 1", "gru", 2, [3, 4], 1, 5),
            ("T_x = 1", "lstm", 4, [3, 2], 3, 1),
            ("mixed sizes, LSTM", "lstm", 2, [6, 3, 5], 2, 3),
            ("2 LSTM layers of equal size", "lstm", 3, [3, 3], 2, 4),
        ]
    return stacks


def _describe(name, cell, n_x, sizes, m, T_x):
    cells = cell if isinstance(cell, str) else "/".join(cell)
    return f"{name}: {cells}, n_x={n_x}, n_a per layer={sizes}, m={m}, T_x={T_x}"


def _forward_cases(rng, hidden):
    cases = []
    for name, cell, n_x, sizes, m, T_x in _stacks(rng, hidden):
        cases.append(Case(_describe(name, cell, n_x, sizes, m, T_x),
                          (rng.standard_normal((n_x, m, T_x)), _layers(rng, cell, n_x, sizes),
                           cell)))
    return cases


def _backward_cases(rng, hidden):
    stacks = _stacks(rng, hidden)
    if hidden:  # the caches name each layer's cell, so a stack may mix them
        stacks.append(("a GRU layer under an LSTM layer", ("gru", "lstm"), 3, [4, 2], 2, 3))
    cases = []
    for name, cell, n_x, sizes, m, T_x in stacks:
        cells = [cell] * len(sizes) if isinstance(cell, str) else list(cell)
        x = rng.standard_normal((n_x, m, T_x))
        layers = _layers(rng, cells, n_x, sizes)
        caches, h = [], x
        for layer_cell, layer in zip(cells, layers, strict=True):
            h, layer_caches = deep_rnn_forward(h, [layer], layer_cell)
            caches += layer_caches
        cases.append(Case(_describe(name, cell, n_x, sizes, m, T_x),
                          (rng.standard_normal(h.shape), caches)))
    return cases


# ---------------------------------------------------------------- deep_rnn_forward
def _stack_states(x, layers, cell, order=None, inputs="below"):
    """Every layer's states, for the hints: layers applied in ``order``; each reads the layer
    below, or x when inputs="x". None when the sizes do not allow it."""
    order = range(len(layers)) if order is None else order
    step = get_cell(cell)
    states, h = [], x
    for l in order:
        layer = layers[l]
        source = x if inputs == "x" else h
        if source.shape[0] + layer_size(layer) != _input_width(layer, cell):
            return None
        h, _ = step.forward_states(source, np.zeros((layer_size(layer), x.shape[1])), layer)
        states.append(h)
    return states


def _input_width(layer, cell):
    """n_a + n_x: what the layer's matrices act on."""
    if cell == "rnn":
        return layer["Waa"].shape[1] + layer["Wax"].shape[1]
    return layer["Wc"].shape[1]


def _compare_forward(case, expected, got):
    x, layers, cell = case.args
    L = len(layers)
    a_top, caches = expect_tuple(got, 2, "a_top, caches")
    states = _stack_states(x, layers, cell)  # the right ones, layer by layer
    if isinstance(a_top, list):
        raise CheckFailed("a_top should be one array, the top layer's states "
                          "(n_a[L], m, T_x), not a list")
    if (isinstance(a_top, np.ndarray) and a_top.shape != expected[0].shape and L > 1
            and a_top.shape == states[0].shape):
        raise CheckFailed(f"a_top has shape {a_top.shape}, expected {expected[0].shape}: "
                          "return the states of the top layer, the last one computed")
    mistakes = []
    for hint, variant in [
        ("each layer reads the states of the layer below it (x for layer 1 only), not x",
         _stack_states(x, layers, cell, inputs="x")),
        ("parameters_list[0] is layer 1, the layer that reads x: go through the list in order",
         _stack_states(x, layers, cell, order=reversed(range(L)))),
    ]:
        if variant is not None and L > 1:
            mistakes.append((variant[-1], hint))
    if L > 1:
        mistakes.append((states[0], "return the states of the top layer, not the first one"))
    expect_array("a_top", a_top, expected[0], mistakes=mistakes)
    _check_caches(caches, x, layers, cell, states)


def _check_caches(caches, x, layers, cell, states):
    """caches: a list of L pairs (cell, caches of that layer), bottom first."""
    L = len(layers)
    if not isinstance(caches, list) or len(caches) != L:
        n = f"a list of {len(caches)}" if isinstance(caches, list) else type(caches).__name__
        raise CheckFailed(f"caches should be a list of L = {L} pairs (cell, layer caches), one "
                          f"per layer, bottom first; got {n}")
    for l, entry in enumerate(caches):
        if not (isinstance(entry, (tuple, list)) and len(entry) == 2):
            raise CheckFailed(f"caches[{l}] should be a pair (cell, caches), the caches being "
                              f"what forward_states returned for layer {l + 1}")
        if isinstance(entry[0], list):  # (step caches, x): forward_states' caches alone
            raise CheckFailed(f"caches[{l}] should be a pair (cell, layer caches); it holds "
                              "forward_states' caches alone: append (cell, layer_caches)")
        if not (isinstance(entry[0], str) and entry[0] == cell):
            shown = repr(entry[0]) if isinstance(entry[0], str) else \
                f"a {type(entry[0]).__name__}"
            raise CheckFailed(f"caches[{l}][0] should be the cell's name, {cell!r} (the `cell` "
                              f"argument), got {shown}")
    below = [x] + states[:-1]  # what each layer read
    for l, (_, layer_caches) in enumerate(caches):
        read = layer_caches[1] if isinstance(layer_caches, tuple) and len(layer_caches) == 2 \
            else None
        if not (isinstance(read, np.ndarray) and read.shape == below[l].shape
                and np.allclose(read, below[l])):
            where = "x" if l == 0 else f"the states of layer {l}"
            raise CheckFailed(f"caches[{l}][1] should be the caches that forward_states "
                              f"returned for layer {l + 1}, whose input is {where}; keep the "
                              "layers' caches in order, bottom first")


# ---------------------------------------------------------------- dense_head_forward
def _head_cases(rng, hidden):
    def case(name, n_a, n_h, n_y, m, T_x, shift=0.0):
        a = np.tanh(rng.standard_normal((n_a, m, T_x)))  # states of a tanh layer, in (-1, 1)
        Wh, bh = rng.standard_normal((n_h, n_a)), rng.standard_normal((n_h, 1))
        Wy, by = rng.standard_normal((n_y, n_h)), rng.standard_normal((n_y, 1)) + shift
        return Case(f"{name}, n_a={n_a} n_h={n_h} n_y={n_y} m={m} T_x={T_x}",
                    (a, Wh, bh, Wy, by))

    # first case: n_h = n_y = m, so that a bias added along the wrong axis gives wrong values
    # and a hint instead of a numpy error
    m = int(rng.integers(3, 6))
    cases = [case("n_h = n_y = m", m + 1, m, m, m, int(rng.integers(2, 6)))]
    n_a, n_h, n_y, m = (int(s) for s in rng.choice(np.arange(2, 9), size=4, replace=False))
    cases.append(case("random sizes", n_a, n_h, n_y, m, int(rng.integers(2, 6))))
    if hidden:
        cases += [case("m = 1", 4, 5, 3, 1, 4), case("T_x = 1", 3, 6, 4, 2, 1),
                  case("n_y = 2", 5, 4, 2, 3, 3),
                  # every output pre-activation near 800: a plain np.exp overflows
                  case("large pre-activations", 4, 5, 3, 3, 2, shift=800.0)]
    return cases


def _head_variant(a, Wh, bh, Wy, by, variant):
    """dense_head_forward with one likely mistake (None when the shapes do not allow it)."""
    m = a.shape[1]
    z_h = np.tensordot(Wh, a, axes=1)
    if variant == "bias_examples":  # bh (n_h, 1) broadcast against (m, T_x): along examples
        if Wh.shape[0] != m or Wy.shape[0] != m:
            return None
        h = relu(z_h + bh)
        return softmax(np.tensordot(Wy, h, axes=1) + by)
    z_h = z_h + bh[:, :, None]
    h = {"no_relu": z_h, "tanh": np.tanh(z_h), "sigmoid_hidden": sigmoid(z_h)}.get(variant,
                                                                                  relu(z_h))
    z_y = np.tensordot(Wy, h, axes=1) + by[:, :, None]
    if variant == "softmax_time":
        return softmax(z_y, axis=2)
    if variant == "softmax_examples":
        return softmax(z_y, axis=1)
    if variant == "softmax_all":
        e = np.exp(z_y - np.max(z_y))
        return e / np.sum(e)
    if variant == "no_softmax":
        return z_y
    if variant == "sigmoid_output":
        return sigmoid(z_y)
    if variant == "relu_output":
        return softmax(relu(z_y))
    return softmax(z_y)


HEAD_HINTS = {
    "no_relu": "apply the ReLU to the hidden layer: h = np.maximum(Wh a + bh, 0)",
    "tanh": "the dense layer uses the ReLU, np.maximum(z, 0), not tanh",
    "sigmoid_hidden": "the dense layer uses the ReLU, np.maximum(z, 0), not the sigmoid",
    "softmax_time": "the softmax runs over the n_y units (axis 0), for each example and step; "
                    "not over time",
    "softmax_examples": "the softmax runs over the n_y units (axis 0), not over the examples",
    "softmax_all": "the softmax runs over the n_y units (axis 0), separately for each "
                   "example and each step",
    "no_softmax": "apply the softmax to Wy h + by",
    "sigmoid_output": "the output is a softmax over the n_y classes, not a sigmoid",
    "relu_output": "the ReLU belongs to the dense layer only: y = softmax(Wy h + by)",
    "bias_examples": "the biases are columns (n, 1): to add one to an array (n, m, T_x) give it "
                     "a third axis, bh[:, :, None] (or loop over the steps), otherwise numpy "
                     "lines it up with the examples axis",
}


def _compare_head(case, expected, got):
    if isinstance(got, tuple):
        raise CheckFailed(f"return y_pred only, one array (n_y, m, T_x), not a tuple of "
                          f"{len(got)}")
    if (isinstance(got, np.ndarray) and got.shape == expected.shape
            and not np.all(np.isfinite(got))):
        raise CheckFailed("y_pred contains NaN or inf values: with large pre-activations, "
                          "np.exp overflows; use seqlib.activations.softmax, which subtracts "
                          "each column's maximum first")
    mistakes = [(_head_variant(*case.args, variant), hint)
                for variant, hint in HEAD_HINTS.items()]
    expect_array("y_pred", got, expected, mistakes=[(w, h) for w, h in mistakes
                                                     if w is not None])


# ---------------------------------------------------------------- deep_rnn_backward
def _backward_variant(da_top, caches, variant):
    """deep_rnn_backward with one likely mistake; None when the sizes do not allow it.

    variant: "same_da" (every layer backpropagates da_top: dx never passed down), "plus_top"
    (a lower layer gets the dx from above plus da_top), "bottom_up" (the layers taken bottom
    first, layer 1 getting da_top), "dx_top" (dx is the top layer's dx).
    """
    L = len(caches)
    order = range(L) if variant == "bottom_up" else reversed(range(L))
    grads = [None] * L
    da = da_top
    try:
        for i, l in enumerate(order):
            cell, layer_caches = caches[l]
            if variant == "same_da":
                da_in = da_top
            elif variant == "plus_top" and i > 0:
                da_in = da + da_top
            else:
                da_in = da
            grads[l] = get_cell(cell).backward_states(da_in, layer_caches)
            da = grads[l]["dx"]
            if i == 0:
                first_dx = da
    except ValueError:  # shapes that do not fit: the learner's code would raise too
        return None
    return {"dx": first_dx if variant == "dx_top" else da, "layers": grads}


BACKWARD_HINTS = {
    "same_da": "only the top layer gets da_top; each lower layer gets the dx of the layer "
               "above it (the gradient with respect to its states): pass dx down",
    "plus_top": "only the top layer has outputs: a lower layer's da is the dx of the layer "
                "above, nothing else (do not add da_top to it)",
    "bottom_up": "backpropagation starts at the top layer: go through the caches in reverse, "
                 "the top layer getting da_top",
    "dx_top": "dx is the gradient with respect to x: the dx of the bottom layer (layer 1), "
              "the last one computed",
}


def _compare_backward(case, expected, got):
    da_top, caches = case.args
    L = len(caches)
    got = expect_dict(got, ("dx", "layers"))
    layers = got["layers"]
    if not isinstance(layers, list) or len(layers) != L:
        n = f"a list of {len(layers)}" if isinstance(layers, list) else type(layers).__name__
        raise CheckFailed(f"'layers' should be a list of L = {L} dicts of gradients, one per "
                          f"layer; got {n}")
    keys = [["da0", *("d" + k for k in get_cell(cell).recurrent_shapes)] for cell, _ in caches]
    for l, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise CheckFailed(f"layers[{l}] should be the dict of layer {l + 1}'s gradients, "
                              f"got {type(layer).__name__}")
        missing = [key for key in keys[l] if key not in layer]
        if missing:
            raise CheckFailed(f"layers[{l}], layer {l + 1}'s gradients, is missing "
                              f"{', '.join(map(repr, missing))}: keep the whole dict that "
                              "backward_states returns")
    if L > 1 and _matches(layers[::-1], expected["layers"], keys):
        raise CheckFailed("the layers' gradients are right but in the wrong order: layers[0] "
                          "should be layer 1's (the bottom one); reverse the list you built "
                          "top first")
    variants = {name: _backward_variant(da_top, caches, name) for name in BACKWARD_HINTS}
    variants = {name: v for name, v in variants.items() if v is not None}
    for l in reversed(range(L)):  # top first, the order of the backward pass
        for key in keys[l]:
            mistakes = [(v["layers"][l][key], BACKWARD_HINTS[name])
                        for name, v in variants.items()]
            expect_array(f"layers[{l}]['{key}'] (layer {l + 1})", layers[l][key],
                         expected["layers"][l][key], mistakes=mistakes)
    dx, n_x = got["dx"], expected["dx"].shape[0]
    if isinstance(dx, np.ndarray) and dx.ndim == 3 and dx.shape[1:] == expected["dx"].shape[1:] \
            and dx.shape[0] != n_x:
        raise CheckFailed(f"dx has shape {dx.shape}, expected {expected['dx'].shape}: "
                          f"{BACKWARD_HINTS['dx_top']}")
    expect_array("dx", dx, expected["dx"],
                 mistakes=[(v["dx"], BACKWARD_HINTS[name]) for name, v in variants.items()])


def _matches(got_layers, expected_layers, keys):
    """Whether every gradient of got_layers equals expected_layers' (same order)."""
    for l, (got, want) in enumerate(zip(got_layers, expected_layers, strict=True)):
        for key in keys[l]:
            value = got.get(key) if isinstance(got, dict) else None
            if not (isinstance(value, np.ndarray) and value.shape == want[key].shape
                    and np.allclose(value, want[key], atol=1e-7, rtol=1e-6)):
                return False
    return True


EXERCISES = {
    "deep_rnn_forward": Exercise("deep_rnn_forward", _forward_cases, deep_rnn_forward,
                                 _compare_forward, forbidden=(deep_forward,)),
    "dense_head_forward": Exercise("dense_head_forward", _head_cases, dense_head_forward,
                                   _compare_head),
    "deep_rnn_backward": Exercise("deep_rnn_backward", _backward_cases, deep_rnn_backward,
                                  _compare_backward, forbidden=(deep_backward,)),
}
