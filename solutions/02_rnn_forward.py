# %% [markdown]
# # 02 · RNN forward propagation
#
# In notebook 01 a sentence became a sequence of one-hot vectors $x^{\langle 1 \rangle}, \dots,
# x^{\langle T_x \rangle}$. Now we build the network that reads such a sequence one step at a
# time: the **recurrent neural network**. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `rnn_cell_forward`: one time step | 3 |
# | 2 | `rnn_forward`: a whole sequence | 3 |
# | 3 | `rnn_cell_forward_stacked`: the same step in the simplified notation | 2 |
# | 4 | `many_to_one` | 1 |
# | 5 | `one_to_many` | 1 |
# | 6 | `encoder_decoder` | 1 |
#
# Each exercise is followed by a test cell: press **Validate** (or run the cell) to check your
# answer. The checks compare your function with `seqlib`'s reference on random inputs and, when
# a result is wrong, say what looks wrong.

# %%
import numpy as np

from seqlib.activations import softmax
from seqlib.checks import check
from seqlib.text import Vocabulary, one_hot, word_tokenize
from seqlib.widgets import gate_explorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Why not a standard network?
#
# Take named-entity recognition: for each word of a sentence, say whether it is part of a
# person's name. A standard fully connected network that takes the whole sentence as one input
# vector has two problems:
#
# 1. **Inputs and outputs have different lengths in different examples.** Sentences are 5 or
#    50 words long. Padding every sentence to a maximum length is wasteful and still breaks on
#    the first longer one.
# 2. **It does not share what it learns across positions.** If it learns that *Harry* at
#    position 1 is a name, nothing carries over to *Harry* at position 7: each position has its
#    own weights. With 10,000-dimensional one-hot vectors and 50 positions, the first layer
#    alone would need 500,000 inputs per unit.
#
# A recurrent network reads one word per step and applies **the same weights at every step**,
# carrying what it has seen so far in a hidden state $a^{\langle t \rangle}$.
#
# ## One step of an RNN
#
# At step $t$ the cell takes the input $x^{\langle t \rangle}$ and the previous hidden state
# $a^{\langle t-1 \rangle}$ (with $a^{\langle 0 \rangle}$ usually zeros) and computes
#
# $$a^{\langle t \rangle} = \tanh\left(W_{aa}\, a^{\langle t-1 \rangle} + W_{ax}\, x^{\langle t \rangle} + b_a\right)$$
# $$\hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_{ya}\, a^{\langle t \rangle} + b_y\right)$$
#
# The subscripts read "matrix that computes an $a$-quantity from an $x$-quantity": $W_{ax}$
# multiplies $x$ to contribute to $a$. In code the names are the same: `Wax`, `Waa`, `Wya`,
# `ba`, `by`.
#
# **Shapes.** We process $m$ examples at once, each a column. With $n_x$ input units, $n_a$
# hidden units and $n_y$ output units:
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x^{\langle t \rangle}$ | `xt` | $(n_x, m)$ |
# | $a^{\langle t-1 \rangle}$, $a^{\langle t \rangle}$ | `a_prev`, `a_next` | $(n_a, m)$ |
# | $W_{ax}$, $W_{aa}$, $b_a$ | `Wax`, `Waa`, `ba` | $(n_a, n_x)$, $(n_a, n_a)$, $(n_a, 1)$ |
# | $W_{ya}$, $b_y$ | `Wya`, `by` | $(n_y, n_a)$, $(n_y, 1)$ |
# | $\hat{y}^{\langle t \rangle}$ | `yt_pred` | $(n_y, m)$ |
#
# The biases are columns; numpy broadcasts them across the $m$ examples. The softmax runs over
# the units, axis 0: `softmax(z)` from `seqlib.activations` does that, stably.
#
# ### Exercise 1: `rnn_cell_forward` (3 points)
#
# Implement one step. Return `a_next`, `yt_pred` and a `cache` holding
# `(a_next, a_prev, xt, parameters)`: backpropagation (notebook 03) needs those values.

# %% grade_id="rnn_cell_forward" solution=true
def rnn_cell_forward(xt, a_prev, parameters):
    """One step of the RNN.

    xt: (n_x, m); a_prev: (n_a, m); parameters: Wax (n_a, n_x), Waa (n_a, n_a),
    Wya (n_y, n_a), ba (n_a, 1), by (n_y, 1).
    Returns a_next (n_a, m), yt_pred (n_y, m), cache = (a_next, a_prev, xt, parameters).
    """
    Wax, Waa, Wya = parameters["Wax"], parameters["Waa"], parameters["Wya"]
    ba, by = parameters["ba"], parameters["by"]
    ### BEGIN SOLUTION
    a_next = np.tanh(Waa @ a_prev + Wax @ xt + ba)
    yt_pred = softmax(Wya @ a_next + by)
    ### END SOLUTION
    cache = (a_next, a_prev, xt, parameters)
    return a_next, yt_pred, cache


# %% grade_id="test_rnn_cell_forward" points=3
"""rnn_cell_forward agrees with the reference on random inputs."""
check("rnn_cell_forward", rnn_cell_forward)
### BEGIN HIDDEN TESTS
check("rnn_cell_forward", rnn_cell_forward, seed=20261, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Here is one step on a small example, so you can see the shapes:

# %%
rng = np.random.default_rng(1)
n_x, n_a, n_y, m = 3, 5, 2, 4
parameters = {
    "Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)),
    "Wya": rng.standard_normal((n_y, n_a)), "ba": np.zeros((n_a, 1)), "by": np.zeros((n_y, 1)),
}
xt, a_prev = rng.standard_normal((n_x, m)), np.zeros((n_a, m))
a_next, yt_pred, cache = rnn_cell_forward(xt, a_prev, parameters)
print("a_next", a_next.shape, "  yt_pred", yt_pred.shape)
print("each column of yt_pred is a distribution over the n_y classes:", yt_pred.sum(axis=0))

# %% [markdown]
# ## A whole sequence
#
# The RNN is the cell applied $T_x$ times, each step feeding its $a^{\langle t \rangle}$ to the
# next. The input now has a time axis, last: `x` is $(n_x, m, T_x)$, and `x[:, :, t]` is
# $x^{\langle t+1 \rangle}$ (Python counts from 0, the notes from 1). Collect every hidden
# state in `a` $(n_a, m, T_x)$ and every prediction in `y_pred` $(n_y, m, T_x)$.
#
# ### Exercise 2: `rnn_forward` (3 points)
#
# Loop over time with your `rnn_cell_forward`. Store $a^{\langle t \rangle}$, the state *after*
# the step, at `a[:, :, t]`. Return `caches = (list of the step caches, x)`.

# %% grade_id="rnn_forward" solution=true
def rnn_forward(x, a0, parameters):
    """Forward propagation over a whole sequence.

    x: (n_x, m, T_x); a0: (n_a, m); parameters: as in rnn_cell_forward.
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x), caches = (list of T_x caches, x).
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wya"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    ### BEGIN SOLUTION
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = rnn_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    ### END SOLUTION
    return a, y_pred, (caches, x)


# %% grade_id="test_rnn_forward" points=3
"""rnn_forward agrees with the reference on random sequences."""
check("rnn_forward", rnn_forward)
### BEGIN HIDDEN TESTS
check("rnn_forward", rnn_forward, seed=20262, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The parameters are the same at every step: that is what lets an RNN read a sequence of any
# length, and what lets something learned at position 1 apply at position 7. The number of
# parameters does not depend on $T_x$:

# %%
x = rng.standard_normal((n_x, m, 10))
a, y_pred, caches = rnn_forward(x, np.zeros((n_a, m)), parameters)
n_parameters = sum(w.size for w in parameters.values())
print(f"T_x = 10: a {a.shape}, y_pred {y_pred.shape}, {n_parameters} parameters")
a, y_pred, caches = rnn_forward(rng.standard_normal((n_x, m, 50)), np.zeros((n_a, m)),
                                parameters)
print(f"T_x = 50: a {a.shape}, y_pred {y_pred.shape}, {n_parameters} parameters")

# %% [markdown]
# ## The simplified notation
#
# The notes compress the two products into one. Stack the two matrices side by side and the
# two vectors on top of each other:
#
# $$W_a = \left[\, W_{aa} \mid W_{ax} \,\right] \quad (n_a, n_a + n_x), \qquad
# \left[ a^{\langle t-1 \rangle} ; x^{\langle t \rangle} \right] \quad (n_a + n_x, m)$$
#
# Then $W_a \left[ a^{\langle t-1 \rangle} ; x^{\langle t \rangle} \right] = W_{aa}
# a^{\langle t-1 \rangle} + W_{ax} x^{\langle t \rangle}$, and
#
# $$a^{\langle t \rangle} = \tanh\left(W_a \left[ a^{\langle t-1 \rangle} ; x^{\langle t
# \rangle} \right] + b_a\right)$$
#
# The hidden state comes first, matching the order of the blocks of $W_a$. The GRU and the
# LSTM (notebooks 06 and 07) are written this way: every gate has one matrix acting on
# $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$.
#
# ### Exercise 3: `rnn_cell_forward_stacked` (2 points)
#
# Compute $a^{\langle t \rangle}$ from `Wa` and `ba` (use `np.vstack` or `np.concatenate`).

# %% grade_id="rnn_cell_forward_stacked" solution=true
def rnn_cell_forward_stacked(xt, a_prev, Wa, ba):
    """a<t> = tanh(Wa [a<t-1>; x<t>] + ba).

    xt: (n_x, m); a_prev: (n_a, m); Wa: (n_a, n_a + n_x); ba: (n_a, 1).
    Returns a_next (n_a, m).
    """
    ### BEGIN SOLUTION
    concat = np.vstack([a_prev, xt])  # (n_a + n_x, m)
    return np.tanh(Wa @ concat + ba)
    ### END SOLUTION


# %% grade_id="test_rnn_cell_forward_stacked" points=2
"""rnn_cell_forward_stacked agrees with the reference on random inputs."""
check("rnn_cell_forward_stacked", rnn_cell_forward_stacked)
### BEGIN HIDDEN TESTS
check("rnn_cell_forward_stacked", rnn_cell_forward_stacked, seed=20263, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Both notations give the same $a^{\langle t \rangle}$:

# %%
Wa = np.hstack([parameters["Waa"], parameters["Wax"]])
a_two_matrices, _, _ = rnn_cell_forward(xt, a_prev + 0.3, parameters)
a_stacked = rnn_cell_forward_stacked(xt, a_prev + 0.3, Wa, parameters["ba"])
print("Wa", Wa.shape, "  largest difference:", np.max(np.abs(a_two_matrices - a_stacked)))

# %% [markdown]
# ## Four kinds of RNN
#
# `rnn_forward` is **many-to-many with $T_x = T_y$**: one output per input, as in
# named-entity tagging. The same cell builds the other architectures of the notes; each of the
# next three exercises takes a few lines.
#
# **Many-to-one** (sentiment classification: a review in, a rating out). Read the whole
# sequence, predict once from the last state:
# $\hat{y} = \mathrm{softmax}(W_{ya}\, a^{\langle T_x \rangle} + b_y)$, shape $(n_y, m)$.
#
# ### Exercise 4: `many_to_one` (1 point)

# %% grade_id="many_to_one" solution=true
def many_to_one(x, a0, parameters):
    """x: (n_x, m, T_x); a0: (n_a, m). Returns y_hat (n_y, m) from a<T_x> only."""
    ### BEGIN SOLUTION
    a, _, _ = rnn_forward(x, a0, parameters)
    return softmax(parameters["Wya"] @ a[:, :, -1] + parameters["by"])
    ### END SOLUTION


# %% grade_id="test_many_to_one" points=1
"""many_to_one agrees with the reference on random sequences."""
check("many_to_one", many_to_one)
### BEGIN HIDDEN TESTS
check("many_to_one", many_to_one, seed=20264, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# **One-to-many** (music generation: a genre in, a melody out). One input $x^{\langle 1
# \rangle}$, then each output is fed back as the next input: $x^{\langle t \rangle} =
# \hat{y}^{\langle t-1 \rangle}$. (So $n_x = n_y$. When generating text in notebook 04 we will
# feed back a *sampled* character; here we feed back the whole distribution, which keeps the
# function deterministic.)
#
# ### Exercise 5: `one_to_many` (1 point)

# %% grade_id="one_to_many" solution=true
def one_to_many(x1, a0, parameters, T_y):
    """x1: (n_y, m) the one input; a0: (n_a, m). Returns y_pred (n_y, m, T_y)."""
    ### BEGIN SOLUTION
    xt, a_prev, outputs = x1, a0, []
    for _ in range(T_y):
        a_prev, xt, _ = rnn_cell_forward(xt, a_prev, parameters)
        outputs.append(xt)
    return np.stack(outputs, axis=2)
    ### END SOLUTION


# %% grade_id="test_one_to_many" points=1
"""one_to_many agrees with the reference on random inputs."""
check("one_to_many", one_to_many)
### BEGIN HIDDEN TESTS
check("one_to_many", one_to_many, seed=20265, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# **Many-to-many with $T_x \neq T_y$** (machine translation: a French sentence of 7 words, an
# English one of 5). An *encoder* RNN reads all of $x$; its last state $a^{\langle T_x
# \rangle}$ is the starting state of a *decoder* RNN, with its own parameters, that writes
# $T_y$ outputs. Here the decoder is your `one_to_many`, started from a zero input (a "start"
# symbol).
#
# ### Exercise 6: `encoder_decoder` (1 point)

# %% grade_id="encoder_decoder" solution=true
def encoder_decoder(x, a0, enc_parameters, dec_parameters, T_y):
    """x: (n_x, m, T_x); a0: (n_a, m); the decoder's inputs are its own outputs, so its
    Wax is (n_a, n_y). Returns y_pred (n_y, m, T_y)."""
    ### BEGIN SOLUTION
    a, _, _ = rnn_forward(x, a0, enc_parameters)
    n_y = dec_parameters["Wya"].shape[0]
    start = np.zeros((n_y, x.shape[1]))
    return one_to_many(start, a[:, :, -1], dec_parameters, T_y)
    ### END SOLUTION


# %% grade_id="test_encoder_decoder" points=1
"""encoder_decoder agrees with the reference on random inputs."""
check("encoder_decoder", encoder_decoder)
### BEGIN HIDDEN TESTS
check("encoder_decoder", encoder_decoder, seed=20266, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## What a unidirectional RNN cannot see
#
# "He said, **Teddy** Roosevelt was a great president." and "He said, **Teddy** bears are on
# sale!" Is *Teddy* part of a name? The answer is in the words that come *after* it. An RNN
# that reads left to right computes $\hat{y}^{\langle 3 \rangle}$ from $x^{\langle 1
# \rangle}, x^{\langle 2 \rangle}, x^{\langle 3 \rangle}$ only, so it must give the same
# prediction for *Teddy* in both sentences, whatever its weights. Let us check with random
# weights and a toy vocabulary:

# %%
sentences = ["He said, Teddy Roosevelt was a great president.",
             "He said, Teddy bears are on sale!"]
tokens = [word_tokenize(s) for s in sentences]
vocab = Vocabulary.from_corpus(tokens)
rng = np.random.default_rng(3)
n_x, n_a = len(vocab), 8
toy = {"Wax": rng.standard_normal((n_a, n_x)), "Waa": rng.standard_normal((n_a, n_a)) / 3,
       "Wya": rng.standard_normal((2, n_a)), "ba": np.zeros((n_a, 1)), "by": np.zeros((2, 1))}
for sentence in tokens:
    x = one_hot(vocab.encode(sentence), n_x)[:, None, :]  # (n_x, 1, T_x)
    _, y_pred, _ = rnn_forward(x, np.zeros((n_a, 1)), toy)
    teddy = sentence.index("teddy")
    print(f"{' '.join(sentence[:teddy + 2]):<32} P(name | 'teddy') = "
          f"{y_pred[1, 0, teddy]:.4f}")

# %% [markdown]
# The two probabilities are identical: the words after *Teddy* cannot reach
# $\hat{y}^{\langle 4 \rangle}$. Notebook 08's **bidirectional RNN** adds a second RNN that
# reads right to left, so every prediction sees the whole sentence.
#
# ## Explore: your RNN step over time
#
# The explorer below runs **your** `rnn_cell_forward` over a short text, one character per
# step (random weights, $n_a = 8$ units, the characters of the shipped first names as
# inputs): each row of the heatmap is one unit of $a^{\langle t \rangle}$, each column one
# step. Move the **step t** slider to follow the state, and **unit** to see that unit's update
# written out with its numbers. Type your own text or pick a name. If your function is not
# written yet, or fails, the explorer uses `seqlib`'s and says so. The **cell** menu also shows
# the GRU and the LSTM of notebooks 06 and 07. (Without a live notebook you see a picture of
# the first state.)

# %%
gate_explorer("rnn", step_fn=rnn_cell_forward)


# %% [markdown]
# ## Summary
#
# - An RNN applies one cell, with the same parameters, at every time step; the hidden state
#   $a^{\langle t \rangle}$ carries information forward.
# - $a^{\langle t \rangle} = \tanh(W_{aa} a^{\langle t-1 \rangle} + W_{ax} x^{\langle t
#   \rangle} + b_a) = \tanh(W_a [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_a)$ and
#   $\hat{y}^{\langle t \rangle} = \mathrm{softmax}(W_{ya} a^{\langle t \rangle} + b_y)$.
# - Shapes: units first, then the $m$ examples, then time: `x` is $(n_x, m, T_x)$.
# - Many-to-many, many-to-one, one-to-many and encoder-decoder are the same cell wired
#   differently.
# - A unidirectional RNN's prediction at step $t$ depends on the inputs up to $t$ only.
#
# ## Questions (not graded)
#
# 1. How many parameters does an RNN with $n_x = 10{,}000$, $n_a = 100$, $n_y = 10{,}000$ have?
#    How does that change with $T_x$?
# 2. Why is `tanh` a better choice than the identity for $g$ in $a^{\langle t \rangle} =
#    g(\dots)$? What would happen to $a^{\langle t \rangle}$ over 100 steps without it?
# 3. In `one_to_many`, what changes if you feed back the one-hot vector of the most likely
#    output instead of the whole distribution? Of a *sampled* output?
# 4. Sketch an RNN that reads a sentence and outputs a single label *and* a tag per word. Which
#    `da` would its backward pass receive?
