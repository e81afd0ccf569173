"""Checks for notebook 01, notation and representing sequences.

Graded functions and their references:
    build_vocabulary(sentences, max_size) -> list of tokens: "<EOS>", "<UNK>", then the most
        frequent tokens, ties alphabetical, max_size entries at most in all
    one_hot_encode(tokens, vocabulary) -> x (n_x, T_x) float, unknown tokens in the <UNK> row
    decode_one_hot(x, vocabulary) -> list of T_x tokens, the argmax of each column

A vocabulary is a plain list of tokens whose positions are the indices, as build_vocabulary
returns it; the reference is ``seqlib.text.Vocabulary``.
"""

from collections import Counter

import numpy as np

from seqlib.activations import softmax
from seqlib.checks._core import Case, CheckFailed, Exercise, expect_array
from seqlib.text import EOS, UNK, Vocabulary, one_hot, one_hot_decode

# Words the random corpora are drawn from; sentences to encode also use UNSEEN, which no
# vocabulary holds, so every sentence exercises <UNK>.
WORDS = ("the", "a", "cat", "dog", "sat", "ate", "on", "mat", "fish", "and", "harry",
         "potter", "spell", "new", "invented", "cats", "sleep", "day", "hours", "of")
UNSEEN = ("hermione", "granger", "aardvark", "zulu", "wand")


def _ranked(counts):
    """The reference order: most frequent first, ties alphabetical."""
    return sorted(counts, key=lambda token: (-counts[token], token))


def _corpus(rng, n_distinct, max_count=4):
    """Sentences (token lists) over n_distinct words, each seen 1..max_count times: small
    counts, so ties are common, shuffled so the first-seen order is not alphabetical."""
    words = [str(w) for w in rng.choice(WORDS, size=n_distinct, replace=False)]
    bag = [w for w in words for _ in range(int(rng.integers(1, max_count + 1)))]
    order = rng.permutation(len(bag))
    bag = [bag[i] for i in order]
    cuts = np.sort(rng.choice(np.arange(1, len(bag)), size=min(3, len(bag) - 1), replace=False))
    return [list(part) for part in np.split(np.array(bag, dtype=object), cuts)]


# ---------------------------------------------------------------- build_vocabulary
def build_vocabulary(sentences, max_size):
    """The reference: seqlib's Vocabulary.from_corpus, as a plain list."""
    return Vocabulary.from_corpus(sentences, max_size=max_size).tokens


# The notes' kind of corpus: "the" twice, four words once each, first seen in an order that is
# not alphabetical (cat, sat, dog, ate), so a wrong tie order shows in the visible check.
NOTES_CORPUS = [["the", "cat", "sat"], ["the", "dog", "ate"]]


def _vocabulary_cases(rng, hidden):
    cases = [Case("two sentences, max_size=5", (NOTES_CORPUS, 5))]
    for i in range(2):
        sentences = _corpus(rng, int(rng.integers(8, 13)))
        n_distinct = len({t for s in sentences for t in s})
        max_size = int(rng.integers(4, n_distinct + 2))  # some tokens are left out
        cases.append(Case(f"random {i + 1}, {len(sentences)} sentences, {n_distinct} distinct "
                          f"tokens, max_size={max_size}", (sentences, max_size)))
    if hidden:
        sentences = _corpus(rng, 6)
        cases += [
            Case("max_size=2: room for the two specials only", (sentences, 2)),
            Case("max_size larger than needed: every token is kept", (sentences, 50)),
            Case("one sentence of one token", ([["cat"]], 3)),
            Case("every token seen once: all ties", ([["sat", "on", "the"], ["mat", "cat"]], 4)),
            Case("a tie at the cut", ([["b", "a", "c", "b"], ["d", "c", "a", "b"]], 4)),
        ]
    return cases


def _vocabulary_mistakes(sentences, max_size):
    """(wrong vocabulary, hint) for the likely mistakes."""
    counts = Counter(t for s in sentences for t in s)
    ranked = _ranked(counts)
    keep = max_size - 2
    first_seen = [t for t, _ in counts.most_common()]  # ties in the order first seen
    reverse_ties = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    return [
        (ranked[:max_size], f'start the list with the two specials, "{EOS}" (index 0) then '
                            f'"{UNK}" (index 1)'),
        (ranked[:keep], f'start the list with the two specials, "{EOS}" (index 0) then '
                        f'"{UNK}" (index 1)'),
        ([UNK, EOS] + ranked[:keep], f'"{EOS}" is index 0 and "{UNK}" index 1'),
        (ranked[:keep] + [EOS, UNK], "the two specials come first, before the corpus tokens"),
        ([EOS, UNK] + ranked[:max_size], "max_size counts the two specials: keep the "
                                         "max_size - 2 most frequent tokens"),
        ([EOS, UNK] + first_seen[:keep], "tokens seen equally often must be in alphabetical "
                                         "order (Counter.most_common keeps them in the order first "
                                         "seen): sort with key=lambda t: (-counts[t], t)"),
        ([EOS, UNK] + reverse_ties[:keep], "tokens seen equally often are in reverse alphabetical "
                                           "order: sorting by (count, token) with reverse=True "
                                           "reverses the ties too; sort with key=lambda t: "
                                           "(-counts[t], t)"),
        ([EOS, UNK] + sorted(counts)[:keep], "order the tokens by frequency, the most frequent "
                                             "first, and alphabetically only among equally "
                                             "frequent ones"),
        ([EOS, UNK] + _ranked({t: -c for t, c in counts.items()})[:keep],
         "the most frequent tokens come first (you kept the rarest)"),
    ]


def _compare_vocabulary(case, expected, got):
    sentences, max_size = case.args
    if isinstance(got, dict):
        raise CheckFailed("the vocabulary should be a list of tokens (a token's index is its "
                          "position in the list), got a dict")
    if not isinstance(got, list):
        raise CheckFailed(f"the vocabulary should be a list of tokens, got {type(got).__name__}")
    for i, token in enumerate(got):
        if not isinstance(token, str):
            raise CheckFailed(f"the vocabulary should hold tokens (str); position {i} holds "
                              f"{type(token).__name__} {token!r}")
    if got == expected:
        return
    repeated = sorted({t for t in got if got.count(t) > 1})
    if repeated:
        raise CheckFailed(f"{repeated[0]!r} appears more than once: every token gets one index")
    for wrong, hint in _vocabulary_mistakes(sentences, max_size):
        if got == wrong:
            raise CheckFailed(f"got {_short(got)}, expected {_short(expected)}: {hint}")
    if len(got) != len(expected):
        raise CheckFailed(f"got {len(got)} tokens, expected {len(expected)} (max_size = "
                          f"{max_size} in all, the two specials included, or fewer when the "
                          "corpus has fewer distinct tokens)")
    t = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e)
    raise CheckFailed(f"position {t} holds {got[t]!r}, expected {expected[t]!r}; expected "
                      f"{_short(expected)}")


def _short(tokens, n=8):
    shown = ", ".join(repr(t) for t in tokens[:n])
    return f"[{shown}{', ...' if len(tokens) > n else ''}]"


# ---------------------------------------------------------------- one_hot_encode
def one_hot_encode(tokens, vocabulary):
    """The reference: unknown tokens -> <UNK>, then one column per token."""
    return one_hot(Vocabulary(vocabulary).encode(tokens), len(vocabulary))  # (n_x, T_x)


def _sentence(rng, vocabulary, length):
    """length tokens: mostly in the vocabulary, at least one unknown when length > 1."""
    known = vocabulary[2:] or [UNSEEN[0]]
    tokens = [str(rng.choice(known)) for _ in range(length)]
    unknown = rng.choice(length, size=max(1, length // 4), replace=False) if length > 1 else []
    for t in unknown:
        tokens[t] = str(rng.choice(UNSEEN))
    return tokens


def _encode_cases(rng, hidden):
    cases = []
    for i in range(2):
        vocabulary = build_vocabulary(_corpus(rng, int(rng.integers(5, 10))), 50)
        tokens = _sentence(rng, vocabulary, int(rng.integers(4, 9)))
        cases.append(Case(f"random {i + 1}, n_x={len(vocabulary)} T_x={len(tokens)}",
                          (tokens, vocabulary)))
    if hidden:
        vocabulary = build_vocabulary(NOTES_CORPUS, 50)
        cases += [
            Case("T_x = 1", (["cat"], vocabulary)),
            Case("every token unknown", (["wand", "zulu", "wand"], vocabulary)),
            Case(f'a sentence ending with "{EOS}"', (["the", "dog", "sat", EOS], vocabulary)),
            Case("the two specials only, n_x = 2", (["the", "cat"], [EOS, UNK])),
            Case("T_x = n_x", (["the", "cat", "the", "owl", "ate", "dog", "sat"], vocabulary)),
        ]
    return cases


def _compare_encode(case, expected, got):
    tokens, vocabulary = case.args
    n_x, T_x = expected.shape
    if isinstance(got, np.ndarray) and got.shape != expected.shape:
        if got.shape == (T_x, n_x):
            raise CheckFailed(f"x has shape {got.shape}, expected (n_x, T_x) = {expected.shape}: "
                              "one row per vocabulary entry, one column per token, so that "
                              "x[:, t] is the one-hot vector x<t+1>")
        if got.shape == (n_x, T_x + 1):
            raise CheckFailed(f"x has shape {got.shape}, expected (n_x, T_x) = {expected.shape}: "
                              f'one column per token; do not append "{EOS}" here')
        if got.ndim == 2 and got.shape[1] == T_x:
            raise CheckFailed(f"x has {got.shape[0]} rows, expected n_x = len(vocabulary) = "
                              f"{n_x}: the vocabulary already holds the specials")
    if isinstance(got, np.ndarray) and got.shape == expected.shape and not np.issubdtype(
            got.dtype, np.floating):
        raise CheckFailed(f"x has dtype {got.dtype}, expected a float array: np.zeros(shape) "
                          "gives float64 by default (do not pass dtype=int)")
    known = np.array([t in vocabulary for t in tokens])
    unk, eos = vocabulary.index(UNK), vocabulary.index(EOS)
    no_column = expected.copy()
    no_column[unk, ~known] = 0.0  # unknown tokens left as all-zero columns
    to_eos = no_column.copy()
    to_eos[eos, ~known] = 1.0
    to_last = no_column.copy()
    to_last[-1, ~known] += 1.0
    expect_array("x", got, expected, mistakes=[
        (no_column, f'a token that is not in the vocabulary goes to the "{UNK}" row (index '
                    f"{unk}), not to an all-zero column"),
        (to_eos, f'unknown tokens go to "{UNK}" (index {unk}), not "{EOS}" (index {eos})'),
        (to_last, f'unknown tokens go to "{UNK}" (index {unk}), not the last row (index -1: '
                  "list.index raised and a default of -1 was used?)"),
    ])


# ---------------------------------------------------------------- decode_one_hot
def decode_one_hot(x, vocabulary):
    """The reference: the token of the largest entry of each column."""
    return Vocabulary(vocabulary).decode(one_hot_decode(x))


def _decode_cases(rng, hidden):
    cases = []
    for i in range(2):
        vocabulary = build_vocabulary(_corpus(rng, int(rng.integers(5, 10))), 50)
        n_x, T_x = len(vocabulary), int(rng.integers(4, 9))
        ids = rng.integers(2, n_x, size=T_x)
        ids[rng.integers(T_x - 1)] = 1  # an <UNK> inside the sentence
        ids[-1] = 0  # and the <EOS> at its end
        cases.append(Case(f"random {i + 1}, n_x={n_x} T_x={T_x}", (one_hot(ids, n_x),
                                                                    vocabulary)))
    if hidden:
        vocabulary = build_vocabulary(NOTES_CORPUS, 50)
        n_x = len(vocabulary)
        scores = softmax(3.0 * rng.standard_normal((n_x, 9)))
        cases += [
            Case("T_x = 1", (one_hot([4], n_x), vocabulary)),
            Case(f'"{EOS}" in the middle', (one_hot([2, 3, 0, 4, 5, 0], n_x), vocabulary)),
            Case("T_x = n_x", (one_hot([2, 5, 6, 1, 3, 4, 0], n_x), vocabulary)),
            Case("scores, not one-hot: a softmax output", (scores, vocabulary)),
        ]
    return cases


def _compare_decode(case, expected, got):
    x, vocabulary = case.args
    if isinstance(got, str):
        raise CheckFailed(f"got the string {got[:40]!r}: return a list of tokens, one per column")
    if isinstance(got, np.ndarray):
        raise CheckFailed("got a numpy array: return a list of tokens, one per column "
                          "(e.g. [vocabulary[i] for i in ids])")
    if not isinstance(got, list):
        raise CheckFailed(f"expected a list of tokens, got {type(got).__name__}")
    ids = np.argmax(x, axis=0).tolist()
    if got == ids:
        raise CheckFailed("got the indices: return the tokens, vocabulary[i] for each index i")
    for i, token in enumerate(got):
        if not isinstance(token, str):
            raise CheckFailed(f"position {i} holds {type(token).__name__} {token!r}, expected a "
                              "token (str)")
    if got == expected:
        return
    by_row = [vocabulary[i] if i < len(vocabulary) else None for i in np.argmax(x, axis=1)]
    specials_dropped = [t for t in expected if t not in (EOS, UNK)]
    stopped = expected[:expected.index(EOS)] if EOS in expected else None
    for wrong, hint in [
        (by_row, "take the argmax over axis 0, the vocabulary rows: one token per column"),
        (stopped, f'return one token per column, the "{EOS}" tokens and what follows them '
                  "included"),
        (specials_dropped, f'return one token per column, "{EOS}" and "{UNK}" included'),
    ]:
        if got == wrong:
            raise CheckFailed(f"got {_short(got)}, expected {_short(expected)}: {hint}")
    if not np.all((x == 0) | (x == 1)):
        raise CheckFailed(f"got {_short(got)}, expected {_short(expected)}: x can hold "
                          "scores, such as a softmax output, not only one-hot vectors; take "
                          "the largest entry of each column (np.argmax)")
    if len(got) != len(expected):
        raise CheckFailed(f"got {len(got)} tokens, expected {len(expected)}: one per column of x")
    t = next(i for i, (g, e) in enumerate(zip(got, expected, strict=True)) if g != e)
    raise CheckFailed(f"position {t} holds {got[t]!r}, expected {expected[t]!r}")


EXERCISES = {
    "build_vocabulary": Exercise("build_vocabulary", _vocabulary_cases, build_vocabulary,
                                 _compare_vocabulary,
                                 forbidden=(Vocabulary.from_corpus.__func__,)),
    "one_hot_encode": Exercise("one_hot_encode", _encode_cases, one_hot_encode,
                               _compare_encode, forbidden=(one_hot,)),
    "decode_one_hot": Exercise("decode_one_hot", _decode_cases, decode_one_hot,
                               _compare_decode, forbidden=(one_hot_decode,)),
}
