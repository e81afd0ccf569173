"""Drawing one index per column from categorical distributions, with a temperature.

A language model's output y<t> (n_y, m) holds one distribution over the vocabulary per
example; sampling picks the next token of each of the m sequences at once. The temperature T
reshapes every distribution before the draw,

    p_T(i) = p(i)^(1/T) / Σ_j p(j)^(1/T)        (= softmax(z / T) when p = softmax(z))

- T = 1 leaves p unchanged;
- T < 1 sharpens it, and as T → 0 the draw tends to the argmax (greedy decoding; ties stay
  tied and are drawn uniformly);
- T > 1 flattens it towards the uniform distribution: more surprising, more mistakes.

``forbid`` lists indices given probability 0 before renormalising, e.g. <UNK> so that a
sampled name never contains it. Everything is computed on log-probabilities, so 1/T = 1e6
gives no overflow.
"""

import numpy as np

from seqlib._validate import Dims, check_array, check_positive


def sample_index(probs, rng, temperature=1.0, forbid=None):
    """One index per column of ``probs``, drawn from p^(1/T) renormalised.

    Arguments:
        probs: (n, m), each column a probability distribution over n outcomes
        rng: a numpy.random.Generator (one uniform number is drawn per column)
        temperature: T > 0; 1 samples from probs itself
        forbid: None, or a list of indices in [0, n) that are never drawn

    Returns: (m,) int64 indices in [0, n).
    """
    check_array("probs", probs, ("n", "m"), Dims())
    if not np.all(np.isfinite(probs)) or np.any(probs < 0):
        raise ValueError("probs: expected finite, non-negative probabilities")
    sums = np.sum(probs, axis=0)  # (m,)
    if not np.allclose(sums, 1.0, rtol=0, atol=1e-6):
        j = int(np.argmax(np.abs(sums - 1)))
        raise ValueError(f"probs: every column must sum to 1, column {j} sums to {sums[j]}")
    forbid = _check_rest(rng, temperature, forbid, probs.shape[0])
    with np.errstate(divide="ignore"):  # log 0 = -inf is exactly what an impossible outcome is
        log_p = np.log(probs)  # (n, m)
    return _draw(log_p, rng, temperature, forbid, "probs")


def sample_from_logits(z, rng, temperature=1.0, forbid=None):
    """As ``sample_index`` for probs = softmax(z), from the logits z (n, m) themselves.

    Draws from softmax(z / T). Logits keep the information that a probability rounded to 0
    loses: with z = (0, -1000), softmax gives exactly (1, 0), yet forbidding index 0 still
    leaves index 1 to draw.

    Returns: (m,) int64 indices in [0, n).
    """
    check_array("z", z, ("n", "m"), Dims())
    if not np.all(np.isfinite(z)):
        raise ValueError("z: expected finite logits")
    forbid = _check_rest(rng, temperature, forbid, z.shape[0])
    return _draw(z, rng, temperature, forbid, "z")


def _draw(log_w, rng, temperature, forbid, name):
    """Inverse-CDF sampling from weights exp(log_w / T), one uniform per column, unchecked.

    log_w: (n, m) log-weights, -inf for impossible outcomes. Returns (m,) int64.
    """
    if forbid:
        log_w = log_w.copy()  # the caller's array stays untouched
        log_w[forbid] = -np.inf
    top = np.max(log_w, axis=0)  # (m,)
    if np.any(np.isneginf(top)):
        j = int(np.argmax(np.isneginf(top)))
        raise ValueError(f"{name}: column {j} gives probability 0 to every allowed index")
    # log p^(1/T) = log p / T up to a constant per column. Subtracting the column maximum
    # before dividing keeps every exponent <= 0 and the largest exactly 0, so no temperature
    # leaves a column without weight; a tiny T may send the others to -inf, i.e. weight 0.
    with np.errstate(over="ignore", under="ignore"):
        w = np.exp((log_w - top) / temperature)  # (n, m), each column's largest weight is 1
    cdf = np.cumsum(w, axis=0)  # (n, m)
    u = rng.random(w.shape[1]) * cdf[-1]  # (m,) uniform on [0, total weight)
    # The drawn index is the number of cumulative weights <= u: index i owns [cdf[i-1], cdf[i]),
    # so a zero weight owns an empty interval and is never drawn.
    index = np.sum(cdf <= u, axis=0)  # (m,)
    # u can round up to the total; fall back to the last index that has weight.
    last = w.shape[0] - 1 - np.argmax(w[::-1] > 0, axis=0)  # (m,)
    return np.minimum(index, last).astype(np.int64)


def _check_rest(rng, temperature, forbid, n):
    """Check the arguments besides the distributions; return forbid as a list of ints."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    check_positive("temperature", temperature)
    if not np.isfinite(temperature):
        raise ValueError(f"temperature: expected a finite positive number, got {temperature!r}")
    if forbid is None:
        return []
    if isinstance(forbid, (str, bytes)) or not hasattr(forbid, "__iter__"):
        raise ValueError(f"forbid: expected a list of indices, got {type(forbid).__name__}")
    forbid = list(forbid)
    for i in forbid:
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n:
            raise ValueError(f"forbid: expected indices in [0, {n}), got {i!r}")
    forbid = sorted({int(i) for i in forbid})
    if len(forbid) == n:
        raise ValueError(f"forbid: forbids all {n} indices, nothing is left to draw")
    return forbid
