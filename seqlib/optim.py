"""Gradient clipping and three optimisers: SGD, Adagrad and Adam.

Gradients come as the backward functions return them: a dict (lists and dicts may nest, as in
a deep or bidirectional RNN) where the gradient of ``parameters[key]`` is ``grads["d" + key]``.

Clipping is the notes' remedy for exploding gradients. Two kinds, which differ in direction:

- ``clip_by_value`` clips every entry to [-max_value, max_value] (as min-char-rnn does). Only
  the large entries shrink, so the clipped gradient can point in a different direction.
- ``clip_by_global_norm`` rescales all gradients together by max_norm / norm when their joint
  norm is above max_norm. The direction is kept; only the step gets shorter.

An optimiser's ``step(parameters, grads)`` updates the parameter arrays in place. Its running
state (Adagrad's sum of squares, Adam's moments) is kept per parameter path, such as "Wax" or
"layers.0.Wf", so one optimiser serves any nest of parameters.
"""

import numpy as np

from seqlib._tree import paired_leaves
from seqlib._validate import check_positive

# ---------------------------------------------------------------- clipping


def global_norm(grads):
    """sqrt(Σ g²) over every entry of every gradient array: the length of the whole gradient.

    grads: a dict (or list) of arrays, nesting allowed. Returns a float (0.0 for no arrays).
    """
    _check_nest("grads", grads)
    squares = [float(np.sum(np.square(g))) for g in _arrays(grads)]
    return float(np.sqrt(sum(squares)))


def clip_by_value(grads, max_value):
    """Clip every entry of every gradient to [-max_value, max_value].

    grads: a dict (or list) of arrays, nesting allowed; it is not modified.
    Returns a new nest of the same structure and shapes.

    Entries inside the interval are unchanged and those outside are cut, so the clipped
    gradient may point in another direction; ``clip_by_global_norm`` keeps the direction.
    """
    _check_nest("grads", grads)
    check_positive("max_value", max_value)
    return _map(lambda g: np.clip(g, -max_value, max_value), grads)


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most max_norm.

    grads: a dict (or list) of arrays, nesting allowed; it is not modified.
    Returns (clipped, norm): a new nest of the same structure (every array times
    max_norm / norm when norm > max_norm, copied unchanged otherwise), and the global norm
    before clipping, worth logging to see gradients explode.

    One common factor for every array keeps the direction of the whole gradient, unlike
    ``clip_by_value``.
    """
    check_positive("max_norm", max_norm)
    norm = global_norm(grads)  # checks grads
    scale = max_norm / norm if norm > max_norm else 1.0
    return _map(lambda g: g * scale, grads), norm


def _check_nest(name, tree):
    if not isinstance(tree, (dict, list)):
        raise ValueError(f"{name}: expected a dict or list of arrays, got {type(tree).__name__}")


def _arrays(tree, path="grads"):
    """Yield every array in a nest of dicts and lists; ValueError on anything else."""
    if isinstance(tree, np.ndarray):
        yield tree
    elif isinstance(tree, (dict, list)):
        items = tree.items() if isinstance(tree, dict) else enumerate(tree)
        for key, value in items:
            yield from _arrays(value, f"{path}[{key!r}]")
    else:
        raise ValueError(
            f"{path}: expected an array, or a dict or list of them, got {type(tree).__name__}"
        )


def _map(fn, tree, path="grads"):
    """A new nest with fn(array) in place of every array of ``tree`` (same dicts and lists)."""
    if isinstance(tree, np.ndarray):
        return fn(tree)
    if isinstance(tree, dict):
        return {key: _map(fn, value, f"{path}[{key!r}]") for key, value in tree.items()}
    if isinstance(tree, list):
        return [_map(fn, value, f"{path}[{i}]") for i, value in enumerate(tree)]
    raise ValueError(
        f"{path}: expected an array, or a dict or list of them, got {type(tree).__name__}"
    )


# ---------------------------------------------------------------- optimisers


def _pairs(parameters, grads):
    """Every (path, parameter, gradient), all checked before anything is updated.

    Collecting the list first means a missing or misshapen gradient raises before the first
    parameter moves, instead of leaving the model half updated.
    """
    _check_nest("parameters", parameters)
    _check_nest("grads", grads)
    return list(paired_leaves(parameters, grads))


class SGD:
    """Plain gradient descent: p ← p - lr * dp."""

    def __init__(self, lr):
        check_positive("lr", lr)
        self.lr = lr

    def step(self, parameters, grads):
        """Update every array of ``parameters`` in place from ``grads["d" + key]``."""
        for _, p, g in _pairs(parameters, grads):
            p -= self.lr * g


class Adagrad:
    """Adagrad: each entry's step shrinks with the sum of its past squared gradients.

        G ← G + dp²
        p ← p - lr * dp / (sqrt(G) + eps)

    Entries with large or frequent gradients take smaller steps (min-char-rnn's optimiser).
    eps only guards the division while G is still 0.
    """

    def __init__(self, lr, eps=1e-8):
        check_positive("lr", lr)
        check_positive("eps", eps)
        self.lr, self.eps = lr, eps
        self.state = {}  # path -> G, shaped like the parameter

    def step(self, parameters, grads):
        """Update every array of ``parameters`` in place from ``grads["d" + key]``."""
        for path, p, g in _pairs(parameters, grads):
            G = self.state.setdefault(path, np.zeros_like(p))
            G += g * g
            p -= self.lr * g / (np.sqrt(G) + self.eps)


class Adam:
    """Adam: momentum (the first moment) scaled by RMS (the second moment), bias-corrected.

        m ← β1 m + (1 - β1) dp            v ← β2 v + (1 - β2) dp²
        m̂ = m / (1 - β1^t)                 v̂ = v / (1 - β2^t)          t = 1, 2, ... steps
        p ← p - lr * m̂ / (sqrt(v̂) + eps)

    m and v start at 0, which biases them towards 0 in the first steps; dividing by
    1 - β^t removes that bias. The first step is then lr * dp / (|dp| + eps), about lr
    in every coordinate whatever the gradient's scale.
    """

    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        check_positive("lr", lr)
        _check_beta("beta1", beta1)
        _check_beta("beta2", beta2)
        check_positive("eps", eps)
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.t = 0  # steps taken: the exponent of the bias correction
        self.state = {}  # path -> (m, v), each shaped like the parameter

    def step(self, parameters, grads):
        """Update every array of ``parameters`` in place from ``grads["d" + key]``."""
        pairs = _pairs(parameters, grads)
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        for path, p, g in pairs:
            m, v = self.state.setdefault(path, (np.zeros_like(p), np.zeros_like(p)))
            m *= b1  # in place: the arrays stored in self.state are the ones updated
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def _check_beta(name, value):
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if not (ok and 0 <= value < 1):
        raise ValueError(f"{name}: expected a number in [0, 1), got {value!r}")
