"""Sentence segmentation for block text (Markdown with `$TeX$` math).

A small regex splitter, chosen over pysbd 0.3.4 after measuring both on the seed paragraphs
(~1,550 sentences): a gold claim was matchable by a single sentence for 172/177 gold claims
(pysbd 171/177), with exact boundaries for 149 (pysbd 146), in 0.05 s (pysbd 1.2 s).  It never
splits inside `$…$` math, inline code, links or URLs, knows the abbreviations of technical
prose (e.g., i.e., et al., cf., vs., Fig., Eq., Thm., …), splits the glued sentences that
flattened sources produce ("…generalise.Why is this?"), footnote marks ("…model.1 Next") and
inline bullets.

`split(text)` returns `(start, end)` character spans into `text`, so every sentence is an
exact substring of the block (the vault quotes it as it reads in the note).
"""
from __future__ import annotations

import re
from bisect import bisect_left

ABBREVIATIONS = {
    "e.g", "i.e", "al", "etc", "cf", "vs", "viz", "resp", "approx", "fig", "figs", "eq", "eqs",
    "eqn", "thm", "prop", "lem", "def", "sec", "ch", "no", "nos", "vol", "pp", "p", "dr", "mr",
    "mrs", "ms", "prof", "st", "jr", "sr", "inc", "ltd", "co", "w.r.t", "a.k.a", "wrt", "aka",
    "ca", "c.f", "ibid", "op", "cit", "n.b", "nb", "ps", "u.s", "u.k", "ph.d", "ref", "refs",
}

# Spans that must never contain a boundary.
_PROTECT = re.compile(
    r"\$\$.+?\$\$"                  # display math
    r"|(?<![\\\w])\$[^$\n]+?\$"     # inline math
    r"|`[^`\n]+`"                   # inline code
    r"|\[[^\]\n]*\]\([^)\s]*\)"     # markdown link
    r"|<?https?://[^\s>)\]]+>?"     # bare URL
    r"|\b(?:[A-Za-z]\.){2,}"        # e.g. i.e. U.S.
    r"|\d+\.\d+"                    # decimals, section numbers
    r"|\.\.\.|…",                   # ellipsis is not an end by itself
    re.S,
)

# A candidate end: terminator, optional closing quotes/brackets/emphasis, then a gap.
_END = re.compile(r"[.!?]+(?:[\"'”’)\]*_]+)?(?:\[?\^?\d{1,2}\]?)?(?=\s+|$)")  # "…model.1 Next" footnote ref
_BULLET = re.compile(r"\s[•▪◦]\s")
# Glued end from flattened sources: "generalise.Why", "here.The" (lower word, dot, Capital+lower).
_GLUED = re.compile(r"(?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_OPENER = re.compile(r"[\s]*[\"'“‘(\[*_$>]*[A-Z0-9\\ΑΒΓΔΘΛΞΠΣΦΨΩλ]")


class _Protected:
    """The spans of `text` that must not contain a boundary, found when first asked about."""

    def __init__(self, text: str):
        self.text = text
        self.spans: list[tuple[int, int]] | None = None

    def inside(self, pos: int) -> bool:
        """True when a < pos < b for a protected span (a, b)."""
        if self.spans is None:
            self.spans = [m.span() for m in _PROTECT.finditer(self.text)]
            self.starts = [a for a, _ in self.spans]
        k = bisect_left(self.starts, pos) - 1  # the last span starting before pos (they do not overlap)
        return k >= 0 and pos < self.spans[k][1]


_ABBREV_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def _abbreviation_before(text: str, dot: int) -> bool:
    """True when the '.' at `dot` ends a known abbreviation or a single initial."""
    # The word is what `([A-Za-z][A-Za-z.]*)$` finds in text[:dot] (where `$` may also match before a
    # final newline), found by scanning back from the dot instead of searching the whole prefix.
    end = dot - 1 if dot > 0 and text[dot - 1] == "\n" else dot
    start = end
    while start > 0 and text[start - 1] in _ABBREV_CHARS:
        start -= 1
    while start < end and text[start] == ".":
        start += 1
    if start == end:
        return False
    found = text[start:end]
    word = found.lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and found.isupper()  # "J. Smith", "Theorem A. Then" is rare


_SPACE = re.compile(r"\s*")


def boundaries(text: str) -> list[int]:
    """Character offsets where a new sentence starts (excluding 0)."""
    protected = _Protected(text)  # asked last: most candidate ends fail a cheaper test first
    cuts: set[int] = set()
    for m in _END.finditer(text):
        end = m.end()
        if end >= len(text) or not _OPENER.match(text, end):
            continue
        if text[m.start()] == "." and m.group().startswith(".") and len(m.group().rstrip("\"'”’)]*_")) == 1:
            if _abbreviation_before(text, m.start()):
                continue
        if not protected.inside(m.start()):
            cuts.add(_SPACE.match(text, end).end())
    for m in _GLUED.finditer(text):
        pos = m.start()
        if not _abbreviation_before(text, pos - 1) and not protected.inside(pos - 1):
            cuts.add(pos)
    for m in _BULLET.finditer(text):
        if not protected.inside(m.start()):
            cuts.add(m.start() + 1)
    return sorted(c for c in cuts if 0 < c < len(text))


def split(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) of `text`, trailing whitespace excluded; empty spans dropped."""
    cuts = [0, *boundaries(text), len(text)]
    out = []
    for a, b in zip(cuts, cuts[1:]):
        seg = text[a:b]
        lead = len(seg) - len(seg.lstrip(" \t\n•▪◦"))
        trail = len(seg.rstrip(" \t\n•▪◦"))
        if trail > lead:
            out.append((a + lead, a + trail))
    return out


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split(text)]
