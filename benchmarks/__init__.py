"""Speed benchmarks: seqlib against PyTorch and min-char-rnn, and the course's time budget.

    python -m benchmarks                 everything, about ten minutes on 2 cores
    python -m benchmarks --quick         a tiny subset, for a smoke test
    python -m benchmarks --only cells    one section: cells, charlm or course

Sections (each a module here):

- ``cells``: the RNN, GRU and LSTM forward + backward over a sequence, seqlib's fused path
  (``seqlib.fused``) against the machine's own matmul throughput, the per-gate teaching
  version (``seqlib.rnn``, ``gru``, ``lstm``, which is what learners write in the notebooks) and
  PyTorch CPU when it is importable;
- ``charlm``: the character-level model, ``seqlib.charlm.train`` against a min-char-rnn style
  trainer written here from its published description, on the shipped names;
- ``course``: headless execution time of every solution notebook and of the series.

Every figure is a median over repeats; every comparison is a ratio of two medians measured
in the same run, the contenders taking turns so that a change of load hits them alike. The
machine is shared, so the run prints its load average; the numbers are what was measured.

Nothing is imported here: ``__main__`` sets the BLAS thread count before numpy loads.
"""
