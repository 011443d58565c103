"""Ingest + segment, one fixture per format (markdown-it-py style: title, input, expected JSON).

Every fixture is a made-up post (not a seed), so these show the readers work from structure.
The first line of an input names the file (`file: NAME`); an optional `hints: {...}` line gives the
manifest hints for it.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from vault_builder import ingest
from vault_builder.segment import segment

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def read_fixtures(path: Path) -> list[tuple[str, str, str]]:
    """Cases of `title\n.\ninput\n.\nexpected\n.\n` separated by blank lines."""
    cases, lines, i = [], path.read_text(encoding="utf-8").split("\n"), 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"{path.name}: '.' expected after title {title!r}"
        parts, buf, j = [], [], i + 2
        while len(parts) < 2:
            if lines[j] == ".":
                parts.append("\n".join(buf))
                buf = []
            else:
                buf.append(lines[j])
            j += 1
        cases.append((title, parts[0], parts[1]))
        i = j
    return cases


CASES = [(f"{p.stem}: {title}", src, expected)
         for p in sorted(FIXTURES.glob("*.txt")) for title, src, expected in read_fixtures(p)]


def summarise(corpus) -> dict:
    posts = []
    for post in corpus.posts:
        entry = {
            "title": post.title,
            "author": post.author,
            "date": post.date,
            "blocks": [[b.id, b.kind, b.text] for b in post.blocks],
            "comments": [],
            "participants": post.thread.participants if post.thread else [],
            "authors": [c.author for c in post.thread.comments] if post.thread else [],
        }
        if post.thread:
            entry["comments"] = [[c.id, c.parent, [[b.id, b.kind, b.quotes] for b in c.blocks]]
                                 for c in post.thread.comments]
        posts.append(entry)
    return {"posts": posts}


def build_case(tmp_path: Path, src: str):
    head, _, body = src.partition("\n")
    name = head.removeprefix("file: ").strip()
    meta = {}
    if body.startswith("hints: "):
        hints_line, _, body = body.partition("\n")
        meta = {"hints": yaml.safe_load(hints_line.removeprefix("hints: "))}
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / name).write_text(body + "\n", encoding="utf-8")
    if meta:
        (tmp_path / "sources.yaml").write_text(yaml.safe_dump({"files": {name: meta}}), encoding="utf-8")
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    corpus, problems = segment(ingested.files)
    return corpus, ingested.problems + problems


@pytest.mark.parametrize("title,src,expected", CASES, ids=[c[0] for c in CASES])
def test_fixture(tmp_path, title, src, expected):
    corpus, problems = build_case(tmp_path, src)
    assert not [p for p in problems if p.level == "error"], problems
    got = summarise(corpus)
    want = json.loads(expected)
    assert len(got["posts"]) == len(want["posts"]), [p["title"] for p in got["posts"]]
    for g, w in zip(got["posts"], want["posts"]):
        for key, value in w.items():  # only what the fixture states is compared
            assert g[key] == value, f"{key} differs"


def test_every_format_has_a_fixture():
    formats = set()
    for p in sorted(FIXTURES.glob("*.txt")):
        for _, src, _ in read_fixtures(p):
            name = src.partition("\n")[0].removeprefix("file: ")
            body = src.partition("\n")[2]
            if body.startswith("hints: "):
                body = body.partition("\n")[2]
            formats.add(ingest.detect_format(name, body))
    assert formats >= {"markdown", "flat", "forum", "text", "html"}


@pytest.mark.parametrize("raw,code", [
    (b"", "empty-file"),
    (b"   \n\n", "empty-file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary-file"),
])
def test_unusable_files_are_reported_by_name(tmp_path, raw, code):
    (tmp_path / "bad.txt").write_bytes(raw)
    (tmp_path / "good.md").write_text("# Good\n\nA fine paragraph about the free energy.\n", encoding="utf-8")
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    assert [f.name for f in ingested.files] == ["good.md"]
    assert [(p.code, p.where) for p in ingested.problems] == [(code, "bad.txt")]


def test_non_utf8_is_decoded_with_a_warning(tmp_path):
    (tmp_path / "latin.txt").write_bytes("# Caf\xe9 au lait\n\nThe na\xefve prior.\n".encode("cp1252"))
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    assert ingested.files[0].text.startswith("# Café au lait")
    assert [(p.level, p.code, p.where) for p in ingested.problems] == [("warning", "not-utf8", "latin.txt")]


def test_broken_front_matter_is_a_warning_and_the_body_still_reads(tmp_path):
    (tmp_path / "fm.md").write_text("---\ntitle: [unclosed\n---\n# Real title\n\nBody text here.\n", encoding="utf-8")
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    corpus, _ = segment(ingested.files)
    assert [p.code for p in ingested.problems] == ["bad-front-matter"]
    assert corpus.posts[0].title == "Real title"


def test_malformed_manifest_names_file_and_line(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("# A\n\ntext\n", encoding="utf-8")
    (tmp_path / "sources.yaml").write_text("files:\n  a.md:\n    title: [oops\n", encoding="utf-8")
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    (problem,) = ingested.problems
    assert problem.code == "bad-manifest" and problem.where.startswith("sources.yaml:")
    assert int(problem.where.split(":")[1]) >= 3


def test_unsupported_file_type_is_reported_and_skipped(tmp_path):
    (tmp_path / "paper.pdf").write_bytes(b"%PDF-1.4 not a post")
    (tmp_path / "good.md").write_text("# Good\n\nA fine paragraph about the free energy.\n", encoding="utf-8")
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    assert [f.name for f in ingested.files] == ["good.md"]
    assert [(p.code, p.where) for p in ingested.problems] == [("unsupported-file", "paper.pdf")]
