"""The writer's in-place update of an existing vault: kept files untouched, an interrupted apply
repaired by the next build, the full-folder path where in place is not safe."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from vault_builder import writer
from vault_builder.writer import MANIFEST, USER_MARKER, write_vault

NOTE = f"---\nid: x\ntitle: X\n---\n# X\n\nGenerated. ^p1\n\n{USER_MARKER}\n"
FIRST = {"Home.md": "# Home\n", "Claims/X.md": NOTE, "Claims/Old.md": NOTE, "Gone/Only.md": "# only\n",
         ".obsidian/app.json": "{}\n"}
SECOND = {"Home.md": "# Home 2\n", "Claims/X.md": NOTE, "New/Deep/N.md": "# new\n", ".obsidian/app.json": '{"a": 1}\n',
          ".obsidian/new.json": "{}\n"}


def tree(root: Path) -> dict[str, bytes | str]:
    """Every entry below root: a file's bytes, "dir" or "link -> target"."""
    found: dict[str, bytes | str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        found[rel] = f"link -> {os.readlink(p)}" if p.is_symlink() else "dir" if p.is_dir() else p.read_bytes()
    return found


def with_user_files(vault: Path) -> None:
    (vault / "Mine.md").write_text("mine\n")
    (vault / "Claims" / "Old.md").write_text(NOTE + "my words\n")  # stale but edited: the user's now
    os.symlink("Mine.md", vault / "link.md")


def clean(tmp_path: Path, name: str) -> dict:
    """What a full-folder build of FIRST then SECOND (with the same user files) gives."""
    vault = tmp_path / name
    write_vault(vault, FIRST)
    with_user_files(vault)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(writer, "in_place_is_safe", lambda *args: False)
        write_vault(vault, SECOND)
    return tree(vault)


def test_a_symlinked_vault_is_updated_where_it_points_and_stays_a_link(tmp_path):
    """A vault kept elsewhere and linked into the output folder is rebuilt in its folder, in
    place, as any vault: the link is not replaced by a folder, nothing is left beside it."""
    elsewhere, out = tmp_path / "synced" / "SLT", tmp_path / "out"
    write_vault(elsewhere, FIRST)
    with_user_files(elsewhere)
    out.mkdir()
    os.symlink(elsewhere, out / "vault")
    write_vault(out / "vault", SECOND)
    assert os.readlink(out / "vault") == str(elsewhere)
    assert tree(elsewhere) == clean(tmp_path, "ref")
    assert sorted(p.name for p in out.iterdir()) == ["vault"]
    assert sorted(p.name for p in elsewhere.parent.iterdir()) == ["SLT"]


def test_a_rebuild_updates_the_vault_in_place_touching_only_what_changed(tmp_path, monkeypatch):
    vault, stats, ref = tmp_path / "vault", {}, clean(tmp_path, "ref")
    write_vault(vault, FIRST, stats=stats)
    with_user_files(vault)
    kept = (vault / "Claims" / "X.md").stat()
    linked = []
    monkeypatch.setattr(writer.os, "link", lambda *a: linked.append(a))
    write_vault(vault, SECOND, stats=stats)
    assert linked == []  # nothing hard-linked: the vault was updated in place
    assert (vault / "Claims" / "X.md").stat().st_ino == kept.st_ino
    assert (vault / "Claims" / "X.md").stat().st_ctime_ns == kept.st_ctime_ns  # not even relinked
    assert tree(vault) == ref
    assert stats == {rel: [p.lstat().st_size, p.lstat().st_mtime_ns] for rel, p in
                     ((p.relative_to(vault).as_posix(), p) for p in vault.rglob("*") if not p.is_dir())}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".vault")] == []  # no staging left


def test_a_render_error_leaves_the_vault_as_it_was(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, FIRST)
    before = tree(vault)

    def files():
        yield "Home.md", "# Home 2\n"
        yield "New/N.md", "# new\n"
        raise RuntimeError("render failed")
    with pytest.raises(RuntimeError):
        write_vault(vault, files())
    assert tree(vault) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]


def interrupt_apply(vault: Path, monkeypatch, moves: int) -> None:
    """Build SECOND over `vault` and stop it as a kill would, after the journal and `moves` of
    its files were moved in (the manifest never)."""
    real_replace, done = os.replace, []

    def replace(src, dst):
        if len(done) == moves + 1:
            raise KeyboardInterrupt("killed")
        done.append(dst)
        real_replace(src, dst)
    monkeypatch.setattr(writer.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        write_vault(vault, SECOND)
    monkeypatch.setattr(writer.os, "replace", real_replace)


@pytest.mark.parametrize("moves", [0, 1, 2, 3, 4])
def test_a_build_interrupted_while_applying_is_repaired_by_the_next(tmp_path, monkeypatch, moves):
    """A kill during the apply: some staged files moved in, others not, stale files not yet removed."""
    vault = tmp_path / "vault"
    write_vault(vault, FIRST)
    with_user_files(vault)
    interrupt_apply(vault, monkeypatch, moves)
    assert writer.read_manifest(vault)[1]  # the journal is there
    write_vault(vault, FIRST)  # what it had moved in counts as generated: replaced or dropped
    reference = tmp_path / "ref"
    write_vault(reference, FIRST)
    with_user_files(reference)
    write_vault(reference, FIRST)
    folders_left = {"New": "dir", "New/Deep": "dir"} if moves >= 3 else {}  # folders stay, as in the full path
    assert tree(vault) == tree(reference) | folders_left
    assert writer.read_manifest(vault)[1] == {}


@pytest.mark.parametrize("moves", [0, 2, 4])
def test_an_interrupted_apply_then_the_same_build_gives_the_clean_vault(tmp_path, monkeypatch, moves):
    vault = tmp_path / "vault"
    write_vault(vault, FIRST)
    with_user_files(vault)
    interrupt_apply(vault, monkeypatch, moves)
    write_vault(vault, SECOND)
    assert tree(vault) == clean(tmp_path, "ref")


def test_a_generated_path_where_the_user_has_a_folder_takes_the_full_folder_path(tmp_path):
    vault = tmp_path / "vault"
    write_vault(vault, FIRST)
    (vault / "New").mkdir()
    (vault / "New" / "Deep").symlink_to(tmp_path)  # in place would write through it
    with pytest.raises(OSError):
        write_vault(vault, SECOND)
    assert not (tmp_path / "N.md").exists()


def test_the_manifest_is_written_last(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    write_vault(vault, FIRST)
    real_replace, order = os.replace, []
    monkeypatch.setattr(writer.os, "replace", lambda s, d: order.append(os.fspath(d)) or real_replace(s, d))
    write_vault(vault, SECOND)
    assert order[-1] == os.fspath(vault / MANIFEST) and order[0] == os.fspath(vault / MANIFEST)
    assert len(order) == 2 + 4  # the journal, the four new or changed files, the manifest


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"generated": [1], "pending": "x"}', ""])
def test_a_damaged_manifest_reads_as_empty(tmp_path, text):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / MANIFEST).write_text(text, encoding="utf-8")
    assert writer.read_manifest(vault) == ({}, {})
    assert writer.read_manifest(tmp_path / "none") == ({}, {})


def test_the_manifest_reads_as_generated_and_pending(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / MANIFEST).write_text('{"generated": {"a.md": "1"}, "pending": {"b.md": "2"}}', encoding="utf-8")
    assert writer.read_manifest(vault) == ({"a.md": "1"}, {"b.md": "2"})
