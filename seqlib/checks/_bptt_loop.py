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
