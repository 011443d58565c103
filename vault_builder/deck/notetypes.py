"""The frozen note types and decks of the SLT package (ids, field lists, templates, CSS).

NEVER change an id or a field list: Anki would fork the note type or the deck and stop updating
the cards users already study.  Templates and CSS may change (that only bumps the note type's mod time).
"""
from __future__ import annotations

import genanki

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
