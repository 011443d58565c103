"""state.json's records and the collection's checks and rows, made the short way (an unchanged
record is the old one; the checks look only at notes that fail them; rows per note type) and
the long way (the oracles below): the same results."""
from __future__ import annotations

import copy

import genanki
import pytest

from vault_builder.deck import DECK_IDS
from vault_builder.deck.apkg import _INVALID_HTML, _card_ords, _check_notes, _note_rows
from vault_builder.deck.build import _state_items
from vault_builder.deck.cards import _NoteSpec
from vault_builder.deck.notetypes import _models
from vault_builder.deck.state import NID_STRIDE, _stamp_notes
from vault_builder.models import Item, Problem

NOW = 1_700_000_000


def spec(key, deck="SLT::Claims", model="basic", tags=("slt",), **fields):
    fields = fields or ({"Front": "q " + key, "Back": "a"} if model == "basic" else {"Text": "{{c1::x}}"})
    return _NoteSpec(key, key.split("#")[0], deck, model, fields, list(tags))


def stamp_long_way(specs, old_notes, now):
    """_stamp_notes as it was: a new record for every note."""
    notes, stamp = {}, int(now)
    next_nid = max([int(now * 1000)] + [rec["nid"] + NID_STRIDE for rec in old_notes.values()])
    for s in specs:
        rec = old_notes.get(s.key)
        if rec is None:
            nid, mod = next_nid, stamp
            next_nid += NID_STRIDE
        else:
            nid = rec["nid"]
            mod = rec["mod"] if rec["hash"] == s.content_hash() else max(stamp, rec["mod"] + 1)
        notes[s.key] = {"item": s.item_key, "guid": s.guid, "nid": nid, "mod": mod,
                        "hash": s.content_hash(), "deck": s.deck}
    for k, rec in old_notes.items():
        if k not in notes:
            notes[k] = dict(rec, removed=rec.get("removed") or stamp)
    return notes


def old_records(specs):
    return copy.deepcopy(_stamp_notes([copy.copy(s) for s in specs], {}, NOW - 100)[0])


def test_unchanged_records_are_kept_and_the_others_made_as_before():
    specs = [spec(f"k{i}") for i in range(8)]
    old = old_records(specs)
    old["k1"]["hash"] = "other"  # content changed
    old["k2"]["deck"] = "SLT::Examples"  # moved deck (same hash cannot happen, but say it did)
    old["k3"]["extra"] = 1  # a field this code does not write
    old["k4"]["removed"] = NOW - 50  # came back
    del old["k5"]["guid"]  # a field missing
    old["k5"]["other"] = "x"
    old["gone"] = dict(old["k6"], item="gone")  # not produced now
    old["gone before"] = dict(old["k7"], item="g", nid=NOW * 1000 + 80, removed=NOW - 500)
    specs.append(spec("new"))  # gets the next nid
    expected = stamp_long_way(specs, copy.deepcopy(old), NOW)
    got, new, updated, removed_now = _stamp_notes(specs, old, NOW)
    assert got == expected and list(got) == list(expected)
    assert got["new"]["nid"] == NOW * 1000 + 88
    assert (new, updated, removed_now) == (2, 1, ["gone"])  # k4 came back; k1 changed
    kept = {key for key in got if got[key] is old.get(key)}
    assert kept == {"k0", "k6", "k7"}


def test_state_items_keep_unchanged_records_only():
    items = [Item(id=f"i{n}", type="claim", text=f"text {n}", post="p", in_comments=False,
                  author=None, source_file="", block="") for n in range(5)]
    keys = {it.id: f"key{n}" for n, it in enumerate(items)}
    old = {keys[it.id]: {"id": it.id, "type": it.type, "post": it.post, "text": it.text}
           for it in items}
    old["key1"]["text"] = "edited"
    old["key2"]["extra"] = 0
    del old["key3"]["post"]
    old["key3"]["postx"] = "p"
    old["vanished"] = {"id": "v", "type": "claim", "post": "p", "text": "t"}
    got = _state_items(items, keys, old)
    expected = dict(old, **{keys[it.id]: {"id": it.id, "type": it.type, "post": it.post,
                                          "text": it.text} for it in items})
    assert got == expected and list(got) == list(expected)
    assert {key for key in got if got[key] is old[key]} == {"key0", "key4", "vanished"}


def check_long_way(specs, problems):
    """_check_notes as it was: every note, deck after deck."""
    in_deck = {name: [] for name in DECK_IDS}
    for s in specs:
        in_deck[s.deck].append(s)
    for deck_specs in in_deck.values():
        for s in deck_specs:
            for tag in s.tags:
                if " " in tag:
                    raise ValueError(f'Tag "{tag}" contains a space; this is not allowed!')
            for invalid in s.invalid_tags():
                problems.append(Problem("warning", "anki-genanki", _INVALID_HTML.format(invalid)))


def mixed_specs():
    return [spec("a", deck="SLT::Examples", Front="<-x> one", Back="b"),
            spec("b"), spec("c", deck="SLT::Definitions", Front="<-y>", Back="<-z>"),
            spec("d", deck="SLT::Examples", Front="fine", Back="<-w>"),
            spec("e", model="cloze")]


def test_checks_report_as_the_long_way():
    short, long = [], []
    _check_notes(mixed_specs(), short)
    check_long_way(mixed_specs(), long)
    assert short == long and len(long) == 4


def test_a_tag_with_a_space_is_the_error_of_the_first_deck():
    specs = mixed_specs() + [spec("f", deck="SLT::Examples", tags=["x y"]),
                             spec("g", deck="SLT::Definitions", tags=["ok", "p q"])]
    with pytest.raises(ValueError) as long:
        check_long_way(specs, [])
    with pytest.raises(ValueError) as short:
        _check_notes(specs, [])
    assert str(short.value) == str(long.value) == 'Tag "p q" contains a space; this is not allowed!'


def test_rows_are_genankis():
    basic, cloze = _models()
    model_by = {"basic": basic, "cloze": cloze}
    specs = [spec("a"), spec("b", Front="", Back="x"), spec("c", Front="", Back="", Extra="e"),
             spec("d", model="cloze", Text="{{c1::x}} {{c3::y}}"), spec("e", model="cloze", Text="none")]
    for n, s in enumerate(specs):
        s.nid, s.mod = 1000 + 8 * n, 50 + n
    cards: list = []
    rows = list(_note_rows(specs, [4, 0, 3, 1, 2], model_by, cards))
    expected_cards = []
    expected = []
    for due in [4, 0, 3, 1, 2]:
        s = specs[due]
        model = model_by[s.model]
        note = genanki.Note(model=model, fields=s.field_list, guid=s.guid, tags=s.tags)
        assert [c.ord for c in note.cards] == list(_card_ords(model, s.field_list))
        expected_cards += [(s.nid + c.ord, s.nid, DECK_IDS[s.deck], c.ord, s.mod, -1, 0, 0, due,
                            0, 0, 0, 0, 0, 0, 0, 0, "") for c in note.cards]
        expected.append((s.nid, s.guid, model.model_id, s.mod, -1, " " + " ".join(s.tags) + " ",
                         "\x1f".join(s.field_list), note.sort_field, 0, 0, ""))
    assert rows == expected
    assert cards == expected_cards


def test_duplicate_keys_keep_the_first_note():
    from vault_builder.deck.cards import _dedupe_specs
    specs = [spec("a"), spec("b"), spec("a", Front="other", Back="x")]
    problems: list = []
    assert _dedupe_specs(specs, problems) == specs[:2]
    assert [p.code for p in problems] == ["anki-duplicate-key"]
    unique = specs[:2]
    assert _dedupe_specs(unique, problems) == unique and len(problems) == 1
