"""titles: the shortcuts give the same titles as the plain regular expressions."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder import titles

_WORDS = titles._FUNCTION_WORDS.replace("['’]", "'").split("|") + ["model", "RLCT", "singular", "x"]
_GAPS = st.sampled_from([" ", "  ", "\t", " \n ", "\n", ", ", "   "])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_GAPS, st.sampled_from(_WORDS)), max_size=8), st.sampled_from(["", "\n", " ", "."]))
def test_drop_trailing_weak_is_the_regex(parts, end):
    text = "".join(g + w for g, w in parts) + end
    assert titles.drop_trailing_weak(text) == titles.TRAILING_WEAK.sub("", text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab ’'\n\t.,-"), max_size=40))
def test_drop_trailing_weak_on_any_text(text):
    assert titles.drop_trailing_weak(text) == titles.TRAILING_WEAK.sub("", text)


@given(st.text(max_size=20))
def test_three_word_characters(text):
    assert bool(titles._THREE_WORD_CHARS.search(text)) == (len(re.findall(r"\w", text)) >= 3)


@given(st.text(max_size=20))
def test_collapsed_whitespace(text):
    assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()
