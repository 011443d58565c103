"""Incremental builds: a rebuild reuses what it can, and its output is the output of a clean build.

Whatever the caches do, the contract is checked byte for byte: build, change one source file,
rebuild in place, and compare with a clean build of the changed corpus (vault, items.jsonl,
graph.json and the deck's rows; the deck's modification stamps legitimately differ, since a clean
build has no earlier cards to keep the stamps of).
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from jinja2 import Template

from vault_builder import buildcache
from vault_builder.render.items import TEMPLATES
from vault_builder.writer import USER_MARKER
from vault_builder.pipeline import BuildOptions, build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus  # noqa: E402

from test_deck import Apkg  # noqa: E402

ITEM_TEMPLATES = set(TEMPLATES.values())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def outputs(out: Path, tmp: Path) -> dict:
    pkg = Apkg(out / "anki" / "slt.apkg", tmp)
    guid = {nid: g for nid, g, *_ in pkg.notes}  # note ids are creation stamps: compare by guid
    notes = sorted((g, mid, tags, flds) for _, g, mid, _mod, _usn, tags, flds, *_ in pkg.notes)
    cards = sorted((guid[nid], did, ord_) for _, nid, did, ord_, *_ in pkg.cards)
    unstamped = lambda table: {k: {f: v for f, v in row.items() if f not in ("mod", "usn")} for k, row in table.items()}
    return {"vault": tree(out / "vault"), "items": (out / "items.jsonl").read_bytes(),
            "graph": (out / "graph.json").read_bytes(), "notes": notes, "cards": cards,
            "models": unstamped(pkg.models), "decks": unstamped(pkg.decks)}


def options(sources: Path, out: Path) -> BuildOptions:
    return BuildOptions(sources=sources, out=out, snippets=False)


def test_noop_rebuild_reuses_the_outputs(tmp_path):
    write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    first = build(options(tmp_path / "c", out))
    before = tree(out)
    again = build(options(tmp_path / "c", out))
    assert "up-to-date" in again.timings and "extract" not in again.timings
    assert again.counts == first.counts and again.problems == first.problems
    after = tree(out)
    before.pop("build-report.json"), after.pop("build-report.json")
    assert after == before


def test_touched_output_or_changed_option_means_a_real_build(tmp_path):
    write_corpus(tmp_path / "c", 3)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    note = next((out / "vault" / "Posts").glob("*.md"))
    head, sep, body = note.read_text(encoding="utf-8").partition("\n---\n")  # after the front matter
    note.write_text(head + sep + "user edit in the generated part\n" + body, encoding="utf-8")
    rebuilt = build(options(tmp_path / "c", out))
    assert "extract" in rebuilt.timings
    assert "user edit in the generated part" not in note.read_text(encoding="utf-8")
    assert "extract" in build(BuildOptions(sources=tmp_path / "c", out=out, snippets=False, anki=False)).timings


def test_one_changed_file_gives_the_clean_build(tmp_path):
    files = write_corpus(tmp_path / "c", 6)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    changed = files[3]
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace(" the ", " a ", 1) + "\nWe define the zorblax as the flat part of the prior.\n",
                       encoding="utf-8")
    build(options(tmp_path / "c", out))  # incremental
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(out, tmp_path) == outputs(tmp_path / "clean", tmp_path)


def retitle(files: list[Path], title: str) -> None:
    """The middle post takes `title` (front matter and heading): its notes move, and names can collide."""
    changed = files[len(files) // 2]
    text = changed.read_text(encoding="utf-8")
    old = text.split('title: "', 1)[1].split('"', 1)[0]
    changed.write_text(text.replace(old, title), encoding="utf-8")


def first_title(files: list[Path]) -> str:
    return files[0].read_text(encoding="utf-8").split('title: "', 1)[1].split('"', 1)[0]


EDITS = {
    "retitled": lambda files: retitle(files, "A post retitled"),
    "title taken from another post": lambda files: retitle(files, first_title(files)),
    # a concept named in one post and used by the others: items and notes change across the corpus
    "new concept": lambda files: files[1].write_text(
        files[1].read_text(encoding="utf-8") + "\nWe define a flat model (FM) as a model whose posterior is flat.\n",
        encoding="utf-8"),
    "file deleted": lambda files: files[2].unlink(),
    "file added": lambda files: (files[0].parent / "new.md").write_text(
        files[4].read_text(encoding="utf-8").replace("Post 4:", "Another post:"), encoding="utf-8"),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_each_kind_of_change_gives_the_clean_build(tmp_path, edit):
    """What a change reaches beyond its own file (note names, concepts, threads) is rebuilt too."""
    files = write_corpus(tmp_path / "c", 8)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    EDITS[edit](files)
    build(options(tmp_path / "c", out))
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(out, tmp_path) == outputs(tmp_path / "clean", tmp_path)


def test_a_change_undone_gives_the_first_build_again(tmp_path):
    files = write_corpus(tmp_path / "c", 6)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    first = outputs(out, tmp_path)
    original = files[3].read_text(encoding="utf-8")
    retitle(files, first_title(files))
    build(options(tmp_path / "c", out))
    files[3].write_text(original, encoding="utf-8")
    build(options(tmp_path / "c", out))
    assert outputs(out, tmp_path) == first


def test_failed_state_file_is_ignored(tmp_path):
    write_corpus(tmp_path / "c", 2)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    buildcache.cache_file(out, buildcache.STATE).write_bytes(b"not a state")
    assert "extract" in build(options(tmp_path / "c", out)).timings


def built_then_edited(tmp_path: Path, posts: int = 6) -> tuple[Path, Path, int]:
    """A corpus built once into tmp_path/out, then one of its files edited: (sources, out, items
    of the first build)."""
    files = write_corpus(tmp_path / "c", posts)
    out = tmp_path / "out"
    first = build(options(tmp_path / "c", out))
    changed = files[posts // 2]
    changed.write_text(changed.read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    return tmp_path / "c", out, sum(first.counts[k] for k in ("claims", "definitions", "examples", "counterexamples"))


def rebuild_recording(monkeypatch, owner, name: str, what, sources: Path, out: Path) -> list:
    """Rebuild with owner.<name> wrapped to record what(*args) of each call; the records."""
    records = []
    real = getattr(owner, name)
    monkeypatch.setattr(owner, name, lambda *a, **k: records.append(what(*a)) or real(*a, **k))
    build(options(sources, out))
    return records


def test_unchanged_notes_are_kept_not_rendered(tmp_path, monkeypatch):
    sources, out, item_notes = built_then_edited(tmp_path)
    rendered = rebuild_recording(monkeypatch, Template, "render", lambda template, *a: template.name, sources, out)
    items_rendered = sum(1 for name in rendered if name in ITEM_TEMPLATES)
    assert 0 < items_rendered < item_notes / 3  # the changed post's notes, not the other five posts'


def test_a_user_edit_in_an_unchanged_note_is_undone_and_their_notes_kept(tmp_path):
    """A kept note must be the file as the last build wrote it: one the user touched is rendered
    again (its generated part restored, their section below the marker carried over)."""
    files = write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    note = sorted((out / "vault" / "Claims").glob("*.md"))[0]
    generated = note.read_text(encoding="utf-8")
    assert generated.rstrip().endswith(USER_MARKER)
    note.write_text(generated.replace("\n## ", "\nmy edit in the generated part\n## ", 1) + "\nmy own remark\n",
                    encoding="utf-8")
    files[2].write_text(files[2].read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    build(options(tmp_path / "c", out))
    text = note.read_text(encoding="utf-8")
    assert "my edit in the generated part" not in text and text.endswith("\nmy own remark\n")


def test_damaged_stage_caches_are_redone_not_trusted(tmp_path):
    files = write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    for stage, bad in (("segment", {"posts": [{"title": 1}]}), ("extract", {"units": ["{not json"], "defs": []})):
        entries = buildcache.load_stage_cache(out, stage)
        assert entries
        buildcache.save_stage_cache(out, stage, {key: bad for key in entries})
    render = buildcache.load_stage_cache(out, "render")
    render["notes"] = {note: ["not", "a", "key"] for note in render["notes"]}
    render["files"] = {file: "not a stat" for file in render["files"]}
    buildcache.save_stage_cache(out, "render", render)
    files[1].write_text(files[1].read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    build(options(tmp_path / "c", out))
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(out, tmp_path) == outputs(tmp_path / "clean", tmp_path)


def test_a_stage_cache_file_with_damaged_bytes_reads_as_empty(tmp_path):
    """A flipped byte anywhere in a stage cache file (disk damage, a truncated copy) is caught by
    its checksum: the stage starts from nothing, and the rebuild still equals a clean build."""
    files = write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    for stage in ("segment", "extract", "link", "render", buildcache.STATE):
        assert buildcache.load_stage_cache(out, stage)
        path = buildcache.cache_file(out, stage)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x55
        path.write_bytes(bytes(data))
        assert buildcache.load_stage_cache(out, stage) == {}
    buildcache.cache_file(out, "segment").write_bytes(b"short")
    assert buildcache.load_stage_cache(out, "segment") == {}
    files[1].write_text(files[1].read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    build(options(tmp_path / "c", out))
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(out, tmp_path) == outputs(tmp_path / "clean", tmp_path)


def test_stage_caches_keep_their_values_and_drop_the_old_json_files(tmp_path):
    out = tmp_path / "out"
    (out / buildcache.CACHE_DIR).mkdir(parents=True)
    (out / buildcache.CACHE_DIR / "link.json").write_text("{}", encoding="utf-8")
    cache = {"a": ("x", 1, None, [b"\0", 2.5]), "b": {"c": ["d"]}}
    buildcache.save_stage_cache(out, "link", cache)
    assert buildcache.load_stage_cache(out, "link") == cache
    assert not (out / buildcache.CACHE_DIR / "link.json").exists()
    buildcache.save_stage_cache(out, "link", {"not plain data": object()})  # not written, no error
    assert buildcache.load_stage_cache(out, "link") == cache


def test_recorded_output_stats_are_those_on_disk(tmp_path):
    """The no-op check's record of the vault comes from the writer, not from reading the vault
    again: it must be what a scan finds, user files and links included."""
    files = write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    (out / "vault" / "Mine").mkdir()
    (out / "vault" / "Mine" / "idea.md").write_text("my note\n", encoding="utf-8")
    (out / "vault" / "Mine" / "link.md").symlink_to("idea.md")
    files[2].write_text(files[2].read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    build(options(tmp_path / "c", out))
    state = buildcache.load_stage_cache(out, buildcache.STATE)
    assert "vault/Mine/link.md" in state["outputs"]
    assert state["outputs"] == buildcache.output_stats(out)
    assert "up-to-date" in build(options(tmp_path / "c", out)).timings
