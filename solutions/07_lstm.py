# %% [markdown]
# # 07 · Long Short-Term Memory
#
# Notebook 05 showed why a vanilla RNN forgets: the gradient from a late output reaches an
# early step only after one multiplication by $\mathrm{diag}(1 - (a^{\langle t
# \rangle})^2)\, W_{aa}$ per step in between, and it shrinks exponentially on the way.
# Notebook 06's GRU added a gated memory that can be copied from step to step almost
# unchanged. The **Long Short-Term Memory** (Hochreiter & Schmidhuber, 1997, with the forget
# gate of Gers, Schmidhuber & Cummins, 2000) is the older and more widely used cell built on
# the same idea. It keeps its memory cell $c^{\langle t \rangle}$ apart from its hidden state
# $a^{\langle t \rangle}$ and has three gates instead of two. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `lstm_cell_forward`: one time step | 3 |
# | 2 | `lstm_forward`: a whole sequence | 2 |
# | 3 | `lstm_cell_backward`: one time step, backward | 4 |
# | 4 | `lstm_backward`: backpropagation through time | 3 |
#
# The two backward exercises are tested on caches made by `seqlib.lstm`, the reference, so
# they do not depend on your forward answers. Each exercise is followed by a test cell: press
# **Validate** (or run the cell) to check your answer. The checks compare your function with
# `seqlib`'s reference on random inputs and, when a result is wrong, say what looks wrong.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np

import seqlib.gru
import seqlib.lstm
import seqlib.rnn
from seqlib.activations import sigmoid, softmax
from seqlib.checks import check
from seqlib.gradcheck import check_gradients
from seqlib.initialization import init_parameters
from seqlib.widgets import gate_explorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## From the GRU to the LSTM
#
# The GRU's memory is its hidden state, $a^{\langle t \rangle} = c^{\langle t \rangle}$, and
# one gate decides both how much to write and how much to keep: $c^{\langle t \rangle} =
# \Gamma_u * \tilde{c}^{\langle t \rangle} + (1 - \Gamma_u) * c^{\langle t-1 \rangle}$. The
# LSTM makes two changes.
#
# 1. **A separate forget gate** $\Gamma_f$ takes the place of $1 - \Gamma_u$. Keeping and
#    writing are decided independently: the cell can keep its old content *and* add new
#    content (both gates near 1), or wipe itself without writing anything.
# 2. **The memory cell is not the hidden state.** $c^{\langle t \rangle}$ is private memory;
#    what the cell shows to the next step's gates and to the output layer is $a^{\langle t
#    \rangle} = \Gamma_o * \tanh(c^{\langle t \rangle})$, where an **output gate** $\Gamma_o$
#    decides how much of the memory to reveal.
#
# One step, with every gate acting on $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$,
# the hidden state stacked on top of the input as in notebook 02's simplified notation:
#
# $$\Gamma_f = \sigma\left(W_f \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + b_f\right) \qquad \text{forget gate}$$
# $$\Gamma_u = \sigma\left(W_u \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + b_u\right) \qquad \text{update gate}$$
# $$\tilde{c}^{\langle t \rangle} = \tanh\left(W_c \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + b_c\right) \qquad \text{candidate}$$
# $$\Gamma_o = \sigma\left(W_o \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + b_o\right) \qquad \text{output gate}$$
# $$c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} + \Gamma_f * c^{\langle t-1 \rangle}$$
# $$a^{\langle t \rangle} = \Gamma_o * \tanh\left(c^{\langle t \rangle}\right)$$
# $$\hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_y\, a^{\langle t \rangle} + b_y\right)$$
#
# $*$ is the element-wise product. The gates use the sigmoid, so each entry lies between 0
# (closed) and 1 (open); the candidate uses tanh, so it lies between -1 and 1. Unlike the full
# GRU there is no relevance gate: the candidate sees $a^{\langle t-1 \rangle}$ as it is.
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x^{\langle t \rangle}$ | `xt` | $(n_x, m)$ |
# | $a^{\langle t-1 \rangle}$, $c^{\langle t-1 \rangle}$ | `a_prev`, `c_prev` | $(n_a, m)$ |
# | $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ | `concat` | $(n_a + n_x, m)$ |
# | $W_f$, $W_u$, $W_c$, $W_o$ | `Wf`, `Wu`, `Wc`, `Wo` | $(n_a, n_a + n_x)$ each |
# | $b_f$, $b_u$, $b_c$, $b_o$ | `bf`, `bu`, `bc`, `bo` | $(n_a, 1)$ each |
# | $\Gamma_f$, $\Gamma_u$, $\tilde{c}^{\langle t \rangle}$, $\Gamma_o$ | `gf`, `gu`, `cct`, `go` | $(n_a, m)$ each |
# | $c^{\langle t \rangle}$, $a^{\langle t \rangle}$ | `c_next`, `a_next` | $(n_a, m)$ |
# | $W_y$, $b_y$ | `Wy`, `by` | $(n_y, n_a)$, $(n_y, 1)$ |
# | $\hat{y}^{\langle t \rangle}$ | `yt_pred` | $(n_y, m)$ |
#
# ### Why $\tanh(c^{\langle t \rangle})$, and not $c^{\langle t \rangle}$?
#
# Some slides and notes write $a^{\langle t \rangle} = \Gamma_o * c^{\langle t \rangle}$. The
# standard LSTM, and every framework, squashes the memory first. $c^{\langle t \rangle}$ is a
# running sum: with $\Gamma_f \approx 1$ and $\Gamma_u \approx 1$ it adds one candidate per
# step, and after 100 steps it can be near 100. That is fine, even useful, inside the cell,
# where $c$ is only ever multiplied by gates. But $a^{\langle t \rangle}$ enters every gate
# matrix of the next step and the output layer, and a large $a$ would saturate them all. The
# tanh keeps $a^{\langle t \rangle}$ in $(-1, 1)$ whatever $c^{\langle t \rangle}$ holds.
# Hochreiter & Schmidhuber's original LSTM already squashed the cell's content before the
# output gate, and Greff et al.'s large comparison of LSTM variants ("LSTM: A Search Space
# Odyssey", 2017) found this output activation and the forget gate to be the two parts the
# LSTM can least do without. You will see $c$ grow while $a$ stays bounded after exercise 2.
#
# ### Exercise 1: `lstm_cell_forward` (3 points)
#
# Build `concat` with `np.concatenate([a_prev, xt])` (hidden state first), compute the four
# gates, then `c_next`, `a_next` and `yt_pred`. `sigmoid` and `softmax` come from
# `seqlib.activations`; the softmax runs over the units, axis 0. The cache must hold
# `(a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, parameters)`: the backward pass needs
# every gate.

# %% grade_id="lstm_cell_forward" solution=true
def lstm_cell_forward(xt, a_prev, c_prev, parameters):
    """One step of the LSTM.

    xt: (n_x, m); a_prev, c_prev: (n_a, m); parameters: Wf, Wu, Wc, Wo (n_a, n_a + n_x),
    bf, bu, bc, bo (n_a, 1), Wy (n_y, n_a), by (n_y, 1).
    Returns a_next (n_a, m), c_next (n_a, m), yt_pred (n_y, m),
    cache = (a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, parameters).
    """
    Wf, bf = parameters["Wf"], parameters["bf"]
    Wu, bu = parameters["Wu"], parameters["bu"]
    Wc, bc = parameters["Wc"], parameters["bc"]
    Wo, bo = parameters["Wo"], parameters["bo"]
    Wy, by = parameters["Wy"], parameters["by"]
    ### BEGIN SOLUTION
    concat = np.concatenate([a_prev, xt])  # [a<t-1>; x<t>], (n_a + n_x, m)
    gf = sigmoid(Wf @ concat + bf)  # Γf, forget gate, (n_a, m)
    gu = sigmoid(Wu @ concat + bu)  # Γu, update gate
    cct = np.tanh(Wc @ concat + bc)  # c̃<t>, candidate
    go = sigmoid(Wo @ concat + bo)  # Γo, output gate
    c_next = gu * cct + gf * c_prev  # write the candidate, keep the old memory
    a_next = go * np.tanh(c_next)  # show a squashed part of the memory
    yt_pred = softmax(Wy @ a_next + by)  # (n_y, m)
    ### END SOLUTION
    cache = (a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, parameters)
    return a_next, c_next, yt_pred, cache


# %% grade_id="test_lstm_cell_forward" points=3
"""lstm_cell_forward agrees with the reference on random inputs."""
check("lstm_cell_forward", lstm_cell_forward)
### BEGIN HIDDEN TESTS
check("lstm_cell_forward", lstm_cell_forward, seed=20771, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# One step on a small example. `init_parameters` starts every bias at zero except the forget
# gate's, $b_f = 1$: an untrained LSTM then keeps about $\sigma(1) \approx 0.73$ of its memory
# at each step instead of half of it, which helps training get going.

# %%
rng = np.random.default_rng(1)
n_x, n_a, n_y, m = 3, 5, 2, 4
parameters = init_parameters("lstm", n_x, n_a, n_y, rng=rng)
xt, a_prev, c_prev = rng.standard_normal((n_x, m)), np.zeros((n_a, m)), np.zeros((n_a, m))
a_next, c_next, yt_pred, cache = lstm_cell_forward(xt, a_prev, c_prev, parameters)
print("a_next", a_next.shape, "  c_next", c_next.shape, "  yt_pred", yt_pred.shape)
for name, value in zip(("Γf", "Γu", "c̃ ", "Γo"), cache[4:8], strict=True):
    print(f"{name} between {value.min():+.3f} and {value.max():+.3f}")

# %% [markdown]
# ## A whole sequence
#
# The LSTM carries **two** states from step to step, $a^{\langle t \rangle}$ and
# $c^{\langle t \rangle}$. The sequence starts from a given $a^{\langle 0 \rangle}$ and an
# empty memory, $c^{\langle 0 \rangle} = 0$. As in notebook 02, `x` is $(n_x, m, T_x)$ and
# `x[:, :, t]` is $x^{\langle t+1 \rangle}$.
#
# ### Exercise 2: `lstm_forward` (2 points)
#
# Loop over time with your `lstm_cell_forward`, starting from `a0` and
# `np.zeros_like(a0)`. Store the states *after* each step in `a[:, :, t]` and `c[:, :, t]`,
# and the predictions in `y[:, :, t]`. Return `(a, y, c, caches)` with
# `caches = (list of the step caches, x)`.

# %% grade_id="lstm_forward" solution=true
def lstm_forward(x, a0, parameters):
    """Forward propagation of the LSTM over a whole sequence, with c<0> = 0.

    x: (n_x, m, T_x); a0: (n_a, m); parameters: as in lstm_cell_forward.
    Returns a (n_a, m, T_x), y (n_y, m, T_x), c (n_a, m, T_x),
    caches = (list of T_x step caches, x).
    """
    n_x, m, T_x = x.shape
    n_y, n_a = parameters["Wy"].shape
    a = np.zeros((n_a, m, T_x))
    c = np.zeros((n_a, m, T_x))
    y = np.zeros((n_y, m, T_x))
    caches = []
    ### BEGIN SOLUTION
    a_next, c_next = a0, np.zeros_like(a0)  # c<0> = 0: the memory starts empty
    for t in range(T_x):
        a_next, c_next, yt_pred, cache = lstm_cell_forward(x[:, :, t], a_next, c_next,
                                                           parameters)
        a[:, :, t] = a_next
        c[:, :, t] = c_next
        y[:, :, t] = yt_pred
        caches.append(cache)
    ### END SOLUTION
    return a, y, c, (caches, x)


# %% grade_id="test_lstm_forward" points=2
"""lstm_forward agrees with the reference on random sequences."""
check("lstm_forward", lstm_forward)
### BEGIN HIDDEN TESTS
check("lstm_forward", lstm_forward, seed=20772, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## The memory cell carries a value for 100 steps
#
# With $\Gamma_f \approx 1$ and $\Gamma_u \approx 0$ the update is $c^{\langle t \rangle}
# \approx c^{\langle t-1 \rangle}$: the cell ignores its input and keeps what it holds. Here
# is a one-unit LSTM with its weights set by hand. Each input has two entries, a *write* flag
# and a *value*, and every gate matrix acts on $[a; \text{flag}; \text{value}]$:
#
# - $\Gamma_u = \sigma(20 \cdot \text{flag} - 10)$: $\sigma(10) \approx 1$ when the flag is
#   on, $\sigma(-10) \approx 4.5 \times 10^{-5}$ when it is off;
# - $\tilde{c} = \tanh(\text{value})$; $\Gamma_o = \sigma(10) \approx 1$;
# - $\Gamma_f = \sigma(b_f)$, once with $b_f = 10$ ($\Gamma_f \approx 0.99995$) and once with
#   $b_f = 2$ ($\Gamma_f \approx 0.88$).
#
# Three sequences ($m = 3$) write a value at step 1, then read 99 random values with the flag
# off: distractors that the cell should ignore.

# %%
def carry_parameters(forget_bias):
    """A one-unit LSTM set by hand; x<t> = [write flag; value], every W acts on [a; x]."""
    return {"Wf": np.zeros((1, 3)), "bf": np.full((1, 1), forget_bias),  # Γf = σ(bf)
            "Wu": np.array([[0.0, 20.0, 0.0]]), "bu": np.full((1, 1), -10.0),  # σ(20 flag - 10)
            "Wc": np.array([[0.0, 0.0, 1.0]]), "bc": np.zeros((1, 1)),  # c̃ = tanh(value)
            "Wo": np.zeros((1, 3)), "bo": np.full((1, 1), 10.0),  # Γo = σ(10) ≈ 1
            "Wy": np.ones((1, 1)), "by": np.zeros((1, 1))}


T_x, values = 100, np.array([0.9, 0.3, -0.6])
x = np.zeros((2, 3, T_x))  # (n_x, m, T_x)
x[0, :, 0] = 1  # write at step 1 ...
x[1, :, 0] = values
x[1, :, 1:] = np.random.default_rng(2).standard_normal((3, T_x - 1))  # ... then 99 distractors
fig, ax = plt.subplots(figsize=(6.5, 3))
for forget_bias, style in ((10.0, "-"), (2.0, "--")):
    a, y, c, caches = lstm_forward(x, np.zeros((1, 3)), carry_parameters(forget_bias))
    for i in range(3):
        ax.plot(np.arange(1, T_x + 1), c[0, i], style, color=f"C{i}")
    ax.plot([], [], style, color="k", label=f"Γf = σ({forget_bias:g}) = {sigmoid(forget_bias):.5f}")
    with np.printoptions(precision=3, suppress=False):
        print(f"Γf = {sigmoid(forget_bias):.5f}:  c<1> = {c[0, :, 0]}   c<100> = {c[0, :, -1]}")
ax.set_ylim(-0.8, 1.2)
ax.set_xlabel("time step t")
ax.set_ylabel("c<t>, one line per sequence")
ax.legend(loc="upper right", ncol=2, fontsize=8)
plt.show()

# %% [markdown]
# With $\Gamma_f \approx 0.99995$ the three values written at step 1 are still there at step
# 100, to within half a percent: $\sigma(10)^{99} \approx 0.9955$, and the distractors leak in
# through $\Gamma_u \approx 4.5 \times 10^{-5}$ only. With $\Gamma_f = 0.88$ the memory is
# gone: $0.88^{99} \approx 3 \times 10^{-6}$. A vanilla RNN has no such path: to keep a value,
# $\tanh(W_{aa} a + \dots)$ would have to map it to itself at every step.
#
# Now open the update gate as well ($\Gamma_u \approx 1$) and write $\tanh(3) \approx 0.995$
# at every step: $c$ counts the steps, and $a$ stays below 1.

# %%
counter = {**carry_parameters(10.0), "Wu": np.zeros((1, 3)), "bu": np.full((1, 1), 10.0),
           "Wc": np.zeros((1, 3)), "bc": np.full((1, 1), 3.0)}  # Γu ≈ 1, c̃ = tanh(3)
a, _, c, _ = lstm_forward(np.zeros((2, 1, 100)), np.zeros((1, 1)), counter)
steps = [0, 9, 99]  # t = 1, 10, 100
print("t                        ", [t + 1 for t in steps])
print("c<t>                     ", c[0, 0, steps])
print("a<t> = Γo * tanh(c<t>)   ", a[0, 0, steps])
print("Γo * c<t> (no tanh)      ", sigmoid(10.0) * c[0, 0, steps])

# %% [markdown]
# ## Backpropagation through one LSTM step
#
# A step receives two gradients: `da_next` $= \partial J / \partial a^{\langle t \rangle}$
# (from the output at step $t$ and from step $t+1$, added up by the caller as in notebook 03)
# and `dc_next`, the gradient reaching $c^{\langle t \rangle}$ from step $t+1$ through
# $c^{\langle t+1 \rangle} = \dots + \Gamma_f * c^{\langle t \rangle}$. Follow the forward
# pass backwards, one line at a time ($*$ is element-wise):
#
# 1. $a^{\langle t \rangle} = \Gamma_o * \tanh(c^{\langle t \rangle})$. $c^{\langle t \rangle}$
#    is used twice, by $a^{\langle t \rangle}$ and by $c^{\langle t+1 \rangle}$, so its
#    gradient is the sum of two parts:
#    $$d\Gamma_o = da_{next} * \tanh(c^{\langle t \rangle}) \qquad dc = dc_{next} + da_{next} * \Gamma_o * \left(1 - \tanh^2(c^{\langle t \rangle})\right)$$
# 2. $c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} + \Gamma_f *
#    c^{\langle t-1 \rangle}$:
#    $$d\Gamma_f = dc * c^{\langle t-1 \rangle} \qquad d\Gamma_u = dc * \tilde{c}^{\langle t \rangle} \qquad d\tilde{c} = dc * \Gamma_u \qquad dc_{prev} = dc * \Gamma_f$$
# 3. Through the activations, to the pre-activations $z_f, z_u, z_c, z_o$: the sigmoid's
#    derivative is $\sigma(z)(1 - \sigma(z))$, that is $\Gamma (1 - \Gamma)$ from the gate
#    itself, and the tanh's is $1 - \tilde{c}^2$:
#    $$dz_f = d\Gamma_f * \Gamma_f (1 - \Gamma_f) \quad dz_u = d\Gamma_u * \Gamma_u (1 - \Gamma_u) \quad dz_c = d\tilde{c} * (1 - \tilde{c}^2) \quad dz_o = d\Gamma_o * \Gamma_o (1 - \Gamma_o)$$
# 4. Each $z_g = W_g [a^{\langle t-1 \rangle}; x^{\langle t \rangle}] + b_g$, for $g = f, u,
#    c, o$, is linear, as in notebook 03:
#    $$dW_g = dz_g \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right]^T \qquad db_g = \sum_{\text{examples}} dz_g \qquad d\left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] = \sum_{g} W_g^T dz_g$$
#    All four gates read $[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$, so its gradient
#    adds four contributions. Its first $n_a$ rows are `da_prev`, its last $n_x$ rows `dxt`.
#
# | quantity | code | shape |
# | --- | --- | --- |
# | `da_next`, `dc_next`, $dc$, $d\Gamma_g$, $dz_g$ | `da_next`, `dc_next`, `dc`, ... | $(n_a, m)$ |
# | $d[a^{\langle t-1 \rangle}; x^{\langle t \rangle}]$ | `dconcat` | $(n_a + n_x, m)$ |
# | $dx_t$, $da_{prev}$, $dc_{prev}$ | `dxt`, `da_prev`, `dc_prev` | $(n_x, m)$, $(n_a, m)$, $(n_a, m)$ |
# | $dW_f$, $dW_u$, $dW_c$, $dW_o$ | `dWf`, `dWu`, `dWc`, `dWo` | $(n_a, n_a + n_x)$ each |
# | $db_f$, $db_u$, $db_c$, $db_o$ | `dbf`, `dbu`, `dbc`, `dbo` | $(n_a, 1)$ each |
#
# ### Why the gradient survives
#
# Look at $dc_{prev} = dc * \Gamma_f$. Along the memory cell, one step back multiplies the
# gradient by the forget gate, **element by element**: no weight matrix, no derivative of a
# squashing function. A vanilla RNN multiplies by $W_{aa}^T \,\mathrm{diag}(1 - (a^{\langle t
# \rangle})^2)$ at every step instead (notebook 05). Over $k$ steps the memory path gives
# $\Gamma_f^{\langle t+1 \rangle} * \dots * \Gamma_f^{\langle t+k \rangle}$, which stays near
# 1 for the units whose forget gate the network holds open. The gradient also flows back
# through $a^{\langle t-1 \rangle}$ into the gates, but it does not *need* that path. This is
# the "constant error carousel" of Hochreiter & Schmidhuber: in their 1997 LSTM the memory was
# always kept ($\Gamma_f = 1$); Gers et al. made the forget gate learnable, so the cell can
# also let go.
#
# Here is the gradient of $J = a^{\langle 100 \rangle}$ with respect to the memory, in the
# carry LSTM above, from `seqlib.lstm.lstm_backward` (exercise 4's reference): the gradient
# reaching $c^{\langle 0 \rangle}$, divided by the one reaching $c^{\langle 100 \rangle}$. A
# vanilla RNN with 16 units, initialised by `seqlib`, reads the same inputs for comparison.

# %%
a, _, c, caches = seqlib.lstm.lstm_forward(x, np.zeros((1, 3)), carry_parameters(10.0))
da = np.zeros_like(a)
da[:, :, -1] = 1.0  # J = a<100> of each sequence: only the last step sends a gradient
dc0 = seqlib.lstm.lstm_backward(da, caches)["dc0"]
go_100 = caches[0][-1][7]  # Γo at step 100
dc_100 = go_100 * (1 - np.tanh(c[:, :, -1]) ** 2)  # the gradient into c<100>, from a<100>
print("LSTM, dJ/dc<0> ÷ dJ/dc<100>:", dc0 / dc_100, f"   σ(10)^100 = {sigmoid(10.0) ** 100:.4f}")

rnn_parameters = init_parameters("rnn", 2, 16, 1, rng=np.random.default_rng(3))
a_rnn, _, rnn_caches = seqlib.rnn.rnn_forward(x, np.zeros((16, 3)), rnn_parameters)
da_rnn = np.zeros_like(a_rnn)
da_rnn[:, :, -1] = 1.0
da0 = seqlib.rnn.rnn_backward(da_rnn, rnn_caches)["da0"]
print(f"vanilla RNN, ‖dJ/da<0>‖ ÷ ‖dJ/da<100>‖: {np.linalg.norm(da0) / np.linalg.norm(da_rnn[:, :, -1]):.1e}")

# %% [markdown]
# ### Exercise 3: `lstm_cell_backward` (4 points)
#
# Implement steps 1 to 4. The cache is `(a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt,
# parameters)`, as `lstm_cell_forward` returns it. Return a dict with the keys `dxt`,
# `da_prev`, `dc_prev`, `dWf`, `dbf`, `dWu`, `dbu`, `dWc`, `dbc`, `dWo` and `dbo` (the
# return line expects the eight parameter gradients in the dict `grads`). As in
# notebook 03, the 1/m of the batch mean is already inside the incoming gradients: do not
# divide by m, and sum the bias gradients over the examples with `keepdims=True`.

# %% grade_id="lstm_cell_backward" solution=true
def lstm_cell_backward(da_next, dc_next, cache):
    """Backward through one LSTM step.

    da_next: dJ/da<t>, (n_a, m); dc_next: dJ/dc<t> from step t+1, (n_a, m);
    cache: (a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, parameters).
    Returns a dict: dxt (n_x, m), da_prev (n_a, m), dc_prev (n_a, m),
    dWf, dWu, dWc, dWo (n_a, n_a + n_x), dbf, dbu, dbc, dbo (n_a, 1).
    """
    a_next, c_next, a_prev, c_prev, gf, gu, cct, go, xt, parameters = cache
    n_a = a_prev.shape[0]
    grads = {}  # the parameters' gradients: dWf, dbf, dWu, dbu, dWc, dbc, dWo, dbo
    ### BEGIN SOLUTION
    tanh_c = np.tanh(c_next)
    dgo = da_next * tanh_c  # a<t> = Γo * tanh(c<t>)
    dc = dc_next + da_next * go * (1 - tanh_c**2)  # c<t> feeds c<t+1> and a<t>
    dgf = dc * c_prev  # c<t> = Γu * c̃ + Γf * c<t-1>
    dgu = dc * cct
    dcct = dc * gu
    dc_prev = dc * gf  # the memory path: one element-wise factor per step
    dz = {"f": dgf * gf * (1 - gf),  # σ' = σ(1 - σ)
          "u": dgu * gu * (1 - gu),
          "c": dcct * (1 - cct**2),  # tanh' = 1 - tanh²
          "o": dgo * go * (1 - go)}
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    dconcat = np.zeros(concat.shape)
    for g, dzg in dz.items():
        grads["dW" + g] = dzg @ concat.T  # (n_a, n_a + n_x)
        grads["db" + g] = np.sum(dzg, axis=1, keepdims=True)  # (n_a, 1)
        dconcat += parameters["W" + g].T @ dzg  # every gate reads [a<t-1>; x<t>]
    da_prev, dxt = dconcat[:n_a], dconcat[n_a:]
    ### END SOLUTION
    return {"dxt": dxt, "da_prev": da_prev, "dc_prev": dc_prev, **grads}


# %% grade_id="test_lstm_cell_backward" points=4
"""lstm_cell_backward agrees with the reference on caches from seqlib's forward."""
check("lstm_cell_backward", lstm_cell_backward)
### BEGIN HIDDEN TESTS
check("lstm_cell_backward", lstm_cell_backward, seed=20773, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The check compares your function with the reference. Here is an independent test, the
# gradient check of notebook 03: take $J = \sum w_a * a^{\langle t \rangle} + \sum w_c *
# c^{\langle t \rangle}$ for random weights $w_a$, $w_c$, so that `da_next` $= w_a$ and
# `dc_next` $= w_c$, and compare your gradients with centred differences of $J$, for every
# input and parameter of the step (`seqlib.gradcheck.check_gradients` does the loop).

# %%
rng = np.random.default_rng(4)
n_x, n_a, m = 3, 4, 2
step_parameters = init_parameters("lstm", n_x, n_a, 2, rng=rng)
xt, a_prev, c_prev = (rng.standard_normal(shape) for shape in ((n_x, m), (n_a, m), (n_a, m)))
wa, wc = rng.standard_normal((n_a, m)), rng.standard_normal((n_a, m))


def J():
    a_next, c_next, _, _ = seqlib.lstm.lstm_cell_forward(xt, a_prev, c_prev, step_parameters)
    return np.sum(wa * a_next) + np.sum(wc * c_next)


_, _, _, cache = seqlib.lstm.lstm_cell_forward(xt, a_prev, c_prev, step_parameters)
step_grads = lstm_cell_backward(wa, wc, cache)
variables = {"xt": xt, "a_prev": a_prev, "c_prev": c_prev,
             **{key: step_parameters[key] for key in seqlib.lstm.RECURRENT_SHAPES}}
for name, error in check_gradients(J, variables, step_grads).items():
    print(f"d{name:<7} relative error {error:.1e}")

# %% [markdown]
# ## Backpropagation through time
#
# Between two steps, **two** gradients now travel right to left: `da_prev` into $a^{\langle
# t-1 \rangle}$ and `dc_prev` into $c^{\langle t-1 \rangle}$. Both start at zero after the
# last step. At step $t$:
#
# - the gradient into $a^{\langle t \rangle}$ is `da[:, :, t]` (from the output at step $t$)
#   plus the `da_prev` that step $t+1$ returned, exactly as in notebook 03;
# - the gradient into $c^{\langle t \rangle}$ from the future is the `dc_prev` that step
#   $t+1$ returned; no output reads $c$ directly, so there is nothing to add to it.
#
# The parameters are shared by all the steps, so their gradients are summed over time; `dx`
# stores each step's `dxt`. After the loop, the last `da_prev` and `dc_prev` are `da0` and
# `dc0`. ($c^{\langle 0 \rangle}$ is zero in `lstm_forward`, but an encoder that hands its
# memory to a decoder needs `dc0`.)
#
# ### Exercise 4: `lstm_backward` (3 points)
#
# `caches` is `(list of the step caches, x)` and `da` is $(n_a, m, T_x)$, with the $T_x$ of
# `x`. (A widely used version of this exercise tested it with a `da` of fewer time steps
# than `x`; here they always match.) Call your
# `lstm_cell_backward` at every step, from $T_x - 1$ down to 0.

# %% grade_id="lstm_backward" solution=true
def lstm_backward(da, caches):
    """Backpropagation through time for the LSTM.

    da: (n_a, m, T_x), the gradient each a<t> receives from the output at step t;
    caches: (list of T_x step caches, x) from lstm_forward.
    Returns a dict: dx (n_x, m, T_x), da0 (n_a, m), dc0 (n_a, m),
    dWf, dWu, dWc, dWo (n_a, n_a + n_x), dbf, dbu, dbc, dbo (n_a, 1).
    """
    step_caches, x = caches
    parameters = step_caches[0][9]
    n_a, m, T_x = da.shape
    dx = np.zeros(x.shape)
    grads = {"d" + key: np.zeros(parameters[key].shape)
             for key in ("Wf", "bf", "Wu", "bu", "Wc", "bc", "Wo", "bo")}
    da_prevt = np.zeros((n_a, m))  # the gradients from the future: none after the last step
    dc_prevt = np.zeros((n_a, m))
    ### BEGIN SOLUTION
    for t in reversed(range(T_x)):
        step = lstm_cell_backward(da[:, :, t] + da_prevt, dc_prevt, step_caches[t])
        dx[:, :, t] = step["dxt"]
        da_prevt, dc_prevt = step["da_prev"], step["dc_prev"]
        for key in grads:
            grads[key] += step[key]  # shared parameters: the steps' gradients add up
    da0, dc0 = da_prevt, dc_prevt
    ### END SOLUTION
    return {"dx": dx, "da0": da0, "dc0": dc0, **grads}


# %% grade_id="test_lstm_backward" points=3
"""lstm_backward agrees with the reference on caches from seqlib's forward."""
check("lstm_backward", lstm_backward)
### BEGIN HIDDEN TESTS
check("lstm_backward", lstm_backward, seed=20774, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# That completes the LSTM: with the output layer's part (notebook 03's
# `output_layer_backward` works unchanged, with `Wy` for `Wya`), these are all the gradients
# a training step needs. The rest of the notebook uses `seqlib.lstm`.
#
# ## Peephole connections (not graded)
#
# In the LSTM above the gates never see the memory itself, only $a^{\langle t-1 \rangle} =
# \Gamma_o * \tanh(c^{\langle t-1 \rangle})$; when the output gate is closed, they see nothing
# of it. Gers & Schmidhuber (2000) let the gates look at $c^{\langle t-1 \rangle}$ directly
# through **peephole connections**:
#
# $$\Gamma_f = \sigma\left(W_f \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + W_{pf} * c^{\langle t-1 \rangle} + b_f\right)$$
# $$\Gamma_u = \sigma\left(W_u \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + W_{pu} * c^{\langle t-1 \rangle} + b_u\right)$$
# $$\Gamma_o = \sigma\left(W_o \left[a^{\langle t-1 \rangle}; x^{\langle t \rangle}\right] + W_{po} * c^{\langle t-1 \rangle} + b_o\right)$$
#
# and $\tilde{c}^{\langle t \rangle}$, $c^{\langle t \rangle}$, $a^{\langle t \rangle}$ as
# before. The peephole weights `Wpf`, `Wpu`, `Wpo` are $(n_a, 1)$ columns multiplied element
# by element: unit $i$ of $c^{\langle t-1 \rangle}$ reaches only unit $i$ of each gate, as
# the lecture notes say (a diagonal matrix, stored as its diagonal). That is $3 n_a$ more
# parameters. (Gers et al. and Graves let the *output* gate peep at the new $c^{\langle t
# \rangle}$, which is known by the time $\Gamma_o$ is computed; the notes use $c^{\langle t-1
# \rangle}$ for all three gates, and so do we. PyTorch's `nn.LSTM` has no peepholes.)
#
# **Try it.** The cell below makes peephole parameters and one step's inputs. Insert a new
# code cell after it (click the cell, press `Esc` then `B`) and write
# `peephole_cell_forward(xt, a_prev, c_prev, parameters)`, returning `(a_next, c_next)`. The
# worked solution comes two cells further down; once you have run it,
# `compare_peephole(peephole_cell_forward)` in your own cell compares the two.

# %%
rng = np.random.default_rng(7)
n_x, n_a, m = 3, 4, 2
peephole_parameters = init_parameters("lstm", n_x, n_a, 2, rng=rng)
for key in ("Wpf", "Wpu", "Wpo"):
    peephole_parameters[key] = rng.standard_normal((n_a, 1))  # one weight per unit
xt, a_prev, c_prev = (rng.standard_normal(shape) for shape in ((n_x, m), (n_a, m), (n_a, m)))
print({key: value.shape for key, value in peephole_parameters.items()})

# %% [markdown]
# **Worked solution.** Try it yourself first: the next cell is the answer.

# %%
def peephole_cell_forward_worked(xt, a_prev, c_prev, parameters):
    """One step of the LSTM with peepholes on c<t-1>: returns a_next, c_next, (n_a, m) each."""
    p = parameters
    concat = np.concatenate([a_prev, xt])  # (n_a + n_x, m)
    gf = sigmoid(p["Wf"] @ concat + p["Wpf"] * c_prev + p["bf"])  # Wpf (n_a, 1) * (n_a, m)
    gu = sigmoid(p["Wu"] @ concat + p["Wpu"] * c_prev + p["bu"])
    cct = np.tanh(p["Wc"] @ concat + p["bc"])  # the candidate has no peephole
    go = sigmoid(p["Wo"] @ concat + p["Wpo"] * c_prev + p["bo"])
    c_next = gu * cct + gf * c_prev
    return go * np.tanh(c_next), c_next


def compare_peephole(fn, seed=0):
    """Print the largest differences between fn's (a_next, c_next) and the worked solution's,
    on a random step with peephole_parameters."""
    rng = np.random.default_rng(seed)
    n_a = peephole_parameters["bf"].shape[0]
    n_x = peephole_parameters["Wf"].shape[1] - n_a
    inputs = (rng.standard_normal((n_x, 3)), rng.standard_normal((n_a, 3)),
              rng.standard_normal((n_a, 3)), peephole_parameters)
    (a_mine, c_mine), (a_worked, c_worked) = fn(*inputs), peephole_cell_forward_worked(*inputs)
    print(f"largest difference: a_next {np.max(np.abs(a_mine - a_worked)):.1e}, "
          f"c_next {np.max(np.abs(c_mine - c_worked)):.1e}")


# With the peephole weights at zero it is the ordinary LSTM:
closed = {**peephole_parameters, **{key: np.zeros((n_a, 1)) for key in ("Wpf", "Wpu", "Wpo")}}
a_peep, c_peep = peephole_cell_forward_worked(xt, a_prev, c_prev, closed)
a_plain, c_plain, _, _ = seqlib.lstm.lstm_cell_forward(xt, a_prev, c_prev, closed)
print("peepholes at zero = the LSTM:", np.allclose(a_peep, a_plain) and np.allclose(c_peep, c_plain))
compare_peephole(peephole_cell_forward_worked)

# %% [markdown]
# ## GRU or LSTM?
#
# **Parameters.** Every gate, and the candidate, has a matrix $(n_a, n_a + n_x)$ and a bias
# $(n_a, 1)$: $n_a (n_a + n_x + 1)$ numbers. The GRU has three such blocks ($\Gamma_u$,
# $\Gamma_r$, $\tilde{c}$), the LSTM four ($\Gamma_f$, $\Gamma_u$, $\tilde{c}$, $\Gamma_o$):
#
# $$\text{GRU: } 3\, n_a (n_a + n_x + 1) \qquad \text{LSTM: } 4\, n_a (n_a + n_x + 1)$$
#
# (without the output layer $W_y$, $b_y$, the same for both). An LSTM has a third more
# parameters than a GRU of the same $n_a$, whatever the sizes:

# %%
def recurrent_parameter_count(blocks, n_x, n_a):
    """blocks matrices (n_a, n_a + n_x) and biases (n_a, 1): 1 RNN, 3 GRU, 4 LSTM."""
    return blocks * n_a * (n_a + n_x + 1)


for name, blocks in (("gru", 3), ("lstm", 4)):  # the formula against seqlib's dicts
    made = init_parameters(name, 27, 64, rng=np.random.default_rng(0))
    assert sum(w.size for w in made.values()) == recurrent_parameter_count(blocks, 27, 64)
print(f"{'n_x':>6} {'n_a':>5} {'RNN':>10} {'GRU':>10} {'LSTM':>10}  LSTM/GRU")
for n_x, n_a in ((27, 64), (300, 128), (300, 512), (10_000, 512)):
    rnn_n, gru_n, lstm_n = (recurrent_parameter_count(b, n_x, n_a) for b in (1, 3, 4))
    print(f"{n_x:>6} {n_a:>5} {rnn_n:>10,} {gru_n:>10,} {lstm_n:>10,}  {lstm_n / gru_n:.3f}")

# %% [markdown]
# **Speed.** The time goes mostly into the gates' matrix products, so we expect the LSTM to
# be up to about 4/3 as slow. Here are `seqlib`'s forward and backward, on the same random
# sequences, timed with `time.perf_counter` (the median of 5 runs, which ignores a run slowed
# down by something else on the machine):

# %%
def median_seconds(fn, *args, repeats=5):
    """The median time of fn(*args) over a few runs, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def gru_pass(p):
    _, _, caches = seqlib.gru.gru_forward(x_time, a0_time, p)
    seqlib.gru.gru_backward(da_time, caches)


def lstm_pass(p):
    _, _, _, caches = seqlib.lstm.lstm_forward(x_time, a0_time, p)
    seqlib.lstm.lstm_backward(da_time, caches)


rng = np.random.default_rng(5)
n_x, n_a, m, T_x = 32, 64, 32, 50
x_time, a0_time = rng.standard_normal((n_x, m, T_x)), np.zeros((n_a, m))
da_time = rng.standard_normal((n_a, m, T_x))
seconds = {"GRU": median_seconds(gru_pass, init_parameters("gru", n_x, n_a, 10, rng=rng)),
           "LSTM": median_seconds(lstm_pass, init_parameters("lstm", n_x, n_a, 10, rng=rng))}
for name, value in seconds.items():
    print(f"{name:<4} forward + backward, n_x={n_x} n_a={n_a} m={m} T_x={T_x}: "
          f"{1000 * value:.1f} ms")
print(f"LSTM / GRU: {seconds['LSTM'] / seconds['GRU']:.2f} in time, {4 / 3:.2f} in parameters")

# %% [markdown]
# Expect a time ratio somewhat under 4/3: both cells also spend time on work that does not
# grow with the number of gates (the loop over time, the concatenations, the input checks,
# and the GRU's extra product $\Gamma_r * c^{\langle t-1 \rangle}$). With a larger $n_a$
# the matrix products take a larger share and the ratio moves towards 4/3.
#
# Which to use? Neither wins everywhere. The GRU is smaller and faster and does as well on
# many tasks; the LSTM, with its separate memory and output gate, is the more common default
# and has the longer track record. Empirical comparisons (Chung et al., 2014; Jozefowicz et
# al., 2015; Greff et al., 2017) find the differences small and task-dependent; trying both is
# cheap.
#
# ## The same gates under other names
#
# Papers and frameworks write the LSTM with other letters, and PyTorch stores it differently:
#
# | these notes | most papers | PyTorch `nn.LSTM` |
# | --- | --- | --- |
# | forget gate $\Gamma_f$: `Wf`, `bf` | $f_t$: $W_f$, $b_f$ | `f`, 2nd block |
# | update gate $\Gamma_u$: `Wu`, `bu` | **input gate** $i_t$: $W_i$, $b_i$ | `i`, 1st block |
# | candidate $\tilde{c}^{\langle t \rangle}$: `Wc`, `bc` | $\tilde{c}_t$ or $g_t$ ("cell input") | `g`, 3rd block |
# | output gate $\Gamma_o$: `Wo`, `bo` | $o_t$: $W_o$, $b_o$ | `o`, 4th block |
# | memory cell $c^{\langle t \rangle}$ | cell state $c_t$ | `c` |
# | hidden state $a^{\langle t \rangle}$ | hidden state or output $h_t$ | `h` |
#
# PyTorch's `nn.LSTM` stacks the four blocks on top of each other in the order **input,
# forget, cell, output** (i, f, g, o), and keeps the input's and the hidden state's weights
# apart, each with its own bias: `weight_ih_l0` $(4 n_a, n_x)$, `weight_hh_l0` $(4 n_a,
# n_a)$, `bias_ih_l0` and `bias_hh_l0` $(4 n_a,)$. Only the sum of the two biases matters, so
# PyTorch counts $4 n_a$ more parameters than the formula above. Each of our $W_g$ $(n_a,
# n_a + n_x)$ is a hidden-state block followed by an input block, $W_g = [W_{hg} \mid
# W_{ig}]$. PyTorch also lays out examples as rows, $(m, n_x)$ for one step and $(T_x, m,
# n_x)$ for a sequence. The cell below moves our parameters into PyTorch's layout and runs
# one step of the equations in PyTorch's documentation, in numpy, to check that the
# translation is right:

# %%
def to_pytorch_layout(parameters):
    """seqlib's LSTM parameters as nn.LSTM's weight_ih_l0, weight_hh_l0, bias_ih_l0,
    bias_hh_l0; PyTorch's gate order is i, f, g, o, that is Γu, Γf, c̃, Γo."""
    n_a = parameters["bf"].shape[0]
    order = ("u", "f", "c", "o")
    weight_ih = np.concatenate([parameters["W" + g][:, n_a:] for g in order])  # (4 n_a, n_x)
    weight_hh = np.concatenate([parameters["W" + g][:, :n_a] for g in order])  # (4 n_a, n_a)
    bias_ih = np.concatenate([parameters["b" + g][:, 0] for g in order])  # (4 n_a,)
    return weight_ih, weight_hh, bias_ih, np.zeros(4 * n_a)  # one bias is enough


def pytorch_lstm_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    """nn.LSTM's documented step, examples as rows: x (m, n_x); h, c (m, n_a)."""
    gates = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh  # (m, 4 n_a)
    i, f, g, o = np.split(gates, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


rng = np.random.default_rng(6)
n_x, n_a, m = 3, 5, 4
lstm_parameters = {key: value + 0.5 * rng.standard_normal(value.shape)  # non-zero biases
                   for key, value in init_parameters("lstm", n_x, n_a, 2, rng=rng).items()}
layout = to_pytorch_layout(lstm_parameters)
print({name: w.shape for name, w in zip(("weight_ih_l0", "weight_hh_l0", "bias_ih_l0",
                                         "bias_hh_l0"), layout, strict=True)})
xt, a_prev, c_prev = (rng.standard_normal(shape) for shape in ((n_x, m), (n_a, m), (n_a, m)))
a_next, c_next, _, _ = seqlib.lstm.lstm_cell_forward(xt, a_prev, c_prev, lstm_parameters)
h, c = pytorch_lstm_step(xt.T, a_prev.T, c_prev.T, *layout)
print("the same step:", np.allclose(h.T, a_next) and np.allclose(c.T, c_next))

# %% [markdown]
# PyTorch's `nn.GRU` differs from the notes' GRU in one line: it stacks its blocks as
# $(r, z, n)$ and computes $h = (1 - z) * n + z * h_{prev}$, so its $z$ is our $1 -
# \Gamma_u$, and it applies its reset gate after the matrix product, $r * (W_{hn} h +
# b_{hn})$, where the notes put $\Gamma_r$ inside, $W_c [\Gamma_r * c^{\langle t-1 \rangle};
# x^{\langle t \rangle}]$.
#
# ## Explore: your LSTM's gates over time
#
# The explorer runs **your** `lstm_cell_forward` over a short text (random weights, 8 units,
# $b_f = 1$): heatmaps of $\Gamma_f$, $\Gamma_u$, $\Gamma_o$, $\tilde{c}$, $c$ and $a$ per unit
# over time, the current step framed, and the two update equations with their numbers. If
# your function is not written yet, or fails, it uses `seqlib`'s and says so. The **cell** menu
# compares with the GRU and the RNN on the same text.

# %%
gate_explorer("lstm", step_fn=lstm_cell_forward)


# %% [markdown]
# ## Summary
#
# - The LSTM keeps a memory cell $c^{\langle t \rangle}$ apart from the hidden state
#   $a^{\langle t \rangle}$. Three sigmoid gates decide what to forget ($\Gamma_f$), what to
#   write ($\Gamma_u$, the "input gate" elsewhere) and what to show ($\Gamma_o$):
#   $c^{\langle t \rangle} = \Gamma_u * \tilde{c}^{\langle t \rangle} + \Gamma_f * c^{\langle
#   t-1 \rangle}$, $a^{\langle t \rangle} = \Gamma_o * \tanh(c^{\langle t \rangle})$.
# - The tanh keeps $a^{\langle t \rangle}$ in $(-1, 1)$ while $c^{\langle t \rangle}$ may
#   grow; $a = \Gamma_o * c$, as some slides write it, is not the standard LSTM.
# - With $\Gamma_f \approx 1$ and $\Gamma_u \approx 0$ the cell holds a value unchanged for
#   as long as needed.
# - Backward: $c^{\langle t \rangle}$ gets gradient from $a^{\langle t \rangle}$ and from
#   $c^{\langle t+1 \rangle}$; $dc_{prev} = dc * \Gamma_f$. Along the memory the gradient is
#   multiplied by the forget gate only, element by element, so it can survive hundreds of
#   steps. Through time, two gradients travel back: `da_prev` and `dc_prev`.
# - An LSTM has $4 n_a (n_a + n_x + 1)$ recurrent parameters, a GRU three quarters of that;
#   PyTorch's names and layout differ (input gate i = $\Gamma_u$; blocks i, f, g, o; two
#   biases).
#
# ## Questions (not graded)
#
# 1. Set $\Gamma_f = 1$ and $\Gamma_u = 1$ at every step. What does $c^{\langle t \rangle}$
#    compute? What is $\partial c^{\langle T_x \rangle} / \partial c^{\langle 1 \rangle}$
#    along the memory path? What can such a cell not do?
# 2. Why does `init_parameters` start $b_f$ at 1 rather than 0? What would $b_f = -3$ do to
#    the gradient reaching step 1 from step 100, before any training?
# 3. The GRU ties its forget gate to $1 - \Gamma_u$. Which LSTM behaviours does that rule out?
#    Give a case where keeping *and* writing in the same step helps.
# 4. Write $\partial a^{\langle t \rangle} / \partial c^{\langle t \rangle}$ for $a =
#    \Gamma_o * \tanh(c)$ and for $a = \Gamma_o * c$. Which one can be large, and what would
#    that do in the backward pass?
# 5. In `carry_parameters`, what happens if the write flag is also on at step 50? And if you
#    set the forget gate's weight on the flag to $-20$ as well?
# 6. Count the parameters of a peephole LSTM, and of PyTorch's `nn.LSTM`, for $n_x = 300$,
#    $n_a = 512$.
