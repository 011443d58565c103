"""People notes, Home.md and the maps of content (Maps/*.md)."""
from __future__ import annotations

from collections import Counter
from functools import partial
from typing import Iterator

import jinja2

from ..paths import wikilink
from . import Ctx, Deferred
from .markdown import note_link, stem

KINDS = ("claim", "definition", "example", "counterexample")
PLURAL = {"claim": "claims", "definition": "definitions", "example": "examples", "counterexample": "counterexamples"}


def render(ctx: Ctx) -> Iterator[tuple[str, str | Deferred]]:
    """(path, note) one page at a time: the people and the pages that list the whole vault; with
    a note cache, as Deferred (see items.render)."""
    for node in sorted(n for n, t in ctx.g.nodes(data="type") if t == "person"):
        note = ctx.node(node)["note"]
        yield note, ctx.note(note, partial(person_values, ctx, node))
    for key, values in (("home", home_values), ("reading_order", reading_order_values),
                        ("concepts", concept_index_values), ("claims", claims_values),
                        ("debates", debates_values), ("people", people_values)):
        yield ctx.page(key), ctx.note(ctx.page(key), partial(values, ctx))


def page_fm(ctx: Ctx, key: str, title: str, kind: str = "map") -> dict:
    note = ctx.page(key)
    return {"type": kind, "title": title, "aliases": [title] if title != stem(note) else [], "tags": [f"type/{kind}"]}


def person_values(ctx: Ctx, node: str) -> tuple[jinja2.Template, dict]:
    """The person's template and values. A person who wrote thousands of items is listed in full,
    so the loops read plain dicts (the graph's adjacency, Ctx.nodes) rather than networkx's views
    and Ctx's methods item by item."""
    data, nodes = ctx.node(node), ctx.nodes
    wrote: dict[str, list] = {k: [] for k in ("post", "thread", "comment", *KINDS)}
    unverified = set()
    for target, keyed in ctx.g._succ[node].items():  # g.out_edges(node, data=True), in its order
        for edata in keyed.values():
            if edata["type"] not in ("authored", "participated_in"):
                continue
            wrote[nodes[target]["type"]].append(target)
            if edata.get("unverified"):
                unverified.add(target)
    rank = ctx.item_rank

    def order(n: str) -> int:  # extraction order for items, 0 for posts, threads and comments
        r = rank.get(n)
        return r[1] if r else 0

    def order_then_name(n: str) -> tuple:
        r = rank.get(n)
        return (r[1] if r else 0, n)

    links = {}
    for kind, listed in wrote.items():
        listed = sorted(set(listed), key=order_then_name)
        if kind == "comment":
            links[kind] = [ctx.link(n, nodes[n]["anchor"], nodes[n]["label"]) for n in listed]
        elif unverified:
            links[kind] = [link + " (unverified)" if n in unverified else link
                           for n, link in zip(listed, ctx.links(listed))]
        else:
            links[kind] = ctx.links(listed)
    claims = sorted(wrote["claim"], key=order)
    key_claims = ctx.links([n for n in claims if nodes[n].get("key")])
    disputed = ctx.links([n for n in claims if nodes[n].get("disputed")])
    out, ends = ctx.edges.out, []
    for n in wrote["claim"] + wrote["definition"] + wrote["example"] + wrote["counterexample"]:
        edges = out.get(n)
        if edges:
            ends += edges.get("about", ())
            ends += edges.get("defines", ())
    concepts = Counter(ends)
    top = sorted(concepts, key=lambda c: (-concepts[c], nodes[c]["label"].casefold()))[:12]
    name = data["label"]
    fm = {"type": "person", "title": name, "aliases": [s for s in data.get("spellings", []) if s != stem(data["note"])],
          "tags": ["type/person"]}
    return ctx.template("person.md.j2"), dict(
        fm=fm, name=name, links=links, key_claims=key_claims, disputed=disputed,
        concepts=[f"{ctx.link(c)} ({concepts[c]})" for c in top],
        counts={k: len(set(v)) for k, v in wrote.items()}, people=ctx.page_link("people"),
    )


def counts(ctx: Ctx) -> dict:
    kinds = Counter(i.type for i in ctx.items)
    out = {PLURAL[k]: kinds[k] for k in KINDS}
    people = disputed = 0
    for d in ctx.nodes.values():  # one pass: the graph's node views cost more than the plain dict
        people += d["type"] == "person"
        disputed += bool(d.get("disputed"))
    out.update(posts=len(ctx.corpus.posts), threads=sum(1 for p in ctx.corpus.posts if p.thread),
               comments=sum(len(p.thread.comments) for p in ctx.corpus.posts if p.thread),
               concepts=len(ctx.concepts), people=people,
               key_claims=sum(1 for i in ctx.items if i.type == "claim" and i.key), disputed=disputed)
    return out


def post_rows(ctx: Ctx) -> list[dict]:
    rows = []
    for pnode, post in ctx.posts.items():
        tnode = "thread:" + pnode[5:]
        rows.append({"link": ctx.link(pnode), "author": ctx.author_link(post.author),
                     "thread": ctx.link(tnode, None, "comments") if tnode in ctx.g else None})
    return rows


def home_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    order = ctx.g.graph["reading_order"]
    maps = [ctx.page_link(k) for k in ("reading_order", "concepts", "claims", "debates", "people")]
    maps.append(wikilink(ctx.page("concept_map").split("/")[-1]))
    maps += [wikilink(p.split("/")[-1]) for p in ctx.g.graph["debate_maps"].values()]
    top = sorted(order, key=lambda c: ctx.node(c)["rank"])[:10]
    return ctx.template("home.md.j2"), dict(
        fm={"type": "home", "title": "Home", "aliases": [], "tags": ["type/home"]},
        c=counts(ctx), posts=post_rows(ctx), start=[ctx.link(n) for n in order[:15]], more=max(0, len(order) - 15),
        top=[ctx.link(n) for n in top], maps=maps, reading_order=ctx.page_link("reading_order"),
        computations=[(title, note_link(note)) for title, note in ctx.computations],
    )


def reading_order_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    rows = []
    for node in ctx.g.graph["reading_order"]:
        data = ctx.node(node)
        rows.append({"link": ctx.link(node), "depth": data["depth"], "defined": bool(ctx.into(node, "defines")),
                     "after": [ctx.link(p) for p in ctx.into(node, "prerequisite")]})
    broken = [(ctx.link(a), ctx.link(b)) for a, b in ctx.g.graph["cycles_broken"]]
    return ctx.template("reading_order.md.j2"), dict(
        fm=page_fm(ctx, "reading_order", "Reading order"), posts=post_rows(ctx), rows=rows, broken=broken,
        home=ctx.page_link("home"))


def concept_index_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    rows, nodes = [], ctx.nodes
    claims, posts = set(), set()  # counted by set lookups in C: a concept has thousands of items
    for n, d in nodes.items():
        if d["type"] == "claim":
            claims.add(n)
        elif d["type"] == "post":
            posts.add(n)
    for node in sorted(ctx.g.graph["reading_order"], key=lambda c: nodes[c]["rank"]):
        rows.append({"link": ctx.link(node), "importance": nodes[node]["importance"],
                     "definitions": len(ctx.into(node, "defines")),
                     "claims": sum(map(claims.__contains__, ctx.into(node, "about"))),
                     "posts": sum(map(posts.__contains__, ctx.into(node, "mentions"))),
                     "discovered": bool(nodes[node].get("discovered"))})
    return ctx.template("concept_index.md.j2"), dict(
        fm=page_fm(ctx, "concepts", "Concept index"), rows=rows, home=ctx.page_link("home"),
        concept_map=wikilink(ctx.page("concept_map").split("/")[-1]))


def claims_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    sections = []
    for pnode, post in ctx.posts.items():
        claims = [i for i in ctx.by_post.get(pnode, []) if i.type == "claim"]
        if not claims:
            continue
        sections.append({
            "post": ctx.link(pnode),
            "key": [claim_row(ctx, i) for i in claims if i.key],
            "body": [claim_row(ctx, i) for i in claims if not i.key and not i.in_comments],
            "comments": [claim_row(ctx, i) for i in claims if not i.key and i.in_comments],
        })
    tax = Counter((ax, v) for i in ctx.items if i.type == "claim" for ax, v in (i.taxonomy or {}).items() if v)
    return ctx.template("claims.md.j2"), dict(
        fm=page_fm(ctx, "claims", "Claims by post"), sections=sections, home=ctx.page_link("home"),
        taxonomy=[{"tag": f"taxonomy/{v}", "count": n} for (ax, v), n in sorted(tax.items())])


def claim_row(ctx: Ctx, item) -> str:
    """A claim's line on the claims page, as text (thousands of them: the template's loop was slow)."""
    node = f"item:{item.id}"
    return (f"- {ctx.link(node)}{f' — {item.author}' if item.author else ''}"
            f"{' · ⚔ disputed' if ctx.nodes[node].get('disputed') else ''}\n")


def debates_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    rows, rank, posts = [], ctx.item_rank, len(ctx.post_index)
    # the disputed items of the posts in reading order (post by post, in extraction order): a scan
    # of the nodes, not a node lookup for every item
    disputed = [n for n, d in ctx.nodes.items() if d.get("disputed") and rank.get(n, (posts,))[0] < posts]
    for inode in sorted(disputed, key=rank.__getitem__):
        item, pnode = ctx.by_id[inode[5:]], ctx.node(inode)["post"]
        by = []
        for u in ctx.node(inode)["disputed_by"]:
            other = ctx.by_id[u[5:]]
            by.append({"link": ctx.link(u), "type": other.type, "author": other.author})
        rows.append({"claim": ctx.link(inode), "author": item.author, "post": ctx.link(pnode), "by": by})
    debate_maps = [wikilink(p.split("/")[-1]) for p in ctx.g.graph["debate_maps"].values()]
    return ctx.template("debates.md.j2"), dict(
        fm=page_fm(ctx, "debates", "Debates"), rows=rows, maps=debate_maps, home=ctx.page_link("home"))


def people_values(ctx: Ctx) -> tuple[jinja2.Template, dict]:
    rows = []
    nodes, succ = ctx.nodes, ctx.g._succ  # plain dicts: people list every item they wrote
    people = [(n, d) for n, d in nodes.items() if d["type"] == "person"]
    for node, data in sorted(people, key=lambda nd: nd[1]["label"].casefold()):
        kinds = Counter(nodes[v]["type"] for v, keyed in succ[node].items() for e in keyed.values()
                        if e.get("type") in ("authored", "participated_in"))
        rows.append({"link": ctx.link(node), "counts": ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(kinds.items()))})
    return ctx.template("people_index.md.j2"), dict(
        fm=page_fm(ctx, "people", "People index"), rows=rows, home=ctx.page_link("home"))
