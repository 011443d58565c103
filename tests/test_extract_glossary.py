"""Concept matching (extract/glossary.py): the trie-compiled alternation finds what the plain
longest-first alternation finds."""
from __future__ import annotations

import random

from vault_builder.extract.glossary import ConceptIndex, _Alternation
from vault_builder.models import Concept


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def reference(words, suffixes, suffix_in_word, text):
    """The definition: at each word start, the longest word followed by a suffix and a boundary."""
    out, pos, n = [], 0, len(text)
    ordered = sorted((w for w in words if w), key=len, reverse=True)
    for i in range(n):
        if i < pos or (i > 0 and _is_word(text[i - 1])):
            continue
        for w in ordered:
            if not text.startswith(w, i):
                continue
            end = i + len(w)
            hit = next((end + len(s) for s in suffixes if text.startswith(s, end)
                        and (end + len(s) >= n or not _is_word(text[end + len(s)]))), None)
            if hit is not None:
                out.append((i, hit, text[i:hit] if suffix_in_word else w))
                pos = hit
                break
    return out


def test_trie_alternation_matches_the_reference():
    rnd = random.Random(3)
    words = ["ab", "abc", "abcd", "a b", "b", "bc", "c-d", "x", "xy z", "é", "a.b", ""]
    alphabet = list("abcdxyzé .-_s") + ["es", "ab", "abc "]
    for suffixes, in_word in ((("s", "es", ""), True), (("s", ""), False)):
        alt = _Alternation(words, suffixes, in_word)
        for _ in range(3000):
            text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 25)))
            assert list(alt.finditer(text)) == reference(words, suffixes, in_word, text), text


def test_concept_spans_longest_first_with_plurals_and_abbreviations():
    index = ConceptIndex([Concept(name="Free energy", aliases=["free-energy landscape"]),
                          Concept(name="Real log canonical threshold", abbreviations=["RLCT"]),
                          Concept(name="Phase transition")])
    text = "The free-energy landscape has phase transitions; RLCTs differ, unlike free energies or RLCTish."
    names = [name for _, _, name in index.spans(text)]
    assert names == ["Free energy", "Phase transition", "Real log canonical threshold", "Free energy"]
