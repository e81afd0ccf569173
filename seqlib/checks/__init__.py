"""Exercise checks for the course notebooks: the test logic lives here, once.

A notebook's test cell is a few lines::

    check("rnn_cell_forward", rnn_cell_forward)                      # visible, public seed
    ### BEGIN HIDDEN TESTS
    check("rnn_cell_forward", rnn_cell_forward, seed=8231, hidden=True)  # more, edge cases
    ### END HIDDEN TESTS

Each check calls the learner's function on random cases and compares every result with
seqlib's reference; a wrong result raises ``CheckFailed`` with a hint for the likely mistake.
Each notebook has one module here holding its ``EXERCISES``; every module of this package
whose name does not start with ``_`` is one.
"""

import importlib
import pkgutil

from seqlib.checks._core import PUBLIC_SEED, CheckFailed, run

MODULES = tuple(importlib.import_module(f"{__name__}.{info.name}")
                for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
EXERCISES = {}
for _module in MODULES:
    for _name, _exercise in _module.EXERCISES.items():
        if _name in EXERCISES:
            raise RuntimeError(f"exercise {_name!r} is defined twice ({_module.__name__})")
        EXERCISES[_name] = _exercise


def check(name, fn, seed=PUBLIC_SEED, hidden=False):
    """Check the learner's ``fn`` for exercise ``name``; prints one line, returns None."""
    if name not in EXERCISES:
        raise ValueError(f"name: no exercise called {name!r}; known: {sorted(EXERCISES)}")
    run(EXERCISES[name], fn, seed=seed, hidden=hidden)


__all__ = ["CheckFailed", "EXERCISES", "check"]
