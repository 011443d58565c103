"""Sentence segmentation: math, abbreviations, quotes, glued sentences, footnote marks, bullets."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from vault_builder.extract.sentences import sentences, split

CASES = [
    ("One sentence. Another one.", ["One sentence.", "Another one."]),
    ("Use priors, e.g. Gaussian ones. Then sample.", ["Use priors, e.g. Gaussian ones.", "Then sample."]),
    ("That is, i.e. The rest follows.", ["That is, i.e. The rest follows."]),
    ("As shown by Zhang et al. 2017, nets memorise. Really.", ["As shown by Zhang et al. 2017, nets memorise.", "Really."]),
    ("See Fig. 3 for details. It helps.", ["See Fig. 3 for details.", "It helps."]),
    ("The value is $\\lambda = 1.5$. So it is half. Fine.", ["The value is $\\lambda = 1.5$.", "So it is half.", "Fine."]),
    ("We get $a. B$ inside math. Next.", ["We get $a. B$ inside math.", "Next."]),
    ("He said \"it works.\" Then he left.", ["He said \"it works.\"", "Then he left."]),
    ("Is it true? Yes! It is.", ["Is it true?", "Yes!", "It is."]),
    ("The loss is flat.Why is this?", ["The loss is flat.", "Why is this?"]),
    ("Version 2.5 of the code. Good.", ["Version 2.5 of the code.", "Good."]),
    ("The model generalises.1 Symmetries matter.", ["The model generalises.1", "Symmetries matter."]),
    ("J. Smith proved it. Then others did.", ["J. Smith proved it.", "Then others did."]),
    ("Wait... what happened next is odd.", ["Wait... what happened next is odd."]),
    ("First point • Second point", ["First point", "Second point"]),
    ("(Parenthetical remark.) Next sentence.", ["(Parenthetical remark.)", "Next sentence."]),
    ("Watch FLOP/s vs. FLOPs here. Done.", ["Watch FLOP/s vs. FLOPs here.", "Done."]),
    ("A link [here](https://x.org/a.b) works. Next.", ["A link [here](https://x.org/a.b) works.", "Next."]),
    ("", []),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentences(text, expected):
    assert sentences(text) == expected


@given(st.text(alphabet=st.sampled_from(list("ab .?!$\"()eEg,1\n")), max_size=80))
def test_spans_are_ordered_trimmed_substrings(text):
    spans = split(text)
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        last = b
    # no text is lost except whitespace between sentences
    covered = "".join(text[a:b] for a, b in spans)
    assert covered.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")
