"""`vault check DIR`: validate an Obsidian vault the way Obsidian will read it.

One pass reads every file once and builds an index (note names, headings, block ids, front
matter); a second pass checks links, anchors, tags and property types against that index, so a
vault of a few thousand notes takes a second or two. Every problem carries "rel/path:LINE".

Checks (problem codes):
  bad-file-name      a path component with a forbidden, control or Windows-reserved name
  duplicate-name     two notes (or canvases) with the same name, compared case-insensitively
  unreadable         a note or canvas that is not UTF-8
  unresolved-link    [[link]] / ![[embed]] whose target matches no file
  ambiguous-link     ... whose target matches several files
  missing-heading    [[Note#Heading]] where the target has no such heading
  missing-block      [[Note#^id]] where the target has no such block id
  invalid-block-id   a "^id" at the end of a line that is not Latin letters, digits and "-"
  duplicate-block-id the same block id twice in one note
  invalid-tag        a front-matter tag or inline #tag breaking Obsidian's tag rules
  bad-front-matter   YAML that does not parse, is not a mapping, has non-string or repeated keys
  unquoted-link      a [[link]] in front matter without quotes (YAML reads it as a nested list)
  property-type      a property whose type differs from its declared or usual type in the vault
  bad-canvas         a .canvas file breaking JSON Canvas 1.0
  bad-json           a .obsidian/*.json file that does not parse
  no-vault           the directory does not exist

Not checked (yet): Markdown-style links [text](Note.md), duplicate names among attachments other
than notes and canvases (reported only when a link becomes ambiguous), indented code blocks
(links inside them are checked as if they were text).
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import os
import posixpath
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from vault_builder.models import Problem
from vault_builder.paths import is_valid_block_id, is_valid_tag, name_key, name_problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# (rel path, line, code, message): sortable, turned into Problems at the end.
Raw = tuple[str, int, str, str]


@dataclass
class Note:
    """One Markdown file as read once by the checker."""

    rel: str
    text: str
    body: str = ""
    body_line: int = 1
    """1-based line number of the first body line (after the front matter)."""
    fm_text: str = ""
    fm_line: int = 2
    """1-based line number of the first front-matter line (after the opening ---)."""
    meta: dict = field(default_factory=dict)
    key_lines: dict = field(default_factory=dict)
    """Front-matter key -> line of the key."""
    item_lines: dict = field(default_factory=dict)
    """Front-matter key -> lines of its list items."""
    masked: str = ""
    """The body with code, math and comments blanked (same length and line breaks)."""
    headings: set = field(default_factory=set)
    blocks: set = field(default_factory=set)


@dataclass
class Index:
    """Everything link checks need: which files exist under which names."""

    root: Path
    files: list[str] = field(default_factory=list)
    by_name: dict = field(default_factory=lambda: defaultdict(list))
    by_path: dict = field(default_factory=dict)
    """name_key(rel) -> rel, for links by path (Obsidian compares paths case-insensitively)."""
    paths: set = field(default_factory=set)
    """Exact relative paths (canvas file nodes must name one)."""
    notes: dict = field(default_factory=dict)

    def add_file(self, rel: str) -> None:
        self.files.append(rel)
        self.by_name[name_key(posixpath.basename(rel))].append(rel)
        self.by_path[name_key(rel)] = rel
        self.paths.add(rel)


def check_vault(root: Path) -> list[Problem]:
    """Every problem found in the vault at `root`, sorted by file, line, code and message."""
    root = Path(root)
    if not root.is_dir():
        return [Problem(level="error", code="no-vault", message="not a directory", where=str(root))]
    raw: list[Raw] = []
    index = Index(root)
    for rel in _walk(root):
        index.add_file(rel)
    raw += _check_file_names(index.files)
    raw += _check_duplicates(index.files)
    canvases: dict[str, str] = {}
    for rel in index.files:
        if rel.endswith(".md") or rel.endswith(".canvas"):
            text, problem = _read_text(root / rel, rel)
            if problem:
                raw.append(problem)
            elif rel.endswith(".md"):
                index.notes[rel] = _read_note(rel, text, raw)
            else:
                canvases[rel] = text
    declared = _obsidian_json(root, raw)
    for note in index.notes.values():
        raw += _check_note_links(note, index)
        raw += _check_tags(note)
    raw += _check_property_types(index.notes.values(), declared)
    for rel, text in canvases.items():
        raw += _check_canvas(rel, text, index)
    return [
        Problem(level="error", code=code, message=msg, where=f"{rel}:{line}")
        for rel, line, code, msg in sorted(set(raw))
    ]


# --- files ------------------------------------------------------------------------------------


def _walk(root: Path) -> list[str]:
    """Relative POSIX paths of the files Obsidian indexes (hidden files and folders skipped)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        base = Path(dirpath).relative_to(root).as_posix()
        for f in sorted(filenames):
            if not f.startswith("."):
                out.append(f if base == "." else f"{base}/{f}")
    return sorted(out)


def _check_file_names(files: list[str]) -> list[Raw]:
    """Each path component must be a legal file name on every platform Obsidian runs on."""
    out, seen = [], set()
    for rel in files:
        parts = rel.split("/")
        for i, part in enumerate(parts):
            path = "/".join(parts[: i + 1])
            if path in seen:
                continue
            seen.add(path)
            problem = name_problem(part)
            if problem:
                out.append((path, 1, "bad-file-name", f"illegal name {part!r}: {problem}"))
    return out


def _check_duplicates(files: list[str]) -> list[Raw]:
    """Notes and canvases are linked by bare name, so names must be unique vault-wide."""
    groups = defaultdict(list)
    for rel in files:
        if rel.endswith((".md", ".canvas")):
            groups[name_key(posixpath.basename(rel))].append(rel)
    out = []
    for rels in groups.values():
        for rel in rels if len(rels) > 1 else []:
            others = ", ".join(r for r in rels if r != rel)
            out.append((rel, 1, "duplicate-name", f"name also used by {others} (names are compared case-insensitively)"))
    return out


def _read_text(path: Path, rel: str) -> tuple[str, Raw | None]:
    try:
        return path.read_bytes().decode("utf-8").replace("\r\n", "\n"), None
    except (UnicodeDecodeError, OSError) as err:
        return "", (rel, 1, "unreadable", f"cannot read as UTF-8 text: {err}")


# --- notes: front matter, masking, headings, block ids ----------------------------------------

_FM_CLOSE = re.compile(r"^---[ \t]*$", re.M)


def _read_note(rel: str, text: str, raw: list[Raw]) -> Note:
    """Split front matter from body, parse it, mask the body and collect headings and block ids."""
    note = Note(rel=rel, text=text, body=text)
    if text.startswith("---\n") or text == "---":
        close = _FM_CLOSE.search(text, 4)
        if close is None:
            raw.append((rel, 1, "bad-front-matter", "front matter opened with --- but never closed"))
        else:
            note.fm_text = text[4 : close.start()]
            note.body = text[close.end() + 1 :]
            note.body_line = text.count("\n", 0, close.end()) + 2
            raw += _parse_front_matter(note)
    note.masked = _mask(note.body)
    raw += _scan_anchors(note)
    return note


def _parse_front_matter(note: Note) -> list[Raw]:
    """Parse the YAML node by node, so that every key and list item keeps its line number."""
    out: list[Raw] = []
    loader = _Loader(note.fm_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return out
        if not isinstance(node, yaml.MappingNode):
            return [(note.rel, note.fm_line, "bad-front-matter", "front matter is not a mapping of properties")]
        out += _unquoted_links(note, node)
        for key_node, value_node in node.value:
            out += _add_property(note, loader, key_node, value_node)
    except yaml.YAMLError as err:
        # The context ("while parsing a flow sequence") points at the cause, the problem mark
        # only where the parser gave up.
        mark = getattr(err, "context_mark", None) or getattr(err, "problem_mark", None)
        line = note.fm_line + (mark.line if mark else 0)
        parts = [getattr(err, "context", None), getattr(err, "problem", None)]
        problem = " ".join(" ".join(p for p in parts if p).split()) or str(err)
        out.append((note.rel, line, "bad-front-matter", f"front matter is not valid YAML: {problem}"))
    finally:
        loader.dispose()
    return out


def _add_property(note: Note, loader, key_node, value_node) -> list[Raw]:
    line = note.fm_line + key_node.start_mark.line
    try:
        key = loader.construct_object(key_node, deep=True)
        value = loader.construct_object(value_node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError) as err:  # e.g. an impossible date 2024-13-45
        return [(note.rel, line, "bad-front-matter", f"property cannot be read: {err}")]
    if not isinstance(key, str):
        return [(note.rel, line, "bad-front-matter", f"property name {key!r} is not a string")]
    if key in note.meta:
        return [(note.rel, line, "bad-front-matter", f"property {key!r} appears twice")]
    note.meta[key] = value
    note.key_lines[key] = line
    if isinstance(value_node, yaml.SequenceNode):
        note.item_lines[key] = [note.fm_line + n.start_mark.line for n in value_node.value]
    return []


def _unquoted_links(note: Note, node) -> list[Raw]:
    """`key: [[X]]` is valid YAML for a list holding a list: find flow sequences opening "[[" ."""
    lines = note.fm_text.split("\n")
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            stack += [v for pair in n.value for v in pair]
        elif isinstance(n, yaml.SequenceNode):
            mark = n.start_mark
            if n.flow_style and lines[mark.line][mark.column :].startswith("[["):
                out.append((note.rel, note.fm_line + mark.line, "unquoted-link",
                            "wikilink in a property must be quoted (\"[[...]]\"), or YAML reads it as a nested list"))
            else:
                stack += n.value
    return out


_FENCE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})")  # any indent: fences in list items
_MASKS = [
    re.compile(r"<!--.*?-->", re.S),  # HTML comments (the build's user-section markers)
    re.compile(r"(?<!`)(`+)(?!`)[^\n]+?(?<!`)\1(?!`)"),  # inline code
    re.compile(r"\$\$.+?\$\$", re.S),  # display math
    re.compile(r"(?<![\\$])\$(?![\s$])[^$\n]+?(?<![\s\\])\$(?!\d)"),  # inline math
]
_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(match: re.Match) -> str:
    return _NOT_NEWLINE.sub(" ", match.group())


def _mask(body: str) -> str:
    """Blank what Obsidian does not read as links, tags or anchors: code, math, HTML comments."""
    lines, fence = body.split("\n"), None
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
        elif fence is not None and m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                and not line[m.end():].strip():
            fence = None
        elif fence is None:
            continue
        lines[i] = " " * len(line)
    text = "\n".join(lines)
    for pattern in _MASKS:
        text = pattern.sub(_blank, text)
    return text


_HEADING = re.compile(r"^(?:[ \t]*>)*[ \t]{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$", re.M)
_BLOCK_AT_END = re.compile(r"(?:^|[ \t])\^([\w-]+)[ \t]*$", re.M)


_NOT_WORD = re.compile(r"[\W_]+")


def heading_key(text: str) -> str:
    """How a heading and a link's #anchor are compared: case and punctuation ignored.

    Obsidian resolves [[Note#a, b]], [[Note#a b]] (its own link form: ":", "#", "|", "^", "[", "]"
    become spaces) and, from older versions, [[Note#Why]] for "Why?" alike; so compare words only.
    """
    words = _NOT_WORD.sub(" ", name_key(text)).split()
    return " ".join(words) if words else name_key(text).strip()


def _scan_anchors(note: Note) -> list[Raw]:
    """Collect headings and block ids (outside code), reporting invalid and repeated block ids."""
    for m in _HEADING.finditer(note.masked):
        if m.group(2):
            heading = note.body[m.start(2) : m.end(2)]
            note.headings.add(heading_key(heading))
    out, lines = [], _line_starts(note.masked)
    for m in _BLOCK_AT_END.finditer(note.masked):
        block, line = m.group(1), _line_of(lines, m.start(1), note.body_line)
        if not is_valid_block_id(block):
            out.append((note.rel, line, "invalid-block-id", f"block id ^{block}: only Latin letters, digits and '-'"))
        elif block in note.blocks:
            out.append((note.rel, line, "duplicate-block-id", f"block id ^{block} used twice in this note"))
        note.blocks.add(block)
    return out


def _line_starts(text: str) -> list[int]:
    return [m.end() for m in re.finditer("\n", text)]


def _line_of(starts: list[int], offset: int, first_line: int) -> int:
    return first_line + bisect.bisect_right(starts, offset)


# --- links ------------------------------------------------------------------------------------

_WIKILINK = re.compile(r"!?\[\[([^\n]*?)\]\]")


def _check_note_links(note: Note, index: Index) -> list[Raw]:
    """Links in the body (outside code and math) and in front-matter values."""
    out = []
    starts = _line_starts(note.masked)
    for m in _WIKILINK.finditer(note.masked):
        line = _line_of(starts, m.start(), note.body_line)
        out += _check_link(m.group(1), note.rel, line, index)
    fm_starts = _line_starts(note.fm_text)
    for m in _WIKILINK.finditer(note.fm_text):
        line = _line_of(fm_starts, m.start(), note.fm_line)
        out += _check_link(m.group(1), note.rel, line, index)
    return out


def _check_link(inner: str, rel: str, line: int, index: Index) -> list[Raw]:
    """One [[inner]]: the target must match exactly one file, and its anchor must exist there."""
    target = inner.split("|", 1)[0].rstrip("\\").strip()  # "\|" escapes the alias pipe in tables
    name, _, anchor = target.partition("#")
    name = name.strip()
    if not name and not anchor:
        return []
    if not name:
        dest = [rel]
    else:
        dest = _resolve(name, rel, index)
    if not dest:
        return [(rel, line, "unresolved-link", f"link [[{inner}]]: no file named {name!r}")]
    if len(dest) > 1:
        return [(rel, line, "ambiguous-link", f"link [[{inner}]]: {name!r} matches {', '.join(dest)}")]
    note = index.notes.get(dest[0])
    if note is None or not anchor:
        return []
    return _check_anchor(inner, anchor, note, rel, line)


def _resolve(name: str, rel: str, index: Index) -> list[str]:
    """Files a link target names, the way Obsidian looks them up (".md" may be left out)."""
    for candidate in (name, name + ".md"):
        key = name_key(candidate)
        if "/" not in candidate:
            hits = index.by_name.get(key)
            if hits:
                return sorted(hits)
            continue
        folder = posixpath.dirname(rel)
        for path in (candidate.lstrip("/"), posixpath.normpath(posixpath.join(folder, candidate))):
            hit = index.by_path.get(name_key(path))
            if hit:
                return [hit]
        suffix = [f for k, f in index.by_path.items() if k.endswith("/" + key)]
        if suffix:
            return sorted(suffix)
    return []


def _check_anchor(inner: str, anchor: str, note: Note, rel: str, line: int) -> list[Raw]:
    if anchor.startswith("^"):
        if anchor[1:].strip() in note.blocks:
            return []
        return [(rel, line, "missing-block", f"link [[{inner}]]: no block {anchor.strip()} in {note.rel}")]
    # [[Note#H1#H2]] names a sub-heading; the last part is the one that must exist.
    heading = [part for part in anchor.split("#") if part.strip()][-1:] or [""]
    if heading_key(heading[0]) in note.headings:
        return []
    return [(rel, line, "missing-heading", f"link [[{inner}]]: no heading {heading[0]!r} in {note.rel}")]


# --- tags -------------------------------------------------------------------------------------

# Obsidian ends an inline tag at whitespace or ASCII punctuation other than "_", "-" and "/".
_INLINE_TAG = re.compile(r"(?:^|(?<=\s))#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~]+)", re.M)
_HIDES_TAGS = re.compile(r"!?\[\[[^\n]*?\]\]|\[[^\]\n]*\]\([^)\n]*\)|\b[a-zA-Z][\w+.-]*://\S+")


def _check_tags(note: Note) -> list[Raw]:
    """Front-matter `tags` entries and inline #tags (outside code, math, links and URLs)."""
    out = []
    tags = note.meta.get("tags")
    if isinstance(tags, list):
        lines = note.item_lines.get("tags") or []
        for i, tag in enumerate(tags):
            line = lines[i] if i < len(lines) else note.key_lines["tags"]
            if not is_valid_tag(tag):
                out.append((note.rel, line, "invalid-tag", f"tag {tag!r} breaks Obsidian's tag rules"))
    text = _HIDES_TAGS.sub(_blank, note.masked)
    starts = _line_starts(text)
    for m in _INLINE_TAG.finditer(text):
        tag = m.group(1)
        # "#12" is plain text to Obsidian, not a broken tag; only judge what Obsidian sees as a tag.
        if all(ch.isdigit() or ch == "/" for ch in tag) or is_valid_tag(tag):
            continue
        line = _line_of(starts, m.start(), note.body_line)
        out.append((note.rel, line, "invalid-tag", f"inline tag #{tag} breaks Obsidian's tag rules"))
    return out


# --- property types ---------------------------------------------------------------------------

LIST_PROPERTIES = ("tags", "aliases", "cssclasses")
"""Obsidian's built-in list properties."""
_DECLARED_KIND = {"text": "text", "multitext": "list", "aliases": "list", "tags": "list",
                  "number": "number", "checkbox": "checkbox", "date": "date", "datetime": "datetime"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")


def property_kind(value) -> str | None:
    """Obsidian's view of a YAML value: list, checkbox, number, date, datetime, text or object."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "checkbox"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    text = str(value)
    if _DATE.fullmatch(text) and _is_date(text[:10]):
        return "date"
    if _DATETIME.fullmatch(text) and _is_date(text[:10]):
        return "datetime"
    return "text"


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_property_types(notes, declared: dict[str, str]) -> list[Raw]:
    """Each property keeps one type vault-wide: the declared one (.obsidian/types.json), the
    built-in one (tags, aliases, cssclasses: lists; date: a date), else the most common one."""
    seen = defaultdict(list)  # key -> [(rel, line, kind)]
    for note in sorted(notes, key=lambda n: n.rel):
        for key, value in note.meta.items():
            kind = property_kind(value)
            if kind:
                seen[key].append((note.rel, note.key_lines[key], kind))
    out = _check_list_items(notes)
    for key, uses in seen.items():
        expected = _expected_kind(key, uses, declared)
        for rel, line, kind in uses:
            if kind not in expected:
                why = "declared" if key in declared else "expected" if key in LIST_PROPERTIES + ("date",) else "used"
                out.append((rel, line, "property-type",
                            f"property {key!r} is {kind} here but {why} as {' or '.join(sorted(expected))}"))
    return out


def _check_list_items(notes) -> list[Raw]:
    """aliases and cssclasses hold strings (tags are checked, with their rules, by _check_tags)."""
    out = []
    for note in notes:
        for key in ("aliases", "cssclasses"):
            values = note.meta.get(key)
            lines = note.item_lines.get(key) or []
            for i, item in enumerate(values if isinstance(values, list) else []):
                if not isinstance(item, str) or not item.strip():
                    line = lines[i] if i < len(lines) else note.key_lines[key]
                    out.append((note.rel, line, "property-type", f"{key} entry {item!r} is not a non-empty string"))
    return out


def _expected_kind(key: str, uses: list, declared: dict[str, str]) -> set[str]:
    if key in declared and declared[key] in _DECLARED_KIND:
        return {_DECLARED_KIND[declared[key]]}
    if key in LIST_PROPERTIES:
        return {"list"}
    counts = Counter(kind for _, _, kind in uses)
    if key == "date":
        return {k for k in ("date", "datetime") if counts[k]} or {"date"}
    # Most common kind wins; ties go to the kind of the first note (sorted by path).
    first = {kind: i for i, (_, _, kind) in reversed(list(enumerate(uses)))}
    return {min(counts, key=lambda k: (-counts[k], first[k]))}


def _obsidian_json(root: Path, raw: list[Raw]) -> dict[str, str]:
    """Check .obsidian/*.json parse; return the property types declared in types.json."""
    declared: dict[str, str] = {}
    folder = root / ".obsidian"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        rel = f".obsidian/{path.name}"
        try:
            data = json.loads(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as err:
            raw.append((rel, 1, "bad-json", f"not UTF-8: {err}"))
            continue
        except json.JSONDecodeError as err:
            raw.append((rel, err.lineno, "bad-json", f"invalid JSON: {err.msg}"))
            continue
        if path.name == "types.json" and isinstance(data, dict) and isinstance(data.get("types"), dict):
            declared = {k: v for k, v in data["types"].items() if isinstance(v, str)}
    return declared


# --- canvas -----------------------------------------------------------------------------------

_NODE_FIELDS = {"text": ("text",), "file": ("file",), "link": ("url",), "group": ()}
_SIDES = {"top", "right", "bottom", "left"}
_ENDS = {"none", "arrow"}
_COLOR = re.compile(r"[1-6]|#[0-9A-Fa-f]{6}")


def _check_canvas(rel: str, text: str, index: Index) -> list[Raw]:
    """JSON Canvas 1.0 (jsoncanvas.org/spec/1.0): nodes, edges, colours, and files that exist."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return [(rel, err.lineno, "bad-canvas", f"invalid JSON: {err.msg}")]
    if not isinstance(data, dict):
        return [(rel, 1, "bad-canvas", "top level must be an object with 'nodes' and 'edges'")]
    nodes, edges = data.get("nodes", []), data.get("edges", [])
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return [(rel, 1, "bad-canvas", "'nodes' and 'edges' must be arrays")]
    out: list[Raw] = []
    node_ids: set = set()
    for node in nodes:
        out += _check_canvas_node(rel, text, node, node_ids, index)
    edge_ids: set = set()
    for edge in edges:
        out += _check_canvas_edge(rel, text, edge, node_ids, edge_ids)
    return out


def _canvas_line(text: str, obj) -> int:
    """Line of the object's "id" in the canvas source (1 if it cannot be found)."""
    oid = obj.get("id") if isinstance(obj, dict) else None
    if isinstance(oid, str):
        m = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(oid)), text)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return 1


def _check_canvas_node(rel: str, text: str, node, ids: set, index: Index) -> list[Raw]:
    line = _canvas_line(text, node)
    bad = lambda msg: [(rel, line, "bad-canvas", msg)]  # noqa: E731
    if not isinstance(node, dict):
        return bad("node is not an object")
    nid, kind = node.get("id"), node.get("type")
    if not isinstance(nid, str) or not nid:
        return bad("node without a string 'id'")
    if nid in ids:
        return bad(f"node id {nid!r} used twice")
    ids.add(nid)
    out = []
    if not _is_one_of(kind, _NODE_FIELDS):
        out += bad(f"node {nid!r}: type {kind!r} is not text, file, link or group")
    for key in ("x", "y", "width", "height"):
        if not isinstance(node.get(key), int) or isinstance(node.get(key), bool):
            out += bad(f"node {nid!r}: {key!r} must be an integer")
    for key in _NODE_FIELDS.get(kind, ()) if isinstance(kind, str) else ():
        if not isinstance(node.get(key), str):
            out += bad(f"node {nid!r}: {kind} node needs a string {key!r}")
    if "color" in node and not _valid_color(node["color"]):
        out += bad(f"node {nid!r}: color {node['color']!r} is not '1'-'6' or '#RRGGBB'")
    if kind == "file" and isinstance(node.get("file"), str):
        out += _check_canvas_file(rel, line, nid, node, index)
    if kind == "text" and isinstance(node.get("text"), str):
        for m in _WIKILINK.finditer(_mask(node["text"])):
            out += _check_link(m.group(1), rel, line, index)
    if kind == "group":
        if not _is_one_of(node.get("backgroundStyle", "cover"), ("cover", "ratio", "repeat")):
            out += bad(f"node {nid!r}: backgroundStyle must be cover, ratio or repeat")
        if "background" in node and not _is_one_of(node["background"], index.paths):
            out += bad(f"node {nid!r}: background {node['background']!r} does not exist")
    return out


def _check_canvas_file(rel: str, line: int, nid: str, node: dict, index: Index) -> list[Raw]:
    """File nodes hold a vault path (exact), and an optional subpath "#Heading" or "#^block"."""
    path, subpath = node["file"], node.get("subpath")
    if not _is_one_of(path, index.paths):
        return [(rel, line, "bad-canvas", f"node {nid!r}: file {path!r} does not exist")]
    if subpath is None:
        return []
    if not isinstance(subpath, str) or not subpath.startswith("#"):
        return [(rel, line, "bad-canvas", f"node {nid!r}: subpath must start with '#'")]
    note = index.notes.get(path)
    return _check_anchor(path + subpath, subpath[1:], note, rel, line) if note else []


def _check_canvas_edge(rel: str, text: str, edge, node_ids: set, ids: set) -> list[Raw]:
    line = _canvas_line(text, edge)
    if not isinstance(edge, dict) or not isinstance(edge.get("id"), str) or not edge["id"]:
        return [(rel, line, "bad-canvas", "edge without a string 'id'")]
    eid, out = edge["id"], []
    if eid in ids:
        out.append(f"edge id {eid!r} used twice")
    ids.add(eid)
    for key in ("fromNode", "toNode"):
        if not _is_one_of(edge.get(key), node_ids):
            out.append(f"edge {eid!r}: {key} {edge.get(key)!r} is not a node of this canvas")
    for key in ("fromSide", "toSide"):
        if key in edge and not _is_one_of(edge[key], _SIDES):
            out.append(f"edge {eid!r}: {key} must be top, right, bottom or left")
    for key in ("fromEnd", "toEnd"):
        if key in edge and not _is_one_of(edge[key], _ENDS):
            out.append(f"edge {eid!r}: {key} must be none or arrow")
    if "color" in edge and not _valid_color(edge["color"]):
        out.append(f"edge {eid!r}: color {edge['color']!r} is not '1'-'6' or '#RRGGBB'")
    if "label" in edge and not isinstance(edge["label"], str):
        out.append(f"edge {eid!r}: label must be a string")
    return [(rel, line, "bad-canvas", msg) for msg in out]


def _is_one_of(value, allowed) -> bool:
    """value is a string among allowed (JSON may hold lists or objects anywhere: never hash those)."""
    return isinstance(value, str) and value in allowed


def _valid_color(color) -> bool:
    return isinstance(color, str) and bool(_COLOR.fullmatch(color))
