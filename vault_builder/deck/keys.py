"""Stable keys: an item keeps its key (and so its notes' GUIDs) across rebuilds, even when its
sentence is lightly edited and its hash-based id moves."""
from __future__ import annotations

import difflib
import re

from vault_builder.models import Item

SIMILARITY = 0.8
"""An item with an unknown id inherits the key of a vanished item of the same type and post when
``similarity`` of their texts is at least this: ``difflib.SequenceMatcher`` ratio of their
token sequences (words and punctuation, lower-cased), or a single-word edit."""


def normalise_text(text: str) -> str:
    """Lower-case, whitespace collapsed: what ``similarity`` compares."""
    return " ".join(text.lower().split())


def similarity(a: str, b: str) -> float:
    """How alike two item texts are, in [0, 1]: the ``difflib.SequenceMatcher`` ratio of their
    token sequences (words and runs of punctuation of the normalised texts), raised to
    ``SIMILARITY`` when they differ by a single word (replaced, inserted or deleted) and share at
    least three words, so a one-word edit of even a short sentence counts as the same item.
    Texts that cannot reach ``SIMILARITY`` may report 0.0 (cheap bounds are tried first)."""
    return _similarity(_prepare(a), _prepare(b))


_TOKEN = re.compile(r"\w+|[^\w\s]+")


def _prepare(text: str) -> tuple[list[str], list[str]]:
    """(tokens, whitespace-separated words) of the normalised text."""
    norm = normalise_text(text)
    return _TOKEN.findall(norm), norm.split()


def _similarity(pa: tuple[list[str], list[str]], pb: tuple[list[str], list[str]]) -> float:
    (ta, wa), (tb, wb) = pa, pb
    if ta == tb:
        return 1.0
    floor = SIMILARITY if _one_word_edit(wa, wb) else 0.0
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
        return floor  # both are upper bounds of the ratio
    return max(floor, sm.ratio())


def _one_word_edit(wa: list[str], wb: list[str]) -> bool:
    """Whether ``wb`` is ``wa`` with one word replaced, inserted or deleted, and at least three
    words in common."""
    if abs(len(wa) - len(wb)) > 1:
        return False
    opcodes = difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
    common = sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal")
    ops = [op for op in opcodes if op[0] != "equal"]
    return (common >= 3 and len(ops) <= 1
            and all(i2 - i1 <= 1 and j2 - j1 <= 1 for _, i1, i2, j1, j2 in ops))


def assign_keys(items: list[Item], known: dict[str, dict]) -> dict[str, str]:
    """Item id → stable key.

    ``known`` is ``state["items"]``: key → ``{"id", "type", "post", "text"}`` as last seen.

    1. an item whose id is known keeps that key;
    2. the other items may inherit the key of a *vanished* known item (one no current item
       claimed in step 1) with the same type and post and ``similarity`` ≥ ``SIMILARITY``;
       best pairs first (ties broken by item order, then key), each key at most once;
    3. the rest get their own id as key (``id~2``, ``id~3``... if that key is already taken).
    """
    ordered = sorted(known)  # once: both passes below go in key order
    id_to_key: dict[str, str] = {}
    for key in ordered:
        id_to_key.setdefault(known[key]["id"], key)
    keys: dict[str, str] = {}
    used: set[str] = set()
    pending: list[Item] = []
    for it in items:
        key = id_to_key.get(it.id)
        if key is not None and key not in used:
            keys[it.id] = key
            used.add(key)
        else:
            pending.append(it)

    vanished: dict[tuple[str, str], list[str]] = {}
    for key in ordered:
        if key not in used:
            rec = known[key]
            vanished.setdefault((rec.get("type", ""), rec.get("post", "")), []).append(key)
    pairs = []
    prepared: dict[str, tuple] = {}
    for i, it in enumerate(pending):
        group = vanished.get((it.type, it.post), ())
        if not group:
            continue
        mine = _prepare(it.text)
        for key in group:
            if key not in prepared:
                prepared[key] = _prepare(known[key].get("text", ""))
            ratio = _similarity(mine, prepared[key])
            if ratio >= SIMILARITY:
                pairs.append((-ratio, i, key))
    pairs.sort()
    matched: set[int] = set()
    for _, i, key in pairs:
        if i in matched or key in used:
            continue
        keys[pending[i].id] = key
        used.add(key)
        matched.add(i)

    for i, it in enumerate(pending):
        if i in matched:
            continue
        key, n = it.id, 1
        while key in used or key in known:
            n += 1
            key = f"{it.id}~{n}"
        keys[it.id] = key
        used.add(key)
    return keys
