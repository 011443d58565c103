"""Link: the one pass over all items. Names every note and builds the concept/argument graph.

Nodes are keyed "post:<title>", "thread:<title>", "comment:<title>#c3", "person:<name>",
"concept:<name>", "item:<id>" (a second post with the same title gets "post:<title> (2)").
Each node carries `type`, `label` and `note` (its vault path; comments carry their thread's note
and an `anchor`). Edges carry `type` and read "source <type> target":

  person  authored          post / comment / item
  person  participated_in   thread        (listed by the page, comment authorship unknown)
  thread  part_of           post;  comment part_of thread
  comment replies_to        comment       (the reply structure of a thread)
  item    appears_in        post / comment   (with `block`, the block id without caret)
  item    defines           concept       (definitions: the term)
  item    about             concept       (the concepts an item is about)
  item    mentions          concept       (definitions: the other concepts they rely on)
  post    mentions          concept       (with `count`: items of the post and its thread)
  item    counterexample_to item (claim)
  item    replies_to        item          (a comment's claims answering a quoted or parent
                                           claim; `stance` "disputes" or "responds")
  item    duplicate_of      item          (same sentence, e.g. a reply repeating a paragraph)
  concept same_as           concept       (one concept's name is the other's alias)
  concept prerequisite      concept       ("A prerequisite B": a definition of B relies on A)

Analyses (importance, related concepts, reading order, disputes) are in graph.py; link() runs
them and stores the results as node attributes, so graph.json carries them too. Extra note
names (Home, maps) are claimed here first and kept in `graph.graph["notes"]`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import networkx as nx

from . import graph as analyses
from .buildcache import code_version
from .export import no_cyclic_gc
from .models import Concept, Corpus, Item, Post
from .paths import NameRegistry, name_key
from .titles import TRAILING_WEAK, clause_cut, resolve_term, short_title  # noqa: F401  (re-exported)

FOLDERS = {
    "post": "Posts", "thread": "Threads", "person": "People", "concept": "Concepts",
    "claim": "Claims", "definition": "Definitions", "example": "Examples", "counterexample": "Counterexamples",
    "map": "Maps",
}
# Notes that are not graph nodes: key -> (folder, name, extension). Claimed first: stable names.
PAGES = {
    "home": ("", "Home", ".md"),
    "reading_order": ("Maps", "Reading order", ".md"),
    "concepts": ("Maps", "Concept index", ".md"),
    "claims": ("Maps", "Claims by post", ".md"),
    "debates": ("Maps", "Debates", ".md"),
    "people": ("Maps", "People index", ".md"),
    "concept_map": ("Maps", "Concept map", ".canvas"),
}
WORDS = re.compile(r"\w+")
ANALYSES = "analyses"
"""Key of graph.annotate()'s results in the link stage cache (the titles are keyed by sha1 digests)."""
DISPUTE_CUES = re.compile(
    r"\b(?:I (?:don['’]t|do not|doesn['’]t) (?:really |quite |fully |entirely )?(?:think|agree|buy|see|believe|understand)|disagree|not (?:true|right|correct|convinced)"
    r"|(?:is|are|seems|was) (?:wrong|false|incorrect|mistaken|misleading)|doesn['’]t (?:follow|hold|work)"
    r"|I['’]m not sure|on the contrary|I object|counter-?example|that['’]s not)\b", re.I)


@no_cyclic_gc()  # the graph is made of many objects that live on and hold no garbage cycles
def link(corpus: Corpus, items: list[Item], concepts: list[Concept], titles: dict | None = None) -> nx.MultiDiGraph:
    """Name every note (sets Item.note) and build the graph, annotated by graph.annotate().
    titles: the link stage cache of the last build, updated in place: the items' short titles and
    the digests of their words (see cached_text) and, under ANALYSES, what annotate() returned."""
    previous = titles.pop(ANALYSES, None) if titles is not None else None
    g = nx.MultiDiGraph()
    names = NameRegistry()
    g.graph["notes"] = {key: names.path(folder, names.claim(folder, title))[: -3] + ext
                        for key, (folder, title, ext) in PAGES.items()}
    g.graph["debate_maps"] = {}
    post_nodes = add_posts(g, corpus, names)
    add_concepts(g, concepts, names)
    definitions = add_items(g, corpus, post_nodes, items, concepts, names, titles)
    add_replies(g, corpus, post_nodes, items)
    add_prerequisites(g, definitions)
    nodes = g._node
    argued = {nodes[f"item:{i.id}"]["post"] for i in items if i.type in ("claim", "counterexample")}
    for post, pnode in zip(corpus.posts, post_nodes):
        if post.thread and pnode in argued:
            name = names.claim("Maps", f"Debate map — {post.title}")
            g.graph["debate_maps"][pnode] = f"Maps/{name}.canvas"
    found = analyses.annotate(g, previous)
    if titles is not None:
        titles[ANALYSES] = found
    return g


def add_edge(g: nx.MultiDiGraph, u: str, v: str, **attr) -> None:
    """g.add_edge(u, v, **attr) (see put_edge)."""
    put_edge(g, u, v, attr)


def put_edge(g: nx.MultiDiGraph, u: str, v: str, attr: dict) -> None:
    """g.add_edge(u, v, **attr), the same edge under the same key, with `attr` itself as its data
    (it may be shared: see typed), written into the graph's adjacency directly when both nodes
    exist: networkx's add_edge checks, makes a key and empties the graph's caches on every call,
    a quarter of add_items (98k edges at 400 posts). The graph is new and has no cached views
    yet; annotate() makes the first."""
    succ = g._succ
    out = succ.get(u)
    if out is None or v not in succ:
        g.add_edge(u, v, **attr)
        return
    keydict = out.get(v)
    if keydict is None:
        out[v] = g._pred[v][u] = {0: attr}
        return
    key = len(keydict)  # networkx's new_edge_key
    while key in keydict:
        key += 1
    keydict[key] = attr


def typed(*kinds: str) -> dict[str, dict]:
    """One attribute dict {"type": kind} per kind, for all the edges of that kind that carry no
    other attribute, made by one call of an add_* function (so by one graph): ~70% of the edges,
    a dict each was 184 bytes (~70 MB at 2,000 posts, living through the render) and a quarter of
    the time of making them. Edge data is read, never changed in place, once the graph is made."""
    return {kind: {"type": kind} for kind in kinds}


def shared(made: dict, kind: str, name: str, value) -> dict:
    """The attribute dict {"type": kind, name: value} kept in `made` by value, made at its first use:
    edges with the same attributes share one dict (see typed). A post's items appear in a few dozen
    block ids ("p2", "c2-p6"), and mention counts and reply stances take few values."""
    attr = made.get(value)
    if attr is None:
        attr = made[value] = {"type": kind, name: value}
    return attr


def add_node(g: nx.MultiDiGraph, node: str, **attr) -> None:
    """g.add_node(node, **attr), a new node written into the graph directly (see add_edge)."""
    if node in g._succ:
        g.add_node(node, **attr)
        return
    g._succ[node] = {}
    g._pred[node] = {}
    g._node[node] = attr


def note_of(names: NameRegistry, kind: str, title: str) -> str:
    return names.claim_path(FOLDERS[kind], title)


def person_key(name: str) -> str:
    """One person node per name, compared like note names ("Adrià Garriga-alonso" = "-Alonso")."""
    return "person:" + name_key(" ".join(name.split()))


def person(g: nx.MultiDiGraph, names: NameRegistry, name: str) -> str:
    node = person_key(name)
    data = g._node.get(node)
    if data is None:
        add_node(g, node, type="person", label=" ".join(name.split()), note=note_of(names, "person", name), spellings=[name])
    elif name not in data["spellings"]:
        data["spellings"].append(name)
    return node


def post_node_keys(corpus: Corpus) -> list[str]:
    """Graph keys of the posts, in corpus order; a repeated title gets " (2)", " (3)"..."""
    seen: dict[str, int] = {}
    keys = []
    for post in corpus.posts:
        n = seen[post.title] = seen.get(post.title, 0) + 1
        keys.append(f"post:{post.title}" + (f" ({n})" if n > 1 else ""))
    return keys


def add_posts(g: nx.MultiDiGraph, corpus: Corpus, names: NameRegistry) -> list[str]:
    keys = post_node_keys(corpus)
    g.graph["posts"] = keys
    edge = typed("authored", "part_of", "participated_in", "replies_to")
    unverified = {"type": "authored", "unverified": True}
    for post, pnode in zip(corpus.posts, keys):
        add_node(g, pnode, type="post", label=post.title, note=note_of(names, "post", post.title), files=list(post.files))
        author = post.author or post.meta.get("unverified", {}).get("author")
        if author:
            put_edge(g, person(g, names, author), pnode, edge["authored"] if post.author else unverified)
        if not post.thread:
            continue
        tkey = "thread:" + pnode[5:]
        add_node(g, tkey, type="thread", label=f"{post.title} — comments", note=note_of(names, "thread", f"{post.title} — comments"))
        put_edge(g, tkey, pnode, edge["part_of"])
        for name in dict.fromkeys(post.thread.participants):
            put_edge(g, person(g, names, name), tkey, edge["participated_in"])
        for c in post.thread.comments:
            cnode = comment_key(pnode, c.id)
            add_node(g, cnode, type="comment", label=f"Comment {c.id[1:]} on {post.title}", note=g.nodes[tkey]["note"],
                       anchor=f"Comment {c.id[1:]}")
            put_edge(g, cnode, tkey, edge["part_of"])
            if c.author:
                put_edge(g, person(g, names, c.author), cnode, edge["authored"])
        for c in post.thread.comments:
            if c.parent and comment_key(pnode, c.parent) in g:
                put_edge(g, comment_key(pnode, c.id), comment_key(pnode, c.parent), edge["replies_to"])
    return keys


def comment_key(pnode: str, cid: str) -> str:
    return f"comment:{pnode[5:]}#{cid}"


def concept_index(concepts: list[Concept]) -> dict[str, str]:
    """name_key of every name, alias and abbreviation -> canonical concept name (first wins)."""
    index: dict[str, str] = {}
    for c in concepts:
        index.setdefault(name_key(c.name), c.name)
    for c in concepts:
        for alias in (*c.aliases, *c.abbreviations):
            index.setdefault(name_key(alias), c.name)
    return index


def add_concepts(g: nx.MultiDiGraph, concepts: list[Concept], names: NameRegistry) -> None:
    for c in concepts:
        add_node(g, f"concept:{c.name}", type="concept", label=c.name, note=note_of(names, "concept", c.name),
                   aliases=list(c.aliases), abbreviations=list(c.abbreviations), discovered=c.discovered)
    index = {name_key(c.name): c.name for c in concepts}
    same_as = {"type": "same_as"}
    for c in concepts:
        for alias in (*c.aliases, *c.abbreviations):
            other = index.get(name_key(alias))
            if other and other != c.name and not g.has_edge(f"concept:{c.name}", f"concept:{other}"):
                put_edge(g, f"concept:{c.name}", f"concept:{other}", same_as)


def item_post(posts_by_title: dict[str, list[tuple[Post, str]]], item: Item) -> tuple[Post, str] | None:
    """The post an item belongs to: same title and holding its block (titles may repeat)."""
    candidates = posts_by_title.get(item.post, [])
    if len(candidates) > 1:
        for post, pnode in candidates:
            if (not item.source_file or item.source_file in post.files
                    or (post.thread and item.source_file in post.thread.files)) and post.block(item.block):
                return post, pnode
    return candidates[0] if candidates else None


def add_items(g: nx.MultiDiGraph, corpus: Corpus, post_nodes: list[str], items: list[Item],
              concepts: list[Concept], names: NameRegistry, titles: dict | None = None) -> dict[str, Linked]:
    """Add the items' nodes and edges. Returns each definition's defines and mentions edges
    (for add_prerequisites)."""
    index = concept_index(concepts)
    definitions: dict[str, Linked] = {}
    previous_titles = dict(titles or {})
    if titles is not None:
        titles.clear()  # only this build's entries: the cache does not grow with old texts
    posts_by_title: dict[str, list[tuple[Post, str]]] = {}
    for post, pnode in zip(corpus.posts, post_nodes):
        posts_by_title.setdefault(post.title, []).append((post, pnode))
    mentions: dict[tuple[str, str], int] = {}
    seen_text: dict[str, str] = {}
    nodes = g._node  # `in` a plain dict, not a call of the graph's __contains__ (~70k at 400 posts)
    # person() and resolved() once per distinct author and term (56k and 28k calls at 2,000 posts,
    # of a few hundred names): the same name gives the same node, whose spellings have it already
    authors: dict[str, str] = {}
    terms: dict[str, str | None] = {}
    edge = typed("authored", "defines", "about", "mentions", "duplicate_of", "counterexample_to")
    in_block: dict[str, dict] = {}
    for item in items:
        title, words = cached_text(item, index, previous_titles, titles)
        item.note = note_of(names, item.type, title)
        node = f"item:{item.id}"
        found = item_post(posts_by_title, item)
        pnode = found[1] if found else None
        add_node(g, node, type=item.type, label=title, note=item.note, key=item.key, post=pnode or "",
                   block=item.block, in_comments=item.in_comments)
        where = comment_key(pnode, item.comment) if pnode and item.comment else pnode
        if where and where in nodes:
            put_edge(g, node, where, shared(in_block, "appears_in", "block", item.block))
        if item.author:
            author = authors.get(item.author)
            if author is None:
                author = authors[item.author] = person(g, names, item.author)
            put_edge(g, author, node, edge["authored"])
        term = None
        if item.type == "definition" and item.term:
            term = terms[item.term] if item.term in terms else terms.setdefault(item.term, resolved(item.term, index))
        linked = definitions.setdefault(node, Linked()) if item.type == "definition" else None
        concept_edge = edge["mentions"] if linked is not None else edge["about"]
        if term:
            put_edge(g, node, f"concept:{term}", edge["defines"])
            linked.defines.append(f"concept:{term}")
        for concept in dict.fromkeys([index.get(name_key(c), c) for c in item.concepts]):
            cnode = f"concept:{concept}"
            if cnode not in nodes:
                continue
            if concept != term:
                put_edge(g, node, cnode, concept_edge)
                if linked is not None:
                    linked.mentions.append(cnode)
            if pnode:
                mentions[(pnode, concept)] = mentions.get((pnode, concept), 0) + 1
        if words in seen_text:  # the same words as an earlier item's
            put_edge(g, node, seen_text[words], edge["duplicate_of"])
        elif words:
            seen_text[words] = node
    counted: dict[int, dict] = {}
    for (pnode, concept), count in mentions.items():
        put_edge(g, pnode, f"concept:{concept}", shared(counted, "mentions", "count", count))
    for item in items:
        if item.against and f"item:{item.against}" in nodes:
            put_edge(g, f"item:{item.id}", f"item:{item.against}", edge["counterexample_to"])
    return definitions


@dataclass
class Linked:
    """The concepts a definition's node has edges to, in the order they were added."""

    defines: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def cached_text(item: Item, index: dict[str, str], previous: dict, titles: dict | None) -> tuple[str, str]:
    """(short_title(item), words_digest(item.text)), taken from the last build's entry when the
    same code read the same text (a quarter of add_items, and most items are unchanged when one
    file is). A defined term's title depends on the concept index too: those are cheap, and
    always made again; their entry keeps the digest only (title "")."""
    defined = item.type == "definition" and bool(item.term)
    if titles is None:
        return short_title(item, index), words_digest(item.text)
    text = f"{code_version()}\0{item.type}\0{item.post}\0{item.text}"
    key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    entry = previous.get(key)
    if not (type(entry) is list and len(entry) == 2 and type(entry[0]) is str and type(entry[1]) is str
            and bool(entry[0]) != defined and len(entry[1]) in (0, 40)):
        entry = ["" if defined else short_title(item, index), words_digest(item.text)]
    titles[key] = entry
    return short_title(item, index) if defined else entry[0], entry[1]


def words_digest(text: str) -> str:
    """A digest of the text's words in lower case, which tell an item that repeats another's
    sentence (duplicate_of); "" for 20 characters or fewer (too short to tell)."""
    words = " ".join(WORDS.findall(text.lower()))
    return hashlib.sha1(words.encode("utf-8", "surrogatepass")).hexdigest() if len(words) > 20 else ""


def add_replies(g: nx.MultiDiGraph, corpus: Corpus, post_nodes: list[str], items: list[Item]) -> None:
    """A comment's items reply to the claims it quotes; without a quote, to its parent's claims."""
    at: dict[tuple[str, str], list[Item]] = {}  # (post node, block id) -> items in that block
    stances: dict[str, dict] = {}
    nodes = g._node  # a plain dict: NodeView lookups cost more than the rest of this loop
    for item in items:
        node = nodes[f"item:{item.id}"]
        at.setdefault((node["post"], item.block), []).append(item)
    for post, pnode in zip(corpus.posts, post_nodes):
        if not post.thread:
            continue
        by_id = {c.id: c for c in post.thread.comments}
        for c in post.thread.comments:
            targets: list[Item] = []
            answers: list[Item] = []
            for b in c.blocks:
                if b.quotes:
                    targets = [t for t in at.get((pnode, b.quotes), []) if t.type in ("claim", "counterexample")]
                    continue
                for item in at.get((pnode, b.id), []):
                    answers.append(item)
                    for t in targets:
                        reply_edge(g, item, t, stances)
            if not any(b.quotes for b in c.blocks) and c.parent in by_id:
                parent_claims = [t for b in by_id[c.parent].blocks for t in at.get((pnode, b.id), [])
                                 if t.type == "claim"]
                parent_claims = [t for t in parent_claims if t.key][:3] or parent_claims[:3]
                for item in answers:
                    for t in parent_claims:
                        reply_edge(g, item, t, stances)


def reply_edge(g: nx.MultiDiGraph, item: Item, target: Item, stances: dict | None = None) -> None:
    """stances: the shared attribute dicts of the graph's replies_to edges, by stance (see shared)."""
    if item.id == target.id or item.type not in ("claim", "counterexample", "example"):
        return
    stance = "disputes" if item.type == "counterexample" or DISPUTE_CUES.search(item.text) else "responds"
    put_edge(g, f"item:{item.id}", f"item:{target.id}", shared({} if stances is None else stances, "replies_to", "stance", stance))


def add_prerequisites(g: nx.MultiDiGraph, definitions: dict[str, Linked]) -> None:
    """"A prerequisite B" when a definition of B mentions A: A comes first in the reading order.
    definitions: what add_items linked each definition to, in node order (asking the graph for
    each definition's edges cost as much as the rest of this). Only this makes prerequisite
    edges, so the pairs made so far tell which exist."""
    made: set[tuple[str, str]] = set()
    prerequisite = {"type": "prerequisite"}
    for linked in definitions.values():
        for term in linked.defines:
            for other in linked.mentions:
                if other != term and (other, term) not in made:
                    made.add((other, term))
                    put_edge(g, other, term, prerequisite)


def resolved(term: str, index: dict[str, str]) -> str | None:
    """The canonical concept a definition's term names, or None when no concept matches."""
    name = resolve_term(term, index)
    return name if name_key(name) in index and index[name_key(name)] == name else None
