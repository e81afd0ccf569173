"""The Long Short-Term Memory cell, forward and backward, as the lecture notes write it.

    Γf = σ(Wf [a<t-1>; x<t>] + bf)                 forget gate,  (n_a, m)
    Γu = σ(Wu [a<t-1>; x<t>] + bu)                 update gate,  (n_a, m)
    c̃<t> = tanh(Wc [a<t-1>; x<t>] + bc)            candidate,    (n_a, m)
    Γo = σ(Wo [a<t-1>; x<t>] + bo)                 output gate,  (n_a, m)
    c<t> = Γu * c̃<t> + Γf * c<t-1>                 memory cell,  (n_a, m)
    a<t> = Γo * tanh(c<t>)                         hidden state, (n_a, m)
    y<t> = softmax(Wy a<t> + by)

No peepholes. Shapes: xt (n_x, m), x (n_x, m, T_x), a and c (n_a, m, T_x), y (n_y, m, T_x).
Gate matrices (n_a, n_a + n_x) act on [a<t-1>; x<t>], hidden state first; biases (n_a, 1).

Other names for the same thing: many texts call the update gate the input gate (i, Wi);
PyTorch's nn.LSTM stacks its weights in the order input, forget, cell, output (i, f, g, o).
"""

import numpy as np

from seqlib import _validate as v
from seqlib._sequence import check_sequence_caches, check_step_cache, zeros_like_params
from seqlib.activations import sigmoid, softmax

GATE = ("n_a", "n_a+n_x")
RECURRENT_SHAPES = {
    "Wf": GATE, "bf": ("n_a", 1), "Wu": GATE, "bu": ("n_a", 1),
    "Wc": GATE, "bc": ("n_a", 1), "Wo": GATE, "bo": ("n_a", 1),
}
OUTPUT_SHAPES = {"Wy": ("n_y", "n_a"), "by": ("n_y", 1)}
CACHE_LENGTH = 10


# ---------------------------------------------------------------- one time step
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM.

    Arguments:
        xt: x<t>, (n_x, m)
        a_prev: a<t-1>, (n_a, m)
        c_prev: c<t-1>, (n_a, m)
        parameters: Wf, Wu, Wc, Wo (n_a, n_a + n_x); bf, bu, bc, bo (n_a, 1);
            Wy (n_y, n_a), by (n_y, 1)

    Returns:
        a_next: a<t>, (n_a, m)
        c_next: c<t>, (n_a, m)
        yt_pred: y<t>, (n_y, m)
        cache: (a_next, c_next, a_prev, c_prev, Γf, Γu, c̃, Γo, xt, parameters)
    """
    dims = v.Dims()
    v.check_array("xt", xt, ("n_x", "m"), dims)
    v.check_array("a_prev", a_prev, ("n_a", "m"), dims)
    v.check_array("c_prev", c_prev, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**RECURRENT_SHAPES, **OUTPUT_SHAPES}, dims)
    a_next, c_next, cache = _step(xt, a_prev, c_prev, parameters)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    return a_next, c_next, yt_pred, cache


def _step(xt, a_prev, c_prev, p):
    """a<t>, c<t> from a<t-1>, c<t-1> and x<t>, unchecked."""
    concat = np.concatenate([a_prev, xt])  # [a<t-1>; x<t>], (n_a + n_x, m)
    gf = sigmoid(p["Wf"] @ concat + p["bf"])  # Γf
    gu = sigmoid(p["Wu"] @ concat + p["bu"])  # Γu
    cct = np.tanh(p["Wc"] @ concat + p["bc"])  # c̃<t>
    go = sigmoid(p["Wo"] @ concat + p["bo"])  # Γo
    c_next = gu * cct + gf * c_prev
    a_next = go * np.tanh(c_next)
    return a_next, c_next, (a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, p)


def lstm_cell_backward(da_next, dc_next, cache):
    """Backward through one LSTM step.

    Arguments:
        da_next: gradient of the loss with respect to a<t>, (n_a, m)
        dc_next: gradient with respect to c<t> from step t+1 (zeros at the last step), (n_a, m)
        cache: what lstm_cell_forward returned

    Returns a dict:
        dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
        dWf, dWu, dWc, dWo (n_a, n_a + n_x), dbf, dbu, dbc, dbo (n_a, 1)
    """
    check_step_cache(cache, CACHE_LENGTH, "lstm_cell_forward")
    v.check_array("da_next", da_next, cache[0].shape, v.Dims())
    v.check_array("dc_next", dc_next, cache[0].shape, v.Dims())
    return _step_backward(da_next, dc_next, cache)


def _step_backward(da_next, dc_next, cache):
    a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, p = cache
    n_a = a_prev.shape[0]
    tanh_c = np.tanh(c_next)
    dgo = da_next * tanh_c  # a = Γo * tanh(c)
    # c<t> reaches the loss through a<t> (via tanh) and through c<t+1>
    dc = dc_next + da_next * go * (1 - tanh_c**2)
    dgf = dc * c_prev
    dgu = dc * cct
    dcct = dc * gu
    dz = {  # gradients of the pre-activations
        "f": dgf * gf * (1 - gf),  # σ' = σ(1 - σ)
        "u": dgu * gu * (1 - gu),
        "c": dcct * (1 - cct**2),  # tanh' = 1 - tanh²
        "o": dgo * go * (1 - go),
    }
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    grads = {}
    dconcat = np.zeros_like(concat)
    for g, dzg in dz.items():
        grads["dW" + g] = dzg @ concat.T  # (n_a, n_a + n_x)
        grads["db" + g] = np.sum(dzg, axis=1, keepdims=True)
        dconcat += p["W" + g].T @ dzg
    return {"dxt": dconcat[n_a:], "da_prev": dconcat[:n_a], "dc_prev": dc * gf, **grads}


# ---------------------------------------------------------------- a whole sequence
def lstm_forward(x, a0, parameters):
    """Forward over a whole sequence, with c<0> = 0.

    Arguments:
        x: (n_x, m, T_x); a0: a<0>, (n_a, m); parameters: as in lstm_cell_forward

    Returns:
        a: a<1> ... a<T_x>, (n_a, m, T_x)
        y: predictions, (n_y, m, T_x)
        c: c<1> ... c<T_x>, (n_a, m, T_x)
        caches: (list of the T_x step caches, x), for lstm_backward
    """
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    v.check_array("a0", a0, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**RECURRENT_SHAPES, **OUTPUT_SHAPES}, dims)
    a, c, caches = forward_states(x, a0, parameters)
    z = np.einsum("ya,amt->ymt", parameters["Wy"], a) + parameters["by"][:, :, None]
    return a, softmax(z), c, caches


def forward_states(x, a0, parameters, c0=None):
    """Hidden and cell states only: x (n_x, m, T_x), a0 (n_a, m), c0 (n_a, m) or None for
    zeros -> a (n_a, m, T_x), c (n_a, m, T_x), caches. Unchecked: callers check."""
    n_a, m = a0.shape
    T_x = x.shape[2]
    dtype = np.result_type(x, a0, parameters["Wf"])
    a = np.zeros((n_a, m, T_x), dtype=dtype)
    c = np.zeros((n_a, m, T_x), dtype=dtype)
    step_caches = []
    a_prev, c_prev = a0, np.zeros_like(a0) if c0 is None else c0
    for t in range(T_x):
        a_prev, c_prev, cache = _step(x[:, :, t], a_prev, c_prev, parameters)
        a[:, :, t] = a_prev
        c[:, :, t] = c_prev
        step_caches.append(cache)
    return a, c, (step_caches, x)


def lstm_backward(da, caches):
    """Backpropagation through time.

    Arguments:
        da: gradient into each a<t> from the outputs at that step, (n_a, m, T_x)
        caches: what lstm_forward returned

    Returns a dict:
        dx (n_x, m, T_x), da0 (n_a, m), dc0 (n_a, m; c<0> is zero in lstm_forward, but an
        encoder may hand its c to a decoder), dWf, dWu, dWc, dWo (n_a, n_a + n_x),
        dbf, dbu, dbc, dbo (n_a, 1)
    """
    step_caches, _ = check_sequence_caches(caches, CACHE_LENGTH, "lstm_forward")
    v.check_array("da", da, (*step_caches[0][0].shape, len(step_caches)), v.Dims())
    return backward_states(da, caches)


def backward_states(da, caches):
    """lstm_backward without the checks."""
    step_caches, x = caches
    grads = zeros_like_params(step_caches[0][9], RECURRENT_SHAPES)
    dx = np.zeros(x.shape, dtype=np.result_type(x, da))
    da_prev = np.zeros(da.shape[:2], dtype=da.dtype)
    dc_prev = np.zeros_like(da_prev)  # nothing flows into c<T_x> from beyond the sequence
    for t in reversed(range(da.shape[2])):
        step = _step_backward(da[:, :, t] + da_prev, dc_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev, dc_prev = step["da_prev"], step["dc_prev"]
        for key in grads:
            grads[key] += step[key]
    return {"dx": dx, "da0": da_prev, "dc0": dc_prev, **grads}
