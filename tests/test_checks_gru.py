"""The checks of notebook 06 (the GRU): the reference passes, each known mistake fails with
its hint, a wrong relevance gate fails visible and hidden checks alike, and broken answers fail
with a clear message."""

import numpy as np
import pytest

from seqlib import gru
from seqlib.activations import sigmoid, softmax
from seqlib.checks import CheckFailed, check
from seqlib.checks import gru as gru_checks

NOTEBOOK_SEEDS = (20661, 20662, 20663, 20664)  # the hidden seeds of solutions/06_gru.py
NAMES = ("gru_cell_forward", "gru_forward", "gru_cell_backward", "gru_backward")


# ---------------------------------------------------------------- the reference passes
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", (0, *NOTEBOOK_SEEDS))
def test_reference_passes(name, seed, capsys):
    check(name, getattr(gru, name), seed=seed)
    check(name, getattr(gru, name), seed=seed, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == ""


def test_checks_return_none():
    assert check("gru_forward", gru.gru_forward) is None


@pytest.mark.parametrize("seed", (0, *NOTEBOOK_SEEDS))
@pytest.mark.parametrize("hidden", (False, True))
def test_every_case_starts_from_a_non_zero_state(seed, hidden):
    """With c<t-1> = 0 the relevance gate has no effect: no case may hide it that way."""
    for name in NAMES:
        for case in gru_checks.EXERCISES[name].cases(np.random.default_rng(seed), hidden):
            if name.endswith("backward"):
                first = case.args[1] if name == "gru_cell_backward" else case.args[1][0][0]
                state = first[1]  # the cache's a_prev
            else:
                state = case.args[1]
            assert np.min(np.abs(state)) >= 0.2, case.name
            p = case.args[2] if not name.endswith("backward") else first[6]
            assert all(np.all(p[k] != 0) for k in ("bu", "br", "bc")), case.name


# ---------------------------------------------------------------- a learner's forward step
def cell_forward(xt, a_prev, p, mistake=None):
    """A learner's gru_cell_forward, with one optional mistake."""
    n_a = a_prev.shape[0]
    c_prev = a_prev
    bu = 0 if mistake in ("no bu", "no biases") else p["bu"]
    br = 0 if mistake in ("no br", "no biases") else p["br"]
    bc = 0 if mistake in ("no bc", "no biases") else p["bc"]
    gate = np.tanh if mistake in ("tanh gates", "activations swapped") else sigmoid
    act = sigmoid if mistake in ("sigmoid candidate", "activations swapped") else np.tanh
    if mistake == "concatenation [x; c]":
        concat = np.vstack([xt, c_prev])
    else:
        concat = np.vstack([c_prev, xt])
    Wu, Wr = (p["Wr"], p["Wu"]) if mistake == "Γu and Γr swapped" else (p["Wu"], p["Wr"])
    bu, br = (br, bu) if mistake == "Γu and Γr swapped" else (bu, br)
    gamma_u = (np.tanh if mistake == "tanh Γu" else gate)(Wu @ concat + bu)
    gamma_r = (np.tanh if mistake == "tanh Γr" else gate)(Wr @ concat + br)
    if mistake == "Γr on [c; x]":
        c_tilde = act(p["Wc"] @ (gamma_r * concat) + bc)  # runs when n_a = 1 only
    elif mistake == "Γr on c and x":
        c_tilde = act(p["Wc"] @ np.vstack([gamma_r * c_prev, gamma_r * xt]) + bc)
    elif mistake == "Γr after the product (PyTorch)":
        c_tilde = act(p["Wc"][:, n_a:] @ xt + gamma_r * (p["Wc"][:, :n_a] @ c_prev) + bc)
    elif mistake == "Γr after the product, bias inside (PyTorch)":
        c_tilde = act(p["Wc"][:, n_a:] @ xt + gamma_r * (p["Wc"][:, :n_a] @ c_prev + bc))
    elif mistake == "Γr times the whole product":
        c_tilde = act(gamma_r * (p["Wc"] @ concat) + bc)
    elif mistake == "no Γr (simplified GRU)":
        c_tilde = act(p["Wc"] @ concat + bc)
    elif mistake in ("concatenation [x; c]", "candidate concatenation [x; Γr c]"):
        c_tilde = act(p["Wc"] @ np.vstack([xt, gamma_r * c_prev]) + bc)
    else:
        c_tilde = act(p["Wc"] @ np.vstack([gamma_r * c_prev, xt]) + bc)
    if mistake == "gates swapped (PyTorch's z)":
        c_next = gamma_u * c_prev + (1 - gamma_u) * c_tilde
    elif mistake == "no (1 - Γu) c_prev":
        c_next = gamma_u * c_tilde
    elif mistake == "returns the candidate":
        c_next = c_tilde
    else:
        c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev
    z = p["Wy"] @ c_next + (0 if mistake == "no by" else p["by"])
    yt_pred = softmax(z, axis=1 if mistake == "softmax over examples" else 0)
    cache = (c_next, a_prev, xt, gamma_u, gamma_r, c_tilde, p)
    if mistake == "cache with Γu, Γr swapped":
        cache = (c_next, a_prev, xt, gamma_r, gamma_u, c_tilde, p)
    elif mistake == "cache as a list":
        cache = list(cache)
    elif mistake == "cache without xt":
        cache = (c_next, a_prev, gamma_u, gamma_r, c_tilde, p)
    return c_next, yt_pred, cache


PYTORCH_AFTER = r"PyTorch's nn\.GRU variant"
FORWARD_MISTAKES = {
    "Γr on c and x": r"Γr multiplies c<t-1> only, not the whole \[c<t-1>; x<t>\]",
    "Γr after the product (PyTorch)": PYTORCH_AFTER,
    "Γr after the product, bias inside (PyTorch)": PYTORCH_AFTER,
    "Γr times the whole product": PYTORCH_AFTER + ".*never x<t>",
    "no Γr (simplified GRU)": "that is the simplified GRU",
    "gates swapped (PyTorch's z)": r"the two terms are swapped.*PyTorch's convention, whose "
                                   r"update gate z is 1 - Γu",
    "Γu and Γr swapped": "Γu and Γr are swapped",
    "no (1 - Γu) c_prev": r"forget the \(1 - Γu\) \* c_prev term",
    "returns the candidate": "not the candidate c̃ itself",
    "tanh gates": "the gates Γu and Γr use the sigmoid",
    "tanh Γu": "the update gate Γu uses the sigmoid",
    "tanh Γr": "the relevance gate Γr uses the sigmoid",
    "sigmoid candidate": "the candidate c̃ uses tanh",
    "activations swapped": "sigmoid and tanh are swapped",
    "no bu": "forget the bias bu",
    "no br": "forget the bias br",
    "no bc": "forget the bias bc",
    "no biases": "forget the biases bu, br and bc",
    "concatenation [x; c]": r"stack the hidden state first: \[c_prev; xt\]",
    "candidate concatenation [x; Γr c]": r"in the candidate too: \[Γr \* c_prev; xt\]",
    "no by": "forget the bias by",
    "softmax over examples": r"over the units \(axis 0\)",
    "cache with Γu, Γr swapped": r"cache\[3\] should be Γu \(it holds Γr\)",
    "cache as a list": r"the cache should be the tuple .* got a 7-list",
    "cache without xt": r"the cache should be the tuple \(a_next, a_prev, xt, Γu, Γr, c̃, "
                        r"parameters\), got a 6-tuple",
}


@pytest.mark.parametrize("mistake", FORWARD_MISTAKES)
def test_cell_forward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=FORWARD_MISTAKES[mistake]):
        check("gru_cell_forward", lambda xt, a, p: cell_forward(xt, a, p, mistake))


@pytest.mark.parametrize("mistake", ["Γr on c and x", "Γr after the product (PyTorch)",
                                     "Γr after the product, bias inside (PyTorch)",
                                     "Γr times the whole product", "no Γr (simplified GRU)",
                                     "gates swapped (PyTorch's z)"])
@pytest.mark.parametrize("seed", NOTEBOOK_SEEDS[:1])
def test_a_wrong_relevance_gate_fails_the_hidden_check_too(mistake, seed):
    """The hidden set alone catches every wrong Γr, in the cell and over a sequence."""
    with pytest.raises(CheckFailed, match=FORWARD_MISTAKES[mistake]):
        check("gru_cell_forward", lambda xt, a, p: cell_forward(xt, a, p, mistake),
              seed=seed, hidden=True)
    with pytest.raises(CheckFailed, match="a has the right shape but the wrong values"):
        check("gru_forward", lambda x, a0, p: sequence_forward(x, a0, p, cell_mistake=mistake),
              seed=NOTEBOOK_SEEDS[1], hidden=True)


def test_reset_on_the_whole_concatenation_gets_its_hint_when_it_runs():
    """Γr * [c; x] only broadcasts when n_a = 1 (a hidden case); elsewhere numpy refuses."""
    with pytest.raises(ValueError, match="broadcast"):
        check("gru_cell_forward", lambda xt, a, p: cell_forward(xt, a, p, "Γr on [c; x]"))
    case = [c for c in gru_checks.EXERCISES["gru_cell_forward"].cases(
        np.random.default_rng(0), True) if c.name.startswith("n_a = 1")][0]
    with pytest.raises(CheckFailed, match=FORWARD_MISTAKES["Γr on c and x"]):
        gru_checks._compare_cell(case, gru.gru_cell_forward(*case.args),
                                 cell_forward(*case.args, "Γr on [c; x]"))


def test_a_forward_that_only_works_from_zero_fails():
    """A reset gate on the wrong side is invisible from c<t-1> = 0; the cases never are 0."""
    rng = np.random.default_rng(3)
    p = gru_checks._params(rng, 3, 4, 2)
    xt = rng.standard_normal((3, 2))
    zero = np.zeros((4, 2))
    right = gru.gru_cell_forward(xt, zero, p)[0]
    wrong = cell_forward(xt, zero, p, "Γr after the product (PyTorch)")[0]
    assert np.allclose(right, wrong)  # the trap the non-zero a_prev avoids


# ---------------------------------------------------------------- gru_forward
def sequence_forward(x, a0, p, mistake=None, cell_mistake=None):
    """A learner's gru_forward on the learner-like cell above, with one optional mistake."""
    n_x, m, T_x = x.shape
    n_a = a0.shape[0]
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((p["Wy"].shape[0], m, T_x))
    caches = []
    a_next = np.zeros_like(a0) if mistake == "starts from zeros" else a0
    for t in range(T_x):
        a_prev = a0 if mistake == "always from a0" else a_next
        a_next, yt, cache = cell_forward(x[:, :, t], a_prev, p, cell_mistake)
        a[:, :, t] = a_prev if mistake == "stores a_prev" else a_next
        y_pred[:, :, t] = yt
        caches.append(cache)
    if mistake == "caches without x":
        return a, y_pred, caches
    if mistake == "a list of caches of the wrong step":
        caches = caches[::-1]
    return a, y_pred, (caches, x)


SEQUENCE_FORWARD_MISTAKES = {
    "always from a0": "start from the previous step's a_next, not a0",
    "stores a_prev": "you stored a_prev",
    "starts from zeros": "starts from a0, the given initial state, not from zeros",
    "caches without x": r"caches should be the tuple \(list of the T_x step caches, x\)",
    "a list of caches of the wrong step": r"the cache of step t = 0: cache\[0\] should be "
                                          "a_next",
}


@pytest.mark.parametrize("mistake", SEQUENCE_FORWARD_MISTAKES)
def test_sequence_forward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=SEQUENCE_FORWARD_MISTAKES[mistake]):
        check("gru_forward", lambda x, a0, p: sequence_forward(x, a0, p, mistake))


def test_sequence_forward_with_a_wrong_cell_points_to_the_cell():
    with pytest.raises(CheckFailed, match="does your gru_cell_forward pass its test"):
        check("gru_forward", lambda x, a0, p: sequence_forward(x, a0, p,
                                                               cell_mistake="no bc"))


def test_the_learner_like_forward_passes():
    check("gru_cell_forward", cell_forward)
    check("gru_cell_forward", cell_forward, seed=NOTEBOOK_SEEDS[0], hidden=True)
    check("gru_forward", sequence_forward)
    check("gru_forward", sequence_forward, seed=NOTEBOOK_SEEDS[1], hidden=True)


def test_seqlib_backward_takes_the_learner_like_caches():
    rng = np.random.default_rng(4)
    p = gru_checks._params(rng, 3, 4, 2)
    x, a0 = rng.standard_normal((3, 2, 5)), rng.standard_normal((4, 2))
    da = rng.standard_normal((4, 2, 5))
    mine = gru.gru_backward(da, sequence_forward(x, a0, p)[2])
    reference = gru.gru_backward(da, gru.gru_forward(x, a0, p)[2])
    assert all(np.allclose(mine[k], reference[k]) for k in reference)


# ---------------------------------------------------------------- a learner's backward step
def cell_backward(da_next, cache, mistake=None):
    """A learner's gru_cell_backward, with one optional mistake."""
    a_next, a_prev, xt, gamma_u, gamma_r, c_tilde, p = cache
    n_a, m = a_prev.shape
    c_prev, dc = a_prev, da_next
    if mistake == "gates swapped (PyTorch's z)":
        dc_tilde, dgamma_u, dc_prev = dc * (1 - gamma_u), dc * (c_prev - c_tilde), dc * gamma_u
    else:
        dc_tilde = dc * gamma_u
        dgamma_u = dc * ((c_prev - c_tilde) if mistake == "dΓu sign" else (c_tilde - c_prev))
        dc_prev = {"no direct path": np.zeros_like(dc),
                   "direct path Γu": dc * gamma_u}.get(mistake, dc * (1 - gamma_u))
    if mistake == "no tanh derivative":
        dz_c = dc_tilde
    elif mistake == "sigmoid derivative for c̃":
        dz_c = dc_tilde * c_tilde * (1 - c_tilde)
    elif mistake == "1 - c̃":
        dz_c = dc_tilde * (1 - c_tilde)
    else:
        dz_c = dc_tilde * (1 - c_tilde**2)

    def sig(d, g, which):
        if mistake == "no sigmoid derivative" or mistake == f"no sigmoid derivative {which}":
            return d
        if mistake == "tanh derivative for the gates":
            return d * (1 - g**2)
        return d * g * (1 - g)

    dz_u = sig(dgamma_u, gamma_u, "u")
    concat = np.vstack([c_prev, xt])
    concat_r = np.vstack([gamma_r * c_prev, xt])
    dWc = dz_c @ (concat if mistake == "dWc from [c; x]" else concat_r).T
    dbc = np.sum(dz_c, axis=1, keepdims=True)
    dWu = dz_u @ concat.T
    dbu = np.sum(dz_u, axis=1, keepdims=True)
    dconcat_r = p["Wc"].T @ dz_c
    if mistake == "no path through Γr":
        dgamma_r = np.zeros_like(c_prev)
    elif mistake == "dΓr times Γr":
        dgamma_r = dconcat_r[:n_a] * gamma_r
    else:
        dgamma_r = dconcat_r[:n_a] * c_prev
    if mistake == "candidate's c_prev path without Γr":
        dc_prev = dc_prev + dconcat_r[:n_a]
    elif mistake != "no candidate path to c_prev":
        dc_prev = dc_prev + dconcat_r[:n_a] * gamma_r
    dz_r = sig(dgamma_r, gamma_r, "r")
    dWr = dz_r @ concat.T
    dbr = np.sum(dz_r, axis=1, keepdims=True)
    if mistake == "Γr missing from dconcat":
        dconcat = p["Wu"].T @ dz_u
    else:
        dconcat = p["Wu"].T @ dz_u + p["Wr"].T @ dz_r
    da_prev = dc_prev if mistake == "no gate paths in da_prev" else dc_prev + dconcat[:n_a]
    if mistake == "dxt from the candidate only":
        dxt = dconcat_r[n_a:]
    elif mistake == "dxt without the candidate":
        dxt = dconcat[n_a:]
    else:
        dxt = dconcat[n_a:] + dconcat_r[n_a:]
    grads = {"dxt": dxt, "da_prev": da_prev, "dWu": dWu, "dbu": dbu, "dWr": dWr, "dbr": dbr,
             "dWc": dWc, "dbc": dbc}
    if mistake == "divided by m":
        grads = {k: v / m if k[:2] in ("dW", "db") else v for k, v in grads.items()}
    if mistake == "dxt and da_prev swapped":
        grads.update(dxt=da_prev, da_prev=dxt)
    if mistake == "dbu not summed":
        grads["dbu"] = dz_u
    if mistake == "dbr without keepdims":
        grads["dbr"] = np.sum(dz_r, axis=1)
    if mistake == "dbc summed over the units":
        grads["dbc"] = np.sum(dz_c, axis=0, keepdims=True)
    return grads


REUSE = "c<t-1> reaches c<t> along four paths"
CELL_BACKWARD_MISTAKES = {
    "no direct path": REUSE + r".*the direct one, dc \* \(1 - Γu\)",
    "direct path Γu": r"its gradient is dc \* \(1 - Γu\), not dc \* Γu",
    "gates swapped (PyTorch's z)": r"PyTorch's z = 1 - Γu swaps them",
    "dΓu sign": r"dΓu = dc \* \(c̃ - c_prev\), not \(c_prev - c̃\)",
    "no tanh derivative": r"backprop through the candidate's tanh",
    "sigmoid derivative for c̃": r"its derivative is 1 - c̃\*\*2 \(Γ \* \(1 - Γ\) is the "
                                "sigmoid's\\)",
    "1 - c̃": r"the tanh derivative is 1 - c̃\*\*2, not 1 - c̃",
    "no sigmoid derivative": "backprop through the gates' sigmoids too",
    "no sigmoid derivative u": "dWu has the right shape but the wrong values: backprop "
                               "through the gates' sigmoids too",
    "no sigmoid derivative r": "dWr has the right shape but the wrong values: backprop "
                               "through the gates' sigmoids too",
    "tanh derivative for the gates": r"the gates are sigmoids: σ'\(z\) = Γ \* \(1 - Γ\)",
    "dWc from [c; x]": r"dWc = dz_c @ \[Γr \* c_prev; xt\]\.T",
    "no path through Γr": r"dWr has the right shape but the wrong values: the gradient also "
                          "flows through Γr",
    "dΓr times Γr": r"dΓr = \(Wc\.T @ dz_c\)\[:n_a\] \* c_prev",
    "no candidate path to c_prev": REUSE + ".*the one through the candidate",
    "candidate's c_prev path without Γr": "its gradient to c_prev is .* scaled by Γr",
    "Γr missing from dconcat": r"dxt has the right shape but the wrong values: Γr = .* "
                               r"depends on c_prev and xt too: add Wr\.T @ dz_r",
    "no gate paths in da_prev": REUSE + ".*the paths through the gates",
    "dxt from the candidate only": "xt enters Γu, Γr and the candidate",
    "dxt without the candidate": "xt enters Γu, Γr and the candidate",
    "divided by m": "do not divide by m",
    "dxt and da_prev swapped": "dxt and da_prev (are swapped|have each other's shapes)",
    "dbu not summed": r"dbu has shape .*sum over axis 1",
    "dbr without keepdims": r"dbr has shape .*keepdims=True",
    "dbc summed over the units": r"dbc has shape .*not over the units \(axis 0\)",
}


@pytest.mark.parametrize("mistake", CELL_BACKWARD_MISTAKES)
def test_cell_backward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=CELL_BACKWARD_MISTAKES[mistake]):
        check("gru_cell_backward", lambda da, cache: cell_backward(da, cache, mistake))


@pytest.mark.parametrize("mistake", ["no path through Γr", "Γr missing from dconcat",
                                     "no candidate path to c_prev", "no direct path",
                                     "dΓr times Γr"])
def test_backward_mistakes_about_the_relevance_gate_fail_the_hidden_check(mistake):
    with pytest.raises(CheckFailed):
        check("gru_cell_backward", lambda da, cache: cell_backward(da, cache, mistake),
              seed=NOTEBOOK_SEEDS[2], hidden=True)


def test_the_learner_like_backward_passes():
    check("gru_cell_backward", cell_backward)
    check("gru_cell_backward", cell_backward, seed=NOTEBOOK_SEEDS[2], hidden=True)


def test_the_reference_backward_matches_centred_differences():
    """The check's reference is right: seqlib's gru_cell_backward against numerical gradients."""
    from seqlib.gradcheck import check_gradients
    rng = np.random.default_rng(5)
    p = gru_checks._params(rng, 3, 4, 2)
    v = {"xt": rng.standard_normal((3, 2)), "a_prev": rng.standard_normal((4, 2)), **p}
    w = rng.standard_normal((4, 2))

    def loss():
        return float(np.sum(w * gru.gru_cell_forward(v["xt"], v["a_prev"], v)[0]))

    grads = cell_backward(w, gru.gru_cell_forward(v["xt"], v["a_prev"], v)[2])
    errors = check_gradients(loss, {k: v[k] for k in ("xt", "a_prev", *gru_checks.GATE_KEYS)},
                             grads)
    assert max(errors.values()) < 1e-7, errors


# ---------------------------------------------------------------- gru_backward
def sequence_backward(da, caches, mistake=None, cell=cell_backward):
    """A learner's gru_backward, on the learner-like cell above, with one optional mistake."""
    step_caches, x = caches
    n_a, m, T_x = da.shape
    p = step_caches[0][6]
    dx = np.zeros(x.shape)
    sums = {"d" + k: np.zeros(p[k].shape) for k in gru_checks.GATE_KEYS}
    da_prevt = np.zeros((n_a, m))
    times = list(range(T_x)) if mistake == "loop forward" else list(reversed(range(T_x)))
    for i, t in enumerate(times):
        da_total = (0 if mistake == "no gradient from the output" else da[:, :, t]) \
            + (0 if mistake == "no gradient from the future" else da_prevt)
        if t == 0:
            da1 = da_total
        g = cell(da_total, step_caches[t])
        dx[:, :, i if mistake == "dx in loop order" else t] = g["dxt"]
        da_prevt = g["da_prev"]
        for k in sums:
            if mistake == "dWr, dbr not summed" and k in ("dWr", "dbr"):
                continue
            sums[k] = g[k] if mistake == "dW of the last step computed" else sums[k] + g[k]
    if mistake == "dW averaged over time":
        sums = {k: s / T_x for k, s in sums.items()}
    return {"dx": dx, "da0": da1 if mistake == "da0 is the gradient into a<1>" else da_prevt,
            **sums}


SEQUENCE_BACKWARD_MISTAKES = {
    "no gradient from the future": "add the one from the future",
    "no gradient from the output": r"da\[:, :, t\] from the output at step t, plus",
    "loop forward": r"reversed\(range\(T_x\)\)",
    "dW of the last step computed": r"add up \(\+=\) every step's gradient",
    "dW averaged over time": "do not average them",
    "dx in loop order": "store it at index t",
    "da0 is the gradient into a<1>": "the gradient with respect to a<0>",
    "dWr, dbr not summed": "dWr and dbr too",
}


@pytest.mark.parametrize("mistake", SEQUENCE_BACKWARD_MISTAKES)
def test_sequence_backward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=SEQUENCE_BACKWARD_MISTAKES[mistake]):
        check("gru_backward", lambda da, caches: sequence_backward(da, caches, mistake))


def test_sequence_backward_with_a_wrong_cell_fails():
    def wrong_cell(da_next, cache):
        return cell_backward(da_next, cache, "no path through Γr")
    with pytest.raises(CheckFailed, match="has the right shape but the wrong values"):
        check("gru_backward", lambda da, caches: sequence_backward(da, caches,
                                                                   cell=wrong_cell))


def test_the_learner_like_sequence_backward_passes():
    check("gru_backward", sequence_backward)
    check("gru_backward", sequence_backward, seed=NOTEBOOK_SEEDS[3], hidden=True)


@pytest.mark.parametrize("layout", [(2, 0, 1), (2, 1, 0)])
def test_dx_with_time_first_is_explained(layout):
    def time_first(da, caches):
        grads = gru.gru_backward(da, caches)
        return {**grads, "dx": np.ascontiguousarray(grads["dx"].transpose(layout))}
    with pytest.raises(CheckFailed, match=r"dx has shape .*(time is the last axis|transposed)"):
        check("gru_backward", time_first)


def test_edge_cases_are_in_the_hidden_set():
    for name in NAMES:
        names = [c.name for c in gru_checks.EXERCISES[name].cases(np.random.default_rng(0),
                                                                    True)]
        for edge in ("m = 1", "n_a = 1", "saturated gates"):
            assert any(n.startswith(edge) for n in names), (name, edge)
        if name in ("gru_forward", "gru_backward"):
            assert any(n.startswith("T_x = 1") for n in names)


def test_the_saturated_case_is_saturated():
    case = gru_checks.EXERCISES["gru_cell_backward"].cases(np.random.default_rng(0), True)[-1]
    _, _, _, gamma_u, gamma_r, c_tilde, _ = case.args[1]
    assert np.mean((gamma_u < 0.01) | (gamma_u > 0.99)) > 0.5
    assert np.mean(np.abs(c_tilde) > 0.99) > 0.5


# ---------------------------------------------------------------- broken answers in general
@pytest.mark.parametrize("name", NAMES)
def test_not_implemented(name):
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check(name, stub)


@pytest.mark.parametrize("name", ["gru_cell_backward", "gru_backward"])
def test_list_instead_of_array(name):
    def as_lists(*args):
        return {k: v.tolist() for k, v in getattr(gru, name)(*args).items()}
    with pytest.raises(CheckFailed, match="should be a numpy array, got list"):
        check(name, as_lists)


@pytest.mark.parametrize("name", ["gru_cell_forward", "gru_forward"])
def test_forward_list_instead_of_array(name):
    def as_lists(*args):
        a, y, cache = getattr(gru, name)(*args)
        return a.tolist(), y, cache
    with pytest.raises(CheckFailed, match="a should be a numpy array, got list|a_next should "
                                          "be a numpy array, got list"):
        check(name, as_lists)


@pytest.mark.parametrize("name", NAMES)
def test_wrong_shape(name):
    def flat(*args):
        out = getattr(gru, name)(*args)
        if isinstance(out, dict):
            return {**out, "dWu": out["dWu"].ravel()}
        return (out[0].ravel(), *out[1:])
    with pytest.raises(CheckFailed, match=r"(dWu|a_next|a) has shape \(\d+,\), expected"):
        check(name, flat)


@pytest.mark.parametrize("name, missing", [("gru_cell_backward", "dbr"),
                                           ("gru_backward", "da0")])
def test_missing_key_and_tuple(name, missing):
    fn = getattr(gru, name)

    def without(*args):
        grads = fn(*args)
        del grads[missing]
        return grads
    with pytest.raises(CheckFailed, match=f"missing '{missing}'"):
        check(name, without)
    with pytest.raises(CheckFailed, match="expected a dict of gradients, got tuple"):
        check(name, lambda *args: tuple(fn(*args).values()))


def test_forward_returning_two_values():
    with pytest.raises(CheckFailed, match="expected 3 return values"):
        check("gru_cell_forward", lambda xt, a, p: gru.gru_cell_forward(xt, a, p)[:2])


def test_a_split_the_wrong_way_is_explained_when_the_shapes_differ():
    case = gru_checks.EXERCISES["gru_cell_backward"].cases(np.random.default_rng(0), False)[1]
    assert case.args[1][2].shape[0] != case.args[0].shape[0]  # n_x != n_a
    with pytest.raises(CheckFailed, match="dxt and da_prev have each other's shapes"):
        gru_checks._compare_cell_backward(case, gru.gru_cell_backward(*case.args),
                                          cell_backward(*case.args, "dxt and da_prev swapped"))


def test_forbidden_functions_are_seqlib_internals():
    """The trusted grader refuses these inside an answer; each must exist and not be a
    closure (it swaps the function's code)."""
    for exercise in gru_checks.EXERCISES.values():
        for fn in exercise.forbidden:
            assert fn.__module__ == "seqlib.gru" and not fn.__code__.co_freevars
