"""The link stage's shortcuts past networkx and the name checks give what the long ways give."""
import unicodedata

import networkx as nx
import pytest

from vault_builder.link import add_edge, add_node
from vault_builder.paths import NameRegistry, _make_name, name_key, name_problem, note_name


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


def test_add_node_makes_the_nodes_networkx_makes():
    def nodes_by(add) -> nx.MultiDiGraph:
        g = nx.MultiDiGraph()
        for node, attr in [("a", {"type": "post"}), ("b", {}), ("a", {"label": "A"}), ("c", {"type": "x", "key": True})]:
            add(g, node, attr)
        g.add_edge("c", "a")
        return g
    fast = nodes_by(lambda g, n, attr: add_node(g, n, **attr))
    slow = nodes_by(lambda g, n, attr: g.add_node(n, **attr))
    assert shape(fast) == shape(slow)
    assert fast.nodes["a"] == {"type": "post", "label": "A"}


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


TITLES = ["Plain title", "Free energy and the RLCT", "CON", "con.txt", "Con game", "a -> b", "a <- b", "x => y",
          "Ends in a dot.", ".hidden", "-dash", "trailing ", "two  spaces", "tab\there", "e\u0301t\u00e9", "caf\u00e9",
          "What? Why: because", "x" * 80, "x" * 81, "\u00e9" * 80, "\U0001f600" * 51, "zero\u200bwidth", "",
          "a[b]c", "\u00a0nbsp", "ǅ title", "İstanbul", "ﬁne", "Ⅻ"]


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("max_len", [8, 76, 80])
def test_note_name_of_a_name_already_is_the_long_way_s(title, max_len):
    assert note_name(title, max_len) == _make_name(title, max_len)


@pytest.mark.parametrize("name", TITLES)
def test_name_key_is_nfc_casefold(name):
    assert name_key(name) == unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())
