"""The per-post cache of extract's first pass: a post's sentences and what the rules say about each.

Splitting a post into sentences, finding the glossary's concepts in them and the per-sentence rules
(facts.py) depend only on the post, the glossary and the code, not on the rest of the corpus.  The
caller keeps a plain dict of marshal values between builds (`extract(..., cache=...)`); an entry is
found under a hash of the post's content, the glossary's concepts, the disabled rules and the source
of this package, so an entry that could be stale is never looked up.  The entries a build does not
use are dropped.

    entry = {"units": [unit, ...], "defs": [[term, d_rules], ...]}

one unit per post body and comment, in extract's order, each the marshal bytes of its rows (compact
in memory: extract keeps every post's entry from its first pass to its second; marshal reads them
three times as fast as JSON, and a one-file rebuild reads every post's)

    unit = marshal of [[[bidx, start, end, concepts, surfaces], ...], [[term, d_rules, veto, cues, ex_rules, ex_len, ce_rules], ...]]

and the (term, definition rules) of the post's sentences that define a term, in order (the first
pass needs only these to discover the corpus's concepts).

An entry may also keep the post's finished items, from its second pass to its ids (`done`): they are
the post's alone when no other post has its title and no counterexample of the corpus names another
post's title (extract checks both every build); then they depend, besides the post, only on the
corpus's concepts (the discovered ones too), the quotes of the post's paragraphs in threads and the
code, and are found under a hash of those (done_key):

    entry["done"] = [done_key, marshal of [n_orders, n_paras, [[order, base_id, target, context, *item_fields], ...]]]

with the candidate orders and paragraphs the post used (the next post's are numbered after them),
and per item its order, its id before unique_ids, the index of the item it is against (-1: none,
-2: a candidate that is no item),
for a counterexample the text in which against_other_post looks for titles, and the Item's fields
but its `id` (DONE_FIELDS).
"""
from __future__ import annotations

import hashlib
import json
import marshal
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from sys import intern

from .. import buildcache
from ..models import Concept, Item, Post
from .context import Sent
from .facts import Facts

FORMAT = 5
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


def post_entry(units: list[bytes], facts: list[Facts]) -> dict:
    """A post's entry from its units' strings and the facts of all its sentences."""
    return {"units": units, "defs": [[f.term, f.d_rules] for f in facts if f.term]}


def fits(entry, units: int) -> bool:
    """Whether a cache entry has the shape post_entry gives, for a post of this many units (the
    cache file is ours, but a damaged or hand-edited one must mean "redo the post", not a crash)."""
    if not (isinstance(entry, dict) and isinstance(entry.get("units"), list) and len(entry["units"]) == units
            and isinstance(entry.get("defs"), list) and all(isinstance(d, list) and len(d) == 2 for d in entry["defs"])):
        return False
    try:
        for unit in entry["units"]:
            rows, facts = read_unit(unit)
            if len(rows) != len(facts) or not all(isinstance(r, list) and len(r) == 5 for r in rows):
                return False
    except (TypeError, ValueError, EOFError):
        return False
    return True


def unit_entry(sents: list[Sent], facts: list[Facts]) -> bytes:
    """A unit's bytes, made right after block_sents (before discovered concepts are added)."""
    rows = [[s.bidx, s.start, s.end, s.concepts, s.surfaces] for s in sents]
    return marshal.dumps([rows, [[f.term, f.d_rules, f.veto, f.cues, f.ex_rules, f.ex_len, f.ce_rules] for f in facts]])


def read_unit(unit: bytes) -> tuple[list, list[Facts]]:
    """The sentence rows (for context.block_sents(known=...)) and the facts of a unit's bytes."""
    rows, facts = marshal.loads(unit)
    return rows, [Facts(*f) for f in facts]


DONE_FIELDS = tuple(f.name for f in fields(Item))[1:]
"""Item's fields but its id, in order (`against` is None until extract resolves it)."""


def cross_signature(concepts: list[Concept], explicit: list[Concept]) -> str:
    """What a post's finished items read from the rest of the corpus but quotes: all concepts (an item's
    concepts are looked up among them), the ones named outright (the claim cues count them), and the
    code of the whole package (Item's fields are stored by position)."""
    text = json.dumps([buildcache.code_version(), [[c.name, c.aliases, c.abbreviations, c.discovered] for c in concepts],
                       [c.name for c in explicit]], ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def done_key(post_key: str, cross: str, quoted: list[str]) -> str:
    """The key of a post's finished items: its first-pass key, cross_signature and the ids of its
    paragraphs that threads quote (a quoted paragraph's sentences weigh more as claims)."""
    return hashlib.sha1("\0".join([post_key, cross, *quoted]).encode("utf-8", "surrogatepass")).hexdigest()


def done_entry(key: str, n_orders: int, n_paras: int, recs: list[list]) -> list:
    """entry["done"] from the post's records [order, item, base_id, target, context] (extract._records)."""
    rows = [[o, b, t, x, *_shared_values(it)] for o, it, b, t, x in recs]
    return [key, marshal.dumps([n_orders, n_paras, rows])]


def read_done(value, key: str) -> tuple[int, int, list[list]] | None:
    """(n_orders, n_paras, records [order, Item with id "", base_id, target, context]) of entry["done"]
    when it was made under `key`; None when it was not or does not read (then the post is redone)."""
    if not (isinstance(value, list) and len(value) == 2 and value[0] == key and isinstance(value[1], bytes)):
        return None
    try:
        n_orders, n_paras, rows = marshal.loads(value[1])
        if not isinstance(n_orders, int) or not isinstance(n_paras, int):
            return None
        width = 4 + len(DONE_FIELDS)
        for row in rows:
            if len(row) != width or not isinstance(row[0], int) or not isinstance(row[2], int) or not -2 <= row[2] < len(rows):
                return None
        return n_orders, n_paras, [[row[0], Item("", *row[4:]), row[1], row[2], row[3]] for row in rows]
    except (TypeError, ValueError, AttributeError, EOFError):
        return None


def _shared_values(it: Item) -> list:
    """The item's DONE_FIELDS values, with the strings that repeat from item to item interned:
    marshal writes an interned string as such and reads it back interned, so the items read from
    the cache share one copy of each (a copy per item would hold tens of MB at 2000 posts through
    the link and render stages), and interning them here, once per item made, costs less than
    on every read."""
    values = [getattr(it, f) for f in DONE_FIELDS]
    for f in _SHARED_STRINGS:
        if values[f] is not None:
            values[f] = intern(values[f])
    values[_CONCEPTS] = [intern(c) for c in it.concepts]
    values[_RULES] = [intern(r) for r in it.rules]
    if it.taxonomy:
        values[_TAXONOMY] = {intern(k): intern(v) for k, v in it.taxonomy.items()}
    values[_CUES] = {intern(k): intern(v) for k, v in it.taxonomy_cues.items()}
    return values


_SHARED_STRINGS = [DONE_FIELDS.index(f) for f in ("type", "post", "source_file", "block", "author", "comment")]
_CONCEPTS, _RULES, _TAXONOMY, _CUES = (DONE_FIELDS.index(f) for f in ("concepts", "rules", "taxonomy", "taxonomy_cues"))
