"""Walking nested parameter dicts (and the lists of layers of a deep RNN) with their gradients.

The one naming rule: the gradient of ``parameters[key]`` is ``grads["d" + key]`` when the
value is an array; a nested dict or list keeps its own key (``grads["forward"]["dWax"]``).
"""

import numpy as np


def paired_leaves(parameters, grads, prefix=""):
    """Yield (path, array, gradient) for every array in a nest of dicts and lists.

    path reads like "forward.Wax" or "layers.0.Wf". Raises ValueError naming the path when a
    gradient is missing or shaped differently from its array.
    """
    items = parameters.items() if isinstance(parameters, dict) else enumerate(parameters)
    for key, value in items:
        path = f"{prefix}{key}"
        if isinstance(value, np.ndarray):
            grad = _lookup(grads, "d" + key if isinstance(key, str) else key, path)
            if np.shape(grad) != value.shape:
                raise ValueError(
                    f"grads: the gradient of {path} has shape {np.shape(grad)}, "
                    f"expected {value.shape}"
                )
            yield path, value, grad
        elif isinstance(value, (dict, list)):
            yield from paired_leaves(value, _lookup(grads, key, path), path + ".")
        else:
            raise ValueError(f"parameters: {path} is a {type(value).__name__}, not an array")


def leaves(tree, prefix=""):
    """Yield (path, array) for every array in a nest of dicts and lists (e.g. gradients)."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree)
    for key, value in items:
        if isinstance(value, np.ndarray):
            yield f"{prefix}{key}", value
        elif isinstance(value, (dict, list)):
            yield from leaves(value, f"{prefix}{key}.")


def _lookup(grads, key, path):
    try:
        return grads[key]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"grads: no gradient for {path} (looked for key {key!r})") from None
