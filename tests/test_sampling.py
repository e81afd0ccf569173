"""sample_index against the distribution it should follow, with a chi-square test.

Each statistical test draws N = 20000 indices from a seeded generator and compares the counts
with the expected ones (scipy.stats.chisquare). A correct sampler gives p > 1e-3 for all but
one seed in a thousand; the seed is fixed, so the outcome is deterministic, and
``test_the_chi_square_check_has_power`` shows that the same check rejects a sampler that
ignores the temperature.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import chisquare

from seqlib.sampling import sample_from_logits, sample_index

P = np.array([0.05, 0.1, 0.15, 0.2, 0.2, 0.3])  # a fixed distribution over 6 outcomes
N = 20000
ALPHA = 1e-3


def tempered(p, temperature):
    """p^(1/T) renormalised: the distribution sample_index should follow at temperature T."""
    q = p ** (1.0 / temperature)
    return q / q.sum()


def draw(p, temperature=1.0, forbid=None, seed=0, n=N):
    probs = np.tile(p[:, None], (1, n))  # (6, N): the same distribution in every column
    return sample_index(probs, np.random.default_rng(seed), temperature, forbid)


def chi_square_p(indices, expected_p):
    counts = np.bincount(indices, minlength=len(expected_p))
    keep = expected_p > 0  # outcomes of probability 0 are tested separately (never drawn)
    return chisquare(counts[keep], len(indices) * expected_p[keep]).pvalue


@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0])
def test_draws_follow_p_to_the_one_over_t(temperature):
    indices = draw(P, temperature)
    assert indices.shape == (N,) and indices.dtype == np.int64
    assert chi_square_p(indices, tempered(P, temperature)) > ALPHA


def test_the_chi_square_check_has_power():
    # Draws at T = 2 are flatter than P: tested against P itself, the check must reject.
    assert chi_square_p(draw(P, 2.0), P) < ALPHA


def test_every_column_follows_its_own_distribution():
    # Half the columns use P, half P reversed: mixing columns up would fail one of the two.
    probs = np.concatenate([np.tile(P[:, None], (1, N)), np.tile(P[::-1, None], (1, N))], 1)
    indices = sample_index(probs, np.random.default_rng(1))
    assert chi_square_p(indices[:N], P) > ALPHA
    assert chi_square_p(indices[N:], P[::-1]) > ALPHA


def test_forbidden_indices_never_appear_and_the_rest_is_renormalised():
    indices = draw(P, forbid=[0, 5])
    assert not np.isin(indices, [0, 5]).any()
    renormalised = np.where(np.isin(np.arange(6), [0, 5]), 0.0, P) / P[1:5].sum()
    assert chi_square_p(indices, renormalised) > ALPHA


def test_forbid_leaves_the_callers_array_alone():
    probs = np.tile(P[:, None], (1, 10))
    before = probs.copy()
    sample_index(probs, np.random.default_rng(0), forbid=[5])
    np.testing.assert_array_equal(probs, before)


@pytest.mark.parametrize("temperature", [1e-8, 1e-12, 1e-300, 5e-324])
def test_tiny_temperature_gives_the_argmax(temperature):
    rng = np.random.default_rng(2)
    probs = rng.dirichlet(np.ones(8), size=500).T  # (8, 500), random columns
    top_two = np.sort(np.log(probs), axis=0)[-2:]  # (2, 500)
    # the runner-up's weight is exp(-gap / T): below e^-100 for every column at T <= 1e-8
    assert np.min(top_two[1] - top_two[0]) > 100 * 1e-8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or underflow warning on the way
        indices = sample_index(probs, rng, temperature)
    np.testing.assert_array_equal(indices, np.argmax(probs, axis=0))


def test_zero_probabilities_are_never_drawn():
    p = np.array([0.0, 0.5, 0.0, 0.5, 0.0])
    indices = draw(p, temperature=3.0, n=5000)
    assert set(np.unique(indices).tolist()) == {1, 3}


def test_logits_agree_with_their_softmax():
    rng = np.random.default_rng(3)
    z = 3 * rng.standard_normal((6, 1000))
    probs = np.exp(z) / np.exp(z).sum(axis=0)
    # one uniform per column in the same order, so the same seed gives the same draws
    for temperature in (0.7, 1.0, 1.8):
        np.testing.assert_array_equal(
            sample_from_logits(z, np.random.default_rng(4), temperature),
            sample_index(probs, np.random.default_rng(4), temperature),
        )


def test_logits_keep_outcomes_whose_probability_rounds_to_zero():
    z = np.array([[1000.0], [0.0], [-5.0]])  # softmax(z) is exactly (1, 0, 0) in float64
    rng = np.random.default_rng(5)
    indices = np.concatenate([sample_from_logits(z, rng, forbid=[0]) for _ in range(2000)])
    # forbidding 0 leaves softmax((0, -5)): index 2 has probability 1 / (1 + e^5) ≈ 0.0067
    assert set(np.unique(indices).tolist()) == {1, 2}
    assert chi_square_p(indices, np.array([0.0, 1.0, np.exp(-5.0)]) / (1 + np.exp(-5.0))) \
        > ALPHA


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "probs, message",
    [
        (np.array([0.5, 0.5]), "probs: expected 2 dimensions"),
        (np.array([[1, 0], [0, 1]]), "probs: expected a float array"),
        (np.array([[0.6], [0.6]]), "probs: every column must sum to 1, column 0"),
        (np.array([[1.5], [-0.5]]), "probs: expected finite, non-negative"),
        (np.array([[np.nan], [1.0]]), "probs: expected finite, non-negative"),
        ([[0.5], [0.5]], "probs: expected a numpy array"),
    ],
)
def test_bad_probs_are_named(probs, message):
    with pytest.raises(ValueError, match=f"^{message}"):
        sample_index(probs, np.random.default_rng(0))


@pytest.mark.parametrize("temperature", [0, -1.0, np.inf, np.nan, "hot", None])
def test_bad_temperature_is_named(temperature):
    with pytest.raises(ValueError, match="^temperature: "):
        sample_index(np.full((4, 3), 0.25), np.random.default_rng(0), temperature)


@pytest.mark.parametrize("forbid", [[4], [-1], [1.0], "0", 3, [0, 1, 2, 3]])
def test_bad_forbid_is_named(forbid):
    with pytest.raises(ValueError, match="^forbid: "):
        sample_index(np.full((4, 3), 0.25), np.random.default_rng(0), forbid=forbid)


def test_all_mass_on_forbidden_indices_is_an_error():
    probs = np.array([[1.0, 0.5], [0.0, 0.5]])
    with pytest.raises(ValueError, match="^probs: column 0 gives probability 0"):
        sample_index(probs, np.random.default_rng(0), forbid=[0])


@pytest.mark.parametrize("rng", [0, np.random.RandomState(0), None])
def test_rng_must_be_a_generator(rng):
    with pytest.raises(ValueError, match="^rng: expected a numpy.random.Generator"):
        sample_index(np.full((4, 3), 0.25), rng)


def test_bad_logits_are_named():
    with pytest.raises(ValueError, match="^z: expected finite logits"):
        sample_from_logits(np.array([[np.inf], [0.0]]), np.random.default_rng(0))
