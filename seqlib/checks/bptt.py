"""Checks for notebook 03, backpropagation through time.

Graded functions and their references:
    rnn_cell_backward(da_next, cache) -> {dxt, da_prev, dWax, dWaa, dba}
    rnn_backward(da, caches) -> {dx, da0, dWax, dWaa, dba}
    gradient_check(f, x, grad, eps) -> relative error, a float

The caches are made by seqlib's reference forward (``seqlib.rnn``), so the notebook does not
depend on the learner's answers to notebook 02. For ``gradient_check``, ``f`` is a callable
object holding the very array passed as ``x`` (a deep copy keeps the link), so perturbing
``x`` in place changes ``f()``, as in ``seqlib.gradcheck``.
"""

import copy

import numpy as np

from seqlib import rnn
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
    Wired,
    expect_array,
    expect_dict,
)
from seqlib.gradcheck import check_gradients, numerical_gradient, relative_error
from seqlib.initialization import init_parameters
from seqlib.losses import softmax_cross_entropy

CELL_KEYS = ("da_prev", "dxt", "dWax", "dWaa", "dba")
SEQUENCE_KEYS = ("dx", "da0", "dWax", "dWaa", "dba")

# ---------------------------------------------------------------- cases


def _params(rng, n_x, n_a, n_y, scale=1.0):
    p = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
    # non-zero biases: a forgotten bias gradient must show
    return {k: scale * (v + 0.5 * rng.standard_normal(v.shape)) for k, v in p.items()}


def _sizes(rng, hidden):
    """(n_x, n_a, n_y, m, T_x) per case: two random ones, then the edge cases when hidden.

    The random sizes keep n_x, n_a and m apart, so that a transposed result has a wrong shape.
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


def _saturated(rng):
    """Parameters 30 times too large: almost every a<t> is ±1, tanh'(z) almost 0."""
    return _params(rng, 3, 5, 2, scale=30.0), rng.standard_normal((3, 4, 3)), \
        rng.standard_normal((5, 4))


def _cell_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, _) in _sizes(rng, hidden):
        p = _params(rng, n_x, n_a, n_y)
        _, _, cache = rnn.rnn_cell_forward(rng.standard_normal((n_x, m)),
                                           rng.standard_normal((n_a, m)), p)
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} m={m}",
                          (rng.standard_normal((n_a, m)), cache)))
    if hidden:
        p, x, a0 = _saturated(rng)
        _, _, cache = rnn.rnn_cell_forward(x[:, :, 0], a0, p)
        cases.append(Case("saturated activations", (rng.standard_normal((5, 4)), cache)))
    return cases


def _sequence_cases(rng, hidden):
    cases = []
    for name, (n_x, n_a, n_y, m, T_x) in _sizes(rng, hidden):
        p = _params(rng, n_x, n_a, n_y)
        _, _, caches = rnn.rnn_forward(rng.standard_normal((n_x, m, T_x)),
                                       rng.standard_normal((n_a, m)), p)
        cases.append(Case(f"{name}, n_x={n_x} n_a={n_a} m={m} T_x={T_x}",
                          (rng.standard_normal((n_a, m, T_x)), caches)))
    if hidden:
        p, x, a0 = _saturated(rng)
        _, _, caches = rnn.rnn_forward(x, a0, p)
        cases.append(Case("saturated activations", (rng.standard_normal((5, 4, 3)), caches)))
    return cases


# ---------------------------------------------------------------- rnn_cell_backward
def _grads_from_dz(dz, a_prev, xt, p):
    """The step's gradients once dz = dJ/dz is known (reference formulas)."""
    return {"dxt": p["Wax"].T @ dz, "da_prev": p["Waa"].T @ dz, "dWax": dz @ xt.T,
            "dWaa": dz @ a_prev.T, "dba": np.sum(dz, axis=1, keepdims=True)}


def _derivative_mistakes(da_next, a_next, a_prev):
    """(wrong dz, hint) for the likely mistakes in backpropagating through the tanh."""
    return [
        (da_next, "did you apply the tanh derivative? dz = (1 - a_next**2) * da_next"),
        ((1 - a_prev**2) * da_next,
         "the tanh derivative uses a_next, the output of this step's tanh, not a_prev"),
        ((1 - np.tanh(a_next) ** 2) * da_next,
         "a_next is already tanh(z): the derivative is 1 - a_next**2, not 1 - tanh(a_next)**2"),
        ((1 - a_next) ** 2 * da_next, "the derivative is 1 - a_next**2, not (1 - a_next)**2"),
        (a_next * (1 - a_next) * da_next,
         "a_next * (1 - a_next) is the sigmoid's derivative; tanh's is 1 - a_next**2"),
    ]


def _matmul_or_none(a, b):
    return a @ b if a.shape[1] == b.shape[0] else None


def _cell_mistakes(case, expected):
    """{key: [(wrong value, hint), ...]} for rnn_cell_backward."""
    da_next, (a_next, a_prev, xt, p) = case.args
    m = a_next.shape[1]
    dz = (1 - a_next**2) * da_next
    mistakes = {key: [] for key in CELL_KEYS}
    for wrong_dz, hint in _derivative_mistakes(da_next, a_next, a_prev):
        for key, value in _grads_from_dz(wrong_dz, a_prev, xt, p).items():
            mistakes[key].append((value, hint))
    mistakes["dxt"].append((_matmul_or_none(p["Wax"], dz),
                            "use the transpose: dxt = Wax.T @ dz"))
    mistakes["da_prev"].append((p["Waa"] @ dz, "use the transpose: da_prev = Waa.T @ dz"))
    mistakes["dWax"].append((expected["dWax"].T, "transposed: dWax = dz @ xt.T"))
    mistakes["dWaa"] += [
        (dz @ a_next.T, "dWaa = dz @ a_prev.T: the state that entered the step, not a_next"),
        (expected["dWaa"].T, "transposed: dWaa = dz @ a_prev.T"),
    ]
    for key in ("dWax", "dWaa", "dba"):
        mistakes[key].append((expected[key] / m, "do not divide by m: the 1/m of the batch "
                              "mean is already in da_next (seqlib.losses)"))
    return {k: [(w, h) for w, h in v if w is not None] for k, v in mistakes.items()}


def _check_bias_shape(dba, n_a, m):
    """Hints for a dba that is not summed into a column (n_a, 1)."""
    shape = np.shape(dba) if isinstance(dba, (np.ndarray, np.generic, float)) else None
    if shape is None or shape == (n_a, 1):
        return
    if shape == (n_a, m):
        raise CheckFailed(f"dba has shape {shape}, expected {(n_a, 1)}: ba is shared by the "
                          "m examples, so sum dz over axis 1: np.sum(dz, axis=1, keepdims=True)")
    if shape == (n_a,):
        raise CheckFailed(f"dba has shape {shape}, expected {(n_a, 1)}: keep it a column with "
                          "keepdims=True")
    if shape == (1, m) or shape == (m,):
        raise CheckFailed(f"dba has shape {shape}, expected {(n_a, 1)}: sum over the "
                          "examples (axis 1), not over the units (axis 0)")
    if shape == ():
        raise CheckFailed(f"dba is a single number, expected shape {(n_a, 1)}: sum over the "
                          "examples only: np.sum(dz, axis=1, keepdims=True)")


def _compare_cell(case, expected, got):
    got = expect_dict(got, CELL_KEYS)
    n_a, m = case.args[0].shape
    _check_bias_shape(got["dba"], n_a, m)
    mistakes = _cell_mistakes(case, expected)
    for key in CELL_KEYS:
        expect_array(key, got[key], expected[key], mistakes=mistakes[key])


# ---------------------------------------------------------------- rnn_backward
def _backward_variant(da, caches, variant):
    """rnn_backward with one likely mistake (see _bptt_loop.loop_variant)."""
    return loop_variant(da, caches, variant, rnn.rnn_cell_backward, caches[0][0][3],
                        ("Wax", "Waa", "ba"))


SEQUENCE_HINTS = {
    **LOOP_HINTS,
    "first_only": "Wax, Waa and ba are shared by all T_x steps: add up (+=) every step's "
                  "gradient, not only the last one computed",
    "last_only": shared_hint("Wax, Waa and ba"),
}


def _compare_sequence(case, expected, got):
    da, caches = case.args
    n_a, m, T_x = da.shape
    n_x = caches[1].shape[0]
    got = expect_dict(got, SEQUENCE_KEYS)
    check_time_last(got["dx"], n_x, m, T_x)
    _check_bias_shape(got["dba"], n_a, m)
    variants = {name: _backward_variant(da, caches, name) for name in SEQUENCE_HINTS}
    for key in SEQUENCE_KEYS:
        expect_array(key, got[key], expected[key],
                     mistakes=[(variants[name][key], hint)
                               for name, hint in SEQUENCE_HINTS.items()])


# ---------------------------------------------------------------- gradient_check
class TanhLayerLoss(Wired):
    """f() = Σ w * tanh(A @ x + b), reading ``self.x`` in place; x (n, m)."""

    def __init__(self, rng, n, m):
        self.A = rng.standard_normal((4, n))
        self.b = rng.standard_normal((4, 1))
        self.w = rng.standard_normal((4, m))
        self.x = rng.standard_normal((n, m))

    def __call__(self):
        return float(np.sum(self.w * np.tanh(self.A @ self.x + self.b)))

    def gradient(self, derivative=True):
        """dJ/dx; without the tanh derivative when derivative is False (a wrong backward)."""
        t = np.tanh(self.A @ self.x + self.b)
        return self.A.T @ (self.w * ((1 - t**2) if derivative else 1))


class RNNLoss(Wired):
    """f() = the cross-entropy of a small RNN on one-hot targets, reading its arrays in place.

    ``variables`` holds x, a0 and the parameters; ``gradients(variant)`` gives the
    reference gradient of each ("dx", "dWaa", ...) or a wrong one (see _backward_variant).
    """

    def __init__(self, rng, n_x, n_a, n_y, m, T_x):
        self.variables = {"x": rng.standard_normal((n_x, m, T_x)),
                          "a0": rng.standard_normal((n_a, m)), **_params(rng, n_x, n_a, n_y)}
        self.y = np.eye(n_y)[:, rng.integers(0, n_y, size=(m, T_x))]  # (n_y, m, T_x)

    def _forward(self):
        v = self.variables
        a, caches = rnn.forward_states(v["x"], v["a0"], v)
        z = np.einsum("ya,amt->ymt", v["Wya"], a) + v["by"][:, :, None]
        J, dz = softmax_cross_entropy(z, self.y)
        return J, np.einsum("ya,ymt->amt", v["Wya"], dz), caches

    def __call__(self):
        return self._forward()[0]

    def gradients(self, variant=None):
        _, da, caches = self._forward()
        if variant is None:
            return rnn.rnn_backward(da, caches)  # dx, da0, dWax, dWaa, dba
        return _backward_variant(da, caches, variant)


def gradient_check(f, x, grad, eps=1e-6):
    """The reference: relative error between ``grad`` and f's centred-difference gradient."""
    return relative_error(grad, numerical_gradient(f, x, eps))


EPS = 1e-5  # truncation error ~ eps^2: a correct gradient gives ~1e-10, a one-sided one ~1e-5


def _rnn_case(rng, name, wrt, sizes, variant=None, scale=None):
    loss = RNNLoss(rng, *sizes)
    grad = loss.gradients(variant)["d" + wrt]
    if scale is not None:
        grad = grad * scale
    what = "the correct gradient" if variant is None and scale is None else "a wrong gradient"
    return Case(f"{name}: d{wrt} of a small RNN's loss, {what}",
                (loss, loss.variables[wrt], grad, EPS))


def _tanh_case(rng, name, n, m, derivative):
    loss = TanhLayerLoss(rng, n, m)
    what = "the correct gradient" if derivative else "a gradient without the tanh derivative"
    return Case(f"{name}: x {loss.x.shape} of a tanh layer, {what}",
                (loss, loss.x, loss.gradient(derivative), EPS))


def _gradient_check_cases(rng, hidden):
    cases = [
        _rnn_case(rng, "random 1", "Waa", (3, 4, 3, 2, 4)),
        _rnn_case(rng, "random 2", "ba", (3, 4, 3, 2, 4), variant="no_future"),
        _tanh_case(rng, "random 3", 3, 2, derivative=False),
    ]
    if hidden:
        cases += [
            _rnn_case(rng, "3-D x", "x", (2, 3, 3, 2, 3)),
            _rnn_case(rng, "3-D x", "x", (2, 3, 3, 2, 3), variant="forward_order"),
            _tanh_case(rng, "a single entry", 1, 1, derivative=True),
            _rnn_case(rng, "m = 1, T_x = 1", "Wax", (3, 2, 2, 1, 1), scale=1.1),
            _rnn_case(rng, "a0", "a0", (2, 3, 2, 3, 5)),
        ]
    return cases


def _gradient_check_variant(f, x, grad, eps, variant):
    """gradient_check with one likely mistake, on a deep copy (f reads x in place)."""
    f, x = copy.deepcopy((f, x))
    num = np.zeros(x.shape)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        if variant == "copy":
            break  # f never sees the perturbation: the numerical gradient stays 0
        x[ix] = old + eps
        f_plus = f()
        if variant == "one_sided":
            x[ix] = old
            num[ix] = (f_plus - f()) / eps
            continue
        x[ix] = old - eps
        f_minus = f()
        if variant != "no_restore":
            x[ix] = old
        num[ix] = (f_plus - f_minus) / (eps if variant == "eps" else 2 * eps)
    if variant == "no_denominator":
        return float(np.linalg.norm(grad - num))
    if variant == "grad_norm_only":
        return float(np.linalg.norm(grad - num) / np.linalg.norm(grad))
    return relative_error(grad, num)


GRADIENT_CHECK_HINTS = {
    "copy": "your numerical gradient is zero or has the wrong sign: perturb x itself, in place "
            "(x[ix] = old + eps), since f() reads x (changing a copy of x does not change f()), "
            "and take f(x + eps) - f(x - eps) in that order",
    "one_sided": "use centred differences, (f(x + eps) - f(x - eps)) / (2 eps), not "
                 "(f(x + eps) - f(x)) / eps",
    "eps": "the two evaluations are 2 eps apart: divide by 2 * eps",
    "no_restore": "restore x[ix] to its old value after the two evaluations, or every "
                  "later entry is computed at a moved point",
    "no_denominator": "divide ||grad - grad_num|| by ||grad|| + ||grad_num||: the error is "
                      "relative",
    "grad_norm_only": "the denominator is ||grad|| + ||grad_num||, the sum of both norms",
}


def _compare_gradient_check(case, expected, got):
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
        raise CheckFailed("return the relative error, a single number, got "
                          f"{type(got).__name__}")
    got = float(got)
    # A correct gradient gives ~1e-10, round-off included: any error below 1e-8 passes. A
    # wrong one gives an error set by the gradient's mistake, the same to ~1e-9 whatever the
    # order of the operations; a one-sided difference moves it by ~1e-5.
    if np.isfinite(got) and np.isclose(got, expected, rtol=1e-6, atol=1e-8):
        return
    for variant, hint in GRADIENT_CHECK_HINTS.items():
        wrong = _gradient_check_variant(*case.args, variant)
        if np.isclose(got, wrong, rtol=1e-6, atol=1e-9):
            raise CheckFailed(f"the relative error is {got:.3g}, expected {expected:.3g}: "
                              f"{hint}")
    raise CheckFailed(f"the relative error is {got:.3g}, expected {expected:.3g}")


EXERCISES = {
    "rnn_cell_backward": Exercise("rnn_cell_backward", _cell_cases, rnn.rnn_cell_backward,
                                  _compare_cell, forbidden=(rnn._step_backward,)),
    "rnn_backward": Exercise("rnn_backward", _sequence_cases, rnn.rnn_backward,
                             _compare_sequence, forbidden=(rnn.backward_states,)),
    "gradient_check": Exercise("gradient_check", _gradient_check_cases, gradient_check,
                               _compare_gradient_check,
                               forbidden=(numerical_gradient, relative_error,
                                          check_gradients)),
}
