"""The checks of notebook 05 (vanishing and exploding gradients): they pass the references,
and each likely mistake fails with its hint."""

import numpy as np
import pytest

from seqlib import rnn
from seqlib.checks import CheckFailed, check
from seqlib.checks import gradients as g
from seqlib.gradcheck import numerical_gradient

HIDDEN_SEED = 4321


@pytest.mark.parametrize("name, fn", [
    ("state_jacobian", g.state_jacobian),
    ("gradient_norms_through_time", g.gradient_norms_through_time),
    ("clip_by_global_norm", g.optim.clip_by_global_norm),
])
@pytest.mark.parametrize("hidden", [False, True])
def test_references_pass(name, fn, hidden, capsys):
    check(name, fn, seed=HIDDEN_SEED if hidden else 0, hidden=hidden)
    out = capsys.readouterr()
    assert out.out.startswith("✓") and out.err == ""


# ---------------------------------------------------------------- the references are right
def test_state_jacobian_is_the_derivative_of_a_step(rng):
    n_x, n_a, m = 3, 4, 2
    x = rng.standard_normal((n_x, m))
    a_prev = rng.standard_normal((n_a, m))
    p = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
         "ba": rng.standard_normal((n_a, 1))}
    a_t = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ x + p["ba"])
    jacobian = g.state_jacobian(a_t, p["Waa"])
    for i in range(m):
        for j in range(n_a):
            def unit_j(i=i, j=j):
                return np.tanh(p["Waa"] @ a_prev + p["Wax"] @ x + p["ba"])[j, i]
            numeric = numerical_gradient(unit_j, a_prev)  # d a_j<t> (example i) / d a<t-1>
            np.testing.assert_allclose(jacobian[i, j], numeric[:, i], atol=1e-8)


def test_gradient_norms_match_finite_differences_through_time(rng):
    """‖∂a<T_x>/∂a<t>‖₂ from centred differences of seqlib's forward pass, step by step."""
    n_x, n_a, m, T_x = 3, 4, 2, 5
    x = rng.standard_normal((n_x, m, T_x))
    p = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
         "ba": rng.standard_normal((n_a, 1))}
    a, _ = rnn.forward_states(x, rng.standard_normal((n_a, m)), p)

    def last_state(t, a_t):  # a_t is a<t+1> (index t); run the remaining steps
        for k in range(t + 1, T_x):
            a_t = np.tanh(p["Waa"] @ a_t + p["Wax"] @ x[:, :, k] + p["ba"])
        return a_t

    expected = []
    for t in range(T_x):
        norms = []
        for i in range(m):
            columns = []
            for k in range(n_a):
                nudge = np.zeros((n_a, m))
                nudge[k, i] = 1e-6
                diff = last_state(t, a[:, :, t] + nudge) - last_state(t, a[:, :, t] - nudge)
                columns.append(diff[:, i] / 2e-6)
            norms.append(np.linalg.norm(np.stack(columns, axis=1), ord=2))
        expected.append(np.mean(norms))
    np.testing.assert_allclose(g.gradient_norms_through_time(a, p["Waa"]), expected,
                               rtol=1e-6)


def test_the_checks_leave_numpy_warnings_and_stderr_alone(capsys):
    def noisy(gradients, max_norm):  # divides by a zero norm: a warning, then the right answer
        norm = float(np.sqrt(sum(np.sum(v**2) for v in gradients.values())))
        scale = min(1.0, max_norm / np.float64(norm))
        return {k: v * scale for k, v in gradients.items()}, norm

    check("clip_by_global_norm", noisy, seed=HIDDEN_SEED, hidden=True)
    out = capsys.readouterr()
    assert "note:" in out.out and out.err == ""


# ---------------------------------------------------------------- state_jacobian mistakes
def jac_waa_alone(a_t, Waa):
    return np.broadcast_to(Waa, (a_t.shape[1], *Waa.shape)).copy()


def jac_columns(a_t, Waa):
    return Waa[None] * (1 - a_t.T**2)[:, None, :]


def jac_transposed(a_t, Waa):
    return np.transpose(g.state_jacobian(a_t, Waa), (0, 2, 1))


def jac_tanh_again(a_t, Waa):
    return (1 - np.tanh(a_t.T) ** 2)[:, :, None] * Waa


def jac_no_square(a_t, Waa):
    return (1 - a_t.T)[:, :, None] * Waa


def jac_sign(a_t, Waa):
    return (a_t.T**2 - 1)[:, :, None] * Waa


def jac_examples_last(a_t, Waa):
    return np.moveaxis(g.state_jacobian(a_t, Waa), 0, 2)


def jac_first_example_only(a_t, Waa):
    return (1 - a_t[:, 0] ** 2)[:, None] * Waa


def jac_list(a_t, Waa):
    return [m for m in g.state_jacobian(a_t, Waa)]


def not_implemented(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("fn, hint", [
    (jac_waa_alone, "that is Waa alone"),
    (jac_columns, "wrong order"),
    (jac_transposed, "transposed"),
    (jac_tanh_again, "do not apply tanh again"),
    (jac_no_square, r"1 - a_t² \(squared\)"),
    (jac_sign, "the sign"),
    (jac_examples_last, "put the examples first"),
    (jac_first_example_only, "one Jacobian per example"),
    (jac_list, "should be a numpy array"),
    (not_implemented, "not implemented yet"),
])
def test_state_jacobian_mistakes(fn, hint):
    with pytest.raises(CheckFailed, match=hint):
        check("state_jacobian", fn)


# ---------------------------------------------------------------- gradient_norms mistakes
def norms_reversed(a, Waa):
    return g.gradient_norms_through_time(a, Waa)[::-1].copy()


def norms_waa_alone(a, Waa):
    return g._norms_variant(a, Waa, lambda a_t, W: np.broadcast_to(W, (a_t.shape[1], *W.shape)))


def norms_diag_right(a, Waa):
    return g._norms_variant(a, Waa, jac_columns)


def norms_left(a, Waa):
    n_a, m, T_x = a.shape
    product, norms = np.broadcast_to(np.eye(n_a), (m, n_a, n_a)), np.zeros(T_x)
    for t in reversed(range(T_x)):
        norms[t] = np.mean(np.linalg.norm(product, ord=2, axis=(1, 2)))
        product = g.state_jacobian(a[:, :, t], Waa) @ product  # new factor on the left
    return norms


def norms_off_by_one(a, Waa):
    n_a, m, T_x = a.shape
    product, norms = np.broadcast_to(np.eye(n_a), (m, n_a, n_a)), np.zeros(T_x)
    for t in reversed(range(T_x)):
        product = product @ g.state_jacobian(a[:, :, t], Waa)  # before taking the norm
        norms[t] = np.mean(np.linalg.norm(product, ord=2, axis=(1, 2)))
    return norms


def norms_frobenius(a, Waa):
    return g._norms_variant(a, Waa, ord="fro")


def norms_of_mean(a, Waa):
    return g._norms_variant(a, Waa, mean_first=True)


def norms_per_example(a, Waa):
    n_a, m, T_x = a.shape
    return np.stack([g.gradient_norms_through_time(a[:, i:i + 1], Waa) for i in range(m)])


def norms_list(a, Waa):
    return list(g.gradient_norms_through_time(a, Waa))


@pytest.mark.parametrize("fn, hint", [
    (norms_reversed, "reverse time order"),
    (norms_waa_alone, "product of Waa alone"),
    (norms_diag_right, r"not Waa diag"),
    (norms_left, "multiplied in the wrong order"),
    (norms_off_by_one, "off by one"),
    (norms_frobenius, "Frobenius"),
    (norms_of_mean, "norm of the mean Jacobian"),
    (norms_per_example, "average the norms over the m examples"),
    (norms_list, "should be a numpy array"),
    (not_implemented, "not implemented yet"),
])
def test_gradient_norms_mistakes(fn, hint):
    with pytest.raises(CheckFailed, match=hint):
        check("gradient_norms_through_time", fn)


def test_gradient_norms_without_the_last_step_fail_on_the_shape():
    def skips_identity(a, Waa):  # stops before t = T_x
        return g.gradient_norms_through_time(a, Waa)[:-1].copy()

    with pytest.raises(CheckFailed, match=r"shape \(\d+,\), expected \(\d+,\)"):
        check("gradient_norms_through_time", skips_identity)


# ---------------------------------------------------------------- clip_by_global_norm mistakes
def global_norm(gradients):
    return float(np.sqrt(sum(np.sum(v**2) for v in gradients.values())))


def clip_each(gradients, max_norm):
    out = {}
    for k, v in gradients.items():
        n = np.linalg.norm(v)
        out[k] = v * (max_norm / n) if n > max_norm else v.copy()
    return out, global_norm(gradients)


def clip_value(gradients, max_norm):
    return ({k: np.clip(v, -max_norm, max_norm) for k, v in gradients.items()},
            global_norm(gradients))


def clip_always(gradients, max_norm):
    norm = global_norm(gradients)
    return {k: v * max_norm / norm for k, v in gradients.items()}, norm


def clip_no_sqrt(gradients, max_norm):
    squares = sum(float(np.sum(v**2)) for v in gradients.values())
    scale = max_norm / squares if squares > max_norm else 1.0
    return {k: v * scale for k, v in gradients.items()}, squares


def clip_upside_down(gradients, max_norm):
    norm = global_norm(gradients)
    scale = norm / max_norm if norm > max_norm else 1.0
    return {k: v * scale for k, v in gradients.items()}, norm


def clip_in_place(gradients, max_norm):
    norm = global_norm(gradients)
    if norm > max_norm:
        for v in gradients.values():
            v *= max_norm / norm
    return gradients, norm


def clip_replaces_in_input(gradients, max_norm):
    norm = global_norm(gradients)
    if norm > max_norm:
        for k in gradients:
            gradients[k] = gradients[k] * (max_norm / norm)
    return dict(gradients), norm


def clip_norm_after(gradients, max_norm):
    clipped, _ = g.optim.clip_by_global_norm(gradients, max_norm)
    return clipped, global_norm(clipped)


def clip_sum_of_norms(gradients, max_norm):
    clipped, _ = g.optim.clip_by_global_norm(gradients, max_norm)
    return clipped, sum(float(np.linalg.norm(v)) for v in gradients.values())


def clip_never(gradients, max_norm):
    return {k: v.copy() for k, v in gradients.items()}, global_norm(gradients)


def clip_dict_only(gradients, max_norm):
    return g.optim.clip_by_global_norm(gradients, max_norm)[0]


def clip_renames(gradients, max_norm):
    clipped, norm = g.optim.clip_by_global_norm(gradients, max_norm)
    return {k.lstrip("d"): v for k, v in clipped.items()}, norm


def clip_extra_key(gradients, max_norm):
    clipped, norm = g.optim.clip_by_global_norm(gradients, max_norm)
    return {**clipped, "norm": np.array(norm)}, norm


@pytest.mark.parametrize("fn, hint", [
    (clip_each, "clipped by its own norm"),
    (clip_value, "clipping by value"),
    (clip_always, "not above max_norm"),
    (clip_no_sqrt, "square root of the sum of squares"),
    (clip_upside_down, "upside down"),
    (clip_in_place, "changed the gradients it was given"),
    (clip_replaces_in_input, "changed the gradients it was given"),
    (clip_norm_after, "BEFORE clipping"),
    (clip_sum_of_norms, "sum of the arrays' norms"),
    (clip_never, "returned unclipped"),
    (clip_dict_only, "expected 2 return values"),
    (clip_renames, "missing"),
    (clip_extra_key, "keys that were not in gradients"),
    (not_implemented, "not implemented yet"),
])
def test_clip_by_global_norm_mistakes(fn, hint):
    with pytest.raises(CheckFailed, match=hint):
        check("clip_by_global_norm", fn, seed=HIDDEN_SEED, hidden=True)


def test_clip_in_place_is_caught_on_the_visible_cases_too():
    with pytest.raises(CheckFailed, match="changed the gradients"):
        check("clip_by_global_norm", clip_in_place)


def test_clip_may_return_its_input_when_nothing_is_clipped(capsys):
    def lazy(gradients, max_norm):
        norm = global_norm(gradients)
        if norm <= max_norm:
            return gradients, norm
        return g.optim.clip_by_global_norm(gradients, max_norm)

    check("clip_by_global_norm", lazy, seed=HIDDEN_SEED, hidden=True)
    assert capsys.readouterr().out.startswith("✓")


def test_checks_return_none():
    assert check("state_jacobian", g.state_jacobian) is None
