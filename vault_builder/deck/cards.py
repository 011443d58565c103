"""Cards: what notes each item yields (fields, tags, deck, note type)."""
from __future__ import annotations

import functools
import hashlib
import json
import operator
import re
import string
import urllib.parse
from dataclasses import InitVar, dataclass, field

import genanki

from vault_builder.models import Item, Problem
from vault_builder.tags import TAXONOMY_AXES, anki_tag, item_tags

from ..export import dumps
from .markup import _clean_markdown, _e, _Renderer
from .notetypes import BASIC_FIELDS, CLOZE_FIELDS, GUID_NAMESPACE

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
# Escaped once: every taxonomy card shows them.
_AXIS_HTML = {axis: (_e(question), _e(explanation))
              for axis, (question, explanation) in AXIS_QUESTIONS.items()}
_anki_tag = functools.lru_cache(maxsize=65536)(anki_tag)


def obsidian_uri(vault_name: str, note_path: str) -> str:
    """``obsidian://open?vault=…&file=…`` for a note path relative to the vault (``.md`` dropped,
    everything percent-encoded, ``/`` too)."""
    file = note_path[:-3] if note_path.endswith(".md") else note_path
    query = "vault=" + _quote_all(vault_name)
    if file:
        query += "&file=" + _quote_all(file)
    return "obsidian://open?" + query


_QUOTE_ASCII = {c: f"%{c:02X}" for c in range(128)
                if chr(c) not in string.ascii_letters + string.digits + "_.-~"}


def _quote_all(text: str) -> str:
    """``urllib.parse.quote(text, safe="")``; ASCII text (most note paths) by one translate."""
    return text.translate(_QUOTE_ASCII) if text.isascii() else urllib.parse.quote(text, safe="")


@dataclass(slots=True)  # no __dict__: a large deck has ~100k notes
class _NoteSpec:
    key: str
    item_key: str
    deck: str
    model: str  # "basic" | "cloze"
    fields: InitVar[dict[str, str]]
    """Field name → HTML; kept only as ``field_list`` (a large deck's notes are many)."""
    tags: list[str]
    nid: int = 0
    mod: int = 0
    guid: str = field(init=False)
    field_list: list[str] = field(init=False)
    """The fields in the note type's order."""
    _content_hash: str = field(init=False, default="", repr=False, compare=False)
    _invalid_tags: tuple[str, ...] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self, fields: dict[str, str]) -> None:
        self.guid = _guid(self.key)
        names = BASIC_FIELDS if self.model == "basic" else CLOZE_FIELDS
        self.field_list = [fields.get(name, "") for name in names]

    @classmethod
    def restored(cls, key: str, item_key: str, deck: str, model: str, field_list: list[str],
                 tags: list[str], content_hash: str, guid: str, invalid_tags: tuple[str, ...]) -> "_NoteSpec":
        """A spec as the cards cache kept it (``deck.cache``; its chunks are checksummed, so
        only the shape is checked here)."""
        names = BASIC_FIELDS if model == "basic" else CLOZE_FIELDS if model == "cloze" else None
        if (names is None or type(field_list) is not list or len(field_list) != len(names)
                or type(tags) is not list or type(content_hash) is not str or not content_hash
                or type(invalid_tags) is not tuple):
            raise ValueError("not a cached note")
        spec = cls.__new__(cls)  # not __init__: the GUID and field list are known
        spec.key, spec.item_key, spec.deck, spec.model, spec.tags = key, item_key, deck, model, tags
        spec.nid = spec.mod = 0
        spec.guid, spec.field_list, spec._content_hash = guid, field_list, content_hash
        spec._invalid_tags = invalid_tags or ()  # the one empty tuple (memory of large decks)
        return spec

    def content_hash(self) -> str:
        """Hash of everything the card shows or files it under: what decides its mod time.
        The same as ``_hash`` of that list (state.json keeps it from earlier builds), but with
        a reused JSON encoder: these are all strings, so no key sorting or default applies.
        Computed once (the cards cache keeps it too)."""
        if not self._content_hash:
            self._content_hash = _digest(dumps([self.model, self.deck, self.field_list,
                                                sorted(self.tags)]))
        return self._content_hash

    def invalid_tags(self) -> tuple[str, ...]:
        """The HTML tags genanki would warn about, space-separated, one string per field that
        has any (computed once; the cards cache keeps them too)."""
        if self._invalid_tags is None:
            # A field with an invalid tag makes the joined fields match too: look field by
            # field only then.
            self._invalid_tags = tuple(
                " ".join(found) for found in map(_INVALID_TAG.findall, self.field_list) if found
            ) if _INVALID_TAG.search("\x1f".join(self.field_list)) else ()
        return self._invalid_tags


_INVALID_TAG = re.compile(r"<(?!/?[a-zA-Z0-9]+(?: .*?|/?)>|!--|!\[CDATA\[)(?:.|\n)*?>")
"""genanki's ``Note._INVALID_HTML_TAG_RE`` with a lazy ``.*?`` in its lookahead: the same matches
(the lookahead only asks whether a ">" follows on the line), without scanning to the end of the
line at every tag."""

_BASE91 = "".join(genanki.util.BASE91_TABLE)


def _guid(key: str) -> str:
    """``genanki.guid_for(GUID_NAMESPACE, key)`` (the first 8 bytes of a SHA-256 in Anki's
    base 91), with the bytes read as one int instead of byte by byte."""
    n = int.from_bytes(hashlib.sha256(f"{GUID_NAMESPACE}__{key}".encode("utf-8")).digest()[:8], "big")
    digits = []
    while n:
        n, r = divmod(n, 91)
        digits.append(_BASE91[r])
    return "".join(reversed(digits))


def _hash(value) -> str:
    return _digest(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


# The HTML snippets below are cached: a post's items share their post, author and concepts.


def _who(item: Item) -> str:
    """"Joar Skalse in «Post»", "a commenter on «Post»", "«Post»" (HTML)."""
    return _who_html(item.post, item.author, item.in_comments)


@functools.lru_cache(maxsize=4096)
def _who_html(post: str, author: str | None, in_comments: bool) -> str:
    post = f"«{_e(post)}»"
    if in_comments:
        if author:
            return f"{_e(author)} (in the comments on {post})"
        return f"a commenter on {post}"
    return f"{_e(author)} in {post}" if author else post


def _source_html(item: Item) -> str:
    return _source(item.post, item.author, item.in_comments)


@functools.lru_cache(maxsize=4096)
def _source(post: str, author: str | None, in_comments: bool) -> str:
    parts = [f'<span class="slt-post">«{_e(post)}»</span>',
             f'<span class="slt-author">{_e(author) if author else "author unknown"}'
             "</span>"]
    if in_comments:
        parts.append('<span class="slt-where">in the comments</span>')
    return " · ".join(parts)


def _link_html(item: Item, vault_name: str) -> str:
    uri = obsidian_uri(vault_name, item.note)
    name = item.note.rsplit("/", 1)[-1]
    name = name[:-3] if name.endswith(".md") else name
    return f'<a href="{_e(uri)}">Open “{_e(name)}” in Obsidian</a>'


def _concept_list(concepts: list[str]) -> str:
    return _concepts_html(tuple(concepts))


@functools.lru_cache(maxsize=4096)
def _concepts_html(concepts: tuple[str, ...]) -> str:
    names = [f"<b>{_e(c)}</b>" for c in concepts]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@functools.cache
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
    # Only a "$" or an entity ("&#36;") in the text can put a "$" in the HTML.
    if ("$" in item.text or "&" in item.text) and "$" in r.render(item.text):
        problems.append(Problem("info", "anki-stray-dollar",
                                f"item {item.id}: a $ that opens no math (currency, or unbalanced "
                                "math) is shown as text on its card", where))
    if (item.type == "claim" and not item.key) or (item.type == "example" and not item.concepts):
        return []  # no card of its own
    tags = [_anki_tag(t) for t in item_tags(item)]
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
                question, explanation = _AXIS_HTML[axis]
                cue = (item.taxonomy_cues or {}).get(axis)
                questions.append(f"<li>{question}</li>")
                answer = f"<b>{_e(label.capitalize())}</b>"
                if cue:
                    answer += f" — cue: “{_e(str(cue))}”"
                answers.append(f"<li>{answer}</li>")
                explanations.append(explanation)
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
        add("", "SLT::Examples", "basic",
            Front=_kind("Example") + f'<div class="slt-q">What example does {_who(item)} give '
            f"to illustrate {_concept_list(item.concepts)}?</div>",
            Back=_quote(r.render(item.text)))
    else:
        problems.append(Problem("warning", "anki-unknown-type",
                                f"item {item.id} has unknown type {item.type!r}", where))
    return specs


_ID, _KEY = operator.attrgetter("id"), operator.attrgetter("key")


def _dedupe(items: list[Item], problems: list[Problem]) -> list[Item]:
    if len(set(map(_ID, items))) == len(items):  # the usual case, told at C speed
        return list(items)
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
    if len(set(map(_KEY, specs))) == len(specs):  # the usual case, told at C speed
        return specs
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
