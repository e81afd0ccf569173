"""Checks for notebook 07, Long Short-Term Memory.

Graded functions and their references (``seqlib.lstm``):
    lstm_cell_forward(xt, a_prev, c_prev, parameters) -> (a_next, c_next, yt_pred, cache)
    lstm_forward(x, a0, parameters) -> (a, y, c, caches)                     (c<0> = 0)
    lstm_cell_backward(da_next, dc_next, cache) -> {dxt, da_prev, dc_prev, dWf, dbf, dWu, dbu,
        dWc, dbc, dWo, dbo}
    lstm_backward(da, caches) -> {dx, da0, dc0, dWf, dbf, dWu, dbu, dWc, dbc, dWo, dbo}

Each hint comes from a wrong variant of the reference, computed on the same case: when the
learner's array matches a variant, that variant's hint is shown. The backward checks take
their caches from seqlib's forward, so they do not depend on the learner's forward, and every
sequence case gives ``da`` the same T_x as ``x``.
"""

import numpy as np

from seqlib import lstm
from seqlib.activations import sigmoid, softmax
from seqlib.checks._bptt_loop import check_time_last
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    expect_array,
    expect_dict,
    expect_tuple,
)
from seqlib.initialization import init_parameters

GATES = ("f", "u", "c", "o")  # Γf, Γu, c̃, Γo: keys Wf bf, Wu bu, Wc bc, Wo bo
PARAMETER_GRADIENTS = tuple(f"d{w}{g}" for g in GATES for w in ("W", "b"))  # dWf, dbf, ...
CELL_KEYS = ("dxt", "da_prev", "dc_prev", *PARAMETER_GRADIENTS)
SEQUENCE_KEYS = ("dx", "da0", "dc0", *PARAMETER_GRADIENTS)
CACHE_NAMES = ("a_next", "c_next", "a_prev", "c_prev", "Γf", "Γu", "c̃", "Γo", "xt")
CACHE_LAYOUT = "(a_next, c_next, a_prev, c_prev, Γf, Γu, c̃, Γo, xt, parameters)"


class _Variants:
    """The wrong variants of one case, computed the first time a result turns out wrong (a
    right answer never pays for them)."""

    def __init__(self, hints, make):
        self.hints, self.make, self.values = hints, make, None

    def mistakes(self, pick):
        """[(pick(variant's result), hint), ...] in the order of the hints."""
        if self.values is None:
            self.values = {name: self.make(name) for name in self.hints}
        return [(pick(self.values[name]), hint) for name, hint in self.hints.items()]


def _expect(name, got, expected, variants, pick):
    """expect_array with the variants' hints, computed only when ``got`` is not right."""
    if (type(got) is np.ndarray and got.shape == expected.shape
            and np.issubdtype(got.dtype, np.floating)
            and np.allclose(got, expected, atol=1e-7, rtol=1e-6)):
        return
    expect_array(name, got, expected, mistakes=variants.mistakes(pick))


# ---------------------------------------------------------------- cases
def _params(rng, n_x, n_a, n_y, scale=1.0, forget_bias=0.0):
    p = init_parameters("lstm", n_x, n_a, n_y, rng=rng)
    # non-zero biases: a forgotten bias must show; scale 30 saturates every gate
    p = {k: scale * (v + 0.5 * rng.standard_normal(v.shape)) for k, v in p.items()}
    p["bf"] += forget_bias
    return p


def _sizes(rng, hidden):
    """(n_x, n_a, n_y, m, T_x) per case: two random ones, then the edge cases when hidden.

    The random sizes keep n_x, n_a and m apart, so that a transposed or misplaced result has
    a wrong shape.
    """
    sizes = []
    for i in range(2):
        n_x, n_a, m = (int(s) for s in rng.choice(np.arange(2, 8), size=3, replace=False))
        sizes.append((f"random {i + 1}", (n_x, n_a, int(rng.integers(2, 5)), m,
                                          int(rng.integers(3, 7)))))
    if hidden:
        sizes += [("m = 1", (3, 5, 2, 1, 4)), ("T_x = 1", (4, 3, 5, 2, 1)),
                  ("n_x = n_a = m", (4, 4, 3, 4, 3))]
    return sizes


def _special(rng):
    """The hidden cases with unusual gates: (name, parameters, (n_x, n_a, m, T_x))."""
    return [("saturated gates", _params(rng, 3, 5, 2, scale=30.0), (3, 5, 4, 3)),
            ("forget gate open (Γf ≈ 1), T_x = 30", _params(rng, 2, 3, 2, forget_bias=8.0),
             (2, 3, 2, 30))]


def _step_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, _) in _sizes(rng, hidden):
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m}",
                          (rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)),
                           2 * rng.standard_normal((n_a, m)), _params(rng, n_x, n_a, n_y))))
    if hidden:
        name, p, (n_x, n_a, m, _) = _special(rng)[0]
        cases.append(Case(name, (rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m)),
                                 2 * rng.standard_normal((n_a, m)), p)))
    return cases


def _sequence_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, T_x) in _sizes(rng, hidden):
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} n_y={n_y} m={m} T_x={T_x}",
                          (rng.standard_normal((n_x, m, T_x)), rng.standard_normal((n_a, m)),
                           _params(rng, n_x, n_a, n_y))))
    if hidden:
        for name, p, (n_x, n_a, m, T_x) in _special(rng):
            cases.append(Case(name, (rng.standard_normal((n_x, m, T_x)),
                                     rng.standard_normal((n_a, m)), p)))
    return cases


def _cell_backward_cases(rng, hidden):
    cases = []
    for case in _step_cases(rng, hidden):
        xt, a_prev, c_prev, p = case.args
        _, _, _, cache = lstm.lstm_cell_forward(xt, a_prev, c_prev, p)
        n_a, m = a_prev.shape
        cases.append(Case(case.name, (rng.standard_normal((n_a, m)),
                                      rng.standard_normal((n_a, m)), cache)))
    return cases


def _backward_cases(rng, hidden):
    cases = []
    for case in _sequence_cases(rng, hidden):
        x, a0, p = case.args
        _, _, _, caches = lstm.lstm_forward(x, a0, p)
        n_a, m = a0.shape
        # da has the T_x of x: one gradient per step that the forward ran
        cases.append(Case(case.name, (rng.standard_normal((n_a, m, x.shape[2])), caches)))
    return cases


# ---------------------------------------------------------------- lstm_cell_forward
def _step_variant(xt, a_prev, c_prev, p, variant=None):
    """(a_next, c_next) of one step: correct when variant is None, else one likely mistake."""
    concat = np.concatenate([xt, a_prev] if variant == "x_first" else [a_prev, xt])

    def pre(g):  # the pre-activation of gate g
        bias = 0 if variant in ("no_biases", f"no_b{g}") else p["b" + g]
        return p["W" + g] @ concat + bias

    gate = np.tanh if variant == "tanh_gates" else sigmoid
    gf, gu, go = gate(pre("f")), gate(pre("u")), gate(pre("o"))
    cct = (sigmoid if variant == "sigmoid_candidate" else np.tanh)(pre("c"))
    kept = a_prev if variant == "a_prev_for_c_prev" else c_prev
    if variant == "swapped_gates":
        c_next = gf * cct + gu * kept
    elif variant == "gru_update":
        c_next = gu * cct + (1 - gu) * kept
    else:
        c_next = gu * cct + gf * kept
    if variant == "no_tanh_a":
        a_next = go * c_next
    elif variant == "tanh_outside":
        a_next = np.tanh(go * c_next)
    elif variant == "a_from_c_prev":
        a_next = go * np.tanh(c_prev)
    else:
        a_next = go * np.tanh(c_next)
    return a_next, c_next


STEP_HINTS = {
    "no_tanh_a": "a<t> = Γo * tanh(c<t>), not Γo * c<t>. Some slides drop the tanh, but c<t> "
                 "is a running sum that can grow past ±1 over many steps; the tanh keeps a<t> "
                 "in (-1, 1), where the next step's gates and the output layer expect it",
    "tanh_outside": "a<t> = Γo * tanh(c<t>): take the tanh of c<t>, then multiply by Γo",
    "a_from_c_prev": "a<t> = Γo * tanh(c<t>) uses the new memory cell c_next, not c_prev",
    "swapped_gates": "the update gate Γu scales the candidate and the forget gate Γf scales "
                     "c<t-1>: c<t> = Γu * c̃<t> + Γf * c<t-1> (you swapped them)",
    "gru_update": "c<t> = Γu * c̃<t> + Γf * c<t-1>: (1 - Γu) * c<t-1> is the GRU's update; the "
                  "LSTM has its own forget gate Γf",
    "a_prev_for_c_prev": "c<t> = Γu * c̃<t> + Γf * c<t-1> keeps the memory cell c_prev, not "
                         "the hidden state a_prev",
    "x_first": "stack the hidden state first, [a_prev; xt]: the first n_a columns of every "
               "gate matrix multiply a_prev",
    "sigmoid_candidate": "the candidate c̃<t> uses tanh, not the sigmoid: the gates use σ "
                         "(values in (0, 1)), the candidate tanh (values in (-1, 1))",
    "tanh_gates": "the gates Γf, Γu and Γo use the sigmoid σ, so that they lie between 0 and 1",
    "no_biases": "did you forget the biases bf, bu, bc and bo?",
    **{f"no_b{g}": f"did you forget the bias b{g}?" for g in GATES},
}


def _check_not_swapped(first, second, expected_first, expected_second, names, order):
    """Raise a hint when two returned arrays are each other's expected values."""
    def close(got, want):
        return (isinstance(got, np.ndarray) and got.shape == want.shape
                and np.allclose(got, want, atol=1e-7, rtol=1e-6))
    if not close(first, expected_first) and close(first, expected_second) \
            and close(second, expected_first):
        raise CheckFailed(f"{names[0]} and {names[1]} are swapped: return {order}")


def _compare_cache(cache, expected_cache):
    cache = expect_tuple(cache, 10, f"the cache {CACHE_LAYOUT}")
    for i, name in enumerate(CACHE_NAMES):
        want = expected_cache[i]
        got = cache[i]
        if not (isinstance(got, np.ndarray) and got.shape == want.shape
                and np.allclose(got, want, atol=1e-7, rtol=1e-6)):
            raise CheckFailed(f"cache[{i}] should be {name}: the cache is {CACHE_LAYOUT}")
    if not (isinstance(cache[9], dict) and "Wf" in cache[9]):
        raise CheckFailed(f"cache[9] should be the parameters dict: the cache is {CACHE_LAYOUT}")


def _compare_cell(case, expected, got):
    xt, a_prev, c_prev, p = case.args
    a_next, c_next, yt_pred, cache = expect_tuple(got, 4, "a_next, c_next, yt_pred, cache")
    _check_not_swapped(a_next, c_next, expected[0], expected[1], ("a_next", "c_next"),
                       "(a_next, c_next, yt_pred, cache)")
    variants = _Variants(STEP_HINTS, lambda name: _step_variant(xt, a_prev, c_prev, p, name))
    # c first: a<t> is computed from it, so a wrong c makes a wrong too
    _expect("c_next", c_next, expected[1], variants, lambda result: result[1])
    _expect("a_next", a_next, expected[0], variants, lambda result: result[0])
    zy = p["Wy"] @ expected[0] + p["by"]
    expect_array("yt_pred", yt_pred, expected[2], mistakes=[
        (zy, "apply the softmax to Wy a_next + by"),
        (softmax(zy, axis=1), "the softmax runs over the units (axis 0), one column per example"),
        (softmax(p["Wy"] @ a_prev + p["by"]), "the prediction uses a_next, not a_prev"),
        (softmax(p["Wy"] @ expected[1] + p["by"]),
         "the prediction is made from the hidden state a_next, not the memory cell c_next"),
        (softmax(p["Wy"] @ expected[0]), "did you forget the bias by?"),
    ])
    _compare_cache(cache, expected[3])


# ---------------------------------------------------------------- lstm_forward
def _forward_variant(x, a0, p, variant):
    """(a, c) of lstm_forward with one likely mistake, built on the reference's step."""
    a_prev, c_prev = a0, (a0 if variant == "c0_is_a0" else np.zeros_like(a0))
    states_a, states_c = [], []
    for t in range(x.shape[2]):
        a_next, c_next, _, _ = lstm.lstm_cell_forward(x[:, :, t], a_prev, c_prev, p)
        stored = (a_prev, c_prev) if variant == "stored_prev" else (a_next, c_next)
        states_a.append(stored[0])
        states_c.append(stored[1])
        if variant != "never_updated":
            a_prev = a_prev if variant == "a_not_carried" else a_next
            c_prev = c_prev if variant == "c_not_carried" else c_next
    return np.stack(states_a, axis=2), np.stack(states_c, axis=2)


FORWARD_HINTS = {
    "c0_is_a0": "the memory cell starts empty: c<0> = np.zeros_like(a0), not a0",
    "never_updated": "every step should start from the previous step's a_next and c_next, "
                     "not from a0 and c<0>",
    "a_not_carried": "carry a from step to step: each step's a_next is the next step's a_prev",
    "c_not_carried": "carry c from step to step too: each step's c_next is the next step's "
                     "c_prev",
    "stored_prev": "a[:, :, t] and c[:, :, t] hold the states after step t, a_next and "
                   "c_next (you stored a_prev and c_prev)",
}


def _compare_forward(case, expected, got):
    x, a0, p = case.args
    T_x = x.shape[2]
    a, y, c, caches = expect_tuple(got, 4, "a, y, c, caches")
    _check_not_swapped(y, c, expected[1], expected[2], ("y", "c"), "(a, y, c, caches)")
    variants = _Variants(FORWARD_HINTS, lambda name: _forward_variant(x, a0, p, name))
    _expect("a", a, expected[0], variants, lambda result: result[0])
    _expect("c", c, expected[2], variants, lambda result: result[1])
    expect_array("y", y, expected[1])
    if not (isinstance(caches, tuple) and len(caches) == 2 and isinstance(caches[0], list)
            and len(caches[0]) == T_x):
        raise CheckFailed("caches should be (list of the T_x step caches, x)")
    if not (isinstance(caches[1], np.ndarray) and caches[1].shape == x.shape
            and np.allclose(caches[1], x)):
        raise CheckFailed("caches[1] should be x: caches = (list of the T_x step caches, x)")
    for t, cache in enumerate(caches[0]):
        if not (isinstance(cache, tuple) and len(cache) == 10):
            raise CheckFailed(f"caches[0][{t}] should be step {t}'s cache from "
                              f"lstm_cell_forward, {CACHE_LAYOUT}")


# ---------------------------------------------------------------- lstm_cell_backward
def _cell_backward(da_next, dc_next, cache, variant=None):
    """lstm_cell_backward: correct when variant is None, else with one likely mistake."""
    a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, p = cache
    n_a, m = a_prev.shape
    tanh_c = np.tanh(c_next)
    dgo = da_next * (c_next if variant == "dgo_with_c" else tanh_c)  # a = Γo * tanh(c)
    through_a = {"no_tanh_derivative": da_next * go, "no_go": da_next * (1 - tanh_c**2),
                 "no_a_path": 0.0}.get(variant, da_next * go * (1 - tanh_c**2))
    dc = through_a + (0.0 if variant == "no_dc_next" else dc_next)
    dgf, dgu = dc * c_prev, dc * cct
    if variant == "swapped_fu":
        dgf, dgu = dgu, dgf
    dcct = dc * gu

    def through_sigmoid(d, g):
        if variant == "tanh_derivative_gates":
            return d * (1 - g**2)
        return d if variant == "no_gate_derivatives" else d * g * (1 - g)

    candidate_derivative = {"sigmoid_derivative_candidate": cct * (1 - cct),
                            "no_candidate_derivative": 1.0}.get(variant, 1 - cct**2)
    dz = {"f": through_sigmoid(dgf, gf), "u": through_sigmoid(dgu, gu),
          "c": dcct * candidate_derivative, "o": through_sigmoid(dgo, go)}
    concat = np.concatenate([xt, a_prev] if variant == "concat_x_first" else [a_prev, xt])
    grads = {}
    dconcat = np.zeros((n_a + xt.shape[0], m))
    for g, dzg in dz.items():
        grads["dW" + g] = dzg @ concat.T
        grads["db" + g] = np.sum(dzg, axis=1, keepdims=True)
        if variant != f"missing_{g}":
            dconcat += p["W" + g].T @ dzg
    if variant == "divided_by_m":
        grads = {key: value / m for key, value in grads.items()}
    if variant == "split_x_first":
        dxt, da_prev = dconcat[:xt.shape[0]], dconcat[xt.shape[0]:]
    else:
        da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    dc_prev = {"dc_prev_no_gf": dc, "dc_prev_only_next": dc_next * gf}.get(variant, dc * gf)
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, **grads}


CELL_HINTS = {  # in order: the first variant matching a wrong array gives the hint
    # before "no_a_path", which gives the same dc_prev but also wrong gate gradients
    "dc_prev_only_next": "dc_prev = dc * Γf, with dc the whole gradient into c<t>: dc_next plus "
                         "the part through a<t>",
    "no_dc_next": "the gradient into c<t> has two parts: add dc_next, the one coming back "
                  "from c<t+1>, to the one through a<t>",
    "no_a_path": "the gradient into c<t> also comes through a<t> = Γo * tanh(c<t>): "
                 "dc = dc_next + da_next * Γo * (1 - tanh(c_next)**2)",
    "no_tanh_derivative": "through a<t> = Γo * tanh(c<t>), c<t> gets da_next * Γo * "
                          "(1 - tanh(c_next)**2): the tanh derivative is missing",
    "no_go": "through a<t> = Γo * tanh(c<t>), c<t> gets da_next * Γo * (1 - tanh(c_next)**2): "
             "the factor Γo is missing",
    "dgo_with_c": "dΓo = da_next * tanh(c_next), since a<t> = Γo * tanh(c<t>), not "
                  "da_next * c_next",
    "dc_prev_no_gf": "dc_prev = dc * Γf: c<t-1> enters c<t> multiplied by the forget gate",
    "swapped_fu": "Γf multiplies c<t-1> and Γu the candidate: dΓf = dc * c_prev and "
                  "dΓu = dc * c̃",
    "tanh_derivative_gates": "the gates are sigmoids: σ'(z) = Γ * (1 - Γ), not 1 - Γ**2",
    "no_gate_derivatives": "did you apply the sigmoid derivative? each gate's dz is "
                           "dΓ * Γ * (1 - Γ)",
    "sigmoid_derivative_candidate": "the candidate c̃ is a tanh: its derivative is 1 - c̃**2, "
                                    "not c̃ * (1 - c̃)",
    "no_candidate_derivative": "did you apply the tanh derivative to the candidate? "
                               "dzc = dc̃ * (1 - c̃**2)",
    "concat_x_first": "dW = dz @ concat.T with concat = [a_prev; xt], the hidden state first, "
                      "as in the forward",
    "split_x_first": "the first n_a rows of Wf.T @ dzf + ... + Wo.T @ dzo are da_prev, the last "
                     "n_x rows dxt ([a_prev; xt]: the hidden state first)",
    **{f"missing_{g}": "da_prev and dxt collect the contributions of all four gates: "
                       f"Wf.T @ dzf + Wu.T @ dzu + Wc.T @ dzc + Wo.T @ dzo (W{g}'s is missing)"
       for g in GATES},
    "divided_by_m": "do not divide by m: the 1/m of the batch mean is already in da_next and "
                    "dc_next",
}


def _check_bias_shapes(got, n_a, m):
    """Hints for a bias gradient that is not summed into a column (n_a, 1)."""
    for g in GATES:
        key = "db" + g
        shape = np.shape(got[key]) if isinstance(got[key], (np.ndarray, np.generic, float)) \
            else None
        if shape is None or shape == (n_a, 1):
            continue
        if shape == (n_a, m):
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: b{g} is shared by "
                              f"the m examples, so sum dz{g} over axis 1: "
                              f"np.sum(dz{g}, axis=1, keepdims=True)")
        if shape == (n_a,):
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: keep it a column "
                              "with keepdims=True")
        if shape in ((1, m), (m,)):
            raise CheckFailed(f"{key} has shape {shape}, expected {(n_a, 1)}: sum over the "
                              "examples (axis 1), not over the units (axis 0)")
        if shape == ():
            raise CheckFailed(f"{key} is a single number, expected shape {(n_a, 1)}: sum over "
                              f"the examples only: np.sum(dz{g}, axis=1, keepdims=True)")


def _compare_cell_backward(case, expected, got):
    da_next, dc_next, cache = case.args
    n_a, m = da_next.shape
    n_x = cache[8].shape[0]
    got = expect_dict(got, CELL_KEYS)
    if n_x != n_a and np.shape(got["dxt"]) == (n_a, m) and np.shape(got["da_prev"]) == (n_x, m):
        raise CheckFailed(f"dxt has shape {(n_a, m)} and da_prev {(n_x, m)}: "
                          + CELL_HINTS["split_x_first"])
    _check_bias_shapes(got, n_a, m)
    variants = _Variants(CELL_HINTS, lambda name: _cell_backward(da_next, dc_next, cache, name))
    for key in CELL_KEYS:
        _expect(key, got[key], expected[key], variants, lambda result, key=key: result[key])


# ---------------------------------------------------------------- lstm_backward
def _backward_variant(da, caches, variant):
    """lstm_backward with one likely mistake, built on the reference's step backward."""
    step_caches, x = caches
    n_a, m, T_x = da.shape
    order = range(T_x) if variant == "forward_order" else reversed(range(T_x))
    dx = np.zeros(x.shape)
    sums = {key: np.zeros_like(step_caches[0][9][key[1:]]) for key in PARAMETER_GRADIENTS}
    da_future, dc_future = np.zeros((n_a, m)), np.zeros((n_a, m))
    into_first = None
    for i, t in enumerate(order):
        da_next = {"no_future_da": da[:, :, t], "no_output": da_future}.get(
            variant, da[:, :, t] + da_future)
        dc_next = np.zeros((n_a, m)) if variant == "no_future_dc" else dc_future
        if t == 0:
            into_first = (da_next, dc_next)
        if variant == "swapped_arguments":
            step = lstm.lstm_cell_backward(dc_next, da_next, step_caches[t])
        else:
            step = lstm.lstm_cell_backward(da_next, dc_next, step_caches[t])
        dx[:, :, i if variant == "dx_reversed" else t] = step["dxt"]
        da_future, dc_future = step["da_prev"], step["dc_prev"]
        for key in sums:
            if variant in ("first_only", "last_only"):
                if t == (0 if variant == "first_only" else T_x - 1):
                    sums[key] = step[key]
            else:
                sums[key] = sums[key] + step[key]
    if variant == "mean_over_time":
        sums = {key: value / T_x for key, value in sums.items()}
    da0 = into_first[0] if variant == "da0_is_da1" else da_future
    dc0 = {"dc0_is_dc1": into_first[1], "dc0_zero": np.zeros((n_a, m))}.get(variant, dc_future)
    return {"dx": dx, "da0": da0, "dc0": dc0, **sums}


DC0_HINT = "dc0 is the gradient with respect to c<0>: the dc_prev that the first step (t = 0) " \
           "returns"
SEQUENCE_HINTS = {
    "no_future_da": "the gradient into a<t> has two parts: add the da_prev that step t+1 "
                    "returned to da[:, :, t]",
    "no_future_dc": "pass the dc_prev that step t+1 returned as step t's dc_next: the memory "
                    "cell's gradient flows back through time too (zeros after the last step)",
    "swapped_arguments": "call lstm_cell_backward(da_next, dc_next, cache): the gradient into "
                         "a<t> first, then the one into c<t>",
    "forward_order": "backpropagation runs right to left: loop with "
                     "for t in reversed(range(T_x))",
    "first_only": "the gate parameters are shared by all T_x steps: add up (+=) every step's "
                  "gradient, not only the last one computed",
    "last_only": "the gate parameters are shared by all T_x steps: add up (+=) every step's "
                 "gradient, not only one step's",
    "mean_over_time": "add up the steps' gradients, do not average them: J is a sum over time",
    "dx_reversed": "dx[:, :, t] should hold step t's dxt: store it at index t, not in the "
                   "order the loop visits the steps",
    "da0_is_da1": "da0 is the gradient with respect to a<0>: the da_prev that the first step "
                  "(t = 0) returns",
    "dc0_is_dc1": DC0_HINT,
    "dc0_zero": DC0_HINT,
    # last: every gradient is zero in this variant, and a more specific hint should win when
    # a result is zero for another reason (step 1's dWf is zero, since c<0> = 0)
    "no_output": "the gradient into a<t> has two parts: da[:, :, t] from the output at step t, "
                 "plus the da_prev that step t+1 returned",
}


def _compare_backward(case, expected, got):
    da, caches = case.args
    n_a, m, T_x = da.shape
    n_x = caches[1].shape[0]
    got = expect_dict(got, SEQUENCE_KEYS)
    dx = got["dx"]
    check_time_last(dx, n_x, m, T_x)
    _check_bias_shapes(got, n_a, m)
    variants = _Variants(SEQUENCE_HINTS, lambda name: _backward_variant(da, caches, name))
    for key in SEQUENCE_KEYS:
        try:
            _expect(key, got[key], expected[key], variants,
                    lambda result, key=key: result[key])
        except CheckFailed as failure:
            if "largest difference" not in str(failure):
                raise
            raise CheckFailed(f"{failure}. lstm_backward calls your lstm_cell_backward: if that "
                              "passed its test, look at how the steps are chained") from None


EXERCISES = {
    "lstm_cell_forward": Exercise("lstm_cell_forward", _step_cases, lstm.lstm_cell_forward,
                                  _compare_cell, forbidden=(lstm._step,)),
    "lstm_forward": Exercise("lstm_forward", _sequence_cases, lstm.lstm_forward,
                             _compare_forward, forbidden=(lstm.forward_states,)),
    "lstm_cell_backward": Exercise("lstm_cell_backward", _cell_backward_cases,
                                   lstm.lstm_cell_backward, _compare_cell_backward,
                                   forbidden=(lstm._step_backward,)),
    "lstm_backward": Exercise("lstm_backward", _backward_cases, lstm.lstm_backward,
                              _compare_backward, forbidden=(lstm.backward_states,)),
}
