"""The deck imported by the real ``anki`` package into a fresh collection, with the options a user
gets by default (update notes and note types "if newer", no merging, no scheduling)."""
from __future__ import annotations

import html
import re
import urllib.parse

import pytest

anki_collection = pytest.importorskip("anki.collection")
from anki.collection import (  # noqa: E402
    Collection,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)

from vault_builder import deck as deck_module  # noqa: E402
from vault_builder.deck import BASIC_MODEL_ID, CLOZE_MODEL_ID, build_deck  # noqa: E402

try:  # pytest puts tests/ on sys.path (rootdir-relative "tests.test_deck" if it is a package)
    from test_deck import T0, edit_one_word, make_items
except ImportError:  # pragma: no cover
    from tests.test_deck import T0, edit_one_word, make_items


@pytest.fixture
def col(tmp_path):
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def import_apkg(col: Collection, path):
    """Import as Anki's import dialog does by default; returns the import log."""
    options = ImportAnkiPackageOptions()  # defaults: update notes/notetypes if newer, no merge
    assert options.update_notes == 0 and options.update_notetypes == 0  # IF_NEWER
    assert not options.merge_notetypes and not options.with_scheduling
    return col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(path), options=options)).log


def our_notes(col: Collection):
    return [col.get_note(nid) for nid in col.find_notes("deck:SLT")]


def test_first_import(col, tmp_path):
    out = tmp_path / "anki"
    items = make_items()
    report = build_deck(items, out, now=T0)
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.conflicting) == 0 and len(log.missing_notetype) == 0
    assert len(log.missing_deck) == 0 and len(log.empty_first_field) == 0
    assert len(log.new) == report.notes and len(log.updated) == 0 and len(log.duplicate) == 0
    assert col.note_count() == report.notes
    assert col.card_count() == report.cards
    # decks
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert {"SLT", *report.decks} <= names
    for deck_name, count in report.decks.items():
        assert len(col.find_cards(f'"deck:{deck_name}"')) == count
    # tags
    all_tags = set(col.tags.all())
    for expected in ("type::claim", "type::definition", "type::counterexample", "key-claim",
                     "concept::rlct", "taxonomy::normative", "in::comments",
                     "post::my-criticism-of-singular-learning-theory"):
        assert expected in all_tags
    assert len(col.find_notes("tag:concept::rlct")) == 4  # RLCT def + cloze, CE, example
    assert len(col.find_notes("tag:type::definition")) == report.decks["SLT::Definitions"]
    # note types: ours, unforked
    assert col.models.get(BASIC_MODEL_ID)["name"] == deck_module.BASIC_MODEL_NAME
    assert col.models.get(CLOZE_MODEL_ID)["name"] == deck_module.CLOZE_MODEL_NAME
    by_item = {it.id: it for it in items}
    for note in our_notes(col):
        assert note.mid in (BASIC_MODEL_ID, CLOZE_MODEL_ID)
        for name, value in note.items():
            assert "$" not in value, (name, value)
        # every card has a working back-link to its item's note
        item = by_item[html.unescape(note["Key"]).split("#")[0]]
        href = html.unescape(re.search(r'href="([^"]+)"', note["Link"]).group(1))
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
        assert href.startswith("obsidian://open?")
        assert query == {"vault": ["vault"], "file": [item.note[:-3]]}
        for card in note.cards():
            rendered = card.answer()
            assert href.replace("&", "&amp;") in rendered
            assert note["Key"] not in card.question()  # hidden field
    # cloze cards render with the term hidden
    cloze = [n for n in our_notes(col) if n.mid == CLOZE_MODEL_ID]
    assert cloze and all("[...]" in n.cards()[0].question() for n in cloze)


def test_rebuild_without_change_imports_nothing(col, tmp_path):
    out = tmp_path / "anki"
    build_deck(make_items(), out, now=T0)
    import_apkg(col, out / "slt.apkg")
    before = {n.id: (n.guid, n.mod, n.fields) for n in our_notes(col)}
    models_before = len(col.models.all_names_and_ids())
    report = build_deck(make_items(), out, now=T0 + 3600)
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.new) == 0 and len(log.updated) == 0 and len(log.conflicting) == 0
    assert len(log.duplicate) == report.notes
    assert {n.id: (n.guid, n.mod, n.fields) for n in our_notes(col)} == before
    assert len(col.models.all_names_and_ids()) == models_before


def test_one_word_edit_updates_the_note_in_place(col, tmp_path):
    out = tmp_path / "anki"
    items = make_items()
    build_deck(items, out, now=T0)
    import_apkg(col, out / "slt.apkg")
    count = col.note_count()
    models_before = sorted((m.id, m.name) for m in col.models.all_names_and_ids())
    definition = items[0]
    (nid,) = col.find_notes(f'"Key:{definition.id}"')
    note = col.get_note(nid)
    mid, guid = note.mid, note.guid
    card_ids = [c.id for c in note.cards()]

    # study the card, so there is review history to keep
    card = col.get_card(card_ids[0])
    col.sched.set_due_date([card.id], "7")
    card.load()
    history = (card.type, card.queue, card.ivl, card.due)
    revlog = col.db.scalar("select count() from revlog where cid = ?", card.id)

    edited = edit_one_word(items, 0, "smallest", "largest")
    assert edited[0].id != definition.id
    report = build_deck(edited, out, now=T0 + 60)
    assert report.new == 0 and report.updated == 2  # the basic card and its cloze sibling
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.new) == 0 and len(log.conflicting) == 0
    assert len(log.updated) == 2
    assert col.note_count() == count
    assert sorted((m.id, m.name) for m in col.models.all_names_and_ids()) == models_before
    note = col.get_note(nid)
    assert (note.mid, note.guid) == (mid, guid)
    assert "largest pole" in note["Back"] and "smallest" not in note["Back"]
    assert [c.id for c in note.cards()] == card_ids
    card.load()
    assert (card.type, card.queue, card.ivl, card.due) == history
    assert col.db.scalar("select count() from revlog where cid = ?", card.id) == revlog
    # and a later rebuild without change updates nothing
    build_deck(edited, out, now=T0 + 120)
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.new) == 0 and len(log.updated) == 0


def test_template_change_updates_note_type_without_fork(col, tmp_path, monkeypatch):
    out = tmp_path / "anki"
    build_deck(make_items(), out, now=T0)
    import_apkg(col, out / "slt.apkg")
    models_before = sorted((m.id, m.name) for m in col.models.all_names_and_ids())
    # The note types read their CSS from the notetypes module.
    monkeypatch.setattr(deck_module.notetypes, "CSS", deck_module.CSS + "\n.slt-new { color: red; }\n")
    report = build_deck(make_items(), out, now=T0 + 60)
    assert report.updated == 0
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.new) == 0 and len(log.updated) == 0 and len(log.conflicting) == 0
    assert sorted((m.id, m.name) for m in col.models.all_names_and_ids()) == models_before
    assert ".slt-new" in col.models.get(BASIC_MODEL_ID)["css"]
    assert all(n.mid in (BASIC_MODEL_ID, CLOZE_MODEL_ID) for n in our_notes(col))


def test_removed_search_string_finds_the_removed_notes(col, tmp_path):
    out = tmp_path / "anki"
    items = make_items()
    items[10].id = 'exa_1*:&"(x)'  # an id full of Anki search and HTML specials
    build_deck(items, out, now=T0)
    import_apkg(col, out / "slt.apkg")
    count = col.note_count()
    gone = [items[0], items[10]]  # a definition (two notes) and an example
    report = build_deck([it for it in items if it not in gone], out, now=T0 + 60)
    assert report.removed == sorted([items[0].id, items[0].id + "#cloze", items[10].id])
    log = import_apkg(col, out / "slt.apkg")
    assert len(log.new) == 0 and len(log.updated) == 0
    assert col.note_count() == count  # import never deletes
    search = next(ln for ln in (out / "removed.txt").read_text().splitlines()
                  if not ln.startswith("#"))
    found = {html.unescape(col.get_note(nid)["Key"]) for nid in col.find_notes(search)}
    assert found == set(report.removed)


def test_default_build_deck_imports_cleanly(col, default_build):
    """The deck of the bundled corpus: counts match the build report, no math left as `$`, every
    back-link opens a note that exists in the vault."""
    import json

    report = json.loads((default_build / "build-report.json").read_text())
    log = import_apkg(col, default_build / "anki" / "slt.apkg")
    assert len(log.conflicting) == 0 and len(log.missing_notetype) == 0 and len(log.duplicate) == 0
    assert col.note_count() == report["counts"]["anki_notes"] == len(log.new)
    vault = default_build / "vault"
    for note in our_notes(col):
        for name, value in note.items():
            assert not re.search(r"\$\$|\$\\|\\\$", value), (name, value[:80])  # no TeX left in $...$
        href = html.unescape(re.search(r'href="([^"]+)"', note["Link"]).group(1))
        target = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)["file"][0]
        assert (vault / f"{target}.md").is_file(), target


def test_one_word_edit_in_a_source_updates_its_card_end_to_end(col, tmp_path):
    """Through the whole pipeline: edit one word of a source sentence that made a card, rebuild,
    re-import: the same note is updated in place, nothing is added, no note type forks."""
    from vault_builder.pipeline import BuildOptions, build

    src = tmp_path / "content" / "sources"
    src.mkdir(parents=True)
    post = ("# Learning coefficients\n\n"
            "We define the learning coefficient as the exponent of the volume of nearly optimal parameters.\n\n"
            "I think the learning coefficient therefore decides how well a singular model generalises.\n")
    (src / "post.md").write_text(post, encoding="utf-8")
    options = BuildOptions(sources=tmp_path / "content", out=tmp_path / "out", snippets=False)
    build(options)
    first = import_apkg(col, tmp_path / "out" / "anki" / "slt.apkg")
    count, models = col.note_count(), len(col.models.all_names_and_ids())
    assert len(first.new) == count > 0

    (src / "post.md").write_text(post.replace("nearly optimal", "almost optimal"), encoding="utf-8")
    build(options)
    second = import_apkg(col, tmp_path / "out" / "anki" / "slt.apkg")
    assert len(second.new) == 0 and len(second.updated) >= 1
    assert col.note_count() == count and len(col.models.all_names_and_ids()) == models
    texts = " ".join(value for note in our_notes(col) for value in note.values())
    assert "almost optimal" in texts and "nearly optimal" not in texts
