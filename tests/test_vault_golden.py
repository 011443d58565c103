"""Golden tree: the made-up corpus in tests/golden/corpus builds exactly the vault in
tests/golden/expected (every file, sorted, diffed). After an intended change, review the diff and
run `pytest tests/test_vault_golden.py --update-golden`."""
from __future__ import annotations

import difflib
import shutil
from pathlib import Path

from vault_builder.pipeline import BuildOptions, build

GOLDEN = Path(__file__).parent / "golden"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def build_golden(out: Path) -> Path:
    result = build(BuildOptions(sources=GOLDEN / "corpus", out=out, anki=False))
    assert not result.failed, [str(p) for p in result.problems]
    return out / "vault"


def test_golden_vault(tmp_path, update_golden, no_snippets):
    got = tree(build_golden(tmp_path / "out"))
    expected_dir = GOLDEN / "expected"
    if update_golden:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in got.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = tree(expected_dir)
    assert sorted(got) == sorted(expected), "file lists differ (run with --update-golden after reviewing)"
    diffs = []
    for rel in sorted(got):
        if got[rel] != expected[rel]:
            diffs += difflib.unified_diff(expected[rel].decode("utf-8", "replace").splitlines(),
                                          got[rel].decode("utf-8", "replace").splitlines(),
                                          f"expected/{rel}", f"got/{rel}", lineterm="", n=1)
    assert not diffs, "\n".join(diffs[:80])


def test_golden_build_is_byte_identical_twice(tmp_path, no_snippets):
    first = tree(build_golden(tmp_path / "a"))
    second = tree(build_golden(tmp_path / "b"))
    assert first == second


def test_golden_vault_checks_clean(tmp_path, no_snippets):
    from vault_builder.check import check_vault

    vault = build_golden(tmp_path / "out")
    assert [str(p) for p in check_vault(vault)] == []
