"""Tests for seqlib.data: the shipped names list and the synthetic tasks."""

import dataclasses
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from seqlib.data import (
    HARRY_POTTER,
    entity_tagging,
    load_names,
    long_range_agreement,
    parity,
    reverse_sequence,
)
from seqlib.data.tasks import AMBIGUOUS, FILLERS, SUBJECTS, SURNAMES
from seqlib.text import one_hot_decode, word_tokenize

# The tokens of an agreement sentence before its clause and verb, as the docstring spells them:
# "the <subject> , which" ... ",". T_x = distance + len(FIXED_TOKENS).
FIXED_TOKENS = ["the", "<subject>", ",", "which", ","]
PLURALS = {plural for _, plural in SUBJECTS}
SINGULARS = {singular for singular, _ in SUBJECTS}


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def test_names_are_many_lowercase_sorted_and_unique():
    names = load_names()
    assert len(names) > 4000
    assert all(re.fullmatch("[a-z]+", name) for name in names)
    assert names == sorted(set(names))
    # the most frequent female and male first names of the 1990 census files
    assert "mary" in names and "james" in names


def test_imports_need_only_numpy_and_the_standard_library():
    # Modules loaded at start-up (site hooks such as certifi's .pth) are not ours: only what the
    # import adds counts.
    code = (
        "import json, sys\n"
        "before = set(sys.modules)\n"
        "import seqlib.text, seqlib.data\n"
        "top = {name.split('.')[0] for name in set(sys.modules) - before}\n"
        "print(json.dumps(sorted(top - set(sys.stdlib_module_names) - {'numpy', 'seqlib'})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


# ---------------------------------------------------------------------------------------------
# Long-range agreement
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("distance", [0, 1, 7])
def test_agreement_shapes_grow_with_distance(distance):
    task = long_range_agreement(6, distance, np.random.default_rng(0))
    t_x = distance + len(FIXED_TOKENS)
    assert task.x.shape == (len(task.vocab), 6, t_x)
    assert task.x.dtype == np.float64 and task.y.dtype == np.float64
    assert task.y.shape == (1, 6)
    np.testing.assert_array_equal(task.x.sum(axis=0), np.ones((6, t_x)))  # one-hot
    assert task.distance == distance


def test_agreement_x_holds_the_words_before_the_verb():
    task = long_range_agreement(5, 4, np.random.default_rng(1))
    ids = one_hot_decode(task.x)  # (m, T_x)
    for i, sentence in enumerate(task.sentences):
        words = task.vocab.decode(ids[i])
        assert words == sentence[: len(words)]
        assert sentence[len(words)] in ("was", "were")
        assert words[4:-1] and all(w in FILLERS for w in words[4:-1])


def test_agreement_labels_follow_the_subject():
    task = long_range_agreement(40, 3, np.random.default_rng(2))
    for i, sentence in enumerate(task.sentences):
        subject, verb = sentence[1], sentence[-3]
        assert subject in PLURALS | SINGULARS
        assert task.y[0, i] == float(subject in PLURALS)
        assert verb == ("were" if subject in PLURALS else "was")


@pytest.mark.parametrize("m", [10, 7, 1])
def test_agreement_classes_are_balanced(m):
    y = long_range_agreement(m, 2, np.random.default_rng(3)).y
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert abs(int(y.sum()) - (m - int(y.sum()))) <= 1


def test_agreement_fillers_carry_no_number():
    assert not set(FILLERS) & (PLURALS | SINGULARS | {"was", "were"})


def test_agreement_is_reproducible_and_vocab_is_shared():
    a = long_range_agreement(8, 5, np.random.default_rng(4))
    b = long_range_agreement(8, 5, np.random.default_rng(4))
    c = long_range_agreement(8, 5, np.random.default_rng(5))
    assert a.sentences == b.sentences
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.sentences != c.sentences
    assert long_range_agreement(3, 0, np.random.default_rng(6)).vocab == a.vocab


def test_tasks_are_frozen():
    task = long_range_agreement(2, 1, np.random.default_rng(0))
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.x = None


# ---------------------------------------------------------------------------------------------
# Entity tagging
# ---------------------------------------------------------------------------------------------


def test_harry_potter_tags_align_with_the_task_tokenizer():
    text, tags = HARRY_POTTER
    tokens = word_tokenize(text, punctuation=False)
    assert len(tokens) == len(tags) == 9
    assert [t for t, tag in zip(tokens, tags, strict=True) if tag] == [
        "harry", "potter", "hermione", "granger"
    ]
    vocab = entity_tagging(1, np.random.default_rng(0)).vocab
    assert vocab.unk_index not in vocab.encode(tokens).tolist()


def test_entity_shapes_padding_and_mask():
    task = entity_tagging(12, np.random.default_rng(7))
    lengths = [len(s) for s in task.sentences]
    t_x = max(lengths)
    assert task.x.shape == (len(task.vocab), 12, t_x)
    assert task.y.shape == (1, 12, t_x) and task.mask.shape == (12, t_x)
    assert task.mask.sum(axis=1).tolist() == lengths
    ids = one_hot_decode(task.x)
    for i, (sentence, tags) in enumerate(zip(task.sentences, task.tags, strict=True)):
        n = len(sentence)
        assert len(tags) == n
        assert task.vocab.decode(ids[i, :n]) == [t.lower() for t in sentence]
        assert (ids[i, n:] == 0).all()  # padding id 0
        assert task.y[0, i, :n].tolist() == tags
        assert (task.y[0, i, n:] == 0).all()


def test_entity_tags_recomputed_from_the_sentences():
    task = entity_tagging(100, np.random.default_rng(8))
    names = set(load_names()) | {"hermione"}
    surnames = {s.lower() for s in SURNAMES}
    for sentence, tags in zip(task.sentences, task.tags, strict=True):
        # after the first word, exactly the names are capitalised
        assert tags[1:] == [int(t[0].isupper()) for t in sentence[1:]]
        # the first word is a name unless it starts a plain template or an ordinary-word
        # sentence such as "Teddy bears are on sale"
        first = sentence[0].lower()
        rest = " ".join(sentence[1:])
        ordinary = first in ("the", "yesterday") or AMBIGUOUS.get(first) == rest
        assert tags[0] == int(not ordinary)
        for token, tag in zip(sentence, tags, strict=True):
            if tag:
                assert token.lower() in names | surnames


def test_entity_first_word_is_ambiguous():
    # Half the sentences start with an AMBIGUOUS word, half of those as a name: among 200,
    # some word such as "teddy" is tagged 1 in one sentence and 0 in another.
    task = entity_tagging(200, np.random.default_rng(9))
    seen: dict[str, set[int]] = {}
    for sentence, tags in zip(task.sentences, task.tags, strict=True):
        seen.setdefault(sentence[0].lower(), set()).add(tags[0])
    both = {word for word, found in seen.items() if found == {0, 1}}
    assert both and both <= set(AMBIGUOUS)
    assert set(AMBIGUOUS) <= set(load_names())  # they really are census first names


def test_entity_is_reproducible_with_a_fixed_vocab():
    a = entity_tagging(10, np.random.default_rng(10))
    b = entity_tagging(10, np.random.default_rng(10))
    c = entity_tagging(3, np.random.default_rng(11))
    assert a.sentences == b.sentences and a.tags == b.tags
    np.testing.assert_array_equal(a.x, b.x)
    assert a.vocab == c.vocab and a.sentences[:3] != c.sentences


# ---------------------------------------------------------------------------------------------
# Reverse and parity
# ---------------------------------------------------------------------------------------------


def test_reverse_sequence_targets_are_reversed_inputs_then_end():
    task = reverse_sequence(5, 6, 4, np.random.default_rng(12))
    assert task.x.shape == (5, 5, 6)  # (n_symbols + 1, m, length)
    assert task.y.shape == (5, 5, 7)  # (n_symbols + 1, m, length + 1)
    np.testing.assert_array_equal(one_hot_decode(task.x), task.x_ids)
    np.testing.assert_array_equal(one_hot_decode(task.y), task.y_ids)
    for row_x, row_y in zip(task.x_ids.tolist(), task.y_ids.tolist(), strict=True):
        assert all(1 <= s <= 4 for s in row_x)
        assert row_y == list(reversed(row_x)) + [0]


def test_parity_labels_count_the_ones():
    task = parity(20, 9, np.random.default_rng(13))
    assert task.x.shape == (2, 20, 9) and task.y.shape == (1, 20)
    np.testing.assert_array_equal(one_hot_decode(task.x), task.bits)
    for i, row in enumerate(task.bits.tolist()):
        assert task.y[0, i] == (1.0 if row.count(1) % 2 else 0.0)


def test_reverse_and_parity_are_reproducible():
    a, b = (reverse_sequence(3, 4, 5, np.random.default_rng(14)) for _ in range(2))
    np.testing.assert_array_equal(a.x_ids, b.x_ids)
    p, q = (parity(3, 4, np.random.default_rng(15)) for _ in range(2))
    np.testing.assert_array_equal(p.bits, q.bits)


# ---------------------------------------------------------------------------------------------
# Bad arguments
# ---------------------------------------------------------------------------------------------

RNG = np.random.default_rng(0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: long_range_agreement(0, 3, RNG), "m"),
        (lambda: long_range_agreement(2.0, 3, RNG), "m"),
        (lambda: long_range_agreement(2, -1, RNG), "distance"),
        (lambda: long_range_agreement(2, 1.5, RNG), "distance"),
        (lambda: long_range_agreement(2, True, RNG), "distance"),
        (lambda: long_range_agreement(2, 3, 0), "rng"),
        (lambda: long_range_agreement(2, 3, np.random.RandomState(0)), "rng"),
        (lambda: entity_tagging(-1, RNG), "m"),
        (lambda: entity_tagging(2, None), "rng"),
        (lambda: reverse_sequence(0, 3, 4, RNG), "m"),
        (lambda: reverse_sequence(2, 0, 4, RNG), "length"),
        (lambda: reverse_sequence(2, 3, 0, RNG), "n_symbols"),
        (lambda: reverse_sequence(2, 3, 4, 42), "rng"),
        (lambda: parity(0, 3, RNG), "m"),
        (lambda: parity(2, "3", RNG), "length"),
        (lambda: parity(2, 3, np.random), "rng"),
    ],
)
def test_task_bad_arguments_raise(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()
