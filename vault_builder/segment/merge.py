"""Near-duplicate posts across files: find them, cut threads by them, merge them into one post.

The same post often arrives twice (a flat copy and a Markdown copy; a forum page and an export).
Word shingles tell twins apart from posts that merely share vocabulary; the best text of each part
is kept: the version with structure and TeX, math filled in from a flat twin, comments from
whichever copy has them.
"""
from __future__ import annotations

import re
import zlib
from array import array
from collections import Counter
from itertools import chain
from typing import TYPE_CHECKING

from .. import mathtext
from ..models import Block
from .formats import RawPost

if TYPE_CHECKING:
    from .found import Found

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


SHARED = 0.6 * TWIN_CONTAINMENT
"""Share of the smaller sample two posts must have in common to be compared exactly."""


class Body:
    """The shingles of a post body: the sample the index holds, and the full set, which only the
    pairs the index proposes need (from the cache it stays packed until one does)."""

    __slots__ = ("sample", "size", "_full", "_packed")

    def __init__(self, sample: list[int], size: int, full: set[int] | None = None, packed: bytes = b""):
        self.sample, self.size, self._full, self._packed = sample, size, full, packed

    @classmethod
    def of(cls, blocks: list[Block]) -> Body:
        full = shingles(body_text(blocks))
        return cls([h for h in full if h % SAMPLE == 0], len(full), full)

    @property
    def full(self) -> set[int]:
        if self._full is None:
            self._full = set(array("I", self._packed))
        return self._full

    def packed(self) -> list:
        """[sample, size, full] as JSON values (hex of the 32-bit hashes: compact, and quick to read)."""
        full = self._packed or array("I", self.full).tobytes()
        return [array("I", self.sample).tobytes().hex(), self.size, full.hex()]

    @classmethod
    def unpacked(cls, value: list) -> Body:
        """The inverse of packed(); ValueError/TypeError for a value that is not one."""
        sample, size, full = value
        full = bytes.fromhex(full)
        if not isinstance(size, int) or len(full) != array("I").itemsize * size:
            raise ValueError("damaged shingles")
        return cls(array("I", bytes.fromhex(sample)).tolist(), size, packed=full)


class ShingleIndex:
    """Finds posts that share sampled shingles, so twin search is not all-pairs."""

    def __init__(self) -> None:
        self.postings: dict[int, list[int]] = {}
        self.sizes: dict[int, int] = {}

    def add(self, key: int, body: Body) -> None:
        self.sizes[key] = len(body.sample)
        for h in body.sample:
            self.postings.setdefault(h, []).append(key)

    def candidates(self, body: Body) -> list[int]:
        """Posts sharing a good part of the smaller sample: twins share most of it, posts built
        from the same stock phrases only a few shingles."""
        postings, sizes = self.postings, self.sizes
        lists = [keys for keys in (postings.get(h, ()) for h in body.sample) if len(keys) <= STOCK_PHRASE]
        counts = Counter(chain.from_iterable(lists))
        # n >= max(2, SHARED * min(len(lists), size)), compared without two calls per post
        share = SHARED * len(lists)
        return sorted(k for k, n in counts.items() if n >= 2 and (n >= share or n >= SHARED * sizes[k]))


def body_text(blocks: list[Block]) -> str:
    return "\n".join(b.text for b in blocks)


def containment(a: set[int], b: set[int]) -> float:
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small)


def cut_threads_by_twins(found: list[Found]) -> set[int]:
    """Split post from thread where the file's own structure could not, using a twin in another file.

    A forum dump (post body last) whose body also exists elsewhere: the body is the final run of
    blocks found in the twin. A Markdown post+thread whose body exists as a flat copy: the post is
    the first run of blocks found in the twin. Returns the indexes of the posts it decided, whose
    bodies it updates (after the search: every search sees the bodies as read)."""
    searching = [n for n, f in enumerate(found)
                 if f.fmt == "forum" and f.thread_undecided or f.fmt == "markdown" and not f.n_thread]
    index = ShingleIndex()
    for k, f in enumerate(found if searching else ()):
        index.add(k, f.body)
    decided: dict[int, Body] = {}
    for n in searching:
        f = found[n]
        twin = best_twin(f, found, f.searched(), index)
        if twin is not None:
            decided[n] = f.cut(f"twin {twin.state()}", lambda raw: cut_by_twin(raw, twin.raw))
    for n, body in decided.items():  # only now: every search above compared the bodies as read
        found[n].body = body
    return set(decided)


def cut_by_twin(raw: RawPost, twin: RawPost) -> None:
    candidates = raw.thread if raw.fmt == "forum" else raw.blocks
    twin_shingles = shingles(body_text(twin.blocks))
    matches = [block_in(b, twin_shingles) for b in candidates]
    if raw.fmt == "forum":
        split_thread(raw, final_run_start(matches))
    else:
        split_blocks(raw, first_run_end(matches))


def split_thread(raw: RawPost, start: int) -> None:
    """A forum dump's cut: the thread's blocks from `start` on are the body (the body comes last)."""
    raw.blocks, raw.thread = raw.thread[start:], raw.thread[:start]


def split_blocks(raw: RawPost, end: int) -> None:
    """A Markdown export's cut: the blocks from `end` on are the thread."""
    raw.blocks, raw.thread = raw.blocks[:end], raw.blocks[end:]


def best_twin(f: Found, found: list[Found], mine: Body, index: ShingleIndex) -> Found | None:
    """`mine`: the shingles of the blocks that hold f's body somewhere (Found.searched)."""
    best, best_score = None, 0.0
    for k in index.candidates(mine):
        other = found[k]
        if other is f or other.file == f.file or not other.body.size:
            continue
        score = len(mine.full & other.body.full) / other.body.size
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


def group_duplicates(found: list[Found]) -> list[list[Found]]:
    """Groups of twins (connected by shingle containment of their bodies), in order of first appearance."""
    parent = list(range(len(found)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    index = ShingleIndex()
    for j, f in enumerate(found):
        for i in index.candidates(f.body):  # earlier posts sharing sampled shingles
            if found[i].file != f.file and containment(found[i].body.full, f.body.full) >= TWIN_CONTAINMENT:
                parent[find(j)] = find(i)
        index.add(j, f.body)
    groups: dict[int, list[Found]] = {}
    for i, f in enumerate(found):
        groups.setdefault(find(i), []).append(f)
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
