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
`depth` on concepts; `disputed`, `disputed_by` on claims), so graph.json carries them.
"""
from __future__ import annotations

import heapq

import networkx as nx

ITEM_TYPES = ("claim", "definition", "example", "counterexample")


def concepts(g: nx.MultiDiGraph) -> list[str]:
    return sorted(n for n, t in g.nodes(data="type") if t == "concept")


def edges_of(g: nx.MultiDiGraph, kind: str):
    return ((u, v, d) for u, v, d in g.edges(data=True) if d.get("type") == kind)


class Adjacency:
    """Neighbours by edge type, indexed in one pass over the edges: asking networkx for a node's
    edges of one type scans all of them, and a popular concept has an edge from every item about it."""

    def __init__(self, g: nx.MultiDiGraph):
        self.out: dict[tuple[str, str], list[str]] = {}
        self.into: dict[tuple[str, str], list[str]] = {}
        for u, v, kind in g.edges(data="type"):
            self.out.setdefault((u, kind), []).append(v)
            self.into.setdefault((v, kind), []).append(u)

    def prerequisites(self, concept: str) -> list[str]:
        return sorted(set(self.into.get((concept, "prerequisite"), ())))

    def dependants(self, concept: str) -> list[str]:
        return sorted(set(self.out.get((concept, "prerequisite"), ())))


def importance(g: nx.MultiDiGraph) -> dict[str, int]:
    score = {c: 0 for c in concepts(g)}
    for u, v, d in g.edges(data=True):
        if v not in score:
            continue
        kind, src = d.get("type"), g.nodes[u]
        if kind == "defines":
            score[v] += 3
        elif kind in ("about", "mentions") and src["type"] in ITEM_TYPES:
            score[v] += 2 if (src["type"] == "counterexample" or (src["type"] == "claim" and src.get("key"))) else 1
        elif kind == "mentions" and src["type"] == "post":
            score[v] += 1
    for u, _, _ in edges_of(g, "prerequisite"):
        score[u] += 2
    return score


CONCEPT_LINKS = ("about", "mentions", "defines")


def related(g: nx.MultiDiGraph, concept: str, limit: int = 8, adj: Adjacency | None = None) -> list[str]:
    adj = adj or Adjacency(g)
    weight: dict[str, int] = {}
    for kind in CONCEPT_LINKS:
        for item in adj.into.get((concept, kind), ()):
            if g.nodes[item]["type"] not in ITEM_TYPES:
                continue
            for kind2 in CONCEPT_LINKS:
                for other in adj.out.get((item, kind2), ()):
                    if other != concept:
                        weight[other] = weight.get(other, 0) + 1
    for other in adj.prerequisites(concept) + adj.dependants(concept):
        weight[other] = weight.get(other, 0) + 2
    ranked = sorted(weight, key=lambda c: (-weight[c], g.nodes[c]["label"].casefold(), c))
    return ranked[:limit]


def reading_order(g: nx.MultiDiGraph, score: dict[str, int] | None = None,
                  adj: Adjacency | None = None) -> tuple[list[str], list[tuple[str, str]]]:
    """(concepts in reading order, prerequisite edges ignored to break cycles)."""
    score = score if score is not None else importance(g)
    adj = adj or Adjacency(g)
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


def depths(adj: Adjacency, order: list[str]) -> dict[str, int]:
    """Layer of each concept: 0 without prerequisites, else 1 + the deepest earlier prerequisite."""
    pos = {c: i for i, c in enumerate(order)}
    depth: dict[str, int] = {}
    for c in order:
        earlier = [depth[p] for p in adj.prerequisites(c) if pos[p] < pos[c]]
        depth[c] = 1 + max(earlier) if earlier else 0
    return depth


def disputes(g: nx.MultiDiGraph) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {}
    for u, v, d in g.edges(data=True):
        if g.nodes[v]["type"] != "claim":
            continue
        if d.get("type") == "counterexample_to" or (d.get("type") == "replies_to" and d.get("stance") == "disputes"):
            out.setdefault(v, set()).add(u)
    return {k: sorted(v) for k, v in sorted(out.items())}


def annotate(g: nx.MultiDiGraph) -> None:
    score = importance(g)
    adj = Adjacency(g)
    order, broken = reading_order(g, score, adj)
    depth = depths(adj, order)
    by_rank = sorted(score, key=lambda c: (-score[c], g.nodes[c]["label"].casefold(), c))
    for i, c in enumerate(by_rank, 1):
        g.nodes[c]["importance"] = score[c]
        g.nodes[c]["rank"] = i
    for i, c in enumerate(order, 1):
        g.nodes[c]["reading_order"] = i
        g.nodes[c]["depth"] = depth[c]
        g.nodes[c]["related"] = related(g, c, adj=adj)
    g.graph["reading_order"] = order
    g.graph["cycles_broken"] = [list(e) for e in broken]
    disputed = disputes(g)
    for n, t in g.nodes(data="type"):
        if t == "claim":
            g.nodes[n]["disputed"] = n in disputed
            g.nodes[n]["disputed_by"] = disputed.get(n, [])
