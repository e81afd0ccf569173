"""Section "charlm": the character-level model, seqlib's trainer against min-char-rnn.

Both learn the shipped first names (``seqlib.data.load_names``), shuffled once and split 90/10;
both get the same wall time of training, and both are scored the same way, on the same held-out
names: cross-entropy per predicted character (every letter and the end of each name), in nats.
Scoring is done at checkpoints with the training clock stopped.

- seqlib: ``seqlib.charlm.train`` as shipped (mini-batches of 32 names padded and masked, Adam
  with lr 0.01, every gradient entry clipped to [-5, 5]), on a vanilla RNN with the same hidden
  size as the baseline, 100.
- min-char-rnn: ``MinCharRNN`` below, written from Karpathy's published description of
  min-char-rnn.py: a vanilla RNN with 100 hidden units reading the text as one stream, 25
  characters per update, the hidden state carried from one piece to the next, weights drawn
  from N(0, 0.01²), Adagrad with lr 0.1, every gradient entry clipped to [-5, 5], one example
  per update. Its text is the training names, one per line; its vocabulary the letters and
  the newline, which it predicts at the end of each name.

The target: seqlib reaches the baseline's final held-out loss at least 3x sooner.
"""

import time

import numpy as np

from benchmarks.timing import Table, at_least, heading, load_average
from seqlib import charlm
from seqlib.data import load_names
from seqlib.optim import Adam

SPEEDUP = 3.0


class MinCharRNN:
    """min-char-rnn: a vanilla RNN trained with Adagrad on one character stream.

    h<t> = tanh(Wxh x<t> + Whh h<t-1> + bh), p<t> = softmax(Why h<t> + by), column vectors,
    one example at a time, as in the original.
    """

    def __init__(self, text, rng, hidden_size=100, seq_length=25, learning_rate=0.1):
        self.text = text
        self.chars = sorted(set(text))
        self.index = {ch: i for i, ch in enumerate(self.chars)}
        self.data = [self.index[ch] for ch in text]
        V, H = len(self.chars), hidden_size
        self.seq_length, self.learning_rate = seq_length, learning_rate
        self.params = {"Wxh": rng.standard_normal((H, V)) * 0.01,
                       "Whh": rng.standard_normal((H, H)) * 0.01,
                       "Why": rng.standard_normal((V, H)) * 0.01,
                       "bh": np.zeros((H, 1)), "by": np.zeros((V, 1))}
        self.memory = {k: np.zeros_like(p) for k, p in self.params.items()}  # Adagrad's sums
        self.p, self.hprev = 0, np.zeros((H, 1))

    def loss_fun(self, inputs, targets, hprev):
        """Forward and backward over one piece: loss, gradients, last hidden state."""
        Wxh, Whh, Why, bh, by = (self.params[k] for k in ("Wxh", "Whh", "Why", "bh", "by"))
        xs, hs, ps = {}, {-1: np.copy(hprev)}, {}
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros((len(self.chars), 1))
            xs[t][inputs[t]] = 1  # one-hot
            hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
            ys = Why @ hs[t] + by
            e = np.exp(ys - ys.max())  # the max changes nothing but overflow
            ps[t] = e / e.sum()
            loss += -np.log(ps[t][targets[t], 0])
        grads = {k: np.zeros_like(p) for k, p in self.params.items()}
        dhnext = np.zeros_like(hs[0])
        for t in reversed(range(len(inputs))):
            dy = np.copy(ps[t])
            dy[targets[t]] -= 1  # softmax and cross-entropy together
            grads["Why"] += dy @ hs[t].T
            grads["by"] += dy
            dh = Why.T @ dy + dhnext
            dhraw = (1 - hs[t] * hs[t]) * dh  # through tanh
            grads["bh"] += dhraw
            grads["Wxh"] += dhraw @ xs[t].T
            grads["Whh"] += dhraw @ hs[t - 1].T
            dhnext = Whh.T @ dhraw
        for g in grads.values():
            np.clip(g, -5, 5, out=g)  # against exploding gradients
        return loss, grads, hs[len(inputs) - 1]

    def step(self):
        """One update on the next seq_length characters; returns how many were predicted."""
        n = self.seq_length
        if self.p + n + 1 >= len(self.data):  # back to the start, with a fresh memory
            self.p, self.hprev = 0, np.zeros_like(self.hprev)
        inputs = self.data[self.p : self.p + n]
        targets = self.data[self.p + 1 : self.p + n + 1]
        _, grads, self.hprev = self.loss_fun(inputs, targets, self.hprev)
        for k, param in self.params.items():  # Adagrad
            self.memory[k] += grads[k] * grads[k]
            param += -self.learning_rate * grads[k] / np.sqrt(self.memory[k] + 1e-8)
        self.p += n
        return n

    def heldout_loss(self, names):
        """Cross-entropy per predicted character on ``names``, each read from a fresh state
        after a newline: the letters and the final newline are predicted (as for seqlib)."""
        p = self.params
        V, m, T = len(self.chars), len(names), max(map(len, names)) + 1
        x, y = np.zeros((V, m, T)), np.zeros((V, m, T))
        for i, name in enumerate(names):
            ids = [self.index[ch] for ch in "\n" + name + "\n"]
            x[ids[:-1], i, np.arange(len(ids) - 1)] = 1
            y[ids[1:], i, np.arange(len(ids) - 1)] = 1
        h, total = np.zeros((p["Whh"].shape[0], m)), 0.0
        for t in range(T):
            h = np.tanh(p["Wxh"] @ x[:, :, t] + p["Whh"] @ h + p["bh"])
            z = p["Why"] @ h + p["by"]
            log_p = z - z.max(axis=0) - np.log(np.exp(z - z.max(axis=0)).sum(axis=0))
            total -= float(np.sum(y[:, :, t] * log_p))  # padding has y = 0
        return total / (len("".join(names)) + m)


class SeqlibTrainer:
    """``seqlib.charlm.train`` as shipped, run a few updates at a time."""

    def __init__(self, names, rng, hidden_size=100, batch_size=32, chunk=5):
        self.names, self.rng, self.batch_size, self.chunk = names, rng, batch_size, chunk
        self.model = charlm.init_char_lm(charlm.char_vocab(names), hidden_size, rng, cell="rnn")
        self.optimizer = Adam(lr=0.01)  # train's default, kept across the calls
        self.chars_per_name = np.mean([len(n) + 1 for n in names])

    def step(self):
        charlm.train(self.model, self.names, self.rng, steps=self.chunk,
                     batch_size=self.batch_size, optimizer=self.optimizer, clip=5.0,
                     log_every=self.chunk)
        return self.chunk * self.batch_size * self.chars_per_name  # predicted, no padding

    def heldout_loss(self, names):
        return charlm.evaluate(self.model, names)[0]


def race(trainer, seconds, checkpoints, held_out):
    """Train for ``seconds`` of training time, scoring at ``checkpoints`` times spaced
    geometrically from seconds / 1000 (fine early, where the curve falls fast).

    Returns the curve [(training seconds, held-out loss per char)] and characters per second.
    """
    curve, clock, chars = [], 0.0, 0.0
    for when in np.geomspace(seconds / 1000, seconds, checkpoints):
        while clock < when:
            start = time.perf_counter()
            chars += trainer.step()
            clock += time.perf_counter() - start
        curve.append((clock, trainer.heldout_loss(held_out)))  # the clock is stopped here
    return curve, chars / clock


def first_time_at_or_below(curve, loss):
    """The first checkpoint time with a loss at or below ``loss``, or None."""
    return next((t for t, value in curve if value <= loss), None)


def settled_time(curve, tolerance=0.01):
    """The first checkpoint time from which the loss stays within ``tolerance`` (relative) of
    the curve's last value: when a trainer got to where it ends. min-char-rnn's curve is not
    monotonic (its first Adagrad steps overshoot), so its first visit below its final loss
    can come long before it settles there."""
    final = curve[-1][1] * (1 + tolerance)
    settled = len(curve) - 1
    while settled > 0 and curve[settled - 1][1] <= final:
        settled -= 1
    return curve[settled][0]


def run(quick, out=print):
    """Run the section; print its table; return [(target, verdict)]."""
    seconds, checkpoints = (1.5, 6) if quick else (30.0, 30)
    rng = np.random.default_rng(0)
    names = load_names()
    names = [names[i] for i in rng.permutation(len(names))]
    held_out, train = names[: len(names) // 10], names[len(names) // 10 :]
    out(heading("charlm: character-level model, seqlib's trainer against min-char-rnn"))
    out(f"{len(train)} training names, {len(held_out)} held out; {seconds:g} s of training "
        f"each, scored at {checkpoints} checkpoints from {seconds / 1000:g} s on (clock stopped "
        "while scoring); loss = held-out cross-entropy per predicted character (letters and "
        "end of name), nats")
    out("the baseline's end loss is its loss after the whole time; the baseline 'reaches' it "
        "when it settles within 1% of it for good, seqlib when it first scores at or below it")
    baseline = MinCharRNN("".join(n + "\n" for n in train), np.random.default_rng(1))
    seqlib_trainer = SeqlibTrainer(train, np.random.default_rng(1))
    initial = baseline.heldout_loss(held_out), seqlib_trainer.heldout_loss(held_out)
    curves, speeds = {}, {}
    for name, trainer in (("min-char-rnn", baseline), ("seqlib", seqlib_trainer)):
        curves[name], speeds[name] = race(trainer, seconds, checkpoints, held_out)
    target = curves["min-char-rnn"][-1][1]  # the baseline's loss after the whole time
    reached = {"min-char-rnn": settled_time(curves["min-char-rnn"]),
               "seqlib": first_time_at_or_below(curves["seqlib"], target)}
    table = Table([("trainer", 12, "s"), ("chars/s", 9, ".0f"), ("loss at 0", 9, ".3f"),
                   ("loss at end", 11, ".3f"), ("reaches the baseline's end loss", 31, "s")])
    out(table.header())
    for (name, curve), start in zip(curves.items(), initial, strict=True):
        when = reached[name]
        out(table.row([name, speeds[name], start, curve[-1][1],
                       "not within the time" if when is None else f"after {when:.3g} s"]))
    marks = sorted({round(i) for i in np.linspace(0, checkpoints - 1, 7)})
    out("curve (training s: loss):")
    for name, curve in curves.items():
        out(f"  {name:<12} " + "  ".join(f"{curve[i][0]:.3g}: {curve[i][1]:.3f}" for i in marks))
    out(f"load {load_average()} at the end of the section")
    what = (f"seqlib's char-level trainer reaches min-char-rnn's loss after {seconds:g} s "
            f"at least {SPEEDUP:g}x sooner")
    if reached["seqlib"] is None:
        verdict = (f"MISS: not reached within {seconds:g} s (seqlib ends at "
                   f"{curves['seqlib'][-1][1]:.3f}, the baseline at {target:.3f})")
    else:
        speedup = reached["min-char-rnn"] / reached["seqlib"]
        bound = "at least " if reached["seqlib"] == curves["seqlib"][0][0] else ""  # 1st score
        verdict = (f"{at_least(speedup, SPEEDUP, 'x')}: {bound}{speedup:.1f}x sooner "
                   f"({reached['seqlib']:.3g} s against {reached['min-char-rnn']:.3g} s to "
                   f"{target:.3f} nats/char); {speeds['seqlib'] / speeds['min-char-rnn']:.1f}x "
                   "the characters per second")
    return [(what, verdict)]
