"""The cards cache: the notes each item yielded last build, so a rebuild renders only changed items.

An entry is keyed by a hash of everything ``_cards_for`` reads: the item (every field), its
stable key, the item a counterexample targets, and the vault name; the file as a whole is tied to
``buildcache.code_version()``.  An entry holds the item's notes (fields, tags, content hash,
GUID, invalid HTML tags) and the problems ``_cards_for`` reported, which a hit reports again.
Note ids and mod times are not cached: they still come from state.json (``_stamp_notes``).

The file is marshal, not JSON: it holds every card's HTML (25 MB of JSON at 400 posts), which
JSON writes and reads in 0.29 s, more than half of what the cache saves; marshal takes 0.08 s.
It is written in chunks of ``CHUNK`` items, each with its SHA-1, so no copy of the whole cache is
ever in memory and a damaged chunk is noticed.  A rebuild appends a chunk of the items it
rendered (``append``) while at most half of the file's entries are stale, else writes the file
anew with this build's entries only.  A file, chunk or entry that does not read means
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
    return read(path)[0]


def read(path: Path) -> tuple[dict[bytes, Entry], int | None]:
    """(digest -> entry, the number of entries in the file) from the last builds; the number is
    None unless every chunk read and checked out to the end of the file (only then may
    ``append`` add to it).  ({}, None) when the file is missing, damaged or from other code."""
    cache: dict[bytes, Entry] = {}
    entries = 0
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if marshal.load(fh) != (FORMAT, code_version()):
                return {}, None
            while fh.tell() < size:
                check, blob = marshal.load(fh)
                if hashlib.sha1(blob).digest() != check:
                    return cache, None  # a damaged chunk: read on, but never append to it
                chunk = marshal.loads(blob)
                entries += len(chunk)
                cache.update(chunk)
            return cache, entries
    except (OSError, EOFError, ValueError, TypeError):
        return cache, None


def save(path: Path, made: dict[bytes, tuple[list[_NoteSpec], list[Problem]]]) -> None:
    """Write the cache of this build's items (digest -> their specs and problems) atomically,
    a chunk's entries at a time; a cache that cannot be written is no error (it is only a cache)."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            marshal.dump((FORMAT, code_version()), fh)
            _write_chunks(fh, made)
        os.replace(tmp, path)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)


def append(path: Path, made: dict[bytes, tuple[list[_NoteSpec], list[Problem]]]) -> None:
    """Add entries to the file ``read`` found whole (the rest of it is as the last build left
    it: a one-file rebuild writes its few changed items, not 17 MB).  A chunk cut short (a
    build that stopped while appending) fails its check or does not read: the next build reads
    the chunks before it, renders the rest and writes the file anew."""
    try:
        with open(path, "ab") as fh:
            _write_chunks(fh, made)
    except (OSError, ValueError):
        path.unlink(missing_ok=True)


def _write_chunks(fh, made: dict[bytes, tuple[list[_NoteSpec], list[Problem]]]) -> None:
    pairs = list(made.items())
    for start in range(0, len(pairs), CHUNK):
        blob = marshal.dumps({digest: entry(*made_by_item)
                              for digest, made_by_item in pairs[start:start + CHUNK]})
        marshal.dump((hashlib.sha1(blob).digest(), blob), fh)
