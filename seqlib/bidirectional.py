"""Bidirectional RNNs: one cell reads the sequence forwards, another reads it backwards.

    a→<t> = cell(a→<t-1>, x<t>)   with the "forward" parameters,   t = 1, ..., T_x   (n_a_f, m)
    a←<t> = cell(a←<t+1>, x<t>)   with the "backward" parameters,  t = T_x, ..., 1   (n_a_b, m)
    y<t> = g(Wy [a→<t>; a←<t>] + by)                                                (n_y, m)

so y<t> sees the whole sequence: the past through a→<t>, the future through a←<t> ("Teddy
Roosevelt" vs "teddy bears" is decided by the words after "Teddy"). Any of the three cells
works, reached through ``seqlib.cells.get_cell``; the two directions have their own parameters
and may have different sizes n_a_f and n_a_b.

The backward direction is the ordinary forward recurrence run on the sequence reversed in time:
reverse x, run the cell, reverse its states back so that a←<t> sits at index t, next to a→<t>.
Its backward pass does the same with da and dx.

The cost the notes point out: a←<1> depends on x<T_x>, so no prediction, not even y<1>, can be
made before the whole sequence has arrived. For a sentence already written that costs nothing;
for speech recognition in real time it means waiting until the speaker has finished before the
first word comes out. That is why live systems use unidirectional models (or look only a short
window ahead) and keep full BRNNs for offline work. The computation is doubled too: two
recurrences, each unrolled over the T_x steps.

Shapes: x (n_x, m, T_x); a = [a→; a←] (n_a_f + n_a_b, m, T_x); y_pred (n_y, m, T_x).
Parameters: {"forward": cell parameters (n_a_f), "backward": cell parameters (n_a_b),
"Wy": (n_y, n_a_f + n_a_b), "by": (n_y, 1)}.
"""

from collections.abc import Mapping

import numpy as np

from seqlib import _validate as v
from seqlib.cells import Cell, get_cell
from seqlib.initialization import init_parameters
from seqlib.outputs import ACTIVATIONS, output_forward

DIRECTIONS = ("forward", "backward")
OUTPUT_SHAPES = {"Wy": ("n_y", "n_a_f+n_a_b"), "by": ("n_y", 1)}


def bidirectional_forward(x, parameters, cell="rnn", a0=None, activation="softmax"):
    """Both directions over the whole sequence, then the output layer at every step.

    Arguments:
        x: inputs, (n_x, m, T_x)
        parameters: {"forward": the cell's recurrent parameters in n_a_f, "backward": the same
            in n_a_b, "Wy": (n_y, n_a_f + n_a_b), "by": (n_y, 1)}; extra keys are ignored
        cell: "rnn", "gru" or "lstm", for both directions
        a0: None for zeros, or a pair (a0_forward (n_a_f, m), a0_backward (n_a_b, m)); the
            backward direction starts from its a0 at the end of the sequence, next to x<T_x>
        activation: the output layer's g, "softmax", "sigmoid" or "linear"

    Returns:
        a: [a→; a←], (n_a_f + n_a_b, m, T_x)
        y_pred: (n_y, m, T_x)
        caches: for bidirectional_backward; caches["output"] is the cache of output_forward,
            for output_backward (which gives dWy, dby and the da to pass back here)
    """
    c = get_cell(cell)
    v.check_choice("activation", activation, ACTIVATIONS)
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    a0_f, a0_b = _check_directions(parameters, c, dims, a0, "parameters", "a0", x.dtype)
    v.check_parameters(parameters, OUTPUT_SHAPES, dims)
    a, states = _forward_states(x, a0_f, a0_b, parameters, c)
    y_pred, output_cache = output_forward(a, parameters["Wy"], parameters["by"], activation)
    return a, y_pred, {"states": states, "a_shape": a.shape, "output": output_cache}


def bidirectional_backward(da, caches):
    """Backpropagation through time in both directions.

    Arguments:
        da: gradient of the loss with respect to a = [a→; a←], (n_a_f + n_a_b, m, T_x):
            the "da" of output_backward
        caches: what bidirectional_forward returned

    Returns a dict:
        dx (n_x, m, T_x), the sum of what both directions send to x;
        "forward": {da0 (n_a_f, m), "d" + each recurrent key of the cell},
        "backward": {da0 (n_a_b, m), ...}. dWy and dby come from output_backward.
    """
    if not (isinstance(caches, dict) and set(caches) == {"states", "a_shape", "output"}
            and _is_states_cache(caches["states"])):
        raise ValueError(f"caches: expected the caches dict returned by bidirectional_forward, "
                         f"got {_describe(caches)}")
    cell, n_a_f, _, _ = caches["states"]
    n_a, m, T_x = caches["a_shape"]
    dims = v.Dims(n_a_f=n_a_f, n_a_b=n_a - n_a_f, m=m, T_x=T_x)
    v.check_array("da", da, ("n_a_f+n_a_b", "m", "T_x"), dims)
    return _backward_states(da, caches["states"])


def init_bidirectional(cell, n_x, n_a, n_y, rng, dtype=np.float64):
    """Random parameters for a bidirectional RNN, built with ``init_parameters``.

    Arguments:
        cell: "rnn", "gru" or "lstm"
        n_x: input size; n_y: output size
        n_a: hidden size of each direction, or a pair (n_a_f, n_a_b)
        rng: a numpy.random.Generator
        dtype: float64 (default) or float32

    Returns {"forward": ..., "backward": ..., "Wy": (n_y, n_a_f + n_a_b), "by": (n_y, 1)}:
    Wy is N(0, 1/(n_a_f + n_a_b)) like every output weight of init_parameters, by is zero.
    """
    v.check_positive("n_y", n_y, integer=True)
    directions, n_out = _init_directions(cell, n_x, n_a, rng, dtype)
    return {**directions, **_init_output(n_y, n_out, rng, dtype)}


# ---------------------------------------------------------------- unchecked inner pieces
# deep.py stacks bidirectional layers with these; the public functions above check first.
def _forward_states(x, a0_f, a0_b, parameters, cell):
    """Both directions' states: x (n_x, m, T_x) -> a (n_a_f + n_a_b, m, T_x), states cache."""
    a_f, caches_f = cell.forward_states(x, a0_f, parameters["forward"])  # (n_a_f, m, T_x)
    # a←<t> depends on x<t>, ..., x<T_x>: the same recurrence, fed x<T_x> first
    a_b_reversed, caches_b = cell.forward_states(x[:, :, ::-1], a0_b, parameters["backward"])
    a_b = a_b_reversed[:, :, ::-1]  # back in natural order: a←<t> at index t, (n_a_b, m, T_x)
    a = np.concatenate([a_f, a_b], axis=0)  # [a→<t>; a←<t>], (n_a_f + n_a_b, m, T_x)
    return a, (cell, a0_f.shape[0], caches_f, caches_b)


def _backward_states(da, states):
    """da (n_a_f + n_a_b, m, T_x) and a states cache -> {"dx", "forward", "backward"}."""
    cell, n_a_f, caches_f, caches_b = states
    grads_f = cell.backward_states(da[:n_a_f], caches_f)
    # the backward direction ran on reversed time, so its da goes in reversed too and the dx
    # it returns is for x<T_x>, ..., x<1>
    grads_b = cell.backward_states(da[n_a_f:, :, ::-1], caches_b)
    dx = grads_f["dx"] + grads_b["dx"][:, :, ::-1]  # x<t> feeds both directions, (n_x, m, T_x)
    return {
        "dx": dx,
        "forward": _recurrent_grads(grads_f, cell),
        "backward": _recurrent_grads(grads_b, cell),
    }


def _recurrent_grads(grads, cell):
    """da0 and the recurrent parameters' gradients from a cell's backward_states (not dx, and
    not the LSTM's dc0: c<0> is always zero here, not an input)."""
    return {"da0": grads["da0"], **{"d" + key: grads["d" + key] for key in cell.recurrent_shapes}}


def _check_directions(parameters, cell, dims, a0, name, a0_name, dtype):
    """Check parameters["forward"] and ["backward"] and the a0 pair against n_x and m in dims.

    Each direction gets its own n_a; they are bound in dims as n_a_f and n_a_b. ``name`` and
    ``a0_name`` are how errors call the arguments (deep.py passes the layer's path).
    Returns (a0_forward (n_a_f, m), a0_backward (n_a_b, m)), zeros of ``dtype`` for None.
    """
    if not isinstance(parameters, Mapping):
        raise ValueError(f"{name}: expected a dict with 'forward' and 'backward' cell parameters, "
                         f"got {type(parameters).__name__}")
    missing = [d for d in DIRECTIONS if d not in parameters]
    if missing:
        raise ValueError(f"{name}: missing key '{missing[0]}' (the {missing[0]} direction's "
                         f"{cell.name} parameters)")
    if a0 is None:
        a0 = (None, None)
    if not (isinstance(a0, (tuple, list)) and len(a0) == 2):
        raise ValueError(f"{a0_name}: expected None or a pair (a0_forward (n_a_f, m), "
                         f"a0_backward (n_a_b, m)), got {_describe(a0)}")
    starts = []
    for i, (direction, start, size) in enumerate(zip(DIRECTIONS, a0, ("n_a_f", "n_a_b"),
                                                     strict=True)):
        d = v.Dims()  # this direction's own n_a, with n_x and m shared
        for shared in ("n_x", "m"):
            d.bind(shared, dims[shared], dims.source[shared])
        v.check_parameters(parameters[direction], cell.recurrent_shapes, d,
                           f"{name}['{direction}']")
        if start is None:
            start = np.zeros((d["n_a"], d["m"]), dtype=dtype)
        else:
            v.check_array(f"{a0_name}[{i}]", start, ("n_a", "m"), d)
        dims.bind(size, d["n_a"], f"{name}['{direction}']")
        starts.append(start)
    return tuple(starts)


def _is_states_cache(states):
    return (isinstance(states, tuple) and len(states) == 4 and isinstance(states[0], Cell)
            and isinstance(states[1], int))


def _describe(value):
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)}"
    return type(value).__name__


def _sizes_pair(name, n_a):
    """(n_a_f, n_a_b) from one size for both directions or a pair."""
    if isinstance(n_a, (tuple, list)):
        if len(n_a) != 2:
            raise ValueError(f"{name}: expected a positive integer or a pair (n_a_f, n_a_b), "
                             f"got a {type(n_a).__name__} of {len(n_a)}")
        return tuple(n_a)
    return n_a, n_a


def _init_directions(cell, n_x, n_a, rng, dtype, name="n_a"):
    """{"forward": ..., "backward": ...} from init_parameters, and n_a_f + n_a_b."""
    sizes = _sizes_pair(name, n_a)
    for size in sizes:
        v.check_positive(name, size, integer=True)
    directions = {
        direction: init_parameters(cell, n_x, size, rng=rng, dtype=dtype)
        for direction, size in zip(DIRECTIONS, sizes, strict=True)
    }
    return directions, sum(sizes)


def _init_output(n_y, n_a, rng, dtype):
    """Wy (n_y, n_a) ~ N(0, 1/n_a) and by (n_y, 1) zero, scaled like init_parameters'."""
    return {
        "Wy": (rng.standard_normal((n_y, n_a)) / np.sqrt(n_a)).astype(dtype),
        "by": np.zeros((n_y, 1), dtype=dtype),
    }
