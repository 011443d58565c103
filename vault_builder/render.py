"""Render: corpus, items, concepts and graph -> vault files in memory {relative path: text}.

Notes are jinja2 templates from `templates/` (StrictUndefined: a missing field is a bug, not a
blank). This module prepares plain dicts for them and formats blocks as Obsidian Markdown with a
block id on every paragraph; it writes nothing (writer.py does).
"""
from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath

import jinja2
import networkx as nx
import yaml

from . import obsidian
from .models import Block, Concept, Corpus, Item, Post
from .paths import wikilink
from .tags import item_tags, slug
from .writer import USER_MARKER


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("templates folder is missing")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["front_matter"] = front_matter
    env.filters["link"] = note_link
    env.globals["USER_MARKER"] = USER_MARKER
    return env


def front_matter(data: dict) -> str:
    """Flat, typed YAML properties; wikilinks come out quoted (YAML needs it, Obsidian wants it)."""
    clean = {k: v for k, v in data.items() if v not in (None, "", [])}
    return "---\n" + yaml.safe_dump(clean, sort_keys=False, allow_unicode=True, width=10_000) + "---\n"


def stem(note_path: str) -> str:
    return PurePosixPath(note_path).stem


def note_link(note_path: str, anchor: str | None = None, alias: str | None = None) -> str:
    return wikilink(stem(note_path), anchor, alias)


# -- Markdown of blocks ---------------------------------------------------------------------------

_TAG_LIKE = re.compile(r"(^|\s)#(?=[^\s#\d])")


def escape_text(text: str) -> str:
    """Source text must not turn into Obsidian syntax: links, tags, comments, link references."""
    text = text.replace("[[", "\\[\\[").replace("%%", "\\%\\%")
    text = _TAG_LIKE.sub(r"\1\\#", text)
    text = re.sub(r"^(\[[^\]]+\]):", r"\\\1:", text)  # "[1]: Watanabe" is a link reference definition
    text = re.sub(r"^(#+)", r"\\\1", text)
    return text


def block_markdown(b: Block, quote_link: str | None = None) -> str:
    """One block with its id: inline `^id` after text, on its own line after multi-line blocks."""
    if b.kind == "heading":
        return f"{'#' * min(max(b.level, 2), 6)} {escape_text(b.text)}"
    if b.kind == "code":
        return f"```\n{b.text}\n```\n^{b.id}"
    if b.kind == "math":
        tex = b.text.strip("$").strip()
        return f"$$\n{tex}\n$$\n^{b.id}" if tex else f"{b.text} ^{b.id}"
    if b.kind == "image":
        return f"*(image in the source: {escape_text(b.text)})* ^{b.id}"
    if b.kind == "list_item":
        return f"{'    ' * b.level}- {escape_text(b.text)} ^{b.id}"
    if b.kind == "quote":
        head = f"> [!quote] {quote_link}" if quote_link else "> [!quote]"
        return f"{head}\n> {escape_text(b.text)}\n\n^{b.id}"
    return f"{escape_text(b.text)} ^{b.id}"


def blocks_markdown(blocks: list[Block], quote_links: dict[str, str] | None = None) -> str:
    parts: list[str] = []
    for prev, b in zip([None] + blocks[:-1], blocks):
        sep = "\n" if prev is not None and prev.kind == "list_item" and b.kind == "list_item" else "\n\n"
        parts.append((sep if parts else "") + block_markdown(b, (quote_links or {}).get(b.id)))
    return "".join(parts)


# -- the vault ------------------------------------------------------------------------------------

def render_vault(corpus: Corpus, items: list[Item], concepts: list[Concept], graph: nx.MultiDiGraph) -> dict[str, str]:
    env = environment()
    notes = {node: data for node, data in graph.nodes(data=True)}
    files: dict[str, str] = {}
    by_post: dict[str, list[Item]] = {}
    for item in items:
        by_post.setdefault(item.post, []).append(item)
    for post in corpus.posts:
        post_note = notes[f"post:{post.title}"]["note"]
        thread_note = notes.get(f"thread:{post.title}", {}).get("note")
        files[post_note] = render_post(env, post, post_note, thread_note, by_post.get(post.title, []), notes)
        if post.thread and thread_note:
            files[thread_note] = render_thread(env, post, post_note, thread_note, notes)
    for node, data in sorted(notes.items()):
        if data["type"] == "person":
            files[data["note"]] = render_person(env, node, data, graph, notes)
    files.update(render_concepts(env, concepts, items, graph, notes))
    files.update(render_items(env, items, corpus, notes))
    files["Home.md"] = render_home(env, corpus, items, concepts, graph, notes)
    files.update(obsidian.settings_files())
    return files


def post_context(post: Post) -> dict:
    unverified = post.meta.get("unverified", {})
    return {
        "title": post.title,
        "author": post.author,
        "author_unverified": unverified.get("author"),
        "url": post.url,
        "date": post.date,
        "files": post.files,
        "published_title": post.meta.get("published_title"),
    }


def render_post(env, post: Post, note: str, thread_note: str | None, items: list[Item], notes: dict) -> str:
    fm = {
        "type": "post", "title": post.title, "aliases": aliases_for(post.title, note, post.meta.get("published_title")),
        "tags": ["type/post", f"post/{slug(post.title)}"],
        "author": post.author, "author_unverified": post.meta.get("unverified", {}).get("author"),
        "source_url": post.url, "date": post.date, "sources": post.files,
    }
    key_claims = [i for i in items if i.type == "claim" and i.key and not i.in_comments]
    return env.get_template("post.md.j2").render(
        fm=fm, post=post_context(post), body=blocks_markdown(post.blocks),
        thread=stem(thread_note) if thread_note else None,
        key_claims=[(i.note, i.text) for i in key_claims],
        counts=count_types(items),
    )


def aliases_for(title: str, note: str, *more: str | None) -> list[str]:
    out = [t for t in (title, *more) if t and t != stem(note)]
    return sorted(set(out), key=out.index)


def count_types(items: list[Item]) -> dict:
    out = {"claim": 0, "definition": 0, "example": 0, "counterexample": 0}
    for i in items:
        out[i.type] = out.get(i.type, 0) + 1
    return out


def render_thread(env, post: Post, post_note: str, note: str, notes: dict) -> str:
    thread = post.thread
    post_name = stem(post_note)
    comments = []
    for c in thread.comments:
        links = {}
        for b in c.blocks:
            if b.quotes:
                target = "" if b.quotes.startswith("c") else post_name
                alias = "quoted from the post" if target else f"quoted from comment {b.quotes.split('-')[0][1:]}"
                links[b.id] = wikilink(target, "^" + b.quotes, alias)
        comments.append({
            "id": c.id, "number": c.id[1:], "author": c.author,
            "author_link": note_link(notes[f"person:{c.author}"]["note"]) if c.author else None,
            "parent": c.parent[1:] if c.parent else None,
            "body": blocks_markdown(c.blocks, links),
        })
    participants = [note_link(notes[f"person:{p}"]["note"], alias=p) for p in dict.fromkeys(thread.participants)]
    fm = {"type": "thread", "title": f"{post.title} — comments", "aliases": [], "tags": ["type/thread", f"post/{slug(post.title)}"],
          "post": f"[[{post_name}]]", "sources": thread.files, "participants": list(dict.fromkeys(thread.participants))}
    return env.get_template("thread.md.j2").render(
        fm=fm, post_link=wikilink(post_name), comments=comments, participants=participants,
        authors_known=any(c.author for c in thread.comments),
    )


def render_person(env, node: str, data: dict, graph: nx.MultiDiGraph, notes: dict) -> str:
    wrote = {"post": [], "thread": [], "comment": [], "claim": [], "definition": [], "example": [], "counterexample": []}
    for _, target, edata in graph.out_edges(node, data=True):
        t = notes[target]
        if edata["type"] in ("authored", "participated_in"):
            wrote.setdefault(t["type"], []).append((t["note"], t["label"], t.get("anchor")))
    for k in wrote:
        wrote[k] = sorted(set(wrote[k]))
    fm = {"type": "person", "title": data["label"], "aliases": [], "tags": ["type/person"]}
    return env.get_template("person.md.j2").render(fm=fm, name=data["label"], wrote=wrote)


def render_concepts(env, concepts: list[Concept], items: list[Item], graph: nx.MultiDiGraph, notes: dict) -> dict[str, str]:
    files = {}
    for c in concepts:
        data = notes[f"concept:{c.name}"]
        defs = [i for i in items if i.type == "definition" and i.term == c.name]
        mentions = [i for i in items if c.name in i.concepts and i.type != "definition"]
        fm = {"type": "concept", "title": c.name, "aliases": sorted(set(c.aliases + c.abbreviations) - {stem(data["note"])}),
              "tags": ["type/concept", f"concept/{slug(c.name)}"]}
        files[data["note"]] = env.get_template("concept.md.j2").render(
            fm=fm, name=c.name, definitions=[item_context(i) for i in defs],
            mentions=[item_context(i) for i in mentions])
    return files


def item_context(item: Item) -> dict:
    return {"id": item.id, "type": item.type, "text": item.text, "note": item.note, "post": item.post,
            "author": item.author, "block": item.block, "key": item.key}


def render_items(env, items: list[Item], corpus: Corpus, notes: dict) -> dict[str, str]:
    files = {}
    by_id = {i.id: i for i in items}
    for item in items:
        host = notes[f"thread:{item.post}" if item.in_comments else f"post:{item.post}"]["note"]
        fm = {"id": item.id, "type": item.type, "title": item.text[:120], "aliases": [], "tags": item_tags(item),
              "author": item.author, "post": f"[[{stem(notes[f'post:{item.post}']['note'])}]]",
              "concepts": [f"[[{stem(notes[f'concept:{c}']['note'])}]]" for c in item.concepts if f"concept:{c}" in notes]}
        if item.taxonomy:
            fm.update(item.taxonomy)
        if item.term:
            fm["term"] = item.term
        against = by_id.get(item.against) if item.against else None
        files[item.note] = env.get_template("item.md.j2").render(
            fm=fm, item=item_context(item), source=note_link(host, "^" + item.block, "source"),
            against=item_context(against) if against else None,
            counterexamples=[item_context(i) for i in items if i.against == item.id],
            taxonomy=item.taxonomy or {}, cues=item.taxonomy_cues, rules=item.rules,
            concepts=[note_link(notes[f"concept:{c}"]["note"]) for c in item.concepts if f"concept:{c}" in notes])
    return files


def render_home(env, corpus: Corpus, items: list[Item], concepts: list[Concept], graph: nx.MultiDiGraph, notes: dict) -> str:
    posts = [(notes[f"post:{p.title}"]["note"], p.title, p.author) for p in corpus.posts]
    counts = count_types(items)
    fm = {"type": "home", "title": "Home", "aliases": [], "tags": ["type/home"]}
    return env.get_template("home.md.j2").render(fm=fm, posts=posts, counts=counts, n_concepts=len(concepts),
                                                 n_threads=sum(1 for p in corpus.posts if p.thread))
