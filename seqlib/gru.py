"""The Gated Recurrent Unit, forward and backward, as the lecture notes write it.

The memory cell c<t> is the hidden state (a<t> = c<t>). The full GRU:

    Γr = σ(Wr [c<t-1>; x<t>] + br)                 relevance gate,  (n_a, m)
    Γu = σ(Wu [c<t-1>; x<t>] + bu)                 update gate,     (n_a, m)
    c̃<t> = tanh(Wc [Γr * c<t-1>; x<t>] + bc)       candidate,       (n_a, m)
    c<t> = Γu * c̃<t> + (1 - Γu) * c<t-1>           a<t> = c<t>
    y<t> = softmax(Wy a<t> + by)

The simplified GRU (``simplified=True``) has no Γr: c̃<t> = tanh(Wc [c<t-1>; x<t>] + bc).

Shapes: xt (n_x, m), x (n_x, m, T_x), a (n_a, m, T_x), y_pred (n_y, m, T_x). Every gate
matrix is (n_a, n_a + n_x) and acts on [c<t-1>; x<t>], hidden state first; biases (n_a, 1);
Wy (n_y, n_a), by (n_y, 1).

Other texts differ: PyTorch's nn.GRU computes h = (1 - z) * n + z * h_prev, so its z is our
1 - Γu, and applies its reset gate after the matrix product, r * (W_hn h + b_hn).
"""

import numpy as np

from seqlib import _validate as v
from seqlib._sequence import check_sequence_caches, check_step_cache, zeros_like_params
from seqlib.activations import sigmoid, softmax

GATE = ("n_a", "n_a+n_x")
RECURRENT_SHAPES = {
    "Wu": GATE, "bu": ("n_a", 1), "Wr": GATE, "br": ("n_a", 1), "Wc": GATE, "bc": ("n_a", 1),
}
SIMPLIFIED_SHAPES = {"Wu": GATE, "bu": ("n_a", 1), "Wc": GATE, "bc": ("n_a", 1)}
OUTPUT_SHAPES = {"Wy": ("n_y", "n_a"), "by": ("n_y", 1)}
CACHE_LENGTH = 7


def recurrent_shapes(simplified=False):
    """The recurrent parameters' shapes of the full or the simplified GRU."""
    return SIMPLIFIED_SHAPES if simplified else RECURRENT_SHAPES


# ---------------------------------------------------------------- one time step
def gru_cell_forward(xt, a_prev, parameters, simplified=False):
    """One step of the GRU.

    Arguments:
        xt: x<t>, (n_x, m)
        a_prev: c<t-1> = a<t-1>, (n_a, m)
        parameters: Wu, Wr, Wc (n_a, n_a + n_x); bu, br, bc (n_a, 1); Wy (n_y, n_a),
            by (n_y, 1). Without Wr, br when simplified.
        simplified: drop the relevance gate Γr (the notes' simplified GRU)

    Returns:
        a_next: a<t> = c<t>, (n_a, m)
        yt_pred: y<t>, (n_y, m)
        cache: (a_next, a_prev, xt, Γu, Γr or None, c̃, parameters), for gru_cell_backward
    """
    dims = v.Dims()
    v.check_array("xt", xt, ("n_x", "m"), dims)
    v.check_array("a_prev", a_prev, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**recurrent_shapes(simplified), **OUTPUT_SHAPES}, dims)
    a_next, cache = _step(xt, a_prev, parameters, simplified)
    yt_pred = softmax(parameters["Wy"] @ a_next + parameters["by"])  # (n_y, m)
    return a_next, yt_pred, cache


def _step(xt, c_prev, p, simplified):
    """c<t> from c<t-1> and x<t>, unchecked. Returns c_next (n_a, m) and the step's cache."""
    concat = np.concatenate([c_prev, xt])  # [c<t-1>; x<t>], (n_a + n_x, m)
    gu = sigmoid(p["Wu"] @ concat + p["bu"])  # Γu, (n_a, m)
    if simplified:
        gr = None
        cct = np.tanh(p["Wc"] @ concat + p["bc"])  # c̃<t>, (n_a, m)
    else:
        gr = sigmoid(p["Wr"] @ concat + p["br"])  # Γr, (n_a, m)
        cct = np.tanh(p["Wc"] @ np.concatenate([gr * c_prev, xt]) + p["bc"])
    c_next = gu * cct + (1 - gu) * c_prev  # (n_a, m)
    return c_next, (c_next, c_prev, xt, gu, gr, cct, p)


def gru_cell_backward(da_next, cache):
    """Backward through one GRU step.

    Arguments:
        da_next: gradient of the loss with respect to a<t> = c<t>, (n_a, m)
        cache: what gru_cell_forward returned

    Returns a dict:
        dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1);
        no dWr, dbr for the simplified GRU
    """
    check_step_cache(cache, CACHE_LENGTH, "gru_cell_forward")
    v.check_array("da_next", da_next, cache[0].shape, v.Dims())
    return _step_backward(da_next, cache)


def _step_backward(dc, cache):
    c_next, c_prev, xt, gu, gr, cct, p = cache
    n_a = c_prev.shape[0]
    # c<t> = Γu * c̃ + (1 - Γu) * c<t-1>: three paths back
    dcct = dc * gu
    dgu = dc * (cct - c_prev)
    dc_prev = dc * (1 - gu)
    dzc = dcct * (1 - cct**2)  # through tanh
    dzu = dgu * gu * (1 - gu)  # through σ: σ' = σ(1 - σ)
    concat = np.concatenate([c_prev, xt])  # (n_a + n_x, m)
    grads = {"dWu": dzu @ concat.T, "dbu": np.sum(dzu, axis=1, keepdims=True)}
    dconcat = p["Wu"].T @ dzu  # (n_a + n_x, m)
    if gr is None:
        grads["dWc"] = dzc @ concat.T
        dconcat += p["Wc"].T @ dzc
    else:
        grads["dWc"] = dzc @ np.concatenate([gr * c_prev, xt]).T
        dcand_in = p["Wc"].T @ dzc  # gradient of [Γr * c<t-1>; x<t>]
        dgr = dcand_in[:n_a] * c_prev
        dc_prev += dcand_in[:n_a] * gr
        dzr = dgr * gr * (1 - gr)
        grads["dWr"] = dzr @ concat.T
        grads["dbr"] = np.sum(dzr, axis=1, keepdims=True)
        dconcat += p["Wr"].T @ dzr
        dconcat[n_a:] += dcand_in[n_a:]
    grads["dbc"] = np.sum(dzc, axis=1, keepdims=True)
    return {"dxt": dconcat[n_a:], "da_prev": dc_prev + dconcat[:n_a], **grads}


# ---------------------------------------------------------------- a whole sequence
def gru_forward(x, a0, parameters, simplified=False):
    """Forward over a whole sequence.

    Arguments:
        x: (n_x, m, T_x); a0: c<0>, (n_a, m); parameters: as in gru_cell_forward

    Returns:
        a: a<1> ... a<T_x> (= c), (n_a, m, T_x)
        y_pred: (n_y, m, T_x)
        caches: (list of the T_x step caches, x), for gru_backward
    """
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    v.check_array("a0", a0, ("n_a", "m"), dims)
    v.check_parameters(parameters, {**recurrent_shapes(simplified), **OUTPUT_SHAPES}, dims)
    a, caches = forward_states(x, a0, parameters, simplified)
    z = np.einsum("ya,amt->ymt", parameters["Wy"], a) + parameters["by"][:, :, None]
    return a, softmax(z), caches


def forward_states(x, a0, parameters, simplified=False):
    """The hidden states only: x (n_x, m, T_x), a0 (n_a, m) -> a (n_a, m, T_x), caches."""
    n_a, m = a0.shape
    T_x = x.shape[2]
    a = np.zeros((n_a, m, T_x), dtype=np.result_type(x, a0, parameters["Wu"]))
    step_caches = []
    c = a0
    for t in range(T_x):
        c, cache = _step(x[:, :, t], c, parameters, simplified)
        a[:, :, t] = c
        step_caches.append(cache)
    return a, (step_caches, x)


def gru_backward(da, caches):
    """Backpropagation through time.

    Arguments:
        da: gradient into each a<t> from the outputs at that step, (n_a, m, T_x)
        caches: what gru_forward returned

    Returns a dict:
        dx (n_x, m, T_x), da0 (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x), dbu, dbr, dbc (n_a, 1)
    """
    step_caches, _ = check_sequence_caches(caches, CACHE_LENGTH, "gru_forward")
    v.check_array("da", da, (*step_caches[0][0].shape, len(step_caches)), v.Dims())
    return backward_states(da, caches)


def backward_states(da, caches):
    """gru_backward without the checks."""
    step_caches, x = caches
    simplified = step_caches[0][4] is None
    grads = zeros_like_params(step_caches[0][6], recurrent_shapes(simplified))
    dx = np.zeros(x.shape, dtype=np.result_type(x, da))
    da_prev = np.zeros(da.shape[:2], dtype=da.dtype)
    for t in reversed(range(da.shape[2])):
        step = _step_backward(da[:, :, t] + da_prev, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prev = step["da_prev"]
        for key in grads:
            grads[key] += step[key]
    return {"dx": dx, "da0": da_prev, **grads}
