"""The default build's vault, read by our checker and by an independent reader (obsidiantools)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from vault_builder.check import check_vault
from vault_builder.paths import FORBIDDEN, name_key

from vaultread import obsidiantools_report


@pytest.fixture(scope="module")
def vault(default_build) -> Path:
    return default_build / "vault"


@pytest.fixture(scope="module")
def items(default_build) -> list[dict]:
    return [json.loads(line) for line in (default_build / "items.jsonl").read_text(encoding="utf-8").splitlines()]


def meta(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n", 2)[1])


def test_vault_check_reports_no_problems(vault):
    assert [str(p) for p in check_vault(vault)] == []


def test_obsidiantools_finds_no_missing_and_no_isolated_notes(vault):
    report = obsidiantools_report(vault)
    assert report["nonexistent_notes"] == []
    assert report["nonexistent_media"] == []
    assert report["nonexistent_canvases"] == []
    assert len(report["isolated_notes"]) <= 2, report["isolated_notes"]
    assert report["notes"] == len(list(vault.rglob("*.md")))


def test_every_item_has_its_note_with_typed_front_matter(vault, items):
    folders = {"claim": "Claims", "definition": "Definitions", "example": "Examples", "counterexample": "Counterexamples"}
    for item in items:
        note = vault / item["note"]
        assert note.is_file(), item["note"]
        assert item["note"].startswith(folders[item["type"]] + "/")
        m = meta(note)
        assert m["id"] == item["id"] and m["type"] == item["type"]
        assert f"type/{item['type']}" in m["tags"]
        assert all(re.fullmatch(r"\[\[[^\[\]|#^]+\]\]", c) for c in m.get("concepts", []))
        if item["type"] == "claim":
            assert set(item["taxonomy"]) <= set(m) and isinstance(m["key"], bool) and isinstance(m["disputed"], bool)
        body = note.read_text(encoding="utf-8")
        assert "> [!quote] [[" in body and "#^" in body  # quote linked to its source block


def test_names_unique_case_insensitively_and_legal(vault):
    stems = [p.stem for p in vault.rglob("*.md")] + [p.name for p in vault.rglob("*.canvas")]
    assert len({name_key(s) for s in stems}) == len(stems)
    assert not [s for s in stems if set(s) & set(FORBIDDEN)]


def test_home_counts_and_reading_order(vault, default_build):
    home = (vault / "Home.md").read_text(encoding="utf-8")
    report = json.loads((default_build / "build-report.json").read_text(encoding="utf-8"))
    assert f"| Claims | {report['counts']['claims']} " in home
    assert f"| Posts | {report['counts']['posts']} |" in home
    assert "## Start here" in home and "[[Reading order]]" in home
    assert "status" in home and "Anki" in home


def test_concept_notes_gather_definitions_and_claims(vault):
    rlct = (vault / "Concepts" / "RLCT.md").read_text(encoding="utf-8")
    m = meta(vault / "Concepts" / "RLCT.md")
    assert m["type"] == "concept" and "learning coefficient" in m["aliases"]
    assert "## Definitions in the sources" in rlct and "## Claims about RLCT" in rlct
    assert re.search(r"> \[!quote\] \[\[[^\]]+\|Definition\]\] · \[\[[^\]]+#\^[A-Za-z0-9-]+\|", rlct)


def test_canvases_are_json_canvas_with_existing_files(vault):
    canvases = sorted(vault.glob("Maps/*.canvas"))
    assert any(c.name == "Concept map.canvas" for c in canvases)
    assert any(c.name.startswith("Debate map") for c in canvases)
    for c in canvases:
        data = json.loads(c.read_text(encoding="utf-8"))
        ids = {n["id"] for n in data["nodes"]}
        assert len(ids) == len(data["nodes"])
        for n in data["nodes"]:
            if n["type"] == "file":
                assert (vault / n["file"]).is_file()
        for e in data["edges"]:
            assert e["fromNode"] in ids and e["toNode"] in ids and e["label"]


def test_obsidian_settings(vault):
    graph = json.loads((vault / ".obsidian" / "graph.json").read_text())
    assert {g["query"] for g in graph["colorGroups"]} >= {"tag:#type/claim", "tag:#type/concept", "tag:#type/post"}
    types = json.loads((vault / ".obsidian" / "types.json").read_text())["types"]
    assert types["date"] == "date" and types["concepts"] == "multitext" and types["disputed"] == "checkbox"
    assert json.loads((vault / ".obsidian" / "app.json").read_text())


def test_graph_json_has_typed_edges_and_analyses(default_build):
    data = json.loads((default_build / "graph.json").read_text(encoding="utf-8"))
    kinds = {e["type"] for e in data["links"]}
    assert {"authored", "appears_in", "defines", "about", "mentions", "counterexample_to", "replies_to",
            "prerequisite"} <= kinds
    concepts = [n for n in data["nodes"] if n["type"] == "concept"]
    assert sorted(n["reading_order"] for n in concepts) == list(range(1, len(concepts) + 1))
    assert any(n.get("disputed") for n in data["nodes"] if n["type"] == "claim")


def test_snippets_embedded_with_outputs_and_module_copied(vault):
    from vault_builder import snippets

    code = vault / "_code" / snippets.MODULE_NAME
    assert (code / "__init__.py").is_file()
    home = (vault / "Home.md").read_text(encoding="utf-8")
    assert "## Computations" in home
    for s in snippets.SNIPPETS:
        assert s.title in home
    rlct = (vault / "Concepts" / "RLCT.md").read_text(encoding="utf-8")
    assert "## Compute it" in rlct and "```python {pre}" in rlct and "```text\n" in rlct
    assert rlct.count("```python {pre}") == 1  # one {pre} block per note
    poly = next(vault.glob("Concepts/15-parameter polynomial machine.md"))
    text = poly.read_text(encoding="utf-8")
    assert "type: topic" in text and "![[slt-poly15.png]]" in text
    assert (vault / "_code" / "plots" / "slt-poly15.png").read_bytes().startswith(b"\x89PNG")


FENCE = re.compile(r"```python\n(.*?)```\n+```text\n(.*?)```", re.S)
PRE = re.compile(r"```python \{pre\}\n(.*?)```", re.S)


def test_every_snippet_in_the_vault_prints_the_output_its_note_shows(vault, tmp_path):
    """Run each note's snippets as plain Python, the way a reader's Execute Code run would
    (the note's {pre} block first, @vault_path replaced), and compare with the embedded output."""
    import subprocess
    import sys

    notes = [p for p in sorted(vault.rglob("*.md")) if "```python {pre}" in p.read_text(encoding="utf-8")]
    assert len(notes) >= 8
    runs = 0
    for note in notes:
        text = note.read_text(encoding="utf-8")
        pre = PRE.search(text).group(1).replace("@vault_path", repr(vault.as_posix()))
        for code, shown in FENCE.findall(text):
            script = tmp_path / "snippet.py"
            script.write_text(pre + "\n" + code, encoding="utf-8")
            proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                                  env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg", "HOME": str(tmp_path),
                                       "PYTHONIOENCODING": "utf-8"}, timeout=120)
            assert proc.returncode == 0, (note.name, proc.stderr[-1500:])
            assert proc.stdout.strip() == shown.strip(), note.name
            runs += 1
    assert runs >= 8
