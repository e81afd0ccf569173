"""Shared test helpers: random cases in the notes' layout, and a gradient-check recorder.

Every gradient check a test runs goes through ``assert_gradients``, which also records the
largest relative error per model; pytest prints that table at the end of the run, so each
CI log says how far every backward is from its centred-difference check.
"""

import numpy as np
import pytest

from seqlib.gradcheck import check_gradients
from seqlib.initialization import init_parameters

GRADCHECK_TOLERANCE = 1e-7
_largest_errors: dict[str, float] = {}


def assert_gradients(model, f, variables, grads, tol=GRADCHECK_TOLERANCE, eps=1e-6):
    """Check every gradient against centred differences; record the largest error.

    eps: the step; 1e-5 suits a large loss with small gradients, where the rounding noise
    of each difference (about 1e-15 * |J| / eps) would otherwise dominate.
    """
    errors = check_gradients(f, variables, grads, eps=eps)
    worst = max(errors.values())
    _largest_errors[model] = max(worst, _largest_errors.get(model, 0.0))
    bad = {k: e for k, e in errors.items() if not e < tol}
    assert not bad, f"{model}: relative errors above {tol}: {bad}"
    return errors


def pytest_terminal_summary(terminalreporter):
    if _largest_errors:
        terminalreporter.section("largest gradient-check relative error per model")
        for model, err in sorted(_largest_errors.items()):
            terminalreporter.write_line(f"{model:<40} {err:.2e}")


def random_case(cell, rng, n_x=3, n_a=5, n_y=2, m=4, T_x=6, dtype=np.float64, noise=0.5):
    """x (n_x, m, T_x), a0 (n_a, m) and parameters moved away from their initial values
    (zero biases would hide a bias bug; noise makes every gate take varied values)."""
    params = init_parameters(cell, n_x, n_a, n_y, rng=rng)
    for key in params:
        params[key] = (params[key] + noise * rng.standard_normal(params[key].shape)).astype(dtype)
    x = rng.standard_normal((n_x, m, T_x)).astype(dtype)
    a0 = rng.standard_normal((n_a, m)).astype(dtype)
    return x, a0, params


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)
