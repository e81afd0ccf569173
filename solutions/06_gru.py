# %% [markdown]
# # 06 · The Gated Recurrent Unit
#
# Notebook 05 ended on a sentence a vanilla RNN cannot learn: "The **cat**, which already ate
# some rice and then slept in the grass, **was** full." The gradient from *was* has to travel
# back to *cat* through one Jacobian per word, and it shrinks exponentially on the way. This
# notebook builds the **Gated Recurrent Unit** (GRU), a cell that can carry a value, and its
# gradient, across many steps unchanged, because a learned **gate** decides at every step
# whether to overwrite its memory or keep it. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `gru_cell_forward`: one step of the full GRU | 3 |
# | 2 | `gru_forward`: a whole sequence | 2 |
# | 3 | `gru_cell_backward`: one step, backward | 4 |
# | 4 | `gru_backward`: backpropagation through time | 2 |
#
# The backward exercises take caches made by `seqlib.gru`, the reference for the forward
# pass, so they do not depend on your answers to exercises 1 and 2. Each exercise is followed
# by a test cell: press **Validate** (or run the cell) to check your answer. The checks compare
# your function with `seqlib`'s reference on random inputs and, when a result is wrong, say
# what looks wrong.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import seqlib.gru
import seqlib.rnn
from seqlib.activations import sigmoid, softmax
from seqlib.checks import check
from seqlib.data import long_range_agreement
from seqlib.data.tasks import SUBJECTS
from seqlib.gradcheck import check_gradients
from seqlib.initialization import init_parameters
from seqlib.widgets import gate_explorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The problem
#
# In a vanilla RNN every step rewrites the whole hidden state,
# $a^{\langle t \rangle} = \tanh(W_a [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_a)$.
# Whatever $a^{\langle 2 \rangle}$ knew about *cat* is mixed with *which*, then *already*,
# then *ate*... and notebook 05 measured what that does to learning: the gradient reaching
# step $t$ from step $T_x$ is multiplied by $T_x - t$ Jacobians $\mathrm{diag}(1 -
# (a^{\langle k \rangle})^2)\, W_{aa}$, and after a few tens of steps almost nothing is left.
# The network cannot learn to keep *singular* in mind until the verb, because the signal that
# would teach it never arrives.
#
# ## A memory cell
#
# The GRU gives the network a **memory cell** $c^{\langle t \rangle}$: a vector whose
# entries can hold a value, such as "the subject is singular", for as long as it is needed.
# In the GRU the memory cell *is* the hidden state, the output of the step:
#
# $$a^{\langle t \rangle} = c^{\langle t \rangle}$$
#
# (The LSTM, in notebook 07, separates the two.) What changes is how
# $c^{\langle t \rangle}$ is computed from $c^{\langle t-1 \rangle}$.
#
# ## The simplified GRU
#
# At each step the cell computes a **candidate** for replacing the memory, and a **gate**
# that decides how much of it to use:
#
# $$\tilde{c}^{\langle t \rangle} = \tanh\left(W_c [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c\right)$$
# $$\Gamma_u = \sigma\left(W_u [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_u\right)$$
# $$c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} + (1 - \Gamma_u) * c^{\langle t-1 \rangle}$$
#
# $*$ is the element-wise product. The candidate is a vanilla RNN step. The **update gate**
# $\Gamma_u$ (Γ, capital gamma, for "gate") is a sigmoid, so each of its entries is between
# 0 and 1, and usually very close to one or the other. It mixes, entry by entry:
#
# - $\Gamma_u \approx 1$: **update**, $c^{\langle t \rangle} \approx \tilde{c}^{\langle t
#   \rangle}$. At *cat*, the cell writes "singular" into its memory.
# - $\Gamma_u \approx 0$: **keep**, $c^{\langle t \rangle} \approx c^{\langle t-1
#   \rangle}$. Through *which already ate some rice ...* the gate stays shut and "singular"
#   is copied from step to step, untouched, until *was* needs it. Then the memory can be
#   released for something else.
#
# Here is such a cell, built by hand with one unit ($n_a = 1$) on notebook 05's agreement
# sentences. $W_u$ gives the gate a large positive input at the fourteen subject words (*cat*,
# *cats*, *dog*, ...) and the bias $b_u = -10$ everywhere, so $\Gamma_u = \sigma(10) \approx
# 1$ at a subject and $\sigma(-10) \approx 4.5 \cdot 10^{-5}$ at every other word. $W_c$ gives
# the candidate $\tanh(4) \approx 1$ for a plural subject and $\tanh(-4) \approx -1$ for a
# singular one, and the output reads the sign: $P(\textit{were}) = \mathrm{softmax}(W_y
# c^{\langle t \rangle} + b_y)$ with $W_y = (-6, 6)^T$. `seqlib.gru` runs it
# (`simplified=True` drops what the full GRU adds below).

# %%
task = long_range_agreement(2, 30, np.random.default_rng(4))  # 30 filler words
vocab, n_x = task.vocab, task.x.shape[0]
hand = {"Wu": np.zeros((1, 1 + n_x)), "bu": np.array([[-10.0]]),  # columns: [c<t-1>; x<t>]
        "Wc": np.zeros((1, 1 + n_x)), "bc": np.zeros((1, 1)),
        "Wy": np.array([[-6.0], [6.0]]), "by": np.zeros((2, 1))}  # rows: was, were
for singular, plural in SUBJECTS:
    for word, number in ((singular, -4.0), (plural, 4.0)):
        hand["Wu"][0, 1 + vocab.index(word)] = 20.0  # open the gate at a subject
        hand["Wc"][0, 1 + vocab.index(word)] = number  # and write its number
c, y_pred, caches = seqlib.gru.gru_forward(task.x, np.zeros((1, 2)), hand, simplified=True)
gates = np.stack([cache[3][0] for cache in caches[0]], axis=1)  # Γu<t>, (m, T_x)
for i, sentence in enumerate(task.sentences):
    print(" ".join(sentence[:7]), "...", " ".join(sentence[-4:]))
    for t in (0, 1, 2, 20, len(caches[0]) - 1):
        print(f"    t = {t + 1:2d} {sentence[t]!r:10} Γu = {gates[i, t]:.1e}   "
              f"c = {c[0, i, t]:+.4f}")
    print(f"    P(were) after the last comma: {y_pred[1, i, -1]:.4f}")

# %% [markdown]
# The gate opens once, at the subject, and $c$ then moves by less than $0.002$ in 33 steps:
# each word after it keeps a fraction $1 - \Gamma_u \approx 1 - 4.5 \cdot 10^{-5}$ of it. A
# vanilla RNN would have to find weights whose *product over 33 steps* keeps that bit; this
# cell needs only one gate that is shut most of the time. A GRU learns such gates from data
# (the hand-made weights above just show that they exist).
#
# ## The full GRU
#
# The full GRU adds a second gate, the **relevance gate** $\Gamma_r$: how relevant is
# $c^{\langle t-1 \rangle}$ to computing the next candidate? It multiplies
# $c^{\langle t-1 \rangle}$, entry by entry, *before* the candidate's matrix sees it:
#
# $$\Gamma_r = \sigma\left(W_r [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_r\right)$$
# $$\Gamma_u = \sigma\left(W_u [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_u\right)$$
# $$\tilde{c}^{\langle t \rangle} = \tanh\left(W_c [\Gamma_r * c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c\right)$$
# $$c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} + (1 - \Gamma_u) * c^{\langle t-1 \rangle}, \qquad a^{\langle t \rangle} = c^{\langle t \rangle}$$
#
# With $\Gamma_r \approx 0$ the candidate is computed from $x^{\langle t \rangle}$ alone, as
# if the memory were blank; with $\Gamma_r \approx 1$ it is the simplified GRU's. Only
# $c^{\langle t-1 \rangle}$ is gated, never $x^{\langle t \rangle}$, and the gate acts on
# the *input* of the product $W_c [\,\cdot\,]$. (Frameworks differ on that last point: see
# the table at the end.) Researchers tried many variants of gated cells; this one, with its
# two gates, has proved robust across many problems.
#
# At every step the network also predicts, as before,
#
# $$\hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_y a^{\langle t \rangle} + b_y\right)$$
#
# **Shapes.** Every gate has one matrix acting on the stacked $[c^{\langle t-1 \rangle};
# x^{\langle t \rangle}]$, hidden state first, as the simplified notation of notebook 02:
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x^{\langle t \rangle}$ | `xt` | $(n_x, m)$ |
# | $c^{\langle t-1 \rangle} = a^{\langle t-1 \rangle}$, $c^{\langle t \rangle} = a^{\langle t \rangle}$ | `c_prev = a_prev`, `c_next = a_next` | $(n_a, m)$ |
# | $[c^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ | `concat` | $(n_a + n_x, m)$ |
# | $W_u$, $W_r$, $W_c$ | `Wu`, `Wr`, `Wc` | $(n_a, n_a + n_x)$ each |
# | $b_u$, $b_r$, $b_c$ | `bu`, `br`, `bc` | $(n_a, 1)$ each |
# | $\Gamma_u$, $\Gamma_r$, $\tilde{c}^{\langle t \rangle}$ | `gamma_u`, `gamma_r`, `c_tilde` | $(n_a, m)$ each |
# | $W_y$, $b_y$ | `Wy`, `by` | $(n_y, n_a)$, $(n_y, 1)$ |
# | $\hat{y}^{\langle t \rangle}$ | `yt_pred` | $(n_y, m)$ |
#
# The gates have the shape of the memory: one gate value per memory entry and per example.
# The first $n_a$ columns of each matrix multiply $c^{\langle t-1 \rangle}$, the last $n_x$
# multiply $x^{\langle t \rangle}$. `sigmoid` and `softmax` (over axis 0) come from
# `seqlib.activations`.
#
# ### Exercise 1: `gru_cell_forward` (3 points)
#
# Implement one step of the full GRU: compute `gamma_r`, `gamma_u`, `c_tilde`, `c_next` and
# `yt_pred` (`np.concatenate([top, bottom])` stacks two arrays vertically). The lines after
# your code return `a_next`, `yt_pred` and the `cache` `(a_next, a_prev, xt, gamma_u,
# gamma_r, c_tilde, parameters)`, in that order: the layout `seqlib.gru.gru_cell_backward`
# takes, and what the backward pass (exercise 3) needs.

# %% grade_id="gru_cell_forward" solution=true
def gru_cell_forward(xt, a_prev, parameters):
    """One step of the full GRU.

    xt: (n_x, m); a_prev: c<t-1> = a<t-1>, (n_a, m); parameters: Wu, Wr, Wc (n_a, n_a + n_x),
    bu, br, bc (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next = c<t> (n_a, m), yt_pred (n_y, m),
    cache = (a_next, a_prev, xt, gamma_u, gamma_r, c_tilde, parameters).
    """
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    bu, br, bc = parameters["bu"], parameters["br"], parameters["bc"]
    Wy, by = parameters["Wy"], parameters["by"]
    c_prev = a_prev  # in the GRU, the hidden state is the memory cell
    ### BEGIN SOLUTION
    concat = np.concatenate([c_prev, xt])  # [c<t-1>; x<t>], (n_a + n_x, m)
    gamma_r = sigmoid(Wr @ concat + br)  # relevance gate, (n_a, m)
    gamma_u = sigmoid(Wu @ concat + bu)  # update gate, (n_a, m)
    c_tilde = np.tanh(Wc @ np.concatenate([gamma_r * c_prev, xt]) + bc)  # candidate, (n_a, m)
    c_next = gamma_u * c_tilde + (1 - gamma_u) * c_prev  # (n_a, m)
    yt_pred = softmax(Wy @ c_next + by)  # (n_y, m)
    ### END SOLUTION
    a_next = c_next
    cache = (a_next, a_prev, xt, gamma_u, gamma_r, c_tilde, parameters)
    return a_next, yt_pred, cache


# %% grade_id="test_gru_cell_forward" points=3
"""gru_cell_forward agrees with the reference on random inputs."""
check("gru_cell_forward", gru_cell_forward)
### BEGIN HIDDEN TESTS
check("gru_cell_forward", gru_cell_forward, seed=20661, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# One step on a small example. Note what happens to $\Gamma_r$ when the memory is empty,
# $c^{\langle t-1 \rangle} = 0$: it multiplies zeros, so *any* $W_r$ gives the same step.
# (That is also why the checks never start from zeros: from $c^{\langle 0 \rangle} = 0$, a
# relevance gate in the wrong place would go unnoticed.)

# %%
rng = np.random.default_rng(1)
n_x, n_a, n_y, m = 3, 4, 2, 5
parameters = init_parameters("gru", n_x, n_a, n_y, rng=rng)
xt = rng.standard_normal((n_x, m))
a_prev = np.tanh(rng.standard_normal((n_a, m)))
a_next, yt_pred, cache = gru_cell_forward(xt, a_prev, parameters)
print("a_next", a_next.shape, "  yt_pred", yt_pred.shape)
print("cache:", ", ".join(f"{name} {value.shape}" for name, value in zip(
    ("a_next", "a_prev", "xt", "gamma_u", "gamma_r", "c_tilde"), cache[:6], strict=True)))
other_Wr = {**parameters, "Wr": 10 * rng.standard_normal((n_a, n_a + n_x))}
for name, state in (("c<t-1> = 0  ", np.zeros((n_a, m))), ("c<t-1> != 0 ", a_prev)):
    change = np.max(np.abs(gru_cell_forward(xt, state, parameters)[0]
                           - gru_cell_forward(xt, state, other_Wr)[0]))
    print(f"{name} another Wr changes a_next by at most {change:.3g}")

# %% [markdown]
# ## A whole sequence
#
# As in notebook 02, the GRU is its cell applied $T_x$ times, each step starting from the
# previous step's $a^{\langle t \rangle} = c^{\langle t \rangle}$ and the first from
# $a^{\langle 0 \rangle}$: `x` is $(n_x, m, T_x)$, `a` and `y_pred` collect every step's
# $a^{\langle t \rangle}$ $(n_a, m, T_x)$ and $\hat{y}^{\langle t \rangle}$ $(n_y, m, T_x)$.
#
# ### Exercise 2: `gru_forward` (2 points)
#
# Loop over time with your `gru_cell_forward`, starting from `a0`. Store the state *after*
# step `t` at `a[:, :, t]`, and return `caches = (list of the step caches, x)`.

# %% grade_id="gru_forward" solution=true
def gru_forward(x, a0, parameters):
    """Forward propagation of the GRU over a whole sequence.

    x: (n_x, m, T_x); a0: c<0> = a<0>, (n_a, m); parameters: as in gru_cell_forward.
    Returns a (n_a, m, T_x), y_pred (n_y, m, T_x), caches = (list of T_x caches, x).
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    y_pred = np.zeros((n_y, m, T_x))
    caches = []
    ### BEGIN SOLUTION
    a_next = a0
    for t in range(T_x):
        a_next, yt_pred, cache = gru_cell_forward(x[:, :, t], a_next, parameters)
        a[:, :, t] = a_next
        y_pred[:, :, t] = yt_pred
        caches.append(cache)
    ### END SOLUTION
    return a, y_pred, (caches, x)


# %% grade_id="test_gru_forward" points=2
"""gru_forward agrees with the reference on random sequences."""
check("gru_forward", gru_forward)
### BEGIN HIDDEN TESTS
check("gru_forward", gru_forward, seed=20662, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# A GRU has three gate matrices where a vanilla RNN has one, so about three times the
# parameters for the same $n_a$, and, like the RNN, that number does not depend on $T_x$:

# %%
x = rng.standard_normal((n_x, m, 10))
a, y_pred, caches = gru_forward(x, a_prev, parameters)
rnn_size = sum(w.size for w in init_parameters("rnn", n_x, n_a, n_y, rng=rng).values())
gru_size = sum(w.size for w in parameters.values())
print(f"a {a.shape}, y_pred {y_pred.shape}, {len(caches[0])} step caches")
print(f"parameters with n_x = {n_x}, n_a = {n_a}, n_y = {n_y}: "
      f"vanilla RNN {rnn_size}, GRU {gru_size}")

# %% [markdown]
# ## One step backward
#
# The step receives `da_next` $= \partial J / \partial c^{\langle t \rangle}$ (call it $dc$)
# and sends back the gradients with respect to $x^{\langle t \rangle}$, $c^{\langle t-1
# \rangle}$ and the six parameters. Write the pre-activations $z$, so that every step of the
# forward pass is one simple operation:
#
# $$z_r = W_r [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_r, \quad \Gamma_r = \sigma(z_r) \qquad
# z_u = W_u [c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_u, \quad \Gamma_u = \sigma(z_u)$$
# $$z_c = W_c [\Gamma_r * c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c, \quad \tilde{c} = \tanh(z_c) \qquad
# c^{\langle t \rangle} = \Gamma_u * \tilde{c} + (1 - \Gamma_u) * c^{\langle t-1 \rangle}$$
#
# Then go through them backwards, element-wise products $*$ throughout. The two derivatives
# needed are $\tanh' = 1 - \tanh^2$ and $\sigma' = \sigma (1 - \sigma)$, both available from
# the cache's values.
#
# 1. **The mix** $c^{\langle t \rangle} = \Gamma_u * \tilde{c} + (1 - \Gamma_u) *
#    c^{\langle t-1 \rangle}$ has three inputs:
#    $d\tilde{c} = dc * \Gamma_u$, $\;d\Gamma_u = dc * (\tilde{c} - c^{\langle t-1 \rangle})$,
#    and the **direct** path to the memory, $dc * (1 - \Gamma_u)$.
# 2. **The non-linearities:** $dz_c = d\tilde{c} * (1 - \tilde{c}^2)$ and $dz_u = d\Gamma_u *
#    \Gamma_u * (1 - \Gamma_u)$.
# 3. **The candidate's product:** $dW_c = dz_c\, [\Gamma_r * c^{\langle t-1 \rangle};
#    x^{\langle t \rangle}]^T$, $db_c = \sum_{\text{examples}} dz_c$, and the gradient of
#    its input, `dconcat_r` $= W_c^T dz_c$, $(n_a + n_x, m)$. Its first $n_a$ rows are the
#    gradient of $\Gamma_r * c^{\langle t-1 \rangle}$, which splits in two:
#    $d\Gamma_r = $ `dconcat_r[:n_a]` $* c^{\langle t-1 \rangle}$, and `dconcat_r[:n_a]`
#    $* \Gamma_r$ for the memory. Its last $n_x$ rows go to $x^{\langle t \rangle}$.
# 4. **The relevance gate:** $dz_r = d\Gamma_r * \Gamma_r * (1 - \Gamma_r)$.
# 5. **The gates' products:** $dW_u = dz_u\, [c^{\langle t-1 \rangle}; x^{\langle t
#    \rangle}]^T$, $db_u = \sum dz_u$, $dW_r = dz_r\, [c^{\langle t-1 \rangle}; x^{\langle t
#    \rangle}]^T$, $db_r = \sum dz_r$, and the gradient of their common input, `dconcat`
#    $= W_u^T dz_u + W_r^T dz_r$.
# 6. **Add up the paths.** $c^{\langle t-1 \rangle}$ reaches $c^{\langle t \rangle}$ along
#    four paths, $x^{\langle t \rangle}$ along three:
#
# $$da_{prev} = \underbrace{dc * (1 - \Gamma_u)}_{\text{direct}} + \underbrace{\texttt{dconcat_r[:n_a]} * \Gamma_r}_{\text{candidate}} + \underbrace{\texttt{dconcat[:n_a]}}_{\Gamma_u \text{ and } \Gamma_r}
# \qquad dx_t = \texttt{dconcat_r[n_a:]} + \texttt{dconcat[n_a:]}$$
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $dc$, $d\tilde{c}$, $d\Gamma_u$, $d\Gamma_r$, $dz_c$, $dz_u$, $dz_r$ | `da_next`, `dc_tilde`, `dgamma_u`, `dgamma_r`, `dz_c`, `dz_u`, `dz_r` | $(n_a, m)$ |
# | gradients of $[\Gamma_r * c^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ and $[c^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ | `dconcat_r`, `dconcat` | $(n_a + n_x, m)$ |
# | $dx_t$, $da_{prev}$ | `dxt`, `da_prev` | $(n_x, m)$, $(n_a, m)$ |
# | $dW_u$, $dW_r$, $dW_c$; $db_u$, $db_r$, $db_c$ | `dWu`, `dWr`, `dWc`; `dbu`, `dbr`, `dbc` | $(n_a, n_a + n_x)$; $(n_a, 1)$ |
#
# As in notebook 03, the 1/m of the batch mean is already inside `da_next`: sum over the
# examples (`keepdims=True` keeps the biases' gradients columns), do not divide.
#
# ### Exercise 3: `gru_cell_backward` (4 points)
#
# The cache is `(a_next, a_prev, xt, gamma_u, gamma_r, c_tilde, parameters)`, as
# `gru_cell_forward` returns it. Follow steps 1 to 6 and compute the eight gradients `dxt`,
# `da_prev`, `dWu`, `dbu`, `dWr`, `dbr`, `dWc` and `dbc`; the last line returns them in a
# dict.

# %% grade_id="gru_cell_backward" solution=true
def gru_cell_backward(da_next, cache):
    """Backward through one step of the full GRU.

    da_next: dJ/dc<t>, (n_a, m); cache: (a_next, a_prev, xt, gamma_u, gamma_r, c_tilde,
    parameters) from gru_cell_forward.
    Returns a dict: dxt (n_x, m), da_prev (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x),
    dbu, dbr, dbc (n_a, 1).
    """
    a_next, a_prev, xt, gamma_u, gamma_r, c_tilde, parameters = cache
    Wu, Wr, Wc = parameters["Wu"], parameters["Wr"], parameters["Wc"]
    n_a = a_prev.shape[0]
    c_prev = a_prev
    ### BEGIN SOLUTION
    # 1. c<t> = Γu * c̃ + (1 - Γu) * c<t-1>: three inputs
    dc_tilde = da_next * gamma_u
    dgamma_u = da_next * (c_tilde - c_prev)
    dc_prev = da_next * (1 - gamma_u)  # the direct path
    # 2. through tanh and σ
    dz_c = dc_tilde * (1 - c_tilde**2)
    dz_u = dgamma_u * gamma_u * (1 - gamma_u)
    # 3. the candidate's product, and its input [Γr * c<t-1>; x<t>]
    concat = np.concatenate([c_prev, xt])  # (n_a + n_x, m)
    dWc = dz_c @ np.concatenate([gamma_r * c_prev, xt]).T  # (n_a, n_a + n_x)
    dbc = np.sum(dz_c, axis=1, keepdims=True)
    dconcat_r = Wc.T @ dz_c  # (n_a + n_x, m)
    dgamma_r = dconcat_r[:n_a] * c_prev
    dc_prev += dconcat_r[:n_a] * gamma_r  # the path through the candidate
    # 4. the relevance gate
    dz_r = dgamma_r * gamma_r * (1 - gamma_r)
    # 5. the gates' products, and their input [c<t-1>; x<t>]
    dWu = dz_u @ concat.T
    dbu = np.sum(dz_u, axis=1, keepdims=True)
    dWr = dz_r @ concat.T
    dbr = np.sum(dz_r, axis=1, keepdims=True)
    dconcat = Wu.T @ dz_u + Wr.T @ dz_r  # (n_a + n_x, m)
    # 6. add up the paths
    da_prev = dc_prev + dconcat[:n_a]
    dxt = dconcat_r[n_a:] + dconcat[n_a:]
    ### END SOLUTION
    return {"dxt": dxt, "da_prev": da_prev, "dWu": dWu, "dbu": dbu, "dWr": dWr, "dbr": dbr,
            "dWc": dWc, "dbc": dbc}


# %% grade_id="test_gru_cell_backward" points=4
"""gru_cell_backward agrees with the reference on caches from seqlib's forward."""
check("gru_cell_backward", gru_cell_backward)
### BEGIN HIDDEN TESTS
check("gru_cell_backward", gru_cell_backward, seed=20663, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Eight gradients, many paths: exactly the kind of code a gradient check is for. With
# $J = \sum w * c^{\langle t \rangle}$ for a random $w$, $\partial J / \partial
# c^{\langle t \rangle} = w$; `seqlib.gradcheck.check_gradients` compares your gradients
# with centred differences of $J$ (notebook 03), for every input and parameter of the step.

# %%
rng = np.random.default_rng(2)
step_parameters = init_parameters("gru", n_x, n_a, n_y, rng=rng)
for key in ("bu", "br", "bc"):
    step_parameters[key] = rng.standard_normal((n_a, 1))  # non-zero biases
variables = {"xt": rng.standard_normal((n_x, m)), "a_prev": np.tanh(rng.standard_normal((n_a, m))),
             **step_parameters}  # the same arrays: perturbing one changes the step
w = rng.standard_normal((n_a, m))


def J():
    c_next, _, _ = seqlib.gru.gru_cell_forward(variables["xt"], variables["a_prev"],
                                               step_parameters)
    return np.sum(w * c_next)


_, _, step_cache = seqlib.gru.gru_cell_forward(variables["xt"], variables["a_prev"],
                                               step_parameters)
step_grads = gru_cell_backward(w, step_cache)
checked = ("xt", "a_prev", "Wu", "bu", "Wr", "br", "Wc", "bc")
for name, error in check_gradients(J, {k: variables[k] for k in checked}, step_grads).items():
    print(f"d{name:<7} relative error {error:.1e}")

# %% [markdown]
# ## Backpropagation through time
#
# Exactly as for the vanilla RNN (notebook 03): from the last step to the first, the
# gradient reaching $a^{\langle t \rangle}$ is `da[:, :, t]`, from the output at step $t$,
# plus the `da_prev` that step $t+1$ sent back (nothing after the last step). The six
# parameters are shared by all the steps, so their gradients add up over time; `dx[:, :, t]`
# is step $t$'s `dxt`; the first step's `da_prev` is `da0`.
#
# ### Exercise 4: `gru_backward` (2 points)
#
# `caches` is `(list of the T_x step caches, x)`, as `gru_forward` returns it. Loop over
# `reversed(range(T_x))`, call your `gru_cell_backward` at each step and add its parameter
# gradients into `grads`; after the loop, set `da0`.

# %% grade_id="gru_backward" solution=true
def gru_backward(da, caches):
    """Backpropagation through time for the GRU.

    da: (n_a, m, T_x), the gradient each a<t> receives from the output at step t;
    caches: (list of T_x step caches, x) from gru_forward.
    Returns a dict: dx (n_x, m, T_x), da0 (n_a, m), dWu, dWr, dWc (n_a, n_a + n_x),
    dbu, dbr, dbc (n_a, 1).
    """
    step_caches, x = caches
    parameters = step_caches[0][6]
    n_a, m, T_x = da.shape
    dx = np.zeros(x.shape)
    grads = {"d" + key: np.zeros(parameters[key].shape)
             for key in ("Wu", "bu", "Wr", "br", "Wc", "bc")}
    da_prevt = np.zeros((n_a, m))  # the gradient from the future: none after the last step
    ### BEGIN SOLUTION
    for t in reversed(range(T_x)):
        step = gru_cell_backward(da[:, :, t] + da_prevt, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prevt = step["da_prev"]
        for key in grads:
            grads[key] += step[key]  # shared parameters: the steps' gradients add up
    da0 = da_prevt
    ### END SOLUTION
    return {"dx": dx, "da0": da0, **grads}


# %% grade_id="test_gru_backward" points=2
"""gru_backward agrees with the reference on caches from seqlib's forward."""
check("gru_backward", gru_backward)
### BEGIN HIDDEN TESTS
check("gru_backward", gru_backward, seed=20664, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Why $\Gamma_u \approx 0$ keeps the memory and the gradient
#
# Differentiate $c^{\langle t \rangle} = \Gamma_u * \tilde{c} + (1 - \Gamma_u) *
# c^{\langle t-1 \rangle}$ with respect to $c^{\langle t-1 \rangle}$, following the four
# paths of step 6:
#
# $$\frac{\partial c^{\langle t \rangle}}{\partial c^{\langle t-1 \rangle}} =
# \underbrace{\mathrm{diag}(1 - \Gamma_u)}_{\text{direct}}
# + \underbrace{\mathrm{diag}(\Gamma_u) \frac{\partial \tilde{c}}{\partial c^{\langle t-1
# \rangle}}}_{\text{candidate, through } \Gamma_r \text{ too}}
# + \underbrace{\mathrm{diag}\left((\tilde{c} - c^{\langle t-1 \rangle}) * \Gamma_u *
# (1 - \Gamma_u)\right) W_u[:, :n_a]}_{\text{through } \Gamma_u}$$
#
# Every term but the first carries a factor $\Gamma_u$. Where the gate is shut,
# $\Gamma_u \approx 0$, the Jacobian of the step is $\approx I$: the memory is copied, and so
# is the gradient, however many steps it crosses. Compare the vanilla RNN's
# $\mathrm{diag}(1 - (a^{\langle t \rangle})^2)\, W_{aa}$, a fresh contraction at every step.
#
# Let us measure it. The function below computes $\|\partial a^{\langle T \rangle} /
# \partial a^{\langle t \rangle}\|_2$ for $t = T, T-1, \dots, 0$, the spectral norm of
# notebook 05, averaged over the examples. It gets the Jacobians from backward passes: a
# backward step maps a row of $\partial a^{\langle T \rangle} / \partial a^{\langle t
# \rangle}$ to the same row of $\partial a^{\langle T \rangle} / \partial a^{\langle t-1
# \rangle}$, so sending back the $n_a$ rows of the identity from step $T$ (one copy of each
# example per row, side by side in the batch) yields the whole matrix at every step. It uses
# `seqlib`'s steps, so the plot does not depend on your answers.

# %%
def jacobian_norms(cell_forward, cell_backward, x, a0, parameters):
    """Mean over the m examples of ||∂a<T>/∂a<t>||₂ for t = 0 .. T: (T + 1,).

    cell_forward(xt, a_prev, parameters) -> (a_next, yt_pred, cache) and
    cell_backward(da_next, cache) -> {"da_prev": ...} are one cell's step functions;
    x: (n_x, m, T); a0: (n_a, m).
    """
    n_a, m = a0.shape
    T = x.shape[2]
    copies = np.repeat(x, n_a, axis=1)  # example i is repeated n_a times: (n_x, m * n_a, T)
    a, caches = np.repeat(a0, n_a, axis=1), []
    for t in range(T):
        a, _, cache = cell_forward(copies[:, :, t], a, parameters)
        caches.append(cache)
    rows = np.tile(np.eye(n_a), m)  # copy j of each example starts from row j of I
    norms = np.zeros(T + 1)
    for t in reversed(range(T + 1)):  # rows now holds the rows of ∂a<T>/∂a<t>
        jacobians = rows.T.reshape(m, n_a, n_a)  # (m, n_a, n_a), one per example
        norms[t] = np.mean(np.linalg.norm(jacobians, ord=2, axis=(1, 2)))
        if t > 0:
            rows = cell_backward(rows, caches[t - 1])["da_prev"]
    return norms


# %% [markdown]
# Four cells read the same 100 random inputs from the same $a^{\langle 0 \rangle}$: a
# vanilla RNN and three GRUs that differ only in $b_u$. With $b_u = 0$ the update gate sits
# around $\sigma(0) = 0.5$; with $b_u = -3$ around $0.05$; with $b_u = -12$ it is shut
# ($\sigma(-12) \approx 6 \cdot 10^{-6}$). All other weights are as `init_parameters` draws
# them.

# %%
rng = np.random.default_rng(5)
n_x, n_a, m, T = 4, 16, 4, 100
x_long = rng.standard_normal((n_x, m, T))
a0 = np.tanh(rng.standard_normal((n_a, m)))
rnn_parameters = init_parameters("rnn", n_x, n_a, 2, rng=rng)
gru_parameters = init_parameters("gru", n_x, n_a, 2, rng=rng)
cells = {"vanilla RNN": (seqlib.rnn.rnn_cell_forward, seqlib.rnn.rnn_cell_backward,
                         rnn_parameters)}
for bu in (0, -3, -12):
    cells[f"GRU, bu = {bu}"] = (seqlib.gru.gru_cell_forward, seqlib.gru.gru_cell_backward,
                                {**gru_parameters, "bu": np.full((n_a, 1), float(bu))})
steps_back = T - np.arange(T + 1)  # T - t for t = 0 .. T
fig, ax = plt.subplots(figsize=(6, 3.4))
for name, (cell_forward, cell_backward, p) in cells.items():
    norms = jacobian_norms(cell_forward, cell_backward, x_long, a0, p)
    ax.semilogy(steps_back, norms, label=name)
    print(f"{name:<14} ||∂a<100>/∂a<t>||: 10 steps back {norms[-11]:.1e}, "
          f"100 steps back {norms[0]:.1e}")
ax.set_xlabel("steps back, T - t")
ax.set_ylabel(r"$\|\partial a^{\langle T \rangle} / \partial a^{\langle t \rangle}\|_2$")
ax.set_title("T = 100 random inputs")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The shut GRU ($b_u = -12$) is a flat line at 1: 100 steps back, the Jacobian is still the
# identity, and neither vanishes nor explodes. The same holds for the values: below, with da
# only at the last step, the shut GRU's `da0` is `da[:, :, 99]`, and its $a^{\langle 100
# \rangle}$ is its $a^{\langle 0 \rangle}$; the vanilla RNN has forgotten $a^{\langle 0
# \rangle}$ (starting from $-a^{\langle 0 \rangle}$ leads to the same $a^{\langle 100
# \rangle}$) and `da0` has vanished.

# %%
da = np.zeros((n_a, m, T))
da[:, :, -1] = rng.standard_normal((n_a, m))  # a loss at the last step only
sequences = {"vanilla RNN": (seqlib.rnn.rnn_forward, seqlib.rnn.rnn_backward),
             "GRU, bu = -12": (seqlib.gru.gru_forward, seqlib.gru.gru_backward)}
for name, (forward, backward) in sequences.items():
    p = cells[name][2]
    a, _, caches = forward(x_long, a0, p)
    a_flipped, _, _ = forward(x_long, -a0, p)  # the same inputs from -a<0>
    da0 = backward(da, caches)["da0"]
    da_T = da[:, :, -1]
    print(f"{name}:")
    print(f"    largest |a<100> - a<0>|               {np.max(np.abs(a[:, :, -1] - a0)):.1e}")
    print(f"    largest |a<100> - a<100> from -a<0>|  "
          f"{np.max(np.abs(a[:, :, -1] - a_flipped[:, :, -1])):.1e}")
    print(f"    ||da0|| / ||da<100>||                 "
          f"{np.linalg.norm(da0) / np.linalg.norm(da_T):.1e}")
    print(f"    ||da0 - da<100>|| / ||da<100>||       "
          f"{np.linalg.norm(da0 - da_T) / np.linalg.norm(da_T):.1e}")

# %% [markdown]
# What the four lines say:
#
# - The **gate sets a time scale.** The direct path multiplies the gradient by about
#   $1 - \Gamma_u$ per step: with $\Gamma_u \approx 0.05$ ($b_u = -3$) it fades over tens of
#   steps, not over a few.
# - A GRU **with its gate half open forgets as fast as a vanilla RNN**, here even faster
#   ($b_u = 0$). Being a GRU is not enough: the gain comes from the gate being shut where
#   memory must be kept, which the network learns from data.
# - A gate shut everywhere keeps everything and learns nothing new. A useful GRU does what
#   the hand-built cell at the start did: $\Gamma_u \approx 1$ where something must be
#   written, $\approx 0$ elsewhere. Since the gate is computed from $x^{\langle t \rangle}$
#   and $c^{\langle t-1 \rangle}$, it can do both, entry by entry, in one network.
#
# ## The GRU in other texts
#
# In the GRU the memory cell is the output: $a^{\langle t \rangle} = c^{\langle t
# \rangle}$. The LSTM (notebook 07) separates them, with a third gate deciding how much of
# $c^{\langle t \rangle}$ is shown as $a^{\langle t \rangle}$. Other texts and frameworks
# write the GRU with other names and conventions; translate before comparing numbers:
#
# | the notes, this course | PyTorch `nn.GRU` | Cho et al. (2014); Keras; Dive into Deep Learning |
# | --- | --- | --- |
# | memory $c^{\langle t \rangle} = a^{\langle t \rangle}$ | $h_t$ | $h_t$ ($H_t$) |
# | update gate $\Gamma_u$ | $z_t = 1 - \Gamma_u$ ("update gate") | $z_t = 1 - \Gamma_u$ |
# | relevance gate $\Gamma_r$ | $r_t$ ("reset gate") | $r_t$ ("reset gate") |
# | candidate $\tilde{c}^{\langle t \rangle}$ | $n_t$ ("new gate") | $\tilde{h}_t$ |
# | $c^{\langle t \rangle} = \Gamma_u * \tilde{c} + (1 - \Gamma_u) * c^{\langle t-1 \rangle}$ | $h_t = (1 - z_t) * n_t + z_t * h_{t-1}$ | $h_t = z_t * h_{t-1} + (1 - z_t) * \tilde{h}_t$ |
# | gate on the product's input: $W_c [\Gamma_r * c^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ | on its output: $W_{in} x_t + b_{in} + r_t * (W_{hn} h_{t-1} + b_{hn})$ | on the input (Cho et al.'s final version, D2L, Keras with `reset_after=False`); Keras's default in TensorFlow 2, `reset_after=True`, is PyTorch's |
# | one matrix per gate, $(n_a, n_a + n_x)$, one bias | `weight_ih_l0` $(3 n_a, n_x)$ and `weight_hh_l0` $(3 n_a, n_a)$, the gates stacked in the order $r, z, n$; two biases | Keras: `kernel` and `recurrent_kernel`, the gates side by side |
#
# The $z$ convention only renames the gate ($z = 1 - \Gamma_u$ gives the same cell). Where
# the reset gate acts does change the cell: with the gate after the product, the two
# variants give different outputs for the same weights, so weights cannot be copied from one
# to the other.
#
# ## Explore: your GRU's gates over time
#
# The explorer runs **your** `gru_cell_forward` over a short text, one character per step
# (random weights, 8 units): heatmaps of $\Gamma_u$, $\Gamma_r$, $\tilde{c}$ and $c$, one row
# per unit, one column per step, the current step framed, and the step's update written out
# with its numbers. If your function is not written yet, or fails, it uses `seqlib`'s and says
# so. Look for units whose $\Gamma_u$ stays near 0: their $c$ is copied along unchanged.

# %%
gate_explorer("gru", step_fn=gru_cell_forward)


# %% [markdown]
# ## Summary
#
# - The GRU's memory cell is its hidden state, $c^{\langle t \rangle} = a^{\langle t
#   \rangle}$. At every step a candidate $\tilde{c}^{\langle t \rangle}$ and an update gate
#   $\Gamma_u$ decide $c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} +
#   (1 - \Gamma_u) * c^{\langle t-1 \rangle}$: $\Gamma_u \approx 1$ writes, $\Gamma_u
#   \approx 0$ keeps.
# - The full GRU adds the relevance gate $\Gamma_r$, applied to $c^{\langle t-1 \rangle}$
#   only, before the candidate's product: $\tilde{c}^{\langle t \rangle} = \tanh(W_c
#   [\Gamma_r * c^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_c)$.
# - Every gate matrix is $(n_a, n_a + n_x)$ and acts on $[c^{\langle t-1 \rangle};
#   x^{\langle t \rangle}]$; the gates are sigmoids, the candidate a tanh.
# - Backward, $c^{\langle t-1 \rangle}$ gets the sum of four paths: direct ($dc * (1 -
#   \Gamma_u)$), through the candidate, through $\Gamma_u$ and through $\Gamma_r$.
# - Where $\Gamma_u \approx 0$ a step's Jacobian is $\approx I$: memory and gradient cross
#   100 steps unchanged, where a vanilla RNN's vanish.
#
# ## Questions (not graded)
#
# 1. How many parameters does a GRU with $n_x = 10{,}000$, $n_a = 100$ and $n_y = 10{,}000$
#    have? How many does a vanilla RNN of the same sizes have? Which part dominates?
# 2. In the hand-built cell, what happens to $c$ if a sentence has two subjects ("the cat,
#    which saw the dogs, ...")? What would the network need to get such sentences right?
# 3. Show that with $\Gamma_r = 1$ everywhere the full GRU is the simplified one, and that
#    with $\Gamma_u = 1$ everywhere the simplified GRU is a vanilla RNN.
# 4. Biases like $b_u = -3$ at initialisation make a GRU remember by default. What might
#    that cost on a task where only the last few inputs matter?
# 5. Run notebook 05's agreement experiment with `get_cell("gru")` (and `init_parameters(
#    "gru", ...)`). At which distance does gradient descent stop learning now? Try it with
#    the update bias started at 0 and at $-3$.
