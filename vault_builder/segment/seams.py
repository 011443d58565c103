"""Seams between a post and its comments when nothing in the file marks them (no twin, no hint).

Forum page dumps put the comments first and the post last. Nothing marks the seam, so it is chosen as
the split that best separates post-like blocks (long paragraphs, footnote marks, headings glued
to the text, paragraphs cut mid-sentence by lost formatting) after it from comment-like blocks
(questions, conversational openers, short replies) before it. Repeated paragraphs cannot help:
replies quote comments and comments quote the post, and a dump flattens both the same way.

Markdown exports put the post first. There a post may have no comments at all, so the split is
taken only on clear evidence: after the last heading, with several comment-like blocks after it.
"""
from __future__ import annotations

import re

from ..models import Block

FOOTNOTE_MARK = re.compile(r"\^\{\[?\d+\]?\}|\^\{\^\}|^\[\d+\]:")
GLUED = re.compile(r"[a-z]{2}[.?!:][A-Z][a-z]|[a-z]{3}[A-Z][a-z]{2}")
ADDRESS = re.compile(r"\b(?:your (?:post|example|argument|point|claim|model)|you (?:say|said|write|wrote|claim|argue|mean))\b", re.I)
SIGN_OFF = re.compile(r"\b(?:let me know in the comments|thanks for reading|comments are welcome)\b", re.I)
EDIT = re.compile(r"^\W*(?:edit|update|addendum|postscript)\b", re.I)
OPENER = re.compile(
    r"^(yes|yeah|yep|no|nope|thanks|thank you|i agree|agreed|haha|hmm|wait|good question|not at all|sure|"
    r"oh|ah|interesting|great|nice|i'm (?:not sure|confused)|i am (?:not sure|confused))\b", re.I)


def block_score(b: Block, dump: bool = True) -> float:
    """Post-likeness of one block: positive for post-like, negative for comment-like.

    `dump`: also count the marks a page dump leaves on the post (footnote marks, glued headings,
    long or cut-off paragraphs); a Markdown export keeps the post's structure instead."""
    text = b.text.strip()
    words = len(text.split())
    score = 0.0
    if dump and FOOTNOTE_MARK.search(text):
        score += 1.0
    if dump and GLUED.search(text):
        score += 0.5
    if dump and words >= 80:
        score += 0.5
    if dump and text and text[-1].isalpha():  # cut mid-sentence: the page's formatting was lost
        score += 0.5
    if text.endswith("?"):
        score -= 1.0
    if OPENER.match(text):
        score -= 1.0
    if words < 12:
        score -= 0.25
    if ADDRESS.search(text):
        score -= 0.5
    return score


def guess_post_start(blocks: list[Block]) -> int | None:
    """Index of the first post block, or None when no split leaves a post of a few blocks."""
    if len(blocks) < 4:
        return None
    scores = [block_score(b) for b in blocks]
    # objective(k) = sum(scores[k:]) - sum(scores[:k]), computed incrementally; on a tie the
    # later split wins: blocks with no evidence either way stay with the comments
    total = sum(scores)
    best, best_k, before = float("-inf"), None, 0.0
    for k in range(len(blocks)):
        value = (total - before) - before
        if 0 < k and len(blocks) - k >= 3 and value >= best:
            best, best_k = value, k
        before += scores[k]
    return best_k if best is not None and best > 0 else None


def guess_thread_start(blocks: list[Block]) -> int | None:
    """Index of the first comment block in a Markdown post+thread export, or None (no thread).

    The best split after the last heading and after any sign-off ("let me know in the comments")
    is taken only if at least three blocks after it look like comments and they outnumber the
    post-like ones there."""
    first = 1 + max([i for i, b in enumerate(blocks) if b.kind == "heading"] +
                    [i for i, b in enumerate(blocks) if SIGN_OFF.search(b.text)] + [0])
    while first < len(blocks) and EDIT.match(blocks[first].text):
        first += 1  # "EDIT: ..." notes after the sign-off are the author's
    scores = [block_score(b, dump=False) for b in blocks]
    total, before = sum(scores), sum(scores[:first])
    best, best_k = float("-inf"), None
    for k in range(first, len(blocks) - 2):
        value = before - (total - before)
        if value > best:
            best, best_k = value, k
        before += scores[k]
    if best_k is None:
        return None
    tail = scores[best_k:]
    comment_like = sum(1 for s in tail if s < 0)
    return best_k if comment_like >= 3 and comment_like > sum(1 for s in tail if s > 0) else None
