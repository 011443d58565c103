"""Segment: decoded source files -> posts with numbered blocks and comment threads.

    read each file by its format  ->  cut threads using twins  ->  merge twins
    -> clean math and split paragraphs  ->  attach manifest facts  ->  number blocks, build threads
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import markdown_it

from .. import mathtext
from ..models import Block, Corpus, Post, Problem, SourceFile
from .seams import guess_post_start, guess_thread_start
from .formats import READERS, RawPost
from .merge import body_shingles, body_text, cut_threads_by_twins, group_duplicates, merge_group, shingles
from .threads import build_thread

FACTS = ("author", "url", "date")


def segment(files: list[SourceFile], cache: dict | None = None) -> tuple[Corpus, list[Problem]]:
    """cache: what each file's reader found, from earlier builds (see read_cached); updated in
    place to this build's files."""
    raws: list[RawPost] = []
    problems: list[Problem] = []
    used: dict[str, dict] = {}
    for src in files:
        reader = READERS.get(src.format)
        if reader is None:
            problems.append(Problem("error", "unknown-format", f"cannot read format {src.format!r}; skipped", src.name))
            continue
        found, file_problems = read_cached(src, reader, cache, used)
        problems.extend(file_problems)
        if not any(r.blocks or r.thread for r in found):
            problems.append(Problem("error", "no-content", "no paragraphs found; skipped", src.name))
            continue
        raws.extend(found)
    if cache is not None:  # only this build's files: the cache does not grow with old versions
        cache.clear()
        cache.update(used)
    sets = body_shingles(raws)
    by_twin = cut_threads_by_twins(raws, sets)
    for n, raw in enumerate(raws):
        if raw.thread_undecided and guess_thread_end(raw):
            sets[n] = None
            first = raw.blocks[0]
            problems.append(Problem("warning", "post-start-guessed",
                                    f"guessed that the post body starts here ({first.text[:40]!r}…); if not, add "
                                    f"hints: {{post_starts: \"first words of the post\"}} in sources.yaml",
                                    f"{first.file}:{first.line}"))
        elif raw.fmt == "markdown" and not raw.thread and n not in by_twin and guess_thread_start_in(raw):
            first = raw.thread[0]
            problems.append(Problem("warning", "thread-start-guessed",
                                    f"guessed that the comments start here ({first.text[:40]!r}…); if not, add "
                                    f"hints: {{thread_starts: \"first words of the first comment\"}} in sources.yaml",
                                    f"{first.file}:{first.line}"))
            sets[n] = None
    sets = [s if s is not None else shingles(body_text(r.blocks)) for s, r in zip(sets, raws)]  # bodies re-cut above
    meta_by_file = {src.name: src for src in files}
    posts = []
    for group in group_duplicates(raws, sets):
        merged, post_files = merge_group(group)
        if merged.thread_undecided:
            problems.append(Problem("warning", "thread-start-unknown",
                                    "cannot tell where the post body starts in this page; kept all of it as comments "
                                    "(add hints: {post_starts: \"first words of the post\"} in sources.yaml)", merged.file))
        posts.append(make_post(merged, post_files, meta_by_file))
    return Corpus(posts), problems


def read_cached(src: SourceFile, reader, cache: dict | None, used: dict) -> tuple[list[RawPost], list[Problem]]:
    """The reader's posts and problems for one file; from `cache` when the file, its manifest entry
    and the code that reads it are the same as when the entry was made (a one-file change then
    parses one file).  Entries are plain JSON values; a fresh one is made before any later step
    re-cuts the posts in place."""
    if cache is None:
        return reader(src)
    key = source_key(src)
    entry = cache.get(key)
    try:
        found = [raw_post(r) for r in entry["posts"]]
        problems = [Problem(**p) for p in entry["problems"]]
    except (KeyError, TypeError, ValueError):  # no entry, or one that does not read: read the file
        found, problems = reader(src)
        entry = {"posts": [asdict(r) for r in found], "problems": [asdict(p) for p in problems]}
    used[key] = entry
    return found, problems


def raw_post(d: dict) -> RawPost:
    blocks = {k: [Block(**b) for b in d[k]] for k in ("blocks", "thread")}
    return RawPost(**{**d, **blocks})


def source_key(src: SourceFile) -> str:
    fields = [reader_version(), src.name, src.format, src.meta, src.front_matter, src.text]
    return hashlib.sha1(json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
                        .encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=1)
def reader_version() -> str:
    """A hash of the code a reader runs (this package, the data model, markdown-it-py's version):
    a change to it makes every cached entry stale."""
    h = hashlib.sha1(markdown_it.__version__.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")) + [here.parent / "models.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def guess_thread_end(raw: RawPost) -> bool:
    """A forum dump with no twin and no hint: split by the shape of its blocks (segment/seams.py)."""
    start = guess_post_start(raw.thread)
    if start is None:
        return False
    raw.blocks, raw.thread = raw.thread[start:], raw.thread[:start]
    raw.thread_undecided = False
    return True


def guess_thread_start_in(raw: RawPost) -> bool:
    """A Markdown post+thread export with no pingbacks, twin or hint: split only on clear evidence."""
    start = guess_thread_start(raw.blocks)
    if start is None:
        return False
    raw.blocks, raw.thread = raw.blocks[:start], raw.blocks[start:]
    return True


def make_post(raw: RawPost, files: list[str], sources: dict[str, SourceFile]) -> Post:
    context = "\n".join(b.text for b in raw.blocks + raw.thread)
    blocks = clean_blocks(raw.blocks, context)
    thread_blocks = clean_blocks(raw.thread, context)
    for k, b in enumerate(blocks, 1):
        b.id = f"p{k}"
    post = Post(title=raw.title, blocks=blocks, files=files)
    apply_facts(post, files, sources)
    if thread_blocks:
        thread_files = sorted({b.file for b in thread_blocks})
        post.thread = build_thread(thread_blocks, blocks, raw.participants, thread_files)
    return post


def clean_blocks(blocks: list[Block], context: str = "") -> list[Block]:
    """Collapse doubled glyph+TeX math, rejoin paragraphs that a lost emphasis split in two.

    `context` (the post and thread text) teaches the joiner the words of this post, so that a
    glued word at a paragraph seam ("explaingeneralisation") can be split."""
    if not blocks:
        return []
    doubled = mathtext.has_doubled_math("\n".join(b.text for b in blocks))
    vocab = LazyVocabulary([b.text for b in blocks] + context.split("\n"))
    out: list[Block] = []
    for b in blocks:
        if b.kind != "code":
            b.text = tidy_emphasis(b.text)
        if doubled and b.kind != "code":
            b.text = mathtext.collapse_doubled_math(b.text, doubled=True)
            if b.text.startswith("$$") and b.text.endswith("$$"):
                b.kind = "math"
        joined = join(out[-1], b, vocab) if out else None
        if joined is not None:
            out[-1].text = joined
            continue
        out.append(b)
    return out


_EMPHASIS_SPACE = re.compile(r"(?<![*\w])(\*{1,2})(\S[^*\n]*?)\s+\1(?=\w)")


def tidy_emphasis(text: str) -> str:
    """`*more *functions` (a copy that moved the space inside the emphasis) -> `*more* functions`."""
    return _EMPHASIS_SPACE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)} ", text)


class LazyVocabulary:
    """The post's words, collected only if some paragraph pair needs them (most posts have none)."""

    def __init__(self, texts: list[str]):
        self.texts, self.words = texts, None

    def get(self) -> set[str]:
        if self.words is None:
            self.words = mathtext.vocabulary(self.texts)
        return self.words


SENTENCE_END = re.compile(r"[.!?:;)\]\"'”’*]\s*$|\$\$\s*$")


def join(a: Block, b: Block, vocab: LazyVocabulary) -> str | None:
    if a.kind not in ("paragraph", "list_item") or b.kind != "paragraph" or SENTENCE_END.search(a.text):
        return None
    return mathtext.join_pair(a.text, b.text, vocab.get())


def apply_facts(post: Post, files: list[str], sources: dict[str, SourceFile]) -> None:
    """Manifest facts (per file, or per post title inside a multi-post file) and front matter.

    A fact marked unverified in the manifest's `confidence` is kept in `meta["unverified"]` and
    never presented as fact (no `author` on the post)."""
    for name in files:
        src = sources[name]
        entry = dict(src.meta)
        per_post = (entry.pop("posts", None) or {}).get(post.title) or {}
        entry.update(per_post)
        entry.update({k: v for k, v in src.front_matter.items() if k in FACTS + ("title",)})
        confidence = dict(entry.get("confidence") or {})
        for fact in FACTS:
            value = entry.get(fact)
            if value in (None, ""):
                continue
            if confidence.get(fact) == "unverified":
                post.meta.setdefault("unverified", {})[fact] = str(value)
            elif getattr(post, fact) is None:
                setattr(post, fact, str(value))
        for extra in ("published_title", "source_note"):
            if entry.get(extra):
                post.meta[extra] = str(entry[extra])
        if confidence:
            post.meta.setdefault("confidence", {}).update({k: str(v) for k, v in confidence.items()})
