"""The cards cache (vault_builder.deck.cache): a rebuild that reuses it writes exactly what a
build without it writes, and a damaged cache only means the items are rendered again."""
from __future__ import annotations

import copy
import shutil

import pytest

import vault_builder.deck.build as deck_build
from vault_builder.deck import build_deck

from test_deck import T0, edit_one_word, make_items

T1 = T0 + 3600


def outputs(out):
    return {name: (out / name).read_bytes() for name in ("slt.apkg", "state.json", "removed.txt")
            if (out / name).exists()}


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


def test_unchanged_chunks_are_copied_not_encoded(tmp_path, monkeypatch):
    from vault_builder.deck import cache as cards_cache

    monkeypatch.setattr(cards_cache, "CHUNK", 2)  # several chunks of the dozen items
    cache = tmp_path / "deck.marshal"
    items = make_items()
    build_deck(items, tmp_path / "a", now=T0, cache_path=cache)
    encoded: list[str] = []
    real_entry = cards_cache.entry
    monkeypatch.setattr(cards_cache, "entry", lambda specs, problems: encoded.append(
        specs[0].key if specs else "") or real_entry(specs, problems))
    build_deck(copy.deepcopy(items), tmp_path / "a", now=T1, cache_path=cache)
    assert encoded == []
    items[0].concepts = ["RLCT", "Zeta function"]
    build_deck(copy.deepcopy(items), tmp_path / "a", now=T1 + 1, cache_path=cache)
    assert 0 < len(encoded) < len(items) / 2
    # The copied chunks read back whole: nothing is rendered on the next build.
    rendered: list[str] = []
    real = deck_build._cards_for
    monkeypatch.setattr(deck_build, "_cards_for", lambda it, *a: rendered.append(it.id) or real(it, *a))
    build_deck(copy.deepcopy(items), tmp_path / "a", now=T1 + 2, cache_path=cache)
    assert rendered == []
