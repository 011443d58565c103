"""What users want from the concept/argument graph built by link.py.

- importance(g): an integer score per concept, explainable: 3 per definition of it, 2 per key
  claim or counterexample about it, 1 per other item about or mentioning it, 2 per concept
  whose definition relies on it, 1 per post that mentions it.
- related(g, concept): concepts sharing items with it (one point per shared item), and its
  prerequisites and dependants (two points), strongest first.
- reading_order(g): every concept after the concepts its definitions rely on; among the
  concepts that are free to come next, the most important first (then by name). A cycle is
  broken at the concept with the fewest unread prerequisites (then importance, then name), the
  same way every time; the edges ignored are returned.
- disputes(g): claim -> the items disputing it (counterexamples against it, replies with a
  "disputes" stance).

annotate(g) stores the results on the nodes (`importance`, `rank`, `reading_order`, `related`,
`depth` on concepts; `disputed`, `disputed_by` on claims), so graph.json carries them. It
returns what it found for the link stage cache: the next build takes the concept analyses from it
when all they read is unchanged (concept_inputs_key), as after most one-file changes.
"""
from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from dataclasses import dataclass, field
from itertools import chain, repeat

import networkx as nx

from .buildcache import code_version

ITEM_TYPES = ("claim", "definition", "example", "counterexample")


def concepts(g: nx.MultiDiGraph) -> list[str]:
    # the node dicts, not g.nodes(data="type"): a view's generator step per node (92k at 2,000 posts)
    return sorted(n for n, data in g._node.items() if data.get("type") == "concept")


@dataclass
class EdgeIndex:
    """The graph's edges by type, indexed in one pass: asking networkx for a node's edges of one
    type scans all of its edges (a popular concept has one from every item about it), and a scan
    of every edge per question would make the analyses and the notes quadratic.  Keyed by node,
    then type (not by (node, type) pairs: a million key tuples at 2,000 posts)."""

    out: dict = field(default_factory=dict)
    """node -> edge type -> the ends of its edges of that type, sorted, each once (every type
    but UNINDEXED's; a node without such edges is not listed)."""
    into: dict = field(default_factory=dict)
    """node -> edge type -> the starts of the edges of that type into it, sorted, each once (as out)."""
    replies_in: dict = field(default_factory=dict)
    """node -> (replier, stance) of every replies_to edge into it."""
    answers: dict = field(default_factory=dict)
    """node -> (target, type, stance) of every counterexample_to and replies_to edge out of it."""
    of_type: dict = field(default_factory=dict)
    """edge type -> (u, v) of every edge of that type, parallel edges included, for the few
    types in PAIRED only: a pair per edge of every type was a tuple per edge (500k, ~35 MiB at
    2,000 posts) living through the render, and no one asked for them."""
    repeated: set = field(default_factory=set)
    """Edge types of which two nodes have parallel edges (none in a linked graph: an item is
    about a concept once), so `into` lists a start once where it has more than one edge."""

    def targets(self, node: str, kind: str) -> tuple[str, ...]:
        return self.out.get(node, _NONE).get(kind, ())

    def sources(self, node: str, kind: str) -> tuple[str, ...]:
        return self.into.get(node, _NONE).get(kind, ())

    def prerequisites(self, concept: str) -> tuple[str, ...]:
        return self.sources(concept, "prerequisite")

    def dependants(self, concept: str) -> tuple[str, ...]:
        return self.targets(concept, "prerequisite")


_NONE: dict = {}
UNINDEXED = frozenset({"appears_in", "authored", "participated_in", "part_of"})
"""Edge types out/into leave out: no analysis or note asks the index for them (the notes that
show them read the graph), and they were 30% of the edges indexed (an item appears in a post and
has an author), their lists living through the render."""
PAIRED = frozenset({"prerequisite", "same_as", "counterexample_to"})
"""The edge types EdgeIndex.of_type lists (the concept map draws the first two, disputes() reads the third)."""


_HANDED_OVER = "vault_builder.graph.edge_index"
"""Key of the index annotate() leaves in the graph's own cache (networkx's __networkx_cache__,
which every change of the graph's nodes or edges empties) for the next edge_index(g): the
renderer indexes the same graph again (0.3 s at 400 posts, 2 s at 2,000)."""


def edge_index(g: nx.MultiDiGraph) -> EdgeIndex:
    """The graph's edges indexed by node and type: the one annotate() made, if the graph has not
    changed since (networkx empties its cache on any change of its nodes or edges; an edge's
    attributes changed in place go unnoticed, as for networkx's own caches), else made anew.
    The index is handed over, not kept: kept, it would live as long as the graph (through the
    export, 85 MiB at 2,000 posts)."""
    cache = getattr(g, "__networkx_cache__", None)  # networkx >= 3.3
    if cache:
        index = cache.pop(_HANDED_OVER, None)
        if index is not None:
            return index
    return make_edge_index(g)


def hand_over(g: nx.MultiDiGraph, index: EdgeIndex) -> None:
    """Leave the index for the next edge_index(g), for as long as the graph does not change."""
    cache = getattr(g, "__networkx_cache__", None)
    if cache is not None:
        cache[_HANDED_OVER] = index


def make_edge_index(g: nx.MultiDiGraph) -> EdgeIndex:
    index = EdgeIndex()
    out, into = index.out, index.into
    of_type, replies_in, answers, repeated = index.of_type, index.replies_in, index.answers, index.repeated
    for u, targets in g.adjacency():  # plain dicts: g.edges(data=True) costs as much again
        out_u = None  # made at u's first indexed edge (looked up once per node, not once per edge)
        for v, parallel in targets.items():
            into_v = None
            if len(parallel) > 1:
                kinds = [d.get("type") for d in parallel.values()]
                repeated.update(t for t in set(kinds) if kinds.count(t) > 1)
            for d in parallel.values():
                t = d.get("type")
                if t in UNINDEXED:
                    continue
                if out_u is None:
                    out_u = out[u] = {}
                if into_v is None:
                    into_v = into.get(v)
                    if into_v is None:
                        into_v = into[v] = {}
                # get, not setdefault(t, []): no new list thrown away per edge (500k at 2,000 posts)
                ends = out_u.get(t)
                if ends is None:
                    out_u[t] = [v]
                else:
                    ends.append(v)
                starts = into_v.get(t)
                if starts is None:
                    into_v[t] = [u]
                else:
                    starts.append(u)
                if t in _SPECIAL:  # one test for the few edges the three lists below take
                    if t in PAIRED:
                        of_type.setdefault(t, []).append((u, v))
                    if t == "replies_to":
                        replies_in.setdefault(v, []).append((u, d.get("stance")))
                    if t in ("counterexample_to", "replies_to"):
                        answers.setdefault(u, []).append((v, t, d.get("stance")))
    for by_type in (*out.values(), *into.values()):
        for t, ends in by_type.items():
            if len(ends) > 1:  # a type without parallel edges lists each end once already: no set()
                by_type[t] = tuple(sorted(set(ends) if t in repeated else ends))
            else:
                by_type[t] = tuple(ends)
    return index


_SPECIAL = PAIRED | {"replies_to"}


def importance(g: nx.MultiDiGraph, index: EdgeIndex | None = None) -> dict[str, int]:
    index = index or edge_index(g)
    about, mentions = edge_points(g)
    score = {c: 0 for c in concepts(g)}
    for v in score:
        into = index.into.get(v)
        if not into:
            continue
        points = 3 * edges_into(g, index, v, "defines", into.get("defines", ()))
        for kind, worth in (("about", about), ("mentions", mentions)):
            starts = into.get(kind, ())
            if kind in index.repeated:
                starts = [u for u in starts for _ in range(edges_into(g, index, v, kind, (u,)))]
            points += sum(map(worth.get, starts, repeat(0)))
        score[v] = points
    for u, _ in index.of_type.get("prerequisite", ()):
        score[u] += 2
    return score


def edge_points(g: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """(points of an about edge, points of a mentions edge) by the node it comes from, for the
    nodes whose edges score: a dict lookup per edge, in C (sum over map), instead of reading the
    node's attributes per edge (300k edges into concepts at 2,000 posts; dropped once scored)."""
    about = {n: 2 if (t == "counterexample" or (t == "claim" and data.get("key"))) else 1
             for n, data in g._node.items() if (t := data.get("type")) in ITEM_TYPES}
    mentions = dict(about)
    mentions.update((n, 1) for n, data in g._node.items() if data.get("type") == "post")
    return about, mentions


def edges_into(g: nx.MultiDiGraph, index: EdgeIndex, v: str, kind: str, starts: tuple[str, ...]) -> int:
    """How many edges of that type go from the starts into v: one each (the index lists a start
    once), unless the graph has parallel edges of that type."""
    if kind not in index.repeated:
        return len(starts)
    return sum(1 for u in starts for d in g._succ[u][v].values() if d.get("type") == kind)


CONCEPT_LINKS = ("about", "mentions", "defines")


def related(g: nx.MultiDiGraph, concept: str, limit: int = 8, index: EdgeIndex | None = None,
            nodes: dict | None = None, linked: dict | None = None) -> list[str]:
    """nodes: node -> attributes as a plain dict (NodeView lookups cost a third of this function).
    linked: item -> concept_links() of it, made once for all concepts (an item is in many
    concepts' lists)."""
    index = index or edge_index(g)
    nodes = nodes or dict(g.nodes(data=True))
    linked = linked if linked is not None else {}
    weight = Counter(chain.from_iterable(
        linked[item] if item in linked else concept_links(index, item)
        for kind in CONCEPT_LINKS for item in index.sources(concept, kind) if nodes[item]["type"] in ITEM_TYPES))
    weight.pop(concept, None)  # its items link to it: no concept is related to itself through them
    for other in index.prerequisites(concept) + index.dependants(concept):
        weight[other] = weight.get(other, 0) + 2
    # The few strongest only: a popular concept shares items with most others, and sorting them
    # all for each concept would grow with the square of the concepts.
    return heapq.nsmallest(limit, weight, key=lambda c: (-weight[c], nodes[c]["label"].casefold(), c))


def concept_links(index: EdgeIndex, node: str) -> tuple[str, ...]:
    """The ends of the node's about, mentions and defines edges, in that order, as related() counts them."""
    by_type = index.out.get(node, _NONE)
    return tuple(other for kind in CONCEPT_LINKS for other in by_type.get(kind, ()))


def reading_order(g: nx.MultiDiGraph, score: dict[str, int] | None = None,
                  adj: EdgeIndex | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """(concepts in reading order, prerequisite edges ignored to break cycles)."""
    adj = adj or edge_index(g)
    score = score if score is not None else importance(g, adj)
    nodes = concepts(g)
    needs = {c: set(adj.prerequisites(c)) - {c} for c in nodes}
    key = {c: (-score[c], g.nodes[c]["label"].casefold(), c) for c in nodes}
    ready = [key[c] for c in nodes if not needs[c]]
    heapq.heapify(ready)
    done: set[str] = set()
    order: list[str] = []
    broken: list[tuple[str, str]] = []
    while len(order) < len(nodes):
        if not ready:  # a cycle: start it at the concept with the fewest unread prerequisites
            pick = min((c for c in nodes if c not in done), key=lambda c: (len(needs[c] - done), key[c]))
            broken += [(p, pick) for p in sorted(needs[pick] - done)]
            needs[pick] = set()
            heapq.heappush(ready, key[pick])
        c = heapq.heappop(ready)[2]
        if c in done:
            continue
        done.add(c)
        order.append(c)
        for d in adj.dependants(c):
            if d not in done and needs[d] and needs[d] <= done:
                heapq.heappush(ready, key[d])
    return order, broken


def depths(adj: EdgeIndex, order: list[str]) -> dict[str, int]:
    """Layer of each concept: 0 without prerequisites, else 1 + the deepest earlier prerequisite."""
    pos = {c: i for i, c in enumerate(order)}
    depth: dict[str, int] = {}
    for c in order:
        earlier = [depth[p] for p in adj.prerequisites(c) if pos[p] < pos[c]]
        depth[c] = 1 + max(earlier) if earlier else 0
    return depth


def disputes(g: nx.MultiDiGraph, index: EdgeIndex | None = None) -> dict[str, list[str]]:
    index = index or edge_index(g)
    out: dict[str, set[str]] = {}
    against = index.of_type.get("counterexample_to", ())
    replies = [(u, v) for v, repliers in index.replies_in.items() for u, stance in repliers if stance == "disputes"]
    for u, v in [*against, *replies]:
        if g.nodes[v]["type"] == "claim":
            out.setdefault(v, set()).add(u)
    return {k: sorted(v) for k, v in sorted(out.items())}


def annotate(g: nx.MultiDiGraph, cached: dict | None = None) -> dict:
    """Store the analyses on the nodes. cached: what the last build's annotate() returned; its
    concept analyses (ranks, reading order, depths, related concepts: a quarter of the link
    stage) are taken when everything they read is as it was then (see concept_inputs_key).
    Returns this build's, for the next."""
    adj = make_edge_index(g)
    score = importance(g, adj)
    key = concept_inputs_key(g, adj, score)
    found = cached_concept_analyses(cached, key, score)
    if found is None:
        found = concept_analyses(g, adj, score)
    by_rank, order, broken, depth, near = (found[k] for k in ("by_rank", "order", "broken", "depth", "related"))
    nodes = g._node
    for i, c in enumerate(by_rank, 1):
        nodes[c]["importance"] = score[c]
        nodes[c]["rank"] = i
    for i, c in enumerate(order, 1):
        data = nodes[c]
        data["reading_order"] = i
        data["depth"] = depth[c]
        data["related"] = near[c]
    g.graph["reading_order"] = order
    g.graph["cycles_broken"] = broken
    disputed = disputes(g, adj)
    for n, data in nodes.items():
        if data.get("type") == "claim":
            data["disputed"] = n in disputed
            data["disputed_by"] = disputed.get(n, [])
    hand_over(g, adj)  # after the last change: node attributes are no change of the graph's structure
    return {**found, "key": key}


def concept_analyses(g: nx.MultiDiGraph, adj: EdgeIndex, score: dict[str, int]) -> dict:
    """Ranks, reading order, depths and related concepts, as plain JSON values."""
    nodes = dict(g.nodes(data=True))
    order, broken = reading_order(g, score, adj)
    linked = {item: concept_links(adj, item) for item, t in g.nodes(data="type") if t in ITEM_TYPES}
    return {"by_rank": sorted(score, key=lambda c: (-score[c], nodes[c]["label"].casefold(), c)),
            "order": order, "broken": [list(e) for e in broken], "depth": depths(adj, order),
            "related": {c: related(g, c, index=adj, nodes=nodes, linked=linked) for c in order}}


_ANALYSED = (*CONCEPT_LINKS, "prerequisite")


def concept_inputs_key(g: nx.MultiDiGraph, adj: EdgeIndex, score: dict[str, int]) -> str:
    """A digest of all that concept_analyses() reads: the scores, the concepts' labels, the
    prerequisite edges, and the items with their type and the concepts at the ends of their
    about/mentions/defines edges (what related() counts), as a sorted list. No node's name but
    the concepts' is part of it: retitling a post renames its post, comment and item nodes and
    leaves the analyses as they were, and so does a changed sentence (item titles). Strings
    joined, not repr() of the values: half the time."""
    nodes = g.nodes
    lines = [code_version(), *(f"{c}\0{n}\0{nodes[c]['label']}" for c, n in sorted(score.items()))]
    lines += sorted(f"{v}\0" + "\0".join(by_type["prerequisite"]) for v, by_type in adj.into.items() if "prerequisite" in by_type)
    out = adj.out
    items = []
    for u, data in g._node.items():
        by_type = out.get(u)
        if by_type and data.get("type") in ITEM_TYPES:
            ends = "\1".join(f"{kind}\2" + "\2".join(by_type[kind]) for kind in CONCEPT_LINKS if kind in by_type)
            if ends:
                items.append(f"{data['type']}\1{ends}")
    items.sort()
    lines += items
    return hashlib.sha1("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def cached_concept_analyses(cached: dict | None, key: str, score: dict[str, int]) -> dict | None:
    """The cached analyses if they were made from the same inputs and are whole, else None."""
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    concepts = set(score)
    order, by_rank, broken, depth, near = (cached.get(k) for k in ("order", "by_rank", "broken", "depth", "related"))
    whole = (isinstance(order, list) and isinstance(by_rank, list) and len(order) == len(by_rank) == len(concepts)
             and set(order) == set(by_rank) == concepts
             and isinstance(depth, dict) and depth.keys() == concepts
             and all(type(d) is int for d in depth.values())
             and isinstance(near, dict) and near.keys() == concepts
             and all(isinstance(r, list) and all(isinstance(c, str) for c in r) for r in near.values())
             and isinstance(broken, list)
             and all(isinstance(e, list) and len(e) == 2 and all(isinstance(c, str) for c in e) for e in broken))
    return cached if whole else None
