"""Data for the course: the shipped names list and small synthetic sequence tasks.

``load_names()`` gives the 5163 first names of the 1990 US Census (public domain; see
``PROVENANCE.md`` next to ``names.txt``) for the character-level language model. The tasks of
``seqlib.data.tasks`` are re-exported here, so ``from seqlib.data import parity`` works.
"""

from __future__ import annotations

from importlib import resources

from seqlib.data.tasks import (
    HARRY_POTTER,
    AgreementTask,
    EntityTask,
    ParityTask,
    ReverseTask,
    entity_tagging,
    long_range_agreement,
    parity,
    reverse_sequence,
)

__all__ = [
    "HARRY_POTTER",
    "AgreementTask",
    "EntityTask",
    "ParityTask",
    "ReverseTask",
    "entity_tagging",
    "load_names",
    "long_range_agreement",
    "parity",
    "reverse_sequence",
]


def load_names() -> list[str]:
    """The shipped first names: lower-case ``a-z``, unique, sorted alphabetically.

    Read through ``importlib.resources``, so it works from an installed package or a zip too.

    >>> names = load_names()
    >>> len(names), names[:3]
    (5163, ['aaron', 'abbey', 'abbie'])
    """
    text = resources.files("seqlib.data").joinpath("names.txt").read_text(encoding="utf-8")
    return text.split()
