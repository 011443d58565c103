"""build_deck: items → slt.apkg, state.json and removed.txt."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from vault_builder.models import Item, Problem

from ..export import no_cyclic_gc
from . import cache as cards_cache
from .apkg import _write_apkg
from .cards import _cards_for, _dedupe, _dedupe_specs, _NoteSpec
from .keys import assign_keys
from .markup import _Renderer
from .notetypes import _models
from .state import (_ABSENT, STATE_VERSION, _load_state, _stamp_models, _stamp_notes, _write_removed,
                    write_state)


@dataclass
class DeckReport:
    """What ``build_deck`` wrote."""

    cards: int
    """Cards in the package (each note has exactly one card, so this equals ``notes``)."""
    notes: int
    """Notes in the package."""
    new: int
    """Notes not in the previous build's package (by key)."""
    updated: int
    """Notes of the previous build whose content changed (they got a newer mod time)."""
    removed: list[str]
    """Note keys the previous build had and this one has not (sorted). ``removed.txt`` lists
    these and every earlier removed note that has not come back."""
    decks: dict[str, int]
    """Deck name → number of cards, for the decks that have cards."""
    problems: list[Problem] = field(default_factory=list)
    """Warnings about items that could not be turned into good cards, or a corrupt state file."""


@no_cyclic_gc()
def build_deck(
    items: list[Item],
    out_dir: Path,
    *,
    vault_name: str = "vault",
    now: float | None = None,
    cache_path: Path | None = None,
) -> DeckReport:
    """Write ``out_dir/slt.apkg`` and ``out_dir/state.json`` (and ``out_dir/removed.txt`` while
    some earlier note is no longer produced; a stale ``removed.txt`` is deleted once every such
    note has come back).  ``now`` (seconds since the epoch) is for tests.  ``cache_path``: the
    cards cache (``deck.cache``) to reuse and update, and beside it ``state.index`` (state.json's
    runs, see ``state.write_state``); None = render every item and write state.json whole.
    Never prints.
    """
    out_dir = Path(out_dir)
    now = time.time() if now is None else now
    problems: list[Problem] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    state_path = out_dir / "state.json"
    state = _load_state(state_path, problems)

    items = _dedupe(items, problems)
    keys = assign_keys(items, state["items"])
    specs = _dedupe_specs(_all_cards(items, keys, vault_name, cache_path, problems), problems)

    new_state_notes, new, updated, removed_now = _stamp_notes(specs, state["notes"], now)
    models = _models()
    new_state_models = _stamp_models(models, state["models"], int(now))

    state_items = _state_items(items, keys, state["items"])

    decks = _write_apkg(out_dir / "slt.apkg", specs, models, new_state_models, problems)

    new_state = {
        "format": "vault-builder anki state",
        "version": STATE_VERSION,
        "items": state_items,
        "notes": new_state_notes,
        "models": new_state_models,
    }
    write_state(state_path, new_state, state,
                cache_path.with_name("state.index") if cache_path is not None else None)
    _write_removed(out_dir / "removed.txt", new_state)
    return DeckReport(
        cards=len(specs), notes=len(specs), new=new, updated=updated, removed=removed_now,
        decks=decks, problems=problems,
    )


def _state_items(items: list[Item], keys: dict[str, str], old_items: dict) -> dict:
    """state["items"] of this build: every earlier item's record, updated with this build's
    items; an unchanged record is the old one, not a copy (no dict per item)."""
    state_items = dict(old_items)
    for it in items:
        key = keys[it.id]
        rec = old_items.get(key)
        if not (type(rec) is dict and len(rec) == 4 and rec.get("id", _ABSENT) == it.id
                and rec.get("type", _ABSENT) == it.type and rec.get("post", _ABSENT) == it.post
                and rec.get("text", _ABSENT) == it.text):
            state_items[key] = {"id": it.id, "type": it.type, "post": it.post, "text": it.text}
    return state_items


def _all_cards(items: list[Item], keys: dict[str, str], vault_name: str, cache_path: Path | None,
               problems: list[Problem]) -> list[_NoteSpec]:
    """Every item's notes, from the cards cache where the item and what its cards read are
    unchanged (rendering the Markdown and math is most of the cost), else made and cached."""
    by_id = {it.id: it for it in items}
    renderer = _Renderer()
    old = cards_cache.load(cache_path) if cache_path is not None else {}
    made: dict = {}  # digest -> (specs, problems): the cache to save
    fresh: set[bytes] = set()  # digests of the items made now (not from the cache)
    kept = getattr(old, "chunks", None)
    specs: list[_NoteSpec] = []
    digests = (cards_cache.item_digests(items, keys, by_id, vault_name) if cache_path
               else [None] * len(items))
    restore, pop = cards_cache.restore, old.pop
    for it, digest in zip(items, digests):
        key = keys[it.id]
        # Popped: the entry's strings move to the specs, its shell is freed now (memory).
        cached = pop(digest, None) if digest is not None else None
        hit = restore(cached) if cached is not None else None
        if hit is not None:
            item_specs, item_problems = hit
        else:
            item_problems = []
            item_specs = _cards_for(it, key, by_id, vault_name, renderer, item_problems)
            fresh.add(digest)
        problems += item_problems
        specs += item_specs
        if digest is not None:
            made[digest] = (item_specs, item_problems or ())  # most have none: one shared empty tuple
    del old, renderer
    if cache_path is not None:
        cards_cache.save(cache_path, made, kept, fresh)
    return specs


def items_from_jsonl(path: Path) -> list[Item]:
    """Read ``items.jsonl`` (DESIGN.md §3) back into Items, e.g. for a ``vault anki`` command that
    rebuilds the deck without running the whole pipeline."""
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        source = d.get("source") or {}
        items.append(Item(
            id=d["id"], type=d["type"], text=d["text"], post=d["post"],
            in_comments=bool(d.get("in_comments")), author=d.get("author"),
            source_file=source.get("file", ""), block=str(source.get("block", "")).lstrip("^"),
            term=d.get("term"), concepts=list(d.get("concepts") or []),
            taxonomy=d.get("taxonomy"), key=bool(d.get("key")), against=d.get("against"),
            note=d.get("note") or "", rules=list(d.get("rules") or []),
        ))
    return items
