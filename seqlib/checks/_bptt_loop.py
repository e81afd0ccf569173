"""What the checks of every sequence backward (RNN, GRU, LSTM) say about the loop itself:
the mistakes are the same whatever the cell, so their hints are written once, here."""

import numpy as np

from seqlib.checks._core import CheckFailed

#: Hints for mistakes in the loop over time, keyed by the name of the wrong variant that
#: each cell's checks compute (``_backward_variant``).
LOOP_HINTS = {
    "no_future": "the gradient into a<t> has two parts: add the one from the future (the "
                 "da_prev that step t+1 returned) to da[:, :, t]",
    "no_output": "the gradient into a<t> has two parts: da[:, :, t] from the output at step t, "
                 "plus the da_prev that step t+1 returned",
    "forward_order": "backpropagation runs right to left: loop with "
                     "for t in reversed(range(T_x))",
    "mean_over_time": "add up the steps' gradients, do not average them: J is a sum over time",
    "dx_reversed": "dx[:, :, t] should hold step t's dxt: store it at index t, not in the "
                   "order the loop visits the steps",
    "da0_is_da1": "da0 is the gradient with respect to a<0>: the da_prev that the first step "
                  "(t = 0) returns",
}


def shared_hint(names):
    """The hint for summing only one step's gradient of the shared parameters ``names``."""
    return (f"{names} are shared by all T_x steps: add up (+=) every step's gradient, not "
            "only one step's")


def check_time_last(dx, n_x, m, T_x):
    """A dx with time first gets its own message (it would otherwise be a shape error)."""
    if isinstance(dx, np.ndarray) and dx.shape in ((T_x, n_x, m), (T_x, m, n_x)) \
            and dx.shape != (n_x, m, T_x):
        raise CheckFailed(f"dx has shape {dx.shape}, expected {(n_x, m, T_x)}: time is the "
                          "last axis, store step t's dxt in dx[:, :, t]")


def loop_variant(da, caches, variant, step_backward, parameters, keys, frozen=()):
    """A sequence backward with one likely mistake in its loop over time, built from a
    correct one-step backward (the same mistakes for every cell whose state is just a).

    step_backward(da_next, cache) -> {"dxt", "da_prev", "d" + key ...}; parameters: the
    dict whose ``keys`` get gradients; frozen: gradient names the "no_reset_sums" variant
    never accumulates. variant: "no_future" (each step gets da[:, :, t] only), "no_output"
    (the future's gradient only), "forward_order" (t = 0 ... T_x - 1), "first_only" and
    "last_only" (one step's dW instead of the sum), "mean_over_time", "dx_reversed" (dx
    stored in loop order), "da0_is_da1" (da0 = the gradient into a<1>), "no_reset_sums".
    """
    step_caches, x = caches
    T_x = da.shape[2]
    order = range(T_x) if variant == "forward_order" else reversed(range(T_x))
    dx = np.zeros(x.shape)
    sums = {"d" + k: np.zeros_like(parameters[k]) for k in keys}
    da_future = np.zeros(da.shape[:2])
    da1 = None
    for i, t in enumerate(order):
        if variant == "no_future":
            da_total = da[:, :, t]
        elif variant == "no_output":
            da_total = da_future
        else:
            da_total = da[:, :, t] + da_future
        if t == 0:
            da1 = da_total
        step = step_backward(da_total, step_caches[t])
        dx[:, :, i if variant == "dx_reversed" else t] = step["dxt"]
        da_future = step["da_prev"]
        for key in sums:
            if variant == "no_reset_sums" and key in frozen:
                continue
            if variant in ("first_only", "last_only"):
                if t == (0 if variant == "first_only" else T_x - 1):
                    sums[key] = step[key]
            else:
                sums[key] = sums[key] + step[key]
    if variant == "mean_over_time":
        sums = {key: value / T_x for key, value in sums.items()}
    return {"dx": dx, "da0": da1 if variant == "da0_is_da1" else da_future, **sums}
