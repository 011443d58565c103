"""Link: the one pass over all items. Names every note and builds the concept/argument graph.

Nodes are keyed "post:<title>", "thread:<title>", "comment:<title>#c3", "person:<name>",
"concept:<name>", "item:<id>"; each carries `type`, `label` and `note` (its vault path, where it
has a note). Edges carry `type`: authored, appears_in, part_of, replies_to, defines, mentions,
counterexample_to, prerequisite.
"""
from __future__ import annotations

import re

import networkx as nx

from .models import Concept, Corpus, Item
from .paths import NameRegistry

FOLDERS = {
    "post": "Posts", "thread": "Threads", "person": "People", "concept": "Concepts",
    "claim": "Claims", "definition": "Definitions", "example": "Examples", "counterexample": "Counterexamples",
}


def link(corpus: Corpus, items: list[Item], concepts: list[Concept]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    names = NameRegistry()
    add_posts(g, corpus, names)
    add_concepts(g, concepts, names)
    add_items(g, items, names)
    add_prerequisites(g, items)
    return g


def note_of(names: NameRegistry, kind: str, title: str) -> str:
    folder = FOLDERS[kind]
    return names.path(folder, names.claim(folder, title))


def person(g: nx.MultiDiGraph, names: NameRegistry, name: str) -> str:
    node = f"person:{name}"
    if node not in g:
        g.add_node(node, type="person", label=name, note=note_of(names, "person", name))
    return node


def add_posts(g: nx.MultiDiGraph, corpus: Corpus, names: NameRegistry) -> None:
    for post in corpus.posts:
        pnode = f"post:{post.title}"
        g.add_node(pnode, type="post", label=post.title, note=note_of(names, "post", post.title), files=post.files)
        if post.author:
            g.add_edge(person(g, names, post.author), pnode, type="authored")
        if not post.thread:
            continue
        tnode = f"thread:{post.title}"
        g.add_node(tnode, type="thread", label=f"{post.title} — comments",
                   note=note_of(names, "thread", f"{post.title} — comments"))
        g.add_edge(tnode, pnode, type="part_of")
        for name in post.thread.participants:
            g.add_edge(person(g, names, name), tnode, type="participated_in")
        for c in post.thread.comments:
            cnode = f"comment:{post.title}#{c.id}"
            g.add_node(cnode, type="comment", label=f"{post.title} {c.id}", note=g.nodes[tnode]["note"], anchor=c.blocks[0].id if c.blocks else "")
            g.add_edge(cnode, tnode, type="part_of")
            if c.author:
                g.add_edge(person(g, names, c.author), cnode, type="authored")
            if c.parent:
                g.add_edge(cnode, f"comment:{post.title}#{c.parent}", type="replies_to")


def add_concepts(g: nx.MultiDiGraph, concepts: list[Concept], names: NameRegistry) -> None:
    for c in concepts:
        g.add_node(f"concept:{c.name}", type="concept", label=c.name, note=note_of(names, "concept", c.name),
                   aliases=list(c.aliases), discovered=c.discovered)


def add_items(g: nx.MultiDiGraph, items: list[Item], names: NameRegistry) -> None:
    for item in items:
        item.note = note_of(names, item.type, short_title(item))
        node = f"item:{item.id}"
        g.add_node(node, type=item.type, label=short_title(item), note=item.note, key=item.key)
        where = f"comment:{item.post}#{item.comment}" if item.comment else f"post:{item.post}"
        g.add_edge(node, where, type="appears_in", block=item.block)
        if item.author:
            g.add_edge(person(g, names, item.author), node, type="authored")
        for concept in item.concepts:
            if f"concept:{concept}" in g:
                g.add_edge(node, f"concept:{concept}", type="mentions")
        if item.type == "definition" and item.term and f"concept:{item.term}" in g:
            g.add_edge(node, f"concept:{item.term}", type="defines")
    for item in items:
        if item.against and f"item:{item.against}" in g:
            g.add_edge(f"item:{item.id}", f"item:{item.against}", type="counterexample_to")


def add_prerequisites(g: nx.MultiDiGraph, items: list[Item]) -> None:
    """A concept whose definition mentions another concept comes after it in the reading order."""
    for item in items:
        if item.type != "definition" or not item.term or f"concept:{item.term}" not in g:
            continue
        for other in item.concepts:
            if other != item.term and f"concept:{other}" in g:
                if not g.has_edge(f"concept:{other}", f"concept:{item.term}"):
                    g.add_edge(f"concept:{other}", f"concept:{item.term}", type="prerequisite")


# -- short titles for item notes ------------------------------------------------------------------

LEAD_INS = re.compile(
    r"^(?:(?:however|moreover|furthermore|therefore|thus|hence|indeed|so|but|and|also|still|again|"
    r"first(?: of all)?|second|next|finally|in summary|in particular|in general|to (?:state|put) this differently|"
    r"that said|of course|i think|i believe|i would argue|i claim|i agree|note|yes|no|well|rather)\b[,:]?\s+)+",
    re.I)
TRAILING_WEAK = re.compile(r"\s+(?:that|which|who|the|a|an|of|to|and|or|but|with|for|in|on|by|as|is|are|be|this|its|their)$", re.I)


def short_title(item: Item, limit: int = 70) -> str:
    """A readable note title: the sentence without lead-ins, math or a dangling tail, cut at a clause."""
    if item.type == "definition" and item.term:
        return f"{item.term} — {clause_cut(item.post, 32) if len(item.post) > 32 else item.post}"
    text = re.sub(r"\$\$?[^$]*\$\$?", "", item.text)
    text = re.sub(r"[*_`>\[\]]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = LEAD_INS.sub("", text).strip()
    text = text[:1].upper() + text[1:]
    if len(text) > limit:
        cut = clause_cut(text, limit)
        text = cut
    text = text.rstrip(" .,;:—-")
    while TRAILING_WEAK.search(text):
        text = TRAILING_WEAK.sub("", text)
    return text or item.type.title()


def clause_cut(text: str, limit: int) -> str:
    """Cut at the last clause boundary before the limit, else at the last word boundary."""
    window = text[: limit + 1]
    for sep in ("; ", " — ", ": ", ", ", " because ", " since ", " while ", " whereas "):
        pos = window.rfind(sep)
        if pos >= limit * 0.45:
            return window[:pos]
    pos = window.rfind(" ")
    return window[:pos] if pos > 0 else window[:limit]
