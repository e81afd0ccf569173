"""The character-level language model of the lecture notes, trained on first names.

Each name is a sequence of characters y<1> ... y<T>, the last one being <EOS>. The model reads

    x<1> = 0 (a zero vector),   x<t> = y<t-1> for t > 1        (n_x = len(vocab))
    a<t> = cell(x<t>, a<t-1>),  a<0> = 0
    ŷ<t> = softmax(Wy a<t> + by)   the distribution of the character that comes next

and gives a name the probability P(y<1>) P(y<2> | y<1>) ... P(<EOS> | y<1> ... y<T-1>), the
product of the conditionals. Training feeds the true previous character (teacher forcing) and
minimises the cross-entropy summed over the steps. Sampling feeds the model its own draws:
start from x<1> = 0, draw y<1> from ŷ<1>, feed it back as x<2>, ..., until <EOS>.

Any cell of ``seqlib.cells`` works ("rnn", "gru", "lstm"); the output layer's keys are the
cell's own (Wya, by for the RNN; Wy, by otherwise). Batches are (n_x, m, T) with a mask (m, T)
for the padding after shorter names.

``python -m seqlib.charlm`` trains on the shipped names and prints the held-out perplexity
against two baselines and samples at three temperatures.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from seqlib import _validate as v
from seqlib.activations import softmax
from seqlib.cells import get_cell
from seqlib.initialization import init_parameters
from seqlib.losses import perplexity, softmax_cross_entropy
from seqlib.optim import Adam, clip_by_global_norm, clip_by_value, global_norm
from seqlib.outputs import output_backward_logits, output_forward
from seqlib.sampling import sample_from_logits
from seqlib.text import Vocabulary, one_hot, pad_batch


@dataclass
class CharLM:
    """A character-level language model.

    vocab: the characters, with <EOS> (index 0) and <UNK> (index 1); n_x = n_y = len(vocab)
    cell: "rnn", "gru" or "lstm"
    parameters: the cell's recurrent arrays and its output layer (get_cell(cell).output_keys),
        Wy (n_y, n_a) and by (n_y, 1)
    """

    vocab: Vocabulary
    cell: str
    parameters: dict

    @property
    def n_a(self):
        """The hidden size, read from the output weights (n_y, n_a)."""
        return self.parameters[get_cell(self.cell).output_keys[0]].shape[1]


def char_vocab(texts):
    """The characters of ``texts`` (a list of str), sorted: <EOS>, <UNK>, then a, b, ..."""
    _check_texts("texts", texts)
    return Vocabulary(sorted(set("".join(texts))))


def init_char_lm(vocab, n_a, rng, cell="rnn"):
    """A new CharLM with random parameters (``seqlib.initialization.init_parameters``).

    vocab: a Vocabulary; n_a: hidden size; rng: a numpy.random.Generator; cell: its name.
    """
    if not isinstance(vocab, Vocabulary):
        raise ValueError(f"vocab: expected a seqlib.text.Vocabulary, got {type(vocab).__name__}")
    get_cell(cell)  # checks the name
    n = len(vocab)
    return CharLM(vocab, cell, init_parameters(cell, n, n_a, n, rng=rng))


# ---------------------------------------------------------------- batches and the loss


def make_batch(model_or_vocab, sequences):
    """One-hot inputs and targets for a list of m strings, padded to the longest.

    For a name c1 c2 ... cL the targets are y = (c1, ..., cL, <EOS>) and the inputs
    x = (0, c1, ..., cL): x<1> = 0 and x<t+1> = y<t> (teacher forcing). T = 1 + the longest L.

    Returns:
        x: (n_x, m, T) float64; zero vectors at x<1> and in the padding
        y: (n_y, m, T) float64 one-hot targets; zero vectors in the padding
        mask: (m, T) float64, 1 where a target is real (<EOS> included), 0 in the padding
    Characters missing from the vocabulary become <UNK>.
    """
    vocab = model_or_vocab.vocab if isinstance(model_or_vocab, CharLM) else model_or_vocab
    if not isinstance(vocab, Vocabulary):
        raise ValueError(
            f"model_or_vocab: expected a CharLM or a Vocabulary, got "
            f"{type(model_or_vocab).__name__}"
        )
    _check_texts("sequences", sequences)
    ids, mask = pad_batch([vocab.encode(s, add_eos=True) for s in sequences])  # (m, T) each
    y = one_hot(ids, len(vocab)) * mask  # (n_y, m, T); the mask broadcasts over the units
    x = np.zeros_like(y)
    x[:, :, 1:] = y[:, :, :-1]  # shift right by one step: x<t+1> = y<t>, x<1> = 0
    return x, y, mask


def loss_and_gradients(model, x, y, mask, a0=None):
    """The loss of a batch and its gradient with respect to every parameter.

    Arguments:
        model: a CharLM
        x: inputs (n_x, m, T); y: one-hot targets (n_y, m, T); mask: (m, T)
        a0: a<0> (n_a, m), zeros by default

    Returns:
        J: (1/m) Σ_i Σ_t mask * -log ŷ<t>(true next character), a float (softmax_cross_entropy)
        grads: {"d" + key: array shaped like parameters[key]} for every parameter
    """
    cell = _check_model(model)
    if a0 is None:
        m = x.shape[1] if isinstance(x, np.ndarray) and x.ndim == 3 else 1
        a0 = np.zeros((model.n_a, m))
    dims = cell.check(x, a0, model.parameters, "model.parameters")
    v.check_array("y", y, ("n_y", "m", "T_x"), dims)
    v.check_array("mask", mask, ("m", "T_x"), dims)
    return _loss_and_gradients(cell, model.parameters, x, y, mask, a0)


def _loss_and_gradients(cell, params, x, y, mask, a0):
    """loss_and_gradients, unchecked."""
    w_key, b_key = cell.output_keys
    a, caches = cell.forward_states(x, a0, params)  # (n_a, m, T)
    # The "linear" output gives the logits z; the fused loss applies the softmax itself,
    # so dz = ŷ - y is computed without dividing by small probabilities.
    z, out_cache = output_forward(a, params[w_key], params[b_key], "linear")  # (n_y, m, T)
    J, dz = softmax_cross_entropy(z, y, mask)
    out = output_backward_logits(dz, out_cache)  # da (n_a, m, T), dWy, dby
    rec = cell.backward_states(out["da"], caches)
    grads = {"d" + key: rec["d" + key] for key in cell.recurrent_shapes}
    grads["d" + w_key], grads["d" + b_key] = out["dWy"], out["dby"]
    return J, grads


def evaluate(model, sequences, batch_size=1024):
    """Loss per predicted character and perplexity of the model on a list of strings.

    Every character and each name's final <EOS> is one prediction. Returns
    (loss_per_char, perplexity) with perplexity = exp(total cross-entropy / predictions): the
    model is as unsure as a uniform choice among that many characters.
    """
    cell = _check_model(model)
    _check_texts("sequences", sequences)
    v.check_positive("batch_size", batch_size, integer=True)
    total, count = 0.0, 0.0
    for start in range(0, len(sequences), batch_size):  # chunks only bound the memory
        x, y, mask = make_batch(model.vocab, sequences[start : start + batch_size])
        a, _ = cell.forward_states(x, np.zeros((model.n_a, x.shape[1])), model.parameters)
        z, _ = output_forward(a, *(model.parameters[k] for k in cell.output_keys), "linear")
        J, _ = softmax_cross_entropy(z, y, mask)
        total += J * x.shape[1]  # J is a mean over the m names; we want the sum
        count += float(np.sum(mask))
    return total / count, perplexity(total, count)


# ---------------------------------------------------------------- training


def train(
    model,
    sequences,
    rng,
    steps=2000,
    batch_size=32,
    optimizer=None,
    clip=5.0,
    clip_norm=None,
    log_every=100,
    callback=None,
):
    """Train ``model`` in place with mini-batches of ``sequences`` (a list of str).

    Arguments:
        rng: a numpy.random.Generator; it shuffles the names at the start of every epoch
        steps: number of parameter updates; batch_size: names per update
        optimizer: any object with .step(parameters, grads); by default Adam(lr=0.01)
        clip: clip every gradient entry to [-clip, clip] (``optim.clip_by_value``), or None
        clip_norm: if given, clip by global norm instead (``optim.clip_by_global_norm``)
        log_every, callback: callback(record) is called every log_every steps and at the end

    Returns the history: one record per step, a dict with "step" (1, 2, ...), "loss" (cross-
    entropy per predicted character on that batch), "perplexity" (its exp) and "grad_norm"
    (the global gradient norm before clipping).
    """
    cell = _check_model(model)
    _check_texts("sequences", sequences)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    v.check_positive("steps", steps, integer=True)
    v.check_positive("batch_size", batch_size, integer=True)
    v.check_positive("log_every", log_every, integer=True)
    if clip is not None:
        v.check_positive("clip", clip)
    if clip_norm is not None:
        v.check_positive("clip_norm", clip_norm)
    if optimizer is None:
        # 0.01 rather than Adam's usual 1e-3: a few thousand steps are enough on the names.
        optimizer = Adam(lr=0.01)
    elif not callable(getattr(optimizer, "step", None)):
        raise ValueError(f"optimizer: expected an object with a .step method, got {optimizer!r}")
    if callback is not None and not callable(callback):
        raise ValueError(f"callback: expected a function of one record, got {callback!r}")

    history = []
    order, position = rng.permutation(len(sequences)), 0
    for step in range(1, steps + 1):
        if position + batch_size > len(order):  # a new epoch, in a new order
            order, position = rng.permutation(len(sequences)), 0
        batch = [sequences[i] for i in order[position : position + batch_size]]
        position += batch_size
        x, y, mask = make_batch(model.vocab, batch)
        a0 = np.zeros((model.n_a, len(batch)))
        J, grads = _loss_and_gradients(cell, model.parameters, x, y, mask, a0)
        if clip_norm is not None:
            grads, norm = clip_by_global_norm(grads, clip_norm)
        else:
            norm = global_norm(grads)
            if clip is not None:
                grads = clip_by_value(grads, clip)
        optimizer.step(model.parameters, grads)
        total, count = J * len(batch), float(np.sum(mask))  # J is a mean over the batch
        record = {"step": step, "loss": total / count, "perplexity": perplexity(total, count),
                  "grad_norm": norm}
        history.append(record)
        if callback is not None and (step % log_every == 0 or step == steps):
            callback(record)
    return history


# ---------------------------------------------------------------- sampling


def sample(model, rng, n=1, temperature=1.0, max_len=20, allow_unk=False):
    """Draw n new strings from the model, all n in step together.

    Starts from x<1> = 0 and a<0> = 0; at every step draws each string's next character from
    ŷ<t> (at ``temperature``, see ``seqlib.sampling``) and feeds it back as x<t+1>. A string
    ends at its first <EOS> (not included in the text) or after max_len characters.
    <UNK> is never drawn unless allow_unk (it is then written "<UNK>").

    Returns a list of n str. The same rng state gives the same strings.
    """
    cell = _check_model(model)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    v.check_positive("n", n, integer=True)
    v.check_positive("temperature", temperature)
    v.check_positive("max_len", max_len, integer=True)
    vocab, params = model.vocab, model.parameters
    Wy, by = (params[k] for k in cell.output_keys)
    eos = vocab.eos_index
    forbid = None if allow_unk else [vocab.unk_index]

    state = cell.initial_state(np.zeros((model.n_a, n)))  # a<0> = 0, (n_a, n)
    x = np.zeros((len(vocab), n))  # x<1> = 0, (n_x, n)
    ids = np.full((n, max_len), eos, dtype=np.int64)  # (n, max_len)
    done = np.zeros(n, dtype=bool)  # (n,) which strings have drawn <EOS>
    for t in range(max_len):
        state = cell.step(x, state, params)
        # Drawing from the logits rather than the softmax keeps the other characters drawable
        # even when <UNK>'s probability rounds to exactly 1.
        z = Wy @ state[0] + by  # (n_y, n)
        drawn = sample_from_logits(z, rng, temperature, forbid)  # (n,)
        ids[:, t] = np.where(done, eos, drawn)  # a finished string stays finished
        done |= drawn == eos
        if done.all():
            break
        x = one_hot(ids[:, t], len(vocab))  # (n_x, n): the draw is the next input
    texts = []
    for row in ids.tolist():
        kept = row[: row.index(eos)] if eos in row else row  # up to the first <EOS>
        texts.append("".join(vocab.decode(kept)))
    return texts


def probabilities(model, prefix=""):
    """The distribution of the next character after ``prefix`` (a str): ŷ (n_y,).

    ``prefix=""`` gives the distribution of the first character. Indices are the vocabulary's:
    ``probabilities(model, "em")[model.vocab.index("m")]`` is P(y<3> = m | y<1> y<2> = e m).
    """
    cell = _check_model(model)
    if not isinstance(prefix, str):
        raise ValueError(f"prefix: expected a str, got {type(prefix).__name__}")
    params = model.parameters
    inputs = np.zeros((len(model.vocab), 1, len(prefix) + 1))  # (n_x, 1, T): x<1> = 0
    if prefix:
        inputs[:, :, 1:] = one_hot(model.vocab.encode(prefix)[None], len(model.vocab))
    a, _ = cell.forward_states(inputs, np.zeros((model.n_a, 1)), params)  # (n_a, 1, T)
    Wy, by = (params[k] for k in cell.output_keys)
    return softmax(Wy @ a[:, :, -1] + by)[:, 0]  # (n_y,)


# ---------------------------------------------------------------- baselines


def unigram_perplexity(vocab, train_sequences, test_sequences):
    """Perplexity on test_sequences of the model that ignores the context.

    Every prediction (each character and each name's <EOS>) uses the same distribution: the
    frequencies in train_sequences, add-one smoothed over the vocabulary so that nothing gets
    probability 0. A language model that does not beat this has not learnt any context.
    """
    if not isinstance(vocab, Vocabulary):
        raise ValueError(f"vocab: expected a seqlib.text.Vocabulary, got {type(vocab).__name__}")
    _check_texts("train_sequences", train_sequences)
    _check_texts("test_sequences", test_sequences)
    counts = np.ones(len(vocab))  # add-one smoothing
    for i, c in Counter(np.concatenate([vocab.encode(s, add_eos=True)
                                        for s in train_sequences]).tolist()).items():
        counts[i] += c
    log_p = np.log(counts / counts.sum())  # (n_y,)
    test_ids = np.concatenate([vocab.encode(s, add_eos=True) for s in test_sequences])
    return float(np.exp(-np.mean(log_p[test_ids])))


# ---------------------------------------------------------------- checks


def _check_model(model):
    """Check a CharLM's cell and parameter shapes; return its Cell."""
    if not isinstance(model, CharLM):
        raise ValueError(f"model: expected a CharLM, got {type(model).__name__}")
    cell = get_cell(model.cell)
    n = len(model.vocab)
    dims = v.Dims(n_x=n, n_y=n)
    shapes = {**cell.recurrent_shapes, cell.output_keys[0]: ("n_y", "n_a"),
              cell.output_keys[1]: ("n_y", 1)}
    v.check_parameters(model.parameters, shapes, dims, "model.parameters")
    return cell


def _check_texts(name, texts):
    if isinstance(texts, str) or not isinstance(texts, (list, tuple)):
        raise ValueError(f"{name}: expected a list of str, got {type(texts).__name__}")
    if not texts:
        raise ValueError(f"{name}: expected at least one str, got an empty list")
    for i, s in enumerate(texts):
        if not isinstance(s, str):
            raise ValueError(f"{name}: expected a list of str, item {i} is {type(s).__name__}")


# ---------------------------------------------------------------- the main job


def main(argv=None):
    """Train on the shipped names, report held-out perplexity and samples."""
    from seqlib.data import load_names  # here, so that importing charlm needs no data files

    parser = argparse.ArgumentParser(prog="python -m seqlib.charlm", description=main.__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--cell", choices=["rnn", "gru", "lstm"], default="rnn")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hidden", type=int, default=64, help="n_a, the hidden size")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    for name in ("steps", "hidden", "batch_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    start = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    names = load_names()
    shuffled = [names[i] for i in rng.permutation(len(names))]
    n_test = len(names) // 10
    test, train_names = shuffled[:n_test], shuffled[n_test:]
    vocab = char_vocab(train_names)
    model = init_char_lm(vocab, args.hidden, rng, cell=args.cell)
    print(f"{len(train_names)} training names, {len(test)} held out; vocabulary of "
          f"{len(vocab)} ({len(vocab) - 2} characters, <EOS>, <UNK>); "
          f"{args.cell} cell, n_a = {args.hidden}")

    every = max(1, args.steps // 10)
    window = []  # the batch losses since the last line: one batch alone is too noisy to read

    def report(record):
        window.append(record["loss"])
        if record["step"] % every == 0 or record["step"] == args.steps:
            loss = float(np.mean(window))
            print(f"step {record['step']:>5}  loss/char {loss:.3f}  perplexity "
                  f"{np.exp(loss):.2f}  (mean over the last {len(window)} batches)")
            window.clear()

    train(model, train_names, rng, steps=args.steps, batch_size=args.batch_size, log_every=1,
          callback=report)
    _, train_ppl = evaluate(model, train_names)
    _, test_ppl = evaluate(model, test)
    print(f"\nperplexity on the training names {train_ppl:.2f}, held-out {test_ppl:.2f}; "
          f"baselines: uniform {len(vocab)}, unigram "
          f"{unigram_perplexity(vocab, train_names, test):.2f}")
    for temperature in (0.5, 1.0, 1.5):
        print(f"samples at temperature {temperature}: "
              + ", ".join(sample(model, rng, n=10, temperature=temperature)))
    print(f"({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
