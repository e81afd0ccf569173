"""The three cell types behind one interface, for the code that stacks them.

Bidirectional RNNs, deep RNNs and the language model work with any cell; they reach the cell
through ``get_cell(name)``, never through ``if name == "lstm"`` branches of their own.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from seqlib import _validate as v
from seqlib import gru, lstm, rnn


@dataclass(frozen=True)
class Cell:
    """How to run one cell type over a sequence, without its output layer.

    recurrent_shapes: {key: shape} of the recurrent parameters, in n_a, n_x
    output_keys: (weight key, bias key) of the cell's own output layer
    forward_states: (x (n_x, m, T_x), a0 (n_a, m), parameters) -> (a (n_a, m, T_x), caches)
    backward_states: (da (n_a, m, T_x), caches) -> {"dx", "da0", "d" + each recurrent key}
    step: (xt (n_x, m), state, parameters) -> state, where state is a tuple whose first
        entry is a<t> (n_a, m); for sampling one step at a time
    state_size: how many (n_a, m) arrays the state holds: 2 for the LSTM's (a, c), else 1
    initial_biases: {bias key: starting value} where a bias should not start at zero

    The LSTM's backward_states also returns "dc0", the gradient into c<0>.
    """

    name: str
    recurrent_shapes: dict
    output_keys: tuple
    forward_states: Callable
    backward_states: Callable
    step: Callable
    state_size: int = 1
    initial_biases: dict = field(default_factory=dict)

    def initial_state(self, a0):
        """The state tuple at t = 0 from a<0> (n_a, m); any further entry (an LSTM's c<0>) is
        zeros."""
        return (a0,) + tuple(np.zeros_like(a0) for _ in range(self.state_size - 1))

    def check(self, x, a0, parameters, name="parameters"):
        """Check x (n_x, m, T_x), a0 (n_a, m) and the recurrent parameters; return the dims."""
        dims = v.Dims()
        v.check_array("x", x, ("n_x", "m", "T_x"), dims)
        v.check_array("a0", a0, ("n_a", "m"), dims)
        v.check_parameters(parameters, self.recurrent_shapes, dims, name)
        return dims


def _lstm_states(x, a0, parameters):
    a, _, caches = lstm.forward_states(x, a0, parameters)
    return a, caches


def _lstm_step(xt, state, parameters):
    a, c, _ = lstm._step(xt, state[0], state[1], parameters)
    return a, c


CELLS = {
    "rnn": Cell(
        "rnn", rnn.RECURRENT_SHAPES, ("Wya", "by"), rnn.forward_states, rnn.backward_states,
        lambda xt, state, p: (rnn._step(xt, state[0], p)[0],),
    ),
    "gru": Cell(
        "gru", gru.RECURRENT_SHAPES, ("Wy", "by"), gru.forward_states, gru.backward_states,
        lambda xt, state, p: (gru._step(xt, state[0], p, False)[0],),
    ),
    "lstm": Cell(
        "lstm", lstm.RECURRENT_SHAPES, ("Wy", "by"), _lstm_states, lstm.backward_states,
        _lstm_step, state_size=2,
        # the forget gate starts mostly open (σ(1) ≈ 0.73), see init_parameters
        initial_biases={"bf": 1.0},
    ),
}


def get_cell(name):
    """The Cell called ``name``: one of "rnn", "gru", "lstm"."""
    v.check_choice("cell", name, list(CELLS))
    return CELLS[name]
