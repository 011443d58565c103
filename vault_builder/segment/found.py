"""The posts of one source file as segment's cross-file steps see them, and the file's cache entry.

The twin search, the thread cuts and the grouping need little of a post: its format, whether its
thread is known, how many blocks it has and the shingles of its body. A file's cache entry (keyed
by segment.source_key: the file, its manifest entry and the segment code) keeps that, the reader's
problems, and the posts made from the groups that start in the file (keyed by the state of every
member, Found.state). A rebuild thus reads, shingles and makes again only what changed; a post's
blocks are read again from its file only when a step needs them (a cut, a group not made before).

    {"problems": [Problem fields], "posts": [Found.info, one per post the reader found],
     "made": {group state: [post_value(post), file of the post's main copy]}}
"""
from __future__ import annotations

import json
from dataclasses import asdict, fields
from operator import attrgetter

from ..models import Block, Comment, Post, Problem, SourceFile, Thread
from .formats import RawPost
from .merge import Body, split_blocks, split_thread

DAMAGED = (KeyError, TypeError, ValueError, IndexError, AttributeError)
"""What reading a damaged entry raises (then the work is redone)."""


class FileRead:
    """One source file: its reader's posts, read when first needed, and the posts made from it."""

    def __init__(self, src: SourceFile, reader, key: str, made_before: dict | None = None):
        self.src, self.reader, self.key = src, reader, key
        self.raws: list[RawPost] | None = None
        self.made_before = made_before if isinstance(made_before, dict) else {}
        self.made: dict = {}
        """Posts made (or kept) by this build: the entry keeps only these."""

    def read(self) -> tuple[list[RawPost], list[Problem]]:
        raws, problems = self.reader(self.src)
        self.raws = raws
        return raws, problems

    def raw(self, n: int) -> RawPost:
        if self.raws is None:
            self.read()  # the reader is deterministic: the same posts the entry was made from
        return self.raws[n]


class Found:
    """One post a file's reader found. `info` is its part of the cache entry: the post as read
    (the seam guesses on it are added there as they are made)."""

    def __init__(self, source: FileRead, n: int, info: dict, body: Body):
        self.source, self.n, self.info, self.body = source, n, info, body
        self.file = source.src.name
        self.fmt: str = info["fmt"]
        self.thread_undecided: bool = info["undecided"]
        self.n_blocks: int = info["blocks"]
        self.n_thread: int = info["thread"]
        self.ends: list = [None, None]
        """After a cut: [text, where] of the first block of the body and of the thread (or None)."""

    @classmethod
    def read(cls, source: FileRead, n: int, raw: RawPost) -> Found:
        """info["body"] is packed by keep_made (segment/__init__.py), when the cache is kept."""
        body = Body.of(raw.blocks)
        info = {"fmt": raw.fmt, "undecided": raw.thread_undecided, "blocks": len(raw.blocks),
                "thread": len(raw.thread), "body": body}
        return cls(source, n, info, body)

    @classmethod
    def cached(cls, source: FileRead, n: int, info: dict) -> Found:
        """From an entry's info; raises one of DAMAGED for one that is not what read() makes."""
        if not (isinstance(info["fmt"], str) and isinstance(info["undecided"], bool)
                and type(info["blocks"]) is int and type(info["thread"]) is int):
            raise ValueError("damaged post info")
        return cls(source, n, info, Body.unpacked(info["body"]))

    @property
    def raw(self) -> RawPost:
        """The post, read again if it must be; cut as the counts say (after a cut kept in the entry)."""
        raw = self.source.raw(self.n)
        if len(raw.blocks) != self.n_blocks or len(raw.thread) != self.n_thread:
            if raw.thread:
                split_thread(raw, self.n_thread)
            else:
                split_blocks(raw, self.n_blocks)
        raw.thread_undecided = self.thread_undecided
        return raw

    def cut(self, how: str, cut_raw) -> Body:
        """Cut the post in two at a seam (cut_raw(raw) does it on the blocks); the new body's
        shingles. The entry keeps the cut (its counts, body and the first block on each side) for
        the next build that cuts the post the same way (`how`: by the same twin, or by a guess)."""
        try:
            kept, n_blocks, n_thread, body, ends = self.info["cut"]
            if kept != how or not cut_fits(n_blocks, n_thread, self.info) or not ends_fit(ends, how == "guess"):
                raise ValueError("another cut")
            body = Body.unpacked(body)
        except DAMAGED:
            raw = self.raw
            cut_raw(raw)
            n_blocks, n_thread, body = len(raw.blocks), len(raw.thread), Body.of(raw.blocks)
            ends = [first_block(raw.blocks), first_block(raw.thread)]
            self.info["cut"] = [how, n_blocks, n_thread, body.packed(), ends]
        self.n_blocks, self.n_thread, self.thread_undecided, self.ends = n_blocks, n_thread, False, ends
        return body

    def state(self) -> str:
        """What the post is now. A post is cut at most once, always in two at one seam, from the
        blocks (Markdown) or the thread (forum) as read, so the counts name the cut."""
        return f"{self.source.key}:{self.n}:{self.n_blocks}:{self.n_thread}"

    def searched(self) -> Body:
        """The shingles of the blocks that hold the body somewhere, for the twin search: a forum
        dump's undecided thread (kept in the entry), else the body."""
        if self.fmt != "forum":
            return self.body
        try:
            return Body.unpacked(self.info["thread_body"])
        except DAMAGED:
            body = Body.of(self.raw.thread)
            self.info["thread_body"] = body.packed()
            return body

    def guessed(self, name: str, guess, blocks: str) -> int | None:
        """A seam guess (seams.py) on the post as read, from the entry when made before."""
        value = self.info.get(name, -1)
        limit = self.n_blocks if blocks == "blocks" else self.n_thread
        if not (value is None or type(value) is int and 0 <= value <= limit):
            value = guess(getattr(self.raw, blocks))
            self.info[name] = value
        return value


def cut_fits(n_blocks, n_thread, info: dict) -> bool:
    """A cut moves blocks between body and thread, it neither adds nor drops any."""
    return (type(n_blocks) is int and type(n_thread) is int and n_blocks >= 0 and n_thread >= 0
            and n_blocks + n_thread == info["blocks"] + info["thread"])


def first_block(blocks: list[Block]) -> list | None:
    """What a problem about a seam says of the block after it: [its first 40 characters, file:line]."""
    return [blocks[0].text[:40], f"{blocks[0].file}:{blocks[0].line}"] if blocks else None


def ends_fit(ends, both: bool) -> bool:
    """both: a guessed seam has blocks on either side (its problem names the first after it)."""
    return (isinstance(ends, list) and len(ends) == 2 and not (both and None in ends)
            and all(e is None or isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e) for e in ends))


def read_found(source: FileRead) -> tuple[list[Found], list[Problem]]:
    """A file's posts and problems as its reader finds them (no entry, or a damaged one)."""
    raws, problems = source.read()
    return [Found.read(source, n, raw) for n, raw in enumerate(raws)], problems


def read_entry(entry: dict, source: FileRead) -> tuple[list[Found], list[Problem]]:
    """A file's posts and problems from its entry; raises one of DAMAGED for a damaged entry."""
    found = [Found.cached(source, n, info) for n, info in enumerate(entry["posts"])]
    return found, [Problem(**p) for p in entry["problems"]]


def new_entry(found: list[Found], problems: list[Problem], source: FileRead) -> dict:
    return {"problems": [asdict(p) for p in problems], "posts": [f.info for f in found], "made": source.made}


# -- made posts as JSON values ---------------------------------------------------------------------

BLOCK_FIELDS = tuple(f.name for f in fields(Block))
block_row = attrgetter(*BLOCK_FIELDS)
POST_FIELDS = ("title", "blocks", "files", "author", "url", "date", "thread", "meta")
"""post_value's order; tests check it names every field of Post."""


def post_value(post: Post) -> list | None:
    """The post as JSON values; None for one that would not come back the same (meta with keys
    that are not strings: the post is then made again each build)."""
    meta = post.meta
    if meta and json.loads(json.dumps(meta)) != meta:
        return None
    thread = post.thread
    if thread is not None:
        comments = [[c.id, [block_row(b) for b in c.blocks], c.author, c.parent] for c in thread.comments]
        thread = [comments, list(thread.participants), list(thread.files)]
    return [post.title, [block_row(b) for b in post.blocks], list(post.files), post.author, post.url, post.date,
            thread, meta]


def post_of_value(value: list) -> Post:
    """The inverse of post_value; raises one of DAMAGED for a value that is not one."""
    title, blocks, files, author, url, date, thread, meta = value
    if not (isinstance(title, str) and isinstance(files, list) and isinstance(meta, dict)):
        raise ValueError("damaged post")
    if thread is not None:
        comments, participants, thread_files = thread
        thread = Thread([Comment(cid, [Block(*b) for b in rows], who, parent) for cid, rows, who, parent in comments],
                        participants, thread_files)
    return Post(title, [Block(*b) for b in blocks], files, author, url, date, thread, meta)
