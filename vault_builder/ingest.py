"""Ingest: the only stage that reads source files.

Finds the corpus folder (bundled default or `--sources`), reads its manifest, decodes every source
file (reporting, never raising, on empty, binary or undecodable input) and detects its format.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .models import Problem, SourceFile

SOURCE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
MAX_BYTES = 20 * 1024 * 1024
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader, in C when libyaml is there (front matter of thousands of posts)."""
"""Files larger than this are refused (a corpus file is a post, not a data dump)."""


@dataclass
class CorpusPaths:
    """Where one corpus lives: a folder laid out like `content/`, or a plain folder of sources."""

    sources: Path
    manifest: Path | None
    concepts: Path | None
    overrides: Path | None


@dataclass
class Ingested:
    files: list[SourceFile]
    manifest: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def default_content_dir() -> Path:
    """The bundled corpus: `vault_builder/_data/content` in a wheel, `<repo>/content` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "content", here.parent / "content"):
        if (candidate / "sources").is_dir():
            return candidate
    raise FileNotFoundError("the bundled corpus is missing (neither _data/content nor ../content)")


def corpus_paths(root: Path) -> CorpusPaths:
    """A folder with a `sources/` subfolder is a content folder; any other folder is the sources."""
    if (root / "sources").is_dir():
        def opt(name: str) -> Path | None:
            p = root / name
            return p if p.is_file() else None

        return CorpusPaths(root / "sources", opt("sources.yaml"), opt("concepts.yaml"), opt("overrides.yaml"))
    return CorpusPaths(root, None, None, None)


def read_corpus(paths: CorpusPaths) -> Ingested:
    manifest, problems = load_manifest(paths.manifest)
    files = []
    for path in sorted(paths.sources.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.suffix.lower() not in SOURCE_SUFFIXES:
            problems.append(Problem("warning", "unsupported-file",
                                    f"not a source format (use {', '.join(sorted(SOURCE_SUFFIXES))}); skipped", path.name))
            continue
        source, file_problems = read_source(path, manifest.get(path.name, {}))
        problems.extend(file_problems)
        if source is not None:
            files.append(source)
    for name in sorted(set(manifest) - {f.name for f in files} - {p.name for p in paths.sources.iterdir()}):
        problems.append(Problem("warning", "manifest-unknown-file", f"sources.yaml lists {name!r}, which is not in the sources folder", "sources.yaml"))
    return Ingested(files, manifest, problems)


def load_manifest(path: Path | None) -> tuple[dict, list[Problem]]:
    """sources.yaml: `files: {name: {title, author, url, date, confidence, hints}}`."""
    if path is None:
        return {}, []
    data, problems = load_yaml(path, "bad-manifest")
    if problems:
        return {}, problems
    files = (data or {}).get("files", {}) if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, dict) for v in files.values()):
        return {}, [Problem("error", "bad-manifest", "expected `files:` mapping file names to mappings", f"{path.name}:1")]
    return files, []


def load_yaml(path: Path, code: str) -> tuple[object, list[Problem]]:
    """Read and parse a YAML file; any failure becomes one Problem naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem("error", code, f"cannot read: {exc}", path.name)]
    return parse_yaml(text, path.name, code)


def parse_yaml(text: str, name: str, code: str) -> tuple[object, list[Problem]]:
    """Parse YAML text; a syntax error becomes one Problem at `name:LINE` (never an exception)."""
    try:
        return yaml.load(text, Loader=YAML_LOADER), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        reason = str(getattr(exc, "problem", None) or exc).strip().splitlines()[0]
        return None, [Problem("error", code, f"YAML does not parse: {reason}", f"{name}:{line}")]


def read_source(path: Path, meta: dict) -> tuple[SourceFile | None, list[Problem]]:
    name = path.name
    size = path.stat().st_size
    if size > MAX_BYTES:
        return None, [Problem("error", "too-large", f"file is {size // 1024 // 1024} MB, over the {MAX_BYTES // 1024 // 1024} MB limit; skipped", name)]
    raw = path.read_bytes()
    if not raw.strip():
        return None, [Problem("error", "empty-file", "file is empty; skipped", name)]
    if looks_binary(raw):
        return None, [Problem("error", "binary-file", "file is binary, not text; skipped", name)]
    text, encoding = decode(raw)
    problems = []
    if encoding != "utf-8":
        problems.append(Problem("warning", "not-utf8", f"not valid UTF-8; decoded as {encoding}", name))
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    front, text = split_front_matter(text)
    if front is None:
        problems.append(Problem("warning", "bad-front-matter", "front matter does not parse as a YAML mapping; ignored", f"{name}:1"))
        front = {}
    fmt = detect_format(name, text)
    sha = hashlib.sha256(raw).hexdigest()
    return SourceFile(name, text, fmt, dict(meta), front, sha), problems


CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return controls > len(head) * 0.05


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 if it is; else Windows-1252 (what browsers assume), else Latin-1 (never fails)."""
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1"


FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """Return (front matter mapping, body). None for front matter that is there but broken."""
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.load(m.group(1), Loader=YAML_LOADER)
    except yaml.YAMLError:
        return None, text[m.end():]
    if data is None:
        data = {}
    return (data if isinstance(data, dict) else None), text[m.end():]


KARMA_LINE = re.compile(r"^\d{1,4}[^\d\s].{0,60}$")
COMMENT_COUNT = re.compile(r"^\d+ comments?, sorted by", re.M)


def detect_format(name: str, text: str) -> str:
    """Decide how a file is laid out, from its structure (see DESIGN.md §2)."""
    head = text.lstrip()[:2000].lower()
    if name.lower().endswith((".html", ".htm")) or head.startswith(("<!doctype html", "<html")) or "<body" in head:
        return "html"
    lines = [l for l in text.split("\n") if l.strip()]
    if len(lines) == 1 and len(text) > 200 and len(re.findall(r"[.!?] ", text)) >= 2:
        return "flat"
    karma = sum(1 for l in lines[:80] if KARMA_LINE.match(l.strip()))
    if COMMENT_COUNT.search(text) or (karma >= 3 and any(l.strip() == "New Comment" for l in lines)):
        return "forum"
    if name.lower().endswith((".md", ".markdown")) or re.search(r"^#{1,6} \S", text, re.M):
        return "markdown"
    return "text"
