"""The fast path: the RNN, GRU and LSTM over a whole sequence, forward and backward, fused.

Same equations, arguments, returns and gradient names as ``seqlib.rnn``, ``seqlib.gru`` and
``seqlib.lstm`` (read those first: they are the teaching version, and tests/test_fused.py checks
this module against them). Only the order of the work changes:

1. Stack the gates. The LSTM's Wo, Wf, Wu, Wc, one above the other, are one (4 n_a, n_a + n_x)
   matrix W: one product gives all four pre-activations instead of four products.
2. Split W = [W_a | W_x], the columns acting on a<t-1> and on x<t>. W_x x<t> does not depend
   on a<t-1>, so W_x x for all T_x steps is one big product before the loop; inside the loop
   only W_a a<t-1>, (4 n_a, n_a) @ (n_a, m), is left.
3. Sum the weight gradients after the loop. dW = Σ_t dz<t> [a<t-1>; x<t>]ᵀ is one product of
   (4 n_a, T_x m) by (T_x m, n_a + n_x) once every dz<t> is known: the teaching version's
   concatenation [a<t-1>; x<t>] for all steps side by side. db and dx likewise. Inside the
   backward loop only the recurrent product W_aᵀ dz<t> is left.

Inside, a sequence is an array (T_x + 1, rows, m): step t at index t as in the notes, each
step's block in the notes' layout (rows, m) and contiguous, and index 0 holding a<0> (and c<0>)
for the states, nothing for the others. Each gate is then a contiguous block of rows.
σ is computed as (1 + tanh(z / 2)) / 2: the same function, computed in place, and it cannot
overflow. The element-wise work is the teaching version's, in place where that saves a
temporary array.

``get_cell(name)`` is a ``seqlib.cells.Cell`` that runs this path, for code that takes a Cell
(the character-level model, bidirectional and deep RNNs).
"""

import dataclasses

import numpy as np

from seqlib import _validate as v
from seqlib import cells, gru, lstm, rnn
from seqlib.activations import softmax

# Row order of the stacked gates: the sigmoid gates first, so that one call covers them all.
LSTM_GATES = ("o", "f", "u", "c")
GRU_GATES = ("r", "u", "c")
SIMPLIFIED_GRU_GATES = ("u", "c")


# ---------------------------------------------------------------- the RNN
def rnn_forward(x, a0, parameters):
    """``seqlib.rnn.rnn_forward``, fused: x (n_x, m, T_x), a0 (n_a, m) ->
    a (n_a, m, T_x), y_pred (n_y, m, T_x), caches (for ``rnn_backward`` of this module)."""
    _check_forward(x, a0, parameters, {**rnn.RECURRENT_SHAPES, **rnn.OUTPUT_SHAPES})
    a, caches = _rnn_states(x, a0, parameters)
    return a, _softmax_output(a, parameters["Wya"], parameters["by"]), caches


def rnn_backward(da, caches):
    """``seqlib.rnn.rnn_backward``, fused: da (n_a, m, T_x) -> {dx, da0, dWax, dWaa, dba}."""
    _check_backward(da, caches, "rnn")
    return _rnn_backward_states(da, caches)


def _rnn_states(x, a0, p):
    Waa, Wax, ba = _same_dtype(x, a0, p["Waa"], p["Wax"], p["ba"])
    X = _steps_first(x)  # x<t> at X[t - 1], (T_x, n_x, m)
    A = _project(Wax, X, ba, a0)  # Wax x<t> + ba at A[t], a<0> at A[0], (T_x + 1, n_a, m)
    for t in range(1, len(A)):
        z = A[t]  # (n_a, m)
        z += Waa @ A[t - 1]  # the one product left in the loop
        np.tanh(z, out=z)  # a<t>, written over its pre-activation
    return _natural(A), {"cell": "rnn", "W": np.concatenate([Waa, Wax], axis=1), "X": X, "A": A}


def _rnn_backward_states(da, caches):
    W, A = caches["W"], caches["A"]
    n_a = A.shape[1]
    dA = _steps_first(da)  # da<t> at dA[t - 1], (T_x, n_a, m)
    dZ = np.empty_like(A, dtype=np.result_type(da, A))  # dz<t> at dZ[t], (T_x + 1, n_a, m)
    da_next = np.zeros_like(dZ[0])  # what a<t> receives from step t+1, (n_a, m)
    for t in reversed(range(1, len(A))):
        dz = np.square(A[t], out=dZ[t])
        np.subtract(1, dz, out=dz)  # backprop through tanh: tanh' = 1 - a<t>²
        dz *= dA[t - 1] + da_next  # a<t> feeds the output at t and step t+1
        da_next = W[:, :n_a].T @ dz  # (n_a, m)
    dW, db, dx = _sum_over_steps(dZ, caches["X"], W[:, n_a:], [(slice(None), A[:-1])])
    return {"dx": dx, "da0": da_next, "dWaa": dW[:, :n_a], "dWax": dW[:, n_a:], "dba": db}


# ---------------------------------------------------------------- the GRU
def gru_forward(x, a0, parameters, simplified=False):
    """``seqlib.gru.gru_forward``, fused: x (n_x, m, T_x), a0 (n_a, m) ->
    a (n_a, m, T_x), y_pred (n_y, m, T_x), caches (for ``gru_backward`` of this module)."""
    _check_forward(x, a0, parameters, {**gru.recurrent_shapes(simplified), **gru.OUTPUT_SHAPES})
    a, caches = _gru_states(x, a0, parameters, simplified)
    return a, _softmax_output(a, parameters["Wy"], parameters["by"]), caches


def gru_backward(da, caches):
    """``seqlib.gru.gru_backward``, fused: da (n_a, m, T_x) -> {dx, da0, dWu, dWr, dWc,
    dbu, dbr, dbc} (no dWr, dbr for the simplified GRU)."""
    _check_backward(da, caches, "gru")
    return _gru_backward_states(da, caches)


def _gru_states(x, a0, p, simplified=False):
    gates = SIMPLIFIED_GRU_GATES if simplified else GRU_GATES
    W, b = _same_dtype(x, a0, *_stack(p, gates))  # (k n_a, n_a + n_x), (k n_a, 1); k = 3 or 2
    n_a = a0.shape[0]
    s = W.shape[0] - n_a  # the sigmoid gates' rows: Γr and Γu, or Γu alone
    W_a = W[:, :n_a]
    X = _steps_first(x)  # x<t> at X[t - 1], (T_x, n_x, m)
    G = _project(W[:, n_a:], X, b)  # W_x x<t> + b at G[t], (T_x + 1, k n_a, m): the gates
    C = _states(a0, len(G), G.dtype)  # c<t> = a<t> at C[t], c<0> at C[0], (T_x + 1, n_a, m)
    R = None if simplified else np.empty_like(C)  # Γr * c<t-1> at R[t], what Wc reads
    for t in range(1, len(C)):
        g, c_prev = G[t], C[t - 1]  # (k n_a, m), (n_a, m)
        g[:s] += W_a[:s] @ c_prev
        _sigmoid(g[:s])  # Γr, Γu
        r = c_prev if simplified else np.multiply(g[:n_a], c_prev, out=R[t])
        g[s:] += W_a[s:] @ r
        cct = np.tanh(g[s:], out=g[s:])  # c̃<t>
        c = np.subtract(cct, c_prev, out=C[t])  # c<t> = c<t-1> + Γu * (c̃<t> - c<t-1>),
        c *= g[s - n_a : s]  # which is Γu * c̃<t> + (1 - Γu) * c<t-1>
        c += c_prev
    caches = {"cell": "gru", "gates": gates, "W": W, "X": X, "G": G, "C": C, "R": R}
    return _natural(C), caches


def _gru_backward_states(da, caches):
    W, G, C, R = caches["W"], caches["G"], caches["C"], caches["R"]
    n_a = C.shape[1]
    s = W.shape[0] - n_a  # the sigmoid gates' rows
    W_a = W[:, :n_a]
    dA = _steps_first(da)  # da<t> at dA[t - 1], (T_x, n_a, m)
    dZ = np.empty_like(G, dtype=np.result_type(da, G))  # dz<t> at dZ[t], (T_x + 1, k n_a, m)
    dc_next = np.zeros_like(dZ[0, :n_a])  # what c<t> receives from step t+1, (n_a, m)
    for t in reversed(range(1, len(C))):
        g, dz, c_prev = G[t], dZ[t], C[t - 1]
        gu, cct, dz_u, dz_c = g[s - n_a : s], g[s:], dz[s - n_a : s], dz[s:]
        dc = dA[t - 1] + dc_next  # c<t> feeds the output at t and step t+1
        # c<t> = Γu * c̃<t> + (1 - Γu) * c<t-1>: three paths back
        np.subtract(1, gu, out=dz_u)
        dz_u *= gu  # through σ: σ' = σ(1 - σ)
        dz_u *= dc * (cct - c_prev)
        np.multiply(cct, cct, out=dz_c)
        np.subtract(1, dz_c, out=dz_c)  # through tanh: tanh' = 1 - tanh²
        dz_c *= dc * gu
        dc_next = dc - dc * gu  # dc * (1 - Γu)
        if R is None:
            dc_next += W_a.T @ dz
        else:
            gr, dz_r = g[:n_a], dz[:n_a]
            d_rc = W_a[s:].T @ dz_c  # gradient of Γr * c<t-1>, (n_a, m)
            np.subtract(1, gr, out=dz_r)
            dz_r *= gr  # σ'
            dz_r *= d_rc * c_prev
            dc_next += d_rc * gr
            dc_next += W_a[:s].T @ dz[:s]
    # the sigmoid gates read c<t-1>, the candidate Γr * c<t-1> (c<t-1> in the simplified GRU)
    reads = [(slice(None), C[:-1])] if R is None else [(slice(0, s), C[:-1]),
                                                         (slice(s, None), R[1:])]
    dW, db, dx = _sum_over_steps(dZ, caches["X"], W[:, n_a:], reads)
    return {"dx": dx, "da0": dc_next, **_unstack(dW, db, caches["gates"])}


# ---------------------------------------------------------------- the LSTM
def lstm_forward(x, a0, parameters):
    """``seqlib.lstm.lstm_forward``, fused: x (n_x, m, T_x), a0 (n_a, m) ->
    a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x), caches (for ``lstm_backward`` here)."""
    _check_forward(x, a0, parameters, {**lstm.RECURRENT_SHAPES, **lstm.OUTPUT_SHAPES})
    caches = _lstm_states(x, a0, parameters)
    a, c = _natural(caches["A"]), _natural(caches["C"])
    return a, _softmax_output(a, parameters["Wy"], parameters["by"]), c, caches


def lstm_backward(da, caches):
    """``seqlib.lstm.lstm_backward``, fused: da (n_a, m, T_x) -> {dx, da0, dc0, dWf, dWu,
    dWc, dWo, dbf, dbu, dbc, dbo}."""
    _check_backward(da, caches, "lstm")
    return _lstm_backward_states(da, caches)


def _lstm_states(x, a0, p, c0=None):
    """The caches, with a<t> and c<t> at A[t] and C[t]; c0 None means zeros."""
    W, b = _same_dtype(x, a0, *_stack(p, LSTM_GATES))  # [Wo; Wf; Wu; Wc], (4 n_a, n_a + n_x)
    n_a = a0.shape[0]
    W_a = W[:, :n_a]
    X = _steps_first(x)  # x<t> at X[t - 1], (T_x, n_x, m)
    G = _project(W[:, n_a:], X, b)  # W_x x<t> + b at G[t], (T_x + 1, 4 n_a, m): the gates
    A = _states(a0, len(G), G.dtype)  # a<t> at A[t], a<0> at A[0], (T_x + 1, n_a, m)
    C = _states(np.zeros_like(a0) if c0 is None else c0, len(G), G.dtype)  # c<t>, likewise
    tanh_C = np.empty_like(C)  # tanh(c<t>) at tanh_C[t], kept for the backward pass
    for t in range(1, len(A)):
        g = G[t]  # (4 n_a, m)
        g += W_a @ A[t - 1]  # the one product left in the loop
        _sigmoid(g[: 3 * n_a])  # Γo, Γf, Γu
        np.tanh(g[3 * n_a :], out=g[3 * n_a :])  # c̃<t>
        go, gf, gu, cct = _gates(g, n_a)  # (n_a, m) each
        c = np.multiply(gf, C[t - 1], out=C[t])  # c<t> = Γf * c<t-1> + Γu * c̃<t>
        c += gu * cct
        np.multiply(go, np.tanh(c, out=tanh_C[t]), out=A[t])  # a<t> = Γo * tanh(c<t>)
    return {"cell": "lstm", "W": W, "X": X, "G": G, "A": A, "C": C, "tanh_C": tanh_C}


def _lstm_backward_states(da, caches):
    W, G, C, tanh_C = caches["W"], caches["G"], caches["C"], caches["tanh_C"]
    n_a = C.shape[1]
    W_a = W[:, :n_a]
    dA = _steps_first(da)  # da<t> at dA[t - 1], (T_x, n_a, m)
    dZ = np.empty_like(G, dtype=np.result_type(da, G))  # dz<t> at dZ[t], (T_x + 1, 4 n_a, m)
    da_next = np.zeros_like(dZ[0, :n_a])  # what a<t> and c<t> get from step t+1, (n_a, m)
    dc_next = np.zeros_like(da_next)
    for t in reversed(range(1, len(C))):
        g, dz, tanh_c = G[t], dZ[t], tanh_C[t]  # (4 n_a, m), (4 n_a, m), (n_a, m)
        go, gf, gu, cct = _gates(g, n_a)
        dz_o, dz_f, dz_u, dz_c = _gates(dz, n_a)
        da_t = dA[t - 1] + da_next  # a<t> feeds the output at t and step t+1
        # c<t> reaches the loss through a<t> = Γo * tanh(c<t>) and through c<t+1>
        dc = np.square(tanh_c)
        np.subtract(1, dc, out=dc)  # tanh' = 1 - tanh²
        dc *= go
        dc *= da_t
        dc += dc_next
        # the sigmoid gates: σ' = σ(1 - σ), times what the gate multiplies, times its gradient
        np.subtract(1, g[: 3 * n_a], out=dz[: 3 * n_a])
        dz[: 3 * n_a] *= g[: 3 * n_a]
        dz_o *= da_t * tanh_c  # a<t> = Γo * tanh(c<t>)
        dz_f *= dc * C[t - 1]  # c<t> = Γf * c<t-1> + Γu * c̃<t>
        dz_u *= dc * cct
        np.multiply(cct, cct, out=dz_c)
        np.subtract(1, dz_c, out=dz_c)  # c̃<t> = tanh(...): tanh' = 1 - tanh²
        dz_c *= dc * gu
        da_next = W_a.T @ dz  # (n_a, m)
        dc_next = dc * gf
    dW, db, dx = _sum_over_steps(dZ, caches["X"], W[:, n_a:], [(slice(None), caches["A"][:-1])])
    return {"dx": dx, "da0": da_next, "dc0": dc_next, **_unstack(dW, db, LSTM_GATES)}


# ---------------------------------------------------------------- the three as Cells
def get_cell(name):
    """The ``seqlib.cells.Cell`` called ``name`` ("rnn", "gru", "lstm"), running this module's
    forward_states and backward_states. Its step function (for sampling) is the teaching one."""
    return CELLS[cells.get_cell(name).name]


def _lstm_cell_states(x, a0, parameters):
    caches = _lstm_states(x, a0, parameters)
    return _natural(caches["A"]), caches


CELLS = {
    "rnn": dataclasses.replace(cells.CELLS["rnn"], forward_states=_rnn_states,
                               backward_states=_rnn_backward_states),
    "gru": dataclasses.replace(cells.CELLS["gru"], forward_states=_gru_states,
                               backward_states=_gru_backward_states),
    "lstm": dataclasses.replace(cells.CELLS["lstm"], forward_states=_lstm_cell_states,
                                backward_states=_lstm_backward_states),
}


# ---------------------------------------------------------------- shared pieces
def _sigmoid(z):
    """σ(z) in place: (1 + tanh(z / 2)) / 2, equal to 1 / (1 + e^-z) and finite everywhere."""
    z *= 0.5
    np.tanh(z, out=z)
    z += 1.0
    z *= 0.5


def _gates(g, n_a):
    """The (n_a, m) blocks of rows of a stacked (k n_a, m) array, as views."""
    return [g[i : i + n_a] for i in range(0, len(g), n_a)]


def _stack(p, gates):
    """The gate matrices one above the other: W (k n_a, n_a + n_x), b (k n_a, 1)."""
    return (np.concatenate([p["W" + g] for g in gates]),
            np.concatenate([p["b" + g] for g in gates]))


def _unstack(dW, db, gates):
    """{"dWf": rows of f, "dbf": ..., ...} from the stacked gradients, rows in ``gates`` order."""
    return {**{"dW" + g: d for g, d in zip(gates, np.split(dW, len(gates)), strict=True)},
            **{"db" + g: d for g, d in zip(gates, np.split(db, len(gates)), strict=True)}}


def _same_dtype(x, a0, *arrays):
    """The arrays in the dtype the teaching modules compute in: result_type(x, a0, W)."""
    dtype = np.result_type(x, a0, arrays[0])
    return [w.astype(dtype, copy=False) for w in arrays]


def _steps_wide(S):
    """Steps (T_x, rows, m) -> (rows, T_x m): every step's columns side by side (a copy)."""
    return S.transpose(1, 0, 2).reshape(S.shape[1], -1)


def _steps_first(s):
    """(rows, m, T_x) -> (T_x, rows, m), s<t> at index t - 1: a copy, so that each step's block
    is contiguous."""
    return np.ascontiguousarray(s.transpose(2, 0, 1))


def _natural(S):
    """States (T_x + 1, rows, m) -> s<1> ... s<T_x> in the notes' layout (rows, m, T_x), a copy."""
    return S[1:].transpose(1, 2, 0).copy()


def _states(s0, length, dtype):
    """A (length, n, m) array for the states, with s<0> = s0 (n, m) at index 0."""
    S = np.empty((length, *s0.shape), dtype=dtype)
    S[0] = s0
    return S


def _project(W_x, X, b, s0=None):
    """W_x x<t> + b for every step, one call: W_x (k, n_x), X (T_x, n_x, m), b (k, 1) ->
    (T_x + 1, k, m) with step t at index t, and s0 (k, m) at index 0 if given."""
    Z = np.empty((len(X) + 1, W_x.shape[0], X.shape[2]), dtype=np.result_type(W_x, X))
    np.matmul(W_x, X, out=Z[1:])
    Z[1:] += b
    if s0 is not None:
        Z[0] = s0
    return Z


def _sum_over_steps(dZ, X, W_x, reads):
    """The gradients that add up over the steps, each one product over all steps at once.

    dZ: dz<t> at dZ[t], (T_x + 1, k, m); X: x<t> at X[t - 1], (T_x, n_x, m); W_x: the
    columns of W acting on x, (k, n_x). reads: [(rows, H)], the rows of dZ whose W_a
    multiplied h<t>, with h<t> at H[t - 1], (T_x, n_h, m) (the GRU's candidate reads another
    h than its sigmoid gates). Returns dW = Σ_t dz<t> [h<t>; x<t>]ᵀ (k, n_h + n_x),
    db = Σ_t Σ_m dz<t> (k, 1) and dx<t> = W_xᵀ dz<t> in the notes' layout (n_x, m, T_x).
    """
    T_x, n_x, m = X.shape
    dZ_wide = _steps_wide(dZ[1:])  # every dz<t> side by side, (k, T_x m)
    dW = []
    for rows, H in reads:
        inputs = np.empty((H.shape[1] + n_x, T_x, m), dtype=np.result_type(H, X))
        inputs[: H.shape[1]] = H.transpose(1, 0, 2)  # [h<t>; x<t>] for every step,
        inputs[H.shape[1] :] = X.transpose(1, 0, 2)  # as the teaching version's concat
        # (inputs dZᵀ)ᵀ: BLAS is faster with the long T_x m axis inside the product
        dW.append((inputs.reshape(len(inputs), -1) @ dZ_wide[rows].T).T)
    db = np.sum(dZ_wide, axis=1, keepdims=True)
    dx = (W_x.T @ dZ_wide).reshape(n_x, T_x, m).transpose(0, 2, 1).copy()
    return np.concatenate(dW), db, dx


def _softmax_output(a, Wy, by):
    """y<t> = softmax(Wy a<t> + by) for every t: (n_a, m, T_x) -> (n_y, m, T_x)."""
    return softmax(np.tensordot(Wy, a, axes=1) + by[:, :, None])


# ---------------------------------------------------------------- checks
def _check_forward(x, a0, parameters, shapes):
    dims = v.Dims()
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    v.check_array("a0", a0, ("n_a", "m"), dims)
    v.check_parameters(parameters, shapes, dims)


def _check_backward(da, caches, cell):
    if not (isinstance(caches, dict) and caches.get("cell") == cell):
        got = (f"the caches of seqlib.fused.{caches['cell']}_forward"
               if isinstance(caches, dict) and "cell" in caches else type(caches).__name__)
        raise ValueError(f"caches: expected the caches returned by seqlib.fused.{cell}_forward, "
                         f"got {got}")
    states = caches["C"] if "C" in caches else caches["A"]  # (T_x + 1, n_a, m)
    v.check_array("da", da, (states.shape[1], states.shape[2], len(states) - 1), v.Dims())
