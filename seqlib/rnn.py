"""The basic (vanilla) RNN, forward and backward, in the lecture notes' layout.

    a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)        hidden state, (n_a, m)
    y<t> = softmax(Wya a<t> + by)                   prediction,   (n_y, m)

Shapes: x<t> is xt (n_x, m); a whole sequence x is (n_x, m, T_x); hidden states a are
(n_a, m, T_x); predictions y_pred are (n_y, m, T_x). Parameters: Wax (n_a, n_x),
Waa (n_a, n_a), ba (n_a, 1), Wya (n_y, n_a), by (n_y, 1).

Backward functions take ``da``, the gradient of the loss with respect to the hidden state
(what the output layer sends down, see ``seqlib.outputs``), and return the gradients of the
recurrent parameters; dWya and dby come from the output layer's backward.
"""

import numpy as np

from seqlib import _validate as v
from seqlib._sequence import check_sequence_caches, check_step_cache, zeros_like_params
from seqlib.activations import softmax

#: The parameters of the recurrence and of the output layer, with their shapes.
RECURRENT_SHAPES = {"Wax": ("n_a", "n_x"), "Waa": ("n_a", "n_a"), "ba": ("n_a", 1)}
OUTPUT_SHAPES = {"Wya": ("n_y", "n_a"), "by": ("n_y", 1)}


# ---------------------------------------------------------------- one time step
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN.

    Arguments:
        xt: input at step t, (n_x, m)
        a_prev: hidden state a<t-1>, (n_a, m)
        parameters: dict with Wax (n_a, n_x), Waa (n_a, n_a), ba (n_a, 1),
            Wya (n_y, n_a), by (n_y, 1)

    Returns:
        a_next: a<t>, (n_a, m)
        yt_pred: y<t>, (n_y, m)
        cache: (a_next, a_prev, xt, parameters), for rnn_cell_backward
    """
    dims = v.Dims()
    v.check_array("xt", xt, ("n_x", "m"), dims)
    v.check_array("a_prev", a_prev, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**RECURRENT_SHAPES, **OUTPUT_SHAPES}, dims)
    a_next, cache = _step(xt, a_prev, parameters)
    yt_pred = softmax(parameters["Wya"] @ a_next + parameters["by"])  # (n_y, m)
    return a_next, yt_pred, cache


def _step(xt, a_prev, p):
    """a<t> from a<t-1> and x<t>, unchecked. Returns a_next (n_a, m) and the step's cache."""
    a_next = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ xt + p["ba"])  # (n_a, m)
    return a_next, (a_next, a_prev, xt, p)


def rnn_cell_backward(da_next, cache):
    """Backward through one step.

    Arguments:
        da_next: gradient of the loss with respect to a<t>, (n_a, m)
        cache: what rnn_cell_forward returned

    Returns a dict:
        dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    check_step_cache(cache, 4, "rnn_cell_forward")
    a_next = cache[0]
    v.check_array("da_next", da_next, a_next.shape, v.Dims())
    return _step_backward(da_next, cache)


def _step_backward(da_next, cache):
    a_next, a_prev, xt, p = cache
    dz = (1 - a_next**2) * da_next  # backprop through tanh: tanh'(z) = 1 - tanh(z)^2, (n_a, m)
    return {
        "dxt": p["Wax"].T @ dz,  # (n_x, m)
        "da_prev": p["Waa"].T @ dz,  # (n_a, m)
        "dWax": dz @ xt.T,  # (n_a, n_x): summed over the m examples by the product
        "dWaa": dz @ a_prev.T,  # (n_a, n_a)
        "dba": np.sum(dz, axis=1, keepdims=True),  # (n_a, 1)
    }


# ---------------------------------------------------------------- a whole sequence
def rnn_forward(x, a0, parameters):
    """Forward over a whole sequence.

    Arguments:
        x: inputs, (n_x, m, T_x)
        a0: initial hidden state a<0>, (n_a, m)
        parameters: as in rnn_cell_forward

    Returns:
        a: hidden states a<1> ... a<T_x>, (n_a, m, T_x)
        y_pred: predictions, (n_y, m, T_x)
        caches: (list of the T_x step caches, x), for rnn_backward
    """
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    v.check_array("a0", a0, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**RECURRENT_SHAPES, **OUTPUT_SHAPES}, dims)
    a, caches = forward_states(x, a0, parameters)
    z = np.einsum("ya,amt->ymt", parameters["Wya"], a) + parameters["by"][:, :, None]
    return a, softmax(z), caches


def forward_states(x, a0, parameters):
    """The hidden states only (no output layer); what bidirectional and deep RNNs stack.

    x (n_x, m, T_x), a0 (n_a, m) -> a (n_a, m, T_x), caches. Unchecked: callers check.
    """
    n_a, m = a0.shape
    T_x = x.shape[2]
    a = np.zeros((n_a, m, T_x), dtype=np.result_type(x, a0, parameters["Waa"]))
    step_caches = []
    a_prev = a0
    for t in range(T_x):
        a_prev, cache = _step(x[:, :, t], a_prev, parameters)
        a[:, :, t] = a_prev
        step_caches.append(cache)
    return a, (step_caches, x)


def rnn_backward(da, caches):
    """Backpropagation through time over the whole sequence.

    Arguments:
        da: gradient of the loss with respect to each a<t> coming from the outputs at that
            step, (n_a, m, T_x); the gradient through a<t+1> is added here
        caches: what rnn_forward returned

    Returns a dict:
        dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a), dba (n_a, 1)
    """
    step_caches, x = check_sequence_caches(caches, 4, "rnn_forward")
    a_first = step_caches[0][0]
    v.check_array("da", da, (*a_first.shape, len(step_caches)), v.Dims())
    return backward_states(da, caches)


def backward_states(da, caches):
    """rnn_backward without the checks."""
    step_caches, x = caches
    parameters = step_caches[0][3]
    grads = zeros_like_params(parameters, RECURRENT_SHAPES)
    dx = np.zeros(x.shape, dtype=np.result_type(x, da))
    da_prev = np.zeros(da.shape[:2], dtype=da.dtype)
    for t in reversed(range(da.shape[2])):
        # a<t> feeds the output at t (da[:, :, t]) and the next step (da_prev from t+1)
        step = _step_backward(da[:, :, t] + da_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for key in RECURRENT_SHAPES:
            grads["d" + key] += step["d" + key]
    return {"dx": dx, "da0": da_prev, **grads}
