"""The link stage's shortcuts give what the long ways give: the per-item cache keeps what an item's
words are (duplicate_of) besides its short title, prerequisites come from what add_items linked,
and importance() counts edges from the index's lists of starts."""
from __future__ import annotations

import networkx as nx
import pytest

from vault_builder import graph as analyses, link

from test_link_fast import shape
from test_link_names import make_corpus


def corpus_with_repeats():
    """Comments repeating a claim of another post in other case and punctuation: duplicates; and
    two repeating a few words only: too short to tell."""
    corpus, items, concepts = make_corpus(["Alpha", "Beta", "Gamma"])
    items[6].text = "I DON'T think the RLCT is small!"  # rep-1: the words of rep-0
    items[7].text, items[11].text = "It is small.", "it is SMALL"  # cex-1, cex-2
    return corpus, items, concepts


def duplicates(g) -> list[tuple[str, str]]:
    return [(u, v) for u, v, t in g.edges(data="type") if t == "duplicate_of"]


def test_cached_words_tell_the_duplicates_the_words_tell():
    corpus, items, concepts = corpus_with_repeats()
    clean = link.link(corpus, items, concepts)
    assert ("item:rep-1", "item:rep-0") in duplicates(clean)
    assert ("item:cex-2", "item:cex-1") not in duplicates(clean)
    cache: dict = {}
    link.link(corpus, items, concepts, titles=cache)
    assert shape(link.link(corpus, items, concepts, titles=cache)) == shape(clean)


def test_a_changed_text_is_read_again_and_the_others_are_not(monkeypatch):
    corpus, items, concepts = corpus_with_repeats()
    cache: dict = {}
    link.link(corpus, items, concepts, titles=cache)
    items[11].text = "It is SMALL for this model."  # cex-2: now repeats cex-0's words
    read = []
    real = link.words_digest
    monkeypatch.setattr(link, "words_digest", lambda text: read.append(text) or real(text))
    cached = link.link(corpus, items, concepts, titles=cache)
    assert read == [items[11].text]
    assert ("item:cex-2", "item:cex-0") in duplicates(cached)
    assert shape(cached) == shape(link.link(corpus, items, concepts))


@pytest.mark.parametrize("damage", [
    lambda entry: 7, lambda entry: entry[:1], lambda entry: [entry[0], "x"], lambda entry: [entry[0], None],
    lambda entry: ["", entry[1]] if entry[0] else ["A title", entry[1]], lambda entry: tuple(entry),
])
def test_a_damaged_entry_is_made_again(damage):
    corpus, items, concepts = corpus_with_repeats()
    clean = shape(link.link(corpus, items, concepts))
    cache: dict = {}
    link.link(corpus, items, concepts, titles=cache)
    for key, entry in cache.items():
        if key != link.ANALYSES:
            cache[key] = damage(entry)
    assert shape(link.link(corpus, items, concepts, titles=cache)) == clean
    assert shape(link.link(corpus, items, concepts, titles=cache)) == clean  # and stored whole again


def test_prerequisites_are_each_definition_s_mentions_before_its_term_once():
    corpus, items, concepts = make_corpus(["Alpha", "Beta"])
    g = link.link(corpus, items, concepts)
    expected = set()
    for node, kind in g.nodes(data="type"):
        if kind == "definition":
            ends = [(v, t) for _, v, t in g.out_edges(node, data="type")]
            expected |= {(m, d) for d, t in ends if t == "defines" for m, s in ends if s == "mentions" and m != d}
    made = [(u, v) for u, v, t in g.edges(data="type") if t == "prerequisite"]
    assert expected == {("concept:Complexity", "concept:RLCT")}  # two definitions rely on it: one edge
    assert sorted(made) == sorted(expected)


def scores_edge_by_edge(g) -> dict[str, int]:
    """importance() as the rule reads (graph.py), one edge at a time."""
    score = {n: 0 for n, t in g.nodes(data="type") if t == "concept"}
    for u, v, kind in g.edges(data="type"):
        src = g.nodes[u]
        if kind == "prerequisite":
            score[u] += 2
        elif v not in score:
            continue
        elif kind == "defines":
            score[v] += 3
        elif kind in ("about", "mentions") and src["type"] in analyses.ITEM_TYPES:
            score[v] += 2 if src["type"] == "counterexample" or (src["type"] == "claim" and src.get("key")) else 1
        elif kind == "mentions" and src["type"] == "post":
            score[v] += 1
    return score


def test_importance_counts_every_edge_parallel_ones_too():
    g = nx.MultiDiGraph()
    for c in "AB":
        g.add_node(f"concept:{c}", type="concept", label=c)
    for node, kind, key in [("item:k", "claim", True), ("item:c", "claim", False), ("item:x", "counterexample", None),
                            ("item:d", "definition", None), ("item:e", "example", None), ("post:p", "post", None)]:
        g.add_node(node, type=kind, key=key)
    edges = [("item:k", "A", "about"), ("item:k", "A", "about"), ("item:c", "A", "about"), ("item:x", "B", "about"),
             ("item:d", "A", "defines"), ("item:d", "B", "mentions"), ("item:d", "A", "about"),
             ("item:e", "B", "about"), ("item:e", "B", "about"), ("item:e", "B", "mentions"),
             ("post:p", "A", "mentions"), ("post:p", "A", "mentions"), ("post:p", "B", "about"), ("B", "A", "prerequisite")]
    for u, v, kind in edges:
        g.add_edge(u if ":" in u else f"concept:{u}", f"concept:{v}", type=kind)
    assert analyses.importance(g) == scores_edge_by_edge(g) == {"concept:A": 11, "concept:B": 8}
    linked = link.link(*make_corpus(["Alpha", "Beta"]))
    assert analyses.importance(linked) == scores_edge_by_edge(linked)


def test_add_items_asks_for_each_author_and_term_once(monkeypatch):
    corpus, items, concepts = make_corpus(["Alpha", "Beta", "Gamma"])
    items[4].author = "Writer  0"  # another spelling of one name: a call of its own, for the spellings
    g, names = nx.MultiDiGraph(), link.NameRegistry()
    post_nodes = link.add_posts(g, corpus, names)
    link.add_concepts(g, concepts, names)
    asked = []
    for name, arg in (("person", 2), ("resolved", 0)):
        real = getattr(link, name)
        monkeypatch.setattr(link, name, lambda *a, real=real, name=name, arg=arg: asked.append((name, a[arg])) or real(*a))
    link.add_items(g, corpus, post_nodes, items, concepts, names)
    assert sorted(asked) == sorted({("person", i.author) for i in items if i.author}
                                   | {("resolved", i.term) for i in items if i.term})
    assert g.nodes["person:writer 0"]["spellings"] == ["Writer 0", "Writer  0"]
    authored = [(u, v) for u, v, t in g.edges(data="type") if t == "authored" and v.startswith("item:")]
    assert sorted(authored) == sorted((link.person_key(i.author), f"item:{i.id}") for i in items if i.author)
    assert {v for _, v, t in g.edges(data="type") if t == "defines"} == {"concept:RLCT"}
