"""Gradient clipping and the optimisers against their formulas, computed by hand here.

- clipping by value bounds every entry, by global norm keeps the direction; neither touches
  its input;
- two steps of SGD, Adagrad and Adam on a nested example equal the update formulas written
  out below (two steps, so that Adagrad's accumulation and Adam's bias correction count);
- each optimiser minimises a convex quadratic; bad hyper-parameters are named.
"""

import copy

import numpy as np
import pytest

from seqlib.optim import SGD, Adagrad, Adam, clip_by_global_norm, clip_by_value, global_norm


def nested_grads(rng, scale=10.0):
    """Gradients shaped like nested_parameters: a dict holding a dict and a list of dicts."""
    return {
        "dW": scale * rng.standard_normal((3, 4)),
        "inner": {"db": scale * rng.standard_normal((3, 1))},
        "layers": [{"dU": scale * rng.standard_normal((2, 2))}],
    }


def nested_parameters(rng):
    return {
        "W": rng.standard_normal((3, 4)),
        "inner": {"b": rng.standard_normal((3, 1))},
        "layers": [{"U": rng.standard_normal((2, 2))}],
    }


def flat(tree):
    """The arrays of a nest in a fixed order: W, b, U (or their gradients)."""
    def key(d, k):
        return d[k] if k in d else d["d" + k]
    return [key(tree, "W"), key(tree["inner"], "b"), key(tree["layers"][0], "U")]


@pytest.fixture
def rng():
    return np.random.default_rng(7)


# ---------------------------------------------------------------- clipping


def test_global_norm_is_the_length_of_all_entries_together():
    grads = {"da": np.array([[3.0]]), "nested": [{"db": np.array([[4.0], [12.0]])}]}
    assert global_norm(grads) == pytest.approx(13.0)  # sqrt(9 + 16 + 144)


def test_clip_by_value_bounds_every_entry_and_leaves_the_input_alone(rng):
    grads = nested_grads(rng)
    before = copy.deepcopy(grads)
    clipped = clip_by_value(grads, 5.0)
    for g, c, original in zip(flat(grads), flat(clipped), flat(before), strict=True):
        np.testing.assert_array_equal(g, original)  # input untouched
        assert c is not g
        assert np.all(np.abs(c) <= 5.0)
        inside = np.abs(g) <= 5.0
        np.testing.assert_array_equal(c[inside], g[inside])  # small entries unchanged
        np.testing.assert_array_equal(c[~inside], 5.0 * np.sign(g[~inside]))
    assert sum(np.sum(np.abs(g) > 5) for g in flat(grads)) > 0  # the example does clip


def test_clip_by_value_can_change_the_direction():
    clipped = clip_by_value({"dw": np.array([10.0, 1.0])}, 1.0)["dw"]
    np.testing.assert_array_equal(clipped, [1.0, 1.0])  # 45° instead of about 6°
    cosine = clipped @ np.array([10.0, 1.0]) / np.linalg.norm(clipped) / np.hypot(10, 1)
    assert cosine < 0.8


def test_clip_by_global_norm_above_keeps_direction_and_gives_max_norm(rng):
    grads = nested_grads(rng)
    before = copy.deepcopy(grads)
    norm = np.sqrt(sum(np.sum(g**2) for g in flat(grads)))  # by hand
    assert norm > 1.0
    clipped, norm_before = clip_by_global_norm(grads, 1.0)
    assert norm_before == pytest.approx(norm)
    assert global_norm(clipped) == pytest.approx(1.0)
    for g, c, original in zip(flat(grads), flat(clipped), flat(before), strict=True):
        np.testing.assert_array_equal(g, original)
        np.testing.assert_allclose(c, g / norm, rtol=1e-12)  # one factor for every array


def test_clip_by_global_norm_below_is_the_identity(rng):
    grads = nested_grads(rng, scale=0.01)
    clipped, norm_before = clip_by_global_norm(grads, 100.0)
    assert norm_before < 100.0
    for g, c in zip(flat(grads), flat(clipped), strict=True):
        np.testing.assert_array_equal(c, g)
        assert c is not g  # still a new nest: editing it cannot touch the input


# ---------------------------------------------------------------- the update formulas


def run_two_steps(optimizer, rng):
    p0 = nested_parameters(rng)
    g1, g2 = nested_grads(rng, 1.0), nested_grads(rng, 1.0)
    params = copy.deepcopy(p0)
    optimizer.step(params, g1)
    optimizer.step(params, g2)
    return flat(p0), flat(g1), flat(g2), flat(params)


def test_sgd_two_steps(rng):
    lr = 0.1
    for p0, g1, g2, p in zip(*run_two_steps(SGD(lr), rng), strict=True):
        np.testing.assert_allclose(p, p0 - lr * g1 - lr * g2, rtol=1e-12)


def test_adagrad_two_steps(rng):
    lr, eps = 0.1, 1e-8
    for p0, g1, g2, p in zip(*run_two_steps(Adagrad(lr, eps), rng), strict=True):
        G1 = g1**2
        p1 = p0 - lr * g1 / (np.sqrt(G1) + eps)
        G2 = G1 + g2**2  # the squares accumulate
        p2 = p1 - lr * g2 / (np.sqrt(G2) + eps)
        np.testing.assert_allclose(p, p2, rtol=1e-12)


def test_adam_two_steps(rng):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    for p0, g1, g2, p in zip(*run_two_steps(Adam(lr, b1, b2, eps), rng), strict=True):
        m1, v1 = (1 - b1) * g1, (1 - b2) * g1**2
        p1 = p0 - lr * (m1 / (1 - b1)) / (np.sqrt(v1 / (1 - b2)) + eps)
        m2, v2 = b1 * m1 + (1 - b1) * g2, b2 * v1 + (1 - b2) * g2**2
        p2 = p1 - lr * (m2 / (1 - b1**2)) / (np.sqrt(v2 / (1 - b2**2)) + eps)
        np.testing.assert_allclose(p, p2, rtol=1e-12)


def test_adam_first_step_is_lr_per_coordinate_whatever_the_scale():
    lr = 1e-3
    g = np.array([[1e-3, -1.0, 1e3, -5e2]])  # six orders of magnitude
    p = np.zeros_like(g)
    Adam(lr).step({"w": p}, {"dw": g})
    # the bias-corrected first step is lr * g / (|g| + eps) = lr * sign(g), up to eps / |g|
    np.testing.assert_allclose(p, -lr * np.sign(g), rtol=1e-4)


def test_a_missing_gradient_raises_before_any_parameter_moves(rng):
    params = {"A": rng.standard_normal((2, 2)), "B": rng.standard_normal((2, 2))}
    before = copy.deepcopy(params)
    for optimizer in (SGD(0.1), Adagrad(0.1), Adam(0.1)):
        with pytest.raises(ValueError, match="no gradient for B"):
            optimizer.step(params, {"dA": np.ones((2, 2))})
        np.testing.assert_array_equal(params["A"], before["A"])


# ---------------------------------------------------------------- minimising a quadratic


@pytest.mark.parametrize(
    "optimizer, steps",
    [(SGD(0.05), 500), (Adagrad(0.5), 2000), (Adam(0.05), 2000)],
    ids=["sgd", "adagrad", "adam"],
)
def test_each_optimiser_minimises_a_convex_quadratic(optimizer, steps):
    # f(w) = ½ (w - c)ᵀ A (w - c) with A symmetric positive definite, minimum 0 at w = c;
    # A's eigenvalues (11 ± sqrt(65)) / 2, about 1.5 and 9.5, make the valley narrow enough
    # that a step too large for the steep direction diverges (SGD needs lr < 2 / 9.5).
    A = np.array([[6.0, 4.0], [4.0, 5.0]])
    c = np.array([[1.0], [-2.0]])
    w = np.array([[4.0], [3.0]])
    params = {"w": w}

    def f():
        return (0.5 * (w - c).T @ A @ (w - c)).item()

    start = f()
    for _ in range(steps):
        optimizer.step(params, {"dw": A @ (w - c)})
    assert f() < 1e-6 * start
    np.testing.assert_allclose(w, c, atol=1e-2)


# ---------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: SGD(0), "lr"),
        (lambda: SGD(-0.1), "lr"),
        (lambda: SGD("fast"), "lr"),
        (lambda: Adagrad(0.1, eps=0), "eps"),
        (lambda: Adagrad(-1), "lr"),
        (lambda: Adam(lr=0), "lr"),
        (lambda: Adam(beta1=1.0), "beta1"),
        (lambda: Adam(beta1=-0.1), "beta1"),
        (lambda: Adam(beta2=1.5), "beta2"),
        (lambda: Adam(eps=-1e-8), "eps"),
    ],
)
def test_bad_hyper_parameters_are_named(make, name):
    with pytest.raises(ValueError, match=f"^{name}: "):
        make()


def test_bad_clipping_arguments_are_named(rng):
    grads = nested_grads(rng)
    with pytest.raises(ValueError, match="^max_value: "):
        clip_by_value(grads, 0)
    with pytest.raises(ValueError, match="^max_norm: "):
        clip_by_global_norm(grads, -1.0)
    with pytest.raises(ValueError, match=r"^grads\['dW'\]: expected an array"):
        clip_by_value({"dW": 3.0}, 1.0)
    with pytest.raises(ValueError, match="^grads: expected a dict or list"):
        global_norm(np.ones(3))


def test_step_rejects_parameters_that_are_not_a_nest():
    with pytest.raises(ValueError, match="^parameters: "):
        SGD(0.1).step(np.ones(3), {"d": np.ones(3)})
