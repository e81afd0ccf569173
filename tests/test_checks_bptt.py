"""The checks of notebook 03 (backpropagation through time): the reference passes, each known
mistake fails with its hint, and broken answers fail with a clear message."""

import copy

import numpy as np
import pytest

from seqlib import rnn
from seqlib.checks import CheckFailed, bptt, check
from seqlib.gradcheck import check_gradients, relative_error

NOTEBOOK_SEEDS = (20271, 20272, 20273)  # the hidden seeds of solutions/03_bptt.py


# ---------------------------------------------------------------- the reference passes
@pytest.mark.parametrize("name, fn", [("rnn_cell_backward", rnn.rnn_cell_backward),
                                      ("rnn_backward", rnn.rnn_backward),
                                      ("gradient_check", bptt.gradient_check)])
@pytest.mark.parametrize("seed", (0, *NOTEBOOK_SEEDS))
def test_reference_passes(name, fn, seed, capsys):
    check(name, fn, seed=seed)
    check(name, fn, seed=seed, hidden=True)
    out = capsys.readouterr()
    assert out.out.count("✓") == 2 and out.err == ""


def test_checks_return_none():
    assert check("rnn_backward", rnn.rnn_backward) is None


# ---------------------------------------------------------------- rnn_cell_backward mistakes
def cell_backward(da_next, cache, derivative=lambda a_next, a_prev: 1 - a_next**2,
                  tweak=None):
    """A learner's rnn_cell_backward; ``tweak`` replaces some results by wrong ones."""
    a_next, a_prev, xt, p = cache
    dz = derivative(a_next, a_prev) * da_next
    grads = {"dxt": p["Wax"].T @ dz, "da_prev": p["Waa"].T @ dz, "dWax": dz @ xt.T,
             "dWaa": dz @ a_prev.T, "dba": np.sum(dz, axis=1, keepdims=True)}
    if tweak:
        grads.update(tweak(dz, a_next, a_prev, xt, p, grads))
    return grads


CELL_MISTAKES = {
    "no derivative": (dict(derivative=lambda a_next, a_prev: 1.0),
                      "da_prev has the right shape but the wrong values: did you apply the "
                      "tanh derivative?"),
    "derivative of a_prev": (dict(derivative=lambda a_next, a_prev: 1 - a_prev**2),
                             "uses a_next, the output of this step's tanh, not a_prev"),
    "tanh twice": (dict(derivative=lambda a_next, a_prev: 1 - np.tanh(a_next) ** 2),
                   r"not 1 - tanh\(a_next\)\*\*2"),
    "(1 - a)^2": (dict(derivative=lambda a_next, a_prev: (1 - a_next) ** 2),
                  r"not \(1 - a_next\)\*\*2"),
    "sigmoid derivative": (dict(derivative=lambda a_next, a_prev: a_next * (1 - a_next)),
                           "the sigmoid's derivative"),
    "Waa not transposed": (dict(tweak=lambda dz, an, ap, xt, p, g: {"da_prev": p["Waa"] @ dz}),
                           r"da_prev = Waa.T @ dz"),
    "a_next in dWaa": (dict(tweak=lambda dz, an, ap, xt, p, g: {"dWaa": dz @ an.T}),
                       "dWaa has the right shape but the wrong values: dWaa = dz @ a_prev.T"),
    "dWaa transposed": (dict(tweak=lambda dz, an, ap, xt, p, g: {"dWaa": ap @ dz.T}),
                        "transposed: dWaa = dz @ a_prev.T"),
    "dWax divided by m": (dict(tweak=lambda dz, an, ap, xt, p, g: {
        "dWax": g["dWax"] / dz.shape[1]}), "do not divide by m"),
    "dxt transposed": (dict(tweak=lambda dz, an, ap, xt, p, g: {"dxt": dz.T @ p["Wax"]}),
                       r"dxt has shape \(\d, \d\), expected \(\d, \d\) \(transposed\?"),
    "dWax transposed": (dict(tweak=lambda dz, an, ap, xt, p, g: {"dWax": xt @ dz.T}),
                        r"dWax has shape .* \(transposed\?"),
    "dba not summed": (dict(tweak=lambda dz, an, ap, xt, p, g: {"dba": dz}),
                       r"sum dz over axis 1: np.sum\(dz, axis=1, keepdims=True\)"),
    "dba without keepdims": (dict(tweak=lambda dz, an, ap, xt, p, g: {
        "dba": np.sum(dz, axis=1)}), "keepdims=True"),
    "dba summed over units": (dict(tweak=lambda dz, an, ap, xt, p, g: {
        "dba": np.sum(dz, axis=0, keepdims=True)}), r"not over the units \(axis 0\)"),
    "dba summed over everything": (dict(tweak=lambda dz, an, ap, xt, p, g: {
        "dba": np.sum(dz)}), "dba is a single number"),
}


@pytest.mark.parametrize("mistake", CELL_MISTAKES)
def test_cell_mistakes_get_their_hint(mistake):
    kwargs, hint = CELL_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint):
        check("rnn_cell_backward", lambda da_next, cache: cell_backward(da_next, cache,
                                                                        **kwargs))


def test_cell_no_derivative_fails_the_saturated_case():
    """A gradient that ignores saturation fails the hidden set even if it were lucky before."""
    cases = bptt._cell_cases(np.random.default_rng(1), hidden=True)
    saturated = [c for c in cases if c.name == "saturated activations"][0]
    a_next = saturated.args[1][0]
    assert np.mean(np.abs(a_next) > 0.999) > 0.8
    with pytest.raises(CheckFailed, match="did you apply the tanh derivative"):
        bptt._compare_cell(saturated, rnn.rnn_cell_backward(*saturated.args),
                           cell_backward(*saturated.args, derivative=lambda an, ap: 1.0))


# ---------------------------------------------------------------- rnn_backward mistakes
def sequence_backward(da, caches, *, future=True, vertical=True, order="backward",
                      accumulate="sum", dx_index="t", da0="da_prev"):
    """A learner's rnn_backward, built on the reference cell, with optional mistakes."""
    step_caches, x = caches
    n_a, m, T_x = da.shape
    p = step_caches[0][3]
    dx = np.zeros(x.shape)
    sums = {k: np.zeros(p[k[1:]].shape) for k in ("dWax", "dWaa", "dba")}
    da_prevt = np.zeros((n_a, m))
    times = list(range(T_x)) if order == "forward" else list(reversed(range(T_x)))
    for i, t in enumerate(times):
        da_total = (da[:, :, t] if vertical else 0) + (da_prevt if future else 0)
        if t == 0:
            da1 = da_total
        g = rnn.rnn_cell_backward(da_total, step_caches[t])
        dx[:, :, i if dx_index == "loop" else t] = g["dxt"]
        da_prevt = g["da_prev"]
        for k in sums:
            sums[k] = g[k] if accumulate == "assign" else sums[k] + g[k]
    if accumulate == "mean":
        sums = {k: v / T_x for k, v in sums.items()}
    return {"dx": dx, "da0": da1 if da0 == "da1" else da_prevt, **sums}


SEQUENCE_MISTAKES = {
    "no gradient from the future": (dict(future=False),
                                    "add the one from the future"),
    "no gradient from the output": (dict(vertical=False),
                                    "da\\[:, :, t\\] from the output at step t, plus"),
    "loop forward": (dict(order="forward"), r"reversed\(range\(T_x\)\)"),
    "dW of the last step only": (dict(accumulate="assign"),
                                 r"add up \(\+=\) every step's gradient"),
    "dW averaged over time": (dict(accumulate="mean"), "do not average them"),
    "dx in loop order": (dict(dx_index="loop"), "store it at index t"),
    "da0 is the gradient into a<1>": (dict(da0="da1"), "the gradient with respect to a<0>"),
}


@pytest.mark.parametrize("mistake", SEQUENCE_MISTAKES)
def test_sequence_mistakes_get_their_hint(mistake):
    kwargs, hint = SEQUENCE_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=hint):
        check("rnn_backward", lambda da, caches: sequence_backward(da, caches, **kwargs))


def test_sequence_dW_of_t_equals_T_x_only():
    """The other way to keep only one step: dW from the last time step, T_x - 1."""
    def last_step_only(da, caches):
        grads = sequence_backward(da, caches)
        step = rnn.rnn_cell_backward(da[:, :, -1], caches[0][-1])
        return {**grads, **{k: step[k] for k in ("dWax", "dWaa", "dba")}}
    with pytest.raises(CheckFailed, match="shared by all T_x steps"):
        check("rnn_backward", last_step_only)


@pytest.mark.parametrize("layout", [(2, 0, 1), (2, 1, 0)])
def test_dx_with_time_first_is_explained(layout):
    def time_first(da, caches):
        grads = rnn.rnn_backward(da, caches)
        return {**grads, "dx": np.ascontiguousarray(grads["dx"].transpose(layout))}
    with pytest.raises(CheckFailed, match=r"dx has shape .*(time is the last axis|transposed)"):
        check("rnn_backward", time_first)


def test_sequence_dba_not_summed_over_examples():
    def unsummed(da, caches):
        grads = rnn.rnn_backward(da, caches)
        return {**grads, "dba": np.repeat(grads["dba"], da.shape[1], axis=1)}
    with pytest.raises(CheckFailed, match="sum dz over axis 1"):
        check("rnn_backward", unsummed)


def test_t_x_1_and_m_1_cases_are_hidden_edge_cases():
    names = [c.name for c in bptt._sequence_cases(np.random.default_rng(0), hidden=True)]
    assert any(n.startswith("m = 1") for n in names)
    assert any(n.startswith("T_x = 1") for n in names)
    assert "saturated activations" in names


# ---------------------------------------------------------------- gradient_check mistakes
def numeric_check(f, x, grad, eps=1e-6, *, variant=None):
    """A learner's gradient_check, with one optional mistake."""
    if variant == "copy":
        x = x.copy()
    num = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] += eps
        f_plus = f()
        if variant == "one_sided":
            x[ix] = old
            num[ix] = (f_plus - f()) / eps
            continue
        x[ix] -= 2 * eps
        f_minus = f()
        if variant != "no_restore":
            x[ix] = old
        diff = f_minus - f_plus if variant == "sign" else f_plus - f_minus
        num[ix] = diff / (eps if variant == "eps" else 2 * eps)
    norm = np.linalg.norm
    if variant == "no_denominator":
        return float(norm(grad - num))
    if variant == "grad_norm_only":
        return float(norm(grad - num) / norm(grad))
    return float(norm(grad - num) / (norm(grad) + norm(num)))


def test_a_learner_like_gradient_check_passes():
    check("gradient_check", numeric_check)
    check("gradient_check", numeric_check, seed=NOTEBOOK_SEEDS[2], hidden=True)


@pytest.mark.parametrize("variant, hint", [
    ("copy", "perturb x itself, in place"),
    ("sign", "or has the wrong sign"),
    ("one_sided", "use centred differences"),
    ("eps", "divide by 2 \\* eps"),
    ("no_restore", "restore x\\[ix\\]"),
    ("no_denominator", "the error is relative"),
    ("grad_norm_only", "the sum of both norms"),
])
def test_gradient_check_mistakes_get_their_hint(variant, hint):
    with pytest.raises(CheckFailed, match=hint):
        check("gradient_check", lambda f, x, grad, eps: numeric_check(f, x, grad, eps,
                                                                       variant=variant))


def test_gradient_check_returning_the_numerical_gradient():
    def returns_array(f, x, grad, eps):
        return np.zeros(x.shape)
    with pytest.raises(CheckFailed, match="a single number, got ndarray"):
        check("gradient_check", returns_array)


def test_gradient_check_a_2d_only_loop_fails_the_hidden_3d_case():
    def two_d(f, x, grad, eps):
        num = np.zeros(x.shape)
        for i in range(x.shape[0]):
            for j in range(x.shape[1]):
                old = x[i, j].copy()
                x[i, j] = old + eps
                f_plus = f()
                x[i, j] = old - eps
                num[i, j] = (f_plus - f()) / (2 * eps)
                x[i, j] = old
        return relative_error(grad, num)
    check("gradient_check", two_d)  # the visible cases are 2-D
    with pytest.raises((CheckFailed, ValueError, IndexError)):
        check("gradient_check", two_d, seed=NOTEBOOK_SEEDS[2], hidden=True)


def test_gradient_check_cases_are_what_they_say():
    """'correct gradient' cases are within 1e-7 of centred differences; the others are off."""
    for case in bptt._gradient_check_cases(np.random.default_rng(7), hidden=True):
        f, x, grad, _ = copy.deepcopy(case.args)
        error = check_gradients(f, {"x": x}, {"dx": grad})["x"]
        if "the correct gradient" in case.name:
            assert error < 1e-7, case.name
        else:
            assert error > 1e-2, case.name


def test_gradient_check_f_follows_x_through_the_copy():
    """call_learner deep-copies the arguments: the copied f must read the copied x."""
    case = bptt._gradient_check_cases(np.random.default_rng(0), hidden=False)[0]
    f, x, _, _ = copy.deepcopy(case.args)
    before = f()
    x += 0.1
    assert f() != before
    assert case.args[0]() == before


# ---------------------------------------------------------------- broken answers in general
@pytest.mark.parametrize("name", ["rnn_cell_backward", "rnn_backward", "gradient_check"])
def test_not_implemented(name):
    def stub(*args):
        raise NotImplementedError()
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check(name, stub)


@pytest.mark.parametrize("name, fn", [("rnn_cell_backward", rnn.rnn_cell_backward),
                                      ("rnn_backward", rnn.rnn_backward)])
def test_list_instead_of_array(name, fn):
    def as_lists(*args):
        return {k: v.tolist() for k, v in fn(*args).items()}
    with pytest.raises(CheckFailed, match="should be a numpy array, got list"):
        check(name, as_lists)


@pytest.mark.parametrize("name, fn", [("rnn_cell_backward", rnn.rnn_cell_backward),
                                      ("rnn_backward", rnn.rnn_backward)])
def test_wrong_shape(name, fn):
    def flat(*args):
        grads = fn(*args)
        return {**grads, "dWaa": grads["dWaa"].ravel()}
    with pytest.raises(CheckFailed, match=r"dWaa has shape \(\d+,\), expected"):
        check(name, flat)


@pytest.mark.parametrize("name, fn, missing", [
    ("rnn_cell_backward", rnn.rnn_cell_backward, "dxt"),
    ("rnn_backward", rnn.rnn_backward, "da0")])
def test_missing_key_and_tuple(name, fn, missing):
    def without(*args):
        grads = fn(*args)
        del grads[missing]
        return grads
    with pytest.raises(CheckFailed, match=f"missing '{missing}'"):
        check(name, without)
    with pytest.raises(CheckFailed, match="expected a dict of gradients, got tuple"):
        check(name, lambda *args: tuple(fn(*args).values()))
