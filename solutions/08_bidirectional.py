# %% [markdown]
# # 08 · Bidirectional RNNs
#
# "He said, **Teddy** Roosevelt was a great president." / "He said, **Teddy** bears are on
# sale!" In notebook 02 a left-to-right RNN had to give *Teddy* the same score in both
# sentences, whatever its weights: the word that decides, the one after *Teddy*, had not been
# read yet. A **bidirectional RNN** (BRNN) adds a second RNN that reads the sentence from
# right to left, so that every prediction sees the whole sentence. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `reverse_time`: a sequence read backwards | 1 |
# | 2 | `bidirectional_forward`: both directions and the outputs, for any cell | 3 |
# | 3 | `bidirectional_backward`: backpropagation through both directions | 3 |
#
# The cells come from `seqlib` (the references for the RNN of notebooks 02-03, the GRU and
# the LSTM), so this notebook does not depend on your earlier answers. Each exercise is
# followed by a test cell: press **Validate** (or run the cell) to check your answer. The
# checks run your function with all three cells and compare it with `seqlib`'s reference.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import seqlib.bidirectional
import seqlib.rnn
from seqlib.bidirectional import init_bidirectional
from seqlib.cells import get_cell
from seqlib.checks import check
from seqlib.data import entity_tagging
from seqlib.data.tasks import AMBIGUOUS
from seqlib.initialization import init_parameters
from seqlib.losses import cross_entropy
from seqlib.optim import Adam
from seqlib.outputs import output_backward_logits, output_forward
from seqlib.text import Vocabulary, one_hot, word_tokenize

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## What a left-to-right RNN cannot see
#
# Named-entity recognition tags every word: $y^{\langle t \rangle} = 1$ when word $t$ is part
# of a person's name. Without punctuation, *Teddy* is word 3 of both sentences:
#
# | $t$ | 1 | 2 | 3 | 4 | 5 | ... |
# | --- | --- | --- | --- | --- | --- | --- |
# | sentence 1 | he | said | **teddy** | roosevelt | was | ... |
# | sentence 2 | he | said | **teddy** | bears | are | ... |
#
# A unidirectional RNN computes $a^{\langle 3 \rangle}$, and so $\hat{y}^{\langle 3
# \rangle}$, from $x^{\langle 1 \rangle}, x^{\langle 2 \rangle}, x^{\langle 3 \rangle}$ only,
# which are the same in both sentences. To tell the two *Teddy*s apart, $\hat{y}^{\langle 3
# \rangle}$ needs $x^{\langle 4 \rangle}$ onwards.
#
# ## Two RNNs, one reading each way
#
# A BRNN runs two recurrences over the same input, each with its own parameters:
#
# - a **forward** one, $\overrightarrow{a}^{\langle t \rangle}$, computed from
#   $\overrightarrow{a}^{\langle t-1 \rangle}$ and $x^{\langle t \rangle}$ for $t = 1, \dots,
#   T_x$: it has read $x^{\langle 1 \rangle}, \dots, x^{\langle t \rangle}$;
# - a **backward** one, $\overleftarrow{a}^{\langle t \rangle}$, computed from
#   $\overleftarrow{a}^{\langle t+1 \rangle}$ and $x^{\langle t \rangle}$ for $t = T_x, \dots,
#   1$: it has read $x^{\langle T_x \rangle}, \dots, x^{\langle t \rangle}$.
#
# Each prediction reads both states at its step:
#
# $$\hat{y}^{\langle t \rangle} = g\left(W_y \left[\overrightarrow{a}^{\langle t \rangle} ; \overleftarrow{a}^{\langle t \rangle}\right] + b_y\right)$$
#
# so $\hat{y}^{\langle 3 \rangle}$ sees the past through $\overrightarrow{a}^{\langle 3
# \rangle}$ and the future through $\overleftarrow{a}^{\langle 3 \rangle}$. Unrolled over
# $T_x = 4$ steps (both directions start from zeros):
#
# ```
#            ŷ<1>              ŷ<2>              ŷ<3>              ŷ<4>
#              ↑                 ↑                 ↑                 ↑
#         [a→<1>; a←<1>]    [a→<2>; a←<2>]    [a→<3>; a←<3>]    [a→<4>; a←<4>]
#    0 ──▶  a→<1> ──────────▶ a→<2> ──────────▶ a→<3> ──────────▶ a→<4>
#           a←<1> ◀────────── a←<2> ◀────────── a←<3> ◀────────── a←<4> ◀── 0
#              ↑                 ↑                 ↑                 ↑
#             x<1>              x<2>              x<3>              x<4>
# ```
#
# The "backward" in the name is about the *direction of reading*, not backpropagation: the
# graph has no cycle, and both recurrences are **forward propagation**, computed before any
# $\hat{y}$. Training then backpropagates through both, as in notebook 03.
#
# **Any cell.** The arrows inside the two recurrences can be a plain RNN step, a GRU or an
# LSTM: the BRNN is a way of wiring cells, not a new cell. In NLP, a bidirectional LSTM
# (BLSTM) is a common first choice when the whole sentence is available.
#
# **Shapes.** Each direction has its own hidden size, $n_{a,f}$ and $n_{a,b}$ (often equal).
# The two states are stacked on the units axis:
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x$ | `x` | $(n_x, m, T_x)$ |
# | $\overrightarrow{a}$, $\overleftarrow{a}$ | `a_f`, `a_b` | $(n_{a,f}, m, T_x)$, $(n_{a,b}, m, T_x)$ |
# | $a = [\overrightarrow{a}; \overleftarrow{a}]$ | `a` | $(n_{a,f} + n_{a,b}, m, T_x)$ |
# | $W_y$, $b_y$ | `parameters["Wy"]`, `parameters["by"]` | $(n_y, n_{a,f} + n_{a,b})$, $(n_y, 1)$ |
# | $\hat{y}$ | `y_pred` | $(n_y, m, T_x)$ |
# | each direction's cell parameters | `parameters["forward"]`, `parameters["backward"]` | the cell's, in $n_{a,f}$ or $n_{a,b}$ |
#
# `seqlib.bidirectional.init_bidirectional` makes such a dict. Here is one for an LSTM with
# directions of sizes 5 and 3: each direction holds a whole LSTM's gate matrices, $(n_a, n_a
# + n_x)$ acting on $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$.

# %%
parameters = init_bidirectional("lstm", n_x=4, n_a=(5, 3), n_y=2, rng=np.random.default_rng(0))
for direction in ("forward", "backward"):
    print(direction, {key: value.shape for key, value in parameters[direction].items()})
print("Wy", parameters["Wy"].shape, "  by", parameters["by"].shape)

# %% [markdown]
# Every recurrent parameter of every cell has $n_a$ rows, so a direction's size can be read off
# any of them:

# %%
def hidden_size(cell_parameters):
    """n_a of one direction: the number of rows of its parameters (Wax, Wu, Wf, ...)."""
    return next(iter(cell_parameters.values())).shape[0]


print("n_a_f =", hidden_size(parameters["forward"]), "  n_a_b =",
      hidden_size(parameters["backward"]))

# %% [markdown]
# ## Reading right to left is reading the reversed sequence
#
# The backward recurrence needs no new code. Reverse the input in time, $\tilde{x}^{\langle s
# \rangle} = x^{\langle T_x + 1 - s \rangle}$, and run the ordinary left-to-right recurrence
# on $\tilde{x}$: its state after $s$ steps has read $x^{\langle T_x \rangle}, \dots,
# x^{\langle T_x + 1 - s \rangle}$, which is exactly $\overleftarrow{a}^{\langle T_x + 1 - s
# \rangle}$. So
#
# 1. reverse $x$ in time,
# 2. run the cell forwards on it,
# 3. reverse the states back, so that $\overleftarrow{a}^{\langle t \rangle}$ sits at index
#    $t$, next to $\overrightarrow{a}^{\langle t \rangle}$.
#
# ### Exercise 1: `reverse_time` (1 point)
#
# Return `x` with its time axis, the last one, reversed: `x[:, :, t]` of the result is
# `x[:, :, T_x - 1 - t]`. (A slice with step -1, or `np.flip` with the right `axis`.)

# %% grade_id="reverse_time" solution=true
def reverse_time(x):
    """x (n_x, m, T_x) -> the same sequence backwards, x<T_x>, ..., x<1>: (n_x, m, T_x)."""
    ### BEGIN SOLUTION
    return x[:, :, ::-1]
    ### END SOLUTION


# %% grade_id="test_reverse_time" points=1
"""reverse_time reverses the time axis, and only it."""
check("reverse_time", reverse_time)
### BEGIN HIDDEN TESTS
check("reverse_time", reverse_time, seed=20881, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Reversing twice gives the sequence back; the examples and units stay where they were:

# %%
x_small = np.arange(12.0).reshape(1, 2, 6)  # n_x = 1, m = 2, T_x = 6
print("x:\n", x_small[0], "\nreverse_time(x):\n", reverse_time(x_small)[0])
print("twice:", np.array_equal(reverse_time(reverse_time(x_small)), x_small))

# %% [markdown]
# ## The forward pass
#
# The three cells share one interface in `seqlib.cells`: `c = get_cell("rnn")` (or `"gru"`,
# `"lstm"`) has
#
# - `c.forward_states(x, a0, cell_parameters)` → `(a, caches)`: the hidden states $(n_a, m,
#   T_x)$ of one left-to-right pass from `a0` $(n_a, m)$, and what its backward needs;
# - `c.backward_states(da, caches)` → a dict with `dx`, `da0` and `"d" + key` for each
#   parameter (exercise 3).
#
# `output_forward(a, Wy, by)` from `seqlib.outputs` applies $\hat{y}^{\langle t \rangle} =
# \mathrm{softmax}(W_y a^{\langle t \rangle} + b_y)$ at every step and returns `(y_pred,
# output_cache)`.
#
# ### Exercise 2: `bidirectional_forward` (3 points)
#
# Both directions start from zeros (given). Compute
#
# 1. `a_f, caches_f`: the forward direction over `x`;
# 2. `a_b, caches_b`: the backward direction, with **your** `reverse_time` (step 2 of the
#    recipe runs on the reversed `x`; keep its caches as `forward_states` returns them);
# 3. `a` $= [\overrightarrow{a}; \overleftarrow{a}]$ with `np.concatenate(..., axis=0)`;
# 4. `y_pred, output_cache` with `output_forward`.
#
# The last lines put the caches together in the format `seqlib.bidirectional` uses, which
# exercise 3 reads.

# %% grade_id="bidirectional_forward" solution=true
def bidirectional_forward(x, parameters, cell="rnn"):
    """A bidirectional RNN over a whole sequence, both directions starting from zeros.

    x: (n_x, m, T_x); parameters: {"forward": the cell's parameters (n_a_f),
    "backward": the cell's parameters (n_a_b), "Wy": (n_y, n_a_f + n_a_b), "by": (n_y, 1)};
    cell: "rnn", "gru" or "lstm".
    Returns a = [a→; a←] (n_a_f + n_a_b, m, T_x), y_pred (n_y, m, T_x) and caches, for
    bidirectional_backward.
    """
    c = get_cell(cell)
    m = x.shape[1]
    n_a_f, n_a_b = hidden_size(parameters["forward"]), hidden_size(parameters["backward"])
    a0_f, a0_b = np.zeros((n_a_f, m)), np.zeros((n_a_b, m))
    ### BEGIN SOLUTION
    a_f, caches_f = c.forward_states(x, a0_f, parameters["forward"])  # (n_a_f, m, T_x)
    # a←<t> has read x<T_x>, ..., x<t>: the same recurrence, fed x<T_x> first
    a_b_reversed, caches_b = c.forward_states(reverse_time(x), a0_b, parameters["backward"])
    a_b = reverse_time(a_b_reversed)  # back in natural order: a←<t> at index t
    a = np.concatenate([a_f, a_b], axis=0)  # (n_a_f + n_a_b, m, T_x)
    y_pred, output_cache = output_forward(a, parameters["Wy"], parameters["by"])
    ### END SOLUTION
    caches = {"states": (c, n_a_f, caches_f, caches_b), "a_shape": a.shape,
              "output": output_cache}
    return a, y_pred, caches


# %% grade_id="test_bidirectional_forward" points=3
"""bidirectional_forward agrees with the reference for the RNN, GRU and LSTM cells."""
check("bidirectional_forward", bidirectional_forward)
### BEGIN HIDDEN TESTS
check("bidirectional_forward", bidirectional_forward, seed=20882, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Teddy, again
#
# Back to the two sentences, with random weights, for each cell. The first $n_{a,f}$ rows of
# `a[:, 0, 2]` are $\overrightarrow{a}^{\langle 3 \rangle}$, the rest
# $\overleftarrow{a}^{\langle 3 \rangle}$:

# %%
sentences = ["He said, Teddy Roosevelt was a great president.",
             "He said, Teddy bears are on sale!"]
tokens = [word_tokenize(s, punctuation=False) for s in sentences]
vocab = Vocabulary.from_corpus(tokens)
n_x, n_a = len(vocab), 4
teddy = tokens[0].index("teddy")  # index 2: x<3>
xs = [one_hot(vocab.encode(sentence), n_x)[:, None, :] for sentence in tokens]  # (n_x, 1, T_x)
for cell in ("rnn", "gru", "lstm"):
    toy = init_bidirectional(cell, n_x, n_a, 2, rng=np.random.default_rng(3))
    (a1, y1, _), (a2, y2, _) = (bidirectional_forward(x, toy, cell) for x in xs)
    change = np.abs(a1[:, 0, teddy] - a2[:, 0, teddy])
    print(f"{cell:<4}  P(name | 'teddy'): {y1[1, 0, teddy]:.4f} (Roosevelt) vs "
          f"{y2[1, 0, teddy]:.4f} (bears);  largest change in a→<3>: {change[:n_a].max():.3g}, "
          f"in a←<3>: {change[n_a:].max():.3g}")

# %% [markdown]
# $\overrightarrow{a}^{\langle 3 \rangle}$ is exactly the same in both sentences, as in notebook
# 02; $\overleftarrow{a}^{\langle 3 \rangle}$ has read *roosevelt* or *bears*, and the two
# predictions differ. Random weights do not know which one is a name, but the information
# is there for training to use.
#
# **Who sees what.** Replace one word $x^{\langle s \rangle}$ of the first sentence by
# `<UNK>` and measure how much each state and prediction changes. Rows are the step $t$,
# columns the word $s$ replaced; white means exactly no change.

# %%
def sensitivity(x, parameters, cell, n_a_f, replacement):
    """||change|| of a→<t>, a←<t> and ŷ<t> (rows t) when x<s> (columns s) is replaced.

    x: (n_x, 1, T_x), one sentence; replacement: (n_x,), the word put at step s.
    Returns three (T_x, T_x) arrays.
    """
    a, y_pred, _ = bidirectional_forward(x, parameters, cell)
    T_x = x.shape[2]
    changes = np.zeros((3, T_x, T_x))
    for s in range(T_x):
        x_changed = x.copy()
        x_changed[:, 0, s] = replacement
        a_new, y_new, _ = bidirectional_forward(x_changed, parameters, cell)
        for i, (old, new) in enumerate([(a[:n_a_f], a_new[:n_a_f]), (a[n_a_f:], a_new[n_a_f:]),
                                        (y_pred, y_new)]):
            changes[i, :, s] = np.linalg.norm(old[:, 0, :] - new[:, 0, :], axis=0)  # (T_x,)
    return changes


toy = init_bidirectional("rnn", n_x, n_a, 2, rng=np.random.default_rng(3))
changes = sensitivity(xs[0], toy, "rnn", n_a, one_hot(np.array([vocab.unk_index]), n_x)[:, 0])
T_x = xs[0].shape[2]
fig, axes = plt.subplots(1, 3, figsize=(10, 3.3))
titles = ("forward states a→<t>", "backward states a←<t>", "predictions ŷ<t>")
for ax, change, title in zip(axes, changes, titles, strict=True):
    image = ax.imshow(np.where(change > 0, change, np.nan), cmap="viridis",
                      extent=(0.5, T_x + 0.5, T_x + 0.5, 0.5))
    ax.set_title(title)
    ax.set_xlabel("word s replaced")
    ax.set_xticks(range(1, T_x + 1))
    ax.set_yticks(range(1, T_x + 1))
    fig.colorbar(image, ax=ax, shrink=0.8)
axes[0].set_ylabel("step t")
fig.tight_layout()
plt.show()

# %% [markdown]
# $\overrightarrow{a}^{\langle t \rangle}$ changes only when a word at or before $t$ does
# (the lower triangle), $\overleftarrow{a}^{\langle t \rangle}$ only when a word at or after
# $t$ does (the upper triangle), and every $\hat{y}^{\langle t \rangle}$ depends on every word.
# That includes $\hat{y}^{\langle 1 \rangle}$, which depends on the last word $x^{\langle T_x
# \rangle}$: the price of a BRNN, more on that at the end.
#
# ## Backpropagation through a BRNN
#
# The output layer sends down `da`, $\partial J / \partial a^{\langle t \rangle}$ for every
# step, $(n_{a,f} + n_{a,b}, m, T_x)$ (notebook 03; `output_backward_logits` does it). Since
# $a = [\overrightarrow{a}; \overleftarrow{a}]$ only *stacks* the two states, the gradient
# splits along the same line:
#
# $$\frac{\partial J}{\partial \overrightarrow{a}^{\langle t \rangle}} = \texttt{da[:n\_a\_f, :, t]}, \qquad \frac{\partial J}{\partial \overleftarrow{a}^{\langle t \rangle}} = \texttt{da[n\_a\_f:, :, t]}$$
#
# The two directions share no parameters and no states, so from there each is an ordinary
# backpropagation through time:
#
# - the **forward direction** backpropagates right to left, `backward_states(da_f, caches_f)`;
# - the **backward direction** ran on the reversed sequence: its caches' step 0 is
#   $x^{\langle T_x \rangle}$. Give it its `da` **reversed** in time to match; the `dx` it
#   returns is then in reversed time too, and must be **reversed back**. (In natural time,
#   its backpropagation runs left to right.)
# - $x^{\langle t \rangle}$ feeds both directions, so its gradient is the **sum** of the two:
#   $dx = dx_{\rightarrow} + dx_{\leftarrow}$. Each direction's parameter gradients stay its
#   own.
#
# **The caches.** Exercise 3 is tested on caches made by `seqlib`'s
# `bidirectional_forward`, not yours, so that it can be graded on its own; yours have the same
# format:
#
# | key | value |
# | --- | --- |
# | `caches["states"]` | `(c, n_a_f, caches_f, caches_b)`: the cell object of `get_cell`, the forward direction's size, and the caches `forward_states` returned for each direction (`caches_b` from the run on the reversed `x`) |
# | `caches["a_shape"]` | `a.shape`, $(n_{a,f} + n_{a,b}, m, T_x)$ |
# | `caches["output"]` | the output layer's cache (not needed here: $dW_y$ and $db_y$ come from `output_backward_logits`) |
#
# ### Exercise 3: `bidirectional_backward` (3 points)
#
# Compute
#
# 1. `grads_f`: `c.backward_states` of the forward direction, on its half of `da`;
# 2. `grads_b`: the same for the backward direction, on its half of `da` reversed in time
#    (with your `reverse_time`);
# 3. `dx`: the two directions' `dx`, the backward one reversed back, added.
#
# The given return line keeps each direction's `da0` and parameter gradients (the LSTM's
# `backward_states` also returns `dc0`; it may stay).

# %% grade_id="bidirectional_backward" solution=true
def bidirectional_backward(da, caches):
    """Backpropagation through time in both directions of a BRNN.

    da: dJ/da for a = [a→; a←], (n_a_f + n_a_b, m, T_x), what the output layer sends down;
    caches: what bidirectional_forward returned (seqlib's or yours: the same format).
    Returns {"dx": (n_x, m, T_x), "forward": {"da0": (n_a_f, m), "d" + each parameter},
    "backward": {"da0": (n_a_b, m), "d" + each parameter}}.
    """
    c, n_a_f, caches_f, caches_b = caches["states"]
    ### BEGIN SOLUTION
    grads_f = c.backward_states(da[:n_a_f], caches_f)
    # the backward direction ran on reversed time: its da goes in reversed, its dx comes out
    # reversed
    grads_b = c.backward_states(reverse_time(da[n_a_f:]), caches_b)
    dx = grads_f["dx"] + reverse_time(grads_b["dx"])  # x<t> feeds both directions
    ### END SOLUTION
    return {"dx": dx,
            "forward": {key: g for key, g in grads_f.items() if key != "dx"},
            "backward": {key: g for key, g in grads_b.items() if key != "dx"}}


# %% grade_id="test_bidirectional_backward" points=3
"""bidirectional_backward agrees with the reference on caches from seqlib's forward."""
check("bidirectional_backward", bidirectional_backward)
### BEGIN HIDDEN TESTS
check("bidirectional_backward", bidirectional_backward, seed=20883, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Training: does the future help?
#
# `seqlib.data.entity_tagging` writes tagged sentences. Half of them start with a word like
# *Teddy*, *Rose* or *Olive*, followed by a surname in half of those ("Teddy Roosevelt was a
# great president": a name) and by an ordinary continuation in the others ("Teddy bears are on
# sale": not a name):

# %%
rng = np.random.default_rng(0)
train_set, test_set = entity_tagging(200, rng), entity_tagging(400, rng)
for sentence, tags in list(zip(train_set.sentences, train_set.tags, strict=True))[:5]:
    print(" ".join(f"{word}/{tag}" for word, tag in zip(sentence, tags, strict=True)))
print("x", train_set.x.shape, "  y", train_set.y.shape, "  mask", train_set.mask.shape)

# %% [markdown]
# We train two models of the same kind on the same 200 sentences: a left-to-right RNN
# (`seqlib.rnn`) and a BRNN of RNN cells (your `bidirectional_forward`; the backward pass
# is `seqlib.bidirectional`'s, the same as yours if its tests pass). Both predict two classes,
# "not a name" and "name", with a softmax; the loss is notebook 03's cross-entropy, mean over
# the examples, padding masked out.

# %%
def one_hot_tags(task):
    """The 0/1 tags as one-hot targets over the two classes: (2, m, T_x)."""
    return np.concatenate([1 - task.y, task.y], axis=0)


def forward_pass(parameters, x):
    """(a, y_pred, caches) of the BRNN when parameters has two directions, else of the RNN."""
    if "backward" in parameters:
        return bidirectional_forward(x, parameters, "rnn")
    return seqlib.rnn.rnn_forward(x, np.zeros((parameters["Waa"].shape[0], x.shape[1])),
                                  parameters)


def gradients(parameters, task):
    """The loss J on the task and the gradient of every parameter, as nested dicts."""
    a, y_pred, caches = forward_pass(parameters, task.x)
    y = one_hot_tags(task)
    dz = (y_pred - y) * task.mask / y.shape[1]  # softmax + cross-entropy, mean over examples
    if "backward" in parameters:
        out = output_backward_logits(dz, caches["output"])
        grads = seqlib.bidirectional.bidirectional_backward(out["da"], caches)
        grads.update(dWy=out["dWy"], dby=out["dby"])
    else:
        out = output_backward_logits(dz, output_forward(a, parameters["Wya"], parameters["by"])[1])
        grads = seqlib.rnn.rnn_backward(out["da"], caches)
        grads.update(dWya=out["dWy"], dby=out["dby"])
    return cross_entropy(y_pred, y, task.mask), grads


def accuracy(parameters, task):
    """Tagging accuracy over every real word, and over the first word of the sentences that
    start with an ambiguous word (Teddy, Rose, ...)."""
    _, y_pred, _ = forward_pass(parameters, task.x)
    right = np.argmax(y_pred, axis=0) == task.y[0]  # (m, T_x)
    ambiguous = np.array([sentence[0].lower() in AMBIGUOUS for sentence in task.sentences])
    return right[task.mask > 0].mean(), right[ambiguous, 0].mean()


n_x, n_a = train_set.x.shape[0], 8
models = {
    "left-to-right RNN": init_parameters("rnn", n_x, n_a, 2, rng=np.random.default_rng(1)),
    "bidirectional RNN": init_bidirectional("rnn", n_x, n_a, 2, rng=np.random.default_rng(1)),
}
history = {}
for name, model in models.items():
    optimizer = Adam(lr=0.03)
    history[name] = []
    for _ in range(50):
        J, grads = gradients(model, train_set)
        optimizer.step(model, grads)
        history[name].append(J)

fig, ax = plt.subplots(figsize=(5, 2.8))
for name, losses in history.items():
    ax.plot(losses, label=name)
ax.set_xlabel("Adam step (whole training set)")
ax.set_ylabel("training loss J")
ax.set_yscale("log")
ax.legend()
plt.show()
for name, model in models.items():
    every_word, first_word = accuracy(model, test_set)
    print(f"{name}: test accuracy {every_word:.1%} on every word, {first_word:.1%} on an "
          "ambiguous first word")

# %% [markdown]
# On most words both models do well: a first name followed by a surname is easy either way.
# On the ambiguous first word the left-to-right RNN can only guess, right about half the time:
# it has read one word, and *Teddy* is a name in half the sentences that start with it. That
# coin flip costs $\ln 2$ on half the sentences, and its training loss stalls near
# $\frac{1}{2} \ln 2 \approx 0.35$. The BRNN reads the next word through
# $\overleftarrow{a}^{\langle 1 \rangle}$ and gets it right. Passing `"gru"` or `"lstm"`
# instead of `"rnn"` works the same way, a few times slower.
#
# ## The cost: the whole sequence first
#
# $\overleftarrow{a}^{\langle 1 \rangle}$ depends on $x^{\langle T_x \rangle}$, so a BRNN can
# make **no prediction, not even $\hat{y}^{\langle 1 \rangle}$, before the whole sequence has
# arrived** (the last column of the middle plot above). For a sentence already written this
# costs nothing. For speech recognition in real time it does: the backward direction cannot
# start until the speaker has stopped, so the first word would come out only after the last
# one was spoken. Live systems therefore use unidirectional models, or look only a short
# window ahead, and keep full BRNNs for work where the whole input is there, like tagging or
# transcribing a recording. The computation also doubles: two recurrences instead of one.
#
# ## Summary
#
# - A unidirectional RNN's $\hat{y}^{\langle t \rangle}$ depends on $x^{\langle 1 \rangle},
#   \dots, x^{\langle t \rangle}$ only; a BRNN's depends on the whole sequence.
# - A BRNN runs a forward recurrence $\overrightarrow{a}^{\langle t \rangle}$ (left to right)
#   and a backward one $\overleftarrow{a}^{\langle t \rangle}$ (right to left), each with its
#   own parameters and size, and predicts $\hat{y}^{\langle t \rangle} = g(W_y
#   [\overrightarrow{a}^{\langle t \rangle}; \overleftarrow{a}^{\langle t \rangle}] + b_y)$.
#   Both recurrences are forward propagation; the graph is acyclic.
# - The backward direction is the ordinary recurrence on the time-reversed input, its states
#   reversed back. It works with any cell: RNN, GRU, LSTM (BLSTM).
# - Backward pass: split `da` into its two halves, backpropagate each direction (the
#   backward one in reversed time) and add the two `dx`.
# - The price: nothing can be predicted before the whole sequence has arrived, which rules
#   plain BRNNs out for real-time speech recognition.
#
# ## Questions (not graded)
#
# 1. How many parameters does a bidirectional LSTM with $n_x = 100$, $n_{a,f} = n_{a,b} = 64$
#    and $n_y = 10$ have? How many does a unidirectional LSTM with $n_a = 128$ have? Which one
#    has the larger state at each step?
# 2. The backward direction starts from zeros, next to $x^{\langle T_x \rangle}$. Suppose it
#    started from $\overrightarrow{a}^{\langle T_x \rangle}$ instead: is the graph still
#    acyclic? What would $\overleftarrow{a}^{\langle t \rangle}$ then depend on?
# 3. In the sensitivity plot, both state plots have a coloured diagonal. Why? What would
#    change in $\hat{y}$'s plot if $W_y$ read $\overrightarrow{a}^{\langle t \rangle}$ only?
# 4. For the many-to-one sentiment classifier of notebook 02, which states of a BRNN would you
#    feed the output layer? Would a BRNN help it at all?
# 5. A speech recogniser may wait 300 ms before writing each word. How could you build a model
#    that looks a few steps into the future, but not to the end of the sequence?
