"""state.json (keys, note ids, content hashes and mod times of the previous build) and removed.txt."""
from __future__ import annotations

import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import genanki

from vault_builder.models import Problem

from ..export import write_atomic
from .cards import _hash, _NoteSpec
from .markup import _e

STATE_VERSION = 1
NID_STRIDE = 8
"""New notes get ids ``base + NID_STRIDE * i``; card id = note id + card ordinal."""


def anki_search(keys: list[str]) -> str:
    """An Anki browser search finding the notes with these keys (by the hidden ``Key`` field)."""
    return " OR ".join(f'"Key:{_escape_search(_e(k))}"' for k in keys)


def _stamp_notes(specs: list[_NoteSpec], old_notes: dict, now: float) -> tuple[dict, int, int, list[str]]:
    """Give each note its id and mod time (kept from ``old_notes`` while its content hash is
    unchanged) and return (state["notes"] of this build, new, updated, keys removed now).  Notes
    of earlier builds that this one lacks stay in the state, marked removed."""
    new_state_notes: dict = {}
    stamp = int(now)
    next_nid = max(
        [int(now * 1000)] + [rec["nid"] + NID_STRIDE for rec in old_notes.values()]
    )
    new = updated = 0
    for spec in specs:
        digest = spec.content_hash()
        rec = old_notes.get(spec.key)
        if rec is None:
            nid, mod = next_nid, stamp
            next_nid += NID_STRIDE
            new += 1
        else:
            nid = rec["nid"]
            if rec.get("removed") is not None:
                new += 1
            if rec["hash"] == digest:
                mod = rec["mod"]
            else:
                mod = max(stamp, rec["mod"] + 1)
                if rec.get("removed") is None:
                    updated += 1
        spec.nid, spec.mod = nid, mod
        new_state_notes[spec.key] = {
            "item": spec.item_key, "guid": spec.guid, "nid": nid, "mod": mod,
            "hash": digest, "deck": spec.deck,
        }
    removed_now = sorted(
        k for k, rec in old_notes.items()
        if k not in new_state_notes and rec.get("removed") is None
    )
    for k, rec in old_notes.items():
        if k not in new_state_notes:
            new_state_notes[k] = dict(rec, removed=rec.get("removed") or stamp)
    return new_state_notes, new, updated, removed_now


def _stamp_models(models: list[genanki.Model], old_models: dict, stamp: int) -> dict:
    """state["models"] of this build: a note type's mod time moves only when it changes."""
    new_state_models = {}
    for model in models:
        mid = str(model.model_id)
        digest = _hash([model.name, model.fields, model.templates, model.css])
        rec = old_models.get(mid)
        if rec is None:
            mod = stamp
        elif rec["hash"] == digest:
            mod = rec["mod"]
        else:
            mod = max(stamp, rec["mod"] + 1)
        new_state_models[mid] = {"name": model.name, "hash": digest, "mod": mod}
    return new_state_models


def _escape_search(value: str) -> str:
    return re.sub(r'([\\"*_:()])', r"\\\1", value)


def _write_removed(path: Path, state: dict) -> None:
    gone = sorted(
        ((k, rec) for k, rec in state["notes"].items() if rec.get("removed") is not None),
        key=lambda kr: (-kr[1]["removed"], kr[0]),
    )
    if not gone:
        if path.exists():
            path.unlink()
        return
    lines = [
        "# Notes of the SLT deck that the current build no longer produces.",
        "# Anki's import never deletes notes, so these are still in your collection with their",
        "# review history. To find them, paste the next line into the search bar of Anki's browser:",
        anki_search([k for k, _ in gone]),
        "#",
        "# key\tremoved (UTC)\tdeck\ttext",
    ]
    for k, rec in gone:
        when = datetime.fromtimestamp(rec["removed"], tz=timezone.utc).strftime("%Y-%m-%d %H:%M")
        text = state["items"].get(rec.get("item", ""), {}).get("text", "")
        text = " ".join(text.split())
        if len(text) > 100:
            text = text[:99] + "…"
        lines.append(f"{k}\t{when}\t{rec.get('deck', '')}\t{text}")
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def _empty_state() -> dict:
    return {"items": {}, "notes": {}, "models": {}}


def _load_state(path: Path, problems: list[Problem]) -> dict:
    if not path.exists():
        return _empty_state()
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unknown version {state.get('version')!r}")
        for name in ("items", "notes", "models"):
            if not isinstance(state.get(name), dict):
                raise ValueError(f"missing {name!r}")
        for rec in state["notes"].values():
            int(rec["nid"]), int(rec["mod"]), str(rec["hash"])
        for rec in state["items"].values():
            str(rec["id"])
        for rec in state["models"].values():
            int(rec["mod"]), str(rec["hash"])
        return state
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        backup = path.with_name(path.name + ".bad")
        try:
            os.replace(path, backup)
        except OSError:
            pass
        problems.append(Problem(
            "warning", "anki-bad-state",
            f"unreadable Anki state ({exc}); moved to {backup.name} and starting afresh: edited "
            "sentences will make new notes instead of updating the old ones this time",
            str(path)))
        return _empty_state()
