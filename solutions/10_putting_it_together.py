# %% [markdown]
# # 10 · Putting it together
#
# Notebook 05 left a promise: a vanilla RNN trained to make a verb agree with a subject many
# words back fails once the subject is far enough, and gated cells were to fix that. Notebooks
# 06 to 09 built the GRU, the LSTM and bidirectional and deep RNNs. Here we keep the promise,
# and **measure** it: a vanilla RNN, a GRU, an LSTM and a bidirectional RNN on the same
# agreement task, distance by distance. Then the notes' other task, finding the names in a
# sentence, with a bidirectional LSTM. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `accuracy`: how often a many-to-one classifier is right | 2 |
# | 2 | `many_to_one_loss_and_grads`: the loss and every gradient, for any cell | 4 |
# | 3 | `tagging_f1`: precision, recall and F1 of a tagger | 3 |
#
# The cells come from `seqlib` (the references for what notebooks 02 to 08 asked you to
# write), so this notebook does not depend on your earlier answers. Each exercise is followed
# by a test cell: press **Validate** (or run the cell) to check your answer. The checks
# compare your function with `seqlib`'s reference on random inputs and, when a result is
# wrong, say what looks wrong.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np

from seqlib.bidirectional import bidirectional_backward, bidirectional_forward, init_bidirectional
from seqlib.cells import get_cell
from seqlib.checks import check
from seqlib.checks.together import tagging_f1 as seqlib_tagging_f1
from seqlib.data import entity_tagging, long_range_agreement
from seqlib.data.tasks import AMBIGUOUS
from seqlib.data.train_weights import held_out, load, predict, train, train_all
from seqlib.gradcheck import check_gradients
from seqlib.initialization import init_parameters
from seqlib.losses import sigmoid_binary_cross_entropy
from seqlib.optim import Adam, clip_by_global_norm
from seqlib.outputs import output_backward_logits, output_forward
from seqlib.text import one_hot

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Many-to-one: the agreement task
#
# `long_range_agreement` writes the sentences of notebook 05: a subject, singular or plural,
# then `distance` filler words that say nothing about number, then the verb. The network reads
# everything before the verb, $T_x = \text{distance} + 5$ words, and answers *was* ($y = 0$)
# or *were* ($y = 1$):

# %%
task = long_range_agreement(3, 6, np.random.default_rng(0))
for sentence, label in zip(task.sentences, task.y[0], strict=True):
    print(f"{' '.join(sentence):<70} y = {label:.0f}")
print("x:", task.x.shape, "= (n_x, m, T_x)   y:", task.y.shape, "= (1, m)")

# %% [markdown]
# Any cell can read the sentence. Write $a^{\langle t \rangle}$ for its hidden state (the GRU's
# $c^{\langle t \rangle}$, the LSTM's $a^{\langle t \rangle} = \Gamma_o * \tanh
# c^{\langle t \rangle}$). A **many-to-one** classifier predicts once, from the last state,
# with a sigmoid: the probability of *were* is
#
# $$z = W_y\, a^{\langle T_x \rangle} + b_y, \qquad \hat{y} = \sigma(z)$$
#
# and the loss is the binary cross-entropy, averaged over the $m$ sentences:
#
# $$J = \frac{1}{m} \sum_{i=1}^{m} -\left(y^{(i)} \log \hat{y}^{(i)} + (1 - y^{(i)}) \log (1 -
# \hat{y}^{(i)})\right)$$
#
# A prediction is right when $\hat{y} > 0.5$ and $y = 1$, or $\hat{y} \le 0.5$ and $y = 0$.
#
# | quantity | code | shape |
# | --- | --- | --- |
# | $x$ | `x` | $(n_x, m, T_x)$ |
# | $a^{\langle 0 \rangle}$ | `a0` | $(n_a, m)$ |
# | $a^{\langle 1 \rangle} \dots a^{\langle T_x \rangle}$ | `a` | $(n_a, m, T_x)$ |
# | $W_y$, $b_y$ | `Wya` and `by` for the RNN, `Wy` and `by` for the GRU and LSTM | $(1, n_a)$, $(1, 1)$ |
# | $z$, $\hat{y}$, $y$ | `z`, `y_prob`, `y` | $(1, m)$ |
#
# ### Exercise 1: `accuracy` (2 points)
#
# Return the fraction of the $m$ sentences whose verb the model gets right, as one number:
# predict 1 where `y_prob > 0.5`, 0 elsewhere, and compare with `y`.

# %% grade_id="accuracy" solution=true
def accuracy(y_prob, y):
    """Fraction of right many-to-one predictions.

    y_prob: ŷ, probabilities, (1, m); y: labels 0/1, (1, m).
    Returns a float between 0 and 1; the prediction is 1 where y_prob > 0.5.
    """
    ### BEGIN SOLUTION
    return float(np.mean((y_prob > 0.5) == (y == 1)))
    ### END SOLUTION


# %% grade_id="test_accuracy" points=2
"""accuracy agrees with the reference on random predictions."""
check("accuracy", accuracy)
### BEGIN HIDDEN TESTS
check("accuracy", accuracy, seed=21001, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# ## The loss and every gradient, for any cell
#
# Training needs $J$ and its gradient with respect to every parameter. Backward from the loss:
#
# - $\partial J / \partial z = (\hat{y} - y) / m$, shape $(1, m)$, call it `dz`:
#   `sigmoid_binary_cross_entropy(z, y)` returns `J` and `dz` together, from $z$ (it applies
#   the sigmoid itself, stably);
# - the output layer: $dW_y = dz\, (a^{\langle T_x \rangle})^T$ and $db_y = \sum_i dz$
#   (summed over the $m$ sentences), and the gradient reaching the last state is
#   $da^{\langle T_x \rangle} = W_y^T dz$;
# - the recurrence: only the last step has a loss, so `da`, the gradient arriving at each
#   $a^{\langle t \rangle}$ from the outputs, is zero except at $t = T_x$. Backpropagation
#   through time (notebook 03) carries it back to every step and every gate.
#
# `seqlib.cells.get_cell(cell)` gives one interface to the three cells, for `cell` =
# `"rnn"`, `"gru"` or `"lstm"`:
#
# | `c = get_cell(cell)` | what it is |
# | --- | --- |
# | `c.forward_states(x, a0, parameters)` | `(a, caches)`: every hidden state $(n_a, m, T_x)$, and what the backward needs |
# | `c.backward_states(da, caches)` | a dict: `"d" + key` for each recurrent parameter, and `"dx"`, `"da0"` (the LSTM's also `"dc0"`) |
# | `c.recurrent_shapes` | a dict whose keys are the recurrent parameters' names: `Wax Waa ba`, `Wu bu Wr br Wc bc` or `Wf bf Wu bu Wc bc Wo bo` |
# | `c.output_keys` | the output layer's names: `("Wya", "by")` for the RNN, `("Wy", "by")` for the GRU and LSTM |
#
# ### Exercise 2: `many_to_one_loss_and_grads` (4 points)
#
# Return `(J, grads)`. `grads` holds `"d" + key` for **every key of `parameters`** (the
# recurrent ones and the two of the output layer) and nothing else: `dx`, `da0` and `dc0` are
# not parameters, and `clip_by_global_norm` would count them in the norm.

# %% grade_id="many_to_one_loss_and_grads" solution=true
def many_to_one_loss_and_grads(x, y, a0, parameters, cell):
    """Loss and gradients of a many-to-one sigmoid classifier on the last state.

    x: (n_x, m, T_x); y: 0/1 labels, (1, m); a0: (n_a, m);
    parameters: the cell's recurrent parameters and its output layer (W_key, b_key);
    cell: "rnn", "gru" or "lstm".
    Returns J (a float) and grads, {"d" + key: gradient shaped like parameters[key]} for every
    key of parameters.
    """
    c = get_cell(cell)
    W_key, b_key = c.output_keys  # ("Wya", "by") for "rnn", ("Wy", "by") for "gru", "lstm"
    Wy = parameters[W_key]  # W_y, (1, n_a)
    ### BEGIN SOLUTION
    a, caches = c.forward_states(x, a0, parameters)  # (n_a, m, T_x)
    a_last = a[:, :, -1]  # a<T_x>, (n_a, m)
    z = Wy @ a_last + parameters[b_key]  # (1, m)
    J, dz = sigmoid_binary_cross_entropy(z, y)  # dz = (ŷ - y) / m, (1, m)
    da = np.zeros_like(a)
    da[:, :, -1] = Wy.T @ dz  # only the last step has a loss
    recurrent = c.backward_states(da, caches)
    grads = {"d" + key: recurrent["d" + key] for key in c.recurrent_shapes}
    grads["d" + W_key] = dz @ a_last.T  # (1, n_a)
    grads["d" + b_key] = np.sum(dz, axis=1, keepdims=True)  # (1, 1)
    ### END SOLUTION
    return J, grads


# %% grade_id="test_many_to_one_loss_and_grads" points=4
"""many_to_one_loss_and_grads agrees with the reference and with centred differences."""
check("many_to_one_loss_and_grads", many_to_one_loss_and_grads)
### BEGIN HIDDEN TESTS
check("many_to_one_loss_and_grads", many_to_one_loss_and_grads, seed=21002, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The test compared your gradients with `seqlib`'s. They can also be checked against the
# definition of a derivative, as in notebook 03: nudge every parameter by $\pm\varepsilon$,
# recompute $J$, compare. `seqlib.gradcheck.check_gradients` does that for every array of a
# dict; a right gradient gives a relative error of about $10^{-9}$ or less.

# %%
def gradient_errors(cell, rng):
    """J of a tiny model of `cell`, and check_gradients' relative error for each parameter."""
    x, y = rng.standard_normal((3, 4, 5)), np.array([[0.0, 1.0, 1.0, 0.0]])
    a0, parameters = rng.standard_normal((2, 4)), init_parameters(cell, 3, 2, 1, rng=rng)
    J, grads = many_to_one_loss_and_grads(x, y, a0, parameters, cell)
    errors = check_gradients(lambda: many_to_one_loss_and_grads(x, y, a0, parameters, cell)[0],
                             parameters, grads)  # perturbs parameters in place, one by one
    return J, errors


rng = np.random.default_rng(1)
for cell in ("rnn", "gru", "lstm"):
    J, errors = gradient_errors(cell, rng)
    print(f"{cell:>4}: J = {J:.4f}, largest relative error {max(errors.values()):.1e} "
          f"over {len(errors)} parameters")

# %% [markdown]
# ## The experiment
#
# Training is the loop of notebook 05: minibatches of sentences, your
# `many_to_one_loss_and_grads`, clipping at a global norm, an optimiser step. Every model gets
# the same settings, below. Two of them need a word.
#
# **The optimiser.** Notebook 05 trained a vanilla RNN with plain gradient descent: it was at
# chance from distance 5 on. Adam took it further, now and then by luck. We use Adam for every
# model here: it gives the vanilla RNN its best chance, and with plain gradient descent and
# these settings none of the four models learns even distance 5 in 150 steps (question 2).
#
# **The gate bias.** With small random weights and zero biases every gate starts near
# $\sigma(0) = 0.5$: the LSTM keeps $\Gamma_f \approx 0.5$ of its memory cell at each step and
# the GRU $1 - \Gamma_u \approx 0.5$, so after 40 steps $0.5^{40} \approx 10^{-12}$ of it is
# left, no better than a vanilla RNN. The fix is to **start the gates at "keep"**: a bias
# `gate_bias` $= 3$ sets $b_f = 3$ in the LSTM and $b_u = -3$ in the GRU, so that $\sigma(3)
# \approx 0.95$ of the memory is kept per step ($0.95^{40} \approx 0.14$) until training
# decides otherwise. (`init_parameters` already starts the LSTM's $b_f$ at 1, $\sigma(1)
# \approx 0.73$, for the same reason; here both gated cells get the same, stronger start.) The
# vanilla RNN has no gate to open: its memory is whatever $W_{aa}$ and the tanh do to it.
#
# **The bidirectional model**, `"bi-rnn"`, is a vanilla RNN in each direction (notebook 08).
# As a many-to-one classifier it reads each direction's state after the whole sentence,
# $\hat{y} = \sigma(W_y [\overrightarrow{a}^{\langle T_x \rangle}; \overleftarrow{a}^{\langle
# 1 \rangle}] + b_y)$.
#
# ### Settings
#
# Change anything in the next cell. With these values, the notebook loads weights trained
# beforehand with exactly these settings (`python -m seqlib.data.train_weights`, about a
# minute on one core: sixty training runs, more than a notebook should wait for). To train
# with your own settings, set `RETRAIN = True`: the same code then runs here, with your
# `many_to_one_loss_and_grads` (and `seqlib.bidirectional` for `"bi-"` models). One run of a vanilla RNN at distance 20 takes about a third of
# a second, of an LSTM at distance 60 about two seconds; fewer models, distances and seeds
# make it quicker.

# %%
# ---------------------------------------------------------------- settings: edit me
MODELS = ("rnn", "gru", "lstm", "bi-rnn")  # "rnn", "gru", "lstm", or "bi-" + one of them
DISTANCES = (5, 10, 20, 40, 60)  # filler words between the subject and the verb
SEEDS = (0, 1, 2)  # one training run per seed: its data, initial weights and minibatches
SETTINGS = {
    "n_a": 8,  # hidden units (per direction for "bi-" models)
    "steps": 150,  # minibatch updates
    "batch": 32,  # sentences per minibatch
    "n_train": 1024,  # training sentences per run
    "optimizer": "adam",  # "adam" or "sgd" (plain gradient descent)
    "lr": 0.005,  # learning rate
    "clip": 1.0,  # clip the gradient to this global norm before each update
    "gate_bias": 3.0,  # LSTM bf = gate_bias, GRU bu = -gate_bias (0: gates half open)
}
RETRAIN = False  # True: train here with these settings instead of loading the shipped weights

# %% [markdown]
# Before the full comparison, one pair trained right here with your function: a vanilla RNN and
# a GRU, with the settings above, at distance 20, and their accuracy on 512 sentences no
# training run has seen (`held_out`):

# %%
test = held_out(20)
for model in ("rnn", "gru"):
    start = time.perf_counter()
    trained = train(model, 20, SEEDS[0], SETTINGS, many_to_one=many_to_one_loss_and_grads)
    print(f"{model}: held-out accuracy {accuracy(predict(model, test.x, trained), test.y):.3f}"
          f"   (trained in {time.perf_counter() - start:.1f} s)")

# %% [markdown]
# Now every model at every distance, three seeds each. Whichever way the weights come, the
# accuracies below are measured now, on held-out sentences, with your `accuracy`.

# %%
chosen = {"models": list(MODELS), "distances": list(DISTANCES), "seeds": list(SEEDS),
          **SETTINGS}
if RETRAIN:
    weights = train_all(MODELS, DISTANCES, SEEDS, SETTINGS,
                        many_to_one=many_to_one_loss_and_grads)
    models, distances, seeds = MODELS, DISTANCES, SEEDS
else:
    weights, shipped = load()
    if shipped != chosen:
        print("Your settings differ from the shipped weights': set RETRAIN = True to train "
              "with yours. Showing the shipped weights.")
    models, distances, seeds = shipped["models"], shipped["distances"], shipped["seeds"]

results = {model: {} for model in models}  # model -> distance -> [accuracy per seed]
for distance in distances:
    test = held_out(distance)
    for model in models:
        results[model][distance] = [accuracy(predict(model, test.x, p), test.y)
                                    for p in weights[model][distance]]

print("held-out accuracy, mean over the seeds (runs above 0.9 out of", len(seeds), "seeds)\n")
print(f"{'distance':>10}" + "".join(f"{d:>11}" for d in distances))
for model in models:
    row = "".join(f"{np.mean(accs):7.2f} ({sum(a > 0.9 for a in accs)})"
                  for accs in results[model].values())
    print(f"{model:>10}{row}")

# %%
fig, axes = plt.subplots(1, len(models), figsize=(2.3 * len(models), 2.8), sharey=True,
                         squeeze=False)
for ax, model in zip(axes[0], models, strict=True):
    for i in range(len(seeds)):
        ax.plot(distances, [results[model][d][i] for d in distances], "o", color="C0",
                alpha=0.4, markersize=4)
    ax.plot(distances, [np.mean(results[model][d]) for d in distances], "-", color="C0")
    ax.axhline(0.5, color="gray", linestyle=":")
    ax.set_xscale("log")
    ax.set_xticks(distances, [str(d) for d in distances])
    ax.minorticks_off()
    ax.set_ylim(0.35, 1.05)
    ax.set_title(model)
    ax.set_xlabel("distance")
axes[0, 0].set_ylabel("held-out accuracy")
fig.suptitle("dots: one seed each; line: their mean; dotted: chance", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# With the shipped weights: the **vanilla RNN** gets every sentence right at distances 5 and
# 10, learns distance 20 in one seed out of three, and is at chance from 40 on. The **GRU**
# and the **LSTM**, with exactly the same data, optimiser, learning rate, steps and hidden
# size, solve every distance in every seed. This is not the luck of three seeds: trained by
# the same script with ten other seeds (3 to 12), the vanilla RNN learned distance 20 once and
# distances 40 and 60 never, while the GRU and the LSTM learned 20, 40 and 60 every time. The
# gates are what changed: the memory cell is carried from step to step by $\Gamma_f$ (or $1 -
# \Gamma_u$), not squeezed through $W_{aa}$ and a tanh, so the gradient from the verb reaches
# the subject. They push the limit further; they do not remove it: at distance 80 (not
# shipped), the LSTM stayed at chance in three seeds out of thirteen.
#
# The **bidirectional** vanilla RNN is right everywhere, and the reason is worth seeing: its
# backward direction reads the sentence from the end, so it reaches the subject (word 2) one
# step before it finishes. For $\overleftarrow{a}^{\langle 1 \rangle}$ the dependency has
# length 1, whatever the number of fillers. Bidirectionality did not cure the vanishing
# gradient; it moved the clue next to an end. A subject in the middle of a long sentence would
# be far from both ends, and a model that must answer before the sentence is over cannot read
# it backwards at all.
#
# ## Many-to-many: finding the names
#
# The notes' other example tags every word: $y^{\langle t \rangle} = 1$ when word $t$ is part
# of a person's name. `entity_tagging` writes such sentences; half of them start with a word
# like *Teddy*, *Rose* or *Olive* that is a name in "Teddy Roosevelt was a great president" and
# not in "Teddy bears are on sale". Sentences have different lengths, so a batch is padded to
# the longest, and `mask` $(m, T_x)$ is 1 at real words, 0 at padding:

# %%
rng = np.random.default_rng(0)
train_tags, test_tags = entity_tagging(512, rng), entity_tagging(500, rng)
for sentence, tags in list(zip(train_tags.sentences, train_tags.tags, strict=True))[:4]:
    print(" ".join(f"{word}/{tag}" for word, tag in zip(sentence, tags, strict=True)))
print("x", train_tags.x.shape, "  y", train_tags.y.shape, "  mask", train_tags.mask.shape)

# %% [markdown]
# Now every step has an output, a sigmoid on the state at that step:
# $\hat{y}^{\langle t \rangle} = \sigma(W_y a^{\langle t \rangle} + b_y)$ for a
# left-to-right LSTM, $\hat{y}^{\langle t \rangle} = \sigma(W_y [\overrightarrow{a}^{\langle t
# \rangle}; \overleftarrow{a}^{\langle t \rangle}] + b_y)$ for a bidirectional one
# (`seqlib.bidirectional`). The loss sums the binary cross-entropy over the real words only,
# $J = \frac{1}{m} \sum_i \sum_t \text{mask}^{(i)\langle t \rangle}\, \mathcal{L}^{(i)\langle t
# \rangle}$: `sigmoid_binary_cross_entropy(z, y, mask)` does it, and its `dz` is 0 at padding,
# so padding sends no gradient back. Both models: 8 units per direction, Adam, 100 minibatches
# of 32 sentences.

# %%
lstm = get_cell("lstm")


def tagger_loss_and_grads(x, y, mask, parameters):
    """J and the gradients of a tagger: bidirectional if parameters has two directions."""
    if "backward" in parameters:
        _, z, caches = bidirectional_forward(x, parameters, "lstm", activation="linear")
        out_cache = caches["output"]
    else:
        n_a = parameters["Wf"].shape[0]
        a, caches = lstm.forward_states(x, np.zeros((n_a, x.shape[1])), parameters)
        z, out_cache = output_forward(a, parameters["Wy"], parameters["by"], "linear")
    J, dz = sigmoid_binary_cross_entropy(z, y, mask)  # z, dz: (1, m, T_x); dz = 0 at padding
    out = output_backward_logits(dz, out_cache)  # da (n_a, m, T_x): every step has a loss now
    if "backward" in parameters:
        back = bidirectional_backward(out["da"], caches)
        grads = {d: {k: g for k, g in back[d].items() if k != "da0"}
                 for d in ("forward", "backward")}
    else:
        back = lstm.backward_states(out["da"], caches)
        grads = {"d" + key: back["d" + key] for key in lstm.recurrent_shapes}
    return J, {**grads, "dWy": out["dWy"], "dby": out["dby"]}


def tag_probabilities(x, parameters):
    """ŷ<t> for every word: (n_x, m, T_x) -> (1, m, T_x)."""
    if "backward" in parameters:
        return bidirectional_forward(x, parameters, "lstm", activation="sigmoid")[1]
    a, _ = lstm.forward_states(x, np.zeros((parameters["Wf"].shape[0], x.shape[1])), parameters)
    return output_forward(a, parameters["Wy"], parameters["by"], "sigmoid")[0]


n_x, n_a = train_tags.x.shape[0], 8
taggers = {"LSTM": init_parameters("lstm", n_x, n_a, 1, rng=np.random.default_rng(1)),
           "bidirectional LSTM": init_bidirectional("lstm", n_x, n_a, 1,
                                                    np.random.default_rng(1))}
for name, parameters in taggers.items():
    rng, optimizer = np.random.default_rng(2), Adam(lr=0.03)
    for _ in range(100):
        batch = rng.choice(train_tags.x.shape[1], size=32, replace=False)
        J, grads = tagger_loss_and_grads(train_tags.x[:, batch], train_tags.y[:, batch],
                                         train_tags.mask[batch], parameters)
        optimizer.step(parameters, clip_by_global_norm(grads, 1.0)[0])
    print(f"{name}: training loss on the last minibatch {J:.3f}")

# %% [markdown]
# The two *Teddy* sentences, word by word: the probability each tagger gives to "name".

# %%
vocab = train_tags.vocab
for sentence in ("Teddy Roosevelt was a great president", "Teddy bears are on sale"):
    words = sentence.lower().split()
    x = one_hot(vocab.encode(words), len(vocab))[:, np.newaxis, :]  # (n_x, 1, T_x)
    print(f"{'':>20}" + "".join(f"{w:>11}" for w in sentence.split()))
    for name, parameters in taggers.items():
        probabilities = tag_probabilities(x, parameters)[0, 0]
        print(f"{name:>20}" + "".join(f"{p:11.2f}" for p in probabilities))
    print()

# %% [markdown]
# The left-to-right LSTM gives *Teddy* the same probability in both sentences, whatever it
# learned: it has read one word. The bidirectional one reads *Roosevelt* or *bears* through
# $\overleftarrow{a}^{\langle 1 \rangle}$ and decides.
#
# ## Precision, recall and F1
#
# Most words are not names, so accuracy flatters a tagger: one that never says "name" is
# right on most words. Taggers are judged on the names instead. Over the real words of a batch
# (mask 1), with a word **predicted** a name when $\hat{y}^{\langle t \rangle} > 0.5$:
#
# - **precision** $P = \frac{TP}{TP + FP}$: of the words predicted names, the share that are;
# - **recall** $R = \frac{TP}{TP + FN}$: of the names, the share that were found;
# - **F1** $= \frac{2PR}{P + R}$, their harmonic mean: high only when both are.
#
# $TP$ counts the real words predicted names that are names, $FP$ those predicted names that
# are not, $FN$ the names not predicted. When a denominator is 0 (nothing predicted, or no
# name in the batch) the value is 0 by convention.
#
# ### Exercise 3: `tagging_f1` (3 points)
#
# Return the three numbers as floats. Padding is part of no sentence: whatever $\hat{y}$ says
# there must not count.

# %% grade_id="tagging_f1" solution=true
def tagging_f1(y_prob, y, mask):
    """Precision, recall and F1 of the positive class (a name) over the real words.

    y_prob: ŷ<t>, (1, m, T_x); y: tags 0/1, (1, m, T_x); mask: (m, T_x), 1 at real words.
    Returns (precision, recall, f1), three floats; each is 0.0 when its denominator is 0.
    """
    ### BEGIN SOLUTION
    real = mask > 0  # (m, T_x)
    predicted = (y_prob[0] > 0.5) & real
    actual = (y[0] == 1) & real
    tp = np.sum(predicted & actual)
    precision = tp / np.sum(predicted) if np.sum(predicted) > 0 else 0.0
    recall = tp / np.sum(actual) if np.sum(actual) > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    ### END SOLUTION
    return float(precision), float(recall), float(f1)


# %% grade_id="test_tagging_f1" points=3
"""tagging_f1 agrees with the reference, padding and empty cases included."""
check("tagging_f1", tagging_f1)
### BEGIN HIDDEN TESTS
check("tagging_f1", tagging_f1, seed=21003, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The two taggers on the 500 held-out sentences. (From here on the notebook uses `seqlib`'s
# `tagging_f1`, the same function as yours.) Over all the real words: accuracy, precision,
# recall and F1, then the number of wrong tags. The last two columns look at one word only,
# the first word of the sentences that start with an ambiguous word like *Teddy*: the
# accuracy there, and how many of the wrong tags it accounts for.

# %%
teddy = np.array([sentence[0].lower() in AMBIGUOUS for sentence in test_tags.sentences])
print(f"{'':>20}{'accuracy':>10}{'precision':>11}{'recall':>8}{'F1':>7}{'wrong':>7}"
      f"{'Teddy accuracy':>16}{'Teddy wrong':>13}")
for name, parameters in taggers.items():
    y_prob = tag_probabilities(test_tags.x, parameters)
    right = (y_prob[0] > 0.5) == (test_tags.y[0] == 1)  # (m, T_x)
    real = test_tags.mask > 0
    precision, recall, f1 = seqlib_tagging_f1(y_prob, test_tags.y, test_tags.mask)
    print(f"{name:>20}{right[real].mean():10.3f}{precision:11.3f}{recall:8.3f}{f1:7.3f}"
          f"{np.sum(~right & real):7d}{right[teddy, 0].mean():16.3f}{np.sum(~right[teddy, 0]):13d}")

# %% [markdown]
# Both taggers are right on most words, so their accuracies are close. F1 shows the gap
# better, and the last columns show where it comes from: nearly every wrong tag of the
# left-to-right LSTM is on the ambiguous first word, where it can only guess and is right
# about half the time. The bidirectional LSTM reads the next word and is right there too.
#
# ## Summary
#
# - A many-to-one classifier puts a sigmoid on the last state; its backward pass starts from
#   $dz = (\hat{y} - y) / m$, gives $dW_y = dz\, (a^{\langle T_x \rangle})^T$, $db_y = \sum
#   dz$ and $da^{\langle T_x \rangle} = W_y^T dz$, with `da` zero at every other step. Through
#   `get_cell`, one function serves the RNN, the GRU and the LSTM.
# - On the agreement task, with the same data, optimiser and budget, the vanilla RNN is at
#   chance from distance 40 on (mostly from 20); the GRU and the LSTM, their gates started at
#   "keep", solve every distance up to 60 in every seed.
# - Gates need a sensible start: at $\sigma(0) = 0.5$ they forget as fast as a vanilla RNN.
# - A bidirectional classifier reads each direction's last state. It solved every distance
#   here only because the clue sat next to one end of the sentence.
# - A tagger has an output per step and a masked loss. Judge it by precision, recall and F1
#   over the real words; a bidirectional LSTM sees the word after *Teddy*, a left-to-right one
#   cannot.
#
# ## Questions (not graded)
#
# 1. Set `MODELS = ("gru",)`, `DISTANCES = (20, 40)`, `gate_bias` to 0 and `RETRAIN = True`.
#    What happens, and why? What does $\sigma(b_u)$ tell you before any training?
# 2. Retrain the four models with plain gradient descent (`"optimizer": "sgd"`, `"lr": 1.0`)
#    at `DISTANCES = (5, 10)`. Which learn? Try more steps or a larger learning rate. What does
#    this say about comparing models after a fixed number of steps?
# 3. Change `long_range_agreement` in your head so that the subject sits in the middle of the
#    fillers. At distance 60, how far is the subject from each end? What would you expect of
#    the bidirectional RNN, and of a bidirectional GRU?
# 4. A tagger that says "name" for every word: what are its precision, recall and F1 on
#    sentences where one word in four is a name? Its accuracy?
# 5. Why does `tagger_loss_and_grads` need the mask, when `y` is already 0 at padding? What
#    would the unmasked loss teach the model?
