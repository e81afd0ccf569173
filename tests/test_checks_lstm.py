"""The checks of notebook 07 (LSTM): the reference passes, each known mistake fails with its
hint (written here as a small wrong implementation), and broken answers fail clearly."""

import numpy as np
import pytest

from seqlib import lstm
from seqlib.activations import sigmoid, softmax
from seqlib.checks import CheckFailed, check
from seqlib.checks import lstm as checks

NOTEBOOK_SEEDS = (20771, 20772, 20773, 20774)  # the hidden seeds of solutions/07_lstm.py
NAMES = ("lstm_cell_forward", "lstm_forward", "lstm_cell_backward", "lstm_backward")
REFERENCES = {"lstm_cell_forward": lstm.lstm_cell_forward, "lstm_forward": lstm.lstm_forward,
              "lstm_cell_backward": lstm.lstm_cell_backward, "lstm_backward": lstm.lstm_backward}
GATES = ("f", "u", "c", "o")


def run_all(name, fn):
    """The visible check, then a hidden one, as a notebook's test cell runs them."""
    check(name, fn)
    check(name, fn, seed=NOTEBOOK_SEEDS[NAMES.index(name)], hidden=True)


# ---------------------------------------------------------------- the reference passes
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", (0, 1, *NOTEBOOK_SEEDS))
def test_reference_passes(name, seed, capsys):
    assert check(name, REFERENCES[name], seed=seed) is None
    assert check(name, REFERENCES[name], seed=seed, hidden=True) is None
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == ""


def test_hidden_sets_hold_the_edge_cases():
    rng = np.random.default_rng(0)
    for cases in (checks._step_cases(rng, True), checks._sequence_cases(rng, True),
                  checks._cell_backward_cases(rng, True), checks._backward_cases(rng, True)):
        names = [c.name for c in cases]
        assert any(n.startswith("m = 1") for n in names)
        assert "saturated gates" in names
    names = [c.name for c in checks._sequence_cases(rng, True)]
    assert any(n.startswith("T_x = 1") for n in names)


def test_saturated_gates_are_saturated():
    case = [c for c in checks._cell_backward_cases(np.random.default_rng(2), True)
            if c.name == "saturated gates"][0]
    gates = np.stack(case.args[2][4:8])  # Γf, Γu, c̃, Γo
    assert np.mean(np.minimum(np.abs(gates), np.abs(1 - np.abs(gates))) < 1e-3) > 0.8


def test_backward_cases_match_da_to_x():
    """The MOOC's bug was a da with fewer steps than x: here T_x always agrees."""
    for case in checks._backward_cases(np.random.default_rng(3), True):
        da, (step_caches, x) = case.args
        assert da.shape[2] == x.shape[2] == len(step_caches)


def test_reimplemented_variants_are_the_reference_when_right():
    rng = np.random.default_rng(4)
    for case in checks._cell_backward_cases(rng, True):
        want, got = lstm.lstm_cell_backward(*case.args), checks._cell_backward(*case.args)
        assert all(np.allclose(want[k], got[k]) for k in want)
    for case in checks._step_cases(rng, True):
        a, c, _, _ = lstm.lstm_cell_forward(*case.args)
        a2, c2 = checks._step_variant(*case.args)
        assert np.allclose(a, a2) and np.allclose(c, c2)


@pytest.mark.parametrize("table, make", [
    ("STEP_HINTS", lambda case, v: checks._step_variant(*case.args, v)),
    ("CELL_HINTS", lambda case, v: tuple(checks._cell_backward(*case.args, v).values())),
])
def test_every_hinted_variant_differs_on_the_visible_cases(table, make):
    """A hint is only useful if its mistake changes a result on the public cases."""
    cases = (checks._step_cases if table == "STEP_HINTS" else checks._cell_backward_cases)(
        np.random.default_rng(0), False)
    for variant in getattr(checks, table):
        right, wrong = make(cases[0], None), make(cases[0], variant)
        assert any(not np.allclose(r, w) for r, w in zip(right, wrong, strict=True)), variant


# ---------------------------------------------------------------- lstm_cell_forward mistakes
def cell_forward(xt, a_prev, c_prev, p, mistake=None):
    """A learner's lstm_cell_forward, with one optional mistake."""
    concat = np.vstack([xt, a_prev] if mistake == "x first" else [a_prev, xt])

    def z(g):
        return p["W" + g] @ concat + (0 if mistake in ("no biases", "no " + g) else p["b" + g])

    gate = np.tanh if mistake == "tanh gates" else sigmoid
    ft, it, ot = gate(z("f")), gate(z("u")), gate(z("o"))
    cct = sigmoid(z("c")) if mistake == "sigmoid candidate" else np.tanh(z("c"))
    if mistake == "swapped":
        c_next = ft * cct + it * c_prev
    elif mistake == "gru":
        c_next = it * cct + (1 - it) * c_prev
    elif mistake == "a_prev kept":
        c_next = it * cct + ft * a_prev
    else:
        c_next = it * cct + ft * c_prev
    if mistake == "no tanh":
        a_next = ot * c_next
    elif mistake == "tanh outside":
        a_next = np.tanh(ot * c_next)
    elif mistake == "old c":
        a_next = ot * np.tanh(c_prev)
    else:
        a_next = ot * np.tanh(c_next)
    zy = p["Wy"] @ (c_next if mistake == "y from c" else a_next) + p["by"]
    yt_pred = {"no softmax": zy, "softmax axis 1": softmax(zy, axis=1),
               "no by": softmax(zy - p["by"])}.get(mistake, softmax(zy))
    cache = (a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p)
    if mistake == "cache order":
        cache = (a_next, c_next, a_prev, c_prev, it, ft, cct, ot, xt, p)
    if mistake == "short cache":
        cache = (a_next, c_next, a_prev, xt, p)
    if mistake == "returned c, a":
        return c_next, a_next, yt_pred, cache
    return a_next, c_next, yt_pred, cache


CELL_FORWARD_MISTAKES = {
    "no tanh": r"not Γo \* c<t>. Some slides drop the tanh",
    "tanh outside": r"take the tanh of c<t>, then multiply by Γo",
    "old c": "uses the new memory cell c_next, not c_prev",
    "swapped": "you swapped them",
    "gru": "is the GRU's update",
    "a_prev kept": "keeps the memory cell c_prev, not the hidden state a_prev",
    "x first": r"stack the hidden state first, \[a_prev; xt\]",
    "sigmoid candidate": "the candidate c̃<t> uses tanh, not the sigmoid",
    "tanh gates": "use the sigmoid σ, so that they lie between 0 and 1",
    "no biases": "forget the biases bf, bu, bc and bo",
    "no f": "forget the bias bf",
    "no u": "forget the bias bu",
    "no c": "forget the bias bc",
    "no o": "forget the bias bo",
    "no softmax": "apply the softmax",
    "softmax axis 1": r"over the units \(axis 0\)",
    "y from c": "from the hidden state a_next, not the memory cell c_next",
    "no by": "forget the bias by",
    "cache order": r"cache\[4\] should be Γf",
    "short cache": r"expected 10 return values \(the cache",
    "returned c, a": r"a_next and c_next are swapped: return \(a_next, c_next, yt_pred, cache\)",
}


@pytest.mark.parametrize("mistake", CELL_FORWARD_MISTAKES)
def test_cell_forward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=CELL_FORWARD_MISTAKES[mistake]):
        run_all("lstm_cell_forward", lambda *args: cell_forward(*args, mistake=mistake))


def test_a_learner_like_cell_forward_passes():
    run_all("lstm_cell_forward", cell_forward)


# ---------------------------------------------------------------- lstm_forward mistakes
def sequence_forward(x, a0, p, mistake=None):
    """A learner's lstm_forward, on the reference cell, with one optional mistake."""
    n_a, m = a0.shape
    T_x = x.shape[2]
    a, c = np.zeros((n_a, m, T_x)), np.zeros((n_a, m, T_x))
    y = np.zeros((p["Wy"].shape[0], m, T_x))
    a_prev, c_prev = a0, a0 if mistake == "c0 = a0" else np.zeros_like(a0)
    caches = []
    for t in range(T_x):
        a_next, c_next, yt, cache = lstm.lstm_cell_forward(x[:, :, t], a_prev, c_prev, p)
        a[:, :, t], c[:, :, t], y[:, :, t] = ((a_prev, c_prev, yt) if mistake == "stored prev"
                                              else (a_next, c_next, yt))
        caches.append(cache)
        if mistake != "from a0":
            a_prev = a_prev if mistake == "a not carried" else a_next
            c_prev = c_prev if mistake == "c not carried" else c_next
    if mistake == "order a, c, y":
        return a, c, y, (caches, x)
    if mistake == "caches without x":
        return a, y, c, caches
    return a, y, c, (caches, x)


SEQUENCE_FORWARD_MISTAKES = {
    "c0 = a0": r"c<0> = np.zeros_like\(a0\), not a0",
    "from a0": "not from a0 and c<0>",
    "a not carried": "carry a from step to step",
    "c not carried": "carry c from step to step too",
    "stored prev": "you stored a_prev and c_prev",
    "order a, c, y": r"y and c are swapped: return \(a, y, c, caches\)",
    "caches without x": r"caches should be \(list of the T_x step caches, x\)",
}


@pytest.mark.parametrize("mistake", SEQUENCE_FORWARD_MISTAKES)
def test_sequence_forward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=SEQUENCE_FORWARD_MISTAKES[mistake]):
        run_all("lstm_forward", lambda *args: sequence_forward(*args, mistake=mistake))


def test_a_learner_like_forward_passes():
    run_all("lstm_forward", sequence_forward)


def test_forward_with_a_learner_cell_that_is_right():
    def forward(x, a0, p):
        return sequence_forward(x, a0, p)
    run_all("lstm_forward", forward)


# ---------------------------------------------------------------- lstm_cell_backward mistakes
def cell_backward(da_next, dc_next, cache, mistake=None):
    """A learner's lstm_cell_backward, written differently from the reference (gate by gate,
    no loop), with one optional mistake."""
    a_next, c_next, a_prev, c_prev, ft, it, cct, ot, xt, p = cache
    n_a, m = a_prev.shape
    tc = np.tanh(c_next)
    dot = da_next * (c_next if mistake == "dΓo with c" else tc)
    if mistake == "no dc_next":
        dc = da_next * ot * (1 - tc**2)
    elif mistake == "no tanh derivative":
        dc = dc_next + da_next * ot
    elif mistake == "no Γo":
        dc = dc_next + da_next * (1 - tc**2)
    elif mistake == "no a path":
        dc = dc_next
    else:
        dc = dc_next + da_next * ot * (1 - tc**2)
    dft, dit = dc * c_prev, dc * cct
    if mistake == "swapped f u":
        dft, dit = dit, dft
    dcct = dc * it
    if mistake == "tanh' for gates":
        dzf, dzu, dzo = dft * (1 - ft**2), dit * (1 - it**2), dot * (1 - ot**2)
    elif mistake == "no σ'":
        dzf, dzu, dzo = dft, dit, dot
    else:
        dzf, dzu, dzo = dft * ft * (1 - ft), dit * it * (1 - it), dot * ot * (1 - ot)
    dzc = {"σ' for candidate": dcct * cct * (1 - cct),
           "no tanh' for candidate": dcct}.get(mistake, dcct * (1 - cct**2))
    concat = np.vstack([xt, a_prev] if mistake == "concat x first" else [a_prev, xt])
    g = {"dWf": dzf @ concat.T, "dWu": dzu @ concat.T, "dWc": dzc @ concat.T,
         "dWo": dzo @ concat.T}
    for name, dz in (("f", dzf), ("u", dzu), ("c", dzc), ("o", dzo)):
        g["db" + name] = dz.sum(axis=1, keepdims=True)
    terms = {"f": p["Wf"].T @ dzf, "u": p["Wu"].T @ dzu, "c": p["Wc"].T @ dzc,
             "o": p["Wo"].T @ dzo}
    dconcat = sum(v for k, v in terms.items() if mistake != f"without W{k}")
    if mistake == "split x first":
        g["dxt"], g["da_prev"] = dconcat[:xt.shape[0]], dconcat[xt.shape[0]:]
    else:
        g["da_prev"], g["dxt"] = dconcat[:n_a], dconcat[n_a:]
    g["dc_prev"] = {"dc_prev without Γf": dc,
                    "dc_prev from dc_next only": dc_next * ft}.get(mistake, dc * ft)
    if mistake == "divided by m":
        g.update({k: v / m for k, v in g.items() if k[:2] in ("dW", "db")})
    if mistake == "dbf not summed":
        g["dbf"] = dzf
    if mistake == "dbo without keepdims":
        g["dbo"] = dzo.sum(axis=1)
    if mistake == "dbu over units":
        g["dbu"] = dzu.sum(axis=0, keepdims=True)
    if mistake == "dbc a number":
        g["dbc"] = float(dzc.sum())
    if mistake == "dWf transposed":
        g["dWf"] = concat @ dzf.T
    return g


CELL_BACKWARD_MISTAKES = {
    "no dc_next": "add dc_next, the one coming back from c<t\\+1>",
    "no tanh derivative": "the tanh derivative is missing",
    "no Γo": "the factor Γo is missing",
    "no a path": "also comes through a<t>",
    "dΓo with c": r"dΓo = da_next \* tanh\(c_next\)",
    "dc_prev without Γf": r"dc_prev = dc \* Γf: c<t-1> enters c<t> multiplied by the forget",
    "dc_prev from dc_next only": "with dc the whole gradient into c<t>",
    "swapped f u": r"dΓf = dc \* c_prev and dΓu = dc \* c̃",
    "tanh' for gates": r"the gates are sigmoids: σ'\(z\) = Γ \* \(1 - Γ\)",
    "no σ'": "did you apply the sigmoid derivative",
    "σ' for candidate": r"its derivative is 1 - c̃\*\*2, not c̃ \* \(1 - c̃\)",
    "no tanh' for candidate": "apply the tanh derivative to the candidate",
    "concat x first": r"concat = \[a_prev; xt\], the hidden state first",
    "split x first": r"the first n_a rows of .* are da_prev",
    "without Wf": "Wf's is missing",
    "without Wu": "Wu's is missing",
    "without Wc": "Wc's is missing",
    "without Wo": "Wo's is missing",
    "divided by m": "do not divide by m",
    "dbf not summed": r"sum dzf over axis 1: np.sum\(dzf, axis=1, keepdims=True\)",
    "dbo without keepdims": "keep it a column with keepdims=True",
    "dbu over units": r"not over the units \(axis 0\)",
    "dbc a number": "dbc is a single number",
    "dWf transposed": r"dWf has shape .* \(transposed\?",
}


@pytest.mark.parametrize("mistake", CELL_BACKWARD_MISTAKES)
def test_cell_backward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=CELL_BACKWARD_MISTAKES[mistake]):
        run_all("lstm_cell_backward", lambda *args: cell_backward(*args, mistake=mistake))


def test_a_learner_like_cell_backward_passes():
    run_all("lstm_cell_backward", cell_backward)


def test_split_x_first_with_equal_sizes_gets_the_value_hint():
    """With n_x = n_a the swapped split has the right shapes; the hidden case catches it."""
    case = [c for c in checks._cell_backward_cases(np.random.default_rng(5), True)
            if c.name.startswith("n_x = n_a")][0]
    with pytest.raises(CheckFailed, match="are da_prev"):
        checks._compare_cell_backward(case, lstm.lstm_cell_backward(*case.args),
                                      cell_backward(*case.args, mistake="split x first"))


# ---------------------------------------------------------------- lstm_backward mistakes
def sequence_backward(da, caches, mistake=None, cell=lstm.lstm_cell_backward):
    """A learner's lstm_backward, on a cell backward, with one optional mistake."""
    step_caches, x = caches
    n_a, m, T_x = da.shape
    dx = np.zeros(x.shape)
    sums = {f"d{w}{g}": 0.0 for g in GATES for w in "Wb"}
    da_next_t, dc_next_t = np.zeros((n_a, m)), np.zeros((n_a, m))
    times = range(T_x) if mistake == "forward loop" else reversed(range(T_x))
    for i, t in enumerate(times):
        da_in = {"no future da": da[:, :, t], "no output da": da_next_t}.get(
            mistake, da[:, :, t] + da_next_t)
        dc_in = np.zeros((n_a, m)) if mistake == "no future dc" else dc_next_t
        if t == 0:
            first = (da_in, dc_in)
        args = (dc_in, da_in) if mistake == "swapped arguments" else (da_in, dc_in)
        step = cell(*args, step_caches[t])
        dx[:, :, i if mistake == "dx in loop order" else t] = step["dxt"]
        da_next_t, dc_next_t = step["da_prev"], step["dc_prev"]
        for key in sums:
            sums[key] = step[key] if mistake == "assign" else sums[key] + step[key]
    if mistake == "mean":
        sums = {k: v / T_x for k, v in sums.items()}
    da0 = first[0] if mistake == "da0 into a<1>" else da_next_t
    dc0 = {"dc0 into c<1>": first[1], "dc0 zeros": np.zeros((n_a, m))}.get(mistake, dc_next_t)
    return {"dx": dx, "da0": da0, "dc0": dc0, **sums}


SEQUENCE_BACKWARD_MISTAKES = {
    "no future da": "add the da_prev that step t\\+1 returned to da",
    "no output da": r"da\[:, :, t\] from the output at step t, plus",
    "no future dc": "as step t's dc_next: the memory cell's gradient flows back",
    "swapped arguments": r"call lstm_cell_backward\(da_next, dc_next, cache\)",
    "forward loop": r"reversed\(range\(T_x\)\)",
    "assign": r"add up \(\+=\) every step's gradient",
    "mean": "do not average them",
    "dx in loop order": "store it at index t",
    "da0 into a<1>": "da0 is the gradient with respect to a<0>",
    "dc0 into c<1>": "dc0 is the gradient with respect to c<0>",
    "dc0 zeros": "dc0 is the gradient with respect to c<0>",
}


@pytest.mark.parametrize("mistake", SEQUENCE_BACKWARD_MISTAKES)
def test_sequence_backward_mistakes_get_their_hint(mistake):
    with pytest.raises(CheckFailed, match=SEQUENCE_BACKWARD_MISTAKES[mistake]):
        run_all("lstm_backward", lambda da, caches: sequence_backward(da, caches, mistake))


def test_a_learner_like_backward_on_a_learner_like_cell_passes():
    run_all("lstm_backward", lambda da, caches: sequence_backward(da, caches,
                                                                  cell=cell_backward))


def test_a_wrong_cell_backward_fails_the_sequence_check():
    """lstm_backward calls the learner's cell: a cell mistake shows through it."""
    def wrong_cell(*args):
        return cell_backward(*args, mistake="dc_prev without Γf")
    with pytest.raises(CheckFailed, match="wrong values .* lstm_backward calls your "
                                          "lstm_cell_backward: if that passed its test"):
        run_all("lstm_backward", lambda da, caches: sequence_backward(da, caches,
                                                                      cell=wrong_cell))


@pytest.mark.parametrize("layout", [(2, 0, 1), (2, 1, 0)])
def test_dx_with_time_first_is_explained(layout):
    def time_first(da, caches):
        grads = lstm.lstm_backward(da, caches)
        return {**grads, "dx": np.ascontiguousarray(grads["dx"].transpose(layout))}
    with pytest.raises(CheckFailed, match=r"dx has shape .*(time is the last axis|transposed)"):
        check("lstm_backward", time_first)


# ---------------------------------------------------------------- broken answers in general
@pytest.mark.parametrize("name", NAMES)
def test_not_implemented(name):
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check(name, stub)


@pytest.mark.parametrize("name", NAMES)
def test_list_instead_of_array(name):
    def as_lists(*args):
        got = REFERENCES[name](*args)
        if isinstance(got, dict):
            return {k: v.tolist() for k, v in got.items()}
        return (got[0].tolist(), *got[1:])
    with pytest.raises(CheckFailed, match="should be a numpy array, got list"):
        check(name, as_lists)


@pytest.mark.parametrize("name, key", [("lstm_cell_backward", "dWo"), ("lstm_backward", "dWc"),
                                       ("lstm_cell_backward", "dc_prev"),
                                       ("lstm_backward", "dc0")])
def test_wrong_shape(name, key):
    def flat(*args):
        grads = REFERENCES[name](*args)
        return {**grads, key: grads[key].ravel()}
    with pytest.raises(CheckFailed, match=rf"{key} has shape \(\d+,\), expected"):
        check(name, flat)


@pytest.mark.parametrize("name", ["lstm_cell_forward", "lstm_forward"])
def test_forward_wrong_shape(name):
    def flat(*args):
        got = REFERENCES[name](*args)
        return (got[0].ravel(), *got[1:])
    with pytest.raises(CheckFailed, match=r"a(_next)? has shape \(\d+,\), expected"):
        check(name, flat)


@pytest.mark.parametrize("name, missing", [("lstm_cell_backward", "dc_prev"),
                                           ("lstm_backward", "dc0")])
def test_missing_key_and_tuple(name, missing):
    def without(*args):
        grads = REFERENCES[name](*args)
        del grads[missing]
        return grads
    with pytest.raises(CheckFailed, match=f"missing '{missing}'"):
        check(name, without)
    with pytest.raises(CheckFailed, match="expected a dict of gradients, got tuple"):
        check(name, lambda *args: tuple(REFERENCES[name](*args).values()))


@pytest.mark.parametrize("name, count", [("lstm_cell_forward", 4), ("lstm_forward", 4)])
def test_too_few_return_values(name, count):
    with pytest.raises(CheckFailed, match=f"expected {count} return values"):
        check(name, lambda *args: REFERENCES[name](*args)[:3])
