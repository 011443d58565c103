"""Sentences with the context the rules look at (position, section, thread structure, concepts)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Block, Comment, Post
from . import sentences as sentsplit
from .glossary import ConceptIndex, _fold
from .prefilter import same_words

SKIP_KINDS = {"code", "image", "math", "heading"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+\$")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_`]")


def _cached(fn):
    """A property computed on first access and kept in the slot "_" + its name (Sent has no instance
    dict: tens of thousands of sentences are kept until extract returns)."""
    slot = "_" + fn.__name__
    get_slot = getattr(Sent, slot).__get__  # the slot's own descriptor: faster than getattr(obj, slot)
    set_slot = getattr(Sent, slot).__set__

    def get(obj):
        value = get_slot(obj)
        if value is None:
            value = fn(obj)
            set_slot(obj, value)
        return value
    get.__doc__ = fn.__doc__
    return property(get)


@dataclass(slots=True)
class Sent:
    """One sentence of a block, with everything a rule may ask about it."""

    text: str
    post: Post
    block: Block
    start: int
    end: int
    sidx: int
    """Index of the sentence in its block."""
    nsent: int
    bidx: int
    """Index of the block among the content blocks of its post body or comment."""
    section: str = ""
    section_para: int = 0
    """Index of the block within its section (0 = the section's opening paragraph)."""
    in_comments: bool = False
    comment: Comment | None = None
    quoted: str | None = None
    """In a reply: id of the block the nearest preceding quote block repeats."""
    quoted_text: str = ""
    """The text of that quote block (the part of the original the reply answers)."""
    after_quote: int = -1
    """Blocks since that quote block (0 = the block right after it); -1 if none."""
    concepts: list[str] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)
    """The concept mentions as worded in the sentence (lower case)."""
    prev: "Sent | None" = None
    next: "Sent | None" = None
    last_block: bool = False
    """Block is the last content block of the post body / comment."""
    nblocks: int = 1
    _low: str | None = field(default=None, init=False, repr=False, compare=False)
    _words: list[str] | None = field(default=None, init=False, repr=False, compare=False)
    _plain: str | None = field(default=None, init=False, repr=False, compare=False)
    _stripped: str | None = field(default=None, init=False, repr=False, compare=False)
    _opening: str | None = field(default=None, init=False, repr=False, compare=False)
    _opening_paren: str | None = field(default=None, init=False, repr=False, compare=False)


def _low(self) -> str:
    return same_words(self.text, self.text.lower())


def _words(self) -> list[str]:
    return WORD.findall(self.text)


def _plain(self) -> str:
    """Text without math, emphasis and link targets (for the word-level rules)."""
    t = _MATH.sub(" MATH ", self.text)
    t = _LINK_TARGET.sub("]", t)
    t = t.replace("’", "'").replace("‘", "'")
    return _EMPHASIS.sub("", t)


# Forms of `plain` the opening-word rules look at; they have plain's words, so the regex
# prefilter reuses plain's (prefilter.same_words).

def _stripped(self) -> str:
    return same_words(self.plain, self.plain.strip())


def _opening(self) -> str:
    """Without leading emphasis or quotes."""
    return same_words(self.plain, self.stripped.lstrip("*_\"“"))


def _opening_paren(self) -> str:
    """Without a leading parenthesis, emphasis or quotes."""
    return same_words(self.plain, self.stripped.lstrip("(*_\"“"))


for _fn in (_low, _words, _plain, _stripped, _opening, _opening_paren):
    _fn.__name__ = _fn.__name__[1:]
    setattr(Sent, _fn.__name__, _cached(_fn))



def _clean_heading(text: str) -> str:
    return text.strip().strip("#").strip()


_CONTINUATION = re.compile(r"^[\s,;.]*(and|or|but|where|which|whose|with|so|then|for|to|such|is|are|was|a|an|as|in|on|at|by|from|that|"
                           r"i\.e\.|e\.g\.|giving|yielding|we get|one gets|this|these)\b")


def _join_continuations(blocks: list[Block]) -> list[Block]:
    """A sentence that runs on through display math ('… is given by' $$…$$ 'and whose loss …') is one
    unit: the paragraph, the math block(s) and a continuation paragraph that goes on with the clause
    ('and …', 'where …', ', a term that …') are joined into one block (keeping the first block's id)."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind in ("paragraph", "list_item") and not b.quotes and not re.search(r"[.!?][\"'”’)*_]*$", b.text.strip()):
            j = i + 1
            maths = []
            while j < len(blocks) and blocks[j].kind == "math":
                maths.append(blocks[j])
                j += 1
            if maths and j < len(blocks) and blocks[j].kind == "paragraph" and not blocks[j].quotes \
                    and _CONTINUATION.match(blocks[j].text):
                parts = [b.text.rstrip()]
                for m in maths:
                    t = m.text.strip()
                    parts.append(t if t.startswith("$") else f"$${t}$$")
                parts.append(blocks[j].text.lstrip())
                out.append(Block(id=b.id, kind=b.kind, text=" ".join(parts), level=b.level, file=b.file, line=b.line))
                i = j + 1
                continue
        out.append(b)
        i += 1
    return out


def _concepts_in(text: str, index: ConceptIndex) -> tuple[list[str], list[str]]:
    """The concepts a sentence mentions (first mention order) and the mentions as worded (lower case)."""
    mentions = index.spans(text)
    folded = _fold(text).lower() if mentions else ""
    names = []
    for _, _, n in mentions:
        if n not in names:
            names.append(n)
    return names, [folded[x:y] for x, y, _ in mentions]


def block_sents(blocks: list[Block], post: Post, index: ConceptIndex, *, in_comments: bool,
                comment: Comment | None = None, origin: dict[str, Block] | None = None,
                known: list | None = None) -> list[Sent]:
    """Sentences of one post body or one comment, with position and quote context.  `known`: the
    sentences as an earlier call found them ([bidx, start, end, concepts, surfaces] each, see
    extract/cache.py), instead of splitting the blocks and matching the glossary again."""
    by_block: dict[int, list] = {}
    for row in known or ():
        by_block.setdefault(row[0], []).append(row)
    out: list[Sent] = []
    section, section_para = "", 0
    quoted, since_quote, quoted_text = None, -1, ""
    blocks = _join_continuations(blocks)
    content = [b for b in blocks if b.kind not in SKIP_KINDS and b.kind != "quote" and not b.quotes]
    nblocks = len(content)
    bidx = -1
    for b in blocks:
        if b.kind == "heading":
            section, section_para = _clean_heading(b.text), 0
            continue
        if b.quotes or b.kind == "quote":
            # A repeated paragraph (credited to its original) or a quotation of someone else: not
            # extracted here, but what follows answers it.
            quoted, since_quote, quoted_text = b.quotes, 0, b.text
            continue
        if b.kind in SKIP_KINDS:
            continue
        bidx += 1
        rows = by_block.get(bidx, []) if known is not None else None
        spans = [(row[1], row[2]) for row in rows] if rows is not None else sentsplit.split(b.text)
        for k, (a, e) in enumerate(spans):
            text = b.text[a:e]
            if rows is not None:
                names, surfaces = list(rows[k][3]), list(rows[k][4])
            else:
                names, surfaces = _concepts_in(text, index)
            s = Sent(text=text, post=post, block=b, start=a, end=e, sidx=k, nsent=len(spans), bidx=bidx,
                     section=section, section_para=section_para, in_comments=in_comments, comment=comment,
                     quoted=quoted, quoted_text=quoted_text, after_quote=since_quote if quoted else -1,
                     concepts=names, surfaces=surfaces, last_block=(bidx == nblocks - 1), nblocks=nblocks)
            out.append(s)
        section_para += 1
        if quoted:
            since_quote += 1
    for a, b in zip(out, out[1:]):
        a.next, b.prev = b, a
    return out
