"""Argument checking shared by every public function of seqlib.

Every error names the argument, the expected shape written with the lecture notes' dimension
names, and what was received, so a learner reads

    a_prev: expected shape (n_a, m) = (5, 10), got (5, 3): m is 10 (from xt)

instead of a broadcasting error from deep inside numpy. The checks run once at the entry of a
public function; the inner loops call unchecked helpers, so checking costs nothing per step.

A shape is a tuple of entries, each one of
- a dimension name such as ``"n_a"``: bound to a size the first time it is seen, then enforced;
- a sum of names such as ``"n_a+n_x"``: computed from sizes already bound;
- an int: a fixed size (the 1 of a bias column ``(n_a, 1)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

Shape = Sequence[str | int]


class Dims:
    """The sizes of named dimensions bound so far, and which argument bound each one.

    ``Dims(n_a=5)`` starts with ``n_a`` known; ``check_array`` binds the others as it goes.
    """

    def __init__(self, **known: int):
        self.sizes: dict[str, int] = dict(known)
        self.source: dict[str, str] = {name: "the arguments" for name in known}

    def bind(self, name: str, size: int, source: str) -> None:
        """Record that dimension ``name`` is ``size``, as given by ``source``."""
        self.sizes[name] = size
        self.source[name] = source

    def __getitem__(self, name: str) -> int:
        return self.sizes[name]

    def __contains__(self, name: str) -> bool:
        return name in self.sizes

    def expected(self, entry: str | int) -> int | None:
        """The size an entry must have, or None when it is not bound yet."""
        if isinstance(entry, int):
            return entry
        parts = entry.split("+")
        if all(p in self.sizes for p in parts):
            return sum(self.sizes[p] for p in parts)
        return None

    def describe(self, shape: Shape) -> str:
        """``(n_a, m) = (5, 10)``, with ``?`` for sizes not bound yet."""
        names = "(" + ", ".join(str(e) for e in shape) + ("," if len(shape) == 1 else "") + ")"
        if all(isinstance(e, int) for e in shape):
            return names
        sizes = [self.expected(e) for e in shape]
        values = "(" + ", ".join("?" if s is None else str(s) for s in sizes) + ")"
        return f"{names} = {values}"


def check_array(name: str, value: object, shape: Shape, dims: Dims) -> np.ndarray:
    """Check that ``value`` is a float ndarray of the given shape; bind new dimension names.

    Returns the array unchanged. Raises ``ValueError`` naming ``name`` otherwise.
    """
    if not isinstance(value, np.ndarray):
        raise ValueError(
            f"{name}: expected a numpy array of shape {dims.describe(shape)}, "
            f"got {type(value).__name__}"
        )
    if not np.issubdtype(value.dtype, np.floating):
        raise ValueError(
            f"{name}: expected a float array (float64 or float32), got dtype {value.dtype}"
        )
    if value.ndim != len(shape):
        raise ValueError(
            f"{name}: expected {len(shape)} dimensions, shape {dims.describe(shape)}, "
            f"got shape {value.shape}"
        )
    for entry, size in zip(shape, value.shape, strict=True):
        want = dims.expected(entry)
        if want is None:
            if "+" in str(entry):
                # A sum whose parts are not all known yet cannot be checked; the callers
                # order their checks so that this does not happen.
                raise AssertionError(f"unbound dimension sum {entry} while checking {name}")
            if size < 1:
                raise ValueError(f"{name}: dimension {entry} must be at least 1, got shape "
                                 f"{value.shape}")
            dims.sizes[entry] = size
            dims.source[entry] = name
        elif want != size:
            expected = dims.describe(shape)
            why = ""
            if isinstance(entry, str) and entry in dims.source:
                why = f": {entry} is {want} (from {dims.source[entry]})"
            elif isinstance(entry, str):
                why = f": {entry} is {want}"
            raise ValueError(f"{name}: expected shape {expected}, got {value.shape}{why}")
    return value


def check_parameters(
    parameters: object, shapes: Mapping[str, Shape], dims: Dims, name: str = "parameters"
) -> Mapping[str, np.ndarray]:
    """Check that ``parameters`` is a dict holding every key of ``shapes`` with that shape.

    Extra keys are allowed (a model's dict may hold the output layer too).
    """
    if not isinstance(parameters, Mapping):
        raise ValueError(f"{name}: expected a dict of arrays, got {type(parameters).__name__}")
    missing = [k for k in shapes if k not in parameters]
    if missing:
        wanted = ", ".join(f"'{k}' {dims.describe(shapes[k])}" for k in missing)
        raise ValueError(f"{name}: missing key{'s' if len(missing) > 1 else ''} {wanted}")
    for key, shape in shapes.items():
        check_array(f"{name}['{key}']", parameters[key], shape, dims)
    return parameters


def check_choice(name: str, value: object, choices: Sequence[object]) -> None:
    """Raise ``ValueError`` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name}: expected one of {list(choices)}, got {value!r}")


def check_positive(name: str, value: object, *, integer: bool = False) -> None:
    """Raise ``ValueError`` unless ``value`` is a positive (integer) number."""
    ok_type = isinstance(value, (int, np.integer)) if integer else isinstance(
        value, (int, float, np.integer, np.floating))
    if isinstance(value, bool) or not ok_type or not value > 0:
        kind = "a positive integer" if integer else "a positive number"
        raise ValueError(f"{name}: expected {kind}, got {value!r}")
