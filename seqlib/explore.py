"""The computations behind the course's explorers (``seqlib.widgets``): numpy only, no display.

- ``gate_trace``: every gate, candidate and state of one cell over one sequence, from the step
  caches, run with the learner's own cell function when it works and with seqlib's otherwise;
  ``step_equation`` writes one step of one unit with its numbers.
- ``gradient_flow``: ‖∂J/∂a<t>‖ for t = 1 .. T when J depends on a<T> only, with the recurrent
  weights rescaled to a chosen spectral radius: vanishing and exploding gradients.
- ``bptt_contributions``: the vertical and horizontal parts of the gradient reaching each a<t>
  in backpropagation through time (notebook 03).
- ``next_char_distribution``, ``samples``: a character-level model at a temperature.

Layout as everywhere in seqlib: x (n_x, m, T_x), a (n_a, m, T_x). The explorers look at one
sequence, so m = 1 and the traces are (n_a, T_x): one row per unit, one column per step.
"""

from __future__ import annotations

import numpy as np

from seqlib import _validate as v
from seqlib import gru, lstm, rnn
from seqlib._sequence import check_sequence_caches
from seqlib.cells import get_cell
from seqlib.charlm import CharLM, _check_model, make_batch, probabilities, sample

#: What gate_trace returns for each cell, in the order the explorer draws it.
TRACE_KEYS = {
    "rnn": ("a",),
    "gru": ("gamma_u", "gamma_r", "c_tilde", "c"),
    "lstm": ("gamma_f", "gamma_u", "gamma_o", "c_tilde", "c", "a"),
}
#: The notes' symbol for each trace key.
LABELS = {"a": "a", "c": "c", "c_tilde": "c̃", "gamma_f": "Γf", "gamma_u": "Γu",
          "gamma_o": "Γo", "gamma_r": "Γr"}
#: The name of each cell's one-step forward, as the notebooks and seqlib call it.
STEP_NAMES = {"rnn": "rnn_cell_forward", "gru": "gru_cell_forward", "lstm": "lstm_cell_forward"}
_REFERENCE_STEPS = {"rnn": rnn.rnn_cell_forward, "gru": gru.gru_cell_forward,
                    "lstm": lstm.lstm_cell_forward}
_OUTPUT_SHAPES = {"rnn": rnn.OUTPUT_SHAPES, "gru": gru.OUTPUT_SHAPES, "lstm": lstm.OUTPUT_SHAPES}


# ---------------------------------------------------------------- gates over time
def gate_trace(cell, parameters, x, step_fn=None):
    """Run one cell over one sequence and collect its gates and states step by step.

    Arguments:
        cell: "rnn", "gru" or "lstm"
        parameters: the cell's recurrent parameters and its output layer (Wya, by for the
            RNN; Wy, by otherwise), as the cell's ``*_cell_forward`` takes them
        x: one sequence, (n_x, 1, T_x)
        step_fn: the learner's one-step forward with seqlib's signature and return values
            (``rnn_cell_forward(xt, a_prev, parameters)``, ``gru_cell_forward(xt, a_prev,
            parameters)``, ``lstm_cell_forward(xt, a_prev, c_prev, parameters)``), or None for
            seqlib's own. If it raises, or returns something that is not such a step, the
            reference is used instead and ``reason`` says why.

    Returns a dict:
        one (n_a, T_x) array per key of TRACE_KEYS[cell]; column t - 1 is step t
        "y": (n_y, T_x), the output distribution ŷ<t> of each step
        "x": x[:, 0, :], (n_x, T_x); "parameters": the parameters used
        "cell", "source" ("yours" or "seqlib"), "reason" (None, or why seqlib's was used),
        "max_difference": the largest |yours - seqlib's| over every array (None when
            yours was not used)
    Starts from a<0> = 0 (and c<0> = 0).
    """
    c = get_cell(cell)
    dims = v.Dims(m=1)
    v.check_array("x", x, ("n_x", "m", "T_x"), dims)
    v.check_parameters(parameters, {**c.recurrent_shapes, **_OUTPUT_SHAPES[cell]}, dims)
    if step_fn is not None and not callable(step_fn):
        raise ValueError(f"step_fn: expected a function like {STEP_NAMES[cell]}, got "
                         f"{type(step_fn).__name__}")
    reference = _run_trace(cell, _REFERENCE_STEPS[cell], parameters, x)
    trace = {**reference, "source": "seqlib", "reason": None, "max_difference": None}
    if step_fn is None or step_fn is _REFERENCE_STEPS[cell]:
        return trace
    name = getattr(step_fn, "__name__", STEP_NAMES[cell])
    try:
        yours = _run_trace(cell, step_fn, parameters, x)
    except NotImplementedError:
        trace["reason"] = f"your {name} is not written yet: showing seqlib's"
        return trace
    except Exception as error:  # the learner's code can fail in any way; say how, carry on
        trace["reason"] = (f"your {name} failed ({type(error).__name__}: {error}): showing "
                           f"seqlib's")
        return trace
    difference = max(float(np.max(np.abs(yours[k] - reference[k])))
                     for k in (*TRACE_KEYS[cell], "y"))
    return {**yours, "source": "yours", "reason": None, "max_difference": difference}


def _run_trace(cell, step_fn, parameters, x):
    """The trace of gate_trace with one step function; raises if its results are malformed."""
    n_a = parameters[get_cell(cell).output_keys[0]].shape[1]
    T_x = x.shape[2]
    keys = TRACE_KEYS[cell]
    out = {k: np.zeros((n_a, T_x)) for k in keys}
    ys = []
    a_prev = c_prev = np.zeros((n_a, 1))
    for t in range(T_x):
        xt = x[:, :, t]  # (n_x, 1)
        if cell == "lstm":
            a_prev, c_prev, yt, cache = step_fn(xt, a_prev, c_prev, parameters)
            _check_cache(cache, 10, n_a)
            values = dict(zip(("gamma_f", "gamma_u", "c_tilde", "gamma_o"), cache[4:8],
                              strict=True), c=c_prev, a=a_prev)
        else:
            a_prev, yt, cache = step_fn(xt, a_prev, parameters)
            if cell == "gru":
                _check_cache(cache, 7, n_a)
                values = {"gamma_u": cache[3], "gamma_r": cache[4], "c_tilde": cache[5],
                          "c": a_prev}
            else:
                _check_cache(cache, 4, n_a)
                values = {"a": a_prev}
        for k in keys:
            value = np.asarray(values[k], dtype=np.float64)
            if value.shape != (n_a, 1):
                raise ValueError(f"{LABELS[k]} at step {t + 1} has shape {value.shape}, "
                                 f"expected {(n_a, 1)}")
            out[k][:, t] = value[:, 0]
        ys.append(np.asarray(yt, dtype=np.float64).reshape(-1))
    return {**out, "y": np.stack(ys, axis=1), "x": x[:, 0, :], "parameters": parameters,
            "cell": cell}


def _check_cache(cache, length, n_a):
    if not isinstance(cache, tuple) or len(cache) != length:
        raise ValueError(f"the cache should be a tuple of {length}, got "
                         f"{len(cache) if isinstance(cache, tuple) else type(cache).__name__}")


def text_inputs(vocab, text):
    """A string as the language model reads it: x (n_x, 1, T) with T = len(text) + 1.

    As in ``seqlib.charlm.make_batch``: x<1> = 0, x<t+1> = the t-th character, so ŷ<t> is
    the model's distribution of the t-th character. Returns x and the T labels of the steps
    ("·" for the start, then the characters read).
    """
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str, got {type(text).__name__}")
    x, _, _ = make_batch(vocab, [text])  # (n_x, 1, T)
    return x, ["·", *text]


def step_equation(trace, t, unit):
    """The update of one unit at step t (1 .. T_x), written out with its numbers.

    trace: what gate_trace returned; t: the step; unit: the row, 0 .. n_a - 1.
    Returns a str of one line per equation, e.g. for the GRU
    ``c<3>[0] = Γu·c̃ + (1 − Γu)·c<2> = 0.731·0.214 + 0.269·(−0.050) = 0.143``.
    """
    cell = trace["cell"]
    n_a, T_x = trace[TRACE_KEYS[cell][-1]].shape
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= T_x:
        raise ValueError(f"t: expected a step in 1 .. {T_x}, got {t!r}")
    if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)) or not 0 <= unit < n_a:
        raise ValueError(f"unit: expected a unit in 0 .. {n_a - 1}, got {unit!r}")
    i = t - 1

    def prev(key):
        return trace[key][unit, i - 1] if i > 0 else 0.0

    def f(value):
        return f"{value:.3f}".replace("-", "−")

    j = f"[{unit}]"
    if cell == "rnn":
        p = trace["parameters"]
        a_prev = trace["a"][:, i - 1] if i > 0 else np.zeros(n_a)
        z = p["Waa"][unit] @ a_prev + p["Wax"][unit] @ trace["x"][:, i] + p["ba"][unit, 0]
        return (f"a<{t}>{j} = tanh(Waa a<{t - 1}> + Wax x<{t}> + ba){j} = tanh({f(z)}) = "
                f"{f(trace['a'][unit, i])}")
    g = {k: trace[k][unit, i] for k in TRACE_KEYS[cell]}
    if cell == "gru":
        return (f"c<{t}>{j} = Γu·c̃ + (1 − Γu)·c<{t - 1}> = {f(g['gamma_u'])}·{f(g['c_tilde'])}"
                f" + {f(1 - g['gamma_u'])}·({f(prev('c'))}) = {f(g['c'])}     "
                f"(Γr = {f(g['gamma_r'])}, a<{t}> = c<{t}>)")
    return (f"c<{t}>{j} = Γu·c̃ + Γf·c<{t - 1}> = {f(g['gamma_u'])}·{f(g['c_tilde'])} + "
            f"{f(g['gamma_f'])}·({f(prev('c'))}) = {f(g['c'])}\n"
            f"a<{t}>{j} = Γo·tanh(c<{t}>) = {f(g['gamma_o'])}·tanh({f(g['c'])}) = "
            f"{f(g['a'])}")


# ---------------------------------------------------------------- gradient flow
def gradient_flow(cell, radius, T, clip=None, rng=None, input_scale=0.0, n_x=4, n_a=16):
    """‖∂J/∂a<t>‖ for t = 1 .. T, for J = w · a<T> (a loss that depends on the last state).

    Arguments:
        cell: "rnn", "gru" or "lstm"
        radius: the spectral radius (largest |eigenvalue|) that the recurrent weights are
            rescaled to: Waa for the RNN, the a<t-1> block W[:, :n_a] of every gate matrix
            for the GRU and the LSTM
        T: the sequence length
        clip: None, or a positive max_norm: the gradient carried back from step to step is
            rescaled to norm max_norm whenever it is longer (for the LSTM the pair (da, dc)
            together), so it can vanish but not explode
        rng: a numpy.random.Generator, default ``default_rng(0)``. The input x (n_x, 1, T)
            and w (n_a,) are drawn from it first, then the parameters: the same seed gives
            the three cells the same input.
        input_scale: x is input_scale times standard normal numbers. At 0 the states stay
            at 0 (a<0> = 0, biases 0 but the LSTM's bf), where tanh' = 1: the RNN's gradient
            then scales exactly like radius^(T - t). Larger inputs saturate the units and
            shrink the gradient whatever the radius.
        n_x, n_a: input and hidden sizes

    Returns norms (T,): norms[t - 1] = ‖∂J/∂a<t>‖, with ‖w‖ = 1 so norms[-1] = 1. For the
    LSTM it is the gradient with respect to a<t> alone, c<t> held fixed.
    """
    c = get_cell(cell)
    v.check_positive("radius", radius)
    v.check_positive("T", T, integer=True)
    v.check_positive("n_x", n_x, integer=True)
    v.check_positive("n_a", n_a, integer=True)
    if clip is not None:
        v.check_positive("clip", clip)
    if input_scale != 0:
        v.check_positive("input_scale", input_scale)
    if rng is None:
        rng = np.random.default_rng(0)
    elif not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    x = input_scale * rng.standard_normal((n_x, 1, T))  # drawn first: the same for every cell
    w = rng.standard_normal((n_a, 1))
    w /= np.linalg.norm(w)
    params = recurrent_parameters(cell, radius, n_x, n_a, rng)
    _, (caches, _) = c.forward_states(x, np.zeros((n_a, 1)), params)
    norms = np.zeros(T)
    da, dc = w, np.zeros((n_a, 1))
    for t in reversed(range(T)):
        norms[t] = np.linalg.norm(da)
        if t == 0:
            break
        if cell == "rnn":
            da = rnn._step_backward(da, caches[t])["da_prev"]
        elif cell == "gru":
            da = gru._step_backward(da, caches[t])["da_prev"]
        else:
            step = lstm._step_backward(da, dc, caches[t])
            da, dc = step["da_prev"], step["dc_prev"]
        if clip is not None:
            total = np.sqrt(np.sum(da**2) + np.sum(dc**2))
            if total > clip:
                da, dc = da * (clip / total), dc * (clip / total)
    return norms


def recurrent_parameters(cell, radius, n_x, n_a, rng):
    """init_parameters(cell, n_x, n_a) with each recurrent block rescaled to spectral radius
    ``radius`` (Waa; or W[:, :n_a] of every gate matrix). No output layer."""
    from seqlib.initialization import init_parameters  # initialization imports cells

    params = init_parameters(cell, n_x, n_a, rng=rng)
    keys = ["Waa"] if cell == "rnn" else [k for k in params if k.startswith("W")]
    for key in keys:
        block = params[key][:, :n_a]  # the part that multiplies a<t-1>, (n_a, n_a)
        rho = np.max(np.abs(np.linalg.eigvals(block)))
        params[key][:, :n_a] = block * (radius / rho)
    return params


# ---------------------------------------------------------------- BPTT, vertical and horizontal
def bptt_contributions(da, caches):
    """The norms of the two gradients that reach each a<t> in backpropagation through time.

    da: (n_a, m, T_x), what the outputs send down to each a<t>; caches: from
    ``seqlib.rnn.rnn_forward`` (or ``forward_states``).
    Returns vertical (T_x,), ‖da[:, :, t]‖, from the output at step t, and horizontal (T_x,),
    the norm of the gradient reaching a<t> through a<t+1>, from all the later outputs (0 at
    the last step). Norms over the units and the m examples together.
    """
    step_caches, _ = check_sequence_caches(caches, 4, "rnn_forward")
    v.check_array("da", da, (*step_caches[0][0].shape, len(step_caches)), v.Dims())
    T_x = da.shape[2]
    vertical = np.linalg.norm(da, axis=(0, 1))  # (T_x,)
    horizontal = np.zeros(T_x)
    from_future = np.zeros(da.shape[:2])  # nothing after the last step, (n_a, m)
    for t in reversed(range(T_x)):
        horizontal[t] = np.linalg.norm(from_future)
        from_future = rnn._step_backward(da[:, :, t] + from_future, step_caches[t])["da_prev"]
    return vertical, horizontal


def random_rnn_contributions(scale, T, rng, n_x=4, n_a=16, n_y=4, m=8):
    """bptt_contributions for a random RNN with a target at every step (notebook 03's plot).

    scale: Waa is multiplied by it after init_parameters; T: sequence length; rng: a
    numpy.random.Generator (parameters, then x (n_x, m, T), then the targets are drawn).
    The output layer is softmax + cross-entropy, mean over the m examples:
    da[:, :, t] = Wya^T (ŷ<t> - y<t>) / m. Returns (vertical, horizontal), each (T,).
    """
    v.check_positive("scale", scale)
    v.check_positive("T", T, integer=True)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng: expected a numpy.random.Generator, got {type(rng).__name__}")
    from seqlib.initialization import init_parameters

    params = init_parameters("rnn", n_x, n_a, n_y, rng=rng)
    params["Waa"] = scale * params["Waa"]
    x = rng.standard_normal((n_x, m, T))
    y = np.eye(n_y)[:, rng.integers(0, n_y, size=(m, T))]  # one-hot targets, (n_y, m, T)
    _, y_pred, caches = rnn.rnn_forward(x, np.zeros((n_a, m)), params)
    da = np.einsum("ya,ymt->amt", params["Wya"], (y_pred - y) / m)  # (n_a, m, T)
    return bptt_contributions(da, caches)


# ---------------------------------------------------------------- the language model
def next_char_distribution(model, prefix="", temperature=1.0):
    """The model's distribution of the character after ``prefix``, at ``temperature``.

    p_T(i) = p(i)^(1/T) / Σ_j p(j)^(1/T) with p = ``charlm.probabilities(model, prefix)``:
    T = 1 is the model's own distribution. Returns (n_y,), indexed like model.vocab.
    """
    _check_model(model)
    v.check_positive("temperature", temperature)
    if not np.isfinite(temperature):
        raise ValueError(f"temperature: expected a finite positive number, got {temperature!r}")
    p = probabilities(model, prefix)  # (n_y,)
    with np.errstate(divide="ignore"):
        log_p = np.log(p) / temperature
    w = np.exp(log_p - np.max(log_p))  # the largest weight is 1: no overflow at small T
    return w / np.sum(w)


def samples(model, n=8, temperature=1.0, seed=0, max_len=20):
    """n names drawn from a CharLM at ``temperature`` (``charlm.sample``) from
    ``default_rng(seed)``: the same seed gives the same names."""
    if not isinstance(model, CharLM):
        raise ValueError(f"model: expected a CharLM, got {type(model).__name__}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    return sample(model, np.random.default_rng(seed), n=n, temperature=temperature,
                  max_len=max_len)
