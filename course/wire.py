"""Plain data across the sandbox boundary: JSON with arrays as base64 .npy, never pickle.

What a learner's function returns is encoded in the sandbox and decoded in the trusted
grader. Only plain types cross: None, bool, int, float, str, lists, tuples, dicts with string
keys, and numpy arrays of numeric dtype (``np.save`` with ``allow_pickle=False``). Anything
else (an ndarray subclass whose comparisons lie, an object array, a generator, a custom
class) crosses as ``Unsupported(type name)``, which no comparison accepts.

Inputs going the other way may also hold a numpy Generator (PCG64, crossing as its state)
or a callable that a check built (the loss function handed to ``gradient_check``): it
crosses as the dotted name of its class and its arrays, and the sandbox rebuilds it; only
classes from ``seqlib.checks`` are accepted.
"""

import base64
import importlib
import io
import json
from dataclasses import dataclass

import numpy as np

MAX_DEPTH = 50


@dataclass(frozen=True)
class Unsupported:
    """Stands for a value that cannot cross: its type's name, and why."""

    type_name: str
    why: str = ""

    def __repr__(self):
        return f"<a {self.type_name}{': ' + self.why if self.why else ''}>"


def encode(value):
    """A JSON string for ``value``. An array that appears twice (a loss function's x and
    the x handed beside it) crosses once and arrives as one array again."""
    return json.dumps(_to_tree(value, 0, {}), allow_nan=True)


def decode(text):
    """The value that ``encode`` wrote; Unsupported for what could not cross."""
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError) as error:
        return Unsupported("message", f"not JSON: {error}")
    return _from_tree(tree, 0, {})


def _to_tree(value, depth, seen):
    if depth > MAX_DEPTH:
        return {"unsupported": "structure", "why": "nested too deeply"}
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"float": repr(value)}  # keeps nan and inf exact
    if isinstance(value, np.generic) and type(value).__module__ == "numpy":
        return _to_tree(value.item(), depth, seen) if value.dtype.kind in "biuf" else \
            {"unsupported": type(value).__name__}
    if type(value) is np.ndarray:
        if value.dtype.kind not in "biuf":
            return {"unsupported": "ndarray", "why": f"dtype {value.dtype}"}
        if id(value) in seen:
            return {"ref": seen[id(value)]}
        seen[id(value)] = len(seen)
        buffer = io.BytesIO()
        np.save(buffer, value, allow_pickle=False)
        return {"ndarray": base64.b64encode(buffer.getvalue()).decode("ascii"),
                "id": seen[id(value)]}
    if type(value) in (list, tuple):
        return {type(value).__name__: [_to_tree(v, depth + 1, seen) for v in value]}
    if type(value) is dict or (isinstance(value, dict) and _wire_name(value) is None):
        if not all(type(k) is str for k in value):
            return {"unsupported": "dict", "why": "keys that are not strings"}
        return {"dict": {k: _to_tree(v, depth + 1, seen) for k, v in value.items()}}
    if type(value) is np.random.Generator and type(value.bit_generator) is np.random.PCG64:
        return {"generator": _to_tree(value.bit_generator.state, depth + 1, seen)}
    name = _wire_name(value)
    if name is not None:
        return {"object": name, "state": _to_tree(value.__wire_state__(), depth + 1, seen)}
    kind = type(value).__name__
    why = "an ndarray subclass" if isinstance(value, np.ndarray) else ""
    return {"unsupported": kind, "why": why}


def _wire_name(value):
    wire = getattr(type(value), "__wire_state__", None)
    if wire is None or not type(value).__module__.startswith("seqlib.checks"):
        return None
    return f"{type(value).__module__}:{type(value).__qualname__}"


def _from_tree(tree, depth, arrays):
    if depth > MAX_DEPTH:
        return Unsupported("structure", "nested too deeply")
    if tree is None or isinstance(tree, (bool, int, str)):
        return tree
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        return Unsupported(type(tree).__name__, "malformed")
    if "float" in tree:
        return float(tree["float"])
    if "ndarray" in tree:
        try:
            data = base64.b64decode(tree["ndarray"], validate=True)
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except (ValueError, TypeError, OSError) as error:
            return Unsupported("ndarray", f"unreadable: {error}")
        arrays[tree.get("id")] = array
        return array
    if "ref" in tree:
        return arrays.get(tree["ref"], Unsupported("ndarray", "unknown reference"))
    if "list" in tree:
        return [_from_tree(v, depth + 1, arrays) for v in tree["list"]]
    if "tuple" in tree:
        return tuple(_from_tree(v, depth + 1, arrays) for v in tree["tuple"])
    if "dict" in tree:
        return {str(k): _from_tree(v, depth + 1, arrays) for k, v in tree["dict"].items()}
    if "generator" in tree:
        try:
            bit_generator = np.random.PCG64()
            bit_generator.state = _from_tree(tree["generator"], depth + 1, arrays)
            return np.random.Generator(bit_generator)
        except (TypeError, ValueError, KeyError) as error:
            return Unsupported("Generator", f"bad state: {error}")
    if "object" in tree:
        return _rebuild(tree["object"], _from_tree(tree.get("state"), depth + 1, arrays))
    if "unsupported" in tree:
        return Unsupported(str(tree["unsupported"]), str(tree.get("why", "")))
    return Unsupported("value", "malformed")


def _rebuild(name, state):
    module_name, _, qualname = str(name).partition(":")
    if not module_name.startswith("seqlib.checks"):
        return Unsupported(name, "not a seqlib.checks class")
    cls = getattr(importlib.import_module(module_name), qualname, None)
    if cls is None or not hasattr(cls, "__wire_state__"):
        return Unsupported(name, "unknown class")
    return cls.from_wire_state(state)
