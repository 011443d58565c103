"""The command line as a user meets it: exit codes, messages naming the file, outputs written."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vault_builder.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def make_sources(root: Path, files: dict[str, bytes | str]) -> Path:
    src = root / "sources"
    src.mkdir(parents=True)
    for name, data in files.items():
        (src / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return root


GOOD = "# A good post\n\nThe learning coefficient measures the complexity of a singular model.\n"


def test_version_and_help():
    assert run("--version").output.startswith("vault, version")
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        result = run(*args)
        assert result.exit_code == 0 and "Usage" in result.output


def test_build_from_any_directory_writes_all_outputs(tmp_path):
    """`vault build` with no arguments reads the bundled corpus and writes ./output."""
    proc = subprocess.run([sys.executable, "-m", "vault_builder.cli", "build", "--no-anki", "-q"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "output"
    for name in ("vault/Home.md", "items.jsonl", "graph.json", "build-report.json"):
        assert (out / name).is_file(), name
    report = json.loads((out / "build-report.json").read_text())
    assert report["counts"]["posts"] == 7 and report["counts"]["threads"] == 3
    assert len(list((out / "vault" / "Posts").glob("*.md"))) == 7
    assert len(list((out / "vault" / "Threads").glob("*.md"))) == 3
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("name,data,code", [
    ("empty.txt", b"", "empty-file"),
    ("binary.txt", b"\x00\x01\x02\xff" * 100, "binary-file"),
])
def test_bad_file_is_named_and_the_rest_builds(tmp_path, name, data, code):
    content = make_sources(tmp_path / "content", {name: data, "good.md": GOOD})
    out = tmp_path / "out"
    result = run("build", "--sources", str(content), "--out", str(out), "--no-anki")
    assert result.exit_code == 0
    assert f"{name}: error:" in result.output
    report = json.loads((out / "build-report.json").read_text())
    assert {(p["code"], p["where"]) for p in report["problems"]} >= {(code, name)}
    assert (out / "vault" / "Posts" / "A good post.md").is_file()


def test_strict_turns_problems_into_exit_1(tmp_path):
    content = make_sources(tmp_path / "content", {"empty.txt": b"", "good.md": GOOD})
    result = run("build", "--sources", str(content), "--out", str(tmp_path / "out"), "--no-anki", "--strict")
    assert result.exit_code == 1


def test_missing_sources_folder_is_a_usage_error(tmp_path):
    result = run("build", "--sources", str(tmp_path / "nope"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "nope: sources folder does not exist" in result.output
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_is_a_usage_error(tmp_path):
    content = make_sources(tmp_path / "content", {"good.md": GOOD})
    target = tmp_path / "out"
    target.write_text("I am a file")
    result = run("build", "--sources", str(content), "--out", str(target))
    assert result.exit_code == 2 and "is not a folder" in result.output
    assert target.read_text() == "I am a file"


def test_malformed_manifest_exits_2_and_keeps_the_old_vault(tmp_path):
    content = make_sources(tmp_path / "content", {"good.md": GOOD})
    out = tmp_path / "out"
    assert run("build", "--sources", str(content), "--out", str(out), "--no-anki").exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and "build-report" not in p.name}
    (content / "sources.yaml").write_text("files:\n  good.md: {title: [broken\n", encoding="utf-8")
    result = run("build", "--sources", str(content), "--out", str(out), "--no-anki")
    assert result.exit_code == 2
    assert "sources.yaml:" in result.output and "bad-manifest" in result.output
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and "build-report" not in p.name}
    assert after == before


def test_two_builds_are_byte_identical(tmp_path):
    content = make_sources(tmp_path / "content", {"good.md": GOOD, "other.md": "# Other\n\nWe define the free energy as the negative log evidence.\n"})
    trees = []
    for name in ("a", "b"):
        out = tmp_path / name
        assert run("build", "--sources", str(content), "--out", str(out), "--no-anki").exit_code == 0
        trees.append({p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
                      if p.is_file() and p.name != "build-report.json" and ".cache" not in p.parts})
    assert trees[0] == trees[1]


def test_anki_command_rebuilds_the_deck_from_items(tmp_path):
    content = make_sources(tmp_path / "content", {"good.md": GOOD + "\nWe define the free energy as the negative log of the evidence.\n"})
    out = tmp_path / "out"
    assert run("build", "--sources", str(content), "--out", str(out), "--no-anki").exit_code == 0
    assert not (out / "anki").exists()
    result = run("anki", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "anki" / "slt.apkg").is_file()
    assert run("anki", "--out", str(tmp_path / "nowhere")).exit_code == 2


def test_user_settings_are_kept_unless_asked(tmp_path):
    content = make_sources(tmp_path / "content", {"good.md": GOOD})
    out = tmp_path / "out"
    args = ["build", "--sources", str(content), "--out", str(out), "--no-anki"]
    assert run(*args).exit_code == 0
    app = out / "vault" / ".obsidian" / "app.json"
    app.write_text('{"mine": true}\n')
    assert run(*args).exit_code == 0
    assert app.read_text() == '{"mine": true}\n'
    assert run(*args, "--overwrite-settings").exit_code == 0
    assert "mine" not in app.read_text()
