"""Per-format readers: one source file -> RawPosts (title, body blocks, thread blocks).

Each reader works from the structure of its format only; where the structure cannot decide (where
a thread starts in a file without a twin), the manifest's `hints` can.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from ..models import Block, Problem, SourceFile


@dataclass
class RawPost:
    """A post as found in one file, before merging duplicates and numbering blocks."""

    title: str
    blocks: list[Block]
    file: str
    fmt: str
    thread: list[Block] = field(default_factory=list)
    participants: list[str] = field(default_factory=list)
    thread_undecided: bool = False
    """True when the file has post and thread text but nothing said where one ends."""


# -- shared line classifiers ---------------------------------------------------------------------

PINGBACK = re.compile(r"\bby \d{1,2} \w{3} \d{4} \d{1,2}:\d\d UTC; \d+ points?\)")
IMAGE_LINE = re.compile(r"(\.(png|jpe?g|gif|svg|webp)$)|(\|\d{2,4}$)|(^\d{2,4} [A-Z])", re.I)
SIGN_OFF = re.compile(r"^(Cheers|Best|Thanks|Regards|Best wishes|Love|Yours|Sincerely),? \S+$")
REFERENCE_LINE = re.compile(r"^\[\d+\]:\s")
GLUED_IMAGE = re.compile(r"^(.{1,80}?\.(?:png|jpe?g|gif|svg|webp))(\S.*)$", re.I)
TITLE_END = re.compile(r"[.,;:!]\d{0,2}$")  # "...the function.1" ends a sentence + footnote mark


def is_title_like(line: str) -> bool:
    """A short line without sentence punctuation at its end: a heading or a post title."""
    s = line.strip()
    words = s.split()
    if not s or len(words) > 14 or len(s) > 100 or TITLE_END.search(s):
        return False
    if s.startswith(("•", "-", "*", "[", "(", "^")) or IMAGE_LINE.search(s) or SIGN_OFF.match(s) or "{" in s or "\\" in s:
        return False
    return s[0].isupper() or s[0].isdigit() or s[0] in "\"'“"


def block(kind: str, text: str, file: str, line: int, level: int = 0) -> Block:
    return Block(id="", kind=kind, text=text.strip(), level=level, file=file, line=line)


# -- Markdown ------------------------------------------------------------------------------------

_md = MarkdownIt("commonmark")


def markdown_blocks(text: str, file: str, line_offset: int = 0) -> list[Block]:
    """Block structure from markdown-it; each block keeps its source text (inline Markdown intact)."""
    lines = text.split("\n")
    out: list[Block] = []
    depth = 0  # list nesting
    in_item = 0
    quote = 0
    in_heading = False
    for tok in _md.parse(text):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif tok.type == "list_item_open":
            in_item += 1
        elif tok.type == "list_item_close":
            in_item -= 1
        elif tok.type == "blockquote_open":
            quote += 1
        elif tok.type == "blockquote_close":
            quote -= 1
        elif tok.type == "heading_close":
            in_heading = False
        elif tok.type == "heading_open":
            in_heading = True  # its inline token is the heading text, taken here from the line
            start, _ = tok.map
            content = re.sub(r"^\s*#{1,6}\s*|\s*#*\s*$", "", lines[start])
            out.append(block("heading", content, file, start + 1 + line_offset, int(tok.tag[1])))
        elif tok.type in ("fence", "code_block"):
            start, _ = tok.map
            out.append(block("code", tok.content.rstrip("\n"), file, start + 1 + line_offset))
        elif tok.type == "inline" and tok.map and not in_heading:
            start, end = tok.map
            src = "\n".join(lines[start:end])
            kind = "list_item" if in_item else ("quote" if quote else "paragraph")
            if kind == "list_item":
                src = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", src)
            if quote:
                src = re.sub(r"^\s*>\s?", "", src, flags=re.M)
            text_ = " ".join(l.strip() for l in src.split("\n"))
            out.append(block(kind, text_, file, start + 1 + line_offset, max(depth - 1, 0)))
    return out


def read_markdown(src: SourceFile) -> tuple[list[RawPost], list[Problem]]:
    text = src.text
    blocks = markdown_blocks(text, src.name)
    title = src.front_matter.get("title") or src.meta.get("title")
    if blocks and blocks[0].kind == "heading" and blocks[0].level == 1:
        title = title or blocks[0].text
        blocks = blocks[1:]
    title = str(title) if title else fallback_title(src)
    body, thread = split_post_and_thread(blocks, src)
    return [RawPost(title, body, src.name, src.format, thread)], []


def split_post_and_thread(blocks: list[Block], src: SourceFile) -> tuple[list[Block], list[Block]]:
    """Where does the post end and its comment thread begin?

    In order: a manifest hint (`thread_starts: "first words of the first comment"`); a pingback list
    (forum export: "- Title by 27 Nov 2023 11:10 UTC; 318 points) (") that sits between the two and
    belongs to neither. Otherwise the whole file is the post for now: segment may still cut it using a
    flat twin of the post body (merge.cut_threads_by_twins) or, failing that, the shape of its
    blocks (seams.guess_thread_start)."""
    hint = (src.meta.get("hints") or {}).get("thread_starts")
    if hint:
        for i, b in enumerate(blocks):
            if b.text.startswith(hint):
                return blocks[:i], blocks[i:]
    pings = [i for i, b in enumerate(blocks) if PINGBACK.search(b.text)]
    if pings:
        return blocks[: pings[0]], blocks[pings[-1] + 1:]
    return blocks, []


def fallback_title(src: SourceFile) -> str:
    stem = src.name.rsplit(".", 1)[0]
    return f"Untitled ({stem})"


# -- flat text (one line) -------------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(“\"])")


def read_flat(src: SourceFile) -> tuple[list[RawPost], list[Problem]]:
    """A post flattened to one line: no paragraph structure survives, so cut it into paragraphs of
    a few sentences (a twin with structure, if any, replaces this text when merging)."""
    text = re.sub(r"\s+", " ", src.text).strip()
    sentences = SENTENCE_END.split(text)
    paras, current = [], []
    for s in sentences:
        current.append(s)
        if sum(len(c) for c in current) > 600:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    blocks = [block("paragraph", p, src.name, 1) for p in paras]
    title = src.front_matter.get("title") or src.meta.get("title") or fallback_title(src)
    return [RawPost(str(title), blocks, src.name, "flat")], []


# -- forum page dump ------------------------------------------------------------------------------

FURNITURE = re.compile(
    r"^(Crossposted from .*|New Comment|\d+ comments?, sorted by.*|Reply|Load More.*|"
    r"Mentioned in|Moderation Log|\[-\]|\[\+\])$")
KARMA = re.compile(r"^(\d{1,4})(\S.{0,60})$")


def read_forum(src: SourceFile) -> tuple[list[RawPost], list[Problem]]:
    """A forum page saved as text: furniture, title, commenter/karma list, comments, post body last."""
    lines = src.text.split("\n")
    i, title, participants = 0, None, []
    while i < len(lines):
        s = lines[i].strip()
        if not s or FURNITURE.match(s):
            i += 1
            continue
        karma = KARMA.match(s)
        if title is not None and karma and not karma.group(2).strip()[0].isdigit() and len(s.split()) <= 5:
            participants.append(karma.group(2).strip())
            i += 1
            continue
        if title is None and is_title_like(s):
            title = s
            i += 1
            continue
        break
    rest = "\n".join(lines[i:])
    blocks = text_blocks(rest, src.name, line_offset=i)
    title = src.meta.get("title") or title or fallback_title(src)
    hint = (src.meta.get("hints") or {}).get("post_starts")
    if hint:
        for k, b in enumerate(blocks):
            if b.text.startswith(hint):
                return [RawPost(str(title), blocks[k:], src.name, "forum", blocks[:k], participants)], []
    # The post body's start is decided by merge.cut_thread_by_twin when the post has a twin; else
    # everything stays in the thread and segment reports it.
    return [RawPost(str(title), [], src.name, "forum", blocks, participants, thread_undecided=True)], []


# -- plain text, possibly several posts -----------------------------------------------------------

BULLET = re.compile(r"^(\s*)(?:[•●◦▪\-*+])\s+(.*)$")
NUMBERED = re.compile(r"^(\s*)(\d{1,3})[.)]\s+(.*)$")
CODE_LINE = re.compile(r"(^\t)|(^\s{4,}\S)|([{};]\s*(//.*)?$)|(^\s*//)|(^\s*\w[\w$]*\s*=\s*\S)")


def read_text(src: SourceFile) -> tuple[list[RawPost], list[Problem]]:
    """Plain text: paragraphs separated by blank lines, `•`/`-` bullets, indented numbered notes.
    A title-like line right after a block of footnotes (or at the top) starts a new post."""
    blocks = text_blocks(src.text, src.name)
    posts: list[RawPost] = []
    current: RawPost | None = None
    for k, b in enumerate(blocks):
        starts_post = b.kind == "heading" and (k == 0 or blocks[k - 1].kind == "footnote")
        if starts_post:
            current = RawPost(b.text, [], src.name, "text")
            posts.append(current)
            continue
        if current is None:
            current = RawPost(str(src.meta.get("title") or fallback_title(src)), [], src.name, "text")
            posts.append(current)
        current.blocks.append(b)
    if len(posts) == 1 and src.meta.get("title"):
        posts[0].title = str(src.meta["title"])
    return posts, []


def text_blocks(text: str, file: str, line_offset: int = 0) -> list[Block]:
    """Blocks of a plain-text layout, from blank lines, indentation and line shapes."""
    out: list[Block] = []
    paragraphs = split_paragraphs(text)
    for start, chunk in paragraphs:
        line = start + 1 + line_offset
        rows = chunk.split("\n")
        if looks_like_code(rows):
            out.append(block("code", "\n".join(r.rstrip() for r in rows), file, line))
            continue
        for offset, row in enumerate(rows):
            image = GLUED_IMAGE.match(row.strip())
            if image:  # "Pasted image 2023.pngThe Laplace ..." : an image and its caption
                out.append(block("image", image.group(1), file, line + offset))
                row = image.group(2)
            out.extend(classify_line(row, file, line + offset, out))
    return mark_footnotes(out)


def split_paragraphs(text: str) -> list[tuple[int, str]]:
    """(0-based start line, text) of each run of non-blank lines."""
    out, start, buf = [], 0, []
    for n, row in enumerate(text.split("\n")):
        if row.strip():
            if not buf:
                start = n
            buf.append(row)
        elif buf:
            out.append((start, "\n".join(buf)))
            buf = []
    if buf:
        out.append((start, "\n".join(buf)))
    return out


def looks_like_code(rows: list[str]) -> bool:
    code = sum(1 for r in rows if CODE_LINE.search(r) and not BULLET.match(r) and not NUMBERED.match(r))
    return len(rows) >= 2 and code >= max(2, 0.6 * len(rows))


def classify_line(row: str, file: str, line: int, previous: list[Block]) -> list[Block]:
    s = row.strip()
    bullet = BULLET.match(row)
    if bullet:
        return [block("list_item", bullet.group(2), file, line, indent_level(bullet.group(1)))]
    numbered = NUMBERED.match(row)
    if numbered and numbered.group(1):
        # indented "  1. text": a numbered list, or footnotes when it closes a post (mark_footnotes)
        return [block("numbered", numbered.group(3), file, line, indent_level(numbered.group(1)))]
    if REFERENCE_LINE.match(s):
        return [block("footnote", s, file, line)]
    if IMAGE_LINE.search(s):
        return [block("image", s, file, line)]
    if is_heading_line(s):
        return [block("heading", s, file, line, 2)]
    return [block("paragraph", s, file, line)]


def is_heading_line(s: str) -> bool:
    """Title-like lines; a question only when short ("Why theory?") or in Title Case."""
    if not s.endswith("?"):
        return is_title_like(s)
    words = s.rstrip("?").split()
    title_case = all(w[:1].isupper() or w.lower() in SMALL_WORDS for w in words)
    return is_title_like(s.rstrip("?")) and (len(words) <= 4 or title_case)


SMALL_WORDS = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "we", "do", "go", "from", "why", "is"}


def indent_level(indent: str) -> int:
    width = len(indent.replace("\t", "    "))
    return max(0, width // 2 - 1)


def mark_footnotes(blocks: list[Block]) -> list[Block]:
    """A run of indented numbered items that closes a post (followed by a title-like line or the
    end of the file, and not introduced by a paragraph ending with ':') is the post's footnotes;
    any other run is a numbered list."""
    k = 0
    while k < len(blocks):
        if blocks[k].kind != "numbered":
            k += 1
            continue
        j = k
        while j < len(blocks) and blocks[j].kind == "numbered":
            j += 1
        after = blocks[j] if j < len(blocks) else None
        introduced = k > 0 and blocks[k - 1].text.rstrip().endswith(":")
        footnotes = (after is None or after.kind == "heading") and not introduced
        for b in blocks[k:j]:
            b.kind = "footnote" if footnotes else "list_item"
        k = j
    return blocks


READERS = {
    "markdown": read_markdown,
    "flat": read_flat,
    "forum": read_forum,
    "text": read_text,
}


def read_html(src: SourceFile) -> tuple[list[RawPost], list[Problem]]:
    """Browser-saved HTML: converted to Markdown, then read as Markdown."""
    from dataclasses import replace

    from .html import html_to_markdown

    _, body = html_to_markdown(src.text)
    return read_markdown(replace(src, text=body, format="markdown"))


READERS["html"] = read_html
