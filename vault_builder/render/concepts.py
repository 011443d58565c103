"""Concept notes: every source's definition (quoted, linked to the block), the claims about the
concept, its examples and counterexamples, prerequisites, related concepts, and a hook for extra
Markdown (numeric snippets) under the concept."""
from __future__ import annotations

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
    for i, node in enumerate(order):
        prev = order[i - 1] if i else None
        nxt = order[i + 1] if i + 1 < len(order) else None
        note = ctx.node(node)["note"]
        yield note, ctx.note(note, *concept_values(ctx, node, prev, nxt))


def aliases(ctx: Ctx, node: str) -> list[str]:
    data = ctx.node(node)
    names = [data["label"], *data.get("aliases", []), *data.get("abbreviations", [])]
    seen, out = {stem(data["note"])}, []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def item_row(ctx: Ctx, inode: str) -> dict:
    """An item in a concept's lists; made once per item (an item is listed under each of its
    concepts) and shared, as values are only read."""
    row = ctx.item_rows.get(inode)
    if row is None:
        item = ctx.by_id[inode[5:]]
        row = ctx.item_rows[inode] = {
            "link": ctx.link(inode), "author": item.author, "source": ctx.source(item),
            "key": bool(item.key), "disputed": bool(ctx.node(inode).get("disputed")), "type": item.type}
    return row


def concept_values(ctx: Ctx, node: str, prev: str | None, nxt: str | None) -> tuple[jinja2.Template, dict]:
    """The concept's template and everything its note shows (see items.item_values)."""
    data = ctx.node(node)
    name = data["label"]
    rank = ctx.item_rank.__getitem__
    definitions = sorted(ctx.into(node, "defines"), key=rank)
    about = sorted({u for u in ctx.into(node, "about") + ctx.into(node, "mentions") if ctx.node(u)["type"] != "post"},
                   key=rank)
    by_type: dict[str, list] = {"claim": [], "counterexample": [], "example": [], "definition": []}
    for u in about:
        by_type.setdefault(ctx.node(u)["type"], []).append(u)
    claims = sorted(by_type["claim"], key=lambda u: (not ctx.node(u).get("key"), rank(u)))
    posts = sorted((u for u in ctx.into(node, "mentions") if ctx.node(u)["type"] == "post"), key=ctx.post_index.__getitem__)
    prereq, needed_for = ctx.into(node, "prerequisite"), ctx.out(node, "prerequisite")
    same = ctx.out(node, "same_as") + ctx.into(node, "same_as")
    fm = {
        "id": "concept-" + (slug(name) or "untitled"), "type": "concept", "title": name,
        "aliases": aliases(ctx, node),
        "tags": ["type/concept", f"concept/{slug(name)}"] if slug(name) else ["type/concept"],
        "importance": data["importance"], "reading_order": data["reading_order"],
        "discovered": bool(data.get("discovered")),
        "prerequisites": [ctx.prop_link(p) for p in prereq],
    }
    defs = []
    for d in definitions:
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
        prerequisites=[ctx.link(p) for p in prereq], needed_for=[ctx.link(p) for p in needed_for],
        claims=[item_row(ctx, u) for u in claims],
        counterexamples=[item_row(ctx, u) for u in by_type["counterexample"]],
        examples=[item_row(ctx, u) for u in by_type["example"]],
        related_definitions=[item_row(ctx, u) for u in by_type["definition"]],
        related=[ctx.link(r) for r in data.get("related", [])],
        same=[ctx.link(s) for s in same],
        posts=[ctx.link(p) for p in posts],
        extra=ctx.extras(name).strip(),
    )

