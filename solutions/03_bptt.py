# %% [markdown]
# # 03 · Backpropagation through time
#
# Notebook 02 ran an RNN forward, left to right. To train it we need the gradient of the loss
# with respect to every parameter, and since the same parameters act at every time step, the
# backward pass has to run back through time as well, right to left: **backpropagation through
# time**. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `rnn_cell_backward`: one time step, backward | 3 |
# | 2 | `rnn_backward`: backpropagation through time over a whole sequence | 3 |
# | 3 | `gradient_check`: compare a gradient with centred differences | 2 |
#
# The forward pass comes from `seqlib.rnn` (the reference for what you wrote in notebook 02),
# so this notebook does not depend on your answers there. Each exercise is followed by a test
# cell: press **Validate** (or run the cell) to check your answer.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from seqlib.checks import check
from seqlib.explore import bptt_contributions
from seqlib.initialization import init_parameters
from seqlib.losses import cross_entropy, cross_entropy_steps
from seqlib.outputs import output_backward_logits, output_forward
from seqlib.rnn import rnn_cell_forward, rnn_forward
from seqlib.widgets import bptt_explorer

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The loss
#
# At step $t$ the network predicts a distribution $\hat{y}^{\langle t \rangle}$ over the $n_y$
# classes, and the right answer $y^{\langle t \rangle}$ is a one-hot vector. The loss of one
# step is the cross-entropy
#
# $$\mathcal{L}^{\langle t \rangle}(\hat{y}^{\langle t \rangle}, y^{\langle t \rangle}) = -\sum_{i=1}^{n_y} y_i^{\langle t \rangle} \log \hat{y}_i^{\langle t \rangle}$$
#
# Only the right class's term is non-zero: the loss is $-\log$ of the probability the network
# gave to the right answer, 0 when it was sure and right. The loss of a whole sequence is the
# sum over its steps,
#
# $$J = \sum_{t=1}^{T_x} \mathcal{L}^{\langle t \rangle}(\hat{y}^{\langle t \rangle}, y^{\langle t \rangle})$$
#
# and over a batch of $m$ examples the course takes the **mean** over the examples,
# $J = \frac{1}{m} \sum_{i=1}^{m} \sum_{t} \mathcal{L}^{(i)\langle t \rangle}$, so that a
# learning rate does not depend on the batch size. `seqlib.losses` has both:
# `cross_entropy_steps(y_pred, y)` gives every $\mathcal{L}^{(i)\langle t \rangle}$, shape
# $(m, T_x)$, and `cross_entropy(y_pred, y)` gives $J$.

# %%
rng = np.random.default_rng(0)
n_x, n_a, n_y, m, T_x = 3, 5, 4, 2, 6
parameters = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
x = rng.standard_normal((n_x, m, T_x))
y = np.eye(n_y)[:, rng.integers(0, n_y, size=(m, T_x))]  # one-hot targets, (n_y, m, T_x)
a0 = np.zeros((n_a, m))
a, y_pred, caches = rnn_forward(x, a0, parameters)
L = cross_entropy_steps(y_pred, y)  # (m, T_x)
print("L<t> for each example (rows) and step (columns):\n", L)
print(f"J = {cross_entropy(y_pred, y):.4f} = L.sum() / m = {L.sum() / m:.4f}")

# %% [markdown]
# When the examples have different lengths, the batch is padded to the longest one (notebook
# 01), and a mask $(m, T_x)$ says which steps are real. The loss multiplies each
# $\mathcal{L}^{(i)\langle t \rangle}$ by the mask, so a padded step costs nothing and, as we
# will see, sends no gradient back:

# %%
mask = np.array([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], dtype=np.float64)  # lengths 6, 4
print(f"J with the mask = {cross_entropy(y_pred, y, mask):.4f} "
      f"= (L * mask).sum() / m = {(L * mask).sum() / m:.4f}")

# %% [markdown]
# ## The computation graph, unrolled in time
#
# Draw every step of the forward pass as its own box, and the RNN becomes an ordinary, if
# long, feed-forward graph. The forward pass runs left to right and upwards; the backward pass
# runs the same arrows the other way, downwards and **right to left**, which is where the name
# comes from:
#
# ```
#             L<1>            L<2>                    L<T_x>    ---> J = L<1> + ... + L<T_x>
#              ↑               ↑                        ↑
#             ŷ<1>            ŷ<2>                    ŷ<T_x>         (Wya, by)
#              ↑               ↑                        ↑
#   a<0> ──▶ [step 1] ─a<1>─▶ [step 2] ─a<2>─▶ ... ─▶ [step T_x] ─a<T_x>   (Wax, Waa, ba)
#              ↑               ↑                        ↑
#             x<1>            x<2>                    x<T_x>
# ```
#
# Two facts of this picture make the whole algorithm:
#
# 1. **Each $a^{\langle t \rangle}$ is used twice**: by the output $\hat{y}^{\langle t
#    \rangle}$ ("vertically") and by the next step ("horizontally"). So its gradient is the
#    sum of what comes back along both arrows.
# 2. **Every step uses the same $W_{ax}$, $W_{aa}$, $b_a$** (and every output the same
#    $W_{ya}$, $b_y$). Think of step $t$ as having its own copy $W_{aa}^{[t]}$, all the copies
#    being equal. $J$ depends on $W_{aa}$ through every copy, and the chain rule adds the
#    paths: $\frac{\partial J}{\partial W_{aa}} = \sum_{t} \frac{\partial J}{\partial
#    W_{aa}^{[t]}}$. **The gradient of a shared weight is a sum over the time steps.**
#
# ## The output layer's part (given)
#
# For a softmax followed by the cross-entropy, the gradient of the loss with respect to the
# pre-activation $z_y^{\langle t \rangle} = W_{ya} a^{\langle t \rangle} + b_y$ is simply
# $\hat{y}^{\langle t \rangle} - y^{\langle t \rangle}$, divided by $m$ for the batch mean
# (and multiplied by the mask, if any). The output layer sends down to each $a^{\langle t
# \rangle}$
#
# $$\frac{\partial J}{\partial a^{\langle t \rangle}}\Big|_{\text{output at } t} = W_{ya}^T \, dz_y^{\langle t \rangle}$$
#
# which is `da[:, :, t]`, the array your backward functions receive: `da` is $(n_a, m, T_x)$.
# `seqlib.outputs` does this for every step at once, and, $W_{ya}$ being shared, its
# `dWy` $= \sum_t dz_y^{\langle t \rangle} (a^{\langle t \rangle})^T$ is already a sum over
# time.

# %%
def output_layer_backward(a, y_pred, y, parameters, mask=None):
    """What the outputs send back: {"da": (n_a, m, T_x), "dWy": (n_y, n_a), "dby": (n_y, 1)}.

    Softmax + cross-entropy with the batch mean: dz_y = (y_pred - y) * mask / m.
    """
    _, out_cache = output_forward(a, parameters["Wya"], parameters["by"])
    dz_y = (y_pred - y) / y.shape[1]  # (n_y, m, T_x)
    if mask is not None:
        dz_y = dz_y * mask  # (m, T_x) broadcasts over the n_y units
    return output_backward_logits(dz_y, out_cache)


out_grads = output_layer_backward(a, y_pred, y, parameters, mask)
da = out_grads["da"]
print("da", da.shape, "  dWya", out_grads["dWy"].shape, "  dby", out_grads["dby"].shape)
print("||da[:, 1, t]|| for the second example, whose steps 5 and 6 are padding:",
      np.linalg.norm(da[:, 1, :], axis=0))

# %% [markdown]
# ## One step backward
#
# Write the step's pre-activation $z^{\langle t \rangle} = W_{aa} a^{\langle t-1 \rangle} +
# W_{ax} x^{\langle t \rangle} + b_a$, so that $a^{\langle t \rangle} = \tanh(z^{\langle t
# \rangle})$. The step receives `da_next` $= \frac{\partial J}{\partial a^{\langle t
# \rangle}}$, the *whole* gradient with respect to its output, and must send back the gradients
# with respect to its inputs $x^{\langle t \rangle}$ and $a^{\langle t-1 \rangle}$ and its
# parameters.
#
# **The tanh derivative.** $\frac{d}{dz}\tanh(z) = 1 - \tanh^2(z)$, and $\tanh(z^{\langle t
# \rangle})$ is $a^{\langle t \rangle}$ itself, which the cache holds as `a_next`: no need to
# recompute $z^{\langle t \rangle}$. Element by element ($\odot$),
#
# $$dz = \left(1 - (a^{\langle t \rangle})^2\right) \odot da_{next}$$
#
# Then, since $z$ is linear in everything else,
#
# $$dx_t = W_{ax}^T \, dz \qquad da_{prev} = W_{aa}^T \, dz$$
# $$dW_{ax} = dz \, (x^{\langle t \rangle})^T \qquad dW_{aa} = dz \, (a^{\langle t-1 \rangle})^T \qquad db_a = \sum_{\text{examples}} dz$$
#
# The weights are shared by the $m$ examples too: the product `dz @ xt.T` adds up the
# examples' contributions by itself, and `dba` needs an explicit sum over axis 1 (keep it a
# column with `keepdims=True`). The 1/m of the batch mean is already inside `da`: do not divide
# again.
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $\partial J / \partial a^{\langle t \rangle}$, $dz$ | `da_next`, `dz` | $(n_a, m)$ |
# | $dx_t$, $da_{prev}$ | `dxt`, `da_prev` | $(n_x, m)$, $(n_a, m)$ |
# | $dW_{ax}$, $dW_{aa}$, $db_a$ | `dWax`, `dWaa`, `dba` | $(n_a, n_x)$, $(n_a, n_a)$, $(n_a, 1)$ |
#
# Each gradient has the shape of the quantity it is the gradient of. Here is the tanh with its
# derivative: the derivative is at most 1, and almost 0 once the unit saturates near $\pm 1$.
# A saturated unit passes almost no gradient back.

# %%
z = np.linspace(-4, 4, 200)
fig, ax = plt.subplots(figsize=(5, 2.6))
ax.plot(z, np.tanh(z), label="tanh(z)")
ax.plot(z, 1 - np.tanh(z) ** 2, label="1 - tanh(z)²")
ax.set_xlabel("z")
ax.set_ylabel("value")
ax.axhline(0, color="grey", lw=0.5)
ax.legend()
plt.show()

# %% [markdown]
# ### Exercise 1: `rnn_cell_backward` (3 points)
#
# Implement the formulas above. The cache is `(a_next, a_prev, xt, parameters)`, as
# `rnn_cell_forward` returns it; return a dict with the keys `dxt`, `da_prev`, `dWax`, `dWaa`
# and `dba`.

# %% grade_id="rnn_cell_backward" solution=true
def rnn_cell_backward(da_next, cache):
    """Backward through one step of the RNN.

    da_next: dJ/da<t>, (n_a, m); cache: (a_next, a_prev, xt, parameters) from rnn_cell_forward.
    Returns a dict: dxt (n_x, m), da_prev (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a),
    dba (n_a, 1).
    """
    a_next, a_prev, xt, parameters = cache
    Wax, Waa = parameters["Wax"], parameters["Waa"]
    ### BEGIN SOLUTION
    dz = (1 - a_next**2) * da_next  # backprop through tanh: tanh'(z) = 1 - a_next**2
    dxt = Wax.T @ dz  # (n_x, m)
    da_prev = Waa.T @ dz  # (n_a, m)
    dWax = dz @ xt.T  # (n_a, n_x), summed over the m examples by the product
    dWaa = dz @ a_prev.T  # (n_a, n_a)
    dba = np.sum(dz, axis=1, keepdims=True)  # (n_a, 1)
    ### END SOLUTION
    return {"dxt": dxt, "da_prev": da_prev, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# %% grade_id="test_rnn_cell_backward" points=3
"""rnn_cell_backward agrees with the reference on caches from seqlib's forward."""
check("rnn_cell_backward", rnn_cell_backward)
### BEGIN HIDDEN TESTS
check("rnn_cell_backward", rnn_cell_backward, seed=20271, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# One step backward on a small example: each gradient has the shape of its variable.

# %%
xt, a_prev = rng.standard_normal((n_x, m)), rng.standard_normal((n_a, m))
a_next, _, cache = rnn_cell_forward(xt, a_prev, parameters)
step_grads = rnn_cell_backward(rng.standard_normal((n_a, m)), cache)
for key, value in step_grads.items():
    print(f"{key:<8} {value.shape}")

# %% [markdown]
# ## Backpropagation through time
#
# Now chain the steps, from the last to the first. The gradient reaching $a^{\langle t
# \rangle}$ is the sum of its two parts:
#
# $$\frac{\partial J}{\partial a^{\langle t \rangle}} = \underbrace{\texttt{da[:, :, t]}}_{\text{vertical: from } \hat{y}^{\langle t \rangle}} + \underbrace{\texttt{da_prev of step t+1}}_{\text{horizontal: from } a^{\langle t+1 \rangle}}$$
#
# After the last step nothing comes from the future, so the horizontal part starts at zero.
# Each step's `rnn_cell_backward` then returns the `da_prev` that the step before it needs, and
# its share of $dW_{ax}$, $dW_{aa}$, $db_a$, which are **added up** over the steps:
#
# $$dW_{aa} = \sum_{t=1}^{T_x} dz^{\langle t \rangle} (a^{\langle t-1 \rangle})^T, \qquad
# dW_{ax} = \sum_{t=1}^{T_x} dz^{\langle t \rangle} (x^{\langle t \rangle})^T, \qquad
# db_a = \sum_{t=1}^{T_x} \sum_{\text{examples}} dz^{\langle t \rangle}$$
#
# $dx^{\langle t \rangle}$ belongs to one step only, so it is stored, not summed: `dx[:, :, t]`
# is step $t$'s `dxt`. What the first step returns as `da_prev` is `da0`, the gradient with
# respect to $a^{\langle 0 \rangle}$.
#
# ### Exercise 2: `rnn_backward` (3 points)
#
# `caches` is `(list of the T_x step caches, x)`, as `rnn_forward` returns it. Loop over
# `reversed(range(T_x))` and call your `rnn_cell_backward` at each step; after the loop, set
# `da0`.

# %% grade_id="rnn_backward" solution=true
def rnn_backward(da, caches):
    """Backpropagation through time over a whole sequence.

    da: (n_a, m, T_x), the gradient each a<t> receives from the output at step t;
    caches: (list of T_x step caches, x) from rnn_forward.
    Returns a dict: dx (n_x, m, T_x), da0 (n_a, m), dWax (n_a, n_x), dWaa (n_a, n_a),
    dba (n_a, 1).
    """
    step_caches, x = caches
    parameters = step_caches[0][3]
    n_a, m, T_x = da.shape
    dx = np.zeros(x.shape)
    dWax = np.zeros(parameters["Wax"].shape)
    dWaa = np.zeros(parameters["Waa"].shape)
    dba = np.zeros(parameters["ba"].shape)
    da_prevt = np.zeros((n_a, m))  # the gradient from the future: none after the last step
    ### BEGIN SOLUTION
    for t in reversed(range(T_x)):
        # a<t> feeds the output at t (vertical) and the step t+1 (horizontal)
        grads = rnn_cell_backward(da[:, :, t] + da_prevt, step_caches[t])
        dx[:, :, t] = grads["dxt"]
        da_prevt = grads["da_prev"]
        dWax += grads["dWax"]  # shared weights: the steps' gradients add up
        dWaa += grads["dWaa"]
        dba += grads["dba"]
    da0 = da_prevt
    ### END SOLUTION
    return {"dx": dx, "da0": da0, "dWax": dWax, "dWaa": dWaa, "dba": dba}


# %% grade_id="test_rnn_backward" points=3
"""rnn_backward agrees with the reference on caches from seqlib's forward."""
check("rnn_backward", rnn_backward)
### BEGIN HIDDEN TESTS
check("rnn_backward", rnn_backward, seed=20272, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# With the output layer's part, that is every gradient a step of gradient descent needs. On
# the padded example from above, the padding gets no gradient at all:

# %%
grads = rnn_backward(da, caches)
grads.update(dWya=out_grads["dWy"], dby=out_grads["dby"])
for key, value in grads.items():
    print(f"{key:<5} {str(value.shape):<10} norm {np.linalg.norm(value):.4f}")
print("||dx[:, 1, t]|| for the second example:", np.linalg.norm(grads["dx"][:, 1, :], axis=0))

# %% [markdown]
# ## The two parts of the gradient, step by step
#
# How big are the vertical and the horizontal parts of $\partial J / \partial a^{\langle t
# \rangle}$? `seqlib.explore.bptt_contributions(da, caches)` measures both at every step, for
# any `da` and `caches` from `rnn_forward`. It runs the backward loop once, right to left, as
# your `rnn_backward` does, and before adding the vertical part at step $t$ it records the norm
# of the horizontal one, the `da_prev` that step $t+1$ sent back. (It is seqlib's own loop, so
# the plot does not depend on your answer.)
#
# Here is a random RNN on a sequence of 20 steps with a target at every step, twice: with
# $W_{aa}$ as initialised, and with $W_{aa}$ three times larger. The height of a stacked bar
# is the sum of the two norms (the norm of their sum can be smaller, as the two parts need not
# point the same way).

# %%
rng = np.random.default_rng(3)
n_x, n_a, n_y, m, T_x = 4, 16, 4, 8, 20
base = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
x_long = rng.standard_normal((n_x, m, T_x))
y_long = np.eye(n_y)[:, rng.integers(0, n_y, size=(m, T_x))]
steps = np.arange(1, T_x + 1)  # t = 1 ... T_x, as in the notes
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
for ax, scale in zip(axes, (1, 3), strict=True):
    scaled = {**base, "Waa": scale * base["Waa"]}
    a_long, y_pred_long, caches_long = rnn_forward(x_long, np.zeros((n_a, m)), scaled)
    da_long = output_layer_backward(a_long, y_pred_long, y_long, scaled)["da"]
    vertical, horizontal = bptt_contributions(da_long, caches_long)
    ax.bar(steps, vertical, label="vertical: from ŷ<t>")
    ax.bar(steps, horizontal, bottom=vertical, label="horizontal: from a<t+1>")
    ax.set_title(f"Waa × {scale}")
    ax.set_xticks([1, 5, 10, 15, 20])
    ax.set_xlabel("time step t")
    ax.set_ylabel("norm of the gradient into a<t>")
axes[1].legend(loc="upper right")
fig.tight_layout()
plt.show()

# %% [markdown]
# What the bars show:
#
# - At $t = T_x$ the horizontal part is **zero**: nothing comes after the last step. The
#   vertical parts are all alike, one output's worth each.
# - Going back, $a^{\langle t \rangle}$ collects the gradient of every later output, each one
#   passed back through one factor $W_{aa}^T \,\mathrm{diag}(1 - (a^{\langle k \rangle})^2)$
#   per step it travels.
# - With $W_{aa}$ as initialised (left) these factors shrink the gradient: an output $k$ steps
#   later contributes less and less as $k$ grows, so the horizontal part levels off after a few
#   steps. The early states learn almost nothing from the late outputs: **vanishing
#   gradients**.
# - With $W_{aa}$ three times larger (right) the factors enlarge it: the horizontal part grows
#   geometrically going back and swamps the vertical one: **exploding gradients**.
#
# Notebook 05 looks at both problems and what to do about them.
#
# ## Gradient checking
#
# A backward pass can be wrong and still produce arrays of the right shapes. The independent
# test is to estimate the gradient numerically: nudge one entry $\theta_i$ of a variable by
# $\pm\varepsilon$ and watch the loss,
#
# $$g^{\text{num}}_i = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}{2 \varepsilon}$$
#
# This **centred** difference has an error of order $\varepsilon^2$, the one-sided
# $(J(\theta + \varepsilon e_i) - J(\theta)) / \varepsilon$ of order $\varepsilon$: with
# $\varepsilon = 10^{-6}$, about $10^{-12}$ against $10^{-6}$. Then compare the whole arrays
# with the **relative error**
#
# $$\frac{\lVert g - g^{\text{num}} \rVert}{\lVert g \rVert + \lVert g^{\text{num}} \rVert}$$
#
# which does not depend on the scale of the loss. In float64, a correct backward gives about
# $10^{-9}$ or less; $10^{-3}$ or more means a bug.
#
# ### Exercise 3: `gradient_check` (2 points)
#
# `f` is a function of no arguments that returns the loss; it reads the array `x` itself. So
# change `x` **in place**, one entry at a time: remember the old value, set `x[ix] = old + eps`
# and call `f()`, set `x[ix] = old - eps` and call `f()`, then put the old value back.
# `np.ndindex(x.shape)` gives every index `ix` of an array of any shape. Return the relative
# error as a float (`np.linalg.norm` gives the norm of a whole array).

# %% grade_id="gradient_check" solution=true
def gradient_check(f, x, grad, eps=1e-6):
    """Relative error between grad and the centred-difference gradient of f with respect to x.

    f: function of no arguments returning the loss, a float; it reads x.
    x: the array the gradient is taken with respect to, any shape; perturbed in place, one
        entry at a time, and restored.
    grad: the analytic gradient dJ/dx, shaped like x.
    Returns ||grad - grad_num|| / (||grad|| + ||grad_num||), a float.
    """
    grad_num = np.zeros(x.shape)
    ### BEGIN SOLUTION
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + eps
        f_plus = f()
        x[ix] = old - eps
        f_minus = f()
        x[ix] = old  # restore: the next entries are measured at the same point
        grad_num[ix] = (f_plus - f_minus) / (2 * eps)
    difference = np.linalg.norm(grad - grad_num)
    return float(difference / (np.linalg.norm(grad) + np.linalg.norm(grad_num)))
    ### END SOLUTION


# %% grade_id="test_gradient_check" points=2
"""gradient_check agrees with the reference on correct and on wrong gradients."""
check("gradient_check", gradient_check)
### BEGIN HIDDEN TESTS
check("gradient_check", gradient_check, seed=20273, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Now check your `rnn_backward`, on the small example with its mask. `J` runs the whole
# forward pass and the loss; the analytic gradients come from the output layer and your
# backward pass. Every variable is checked: the input `x`, the initial state `a0` and the
# three recurrent parameters.

# %%
def J():
    _, y_pred, _ = rnn_forward(x, a0, parameters)
    return cross_entropy(y_pred, y, mask)


a, y_pred, caches = rnn_forward(x, a0, parameters)
da = output_layer_backward(a, y_pred, y, parameters, mask)["da"]
grads = rnn_backward(da, caches)
variables = {"x": x, "a0": a0, "Wax": parameters["Wax"], "Waa": parameters["Waa"],
             "ba": parameters["ba"]}
for name, array in variables.items():
    print(f"d{name:<4} relative error {gradient_check(J, array, grads['d' + name]):.1e}")

# %% [markdown]
# And a backward with a deliberate bug: each step backpropagated on its own, as if no gradient
# came from the future (each call to your `rnn_backward` sees a sequence of one step). The
# vertical parts are all there, the horizontal ones are missing, and the check sees it at once:

# %%
def no_future_backward(da, caches):
    """A wrong backward: the steps one by one, the horizontal gradient dropped."""
    step_caches, x = caches
    steps = [rnn_backward(da[:, :, t:t + 1], ([step_caches[t]], x[:, :, t:t + 1]))
             for t in range(x.shape[2])]
    return {key: sum(step[key] for step in steps) for key in ("dWax", "dWaa", "dba")}


wrong = no_future_backward(da, caches)
for name in ("Wax", "Waa", "ba"):
    error = gradient_check(J, parameters[name], wrong["d" + name])
    print(f"d{name:<4} relative error {error:.1e}")

# %% [markdown]
# ## Explore: the two parts over time
#
# The same plot, live: the scale of $W_{aa}$ and the length of the sequence are sliders (a
# random RNN with a target at every step, as above). Watch the horizontal part die out going
# back for small scales and swamp the vertical one for large ones.

# %%
bptt_explorer()


# %% [markdown]
# ## Summary
#
# - The loss of a sequence is the sum of the steps' cross-entropies, $J = \sum_t
#   \mathcal{L}^{\langle t \rangle}$, and the course takes the mean over the $m$ examples; a
#   mask removes the padded steps.
# - Unrolled in time, an RNN is a feed-forward graph: the forward pass runs left to right,
#   backpropagation through time right to left.
# - One step backward: $dz = (1 - (a^{\langle t \rangle})^2) \odot da_{next}$, then
#   $dx_t = W_{ax}^T dz$, $da_{prev} = W_{aa}^T dz$, $dW_{ax} = dz\, x_t^T$,
#   $dW_{aa} = dz\, a_{prev}^T$, $db_a = \sum_{\text{examples}} dz$.
# - The gradient into $a^{\langle t \rangle}$ is vertical (`da[:, :, t]`) plus horizontal (the
#   `da_prev` of step $t+1$, zero at $T_x$).
# - Shared weights get the sum of the gradients of all the steps that use them.
# - Check a backward with centred differences and the relative error: about $10^{-9}$ when
#   right.
#
# ## Questions (not graded)
#
# 1. The backward step uses `a_next`, `a_prev` and `xt` from the cache, but never $z^{\langle
#    t \rangle}$. Why is `a_next` enough?
# 2. For a many-to-one RNN (sentiment classification: only $\hat{y}^{\langle T_x \rangle}$),
#    which parts of `da` are zero? Sketch the bar plot above for that case.
# 3. How does the memory used by backpropagation through time grow with $T_x$? What would you
#    lose by backpropagating only $k$ steps into the past (`no_future_backward` is $k = 1$)?
# 4. Why does the centred difference have an error of order $\varepsilon^2$? (Write the Taylor
#    series of $J(\theta \pm \varepsilon)$.) Why not take $\varepsilon = 10^{-12}$?
# 5. Does the padding after a short example change the gradients of its real steps? Look at
#    which parts of `da` the mask sets to zero, and at where the horizontal gradient comes
#    from.
