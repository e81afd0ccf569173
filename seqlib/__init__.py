"""seqlib: the numpy reference behind the sequence-models course.

One concept per module, shapes in the lecture notes' layout (units, batch m, time T_x):

- ``seqlib.rnn``, ``seqlib.gru``, ``seqlib.lstm``: cells, forward and backward
- ``seqlib.cells``: the three behind one interface; ``seqlib.initialization``
- ``seqlib.bidirectional``, ``seqlib.deep``: built from any cell
- ``seqlib.activations``, ``seqlib.outputs``, ``seqlib.losses``: output layers and losses
- ``seqlib.optim``: SGD, Adagrad, Adam, gradient clipping
- ``seqlib.text``: vocabulary, one-hot, tokenizers; ``seqlib.data``: shipped data and tasks
- ``seqlib.charlm``, ``seqlib.sampling``: the character-level language model, sampling with a
  temperature; ``seqlib.gradcheck``
- ``seqlib.explore``: what the notebooks' explorers compute (gates over time, gradient flow,
  BPTT contributions, next-character distributions); ``seqlib.widgets`` draws them with
  ipywidgets and matplotlib (imported on demand, never by ``import seqlib``)
- ``seqlib.checks``: the course's exercise checks (imported on demand: ``from seqlib.checks
  import check``)

``import seqlib`` loads the math only: nothing here needs a display.
"""

from seqlib import (
    activations,
    bidirectional,
    cells,
    charlm,
    data,
    deep,
    explore,
    gradcheck,
    gru,
    initialization,
    losses,
    lstm,
    optim,
    outputs,
    rnn,
    sampling,
    text,
)

__version__ = "0.1.0"
__all__ = ["activations", "bidirectional", "cells", "charlm", "data", "deep", "explore",
           "gradcheck",
           "gru", "initialization", "losses", "lstm", "optim", "outputs", "rnn", "sampling",
           "text"]
