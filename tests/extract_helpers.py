"""Helpers for the extraction tests: fixture files and small hand-made corpora."""
from __future__ import annotations

import re
from pathlib import Path

from vault_builder.models import Block, Comment, Corpus, Post, Thread

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def read_fixtures(name: str) -> list[tuple[str, str, str, int]]:
    """markdown-it-py style fixtures: title / '.' / input / '.' / expected / '.' -> (title, input, expected, line)."""
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("#"):
            i += 1
            continue
        title, start = line.strip(), i + 1
        assert lines[i + 1] == ".", f"{name}:{i + 2}: expected '.' after title"
        j = i + 2
        inp = []
        while lines[j] != ".":
            inp.append(lines[j])
            j += 1
        j += 1
        exp = []
        while lines[j] != ".":
            exp.append(lines[j])
            j += 1
        out.append((title, "\n".join(inp), "\n".join(exp), start))
        i = j + 1
    return out


def rule_of(title: str) -> str:
    return re.split(r"[\s:]", title, maxsplit=1)[0]


def post(paragraphs: list[str], *, title: str = "Test post", author: str | None = "A. Author",
         comments: list[list[str]] | None = None, quotes: dict | None = None) -> Post:
    """A post from paragraphs (strings starting with '#' become headings); comments as lists of paragraphs.
    `quotes` maps (comment index, paragraph index) -> quoted block id."""
    blocks = []
    for n, text in enumerate(paragraphs, 1):
        if text.startswith("#"):
            blocks.append(Block(id=f"p{n}", kind="heading", text=text.lstrip("# "), level=2, file="t.md", line=n))
        else:
            blocks.append(Block(id=f"p{n}", kind="paragraph", text=text, file="t.md", line=n))
    p = Post(title=title, blocks=blocks, files=["t.md"], author=author)
    if comments:
        cs = []
        for ci, paras in enumerate(comments, 1):
            bl = []
            for pi, text in enumerate(paras, 1):
                q = (quotes or {}).get((ci, pi))
                bl.append(Block(id=f"c{ci}-p{pi}", kind="quote" if q else "paragraph", text=text, file="t.md", quotes=q))
            cs.append(Comment(id=f"c{ci}", blocks=bl))
        p.thread = Thread(comments=cs, files=["t.md"])
    return p


def corpus(*posts: Post) -> Corpus:
    return Corpus(posts=list(posts))
