"""JSON Canvas 1.0 maps: the concept map and one debate map per thread.

Concept map: concepts linked by prerequisites are laid out in columns by depth (a concept sits
one column right of its deepest prerequisite), ordered by the reading order within a column;
edges read "needed for". The other concepts sit in a grid below, most important first, in a
group. Debate maps: the claims of a post and its thread that take part in an argument (disputed,
disputing, replying, counterexamples and their targets), in columns by reply depth (what is
answered on the left, answers to the right), edges labelled "counterexample to", "disputes" or
"replies to". Ids are hashes of the graph keys, so the files are the same on every build.
"""
from __future__ import annotations

import hashlib
import json
from functools import partial

from . import Ctx, Deferred

W, H, DX, DY = 320, 90, 420, 130
COLOURS = {"claim": "4", "key": "2", "disputed": "1", "counterexample": "6", "example": "5", "definition": "3"}
EDGE_LABELS = {"counterexample_to": "counterexample to", "replies_to": "replies to", "prerequisite": "needed for",
               "same_as": "same as"}


def render(ctx: Ctx) -> dict[str, str | Deferred]:
    """The canvases; with a note cache, a debate map whose inputs are the last build's comes as a
    Deferred (see Ctx.note)."""
    path = ctx.page("concept_map")
    files: dict[str, str | Deferred] = {path: ctx.made(path, partial(concept_map, ctx), partial(concept_map_inputs, ctx))}
    for pnode, path in ctx.g.graph["debate_maps"].items():
        files[path] = ctx.made(path, partial(debate_map, ctx, pnode), partial(debate_inputs, ctx, pnode))
    return files


def cid(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def file_node(ctx: Ctx, key: str, x: int, y: int, color: str | None = None) -> dict:
    node = {"id": cid(key), "type": "file", "file": ctx.node(key)["note"], "x": x, "y": y, "width": W, "height": H}
    if color:
        node["color"] = color
    return node


def edge(u: str, v: str, label: str, sides: tuple[str, str] = ("right", "left")) -> dict:
    return {"id": cid(f"{u}->{v}:{label}"), "fromNode": cid(u), "fromSide": sides[0], "toNode": cid(v),
            "toSide": sides[1], "toEnd": "arrow", "label": label}


def dump(nodes: list[dict], edges: list[dict]) -> str:
    """json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False, indent="\\t") + "\\n", the
    same text, written directly: the json module's indenting encoder is pure Python and slow."""
    return "{\n\t\"nodes\": " + _dump_list(nodes) + ",\n\t\"edges\": " + _dump_list(edges) + "\n}\n"


def _dump_list(objects: list[dict]) -> str:
    if not objects:
        return "[]"
    return "[\n" + ",\n".join(_dump_object(o) for o in objects) + "\n\t]"


def _dump_object(obj: dict) -> str:
    if not obj:
        return "\t\t{}"
    fields = (f"\t\t\t{_scalar(k)}: {_scalar(v)}" for k, v in obj.items())
    return "\t\t{\n" + ",\n".join(fields) + "\n\t\t}"


def _scalar(value) -> str:
    if type(value) is str:
        return _quote(value)
    if type(value) is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False, indent="\t").replace("\n", "\n\t\t\t")


_quote = json.encoder.encode_basestring  # the encoder json.dumps uses with ensure_ascii=False


def concept_map(ctx: Ctx) -> str:
    g = ctx.g
    order = g.graph["reading_order"]
    arcs = sorted((u, v, t) for t in ("prerequisite", "same_as") for u, v in ctx.edges.of_type.get(t, ()))
    linked = {u for u, _, _ in arcs} | {v for _, v, _ in arcs}
    columns: dict[int, list[str]] = {}
    for c in order:
        if c in linked:
            columns.setdefault(g.nodes[c]["depth"], []).append(c)
    nodes, edges = [], []
    header = {"id": cid("header"), "type": "text", "x": 0, "y": -2 * DY, "width": 2 * W, "height": H + 20,
              "text": f"**Concept map** — arrows read \"needed for\". Back to {ctx.page_link('home')} · "
                      f"{ctx.page_link('reading_order')}"}
    nodes.append(header)
    bottom = 0
    for depth, members in sorted(columns.items()):
        for row, c in enumerate(members):
            nodes.append(file_node(ctx, c, depth * DX, row * DY, "4" if not depth else None))
            bottom = max(bottom, row * DY + H)
    for u, v, t in arcs:
        edges.append(edge(u, v, EDGE_LABELS[t]))
    rest = sorted((c for c in order if c not in linked), key=lambda c: g.nodes[c]["rank"])
    if rest:
        per_row = max(4, len(columns) + 1)
        top = bottom + 2 * DY
        rows = (len(rest) + per_row - 1) // per_row
        nodes.append({"id": cid("group:rest"), "type": "group", "x": -40, "y": top - 80,
                      "width": per_row * DX - DX + W + 80, "height": rows * DY + 120,
                      "label": "Concepts without prerequisites in the sources (most important first)"})
        for i, c in enumerate(rest):
            nodes.append(file_node(ctx, c, (i % per_row) * DX, top + (i // per_row) * DY))
    return dump(nodes, edges)


def concept_map_inputs(ctx: Ctx) -> tuple:
    """Everything concept_map reads, as plain data (see Ctx.made): the pages it links to, the
    concepts in reading order with their notes, depths and ranks, and the prerequisite and
    same-as edges. Keep in step with concept_map."""
    nodes = ctx.nodes
    return ("concept map", ctx.page("home"), ctx.page("reading_order"),
            [(c, nodes[c]["note"], nodes[c].get("depth"), nodes[c].get("rank")) for c in ctx.g.graph["reading_order"]],
            [ctx.edges.of_type.get(t, ()) for t in ("prerequisite", "same_as")])


def argument_nodes(ctx: Ctx, pnode: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    g = ctx.g
    mine = [f"item:{i.id}" for i in ctx.by_post.get(pnode, [])]
    inside = set(mine)
    arcs = set()
    for u in mine:
        for v, t, stance in ctx.edges.answers.get(u, ()):
            if v in inside:
                arcs.add((u, v, "disputes" if stance == "disputes" else EDGE_LABELS[t]))
    members = {n for a in arcs for n in a[:2]}
    if not members:
        members = {n for n in mine if g.nodes[n].get("key") or g.nodes[n]["type"] == "counterexample"}
    return [n for n in mine if n in members], sorted(arcs)


def reply_depths(members: list[str], targets: dict[str, list[str]]) -> dict[str, int]:
    """Each member's column: 0 if it answers nothing on the map, else one more than the deepest
    thing it answers, ignoring an answer back into the chain being followed. Depth-first from each
    member in turn, each node computed once; with an explicit stack, as a long reply chain in one
    thread must not reach the recursion limit."""
    depth: dict[str, int] = {}
    on_chain: dict[str, int] = {}  # node -> how many frames of the current chain hold it

    def enter(n: str) -> list:
        nexts = [t for t in targets.get(n, []) if not on_chain.get(t)]
        on_chain[n] = on_chain.get(n, 0) + 1
        return [n, nexts, 0, -1]  # node, what it answers, next one to look at, deepest so far

    for root in members:
        if root in depth:
            continue
        stack = [enter(root)]
        while stack:
            frame = stack[-1]
            n, nexts, i, deepest = frame
            if i < len(nexts):
                frame[2] = i + 1
                if nexts[i] in depth:
                    frame[3] = max(deepest, depth[nexts[i]])
                else:
                    stack.append(enter(nexts[i]))
                continue
            stack.pop()
            on_chain[n] -= 1
            depth[n] = 1 + deepest if nexts else 0
            if stack:
                stack[-1][3] = max(stack[-1][3], depth[n])
    return depth


def debate_map(ctx: Ctx, pnode: str) -> str:
    members, arcs = argument_nodes(ctx, pnode)
    targets: dict[str, list[str]] = {}
    for u, v, _ in arcs:
        targets.setdefault(u, []).append(v)
    depth = reply_depths(members, targets)
    columns: dict[int, list[str]] = {}
    for n in members:
        columns.setdefault(depth[n], []).append(n)
    nodes = [{"id": cid("header"), "type": "text", "x": 0, "y": -2 * DY, "width": 2 * W, "height": H + 20,
              "text": f"**Debate on** {ctx.link(pnode)}: what is answered on the left, answers to the right. "
                      f"Red: disputed claims; purple: counterexamples; orange: key claims."}]
    for d, col in sorted(columns.items()):
        for row, n in enumerate(col):
            data = ctx.node(n)
            colour = (COLOURS["disputed"] if data.get("disputed") else COLOURS["key"] if data.get("key")
                      else COLOURS.get(data["type"]))
            nodes.append(file_node(ctx, n, d * DX, row * DY, colour))
    edges = [edge(u, v, label, ("left", "right")) for u, v, label in arcs]
    return dump(nodes, edges)


def debate_inputs(ctx: Ctx, pnode: str) -> tuple:
    """Everything debate_map reads, as plain data (see items.item_inputs): the post's note and its
    items with their notes, flags and answers. Keep in step with debate_map."""
    nodes, answers = ctx.nodes, ctx.edges.answers
    mine = [f"item:{i.id}" for i in ctx.by_post.get(pnode, [])]
    return ("debate map", nodes[pnode]["note"],
            [(u, nodes[u]["note"], nodes[u]["type"], nodes[u].get("key"), nodes[u].get("disputed"), answers.get(u, ()))
             for u in mine])
