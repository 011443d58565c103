"""The cards cache: the notes each item yielded last build, so a rebuild renders only changed items.

An entry is keyed by a hash of everything ``_cards_for`` reads: the item (every field), its
stable key, the item a counterexample targets, and the vault name; the file as a whole is tied to
``buildcache.code_version()``.  An entry holds the item's notes (fields, tags, content hash,
GUID, invalid HTML tags) and the problems ``_cards_for`` reported, which a hit reports again.
Note ids and mod times are not cached: they still come from state.json (``_stamp_notes``).

The file is marshal, not JSON: it holds every card's HTML (25 MB of JSON at 400 posts), which
JSON writes and reads in 0.29 s, more than half of what the cache saves; marshal takes 0.08 s.
It is written in chunks of ``CHUNK`` items on average, each with its SHA-1, so no copy of the whole
cache is ever in memory and a damaged chunk is noticed.  Where a chunk ends depends on its items'
digests only (``_chunks``), so after a one-file change most chunks hold the same entries as in the
last file and are copied from it (``save``) rather than encoded again (17 MB at 400 posts).  A
file, chunk or entry that does not read means those items are rendered again, never a traceback.
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
CHUNK = 128
_item_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Item)))
"""Every field of an Item, as a tuple (whatever _cards_for reads now or later)."""

Entry = tuple  # (note rows, problem rows); see ``entry``


def item_digests(items: list[Item], keys: dict[str, str], by_id: dict[str, Item],
                 vault_name: str) -> list[bytes | None]:
    """Per item, a hash of what ``_cards_for`` reads for it (None when it cannot be hashed: no
    caching): its key (from `keys`), the vault name, its fields and those of the item it targets.
    Of their marshal, format 2 (no references or interning flags: the bytes depend on the values,
    their types and dict order only), which takes half the time of their JSON.  One loop for all
    items (a call per item was a tenth of the time)."""
    sha1, dumps, values = hashlib.sha1, marshal.dumps, _item_values
    digests: list[bytes | None] = []
    for item in items:
        target = by_id.get(item.against) if item.against else None
        try:
            digests.append(sha1(dumps((keys[item.id], vault_name, values(item),
                                       values(target) if target is not None else None), 2)).digest())
        except ValueError:
            digests.append(None)
    return digests


def entry(specs: list[_NoteSpec], problems: list[Problem]) -> Entry:
    """What the cache keeps of one item's ``_cards_for`` result."""
    return ([(s.key, s.item_key, s.deck, s.model, s.field_list, s.tags, s.content_hash(), s.guid,
              s.invalid_tags()) for s in specs],
            [(p.level, p.code, p.message, p.where) for p in problems])


def restore(cached: Entry) -> tuple[list[_NoteSpec], list[Problem]] | None:
    """The specs and problems of a cache entry; None when the entry is not well formed."""
    try:
        notes, problems = cached
        restored = _NoteSpec.restored
        specs = [restored(*note) for note in notes]
        return specs, [Problem(*p) for p in problems] if problems else ()
    except (TypeError, ValueError):
        return None


class Loaded(dict):
    """digest -> entry, as ``load`` read them; ``chunks``: each sound chunk's name (see
    ``_chunk_name``) -> where its bytes lie in the file, for ``save`` to copy."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: dict[bytes, tuple[int, int]] = {}


def load(path: Path) -> dict[bytes, Entry]:
    """digest -> entry from the last build; {} when the file is missing, damaged or from other code."""
    cache = Loaded()
    try:
        with open(path, "rb") as fh:
            if marshal.load(fh) != (FORMAT, code_version()):
                return Loaded()
            while True:
                start = fh.tell()
                try:
                    check, blob = marshal.load(fh)
                except EOFError:
                    return cache
                if hashlib.sha1(blob).digest() == check:
                    entries = marshal.loads(blob)
                    cache.update(entries)
                    cache.chunks[_chunk_name(entries)] = (start, fh.tell() - start)
    except (OSError, EOFError, ValueError, TypeError):
        return cache


def _chunk_name(digests) -> bytes:
    """A chunk's name: the SHA-1 of its entries' digests (which fix the entries), in order."""
    return hashlib.sha1(b"".join(digests)).digest()


def _chunks(digests: list[bytes]):
    """``digests`` cut into chunks of ``CHUNK`` on average: a chunk ends after a digest whose
    last byte is a multiple of ``CHUNK`` (or at ``4 * CHUNK`` digests), so an item made, changed
    or dropped changes the chunks around it only, and the others are copied (``save``)."""
    start = 0
    for end, digest in enumerate(digests, 1):
        if digest[-1] % CHUNK == 0 or end - start >= 4 * CHUNK:
            yield digests[start:end]
            start = end
    if start < len(digests):
        yield digests[start:]


def save(path: Path, made: dict[bytes, tuple[list[_NoteSpec], list[Problem]]],
         kept: dict[bytes, tuple[int, int]] | None = None, fresh: set[bytes] = frozenset()) -> None:
    """Write the cache of this build's items (digest -> their specs and problems) atomically,
    a chunk's entries at a time; a cache that cannot be written is no error (it is only a cache).
    A chunk of entries that all came from the last file (none in `fresh`) and that it holds as
    one chunk (`kept`: ``Loaded.chunks``) is copied from it, not encoded again."""
    tmp = path.with_name(path.name + ".tmp")
    kept = kept or {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh, _OldFile(path if kept else None) as old:
            marshal.dump((FORMAT, code_version()), fh)
            for digests in _chunks(list(made)):
                span = kept.get(_chunk_name(digests))
                if span is not None and fresh.isdisjoint(digests) and old.copy(span, fh):
                    continue
                blob = marshal.dumps({digest: entry(*made[digest]) for digest in digests})
                marshal.dump((hashlib.sha1(blob).digest(), blob), fh)
        os.replace(tmp, path)
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)


class _OldFile:
    """The last cache file, to copy chunks from (none: nothing is copied)."""

    def __init__(self, path: Path | None):
        self.path, self.fh = path, None

    def __enter__(self) -> "_OldFile":
        if self.path is not None:
            try:
                self.fh = open(self.path, "rb")
            except OSError:
                pass
        return self

    def __exit__(self, *exc) -> None:
        if self.fh is not None:
            self.fh.close()

    def copy(self, span: tuple[int, int], out) -> bool:
        """Copy the bytes at `span` (offset, length) to `out`; False when they cannot be read."""
        if self.fh is None:
            return False
        data = os.pread(self.fh.fileno(), span[1], span[0])
        if len(data) != span[1]:
            return False
        out.write(data)
        return True
