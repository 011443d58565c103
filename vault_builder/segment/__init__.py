"""Segment: decoded source files -> posts with numbered blocks and comment threads.

    read each file by its format  ->  cut threads using twins  ->  merge twins
    -> clean math and split paragraphs  ->  attach manifest facts  ->  number blocks, build threads

Per file, the cache (found.py) keeps what the cross-file steps need and the posts made: a rebuild
reads and makes again only what changed, while the twin search still sees every file.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

import markdown_it

from .. import mathtext
from ..models import Block, Corpus, Post, Problem, SourceFile
from .seams import guess_post_start, guess_thread_start
from .formats import READERS, RawPost
from .found import DAMAGED, FileRead, Found, new_entry, post_of_value, post_value, read_entry, read_found
from .merge import Body, cut_threads_by_twins, group_duplicates, merge_group, split_blocks, split_thread
from .threads import build_thread

FACTS = ("author", "url", "date")


def segment(files: list[SourceFile], cache: dict | None = None) -> tuple[Corpus, list[Problem]]:
    """cache: per file, what the reader found and the posts made from it, from earlier builds
    (found.py); updated in place to this build's files."""
    found: list[Found] = []
    problems: list[Problem] = []
    used: dict[str, dict] = {}
    for src in files:
        reader = READERS.get(src.format)
        if reader is None:
            problems.append(Problem("error", "unknown-format", f"cannot read format {src.format!r}; skipped", src.name))
            continue
        file_found, file_problems = read_cached(src, reader, cache, used)
        problems.extend(file_problems)
        if not any(f.n_blocks or f.n_thread for f in file_found):
            problems.append(Problem("error", "no-content", "no paragraphs found; skipped", src.name))
            continue
        found.extend(file_found)
    if cache is not None:  # only this build's files: the cache does not grow with old versions
        cache.clear()
        cache.update(used)
    by_twin = cut_threads_by_twins(found)
    for n, f in enumerate(found):
        if f.thread_undecided and guess_thread_end(f):
            text, where = f.ends[0]
            problems.append(Problem("warning", "post-start-guessed",
                                    f"guessed that the post body starts here ({text!r}…); if not, add "
                                    f"hints: {{post_starts: \"first words of the post\"}} in sources.yaml", where))
        elif f.fmt == "markdown" and not f.n_thread and n not in by_twin and guess_thread_start_in(f):
            text, where = f.ends[1]
            problems.append(Problem("warning", "thread-start-guessed",
                                    f"guessed that the comments start here ({text!r}…); if not, add "
                                    f"hints: {{thread_starts: \"first words of the first comment\"}} in sources.yaml",
                                    where))
    meta_by_file = {src.name: src for src in files}
    posts = []
    for group in group_duplicates(found):
        post, main_file = made_post(group, meta_by_file, cache is not None)
        if any(f.thread_undecided for f in group):
            problems.append(Problem("warning", "thread-start-unknown",
                                    "cannot tell where the post body starts in this page; kept all of it as comments "
                                    "(add hints: {post_starts: \"first words of the post\"} in sources.yaml)", main_file))
        posts.append(post)
    if cache is not None:
        keep_made(cache)
    return Corpus(posts), problems


def read_cached(src: SourceFile, reader, cache: dict | None, used: dict) -> tuple[list[Found], list[Problem]]:
    """The posts the reader finds in one file, and its problems; from `cache` when the file, its
    manifest entry and the segment code are the same as when the entry was made (a one-file
    change then reads one file)."""
    if cache is None:
        return read_found(FileRead(src, reader, ""))
    key = source_key(src)
    entry = cache.get(key)
    source = FileRead(src, reader, key, entry.get("made") if isinstance(entry, dict) else None)
    try:
        found, problems = read_entry(entry, source)
    except DAMAGED:  # no entry, or one that does not read: read the file
        found, problems = read_found(source)
    used[key] = new_entry(found, problems, source)
    return found, problems


def made_post(group: list[Found], sources: dict[str, SourceFile], keep: bool) -> tuple[Post, str]:
    """The post made from a group of twins, and the file of its main copy; the last build's when
    every member is as it was then (keep: record it in the entry of the group's first file)."""
    state = ";".join(f.state() for f in group)
    home = group[0].source
    value = home.made_before.get(state)
    try:
        post, main_file = post_of_value(value[0]), value[1]
        if not isinstance(main_file, str):
            raise ValueError("damaged file name")
    except DAMAGED:
        merged, post_files = merge_group([f.raw for f in group])
        post, main_file = make_post(merged, post_files, sources), merged.file
        value = [post, main_file]  # post_value(post) once every post is made (keep_made)
    if keep:
        home.made[state] = value
    return post, main_file


def keep_made(used: dict) -> None:
    """The shingles of the posts read and the posts made by this build as JSON values in their
    entries. Done after every post is made, so that these short-lived values do not sit between
    the posts in memory (that kept ~50 MB more allocated through the later stages at 2000 posts)."""
    for entry in used.values():
        for info in entry["posts"]:
            if isinstance(info["body"], Body):
                info["body"] = info["body"].packed()
        made = entry["made"]
        for state, (post, main_file) in list(made.items()):
            if isinstance(post, Post):
                value = post_value(post)
                if value is None:
                    del made[state]
                else:
                    made[state] = [value, main_file]


def source_key(src: SourceFile) -> str:
    """Hash of the segment code and everything a reader reads of the file. The text is hashed
    apart, after the JSON of the rest (which holds no NUL): JSON-escaping it cost 4x the hash."""
    fields = [segment_version(), src.name, src.format, src.meta, src.front_matter]
    h = hashlib.sha1(json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    h.update(b"\0" + src.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


@lru_cache(maxsize=1)
def segment_version() -> str:
    """A hash of the code segment runs (this package, mathtext, the data model, markdown-it-py's
    version): a change to it makes every cached entry stale."""
    h = hashlib.sha1(markdown_it.__version__.encode())
    here = Path(__file__).resolve().parent
    for path in sorted(here.glob("*.py")) + [here.parent / "models.py", here.parent / "mathtext.py"]:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def guess_thread_end(f: Found) -> bool:
    """A forum dump with no twin and no hint: split by the shape of its blocks (segment/seams.py)."""
    start = f.guessed("post_start", guess_post_start, "thread")
    if start is None:
        return False
    f.body = f.cut("guess", lambda raw: split_thread(raw, start))
    return True


def guess_thread_start_in(f: Found) -> bool:
    """A Markdown post+thread export with no pingbacks, twin or hint: split only on clear evidence."""
    start = f.guessed("thread_start", guess_thread_start, "blocks")
    if start is None:
        return False
    f.body = f.cut("guess", lambda raw: split_blocks(raw, start))
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
