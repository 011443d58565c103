"""export.py: the fast JSON writers give exactly the stdlib's text."""
from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder.export import dumps, dumps_indented, encode_indented

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
    try:
        expected = (stdlib_indented(obj) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        with pytest.raises(UnicodeEncodeError):
            encode_indented(obj)
    else:
        assert encode_indented(obj) == expected


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
