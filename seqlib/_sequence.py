"""Pieces every cell module shares: checking caches and starting gradient accumulators."""

import numpy as np


def check_step_cache(cache, length, forward_name):
    """Raise ValueError unless ``cache`` is a step cache of ``length`` entries from a forward."""
    if not isinstance(cache, tuple) or len(cache) != length:
        got = f"a tuple of {len(cache)}" if isinstance(cache, tuple) else type(cache).__name__
        raise ValueError(
            f"cache: expected the {length}-tuple returned by {forward_name}, got {got}"
        )
    if not isinstance(cache[0], np.ndarray):
        raise ValueError(f"cache: expected the cache returned by {forward_name}")
    return cache


def check_sequence_caches(caches, step_length, forward_name):
    """Check the ``(list of T_x step caches, x)`` pair that every sequence forward returns.

    Returns the list of step caches and x.
    """
    ok = (
        isinstance(caches, tuple)
        and len(caches) == 2
        and isinstance(caches[0], list)
        and len(caches[0]) > 0
        and isinstance(caches[1], np.ndarray)
    )
    if not ok:
        raise ValueError(
            f"caches: expected the (list of step caches, x) pair returned by {forward_name}, "
            f"got {type(caches).__name__}"
        )
    step_caches, x = caches
    if x.ndim != 3 or len(step_caches) != x.shape[2]:
        raise ValueError(
            f"caches: {len(step_caches)} step caches for an x of shape {x.shape}: "
            f"expected one per time step"
        )
    for cache in step_caches:
        check_step_cache(cache, step_length, forward_name)
    return step_caches, x


def zeros_like_params(parameters, keys):
    """{'dW': zeros like parameters['W']} for each key: the accumulators of a backward pass."""
    return {"d" + key: np.zeros_like(parameters[key]) for key in keys}
