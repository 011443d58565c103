"""The writer: atomic swap, user notes/status/user section kept, settings kept, byte-identical."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vault_builder import render, writer
from vault_builder.pipeline import BuildOptions, build
from vault_builder.writer import USER_MARKER, write_vault

GOLDEN_CORPUS = Path(__file__).parent / "golden" / "corpus"
pytestmark = pytest.mark.usefixtures("no_snippets")

NOTE = f"""---
id: x
type: claim
title: X
tags:
  - type/claim
---
# X

Generated text. ^p1

## Your notes

{USER_MARKER}
"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rebuild_keeps_user_note_status_and_user_section(tmp_path):
    """The issue's acceptance test, on a real build of the golden corpus."""
    out = tmp_path / "out"
    build(BuildOptions(sources=GOLDEN_CORPUS, out=out, anki=False))
    vault = out / "vault"
    claim = next((vault / "Claims").glob("*.md"))
    (vault / "Inbox").mkdir()
    (vault / "Inbox" / "My idea.md").write_text("# Mine\n\nLinks to [[Home]].\n", encoding="utf-8")
    text = claim.read_text(encoding="utf-8")
    text = text.replace("\ntype: claim\n", "\ntype: claim\nstatus: done\n", 1)
    text = text.replace(USER_MARKER, USER_MARKER + "\n\nMy thoughts on this claim.\n")
    claim.write_text(text, encoding="utf-8")

    build(BuildOptions(sources=GOLDEN_CORPUS, out=out, anki=False))

    assert (vault / "Inbox" / "My idea.md").read_text(encoding="utf-8") == "# Mine\n\nLinks to [[Home]].\n"
    rebuilt = claim.read_text(encoding="utf-8")
    assert "\nstatus: done\n" in rebuilt.split("---\n", 2)[1]
    assert rebuilt.split(USER_MARKER)[1] == text.split(USER_MARKER)[1]
    assert rebuilt.count(USER_MARKER) == 1


def test_two_builds_give_identical_bytes_and_a_rebuild_changes_nothing(tmp_path):
    build(BuildOptions(sources=GOLDEN_CORPUS, out=tmp_path / "a", anki=False))
    build(BuildOptions(sources=GOLDEN_CORPUS, out=tmp_path / "b", anki=False))
    first = snapshot(tmp_path / "a" / "vault")
    assert first == snapshot(tmp_path / "b" / "vault")
    build(BuildOptions(sources=GOLDEN_CORPUS, out=tmp_path / "a", anki=False))
    assert snapshot(tmp_path / "a" / "vault") == first


def test_status_added_to_note_without_it(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Claims/X.md": NOTE})
    (vault / "Claims" / "X.md").write_text(NOTE.replace("title: X\n", "title: X\nstatus: in progress\n"), encoding="utf-8")
    write_vault(vault, {"Claims/X.md": NOTE.replace("Generated text.", "New text.")})
    text = (vault / "Claims" / "X.md").read_text(encoding="utf-8")
    assert "status: in progress" in text and "New text." in text


def test_failed_build_leaves_previous_vault_as_it_was(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE})
    (vault / "Mine.md").write_text("mine\n", encoding="utf-8")
    before = snapshot(vault)
    with pytest.raises(ValueError):
        write_vault(vault, {"Home.md": "# New\n", "../escape.md": "x"})
    assert snapshot(vault) == before
    assert not (tmp_path / "escape.md").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]  # no staging folder left behind


def test_failed_render_never_touches_the_vault(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(BuildOptions(sources=GOLDEN_CORPUS, out=out, anki=False))
    before = snapshot(out / "vault")

    real = render.render_files

    def boom(*args, **kwargs):  # fails half-way, after some notes went to the writer
        for n, file in enumerate(real(*args, **kwargs)):
            if n == 20:
                raise RuntimeError("render failed")
            yield file

    monkeypatch.setattr("vault_builder.render.render_files", boom)
    shutil.rmtree(out / ".cache")  # nothing changed: without its state the build runs instead of reusing the outputs
    with pytest.raises(RuntimeError):
        build(BuildOptions(sources=GOLDEN_CORPUS, out=out, anki=False))
    assert snapshot(out / "vault") == before


def test_user_settings_kept_unless_flag(tmp_path):
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "app.json").write_text('{"mine": true}\n')
    problems = write_vault(vault, {".obsidian/app.json": '{"ours": true}\n', ".obsidian/graph.json": "{}\n"})
    assert (vault / ".obsidian" / "app.json").read_text() == '{"mine": true}\n'  # the user's own settings
    assert (vault / ".obsidian" / "graph.json").read_text() == "{}\n"
    assert [p.code for p in problems] == ["kept-user-settings"]
    # a settings file we wrote and the user did not change is updated
    write_vault(vault, {".obsidian/app.json": '{"ours": true}\n', ".obsidian/graph.json": '{"v": 2}\n'})
    assert (vault / ".obsidian" / "graph.json").read_text() == '{"v": 2}\n'
    # a settings file the user changed after we wrote it is kept
    (vault / ".obsidian" / "graph.json").write_text('{"user": 1}\n')
    write_vault(vault, {".obsidian/app.json": '{"ours": true}\n', ".obsidian/graph.json": '{"v": 3}\n'})
    assert (vault / ".obsidian" / "graph.json").read_text() == '{"user": 1}\n'
    write_vault(vault, {".obsidian/app.json": '{"ours": true}\n', ".obsidian/graph.json": '{"v": 3}\n'},
                overwrite_settings=True)
    assert (vault / ".obsidian" / "app.json").read_text() == '{"ours": true}\n'
    assert (vault / ".obsidian" / "graph.json").read_text() == '{"v": 3}\n'


def test_stale_generated_notes_go_unless_the_user_edited_them(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Claims/Old.md": NOTE, "Claims/Edited.md": NOTE, "Home.md": "# Home\n"})
    (vault / "Claims" / "Edited.md").write_text(NOTE + "\nmy words\n", encoding="utf-8")
    write_vault(vault, {"Home.md": "# Home\n"})
    assert not (vault / "Claims" / "Old.md").exists()
    assert (vault / "Claims" / "Edited.md").read_text(encoding="utf-8").endswith("my words\n")


def test_user_folders_and_symlinks_survive(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Home.md": "# Home\n"})
    (vault / "Empty folder").mkdir()
    (vault / "attachments").mkdir()
    (vault / "attachments" / "plot.png").write_bytes(b"\x89PNG")
    os.symlink("attachments/plot.png", vault / "link.png")
    write_vault(vault, {"Home.md": "# Home 2\n"})
    assert (vault / "Empty folder").is_dir()
    assert (vault / "attachments" / "plot.png").read_bytes() == b"\x89PNG"
    assert os.readlink(vault / "link.png") == "attachments/plot.png"
    assert (vault / "Home.md").read_text() == "# Home 2\n"


def test_user_marker_is_an_obsidian_comment():
    assert writer.USER_MARKER.startswith("%%") and writer.USER_MARKER.endswith("%%")


def test_unchanged_notes_are_linked_not_rewritten(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE, "Claims/Y.md": NOTE})
    (vault / "Claims" / "Y.md").write_text(NOTE.replace("title: X\n", "title: X\nstatus: done\n"), encoding="utf-8")
    inode = {name: (vault / "Claims" / name).stat().st_ino for name in ("X.md", "Y.md")}
    write_vault(vault, {"Home.md": "# Home 2\n", "Claims/X.md": NOTE, "Claims/Y.md": NOTE})
    assert (vault / "Claims" / "X.md").read_text(encoding="utf-8") == NOTE
    assert (vault / "Claims" / "X.md").stat().st_nlink == 1  # the old vault is gone
    if hasattr(os, "link"):
        assert (vault / "Claims" / "X.md").stat().st_ino == inode["X.md"]  # same bytes: the same file
    assert "status: done" in (vault / "Claims" / "Y.md").read_text(encoding="utf-8")  # the user's, kept
    assert (vault / "Home.md").read_text() == "# Home 2\n"


def test_failed_write_after_linking_leaves_the_old_vault_alone(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE})
    before = snapshot(vault)
    with pytest.raises(ValueError):
        write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE, "zz/../../escape.md": "x"})  # fails last
    assert snapshot(vault) == before
    assert (vault / "Claims" / "X.md").stat().st_nlink == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]


def test_generated_file_replaced_by_a_user_symlink_is_written_again(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE})
    (tmp_path / "elsewhere.md").write_text("not ours\n")
    (vault / "Claims" / "X.md").unlink()
    os.symlink(tmp_path / "elsewhere.md", vault / "Claims" / "X.md")
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE})
    assert not (vault / "Claims" / "X.md").is_symlink()
    assert (vault / "Claims" / "X.md").read_text(encoding="utf-8") == NOTE
    assert (tmp_path / "elsewhere.md").read_text() == "not ours\n"


def recorded_vault(tmp_path) -> tuple[Path, dict, Path]:
    """A vault, its stats record, and its note Claims/X.md as if written well before the
    manifest (a test writes everything within one clock tick: racily clean, always read)."""
    vault, stats = tmp_path / "vault", {}
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": NOTE, "Claims/Old.md": NOTE}, stats=stats)
    assert stats == {rel: [p.lstat().st_size, p.lstat().st_mtime_ns] for rel, p in
                     ((p.relative_to(vault).as_posix(), p) for p in vault.rglob("*") if p.is_file())}
    for name in ("X.md", "Old.md"):
        note = vault / "Claims" / name
        earlier = note.stat().st_mtime_ns - 10**10
        os.utime(note, ns=(earlier, earlier))
        stats["Claims/" + name] = [note.stat().st_size, earlier]
    return vault, stats, vault / "Claims" / "X.md"


def edit_keeping_size_and_mtime(note: Path, mtime_ns: int) -> None:
    edited = NOTE.replace("Generated text.", "Edited text!!!!")
    assert len(edited) == len(NOTE)
    note.write_text(edited, encoding="utf-8")
    os.utime(note, ns=(mtime_ns, mtime_ns))


def test_a_note_as_the_record_has_it_is_kept_unread(tmp_path, monkeypatch):
    vault, stats, note = recorded_vault(tmp_path)
    hashed = []
    real_sha = writer.sha
    monkeypatch.setattr(writer, "sha", lambda data: hashed.append(data) or real_sha(data))
    write_vault(vault, {"Home.md": "# Home 2\n", "Claims/X.md": writer.Deferred(lambda: NOTE, True)}, stats=stats)
    assert hashed == [b"# Home 2\n"]  # neither the kept note nor the dropped one was read
    assert note.read_text(encoding="utf-8") == NOTE and not (vault / "Claims" / "Old.md").exists()
    assert stats["Claims/X.md"] == [note.stat().st_size, note.stat().st_mtime_ns]


def test_a_note_changed_in_the_clock_tick_of_the_manifest_is_read(tmp_path):
    """Size and mtime prove nothing for a file written in the same clock tick as the manifest: an
    edit right after the build could leave both as they were."""
    vault, stats, note = recorded_vault(tmp_path)
    racy = stats[writer.MANIFEST][1]
    edit_keeping_size_and_mtime(note, racy)
    stats["Claims/X.md"] = [note.stat().st_size, racy]
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": writer.Deferred(lambda: NOTE, True)}, stats=stats)
    assert note.read_text(encoding="utf-8") == NOTE  # rendered again: the generated part restored


def test_a_record_of_another_vault_is_not_trusted(tmp_path):
    vault, stats, note = recorded_vault(tmp_path)
    edit_keeping_size_and_mtime(note, stats["Claims/X.md"][1])
    stats[writer.MANIFEST] = [1, 1]  # not the manifest the old vault has
    write_vault(vault, {"Home.md": "# Home\n", "Claims/X.md": writer.Deferred(lambda: NOTE, True)}, stats=stats)
    assert note.read_text(encoding="utf-8") == NOTE
