# %% [markdown]
# # 09 · Deep RNNs
#
# Every network so far had one recurrent layer: each $a^{\langle t \rangle}$ was computed from
# $a^{\langle t-1 \rangle}$ and $x^{\langle t \rangle}$, then fed an output. A deep network
# learns more complex functions by stacking layers, and a recurrent network can be stacked
# too: a second recurrent layer reads the first layer's states as its input sequence, a third
# reads the second's, and so on. This notebook builds such a **deep RNN**, forward and
# backward, and puts dense layers on top of it. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `deep_rnn_forward`: $L$ stacked recurrent layers | 3 |
# | 2 | `dense_head_forward`: a dense layer and the output at every step | 2 |
# | 3 | `deep_rnn_backward`: backpropagation down through the stack | 3 |
#
# The cells themselves (the RNN of notebook 02, the GRU of 06, the LSTM of 07) come from
# `seqlib`, so this notebook does not depend on your answers there. Each exercise is followed
# by a test cell: press **Validate** (or run the cell) to check your answer. The checks compare
# your function with `seqlib`'s reference on random inputs and, when a result is wrong, say
# what looks wrong.

# %%
# %matplotlib inline
import time
from math import comb

import matplotlib.pyplot as plt
import numpy as np

from seqlib.activations import softmax
from seqlib.cells import get_cell
from seqlib.checks import check
from seqlib.data import parity
from seqlib.deep import deep_backward, deep_forward, init_deep
from seqlib.initialization import init_parameters
from seqlib.losses import softmax_cross_entropy
from seqlib.optim import Adam, clip_by_global_norm
from seqlib.outputs import output_backward_logits, output_forward

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Layers and time: $a^{[l]\langle t \rangle}$
#
# A deep RNN has two directions of depth, so its activations carry two indices: as in a deep
# feed-forward network, square brackets number the **layer**, and as in an RNN, angle
# brackets number the **time step**. $a^{[l]\langle t \rangle}$ is the activation of layer
# $l$ at time $t$. Layer $l$ at step $t$ has two inputs: its own state one step earlier,
# $a^{[l]\langle t-1 \rangle}$ (from the left), and the state of the layer below at the same
# step, $a^{[l-1]\langle t \rangle}$ (from below):
#
# $$a^{[l]\langle t \rangle} = g\left(W_a^{[l]} \left[ a^{[l]\langle t-1 \rangle} ;
# a^{[l-1]\langle t \rangle} \right] + b_a^{[l]}\right), \qquad l = 1, \dots, L, \qquad
# a^{[0]\langle t \rangle} = x^{\langle t \rangle}$$
#
# $$\hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_y\, a^{[L]\langle t \rangle} +
# b_y\right)$$
#
# This is the simplified notation of notebook 02 with $x^{\langle t \rangle}$ replaced by
# $a^{[l-1]\langle t \rangle}$: the input of layer $l$ is the layer below. For three layers
# and four steps:
#
# ```
#                  ŷ<1>          ŷ<2>          ŷ<3>          ŷ<4>
#                   ↑             ↑             ↑             ↑
#   a[3]<0> ──▶ a[3]<1> ──▶ a[3]<2> ──▶ a[3]<3> ──▶ a[3]<4>        layer 3: W_a[3], b_a[3]
#                   ↑             ↑             ↑             ↑
#   a[2]<0> ──▶ a[2]<1> ──▶ a[2]<2> ──▶ a[2]<3> ──▶ a[2]<4>        layer 2: W_a[2], b_a[2]
#                   ↑             ↑             ↑             ↑
#   a[1]<0> ──▶ a[1]<1> ──▶ a[1]<2> ──▶ a[1]<3> ──▶ a[1]<4>        layer 1: W_a[1], b_a[1]
#                   ↑             ↑             ↑             ↑
#                  x<1>          x<2>          x<3>          x<4>
# ```
#
# Each row is an ordinary RNN whose input sequence is the row below it. **Each layer has its
# own parameters**, $W_a^{[l]}$ and $b_a^{[l]}$, **shared across time**: the four cells of
# row 2 all use $W_a^{[2]}$, which is not $W_a^{[1]}$. The initial states $a^{[l]\langle 0
# \rangle}$ are zeros here.
#
# $g$ and $W_a^{[l]}$ are those of the layer's cell. For the basic RNN, $g = \tanh$ and
# $W_a^{[l]} = [W_{aa}^{[l]} \mid W_{ax}^{[l]}]$ as in notebook 02; `seqlib` keeps the two
# blocks apart as `Waa` and `Wax`. For a GRU or LSTM layer, every gate has its own matrix
# acting on the same $[a^{[l]\langle t-1 \rangle}; a^{[l-1]\langle t \rangle}]$, hidden state
# first. Python counts from 0: layer $l$'s parameters are `parameters_list[l - 1]`, and step
# $t$ is index `t - 1` on the time axis.
#
# **Shapes.** Every layer may have its own number of units $n_a^{[l]}$; write $n_a^{[0]} =
# n_x$, the size of the input.
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x = a^{[0]}$, every step | `x` | $(n_x, m, T_x)$ |
# | $a^{[l]}$, every step | | $(n_a^{[l]}, m, T_x)$ |
# | $a^{[l]\langle t \rangle}$ | `a[:, :, t - 1]` | $(n_a^{[l]}, m)$ |
# | $W_a^{[l]}$, one per gate | `Wu`, `Wc`, ... of `parameters_list[l - 1]` | $(n_a^{[l]}, n_a^{[l]} + n_a^{[l-1]})$ |
# | $b_a^{[l]}$, one per gate | `bu`, `bc`, ... | $(n_a^{[l]}, 1)$ |
# | basic RNN layer: $W_{aa}^{[l]}$, $W_{ax}^{[l]}$ | `Waa`, `Wax` | $(n_a^{[l]}, n_a^{[l]})$, $(n_a^{[l]}, n_a^{[l-1]})$ |
# | $W_y$, $b_y$ | `Wy`, `by` | $(n_y, n_a^{[L]})$, $(n_y, 1)$ |
# | $\hat{y}$, every step | `y_pred` | $(n_y, m, T_x)$ |
#
# Every recurrent parameter of a layer, weight or bias, has $n_a^{[l]}$ rows, so any of them
# tells the layer's size. `layer_size` does that for you:

# %%
def layer_size(layer_parameters):
    """n_a of one layer from its parameters: every weight and bias has n_a rows."""
    return next(iter(layer_parameters.values())).shape[0]


# %% [markdown]
# ### A worked example: $a^{[2]\langle 3 \rangle}$
#
# Take two basic RNN layers. $a^{[2]\langle 3 \rangle}$ is computed from its left neighbour
# $a^{[2]\langle 2 \rangle}$ and from $a^{[1]\langle 3 \rangle}$ below it:
#
# $$a^{[2]\langle 3 \rangle} = \tanh\left(W_{aa}^{[2]}\, a^{[2]\langle 2 \rangle} +
# W_{ax}^{[2]}\, a^{[1]\langle 3 \rangle} + b_a^{[2]}\right)$$
#
# Below, `seqlib.deep.deep_forward` runs the stack (with only layer 1, then with both layers,
# to get $a^{[1]}$ and $a^{[2]}$); then we compute $a^{[2]\langle 3 \rangle}$ by hand from
# its two inputs.

# %%
rng = np.random.default_rng(0)
n_x, m, T_x = 3, 2, 4
x = rng.standard_normal((n_x, m, T_x))
stack = init_deep(n_x, [5, 4], 1, rng, cells="rnn")  # layers of 5 and 4 units, n_y = 1
layer1, layer2 = stack["layers"]


def top_states(x, layers, cell):
    """The top layer's states a[L] of a stack, from seqlib.deep (its output layer unused)."""
    unused = {"Wy": np.zeros((1, layer_size(layers[-1]))), "by": np.zeros((1, 1))}
    a_top, _, _ = deep_forward(x, {"layers": layers, **unused}, cell)
    return a_top


a1 = top_states(x, [layer1], "rnn")  # a[1], (5, m, T_x)
a2 = top_states(x, [layer1, layer2], "rnn")  # a[2], (4, m, T_x)
t = 3  # the notes' t; index t - 1 in Python
by_hand = np.tanh(layer2["Waa"] @ a2[:, :, t - 2] + layer2["Wax"] @ a1[:, :, t - 1]
                  + layer2["ba"])
print("a[2]<3> from deep_forward:\n", a2[:, :, t - 1])
print("largest difference from the formula:", np.max(np.abs(by_hand - a2[:, :, t - 1])))
print("layer sizes:", [layer_size(layer) for layer in stack["layers"]], "  layer 2: Waa",
      layer2["Waa"].shape, " Wax", layer2["Wax"].shape, "(it reads the 5 units of layer 1)")

# %% [markdown]
# ## One interface for the three cells
#
# A layer of the stack runs its cell over the whole sequence. `seqlib.cells.get_cell(name)`
# gives the same two functions for `"rnn"`, `"gru"` and `"lstm"`, without an output layer:
#
# - `forward_states(x, a0, parameters)` takes the layer's input sequence $(n_x, m, T_x)$ and
#   its initial state $(n_a, m)$, and returns `(a, caches)`: the states $(n_a, m, T_x)$ and
#   the caches its backward pass needs;
# - `backward_states(da, caches)` takes the gradient $(n_a, m, T_x)$ with respect to the
#   states, runs backpropagation through time in that layer (adding the gradient that comes
#   from the next step, as in notebook 03), and returns a dict: `"dx"` the gradient with
#   respect to its input $(n_x, m, T_x)$, `"da0"`, and `"d" + key` for each parameter.
#
# An LSTM layer passes its hidden states $a^{[l]\langle t \rangle}$ up, not its memory cells
# $c^{[l]\langle t \rangle}$, which stay inside the layer.

# %%
gru = get_cell("gru")
gru_parameters = init_parameters("gru", n_x, 6, rng=rng)  # no n_y: no output layer
a, caches = gru.forward_states(x, np.zeros((6, m)), gru_parameters)
print("a", a.shape)
grads = gru.backward_states(np.ones_like(a), caches)
print({key: value.shape for key, value in grads.items()})

# %% [markdown]
# ### Exercise 1: `deep_rnn_forward` (3 points)
#
# Run $L$ layers of one cell type, bottom to top. Layer 1 reads `x`; every later layer reads
# the states the layer below returned. Start each layer from zeros, $a^{[l]\langle 0 \rangle}
# = 0$, of shape $(n_a^{[l]}, m)$. Return the top layer's states $a^{[L]}$ and `caches`, a
# list holding for each layer, bottom first, the pair `(cell, that layer's caches)`: the
# cell's name with what its `forward_states` returned, which is what the backward pass will
# need.

# %% grade_id="deep_rnn_forward" solution=true
def deep_rnn_forward(x, parameters_list, cell):
    """L stacked recurrent layers of one cell type, from zero initial states.

    x: a[0], (n_x, m, T_x); parameters_list: L dicts of recurrent parameters, layer 1 (the
    one that reads x) first; cell: "rnn", "gru" or "lstm", the cell of every layer.
    Returns a: the top layer's states a[L], (n_a[L], m, T_x), and caches: a list of L pairs
    (cell, the caches forward_states returned for that layer), bottom first.
    """
    layer_cell = get_cell(cell)
    m = x.shape[1]
    caches = []
    a = x  # a[0] = x, the input of layer 1; each layer replaces it by its states
    ### BEGIN SOLUTION
    for layer in parameters_list:
        a0 = np.zeros((layer_size(layer), m))  # a[l]<0>
        a, layer_caches = layer_cell.forward_states(a, a0, layer)  # a[l], (n_a[l], m, T_x)
        caches.append((cell, layer_caches))
    ### END SOLUTION
    return a, caches


# %% grade_id="test_deep_rnn_forward" points=3
"""deep_rnn_forward agrees with seqlib.deep.deep_forward on random stacks."""
check("deep_rnn_forward", deep_rnn_forward)
### BEGIN HIDDEN TESTS
check("deep_rnn_forward", deep_rnn_forward, seed=20991, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# With one layer, the stack is the plain cell; with three, each layer's states are the next
# one's inputs, and each layer's parameter count depends on its own size and the size of the
# layer below, never on $T_x$:

# %%
rng = np.random.default_rng(1)
x = rng.standard_normal((n_x, m, 7))
one = [init_parameters("lstm", n_x, 5, rng=rng)]
a_deep, _ = deep_rnn_forward(x, one, "lstm")
a_plain, _ = get_cell("lstm").forward_states(x, np.zeros((5, m)), one[0])
print("L = 1: largest difference from the plain LSTM:", np.max(np.abs(a_deep - a_plain)))

sizes, n_in, three = [8, 6, 4], n_x, []
for n_a in sizes:
    three.append(init_parameters("gru", n_in, n_a, rng=rng))
    n_in = n_a
a_top, caches = deep_rnn_forward(x, three, "gru")
print("L = 3: a_top", a_top.shape, " caches:", [cell for cell, _ in caches])
for l, layer in enumerate(three, start=1):
    print(f"  layer {l}: Wu {layer['Wu'].shape}, {sum(w.size for w in layer.values())} "
          "parameters")

# %% [markdown]
# ## Any cell in any layer
#
# Nothing in the stack depends on what the cell does inside: a layer only needs an input
# sequence and gives back a sequence of states. So the layers can be different cells, and a
# layer can be **bidirectional** (notebook 08): its states are the forward and the backward
# RNN's states stacked, $n_{a,f} + n_{a,b}$ units, which the layer above reads as its input.
# `seqlib.deep.deep_forward` takes one cell name and one bidirectional flag per layer. Here
# is a bidirectional GRU layer under an LSTM layer:

# %%
mixed = init_deep(n_x, [(4, 4), 6], 2, rng, cells=["gru", "lstm"], bidirectional=[True, False])
a_top, y_pred, _ = deep_forward(x, mixed, ["gru", "lstm"], bidirectional=[True, False])
print("layer 1, bidirectional GRU: forward Wu", mixed["layers"][0]["forward"]["Wu"].shape,
      " backward Wu", mixed["layers"][0]["backward"]["Wu"].shape)
print("layer 2, LSTM reading the 8 units below: Wf", mixed["layers"][1]["Wf"].shape)
print("a_top", a_top.shape, "  y_pred", y_pred.shape)

# %% [markdown]
# A bidirectional layer needs the whole sequence before it gives its first state, so every
# layer above it does too: such a stack reads a sentence, then tags it.
#
# ## Dense layers on top
#
# Depth can also be added where it is cheap. A common design puts a few ordinary dense layers
# between the top recurrent layer and the output, applied to each step **on its own**: they
# have no connection from one step to the next. With one dense ReLU layer of $n_h$ units,
#
# $$h^{\langle t \rangle} = \mathrm{ReLU}\left(W_h\, a^{[L]\langle t \rangle} + b_h\right),
# \qquad \hat{y}^{\langle t \rangle} = \mathrm{softmax}\left(W_y\, h^{\langle t \rangle} +
# b_y\right)$$
#
# where $\mathrm{ReLU}(z) = \max(z, 0)$, element by element. $W_h$, $b_h$, $W_y$, $b_y$ are
# the same at every step, like every weight of an RNN. Shapes:
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $a^{[L]}$, every step | `a` | $(n_a, m, T_x)$ |
# | $W_h$, $b_h$ | `Wh`, `bh` | $(n_h, n_a)$, $(n_h, 1)$ |
# | $h$, every step | `h` | $(n_h, m, T_x)$ |
# | $W_y$, $b_y$ | `Wy`, `by` | $(n_y, n_h)$, $(n_y, 1)$ |
# | $\hat{y}$, every step | `y_pred` | $(n_y, m, T_x)$ |
#
# ### Exercise 2: `dense_head_forward` (2 points)
#
# Compute $\hat{y}^{\langle t \rangle}$ for every step at once (or loop over the steps). Two
# numpy points for arrays with a time axis:
#
# - `Wh @ a` does not multiply each column by `Wh` when `a` is 3-D; use
#   `np.einsum("ha,amt->hmt", Wh, a)` (sum over the index `a`), or `np.tensordot(Wh, a,
#   axes=1)`.
# - A bias $(n_h, 1)$ added to an $(n_h, m, T_x)$ array must get a third axis, `bh[:, :,
#   None]`: numpy lines up shapes from the right.
#
# `softmax` from `seqlib.activations` (imported above) runs over axis 0, the units, for any
# shape.

# %% grade_id="dense_head_forward" solution=true
def dense_head_forward(a, Wh, bh, Wy, by):
    """A dense ReLU layer, then the softmax output, at every time step on its own.

    a: the top layer's states, (n_a, m, T_x); Wh: (n_h, n_a); bh: (n_h, 1); Wy: (n_y, n_h);
    by: (n_y, 1).
    Returns y_pred, (n_y, m, T_x): softmax(Wy h<t> + by) with h<t> = ReLU(Wh a<t> + bh).
    """
    ### BEGIN SOLUTION
    z_h = np.einsum("ha,amt->hmt", Wh, a) + bh[:, :, None]  # (n_h, m, T_x)
    h = np.maximum(z_h, 0)  # ReLU
    z_y = np.einsum("yh,hmt->ymt", Wy, h) + by[:, :, None]  # (n_y, m, T_x)
    y_pred = softmax(z_y)  # over the n_y units, axis 0
    ### END SOLUTION
    return y_pred


# %% grade_id="test_dense_head_forward" points=2
"""dense_head_forward agrees with the reference on random states."""
check("dense_head_forward", dense_head_forward)
### BEGIN HIDDEN TESTS
check("dense_head_forward", dense_head_forward, seed=20992, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Your two functions make a whole model: three GRU layers, a dense layer of 10 units, and an
# output over 3 classes at every step.

# %%
Wh, bh = rng.standard_normal((10, 4)) / 2, np.zeros((10, 1))
Wy, by = rng.standard_normal((3, 10)) / 3, np.zeros((3, 1))
a_top, _ = deep_rnn_forward(x, three, "gru")
y_pred = dense_head_forward(a_top, Wh, bh, Wy, by)
print("x", x.shape, "-> a[3]", a_top.shape, "-> y_pred", y_pred.shape)
print("each column sums to 1:", np.allclose(y_pred.sum(axis=0), 1))

# %% [markdown]
# ## Backward: down through the layers
#
# Only the top layer feeds the outputs, so the output layer's backward (notebook 03) gives
# `da_top` $= \partial J / \partial a^{[L]}$, $(n_a^{[L]}, m, T_x)$. From there:
#
# 1. **Within a layer**, the cell's `backward_states` runs backpropagation through time,
#    right to left, adding at each step the gradient that comes from the next step.
# 2. **Between layers**, the `dx` that layer $l$ returns is $\partial J / \partial
#    a^{[l-1]}$, the gradient with respect to its input: the states of the layer below. Those
#    states feed nothing else (no output, no other layer), so `dx` is all of their gradient,
#    the `da` that layer $l-1$'s backward takes.
#
# The simplest order is a whole layer at a time, **top first**: the gradient into
# $a^{[l-1]\langle t \rangle}$ is layer $l$'s `dx` at step $t$, which is known only once
# layer $l$'s backward pass has come back from $T_x$ to $t$, so running all of layer $l$
# before layer $l-1$ always has it ready. The `dx` of layer 1, the bottom one, is $\partial J
# / \partial x$. Each layer's own parameters get their gradients from that layer's
# `backward_states` alone, already summed over time.
#
# ```
#   da_top ──▶ layer L: backward_states ──dx──▶ layer L-1 ──dx──▶ ... ──▶ layer 1 ──dx──▶ dx
#                  │                                │                       │
#              grads[L]                        grads[L-1]                grads[1]
# ```
#
# ### Exercise 3: `deep_rnn_backward` (3 points)
#
# `caches` is the list `deep_rnn_forward` returns: `(cell, layer caches)` per layer, bottom
# first. Go through it in reverse, call each layer's `get_cell(cell).backward_states`, and
# hand its `dx` to the layer below. Return a dict with `"dx"`, the gradient with respect to
# `x`, and `"layers"`, the list of the dicts `backward_states` returned, **bottom first**
# (`layers[0]` is layer 1's). The checks build the caches with `seqlib`'s forward, so this
# exercise does not depend on your `deep_rnn_forward`.

# %% grade_id="deep_rnn_backward" solution=true
def deep_rnn_backward(da_top, caches):
    """Backpropagation through a stack of recurrent layers, top layer first.

    da_top: dJ/da[L], (n_a[L], m, T_x), from the output layer; caches: the list of
    (cell, layer caches) pairs from deep_rnn_forward, bottom first.
    Returns a dict: dx, dJ/dx (n_x, m, T_x), and layers: a list of L dicts, bottom first, each
    what that layer's backward_states returned (da0 and "d" + each parameter key).
    """
    layer_grads = []
    da = da_top  # only the top layer feeds the outputs; each layer replaces it by its dx
    ### BEGIN SOLUTION
    for cell, layer_caches in reversed(caches):  # top layer first
        grads = get_cell(cell).backward_states(da, layer_caches)
        da = grads["dx"]  # dJ/da[l-1]: the states of the layer below were this layer's input
        layer_grads.append(grads)
    layer_grads.reverse()  # bottom first, like caches
    ### END SOLUTION
    return {"dx": da, "layers": layer_grads}


# %% grade_id="test_deep_rnn_backward" points=3
"""deep_rnn_backward agrees with seqlib.deep.deep_backward on caches from seqlib's forward."""
check("deep_rnn_backward", deep_rnn_backward)
### BEGIN HIDDEN TESTS
check("deep_rnn_backward", deep_rnn_backward, seed=20993, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## Training a deep RNN with a dense head
#
# From here on the notebook uses `seqlib.deep`'s `deep_forward` and `deep_backward`: they do
# what your two functions do, and also take a cell per layer and bidirectional layers.
#
# The task: read a sequence of bits and, at every step, say whether the bits so far hold an
# odd number of ones (the running parity, built from `seqlib.data.parity`). The model is two
# GRU layers of 8 units, a dense ReLU layer of 8 units and a softmax over the two answers,
# trained with Adam on sequences of 8 bits. The forward pass uses `deep_forward`'s own output
# layer, with `activation="linear"`, for $W_h a^{[2]} + b_h$; the backward pass runs the
# same chain the other way:
#
# $$dz_y = \frac{\hat{y} - y}{m} \;\to\; dW_y, db_y, dh \;\to\; dz_h = dh \odot [z_h > 0]
# \;\to\; dW_h, db_h, da^{[2]} \;\to\; \texttt{deep\_backward}$$
#
# where $[z_h > 0]$ is the ReLU's derivative, 1 where the unit is on and 0 elsewhere.

# %%
def running_parity(task):
    """One-hot targets (2, m, T_x): the parity of the bits up to each step."""
    return np.eye(2)[:, np.cumsum(task.bits, axis=1) % 2]


def head_logits(x, model):
    """z_y (2, m, T_x), z_h and the caches of deep_forward, for the model below."""
    recurrent = {"layers": model["layers"], "Wy": model["Wh"], "by": model["bh"]}
    _, z_h, caches = deep_forward(x, recurrent, "gru", activation="linear")  # Wh a[2] + bh
    z_y, out_cache = output_forward(np.maximum(z_h, 0), model["Wy"], model["by"], "linear")
    return z_y, z_h, caches, out_cache


def loss_and_gradients(x, y, model):
    z_y, z_h, caches, out_cache = head_logits(x, model)
    loss, dz_y = softmax_cross_entropy(z_y, y)  # dz_y = (y_pred - y) / m
    out = output_backward_logits(dz_y, out_cache)  # dh, dWy, dby
    dense = output_backward_logits(out["da"] * (z_h > 0), caches["output"])  # through ReLU
    recurrent = deep_backward(dense["da"], caches)  # dx and every GRU layer's gradients
    return loss, {"layers": recurrent["layers"], "dWh": dense["dWy"], "dbh": dense["dby"],
                  "dWy": out["dWy"], "dby": out["dby"]}


def accuracy(task, model):
    z_y, _, _, _ = head_logits(task.x, model)
    return float(np.mean(np.argmax(z_y, axis=0) == np.argmax(running_parity(task), axis=0)))


rng = np.random.default_rng(0)
recurrent = init_deep(2, [8, 8], 8, rng, cells="gru")  # its output layer is the dense layer
model = {"layers": recurrent["layers"], "Wh": recurrent["Wy"], "bh": recurrent["by"],
         "Wy": rng.standard_normal((2, 8)) / np.sqrt(8), "by": np.zeros((2, 1))}
optimizer = Adam(lr=0.02)
losses = []
for _ in range(150):
    batch = parity(32, 8, rng)
    loss, gradients = loss_and_gradients(batch.x, running_parity(batch), model)
    gradients, _ = clip_by_global_norm(gradients, 5.0)
    optimizer.step(model, gradients)
    losses.append(loss)

fig, ax = plt.subplots(figsize=(5, 2.6))
ax.plot(losses)
ax.set_xlabel("training step")
ax.set_ylabel("loss J (sum over 8 steps)")
ax.set_title("2 GRU layers + a dense layer, running parity")
plt.show()
for length in (8, 30):
    test = parity(500, length, np.random.default_rng(100 + length))
    print(f"held-out sequences of {length} bits: {accuracy(test, model):.1%} of the steps right")

# %% [markdown]
# The model was trained on 8 bits and also tracks the parity of 30: its parameters are the
# same at every step, so what it learned is a rule for one step, applied as often as needed.
#
# ## Why three recurrent layers is already a lot
#
# Deep feed-forward networks for images have a hundred layers or more. Deep RNNs rarely have
# more than three recurrent layers, because every recurrent layer is unrolled over the $T_x$
# steps:
#
# - **Computation and memory.** A stack of $L$ layers is a grid of $L \times T_x$ cells, each
#   evaluated in the forward pass, cached, and run backward. Three layers over a 100-step
#   sequence are 300 cells, and the steps of a layer must run one after the other.
# - **Gradient paths.** The gradient from $\hat{y}^{\langle T_x \rangle}$ reaches
#   $x^{\langle 1 \rangle}$ along every path through the grid that goes left or down. Each
#   such path crosses $T_x + L - 1$ cells, one Jacobian per cell (the products that vanish
#   or explode in notebook 05), and there are $\binom{T_x + L - 2}{L - 1}$ of them: one for
#   a single layer, 100 for two layers over 100 steps, 5,050 for three. Every extra layer
#   makes every path longer and multiplies their number.
#
# The dense layers on top add depth without these costs: they are evaluated at every step
# too, but all the steps at once, since no step waits for another, and no path runs through
# them from one step to the next, so each makes a gradient path only one layer longer. The table counts all of this for GRU
# stacks of 64 units reading 100 steps of 10 inputs, and times a forward and backward pass
# on 16 sequences with `seqlib.deep`.

# %%
n_x, n_a, T_x, m = 10, 64, 100, 16
rng = np.random.default_rng(0)
x = rng.standard_normal((n_x, m, T_x))
print(" L   parameters   cell evaluations   cells per path   paths ŷ<T_x> -> x<1>   "
      "forward + backward")
for L in range(1, 5):
    stack = init_deep(n_x, [n_a] * L, n_x, rng, cells="gru")
    n_parameters = sum(w.size for layer in stack["layers"] for w in layer.values())
    seconds = []
    for _ in range(2):  # the faster of two runs
        start = time.perf_counter()
        a_top, _, caches = deep_forward(x, stack, "gru")
        deep_backward(np.ones_like(a_top), caches)
        seconds.append(time.perf_counter() - start)
    print(f"{L:2d}   {n_parameters:10,d}   {L * T_x:16d}   {T_x + L - 1:14d}   "
          f"{comb(T_x + L - 2, L - 1):20,d}   {1000 * min(seconds):15.0f} ms")

# %% [markdown]
# Each recurrent layer after the first adds the same number of parameters (the first has
# fewer: it reads 10 inputs instead of 64 units), another $T_x$ cell evaluations, and about
# the same time again, while the number of gradient paths grows much faster. A layer's
# parameters do not depend on $T_x$; its computation is proportional to it.
#
# ## Summary
#
# - $a^{[l]\langle t \rangle}$ is layer $l$ at step $t$: $a^{[l]\langle t \rangle} =
#   g(W_a^{[l]} [a^{[l]\langle t-1 \rangle}; a^{[l-1]\langle t \rangle}] + b_a^{[l]})$, with
#   $a^{[0]\langle t \rangle} = x^{\langle t \rangle}$; the output reads the top layer.
# - Each layer is an ordinary RNN over the states of the layer below, with its own
#   parameters shared across time; any cell, GRU, LSTM or bidirectional, can be a layer.
# - Dense layers applied to each step on their own add depth cheaply before the output.
# - Backward: the top layer gets the output's gradient; each layer runs backpropagation
#   through time and hands its `dx` to the layer below; the bottom layer's `dx` is
#   $\partial J / \partial x$.
# - $L$ layers cost $L \times T_x$ cell evaluations and make the gradient paths longer and far
#   more numerous, so recurrent stacks stay at about three layers.
#
# ## Questions (not graded)
#
# 1. How many parameters does a stack of three GRU layers of 64 units reading $n_x = 100$
#    inputs have? Which layer has the most, and why? How does the number change with $T_x$?
# 2. Layer $l-1$'s backward pass at step $t$ needs layer $l$'s `dx` at step $t$ only. Could
#    the backward passes of two layers overlap in time instead of running one after the
#    other? In the forward pass, could layer 2 start before layer 1 has finished?
# 3. Suppose every layer had its own output and loss (some deep RNNs are trained this way).
#    What would layer $l-1$'s `da` be then?
# 4. A stack has a bidirectional layer in the middle. Which layers can still give
#    $\hat{y}^{\langle t \rangle}$ before the whole sequence has been read?
# 5. An LSTM layer passes $a^{[l]\langle t \rangle}$ up but keeps $c^{[l]\langle t \rangle}$
#    to itself. Where does the gradient of $c^{[l]\langle t \rangle}$ come from in the
#    backward pass?
