"""write_graph's index (export.Spliced): a rewrite copies the unchanged pieces of the last
graph.json, and must give the very bytes of a write without it."""
from __future__ import annotations


import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder import export
from vault_builder.export import write_graph

from splicedamage import INDEX_DAMAGE, damage


def sample_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(cycles_broken=[], maps={"post:a": "Maps/a.canvas"})
    for i in range(30):
        g.add_node(f"item:{i:02d}", type="claim", label=f"Claim «{i}»", disputed_by=[], key=i % 3 == 0)
        g.add_edge(f"item:{i:02d}", f"post:{i % 4}", type="appears_in", block=f"p{i}")
        g.add_edge(f"item:{i:02d}", "concept:C", type="about")
    for p in range(4):
        g.add_node(f"post:{p}", type="post", files=[f"{p}.md"])
    g.add_node("concept:C", type="concept", aliases=["c", "ç"], rank=1)
    return g


def clean(graph: nx.MultiDiGraph, path) -> bytes:
    write_graph(path, graph)
    return path.read_bytes()


def edits(g: nx.MultiDiGraph) -> None:
    g.nodes["item:05"]["label"] = "Changed"  # a node's data
    g.add_node("item:00-new", type="claim")  # a node before the first one had edges
    g.add_edge("item:00-new", "concept:C", type="about")
    g.remove_node("item:17")  # a node and its links
    g.add_edge("item:03", "item:04", type="duplicate_of")  # a link among unchanged ones
    g.remove_edge("item:09", "concept:C")
    g.graph["maps"]["post:b"] = "Maps/b.canvas"


def test_a_rewrite_with_the_index_is_a_clean_write(tmp_path):
    g, index, path = sample_graph(), tmp_path / ".cache" / "graph.index", tmp_path / "graph.json"
    write_graph(path, g, cache=index)
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")
    write_graph(path, g, cache=index)  # all copied
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")
    edits(g)
    write_graph(path, g, cache=index)
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")


def made_link_groups(monkeypatch) -> list[str]:
    made: list[str] = []
    real = export._links_of
    monkeypatch.setattr(export, "_links_of", lambda u, targets: made.append(u) or real(u, targets))
    return made


def test_unchanged_links_are_copied_not_made(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 1)  # a piece per source
    g, index, path = sample_graph(), tmp_path / "graph.index", tmp_path / "graph.json"
    write_graph(path, g, cache=index)
    made = made_link_groups(monkeypatch)
    write_graph(path, g, cache=index)
    assert made == []
    g.add_edge("item:12", "item:13", type="duplicate_of")
    write_graph(path, g, cache=index)
    assert made == ["item:12"]
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")


def test_a_changed_source_makes_its_batch_only(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "BATCH", 4)
    g, index, path = sample_graph(), tmp_path / "graph.index", tmp_path / "graph.json"
    write_graph(path, g, cache=index)
    made = made_link_groups(monkeypatch)
    g.add_edge("item:12", "item:13", type="duplicate_of")
    write_graph(path, g, cache=index)
    sources = sorted(u for u in g.adj if g.adj[u])
    assert "item:12" in made and len(made) < len(sources) / 2
    # a batch: consecutive sources, the last of which ends it (or the last source of all)
    start = sources.index(made[0])
    assert made == sources[start:start + len(made)]
    assert export._ends_batch(made[-1]) or made[-1] == sources[-1]
    assert not any(export._ends_batch(u) for u in made[:-1])
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")


@pytest.mark.parametrize("how", [*INDEX_DAMAGE, "edited output"])
def test_a_damaged_index_or_edited_output_means_a_clean_write(tmp_path, monkeypatch, how):
    g, index, path = sample_graph(), tmp_path / "graph.index", tmp_path / "graph.json"
    write_graph(path, g, cache=index)
    damage(index, path, how, (b'"claim"', b'"CLAIM"'))
    made = made_link_groups(monkeypatch)
    write_graph(path, g, cache=index)
    assert len(made) == sum(1 for u in g.adj if g.adj[u])  # every source with links made again
    assert path.read_bytes() == clean(g, tmp_path / "clean.json")


_ids = st.sampled_from(["a", "b", "c", "d", "e:1", "é"])
_attrs = st.dictionaries(st.sampled_from(["type", "label", "rank", "aliases"]),
                         st.none() | st.integers(0, 2) | st.sampled_from(["x", "}", "é"])
                         | st.lists(st.sampled_from(["p", "q"]), max_size=2), max_size=3)
_graphs = st.tuples(st.dictionaries(_ids, _attrs, max_size=6),
                    st.lists(st.tuples(_ids, _ids, st.sampled_from(["about", "mentions"]), _attrs),
                             max_size=10),
                    st.dictionaries(st.sampled_from(["maps", "cycles"]), st.lists(st.integers(0, 3), max_size=2)))


def build(spec) -> nx.MultiDiGraph:
    nodes, edges, header = spec
    g = nx.MultiDiGraph(**header)
    for n, attrs in nodes.items():
        g.add_node(n, **attrs)
    for u, v, kind, attrs in edges:
        g.add_edge(u, v, **{**attrs, "type": kind})
    return g


@settings(max_examples=150, deadline=None)
@given(st.lists(_graphs, min_size=2, max_size=4), st.sampled_from([1, 2, export.BATCH]))
def test_any_sequence_of_rewrites_is_clean(tmp_path_factory, specs, batch):
    tmp = tmp_path_factory.mktemp("g")
    default, export.BATCH = export.BATCH, batch
    try:
        for spec in specs:
            g = build(spec)
            write_graph(tmp / "graph.json", g, cache=tmp / "graph.index")
            assert (tmp / "graph.json").read_bytes() == clean(g, tmp / "clean.json")
    finally:
        export.BATCH = default
