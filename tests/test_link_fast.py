"""The link stage's shortcuts past networkx and the name checks give what the long ways give."""
import unicodedata

import networkx as nx
import pytest

from vault_builder import link
from vault_builder.graph import PAIRED, UNINDEXED, EdgeIndex, make_edge_index
from vault_builder.link import add_edge, add_node
from vault_builder.paths import NameRegistry, _make_name, name_key, name_problem, note_name

from test_link_names import make_corpus


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
    "x" * 252, "x" * 253, "x" * 255, "é" * 60 + "x", "CON" + "x" * 60, "a:" + "x" * 60, "x" * 61 + ".",
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


def edge_index_the_long_way(g: nx.MultiDiGraph) -> EdgeIndex:
    """make_edge_index as it was written before its shortcuts (setdefault per edge, set() per list),
    with the UNINDEXED types left out."""
    index = EdgeIndex()
    for u, targets in g.adjacency():
        for v, parallel in targets.items():
            if len(parallel) > 1:
                kinds = [d.get("type") for d in parallel.values()]
                index.repeated.update(t for t in set(kinds) if kinds.count(t) > 1)
            for d in parallel.values():
                t = d.get("type")
                if t in UNINDEXED:
                    continue
                index.out.setdefault(u, {}).setdefault(t, []).append(v)
                index.into.setdefault(v, {}).setdefault(t, []).append(u)
                if t in PAIRED:
                    index.of_type.setdefault(t, []).append((u, v))
                if t == "replies_to":
                    index.replies_in.setdefault(v, []).append((u, d.get("stance")))
                if t in ("counterexample_to", "replies_to"):
                    index.answers.setdefault(u, []).append((v, t, d.get("stance")))
    for by_type in (*index.out.values(), *index.into.values()):
        for t, ends in by_type.items():
            by_type[t] = tuple(sorted(set(ends))) if len(ends) > 1 else tuple(ends)
    return index


def in_order(index: EdgeIndex):
    """The index with the order of every dict's keys (the renderer iterates some of them)."""
    return [(name, [(k, list(v.items()) if isinstance(v, dict) else v) for k, v in getattr(index, name).items()])
            for name in ("out", "into", "of_type", "replies_in", "answers")] + [sorted(index.repeated, key=str)]


def test_the_edge_index_is_the_long_way_s():
    g = nx.MultiDiGraph()
    edges = [("i1", "c", "about"), ("i1", "c", "about"), ("i2", "c", "about"), ("i2", "c", "mentions"),
             ("i3", "c", "mentions"), ("i1", "d", "about"), ("p", "c", "mentions"), ("p", "c", "mentions"),
             ("c", "d", "prerequisite"), ("d", "c", "prerequisite"), ("d", "c", "same_as"), ("i3", "i1", "counterexample_to"),
             ("i2", "i1", "replies_to"), ("i2", "i1", "replies_to"), ("i3", "i2", "replies_to"), ("z", "i1", None), ("z", "i1", None),
             ("i0", "c", "about"), ("i3", "i0", "duplicate_of"), ("i1", "p", "appears_in"), ("a", "i1", "authored"),
             ("a", "p", "authored"), ("i2", "p", "appears_in"), ("p", "c", "part_of")]
    for n, (u, v, t) in enumerate(edges):
        g.add_edge(u, v, **({"type": t} if t else {}), stance="disputes" if n % 2 else "responds")
    g.add_node("alone")
    fast, slow = make_edge_index(g), edge_index_the_long_way(g)
    assert fast.repeated == {"about", "mentions", "replies_to", None}
    assert in_order(fast) == in_order(slow)
    assert "a" not in fast.out and fast.targets("i1", "appears_in") == fast.sources("p", "appears_in") == ()
    assert fast.sources("c", "mentions") == ("i2", "i3", "p") and fast.targets("i1", "about") == ("c", "d")
    linked = link.link(*make_corpus(["Alpha", "Beta"]))
    assert in_order(make_edge_index(linked)) == in_order(edge_index_the_long_way(linked))


def test_edges_with_the_same_attributes_share_one_dict_per_graph():
    """put_edge keeps the dict it is given: the link stage gives the edges with the same
    attributes one dict (a dict per edge was ~90 MB at 2,000 posts); another graph has its own."""
    corpus, items, concepts = make_corpus(["Alpha", "Beta", "Gamma"])
    g = link.link(corpus, items, concepts)
    data = [d for _, _, d in g.edges(data=True)]
    kinds = {tuple(d.items()) for d in data}
    assert {"about", "authored", "part_of", "appears_in"} <= {d["type"] for d in data}
    assert any(d.get("block") for d in data) and any(d.get("count") for d in data)
    # one dict per set of attributes and add_* function making them (authored: add_posts and add_items)
    assert len({id(d) for d in data}) <= len(kinds) + 1 < len(data) / 3
    other = link.link(*make_corpus(["Alpha", "Beta", "Gamma"]))
    assert not {id(d) for d in data} & {id(d) for _, _, d in other.edges(data=True)}
    assert shape(other) == shape(g)
