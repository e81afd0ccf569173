"""The character-level language model: gradients, batches, training, evaluation, sampling.

- loss_and_gradients against centred differences for every cell, on a padded batch;
- the teacher-forced loss against the product of probabilities() one step at a time;
- make_batch's shift (x<1> = 0, x<t+1> = y<t>) and its padding;
- evaluate against two models whose perplexity is known without training (uniform, unigram);
- a short training run on the shipped names: the loss falls and the held-out perplexity beats
  the uniform and unigram baselines;
- sampling stops at <EOS> or max_len, never emits <UNK> unless allowed, repeats with a seed;
- ``python -m seqlib.charlm`` runs; bad arguments are named.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import assert_gradients

from seqlib import charlm
from seqlib.data import load_names

CELLS = ["rnn", "gru", "lstm"]
SMALL_NAMES = ["abba", "cab", "b", "cc", "bad"]  # lengths 4, 3, 1, 2, 3: the batch is padded


def small_model(cell, seed=0, n_a=4, noise=0.5):
    """A model on the letters a-d with parameters moved away from their initial values
    (zero biases would hide a bias bug)."""
    rng = np.random.default_rng(seed)
    model = charlm.init_char_lm(charlm.char_vocab(SMALL_NAMES), n_a, rng, cell=cell)
    for value in model.parameters.values():
        value += noise * rng.standard_normal(value.shape)
    return model


@pytest.fixture(scope="module")
def split():
    """The shipped names, shuffled with a fixed seed: 90% to train on, 10% held out."""
    names = load_names()
    rng = np.random.default_rng(0)
    shuffled = [names[i] for i in rng.permutation(len(names))]
    n_test = len(names) // 10
    return shuffled[n_test:], shuffled[:n_test]


@pytest.fixture(scope="module")
def trained(split):
    """A small RNN trained for 500 steps (about half a second), and its history."""
    train_names, _ = split
    rng = np.random.default_rng(1)
    model = charlm.init_char_lm(charlm.char_vocab(train_names), 32, rng)
    history = charlm.train(model, train_names, rng, steps=500, batch_size=32)
    return model, history


# ---------------------------------------------------------------- gradients and the loss


@pytest.mark.parametrize("cell", CELLS)
def test_gradients_match_centred_differences(cell):
    model = small_model(cell)
    x, y, mask = charlm.make_batch(model, SMALL_NAMES)
    assert 0 < mask.sum() < mask.size  # the batch has padding to ignore
    J, grads = charlm.loss_and_gradients(model, x, y, mask)
    assert set(grads) == {"d" + key for key in model.parameters}

    def loss():
        return charlm.loss_and_gradients(model, x, y, mask)[0]

    assert_gradients(f"charlm.loss_and_gradients ({cell})", loss, model.parameters, grads)


@pytest.mark.parametrize("cell", CELLS)
def test_padding_changes_nothing(cell):
    # The batch loss is the mean of the names' own losses, each computed without padding.
    model = small_model(cell)
    J, _ = charlm.loss_and_gradients(model, *charlm.make_batch(model, SMALL_NAMES))
    alone = [charlm.loss_and_gradients(model, *charlm.make_batch(model, [s]))[0]
             for s in SMALL_NAMES]
    assert J == pytest.approx(np.mean(alone), rel=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_loss_is_minus_log_of_the_product_of_the_conditionals(cell):
    # P(name) = P(c1) P(c2 | c1) ... P(<EOS> | name), each factor from probabilities(prefix):
    # one step at a time, without teacher forcing's batch, padding or fused loss.
    model = small_model(cell)
    vocab = model.vocab
    name = "abcab"
    log_p = sum(
        np.log(charlm.probabilities(model, name[:t])[vocab.index(ch)])
        for t, ch in enumerate(name)
    ) + np.log(charlm.probabilities(model, name)[vocab.eos_index])
    J, _ = charlm.loss_and_gradients(model, *charlm.make_batch(model, [name]))
    assert J == pytest.approx(-log_p, rel=1e-12)


def test_probabilities_are_a_distribution():
    p = charlm.probabilities(small_model("lstm"), "ab")
    assert p.shape == (6,)  # <EOS>, <UNK>, a, b, c, d
    assert np.all(p > 0) and p.sum() == pytest.approx(1.0)


# ---------------------------------------------------------------- batches


def test_make_batch_shifts_targets_into_inputs():
    vocab = charlm.char_vocab(SMALL_NAMES)
    x, y, mask = charlm.make_batch(vocab, ["cab", "b"])
    assert x.shape == y.shape == (6, 2, 4) and mask.shape == (2, 4)  # T = len("cab") + 1
    np.testing.assert_array_equal(x[:, :, 0], 0)  # x<1> = 0
    np.testing.assert_array_equal(x[:, :, 1:], y[:, :, :-1])  # x<t+1> = y<t>
    np.testing.assert_array_equal(mask, [[1, 1, 1, 1], [1, 1, 0, 0]])
    assert vocab.decode(np.argmax(y[:, 0], axis=0)) == ["c", "a", "b", "<EOS>"]
    assert vocab.decode(np.argmax(y[:, 1, :2], axis=0)) == ["b", "<EOS>"]
    np.testing.assert_array_equal(y[:, 1, 2:], 0)  # padding is zero vectors
    np.testing.assert_array_equal(y.sum(axis=0), mask)  # one-hot where real


def test_char_vocab_is_sorted_with_the_specials_first():
    assert charlm.char_vocab(["cab", "da"]).tokens == ["<EOS>", "<UNK>", "a", "b", "c", "d"]


def test_unknown_characters_become_unk():
    vocab = charlm.char_vocab(["ab"])
    _, y, _ = charlm.make_batch(vocab, ["az"])
    assert vocab.decode(np.argmax(y[:, 0], axis=0)) == ["a", "<UNK>", "<EOS>"]


# ---------------------------------------------------------------- evaluation and baselines


def test_evaluate_gives_the_vocabulary_size_for_a_uniform_model(split):
    # With Wy = 0 and by = 0 every prediction is uniform over the n_y characters, so the
    # perplexity is exactly n_y whatever the names.
    _, test = split
    model = charlm.init_char_lm(charlm.char_vocab(test), 8, np.random.default_rng(0))
    model.parameters["Wya"][:] = 0  # the RNN's output layer
    model.parameters["by"][:] = 0
    loss, perplexity = charlm.evaluate(model, test)
    assert perplexity == pytest.approx(len(model.vocab), rel=1e-12)
    assert loss == pytest.approx(np.log(len(model.vocab)), rel=1e-12)


def test_unigram_perplexity_by_hand():
    vocab = charlm.char_vocab(["ab"])  # <EOS>, <UNK>, a, b
    # train "a" -> counts EOS 1, a 1; add one to all four -> (2, 1, 2, 1) / 6
    # test "b" predicts b then <EOS>: p = 1/6 and 2/6, perplexity = (1/6 * 2/6)^(-1/2) = √18
    assert charlm.unigram_perplexity(vocab, ["a"], ["b"]) == pytest.approx(np.sqrt(18))


def test_a_model_with_unigram_bias_and_no_weights_is_the_unigram_baseline(split):
    # Wy = 0 and by = log frequencies predict the unigram distribution at every step, so
    # evaluate and unigram_perplexity, written independently, must agree.
    train_names, test = split
    vocab = charlm.char_vocab(train_names)
    model = charlm.init_char_lm(vocab, 8, np.random.default_rng(0), cell="gru")
    counts = np.ones(len(vocab))
    for name in train_names:
        np.add.at(counts, vocab.encode(name, add_eos=True), 1)
    model.parameters["Wy"][:] = 0
    model.parameters["by"][:, 0] = np.log(counts / counts.sum())
    _, perplexity = charlm.evaluate(model, test)
    assert perplexity == pytest.approx(charlm.unigram_perplexity(vocab, train_names, test))


# ---------------------------------------------------------------- training


def test_training_loss_falls(trained):
    model, history = trained
    assert [r["step"] for r in history] == list(range(1, 501))
    losses = np.array([r["loss"] for r in history])
    np.testing.assert_allclose([r["perplexity"] for r in history], np.exp(losses))
    # it starts near log n_y, the loss of a uniform guess, since the initial Wy a is small
    assert losses[:20].mean() <= 1.05 * np.log(len(model.vocab))
    assert losses[-20:].mean() < 0.8 * losses[:20].mean()


def test_trained_model_beats_both_baselines_on_held_out_names(trained, split):
    model, _ = trained
    train_names, test = split
    _, perplexity = charlm.evaluate(model, test)
    assert perplexity < len(model.vocab)  # the uniform baseline, 28
    # the unigram baseline is 16.7 on this split; the model gets about 8 after 500 steps
    assert perplexity < charlm.unigram_perplexity(model.vocab, train_names, test)


def test_callback_every_log_every_steps_and_clip_norm(split):
    train_names, _ = split
    rng = np.random.default_rng(2)
    model = charlm.init_char_lm(charlm.char_vocab(train_names), 8, rng, cell="lstm")
    seen = []
    history = charlm.train(model, train_names, rng, steps=25, batch_size=4, clip_norm=0.5,
                           log_every=10, callback=seen.append)
    assert [r["step"] for r in seen] == [10, 20, 25]
    assert seen[0] is history[9]
    assert all(np.isfinite(r["grad_norm"]) for r in history)


# ---------------------------------------------------------------- sampling


def biased(cell, token, bias=1000.0):
    """A model whose output bias makes ``token`` (almost surely, or surely) the next one."""
    model = small_model(cell)
    model.parameters["by"][model.vocab.index(token)] += bias  # "by" for every cell
    return model


@pytest.mark.parametrize("cell", CELLS)
def test_samples_stop_at_eos_or_max_len(cell):
    rng = np.random.default_rng(3)
    assert charlm.sample(biased(cell, "<EOS>"), rng, n=5) == [""] * 5
    assert charlm.sample(biased(cell, "c"), rng, n=3, max_len=7) == ["ccccccc"] * 3


def test_trained_samples_are_names(trained):
    model, _ = trained
    samples = charlm.sample(model, np.random.default_rng(4), n=200, max_len=12)
    assert len(samples) == 200
    assert all(len(s) <= 12 and set(s) <= set("abcdefghijklmnopqrstuvwxyz") for s in samples)
    assert any(len(s) < 12 for s in samples)  # some stopped at <EOS>


@pytest.mark.parametrize("cell", CELLS)
def test_unk_is_never_sampled_unless_allowed(cell):
    # softmax of the biased logits gives <UNK> probability exactly 1 in float64
    model = biased(cell, "<UNK>")
    rng = np.random.default_rng(5)
    samples = charlm.sample(model, rng, n=50, max_len=6)
    assert all("<UNK>" not in s and len(s) <= 6 for s in samples)
    assert charlm.sample(model, rng, n=2, max_len=3, allow_unk=True) == ["<UNK>" * 3] * 2


def test_same_seed_same_samples_different_seed_different(trained):
    model, _ = trained
    first = charlm.sample(model, np.random.default_rng(6), n=20, temperature=1.5)
    again = charlm.sample(model, np.random.default_rng(6), n=20, temperature=1.5)
    other = charlm.sample(model, np.random.default_rng(7), n=20, temperature=1.5)
    assert first == again
    assert first != other


def test_greedy_sample_follows_probabilities(trained):
    # At a tiny temperature every character is the argmax of probabilities(prefix), so the
    # vectorised sampler and the one-step-at-a-time probabilities must agree.
    model, _ = trained
    vocab = model.vocab
    (name,) = charlm.sample(model, np.random.default_rng(8), temperature=1e-9, max_len=30)
    for t in range(len(name) + 1):
        p = charlm.probabilities(model, name[:t])
        p[vocab.unk_index] = 0  # never sampled
        expected = name[t] if t < len(name) else "<EOS>"
        assert vocab.token(int(np.argmax(p))) == expected


# ---------------------------------------------------------------- the main job


def test_main_job_runs_tiny():
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-m", "seqlib.charlm", "--steps", "50", "--hidden", "8", "--seed", "3"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = re.search(r"held-out ([\d.]+); baselines: uniform (\d+), unigram ([\d.]+)",
                      result.stdout)
    assert found, result.stdout
    held_out, uniform, unigram = map(float, found.groups())
    assert uniform == 28  # 26 letters, <EOS>, <UNK>
    assert held_out < uniform and 1 < unigram < uniform
    for temperature in ("0.5", "1.0", "1.5"):
        assert f"samples at temperature {temperature}: " in result.stdout


# ---------------------------------------------------------------- bad arguments


@pytest.fixture
def model():
    return small_model("rnn")


def test_bad_arguments_are_named(model):
    rng = np.random.default_rng(0)
    x, y, mask = charlm.make_batch(model, SMALL_NAMES)
    cases = [
        (lambda: charlm.init_char_lm(model.vocab, 0, rng), "^n_a: "),
        (lambda: charlm.init_char_lm("abc", 4, rng), "^vocab: "),
        (lambda: charlm.init_char_lm(model.vocab, 4, rng, cell="transformer"), "^cell: "),
        (lambda: charlm.init_char_lm(model.vocab, 4, 42), "^rng: "),
        (lambda: charlm.char_vocab("emma"), "^texts: "),
        (lambda: charlm.make_batch(model, "emma"), "^sequences: "),
        (lambda: charlm.make_batch(model, ["emma", 3]), "^sequences: .*item 1"),
        (lambda: charlm.make_batch(["a"], ["emma"]), "^model_or_vocab: "),
        (lambda: charlm.loss_and_gradients(model, x, y[:, :2], mask), r"^y: expected shape"),
        (lambda: charlm.loss_and_gradients(model, x, y, mask[:, :2]), r"^mask: expected shape"),
        (lambda: charlm.loss_and_gradients(model, x[:3], y, mask), r"^model.parameters\['Wax'\]"),
        (lambda: charlm.loss_and_gradients(model, x, y, mask, a0=np.zeros((4, 2))), "^a0: "),
        (lambda: charlm.loss_and_gradients("model", x, y, mask), "^model: "),
        (lambda: charlm.train(model, SMALL_NAMES, rng, steps=0), "^steps: "),
        (lambda: charlm.train(model, SMALL_NAMES, rng, batch_size=-1), "^batch_size: "),
        (lambda: charlm.train(model, SMALL_NAMES, 42), "^rng: "),
        (lambda: charlm.train(model, [], rng), "^sequences: "),
        (lambda: charlm.train(model, SMALL_NAMES, rng, clip=0), "^clip: "),
        (lambda: charlm.train(model, SMALL_NAMES, rng, clip_norm=-1.0), "^clip_norm: "),
        (lambda: charlm.train(model, SMALL_NAMES, rng, optimizer="adam"), "^optimizer: "),
        (lambda: charlm.evaluate(model, []), "^sequences: "),
        (lambda: charlm.sample(model, rng, n=0), "^n: "),
        (lambda: charlm.sample(model, rng, temperature=0), "^temperature: "),
        (lambda: charlm.sample(model, rng, max_len=0), "^max_len: "),
        (lambda: charlm.sample(model, None), "^rng: "),
        (lambda: charlm.probabilities(model, ["a"]), "^prefix: "),
        (lambda: charlm.unigram_perplexity(model.vocab, ["a"], "b"), "^test_sequences: "),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


def test_a_model_with_a_misshapen_parameter_is_named(model):
    model.parameters["by"] = np.zeros((5, 1))  # the vocabulary has 6 entries
    with pytest.raises(ValueError, match=r"^model.parameters\['by'\]: expected shape"):
        charlm.sample(model, np.random.default_rng(0))
