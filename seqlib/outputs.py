"""Output layers: y<t> = g(Wy a<t> + by) with g softmax, sigmoid or the identity.

Works on one step, a (n_a, m) -> y (n_y, m), or on every step at once,
a (n_a, m, T) -> y (n_y, m, T): the same Wy and by at every time step (parameter sharing).
The backward returns da, what the recurrent backward functions take.
"""

import numpy as np

from seqlib import _validate as v
from seqlib.activations import sigmoid, softmax

ACTIVATIONS = ("softmax", "sigmoid", "linear")


def output_forward(a, Wy, by, activation="softmax"):
    """y = g(Wy a + by).

    Arguments:
        a: hidden states, (n_a, m) or (n_a, m, T)
        Wy: (n_y, n_a); by: (n_y, 1)
        activation: "softmax" (over the n_y units), "sigmoid" or "linear"

    Returns:
        y: (n_y, m) or (n_y, m, T)
        cache: (a, Wy, y, activation), for output_backward
    """
    v.check_choice("activation", activation, ACTIVATIONS)
    dims = v.Dims()
    if not isinstance(a, np.ndarray) or a.ndim not in (2, 3):
        shape = getattr(a, "shape", type(a).__name__)
        raise ValueError(f"a: expected an array of shape (n_a, m) or (n_a, m, T), got {shape}")
    v.check_array("a", a, ("n_a", "m", "T")[: a.ndim], dims)
    v.check_array("Wy", Wy, ("n_y", "n_a"), dims)
    v.check_array("by", by, ("n_y", 1), dims)
    z = np.tensordot(Wy, a, axes=1) + (by if a.ndim == 2 else by[:, :, None])
    y = {"softmax": softmax, "sigmoid": sigmoid, "linear": lambda s: s}[activation](z)
    return y, (a, Wy, y, activation)


def output_backward(dy, cache):
    """Backward through the activation and the affine map.

    Arguments:
        dy: gradient of the loss with respect to y, shaped like y
        cache: what output_forward returned

    Returns a dict: da (like a), dWy (n_y, n_a), dby (n_y, 1)
    """
    a, Wy, y, activation = _check_cache(cache)
    v.check_array("dy", dy, y.shape, v.Dims())
    if activation == "softmax":
        dz = softmax_backward(dy, y)
    elif activation == "sigmoid":
        dz = dy * y * (1 - y)  # σ' = σ(1 - σ)
    else:
        dz = dy
    return _affine_backward(dz, a, Wy)


def output_backward_logits(dz, cache):
    """Backward from dz, the gradient of the pre-activation z = Wy a + by.

    Use it with the fused losses (``losses.softmax_cross_entropy``), whose dz = y_pred - y
    avoids dividing by small probabilities. dz shaped like y.
    Returns a dict: da (like a), dWy (n_y, n_a), dby (n_y, 1)
    """
    a, Wy, y, _ = _check_cache(cache)
    v.check_array("dz", dz, y.shape, v.Dims())
    return _affine_backward(dz, a, Wy)


def softmax_backward(dy, y):
    """dz from dy through y = softmax(z) along axis 0: dz = y * (dy - Σ_k dy_k y_k)."""
    return y * (dy - np.sum(dy * y, axis=0, keepdims=True))


def _affine_backward(dz, a, Wy):
    da = np.tensordot(Wy.T, dz, axes=1)  # (n_a, m[, T])
    # every time step and example shares Wy and by, so their gradients sum over both
    dWy = np.tensordot(dz, a, axes=(list(range(1, a.ndim)), list(range(1, a.ndim))))
    dby = np.sum(dz.reshape(dz.shape[0], -1), axis=1, keepdims=True)
    return {"da": da, "dWy": dWy, "dby": dby}


def _check_cache(cache):
    if not (isinstance(cache, tuple) and len(cache) == 4 and cache[3] in ACTIVATIONS):
        raise ValueError("cache: expected the (a, Wy, y, activation) cache of output_forward")
    return cache
