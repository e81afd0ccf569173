"""The four RNN architectures of the notes, each a few lines of seqlib pieces, with the whole
model's gradient checked end to end: many-to-many (T_x = T_y), many-to-one, one-to-many and
encoder-decoder (T_x ≠ T_y)."""

import numpy as np
from conftest import assert_gradients, random_case

from seqlib import losses, outputs, rnn
from seqlib.cells import get_cell
from seqlib.initialization import init_parameters


def test_many_to_many_tagging(rng):
    x, a0, p = random_case("rnn", rng, n_y=3)
    y = np.eye(3)[rng.integers(0, 3, (4, 6))].transpose(2, 0, 1)  # (n_y, m, T_y = T_x)

    def loss():
        a, y_pred, _ = rnn.rnn_forward(x, a0, p)
        return losses.cross_entropy(y_pred, y)

    a, y_pred, caches = rnn.rnn_forward(x, a0, p)
    out = outputs.output_backward(losses.cross_entropy_backward(y_pred, y),
                                  outputs.output_forward(a, p["Wya"], p["by"])[1])
    grads = {**rnn.rnn_backward(out["da"], caches), "dWya": out["dWy"], "dby": out["dby"]}
    assert_gradients("many-to-many rnn", loss, {"x": x, "a0": a0, **p}, grads)


def test_many_to_one_classification(rng):
    """Sentiment-style: only a<T_x> feeds a sigmoid output; da is zero at earlier steps."""
    cell = get_cell("gru")
    x, a0, p = random_case("gru", rng)
    Wy, by = rng.standard_normal((1, 5)), rng.standard_normal((1, 1))
    y = (rng.random((1, 4)) > 0.5).astype(float)  # (1, m)

    def loss():
        a, _ = cell.forward_states(x, a0, p)
        z, _ = outputs.output_forward(a[:, :, -1], Wy, by, "linear")
        return losses.sigmoid_binary_cross_entropy(z, y)[0]

    a, caches = cell.forward_states(x, a0, p)
    z, out_cache = outputs.output_forward(a[:, :, -1], Wy, by, "linear")
    out = outputs.output_backward_logits(losses.sigmoid_binary_cross_entropy(z, y)[1], out_cache)
    da = np.zeros_like(a)
    da[:, :, -1] = out["da"]
    grads = {**cell.backward_states(da, caches), "dWy": out["dWy"], "dby": out["dby"]}
    recurrent = {k: p[k] for k in cell.recurrent_shapes}
    assert_gradients("many-to-one gru", loss,
                     {"x": x, "a0": a0, **recurrent, "Wy": Wy, "by": by}, grads)


def test_one_to_many_generation(rng):
    """One input at t = 1 (e.g. a genre), nothing after: an output at every step."""
    cell = get_cell("lstm")
    _, a0, p = random_case("lstm", rng, T_x=1)
    x1 = rng.standard_normal((3, 4))
    y = np.eye(2)[rng.integers(0, 2, (4, 6))].transpose(2, 0, 1)  # (n_y, m, T_y = 6)

    def forward():
        x = np.zeros((3, 4, 6))
        x[:, :, 0] = x1
        a, caches = cell.forward_states(x, a0, p)
        z, out_cache = outputs.output_forward(a, p["Wy"], p["by"], "linear")
        return losses.softmax_cross_entropy(z, y), caches, out_cache

    (J, dz), caches, out_cache = forward()
    out = outputs.output_backward_logits(dz, out_cache)
    grads = cell.backward_states(out["da"], caches)
    grads = {**grads, "dx1": grads["dx"][:, :, 0], "dWy": out["dWy"], "dby": out["dby"]}
    assert_gradients("one-to-many lstm", lambda: forward()[0][0],
                     {"x1": x1, "a0": a0, **p}, grads)


def test_encoder_decoder_with_different_lengths(rng):
    """An LSTM encoder reads T_x = 5 steps; its last a<T_x> starts a GRU decoder that writes
    T_y = 3 steps (teacher forcing: the decoder reads the previous target)."""
    enc, dec = get_cell("lstm"), get_cell("gru")
    x, a0, p_enc = random_case("lstm", rng, T_x=5)
    p_dec = init_parameters("gru", 2, 5, 2, rng=rng)
    p_dec = {k: w + 0.5 * rng.standard_normal(w.shape) for k, w in p_dec.items()}
    y = np.eye(2)[rng.integers(0, 2, (4, 3))].transpose(2, 0, 1)  # (n_y, m, T_y = 3)
    y_in = np.concatenate([np.zeros((2, 4, 1)), y[:, :, :-1]], axis=2)  # <go>, y<1>, y<2>

    def forward():
        a_enc, enc_caches = enc.forward_states(x, a0, p_enc)
        a_dec, dec_caches = dec.forward_states(y_in, a_enc[:, :, -1], p_dec)
        z, out_cache = outputs.output_forward(a_dec, p_dec["Wy"], p_dec["by"], "linear")
        return losses.softmax_cross_entropy(z, y), enc_caches, dec_caches, out_cache

    (_, dz), enc_caches, dec_caches, out_cache = forward()
    out = outputs.output_backward_logits(dz, out_cache)
    g_dec = dec.backward_states(out["da"], dec_caches)
    da_enc = np.zeros((5, 4, 5))
    da_enc[:, :, -1] = g_dec["da0"]  # the decoder's a<0> is the encoder's a<T_x>
    g_enc = enc.backward_states(da_enc, enc_caches)
    variables = {"x": x, "a0": a0, "enc": {k: p_enc[k] for k in enc.recurrent_shapes},
                 "dec": p_dec}
    grads = {"dx": g_enc["dx"], "da0": g_enc["da0"], "enc": g_enc,
             "dec": {**g_dec, "dWy": out["dWy"], "dby": out["dby"]}}
    assert_gradients("encoder-decoder lstm->gru", lambda: forward()[0][0], variables, grads)
