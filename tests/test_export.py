"""export.py: the fast JSON writers give exactly the stdlib's text."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder.export import dumps, dumps_indented

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
            | st.text(alphabet=st.characters(), max_size=8)
            | st.sampled_from(["", "}", "},\n  {", "a\nb", "\"", "é—", "{}"]))
_keys = (st.text(max_size=5) | st.sampled_from(["id", "key", "source", "}", '"', "\\", '": {', "a\nb"]))
_json = st.recursive(
    _scalars,
    lambda children: (st.lists(children, max_size=4) | st.tuples(children, children)
                      | st.dictionaries(_keys, children, max_size=4)
                      | st.lists(st.dictionaries(_keys, _scalars, min_size=1, max_size=3), max_size=4)
                      | st.dictionaries(_keys, st.dictionaries(_keys, _scalars, min_size=1, max_size=3),
                                        max_size=4)),
    max_leaves=30)


def stdlib_indented(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)


@settings(max_examples=400, deadline=None)
@given(_json)
def test_dumps_indented_is_the_stdlib_text(obj):
    assert dumps_indented(obj) == stdlib_indented(obj)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_dumps_is_the_stdlib_text(obj):
    assert dumps(obj) == json.dumps(obj, ensure_ascii=False)


@pytest.mark.parametrize("obj", [
    {"links": [{"a": 1, "b": [], "c": {}}, {"a": {}}, {"z": "}"}], "nodes": [{}], "x": [[], [1, [2]]]},
    {10: "int keys", 2: {"x": [1]}}, {2.5: [1], -1.0: [2]}, {True: [{}], False: [1]}, {None: [[]]},
    {"nan": [math.nan, math.inf, -math.inf, -0.0, 1e300]},
    [{"a": 1}, {"b": 2}],
    [{"a": 1}, {}],
    {"k1": {"a": "}", "b": 1}, "k\"2": {"x": '": {'}, "": {"": None}}, {"a": {"b": 1}, "c": {}},
    "plain", 3, None, [], {},
])
def test_dumps_indented_edge_cases(obj):
    assert dumps_indented(obj) == stdlib_indented(obj)


@pytest.mark.parametrize("obj", [{"a": object()}, [{"a": {1, 2}}], {(1, 2): [1]}])
def test_dumps_indented_rejects_what_json_rejects(obj):
    with pytest.raises(TypeError):
        stdlib_indented(obj)
    with pytest.raises(TypeError):
        dumps_indented(obj)


def test_no_cyclic_gc_pauses_and_restores_the_collector():
    import gc

    from vault_builder.export import no_cyclic_gc

    assert gc.isenabled()
    with pytest.raises(ValueError):
        with no_cyclic_gc():
            assert not gc.isenabled()
            raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with no_cyclic_gc():
            pass
        assert not gc.isenabled()  # left as it was
    finally:
        gc.enable()


@settings(max_examples=200, deadline=None)
@given(_json)
def test_write_indented_streams_the_stdlib_text(tmp_path_factory, obj):
    from vault_builder.export import write_indented

    path = tmp_path_factory.mktemp("w") / "out.json"
    try:
        expected = (stdlib_indented(obj) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: nothing is left behind
        with pytest.raises(UnicodeEncodeError):
            write_indented(path, obj)
        assert list(path.parent.iterdir()) == []
        return
    write_indented(path, obj)
    assert path.read_bytes() == expected


def test_a_failed_write_keeps_the_old_file(tmp_path):
    from vault_builder.export import write_indented

    path = tmp_path / "graph.json"
    path.write_text("old")
    with pytest.raises(TypeError):
        write_indented(path, {"a": list(range(100000)), "b": [object()]})
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def _reference_graph_json(graph) -> bytes:
    """What write_graph wrote before it streamed: the whole node-link data, sorted, dumped."""
    import networkx as nx

    data = nx.node_link_data(graph, edges="links")
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["links"] = sorted(data["links"], key=lambda e: (str(e["source"]), str(e["target"]),
                                                         str(e.get("type")), str(e.get("key"))))
    return (stdlib_indented(data) + "\n").encode("utf-8")


@pytest.mark.parametrize("flat_links", [True, False])
def test_write_graph_is_the_sorted_node_link_data(tmp_path, flat_links):
    import networkx as nx

    from vault_builder.export import write_graph

    g = nx.MultiDiGraph(cycles_broken=[["a", "b"]], maps={"p": "Maps/é.canvas"})
    g.add_node("concept:Zeta", type="concept", aliases=["z", "ζ"], rank=2, discovered=True)
    g.add_node("item:1", type="claim", note="Claims/1.md", key=False)
    g.add_node(3, type="odd")  # a non-string id sorts by its text
    g.add_node("concept:Alpha", type="concept", aliases=[], related=[])
    g.add_edge("item:1", "concept:Zeta", type="mentions")
    g.add_edge("item:1", "concept:Zeta", type="about", block="^b1")
    g.add_edge("item:1", "concept:Zeta", type="about", block="^b2")  # same type: by key
    g.add_edge("concept:Alpha", "concept:Zeta", key="k", type="related", count=3)
    g.add_edge("concept:Alpha", "item:1", key="z", type="t")
    g.add_edge("concept:Alpha", "item:1", key="a", type="t")  # sorts before "z"
    g.add_edge(3, "item:1", type="mentions", stance="for")
    if not flat_links:
        g.add_edge("item:1", 3, type="cites", where=["a", 1])
    write_graph(tmp_path / "graph.json", g)
    assert (tmp_path / "graph.json").read_bytes() == _reference_graph_json(g)
    empty = nx.MultiDiGraph()
    write_graph(tmp_path / "empty.json", empty)
    assert (tmp_path / "empty.json").read_bytes() == _reference_graph_json(empty)


def test_write_items_writes_one_json_line_per_item(tmp_path):
    from vault_builder.export import write_items
    from vault_builder.models import Item

    items = [Item(id="c1", type="claim", text="Ein «Satz» — with\nnewline", post="P",
                  in_comments=False, author=None, source_file="p.md", block="b1"),
             Item(id="d1", type="definition", text="x", post="Q", in_comments=True,
                  author="A", source_file="q.md", block="b2", term="x")]
    write_items(tmp_path / "items.jsonl", items)
    assert (tmp_path / "items.jsonl").read_bytes() == b"".join(
        (json.dumps(i.to_json(), ensure_ascii=False) + "\n").encode("utf-8") for i in items)


def test_write_graph_with_string_ids_sorts_like_the_node_link_data(tmp_path):
    """All ids strings: write_graph sorts by source, then target, then each pair's edges; the
    order must be the one of sorting every edge by (source, target, type, key)."""
    import networkx as nx

    from vault_builder.export import write_graph

    g = nx.MultiDiGraph()
    for n in ["b", "a", "c", "a:x", "é", "B"]:
        g.add_node(n, type="t")
    edges = [("b", "a", 0, "z"), ("b", "a", 1, "y"), ("b", "a", 2, None), ("b", "a", 10, "y"),
             ("a", "é", 0, "m"), ("a", "B", 0, "m"), ("a", "a:x", "k", "m"), ("a", "a:x", 3, "m"),
             ("c", "b", 0, "q"), ("B", "c", 0, "q"), ("b", "c", 0, "q")]
    for u, v, k, t in edges:
        g.add_edge(u, v, key=k, **({"type": t} if t is not None else {}))
    write_graph(tmp_path / "graph.json", g)
    assert (tmp_path / "graph.json").read_bytes() == _reference_graph_json(g)


_TRICKY = ["}", "},\n   {", "{", '": {"', "a\nb", "é", "\\", '"', "", "x}", "{y"]


def test_long_runs_of_flat_dicts_are_the_stdlib_text(tmp_path):
    """More flat dicts than one encoder run, with values that look like the run's seams."""
    from vault_builder.export import _RUN, _row_texts

    flat = [{"k": _TRICKY[i % len(_TRICKY)], "n": i, "z": None, "é": 1.5} for i in range(2 * _RUN + 7)]
    mixed = flat[:_RUN - 1] + [{"deep": [1, {"a": "}"}]}, 3, {}] + flat[_RUN:]
    keyed = {f"k{i:05d}{_TRICKY[i % len(_TRICKY)]}": d for i, d in enumerate(flat)}
    for obj in (flat, keyed, {"links": flat, "x": keyed}):
        assert dumps_indented(obj) == stdlib_indented(obj)
    for rows in (flat, mixed):  # graph.json's rows: each row's text, as in the list's
        assert "[\n  " + ",\n  ".join(_row_texts(rows, 1)) + "\n ]" == stdlib_indented([rows])[3:-2]
