"""Parameter initialisation, always from an explicit numpy Generator (no global seed)."""

import numpy as np

from seqlib import _validate as v
from seqlib.cells import get_cell


def init_parameters(cell, n_x, n_a, n_y=None, *, rng, dtype=np.float64):
    """Random parameters for one cell type.

    Arguments:
        cell: "rnn", "gru" or "lstm"
        n_x, n_a: input and hidden sizes; n_y: output size, or None for no output layer
        rng: a numpy.random.Generator
        dtype: float64 (default) or float32

    Returns a dict of arrays with the shapes of the cell's module (``seqlib.rnn``, ...).
    Weights are N(0, 1/fan_in), fan_in being the length of the vector they multiply
    (n_a + n_x for the recurrence, so Waa and Wax together are scaled like the stacked
    Wa = [Waa | Wax]); this keeps pre-activations of order 1 at the start. Biases are zero,
    except the LSTM's forget bias bf = 1, which starts with Γf near 0.73 so the memory cell
    is kept rather than wiped while the gates are still untrained.
    """
    c = get_cell(cell)
    for name, value in (("n_x", n_x), ("n_a", n_a)) + ((("n_y", n_y),) if n_y is not None
                                                       else ()):
        v.check_positive(name, value, integer=True)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    dims = v.Dims(n_x=n_x, n_a=n_a, **({"n_y": n_y} if n_y else {}))
    shapes = dict(c.recurrent_shapes)
    if n_y:
        shapes.update(dict(zip(c.output_keys, (("n_y", "n_a"), ("n_y", 1)), strict=True)))
    params = {}
    for key, shape in shapes.items():
        size = tuple(dims.expected(e) for e in shape)
        if size[1] == 1:  # a bias
            params[key] = np.zeros(size, dtype=dtype)
        else:
            fan_in = n_a if key in c.output_keys else n_a + n_x
            params[key] = (rng.standard_normal(size) / np.sqrt(fan_in)).astype(dtype)
    for key, value in c.initial_biases.items():
        params[key] += value
    return params
