"""Checks for notebook 04, the language model and sampling novel sequences.

Graded functions and their references (the plain RNN of ``seqlib.rnn``: keys Wax, Waa, ba,
Wya, by; the vocabulary's size is n_x = n_y, the inputs being the previous outputs):

    clip(gradients, max_value) -> a new dict, every array clipped to [-max_value, max_value]
    sample(parameters, eos_index, rng, max_len=20, temperature=1.0) -> list of indices,
        ending with eos_index, or of length max_len when no <EOS> was drawn
    optimize(X, Y, a_prev, parameters, learning_rate, clip_value) -> (loss, gradients, a_last),
        one step of gradient descent; parameters are updated in place

How ``sample`` is checked without comparing fixed-seed draws (two correct samplers that use
the random generator differently draw different sequences):

- structure: a list of ints in [0, n_y), ending at the first eos_index, or exactly max_len
  long without one;
- rigged models: Wya and by are solved for (least squares) so that along one chosen path
  every logit divided by the temperature is 0 except the path's next index, which is
  ``GAP`` = 50. Each step then draws that index with probability above 1 - (n_y - 1) e^-50
  (> 1 - 1e-20): every correct sampler, however it uses ``rng``, returns that path;
- statistics: with Wax = Waa = 0 the state is a<t> = tanh(ba) at every step, so every draw
  comes from the same distribution p = softmax((Wya tanh(ba) + by) / T), with <EOS> given
  e^-45 of the weight of the most likely index (never drawn in practice). One sample of
  length N = ``N_DRAWS`` gives N independent draws; the frequency of each index must be
  within ``tolerance(n_y)`` of p. The tolerance comes from Hoeffding's inequality,
  P(|freq_i - p_i| >= eps) <= 2 exp(-2 N eps^2), with a union bound over the n_y indices:
  eps = sqrt(ln(2 n_y / DELTA) / (2 N)) makes a correct sampler fail a case with probability
  at most DELTA = 1e-7. The bound is exact (no normal approximation), so the guarantee holds
  for any p. A check runs at most three statistical cases (a hidden check runs one), so a
  correct sampler fails it with probability below 3e-7 + 1e-15 (the rigged and <EOS> parts)
  < 1e-6. With N = 2000 and n_y = 5, eps is about 0.068.
- temperature: a 2-way distribution (0.2, 0.8) at T = 1 becomes (0.06, 0.94) at T = 0.5
  and (0.33, 0.67) at T = 2; ignoring T, or multiplying by it, moves a frequency by 0.13 or
  more, about twice eps.
"""

import copy
from dataclasses import dataclass

import numpy as np

from seqlib import losses, optim, outputs, rnn
from seqlib.activations import softmax
from seqlib.checks._core import (
    Case,
    CheckFailed,
    Exercise,
    Handed,
    expect_array,
    expect_close,
    expect_dict,
    expect_tuple,
)

#: A rigged step's logit gap (after dividing by the temperature) between the path's index
#: and every other index.
GAP = 50.0
#: Draws in one statistical case, and the false-failure probability allowed per case.
N_DRAWS = 2000
DELTA = 1e-7
#: log-weight of <EOS> below the most likely index in a statistical case (after the
#: temperature): e^-45 < 3e-20 per step.
EOS_GAP = 45.0

RNN_KEYS = ("Wax", "Waa", "ba", "Wya", "by")
GRAD_KEYS = tuple("d" + k for k in RNN_KEYS)


def tolerance(n_y, n_draws=N_DRAWS, delta=DELTA):
    """Largest allowed |frequency - probability| of one index: Hoeffding + union bound."""
    return float(np.sqrt(np.log(2 * n_y / delta) / (2 * n_draws)))


def _rnn_params(rng, n_x, n_a, n_y, scale=1.0):
    """Random RNN parameters with non-zero biases (a forgotten bias must show)."""
    return {"Wax": scale * rng.standard_normal((n_a, n_x)) / np.sqrt(n_x + n_a),
            "Waa": scale * rng.standard_normal((n_a, n_a)) / np.sqrt(n_x + n_a),
            "ba": 0.5 * rng.standard_normal((n_a, 1)),
            "Wya": scale * rng.standard_normal((n_y, n_a)) / np.sqrt(n_a),
            "by": 0.5 * rng.standard_normal((n_y, 1))}


# ---------------------------------------------------------------- clip
def clip(gradients, max_value):
    """The reference: a new dict, every gradient clipped element-wise."""
    return optim.clip_by_value(gradients, max_value)


def _clip_reference(gradients, max_value):
    return clip(gradients.before, max_value)


def _clip_cases(rng, hidden):
    def grads(keys_shapes, scale):
        return Handed({k: scale * rng.standard_normal(s) for k, s in keys_shapes})

    n_x, n_a, n_y = (int(s) for s in rng.integers(2, 7, size=3))
    rnn_shapes = [("dWax", (n_a, n_x)), ("dWaa", (n_a, n_a)), ("dba", (n_a, 1)),
                  ("dWya", (n_y, n_a)), ("dby", (n_y, 1))]
    cases = [Case("RNN gradients, max_value = 5", (grads(rnn_shapes, 8.0), 5.0)),
             Case("RNN gradients, max_value = 0.5", (grads(rnn_shapes, 1.0), 0.5))]
    if hidden:
        gru_shapes = [("dWu", (n_a, n_a + n_x)), ("dbu", (n_a, 1)), ("dWr", (n_a, n_a + n_x)),
                      ("dbr", (n_a, 1)), ("dWc", (n_a, n_a + n_x)), ("dbc", (n_a, 1))]
        cases += [
            Case("other keys (a GRU's), max_value = 1", (grads(gru_shapes, 3.0), 1.0)),
            Case("nothing to clip, max_value = 1000", (grads(rnn_shapes, 1.0), 1000.0)),
            Case("everything clipped, max_value = 0.01", (grads(rnn_shapes, 10.0), 0.01)),
            Case("one gradient", (grads([("dWya", (1, 1))], 30.0), 10.0)),
        ]
    return cases


def _compare_clip(case, expected, got):
    given, max_value = case.args
    if got is given:
        raise CheckFailed("clip returned the dict it was given: build and return a new dict "
                          "(the caller may still need the unclipped gradients)")
    changed = [k for k in given.before if k not in given
               or not np.array_equal(given[k], given.before[k])]
    got = expect_dict(got, list(expected))
    extra = [k for k in got if k not in expected]
    if extra:
        raise CheckFailed(f"the returned dict has keys that were not in gradients: {extra}; "
                          "keep the keys unchanged")
    for key, want in expected.items():
        g = given.before[key]
        expect_array(key, got[key], want, mistakes=[
            (np.minimum(g, max_value), "clip below too: every entry must end up in "
                                       "[-max_value, max_value], not only <= max_value"),
            (np.clip(g, 0, max_value), "the lower bound is -max_value, not 0"),
            (g * min(1.0, max_value / max(np.linalg.norm(g), 1e-300)),
             "clip each entry on its own (np.clip), do not rescale the whole array by its norm"),
            (g, "the gradients were returned unclipped"),
        ])
    if changed:
        raise CheckFailed(f"clip changed the gradients it was given ({', '.join(changed)}): "
                          "return new arrays, e.g. np.clip(g, -max_value, max_value), and "
                          "leave the input dict and its arrays as they were")


# ---------------------------------------------------------------- sample
def sample(parameters, eos_index, rng, max_len=20, temperature=1.0):
    """The reference sampler: one sequence from x<1> = 0, a<0> = 0.

    Returns a list of ints: up to and including the first eos_index, or max_len indices.
    """
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    Wya, by = parameters["Wya"], parameters["by"]
    n_y, n_a = Wya.shape
    x = np.zeros((n_y, 1))  # x<1> = 0
    a = np.zeros((n_a, 1))  # a<0> = 0
    indices = []
    while len(indices) < max_len:
        a = np.tanh(Waa @ a + Wax @ x + ba)  # (n_a, 1)
        z = Wya @ a + by  # (n_y, 1) logits
        w = np.exp((z[:, 0] - np.max(z)) / temperature)  # softmax(z / T) times a constant
        cdf = np.cumsum(w)
        index = min(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")), n_y - 1)
        indices.append(index)
        if index == eos_index:
            break
        x = np.zeros((n_y, 1))
        x[index] = 1.0  # the draw is the next input
    return indices


@dataclass
class SampleCase(Case):
    """A case for ``sample``; kind is "rigged", "structure" or "statistics"."""

    kind: str = "structure"
    path: tuple = ()  # the path a rigged model spells


def _states(parameters, path, mistake=None):
    """The logits z<1> ... z<L> (n_y, L) of a sampler that drew ``path``, correct or with one
    mistake (``SAMPLE_MISTAKES``): the draws are fed back as that sampler would feed them."""
    p = parameters
    n_y, n_a = p["Wya"].shape
    x, a, logits = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
    for index in path:
        a_prev = np.zeros((n_a, 1)) if mistake == "no recurrence" else a
        ba = 0.0 if mistake == "no ba" else p["ba"]
        a = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ x + ba)
        by = 0.0 if mistake == "no by" else p["by"]
        logits.append(p["Wya"] @ a + by)
        if mistake == "x not reset":
            x[index] = 1.0
        elif mistake != "no feedback":
            x = np.zeros((n_y, 1))
            x[index] = 1.0
    return np.hstack(logits)


def _greedy(parameters, eos_index, max_len):
    """The path of a sampler that takes the argmax at every step."""
    path = []
    while len(path) < max_len:
        path.append(int(np.argmax(_states(parameters, path + [0])[:, -1])))
        if path[-1] == eos_index:
            break
    return path


def _log_likelihood(parameters, path, temperature, mistake=None):
    """log P(path) under a sampler, correct or with one mistake."""
    z = _states(parameters, path, mistake) / temperature  # (n_y, L)
    log_p = z - np.max(z, axis=0) - np.log(np.sum(np.exp(z - np.max(z, axis=0)), axis=0))
    return float(np.sum(log_p[path, np.arange(len(path))]))


#: A hint names a mistake when the learner's list has log-probability above LIKELY under the
#: sampler with that mistake, MARGIN more than under any other (a correct sampler gives it
#: about -50 or less).
LIKELY, MARGIN = -15.0, 3.0

SAMPLE_MISTAKES = {
    "no feedback": "feed each drawn index back: x<t+1> is the one-hot vector of the index "
                   "drawn at step t (you seem to keep x = 0)",
    "no recurrence": "carry the hidden state: a<t> = tanh(Waa a<t-1> + Wax x<t> + ba) uses the "
                     "previous step's a, not zeros",
    "x not reset": "x<t+1> must be a fresh one-hot vector (a single 1): set it to zeros before "
                   "putting the 1 at the drawn index",
    "no ba": "did you forget ba in a<t> = tanh(Waa a<t-1> + Wax x<t> + ba)?",
    "no by": "did you forget by in ŷ<t> = softmax((Wya a<t> + by) / temperature)?",
}


def _rigged(rng, path, n_y, n_a, eos_index, temperature, max_len):
    """Parameters whose sampler follows ``path`` with probability > 1 - 1e-20 per step.

    Wax, Waa and ba are random; the states a<1> ... a<L> along the path then follow, and
    [Wya | by] is solved for exactly so that Wya a<t> + by = GAP * T * e_(path[t]).
    """
    for _ in range(100):
        p = _rnn_params(rng, n_y, n_a, n_y, scale=3.0)
        x, a, states = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
        for index in path:
            a = np.tanh(p["Waa"] @ a + p["Wax"] @ x + p["ba"])
            states.append(a)
            x = np.zeros((n_y, 1))
            x[index] = 1.0
        A = np.vstack([np.hstack(states), np.ones((1, len(path)))])  # (n_a + 1, L)
        if np.linalg.cond(A) > 1e3:
            continue
        Z = np.zeros((n_y, len(path)))
        Z[list(path), np.arange(len(path))] = GAP * temperature
        W = Z @ np.linalg.pinv(A)  # (n_y, n_a + 1)
        p["Wya"], p["by"] = W[:, :-1], W[:, -1:]
        if _greedy(p, eos_index, max_len) == list(path):
            return p
    raise RuntimeError("could not rig a model")  # pragma: no cover


def _rigged_case(rng, n_y, n_a, eos_index, length, ends_with_eos, max_len, temperature):
    others = [i for i in range(n_y) if i != eos_index]
    path = [int(i) for i in rng.choice(others, size=length)]
    if ends_with_eos:
        path.append(eos_index)
    p = _rigged(rng, path, n_y, n_a, eos_index, temperature, max_len)
    return SampleCase(f"rigged: spells {path}, eos_index = {eos_index}, max_len = {max_len}, "
                      f"temperature = {temperature}",
                      (p, eos_index, np.random.default_rng(int(rng.integers(2**32))), max_len),
                      {"temperature": temperature}, kind="rigged", path=tuple(path))


def _statistics_case(rng, name, n_y, eos_index, temperature, two_way=False):
    n_a = 4
    p = _rnn_params(rng, n_y, n_a, n_y, scale=3.0)
    p["Wax"][:], p["Waa"][:] = 0.0, 0.0  # a<t> = tanh(ba) at every step: i.i.d. draws
    if two_way:
        p["Wya"][:] = 0.0
        p["by"][:] = 0.0
        p["by"][[i for i in range(n_y) if i != eos_index][1]] = np.log(4.0)  # (0.2, 0.8)
    shared = (p["Wya"] @ np.tanh(p["ba"]))[:, 0]  # the logits are shared + by at every step
    others = np.delete(shared + p["by"][:, 0], eos_index)
    p["by"][eos_index] = np.max(others) - EOS_GAP * temperature - shared[eos_index]
    return SampleCase(f"statistics: {name}, {N_DRAWS} draws, temperature = {temperature}",
                      (p, eos_index, np.random.default_rng(int(rng.integers(2**32))), N_DRAWS),
                      {"temperature": temperature}, kind="statistics")


def _sample_cases(rng, hidden):
    cases = [
        _rigged_case(rng, 8, 10, 0, 4, True, 10, 1.0),
        _rigged_case(rng, 7, 8, 3, 6, False, 6, 1.0),
    ]
    if hidden:
        cases += [
            _rigged_case(rng, 6, 10, 5, 5, True, 12, 0.5),
            _rigged_case(rng, 6, 10, 0, 7, False, 7, 2.0),
            _rigged_case(rng, 5, 4, 0, 1, False, 1, 1.0),
        ]
    for i in range(2 if hidden else 1):
        p = _rnn_params(rng, 6, 5, 6, scale=2.0)
        cases.append(SampleCase(f"random model {i + 1}: the structure of the result",
                                (p, 0, np.random.default_rng(int(rng.integers(2**32))), 12),
                                {"temperature": 1.0}, kind="structure"))
    if hidden:  # the draws take most of the time: one statistical case only
        return cases + [_statistics_case(rng, "5 indices", 5, 2, 0.7)]
    return cases + [
        _statistics_case(rng, "5 indices", 5, 0, 1.0),
        _statistics_case(rng, "2 indices (0.2, 0.8) at T = 1", 3, 0, 0.5, two_way=True),
        _statistics_case(rng, "2 indices (0.2, 0.8) at T = 1", 3, 0, 2.0, two_way=True),
    ]


def _expect_indices(got, n_y, eos_index, max_len):
    """Check the structure of a sampled list; return it as a list of ints."""
    if isinstance(got, np.ndarray):
        raise CheckFailed("sample should return a list of indices, got a numpy array "
                          "(append each index to a list, or return array.tolist())")
    if not isinstance(got, list):
        raise CheckFailed(f"sample should return a list of indices, got {type(got).__name__}")
    for i, index in enumerate(got):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise CheckFailed(f"item {i} of the list is {index!r} ({type(index).__name__}); "
                              "each item should be an integer index into the vocabulary")
        if not 0 <= index < n_y:
            raise CheckFailed(f"item {i} of the list is {index}, outside [0, {n_y})")
    got = [int(i) for i in got]
    if not got:
        raise CheckFailed("sample returned an empty list: draw at least one index")
    if eos_index in got[:-1]:
        raise CheckFailed(f"eos_index {eos_index} was drawn at position {got.index(eos_index)} "
                          "but the list goes on: stop at the first eos_index")
    if len(got) == max_len + 1 and got[-1] == eos_index:
        raise CheckFailed(f"the list has max_len + 1 = {len(got)} items: when max_len indices "
                          "have been drawn without <EOS>, stop there, without adding eos_index")
    if len(got) > max_len:
        raise CheckFailed(f"the list has {len(got)} items, more than max_len = {max_len}")
    if len(got) < max_len and got[-1] != eos_index:
        raise CheckFailed(f"the list stops after {len(got)} items (max_len = {max_len}) without "
                          f"ending in eos_index {eos_index}: keep drawing until eos_index is "
                          "drawn (append it too) or max_len indices have been drawn")
    return got


def _compare_sample(case, expected, got):
    parameters, eos_index, _, max_len = case.args
    temperature = case.kwargs["temperature"]
    n_y = parameters["by"].shape[0]
    got = _expect_indices(got, n_y, eos_index, max_len)
    if case.kind == "rigged":
        _compare_rigged(case, got, eos_index, max_len)
    elif case.kind == "statistics":
        _compare_statistics(parameters, got, eos_index, max_len, temperature)


def _compare_rigged(case, got, eos_index, max_len):
    path = list(case.path)
    if got == path:
        return
    # Which sampler with one mistake makes the learner's list likely? The rigged logits are
    # large, so the samplers with a mistake are peaked too and seldom agree with each other.
    scores = sorted(((_log_likelihood(case.args[0], got, case.kwargs["temperature"], m), m)
                     for m in SAMPLE_MISTAKES), reverse=True)
    (best, mistake), (second, _) = scores[0], scores[1]
    if best > LIKELY and best > second + MARGIN:
        raise CheckFailed(f"drew {got}, expected {path}: {SAMPLE_MISTAKES[mistake]}")
    t = next((t for t, (g, p) in enumerate(zip(got, path, strict=False)) if g != p),
             min(len(got), len(path)))
    intro = (f"drew {got}, expected {path}. This model is rigged so that each step gives its "
             "index in the expected list a probability above 1 - 1e-20: every correct sampler "
             f"draws that list. Yours first differs at position {t}: ")
    if t == 0:
        raise CheckFailed(intro + "the first step starts from x<1> = 0 and a<0> = 0, so "
                          "ŷ<1> = softmax((Wya tanh(ba) + by) / temperature); draw from ŷ<1>")
    raise CheckFailed(intro + "check that every index is drawn from ŷ<t> = softmax((Wya a<t> "
                      "+ by) / temperature), that x<t+1> is the one-hot vector of the index "
                      "just drawn, and that a<t> is carried to the next step")


def _compare_statistics(parameters, got, eos_index, max_len, temperature):
    p = parameters
    n_y = p["by"].shape[0]
    z = (p["Wya"] @ np.tanh(p["ba"]) + p["by"])[:, 0]  # the logits at every step
    if len(got) < max_len:
        raise CheckFailed(f"drew eos_index {eos_index} after {len(got)} indices, although on "
                          "this model its probability is below 1e-19 at every step: draw from "
                          "ŷ<t> = softmax((Wya a<t> + by) / temperature), with by")
    freq = np.bincount(got, minlength=n_y) / len(got)
    eps = tolerance(n_y, len(got))
    want = softmax(z / temperature)
    if np.max(np.abs(freq - want)) <= eps:
        return
    shown = (f"the frequencies of your {len(got)} draws are {np.round(freq, 3).tolist()}, "
             f"ŷ is {np.round(want, 3).tolist()} (temperature {temperature})")
    mistakes = [(np.eye(n_y)[np.argmax(z)], "draw a random index from ŷ (e.g. "
                 "rng.choice(n_y, p=y_hat.ravel())); np.argmax gives the same index every "
                 "time")]
    if temperature != 1:
        mistakes += [
            (softmax(z), "apply the temperature: ŷ = softmax(z / temperature)"),
            (softmax(z * temperature), "divide the logits by the temperature, do not multiply "
                                       "(T < 1 sharpens the distribution, T > 1 flattens it)"),
        ]
    for wrong, hint in mistakes:
        if np.max(np.abs(freq - wrong)) <= eps:
            raise CheckFailed(f"{shown}: {hint}")
    raise CheckFailed(f"{shown}. A correct sampler's frequencies stay within {eps:.3f} of ŷ "
                      "(it fails this with probability below 1e-7)")


# ---------------------------------------------------------------- optimize
def optimize(X, Y, a_prev, parameters, learning_rate, clip_value):
    """The reference: one step of gradient descent on one batch.

    X, Y: (n_y, m, T_x) one-hot inputs and targets; a_prev: a<0> (n_a, m).
    Updates parameters in place; returns (loss, clipped gradients, a<T_x> (n_a, m)).
    """
    a, _, caches = rnn.rnn_forward(X, a_prev, parameters)  # (n_a, m, T_x)
    z, out_cache = outputs.output_forward(a, parameters["Wya"], parameters["by"], "linear")
    loss, dz = losses.softmax_cross_entropy(z, Y)  # dz = (ŷ - y) / m, (n_y, m, T_x)
    out = outputs.output_backward_logits(dz, out_cache)
    grads = rnn.rnn_backward(out["da"], caches)
    gradients = {"dWax": grads["dWax"], "dWaa": grads["dWaa"], "dba": grads["dba"],
                 "dWya": out["dWy"], "dby": out["dby"]}
    gradients = optim.clip_by_value(gradients, clip_value)
    for key in RNN_KEYS:
        parameters[key] -= learning_rate * gradients["d" + key]
    return loss, gradients, a[:, :, -1]


def unclipped_gradients(X, Y, a_prev, parameters):
    """(loss, gradients before clipping, a) of one batch, for the hints."""
    a, _, caches = rnn.rnn_forward(X, a_prev, parameters)
    z, out_cache = outputs.output_forward(a, parameters["Wya"], parameters["by"], "linear")
    loss, dz = losses.softmax_cross_entropy(z, Y)
    out = outputs.output_backward_logits(dz, out_cache)
    grads = rnn.rnn_backward(out["da"], caches)
    return loss, {"dWax": grads["dWax"], "dWaa": grads["dWaa"], "dba": grads["dba"],
                  "dWya": out["dWy"], "dby": out["dby"]}, a


def _optimize_reference(X, Y, a_prev, parameters, learning_rate, clip_value):
    """The reference on the parameters as they were before the learner's call; also returns
    the updated parameters."""
    before = copy.deepcopy(parameters.before)
    loss, gradients, a_last = optimize(X, Y, a_prev, before, learning_rate, clip_value)
    return loss, gradients, a_last, before


def _batch(rng, n_y, m, T_x):
    """X, Y for m random sequences: Y one-hot targets, X = Y shifted right, X<1> = 0."""
    ids = rng.integers(0, n_y, size=(m, T_x))
    Y = np.zeros((n_y, m, T_x))
    Y[ids, np.arange(m)[:, None], np.arange(T_x)[None, :]] = 1.0
    X = np.zeros_like(Y)
    X[:, :, 1:] = Y[:, :, :-1]
    return X, Y


def _optimize_cases(rng, hidden):
    sizes = [(f"random {i + 1}", *(int(s) for s in rng.integers(2, 7, size=4)))
             for i in range(2)]
    if hidden:
        sizes += [("m = 1", 5, 4, 1, 6), ("T_x = 1", 4, 3, 3, 1), ("n_a = 1", 3, 1, 2, 4)]
    cases = []
    for name, n_y, n_a, m, T_x in sizes:
        X, Y = _batch(rng, n_y, m, T_x)
        p = _rnn_params(rng, n_y, n_a, n_y, scale=3.0)
        a_prev = rng.standard_normal((n_a, m))
        _, g, _ = unclipped_gradients(X, Y, a_prev, p)
        # a clip value inside the range of the entries: some are clipped, some are not
        clip_value = float(np.quantile(np.abs(np.concatenate([v.ravel() for v in g.values()])),
                                       0.7))
        lr = float(rng.uniform(0.05, 0.5))
        cases.append(Case(f"{name}, n_y={n_y} n_a={n_a} m={m} T_x={T_x}, "
                          f"learning_rate={lr:.3f}, clip_value={clip_value:.3g}",
                          (X, Y, a_prev, Handed(p), lr, clip_value)))
    if hidden:
        X, Y = _batch(rng, 4, 3, 5)
        p = _rnn_params(rng, 4, 3, 4, scale=3.0)
        cases.append(Case("clip_value = 1000, nothing clipped",
                          (X, Y, rng.standard_normal((3, 3)), Handed(p), 0.1, 1000.0)))
    return cases


def _compare_optimize(case, expected, got):
    X, Y, a_prev, parameters, lr, clip_value = case.args
    loss_want, grads_want, a_last_want, params_want = expected
    loss, gradients, a_last = expect_tuple(got, 3, "loss, gradients, a_last")
    T_x = X.shape[2]
    _, raw, a = unclipped_gradients(X, Y, a_prev, parameters.before)
    expect_close("loss", loss, loss_want, mistakes=[
        (loss_want / T_x, "the loss sums the cross-entropy over the time steps (no mean over "
                          "time); losses.softmax_cross_entropy does that"),
        (loss_want * X.shape[1], "the loss is a mean over the m examples"),
    ])
    gradients = expect_dict(gradients, GRAD_KEYS)
    for key in GRAD_KEYS:
        expect_array(f"gradients['{key}']", gradients[key], grads_want[key], mistakes=[
            (raw[key], "return the gradients after clipping them with clip(gradients, "
                       "clip_value)"),
        ])
    expect_array("a_last", a_last, a_last_want, mistakes=[
        (a[:, :, 0], "a_last is the last hidden state a<T_x>, a[:, :, -1], not a<1>"),
        (a_prev, "a_last is the last hidden state a<T_x>, a[:, :, -1], not a<0>"),
    ])
    missing = [k for k in RNN_KEYS if k not in parameters]
    if missing:
        raise CheckFailed(f"parameters lost the keys {missing}")
    for key in RNN_KEYS:
        old = parameters.before[key]
        expect_array(f"parameters['{key}'] after the call", parameters[key], params_want[key],
                     mistakes=[
            (old, "update the parameters in place: parameters[key] -= learning_rate * "
                  "gradients['d' + key] (a new dict made inside optimize is lost when it "
                  "returns)"),
            (old - lr * raw["d" + key], "update with the clipped gradients: clip first, then "
                                        "take the step"),
            (old + lr * grads_want["d" + key], "gradient descent subtracts: parameter -= "
                                               "learning_rate * gradient"),
            (old - grads_want["d" + key], "multiply the gradient by the learning rate"),
        ])


EXERCISES = {
    "clip": Exercise("clip", _clip_cases, _clip_reference, _compare_clip,
                     forbidden=(optim.clip_by_value,)),
    "sample": Exercise("sample", _sample_cases, sample, _compare_sample),
    "optimize": Exercise("optimize", _optimize_cases, _optimize_reference, _compare_optimize),
}
