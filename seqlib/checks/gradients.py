"""Checks for notebook 05, vanishing and exploding gradients.

Graded functions and their references:

    state_jacobian(a_t, Waa) -> (m, n_a, n_a)
        ∂a<t>/∂a<t-1> = diag(1 - (a<t>)²) Waa for each of the m examples; a_t is (n_a, m).
        Examples first, so that numpy's ``@`` multiplies the m pairs of matrices at once.
    gradient_norms_through_time(a, Waa) -> (T_x,)
        entry t - 1 is ‖∂a<T_x>/∂a<t>‖₂ (the spectral norm, the largest singular value),
        averaged over the m examples, for t = 1 .. T_x; a is (n_a, m, T_x) and
        ∂a<T_x>/∂a<t> = (∂a<T_x>/∂a<T_x-1>) ... (∂a<t+1>/∂a<t>), so the last entry is 1.
    clip_by_global_norm(gradients, max_norm) -> (clipped, norm)
        every array times max_norm / norm when the global norm sqrt(Σ ‖dW‖²) is above
        max_norm; norm is the global norm before clipping; the input is left unchanged
        (reference: ``seqlib.optim.clip_by_global_norm``).

The sizes of the cases keep every norm between about 1e-3 and 1e3, so that the comparison's
absolute tolerance (1e-7) cannot let a wrong norm pass as a tiny number.
"""


import numpy as np

from seqlib import optim
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    Handed,
    expect_array,
    expect_close,
    expect_dict,
    expect_tuple,
)

# ---------------------------------------------------------------- references


def state_jacobian(a_t, Waa):
    """diag(1 - a<t>²) Waa per example: a_t (n_a, m), Waa (n_a, n_a) -> (m, n_a, n_a).

    Entry [i, j, k] is ∂a_j<t>/∂a_k<t-1> for example i: row j of Waa times tanh'(z_j) =
    1 - (a_j<t>)². The diagonal matrix is never built: scaling the rows is the same product.
    """
    return (1 - a_t.T**2)[:, :, None] * Waa[None, :, :]  # (m, n_a, 1) * (1, n_a, n_a)


def gradient_norms_through_time(a, Waa):
    """Mean over the m examples of ‖∂a<T_x>/∂a<t>‖₂ for t = 1 .. T_x: a (n_a, m, T_x) -> (T_x,).

    Index t - 1 holds step t (Python counts from 0). Going back in time, the product of
    Jacobians grows on the right: ∂a<T_x>/∂a<t-1> = (∂a<T_x>/∂a<t>) (∂a<t>/∂a<t-1>).
    """
    n_a, m, T_x = a.shape
    product = np.broadcast_to(np.eye(n_a), (m, n_a, n_a))  # ∂a<T_x>/∂a<T_x> = I
    norms = np.zeros(T_x)
    for t in reversed(range(T_x)):  # index t holds a<t+1>
        norms[t] = np.mean(np.linalg.norm(product, ord=2, axis=(1, 2)))
        product = product @ state_jacobian(a[:, :, t], Waa)  # (m, n_a, n_a)
    return norms


def clip_by_global_norm(gradients, max_norm):
    """The reference, on the values the gradients had before the learner's call."""
    values = gradients.before if isinstance(gradients, Handed) else gradients
    return optim.clip_by_global_norm(values, max_norm)


# ---------------------------------------------------------------- state_jacobian


def _jacobian_cases(rng, hidden):
    sizes = [(f"random {i + 1}", int(rng.integers(2, 7)), int(rng.integers(2, 6)))
             for i in range(2)]
    if hidden:
        sizes += [("m = 1", 4, 1), ("n_a = 1", 1, 3)]
    cases = [Case(f"{name}, n_a={n_a} m={m}",
                  (np.tanh(rng.standard_normal((n_a, m))), rng.standard_normal((n_a, n_a))))
             for name, n_a, m in sizes]
    if hidden:  # saturated units: 1 - a² is tiny, the Jacobian's rows nearly vanish
        cases.append(Case("saturated states, n_a=3 m=4",
                          (np.tanh(8 * rng.standard_normal((3, 4))),
                           rng.standard_normal((3, 3)))))
    return cases


def _compare_jacobian(case, expected, got):
    a_t, Waa = case.args
    n_a, m = a_t.shape
    shape = getattr(got, "shape", None)
    if isinstance(got, np.ndarray) and shape != expected.shape:
        if shape == (n_a, n_a, m):
            raise CheckFailed(f"the result has shape {shape}, expected (m, n_a, n_a) = "
                              f"{expected.shape}: put the examples first, so that J[i] is "
                              "example i's n_a x n_a Jacobian (np.moveaxis, or build it that "
                              "way)")
        if shape == (n_a, n_a):
            raise CheckFailed(f"the result has shape {shape}, expected (m, n_a, n_a) = "
                              f"{expected.shape}: one Jacobian per example (the states differ "
                              "between examples), and keep that axis even when m = 1")
    d = 1 - a_t.T**2  # (m, n_a)
    per_example = np.broadcast_to(Waa, expected.shape)
    expect_array("the Jacobian", got, expected, mistakes=[
        (per_example, "that is Waa alone: multiply by the tanh derivative, diag(1 - a_t²)"),
        (Waa[None] * d[:, None, :], "wrong order: diag(1 - a_t²) Waa scales the ROWS of Waa "
                                    "(row j by 1 - a_j²); Waa diag(1 - a_t²) scales its "
                                    "columns"),
        (np.transpose(expected, (0, 2, 1)), "transposed: entry [i, j, k] is ∂a_j<t>/∂a_k<t-1>, "
                                            "row j for the unit of a<t>"),
        ((1 - np.tanh(a_t.T) ** 2)[:, :, None] * Waa,
         "a_t is already tanh(z): the derivative is 1 - a_t², do not apply tanh again"),
        ((1 - a_t.T)[:, :, None] * Waa, "the tanh derivative is 1 - a_t² (squared)"),
        ((a_t.T**2 - 1)[:, :, None] * Waa, "the sign: tanh'(z) = 1 - tanh(z)², not "
                                           "tanh(z)² - 1"),
        (a_t.T[:, :, None] * Waa, "multiply by the derivative of tanh, 1 - a_t², not by a_t"),
    ])


# ---------------------------------------------------------------- gradient_norms_through_time


def _norm_cases(rng, hidden):
    sizes = [(f"random {i + 1}", int(rng.integers(2, 6)), int(rng.integers(2, 5)),
              int(rng.integers(3, 8))) for i in range(2)]
    if hidden:
        sizes += [("m = 1", 4, 1, 6), ("T_x = 1", 3, 2, 1), ("T_x = 2", 3, 2, 2),
                  ("n_a = 1", 1, 3, 5)]
    cases = []
    for name, n_a, m, T_x in sizes:
        a = np.tanh(0.8 * rng.standard_normal((n_a, m, T_x)))
        Waa = 1.3 * rng.standard_normal((n_a, n_a)) / np.sqrt(n_a)
        cases.append(Case(f"{name}, n_a={n_a} m={m} T_x={T_x}", (a, Waa)))
    if hidden:  # larger activations: many factors 1 - a² well below 1
        a = np.tanh(1.5 * rng.standard_normal((4, 3, 5)))
        cases.append(Case("larger activations, n_a=4 m=3 T_x=5",
                          (a, rng.standard_normal((4, 4)))))
    return cases


def _norms_variant(a, Waa, jacobian=state_jacobian, side="right", ord=2, mean_first=False,
                   shift=False):
    """gradient_norms_through_time, or one of its likely mistakes (for the hints)."""
    n_a, m, T_x = a.shape
    product = np.broadcast_to(np.eye(n_a), (m, n_a, n_a))
    norms = np.zeros(T_x)
    for t in reversed(range(T_x)):
        if shift:  # multiplies in step t's Jacobian before taking the norm
            product = product @ jacobian(a[:, :, t], Waa)
        if mean_first:
            norms[t] = np.linalg.norm(np.mean(product, axis=0), ord=ord)
        else:
            norms[t] = np.mean(np.linalg.norm(product, ord=ord, axis=(1, 2)))
        if not shift:
            step = jacobian(a[:, :, t], Waa)
            product = product @ step if side == "right" else step @ product
    return norms


def _compare_norms(case, expected, got):
    a, Waa = case.args
    T_x = a.shape[2]
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        if got.shape in ((a.shape[1], T_x), (T_x, a.shape[1])):
            raise CheckFailed(f"the result has shape {got.shape}, expected (T_x,) = "
                              f"{expected.shape}: average the norms over the m examples")
    expect_array("norms", got, expected, mistakes=[
        (expected[::-1], "the norms are in reverse time order: index t - 1 holds "
                         "‖∂a<T_x>/∂a<t>‖, so the last entry (t = T_x) is the identity's, 1"),
        (_norms_variant(a, Waa, lambda a_t, W: np.broadcast_to(W, (a_t.shape[1], *W.shape))),
         "that is the product of Waa alone: each step's Jacobian is diag(1 - (a<k>)²) Waa "
         "(use your state_jacobian)"),
        (_norms_variant(a, Waa, lambda a_t, W: W[None] * (1 - a_t.T**2)[:, None, :]),
         "each Jacobian should be diag(1 - (a<k>)²) Waa, not Waa diag(1 - (a<k>)²)"),
        (_norms_variant(a, Waa, side="left"),
         "the Jacobians are multiplied in the wrong order: going back in time, the new "
         "factor goes on the right, ∂a<T_x>/∂a<t-1> = (∂a<T_x>/∂a<t>) (∂a<t>/∂a<t-1>)"),
        (_norms_variant(a, Waa, shift=True),
         "off by one: ∂a<T_x>/∂a<T_x> is the identity (norm 1); ∂a<T_x>/∂a<t> uses the "
         "Jacobians of steps t+1 .. T_x only, so take the norm before multiplying in "
         "step t's Jacobian"),
        (_norms_variant(a, Waa, ord="fro"),
         "that is the Frobenius norm: use the spectral norm, np.linalg.norm(M, ord=2, "
         "axis=(1, 2)) on a stack of matrices"),
        (_norms_variant(a, Waa, mean_first=True),
         "that is the norm of the mean Jacobian: take each example's norm, then the mean"),
    ])


# ---------------------------------------------------------------- clip_by_global_norm

RNN_KEYS = ("dWax", "dWaa", "dba", "dWya", "dby")


def _clip_cases(rng, hidden):
    n_x, n_a, n_y = (int(s) for s in rng.integers(2, 7, size=3))
    rnn = [("dWax", (n_a, n_x)), ("dWaa", (n_a, n_a)), ("dba", (n_a, 1)),
           ("dWya", (n_y, n_a)), ("dby", (n_y, 1))]

    def grads(keys_shapes, scale):
        return Handed({k: scale * rng.standard_normal(s) for k, s in keys_shapes})

    cases = [Case("RNN gradients, norm above max_norm = 5", (grads(rnn, 8.0), 5.0)),
             Case("RNN gradients, norm below max_norm = 100", (grads(rnn, 1.0), 100.0))]
    if hidden:
        gru = [("dWu", (n_a, n_a + n_x)), ("dbu", (n_a, 1)), ("dWr", (n_a, n_a + n_x)),
               ("dbr", (n_a, 1)), ("dWc", (n_a, n_a + n_x)), ("dbc", (n_a, 1))]
        cases += [
            Case("other keys (a GRU's), max_norm = 1", (grads(gru, 3.0), 1.0)),
            Case("one gradient, max_norm = 2", (grads([("dWaa", (3, 3))], 5.0), 2.0)),
            Case("exploded gradients (entries near 1e6), max_norm = 1",
                 (grads(rnn, 1e6), 1.0)),
            Case("all zeros, max_norm = 1", (Handed({k: np.zeros(s) for k, s in rnn}), 1.0)),
        ]
    return cases


def _norms_of(values):
    return {k: float(np.linalg.norm(g)) for k, g in values.items()}


def _compare_clip(case, expected, got):
    given, max_norm = case.args
    before = given.before
    clipped, norm = expect_tuple(got, 2, "the clipped gradients and the norm before clipping")
    want_clipped, want_norm = expected
    clipped = expect_dict(clipped, list(want_clipped))
    extra = [k for k in clipped if k not in want_clipped]
    if extra:
        raise CheckFailed(f"the returned dict has keys that were not in gradients: {extra}; "
                          "keep the keys unchanged")
    own = _norms_of(before)
    squares = want_norm**2
    over = want_norm > max_norm
    for key, want in want_clipped.items():
        g = before[key]
        mistakes = [
            (g * min(1.0, max_norm / own[key]) if own[key] > 0 else g,
             "each gradient was clipped by its own norm: use ONE factor, max_norm / ‖g‖ with "
             "the global norm ‖g‖ = sqrt(Σ ‖dW‖²) over all the arrays, so that the direction "
             "of the whole gradient is kept"),
            (np.clip(g, -max_norm, max_norm),
             "that is clipping by value; rescale every array by max_norm / ‖g‖ instead"),
        ]
        if want_norm > 0:
            mistakes.append((g * want_norm / max_norm,
                             "the factor is upside down: multiply by max_norm / ‖g‖"))
        if over:
            mistakes.append((g, "the gradients were returned unclipped, but their global norm "
                                f"{want_norm:.4g} is above max_norm = {max_norm:g}"))
            if squares > max_norm:
                mistakes.append((g * max_norm / squares,
                                 "the global norm is the square root of the sum of squares"))
        elif want_norm > 0:
            mistakes.append((g * max_norm / want_norm,
                             f"the global norm {want_norm:.4g} is not above max_norm = "
                             f"{max_norm:g}: then the gradients are returned unchanged"))
        expect_array(key, clipped[key], want, mistakes=mistakes)
    expect_close("the norm", norm, want_norm, mistakes=[
        (min(want_norm, max_norm), "return the global norm BEFORE clipping (after clipping "
                                   "it is max_norm, which tells nothing about an explosion)"),
        (squares, "the global norm is the square root of the sum of squares"),
        (sum(own.values()), "that is the sum of the arrays' norms; the global norm is "
                            "sqrt(Σ ‖dW‖²), the length of all the entries taken together"),
    ])
    changed = [k for k in before if k not in given or not np.array_equal(given[k], before[k])]
    changed += [k for k in given if k not in before]
    if changed:
        raise CheckFailed(f"clip_by_global_norm changed the gradients it was given "
                          f"({', '.join(changed)}): return new arrays, e.g. "
                          "g * scale (g *= scale changes the caller's array), and leave the "
                          "input dict and its arrays as they were")


EXERCISES = {
    "state_jacobian": Exercise("state_jacobian", _jacobian_cases, state_jacobian,
                               _compare_jacobian),
    "gradient_norms_through_time": Exercise("gradient_norms_through_time", _norm_cases,
                                            gradient_norms_through_time, _compare_norms),
    "clip_by_global_norm": Exercise("clip_by_global_norm", _clip_cases, clip_by_global_norm,
                                    _compare_clip, forbidden=(optim.clip_by_global_norm,)),
}
