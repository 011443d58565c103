"""Where does the post body start in a forum page dump that has no twin and no hint?

Page dumps put the comments first and the post last. Nothing marks the seam, so it is chosen as
the split that best separates post-like blocks (long paragraphs, footnote marks, headings glued
to the text, paragraphs cut mid-sentence by lost formatting) after it from comment-like blocks
(questions, conversational openers, short replies) before it. Repeated paragraphs cannot help:
replies quote comments and comments quote the post, and a dump flattens both the same way.
"""
from __future__ import annotations

import re

from ..models import Block

FOOTNOTE_MARK = re.compile(r"\^\{\[?\d+\]?\}|\^\{\^\}|^\[\d+\]:")
GLUED = re.compile(r"[a-z]{2}[.?!:][A-Z][a-z]|[a-z]{3}[A-Z][a-z]{2}")
OPENER = re.compile(
    r"^(yes|yeah|yep|no|nope|thanks|thank you|i agree|agreed|haha|hmm|wait|good question|not at all|sure|"
    r"oh|ah|interesting|great|nice|i'm (?:not sure|confused)|i am (?:not sure|confused))\b", re.I)


def block_score(b: Block) -> float:
    """Post-likeness of one block: positive for post-like, negative for comment-like."""
    text = b.text.strip()
    words = len(text.split())
    score = 0.0
    if FOOTNOTE_MARK.search(text):
        score += 1.0
    if GLUED.search(text):
        score += 0.5
    if words >= 80:
        score += 0.5
    if text and text[-1].isalpha():  # cut mid-sentence: the page's own formatting was lost here
        score += 0.5
    if text.endswith("?"):
        score -= 1.0
    if OPENER.match(text):
        score -= 1.0
    if words < 12:
        score -= 0.25
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
