"""Concept notes: every source's definition (quoted, linked to the block), the claims about the
concept, its examples and counterexamples, prerequisites, related concepts, and a hook for extra
Markdown (numeric snippets) under the concept."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterator

import jinja2

from ..tags import slug
from . import Ctx, Deferred
from .markdown import stem
from .markdown import quote_callout


def render(ctx: Ctx) -> Iterator[tuple[str, str | Deferred]]:
    """(path, note) one concept at a time (together they are a large part of a big vault); with
    a note cache, as Deferred (see items.render)."""
    order = ctx.g.graph["reading_order"]
    every = every_listed(ctx)
    for i, node in enumerate(order):
        prev = order[i - 1] if i else None
        nxt = order[i + 1] if i + 1 < len(order) else None
        note = ctx.node(node)["note"]
        lists = every.pop(node)
        yield note, ctx.note(note, partial(concept_values, ctx, node, prev, nxt, lists),
                             partial(concept_inputs, ctx, node, prev, nxt, lists))


def aliases(ctx: Ctx, node: str) -> list[str]:
    data = ctx.node(node)
    names = [data["label"], *data.get("aliases", []), *data.get("abbreviations", [])]
    seen, out = {stem(data["note"])}, []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def item_row(ctx: Ctx, inode: str) -> str:
    """An item's line in a concept's lists (made_row), made once per item (an item is listed
    under each of its concepts). With a note cache, the row the last build made from the same
    (Ctx.listed_digest) is kept: a concept note made again lists thousands of unchanged items."""
    row = ctx.item_rows.get(inode)
    if row is None and ctx.note_cache is not None:
        ctx.listed_digest(inode)  # finds the row the last build made from the same, if any
        row = ctx.item_rows.get(inode)
    if row is None:
        row = ctx.item_rows[inode] = made_row(ctx, inode)
        if ctx.note_cache is not None:
            ctx.rows[ctx.listed_digest(inode)] = row
    return row


def made_row(ctx: Ctx, inode: str) -> str:
    """An item's line in a concept's lists: its link, whether it is a key claim or disputed, its
    author and source, as text: the big concept notes list thousands of items, which the
    template's loop made slowly. What it reads is in Ctx.listed_digest: keep them in step."""
    item = ctx.by_id[inode[5:]]
    return (f"- {ctx.link(inode)}{' · key claim' if item.key else ''}"
            f"{' · ⚔ disputed' if ctx.node(inode).get('disputed') else ''}"
            f"{f' — {item.author}' if item.author else ''} ({ctx.source(item)})\n")


@dataclass
class Listed:
    """The nodes a concept's note lists, in the order it lists them."""

    definitions: list
    claims: list
    counterexamples: list
    examples: list
    related_definitions: list
    posts: list
    prerequisites: tuple
    needed_for: tuple
    same: tuple


def every_listed(ctx: Ctx) -> dict[str, Listed]:
    """Concept node -> what its note lists: its definitions, the items about or mentioning it
    (claims, key ones first, counterexamples, examples, other definitions) in reading order
    (Ctx.item_rank), the posts mentioning it in corpus order, its prerequisites, what it is needed
    for and its same-as concepts. From one pass over the items in reading order and one over the
    posts: each of 1,500 concepts sorting what it lists cost twice as much."""
    out, nodes = ctx.edges.out, ctx.nodes
    definitions: dict[str, list] = {}
    about: dict[str, dict[str, list]] = {}  # concept -> kind ("key claim" or the item's type) -> items
    for u in sorted(ctx.item_rank, key=ctx.item_rank.__getitem__):
        ends = out.get(u)
        if not ends:
            continue
        for c in ends.get("defines", ()):
            definitions.setdefault(c, []).append(u)
        a, m = ends.get("about", ()), ends.get("mentions", ())
        if not (a or m):
            continue
        data = nodes[u]
        kind = "key claim" if data["type"] == "claim" and data.get("key") else data["type"]
        for c in (dict.fromkeys(a + m) if a and m else a or m):
            kinds = about.get(c)
            if kinds is None:
                kinds = about[c] = {}
            listed = kinds.get(kind)
            if listed is None:
                kinds[kind] = [u]
            else:
                listed.append(u)
    posts: dict[str, list] = {}
    for p in ctx.g.graph["posts"]:
        if nodes[p]["type"] == "post":
            for c in ctx.out(p, "mentions"):
                posts.setdefault(c, []).append(p)
    every = {}
    for c in ctx.g.graph["reading_order"]:
        kinds = about.get(c) or {}
        every[c] = Listed(definitions.get(c, []), kinds.get("key claim", []) + kinds.get("claim", []),
                          kinds.get("counterexample", []), kinds.get("example", []), kinds.get("definition", []),
                          posts.get(c, []), ctx.into(c, "prerequisite"),
                          ctx.out(c, "prerequisite"), ctx.out(c, "same_as") + ctx.into(c, "same_as"))
    return every


def concept_values(ctx: Ctx, node: str, prev: str | None, nxt: str | None, lists: Listed) -> tuple[jinja2.Template, dict]:
    """The concept's template and everything its note shows (see items.item_values); lists: every_listed()."""
    data = ctx.node(node)
    name = data["label"]
    prereq = lists.prerequisites
    fm = {
        "id": "concept-" + (slug(name) or "untitled"), "type": "concept", "title": name,
        "aliases": aliases(ctx, node),
        "tags": ["type/concept", f"concept/{slug(name)}"] if slug(name) else ["type/concept"],
        "importance": data["importance"], "reading_order": data["reading_order"],
        "discovered": bool(data.get("discovered")),
        "prerequisites": [ctx.prop_link(p) for p in prereq],
    }
    defs = []
    for d in lists.definitions:
        item = ctx.by_id[d[5:]]
        head = f"{ctx.link(d, None, 'Definition')} · {ctx.source(item)}" + (f" · {item.author}" if item.author else "")
        defs.append(quote_callout(item.text, head))
    return ctx.template("concept.md.j2"), dict(
        fm=fm, name=name, also=[a for a in fm["aliases"] if a != name],
        discovered=bool(data.get("discovered")), importance=data["importance"], rank=data["rank"],
        position=data["reading_order"], total=len(ctx.g.graph["reading_order"]),
        prev=ctx.link(prev) if prev else None, next=ctx.link(nxt) if nxt else None,
        reading_order=ctx.page_link("reading_order"),
        definitions=defs,
        prerequisites=[ctx.link(p) for p in prereq], needed_for=[ctx.link(p) for p in lists.needed_for],
        claims=[item_row(ctx, u) for u in lists.claims],
        counterexamples=[item_row(ctx, u) for u in lists.counterexamples],
        examples=[item_row(ctx, u) for u in lists.examples],
        related_definitions=[item_row(ctx, u) for u in lists.related_definitions],
        related=[ctx.link(r) for r in data.get("related", [])],
        same=[ctx.link(s) for s in lists.same],
        posts=[ctx.link(p) for p in lists.posts],
        extra=ctx.extras(name).strip(),
    )


def concept_inputs(ctx: Ctx, node: str, prev: str | None, nxt: str | None, lists: Listed) -> tuple:
    """Everything concept_values reads, as cheap plain data (see items.item_inputs): the
    concept's node, its definitions (quoted: Ctx.item_digest), the other items it lists by what
    the list shows of them (Ctx.listed_digest) and the nodes it links to by their notes, in the
    order it shows them. Keep in step with concept_values."""
    data = ctx.node(node)
    note, notes, listed_ = ctx.note_of, ctx.notes_of, ctx.listed_digests
    return ("concept.md.j2", data, len(ctx.g.graph["reading_order"]), prev and note(prev), nxt and note(nxt),
            ctx.page("reading_order"), ctx.extras(data["label"]),
            [ctx.item_digest(u) for u in lists.definitions], listed_(lists.claims),
            listed_(lists.counterexamples), listed_(lists.examples),
            listed_(lists.related_definitions), notes(lists.posts),
            notes(lists.prerequisites), notes(lists.needed_for),
            notes(lists.same), notes(data.get("related", [])))
