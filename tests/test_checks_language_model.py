"""The checks of notebook 04 (language model): they pass correct answers, however written, and
fail each known mistake with its hint."""

import numpy as np
import pytest
from conftest import assert_gradients

from seqlib import losses, optim, outputs, rnn
from seqlib.activations import softmax
from seqlib.checks import CheckFailed, check
from seqlib.checks import language_model as lm


def passes(name, fn):
    check(name, fn)
    check(name, fn, seed=97, hidden=True)


def fails(name, fn, match, hidden=False):
    with pytest.raises(CheckFailed, match=match):
        check(name, fn, seed=5 if hidden else 0, hidden=hidden)


# ---------------------------------------------------------------- clip
def test_clip_reference_and_a_loop_pass(capsys):
    passes("clip", lm.clip)

    def loop(gradients, max_value):
        out = {}
        for key in gradients:
            g = gradients[key].copy()
            g[g > max_value] = max_value
            g[g < -max_value] = -max_value
            out[key] = g
        return out

    assert check("clip", loop) is None
    passes("clip", loop)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("wrong, match", [
    (lambda g, v: {k: np.minimum(a, v) for k, a in g.items()}, "clip below too"),
    (lambda g, v: {k: np.clip(a, 0, v) for k, a in g.items()}, "lower bound is -max_value"),
    (lambda g, v: {k: a * min(1, v / np.linalg.norm(a)) for k, a in g.items()},
     "do not rescale the whole array"),
    (lambda g, v: {k: a.copy() for k, a in g.items()}, "returned unclipped"),
    (lambda g, v: {k: np.clip(a, -v, v, out=a) for k, a in g.items()},
     "changed the gradients it was given"),
    (lambda g, v: [np.clip(a, -v, v) for a in g.values()], "expected a dict"),
    (lambda g, v: {k: np.clip(a, -v, v).tolist() for k, a in g.items()},
     "should be a numpy array"),
    (lambda g, v: {k: np.clip(a, -v, v).ravel() for k, a in g.items()}, "has shape"),
    (lambda g, v: {k: np.clip(a, -v, v) for k, a in g.items() if k != "dby"},
     "missing 'dby'"),
    (lambda g, v: {**{k: np.clip(a, -v, v) for k, a in g.items()}, "dWy": np.zeros(1)},
     "keys that were not in gradients"),
])
def test_clip_mistakes(wrong, match):
    fails("clip", wrong, match)


def test_clip_in_place_returning_the_same_dict():
    def in_place(gradients, max_value):
        for key in gradients:
            gradients[key] = np.clip(gradients[key], -max_value, max_value)
        return gradients

    fails("clip", in_place, "returned the dict it was given")


def test_clip_with_the_rnn_keys_written_in_fails_on_other_keys():
    def fixed_keys(gradients, max_value):
        return {k: np.clip(gradients[k], -max_value, max_value)
                for k in ("dWax", "dWaa", "dba", "dWya", "dby")}

    check("clip", fixed_keys)  # the visible cases hold the RNN's keys
    with pytest.raises(KeyError):
        check("clip", fixed_keys, seed=5, hidden=True)


def test_clip_not_implemented():
    def stub(gradients, max_value):
        raise NotImplementedError()

    fails("clip", stub, "not implemented yet")


# ---------------------------------------------------------------- sample
def notebook_sample(parameters, eos_index, rng, max_len=20, temperature=1.0):
    """The notebook's answer: rng.choice, a different use of rng from the reference's."""
    Wax, Waa, ba = parameters["Wax"], parameters["Waa"], parameters["ba"]
    Wya, by = parameters["Wya"], parameters["by"]
    n_y, n_a = Wya.shape
    x, a, indices = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
    while len(indices) < max_len:
        a = np.tanh(Waa @ a + Wax @ x + ba)
        y_hat = softmax((Wya @ a + by) / temperature)
        index = rng.choice(n_y, p=y_hat.ravel())  # an np.int64
        indices.append(index)
        if index == eos_index:
            break
        x = np.zeros((n_y, 1))
        x[index] = 1.0
    return indices


def gumbel_sample(parameters, eos_index, rng, max_len=20, temperature=1.0):
    """Another correct sampler: the Gumbel-max trick, a for loop, several draws per step."""
    p = parameters
    n_y, n_a = p["Wya"].shape
    x, a, indices = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
    for _ in range(max_len):
        a = np.tanh(p["Wax"] @ x + p["Waa"] @ a + p["ba"])
        z = (p["Wya"] @ a + p["by"])[:, 0] / temperature
        index = int(np.argmax(z + rng.gumbel(size=n_y)))
        indices.append(index)
        if index == eos_index:
            return indices
        x = np.eye(n_y)[:, [index]]
    return indices


def broken_sample(mistake):
    """notebook_sample with one mistake."""
    def fn(parameters, eos_index, rng, max_len=20, temperature=1.0):
        p = parameters
        n_y, n_a = p["Wya"].shape
        x, a, indices = np.zeros((n_y, 1)), np.zeros((n_a, 1)), []
        while len(indices) < max_len + (mistake == "extra eos"):
            a_prev = np.zeros((n_a, 1)) if mistake == "no recurrence" else a
            ba = 0 if mistake == "no ba" else p["ba"]
            a = np.tanh(p["Waa"] @ a_prev + p["Wax"] @ x + ba)
            T = {"no temperature": 1.0, "times temperature": 1 / temperature}.get(
                mistake, temperature)
            y_hat = softmax((p["Wya"] @ a + p["by"]) / T)
            if mistake == "argmax":
                index = int(np.argmax(y_hat))
            elif mistake == "uniform":
                index = int(rng.integers(n_y))
            else:
                index = int(rng.choice(n_y, p=y_hat.ravel()))
            if mistake == "extra eos" and len(indices) == max_len:
                index = eos_index
            if index == eos_index and mistake == "eos not appended":
                break
            indices.append(index)
            if index == eos_index and mistake != "goes on after eos":
                break
            if mistake == "x not reset":
                x[index] = 1.0
            elif mistake != "no feedback":
                x = np.zeros((n_y, 1))
                x[index] = 1.0
        if mistake == "array":
            return np.array(indices)
        if mistake == "floats":
            return [float(i) for i in indices]
        return indices
    return fn


def test_sample_correct_samplers_pass_whatever_their_use_of_rng(capsys):
    passes("sample", notebook_sample)
    check("sample", lm.sample)
    check("sample", gumbel_sample, seed=3, hidden=True)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("mistake, match", [
    ("argmax", "np.argmax gives the same index every time"),
    ("no temperature", "apply the temperature"),
    ("times temperature", "divide the logits by the temperature, do not multiply"),
    ("no feedback", "feed each drawn index back"),
    ("no recurrence", "carry the hidden state"),
    ("x not reset", "fresh one-hot vector"),
    ("no ba", "forget ba"),
    ("uniform", "every correct sampler draws that list"),
    ("eos not appended", "without ending in eos_index"),
    ("extra eos", "max_len \\+ 1"),
    ("goes on after eos", "stop at the first eos_index"),
    ("array", "got a numpy array"),
    ("floats", "integer index"),
])
def test_sample_mistakes(mistake, match):
    fails("sample", broken_sample(mistake), match)


def test_sample_no_by_is_caught_by_the_statistics():
    def no_by(parameters, eos_index, rng, max_len=20, temperature=1.0):
        p = dict(parameters, by=np.zeros_like(parameters["by"]))
        return notebook_sample(p, eos_index, rng, max_len, temperature)

    fails("sample", no_by, "with by")


def test_sample_not_implemented_and_wrong_types():
    def stub(parameters, eos_index, rng, max_len=20, temperature=1.0):
        raise NotImplementedError()

    fails("sample", stub, "not implemented yet")
    fails("sample", lambda *args, **kwargs: None, "should return a list of indices")
    fails("sample", lambda *args, **kwargs: [], "empty list")
    fails("sample", lambda p, e, r, max_len=20, temperature=1.0: [p["by"].shape[0]] * max_len,
          "outside")


def test_sample_tolerance_is_the_documented_hoeffding_bound():
    eps = lm.tolerance(5)
    assert eps == pytest.approx(np.sqrt(np.log(2 * 5 / 1e-7) / (2 * 2000)))
    # the false-failure bound it gives: 2 n_y exp(-2 N eps^2) = DELTA
    assert 2 * 5 * np.exp(-2 * 2000 * eps**2) == pytest.approx(lm.DELTA)
    assert 0.06 < eps < 0.07


def test_sample_rigged_models_spell_their_path_almost_surely():
    rng = np.random.default_rng(3)
    for case in lm._sample_cases(rng, hidden=True):
        if case.kind == "rigged":
            p, eos, _, max_len = case.args
            T = case.kwargs["temperature"]
            assert lm._greedy(p, eos, max_len) == list(case.path)
            # every step's second-best logit / T is GAP below the path's index
            x, a = np.zeros((p["by"].shape[0], 1)), np.zeros((p["Waa"].shape[0], 1))
            for index in case.path:
                a = np.tanh(p["Waa"] @ a + p["Wax"] @ x + p["ba"])
                z = np.sort((p["Wya"] @ a + p["by"])[:, 0] / T)
                assert z[-1] - z[-2] == pytest.approx(lm.GAP, abs=1e-6)
                x = np.eye(len(x))[:, [index]]


# ---------------------------------------------------------------- optimize
def notebook_optimize(X, Y, a_prev, parameters, learning_rate, clip_value):
    """The notebook's answer, with the non-fused loss and a rebinding update."""
    a, y_pred, caches = rnn.rnn_forward(X, a_prev, parameters)
    loss = losses.cross_entropy(y_pred, Y)
    z, out_cache = outputs.output_forward(a, parameters["Wya"], parameters["by"], "linear")
    out = outputs.output_backward_logits((y_pred - Y) / X.shape[1], out_cache)
    gradients = rnn.rnn_backward(out["da"], caches)  # keeps dx and da0
    gradients["dWya"], gradients["dby"] = out["dWy"], out["dby"]
    gradients = optim.clip_by_value(gradients, clip_value)
    for key in list(parameters):
        parameters[key] = parameters[key] - learning_rate * gradients["d" + key]
    return loss, gradients, a[:, :, -1]


def broken_optimize(mistake):
    def fn(X, Y, a_prev, parameters, learning_rate, clip_value):
        a, _, caches = rnn.rnn_forward(X, a_prev, parameters)
        z, out_cache = outputs.output_forward(a, parameters["Wya"], parameters["by"], "linear")
        loss, dz = losses.softmax_cross_entropy(z, Y)
        out = outputs.output_backward_logits(dz, out_cache)
        raw = rnn.rnn_backward(out["da"], caches)
        raw["dWya"], raw["dby"] = out["dWy"], out["dby"]
        clipped = optim.clip_by_value(raw, clip_value)
        step = raw if mistake in ("update unclipped", "no clip") else clipped
        new = {}
        for key in list(parameters):
            change = {"plus": -learning_rate, "no lr": 1.0}.get(mistake, learning_rate)
            new[key] = parameters[key] - change * step["d" + key]
        if mistake != "new dict":
            parameters.update(new)
        returned = raw if mistake == "no clip" else clipped
        if mistake == "no dWya":
            returned = {k: v for k, v in returned.items() if k != "dWya"}
        if mistake == "loss mean over time":
            loss = loss / X.shape[2]
        a_last = {"first state": a[:, :, 0], "a_prev": a_prev,
                  "3-d": a[:, :, -1:]}.get(mistake, a[:, :, -1])
        if mistake == "two values":
            return loss, returned
        if mistake == "gradients list":
            returned = list(returned.values())
        return loss, returned, a_last
    return fn


def test_optimize_reference_and_other_correct_forms_pass(capsys):
    passes("optimize", lm.optimize)
    passes("optimize", notebook_optimize)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("mistake, match", [
    ("no clip", "after clipping them"),
    ("update unclipped", "update with the clipped gradients"),
    ("new dict", "update the parameters in place"),
    ("plus", "gradient descent subtracts"),
    ("no lr", "multiply the gradient by the learning rate"),
    ("first state", "not a<1>"),
    ("a_prev", "not a<0>"),
    ("3-d", "a_last has shape"),
    ("loss mean over time", "sums the cross-entropy over the time steps"),
    ("no dWya", "missing 'dWya'"),
    ("two values", "expected 3 return values"),
    ("gradients list", "expected a dict"),
])
def test_optimize_mistakes(mistake, match):
    fails("optimize", broken_optimize(mistake), match)


def test_optimize_not_implemented():
    def stub(X, Y, a_prev, parameters, learning_rate, clip_value):
        raise NotImplementedError()

    fails("optimize", stub, "not implemented yet")


def test_optimize_cases_clip_some_entries_and_not_others():
    for case in lm._optimize_cases(np.random.default_rng(8), hidden=False):
        X, Y, a_prev, p, _, clip_value = case.args
        _, g, _ = lm.unclipped_gradients(X, Y, a_prev, p.before)
        entries = np.abs(np.concatenate([v.ravel() for v in g.values()]))
        assert np.any(entries > clip_value) and np.any(entries < clip_value)


def test_the_reference_gradients_agree_with_centred_differences():
    rng = np.random.default_rng(11)
    X, Y = lm._batch(rng, 5, 3, 4)
    p = lm._rnn_params(rng, 5, 4, 5, scale=2.0)
    a_prev = rng.standard_normal((4, 3))

    def loss():
        return lm.unclipped_gradients(X, Y, a_prev, p)[0]

    _, grads, _ = lm.unclipped_gradients(X, Y, a_prev, p)
    assert_gradients("language_model.optimize (unclipped)", loss, p, grads)
