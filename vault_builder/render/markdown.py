"""Obsidian Markdown pieces: front matter, links, escaping source text, blocks with block ids."""
from __future__ import annotations

import json
import re
from functools import lru_cache

import yaml

from ..models import Block
from ..paths import wikilink

_PLAIN = re.compile(r"[A-Za-z0-9À-ɏͰ-Ͽ][\w .,()&+’'/-]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def yaml_scalar(value) -> str:
    """One YAML scalar: plain where YAML reads it back unchanged, else double-quoted (JSON escapes
    are valid YAML), so `[[links]]`, colons, quotes and `#` can never change the meaning."""
    if type(value) is str:  # the usual case, first
        return _string_scalar(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return _string_scalar(str(value))


_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


@lru_cache(maxsize=65536)
def _string_scalar(text: str) -> str:
    if _DATE.fullmatch(text):
        return text  # a YAML date, which Obsidian shows as a date property
    if _PLAIN.fullmatch(text) and not text.endswith((" ", ".")) and _reads_back(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_back(text: str) -> bool:
    """Whether YAML reads this plain scalar back as the same string. _PLAIN admits no indicator,
    comment or line break, so the scalar is the text itself and only YAML's implicit typing
    (numbers, booleans, null, timestamps) can change it: ask the resolver yaml.load would use
    instead of parsing a whole document."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def front_matter(data: dict) -> str:
    """Flat, typed YAML properties in the given order; None and "" are left out, lists are block
    lists (an empty list stays, as `key: []`, for aliases and tags)."""
    lines = ["---"]
    for key, value in data.items():
        if type(value) is str:  # the usual case, first
            if value:
                lines.append(f"{key}: {_string_scalar(value)}")
            continue
        if value is None or value == "":
            continue
        if isinstance(value, (list, tuple)):
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            lines += ["  - " + (_string_scalar(v) if type(v) is str else yaml_scalar(v)) for v in value]
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def stem(note_path: str) -> str:
    """PurePosixPath(note_path).stem, for the plain "Folder/Name.md" paths of a vault, without
    building a path object (called for every note)."""
    name = note_path.rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def note_link(note_path: str, anchor: str | None = None, alias: str | None = None) -> str:
    """[[Name#anchor|alias]] for a vault path ("Claims/X.md" -> [[X]]); canvases keep ".canvas"."""
    name = note_path.rpartition("/")[2]  # vault paths are plain "Folder/Name.md" (PurePosixPath cost 1 s a build)
    name = name[:-3] if name.endswith(".md") else name
    return wikilink(name, anchor, alias)


# -- source text ----------------------------------------------------------------------------------

_TAG_LIKE = re.compile(r"(^|\s)#(?=[^\s#\d])")
_MATH_SPAN = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)


_SYNTAX_CHARS = re.compile(r"[\[\]%#^$]")


def escape_text(text: str) -> str:
    """Source text must not turn into Obsidian syntax: links, embeds, tags, comments, block ids,
    link references, headings. Math spans are left as they are."""
    if not _SYNTAX_CHARS.search(text):
        return text  # nothing below can apply: every rule needs one of these characters
    parts = []
    last = 0
    for m in _MATH_SPAN.finditer(text):
        parts.append(_escape_prose(text[last:m.start()]))
        parts.append(m.group())
        last = m.end()
    parts.append(_escape_prose(text[last:]))
    out = "".join(parts)
    out = re.sub(r"^(\[[^\]]+\]):", r"\\\1:", out)  # "[1]: Watanabe" is a link reference definition
    out = re.sub(r"^(#+)", r"\\\1", out)
    return out


def _escape_prose(text: str) -> str:
    text = text.replace("[[", "\\[\\[").replace("]]", "\\]\\]").replace("%%", "\\%\\%")
    text = _TAG_LIKE.sub(r"\1\\#", text)
    text = re.sub(r"(\s)\^(?=[A-Za-z0-9-]+\s*$)", r"\1\\^", text)  # a trailing " ^word" would be a block id
    return text


def one_line(text: str) -> str:
    return " ".join(text.split())


def quote_lines(text: str) -> str:
    """Text inside a callout: every line prefixed with "> " (blank lines as ">")."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.split("\n"))


def block_markdown(b: Block, quote_link: str | None = None) -> str:
    """One block with its id: inline `^id` after text, on its own line after multi-line blocks."""
    if b.kind == "heading":
        return f"{'#' * min(max(b.level, 2), 6)} {escape_text(one_line(b.text))}"
    if b.kind == "code":
        return f"```\n{b.text}\n```\n^{b.id}"
    if b.kind == "math":
        tex = b.text.strip().strip("$").strip()
        return f"$$\n{tex}\n$$\n^{b.id}" if tex else f"{escape_text(b.text)} ^{b.id}"
    if b.kind == "image":
        return f"*(image in the source: {escape_text(one_line(b.text))})* ^{b.id}"
    if b.kind == "list_item":
        return f"{'    ' * b.level}- {escape_text(one_line(b.text))} ^{b.id}"
    if b.kind == "quote":
        head = f"> [!quote] {quote_link}" if quote_link else "> [!quote]"
        return f"{head}\n{quote_lines(escape_text(b.text))}\n\n^{b.id}"
    if "\n" in b.text.strip():
        return f"{escape_text(b.text.strip())}\n^{b.id}"
    return f"{escape_text(b.text)} ^{b.id}"


def blocks_markdown(blocks: list[Block], quote_links: dict[str, str] | None = None) -> str:
    parts: list[str] = []
    for prev, b in zip([None] + blocks[:-1], blocks):
        sep = "\n" if prev is not None and prev.kind == "list_item" and b.kind == "list_item" else "\n\n"
        parts.append((sep if parts else "") + block_markdown(b, (quote_links or {}).get(b.id)))
    return "".join(parts)


def quote_callout(text: str, source_link: str, kind: str = "quote") -> str:
    """> [!quote] [[Post#^p12|Post, ¶12]] + the quoted text (escaped, math kept)."""
    return f"> [!{kind}] {source_link}\n{quote_lines(escape_text(text.strip()))}"
