"""Candidates: items in the making, with the sentences they came from and their scores."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Item, Post
from .context import Sent
from .glossary import ConceptIndex

_STOP = set("the a an and or of to in on for with by is are was were be been it this that these those as at from "
            "we i you they he she which what not no but if then than so such can will would could should may might "
            "have has had do does did there their its our your my his her them us me".split())


@dataclass(slots=True)  # tens of thousands per build, kept to the end: no instance dicts
class Cand:
    item: Item
    sents: list[Sent]
    score: float = 0.0
    unit: str = ""
    """'post' or the comment id."""
    order: int = 0
    para: int = 0
    """Global index of the candidate's paragraph (post body, then comments, in order)."""
    kept: bool = True
    """False for a reserve sentence (not selected as a claim)."""
    sent_scores: list | tuple = ()
    """Per sentence of a joined passage (select.merge_continuations sets a list)."""
    others: list | tuple = ()
    """For counterexamples: the example items of its post (an answer may target one)."""
    restates: "Cand | None" = None
    """For a dropped restatement: the claim it restates (counterexamples aimed at it go there)."""
    target: "Cand | None" = None
    """For a counterexample: the candidate it targets (its id becomes the item's `against`)."""


@dataclass
class State:
    disabled: frozenset
    index: ConceptIndex
    cands: list[Cand] = field(default_factory=list)
    quoted_blocks: set = field(default_factory=set)
    order: int = 0
    reserve: list = field(default_factory=list)
    """Sentences that were not kept as claims but may be promoted when a counterexample targets them."""
    eligible: dict = field(default_factory=dict)
    """(post title, in thread) -> number of sentences considered for claims."""
    paras: dict = field(default_factory=dict)
    """(post title, unit, block id) -> global paragraph index."""
    para_base: int = 0
    """Paragraphs numbered outside `paras` before the next new one (of posts run in other states)."""
    sents: list = field(default_factory=list)
    """Every sentence of its posts (linked to each other: see extract._items_of)."""


_CONTENT_WORD = re.compile(r"[a-z][a-z0-9'-]{2,}")


def content_words(text: str) -> set[str]:
    return {w for w in _CONTENT_WORD.findall(text.lower()) if w not in _STOP}


def passage_text(sents: list[Sent]) -> str:
    b = sents[0].block
    return b.text[sents[0].start:sents[-1].end]


def make_item(kind: str, post: Post, sents: list[Sent], rules: list[str]) -> Item:
    s = sents[0]
    author = (s.comment.author if s.comment else None) if s.in_comments else post.author
    return Item(id="", type=kind, text=passage_text(sents), post=post.title, in_comments=s.in_comments,
                author=author, source_file=s.block.file, block=s.block.id, rules=list(rules),
                comment=s.comment.id if s.comment else None, note="")




def stems(text: str) -> set[str]:
    """Five-letter stems of the content words (cheap morphology for similarity)."""
    return {w[:5] for w in content_words(text)}
