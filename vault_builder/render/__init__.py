"""Render: corpus, items, concepts and graph -> vault files in memory {relative path: text}.

Notes are jinja2 templates from `templates/` (StrictUndefined: a missing field is a bug, not a
blank). The modules here prepare plain values for them; nothing is written (writer.py does):

  posts.py     post notes (every block with its id) and comment-thread notes
  items.py     one note per claim, definition, example and counterexample
  concepts.py  concept notes; `extra_markdown` is the hook for snippets under a concept
  pages.py     people, Home and the maps of content (Maps/*.md)
  maps.py      JSON Canvas 1.0: the concept map and one debate map per thread
"""
from __future__ import annotations

import hashlib
import io
import marshal
import pickle
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

import jinja2
import networkx as nx

from .. import obsidian
from ..graph import edge_index
from ..models import Concept, Corpus, Item, Post
from ..paths import is_valid_block_id
from ..writer import USER_MARKER, Deferred
from .markdown import front_matter, note_link, quote_callout, stem

Extras = Callable[[str], str]
"""concept (or toy topic) name -> extra Markdown for its note ("" for none): the snippets hook."""


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("templates folder is missing")


_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(jinja2.Environment):
    """Templates read note values from dicts (`r.link`). Jinja tries the attribute first, which
    costs a raised AttributeError per lookup (a quarter of the time spent in templates): for a
    plain dict, whose only attributes are its methods, answer the same without raising."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def make_globals(self, d):
        """A plain dict, not jinja's ChainMap, which every render walks twice in Python: our
        globals are all set before the first template loads and never change."""
        return {**self.globals, **(d or {})}


def environment(compiled: Path | None = None) -> jinja2.Environment:
    """compiled: a folder to keep the compiled templates in between builds (compiling them takes
    60 ms a build; jinja keys each by its source and the Python version), or None."""
    env = Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        bytecode_cache=compiled_templates(compiled),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,  # templates do not change during a build: no stat() per note rendered
    )
    env.filters["front_matter"] = front_matter
    env.filters["link"] = note_link
    env.filters["count"] = count_of
    env.globals["USER_MARKER"] = USER_MARKER
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """jinja's cache of compiled templates, where a damaged entry or one that cannot be written
    means the template is compiled again, never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unpickling a damaged file can raise anything
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def compiled_templates(folder: Path | None) -> jinja2.BytecodeCache | None:
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a cache that cannot be made is no error: the templates are compiled
    return CompiledTemplates(str(folder))


def count_of(n: int, noun: str) -> str:
    """"1 claim", "2 claims", "0 counterexamples"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


@dataclass
class Ctx:
    """Everything the note renderers share, with the graph indexed once so that every lookup a
    note makes costs time in proportion to what it looks up, not to the size of the graph."""

    env: jinja2.Environment
    corpus: Corpus
    items: list[Item]
    concepts: list[Concept]
    g: nx.MultiDiGraph
    extras: Extras = lambda name: ""
    computations: list = field(default_factory=list)
    """(snippet title, note path) of every embedded snippet."""
    by_id: dict = field(default_factory=dict)
    posts: dict = field(default_factory=dict)
    """post node -> Post."""
    nodes: dict = field(default_factory=dict)
    """graph node -> its attributes."""
    post_index: dict = field(default_factory=dict)
    """post node -> its position in the corpus."""
    item_rank: dict = field(default_factory=dict)
    """item node -> (post index, extraction order): the order items are listed in."""
    by_post: dict = field(default_factory=dict)
    """post node -> its items (post body and thread), in extraction order."""
    note_cache: dict | None = None
    """note path -> what the last build made it from (inputs_key() or note_key(), see note());
    this build's keys replace them (None: no cache, every note is rendered). Also holds the
    concept lists' rows under ROWS (see listed_digest)."""

    def __post_init__(self) -> None:
        self.by_id = {i.id: i for i in self.items}
        self.posts = dict(zip(self.g.graph["posts"], self.corpus.posts))
        self.post_index = {p: n for n, p in enumerate(self.g.graph["posts"])}
        self.nodes = nodes = dict(self.g.nodes(data=True))  # a plain dict: NodeView lookups cost more
        self.item_rank = {f"item:{i.id}": (self.post_index.get(nodes[f"item:{i.id}"]["post"], len(self.post_index)), n)
                          for n, i in enumerate(self.items)}
        self.by_post = {p: [] for p in self.g.graph["posts"]}
        for i in self.items:
            self.by_post.setdefault(nodes[f"item:{i.id}"]["post"], []).append(i)
        self.edges = edge_index(self.g)
        self._blocks: dict[str, frozenset] = {}
        self._links: dict[str, str] = {}
        self._sources: dict[str, str] = {}
        self._authors: dict[str, str | None] = {}
        self._templates: dict[str, jinja2.Template] = {}
        self._item_digests: dict[str, bytes] = {}
        self._post_digests: dict[str, bytes] = {}
        self._listed_digests: dict[str, bytes] = {}
        self.item_rows: dict[str, str] = {}  # concepts.item_row
        self.previous_keys = dict(self.note_cache or {})
        self._old_rows = kept_rows(self.previous_keys.pop(ROWS, None))
        self.old_topics = self.previous_keys.pop(TOPICS, None)  # computations.topic_paths checks it
        self.rows: dict[bytes, str] = {}
        """listed_digest -> the item's row in a concept's lists, for this build's items: kept for
        the next build in the note cache (a concept note that lists thousands of items is made
        again when one of them changes; their rows need not be)."""
        if self.note_cache is not None:
            self.note_cache.clear()  # only this build's notes: the cache does not grow with old ones
            self.note_cache[ROWS] = (code_version(), self.rows)  # filled as rows are made or kept

    def template(self, name: str) -> jinja2.Template:
        if name not in self._templates:
            self._templates[name] = self.env.get_template(name)
        return self._templates[name]

    def note(self, path: str, values: Callable[[], tuple[jinja2.Template, dict]],
             inputs: Callable[[], object] | None = None) -> str | Deferred:
        """The note at `path` from its template and values (`values()`): rendered now without a
        note cache, else a Deferred when it is made from what the last build made it from, which
        the writer renders only if it cannot keep the old file.

        inputs(): plain data (digests) covering everything values() reads, far cheaper to make
        (the note is keyed by it, inputs_key). Without it the note is keyed by its values (note_key).
        A note whose inputs changed is rendered at once: the writer still keeps the old file
        when the text is the same."""
        if self.note_cache is not None and inputs is None:
            template, data = values()
            return Deferred(partial(template.render, data), self.keyed(path, note_key(template, data)))
        return self.made(path, partial(render_values, values), inputs)

    def note_keyed(self, path: str, values: Callable[[], tuple[jinja2.Template, dict]], key: str | None) -> str | Deferred:
        """The note at `path` (see note()) keyed by `key`, an inputs_key() covering everything
        values() reads that the caller made (for a group of notes at once: see items.render);
        None: no key, rendered now."""
        text = partial(render_values, values)
        if self.note_cache is None or key is None:
            return text()
        return Deferred(text, True) if self.keyed(path, key) else text()

    def made(self, path: str, text: Callable[[], str], inputs: Callable[[], object] | None) -> str | Deferred:
        """The file at `path` made by text() (a note, a canvas), keyed by its inputs (see note())."""
        if self.note_cache is None:
            return text()
        try:
            key = inputs_key(inputs())
        except ValueError:  # not plain data (marshal): no key, made every time
            return text()
        return Deferred(text, True) if self.keyed(path, key) else text()

    def keyed(self, path: str, key: str) -> bool:
        """Record `key` as what this build makes `path` from; whether the last build made it from that."""
        self.note_cache[path] = key
        return self.previous_keys.get(path) == key

    def item_digest(self, inode: str) -> bytes:
        """Digest of everything a note may read about an item: its fields, its node and its post
        (post_digest)."""
        found = self._item_digests.get(inode)
        if found is None:
            node = self.nodes[inode]
            found = self._item_digests[inode] = digest(
                (self.by_id[inode[5:]].__dict__, node, self.post_digest(node["post"])))
        return found

    def listed_digest(self, inode: str) -> bytes:
        """Digest of what a list of items shows of one (items.summary, concepts.item_row): its
        link, author, type, key and disputed flags and source() (which reads the item's post,
        file, block and comment and its post: post_digest). Not its text: a list does not quote."""
        found = self._listed_digests.get(inode)
        if found is None:
            node, item = self.nodes[inode], self.by_id[inode[5:]]
            found = self._listed_digests[inode] = digest(
                (inode, node["note"], node.get("disputed"), item.author, item.type, item.key, item.post,
                 item.source_file, item.in_comments, item.comment, item.block, self.post_digest(node["post"])))
            row = self._old_rows.get(found)
            if row is not None:  # the last build's row of this item, made from the same: kept
                self.item_rows[inode] = self.rows[found] = row
        return found

    def listed_digests(self, inodes) -> list[bytes]:
        """[listed_digest(u) for u in inodes], made once per item: the concept lists ask 400k times
        at 2,000 posts, most for digests already made, and a method call each was most of it."""
        found, listed = self._listed_digests, self.listed_digest
        return [found.get(u) or listed(u) for u in inodes]

    def notes_of(self, nodes) -> list[str]:
        """[note_of(n) for n in nodes] without a method call per node (see listed_digests)."""
        data = self.nodes
        return [data[n]["note"] for n in nodes]

    def post_digest(self, pnode: str) -> bytes:
        """Digest of what an item's note reads about its post (item_post, source, where): the
        post's title, url, date and block ids, its node and its thread's node."""
        found = self._post_digests.get(pnode)
        if found is None:
            post = self.posts.get(pnode)
            if post is None:
                parts: tuple = (pnode, None)
            else:
                blocks = post.blocks + (post.thread.blocks if post.thread else [])
                parts = (pnode, self.nodes.get(pnode), self.nodes.get("thread:" + pnode[5:]), post.title,
                         post.url, post.date, post.author, [b.id for b in blocks])
            found = self._post_digests[pnode] = digest(parts)
        return found

    def note_of(self, key: str) -> str:
        """The node's note path: what a link to it reads."""
        return self.nodes[key]["note"]

    def node(self, key: str) -> dict:
        return self.nodes[key]

    def link(self, key: str, anchor: str | None = None, alias: str | None = None) -> str:
        if anchor is None and alias is None:  # the common case, asked for again and again
            link = self._links.get(key)
            if link is None:
                link = self._links[key] = note_link(self.nodes[key]["note"])
            return link
        return note_link(self.nodes[key]["note"], anchor, alias)

    def links(self, keys) -> list[str]:
        """[link(k) for k in keys] without a method call per key: the pages list thousands."""
        found, link = self._links, self.link
        return [found.get(k) or link(k) for k in keys]

    def prop_link(self, key: str) -> str:
        return self.link(key)  # the same text: front_matter quotes it

    def page(self, name: str) -> str:
        """Vault path of a page that is not a graph node (Home, maps)."""
        return self.g.graph["notes"][name]

    def page_link(self, name: str, alias: str | None = None) -> str:
        return note_link(self.page(name), None, alias)

    def item_post(self, item: Item) -> tuple[Post | None, str]:
        """The item's post and its node ((None, "") if no post of the corpus has its title)."""
        pnode = self.node(f"item:{item.id}")["post"]
        return self.posts.get(pnode), pnode

    def has_block(self, pnode: str, post: Post, block: str) -> bool:
        """Whether the post or its thread has a block with this id (post.block() scans the post)."""
        ids = self._blocks.get(pnode)
        if ids is None:
            blocks = post.blocks + (post.thread.blocks if post.thread else [])
            ids = self._blocks[pnode] = frozenset(b.id for b in blocks)
        return block in ids

    def source(self, item: Item) -> str:
        """Link to the exact block an item was taken from: [[Post#^p12|Post, ¶12]] (or the
        thread's block for comment items); without the anchor if the block is not in the note."""
        if item.id not in self._sources:
            self._sources[item.id] = self._source(item)
        return self._sources[item.id]

    def _source(self, item: Item) -> str:  # what it reads is in listed_digest: keep them in step
        post, pnode = self.item_post(item)
        if post is None:
            return f"{item.post or 'unknown post'} (`{item.source_file}`)"
        tnode = "thread:" + pnode[5:]
        in_thread = item.in_comments and tnode in self.g
        found = self.has_block(pnode, post, item.block)
        anchor = "^" + item.block if found and is_valid_block_id(item.block) else None
        if in_thread:
            where = f"comment {item.comment[1:]}" if item.comment else "comments"
            return self.link(tnode, anchor, f"{post.title}, {where}")
        return self.link(pnode, anchor, f"{post.title}, ¶{item.block.lstrip('p')}" if anchor else post.title)

    def where(self, item: Item) -> str:
        """"[[Post]]" or "[[Thread#Comment 3|comment 3]] on [[Post]]"."""
        post, pnode = self.item_post(item)
        if post is None:
            return item.post or "an unknown post"
        tnode = "thread:" + pnode[5:]
        if item.in_comments and item.comment and tnode in self.g:
            return self.link(tnode, f"Comment {item.comment[1:]}", f"comment {item.comment[1:]}") + " on " + self.link(pnode)
        return self.link(pnode)

    def quote(self, item: Item) -> str:
        return quote_callout(item.text, self.source(item))

    def out(self, node: str, kind: str) -> tuple[str, ...]:
        """Targets of the node's `kind` edges, sorted, each once."""
        return self.edges.targets(node, kind)

    def into(self, node: str, kind: str) -> tuple[str, ...]:
        """Sources of the `kind` edges into the node, sorted, each once."""
        return self.edges.sources(node, kind)

    def author_link(self, name: str | None) -> str | None:
        if not name:
            return None
        if name not in self._authors:
            from ..link import person_key

            key = person_key(name)
            self._authors[name] = self.link(key) if key in self.g else None
        return self._authors[name]


ROWS = "\0rows"
"""Ctx.note_cache's entry for the concept lists' rows: (code_version(), {listed_digest: row}). Not
a vault path (no file name holds a NUL)."""


TOPICS = "\0topics"
"""Ctx.note_cache's entry for the snippet topics' note paths: (key, {topic: path}) (see
computations.topic_paths)."""


def kept_rows(entry) -> dict:
    """The rows the last build kept (Ctx.rows) if made by this code, else none. Only str rows: an
    entry of another shape is damaged, and its rows are made again."""
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == code_version() and isinstance(entry[1], dict)):
        return {}
    return {d: row for d, row in entry[1].items() if type(row) is str}


def render_values(values: Callable[[], tuple[jinja2.Template, dict]]) -> str:
    template, data = values()
    return template.render(data)


def digest(data) -> bytes:
    """sha1 of plain data (str, bytes, numbers, None, lists, tuples, dicts). marshal version 2
    writes no back-references, so the bytes depend on the values alone, not on which of them are
    the same object (see note_key); a list and a tuple of the same values differ, as do 1 and True."""
    return hashlib.sha1(marshal.dumps(data, 2)).digest()


def code_version() -> str:
    from ..buildcache import code_version

    return code_version()


def inputs_key(inputs) -> str:
    """What a note is made from: the code and templates (buildcache.code_version) and the note's
    inputs (plain data that names its template)."""
    return digest((code_version(), inputs)).hex()


def note_key(template: jinja2.Template, values: dict) -> str:
    """What a note is made of: the code and templates (buildcache.code_version), the template's
    name and the values, in their (fixed) order. Pickled in fast mode, without a memo, so the
    bytes depend on the values alone, not on which of them happen to be the same object (note
    values are plain trees, with no cycles); this takes half the time of json.dumps."""
    from ..buildcache import code_version

    data = io.BytesIO()
    pickler = pickle.Pickler(data, protocol=5)
    pickler.fast = True
    pickler.dump((code_version(), template.name, values))
    return hashlib.sha1(data.getbuffer()).hexdigest()


def render_vault(corpus: Corpus, items: list[Item], concepts: list[Concept], graph: nx.MultiDiGraph,
                 extras: Extras | None = None, *, snippets: bool = False, snippet_cache: Path | None = None,
                 problems: list | None = None) -> dict[str, str | bytes]:
    """All vault files (relative path -> content), sorted: render_files() gathered in one dict."""
    return dict(sorted(render_files(corpus, items, concepts, graph, extras, snippets=snippets,
                                    snippet_cache=snippet_cache, problems=problems)))


def render_files(corpus: Corpus, items: list[Item], concepts: list[Concept], graph: nx.MultiDiGraph,
                 extras: Extras | None = None, *, snippets: bool = False, snippet_cache: Path | None = None,
                 problems: list | None = None, note_cache: dict | None = None) -> Iterator[tuple[str, str | bytes | Deferred]]:
    """All vault files as (relative path, content), one group of notes after another: notes, maps,
    canvases and `.obsidian/` settings. A generator, so the writer can store each group and let it go
    (the rendered vault is the largest thing a build holds).

    extras: more Markdown per concept name (shown under "Compute it"). snippets: also embed the
    executable snippets (vault_builder.snippets) with their outputs, copy the numeric module to
    `_code/` and write toy-topic notes; results are cached in snippet_cache. Problems found on the
    way (a failing snippet) are appended to `problems`. note_cache: see Ctx.note_cache; with it,
    the notes made from a template (all but the canvases and the snippet topics) come as writer.Deferred.
    """
    from . import computations, concepts as concept_notes, items as item_notes, maps, pages, posts

    compiled = Path(snippet_cache).parent / "templates" if snippet_cache else None  # beside the snippet results
    ctx = Ctx(environment(compiled), corpus, items, concepts, graph, note_cache=note_cache)
    prepared = computations.prepare(ctx, snippet_cache) if snippets else computations.Prepared()
    if problems is not None:
        problems += prepared.problems

    def extra(name: str) -> str:
        parts = [(extras or (lambda n: ""))(name).strip(), prepared.extras.get(name, "").strip()]
        return "\n\n".join(p for p in parts if p)

    ctx.extras = extra
    ctx.computations = prepared.index
    groups = (lambda: posts.render(ctx), lambda: item_notes.render(ctx), lambda: concept_notes.render(ctx),
              lambda: computations.topic_notes(ctx, prepared), lambda: pages.render(ctx), lambda: maps.render(ctx),
              lambda: prepared.files, obsidian.settings_files)
    seen: set[str] = set()
    for group in groups:
        files = group()
        for path, content in (files.items() if isinstance(files, dict) else files):
            if path in seen:  # note names are claimed once (paths.NameRegistry): a repeat is a bug
                raise ValueError(f"two vault files at {path!r}")
            seen.add(path)
            yield path, content


__all__ = ["render_vault", "render_files", "environment", "templates_dir", "Ctx", "stem"]
