"""Anki export: items → ``slt.apkg`` whose notes keep their review history across rebuilds.

How a card survives a rebuild (DESIGN.md §5):

1. **Stable keys.**  Every item gets a *key* that never changes for "the same" item.  An item id
   known from the previous build keeps its key; an item with a new id (its sentence was edited, so
   its hash-based id moved) inherits the key of a vanished item of the same type and post whose
   text is nearly the same (``similarity`` ≥ ``SIMILARITY``); otherwise its key is its id.
   The keys live in ``state.json`` next to the package (see ``assign_keys``).
2. **GUID from the key, never from the text**: ``genanki.guid_for("slt-vault", note_key)``.
   The main note of an item has ``note_key == item key``; extra notes of the same item append a
   suffix (``#cloze``, ``#taxonomy``).  The key is also stored in the
   hidden ``Key`` field, which is what ``removed.txt``'s search string looks for.
3. **Modification times that move only with the content.**  Anki's importer updates an existing
   note only when the incoming note is newer.  ``state.json`` keeps, per note, a hash of what the
   card shows (fields, tags, deck, note type) and the mod time it was stamped with: unchanged hash →
   same mod time (re-import changes nothing), changed hash → ``max(now, old + 1)``.  The same holds
   for the two note types (their CSS/templates may improve; their fields never change).
4. **Frozen note types.**  ``BASIC_MODEL_ID``/``CLOZE_MODEL_ID`` and the field lists below are
   chosen once and never changed: a changed field list makes Anki fork the note type and stop
   updating the notes.  Templates and CSS may change (that only bumps the note type's mod time).
   Unused ``Spare1``/``Spare2`` fields are there for later additions: use them, never rename them.
5. **Import never deletes.**  Notes the build no longer produces are listed in ``removed.txt``
   with their keys and an Anki search string finding them.  Their state is kept, so an item that
   comes back (same id, or a near-identical sentence) gets its old key and note again.

Decks: ``SLT::Definitions``, ``SLT::Claims``, ``SLT::Counterexamples``, ``SLT::Examples`` and
``SLT::Taxonomy`` (a drill of the claim taxonomy).  See ``_cards_for`` for what each item yields.

The package is deterministic: the same items and the same ``state.json`` give the same rows
(note/card ids and mod times come from the state; deck and note type ids are constants).
"""
from __future__ import annotations

import difflib
import hashlib
import html
import itertools
import json
import os
import re
import sqlite3
import tempfile
import time
import urllib.parse
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import genanki
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

from vault_builder.models import Item, Problem
from vault_builder.tags import TAXONOMY_AXES, anki_tag, item_tags

# --------------------------------------------------------------------------------------------
# Frozen constants.  NEVER change an id or a field list: Anki would fork the note type or the
# deck and stop updating the cards users already study.
# --------------------------------------------------------------------------------------------

GUID_NAMESPACE = "slt-vault"
"""First argument of ``genanki.guid_for``: GUID = guid_for(GUID_NAMESPACE, note key)."""

ROOT_DECK = "SLT"
ROOT_DECK_ID = 1_733_907_415
DECK_IDS: dict[str, int] = {
    "SLT::Definitions": 1_733_907_416,
    "SLT::Claims": 1_733_907_417,
    "SLT::Counterexamples": 1_733_907_418,
    "SLT::Examples": 1_733_907_419,
    "SLT::Taxonomy": 1_733_907_420,
}
"""Subdeck name → constant deck id, in the order the decks are written."""

BASIC_MODEL_ID = 1_733_907_501
BASIC_MODEL_NAME = "SLT Vault Basic"
BASIC_FIELDS = ("Front", "Back", "Extra", "Source", "Link", "Key", "Spare1", "Spare2")

CLOZE_MODEL_ID = 1_733_907_502
CLOZE_MODEL_NAME = "SLT Vault Cloze"
CLOZE_FIELDS = ("Text", "Back", "Extra", "Source", "Link", "Key", "Spare1", "Spare2")

SIMILARITY = 0.8
"""An item with an unknown id inherits the key of a vanished item of the same type and post when
``similarity`` of their texts is at least this: ``difflib.SequenceMatcher`` ratio of their
token sequences (words and punctuation, lower-cased), or a single-word edit."""

STATE_VERSION = 1
NID_STRIDE = 8
"""New notes get ids ``base + NID_STRIDE * i``; card id = note id + card ordinal."""

CSS = """\
.card {
  font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 19px; line-height: 1.5; text-align: left;
  color: #1f2328; background: #fdfdfc;
  max-width: 40em; margin: 0 auto; padding: 0.6em;
}
.nightMode.card, .night_mode .card { color: #e6e6e6; background: #1e1f22; }
.slt-kind { font-size: 0.7em; letter-spacing: 0.08em; text-transform: uppercase; color: #7a5ea8; }
.slt-q { font-weight: 600; margin: 0.3em 0 0.5em; }
.slt-quote {
  margin: 0.5em 0; padding: 0.2em 0 0.2em 0.8em;
  border-left: 3px solid #b9a7d9; font-style: normal;
}
.slt-quote p { margin: 0.3em 0; }
.slt-target-source, .slt-source { font-size: 0.75em; color: #6b6f76; }
.slt-source { margin-top: 0.9em; }
.slt-answer { font-size: 1.05em; }
.slt-axes, .slt-answer { margin: 0.3em 0; padding-left: 1.2em; }
.slt-extra { margin-top: 0.6em; font-size: 0.85em; }
.slt-tax { display: inline-block; padding: 0 0.4em; margin-right: 0.3em; border-radius: 0.3em;
           background: rgba(122, 94, 168, 0.12); }
.slt-link { margin-top: 0.8em; font-size: 0.8em; }
.slt-link a { color: #7a5ea8; }
.cloze { font-weight: 700; color: #1a5fb4; }
.nightMode .cloze, .night_mode .cloze { color: #8fb8ff; }
"""

_SOURCE = '{{#Source}}<div class="slt-source">{{Source}}</div>{{/Source}}'
_AFTER = (
    '{{#Back}}<div class="slt-back">{{Back}}</div>{{/Back}}\n'
    '{{#Extra}}<div class="slt-extra">{{Extra}}</div>{{/Extra}}\n'
    '{{#Link}}<div class="slt-link">{{Link}}</div>{{/Link}}'
)
BASIC_TEMPLATES = (
    {
        "name": "Card",
        "qfmt": '<div class="slt slt-front">{{Front}}</div>\n' + _SOURCE,
        "afmt": '{{FrontSide}}\n<hr id="answer">\n' + _AFTER,
    },
)
CLOZE_TEMPLATES = (
    {
        "name": "Cloze",
        "qfmt": '<div class="slt slt-cloze">{{cloze:Text}}</div>\n' + _SOURCE,
        "afmt": '<div class="slt slt-cloze">{{cloze:Text}}</div>\n' + _SOURCE
        + '\n<hr id="answer">\n' + _AFTER,
    },
)

AXIS_QUESTIONS = {
    "normative_or_descriptive": (
        "Normative or descriptive?",
        "Normative: says what one should do or believe. "
        "Descriptive: says what is the case.",
    ),
    "universal_or_situational": (
        "Universal or situational?",
        "Universal: meant to hold for all models or settings. "
        "Situational: holds in particular cases or regimes.",
    ),
    "deterministic_or_stochastic": (
        "Deterministic or stochastic?",
        "Deterministic: about fixed quantities or exact statements. "
        "Stochastic: about randomness, sampling, posteriors or probabilities.",
    ),
}


# --------------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------------


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


def build_deck(
    items: list[Item],
    out_dir: Path,
    *,
    vault_name: str = "vault",
    now: float | None = None,
) -> DeckReport:
    """Write ``out_dir/slt.apkg`` and ``out_dir/state.json`` (and ``out_dir/removed.txt`` while
    some earlier note is no longer produced; a stale ``removed.txt`` is deleted once every such
    note has come back).  ``now`` (seconds since the epoch) is for tests.  Never prints.
    """
    out_dir = Path(out_dir)
    now = time.time() if now is None else now
    problems: list[Problem] = []
    out_dir.mkdir(parents=True, exist_ok=True)
    state_path = out_dir / "state.json"
    state = _load_state(state_path, problems)

    items = _dedupe(items, problems)
    keys = assign_keys(items, state["items"])
    by_id = {it.id: it for it in items}
    renderer = _Renderer()
    specs: list[_NoteSpec] = []
    for it in items:
        specs.extend(_cards_for(it, keys[it.id], by_id, vault_name, renderer, problems))
    specs = _dedupe_specs(specs, problems)

    old_notes: dict = state["notes"]
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

    models = _models()
    new_state_models = {}
    for model in models:
        mid = str(model.model_id)
        digest = _hash([model.name, model.fields, model.templates, model.css])
        rec = state["models"].get(mid)
        if rec is None:
            mod = stamp
        elif rec["hash"] == digest:
            mod = rec["mod"]
        else:
            mod = max(stamp, rec["mod"] + 1)
        new_state_models[mid] = {"name": model.name, "hash": digest, "mod": mod}

    state_items = dict(state["items"])
    for it in items:
        state_items[keys[it.id]] = {"id": it.id, "type": it.type, "post": it.post,
                                    "text": it.text}

    decks = _write_apkg(out_dir / "slt.apkg", specs, models, new_state_models, problems)

    new_state = {
        "format": "vault-builder anki state",
        "version": STATE_VERSION,
        "items": state_items,
        "notes": new_state_notes,
        "models": new_state_models,
    }
    _write_atomic(state_path, json.dumps(new_state, indent=1, sort_keys=True,
                                         ensure_ascii=False) + "\n")
    _write_removed(out_dir / "removed.txt", new_state)
    return DeckReport(
        cards=len(specs), notes=len(specs), new=new, updated=updated, removed=removed_now,
        decks=decks, problems=problems,
    )


def obsidian_uri(vault_name: str, note_path: str) -> str:
    """``obsidian://open?vault=…&file=…`` for a note path relative to the vault (``.md`` dropped,
    everything percent-encoded, ``/`` too)."""
    file = note_path[:-3] if note_path.endswith(".md") else note_path
    query = "vault=" + urllib.parse.quote(vault_name, safe="")
    if file:
        query += "&file=" + urllib.parse.quote(file, safe="")
    return "obsidian://open?" + query


def anki_search(keys: list[str]) -> str:
    """An Anki browser search finding the notes with these keys (by the hidden ``Key`` field)."""
    return " OR ".join(f'"Key:{_escape_search(_e(k))}"' for k in keys)


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


# --------------------------------------------------------------------------------------------
# Stable keys
# --------------------------------------------------------------------------------------------


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
    id_to_key: dict[str, str] = {}
    for key in sorted(known):
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
    for key in sorted(known):
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


# --------------------------------------------------------------------------------------------
# Rendering: Markdown + $math$ → Anki HTML
# --------------------------------------------------------------------------------------------

_CLOZE_OPEN, _CLOZE_CLOSE = "\x02", "\x03"
_WIKILINK = re.compile(r"\[\[([^\]|]*?)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+\s*$")


class _Renderer:
    """markdown-it-py (CommonMark, raw HTML escaped) with ``$…$``/``$$…$$`` math rendered as
    ``\\(…\\)``/``\\[…\\]`` (HTML-escaped).  In cloze fields ``{{``/``}}`` inside math become
    ``{ {``/``} }`` so they cannot end (or start) a cloze deletion."""

    def __init__(self) -> None:
        self.md = MarkdownIt("commonmark", {"html": False}).use(
            dollarmath_plugin, double_inline=True, allow_digits=False
        )
        for name, display in (("math_inline", False), ("math_inline_double", True),
                              ("math_block", True), ("math_block_label", True)):
            self.md.add_render_rule(name, self._math_rule(display))
        # mdit-py-plugins' dollarmath (0.7) checks "no digit before the opening $" with
        # src[pos - 1], which at pos 0 reads the *last* character: "$x$ is 1" would not be
        # math.  A word joiner before a leading "$" of each inline run sidesteps it; it is
        # removed from the output.
        self.md.core.ruler.before("inline", "dollar_guard", _guard_leading_dollar)
        self._cache: dict[tuple[str, bool, str | None], str] = {}

    @staticmethod
    def _math_rule(display: bool):
        def rule(self, tokens, idx, options, env):
            tex = tokens[idx].content.strip()
            if env.get("cloze"):
                tex = _break_braces(tex)
            body = html.escape(tex, quote=False)
            return f"\\[{body}\\]" if display else f"\\({body}\\)"
        return rule

    def render(self, text: str, *, cloze: bool = False, hide: str | None = None) -> str:
        """HTML for ``text``.  ``hide``: a term whose occurrences outside math become
        ``{{c1::…}}`` (only with ``cloze``).  A single paragraph is returned without ``<p>``."""
        key = (text, cloze, hide)
        if key not in self._cache:
            self._cache[key] = self._render(text, cloze, hide)
        return self._cache[key]

    def _render(self, text: str, cloze: bool, hide: str | None) -> str:
        text = _clean_markdown(text)
        env = {"cloze": cloze}
        tokens = self.md.parse(text, env)
        if hide and hide.strip():
            pattern = _term_pattern(hide)
            for tok in tokens:
                for child in tok.children or ():
                    if child.type == "text":
                        child.content = pattern.sub(
                            lambda m: _CLOZE_OPEN + m.group(0) + _CLOZE_CLOSE, child.content)
        out = self.md.renderer.render(tokens, self.md.options, env).replace(_GUARD, "").strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out.replace(_CLOZE_OPEN, "{{c1::").replace(_CLOZE_CLOSE, "}}")

    def has_term(self, text: str, term: str) -> bool:
        """Whether ``term`` occurs in ``text`` outside math (so it can be clozed)."""
        return "{{c1::" in self.render(text, cloze=True, hide=term)


_GUARD = "\u2060"


def _guard_leading_dollar(state) -> None:
    for tok in state.tokens:
        if tok.type == "inline" and tok.content.startswith("$"):
            tok.content = _GUARD + tok.content


def _break_braces(tex: str) -> str:
    while "}}" in tex or "{{" in tex:
        tex = tex.replace("}}", "} }").replace("{{", "{ {")
    return tex


def _clean_markdown(text: str) -> str:
    """Obsidian-only syntax a card cannot use: ``[[Note|label]]`` → label, trailing ``^block``."""
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    return _BLOCK_ID.sub("", text).strip()


def _term_pattern(term: str) -> re.Pattern:
    """Matches ``term`` case-insensitively as whole words, plurals included (energy/energies)."""
    words = term.split()
    last = words.pop() if words else ""
    if re.search(r"[^aeiou]y$", last, re.IGNORECASE):
        tail = re.escape(last[:-1]) + r"(?:y|ies)"
    else:
        tail = re.escape(last) + r"(?:e?s)?"
    body = r"\s+".join([re.escape(w) for w in words] + [tail])
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


# --------------------------------------------------------------------------------------------
# Cards
# --------------------------------------------------------------------------------------------


@dataclass
class _NoteSpec:
    key: str
    item_key: str
    deck: str
    model: str  # "basic" | "cloze"
    fields: dict[str, str]
    tags: list[str]
    nid: int = 0
    mod: int = 0

    @property
    def guid(self) -> str:
        return genanki.guid_for(GUID_NAMESPACE, self.key)

    @property
    def field_list(self) -> list[str]:
        names = BASIC_FIELDS if self.model == "basic" else CLOZE_FIELDS
        return [self.fields.get(name, "") for name in names]

    def content_hash(self) -> str:
        """Hash of everything the card shows or files it under: what decides its mod time."""
        return _hash([self.model, self.deck, self.field_list, sorted(self.tags)])


def _hash(value) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def _who(item: Item) -> str:
    """"Joar Skalse in «Post»", "a commenter on «Post»", "«Post»" (HTML)."""
    post = f"«{_e(item.post)}»"
    if item.in_comments:
        if item.author:
            return f"{_e(item.author)} (in the comments on {post})"
        return f"a commenter on {post}"
    return f"{_e(item.author)} in {post}" if item.author else post


def _source_html(item: Item) -> str:
    parts = [f'<span class="slt-post">«{_e(item.post)}»</span>',
             f'<span class="slt-author">{_e(item.author) if item.author else "author unknown"}'
             "</span>"]
    if item.in_comments:
        parts.append('<span class="slt-where">in the comments</span>')
    return " · ".join(parts)


def _link_html(item: Item, vault_name: str) -> str:
    uri = obsidian_uri(vault_name, item.note)
    name = item.note.rsplit("/", 1)[-1]
    name = name[:-3] if name.endswith(".md") else name
    return f'<a href="{_e(uri)}">Open “{_e(name)}” in Obsidian</a>'


def _concept_list(concepts: list[str]) -> str:
    names = [f"<b>{_e(c)}</b>" for c in concepts]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _kind(label: str) -> str:
    return f'<div class="slt-kind">{_e(label)}</div>'


def _quote(body: str, cls: str = "slt-quote") -> str:
    return f'<blockquote class="{cls}">{body}</blockquote>'


def _taxonomy_html(item: Item) -> str:
    tax = item.taxonomy or {}
    labels = [str(tax[a]) for a in TAXONOMY_AXES if tax.get(a)]
    return " ".join(f'<span class="slt-tax">{_e(label)}</span>' for label in labels)


def _cards_for(item: Item, key: str, by_id: dict[str, Item], vault_name: str,
               r: _Renderer, problems: list[Problem]) -> list[_NoteSpec]:
    """The notes one item yields.

    - definition → SLT::Definitions: "What is <term>?" (Basic); and a cloze hiding the term in
      the definition when the term occurs in it outside math (key ``<key>#cloze``);
    - key claim → SLT::Claims: "According to <who>, what is the key claim about <concepts>?"
      (Basic, back: the claim and its taxonomy); and SLT::Taxonomy: one drill card asking for
      its labelled axes ("Normative or descriptive? Universal or situational? ...", key
      ``<key>#taxonomy``; one card per claim rather than per axis, so the drill does not
      outnumber the content cards).  Other claims get no card
      of their own (they appear on the counterexample cards that target them);
    - counterexample → SLT::Counterexamples: front the targeted claim, back the counterexample;
    - example with concepts → SLT::Examples: "What example does <who> give to illustrate …?".
    """
    where = f"{item.source_file}#^{item.block}" if item.source_file else item.id
    if not item.text.strip():
        problems.append(Problem("warning", "anki-empty-item", f"item {item.id} has no text",
                                where))
        return []
    if not item.note:
        problems.append(Problem("warning", "anki-no-note",
                                f"item {item.id} has no note path; its cards link to the vault",
                                where))
    if re.search(r"\$", r.render(item.text)):
        problems.append(Problem("info", "anki-stray-dollar",
                                f"item {item.id}: a $ that opens no math (currency, or unbalanced "
                                "math) is shown as text on its card", where))
    tags = [anki_tag(t) for t in item_tags(item)]
    common = {"Source": _source_html(item), "Link": _link_html(item, vault_name)}
    specs: list[_NoteSpec] = []

    def add(suffix: str, deck: str, model: str, **fields: str) -> None:
        note_key = key + suffix
        specs.append(_NoteSpec(note_key, key, deck, model,
                               {**common, **fields, "Key": _e(note_key)}, list(tags)))

    if item.type == "definition":
        term = (item.term or "").strip() or (item.concepts[0] if item.concepts else None)
        if not item.term:
            problems.append(Problem("warning", "anki-definition-without-term",
                                    f"definition {item.id} has no term", where))
        question = (f"What is <b>{_e(term)}</b>?" if term
                    else f"What does {_who(item)} define here?")
        add("", "SLT::Definitions", "basic",
            Front=_kind("Definition") + f'<div class="slt-q">{question}</div>',
            Back=_quote(r.render(item.text)))
        # The reverse card (definition → term) only where the term shows outside math and the
        # definition says more than the term itself.
        if term and len(item.text.split()) >= 5 and r.has_term(item.text, term):
            add("#cloze", "SLT::Definitions", "cloze",
                Text=_kind("Definition — name the term")
                + _quote(r.render(item.text, cloze=True, hide=term)))
    elif item.type == "claim":
        if not item.key:
            return []
        about = f" about {_concept_list(item.concepts)}" if item.concepts else ""
        hint = ""
        if not item.concepts:
            first = " ".join(_clean_markdown(item.text).split()[:4])
            if "$" not in first:
                hint = f'<div class="slt-hint">It begins: “{_e(first)} …”</div>'
        add("", "SLT::Claims", "basic",
            Front=_kind("Key claim")
            + f'<div class="slt-q">According to {_who(item)}, what is the key claim{about}?</div>'
            + hint,
            Back=_quote(r.render(item.text)),
            Extra=_taxonomy_html(item))
        axes = [(a, (item.taxonomy or {}).get(a)) for a in TAXONOMY_AXES]
        axes = [(a, str(label)) for a, label in axes if label]
        if axes:
            questions, answers, explanations = [], [], []
            for axis, label in axes:
                question, explanation = AXIS_QUESTIONS[axis]
                cue = (item.taxonomy_cues or {}).get(axis)
                questions.append(f"<li>{_e(question)}</li>")
                answer = f"<b>{_e(label.capitalize())}</b>"
                if cue:
                    answer += f" — cue: “{_e(str(cue))}”"
                answers.append(f"<li>{answer}</li>")
                explanations.append(_e(explanation))
            add("#taxonomy", "SLT::Taxonomy", "basic",
                Front=_kind("Taxonomy drill") + _quote(r.render(item.text))
                + '<div class="slt-q">Classify this claim:</div>'
                + f'<ul class="slt-axes">{"".join(questions)}</ul>',
                Back=f'<ul class="slt-answer">{"".join(answers)}</ul>',
                Extra="<br>".join(explanations))
    elif item.type == "counterexample":
        target = by_id.get(item.against) if item.against else None
        if target is not None:
            front = (_kind("Counterexample")
                     + '<div class="slt-q">What counterexample was raised against this claim?'
                     "</div>" + _quote(r.render(target.text))
                     + f'<div class="slt-target-source">— {_source_html(target)}</div>')
        else:
            if item.against:
                problems.append(Problem("warning", "anki-unknown-target",
                                        f"counterexample {item.id} targets unknown item "
                                        f"{item.against}", where))
            about = f" against {_concept_list(item.concepts)}" if item.concepts else ""
            front = (_kind("Counterexample") + '<div class="slt-q">What counterexample did '
                     f"{_who(item)} raise{about}?</div>")
        add("", "SLT::Counterexamples", "basic", Front=front, Back=_quote(r.render(item.text)))
    elif item.type == "example":
        if not item.concepts:
            return []
        add("", "SLT::Examples", "basic",
            Front=_kind("Example") + f'<div class="slt-q">What example does {_who(item)} give '
            f"to illustrate {_concept_list(item.concepts)}?</div>",
            Back=_quote(r.render(item.text)))
    else:
        problems.append(Problem("warning", "anki-unknown-type",
                                f"item {item.id} has unknown type {item.type!r}", where))
    return specs


def _dedupe(items: list[Item], problems: list[Problem]) -> list[Item]:
    seen: set[str] = set()
    out = []
    for it in items:
        if it.id in seen:
            problems.append(Problem("warning", "anki-duplicate-item",
                                    f"item id {it.id} occurs twice; the second is skipped",
                                    it.source_file))
            continue
        seen.add(it.id)
        out.append(it)
    return out


def _dedupe_specs(specs: list[_NoteSpec], problems: list[Problem]) -> list[_NoteSpec]:
    seen: set[str] = set()
    out = []
    for s in specs:
        if s.key in seen:  # only possible with hostile ids such as "x#cloze"
            problems.append(Problem("warning", "anki-duplicate-key",
                                    f"two notes with key {s.key}; the second is skipped"))
            continue
        seen.add(s.key)
        out.append(s)
    return out


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _models() -> list[genanki.Model]:
    """Fresh model objects (genanki mutates template dicts when writing)."""
    return [
        genanki.Model(BASIC_MODEL_ID, BASIC_MODEL_NAME,
                      fields=[{"name": n} for n in BASIC_FIELDS],
                      templates=[dict(t) for t in BASIC_TEMPLATES], css=CSS,
                      model_type=genanki.Model.FRONT_BACK, sort_field_index=0),
        genanki.Model(CLOZE_MODEL_ID, CLOZE_MODEL_NAME,
                      fields=[{"name": n} for n in CLOZE_FIELDS],
                      templates=[dict(t) for t in CLOZE_TEMPLATES], css=CSS,
                      model_type=genanki.Model.CLOZE, sort_field_index=0),
    ]


class _StampedNote(genanki.Note):
    """A genanki note written with its own id and mod time (genanki uses one timestamp for all)."""

    def __init__(self, *, nid: int, mod: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.nid, self.mod = nid, mod

    def write_to_db(self, cursor, timestamp, deck_id, id_gen):  # noqa: ARG002
        self._check_number_model_fields_matches_num_fields()
        self._check_invalid_html_tags_in_fields()
        cursor.execute(
            "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);",
            (self.nid, self.guid, self.model.model_id, self.mod, -1, self._format_tags(),
             self._format_fields(), self.sort_field, 0, 0, ""),
        )
        for card in self.cards:
            card.write_to_db(cursor, self.mod, deck_id, self.nid,
                             iter([self.nid + card.ord]), self.due)


def _write_apkg(path: Path, specs: list[_NoteSpec], models: list[genanki.Model],
                model_state: dict, problems: list[Problem]) -> dict[str, int]:
    model_by = {"basic": models[0], "cloze": models[1]}
    root = genanki.Deck(ROOT_DECK_ID, ROOT_DECK, description=(
        "Cards generated by vault-builder from the SLT Obsidian vault. Rebuilding and "
        "re-importing updates cards in place and keeps your review history; notes the build no "
        "longer produces are never deleted but listed in removed.txt next to the package."))
    decks = {name: genanki.Deck(did, name) for name, did in DECK_IDS.items()}
    for due, spec in enumerate(specs):
        decks[spec.deck].add_note(_StampedNote(
            nid=spec.nid, mod=spec.mod, model=model_by[spec.model], fields=spec.field_list,
            tags=spec.tags, guid=spec.guid, due=due))
    used = [d for d in decks.values() if d.notes]
    # Every note type goes into the package, even one no note uses, so its mod time is stable.
    root.models = {m.model_id: m for m in models}

    fd, tmp_db = tempfile.mkstemp(prefix=".slt-", suffix=".anki2", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp_db)
        try:
            cur = conn.cursor()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ts = max([spec.mod for spec in specs] + [m["mod"] for m in model_state.values()])
                genanki.Package([root] + used).write_to_db(cur, ts, itertools.count(1))
            for w in caught:
                problems.append(Problem("warning", "anki-genanki", str(w.message)))
            (models_json,) = cur.execute("SELECT models FROM col").fetchone()
            mjson = json.loads(models_json)
            for mid, rec in model_state.items():
                if mid in mjson:
                    mjson[mid]["mod"] = rec["mod"]
                    mjson[mid]["did"] = DECK_IDS["SLT::Definitions"]
            cur.execute("UPDATE col SET models = ?", (json.dumps(mjson, sort_keys=True),))
            conn.commit()
        finally:
            conn.close()
        data = Path(tmp_db).read_bytes()
    finally:
        os.unlink(tmp_db)
    buf_fd, tmp_zip = tempfile.mkstemp(prefix=".slt-", suffix=".apkg", dir=path.parent)
    os.close(buf_fd)
    try:
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as z:
            for name, payload in (("collection.anki2", data), ("media", b"{}")):
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, payload)
        os.replace(tmp_zip, path)
    except BaseException:
        if os.path.exists(tmp_zip):
            os.unlink(tmp_zip)
        raise
    return {d.name: len(d.notes) for d in used}


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
