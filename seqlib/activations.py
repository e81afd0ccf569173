"""Activation functions used by every cell, written to stay finite at any pre-activation.

All functions are element-wise (softmax works along axis 0, the units axis of the notes'
column-vector layout) and keep the input's float dtype.
"""

import numpy as np


def sigmoid(z):
    """σ(z) = 1 / (1 + e^-z), element-wise, for any shape.

    Computed from e^-|z| so that no exponent is positive: at z = ±1000 the plain formula
    overflows (and warns), this one returns exactly 1 and 0.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax(z, axis=0):
    """Softmax along ``axis`` (the units axis 0 by default), for any shape.

    z: (n_y, ...) -> (n_y, ...) whose columns sum to 1. Subtracting the column maximum first
    changes nothing mathematically and keeps every exponent <= 0, so nothing overflows.
    """
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(z, axis=0):
    """log(softmax(z)) along ``axis``, without taking the log of a number that rounded to 0."""
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
