"""The cards cache (vault_builder.deck.cache): a rebuild that reuses it writes exactly what a
build without it writes, and a damaged cache only means the items are rendered again."""
from __future__ import annotations

import copy
import os
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest

import vault_builder.deck.apkg as apkg
import vault_builder.deck.build as deck_build
from vault_builder.deck import build_deck

from test_deck import T0, edit_one_word, make_items

T1 = T0 + 3600


def outputs(out):
    """The package by its rows (a kept collection is updated in place, so its pages differ from
    a new one's), the state files by their bytes."""
    files = {name: (out / name).read_bytes() for name in ("state.json", "removed.txt")
             if (out / name).exists()}
    return {**files, "slt.apkg": collection_rows(out / "slt.apkg")}


def collection_rows(apkg) -> dict:
    """Every row of every table of the package's collection (and its schema), in key order."""
    with zipfile.ZipFile(apkg) as z, tempfile.TemporaryDirectory() as tmp:
        assert sorted(z.namelist()) == ["collection.anki2", "media"] and z.read("media") == b"{}"
        z.extract("collection.anki2", tmp)
        con = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            schema = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").fetchall()
            rows = {name: con.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()
                    for kind, name, _, _ in schema if kind == "table"}
        finally:
            con.close()
    return {"schema": schema, **rows}


def rebuild_both(tmp_path, first, second, damage=None):
    """Build `first` with the cache, then `second` twice from the same state: with that cache
    (damaged by `damage` first) and without any. Returns (cached, uncached) outputs and reports."""
    cache = tmp_path / "deck.marshal"
    build_deck(first, tmp_path / "a", now=T0, cache_path=cache)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    if damage:
        damage(cache)
    cached = build_deck(second, tmp_path / "a", now=T1, cache_path=cache)
    plain = build_deck(second, tmp_path / "b", now=T1)
    return (outputs(tmp_path / "a"), cached), (outputs(tmp_path / "b"), plain)


def changes(items):
    """One word edited (the counterexample against that claim follows the new id), the text of a
    claim another counterexample targets, a concept list and a taxonomy cue."""
    items = edit_one_word(items, 4, "every prior", "each prior")
    minor = next(i for i in items if i.type == "claim" and not i.key)
    minor.text = minor.text.replace("concentrates", "piles up")
    items[0].concepts = ["RLCT", "Zeta function"]
    key_claim = next(i for i in items if i.key and i.taxonomy_cues)
    key_claim.taxonomy_cues = {"normative_or_descriptive": "does not"}
    return items


@pytest.mark.parametrize("second", [make_items, lambda: changes(make_items())])
def test_rebuild_with_the_cache_is_the_rebuild_without(tmp_path, second):
    (cached, cached_report), (plain, plain_report) = rebuild_both(tmp_path, make_items(), second())
    assert cached == plain
    assert cached_report == plain_report  # problems too (a hit reports its item's again)


def test_only_changed_items_are_rendered_again(tmp_path, monkeypatch):
    cache = tmp_path / "deck.marshal"
    items = make_items()
    build_deck(items, tmp_path / "a", now=T0, cache_path=cache)
    rendered = []
    real = deck_build._cards_for
    monkeypatch.setattr(deck_build, "_cards_for", lambda it, *a: rendered.append(it.id) or real(it, *a))
    build_deck(copy.deepcopy(items), tmp_path / "a", now=T1, cache_path=cache)
    assert rendered == []
    minor = next(i for i in items if i.type == "claim" and not i.key)
    minor.text += " Eventually."  # its counterexample shows its text: both are redone
    build_deck(items, tmp_path / "a", now=T1 + 1, cache_path=cache)
    assert sorted(rendered) == sorted([minor.id] + [i.id for i in items if i.against == minor.id])


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(b"not marshal at all"),
    lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    lambda p: p.write_bytes(p.read_bytes()[:-200] + bytes(b ^ 0x55 for b in p.read_bytes()[-200:])),
    lambda p: p.write_bytes(p.read_bytes().replace(b"slt-kind", b"slt-kinD")),  # still reads
    lambda p: p.write_bytes(b""),
    lambda p: p.unlink(),
])
def test_a_damaged_cache_is_redone(tmp_path, damage):
    (cached, cached_report), (plain, plain_report) = rebuild_both(
        tmp_path, make_items(), changes(make_items()), damage)
    assert cached == plain
    assert cached_report == plain_report


def test_a_malformed_entry_is_redone(tmp_path, monkeypatch):
    """An entry of the wrong shape (a chunk that checks out but was written by other code)."""
    from vault_builder.deck import cache as cards_cache

    real = cards_cache.load
    monkeypatch.setattr(cards_cache, "load", lambda path: {
        digest: ([("k", "k", "SLT::Claims", "basic", ["too", "few"], [], "h", "g", ())], [])
        for digest in real(path)})
    (cached, cached_report), (plain, plain_report) = rebuild_both(tmp_path, make_items(), make_items())
    assert cached == plain
    assert cached_report == plain_report


def test_genanki_warnings_come_back_with_a_hit(tmp_path, monkeypatch):
    """A card with an HTML tag genanki calls invalid: the warning is reported on every build,
    also when the card comes from the cache."""
    from vault_builder.deck import cards

    real = cards._link_html
    monkeypatch.setattr(cards, "_link_html", lambda item, vault: real(item, vault) + "<-x>")
    (cached, cached_report), (plain, plain_report) = rebuild_both(tmp_path, make_items(), make_items())
    assert cached == plain
    assert cached_report == plain_report
    assert any(p.code == "anki-genanki" and "<-x>" in p.message for p in cached_report.problems)


# ------------------------------------------------------------------------------------------
# The kept collection (deck.anki2 beside the cards cache; vault_builder.deck.apkg._Collection)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    (lambda: make_items()[3:], make_items),  # notes added before the others: every due moves
    (make_items, lambda: make_items()[:2] + make_items()[5:]),  # notes gone
    (make_items, lambda: changes(make_items())[::-1]),  # changed, and in another order
])
def test_a_kept_collection_holds_the_rows_of_a_new_one(tmp_path, first, second):
    (cached, cached_report), (plain, plain_report) = rebuild_both(tmp_path, first(), second())
    assert cached == plain
    assert cached_report == plain_report


def recording_note_rows(monkeypatch) -> list[int]:
    """The ids of the note rows written to a collection from now on."""
    written: list[int] = []
    real = apkg._note_rows

    def recording(*args, **kwargs):
        for row in real(*args, **kwargs):
            written.append(row[0])
            yield row
    monkeypatch.setattr(apkg, "_note_rows", recording)
    return written


def test_a_kept_collection_writes_only_the_changed_notes(tmp_path, monkeypatch):
    cache = tmp_path / "deck.marshal"
    items = make_items()
    first = build_deck(items, tmp_path / "a", now=T0, cache_path=cache)
    written = recording_note_rows(monkeypatch)
    build_deck(copy.deepcopy(items), tmp_path / "a", now=T1, cache_path=cache)
    assert written == []
    report = build_deck(edit_one_word(items, 4, "every prior", "each prior"), tmp_path / "a",
                        now=T1 + 1, cache_path=cache)
    assert report.updated and len(written) == report.updated + report.new < first.notes
    written.clear()
    build_deck(items, tmp_path / "b", now=T1, cache_path=tmp_path / "other" / "deck.marshal")
    assert len(written) == first.notes  # a new collection has every row written


def set_mtime_ahead(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


@pytest.mark.parametrize("name, damage", [
    ("deck.anki2", lambda p: p.write_bytes(b"not a database")),
    ("deck.anki2", lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2])),
    ("deck.anki2", lambda p: p.unlink()),
    ("deck.anki2", set_mtime_ahead),  # changed since: not trusted, even if it reads
    ("deck.anki2.index", lambda p: p.write_bytes(p.read_bytes()[:-1] + b"x")),
    ("deck.anki2.index", lambda p: p.write_bytes(b"")),
    ("deck.anki2.index", lambda p: p.unlink()),
])
def test_a_damaged_collection_is_written_again(tmp_path, monkeypatch, name, damage):
    written = recording_note_rows(monkeypatch)
    (cached, cached_report), (plain, plain_report) = rebuild_both(
        tmp_path, make_items(), changes(make_items()), damage=lambda cache: damage(cache.with_name(name)))
    assert cached == plain
    assert cached_report == plain_report
    notes = cached_report.notes
    assert written.count(written[0]) == 3 and len(written) == 3 * notes  # first, again, plain


def test_a_collection_that_does_not_read_is_written_again(tmp_path):
    """Damaged behind the index's back (its size and mtime kept): written anew, no traceback."""
    def damage(cache):
        db = cache.with_name("deck.anki2")
        stat = db.stat()
        db.write_bytes(b"\x55" * stat.st_size)
        os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    (cached, cached_report), (plain, plain_report) = rebuild_both(
        tmp_path, make_items(), changes(make_items()), damage)
    assert cached == plain
    assert cached_report == plain_report


def test_a_build_that_stops_leaves_no_trusted_collection(tmp_path, monkeypatch):
    cache = tmp_path / "deck.marshal"
    build_deck(make_items(), tmp_path / "a", now=T0, cache_path=cache)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    monkeypatch.setattr(apkg, "_zip_atomic", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        build_deck(changes(make_items()), tmp_path / "a", now=T1, cache_path=cache)
    monkeypatch.undo()
    written = recording_note_rows(monkeypatch)
    report = build_deck(changes(make_items()), tmp_path / "a", now=T1, cache_path=cache)
    assert len(written) == report.notes  # a new collection
    build_deck(changes(make_items()), tmp_path / "b", now=T1)
    assert outputs(tmp_path / "a") == outputs(tmp_path / "b")


# ------------------------------------------------------------------------------------------
# Appending to the cards cache
# ------------------------------------------------------------------------------------------


def test_a_rebuild_appends_only_what_it_rendered(tmp_path, monkeypatch):
    from vault_builder.deck import cache as cards_cache

    cache = tmp_path / "deck.marshal"
    items = make_items()
    build_deck(items, tmp_path / "a", now=T0, cache_path=cache)
    before, entries = cache.read_bytes(), cards_cache.read(cache)[1]
    appended = []
    real = cards_cache.append
    monkeypatch.setattr(cards_cache, "append", lambda path, made: appended.append(len(made)) or real(path, made))
    minor = next(i for i in items if i.type == "claim" and not i.key)
    minor.text += " Eventually."
    build_deck(items, tmp_path / "a", now=T1, cache_path=cache)
    redone = 1 + sum(i.against == minor.id for i in items)
    assert appended == [redone] and cache.read_bytes().startswith(before)
    assert cards_cache.read(cache)[1] == entries + redone  # the stale ones too
    # More stale entries than live ones: the file is written anew with the live ones only.
    for n in range(8):
        for it in items[n % 2::2]:
            it.text += "!"
        build_deck(items, tmp_path / "a", now=T1 + 1 + n, cache_path=cache)
        entries, count = cards_cache.read(cache)
        assert count is not None and count <= 3 * len(items)


@pytest.mark.parametrize("damage", [
    lambda p: p.write_bytes(p.read_bytes()[:-7]),  # an append cut short
    lambda p: p.write_bytes(p.read_bytes() + b"\x00garbage"),
])
def test_a_damaged_tail_is_not_appended_to(tmp_path, monkeypatch, damage):
    from vault_builder.deck import cache as cards_cache

    (cached, _), (plain, _) = rebuild_both(tmp_path, make_items(), changes(make_items()), damage)
    assert cached == plain
    entries, count = cards_cache.read(tmp_path / "deck.marshal")
    assert count == len(entries)  # written anew (an append would have kept the stale entries)
