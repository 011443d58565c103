"""Plain data passed between the pipeline stages.

ingest -> SourceFile; segment -> Corpus (Post, Thread, Comment, Block); extract -> Item;
link -> Concept + networkx graph; render -> note files; export -> Anki, items.jsonl, graph.json.
No stage does I/O on these objects except ingest (reads) and the writers (write).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input or the build; the CLI prints these and picks the exit code."""

    level: str
    """"error" (the file or build could not be used), "warning" or "info"."""
    code: str
    """Short stable identifier, e.g. "empty-file", "bad-manifest"."""
    message: str
    """One line, saying what is wrong (the CLI prefixes `where`)."""
    where: str = ""
    """"file" or "file:line" the problem is about ("" for the build as a whole)."""

    def __str__(self) -> str:
        prefix = f"{self.where}: " if self.where else ""
        return f"{prefix}{self.level}: {self.message} [{self.code}]"


@dataclass
class SourceFile:
    """One decoded source file (ingest output)."""

    name: str
    """File name relative to the sources folder, e.g. "001_94b4f1940fd7fb52.txt"."""
    text: str
    """Decoded text with newlines normalised to "\\n"."""
    format: str
    """"flat", "markdown", "forum", "multipost" or "html" (see ingest.detect_format)."""
    meta: dict = field(default_factory=dict)
    """This file's entry in sources.yaml (title, author, url, date, confidence, hints), maybe empty."""
    front_matter: dict = field(default_factory=dict)
    """YAML front matter of a Markdown file, if it had one."""
    sha: str = ""
    """Hash of the raw bytes (cache key, provenance)."""


@dataclass
class Block:
    """One paragraph-level unit of a post or comment, as it reads in the rendered note."""

    id: str
    """Block id without the caret: Latin letters, digits and "-" ("p12" in posts, "c3-p2" in threads)."""
    kind: str
    """"paragraph", "heading", "list_item", "math", "code", "quote", "footnote" or "image"."""
    text: str
    """Cleaned Markdown text; math as $TeX$ / $$TeX$$ where it could be recovered."""
    level: int = 0
    """Heading level (1-6) or list nesting depth (0 = top)."""
    file: str = ""
    """Source file this text was taken from."""
    line: int = 0
    """1-based line in that file where the block starts (0 when unknown)."""
    quotes: str | None = None
    """For a block that repeats an earlier paragraph: the id of the quoted block."""


@dataclass
class Comment:
    """One comment of a thread."""

    id: str
    """"c1", "c2", ... in thread order."""
    blocks: list[Block]
    author: str | None = None
    """Only where the source makes it certain."""
    parent: str | None = None
    """Id of the comment this one replies to; None for a top-level comment."""


@dataclass
class Thread:
    """The comment thread under a post."""

    comments: list[Comment]
    participants: list[str] = field(default_factory=list)
    """Commenter names as the source lists them (e.g. the karma header of a forum dump), in order."""
    files: list[str] = field(default_factory=list)
    """Source files the comments came from."""

    @property
    def blocks(self) -> list[Block]:
        return [b for c in self.comments for b in c.blocks]


@dataclass
class Post:
    """One post: its cleaned body and (optionally) its thread."""

    title: str
    """Title as the source gives it (may contain characters illegal in file names)."""
    blocks: list[Block]
    files: list[str]
    """Every source file this post was built from (several after merging duplicates)."""
    author: str | None = None
    url: str | None = None
    date: str | None = None
    thread: Thread | None = None
    meta: dict = field(default_factory=dict)
    """Extra manifest facts, e.g. {"confidence": {"author": "unverified"}, "published_title": ...}."""

    def block(self, block_id: str) -> Block | None:
        for b in self.blocks:
            if b.id == block_id:
                return b
        if self.thread:
            for b in self.thread.blocks:
                if b.id == block_id:
                    return b
        return None


@dataclass
class Corpus:
    """Segment output: every post with its thread."""

    posts: list[Post]


@dataclass
class Item:
    """One extracted claim, definition, example or counterexample (a line of items.jsonl)."""

    id: str
    """Stable id: survives rebuilds and small edits of the sentence (see extract.stable_id)."""
    type: str
    """"claim", "definition", "example" or "counterexample"."""
    text: str
    """The sentence or passage, as it reads in the post note."""
    post: str
    """Title of the post (the post a comment belongs to, for thread items)."""
    in_comments: bool
    author: str | None
    source_file: str
    block: str
    """Block id (without caret) in the post note or thread note."""
    term: str | None = None
    """Concept name defined (definitions only)."""
    concepts: list[str] = field(default_factory=list)
    taxonomy: dict | None = None
    """Claims only: {"normative_or_descriptive": ..., "universal_or_situational": ..., "deterministic_or_stochastic": ...}."""
    taxonomy_cues: dict = field(default_factory=dict)
    """Axis -> the cue that decided its label (explains the taxonomy)."""
    key: bool = False
    against: str | None = None
    """Counterexamples: id of the claim they target."""
    note: str = ""
    """Relative path of this item's own note in the vault (set by link/render)."""
    rules: list[str] = field(default_factory=list)
    comment: str | None = None
    """Comment id ("c3") for thread items."""

    def to_json(self) -> dict:
        """The items.jsonl schema of DESIGN.md section 3 (keep stable: outside tools read it)."""
        return {
            "id": self.id,
            "type": self.type,
            "text": self.text,
            "post": self.post,
            "in_comments": self.in_comments,
            "author": self.author,
            "term": self.term,
            "concepts": list(self.concepts),
            "taxonomy": dict(self.taxonomy) if self.taxonomy else None,
            "key": self.key,
            "against": self.against,
            "note": self.note,
            "source": {"file": self.source_file, "block": f"^{self.block}"},
            "rules": list(self.rules),
        }


@dataclass
class Concept:
    """A glossary or discovered concept (link stage)."""

    name: str
    """Canonical name, also the note name (after sanitising)."""
    aliases: list[str] = field(default_factory=list)
    abbreviations: list[str] = field(default_factory=list)
    discovered: bool = False
    """True when the text defined it and the glossary did not list it."""
