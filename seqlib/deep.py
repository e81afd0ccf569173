"""Deep (stacked) RNNs: L recurrent layers, each reading the states of the layer below.

    a[l]<t> = g(Wa[l] [a[l]<t-1>; a[l-1]<t>] + ba[l])      l = 1, ..., L, with a[0]<t> = x<t>
    y<t> = g(Wy a[L]<t> + by)

Layer l is an ordinary cell whose input is a[l-1] instead of x, so its n_x is the size of the
layer below (n_a_f + n_a_b for a bidirectional layer, see ``seqlib.bidirectional``). Layers may
use different cells; each has its own parameters, shared over time as in one layer.

Why three recurrent layers is already a lot: every layer is unrolled over the T_x steps, so a
stack of L layers is a grid of L x T_x cells to compute, and to cache for the backward pass;
three layers over a 100-step sequence are 300 cells. The gradient flows back in time and down
through the layers: each extra layer makes every path from a loss to an input one cell longer
and multiplies the number of such paths, with the vanishing and exploding products long paths
bring. So recurrent stacks stay shallow (where image networks use a hundred layers); more depth
is usually added on top instead, as dense layers applied to a[L]<t> at each step on its own,
with no connections across time, e.g. ``output_forward`` with a "linear" or "sigmoid"
activation before the final softmax.

Shapes: x (n_x, m, T_x); a[l] (n_a[l], m, T_x); y_pred (n_y, m, T_x).
Parameters: {"layers": [layer 1, ..., layer L], "Wy": (n_y, n_a[L]), "by": (n_y, 1)}, a layer
being its cell's recurrent parameters, or {"forward": ..., "backward": ...} when bidirectional.
Python counts from 0: parameters["layers"][0] is layer 1, and error messages use that index.
"""

from collections.abc import Mapping

import numpy as np

from seqlib import _validate as v
from seqlib.bidirectional import (
    DIRECTIONS,
    _backward_states,
    _check_directions,
    _describe,
    _forward_states,
    _init_directions,
    _init_output,
    _recurrent_grads,
)
from seqlib.cells import CELLS, get_cell
from seqlib.initialization import init_parameters
from seqlib.outputs import ACTIVATIONS, output_forward

OUTPUT_SHAPES = {"Wy": ("n_y", "n_a"), "by": ("n_y", 1)}


def deep_forward(x, parameters, cells, bidirectional=False, a0=None, activation="softmax"):
    """Every layer over the whole sequence, bottom to top, then the output layer.

    Arguments:
        x: inputs a[0], (n_x, m, T_x)
        parameters: {"layers": list of L layers' parameters, "Wy": (n_y, n_a[L]),
            "by": (n_y, 1)}; layer l's input size is the size of layer l-1's states
        cells: one cell name for every layer ("rnn", "gru", "lstm") or a list of L names
        bidirectional: True/False for every layer, or a list of L of them
        a0: None for zeros, or a list of L initial states: a[l]<0> (n_a[l], m) for a
            unidirectional layer, a pair (a0_forward, a0_backward) for a bidirectional one,
            or None for zeros in that layer
        activation: the output layer's g, "softmax", "sigmoid" or "linear"

    Returns:
        a_top: the states of the top layer a[L], (n_a[L], m, T_x)
        y_pred: (n_y, m, T_x)
        caches: for deep_backward; caches["output"] is the cache of output_forward, for
            output_backward (which gives dWy, dby and the da to pass back here)
    """
    layers, starts = _check(x, parameters, cells, bidirectional, a0, activation)
    h = x  # a[0] = x, (n_x, m, T_x)
    layer_caches = []
    for (cell, bidir), layer_parameters, start in zip(layers, parameters["layers"], starts,
                                                      strict=True):
        h, cache = _layer_forward(h, start, layer_parameters, cell, bidir)  # (n_a[l], m, T_x)
        layer_caches.append((bidir, cache))
    y_pred, output_cache = output_forward(h, parameters["Wy"], parameters["by"], activation)
    return h, y_pred, {"layers": layer_caches, "a_shape": h.shape, "output": output_cache}


def deep_backward(da, caches):
    """Backpropagation through time and down through the layers.

    Arguments:
        da: gradient of the loss with respect to the top layer's states a[L], (n_a[L], m, T_x):
            the "da" of output_backward
        caches: what deep_forward returned

    Returns a dict:
        dx (n_x, m, T_x);
        "layers": one dict per layer, bottom first: {da0, "d" + each recurrent key} for a
            unidirectional layer, {"forward": {...}, "backward": {...}} for a bidirectional one.
        dWy and dby come from output_backward.
    """
    ok = (isinstance(caches, dict) and set(caches) == {"layers", "a_shape", "output"}
          and isinstance(caches["layers"], list) and len(caches["layers"]) > 0
          and all(isinstance(c, tuple) and len(c) == 2 for c in caches["layers"]))
    if not ok:
        raise ValueError(f"caches: expected the caches dict returned by deep_forward, "
                         f"got {_describe(caches)}")
    n_a, m, T_x = caches["a_shape"]
    v.check_array("da", da, ("n_a", "m", "T_x"), v.Dims(n_a=n_a, m=m, T_x=T_x))
    layer_grads = []
    for bidir, cache in reversed(caches["layers"]):
        grads = _layer_backward(da, cache, bidir)
        da = grads.pop("dx")  # a[l-1] fed layer l: its gradient goes on down, (n_a[l-1], m, T_x)
        layer_grads.append(grads)
    return {"dx": da, "layers": layer_grads[::-1]}


def init_deep(n_x, layer_sizes, n_y, rng, cells="rnn", bidirectional=False, dtype=np.float64):
    """Random parameters for a deep RNN, each layer from ``init_parameters``.

    Arguments:
        n_x: input size; n_y: output size
        layer_sizes: list of the L hidden sizes n_a[1], ..., n_a[L], bottom first; a
            bidirectional layer's entry may be a pair (n_a_f, n_a_b)
        rng: a numpy.random.Generator
        cells, bidirectional: per layer or for all layers, as in deep_forward
        dtype: float64 (default) or float32

    Returns {"layers": [...], "Wy": (n_y, n_a[L]), "by": (n_y, 1)}.
    """
    if not isinstance(layer_sizes, (list, tuple)) or len(layer_sizes) == 0:
        raise ValueError(f"layer_sizes: expected a non-empty list of hidden sizes, one per "
                         f"layer, got {_describe(layer_sizes)}")
    L = len(layer_sizes)
    names = _per_layer("cells", cells, L, "layer_sizes")
    flags = _per_layer("bidirectional", bidirectional, L, "layer_sizes")
    _check_names_and_flags(names, flags, cells, bidirectional)
    v.check_positive("n_y", n_y, integer=True)
    layers = []
    n_in = n_x
    for l, (name, bidir, size) in enumerate(zip(names, flags, layer_sizes, strict=True)):
        if bidir:
            layer, n_out = _init_directions(name, n_in, size, rng, dtype, f"layer_sizes[{l}]")
        else:
            v.check_positive(f"layer_sizes[{l}]", size, integer=True)
            layer, n_out = init_parameters(name, n_in, size, rng=rng, dtype=dtype), size
        layers.append(layer)
        n_in = n_out  # the next layer reads these states
    return {"layers": layers, **_init_output(n_y, n_in, rng, dtype)}


# ---------------------------------------------------------------- one layer, unchecked
def _layer_forward(h, start, parameters, cell, bidir):
    """The states of one layer from those of the layer below, h (n_in, m, T_x)."""
    if bidir:
        return _forward_states(h, start[0], start[1], parameters, cell)
    a, caches = cell.forward_states(h, start, parameters)  # (n_a, m, T_x)
    return a, (cell, caches)


def _layer_backward(da, cache, bidir):
    """One layer's gradients, with "dx" the gradient into the layer below's states."""
    if bidir:
        return _backward_states(da, cache)
    cell, caches = cache
    grads = cell.backward_states(da, caches)
    return {"dx": grads["dx"], **_recurrent_grads(grads, cell)}


# ---------------------------------------------------------------- checks
def _check(x, parameters, cells, bidirectional, a0, activation):
    """Check everything deep_forward gets, layer by layer from the bottom.

    Returns [(Cell, bidirectional flag)] per layer and the initial states per layer (arrays,
    or pairs for bidirectional layers; zeros where a0 said None).
    """
    v.check_choice("activation", activation, ACTIVATIONS)
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    if not isinstance(parameters, Mapping):
        raise ValueError(f"parameters: expected a dict with 'layers', 'Wy' and 'by', "
                         f"got {type(parameters).__name__}")
    if "layers" not in parameters:
        raise ValueError("parameters: missing key 'layers' (a list of each layer's parameters)")
    all_layers = parameters["layers"]
    if not isinstance(all_layers, (list, tuple)) or len(all_layers) == 0:
        raise ValueError(f"parameters['layers']: expected a non-empty list of each layer's "
                         f"parameters, got {_describe(all_layers)}")
    L = len(all_layers)
    names = _per_layer("cells", cells, L, "parameters['layers']")
    flags = _per_layer("bidirectional", bidirectional, L, "parameters['layers']")
    _check_names_and_flags(names, flags, cells, bidirectional)
    if a0 is None:
        a0 = [None] * L
    elif not isinstance(a0, (list, tuple)) or len(a0) != L:
        raise ValueError(f"a0: expected None or a list of {L} initial states, one per layer "
                         f"(parameters['layers'] has {L}), got {_describe(a0)}")

    layers, starts = [], []
    n_in, source = dims["n_x"], "x"
    for l, (layer, name, bidir, start) in enumerate(zip(all_layers, names, flags, a0,
                                                        strict=True)):
        cell = get_cell(name)
        path = f"parameters['layers'][{l}]"
        d = v.Dims()  # the layer's own sizes; its n_x is the size of what comes from below
        d.sizes.update(n_x=n_in, m=dims["m"])
        d.source.update(n_x=source, m="x")
        flag = f"bidirectional[{l}]" if isinstance(bidirectional, (list, tuple)) \
            else "bidirectional"
        _check_layer_kind(layer, bidir, path, flag)
        if bidir:
            start = _check_directions(layer, cell, d, start, path, f"a0[{l}]", x.dtype)
            n_in = d["n_a_f"] + d["n_a_b"]
        else:
            v.check_parameters(layer, cell.recurrent_shapes, d, path)
            if start is None:
                start = np.zeros((d["n_a"], d["m"]), dtype=x.dtype)
            else:
                v.check_array(f"a0[{l}]", start, ("n_a", "m"), d)
            n_in = d["n_a"]
        source = f"the states of {path}"
        layers.append((cell, bidir))
        starts.append(start)

    top = v.Dims(n_a=n_in)
    top.source["n_a"] = f"the top layer, parameters['layers'][{L - 1}]"
    v.check_parameters(parameters, OUTPUT_SHAPES, top)
    return layers, starts


def _per_layer(name, value, L, counted):
    """One value for every layer, or a list that must have one entry per layer."""
    if isinstance(value, (list, tuple)):
        if len(value) != L:
            raise ValueError(f"{name}: expected one value for all layers or a list of {L}, one "
                             f"per layer ({counted} has {L}), got a list of {len(value)}")
        return list(value)
    return [value] * L


def _check_names_and_flags(names, flags, cells, bidirectional):
    for l, (name, flag) in enumerate(zip(names, flags, strict=True)):
        label = f"cells[{l}]" if isinstance(cells, (list, tuple)) else "cells"
        v.check_choice(label, name, list(CELLS))
        if not isinstance(flag, (bool, np.bool_)):
            label = f"bidirectional[{l}]" if isinstance(bidirectional, (list, tuple)) \
                else "bidirectional"
            raise ValueError(f"{label}: expected True or False, got {flag!r}")


def _check_layer_kind(layer, bidir, path, flag):
    """Catch a layer whose nesting disagrees with its bidirectional flag, with a clear hint."""
    if not isinstance(layer, Mapping):
        return  # the parameter checks name it
    has_directions = any(d in layer for d in DIRECTIONS)
    if bidir and not has_directions:
        raise ValueError(f"{path}: {flag} is True but the layer has no 'forward' and "
                         f"'backward' cell parameters")
    if not bidir and has_directions:
        raise ValueError(f"{path}: holds the 'forward'/'backward' parameters of a "
                         f"bidirectional layer but {flag} is False")
