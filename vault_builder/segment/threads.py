"""Comment threads: quotes of earlier paragraphs, comment boundaries, reply edges, authors.

Exports of comment threads lose the comment boundaries and usually the names. What survives is
the habit of repeating the paragraph one answers: a block that repeats an earlier block (of the
post or of the thread) is a quote of it, a quote that is not the continuation of the previous one
opens a new comment, and that comment replies to the one holding the quoted block. Names are
given to comments only when the page lists exactly one name per comment found (certainty).
"""
from __future__ import annotations

import re

from ..models import Block, Comment, Thread

MIN_QUOTE_CHARS = 25
_QUOTE_MARKS = "\"'“”‘’«»"


def normalise(text: str) -> str:
    """Compare paragraphs by their words only (math dropped, quotes and spacing ignored)."""
    text = re.sub(r"\$\$?[^$]*\$\$?", " ", text)
    return " ".join(re.findall(r"[a-z0-9]{2,}", text.lower()))  # 1-char tokens are flattened math


def build_thread(blocks: list[Block], post_blocks: list[Block], participants: list[str],
                 files: list[str]) -> Thread:
    for b in blocks:
        if b.kind == "heading":  # comments have no headings; a short line is a paragraph there
            b.kind, b.level = "paragraph", 0
    sources = find_quotes(blocks, post_blocks)
    comments = group_comments(blocks, sources, post_blocks)
    if participants and len(participants) == len(comments):
        for comment, name in zip(comments, participants):
            comment.author = name
    return Thread(comments, list(participants), list(files))


def find_quotes(blocks: list[Block], post_blocks: list[Block]) -> dict[int, tuple[str, int]]:
    """Map thread-block index -> (where, index) of the block it repeats: ("post", i) or ("thread", j)."""
    post_norm = [normalise(b.text) for b in post_blocks]
    thread_norm = [normalise(b.text) for b in blocks]
    found: dict[int, tuple[str, int]] = {}
    for i, b in enumerate(blocks):
        text = thread_norm[i]
        if len(text) < MIN_QUOTE_CHARS:
            continue
        hit = first_containing(text, thread_norm[:i])
        if hit is not None:
            found[i] = ("thread", hit)
            continue
        hit = first_containing(text, post_norm)
        if hit is not None:
            found[i] = ("post", hit)
    return found


def first_containing(text: str, pool: list[str]) -> int | None:
    """Earliest block of `pool` equal to `text` or containing it (a quote may be a part)."""
    for j, candidate in enumerate(pool):
        if candidate == text or (len(text) >= 40 and text in candidate):
            return j
    return None


def group_comments(blocks: list[Block], quotes: dict[int, tuple[str, int]],
                   post_blocks: list[Block]) -> list[Comment]:
    """Start a new comment at the first block and at each quote that does not continue the
    previous quote's walk through the same parent. A top-level comment may quote the post
    several times: a quote of the post continues a comment that is not a reply."""
    comment_of: list[int] = []
    comments: list[Comment] = []
    last_source: tuple[str, int, int | None] | None = None  # (where, index, parent comment)
    for i, b in enumerate(blocks):
        src = quotes.get(i)
        starts = not comments
        parent = None
        if src is not None:
            where, j = src
            parent = comment_of[j] if where == "thread" else None
            continues = bool(comments) and (
                (last_source is not None and last_source[0] == where and last_source[2] == parent and j > last_source[1])
                or (where == "post" and comments[-1].parent is None))
            if not continues:
                starts = True
            last_source = (where, j, parent)
        if starts:
            comments.append(Comment(id=f"c{len(comments) + 1}", blocks=[],
                                    parent=(f"c{parent + 1}" if parent is not None else None)))
            if src is None:
                last_source = None
        comments[-1].blocks.append(b)
        comment_of.append(len(comments) - 1)
    number_blocks(comments, blocks, quotes, post_blocks)
    return comments


def number_blocks(comments: list[Comment], blocks: list[Block], quotes: dict[int, tuple[str, int]],
                  post_blocks: list[Block]) -> None:
    """Block ids "c3-p2"; quote blocks point at their original's id (post "p12" or "c1-p4")."""
    for c in comments:
        for k, b in enumerate(c.blocks, 1):
            b.id = f"{c.id}-p{k}"
    for i, (where, j) in quotes.items():
        blocks[i].kind = "quote"
        blocks[i].quotes = (post_blocks if where == "post" else blocks)[j].id
