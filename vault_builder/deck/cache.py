"""The cards cache: the notes each item yielded last build, so a rebuild renders only changed items.

An entry is keyed by a hash of everything ``_cards_for`` reads: the item (every field), its
stable key, the item a counterexample targets, and the vault name; the file as a whole is tied to
``buildcache.code_version()``.  An entry holds the item's notes (fields, tags, content hash,
GUID, invalid HTML tags) and the problems ``_cards_for`` reported, which a hit reports again.
Note ids and mod times are not cached: they still come from state.json (``_stamp_notes``).

The file is marshal, not JSON: it holds every card's HTML (25 MB of JSON at 400 posts), which
JSON writes and reads in 0.29 s, more than half of what the cache saves; marshal takes 0.08 s.
It is written in chunks of ``CHUNK`` items, each with its SHA-1, so no copy of the whole cache is
ever in memory and a damaged chunk is noticed.  A file, chunk or entry that does not read means
those items are rendered again, never a traceback.
"""
from __future__ import annotations

import dataclasses
import hashlib
import marshal
import operator
import os
from pathlib import Path

from vault_builder.buildcache import code_version
from vault_builder.models import Item, Problem

from .cards import _NoteSpec

FORMAT = "vault-builder cards cache 1"
CHUNK = 1000
_item_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Item)))
"""Every field of an Item, as a tuple (whatever _cards_for reads now or later)."""

Entry = tuple  # (note rows, problem rows); see ``entry``


def item_digest(item: Item, key: str, by_id: dict[str, Item], vault_name: str) -> bytes | None:
    """Hash of what ``_cards_for`` reads for `item` (None when it cannot be hashed: no caching).
    Of its marshal, format 2 (no references or interning flags: the bytes depend on the values,
    their types and dict order only), which takes half the time of its JSON."""
    target = by_id.get(item.against) if item.against else None
    values = (key, vault_name, _item_values(item), _item_values(target) if target is not None else None)
    try:
        return hashlib.sha1(marshal.dumps(values, 2)).digest()
    except ValueError:
        return None


def entry(specs: list[_NoteSpec], problems: list[Problem]) -> Entry:
    """What the cache keeps of one item's ``_cards_for`` result."""
    return ([(s.key, s.item_key, s.deck, s.model, s.field_list, s.tags, s.content_hash(), s.guid,
              s.invalid_tags()) for s in specs],
            [(p.level, p.code, p.message, p.where) for p in problems])


def restore(cached: Entry) -> tuple[list[_NoteSpec], list[Problem]] | None:
    """The specs and problems of a cache entry; None when the entry is not well formed."""
    try:
        notes, problems = cached
        specs = [_NoteSpec.restored(*note) for note in notes]
        return specs, [Problem(*p) for p in problems] if problems else ()
    except (TypeError, ValueError):
        return None


def load(path: Path) -> dict[bytes, Entry]:
    """digest -> entry from the last build; {} when the file is missing, damaged or from other code."""
    cache: dict[bytes, Entry] = {}
    try:
        with open(path, "rb") as fh:
            if marshal.load(fh) != (FORMAT, code_version()):
                return {}
            while True:
                try:
                    check, blob = marshal.load(fh)
                except EOFError:
                    return cache
                if hashlib.sha1(blob).digest() == check:
                    cache.update(marshal.loads(blob))
    except (OSError, EOFError, ValueError, TypeError):
        return cache


def save(path: Path, made: dict[bytes, tuple[list[_NoteSpec], list[Problem]]]) -> None:
    """Write the cache of this build's items (digest -> their specs and problems) atomically,
    a chunk's entries at a time; a cache that cannot be written is no error (it is only a cache)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump((FORMAT, code_version()), fh)
            pairs = list(made.items())
            for start in range(0, len(pairs), CHUNK):
                blob = marshal.dumps({digest: entry(*made_by_item)
                                      for digest, made_by_item in pairs[start:start + CHUNK]})
                marshal.dump((hashlib.sha1(blob).digest(), blob), fh)
        os.replace(tmp, path)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)
