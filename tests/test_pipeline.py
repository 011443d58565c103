"""The orchestrator's own promises: the interpreter is left as it was found, and the link stage's
title cache is used and never trusted blindly."""
from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import pytest

from vault_builder import buildcache, link
from vault_builder.pipeline import BuildOptions, build

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus  # noqa: E402

from test_incremental import built_then_edited, outputs, rebuild_recording  # noqa: E402


def options(sources: Path, out: Path) -> BuildOptions:
    return BuildOptions(sources=sources, out=out, snippets=False)


@pytest.mark.parametrize("enabled", [True, False])
def test_a_build_leaves_the_collector_as_it_found_it(tmp_path, enabled):
    write_corpus(tmp_path / "c", 3)
    (gc.enable if enabled else gc.disable)()
    try:
        build(options(tmp_path / "c", tmp_path / "out"))
        assert gc.isenabled() == enabled
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_a_failed_build_leaves_the_collector_on(tmp_path, monkeypatch):
    write_corpus(tmp_path / "c", 3)

    def broken(*args, **kwargs):
        assert not gc.isenabled()  # off while the build runs
        raise RuntimeError("render failed")

    monkeypatch.setattr("vault_builder.render.render_files", broken)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="render failed"):
        build(options(tmp_path / "c", tmp_path / "out"))
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_unchanged_items_keep_their_titles_without_titling_again(tmp_path, monkeypatch):
    sources, out, items = built_then_edited(tmp_path)
    titled = rebuild_recording(monkeypatch, link, "short_title", lambda item, *a: item.id, sources, out)
    assert 0 < len(titled) < items / 2  # the changed post's items and the defined terms


def test_damaged_title_cache_entries_are_made_again(tmp_path):
    files = write_corpus(tmp_path / "c", 4)
    out = tmp_path / "out"
    build(options(tmp_path / "c", out))
    entries = buildcache.load_stage_cache(out, "link")
    assert entries
    buildcache.save_stage_cache(out, "link", {key: n for n, key in enumerate(entries)})
    files[1].write_text(files[1].read_text(encoding="utf-8").replace(" the ", " a ", 1), encoding="utf-8")
    build(options(tmp_path / "c", out))
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(out, tmp_path) == outputs(tmp_path / "clean", tmp_path)


def test_edge_count_is_networkx_count():
    import networkx as nx

    from vault_builder.pipeline import edge_count

    g = nx.MultiDiGraph()
    g.add_edges_from([("a", "b"), ("a", "b"), ("b", "a"), ("c", "c"), ("a", "c", {"type": "x"})])
    g.add_node("lone")
    assert edge_count(g) == g.number_of_edges() == 5
    assert edge_count(nx.MultiDiGraph()) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_outputs_get_the_modes_the_umask_gives_not_tempfiles_private_ones(tmp_path):
    """Files written through a temporary file (tempfile: 0600, 0700) end with the mode a plain
    open() or mkdir() gives, on a first build and on a rebuild that writes them in place."""
    sources = tmp_path / "corpus"
    write_corpus(sources, 3)
    old = os.umask(0o027)
    try:
        out = tmp_path / "out"
        for _ in range(2):
            build(options(sources, out))
            (sources / "sources" / "00001.md").write_text("# A new title\n\nThe learning coefficient is small.\n")
            modes = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
            wrong = {rel: oct(mode) for rel, mode in modes.items()
                     if mode != (0o750 if (out / rel).is_dir() else 0o640)}
            assert not wrong
            assert {"vault", "anki/slt.apkg", "anki/state.json", "graph.json", "items.jsonl"} <= modes.keys()
    finally:
        os.umask(old)


def test_a_vault_linked_in_from_elsewhere_is_rebuilt_there_and_its_changes_seen(tmp_path):
    """out/vault a symlink to the user's synced folder: rebuilds update that folder and keep the
    link, and the deck's obsidian:// links name it; a no-op build is up to date, and a note
    deleted there is written again."""
    sources, out, _ = built_then_edited(tmp_path, posts=3)
    elsewhere = tmp_path / "synced" / "SLT"
    elsewhere.parent.mkdir()
    (out / "vault").rename(elsewhere)
    (out / "vault").symlink_to(elsewhere)
    clean = tmp_path / "clean"
    build(BuildOptions(sources=sources, out=clean, snippets=False, vault_name="SLT"))  # Obsidian opens SLT
    build(options(sources, out))
    assert (out / "vault").is_symlink() and sorted(p.name for p in elsewhere.parent.iterdir()) == ["SLT"]
    assert outputs(out, tmp_path) == outputs(clean, tmp_path)
    assert "up-to-date" in build(options(sources, out)).timings
    note = next(elsewhere.glob("Claims/*.md"))
    note.unlink()
    assert "up-to-date" not in build(options(sources, out)).timings
    assert note.read_bytes() == (clean / "vault" / note.relative_to(elsewhere)).read_bytes()
