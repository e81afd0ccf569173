"""Output layers, activations and losses: gradients, stability, and the notes' definitions."""

import numpy as np
import pytest
from conftest import assert_gradients

from seqlib import activations, losses, outputs


def one_hot_targets(rng, n_y, m, T):
    return np.eye(n_y)[rng.integers(0, n_y, (m, T))].transpose(2, 0, 1)  # (n_y, m, T)


@pytest.mark.parametrize("activation", outputs.ACTIVATIONS)
@pytest.mark.parametrize("with_time", [True, False])
def test_output_layer_backward(activation, with_time, rng):
    a = rng.standard_normal((4, 3, 5) if with_time else (4, 3))
    Wy, by = rng.standard_normal((6, 4)), rng.standard_normal((6, 1))
    w = rng.standard_normal((6,) + a.shape[1:])
    _, cache = outputs.output_forward(a, Wy, by, activation)
    grads = outputs.output_backward(w, cache)
    assert_gradients(f"output layer {activation}",
                     lambda: np.sum(w * outputs.output_forward(a, Wy, by, activation)[0]),
                     {"a": a, "Wy": Wy, "by": by}, grads)


def test_fused_softmax_cross_entropy_through_the_output_layer(rng):
    a = rng.standard_normal((4, 3, 5))
    Wy, by = rng.standard_normal((6, 4)), rng.standard_normal((6, 1))
    y = one_hot_targets(rng, 6, 3, 5)
    mask = (rng.random((3, 5)) > 0.3).astype(float)

    def loss():
        z, _ = outputs.output_forward(a, Wy, by, "linear")
        return losses.softmax_cross_entropy(z, y, mask)[0]

    z, cache = outputs.output_forward(a, Wy, by, "linear")
    _, dz = losses.softmax_cross_entropy(z, y, mask)
    assert_gradients("softmax + cross-entropy", loss, {"a": a, "Wy": Wy, "by": by},
                     outputs.output_backward_logits(dz, cache))


@pytest.mark.parametrize("loss_name", ["cross_entropy", "binary_cross_entropy"])
def test_loss_backward(loss_name, rng):
    y_pred = rng.random((5, 3, 4)) * 0.9 + 0.05
    y = one_hot_targets(rng, 5, 3, 4) if loss_name == "cross_entropy" else \
        (rng.random((5, 3, 4)) > 0.5).astype(float)
    mask = (rng.random((3, 4)) > 0.3).astype(float)
    f = getattr(losses, loss_name)
    grad = getattr(losses, loss_name + "_backward")(y_pred, y, mask)
    assert_gradients(loss_name, lambda: f(y_pred, y, mask), {"y_pred": y_pred},
                     {"dy_pred": grad})


def test_fused_sigmoid_bce_gradient_and_agreement(rng):
    z = rng.standard_normal((2, 3, 4)) * 3
    y = (rng.random((2, 3, 4)) > 0.5).astype(float)
    J, dz = losses.sigmoid_binary_cross_entropy(z, y)
    assert J == pytest.approx(losses.binary_cross_entropy(activations.sigmoid(z), y), rel=1e-12)
    assert_gradients("sigmoid + binary cross-entropy",
                     lambda: losses.sigmoid_binary_cross_entropy(z, y)[0], {"z": z}, {"dz": dz})


def test_cross_entropy_is_the_notes_sum_over_time_mean_over_examples(rng):
    """J = (1/m) Σ_i Σ_t L<t>(i), L<t> = -log ŷ of the true class; written out by hand."""
    y_pred = activations.softmax(rng.standard_normal((5, 3, 4)))
    labels = rng.integers(0, 5, (3, 4))
    y = np.eye(5)[labels].transpose(2, 0, 1)
    by_hand = sum(-np.log(y_pred[labels[i, t], i, t]) for i in range(3) for t in range(4)) / 3
    assert losses.cross_entropy(y_pred, y) == pytest.approx(by_hand, rel=1e-12)
    steps = losses.cross_entropy_steps(y_pred, y)
    assert steps.shape == (3, 4) and steps[1, 2] == pytest.approx(-np.log(y_pred[labels[1, 2],
                                                                                 1, 2]))


def test_mask_drops_padding_exactly(rng):
    z = rng.standard_normal((5, 2, 4))
    y = one_hot_targets(rng, 5, 2, 4)
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=float)
    J, dz = losses.softmax_cross_entropy(z, y, mask)
    # the same as the two examples cut to their lengths, each summed over its own steps
    J0, _ = losses.softmax_cross_entropy(z[:, :1], y[:, :1])
    J1, _ = losses.softmax_cross_entropy(z[:, 1:, :2], y[:, 1:, :2])
    assert J == pytest.approx((J0 + J1) / 2, rel=1e-12)
    assert np.all(dz[:, 1, 2:] == 0)


def test_activations_stable_at_plus_minus_1000():
    z = np.array([[-1000.0, -30.0, 0.0, 30.0, 1000.0]])
    s = activations.sigmoid(z)
    assert np.all(np.isfinite(s)) and s[0, 0] == 0.0 and s[0, -1] == 1.0 and s[0, 2] == 0.5
    np.testing.assert_allclose(s + activations.sigmoid(-z), 1.0, atol=1e-15)
    p = activations.softmax(np.array([[1000.0, -1000.0], [999.0, 0.0], [0.0, 1000.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    np.testing.assert_allclose(p[:, 0], [1 / (1 + np.exp(-1)), 1 - 1 / (1 + np.exp(-1)), 0])
    J, dz = losses.softmax_cross_entropy(np.array([[1000.0], [-1000.0]]), np.array([[0.0],
                                                                                    [1.0]]))
    assert J == pytest.approx(2000.0) and np.all(np.isfinite(dz))
    J, _ = losses.sigmoid_binary_cross_entropy(np.array([[1000.0, -1000.0]]),
                                               np.array([[0.0, 1.0]]))
    assert J == pytest.approx(1000.0)  # mean over m = 2 of two losses of 1000
    assert losses.cross_entropy(np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]])) > 600


def test_softmax_invariant_to_a_shift_and_float32_preserved(rng):
    z = rng.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(activations.softmax(z), activations.softmax(z + 100), atol=1e-6)
    assert activations.softmax(z).dtype == np.float32
    assert activations.sigmoid(z).dtype == np.float32


def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    n_y, m, T = 7, 3, 4
    y_pred = np.full((n_y, m, T), 1 / n_y)
    y = np.zeros((n_y, m, T))
    y[0] = 1
    total = losses.cross_entropy(y_pred, y) * m
    assert losses.perplexity(total, m * T) == pytest.approx(n_y)
