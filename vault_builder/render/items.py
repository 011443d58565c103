"""One note per claim, definition, example and counterexample, with full provenance."""
from __future__ import annotations

from typing import Iterator

import jinja2

from ..models import Item
from ..tags import TAXONOMY_AXES, item_tags
from . import Ctx, Deferred
from .markdown import stem

TEMPLATES = {"claim": "claim.md.j2", "definition": "definition.md.j2",
             "example": "example.md.j2", "counterexample": "example.md.j2"}
AXIS_NAMES = {"normative_or_descriptive": "Normative or descriptive",
              "universal_or_situational": "Universal or situational",
              "deterministic_or_stochastic": "Deterministic or stochastic"}


def render(ctx: Ctx) -> Iterator[tuple[str, str | Deferred]]:
    """(path, note) one item at a time: the item notes are most of a vault's bytes. With a note
    cache (Ctx.note_cache), a note whose template values are those of the last build comes as a
    Deferred: the writer keeps the old file when it is as that build wrote it, else renders it."""
    for item in ctx.items:
        yield item.note, ctx.note(item.note, *item_values(ctx, item))


def front(ctx: Ctx, item: Item, concepts: list[str]) -> dict:
    node = ctx.node(f"item:{item.id}")
    post, pnode = ctx.item_post(item)
    label = node["label"]
    fm = {
        "id": item.id, "type": item.type, "title": label,
        "aliases": [label] if label != stem(item.note) else [],
        "tags": item_tags(item),
        "author": item.author,
        "post": ctx.prop_link(pnode) if post else item.post,
        "source_url": post.url if post else None, "date": post.date if post else None,
        "concepts": [ctx.prop_link(c) for c in concepts],
    }
    if item.type == "claim":
        for axis in TAXONOMY_AXES:
            fm[axis] = (item.taxonomy or {}).get(axis)
        fm["key"] = bool(item.key)
        fm["disputed"] = bool(node.get("disputed"))
    if item.type == "definition":
        term = ctx.out(f"item:{item.id}", "defines")
        fm["term"] = ctx.prop_link(term[0]) if term else item.term
    if item.type == "counterexample" and item.against and f"item:{item.against}" in ctx.nodes:
        fm["against"] = ctx.prop_link(f"item:{item.against}")
    fm["in_comments"] = item.in_comments
    return fm


def concept_nodes(ctx: Ctx, item: Item) -> list[str]:
    node = f"item:{item.id}"
    out = ctx.out(node, "defines") + ctx.out(node, "about") + ctx.out(node, "mentions")
    return list(dict.fromkeys(out))


def summary(ctx: Ctx, node: str) -> dict:
    """A linked item in a list: its link, author and where it was said."""
    item = ctx.by_id[node[5:]]
    return {"link": ctx.link(node), "author": item.author, "source": ctx.source(item), "type": item.type}


def in_order(ctx: Ctx, nodes) -> list[str]:
    """Item nodes in reading order (post order, then where they stand in the post or thread)."""
    if not nodes:
        return []  # the usual case
    return sorted(set(nodes), key=lambda n: (ctx.item_rank.get(n, (0, 0)), n))


def provenance(ctx: Ctx, item: Item) -> dict:
    return {"file": item.source_file, "block": item.block, "rules": item.rules,
            "cues": {AXIS_NAMES.get(k, k): v for k, v in sorted(item.taxonomy_cues.items())}}


def item_values(ctx: Ctx, item: Item) -> tuple[jinja2.Template, dict]:
    """The item's template and everything it shows (plain values: the note is a function of them)."""
    node = f"item:{item.id}"
    where = ctx.where(item)
    replies_in = ctx.edges.replies_in.get(node, ())
    taxonomy = item.taxonomy or {}
    concepts = concept_nodes(ctx, item)
    values = {
        "fm": front(ctx, item, concepts), "title": ctx.node(node)["label"], "quote": ctx.quote(item),
        "author": ctx.author_link(item.author), "where": where, "key": item.key,
        "concepts": [ctx.link(c) for c in concepts],
        "taxonomy": [{"axis": AXIS_NAMES[a], "label": taxonomy.get(a), "cue": item.taxonomy_cues.get(a)}
                     for a in TAXONOMY_AXES if taxonomy.get(a)],
        "counterexamples": [summary(ctx, u) for u in in_order(ctx, ctx.into(node, "counterexample_to"))],
        "disputes": [summary(ctx, u) for u in in_order(ctx, {u for u, s in replies_in if s == "disputes"})],
        "responses": [summary(ctx, u) for u in in_order(ctx, {u for u, s in replies_in if s != "disputes"})],
        "replies_to": [summary(ctx, v) for v in in_order(ctx, ctx.out(node, "replies_to"))],
        "duplicates": [ctx.link(v) for v in ctx.out(node, "duplicate_of") + ctx.into(node, "duplicate_of")],
        "provenance": provenance(ctx, item),
        "term": None, "relies_on": [], "other_definitions": [], "against": None,
    }
    if item.type == "definition":
        defined = ctx.out(node, "defines")
        values["term"] = ctx.link(defined[0]) if defined else item.term
        values["relies_on"] = [ctx.link(c) for c in ctx.out(node, "mentions")]
        values["other_definitions"] = [summary(ctx, u) for d in defined for u in ctx.into(d, "defines") if u != node]
    if item.against and f"item:{item.against}" in ctx.nodes:
        target = ctx.by_id[item.against]
        values["against"] = {"link": ctx.link(f"item:{item.against}"), "quote": ctx.quote(target)}
    return ctx.template(TEMPLATES[item.type]), values
