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

from .build import DeckReport, build_deck, items_from_jsonl
from .cards import AXIS_QUESTIONS, obsidian_uri
from .keys import SIMILARITY, assign_keys, normalise_text, similarity
from .markup import _Renderer
from .notetypes import (
    BASIC_FIELDS, BASIC_MODEL_ID, BASIC_MODEL_NAME, BASIC_TEMPLATES, CLOZE_FIELDS, CLOZE_MODEL_ID,
    CLOZE_MODEL_NAME, CLOZE_TEMPLATES, CSS, DECK_IDS, GUID_NAMESPACE, ROOT_DECK, ROOT_DECK_ID,
)
from .state import NID_STRIDE, STATE_VERSION, anki_search

__all__ = [
    "AXIS_QUESTIONS", "BASIC_FIELDS", "BASIC_MODEL_ID", "BASIC_MODEL_NAME", "BASIC_TEMPLATES",
    "CLOZE_FIELDS", "CLOZE_MODEL_ID", "CLOZE_MODEL_NAME", "CLOZE_TEMPLATES", "CSS", "DECK_IDS",
    "GUID_NAMESPACE", "NID_STRIDE", "ROOT_DECK", "ROOT_DECK_ID", "SIMILARITY", "STATE_VERSION",
    "DeckReport", "_Renderer", "anki_search", "assign_keys", "build_deck", "items_from_jsonl",
    "normalise_text", "obsidian_uri", "similarity",
]
