"""Hostile and broken input: each case gets a one-line message naming the file and what is wrong,
the good files still build, nothing is written outside --out, no traceback, and a failed build
leaves the previous output untouched."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GOOD = "# Good post\n\nThe learning coefficient measures the complexity of a singular model.\n"


def vault_build(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vault_builder.cli", "build", "--no-anki", "--no-snippets", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def content_with(root: Path, files: dict[str, bytes | str], manifest: str | None = None,
                 concepts: str | None = None) -> Path:
    src = root / "content" / "sources"
    src.mkdir(parents=True)
    for name, data in {"good.md": GOOD, **files}.items():
        (src / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    if manifest is not None:
        (root / "content" / "sources.yaml").write_text(manifest, encoding="utf-8")
    if concepts is not None:
        (root / "content" / "concepts.yaml").write_text(concepts, encoding="utf-8")
    return root / "content"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def problems(out: Path) -> list[dict]:
    return json.loads((out / "build-report.json").read_text())["problems"]


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "empty-file"),
    ("binary.txt", bytes(range(256)) * 40, "binary-file"),
    ("latin1.txt", "Caf\xe9 and na\xefve priors: the learning coefficient again.\n".encode("latin-1"), "not-utf8"),
    ("front.md", "---\ntitle: [unclosed\n---\n# Front\n\nSome text about the free energy.\n", "bad-front-matter"),
])
def test_bad_file_named_good_files_build(tmp_path, name, data, code):
    content = content_with(tmp_path, {name: data})
    proc = vault_build("--sources", str(content), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    line = next(l for l in proc.stderr.splitlines() if name in l)
    assert code in line and "\n" not in line
    assert any(p["code"] == code and p["where"].startswith(name) for p in problems(tmp_path / "out"))
    assert (tmp_path / "out" / "vault" / "Posts" / "Good post.md").is_file()


def test_non_utf8_text_is_kept_not_dropped(tmp_path):
    content = content_with(tmp_path, {"latin1.md": "# Caf\xe9 post\n\nThe na\xefve prior again.\n".encode("latin-1")})
    assert vault_build("--sources", str(content), "--out", "out", cwd=tmp_path).returncode == 0
    assert "The naïve prior again." in (tmp_path / "out" / "vault" / "Posts" / "Café post.md").read_text()


def test_huge_single_line_file_builds(tmp_path):
    sentence = "The learning coefficient of a singular model is smaller than half its dimension. "
    content = content_with(tmp_path, {"huge.txt": sentence * (5_000_000 // len(sentence))})
    proc = vault_build("--sources", str(content), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr
    assert len(list((tmp_path / "out" / "vault" / "Posts").glob("*.md"))) == 2


@pytest.mark.parametrize("which,text", [
    ("sources.yaml", "files:\n  good.md:\n    title: [broken\n"),
    ("sources.yaml", "files: [not, a, mapping]\n"),
    ("concepts.yaml", "concepts:\n  - name: RLCT\n    aliases: [unclosed\n"),
])
def test_malformed_config_exits_2_naming_file_and_line(tmp_path, which, text):
    config = {"manifest": text} if which == "sources.yaml" else {"concepts": text}
    content = content_with(tmp_path, {}, **config)
    proc = vault_build("--sources", str(content), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert any(line.startswith(f"{which}:") and line.split(":")[1].strip().isdigit() for line in proc.stderr.splitlines())
    assert not (tmp_path / "out").exists()


def test_hostile_titles_stay_inside_the_vault(tmp_path):
    titles = ["../../x", "/etc/passwd", 'a*b"c\\d/e<f>g:h|i?j#k^l[m]n', "CON", "   ", "..", "Same", "same", "Same"]
    files = {f"t{i}.md": f"---\ntitle: {json.dumps(t)}\n---\nBody {i} about the free energy.\n" for i, t in enumerate(titles)}
    content = content_with(tmp_path, files)
    before = snapshot(tmp_path)
    proc = vault_build("--sources", str(content), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    after = snapshot(tmp_path)
    outside = {k for k in after if not k.startswith("out/")} ^ {k for k in before}
    assert outside == set()  # nothing written outside --out
    posts = sorted(p.name for p in (tmp_path / "out" / "vault" / "Posts").iterdir())
    assert len(posts) == len(titles) + 1
    assert len({p.casefold() for p in posts}) == len(posts)
    for name in posts:
        assert not set(name[:-3]) & set('*"\\/<>:|?#^[]'), name
    check = subprocess.run([sys.executable, "-m", "vault_builder.cli", "check", str(tmp_path / "out" / "vault")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout


def test_missing_sources_folder(tmp_path):
    proc = vault_build("--sources", "nowhere", "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "nowhere: sources folder does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_output_that_is_a_file(tmp_path):
    content = content_with(tmp_path, {})
    (tmp_path / "out").write_text("keep me")
    proc = vault_build("--sources", str(content), "--out", "out", cwd=tmp_path)
    assert proc.returncode == 2 and "out: output path exists and is not a folder" in proc.stderr
    assert (tmp_path / "out").read_text() == "keep me"


def test_output_below_a_file(tmp_path):
    content = content_with(tmp_path, {})
    (tmp_path / "afile").write_text("x")
    proc = vault_build("--sources", str(content), "--out", "afile/out", cwd=tmp_path)
    assert proc.returncode in (1, 2) and "Traceback" not in proc.stderr
    (line,) = [l for l in proc.stderr.splitlines() if l.strip()]
    assert "afile" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_output_not_writable(tmp_path):
    content = content_with(tmp_path, {})
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        proc = vault_build("--sources", str(content), "--out", str(locked / "out"), cwd=tmp_path)
    finally:
        locked.chmod(0o700)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert len([l for l in proc.stderr.splitlines() if l.strip()]) == 1


def test_failed_build_leaves_previous_output_untouched(tmp_path):
    content = content_with(tmp_path, {})
    assert vault_build("--sources", str(content), "--out", "out", cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path / "out")
    (content / "concepts.yaml").write_text("concepts: [unclosed\n", encoding="utf-8")
    (content / "sources" / "new.md").write_text("# New\n\nMore text.\n", encoding="utf-8")
    assert vault_build("--sources", str(content), "--out", "out", cwd=tmp_path).returncode == 2
    assert snapshot(tmp_path / "out") == before
