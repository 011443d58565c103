"""The link stage's shortcuts past networkx and the name checks give what the long ways give."""
import networkx as nx
import pytest

from vault_builder.link import add_edge
from vault_builder.paths import NameRegistry, name_problem


EDGES = [("a", "b", {"type": "about"}), ("a", "b", {"type": "mentions", "count": 2}), ("b", "a", {}),
         ("a", "a", {"type": "loop"}), ("a", "a", {}), ("a", "new", {"type": "x"}), ("new2", "b", {"type": "y"})]


def edges_by(add) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from(["a", "b"])
    g.add_edge("b", "c", key=1)  # the next key networkx gives is 2 (the count, then the first free number)
    for u, v, attr in EDGES:
        add(g, u, v, attr)
    add(g, "b", "c", {"type": "z"})
    add(g, "b", "c", {"type": "w"})
    return g


def shape(g: nx.MultiDiGraph):
    """Everything graph.json and the analyses read, in order: nodes, successors, predecessors."""
    return (list(g.nodes(data=True)), [(u, list(nbrs.items())) for u, nbrs in g._succ.items()],
            [(v, list(nbrs.items())) for v, nbrs in g._pred.items()])


def test_add_edge_makes_the_graph_networkx_makes():
    fast = edges_by(lambda g, u, v, attr: add_edge(g, u, v, **attr))
    slow = edges_by(lambda g, u, v, attr: g.add_edge(u, v, **attr))
    assert shape(fast) == shape(slow)
    assert list(fast["b"]["c"]) == [1, 2, 3]
    assert fast._succ["a"]["b"] is fast._pred["b"]["a"]  # one key dict, seen from both ends


@pytest.mark.parametrize("name", [
    "x" * 60, "x" * 61, "é" * 126, "é" * 127, "€" * 84, "€" * 85, "😀" * 63, "😀" * 64, "a" * 200, "ok",
])
def test_path_refuses_what_the_full_check_of_the_file_name_refuses(name):
    full = name_problem(name) or name_problem(name + ".md")
    if full:
        with pytest.raises(ValueError):
            NameRegistry().path("Posts", name)
    else:
        assert NameRegistry().path("Posts", name) == f"Posts/{name}.md"
