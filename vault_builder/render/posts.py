"""Post notes (the full cleaned text, a block id on every paragraph) and comment-thread notes."""
from __future__ import annotations

from functools import partial
from typing import Iterator

import jinja2

from ..paths import wikilink
from ..tags import slug
from . import Ctx, Deferred
from .markdown import blocks_markdown, stem

KINDS = ("claim", "definition", "example", "counterexample")


def render(ctx: Ctx) -> Iterator[tuple[str, str | Deferred]]:
    """(path, note) for each post and its thread; with a note cache, as Deferred (see items.render)."""
    for pnode, post in ctx.posts.items():
        note = ctx.node(pnode)["note"]
        concepts = post_concepts(ctx, pnode)
        yield note, ctx.note(note, partial(post_values, ctx, pnode, post, concepts),
                             partial(post_inputs, ctx, pnode, post, concepts))
        tnode = "thread:" + pnode[5:]
        if post.thread and tnode in ctx.g:
            note = ctx.node(tnode)["note"]
            yield note, ctx.note(note, partial(thread_values, ctx, pnode, post), partial(thread_inputs, ctx, pnode, post))


def aliases_for(note: str, *titles: str | None) -> list[str]:
    out = [t for t in titles if t and t.strip() and t != stem(note)]
    return list(dict.fromkeys(out))


def post_concepts(ctx: Ctx, pnode: str) -> list[str]:
    """Concepts the post and its thread mention, most mentioned first."""
    counts = {v: d.get("count", 0) for v, keyed in ctx.g._succ[pnode].items() for d in keyed.values()
              if d.get("type") == "mentions"}  # g.out_edges(pnode, data=True) without its views
    return sorted(counts, key=lambda c: (-counts[c], ctx.node(c)["label"].casefold()))


def post_items(ctx: Ctx, pnode: str) -> list:
    return ctx.by_post.get(pnode, [])


def post_values(ctx: Ctx, pnode: str, post, concepts: list[str]) -> tuple[jinja2.Template, dict]:
    """The post note's template and everything it shows (see items.item_values); concepts: post_concepts()."""
    note = ctx.node(pnode)["note"]
    unverified = post.meta.get("unverified", {})
    items = post_items(ctx, pnode)
    fm = {
        "id": "post-" + (slug(post.title) or "untitled"), "type": "post", "title": post.title,
        "aliases": aliases_for(note, post.title, post.meta.get("published_title")),
        "tags": ["type/post", f"post/{slug(post.title)}"] if slug(post.title) else ["type/post"],
        "author": post.author, "author_unverified": unverified.get("author"),
        "source_url": post.url, "date": post.date, "sources": list(post.files),
        "concepts": [ctx.prop_link(c) for c in concepts],
    }
    thread = "thread:" + pnode[5:]
    debate = ctx.g.graph["debate_maps"].get(pnode)
    by_kind = {k: [i for i in items if i.type == k and not i.in_comments] for k in KINDS}
    return ctx.template("post.md.j2"), dict(
        fm=fm,
        post={"title": post.title, "author_link": ctx.author_link(post.author),
              "author_unverified": ctx.author_link(unverified.get("author")),
              "published_title": post.meta.get("published_title"), "url": post.url, "date": post.date,
              "files": post.files},
        body=blocks_markdown(post.blocks),
        thread=ctx.link(thread) if thread in ctx.g else None,
        debate=wikilink(debate.split("/")[-1]) if debate else None,
        key_claims=[ctx.link(f"item:{i.id}") for i in by_kind["claim"] if i.key],
        definitions=[ctx.link(f"item:{i.id}") for i in by_kind["definition"]],
        counterexamples=[ctx.link(f"item:{i.id}") for i in by_kind["counterexample"]],
        counts={k: len(v) for k, v in by_kind.items()},
        concepts=[ctx.link(c) for c in concepts],
    )


def thread_values(ctx: Ctx, pnode: str, post) -> tuple[jinja2.Template, dict]:
    """The thread note's template and everything it shows (see items.item_values)."""
    thread = post.thread
    tnode = "thread:" + pnode[5:]
    post_name = stem(ctx.node(pnode)["note"])
    by_comment: dict[str, list] = {}
    for i in post_items(ctx, pnode):
        if i.in_comments and i.type in ("claim", "counterexample"):
            by_comment.setdefault(i.comment, []).append(i)
    comments = []
    for c in thread.comments:
        links = {}
        for b in c.blocks:
            if b.quotes:
                in_thread = b.quotes.startswith("c")
                alias = f"quoted from comment {b.quotes.split('-')[0][1:]}" if in_thread else "quoted from the post"
                links[b.id] = wikilink("" if in_thread else post_name, "^" + b.quotes, alias)
        mine = by_comment.get(c.id, [])
        comments.append({
            "number": c.id[1:],
            "author_link": ctx.author_link(c.author),
            "parent": c.parent[1:] if c.parent else None,
            "body": blocks_markdown(c.blocks, links),
            "claims": [ctx.link(f"item:{i.id}") for i in mine],
        })
    participants = list(dict.fromkeys(" ".join(p.split()) for p in thread.participants))
    fm = {"type": "thread", "title": ctx.node(tnode)["label"], "aliases": [],
          "tags": ["type/thread", f"post/{slug(post.title)}"] if slug(post.title) else ["type/thread"],
          "post": ctx.prop_link(pnode), "sources": list(thread.files), "participants": participants}
    debate = ctx.g.graph["debate_maps"].get(pnode)
    return ctx.template("thread.md.j2"), dict(
        fm=fm, post_link=ctx.link(pnode), comments=comments,
        participants=[ctx.author_link(p) for p in participants],
        authors_known=any(c.author for c in thread.comments),
        debate=wikilink(debate.split("/")[-1]) if debate else None,
    )


def post_inputs(ctx: Ctx, pnode: str, post, concepts: list[str]) -> tuple:
    """Everything post_values reads, as plain data (see items.item_inputs): the post, its node,
    its items' kinds and notes, the notes it links to. Keep in step with post_values."""
    tnode, nodes = "thread:" + pnode[5:], ctx.nodes
    unverified = post.meta.get("unverified", {})
    return ("post.md.j2", ctx.nodes[pnode], post.title, post.author, post.url, post.date, post.files, post.meta,
            [b.__dict__ for b in post.blocks], ctx.nodes.get(tnode), ctx.g.graph["debate_maps"].get(pnode),
            ctx.author_link(post.author), ctx.author_link(unverified.get("author")),
            [(i.id, i.type, i.in_comments, i.key, nodes["item:" + i.id]["note"]) for i in post_items(ctx, pnode)],
            ctx.notes_of(concepts))


def thread_inputs(ctx: Ctx, pnode: str, post) -> tuple:
    """Everything thread_values reads, as plain data (see items.item_inputs). Keep in step with thread_values."""
    thread, nodes = post.thread, ctx.nodes
    return ("thread.md.j2", ctx.nodes[pnode]["note"], ctx.nodes["thread:" + pnode[5:]], post.title,
            thread.files, thread.participants, ctx.g.graph["debate_maps"].get(pnode),
            [(c.id, c.author, c.parent, [b.__dict__ for b in c.blocks]) for c in thread.comments],
            [ctx.author_link(c.author) for c in thread.comments],
            [ctx.author_link(" ".join(p.split())) for p in thread.participants],
            [(i.id, i.comment, i.type, i.in_comments, nodes["item:" + i.id]["note"]) for i in post_items(ctx, pnode)])
