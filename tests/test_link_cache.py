"""What the link stage reuses: the edge index annotate() made (handed to the renderer), and
the per-item work kept in the link stage cache."""
from __future__ import annotations

from vault_builder import graph as analyses, link

from test_link_names import make_corpus


def linked():
    corpus, items, concepts = make_corpus(["Alpha", "Beta", "Gamma"])
    return link.link(corpus, items, concepts)


def counting_make_edge_index(monkeypatch) -> list:
    made = []
    real = analyses.make_edge_index
    monkeypatch.setattr(analyses, "make_edge_index", lambda g: made.append(g) or real(g))
    return made


def test_edge_index_of_a_linked_graph_is_the_one_annotate_made(monkeypatch):
    g = linked()
    made = counting_make_edge_index(monkeypatch)
    index = analyses.edge_index(g)
    assert made == []
    assert index == analyses.EdgeIndex(**vars(analyses.make_edge_index(g)))


def test_edge_index_is_made_again_once_handed_over_or_the_graph_changed(monkeypatch):
    handed, changed = linked(), linked()
    made = counting_make_edge_index(monkeypatch)
    analyses.edge_index(handed)
    analyses.edge_index(handed)  # handed over once: not kept for the life of the graph
    assert made == [handed]

    concept = next(n for n, t in changed.nodes(data="type") if t == "concept")
    changed.add_edge("item:new", concept, type="about")
    assert "item:new" in analyses.edge_index(changed).sources(concept, "about")
    assert made == [handed, changed]
