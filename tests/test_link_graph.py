"""The graph: typed edges and the analyses users want (importance, related, reading order, disputes)."""
from __future__ import annotations

import networkx as nx

from vault_builder import graph as analyses, link
from vault_builder.models import Concept, Corpus, Item

from test_link_names import make_corpus


def concept_graph(prereqs: list[tuple[str, str]], names: str = "ABCDE") -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for n in names:
        g.add_node(f"concept:{n}", type="concept", label=n)
    for a, b in prereqs:
        g.add_edge(f"concept:{a}", f"concept:{b}", type="prerequisite")
    return g


def test_reading_order_puts_prerequisites_first():
    g = concept_graph([("A", "B"), ("B", "C"), ("D", "C")])
    order, broken = analyses.reading_order(g)
    pos = {c: i for i, c in enumerate(order)}
    assert pos["concept:A"] < pos["concept:B"] < pos["concept:C"] and pos["concept:D"] < pos["concept:C"]
    assert broken == [] and len(order) == 5


def test_reading_order_breaks_cycles_deterministically():
    edges = [("A", "B"), ("B", "C"), ("C", "A"), ("D", "E")]
    first = analyses.reading_order(concept_graph(edges))
    again = analyses.reading_order(concept_graph(list(reversed(edges))))
    assert first == again
    order, broken = first
    assert len(order) == 5 and len(set(order)) == 5
    assert len(broken) == 1  # one edge of the 3-cycle is ignored, no more
    pos = {c: i for i, c in enumerate(order)}
    assert pos["concept:D"] < pos["concept:E"]


def test_importance_prefers_concepts_more_is_built_on():
    g = concept_graph([("A", "B"), ("A", "C"), ("B", "C")])
    score = analyses.importance(g)
    assert score["concept:A"] > score["concept:B"] > score["concept:C"]
    order, _ = analyses.reading_order(g, score)
    assert order[:3] == ["concept:A", "concept:B", "concept:C"]


def test_link_builds_typed_edges_and_annotations():
    corpus, items, concepts = make_corpus(["P"])
    g = link.link(corpus, items, concepts)
    kinds = {d["type"] for _, _, d in g.edges(data=True)}
    assert {"authored", "participated_in", "part_of", "appears_in", "defines", "mentions", "about",
            "counterexample_to", "replies_to", "prerequisite"} <= kinds
    assert g.has_edge("concept:Complexity", "concept:RLCT")  # the RLCT definition relies on Complexity
    assert g.nodes["concept:Complexity"]["reading_order"] < g.nodes["concept:RLCT"]["reading_order"]
    assert g.nodes["item:cla-0"]["disputed"] and g.nodes["item:cla-0"]["disputed_by"] == ["item:cex-0"]
    # comment 2 quotes comment 1's claim, then answers it
    replies = [(u, v, d["stance"]) for u, v, d in g.edges(data=True) if d["type"] == "replies_to" and u.startswith("item:")]
    assert replies == [("item:cex-0", "item:rep-0", "disputes")]
    assert g.nodes["concept:RLCT"]["related"] == ["concept:Complexity"]


def test_same_as_duplicates_and_people_merged():
    corpus, items, concepts = make_corpus(["P"])
    items.append(Item("dup", "claim", "Singular models generalise because the RLCT is small!", "P", False, "writer 0",
                      "f0.md", "p2", concepts=["learning coefficient"]))
    concepts.append(Concept("Learning coefficient RLCT", ["RLCT"]))
    g = link.link(corpus, items, concepts)
    assert ("item:dup", "item:cla-0") in [(u, v) for u, v, t in g.edges(data="type") if t == "duplicate_of"]
    assert ("concept:Learning coefficient RLCT", "concept:RLCT") in [(u, v) for u, v, t in g.edges(data="type") if t == "same_as"]
    # "writer 0" and "Writer 0" are one person; an alias resolves to its concept
    assert [n for n, t in g.nodes(data="type") if t == "person"] == ["person:writer 0", "person:commenter"]
    assert g.has_edge("item:dup", "concept:RLCT")


def test_graph_is_node_link_serialisable():
    import json

    corpus, items, concepts = make_corpus(["P"])
    g = link.link(corpus, items, concepts)
    json.dumps(nx.node_link_data(g, edges="links"))
