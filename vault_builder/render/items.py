"""One note per claim, definition, example and counterexample, with full provenance."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Iterator

import jinja2

from ..models import Item
from ..tags import TAXONOMY_AXES, item_tags
from . import Ctx, Deferred, inputs_key
from .markdown import stem

TEMPLATES = {"claim": "claim.md.j2", "definition": "definition.md.j2",
             "example": "example.md.j2", "counterexample": "example.md.j2"}
NONE: dict = {}
AXIS_NAMES = {"normative_or_descriptive": "Normative or descriptive",
              "universal_or_situational": "Universal or situational",
              "deterministic_or_stochastic": "Deterministic or stochastic"}


def render(ctx: Ctx) -> Iterator[tuple[str, str | Deferred]]:
    """(path, note) one item at a time: the item notes are most of a vault's bytes. With a note
    cache (Ctx.note_cache), a note whose inputs are those of the last build comes as a Deferred:
    the writer keeps the old file when it is as that build wrote it, else renders it.

    The notes of one post's items share one key, the digest of all their inputs (group_key):
    one digest per post costs far less than one per note, and an edit that changes one item of
    a post renders its ~40 notes again (the writer keeps those whose text is the same)."""
    keys: dict[str, str | None] = {}
    for item in ctx.items:
        pnode = ctx.nodes[f"item:{item.id}"]["post"]
        if ctx.note_cache is not None and pnode not in keys:
            keys[pnode] = group_key(ctx, pnode)
        yield item.note, ctx.note_keyed(item.note, partial(item_values, ctx, item, None), keys.get(pnode))


def group_key(ctx: Ctx, pnode: str) -> str | None:
    """inputs_key of the notes of the post's items (Ctx.by_post): each one's item_inputs, in
    order (a note's path is among them: an item's note is one of its fields). None if they are
    not plain data."""
    try:
        return inputs_key(("item notes", group_inputs(ctx, pnode)))
    except ValueError:  # not plain data (marshal): no key, made every time
        return None


def group_inputs(ctx: Ctx, pnode: str) -> list[tuple]:
    """[item_inputs(ctx, i, linked(ctx, i)) for i in ctx.by_post[pnode]], the same tuples, made
    inline for most items (no answers, no duplicates, not a definition, against nothing): every
    unchanged post's items are keyed at every build, and the calls per item were half of it."""
    edges, nodes = ctx.edges, ctx.nodes
    out_of, into_of, replies_in = edges.out, edges.into, edges.replies_in
    post, author_link = ctx.post_digest(pnode), ctx.author_link
    inputs = []
    for item in ctx.by_post[pnode]:
        node = "item:" + item.id
        out, into = out_of.get(node, NONE), into_of.get(node, NONE)
        if (item.type == "definition" or item.against or replies_in.get(node) or "counterexample_to" in into
                or "replies_to" in out or "duplicate_of" in out or "duplicate_of" in into):
            inputs.append(item_inputs(ctx, item, linked(ctx, item)))
            continue
        d, a, m = out.get("defines", ()), out.get("about", ()), out.get("mentions", ())
        inputs.append((TEMPLATES[item.type], item.__dict__, nodes[node], post, author_link(item.author),
                       [nodes[c]["note"] for c in dict.fromkeys(d + a + m)]))
    return inputs


@dataclass
class Linked:
    """The nodes an item's note links to or lists, in the order it shows them."""

    concepts: list
    counterexamples: list = ()
    disputes: list = ()
    responses: list = ()
    replies_to: list = ()
    duplicates: tuple = ()


def linked(ctx: Ctx, item: Item) -> Linked:
    node = f"item:{item.id}"
    out, into = ctx.edges.out.get(node, NONE), ctx.edges.into.get(node, NONE)
    concepts = list(dict.fromkeys(out.get("defines", ()) + out.get("about", ()) + out.get("mentions", ())))
    replies_in = ctx.edges.replies_in.get(node, ())
    if not (replies_in or "counterexample_to" in into or "replies_to" in out
            or "duplicate_of" in out or "duplicate_of" in into):
        return Linked(concepts)  # most items: nothing answers them, they answer nothing
    return Linked(concepts, in_order(ctx, into.get("counterexample_to")),
                  in_order(ctx, {u for u, s in replies_in if s == "disputes"}),
                  in_order(ctx, {u for u, s in replies_in if s != "disputes"}),
                  in_order(ctx, out.get("replies_to")),
                  out.get("duplicate_of", ()) + into.get("duplicate_of", ()))


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


def item_values(ctx: Ctx, item: Item, nodes: Linked | None = None) -> tuple[jinja2.Template, dict]:
    """The item's template and everything it shows (plain values: the note is a function of
    them); nodes: linked() (made here if None)."""
    node = f"item:{item.id}"
    if nodes is None:
        nodes = linked(ctx, item)
    where = ctx.where(item)
    taxonomy = item.taxonomy or {}
    concepts = nodes.concepts
    values = {
        "fm": front(ctx, item, concepts), "title": ctx.node(node)["label"], "quote": ctx.quote(item),
        "author": ctx.author_link(item.author), "where": where, "key": item.key,
        "concepts": [ctx.link(c) for c in concepts],
        "taxonomy": [{"axis": AXIS_NAMES[a], "label": taxonomy.get(a), "cue": item.taxonomy_cues.get(a)}
                     for a in TAXONOMY_AXES if taxonomy.get(a)],
        "counterexamples": [summary(ctx, u) for u in nodes.counterexamples],
        "disputes": [summary(ctx, u) for u in nodes.disputes],
        "responses": [summary(ctx, u) for u in nodes.responses],
        "replies_to": [summary(ctx, v) for v in nodes.replies_to],
        "duplicates": [ctx.link(v) for v in nodes.duplicates],
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


def item_inputs(ctx: Ctx, item: Item, nodes: Linked) -> tuple:
    """Everything item_values reads, as cheap plain data: the item (its fields, its node, its
    post: Ctx.post_digest), the nodes it links to by their notes and the items it lists by what a
    list shows of them (Ctx.listed_digest), in the order it shows them. Keep in step with item_values."""
    node = f"item:{item.id}"
    data = ctx.nodes[node]
    notes, listed = ctx.notes_of, ctx.listed_digests
    parts = [TEMPLATES[item.type], item.__dict__, data, ctx.post_digest(data["post"]), ctx.author_link(item.author),
             notes(nodes.concepts)]
    if nodes.counterexamples or nodes.disputes or nodes.responses or nodes.replies_to or nodes.duplicates:
        parts += [listed(nodes.counterexamples), listed(nodes.disputes), listed(nodes.responses),
                  listed(nodes.replies_to), notes(nodes.duplicates)]
    if item.type == "definition":
        defined = ctx.out(node, "defines")
        parts += [notes(defined), notes(ctx.out(node, "mentions")),
                  listed([u for d in defined for u in ctx.into(d, "defines") if u != node])]
    if item.against and f"item:{item.against}" in ctx.nodes:
        parts.append(ctx.item_digest(f"item:{item.against}"))  # quoted: its text too
    return tuple(parts)
