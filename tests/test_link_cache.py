"""What the link stage reuses: the edge index annotate() made (handed to the renderer), and
the per-item work kept in the link stage cache."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import networkx as nx
import pytest

from vault_builder import graph as analyses, link
from vault_builder.pipeline import build

from test_incremental import outputs
from test_link_names import make_corpus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus  # noqa: E402


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


def concept_attributes(g) -> dict:
    return {"nodes": {n: d for n, d in g.nodes(data=True) if d["type"] in ("concept", "claim")},
            "graph": (g.graph["reading_order"], g.graph["cycles_broken"])}


def test_unchanged_concept_analyses_are_taken_from_the_cache(monkeypatch):
    corpus, items, concepts = make_corpus(["Alpha", "Beta"])
    cache: dict = {}
    clean = concept_attributes(link.link(corpus, items, concepts, titles=cache))
    assert link.ANALYSES in cache
    made = []
    real = analyses.related
    monkeypatch.setattr(analyses, "related", lambda *a, **k: made.append(a[1]) or real(*a, **k))
    assert concept_attributes(link.link(corpus, items, concepts, titles=cache)) == clean
    assert made == []


def test_concept_analyses_follow_a_change_of_what_they_read():
    corpus, items, concepts = make_corpus(["Alpha", "Beta"])
    cache: dict = {}
    link.link(corpus, items, concepts, titles=cache)
    items[1].concepts = ["RLCT", "Complexity"]  # a claim now about both: they become related
    cached = concept_attributes(link.link(corpus, items, concepts, titles=cache))
    clean = concept_attributes(link.link(corpus, items, concepts))
    assert cached == clean and clean["nodes"]["concept:RLCT"]["related"] == ["concept:Complexity"]


def test_a_damaged_analyses_entry_is_redone():
    corpus, items, concepts = make_corpus(["Alpha", "Beta"])
    clean = concept_attributes(link.link(corpus, items, concepts))
    cache: dict = {}
    link.link(corpus, items, concepts, titles=cache)
    entry = cache[link.ANALYSES]
    for damaged in ("not a dict", {**entry, "related": {c: "x" for c in entry["related"]}},
                    {**entry, "order": entry["order"][:-1]}, {**entry, "depth": {}}, {"key": entry["key"]}):
        cache[link.ANALYSES] = damaged
        assert concept_attributes(link.link(corpus, items, concepts, titles=cache)) == clean


def test_the_concept_inputs_key_changes_with_the_edges_even_when_the_scores_do_not():
    def key(about: list[tuple[str, str]]) -> str:
        g = nx.MultiDiGraph()
        for c in "AB":
            g.add_node(f"concept:{c}", type="concept", label=c)
        for i in "12":
            g.add_node(f"item:{i}", type="claim", label=i)
        for i, c in about:
            g.add_edge(f"item:{i}", f"concept:{c}", type="about")
        adj = analyses.make_edge_index(g)
        return analyses.concept_inputs_key(g, adj, analyses.importance(g, adj))

    assert key([("1", "A"), ("2", "B")]) == key([("1", "A"), ("2", "B")])
    assert key([("1", "A"), ("2", "B")]) == key([("2", "A"), ("1", "B")])  # the same but for names
    assert key([("1", "A"), ("2", "B")]) != key([("1", "A"), ("1", "B")])  # the same scores: A and B now related


@pytest.mark.parametrize("edit", [
    (r"at (\d+) samples", r"at 1\1 samples"),  # a changed number
    # a retitle renames the post's post, thread, comment and item nodes, none of which the concept
    # analyses read (they count items by the concepts they link, not by name)
    (r'(?m)^(title: "?)(.*)$', r"\1Renamed: \2"),
], ids=["changed number", "retitled post"])
def test_a_rebuild_after_an_edit_that_links_no_other_concepts_keeps_the_concept_analyses(tmp_path, monkeypatch, edit):
    from test_incremental import options, rebuild_recording

    files = write_corpus(tmp_path / "c", 4)
    build(options(tmp_path / "c", tmp_path / "out"))
    text = files[2].read_text(encoding="utf-8")
    edited = re.sub(*edit, text, count=1)
    assert edited != text
    files[2].write_text(edited, encoding="utf-8")
    related = rebuild_recording(monkeypatch, analyses, "related", lambda g, concept, *a: concept,
                                tmp_path / "c", tmp_path / "out")
    assert related == []
    build(options(tmp_path / "c", tmp_path / "clean"))
    assert outputs(tmp_path / "out", tmp_path) == outputs(tmp_path / "clean", tmp_path)


def test_the_concept_inputs_key_reads_items_by_their_concepts_not_their_names():
    def key(items: dict[str, list[str]], post: str = "post:P") -> str:
        g = nx.MultiDiGraph()
        for c in "ABC":
            g.add_node(f"concept:{c}", type="concept", label=c)
        g.add_node(post, type="post", label=post)
        for i, about in items.items():
            g.add_node(f"item:{i}", type="claim", label=i)
            for c in about:
                g.add_edge(f"item:{i}", f"concept:{c}", type="about")
        g.add_edge(post, "concept:A", type="mentions", count=1)
        adj = analyses.make_edge_index(g)
        return analyses.concept_inputs_key(g, adj, analyses.importance(g, adj))

    assert key({"1": ["A", "B"], "2": ["C"]}) == key({"x1": ["A", "B"], "x2": ["C"]}, post="post:Q")
    assert key({"1": ["A", "B"], "2": ["C"]}) != key({"1": ["A"], "2": ["B", "C"]})  # same scores, other pairs
    assert key({"1": ["A", "B"], "2": ["C"]}) == key({"1": ["A", "B"], "2": ["C"], "3": []})  # links nothing they read
