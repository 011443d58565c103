"""state.json (keys, note ids, content hashes and mod times of the previous build) and removed.txt."""
from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from vault_builder.models import Problem

from .markup import _e

STATE_VERSION = 1
NID_STRIDE = 8
"""New notes get ids ``base + NID_STRIDE * i``; card id = note id + card ordinal."""


def anki_search(keys: list[str]) -> str:
    """An Anki browser search finding the notes with these keys (by the hidden ``Key`` field)."""
    return " OR ".join(f'"Key:{_escape_search(_e(k))}"' for k in keys)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


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
    _write_atomic(path, "\n".join(lines) + "\n")


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
