"""A second opinion: the real obsidiantools package reads the sample vault like our checker does."""
from __future__ import annotations

import pytest
from vaultread import CLEAN_VAULT, obsidiantools_report, write_vault

from vault_builder.check import check_vault

pytest.importorskip("obsidiantools")


def test_clean_vault_reads_clean_in_obsidiantools(tmp_path):
    root = write_vault(tmp_path, CLEAN_VAULT)
    report = obsidiantools_report(root)
    assert report["nonexistent_notes"] == []
    assert report["isolated_notes"] == []
    assert report["nonexistent_media"] == [] and report["nonexistent_canvases"] == []
    assert (report["notes"], report["canvases"]) == (3, 1)
    assert report["links"] >= 6 and report["same_note_links"] == 2
    assert check_vault(root) == []


def test_obsidiantools_and_check_agree_on_a_broken_vault(tmp_path):
    files = dict(CLEAN_VAULT)
    files["Posts/My Post.md"] = files["Posts/My Post.md"].replace("[[RLCT|λ]]", "[[Missing note|λ]]")
    files["Notes/Alone.md"] = "# Alone\n\nNo links in or out.\n"
    root = write_vault(tmp_path, files)
    report = obsidiantools_report(root)
    assert report["nonexistent_notes"] == ["Missing note"]
    assert report["isolated_notes"] == ["Alone"]
    assert [(p.code, p.where) for p in check_vault(root)] == [("unresolved-link", "Posts/My Post.md:19")]  # "Second paragraph" line
