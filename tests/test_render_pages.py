"""People notes and the concept index read plain dicts (the graph's adjacency, Ctx.nodes, sets of
node names) instead of networkx's views, for speed: they must show what the views show."""
from __future__ import annotations

from collections import Counter

import pytest

from vault_builder import link, render
from vault_builder.render import pages

from test_link_names import make_corpus


def person_values_by_views(ctx: render.Ctx, node: str) -> dict:
    """pages.person_values as it was written over networkx's views (the oracle)."""
    wrote: dict[str, list] = {k: [] for k in ("post", "thread", "comment", *pages.KINDS)}
    unverified = set()
    for _, target, edata in ctx.g.out_edges(node, data=True):
        if edata["type"] not in ("authored", "participated_in"):
            continue
        wrote[ctx.node(target)["type"]].append(target)
        if edata.get("unverified"):
            unverified.add(target)

    def order(n: str) -> int:
        rank = ctx.item_rank.get(n)
        return rank[1] if rank else 0

    links = {}
    for kind, nodes in wrote.items():
        nodes = sorted(set(nodes), key=lambda n: (order(n), n))
        if kind == "comment":
            links[kind] = [ctx.link(n, ctx.node(n)["anchor"], ctx.node(n)["label"]) for n in nodes]
        else:
            links[kind] = [ctx.link(n) + (" (unverified)" if n in unverified else "") for n in nodes]
    concepts = Counter(c for n in wrote["claim"] + wrote["definition"] + wrote["example"] + wrote["counterexample"]
                       for c in ctx.out(n, "about") + ctx.out(n, "defines"))
    top = sorted(concepts, key=lambda c: (-concepts[c], ctx.node(c)["label"].casefold()))[:12]
    return dict(links=links,
                key_claims=[ctx.link(n) for n in sorted(wrote["claim"], key=order) if ctx.node(n).get("key")],
                disputed=[ctx.link(n) for n in sorted(wrote["claim"], key=order) if ctx.node(n).get("disputed")],
                concepts=[f"{ctx.link(c)} ({concepts[c]})" for c in top],
                counts={k: len(set(v)) for k, v in wrote.items()})


def corpus_with_people():
    """Writer 0 wrote A and, unverified, B (which names no author); the commenter wrote claims
    and a counterexample in every thread; A's counterexample answers B's key claim (disputed)."""
    corpus, items, concepts = make_corpus(["A", "B", "C"])
    corpus.posts[1].author = None
    corpus.posts[1].meta["unverified"] = {"author": "Writer 0"}
    next(i for i in items if i.id == "cex-0").against = "cla-1"
    next(i for i in items if i.id == "cex-0").author = "Writer 1"
    return corpus, items, concepts


@pytest.fixture
def ctx() -> render.Ctx:
    corpus, items, concepts = corpus_with_people()
    g = link.link(corpus, items, concepts)
    return render.Ctx(render.environment(), corpus, items, concepts, g)


def test_person_values_show_what_the_graphs_views_show(ctx):
    people = [n for n, d in ctx.nodes.items() if d["type"] == "person"]
    assert len(people) >= 3
    seen_unverified = seen_comment = False
    for node in people:
        _, values = pages.person_values(ctx, node)
        expected = person_values_by_views(ctx, node)
        assert {k: values[k] for k in expected} == expected, node
        seen_unverified |= any(link.endswith(" (unverified)") for links in values["links"].values() for link in links)
        seen_comment |= bool(values["links"]["comment"])
    assert seen_unverified and seen_comment  # the corpus shows both kinds of link


def test_the_concept_index_counts_what_the_graph_holds(ctx):
    _, values = pages.concept_index_values(ctx)
    nodes = ctx.nodes
    for row in values["rows"]:
        node = next(c for c in ctx.g.graph["reading_order"] if ctx.link(c) == row["link"])
        assert row["claims"] == sum(1 for u in ctx.into(node, "about") if nodes[u]["type"] == "claim")
        assert row["posts"] == sum(1 for u in ctx.into(node, "mentions") if nodes[u]["type"] == "post")
    assert any(row["claims"] for row in values["rows"]) and any(row["posts"] for row in values["rows"])


def debates_rows_by_posts(ctx: render.Ctx) -> list[dict]:
    """pages.debates_values' rows as they were made, post by post and item by item (the oracle)."""
    rows = []
    for pnode in ctx.g.graph["posts"]:
        for inode in [f"item:{i.id}" for i in ctx.by_post.get(pnode, []) if ctx.node(f"item:{i.id}").get("disputed")]:
            by = [{"link": ctx.link(u), "type": ctx.by_id[u[5:]].type, "author": ctx.by_id[u[5:]].author}
                  for u in ctx.node(inode)["disputed_by"]]
            rows.append({"claim": ctx.link(inode), "author": ctx.by_id[inode[5:]].author, "post": ctx.link(pnode), "by": by})
    return rows


def test_the_debates_page_lists_the_disputed_claims_post_by_post():
    corpus, items, concepts = corpus_with_people()
    items.reverse()  # the graph holds the items' nodes in an order that is not the reading order
    ctx = render.Ctx(render.environment(), corpus, items, concepts, link.link(corpus, items, concepts))
    for item in ctx.items:  # more than one disputed claim, in more than one post
        if item.type == "claim" and not item.in_comments:
            ctx.nodes[f"item:{item.id}"].update(disputed=True, disputed_by=[f"item:{ctx.items[0].id}"])
    _, values = pages.debates_values(ctx)
    assert len({row["post"] for row in values["rows"]}) > 1
    assert values["rows"] == debates_rows_by_posts(ctx)


def test_the_people_index_counts_what_each_person_wrote(ctx):
    _, values = pages.people_values(ctx)
    expected = []
    people = [(n, d) for n, d in ctx.g.nodes(data=True) if d["type"] == "person"]
    for node, data in sorted(people, key=lambda nd: nd[1]["label"].casefold()):
        kinds = Counter(ctx.node(v)["type"] for _, v, t in ctx.g.out_edges(node, data="type")
                        if t in ("authored", "participated_in"))
        expected.append({"link": ctx.link(node),
                         "counts": ", ".join(f"{n} {k}{'s' if n > 1 else ''}" for k, n in sorted(kinds.items()))})
    assert values["rows"] == expected and any("," in row["counts"] for row in expected)
