"""Small synthetic sequence tasks, one for each RNN architecture of the lecture notes.

- ``long_range_agreement``: many-to-one; the subject's number must be remembered for
  ``distance`` steps ("The cats, which already ate ..., were full."): vanishing gradients.
- ``entity_tagging``: many-to-many with ``T_y = T_x``; the notes' named-entity example, with
  "Teddy bears" / "Teddy Roosevelt" sentences that a unidirectional RNN cannot tag at "Teddy".
- ``reverse_sequence``: many-to-many with ``T_y != T_x``, for an encoder-decoder.
- ``parity``: many-to-one over bits.

Every function takes the ``numpy.random.Generator`` it draws from, so the same seed gives the
same data, and returns a frozen dataclass whose arrays follow the notes' layout: one-hot inputs
``x`` are ``(n_x, m, T_x)`` float64, batch in the middle, time last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlib._validate import check_positive
from seqlib.text import Vocabulary, one_hot, pad_batch


def _check_rng(rng: object) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            "rng: expected a numpy.random.Generator such as np.random.default_rng(0), "
            f"got {type(rng).__name__}"
        )


def _check_non_negative(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer, got {value!r}")


# ---------------------------------------------------------------------------------------------
# Long-range agreement: "The cat, which ..., was full." / "The cats, which ..., were full."
# ---------------------------------------------------------------------------------------------

# (singular, plural) subjects; only the subject tells the number.
SUBJECTS = (
    ("cat", "cats"), ("dog", "dogs"), ("bird", "birds"), ("horse", "horses"),
    ("fox", "foxes"), ("mouse", "mice"), ("goose", "geese"),
)
# The relative clause is drawn from words with no grammatical number (adverbs, past-tense
# verbs, mass nouns), so nothing in it hints at "was" or "were".
FILLERS = (
    "already", "ate", "some", "rice", "fish", "and", "bread", "then",
    "slept", "quietly", "outside", "in", "the", "grass", "today", "happily",
)
# Fixed, whatever the rng and the distance, so models trained at different distances share
# their input size n_x.
AGREEMENT_VOCAB = Vocabulary(
    ["the", *(word for pair in SUBJECTS for word in pair), ",", "which", *FILLERS,
     "was", "were", "full", "."]
)


@dataclass(frozen=True, eq=False)
class AgreementTask:
    """A batch of ``m`` agreement sentences.

    sentences: ``m`` token lists, the whole sentence with its verb, for display:
        ``the cats , which <distance fillers> , were full .``
    x: ``(n_x, m, T_x)`` one-hot tokens before the verb, ``T_x = distance + 5`` (the five fixed
        tokens ``the <subject> , which ,``), ``n_x = len(vocab)``.
    y: ``(1, m)`` 1.0 for a plural subject ("were"), 0.0 for a singular one ("was").
    vocab: ``AGREEMENT_VOCAB``, the same for every distance.
    distance: the number of filler tokens between "which" and the closing comma.
    """

    sentences: list[list[str]]
    x: np.ndarray
    y: np.ndarray
    vocab: Vocabulary
    distance: int


def long_range_agreement(m: int, distance: int, rng: np.random.Generator) -> AgreementTask:
    """``m`` sentences whose verb must agree with a subject ``distance + 4`` tokens back.

    Classes are balanced: ``m // 2`` plural subjects (the odd one out, if any, is singular),
    in random order. ``distance=0`` gives ``the cat , which , was full .``

    >>> task = long_range_agreement(4, 3, np.random.default_rng(0))
    >>> task.x.shape, task.y.shape                    # (n_x, m, T_x), (1, m); T_x = 3 + 5
    ((38, 4, 8), (1, 4))
    """
    check_positive("m", m, integer=True)
    _check_non_negative("distance", distance)
    _check_rng(rng)
    plural = rng.permutation(np.arange(m) % 2)  # (m,) half 0, half 1: balanced classes
    pair = rng.integers(len(SUBJECTS), size=m)  # (m,) which animal
    filler = rng.integers(len(FILLERS), size=(m, distance))  # (m, distance)
    sentences, ids = [], []
    for i in range(m):
        subject = SUBJECTS[pair[i]][plural[i]]
        before_verb = ["the", subject, ",", "which", *(FILLERS[j] for j in filler[i]), ","]
        verb = "were" if plural[i] else "was"
        sentences.append([*before_verb, verb, "full", "."])
        ids.append(AGREEMENT_VOCAB.encode(before_verb))
    x = one_hot(np.stack(ids), len(AGREEMENT_VOCAB))  # (m, T_x) -> (n_x, m, T_x)
    y = plural.astype(np.float64)[np.newaxis, :]  # (m,) -> (1, m)
    return AgreementTask(sentences, x, y, AGREEMENT_VOCAB, int(distance))


# ---------------------------------------------------------------------------------------------
# Named-entity tagging: "Harry Potter and Hermione Granger invented a new spell."
# ---------------------------------------------------------------------------------------------

# The notes' example. Tokenized with ``word_tokenize(text, punctuation=False)``, the tokenizer
# this task uses, the final "." is dropped and the 9 words line up with the 9 tags.
HARRY_POTTER = (
    "Harry Potter and Hermione Granger invented a new spell.",
    [1, 1, 0, 1, 1, 0, 0, 0, 0],
)

# Common US surnames, plus the notes' Potter, Granger and Roosevelt. "Brown" is also a colour
# in one template, so it is tagged 1 in some sentences and 0 in others.
SURNAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Wilson",
    "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Lee", "Clark", "Lewis", "Walker",
    "Young", "King", "Potter", "Granger", "Roosevelt",
)
# First names (all in the shipped list) that are also ordinary words, each with a sentence
# that continues it as the ordinary word. At the first word, "Teddy bears are on sale" and
# "Teddy Roosevelt was a great president" look the same: only the next word tells.
AMBIGUOUS = {
    "teddy": "bears are on sale",
    "rose": "bushes grow in the garden",
    "holly": "bushes grow in the garden",
    "ginger": "tea is good for you",
    "olive": "oil is good for you",
    "hazel": "nuts are good for you",
    "basil": "leaves are on sale",
    "ruby": "rings are on sale",
}
# Sentence templates: <first> is a first name, <last> a surname, <ambiguous> an AMBIGUOUS word
# used as a name; all three are tagged 1, every other word 0.
TEMPLATES = (
    "<first> <last> and <first> <last> invented a new spell",
    "yesterday <first> met <first> <last> at the market",
    "the teacher thanked <first> <last> for the help",
    "<first> gave the book to <first> <last>",
    "<first> <last> has a brown dog and a teddy bear",
)
AMBIGUOUS_TEMPLATES = (
    "<ambiguous> <last> was a great president",
    "<ambiguous> <last> invented a new spell",
)
_NAME_SLOTS = ("<first>", "<last>", "<ambiguous>")


def _first_names() -> list[str]:
    """The first-name pool: every 50th shipped name (104 names, a-z spread), the AMBIGUOUS
    words and the notes' Harry and Hermione. A sample, so that one-hot inputs stay small."""
    from seqlib.data import load_names  # here, not at the top: seqlib.data imports this module

    pool = load_names()[::50] + list(AMBIGUOUS) + ["harry", "hermione"]
    return list(dict.fromkeys(pool))  # de-duplicated, order kept


def _entity_vocab(first_names: list[str]) -> Vocabulary:
    words = [w for t in TEMPLATES + AMBIGUOUS_TEMPLATES for w in t.split() if w not in _NAME_SLOTS]
    for continuation in AMBIGUOUS.values():
        words += continuation.split()
    return Vocabulary(first_names + [s.lower() for s in SURNAMES] + words)


@dataclass(frozen=True, eq=False)
class EntityTask:
    """A batch of ``m`` tagged sentences, padded to the longest one.

    sentences: ``m`` token lists for display, names and the first word capitalised, no
        punctuation (as ``word_tokenize(text, lower=False, punctuation=False)`` would give).
    tags: ``m`` lists of 0/1, one per token: 1 for a person-name token.
    x: ``(n_x, m, T_x)`` one-hot of the lower-cased tokens; padding positions hold id 0.
    y: ``(1, m, T_x)`` the tags, 0 at padding.
    mask: ``(m, T_x)`` 1.0 at real tokens, 0.0 at padding.
    vocab: lower-cased, so capital letters do not give the names away; fixed, independent of
        the rng. ``T_x`` is the longest sentence of the batch.
    """

    sentences: list[list[str]]
    tags: list[list[int]]
    x: np.ndarray
    y: np.ndarray
    mask: np.ndarray
    vocab: Vocabulary


def entity_tagging(m: int, rng: np.random.Generator) -> EntityTask:
    """``m`` sentences tagged 1 at person names, 0 elsewhere.

    Half the sentences come from ``TEMPLATES``. The other half start with an ``AMBIGUOUS``
    word: as a name in half of them ("Teddy Roosevelt was a great president"), as an ordinary
    word in the rest ("Teddy bears are on sale"), so reading left to right, the first tag is a
    coin flip; a bidirectional RNN sees the next word and gets it right.

    >>> task = entity_tagging(3, np.random.default_rng(0))
    >>> task.x.shape[1:] == task.y.shape[1:] == (3, max(len(s) for s in task.sentences))
    True
    """
    check_positive("m", m, integer=True)
    _check_rng(rng)
    first_names = _first_names()
    vocab = _entity_vocab(first_names)
    ambiguous = list(AMBIGUOUS)
    sentences, tags = [], []
    for _ in range(m):
        kind = rng.integers(4)  # 0, 1: a template; 2: ambiguous word as a name; 3: as a word
        if kind < 2:
            template = TEMPLATES[rng.integers(len(TEMPLATES))]
        elif kind == 2:
            template = AMBIGUOUS_TEMPLATES[rng.integers(len(AMBIGUOUS_TEMPLATES))]
        else:
            word = ambiguous[rng.integers(len(ambiguous))]
            template = f"{word} {AMBIGUOUS[word]}"
        tokens, sentence_tags = [], []
        for slot in template.split():
            if slot == "<first>":
                tokens.append(first_names[rng.integers(len(first_names))].capitalize())
            elif slot == "<last>":
                tokens.append(SURNAMES[rng.integers(len(SURNAMES))])
            elif slot == "<ambiguous>":
                tokens.append(ambiguous[rng.integers(len(ambiguous))].capitalize())
            else:
                tokens.append(slot)
            sentence_tags.append(int(slot in _NAME_SLOTS))
        tokens[0] = tokens[0].capitalize()  # a sentence starts with a capital
        sentences.append(tokens)
        tags.append(sentence_tags)
    ids, mask = pad_batch([vocab.encode([t.lower() for t in s]) for s in sentences])  # (m, T_x)
    x = one_hot(ids, len(vocab))  # (n_x, m, T_x)
    y = pad_batch(tags)[0].astype(np.float64)[np.newaxis]  # (m, T_x) -> (1, m, T_x), 0 at padding
    return EntityTask(sentences, tags, x, y, mask, vocab)


# ---------------------------------------------------------------------------------------------
# Sequence reversal (encoder-decoder) and parity (many-to-one)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReverseTask:
    """Input sequences and their reversals, followed by an end symbol.

    Symbols are ids ``1..n_symbols``; id 0 is the end symbol (like ``<EOS>`` in a Vocabulary),
    never in the input but part of the shared alphabet, so ``n_x = n_y = n_symbols + 1``.

    x_ids: ``(m, T_x)`` int64, ``T_x = length``.
    y_ids: ``(m, T_y)`` int64, ``T_y = length + 1``: ``x_ids`` reversed, then 0.
    x: ``(n_x, m, T_x)`` one-hot of ``x_ids``.
    y: ``(n_y, m, T_y)`` one-hot of ``y_ids``.
    """

    x_ids: np.ndarray
    y_ids: np.ndarray
    x: np.ndarray
    y: np.ndarray


def reverse_sequence(
    m: int, length: int, n_symbols: int, rng: np.random.Generator
) -> ReverseTask:
    """``m`` random sequences of ``length`` symbols; the target is the sequence reversed + end.

    The decoder must read the whole input before writing its first output, which is what an
    encoder-decoder is for (``T_y = T_x + 1``).

    >>> task = reverse_sequence(1, 3, 5, np.random.default_rng(0))
    >>> task.x_ids[0].tolist(), task.y_ids[0].tolist()
    ([5, 4, 3], [3, 4, 5, 0])
    """
    check_positive("m", m, integer=True)
    check_positive("length", length, integer=True)
    check_positive("n_symbols", n_symbols, integer=True)
    _check_rng(rng)
    x_ids = rng.integers(1, n_symbols + 1, size=(m, length))  # (m, T_x), ids 1..n_symbols
    end = np.zeros((m, 1), dtype=np.int64)  # (m, 1), the end symbol 0
    y_ids = np.concatenate([x_ids[:, ::-1], end], axis=1)  # (m, T_y = T_x + 1)
    n_values = n_symbols + 1
    return ReverseTask(x_ids, y_ids, one_hot(x_ids, n_values), one_hot(y_ids, n_values))


@dataclass(frozen=True, eq=False)
class ParityTask:
    """Bit sequences and their parity.

    bits: ``(m, T_x)`` int64 0/1, ``T_x = length``.
    x: ``(2, m, T_x)`` one-hot bits (row 0 for a 0 bit, row 1 for a 1 bit).
    y: ``(1, m)`` float64, 1.0 when the sequence holds an odd number of ones.
    """

    bits: np.ndarray
    x: np.ndarray
    y: np.ndarray


def parity(m: int, length: int, rng: np.random.Generator) -> ParityTask:
    """``m`` uniformly random bit sequences of ``length`` bits, labelled by their parity.

    Every bit matters to the answer, however far back, so the network must carry one bit of
    state through the whole sequence.

    >>> task = parity(2, 5, np.random.default_rng(0))
    >>> task.x.shape, task.y.shape                    # (2, m, T_x), (1, m)
    ((2, 2, 5), (1, 2))
    """
    check_positive("m", m, integer=True)
    check_positive("length", length, integer=True)
    _check_rng(rng)
    bits = rng.integers(0, 2, size=(m, length))  # (m, T_x)
    y = (bits.sum(axis=1) % 2).astype(np.float64)[np.newaxis, :]  # (m,) -> (1, m)
    return ParityTask(bits, one_hot(bits, 2), y)
