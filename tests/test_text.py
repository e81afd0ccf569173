"""Tests for seqlib.text: vocabulary, one-hot vectors, padding and tokenizers."""

import numpy as np
import pytest

from seqlib.text import (
    EOS,
    UNK,
    Vocabulary,
    char_tokenize,
    ngrams,
    one_hot,
    one_hot_decode,
    pad_batch,
    sentence_tokenize,
    train_bpe,
    word_tokenize,
)

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------


def test_specials_come_first_then_tokens_in_order():
    vocab = Vocabulary(["the", "cat", "sat"])
    assert vocab.tokens == [EOS, UNK, "the", "cat", "sat"]
    assert (vocab.eos_index, vocab.unk_index) == (0, 1)
    assert len(vocab) == 5


def test_repeats_and_specials_are_skipped():
    vocab = Vocabulary(["a", UNK, "b", "a", EOS, "c"])
    assert vocab.tokens == [EOS, UNK, "a", "b", "c"]


def test_index_and_token_are_inverse():
    vocab = Vocabulary(["x", "y", "z"])
    for i in range(len(vocab)):
        assert vocab.index(vocab.token(i)) == i


def test_unknown_tokens_map_to_unk():
    vocab = Vocabulary(["cat"])
    assert vocab.index("dog") == vocab.unk_index
    assert vocab.encode(["cat", "dog"]).tolist() == [2, vocab.unk_index]
    assert "cat" in vocab and "dog" not in vocab


def test_encode_decode_round_trip():
    vocab = Vocabulary(["the", "cat", "was", "full"])
    tokens = ["the", "cat", "was", "full"]
    ids = vocab.encode(tokens, add_eos=True)
    assert ids.dtype == np.int64 and ids.shape == (5,)
    assert ids[-1] == vocab.eos_index
    assert vocab.decode(ids) == tokens + [EOS]
    assert vocab.decode(vocab.encode(tokens)) == tokens


def test_a_str_is_its_characters():
    vocab = Vocabulary("abca")
    assert vocab.tokens == [EOS, UNK, "a", "b", "c"]
    assert vocab.decode(vocab.encode("cab")) == ["c", "a", "b"]


def test_tokens_is_a_copy():
    vocab = Vocabulary(["a"])
    vocab.tokens.append("b")
    assert len(vocab) == 3 and "b" not in vocab


def test_equality_and_repr():
    assert Vocabulary(["a", "b"]) == Vocabulary(["a", "b", "a"])
    assert Vocabulary(["a", "b"]) != Vocabulary(["b", "a"])
    assert Vocabulary(["a"]) != ["<EOS>", "<UNK>", "a"]
    assert "4 tokens" in repr(Vocabulary(["a", "b"]))


def test_from_corpus_orders_by_frequency_then_alphabet():
    # counts: ant 3, bat 2, cat 1, dog 1 -> ant, bat, then the tie cat, dog alphabetically
    corpus = [["dog", "bat", "ant"], ["ant", "bat"], ["cat", "ant"]]
    vocab = Vocabulary.from_corpus(corpus)
    assert vocab.tokens[2:] == ["ant", "bat", "cat", "dog"]
    assert Vocabulary.from_corpus(corpus[::-1]) == vocab  # corpus order does not matter
    assert Vocabulary.from_corpus(corpus, min_count=2).tokens[2:] == ["ant", "bat"]
    assert Vocabulary.from_corpus(corpus, max_size=3).tokens == [EOS, UNK, "ant"]


def test_from_corpus_skips_specials_and_reads_strings_as_characters():
    assert Vocabulary.from_corpus([[EOS, "x", UNK, EOS]]).tokens == [EOS, UNK, "x"]
    assert Vocabulary.from_corpus(["anna", "bob"]).tokens[2:] == ["a", "b", "n", "o"]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: Vocabulary([1, 2]), "tokens"),
        (lambda: Vocabulary(5), "tokens"),
        (lambda: Vocabulary.from_corpus("the cat"), "sequences"),
        (lambda: Vocabulary.from_corpus([["a"], [3]]), r"sequences\[1\]"),
        (lambda: Vocabulary.from_corpus([["a"]], min_count=0), "min_count"),
        (lambda: Vocabulary.from_corpus([["a"]], max_size=1), "max_size"),
        (lambda: Vocabulary(["a"]).index(2), "token"),
        (lambda: Vocabulary(["a"]).token(3), "i"),
        (lambda: Vocabulary(["a"]).token("a"), "i"),
        (lambda: Vocabulary(["a"]).encode([0, 1]), "tokens"),
        (lambda: Vocabulary(["a"]).decode([0, 3]), "ids"),
        (lambda: Vocabulary(["a"]).decode([[0]]), "ids"),
    ],
)
def test_vocabulary_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()


# ---------------------------------------------------------------------------------------------
# One-hot vectors and padding
# ---------------------------------------------------------------------------------------------


def test_one_hot_of_one_sequence_matches_identity_columns():
    ids = np.array([2, 0, 3, 2])
    x = one_hot(ids, 4)
    assert x.shape == (4, 4) and x.dtype == np.float64
    # column t of x is column ids[t] of the identity matrix: e_{ids[t]}
    np.testing.assert_array_equal(x, np.eye(4)[:, ids])


def test_one_hot_of_a_batch_has_values_first():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 6, size=(3, 5))  # (m, T)
    x = one_hot(ids, 6)
    assert x.shape == (6, 3, 5)
    for i in range(3):
        for t in range(5):
            expected = np.zeros(6)
            expected[ids[i, t]] = 1.0
            np.testing.assert_array_equal(x[:, i, t], expected)


def test_one_hot_round_trip_and_dtype():
    rng = np.random.default_rng(1)
    ids = rng.integers(0, 10, size=(4, 7))
    np.testing.assert_array_equal(one_hot_decode(one_hot(ids, 10)), ids)
    np.testing.assert_array_equal(one_hot_decode(one_hot(ids[0], 10)), ids[0])
    assert one_hot(ids, 10, dtype=np.float32).dtype == np.float32
    assert one_hot_decode(one_hot(ids, 10)).dtype == np.int64


def test_one_hot_decode_takes_the_most_probable_id():
    scores = np.array([[0.1, 0.7], [0.6, 0.2], [0.3, 0.1]])  # (n=3, T=2)
    assert one_hot_decode(scores).tolist() == [1, 0]


def test_one_hot_names_the_bad_id_and_the_size():
    with pytest.raises(ValueError, match=r"^ids: id 7 at position \(1,\).*size 5"):
        one_hot([1, 7, 2], 5)
    with pytest.raises(ValueError, match=r"^ids: id -1 at position \(0, 1\)"):
        one_hot([[0, -1]], 5)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: one_hot([0.0, 1.0], 3), "ids"),
        (lambda: one_hot([True, False], 3), "ids"),
        (lambda: one_hot(np.zeros((1, 1, 1), dtype=int), 3), "ids"),
        (lambda: one_hot([[0, 1], [2]], 3), "ids"),
        (lambda: one_hot([0], 0), "n_values"),
        (lambda: one_hot([0], 2.0), "n_values"),
        (lambda: one_hot([0], 2, dtype=np.int64), "dtype"),
        (lambda: one_hot_decode([[1, 0]]), "x"),
        (lambda: one_hot_decode(np.ones(3)), "x"),
    ],
)
def test_one_hot_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()


def test_pad_batch_pads_on_the_right_and_masks():
    ids, mask = pad_batch([[5, 6, 7], np.array([8]), []], pad_id=0)
    assert ids.dtype == np.int64 and mask.dtype == np.float64
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0], [0, 0, 0]]
    assert mask.sum(axis=1).tolist() == [3.0, 1.0, 0.0]  # the lengths
    assert pad_batch([[1], [2, 3]], pad_id=9)[0].tolist() == [[1, 9], [2, 3]]


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: pad_batch([]), "sequences"),
        (lambda: pad_batch(np.zeros((2, 3), dtype=int)), "sequences"),
        (lambda: pad_batch([[1], [0.5]]), r"sequences\[1\]"),
        (lambda: pad_batch([[1], [[2]]]), r"sequences\[1\]"),
        (lambda: pad_batch([[1]], pad_id=0.0), "pad_id"),
    ],
)
def test_pad_batch_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()


# ---------------------------------------------------------------------------------------------
# Tokenizers
# ---------------------------------------------------------------------------------------------


def test_word_tokenize_the_notes_example():
    tokens = word_tokenize("Cats average 15 hours of sleep a day.")
    assert tokens == ["cats", "average", "15", "hours", "of", "sleep", "a", "day", "."]


def test_word_tokenize_options():
    assert word_tokenize("Don't stop, Anna!", lower=False) == ["Don't", "stop", ",", "Anna", "!"]
    assert word_tokenize("Don't stop, Anna!", punctuation=False) == ["don't", "stop", "anna"]


def test_char_tokenize_keeps_every_character():
    text = "Hi, Bo!"
    assert char_tokenize(text) == ["H", "i", ",", " ", "B", "o", "!"]
    assert "".join(char_tokenize(text)) == text


def test_sentence_tokenize():
    text = "  The cat ate. Was it full?  Yes!\nIt slept "
    assert sentence_tokenize(text) == ["The cat ate.", "Was it full?", "Yes!", "It slept"]
    assert sentence_tokenize("3.14 is pi.") == ["3.14 is pi."]  # no space after the "."
    assert sentence_tokenize("") == []


def test_ngrams_of_words_and_characters():
    assert ngrams(["a", "b", "c", "d"], 3) == [("a", "b", "c"), ("b", "c", "d")]
    assert ngrams("abc", 1) == [("a",), ("b",), ("c",)]
    assert ngrams("ab", 3) == []
    tokens = word_tokenize("the cat which already ate was full")
    assert len(ngrams(tokens, 2)) == len(tokens) - 1


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: word_tokenize(None), "text"),
        (lambda: char_tokenize(["a"]), "text"),
        (lambda: sentence_tokenize(b"Hi."), "text"),
        (lambda: ngrams("abc", 0), "n"),
        (lambda: ngrams({"a", "b"}, 1), "tokens"),
    ],
)
def test_tokenizer_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()


# ---------------------------------------------------------------------------------------------
# Byte-pair encoding
# ---------------------------------------------------------------------------------------------

WORDS = ["low", "low", "lower", "lowest", "newest", "newest", "widest", "wider", "new"]


def test_bpe_merges_the_most_frequent_pair_first():
    # "bc" occurs 3 times, "ab" twice: frequency wins over alphabetical order.
    assert train_bpe(["bc", "bc", "bc", "ab", "ab"], 1).merges == (("b", "c"),)


def test_bpe_breaks_ties_lexicographically():
    # In these five words the pairs l-o, o-w, w-e, e-s and s-t each occur 3 times; the
    # lexicographically smallest, ('e', 's'), is merged first.
    assert train_bpe(["low", "lower", "lowest", "newest", "widest"], 1).merges == (("e", "s"),)


def test_bpe_is_reproducible_and_independent_of_word_order():
    rng = np.random.default_rng(2)
    shuffled = [WORDS[i] for i in rng.permutation(len(WORDS))]
    assert train_bpe(WORDS, 8) == train_bpe(WORDS, 8)
    assert train_bpe(shuffled, 8).merges == train_bpe(WORDS, 8).merges


def test_bpe_pieces_join_back_to_the_word():
    bpe = train_bpe(WORDS, 8)
    learned = {a + b for a, b in bpe.merges}
    for word in WORDS + ["slowest", "renew", "zzz", ""]:
        pieces = bpe.tokenize(word)
        assert "".join(pieces) == word
        # every piece is a learned merge or a single character
        assert all(p in learned or len(p) == 1 for p in pieces)


def test_bpe_learns_whole_words_and_stops_early():
    # "hello" has 5 characters: 4 merges make it one piece, after which no pair is left.
    bpe = train_bpe(["hello"], 10)
    assert len(bpe.merges) == 4
    assert bpe.tokenize("hello") == ["hello"]
    assert train_bpe(["hello"], 0).tokenize("hello") == list("hello")


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: train_bpe("low lower", 3), "words"),
        (lambda: train_bpe(["low", 3], 3), "words"),
        (lambda: train_bpe(["low"], -1), "num_merges"),
        (lambda: train_bpe(["low"], 1.5), "num_merges"),
        (lambda: train_bpe(["low"], 1).tokenize(["low"]), "word"),
    ],
)
def test_bpe_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()
