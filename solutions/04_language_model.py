# %% [markdown]
# # 04 · Language model and sampling novel sequences
#
# Notebooks 02 and 03 built an RNN and its backward pass. Here is the first thing to do with
# them: a **language model**, a network that says how probable a piece of text is and that
# can write new text. We train one, character by character, on 5163 first names, then let it
# invent names of its own. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `clip`: clip every gradient to an interval | 2 |
# | 2 | `sample`: draw a new sequence from the model | 3 |
# | 3 | `optimize`: one training step (forward, loss, backward, clip, update) | 3 |
#
# Each exercise is followed by a test cell: press **Validate** (or run the cell) to check your
# answer. The checks compare your function with `seqlib`'s reference and, when a result is
# wrong, say what looks wrong.

# %%
import matplotlib.pyplot as plt
import numpy as np

from seqlib import charlm
from seqlib.activations import softmax
from seqlib.checks import check
from seqlib.data import load_names
from seqlib.losses import softmax_cross_entropy
from seqlib.outputs import output_backward_logits, output_forward
from seqlib.rnn import rnn_backward, rnn_forward
from seqlib.text import Vocabulary, word_tokenize
from seqlib.widgets import sampling_explorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## What a language model does
#
# A speech recogniser hears a sentence that could be *"The apple and pair salad"* or *"The
# apple and pear salad"*. Both sound the same; what decides is that the second is a far more
# likely thing to say. A language model puts numbers on that:
#
# $$P(\text{The apple and pair salad}) = 3.2 \times 10^{-13}, \qquad
# P(\text{The apple and pear salad}) = 5.7 \times 10^{-10}$$
#
# Given any sequence of tokens $y^{\langle 1 \rangle}, \dots, y^{\langle T_y \rangle}$, a
# language model estimates $P(y^{\langle 1 \rangle}, \dots, y^{\langle T_y \rangle})$. By the
# chain rule of probability this is a product of conditionals, one per token:
#
# $$P(y^{\langle 1 \rangle}, \dots, y^{\langle T_y \rangle}) = P(y^{\langle 1 \rangle})\,
# P(y^{\langle 2 \rangle} \mid y^{\langle 1 \rangle})\,
# P(y^{\langle 3 \rangle} \mid y^{\langle 1 \rangle}, y^{\langle 2 \rangle}) \cdots
# P(y^{\langle T_y \rangle} \mid y^{\langle 1 \rangle}, \dots, y^{\langle T_y - 1 \rangle})$$
#
# So a model that predicts *the next token given the ones before* is all we need, and an RNN
# reading left to right is exactly that.
#
# ## The training set: a tokenised corpus
#
# Training needs a large **corpus** of text. Each sentence is **tokenised** into tokens, each
# token mapped to its index in a vocabulary, and an extra **`<EOS>`** (end of sentence) token
# appended, so that the model also learns *when sentences end*. Words that are not in the
# vocabulary (typically, all but the 10,000 most common) become **`<UNK>`**. Here the
# vocabulary comes from a tiny corpus that has never seen an Egyptian Mau:

# %%
corpus = ["Cats average 15 hours of sleep a day.", "The cat is a small animal.",
          "A breed of dog is a kind of dog."]
word_vocab = Vocabulary.from_corpus([word_tokenize(s) for s in corpus])
sentence = word_tokenize("The Egyptian Mau is a breed of cat.")
ids = word_vocab.encode(sentence, add_eos=True)
print("tokens:", sentence)
print("ids:   ", ids.tolist())
print("back:  ", word_vocab.decode(ids))

# %% [markdown]
# ## The RNN language model
#
# Every output of the RNN is a distribution over the vocabulary, the model's guess of the
# next token. The inputs are the tokens themselves, one step late:
#
# - $x^{\langle 1 \rangle} = \vec{0}$ and $a^{\langle 0 \rangle} = \vec{0}$: at step 1 there
#   is nothing to read yet, and $\hat{y}^{\langle 1 \rangle}$ is the model's
#   $P(y^{\langle 1 \rangle})$, the distribution of the first token.
# - $x^{\langle t \rangle} = y^{\langle t-1 \rangle}$: at step $t$ the network reads the
#   *true* previous token and predicts the next one, $\hat{y}^{\langle t \rangle} =
#   P(y^{\langle t \rangle} \mid y^{\langle 1 \rangle}, \dots, y^{\langle t-1 \rangle})$.
#   Feeding the true token rather than the model's own guess is called **teacher forcing**.
#
# $$a^{\langle t \rangle} = \tanh\left(W_{aa}\, a^{\langle t-1 \rangle} + W_{ax}\, x^{\langle t
# \rangle} + b_a\right), \qquad \hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_{ya}\,
# a^{\langle t \rangle} + b_y\right)$$
#
# The loss is the cross-entropy of each prediction, summed over the steps:
#
# $$\mathcal{L}^{\langle t \rangle}(\hat{y}^{\langle t \rangle}, y^{\langle t \rangle}) =
# -\sum_i y_i^{\langle t \rangle} \log \hat{y}_i^{\langle t \rangle}, \qquad
# \mathcal{L} = \sum_t \mathcal{L}^{\langle t \rangle}$$
#
# (for a batch of $m$ sequences, `seqlib` takes the mean of $\mathcal{L}$ over the $m$). Since
# $y^{\langle t \rangle}$ is one-hot, $\mathcal{L}^{\langle t \rangle} = -\log
# \hat{y}^{\langle t \rangle}_{\text{true next token}}$, and $\mathcal{L} = -\log
# P(y^{\langle 1 \rangle}, \dots, y^{\langle T_y \rangle})$: minimising the loss makes the
# training text probable.
#
# From now on the tokens are **characters**, and each "sentence" is a first name. The
# vocabulary is `<EOS>`, `<UNK>` and the letters a to z. `charlm.make_batch` builds the
# one-hot inputs `X` and targets `Y` of a batch; here are the steps of the name *emma*:

# %%
names = load_names()
vocab = charlm.char_vocab(names)
print(f"{len(names)} names, e.g. {names[:3]}; vocabulary of {len(vocab)}: {vocab.tokens}")
X, Y, mask = charlm.make_batch(vocab, ["emma"])
print("X", X.shape, " Y", Y.shape)
for t in range(X.shape[2]):
    x_t = vocab.token(int(np.argmax(X[:, 0, t]))) if X[:, 0, t].any() else "0"
    y_t = vocab.token(int(np.argmax(Y[:, 0, t])))
    print(f"t = {t + 1}:  x<t> = {x_t:<5}  y<t> = {y_t}")

# %% [markdown]
# **Shapes.** The inputs are the previous outputs, so $n_x = n_y$ = the vocabulary's size:
#
# | quantity | code | shape |
# | --- | --- | --- |
# | inputs $x$, targets $y$ | `X`, `Y` | $(n_y, m, T_x)$ |
# | hidden states $a$; $a^{\langle 0 \rangle}$ | `a`; `a_prev` | $(n_a, m, T_x)$; $(n_a, m)$ |
# | $W_{ax}$, $W_{aa}$, $b_a$ | `Wax`, `Waa`, `ba` | $(n_a, n_y)$, $(n_a, n_a)$, $(n_a, 1)$ |
# | $W_{ya}$, $b_y$ | `Wya`, `by` | $(n_y, n_a)$, $(n_y, 1)$ |
# | one gradient $\partial \mathcal{L} / \partial W_{ax}$ | `gradients["dWax"]` | like `Wax` |
#
# ## Exploding gradients and clipping
#
# Backpropagation through time multiplies the gradient by $W_{aa}^T$ (and by $\tanh'$) once
# per step. Over many steps it can shrink towards zero (vanishing gradients, notebook 05) or
# grow exponentially (**exploding gradients**): one huge step then throws the parameters far
# away, and the loss becomes `nan`. Exploding gradients are easy to spot and to treat: before
# each update, **clip** the gradients, so that no entry is larger than some `max_value` in
# absolute value.
#
# ### Exercise 1: `clip` (2 points)
#
# Return a **new** dict with the same keys, each gradient clipped element-wise to
# $[-\text{max\_value}, \text{max\_value}]$ (`np.clip` does it). Do not modify the dict you
# are given or its arrays: the caller may still want the unclipped values (to log their size,
# for instance).

# %% grade_id="clip" solution=true
def clip(gradients, max_value):
    """Clip every gradient to [-max_value, max_value], element-wise.

    gradients: dict of arrays, e.g. {"dWax": ..., "dWaa": ..., "dba": ..., "dWya": ...,
    "dby": ...}; max_value: a positive number.
    Returns a new dict with the same keys and the clipped arrays; gradients is not modified.
    """
    ### BEGIN SOLUTION
    return {key: np.clip(g, -max_value, max_value) for key, g in gradients.items()}
    ### END SOLUTION


# %% grade_id="test_clip" points=2
"""clip clips every entry, keeps the keys and leaves its input alone."""
check("clip", clip)
### BEGIN HIDDEN TESTS
check("clip", clip, seed=20441, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Entries inside the interval are kept, the others are cut to its ends:

# %%
rng = np.random.default_rng(4)
gradients = {"dWaa": 10 * rng.standard_normal((2, 3)), "dby": np.array([[-0.5], [12.0]])}
clipped = clip(gradients, 5.0)
for key in gradients:
    print(f"{key}\n{gradients[key]}\nclipped:\n{clipped[key]}\n")

# %% [markdown]
# Clipping each entry on its own can turn the gradient a little (the large entries shrink,
# the small ones do not). `seqlib.optim.clip_by_global_norm` is the other common choice: it
# rescales all the gradients together when their joint norm is too large, which keeps the
# direction.
#
# ## Sampling novel sequences
#
# A trained language model can *write*. Start as in training, with $x^{\langle 1 \rangle} =
# \vec{0}$ and $a^{\langle 0 \rangle} = \vec{0}$; the first step gives the distribution
# $\hat{y}^{\langle 1 \rangle}$ of the first character. **Draw** a character from it at random
# (do not just take the most likely one, or the model writes the same name every time), and
# **feed the draw back** as the next input, $x^{\langle 2 \rangle}$ = the one-hot vector of
# the character drawn. Keep going until the model draws `<EOS>`, or until a length cap
# `max_len` is reached. (A word-level model would also refuse to draw `<UNK>`; the
# character vocabulary of the names holds every letter, so `<UNK>` never occurs in training
# and the model gives it almost no probability.)
#
# **Temperature.** To make the samples more or less adventurous, draw from
#
# $$\hat{y}_T = \frac{\hat{y}^{1/T}}{\sum_i \hat{y}_i^{1/T}} = \mathrm{softmax}\left(\frac{z}{T}
# \right), \qquad z = W_{ya}\, a^{\langle t \rangle} + b_y$$
#
# $T = 1$ leaves $\hat{y}$ as it is; $T < 1$ sharpens it (safer, more repetitive names; as
# $T \to 0$ the draw becomes the argmax); $T > 1$ flattens it towards the uniform distribution
# (more surprising names, more mistakes).
#
# ### Exercise 2: `sample` (3 points)
#
# Write the sampling loop for one sequence. At each step: compute $a^{\langle t \rangle}$, then
# $\hat{y}^{\langle t \rangle} = \mathrm{softmax}(z / T)$, draw an index with
# `rng.choice(n_y, p=y_hat.ravel())`, append it to `indices`, stop if it is `eos_index`, and
# otherwise make $x^{\langle t+1 \rangle}$ its one-hot vector. Return the list of indices,
# ending with `eos_index`, or with `max_len` indices if `<EOS>` was never drawn.
#
# A sample is random, so the check cannot compare your draws with fixed ones (two correct
# samplers that use `rng` differently draw different sequences). Instead it checks the
# structure of the result; runs your function on models rigged so that each step's
# distribution is nearly one-hot (every correct sampler then draws the same sequence); and
# counts your draws on models whose distribution it knows, at several temperatures.

# %% grade_id="sample" solution=true
def sample(parameters, eos_index, rng, max_len=20, temperature=1.0):
    """Draw one sequence from the RNN language model.

    parameters: Wax (n_a, n_y), Waa (n_a, n_a), ba (n_a, 1), Wya (n_y, n_a), by (n_y, 1);
    eos_index: the index of <EOS>; rng: a numpy.random.Generator; max_len: the most indices
    to draw; temperature: T > 0, the draw is from softmax(z / T).
    Returns a list of indices: up to and including the first eos_index, or max_len of them.
    """
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    Wya, by = parameters["Wya"], parameters["by"]
    n_y, n_a = Wya.shape
    x = np.zeros((n_y, 1))  # x<1> = 0
    a = np.zeros((n_a, 1))  # a<0> = 0
    indices = []
    ### BEGIN SOLUTION
    while len(indices) < max_len:
        a = np.tanh(Waa @ a + Wax @ x + ba)  # (n_a, 1)
        y_hat = softmax((Wya @ a + by) / temperature)  # (n_y, 1)
        index = int(rng.choice(n_y, p=y_hat.ravel()))
        indices.append(index)
        if index == eos_index:
            break
        x = np.zeros((n_y, 1))  # the draw becomes the next input
        x[index] = 1.0
    ### END SOLUTION
    return indices


# %% grade_id="test_sample" points=3
"""sample has the right structure, follows rigged models and draws from the right
distribution at every temperature."""
check("sample", sample)
### BEGIN HIDDEN TESTS
check("sample", sample, seed=20442, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The parameters of a `charlm` model with the plain RNN cell have exactly these keys, so your
# `sample` runs on it. An untrained model knows nothing about names yet: its samples are
# random strings of letters (`<UNK>` included), and they rarely stop before `max_len`.

# %%
def to_text(indices):
    """Indices -> the string they spell, without the final <EOS>."""
    return "".join(vocab.decode([i for i in indices if i != vocab.eos_index]))


model = charlm.init_char_lm(vocab, n_a=64, rng=np.random.default_rng(0))
print(sorted(model.parameters))
rng = np.random.default_rng(1)
print([to_text(sample(model.parameters, vocab.eos_index, rng, max_len=12)) for _ in range(6)])

# %% [markdown]
# ## One training step
#
# Training is gradient descent on the loss, with the gradients from backpropagation through
# time. One step on one batch:
#
# 1. forward: `a, _, caches = rnn_forward(X, a_prev, parameters)`, the hidden states;
# 2. the logits $z^{\langle t \rangle} = W_{ya} a^{\langle t \rangle} + b_y$ at every step:
#    `z, out_cache = output_forward(a, parameters["Wya"], parameters["by"], "linear")`;
# 3. the loss and its gradient: `loss, dz = softmax_cross_entropy(z, Y)` applies the softmax,
#    computes the summed cross-entropy (mean over the $m$ examples) and returns
#    $dz = (\hat{y} - y) / m$ without ever dividing by a small probability;
# 4. backward: `out = output_backward_logits(dz, out_cache)` gives `out["da"]`,
#    `out["dWy"]` and `out["dby"]`, and `rnn_backward(out["da"], caches)` the gradients of
#    `Wax`, `Waa` and `ba`;
# 5. clip the gradients with your `clip`;
# 6. update: $W \leftarrow W - \alpha\, dW$ for every parameter, **in place**.
#
# `optimize` returns the loss, the clipped gradients and $a^{\langle T_x \rangle}$, the last
# hidden state. The last state lets a long text be read in chunks: min-char-rnn, the classic
# version of this model, reads a book 25 characters at a time and passes each chunk's
# $a^{\langle T_x \rangle}$ on as the next chunk's $a^{\langle 0 \rangle}$. For names, each
# name starts afresh from $a^{\langle 0 \rangle} = \vec{0}$.
#
# ### Exercise 3: `optimize` (3 points)
#
# `gradients` must hold `dWax`, `dWaa`, `dba`, `dWya` and `dby` (the gradient of
# `parameters[key]` is `gradients["d" + key]`; other entries, such as `rnn_backward`'s `dx`
# and `da0`, may stay). Update each array with `parameters[key] -= learning_rate * ...`, so
# that the caller's `parameters` holds the new values.

# %% grade_id="optimize" solution=true
def optimize(X, Y, a_prev, parameters, learning_rate, clip_value):
    """One step of gradient descent on one batch.

    X: inputs (n_y, m, T_x), one-hot, X[:, :, 0] = 0; Y: one-hot targets (n_y, m, T_x);
    a_prev: a<0> (n_a, m); parameters: Wax, Waa, ba, Wya, by, updated in place;
    learning_rate: the step size; clip_value: passed to clip.
    Returns loss (a float: the cross-entropy summed over time, mean over the m examples),
    gradients (the clipped gradients, a dict) and a_last = a<T_x> (n_a, m).
    """
    ### BEGIN SOLUTION
    a, _, caches = rnn_forward(X, a_prev, parameters)  # (n_a, m, T_x)
    z, out_cache = output_forward(a, parameters["Wya"], parameters["by"], "linear")
    loss, dz = softmax_cross_entropy(z, Y)  # dz = (y_hat - y) / m, (n_y, m, T_x)
    out = output_backward_logits(dz, out_cache)  # da, dWy, dby
    gradients = rnn_backward(out["da"], caches)  # dWax, dWaa, dba (and dx, da0)
    gradients["dWya"], gradients["dby"] = out["dWy"], out["dby"]
    gradients = clip(gradients, clip_value)
    for key in parameters:
        parameters[key] -= learning_rate * gradients["d" + key]
    ### END SOLUTION
    return loss, gradients, a[:, :, -1]


# %% grade_id="test_optimize" points=3
"""optimize returns the loss, the clipped gradients and a<T_x>, and updates the parameters."""
check("optimize", optimize)
### BEGIN HIDDEN TESTS
check("optimize", optimize, seed=20443, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your `optimize` can already train the model: plain gradient descent, one name per step
# (a batch of $m = 1$, so no padding is needed). Divided by the number of steps $T_x$, the
# loss is the cross-entropy **per character**; a model that knows nothing, with
# $\hat{y}_i = 1/28$ for every character, has $\log 28 \approx 3.33$.

# %%
rng = np.random.default_rng(2)
sgd_model = charlm.init_char_lm(vocab, n_a=64, rng=rng)
per_char = []
for name in rng.choice(names, size=500):
    X, Y, _ = charlm.make_batch(vocab, [str(name)])
    loss, _, _ = optimize(X, Y, np.zeros((64, 1)), sgd_model.parameters, 0.05, 5.0)
    per_char.append(loss / X.shape[2])
print(f"loss per character: first 100 names {np.mean(per_char[:100]):.2f}, "
      f"last 100 names {np.mean(per_char[-100:]):.2f}")
print([to_text(sample(sgd_model.parameters, vocab.eos_index, rng, max_len=12))
       for _ in range(6)])

# %% [markdown]
# It learns, slowly. The same model trains much faster with two changes that have nothing to
# do with the RNN itself: batches of 32 names at a time (padded, with a mask so the padding
# costs nothing), and the Adam optimiser instead of plain gradient descent.
# `seqlib.charlm.train` does that, clipping every step exactly as your `optimize` does.
#
# ## Training on the names
#
# We hold 10% of the names out, to measure later how well the model does on names it has
# never seen, and train on the rest for 600 steps (a few seconds).

# %%
rng = np.random.default_rng(0)
shuffled = [names[i] for i in rng.permutation(len(names))]
held_out, train_names = shuffled[: len(names) // 10], shuffled[len(names) // 10 :]
model = charlm.init_char_lm(vocab, n_a=64, rng=rng)
history = charlm.train(model, train_names, rng, steps=600, batch_size=32, clip=5.0)
losses = np.array([record["loss"] for record in history])
unigram = charlm.unigram_perplexity(vocab, train_names, held_out)  # see "Perplexity" below
print(f"loss per character: first 50 steps {losses[:50].mean():.2f}, "
      f"last 50 steps {losses[-50:].mean():.2f}")

# %%
window = 25
smooth = np.convolve(losses, np.ones(window) / window, mode="valid")
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(np.arange(1, len(losses) + 1), losses, color="0.75", lw=0.8, label="one batch")
ax.plot(np.arange(window, len(losses) + 1), smooth, color="C0", label=f"mean of {window}")
ax.axhline(np.log(len(vocab)), color="C3", ls="--", lw=1, label=f"uniform: log {len(vocab)}")
ax.axhline(np.log(unigram), color="C2", ls=":", lw=1.2, label="unigram baseline")
ax.set_xlabel("training step")
ax.set_ylabel("cross-entropy per character")
ax.set_title("Character-level language model on first names")
ax.set_ylim(1.75, 3.9)
ax.legend(ncol=2, fontsize=8, loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## New names
#
# Your `sample` on the trained parameters (the untrained model's random strings are gone):

# %%
rng = np.random.default_rng(5)
new_names = [to_text(sample(model.parameters, vocab.eos_index, rng)) for _ in range(12)]
print(", ".join(new_names))
known = set(names)
print(f"{sum(n not in known for n in new_names)} of these {len(new_names)} are not among the "
      f"{len(names)} names")

# %% [markdown]
# `charlm.sample` does the same for many names at once, and never draws `<UNK>`. At three
# temperatures:

# %%
rng = np.random.default_rng(6)
for temperature in (0.5, 1.0, 1.5):
    drawn = charlm.sample(model, rng, n=10, temperature=temperature, max_len=15)
    print(f"T = {temperature}:  {', '.join(drawn)}")

# %% [markdown]
# At $T = 0.5$ the names are common-looking and similar; at $T = 1.5$ they get strange. Here
# is what the temperature does to one distribution: the model's $\hat{y}$ for the character
# after *jo*, reshaped as $\hat{y}^{1/T}$ renormalised:

# %%
prefix = "jo"
y_hat = charlm.probabilities(model, prefix)  # (n_y,)
top = np.argsort(y_hat)[::-1][:10]  # the 10 most likely next characters
fig, ax = plt.subplots(figsize=(6.5, 3))
for k, temperature in enumerate((0.5, 1.0, 2.0)):
    reshaped = y_hat ** (1 / temperature)
    reshaped /= reshaped.sum()
    ax.bar(np.arange(len(top)) + (k - 1) * 0.27, reshaped[top], width=0.27,
           label=f"T = {temperature}")
ax.set_xticks(np.arange(len(top)), [vocab.token(int(i)) for i in top])
ax.set_xlabel(f"next character after '{prefix}'")
ax.set_ylabel("probability")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## The probability of a name
#
# Back to the speech recogniser: it hears a name that can be spelt two ways. Which spelling
# is more likely? The model gives every name its probability, the product of the
# conditionals (the final $P(\text{<EOS>} \mid \dots)$ included).
# `charlm.probabilities(model, prefix)` is the distribution of the character after `prefix`:

# %%
def log_probability(model, name):
    """log P(name) = Σ_t log P(y<t> | y<1> ... y<t-1>), the last y<t> being <EOS>."""
    total = 0.0
    for t, char in enumerate(list(name) + ["<EOS>"]):
        total += np.log(charlm.probabilities(model, name[:t])[vocab.index(char)])
    return total


for pair in [("michael", "micheal"), ("brian", "bryan"), ("sara", "sarah")]:
    print("   ".join(f"P({n}) = {np.exp(log_probability(model, n)):.2e}" for n in pair))

# %% [markdown]
# ## Perplexity
#
# The loss per character is easier to read as a **perplexity**:
#
# $$\text{perplexity} = \exp\left(\frac{1}{N} \sum_{\text{all } N \text{ predictions}}
# -\log \hat{y}_{\text{true next token}}\right)$$
#
# the exponential of the mean cross-entropy per character (each name's `<EOS>` counts as a
# prediction). A model that guesses uniformly among $V$ tokens has perplexity exactly $V$, so
# the perplexity reads as "the model is as unsure as a fair choice among this many
# characters". Two baselines: the uniform model ($V$ = 28) and the **unigram** model, which
# ignores the context and always predicts each character's overall frequency. On the names
# the model has never seen:

# %%
loss_train, ppl_train = charlm.evaluate(model, train_names)
loss_held, ppl_held = charlm.evaluate(model, held_out)
print(f"uniform baseline        perplexity {len(vocab):6.2f}")
print(f"unigram baseline        perplexity {unigram:6.2f}")
print(f"RNN, training names     perplexity {ppl_train:6.2f}   (loss/char {loss_train:.3f})")
print(f"RNN, held-out names     perplexity {ppl_held:6.2f}   (loss/char {loss_held:.3f})")

# %% [markdown]
# The held-out perplexity is close to the training one: after 600 steps the model has not
# started to memorise names. Longer training, or a GRU or LSTM cell (`charlm.init_char_lm(...,
# cell="gru")`, notebooks 06 and 07), brings it lower; `python -m seqlib.charlm` trains for
# longer and prints the same table.
#
# ## Character level or word level?
#
# The same model works on words: the vocabulary is then the 10,000 (or more) most common
# words, and each step predicts a word. Compared with a word-level model, a character-level
# model
#
# - never meets an unknown token: any new word is a sequence of known characters, so there
#   is no `<UNK>`;
# - reads much **longer sequences** (a sentence of 10 words is about 60 characters), so the
#   dependencies it must learn are longer range: that the subject at the start of a sentence
#   decides the verb 40 characters later is much harder to learn than 7 words later;
# - is **more costly** to train: more steps per sentence, each one a full forward and
#   backward step.
#
# Word-level models have long been the usual choice for text; character-level models suit
# small vocabularies, names, and text full of rare or made-up words (and subword units such
# as BPE, `seqlib.text.train_bpe`, sit in between).
#
# ## Explore: temperature and samples
#
# The model trained above, live: move the **temperature** and the **seed** to draw new names,
# and type a prefix to see the distribution of the next character (the bars, reshaped by
# the temperature as $\hat{y}^{1/T}$ renormalised; *end* is `<EOS>`). At $T = 1$ the bars are
# the model's own $\hat{y}$.

# %%
sampling_explorer(model, prefix="jo")


# %% [markdown]
# ## Summary
#
# - A language model gives $P(y^{\langle 1 \rangle}, \dots, y^{\langle T_y \rangle}) = \prod_t
#   P(y^{\langle t \rangle} \mid y^{\langle 1 \rangle}, \dots, y^{\langle t-1 \rangle})$; an
#   RNN's $\hat{y}^{\langle t \rangle}$ is the conditional at step $t$.
# - Training: a tokenised corpus with `<EOS>` and `<UNK>`; $x^{\langle 1 \rangle} = \vec{0}$,
#   $x^{\langle t \rangle} = y^{\langle t-1 \rangle}$ (teacher forcing); loss = cross-entropy
#   summed over the steps; gradients clipped against explosions.
# - Sampling: from $x^{\langle 1 \rangle} = \vec{0}$, $a^{\langle 0 \rangle} = \vec{0}$, draw
#   from $\hat{y}^{\langle t \rangle}$, feed the draw back, stop at `<EOS>` or `max_len`.
#   Temperature $T$ draws from $\mathrm{softmax}(z / T)$: lower is safer, higher more varied.
# - Perplexity = exp(mean cross-entropy per token); uniform guessing scores the vocabulary's
#   size.
# - Character level: no `<UNK>`, but longer sequences, harder long-range dependencies and
#   more computation than word level.
#
# ## Questions (not graded)
#
# 1. Why must $x^{\langle 1 \rangle}$ be the same (zero) vector for every name? What would the
#    model learn if $x^{\langle 1 \rangle}$ were the first letter of the name?
# 2. Sampling with `np.argmax` instead of a random draw: what does the model write, and how
#    many different names can it produce?
# 3. The model gives *micheal* a lower probability than *michael*. Which steps of the product
#    make the difference? (Print the conditionals of both names.)
# 4. Without `<EOS>` in the training data, what would go wrong when sampling?
# 5. What perplexity would a model have that always gives the true next character
#    probability 1/2? Is a perplexity below 1 possible?
