"""Tests for seqlib.checks.notation: the checks of notebook 01 pass the reference and catch,
with the right hint, each likely mistake (written here as a small wrong implementation)."""

from collections import Counter

import numpy as np
import pytest

from seqlib.checks import CheckFailed, check
from seqlib.checks import notation as ref
from seqlib.checks._core import Case
from seqlib.text import EOS, UNK

SEEDS = [0, 1, 20111, 20112, 20113]


def run_all(name, fn):
    """The visible check, then the hidden one, as a notebook's test cell runs them."""
    check(name, fn)
    check(name, fn, seed=20111, hidden=True)


def not_implemented(*args):
    raise NotImplementedError()


# ---------------------------------------------------------------------------------------------
# The references pass, quietly, and return nothing
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["build_vocabulary", "one_hot_encode", "decode_one_hot"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("hidden", [False, True])
def test_reference_passes(name, seed, hidden, capsys):
    assert check(name, getattr(ref, name), seed=seed, hidden=hidden) is None
    out, err = capsys.readouterr()
    assert out.startswith(f"✓ {name}:") and err == ""


@pytest.mark.parametrize("name", ["build_vocabulary", "one_hot_encode", "decode_one_hot"])
def test_not_implemented_says_so(name):
    with pytest.raises(CheckFailed, match="not implemented yet"):
        check(name, not_implemented)


@pytest.mark.parametrize("name", ["build_vocabulary", "one_hot_encode", "decode_one_hot"])
def test_cases_are_deterministic(name):
    exercise = ref.EXERCISES[name]
    first = exercise.cases(np.random.default_rng(3), True)
    again = exercise.cases(np.random.default_rng(3), True)
    assert [c.name for c in first] == [c.name for c in again]
    assert repr([c.args for c in first]) == repr([c.args for c in again])


def test_the_notes_corpus_has_ties_in_non_alphabetical_first_seen_order():
    counts = Counter(t for s in ref.NOTES_CORPUS for t in s)
    first_seen = [t for t, _ in counts.most_common()]
    assert first_seen != ref.build_vocabulary(ref.NOTES_CORPUS, 50)[2:]


# ---------------------------------------------------------------------------------------------
# build_vocabulary
# ---------------------------------------------------------------------------------------------


def _counts(sentences):
    return Counter(t for s in sentences for t in s)


def _ranked(sentences):
    counts = _counts(sentences)
    return sorted(counts, key=lambda t: (-counts[t], t))


def vocab_no_specials(sentences, max_size):
    return _ranked(sentences)[:max_size]


def vocab_specials_swapped(sentences, max_size):
    return [UNK, EOS] + _ranked(sentences)[: max_size - 2]


def vocab_specials_last(sentences, max_size):
    return _ranked(sentences)[: max_size - 2] + [EOS, UNK]


def vocab_max_size_without_specials(sentences, max_size):
    return [EOS, UNK] + _ranked(sentences)[:max_size]


def vocab_most_common(sentences, max_size):
    return [EOS, UNK] + [t for t, _ in _counts(sentences).most_common(max_size - 2)]


def vocab_reverse_ties(sentences, max_size):
    counts = _counts(sentences)
    ranked = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    return [EOS, UNK] + ranked[: max_size - 2]


def vocab_rarest_first(sentences, max_size):
    counts = _counts(sentences)
    return [EOS, UNK] + sorted(counts, key=lambda t: (counts[t], t))[: max_size - 2]


def vocab_alphabetical(sentences, max_size):
    return [EOS, UNK] + sorted(_counts(sentences))[: max_size - 2]


@pytest.mark.parametrize("wrong, hint", [
    (vocab_no_specials, "start the list with the two specials"),
    (vocab_specials_swapped, '"<EOS>" is index 0 and "<UNK>" index 1'),
    (vocab_specials_last, "the two specials come first"),
    (vocab_max_size_without_specials, "max_size counts the two specials"),
    (vocab_most_common, "alphabetical order .Counter.most_common"),
    (vocab_reverse_ties, "reverse alphabetical"),
    (vocab_rarest_first, "the most frequent"),
    (vocab_alphabetical, "by frequency, the most frequent first, and alphabetically only"),
])
def test_build_vocabulary_mistakes_get_their_hint(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        run_all("build_vocabulary", wrong)


def test_build_vocabulary_repeated_tokens():
    def every_occurrence(sentences, max_size):
        return [EOS, UNK] + [t for s in sentences for t in s]

    with pytest.raises(CheckFailed, match="appears more than once"):
        run_all("build_vocabulary", every_occurrence)


def test_build_vocabulary_other_wrong_length_says_the_lengths():
    def one_short(sentences, max_size):
        return ref.build_vocabulary(sentences, max_size)[:-1]

    with pytest.raises(CheckFailed, match=r"got \d+ tokens, expected \d+"):
        run_all("build_vocabulary", one_short)


def test_build_vocabulary_max_size_edge_cases_are_hidden():
    def no_truncation(sentences, max_size):  # right until max_size cuts the corpus
        return [EOS, UNK] + _ranked(sentences)

    with pytest.raises(CheckFailed):
        run_all("build_vocabulary", no_truncation)

    def ignores_small_max_size(sentences, max_size):  # max_size=2 taken as "no limit"
        return ref.build_vocabulary(sentences, max_size if max_size > 2 else 100)

    check("build_vocabulary", ignores_small_max_size)  # the visible check cannot tell
    with pytest.raises(CheckFailed, match="max_size=2"):
        check("build_vocabulary", ignores_small_max_size, seed=20111, hidden=True)


@pytest.mark.parametrize("returned, message", [
    (lambda s, n: dict(enumerate(ref.build_vocabulary(s, n))), "got a dict"),
    (lambda s, n: tuple(ref.build_vocabulary(s, n)), "should be a list of tokens, got tuple"),
    (lambda s, n: np.array(ref.build_vocabulary(s, n)), "should be a list of tokens, got ndarray"),
    (lambda s, n: list(range(n)), "should hold tokens .str.; position 0 holds int"),
])
def test_build_vocabulary_wrong_types(returned, message):
    with pytest.raises(CheckFailed, match=message):
        check("build_vocabulary", returned)


# ---------------------------------------------------------------------------------------------
# one_hot_encode
# ---------------------------------------------------------------------------------------------


def _index(vocabulary):
    return {token: i for i, token in enumerate(vocabulary)}


def encode_with(unknown_row, n_rows_extra=0, dtype=np.float64, transpose=False, eos=False):
    """A one-hot encoder that sends unknown tokens to unknown_row (None: no row at all)."""
    def encode(tokens, vocabulary):
        index = _index(vocabulary)
        x = np.zeros((len(vocabulary) + n_rows_extra, len(tokens) + eos), dtype=dtype)
        for t, token in enumerate(tokens):
            row = index.get(token, unknown_row)
            if row is not None:
                x[row, t] = 1
        if eos:
            x[0, -1] = 1
        return x.T if transpose else x
    return encode


@pytest.mark.parametrize("wrong, hint", [
    (encode_with(None), 'goes to the "<UNK>" row .index 1., not to an all-zero column'),
    (encode_with(0), 'not "<EOS>" .index 0.'),
    (encode_with(-1), "not the last row"),
    (encode_with(1, transpose=True), r"expected \(n_x, T_x\).*one row per vocabulary entry"),
    (encode_with(1, dtype=np.int64), "expected a float array: np.zeros"),
    (encode_with(1, eos=True), 'do not append "<EOS>" here'),
    (encode_with(1, n_rows_extra=2), "the vocabulary already holds the specials"),
])
def test_one_hot_encode_mistakes_get_their_hint(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        run_all("one_hot_encode", wrong)


def test_one_hot_encode_list_instead_of_array():
    def as_list(tokens, vocabulary):
        return ref.one_hot_encode(tokens, vocabulary).tolist()

    with pytest.raises(CheckFailed, match="x should be a numpy array, got list"):
        check("one_hot_encode", as_list)


def test_one_hot_encode_batch_shape():
    def with_batch_axis(tokens, vocabulary):
        return ref.one_hot_encode(tokens, vocabulary)[:, None, :]

    with pytest.raises(CheckFailed, match=r"x has shape \(\d+, 1, \d+\), expected"):
        check("one_hot_encode", with_batch_axis)


def test_one_hot_encode_eos_token_in_sentence_is_hidden():
    def eos_as_unknown(tokens, vocabulary):  # treats only corpus tokens as known
        index = _index(vocabulary[2:])
        x = np.zeros((len(vocabulary), len(tokens)))
        for t, token in enumerate(tokens):
            x[index[token] + 2 if token in index else 1, t] = 1
        return x

    check("one_hot_encode", eos_as_unknown)
    with pytest.raises(CheckFailed, match="a sentence ending with"):
        check("one_hot_encode", eos_as_unknown, seed=20112, hidden=True)


# ---------------------------------------------------------------------------------------------
# decode_one_hot
# ---------------------------------------------------------------------------------------------


def decode_by_rows(x, vocabulary):
    return [vocabulary[i] for i in np.argmax(x, axis=1)]


def decode_stop_at_eos(x, vocabulary):
    out = []
    for i in np.argmax(x, axis=0):
        if vocabulary[i] == EOS:
            break
        out.append(vocabulary[i])
    return out


def decode_drop_specials(x, vocabulary):
    return [vocabulary[i] for i in np.argmax(x, axis=0) if vocabulary[i] not in (EOS, UNK)]


def decode_find_the_one(x, vocabulary):  # right for one-hot vectors only
    return [vocabulary[i] for i in np.argmax(x == 1, axis=0)]


@pytest.mark.parametrize("wrong, hint", [
    (decode_by_rows, "argmax over axis 0"),
    (decode_stop_at_eos, 'the "<EOS>" tokens and what follows them included'),
    (decode_drop_specials, '"<EOS>" and "<UNK>" included'),
    (lambda x, v: np.argmax(x, axis=0).tolist(), "got the indices"),
    (lambda x, v: list(np.argmax(x, axis=0)), "got the indices"),
    (lambda x, v: " ".join(ref.decode_one_hot(x, v)), "got the string"),
    (lambda x, v: np.array(ref.decode_one_hot(x, v)), "got a numpy array"),
    (lambda x, v: tuple(ref.decode_one_hot(x, v)), "expected a list of tokens, got tuple"),
])
def test_decode_one_hot_mistakes_get_their_hint(wrong, hint):
    with pytest.raises(CheckFailed, match=hint):
        run_all("decode_one_hot", wrong)


def test_decode_one_hot_scores_are_hidden():
    check("decode_one_hot", decode_find_the_one)
    with pytest.raises(CheckFailed, match="scores.*np.argmax"):
        check("decode_one_hot", decode_find_the_one, seed=20113, hidden=True)


def test_decode_one_hot_tokens_must_be_str():
    def objects(x, vocabulary):
        return [object() for _ in range(x.shape[1])]

    with pytest.raises(CheckFailed, match="expected a token .str."):
        check("decode_one_hot", objects)


def test_decode_one_hot_wrong_token_names_the_position():
    def off_by_one(x, vocabulary):
        return [vocabulary[(i + 1) % len(vocabulary)] for i in np.argmax(x, axis=0)]

    with pytest.raises(CheckFailed, match="position 0 holds"):
        check("decode_one_hot", off_by_one)


def test_build_vocabulary_rarest_first_hint_when_it_differs_from_alphabetical():
    exercise = ref.EXERCISES["build_vocabulary"]
    case = Case("counts m 3, z 2, a 1", ([["z", "z", "a", "m", "m", "m"]], 4))
    expected = exercise.reference(*case.args)
    assert expected == [EOS, UNK, "m", "z"]
    with pytest.raises(CheckFailed, match="you kept the rarest"):
        exercise.compare(case, expected, vocab_rarest_first(*case.args))
    with pytest.raises(CheckFailed, match="alphabetically only among"):
        exercise.compare(case, expected, vocab_alphabetical(*case.args))
