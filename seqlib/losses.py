"""Losses for sequence outputs, with their gradients.

The notes' loss for one example is summed over time, J = Σ_t L<t>; over a batch of m
examples seqlib takes the mean, J = (1/m) Σ_i Σ_t L<t>(i), so a learning rate does not
depend on the batch size. An optional ``mask`` (m, T) weights each (example, step): 0 for
padding after a short sequence ends.

Shapes: predictions and targets are (n_y, m, T) for one output per step or (n_y, m) for one
output per sequence; targets are one-hot (softmax) or 0/1 (sigmoid).
"""

import numpy as np

from seqlib import _validate as v
from seqlib.activations import log_softmax, sigmoid

# Probabilities are floored here before a log or a division: a prediction of exactly 0 for
# the right answer then costs -log(1e-300) ≈ 690 instead of inf and a divide warning.
TINY = 1e-300


def cross_entropy_steps(y_pred, y):
    """L<t> = -Σ_i y_i log ŷ_i for every example and step: (n_y, m[, T]) -> (m[, T])."""
    _check_pair(y_pred, y)
    return -np.sum(y * np.log(np.maximum(y_pred, TINY)), axis=0)


def cross_entropy(y_pred, y, mask=None):
    """J = (1/m) Σ_i Σ_t mask L<t>, a float. y_pred, y: (n_y, m[, T]); mask: (m[, T])."""
    return _reduce(cross_entropy_steps(y_pred, y), mask, y.shape[1])


def cross_entropy_backward(y_pred, y, mask=None):
    """dJ/dy_pred for cross_entropy, shaped like y_pred: -y / ŷ (scaled by mask / m)."""
    _check_pair(y_pred, y)
    return -y / np.maximum(y_pred, TINY) * _weights(mask, y)


def softmax_cross_entropy(z, y, mask=None):
    """Softmax then cross-entropy, from the pre-activations z, fused and stable.

    Arguments: z (n_y, m[, T]) pre-activations; y one-hot like z; mask (m[, T]) or None.
    Returns: J (float) and dz = (softmax(z) - y) * mask / m, shaped like z.
    """
    _check_pair(z, y, "z")
    log_p = log_softmax(z)
    J = _reduce(-np.sum(y * log_p, axis=0), mask, y.shape[1])
    return J, (np.exp(log_p) - y) * _weights(mask, y)


def binary_cross_entropy(y_pred, y, mask=None):
    """J = (1/m) Σ mask * -(y log ŷ + (1 - y) log(1 - ŷ)), summed over units and steps.

    For 0/1 tagging. y_pred, y: (n_y, m[, T]) with y in {0, 1}; mask: (m[, T]).
    """
    _check_pair(y_pred, y)
    steps = -np.sum(
        y * np.log(np.maximum(y_pred, TINY)) + (1 - y) * np.log(np.maximum(1 - y_pred, TINY)),
        axis=0,
    )
    return _reduce(steps, mask, y.shape[1])


def binary_cross_entropy_backward(y_pred, y, mask=None):
    """dJ/dy_pred for binary_cross_entropy, shaped like y_pred."""
    _check_pair(y_pred, y)
    grad = -y / np.maximum(y_pred, TINY) + (1 - y) / np.maximum(1 - y_pred, TINY)
    return grad * _weights(mask, y)


def sigmoid_binary_cross_entropy(z, y, mask=None):
    """Sigmoid then binary cross-entropy, from the pre-activations z, fused and stable.

    log σ(z) = -log(1 + e^-z) is computed as -(max(-z, 0) + log(1 + e^-|z|)).
    Returns J (float) and dz = (σ(z) - y) * mask / m, shaped like z.
    """
    _check_pair(z, y, "z")
    softplus_neg = np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))  # -log σ(z)
    steps = np.sum(y * softplus_neg + (1 - y) * (softplus_neg + z), axis=0)
    return _reduce(steps, mask, y.shape[1]), (sigmoid(z) - y) * _weights(mask, y)


def perplexity(total_loss, n_tokens):
    """exp(total cross-entropy / number of predicted tokens): the model is as unsure as a
    uniform choice among this many tokens."""
    v.check_positive("n_tokens", n_tokens)
    return float(np.exp(total_loss / n_tokens))


def _check_pair(y_pred, y, name="y_pred"):
    dims = v.Dims()
    if not isinstance(y_pred, np.ndarray) or y_pred.ndim not in (2, 3):
        shape = getattr(y_pred, "shape", type(y_pred).__name__)
        raise ValueError(f"{name}: expected an array of shape (n_y, m) or (n_y, m, T), "
                         f"got {shape}")
    shape = ("n_y", "m", "T")[: y_pred.ndim]
    v.check_array(name, y_pred, shape, dims)
    v.check_array("y", y, shape, dims)


def _weights(mask, y):
    """mask / m broadcast over the units axis: (1, m[, T])."""
    m = y.shape[1]
    if mask is None:
        return np.full((1,) + y.shape[1:], 1.0 / m, dtype=y.dtype)
    v.check_array("mask", mask, y.shape[1:], v.Dims())
    return mask[None] / m


def _reduce(steps, mask, m):
    if mask is not None:
        v.check_array("mask", mask, steps.shape, v.Dims())
        steps = steps * mask
    return float(np.sum(steps) / m)
