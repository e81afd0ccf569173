"""Numerical gradient checking: centred differences and the relative error.

The habit, as in CS231n's notes: float64, a few examples, every parameter checked, and the
relative error of a whole gradient array

    ||grad - gradapprox|| / (||grad|| + ||gradapprox||)

which is about 1e-9 or below for a correct backward in float64 and 1e-3 or above for a
wrong one.

Usage on any forward/backward pair::

    def loss():                      # reads the arrays in `variables`, returns a float
        a, _, _ = rnn_forward(x, a0, parameters)
        return np.sum(weights * a)   # J = sum of weights * a, so dJ/da = weights
    a, _, caches = rnn_forward(x, a0, parameters)
    grads = rnn_backward(weights, caches)
    errors = check_gradients(loss, {"x": x, "a0": a0, **parameters}, grads)

Variables are perturbed in place and restored; keys may nest (dicts and lists), the gradient of
``variables[k]`` being ``grads["d" + k]`` (a nested dict or list keeps its own key).
"""

import numpy as np

from seqlib._tree import paired_leaves


def numerical_gradient(f, x, eps=1e-6, indices=None):
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    x is perturbed in place, one entry at a time, and restored. ``indices``, if given, is a
    list of multi-indices to check; the other entries of the result are NaN.
    Returns an array of x's shape.
    """
    grad = np.full(x.shape, np.nan) if indices is not None else np.zeros(x.shape)
    for ix in indices if indices is not None else np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + eps
        f_plus = float(f())
        x[ix] = old - eps
        f_minus = float(f())
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """||analytic - numeric|| / (||analytic|| + ||numeric||), and 0 when both are zero."""
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"analytic gradient has shape {analytic.shape}, numeric gradient {numeric.shape}"
        )
    denominator = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / denominator)


def check_gradients(f, variables, grads, eps=1e-6, max_entries=None, rng=None):
    """Relative error of every analytic gradient in ``grads`` against centred differences.

    Arguments:
        f: function of no arguments returning the scalar loss, reading ``variables``
        variables: dict (nesting allowed) of float64 arrays that f reads
        grads: the analytic gradients, ``grads["d" + key]`` for each array ``variables[key]``
        max_entries: check at most this many randomly chosen entries of each array
            (needs ``rng``); by default every entry
    Returns:
        {"key" or "outer.inner": relative error}
    """
    errors = {}
    for path, array, grad in paired_leaves(variables, grads):
        if array.dtype != np.float64:
            raise ValueError(f"{path}: gradient checks need float64, got {array.dtype}")
        indices = None
        if max_entries is not None and array.size > max_entries:
            if rng is None:
                raise ValueError("max_entries: needs rng, a numpy Generator, to pick entries")
            flat = rng.choice(array.size, size=max_entries, replace=False)
            indices = [np.unravel_index(i, array.shape) for i in flat]
        numeric = numerical_gradient(f, array, eps, indices)
        if indices is None:
            errors[path] = relative_error(grad, numeric)
        else:
            picked = tuple(np.array(indices).T)
            errors[path] = relative_error(np.asarray(grad)[picked], numeric[picked])
    return errors
