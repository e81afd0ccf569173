"""The weights notebook 10 ships, and the code that trains them.

    OMP_NUM_THREADS=1 python -m seqlib.data.train_weights      # about a minute on one core

Notebook 10 compares four many-to-one classifiers on ``long_range_agreement``: a vanilla RNN,
a GRU, an LSTM and a bidirectional vanilla RNN, at five distances, three seeds each. Sixty
training runs take minutes, far more than a notebook's budget, so this script runs them once
and saves every trained parameter in ``seqlib/data/weights/agreement_<model>.npz``. The
notebook loads them with ``load()`` and measures their held-out accuracy itself; its learner
can retrain with other settings through ``train_all``, which is what ``main`` calls.

Everything is seeded (the run for a model, a distance and a seed draws its data, its initial
weights and its minibatches from ``np.random.default_rng([seed, distance])``), so with one BLAS
thread and the same numpy the files come out byte for byte the same; see
``PROVENANCE_WEIGHTS.md``.

A model is a cell name ("rnn", "gru", "lstm") or "bi-" and a cell name. A unidirectional
model's parameters are ``init_parameters(cell, n_x, n_a, 1)``; it predicts
ŷ = σ(W a<T_x> + b) from its last state. A bidirectional one's are ``init_bidirectional``'s
{"forward", "backward", "Wy", "by"} and it predicts ŷ = σ(Wy [a→<T_x>; a←<1>] + by): each
direction's last state, the backward one's after reading x<1>.
"""

import json
import time
from importlib import resources
from pathlib import Path

import numpy as np

from seqlib.bidirectional import bidirectional_backward, bidirectional_forward, init_bidirectional
from seqlib.cells import get_cell
from seqlib.checks.together import many_to_one_loss_and_grads
from seqlib.data.tasks import AGREEMENT_VOCAB, long_range_agreement
from seqlib.initialization import init_parameters
from seqlib.losses import sigmoid_binary_cross_entropy
from seqlib.optim import SGD, Adam, clip_by_global_norm

MODELS = ("rnn", "gru", "lstm", "bi-rnn")
DISTANCES = (5, 10, 20, 40, 60)
SEEDS = (0, 1, 2)
SETTINGS = {
    "n_a": 8,  # hidden units (per direction)
    "steps": 150,  # minibatch updates
    "batch": 32,  # sentences per minibatch
    "n_train": 1024,  # training sentences per distance and seed
    "optimizer": "adam",  # "adam" or "sgd"
    "lr": 0.005,  # learning rate
    "clip": 1.0,  # clip the gradient to this global norm before each update
    "gate_bias": 3.0,  # gates start at "keep": LSTM bf = 3, GRU bu = -3 (σ(3) ≈ 0.95)
}
WEIGHTS = "weights"  # the folder, inside seqlib/data


# ---------------------------------------------------------------- models
def split(model):
    """("lstm", False) for "lstm", ("rnn", True) for "bi-rnn"."""
    bidirectional = model.startswith("bi-")
    cell = model.removeprefix("bi-")
    get_cell(cell)  # raises for an unknown cell
    return cell, bidirectional


def open_gates(parameters, cell, gate_bias):
    """Start the gates at "keep", in place: LSTM bf = gate_bias, GRU bu = -gate_bias.

    The LSTM keeps Γf * c<t-1> and the GRU (1 - Γu) * c<t-1>, so either way σ(gate_bias) of
    the memory is kept at each step while the weights are still small. The RNN has no gate.
    """
    if cell == "lstm":
        parameters["bf"][:] = gate_bias
    elif cell == "gru":
        parameters["bu"][:] = -gate_bias


def init_model(model, n_x, n_a, gate_bias, rng):
    """Random parameters for ``model`` with one output unit (see the module docstring)."""
    cell, bidirectional = split(model)
    if bidirectional:
        parameters = init_bidirectional(cell, n_x, n_a, 1, rng)
        directions = (parameters["forward"], parameters["backward"])
    else:
        parameters = init_parameters(cell, n_x, n_a, 1, rng=rng)
        directions = (parameters,)
    for direction in directions:
        open_gates(direction, cell, gate_bias)
    return parameters


def _n_a(cell_parameters):
    """The hidden size: every recurrent parameter has n_a rows."""
    return next(iter(cell_parameters.values())).shape[0]


def _bidirectional_last_states(x, parameters, cell):
    """h = [a→<T_x>; a←<1>] (n_a_f + n_a_b, m), a and the caches of bidirectional_forward."""
    a, _, caches = bidirectional_forward(x, parameters, cell, activation="linear")
    n_a_f = _n_a(parameters["forward"])
    h = np.concatenate([a[:n_a_f, :, -1], a[n_a_f:, :, 0]])  # each direction's last state
    return h, a, caches


def bidirectional_loss_and_grads(x, y, parameters, cell):
    """J and the gradients of a bidirectional many-to-one classifier.

    x (n_x, m, T_x), y (1, m); parameters {"forward", "backward", "Wy", "by"}.
    Returns (J, {"forward": {"d" + key}, "backward": {"d" + key}, "dWy", "dby"}).
    """
    h, a, caches = _bidirectional_last_states(x, parameters, cell)
    z = parameters["Wy"] @ h + parameters["by"]  # (1, m)
    J, dz = sigmoid_binary_cross_entropy(z, y)
    dh = parameters["Wy"].T @ dz  # (n_a_f + n_a_b, m)
    n_a_f = _n_a(parameters["forward"])
    da = np.zeros_like(a)
    da[:n_a_f, :, -1] = dh[:n_a_f]  # into a→<T_x>
    da[n_a_f:, :, 0] = dh[n_a_f:]  # into a←<1>
    grads = bidirectional_backward(da, caches)
    parameter_grads = {direction: {k: v for k, v in grads[direction].items() if k != "da0"}
                       for direction in ("forward", "backward")}
    return J, {**parameter_grads, "dWy": dz @ h.T, "dby": np.sum(dz, axis=1, keepdims=True)}


def loss_and_grads(model, x, y, parameters, many_to_one=many_to_one_loss_and_grads):
    """J and the gradients for any model. many_to_one(x, y, a0, parameters, cell) computes
    them for a unidirectional one: the reference of notebook 10's exercise, or the learner's."""
    cell, bidirectional = split(model)
    if bidirectional:
        return bidirectional_loss_and_grads(x, y, parameters, cell)
    a0 = np.zeros((_n_a(parameters), x.shape[1]))
    return many_to_one(x, y, a0, parameters, cell)


def predict(model, x, parameters):
    """ŷ, the probability of "were" for each sentence: x (n_x, m, T_x) -> (1, m)."""
    cell, bidirectional = split(model)
    if bidirectional:
        h, _, _ = _bidirectional_last_states(x, parameters, cell)
        W, b = parameters["Wy"], parameters["by"]
    else:
        c = get_cell(cell)
        a, _ = c.forward_states(x, np.zeros((_n_a(parameters), x.shape[1])), parameters)
        h = a[:, :, -1]
        W, b = (parameters[key] for key in c.output_keys)
    return 1 / (1 + np.exp(-(W @ h + b)))


# ---------------------------------------------------------------- training
def train(model, distance, seed, settings, many_to_one=many_to_one_loss_and_grads):
    """Train one model on fresh agreement sentences; return its parameters."""
    rng = np.random.default_rng([seed, distance])
    data = long_range_agreement(settings["n_train"], distance, rng)
    parameters = init_model(model, len(AGREEMENT_VOCAB), settings["n_a"],
                            settings["gate_bias"], rng)
    optimizers = {"adam": Adam, "sgd": SGD}
    if settings["optimizer"] not in optimizers:
        raise ValueError(f"optimizer: expected 'adam' or 'sgd', got {settings['optimizer']!r}")
    optimizer = optimizers[settings["optimizer"]](lr=settings["lr"])
    for _ in range(settings["steps"]):
        batch = rng.choice(settings["n_train"], size=settings["batch"], replace=False)
        _, grads = loss_and_grads(model, data.x[:, batch], data.y[:, batch], parameters,
                                  many_to_one)
        grads, _ = clip_by_global_norm(grads, settings["clip"])
        optimizer.step(parameters, grads)
    return parameters


def train_all(models, distances, seeds, settings, many_to_one=many_to_one_loss_and_grads,
              log=print):
    """{model: {distance: [parameters for each seed]}}, one line of log per model and
    distance (log=None for silence)."""
    weights = {}
    for model in models:
        weights[model] = {}
        for distance in distances:
            start = time.perf_counter()
            weights[model][distance] = [train(model, distance, seed, settings, many_to_one)
                                        for seed in seeds]
            if log:
                log(f"trained {model:>7} at distance {distance:3d}, {len(seeds)} seed(s): "
                    f"{time.perf_counter() - start:.1f} s")
    return weights


# ---------------------------------------------------------------- files
def _folder():
    return resources.files("seqlib.data").joinpath(WEIGHTS)


def _flatten(tree, prefix):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}/")
        else:
            yield f"{prefix}{key}", value


def save(weights, settings, seeds, folder=None):
    """Write one ``agreement_<model>.npz`` per model into ``folder`` (default: the shipped
    one). weights: {model: {distance: [parameters for each of seeds]}}. Keys: "settings"
    (JSON: settings, the models, distances and seeds) and "d<distance>/seed<seed>/<path>"."""
    folder = Path(folder) if folder is not None else Path(str(_folder()))
    folder.mkdir(parents=True, exist_ok=True)
    distances = list(next(iter(weights.values())))
    meta = {**settings, "models": list(weights), "distances": distances, "seeds": list(seeds)}
    for model, by_distance in weights.items():
        arrays = {"settings": np.array(json.dumps(meta, sort_keys=True))}
        for distance, runs in by_distance.items():
            for seed, parameters in zip(seeds, runs, strict=True):
                arrays.update(_flatten(parameters, f"d{distance}/seed{seed}/"))
        with open(folder / f"agreement_{model}.npz", "wb") as f:
            np.savez(f, **arrays)


def load(folder=None):
    """The shipped weights: ({model: {distance: [parameters for each seed]}}, settings).

    settings is SETTINGS as trained, plus "models", "distances" and "seeds".
    """
    root = Path(folder) if folder is not None else _folder()
    weights, meta = {}, None
    for model in MODELS:
        with root.joinpath(f"agreement_{model}.npz").open("rb") as f, \
                np.load(f, allow_pickle=False) as data:
            meta = json.loads(str(data["settings"]))
            by_distance = {d: [{} for _ in meta["seeds"]] for d in meta["distances"]}
            for key in data.files:
                if key == "settings":
                    continue
                distance, seed, *path = key.split("/")
                node = by_distance[int(distance[1:])][meta["seeds"].index(int(seed[4:]))]
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = data[key]
            weights[model] = by_distance
    return weights, meta


def held_out(distance, m=512):
    """Agreement sentences no training run saw (their own generator), for evaluation."""
    return long_range_agreement(m, distance, np.random.default_rng([10_000, distance]))


def main():
    start = time.perf_counter()
    weights = train_all(MODELS, DISTANCES, SEEDS, SETTINGS)
    save(weights, SETTINGS, SEEDS)
    print(f"saved {len(MODELS)} files in {_folder()} after "
          f"{time.perf_counter() - start:.0f} s\n")
    print("held-out accuracy, one column per seed:")
    for model in MODELS:
        for distance in DISTANCES:
            test = held_out(distance)
            accs = [float(np.mean((predict(model, test.x, p) > 0.5) == (test.y > 0.5)))
                    for p in weights[model][distance]]
            print(f"{model:>7} distance {distance:3d}: " + "  ".join(f"{a:.3f}" for a in accs))


if __name__ == "__main__":
    main()
