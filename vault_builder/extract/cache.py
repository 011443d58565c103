"""The per-post cache of extract's first pass: a post's sentences and what the rules say about each.

Splitting a post into sentences, finding the glossary's concepts in them and the per-sentence rules
(facts.py) depend only on the post, the glossary and the code, not on the rest of the corpus.  The
caller keeps a plain dict of JSON values between builds (`extract(..., cache=...)`); an entry is
found under a hash of the post's content, the glossary's concepts, the disabled rules and the source
of this package, so an entry that could be stale is never looked up.  The entries a build does not
use are dropped.

    entry = {"units": [{"sentences": [[bidx, start, end, concepts, surfaces], ...],
                        "facts": [[term, d_rules, veto, cues, ex_rules, ex_len, ce_rules], ...]}, ...]}

one unit per post body and comment, in extract's order.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from ..models import Concept, Post
from .context import Sent
from .facts import Facts

FORMAT = 1
"""Bumped when the entries change shape."""


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of this package's source: a change to any rule makes every entry stale."""
    h = hashlib.sha1(f"extract-cache-{FORMAT}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def signature(glossary: list[Concept], disabled: frozenset) -> str:
    """What besides the post an entry depends on: the code, the glossary, the disabled rules."""
    concepts = [[c.name, c.aliases, c.abbreviations] for c in glossary]
    text = json.dumps([code_version(), concepts, sorted(disabled)], ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def post_key(post: Post, sig: str) -> str:
    """The entry's key: the post's repr is every field of it, its blocks and its thread (dataclasses)."""
    return hashlib.sha1((sig + "\0" + repr(post)).encode("utf-8", "surrogatepass")).hexdigest()


def unit_entry(sents: list[Sent], facts: list[Facts]) -> dict:
    """A unit's cache entry, made right after block_sents (before discovered concepts are added)."""
    return {"sentences": [[s.bidx, s.start, s.end, list(s.concepts), list(s.surfaces)] for s in sents],
            "facts": [[f.term, list(f.d_rules), f.veto, dict(f.cues), list(f.ex_rules), f.ex_len, list(f.ce_rules)]
                      for f in facts]}


def facts_of(entry: dict) -> list[Facts]:
    return [Facts(term, list(d_rules), veto, dict(cues), list(ex_rules), ex_len, list(ce_rules))
            for term, d_rules, veto, cues, ex_rules, ex_len, ce_rules in entry["facts"]]
