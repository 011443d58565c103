"""state.json (keys, note ids, content hashes and mod times of the previous build) and removed.txt."""
from __future__ import annotations

import itertools
import json
import operator
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import genanki

from vault_builder.models import Problem

from ..export import (_SCALARS, Spliced, _flat, _flat_bodies, _indented, encode_basestring,
                      write_atomic, write_indented)
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
    last_nid = max(map(_NID, old_notes.values()), default=None)  # at C speed
    next_nid = int(now * 1000) if last_nid is None else max(int(now * 1000), last_nid + NID_STRIDE)
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
            removed = rec.get("removed")
            if removed is not None:
                new += 1
            if rec["hash"] == digest:
                mod = rec["mod"]
                if removed is None and _same_note(rec, spec):
                    # Unchanged: the old record is the new one (no copy per note; state.json's
                    # runs then compare equal by identity).
                    spec.nid, spec.mod = nid, mod
                    new_state_notes[spec.key] = rec
                    continue
            else:
                mod = max(stamp, rec["mod"] + 1)
                if removed is None:
                    updated += 1
        spec.nid, spec.mod = nid, mod
        new_state_notes[spec.key] = {
            "item": spec.item_key, "guid": spec.guid, "nid": nid, "mod": mod,
            "hash": digest, "deck": spec.deck,
        }
    gone = [k for k in old_notes if k not in new_state_notes]  # a few: one pass over all
    removed_now = sorted(k for k in gone if old_notes[k].get("removed") is None)
    for k in gone:
        rec = old_notes[k]
        new_state_notes[k] = dict(rec, removed=rec.get("removed") or stamp)
    return new_state_notes, new, updated, removed_now


_NID = operator.itemgetter("nid")


def _same_note(rec: dict, spec: _NoteSpec) -> bool:
    """Whether the record `_stamp_notes` would make for `spec` equals `rec`, an old record with
    the same hash (so the same nid, mod and hash): the same other fields, and no others."""
    return (len(rec) == 6 and rec.get("item", _ABSENT) == spec.item_key
            and rec.get("guid", _ABSENT) == spec.guid and rec.get("deck", _ABSENT) == spec.deck)


_ABSENT = object()
"""A value no field equals (a record lacking a field is not the same record)."""


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


def _check_records(records, fields) -> None:
    """Raise unless each record has each (field, kind) of `fields` and ``kind(value)`` takes it,
    record after record.  When every value of a field is of that very type, a pass at C speed
    says so (20k records in a 400-post deck: a call per value was 10 ms); otherwise the values
    are converted one by one, raising what that raises."""
    try:
        if all({kind}.issuperset(map(type, map(operator.itemgetter(name), records)))
               for name, kind in fields):
            return
    except (KeyError, TypeError, IndexError):
        pass
    for rec in records:
        for name, kind in fields:
            kind(rec[name])


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
        _check_records(state["notes"].values(), (("nid", int), ("mod", int), ("hash", str)))
        _check_records(state["items"].values(), (("id", str),))
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


RUN = 32
"""Entries of state.json's "items" and "notes" in one piece of its index (see ``write_state``):
a rebuild after a one-file change alters ~100 of the ~35k entries at 400 posts, scattered (the
keys are hashes), so small runs leave most of them to copy."""

_SPLICED = ("items", "notes")


def write_state(path: Path, state: dict, old: dict, index: Path | None) -> None:
    """Write `state` as ``export.write_indented`` does.  With `index`: the entries of "items"
    and "notes" go in runs of about ``RUN`` (``export.Spliced`` pieces), and a run whose entries
    are equal to those of a run of the last file (`old`: the state read from it; the index is
    sound only while the file is as written) is copied from it instead of encoded again."""
    if index is not None:
        try:
            _write_spliced(path, state, old, index)
            return
        except _NotFlat:  # an entry holding a container: never written by this code
            pass
    write_indented(path, state)


class _NotFlat(Exception):
    pass


def _write_spliced(path: Path, state: dict, old: dict, index: Path) -> None:
    with Spliced(path, index) as out:
        kept = out.memo if isinstance(out.memo, dict) else {}
        runs: dict = {}
        separator = "{\n "
        for name in sorted(state):
            out.write(separator + encode_basestring(name) + ": ")
            separator = ",\n "
            value = state[name]
            if name in _SPLICED and _dict_of_dicts(value):
                starts, last = kept.get(name), old.get(name)
                runs[name] = _write_runs(out, name, value, last if type(last) is dict else {},
                                         starts if type(starts) is dict else {})
            else:
                text: list[str] = []
                _indented(value, 1, text.append)
                out.write("".join(text))
        out.write("\n}\n" if state else "{}\n")
        out.memo = runs


def _dict_of_dicts(value) -> bool:
    """Whether `value` is a non-empty dict of non-empty dicts with str keys (whether each entry
    is flat is checked as it is written: entries copied equal entries that were)."""
    return (type(value) is dict and bool(value) and _STR.issuperset(map(type, value))
            and _DICT.issuperset(map(type, value.values())) and all(value.values()))


def _flat_entries(entries: list[dict]) -> bool:
    """Whether ``export._of_flat_dicts`` writes these entries (the text spliced here): every value
    of every entry a scalar (checked at C speed) or an empty container."""
    return (_SCALARS.issuperset(map(type, itertools.chain.from_iterable(map(dict.values, entries))))
            or all(_flat(entry.values()) for entry in entries))


_STR, _DICT = frozenset({str}), frozenset({dict})


def _write_runs(out: Spliced, name: str, entries: dict, old: dict, starts: dict) -> dict:
    """``entries`` (a dict of flat dicts at level 1) in runs; the run of the last build that
    began at an entry (`starts`: first key -> entries in it) is copied when the same keys hold
    equal values in `old`.  A piece is named by its first and last keys, its size and whether it
    ends the dict: with the values checked here, that fixes its text.  Returns the runs' starts."""
    keys = sorted(entries)
    count = len(keys)
    runs: dict[str, int] = {}
    out.write("{")
    i = 0
    while i < count:
        first = keys[i]
        size = starts.get(first)
        if type(size) is int and 0 < size <= count - i:
            run = keys[i:i + size]
            digest = out.digest(name, first, run[-1], size, i + size == count)
            if digest in out and list(map(old.get, run)) == list(map(entries.__getitem__, run)):
                out.copy(digest)
                runs[first] = size
                i += size
                continue
        # A new run: up to the next start of an old run (so the runs after it still match).
        end = i + 1
        while end < count and end - i < RUN and keys[end] not in starts:
            end += 1
        run = keys[i:end]
        values = [entries[key] for key in run]
        if not _flat_entries(values):
            raise _NotFlat
        bodies = _flat_bodies(values, 1)
        texts = ["\n  " + encode_basestring(key) + ": " + body for key, body in zip(run, bodies)]
        last = end == count
        out.write(",".join(texts) + ("" if last else ","),
                  out.digest(name, first, run[-1], len(run), last))
        runs[first] = len(run)
        i = end
    out.write("\n }")
    return runs
