"""Checks for notebook 06, the Gated Recurrent Unit.

Graded functions and their references (``seqlib.gru``, the full GRU):

    gru_cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache)
        cache = (a_next, a_prev, xt, Γu, Γr, c̃, parameters), the layout seqlib's
        gru_cell_backward takes
    gru_forward(x, a0, parameters) -> (a, y_pred, caches), caches = (list of T_x caches, x)
    gru_cell_backward(da_next, cache) -> {dxt, da_prev, dWu, dbu, dWr, dbr, dWc, dbc}
    gru_backward(da, caches) -> {dx, da0, dWu, dbu, dWr, dbr, dWc, dbc}

Every case starts from a hidden state away from 0 (a_prev, a0) and has non-zero
biases: with c<t-1> = 0 the relevance gate multiplies zeros and a wrong Γr would go unseen,
and a zero bias would hide a forgotten one. The backward cases are caches made by seqlib's
forward, so the backward exercises do not depend on the learner's forward.

Each likely mistake is written below as a variant of the reference (``_cell_variant``,
``_cell_backward_variant``, ``_backward_variant``); a result equal to a variant's gets that
variant's hint.
"""

import numpy as np

from seqlib import gru
from seqlib.activations import sigmoid, softmax
from seqlib.checks._bptt_loop import (
    LOOP_HINTS,
    check_time_last,
    loop_variant,
    shared_hint,
)
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    expect_array,
    expect_dict,
    expect_tuple,
)
from seqlib.initialization import init_parameters

GATE_KEYS = ("Wu", "bu", "Wr", "br", "Wc", "bc")
CACHE_NAMES = ("a_next", "a_prev", "xt", "Γu", "Γr", "c̃", "parameters")
CACHE_LAYOUT = "(a_next, a_prev, xt, Γu, Γr, c̃, parameters)"
# the order in which the gradients are compared: the way the backward pass computes them
CELL_KEYS = ("dWc", "dbc", "dWu", "dbu", "dWr", "dbr", "dxt", "da_prev")
SEQUENCE_KEYS = ("dWc", "dbc", "dWu", "dbu", "dWr", "dbr", "dx", "da0")

# ---------------------------------------------------------------- cases


def _params(rng, n_x, n_a, n_y, scale=1.0):
    p = init_parameters("gru", n_x, n_a, n_y, rng=rng)
    # non-zero biases (a forgotten bias must show) and gates that take varied values
    return {k: scale * (v + 0.5 * rng.standard_normal(v.shape)) for k, v in p.items()}


def _sizes(rng, hidden):
    """(n_x, n_a, n_y, m, T_x) per case, the edge cases last when hidden.

    The first case has n_x = n_a, the only sizes where a candidate reading [Γr * c; Γr * x]
    runs at all (elsewhere numpy refuses Γr * x); the random ones keep n_x, n_a and m apart,
    so that a transposed or swapped result has a wrong shape.
    """
    n = int(rng.integers(3, 6))
    sizes = [("n_x = n_a", (n, n, int(rng.integers(2, 5)), n + 1, int(rng.integers(3, 6))))]
    n_x, n_a, m = (int(s) for s in rng.choice(np.arange(2, 8), size=3, replace=False))
    sizes.append(("random", (n_x, n_a, int(rng.integers(2, 5)), m, int(rng.integers(3, 7)))))
    if hidden:
        sizes += [("m = 1", (3, 5, 2, 1, 4)), ("T_x = 1", (4, 3, 5, 2, 1)),
                  ("n_a = 1", (3, 1, 2, 4, 3))]
    return sizes


def _state(rng, shape):
    """A hidden state away from 0, as c<t> is once the GRU has run: every entry between 0.2
    and 1 in absolute value, so that Γr, which multiplies it, always shows."""
    return rng.uniform(0.2, 1.0, shape) * rng.choice([-1.0, 1.0], shape)


def _step_cases(rng, hidden, make):
    """make(rng, xt, a_prev, parameters) -> Case args, for each size (and a saturated case)."""
    cases = []
    for name, (n_x, n_a, n_y, m, _) in _sizes(rng, hidden):
        args = make(rng, rng.standard_normal((n_x, m)), _state(rng, (n_a, m)),
                    _params(rng, n_x, n_a, n_y))
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m}", args))
    if hidden:  # parameters 10 times larger: the gates sit near 0 and 1, c̃ near ±1
        args = make(rng, 3 * rng.standard_normal((3, 4)), _state(rng, (5, 4)),
                    _params(rng, 3, 5, 2, scale=10.0))
        cases.append(Case("saturated gates, n_x=3 n_a=5 n_y=2 m=4", args))
    return cases


def _sequence_cases(rng, hidden, make):
    """make(rng, x, a0, parameters) -> Case args, for each size (and a saturated case)."""
    cases = []
    for name, (n_x, n_a, n_y, m, T_x) in _sizes(rng, hidden):
        args = make(rng, rng.standard_normal((n_x, m, T_x)), _state(rng, (n_a, m)),
                    _params(rng, n_x, n_a, n_y))
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m} T_x={T_x}", args))
    if hidden:
        args = make(rng, 3 * rng.standard_normal((3, 4, 3)), _state(rng, (5, 4)),
                    _params(rng, 3, 5, 2, scale=10.0))
        cases.append(Case("saturated gates, n_x=3 n_a=5 n_y=2 m=4 T_x=3", args))
    return cases


def _forward_args(rng, xt, a_prev, p):
    return xt, a_prev, p


def _cell_backward_args(rng, xt, a_prev, p):
    _, _, cache = gru.gru_cell_forward(xt, a_prev, p)
    return rng.standard_normal(a_prev.shape), cache


def _backward_args(rng, x, a0, p):
    _, _, caches = gru.gru_forward(x, a0, p)
    return rng.standard_normal((*a0.shape, x.shape[2])), caches


# ---------------------------------------------------------------- gru_cell_forward
def _cell_variant(xt, c_prev, p, variant):
    """c<t> computed with one likely mistake; None where the mistake cannot run."""
    n_a = c_prev.shape[0]
    b = {k: (0 * p[k] if variant in (f"no_{k}", "no_biases") else p[k])
         for k in ("bu", "br", "bc")}
    gate_act = {k: np.tanh if variant in (f"tanh_{k}", "tanh_gates", "acts_swapped") else sigmoid
                for k in ("gu", "gr")}
    cand_act = sigmoid if variant in ("sigmoid_candidate", "acts_swapped") else np.tanh

    def stack(c_part, x_part, candidate=False):
        x_first = variant == "x_first" or (candidate and variant == "x_first_candidate")
        return np.concatenate([x_part, c_part] if x_first else [c_part, x_part])

    concat = stack(c_prev, xt)
    u, r = ("r", "u") if variant == "gates_swapped" else ("u", "r")
    gu = gate_act["gu"](p["W" + u] @ concat + b["b" + u])
    gr = gate_act["gr"](p["W" + r] @ concat + b["b" + r])
    Wc_c, Wc_x = p["Wc"][:, :n_a], p["Wc"][:, n_a:]
    if variant == "reset_on_x":
        if gr.shape[0] != xt.shape[0] and gr.shape[0] != 1:
            return None
        z_c = p["Wc"] @ np.concatenate([gr * c_prev, gr * xt]) + b["bc"]
    elif variant == "reset_after_hidden":
        z_c = Wc_x @ xt + gr * (Wc_c @ c_prev) + b["bc"]
    elif variant == "reset_after_hidden_bias":
        z_c = Wc_x @ xt + gr * (Wc_c @ c_prev + b["bc"])
    elif variant == "reset_after_all":
        z_c = gr * (p["Wc"] @ concat) + b["bc"]
    elif variant == "reset_after_all_bias":
        z_c = gr * (p["Wc"] @ concat + b["bc"])
    elif variant == "no_reset":
        z_c = p["Wc"] @ concat + b["bc"]
    else:
        z_c = p["Wc"] @ stack(gr * c_prev, xt, candidate=True) + b["bc"]
    cct = cand_act(z_c)
    if variant == "z_convention":
        return gu * c_prev + (1 - gu) * cct
    if variant == "no_keep":
        return gu * cct
    if variant == "candidate_only":
        return cct
    return gu * cct + (1 - gu) * c_prev


AFTER_PRODUCT = ("Γr multiplies c<t-1> BEFORE the matrix product: c̃ = tanh(Wc @ [Γr * c_prev; "
                 "xt] + bc). Multiplying the product by Γr, Γr * (Wc[:, :n_a] @ c_prev), is "
                 "PyTorch's nn.GRU variant (and Keras's reset_after=True), not the notes' GRU")
CELL_FORWARD_HINTS = {
    "reset_on_x": "Γr multiplies c<t-1> only, not the whole [c<t-1>; x<t>]: the candidate "
                  "reads [Γr * c_prev; xt]",
    "reset_after_hidden": AFTER_PRODUCT,
    "reset_after_hidden_bias": AFTER_PRODUCT,
    "reset_after_all": AFTER_PRODUCT + "; and Γr multiplies c<t-1> only, never x<t>",
    "reset_after_all_bias": AFTER_PRODUCT + "; and Γr multiplies c<t-1> only, never x<t>",
    "no_reset": "the candidate ignores Γr: that is the simplified GRU. The full GRU's "
                "candidate is tanh(Wc @ [Γr * c_prev; xt] + bc)",
    "z_convention": "the two terms are swapped: c<t> = Γu * c̃<t> + (1 - Γu) * c<t-1>, so "
                    "that Γu ≈ 1 writes the candidate and Γu ≈ 0 keeps the memory. "
                    "Γu * c_prev + (1 - Γu) * c̃ is PyTorch's convention, whose update gate z "
                    "is 1 - Γu",
    "no_keep": "c<t> = Γu * c̃<t> + (1 - Γu) * c<t-1>: did you forget the (1 - Γu) * c_prev "
               "term, the memory that is kept?",
    "candidate_only": "a_next is c<t>, the mix Γu * c̃ + (1 - Γu) * c_prev, not the candidate "
                      "c̃ itself",
    "gates_swapped": "Γu and Γr are swapped: Γu = σ(Wu [c_prev; xt] + bu) mixes c̃ and "
                     "c_prev, Γr = σ(Wr [c_prev; xt] + br) multiplies c_prev in the candidate",
    "tanh_gates": "the gates Γu and Γr use the sigmoid (values between 0 and 1), not tanh",
    "tanh_gu": "the update gate Γu uses the sigmoid, not tanh",
    "tanh_gr": "the relevance gate Γr uses the sigmoid, not tanh",
    "sigmoid_candidate": "the candidate c̃ uses tanh; only the gates use the sigmoid",
    "acts_swapped": "sigmoid and tanh are swapped: the gates Γu, Γr use the sigmoid, the "
                    "candidate c̃ uses tanh",
    "no_bu": "did you forget the bias bu?",
    "no_br": "did you forget the bias br?",
    "no_bc": "did you forget the bias bc?",
    "no_biases": "did you forget the biases bu, br and bc?",
    "x_first": "stack the hidden state first: [c_prev; xt], matching the gate matrices' "
               "columns (the first n_a multiply c<t-1>)",
    "x_first_candidate": "stack the hidden state first in the candidate too: [Γr * c_prev; xt]",
}


def _compare_cell(case, expected, got):
    xt, a_prev, p = case.args
    a_next, yt_pred, cache = expect_tuple(got, 3, "a_next, yt_pred, cache")
    mistakes = [(_cell_variant(xt, a_prev, p, v), hint) for v, hint in CELL_FORWARD_HINTS.items()]
    expect_array("a_next", a_next, expected[0], mistakes=[m for m in mistakes
                                                          if m[0] is not None])
    c_tilde = expected[2][5]
    zy = p["Wy"] @ expected[0] + p["by"]
    expect_array("yt_pred", yt_pred, expected[1], mistakes=[
        (zy, "apply the softmax to Wy a_next + by"),
        (softmax(zy, axis=1), "the softmax runs over the units (axis 0), one column per example"),
        (softmax(p["Wy"] @ a_prev + p["by"]), "the prediction uses a_next, not a_prev"),
        (softmax(p["Wy"] @ c_tilde + p["by"]), "the prediction uses a_next = c<t>, not the "
                                               "candidate c̃"),
        (softmax(p["Wy"] @ expected[0]), "did you forget the bias by?"),
    ])
    _compare_cache(cache, expected[2])


def _compare_cache(cache, expected):
    """The learner's cache must hold the reference's entries, as a tuple, in seqlib's order."""
    if not isinstance(cache, tuple) or len(cache) != len(CACHE_NAMES):
        got = f"a {len(cache)}-{type(cache).__name__}" if isinstance(cache, (tuple, list)) \
            else f"a {type(cache).__name__}"
        raise CheckFailed(f"the cache should be the tuple {CACHE_LAYOUT}, got {got}")
    for i, name in enumerate(CACHE_NAMES[:-1]):
        entry = cache[i]
        if isinstance(entry, np.ndarray) and entry.shape == expected[i].shape \
                and np.allclose(entry, expected[i]):
            continue
        holds = [CACHE_NAMES[j] for j in range(len(CACHE_NAMES) - 1)
                 if isinstance(entry, np.ndarray) and entry.shape == expected[j].shape
                 and np.allclose(entry, expected[j])]
        where = f" (it holds {holds[0]})" if holds else ""
        raise CheckFailed(f"cache[{i}] should be {name}{where}: the cache is {CACHE_LAYOUT}, "
                          "the layout seqlib's gru_cell_backward takes")
    if not isinstance(cache[6], dict) or any(k not in cache[6] for k in GATE_KEYS):
        raise CheckFailed(f"cache[6] should be the parameters dict: the cache is {CACHE_LAYOUT}")


# ---------------------------------------------------------------- gru_forward
def _compare_sequence(case, expected, got):
    x, a0, p = case.args
    a, y_pred, caches = expect_tuple(got, 3, "a, y_pred, caches")
    T_x = x.shape[2]
    never_updated = np.stack([gru.gru_cell_forward(x[:, :, t], a0, p)[0] for t in range(T_x)],
                             axis=2)
    shifted = np.concatenate([a0[:, :, None], expected[0][:, :, :-1]], axis=2)
    from_zeros = gru.gru_forward(x, np.zeros_like(a0), p)[0]
    first_step = gru.gru_cell_forward(x[:, :, 0], a0, p)[0]
    mistakes = [
        (never_updated, "every step should start from the previous step's a_next, not a0"),
        (shifted, "a[:, :, t] should hold the state after step t (you stored a_prev)"),
        (from_zeros, "the first step starts from a0, the given initial state, not from zeros"),
    ]
    if isinstance(a, np.ndarray) and a.shape == expected[0].shape \
            and not np.allclose(a[:, :, 0], first_step, atol=1e-7, rtol=1e-6):
        mistakes.append((a, "the very first step is already wrong: does your gru_cell_forward "
                            "pass its test?"))
    expect_array("a", a, expected[0], mistakes=mistakes)
    expect_array("y_pred", y_pred, expected[1])
    if not (isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[0], list)
            and len(caches[0]) == T_x and isinstance(caches[1], np.ndarray)):
        raise CheckFailed("caches should be the tuple (list of the T_x step caches, x)")
    if not np.array_equal(caches[1], x):
        raise CheckFailed("caches should be (list of the T_x step caches, x): the second "
                          "entry is the input x")
    for t, cache in enumerate(caches[0]):
        try:
            _compare_cache(cache, expected[2][0][t])
        except CheckFailed as failure:
            raise CheckFailed(f"the cache of step t = {t}: {failure}") from None


# ---------------------------------------------------------------- gru_cell_backward
def _cell_backward_variant(dc, cache, variant=None):
    """The reference formulas of gru_cell_backward, or one likely mistake in them."""
    _, c_prev, xt, gu, gr, cct, p = cache
    n_a, m = c_prev.shape
    # c<t> = Γu * c̃ + (1 - Γu) * c<t-1>: three paths back
    if variant == "gates_swapped":
        dcct, dgu, dc_prev = dc * (1 - gu), dc * (c_prev - cct), dc * gu
    else:
        dcct = dc * gu
        dgu = dc * (c_prev - cct if variant == "dgu_sign" else cct - c_prev)
        dc_prev = {"no_direct": 0 * dc, "direct_gu": dc * gu}.get(variant, dc * (1 - gu))
    dzc = {"no_tanh_derivative": dcct, "sigmoid_derivative_c": dcct * cct * (1 - cct),
           "tanh_derivative_unsquared": dcct * (1 - cct)}.get(variant, dcct * (1 - cct**2))

    def through_sigmoid(d_gate, gate, which):
        if variant in ("no_sigmoid_derivative", f"no_sigmoid_derivative_{which}"):
            return d_gate
        if variant == "tanh_derivative_gates":
            return d_gate * (1 - gate**2)
        return d_gate * gate * (1 - gate)

    dzu = through_sigmoid(dgu, gu, "u")
    concat = np.concatenate([c_prev, xt])  # (n_a + n_x, m)
    concat_r = np.concatenate([gr * c_prev, xt])
    grads = {"dWc": dzc @ (concat if variant == "dWc_plain_concat" else concat_r).T,
             "dbc": np.sum(dzc, axis=1, keepdims=True),
             "dWu": dzu @ concat.T, "dbu": np.sum(dzu, axis=1, keepdims=True)}
    dcand = p["Wc"].T @ dzc  # the gradient of [Γr * c<t-1>; x<t>]
    dgr = dcand[:n_a] * (gr if variant == "dgr_times_gr" else c_prev)
    if variant == "no_reset_path":
        dgr = 0 * dgr
    if variant == "cand_cprev_no_gr":
        dc_prev = dc_prev + dcand[:n_a]
    elif variant != "no_cand_cprev":
        dc_prev = dc_prev + dcand[:n_a] * gr
    dzr = through_sigmoid(dgr, gr, "r")
    grads["dWr"], grads["dbr"] = dzr @ concat.T, np.sum(dzr, axis=1, keepdims=True)
    through_u = p["Wu"].T @ dzu
    through_r = 0 * concat if variant == "no_gr_in_dconcat" else p["Wr"].T @ dzr
    if variant == "no_gate_paths_da_prev":
        da_prev = dc_prev
    else:
        da_prev = dc_prev + through_u[:n_a] + through_r[:n_a]
    dxt = {"dxt_candidate_only": dcand[n_a:],
           "dxt_no_candidate": through_u[n_a:] + through_r[n_a:]}.get(
        variant, through_u[n_a:] + through_r[n_a:] + dcand[n_a:])
    if variant == "split_swapped":
        dxt, da_prev = da_prev, dxt
    grads.update(dxt=dxt, da_prev=da_prev)
    if variant == "divided_by_m":
        grads.update({k: v / m for k, v in grads.items() if k.startswith(("dW", "db"))})
    return grads


SIGMOID = ("backprop through the gates' sigmoids too: dz_u = dΓu * Γu * (1 - Γu) and "
           "dz_r = dΓr * Γr * (1 - Γr)")
REUSE = ("c<t-1> reaches c<t> along four paths: directly, through Γu, through Γr and "
         "through the candidate, and da_prev is their sum. ")
CELL_BACKWARD_HINTS = {
    "no_direct": REUSE + "Did you forget the direct one, dc * (1 - Γu), from "
                         "(1 - Γu) * c<t-1>?",
    "direct_gu": "the direct path is (1 - Γu) * c<t-1>: its gradient is dc * (1 - Γu), not "
                 "dc * Γu",
    "dgu_sign": "∂c<t>/∂Γu = c̃<t> - c<t-1>: dΓu = dc * (c̃ - c_prev), not (c_prev - c̃)",
    "gates_swapped": "c<t> = Γu * c̃ + (1 - Γu) * c<t-1>: dc̃ = dc * Γu, the direct part of "
                     "da_prev is dc * (1 - Γu) and dΓu = dc * (c̃ - c_prev) (PyTorch's "
                     "z = 1 - Γu swaps them)",
    "no_tanh_derivative": "backprop through the candidate's tanh: dz_c = dc̃ * (1 - c̃**2)",
    "sigmoid_derivative_c": "c̃ = tanh(...): its derivative is 1 - c̃**2 (Γ * (1 - Γ) is the "
                            "sigmoid's)",
    "tanh_derivative_unsquared": "the tanh derivative is 1 - c̃**2, not 1 - c̃",
    "no_sigmoid_derivative": SIGMOID,
    "no_sigmoid_derivative_u": SIGMOID,
    "no_sigmoid_derivative_r": SIGMOID,
    "tanh_derivative_gates": "the gates are sigmoids: σ'(z) = Γ * (1 - Γ), not 1 - Γ**2",
    "dWc_plain_concat": "Wc multiplies [Γr * c_prev; xt], so dWc = dz_c @ [Γr * c_prev; xt].T",
    "no_gr_in_dconcat": "Γr = σ(Wr [c_prev; xt] + br) depends on c_prev and xt too: add "
                        "Wr.T @ dz_r to the gradient of [c_prev; xt]",
    "no_reset_path": "the gradient also flows through Γr: dΓr = (Wc.T @ dz_c)[:n_a] * c_prev, "
                     "then dz_r, dWr, dbr and Wr.T @ dz_r into [c_prev; xt]",
    "dgr_times_gr": "Γr multiplies c_prev in the candidate, so dΓr = (Wc.T @ dz_c)[:n_a] * "
                    "c_prev (and the candidate's gradient to c_prev is scaled by Γr)",
    "no_cand_cprev": REUSE + "Did you forget the one through the candidate, "
                             "(Wc.T @ dz_c)[:n_a] * Γr?",
    "cand_cprev_no_gr": "the candidate reads Γr * c<t-1>, so its gradient to c_prev is "
                        "(Wc.T @ dz_c)[:n_a] * Γr, scaled by Γr",
    "no_gate_paths_da_prev": REUSE + "Did you forget the paths through the gates, the first "
                                     "n_a rows of Wu.T @ dz_u + Wr.T @ dz_r?",
    "dxt_candidate_only": "xt enters Γu, Γr and the candidate: dxt is the sum of the last n_x "
                          "rows of Wu.T @ dz_u, Wr.T @ dz_r and Wc.T @ dz_c",
    "dxt_no_candidate": "xt enters Γu, Γr and the candidate: dxt is the sum of the last n_x "
                        "rows of Wu.T @ dz_u, Wr.T @ dz_r and Wc.T @ dz_c",
    "divided_by_m": "do not divide by m: the 1/m of the batch mean is already in da_next "
                    "(seqlib.losses)",
    "split_swapped": "dxt and da_prev are swapped: the gradient of [c_prev; xt] holds "
                     "c_prev's n_a rows first, then xt's n_x rows",
}


def _check_bias_shapes(got, keys, n_a, m):
    """Hints for a bias gradient that is not summed into a column (n_a, 1)."""
    for key in keys:
        shape = np.shape(got[key]) if isinstance(got[key], (np.ndarray, np.generic, float)) \
            else None
        if shape is None or shape == (n_a, 1):
            continue
        if shape == (n_a, m) and m != 1:
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: the bias is "
                              "shared by the m examples, so sum over axis 1: "
                              "np.sum(dz, axis=1, keepdims=True)")
        if shape == (n_a,):
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: keep it a column "
                              "with keepdims=True")
        if shape in ((1, m), (m,)) and n_a != 1:
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: sum over the "
                              "examples (axis 1), not over the units (axis 0)")
        if shape == ():
            raise CheckFailed(f"{key} is a single number, expected shape {(n_a, 1)}: sum over "
                              "the examples only: np.sum(dz, axis=1, keepdims=True)")


def _check_swapped_split(dx, da, dx_name, da_name, n_x, n_a):
    """dx and da with each other's first dimension: the split of [c; x] is the wrong way."""
    if n_x != n_a and isinstance(dx, np.ndarray) and isinstance(da, np.ndarray) \
            and dx.shape[:1] == (n_a,) and da.shape[:1] == (n_x,):
        raise CheckFailed(f"{dx_name} and {da_name} have each other's shapes: the gradient of "
                          "[c_prev; xt] holds c_prev's n_a rows first, then xt's n_x rows")


def _compare_cell_backward(case, expected, got):
    da_next, cache = case.args
    n_a, m = da_next.shape
    got = expect_dict(got, CELL_KEYS)
    _check_bias_shapes(got, ("dbc", "dbu", "dbr"), n_a, m)
    _check_swapped_split(got["dxt"], got["da_prev"], "dxt", "da_prev", cache[2].shape[0], n_a)
    variants = {v: _cell_backward_variant(da_next, cache, v) for v in CELL_BACKWARD_HINTS}
    for key in CELL_KEYS:
        expect_array(key, got[key], expected[key],
                     mistakes=[(variants[v][key], hint) for v, hint in CELL_BACKWARD_HINTS.items()])


# ---------------------------------------------------------------- gru_backward
def _backward_variant(da, caches, variant):
    """gru_backward with one likely mistake (see _bptt_loop.loop_variant), "no_reset_sums"
    (dWr, dbr never accumulated) included."""
    return loop_variant(da, caches, variant, gru.gru_cell_backward, caches[0][0][6],
                        GATE_KEYS, frozen=("dWr", "dbr"))


SHARED = shared_hint("Wu, Wr, Wc and their biases")
SEQUENCE_HINTS = {
    "no_reset_sums": "add up the gradients of every parameter: dWr and dbr too",
    **LOOP_HINTS,
    "first_only": SHARED,
    "last_only": SHARED,
}


def _compare_backward(case, expected, got):
    da, caches = case.args
    n_a, m, T_x = da.shape
    n_x = caches[1].shape[0]
    got = expect_dict(got, SEQUENCE_KEYS)
    dx = got["dx"]
    check_time_last(dx, n_x, m, T_x)
    _check_bias_shapes(got, ("dbc", "dbu", "dbr"), n_a, m)
    _check_swapped_split(dx, got["da0"], "dx", "da0", n_x, n_a)
    variants = {v: _backward_variant(da, caches, v) for v in SEQUENCE_HINTS}
    for key in SEQUENCE_KEYS:
        expect_array(key, got[key], expected[key],
                     mistakes=[(variants[v][key], hint) for v, hint in SEQUENCE_HINTS.items()])


# ``forbidden``: seqlib's internals behind each reference, which the trusted grader refuses to
# run inside a learner's answer, as it refuses the references themselves
EXERCISES = {
    "gru_cell_forward": Exercise(
        "gru_cell_forward", lambda rng, hidden: _step_cases(rng, hidden, _forward_args),
        gru.gru_cell_forward, _compare_cell, forbidden=(gru._step,)),
    "gru_forward": Exercise(
        "gru_forward", lambda rng, hidden: _sequence_cases(rng, hidden, _forward_args),
        gru.gru_forward, _compare_sequence, forbidden=(gru.forward_states,)),
    "gru_cell_backward": Exercise(
        "gru_cell_backward", lambda rng, hidden: _step_cases(rng, hidden, _cell_backward_args),
        gru.gru_cell_backward, _compare_cell_backward, forbidden=(gru._step_backward,)),
    "gru_backward": Exercise(
        "gru_backward", lambda rng, hidden: _sequence_cases(rng, hidden, _backward_args),
        gru.gru_backward, _compare_backward, forbidden=(gru.backward_states,)),
}
