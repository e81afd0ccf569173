"""From text to numbers: tokenizers, a vocabulary, and one-hot vectors.

The lecture notes' recipe for feeding words to an RNN is: split the text into tokens, give every
token an index in a fixed vocabulary (index 0 is ``<EOS>``, index 1 is ``<UNK>`` for anything the
vocabulary does not hold), then turn index ``i`` into the one-hot column vector ``e_i``.

    >>> vocab = Vocabulary(["cats", "average", "15", "hours", "of", "sleep", "a", "day", "."])
    >>> ids = vocab.encode(word_tokenize("Cats average 15 hours of sleep a day."), add_eos=True)
    >>> ids.tolist()
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 0]
    >>> one_hot(ids, len(vocab)).shape         # (n_x, T_x)
    (11, 10)

Shapes follow the notes: one sequence of ids is ``(T,)`` and its one-hot matrix ``(n_x, T)``; a
batch of ids is ``(m, T)`` int64 and its one-hot tensor ``(n_x, m, T)`` float64.

Wherever a list of tokens is expected, a ``str`` counts as its list of characters, so the same
code serves word-level and character-level models: ``vocab.encode("emma")``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from seqlib._validate import check_positive

EOS = "<EOS>"
UNK = "<UNK>"


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


class Vocabulary:
    """A fixed list of tokens; a token's position in the list is its index.

    Index 0 is ``<EOS>`` and index 1 is ``<UNK>``, then the given tokens in the given order
    (repeats and the two specials themselves are skipped, so every token has one index).

    >>> vocab = Vocabulary(["the", "cat", "the"])
    >>> vocab.tokens
    ['<EOS>', '<UNK>', 'the', 'cat']
    >>> vocab.index("cat"), vocab.index("dog")      # an unknown token maps to <UNK>
    (3, 1)
    """

    def __init__(self, tokens: Iterable[str]):
        self._tokens: list[str] = [EOS, UNK]
        self._index: dict[str, int] = {EOS: 0, UNK: 1}
        for token in _check_tokens("tokens", tokens):
            if token not in self._index:
                self._index[token] = len(self._tokens)
                self._tokens.append(token)

    @classmethod
    def from_corpus(
        cls, sequences: Iterable[Iterable[str]], min_count: int = 1, max_size: int | None = None
    ) -> Vocabulary:
        """Build the vocabulary of a corpus: most frequent tokens first.

        sequences: token lists (a ``str`` counts as its characters, so a list of names gives a
            character vocabulary).
        min_count: tokens seen fewer times are left out (they will encode as ``<UNK>``).
        max_size: the largest ``len(vocab)`` allowed, the two specials included; ``None`` keeps
            every token. The least frequent tokens are the ones dropped.

        Ties in frequency are ordered alphabetically, so the result never depends on the order
        of the corpus (and ``dict`` or ``set`` iteration order never leaks in).

        >>> Vocabulary.from_corpus([["b", "a"], ["a", "c", "b"]]).tokens
        ['<EOS>', '<UNK>', 'a', 'b', 'c']
        """
        if isinstance(sequences, str):
            raise ValueError(
                "sequences: expected an iterable of token lists, got a single str "
                "(wrap it in a list: [text] for characters, [word_tokenize(text)] for words)"
            )
        check_positive("min_count", min_count, integer=True)
        if max_size is not None:
            check_positive("max_size", max_size, integer=True)
            if max_size < 2:
                raise ValueError(
                    f"max_size: expected at least 2 (room for {EOS} and {UNK}), got {max_size}"
                )
        counts: Counter[str] = Counter()
        for k, sequence in enumerate(sequences):
            counts.update(_check_tokens(f"sequences[{k}]", sequence))
        ranked = sorted(counts, key=lambda token: (-counts[token], token))
        kept = [t for t in ranked if counts[t] >= min_count and t not in (EOS, UNK)]
        if max_size is not None:
            kept = kept[: max_size - 2]
        return cls(kept)

    @property
    def tokens(self) -> list[str]:
        """Index -> token, as a new list (editing it cannot desynchronise the vocabulary)."""
        return list(self._tokens)

    @property
    def eos_index(self) -> int:
        return self._index[EOS]

    @property
    def unk_index(self) -> int:
        return self._index[UNK]

    def __len__(self) -> int:
        return len(self._tokens)

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and token in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return self._tokens == other._tokens

    def __repr__(self) -> str:
        shown = self._tokens[:8]
        more = f", ... ({len(self) - len(shown)} more)" if len(self) > len(shown) else ""
        return f"Vocabulary({len(self)} tokens: {shown!r}{more})"

    def index(self, token: str) -> int:
        """The index of ``token``; the ``<UNK>`` index when the vocabulary does not hold it."""
        if not isinstance(token, str):
            raise ValueError(f"token: expected a str, got {type(token).__name__} {token!r}")
        return self._index.get(token, self.unk_index)

    def token(self, i: int) -> str:
        """The token at index ``i``."""
        if isinstance(i, bool) or not isinstance(i, (int, np.integer)):
            raise ValueError(f"i: expected an integer index, got {type(i).__name__}")
        if not 0 <= i < len(self):
            raise ValueError(f"i: index {i} is out of range for a vocabulary of size {len(self)}")
        return self._tokens[i]

    def encode(self, tokens: Iterable[str], add_eos: bool = False) -> np.ndarray:
        """Tokens -> ids, shape ``(T,)`` int64 (``T`` counts the ``<EOS>`` when ``add_eos``).

        Unknown tokens become ``<UNK>``; ``add_eos`` appends ``<EOS>``, the notes' way of
        marking where a sentence ends so a language model can learn to stop.
        """
        ids = [self.index(t) for t in _check_tokens("tokens", tokens)]
        if add_eos:
            ids.append(self.eos_index)
        return np.array(ids, dtype=np.int64)  # (T,)

    def decode(self, ids: Sequence[int] | np.ndarray) -> list[str]:
        """Ids ``(T,)`` -> list of ``T`` tokens (``<EOS>`` and ``<UNK>`` included as such)."""
        ids = _check_ids("ids", ids, n_values=len(self), ndims=(1,))
        return [self._tokens[i] for i in ids.tolist()]


def _check_tokens(name: str, tokens: object) -> list[str]:
    """``tokens`` as a list of str (a str gives its characters); ValueError otherwise."""
    if isinstance(tokens, np.ndarray) and tokens.dtype.kind in "iu":
        raise ValueError(f"{name}: expected tokens (str), got an integer array (ids?)")
    try:
        tokens = list(tokens)
    except TypeError:
        raise ValueError(
            f"{name}: expected a list of tokens (str), got {type(tokens).__name__}"
        ) from None
    for position, token in enumerate(tokens):
        if not isinstance(token, str):
            raise ValueError(
                f"{name}: expected tokens (str), got {type(token).__name__} {token!r} "
                f"at position {position}"
            )
    return tokens


# ---------------------------------------------------------------------------------------------
# One-hot vectors and padding
# ---------------------------------------------------------------------------------------------


def _check_ids(
    name: str, ids: object, n_values: int | None = None, ndims: tuple[int, ...] = (1, 2)
) -> np.ndarray:
    """``ids`` as an int64 array with one of ``ndims`` dimensions, every id in ``[0, n_values)``."""
    try:
        array = np.asarray(ids)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{name}: expected a rectangular array of integer ids") from None
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype(np.int64)  # np.asarray([]) is float64; an empty list is fine
    if array.dtype.kind not in "iu":
        raise ValueError(f"{name}: expected integer ids, got dtype {array.dtype}")
    if array.ndim not in ndims:
        wanted = " or ".join(["(T,)", "(m, T)"][d - 1] for d in ndims)
        raise ValueError(f"{name}: expected shape {wanted}, got shape {array.shape}")
    array = array.astype(np.int64)
    if n_values is not None and array.size:
        bad = np.argwhere((array < 0) | (array >= n_values))
        if len(bad):
            where = tuple(int(i) for i in bad[0])  # the first bad position, (t,) or (i, t)
            raise ValueError(
                f"{name}: id {int(array[where])} at position {where} is out of range for a "
                f"vocabulary of size {n_values} (valid ids are 0..{n_values - 1})"
            )
    return array


def one_hot(ids: Sequence[int] | np.ndarray, n_values: int, dtype=np.float64) -> np.ndarray:
    """Integer ids -> one-hot column vectors, with the value axis first.

    ids: ``(T,)`` or ``(m, T)`` integers in ``[0, n_values)``.
    Returns ``(n_values, T)`` or ``(n_values, m, T)``: ``x[:, t]`` (or ``x[:, i, t]``) is the
    one-hot vector of ``ids[t]`` (or ``ids[i, t]``), the notes' ``x<t>``.

    >>> one_hot([2, 0], 3)
    array([[0., 1.],
           [0., 0.],
           [1., 0.]])
    """
    check_positive("n_values", n_values, integer=True)
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"dtype: expected a numpy float dtype, got {dtype!r}") from None
    if dtype.kind != "f":
        raise ValueError(f"dtype: expected a float dtype (float64 or float32), got {dtype}")
    ids = _check_ids("ids", ids, n_values=n_values)
    x = np.zeros((n_values, *ids.shape), dtype=dtype)  # (n_values, T) or (n_values, m, T)
    # One index array per axis of ids: x[ids[p], p] = 1 at every position p at once.
    positions = np.indices(ids.shape)
    x[(ids, *positions)] = 1
    return x


def one_hot_decode(x: np.ndarray) -> np.ndarray:
    """The inverse of ``one_hot``: the argmax over the value axis.

    x: ``(n, T)`` or ``(n, m, T)``; one-hot vectors or any scores, such as a softmax output
    (the argmax is then the most probable id). Returns ``(T,)`` or ``(m, T)`` int64.
    """
    if not isinstance(x, np.ndarray):
        raise ValueError(f"x: expected a numpy array, got {type(x).__name__}")
    if x.ndim not in (2, 3) or x.shape[0] == 0:
        raise ValueError(f"x: expected shape (n, T) or (n, m, T) with n >= 1, got {x.shape}")
    return np.argmax(x, axis=0).astype(np.int64)  # (n, ...) -> (...)


def pad_batch(
    sequences: Sequence[Sequence[int] | np.ndarray], pad_id: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Stack sequences of different lengths into one ``(m, T_max)`` batch.

    sequences: ``m`` id sequences, each ``(T_i,)``.
    Returns ``ids`` ``(m, T_max)`` int64, padded on the right with ``pad_id`` (0 is ``<EOS>``,
    a natural filler), and ``mask`` ``(m, T_max)`` float64: 1 at real positions, 0 at padding,
    so a loss can ignore the padding by multiplying with it.

    >>> ids, mask = pad_batch([[5, 6, 7], [8]])
    >>> ids.tolist(), mask.tolist()
    ([[5, 6, 7], [8, 0, 0]], [[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    """
    if isinstance(pad_id, bool) or not isinstance(pad_id, (int, np.integer)):
        raise ValueError(f"pad_id: expected an integer id, got {pad_id!r}")
    if isinstance(sequences, (str, np.ndarray)) or not isinstance(sequences, Sequence):
        raise ValueError(
            f"sequences: expected a list of id sequences, got {type(sequences).__name__}"
        )
    if len(sequences) == 0:
        raise ValueError("sequences: expected at least one sequence, got an empty list")
    rows = [_check_ids(f"sequences[{i}]", s, ndims=(1,)) for i, s in enumerate(sequences)]
    t_max = max(len(row) for row in rows)
    ids = np.full((len(rows), t_max), pad_id, dtype=np.int64)  # (m, T_max)
    mask = np.zeros((len(rows), t_max), dtype=np.float64)  # (m, T_max)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1.0
    return ids, mask


# ---------------------------------------------------------------------------------------------
# Tokenizers
# ---------------------------------------------------------------------------------------------

# A word is a run of letters, digits or underscores, with inner apostrophes kept ("don't");
# every other non-space character (punctuation) is a token of its own.
_WORD = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
# A sentence ends at . ! or ? followed by white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _check_text(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError(f"text: expected a str, got {type(text).__name__}")
    return text


def word_tokenize(text: str, lower: bool = True, punctuation: bool = True) -> list[str]:
    """Split text into words and punctuation marks.

    ``lower`` lower-cases first (so "Cats" and "cats" share one index); ``punctuation=False``
    drops the punctuation tokens and keeps the words only.

    >>> word_tokenize("Cats average 15 hours of sleep a day.")
    ['cats', 'average', '15', 'hours', 'of', 'sleep', 'a', 'day', '.']
    """
    text = _check_text(text)
    tokens = _WORD.findall(text.lower() if lower else text)
    if not punctuation:
        tokens = [t for t in tokens if t[0].isalnum() or t[0] == "_"]
    return tokens


def char_tokenize(text: str) -> list[str]:
    """Split text into characters, spaces and punctuation included.

    >>> char_tokenize("a cat.")
    ['a', ' ', 'c', 'a', 't', '.']
    """
    return list(_check_text(text))


def sentence_tokenize(text: str) -> list[str]:
    """Split text into sentences at ``.``, ``!`` or ``?`` followed by white space.

    Deliberately simple: an abbreviation such as "Mr. Smith" is split too, and text without a
    final mark still ends its last sentence. Surrounding white space is stripped.

    >>> sentence_tokenize("The cat ate. Was it full? Yes!")
    ['The cat ate.', 'Was it full?', 'Yes!']
    """
    text = _check_text(text).strip()
    return [s for s in _SENTENCE_END.split(text) if s]


def ngrams(tokens: Sequence, n: int) -> list[tuple]:
    """Every run of ``n`` consecutive tokens, as tuples, in order.

    Works on any sequence: a token list for word n-grams, a str for character n-grams. A
    sequence shorter than ``n`` has none.

    >>> ngrams(["the", "cat", "sat"], 2)
    [('the', 'cat'), ('cat', 'sat')]
    >>> ngrams("cat", 2)
    [('c', 'a'), ('a', 't')]
    """
    check_positive("n", n, integer=True)
    if not isinstance(tokens, Sequence):
        raise ValueError(f"tokens: expected a list or str, got {type(tokens).__name__}")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


# ---------------------------------------------------------------------------------------------
# Byte-pair encoding: subword units
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BPETokenizer:
    """A byte-pair-encoding subword tokenizer: an ordered list of merges.

    merges: pairs ``(left, right)`` in the order they were learned; tokenizing starts from the
    characters of a word and applies every merge in that order.
    """

    merges: tuple[tuple[str, str], ...]

    def tokenize(self, word: str) -> list[str]:
        """Split ``word`` into subword pieces; ``"".join(pieces) == word`` always.

        A word never seen in training still splits into learned pieces where they occur, and
        single characters elsewhere.
        """
        if not isinstance(word, str):
            raise ValueError(f"word: expected a str, got {type(word).__name__}")
        pieces = list(word)
        for pair in self.merges:
            pieces = _merge(pieces, pair)
        return pieces


def _merge(pieces: list[str], pair: tuple[str, str]) -> list[str]:
    """Replace every adjacent ``pair`` in ``pieces`` by its concatenation, left to right."""
    merged, i = [], 0
    while i < len(pieces):
        if i + 1 < len(pieces) and (pieces[i], pieces[i + 1]) == pair:
            merged.append(pieces[i] + pieces[i + 1])
            i += 2
        else:
            merged.append(pieces[i])
            i += 1
    return merged


def train_bpe(words: Iterable[str], num_merges: int) -> BPETokenizer:
    """Learn ``num_merges`` byte-pair merges from a list of words (repeats count as frequency).

    Each step counts every adjacent pair of pieces over the corpus and merges the most frequent
    pair into one new piece; ties go to the lexicographically smallest pair, so training is
    deterministic. Training stops early when no word has two pieces left.

    >>> bpe = train_bpe(["low", "lower", "lowest", "newest", "widest"], 4)
    >>> bpe.merges
    (('e', 's'), ('es', 't'), ('l', 'o'), ('lo', 'w'))
    >>> bpe.tokenize("slowest")        # never seen: known pieces, single characters elsewhere
    ['s', 'low', 'est']
    """
    if isinstance(words, str):
        raise ValueError("words: expected a list of words, got a single str (use text.split())")
    if isinstance(num_merges, bool) or not isinstance(num_merges, (int, np.integer)) or (
        num_merges < 0
    ):
        raise ValueError(f"num_merges: expected a non-negative integer, got {num_merges!r}")
    counts = Counter(_check_tokens("words", words))
    splits = {word: list(word) for word in counts}  # word -> its current pieces
    merges: list[tuple[str, str]] = []
    for _ in range(num_merges):
        pair_counts: Counter[tuple[str, str]] = Counter()
        for word, pieces in splits.items():
            for pair in zip(pieces, pieces[1:], strict=False):
                pair_counts[pair] += counts[word]
        if not pair_counts:
            break
        best = min(pair_counts, key=lambda pair: (-pair_counts[pair], pair))
        merges.append(best)
        splits = {word: _merge(pieces, best) for word, pieces in splits.items()}
    return BPETokenizer(tuple(merges))
