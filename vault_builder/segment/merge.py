"""Near-duplicate posts across files: find them, cut threads by them, merge them into one post.

The same post often arrives twice (a flat copy and a Markdown copy; a forum page and an export).
Word shingles tell twins apart from posts that merely share vocabulary; the best text of each part
is kept: the version with structure and TeX, math filled in from a flat twin, comments from
whichever copy has them.
"""
from __future__ import annotations

import re
import zlib
from collections import Counter

from .. import mathtext
from ..models import Block
from .formats import RawPost

SHINGLE = 4
TWIN_CONTAINMENT = 0.5
"""Share of the smaller post's shingles found in the other: twins are far above, unrelated posts
on the same subject far below (measured on the seeds: twins > 0.8, others < 0.05)."""
BLOCK_MATCH = 0.35
SUBSTANTIVE_WORDS = 8

_MATH = re.compile(r"\$\$?[^$]*\$\$?")
_WORD = re.compile(r"[a-z]{2,}")


def words(text: str) -> list[str]:
    """Lower-case words with math removed: what survives every rendering of the same prose."""
    return _WORD.findall(_MATH.sub(" ", text).lower())


def shingles(text: str) -> set[int]:
    """Word 4-grams as stable 32-bit hashes (Python's hash() changes between runs)."""
    w = words(text)
    return {zlib.crc32(" ".join(w[i:i + SHINGLE]).encode()) for i in range(max(0, len(w) - SHINGLE + 1))}


SAMPLE = 8
"""Only shingles with hash % SAMPLE == 0 go into the index: a fixed 1-in-8 sample keeps the
share of common shingles (so twins still meet) at an eighth of the index size."""


STOCK_PHRASE = 50
"""A sampled shingle found in more posts than this is stock phrasing, not evidence of a twin: it is
left out of the count (the candidates are checked exactly afterwards), which keeps the search linear."""


class ShingleIndex:
    """Finds posts that share sampled shingles, so twin search is not all-pairs."""

    def __init__(self) -> None:
        self.postings: dict[int, list[int]] = {}
        self.sizes: dict[int, int] = {}

    def add(self, key: int, sh: set[int]) -> None:
        sample = [h for h in sh if h % SAMPLE == 0]
        self.sizes[key] = len(sample)
        for h in sample:
            self.postings.setdefault(h, []).append(key)

    def candidates(self, sh: set[int]) -> list[int]:
        """Posts sharing a good part of the smaller sample: twins share most of it, posts built
        from the same stock phrases only a few shingles."""
        sample = [h for h in sh if h % SAMPLE == 0 and len(self.postings.get(h, ())) <= STOCK_PHRASE]
        counts = Counter(k for h in sample for k in self.postings.get(h, ()))
        return sorted(k for k, n in counts.items()
                      if n >= max(2, 0.6 * TWIN_CONTAINMENT * min(len(sample), self.sizes[k])))


def body_text(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in blocks)


def containment(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def body_shingles(raws: list[RawPost]) -> list[set[int]]:
    """The shingles of each post's body, computed once for the twin search and the grouping."""
    return [shingles(body_text(r.blocks)) for r in raws]


def cut_threads_by_twins(raws: list[RawPost], sets: list[set[int]]) -> set[int]:
    """Split post from thread where the file's own structure could not, using a twin in another file.

    A forum dump (post body last) whose body also exists elsewhere: the body is the final run of
    blocks found in the twin. A Markdown post+thread whose body exists as a flat copy: the post is
    the first run of blocks found in the twin. Returns the indexes of the posts it decided, whose
    entries in `sets` (body_shingles) it updates."""
    index = ShingleIndex()
    for k, sh in enumerate(sets):
        index.add(k, sh)
    decided = set()
    for n, raw in enumerate(raws):
        if not (raw.fmt == "forum" and raw.thread_undecided or raw.fmt == "markdown" and not raw.thread):
            continue
        candidates = raw.thread if raw.fmt == "forum" else raw.blocks
        twin = best_twin(raw, raws, candidates, index, sets)
        if twin is None:
            continue
        twin_shingles = shingles(body_text(twin.blocks))
        matches = [block_in(b, twin_shingles) for b in candidates]
        if raw.fmt == "forum":
            start = final_run_start(matches)
            raw.blocks, raw.thread = candidates[start:], candidates[:start]
        else:
            end = first_run_end(matches)
            raw.blocks, raw.thread = candidates[:end], candidates[end:]
        raw.thread_undecided = False
        decided.add(n)
    for n in decided:
        sets[n] = shingles(body_text(raws[n].blocks))
    return decided


def best_twin(raw: RawPost, raws: list[RawPost], candidates: list[Block],
              index: ShingleIndex, sets: list[set[int]]) -> RawPost | None:
    mine = shingles(body_text(candidates))
    best, best_score = None, 0.0
    for k in index.candidates(mine):
        other, theirs = raws[k], sets[k]
        if other is raw or other.file == raw.file or not theirs:
            continue
        score = len(mine & theirs) / len(theirs)
        if score > best_score:
            best, best_score = other, score
    return best if best_score >= TWIN_CONTAINMENT else None


def block_in(b: Block, twin: set[int]) -> bool | None:
    """True/False for a block with enough words to judge; None for short or math-only blocks."""
    own = shingles(b.text)
    if len(words(b.text)) < SUBSTANTIVE_WORDS or not own:
        return None
    return len(own & twin) / len(own) >= BLOCK_MATCH


GAP = 3
"""Consecutive substantive blocks missing from the twin that end a run (comments, not noise)."""


def first_run_end(matches: list[bool | None]) -> int:
    last, misses = 0, 0
    for i, m in enumerate(matches):
        if m:
            last, misses = i + 1, 0
        elif m is False:
            misses += 1
            if misses >= GAP:
                break
    return last


def final_run_start(matches: list[bool | None]) -> int:
    first, misses = len(matches), 0
    for i in range(len(matches) - 1, -1, -1):
        if matches[i]:
            first, misses = i, 0
        elif matches[i] is False:
            misses += 1
            if misses >= GAP:
                break
    return first


def group_duplicates(raws: list[RawPost], sets: list[set[int]]) -> list[list[RawPost]]:
    """Groups of twins (connected by shingle containment), in order of first appearance;
    sets: the bodies' shingles (body_shingles)."""
    parent = list(range(len(raws)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    index = ShingleIndex()
    for j, sh in enumerate(sets):
        for i in index.candidates(sh):  # earlier posts sharing sampled shingles
            if raws[i].file != raws[j].file and containment(sets[i], sets[j]) >= TWIN_CONTAINMENT:
                parent[find(j)] = find(i)
        index.add(j, sh)
    groups: dict[int, list[RawPost]] = {}
    for i, raw in enumerate(raws):
        groups.setdefault(find(i), []).append(raw)
    return list(groups.values())


def quality(raw: RawPost) -> float:
    """Prefer structure (headings, paragraphs) and recovered TeX over flat or mangled text."""
    text = body_text(raw.blocks)
    tex = len(re.findall(r"\\[a-zA-Z]+|[_^]\{", text))
    headings = sum(1 for b in raw.blocks if b.kind == "heading")
    glued = len(re.findall(r"[a-z][A-Z][a-z]", text))  # "Bayes-icsSingular": lost paragraph breaks
    return len(raw.blocks) + 3 * headings + tex - 2 * glued - (1000 if raw.fmt == "flat" else 0)


def merge_group(group: list[RawPost]) -> tuple[RawPost, list[str]]:
    """One post from twins: the best body, math gaps filled from a flat twin, every thread kept."""
    primary = max(group, key=quality) if len(group) > 1 else group[0]
    blocks = primary.blocks
    flat = next((r for r in group if r.fmt == "flat" and r is not primary), None)
    if flat is not None:
        blocks = fill_gaps(blocks, " ".join(b.text for b in flat.blocks))
    thread = [b for r in group for b in r.thread]
    participants = next((r.participants for r in group if r.participants), [])
    files = sorted({r.file for r in group})
    merged = RawPost(primary.title, blocks, primary.file, primary.fmt, thread, participants,
                     any(r.thread_undecided for r in group))
    return merged, files


def fill_gaps(blocks: list[Block], flat: str) -> list[Block]:
    """Put the math a Markdown copy lost back, taking it from the flat copy (mathtext does the
    alignment); inserted display formulas become blocks of their own."""
    texts = [b.text for b in blocks]
    filled = mathtext.fill_math_gaps(texts, flat)
    out: list[Block] = []
    originals = iter(blocks)
    last = blocks[0] if blocks else None
    for kind, text in filled:
        if kind == "math":
            ref = last or Block("", "paragraph", "", file="")
            out.append(Block("", "math", text, file=ref.file, line=ref.line))
        else:
            b = next(originals)
            b.text = text
            out.append(b)
            last = b
    return out
