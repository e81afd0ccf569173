# %% [markdown]
# # 01 · Notation and representing sequences
#
# Speech, music, text, DNA and video are all **sequences**: ordered elements, and an order that
# matters. This notebook sets up the notation the whole course uses for them, and the first
# step of every text model: turning words into vectors a network can read. You will write
#
# | exercise | function | points |
# | --- | --- | --- |
# | 1 | `build_vocabulary`: the most frequent tokens of a corpus, with `<EOS>` and `<UNK>` | 3 |
# | 2 | `one_hot_encode`: a sentence as one-hot column vectors | 2 |
# | 3 | `decode_one_hot`: back from vectors to tokens | 1 |
#
# Each exercise is followed by a test cell: press **Validate** (or run the cell) to check your
# answer. The checks compare your function with `seqlib`'s reference on random inputs and, when
# a result is wrong, say what looks wrong. Plain Python and numpy are all you need.

# %%
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np

from seqlib.checks import check
from seqlib.data import HARRY_POTTER, load_names
from seqlib.text import (
    EOS,
    UNK,
    BPETokenizer,
    Vocabulary,
    char_tokenize,
    ngrams,
    one_hot,
    one_hot_decode,
    sentence_tokenize,
    train_bpe,
    word_tokenize,
)

# %matplotlib inline
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Examples of sequence data
#
# In each task below a model maps an input $x$ to an output $y$. Sometimes both are sequences,
# sometimes only one of them is, and when both are their lengths $T_x$ and $T_y$ may differ.
#
# | task | input $x$ | output $y$ | sequence? | lengths |
# | --- | --- | --- | --- | --- |
# | speech recognition | an audio clip | its transcript, "The quick brown fox jumped over the lazy dog." | both | $T_x \neq T_y$ (many audio frames, few words) |
# | music generation | nothing, or a genre or first note | a piece of music | $y$ only | $T_y$ notes |
# | sentiment classification | "There is nothing to like in this movie." | a rating, 1 star out of 5 | $x$ only | $T_y = 1$ |
# | DNA sequence analysis | `AGCCCCTGTGAGGAACTAG` | for each nucleotide: part of a protein? | both | $T_y = T_x$ |
# | machine translation | "Voulez-vous chanter avec moi ?" | "Do you want to sing with me?" | both | $T_x \neq T_y$ in general |
# | video activity recognition | a sequence of video frames | "Running" | $x$ only | $T_y = 1$ |
# | named-entity recognition | "Yesterday, Harry Potter met Hermione Granger." | for each word: part of a person's name? | both | $T_y = T_x$ |
#
# Supervised learning covers all of them: each is a training set of $(x, y)$ pairs. The rest of
# the course builds models that read and write sequences of any length.
#
# ## Notation
#
# We index the elements of a sequence by position:
#
# - $x^{\langle t \rangle}$ is the $t$-th element of the input, for $t = 1, \dots, T_x$, and
#   $T_x$ is the length of the input;
# - $y^{\langle t \rangle}$ is the $t$-th element of the output, for $t = 1, \dots, T_y$, and
#   $T_y$ is the length of the output.
#
# With many training examples, a round superscript says which example:
# $x^{(i)\langle t \rangle}$ is the $t$-th element of the $i$-th training example, and
# $T_x^{(i)}$ is the length of that example's input. Different examples can have different
# lengths: $T_x^{(1)} = 9$ words, $T_x^{(2)} = 15$ words, and so on. $y^{(i)\langle t \rangle}$
# and $T_y^{(i)}$ are the same for the outputs.
#
# The notes' example is **named-entity recognition**: for each word, $y^{\langle t \rangle} =
# 1$ when it is part of a person's name. `seqlib.data.HARRY_POTTER` holds the sentence and its
# tags:

# %%
sentence, tags = HARRY_POTTER
words = word_tokenize(sentence, lower=False, punctuation=False)
for t, (word, tag) in enumerate(zip(words, tags, strict=True), start=1):
    print(f"x<{t}> = {word:<9} y<{t}> = {tag}")
print(f"T_x = {len(words)}, T_y = {len(tags)}")

# %% [markdown]
# Here $T_x = T_y = 9$: one output per input word. The final "." is dropped, so words and tags
# line up.
#
# ### A batch in the course's layout
#
# Each $x^{\langle t \rangle}$ is a column vector of $n_x$ numbers (below, a word becomes a
# one-hot vector of size $n_x$). We process $m$ examples at once and store them in one numpy
# array `x` of shape $(n_x, m, T_x)$: **units first, then the examples, then time**. Python
# counts from 0, the notes from 1, so
#
# | notes | code | shape |
# | --- | --- | --- |
# | $x^{(i)\langle t \rangle}$, one element of one example | `x[:, i - 1, t - 1]` | $(n_x,)$ |
# | $x^{\langle t \rangle}$ for the whole batch | `xt = x[:, :, t - 1]` | $(n_x, m)$ |
# | $x^{(i)}$, one whole example | `x[:, i - 1, :]` | $(n_x, T_x)$ |
# | the batch | `x` | $(n_x, m, T_x)$ |
#
# To see which index is which, fill a tiny batch ($n_x = 2$, $m = 3$, $T_x = 4$) with numbers
# that spell out their own position: `x[k, i, t]` $= 10 (i + 1) + (t + 1) + (k + 1)/10$, so the
# entry 23.1 is unit 1 of $x^{(2)\langle 3 \rangle}$.

# %%
n_x, m, T_x = 2, 3, 4
k = np.arange(n_x)[:, None, None]  # (n_x, 1, 1)
i = np.arange(m)[None, :, None]    # (1, m, 1)
t = np.arange(T_x)[None, None, :]  # (1, 1, T_x)
x = 10.0 * (i + 1) + (t + 1) + (k + 1) / 10  # broadcasts to (n_x, m, T_x)
print("x.shape =", x.shape)
print("x(2)<3>  = x[:, 1, 2]  =", x[:, 1, 2])
print("x<3>     = x[:, :, 2]  (n_x, m):\n", x[:, :, 2])
print("x(2)     = x[:, 1, :]  (n_x, T_x):\n", x[:, 1, :])

# %% [markdown]
# A numpy array is rectangular, so a batch has one $T_x$, the longest example's. When the
# examples have lengths $T_x^{(i)} = 4, 2, 3$, the shorter ones are **padded** at the end, and
# a mask of shape $(m, T_x)$ records which positions are real; a loss multiplies by it to
# ignore the padding (notebook 03 does).

# %%
lengths = np.array([4, 2, 3])  # T_x^(i) for i = 1, 2, 3
mask = (np.arange(T_x)[None, :] < lengths[:, None]).astype(np.float64)  # (m, T_x)
x_padded = x * mask[None, :, :]  # (n_x, m, T_x): zeros after each example's end
print("mask (m, T_x):\n", mask)
print("example 2, padded after T_x(2) = 2 steps:\n", x_padded[:, 1, :])

# %% [markdown]
# ## Representing words
#
# A network reads numbers, so each word must become a vector. The notes' recipe:
#
# 1. **Choose a vocabulary** (a dictionary): a list of the words we will use, say the 10,000
#    most frequent words of the training set; 30,000 to 50,000 is common in practice. A word's
#    position in the list is its **index**: in the notes, *a* is 1, *aaron* 2, *and* 367,
#    *harry* 4075, *potter* 6830, ..., *zulu* 10,000.
# 2. **One-hot encode** each word: $x^{\langle t \rangle}$ is a vector of $n_x = 10{,}000$
#    zeros with a single 1 at the word's index. *Harry* becomes the vector with a 1 in
#    position 4075.
# 3. A word that is not in the vocabulary becomes the special token **`<UNK>`** (unknown),
#    which has its own index.
# 4. A language model (notebook 04) also needs to know where a sentence stops: the special
#    token **`<EOS>`** (end of sentence) is appended to every sentence.
#
# In this course a vocabulary is a plain Python list of tokens, and Python counts from 0:
# index 0 is `"<EOS>"`, index 1 is `"<UNK>"`, then the corpus's tokens, most frequent first.
# (`EOS` and `UNK` are imported above as these two strings.)
#
# ### Exercise 1: `build_vocabulary` (3 points)
#
# Given `sentences`, a list of token lists, return the vocabulary as a list:
#
# - `"<EOS>"` first, then `"<UNK>"`;
# - then the tokens of the corpus, **most frequent first**; tokens seen equally often are in
#   **alphabetical order**, so the vocabulary does not depend on the order of the sentences;
# - at most `max_size` entries **in all**, the two specials included: the least frequent
#   tokens are left out (they will encode as `<UNK>`). When the corpus has fewer distinct
#   tokens, keep them all.
#
# `collections.Counter` counts the tokens. Python's `sorted(items, key=...)` sorts by a tuple
# key one element after the other: think about which key puts the largest count first and
# breaks ties alphabetically. (`Counter.most_common` keeps ties in the order first seen, which
# is not alphabetical.)

# %% grade_id="build_vocabulary" solution=true
def build_vocabulary(sentences, max_size):
    """The vocabulary of a corpus, as a list: a token's index is its position.

    sentences: list of token lists, e.g. [["the", "cat", "sat"], ["the", "dog", "ate"]].
    max_size: the largest len(vocabulary) allowed, the two specials included (>= 2).
    Returns [EOS, UNK, most frequent token, ...]; ties in alphabetical order.
    """
    ### BEGIN SOLUTION
    counts = Counter(token for sentence in sentences for token in sentence)
    ranked = sorted(counts, key=lambda token: (-counts[token], token))  # frequent first, a-z
    return [EOS, UNK] + ranked[: max_size - 2]
    ### END SOLUTION


# %% grade_id="test_build_vocabulary" points=3
"""build_vocabulary agrees with the reference on random corpora."""
check("build_vocabulary", build_vocabulary)
### BEGIN HIDDEN TESTS
check("build_vocabulary", build_vocabulary, seed=20111, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# A small corpus and its vocabulary, capped at 12 entries:

# %%
corpus = [
    "Harry Potter and Hermione Granger invented a new spell.",
    "Harry and Hermione met a cat.",
    "The cat ate a fish.",
    "Cats average 15 hours of sleep a day.",
    "The cat, which already ate a lot of food, was full.",
]
corpus_tokens = [word_tokenize(s, punctuation=False) for s in corpus]
vocabulary = build_vocabulary(corpus_tokens, max_size=12)
counts = Counter(token for s in corpus_tokens for token in s)
print("index  token     count")
for index, token in enumerate(vocabulary):
    print(f"{index:>5}  {token:<9} {counts[token] if token in counts else '-':>5}")
print("left out, will encode as <UNK>:", sorted(set(counts) - set(vocabulary)))

# %% [markdown]
# ## One-hot vectors
#
# A sentence of $T_x$ tokens becomes a matrix `x` of shape $(n_x, T_x)$, $n_x$ =
# `len(vocabulary)`: column $t$ is the one-hot vector of token $t$ (`x[:, t - 1]` is
# $x^{\langle t \rangle}$ in the notes' numbering). In each column, the row of the token's
# index holds 1.0 and every other row 0.0.
#
# ### Exercise 2: `one_hot_encode` (2 points)
#
# Return a **float** array of shape $(n_x, T_x)$. A token that is not in the vocabulary goes
# to the `"<UNK>"` row. A token that *is* in the vocabulary goes to its own row, `"<EOS>"`
# included. Looking each token up with `vocabulary.index(token)` scans the whole list every
# time; a dict `{token: index}` built once is faster.

# %% grade_id="one_hot_encode" solution=true
def one_hot_encode(tokens, vocabulary):
    """One-hot column vectors of a sentence.

    tokens: list of T_x tokens; vocabulary: list of n_x tokens, as build_vocabulary returns.
    Returns x, a float array (n_x, T_x): x[:, t] is the one-hot vector of tokens[t].
    """
    n_x, T_x = len(vocabulary), len(tokens)
    ### BEGIN SOLUTION
    index = {token: i for i, token in enumerate(vocabulary)}
    x = np.zeros((n_x, T_x))  # float64
    for t, token in enumerate(tokens):
        x[index.get(token, index[UNK]), t] = 1.0
    return x
    ### END SOLUTION


# %% grade_id="test_one_hot_encode" points=2
"""one_hot_encode agrees with the reference on random sentences."""
check("one_hot_encode", one_hot_encode)
### BEGIN HIDDEN TESTS
check("one_hot_encode", one_hot_encode, seed=20112, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# The named-entity sentence, encoded with the vocabulary above. Each column holds a single 1,
# and every word the vocabulary left out shares the `<UNK>` row:

# %%
harry = word_tokenize(HARRY_POTTER[0], punctuation=False)
x_harry = one_hot_encode(harry, vocabulary)  # (n_x, T_x)
print("x:", x_harry.shape, x_harry.dtype, "  every column sums to 1:", x_harry.sum(axis=0))
print("in the <UNK> row:", [w for w in harry if w not in vocabulary])
fig, ax = plt.subplots(figsize=(5.5, 3.6))
ax.imshow(x_harry, cmap="Greys", vmin=0, vmax=1, aspect="auto")
ax.set_xticks(range(len(harry)), harry, rotation=45, ha="right", rotation_mode="anchor")
ax.set_yticks(range(len(vocabulary)), [f"{i} {w}" for i, w in enumerate(vocabulary)])
ax.set_xlabel("time step t (the token of each column)")
ax.set_ylabel("vocabulary index (row)")
ax.set_title("one-hot x, shape (n_x, T_x)")
fig.tight_layout()
plt.show()

# %% [markdown]
# A batch of sentences goes in the layout of the notation section, $(n_x, m, T_x)$: encode
# each sentence, padded to the longest one with `<EOS>`, and stack the matrices along a new
# axis 1.

# %%
batch = corpus_tokens[:3]
T_max = max(len(s) for s in batch)
padded = [s + [EOS] * (T_max - len(s)) for s in batch]
x_batch = np.stack([one_hot_encode(s, vocabulary) for s in padded], axis=1)  # (n_x, m, T_x)
print("x_batch:", x_batch.shape, " = (n_x, m, T_x)")
print("T_x(i):", [len(s) for s in batch])
print("x(3)<2> is the one-hot vector of", repr(batch[2][1]), "-> row",
      int(np.argmax(x_batch[:, 2, 1])))

# %% [markdown]
# ## Back from vectors to tokens
#
# An RNN's output $\hat{y}^{\langle t \rangle}$ over a vocabulary is a softmax: a probability
# for every token, in a column of $n_y$ numbers. To read it, take the most probable token of
# each column: the row of the largest entry, `np.argmax` over axis 0. For a one-hot column
# that is the row holding the 1, so the same function decodes both.
#
# ### Exercise 3: `decode_one_hot` (1 point)
#
# Return a list of $T_x$ tokens, one per column of `x`, `"<EOS>"` and `"<UNK>"` included.

# %% grade_id="decode_one_hot" solution=true
def decode_one_hot(x, vocabulary):
    """The tokens of the columns of x.

    x: (n_x, T_x), one-hot vectors or scores (such as a softmax output); vocabulary: list of
    n_x tokens. Returns the list of T_x tokens: for each column, the token of its largest entry.
    """
    ### BEGIN SOLUTION
    ids = np.argmax(x, axis=0)  # (n_x, T_x) -> (T_x,)
    return [vocabulary[i] for i in ids]
    ### END SOLUTION


# %% grade_id="test_decode_one_hot" points=1
"""decode_one_hot agrees with the reference on random one-hot matrices."""
check("decode_one_hot", decode_one_hot)
### BEGIN HIDDEN TESTS
check("decode_one_hot", decode_one_hot, seed=20113, hidden=True)
### END HIDDEN TESTS

# %% [markdown]
# Encoding then decoding does not always give back the sentence: the words outside the
# vocabulary come back as `<UNK>`, and what they were is lost. `seqlib.text`, which the next
# notebooks use, does the same round trip in two steps each way (`Vocabulary.encode` and
# `one_hot`; `one_hot_decode` and `Vocabulary.decode`), and appends `<EOS>` on request:

# %%
vocab = Vocabulary.from_corpus(corpus_tokens, max_size=12)
print("same vocabulary as yours:", vocab.tokens == vocabulary)
ids = vocab.encode(harry, add_eos=True)  # (T_x,) int64
x_seq = one_hot(ids, len(vocab))          # (n_x, T_x)
print("ids:    ", ids.tolist())
print("in:     ", " ".join(harry))
print("decoded:", " ".join(vocab.decode(one_hot_decode(x_seq))))

# %% [markdown]
# ## Kinds of tokenization
#
# So far a token was a word. That is one choice among several; `seqlib.text` has a simple
# version of each.
#
# **Word**: split at spaces and punctuation, usually lower-cased, so "Cats" and "cats" share
# an index. Punctuation marks can be tokens of their own (the notes sometimes keep ".").

# %%
text = "Harry Potter and Hermione Granger invented a new spell. Mr. Smith didn't!"
print(word_tokenize(text))
print(word_tokenize(text, lower=False, punctuation=False))

# %% [markdown]
# **Character**: every character is a token, spaces and punctuation included. The vocabulary
# is tiny (letters, digits, punctuation) and no word is ever unknown, but sequences are several
# times longer, and the model must learn spelling before it can learn meaning. Notebook 04's
# language model works on characters.

# %%
chars = char_tokenize("Harry Potter")
print(chars, f"T_x = {len(chars)} characters for 2 words")

# %% [markdown]
# **Subword (byte-pair encoding, BPE)**: start from characters and repeatedly merge the most
# frequent adjacent pair into a new token. Frequent words and word pieces (*est*, *low*)
# become single tokens; a rare or new word splits into known pieces, in the worst case single
# characters, so it never becomes `<UNK>`. The number of merges sets the vocabulary size.

# %%
bpe = train_bpe(["low", "lower", "lowest", "newest", "widest"], num_merges=4)
print("merges, in order:", bpe.merges)
for word in ["lowest", "slowest", "newer"]:
    print(f"{word:<8} ->", bpe.tokenize(word))

# %% [markdown]
# **Sentence**: split a document into sentences, each of which is then tokenized into words.
# Simple rules fail on abbreviations: "Mr." does not end a sentence, but the rule splits there.

# %%
for s in sentence_tokenize(text):
    print(repr(s))

# %% [markdown]
# **n-gram**: every run of $n$ consecutive tokens, words or characters, is one unit. Bigrams
# (n = 2) and trigrams (n = 3) are the units of classic n-gram language models and useful
# features; the number of possible n-grams grows as (vocabulary size)$^n$, so most are never
# seen.

# %%
print(ngrams(word_tokenize("the cat ate a fish"), 2))
print(["".join(g) for g in ngrams("harry", 3)])

# %% [markdown]
# ### The trade-off: vocabulary size against sequence length
#
# Take the shipped first names (`seqlib.data.load_names()`), learn each tokenization on 1,000
# of them and tokenize 500 others the model has never seen. Every name is a single *word*, and
# the list holds each name once, so a word vocabulary of the 1,000 training names knows none of
# the new ones: all 500 become `<UNK>`. Characters know every name but spend about 6 tokens on
# each. BPE sits between the two; each merge adds one token to the vocabulary and makes the
# sequences shorter.

# %%
names = load_names()
order = np.random.default_rng(0).permutation(len(names))
train_names = [names[j] for j in order[:1000]]
test_names = [names[j] for j in order[1000:1500]]
name_bpe = train_bpe(train_names, num_merges=50)
print(f"{'tokenization':<16} {'vocabulary':>10} {'tokens/name':>12} {'unknown':>8}")
sizes, lengths_per_name = [], []
for merges in [0, 10, 20, 30, 50]:
    tokenizer = BPETokenizer(name_bpe.merges[:merges])
    pieces = set("abcdefghijklmnopqrstuvwxyz") | {left + right for left, right in tokenizer.merges}
    tokenized = [tokenizer.tokenize(w) for w in test_names]
    mean_length = np.mean([len(p) for p in tokenized])
    unknown_rate = np.mean([any(p not in pieces for p in ps) for ps in tokenized])
    sizes.append(len(pieces))  # the letters, plus one token per merge
    lengths_per_name.append(mean_length)
    label = "character" if merges == 0 else f"BPE, {merges} merges"
    print(f"{label:<16} {len(pieces):>10} {mean_length:>12.2f} {unknown_rate:>7.0%}")
known_words = set(train_names)  # the word vocabulary: one token per training name
unknown = np.mean([w not in known_words for w in test_names])
print(f"{'word':<16} {len(train_names):>10} {1.0:>12.2f} {unknown:>7.0%}")

fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(sizes, lengths_per_name, "o-", label="character (leftmost), then BPE")
ax.plot([len(train_names)], [1.0], "s", color="C3", label=f"word: {unknown:.0%} unknown")
ax.set_xscale("log")
ax.set_ylim(0, 6.5)
ax.set_xlabel("vocabulary size (log scale)")
ax.set_ylabel("mean tokens per unseen name")
ax.set_title("Bigger vocabulary, shorter sequences")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# | tokenization | vocabulary size | sequence length | unknown tokens |
# | --- | --- | --- | --- |
# | character | small (tens to a few hundred) | long | none |
# | subword (BPE) | chosen: one token per merge | medium | none: falls back to characters |
# | word | large (10,000 and more) | short | common: every word outside the vocabulary is `<UNK>` |
# | word n-grams | grows as (vocabulary)$^n$ | $T - n + 1$ | more and more with $n$ |
#
# Sentence tokenization is a first step before the others, not an alternative to them. Larger
# vocabularies mean larger one-hot vectors and weight matrices ($W_{ax}$ has $n_x$ columns);
# longer sequences mean more time steps, and information must travel further between related
# tokens.
#
# ## Summary
#
# - $x^{\langle t \rangle}$, $y^{\langle t \rangle}$: element $t$ of the input and output;
#   $T_x$, $T_y$: their lengths; $x^{(i)\langle t \rangle}$ and $T_x^{(i)}$: the same for
#   training example $i$. Examples can differ in length; input and output too.
# - In code a batch is `x` of shape $(n_x, m, T_x)$, and `x[:, i, t]` is
#   $x^{(i+1)\langle t+1 \rangle}$; shorter examples are padded and masked.
# - A vocabulary is a list of tokens whose positions are their indices; ours begins with
#   `<EOS>` (end of sentence) and `<UNK>` (any token the vocabulary does not hold), then the
#   most frequent tokens.
# - A token becomes a one-hot column vector of size $n_x$; a sentence an $(n_x, T_x)$ matrix;
#   the argmax of each column gives the tokens back, unknown words as `<UNK>`.
# - Characters, subwords, words and n-grams trade vocabulary size against sequence length and
#   unknown tokens.
#
# ## Questions (not graded)
#
# 1. With a vocabulary of 10,000 words, how many numbers does the one-hot matrix of a 20-word
#    sentence hold, and how many of them are non-zero? What does $W_{ax} x^{\langle t
#    \rangle}$ compute, without any multiplication?
# 2. Why should a vocabulary's order not depend on the order of the sentences in the corpus?
#    What would go wrong when a model trained with one vocabulary is used with another?
# 3. A character-level model never sees `<UNK>`. What does it give up in exchange?
# 4. In the named-entity example, would lower-casing the words help or hurt the model? What
#    about a word vocabulary built from news articles, applied to Harry Potter?
# 5. Why pad shorter sentences with `<EOS>` rather than with a frequent word such as "the"?
