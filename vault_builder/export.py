"""Export: items.jsonl, graph.json and build-report.json (tools outside the project read these)."""
from __future__ import annotations

import contextlib
import functools
import gc
import json
import os
import tempfile
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path

import networkx as nx

from .models import Item


@contextlib.contextmanager
def no_cyclic_gc():
    """Pause the cyclic garbage collector (also a decorator).  The exports allocate many objects
    that live until they return (graph dicts, notes, rows) and make no cycles; the collections
    those allocations trigger would only walk the whole heap again (0.6 s of the export stage at
    400 posts)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    with atomic_text(path) as fh:
        fh.buffer.write(data)


@contextlib.contextmanager
def atomic_text(path: Path):
    """A UTF-8 text file to write `path` through, piece by piece (no newline translation); it
    replaces `path` only once the block completes, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="", buffering=1 << 16) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(obj) -> str:
    """json.dumps(obj, ensure_ascii=False), with one reused C encoder (json.dumps builds a new
    encoder per call when given options)."""
    return "".join(_encoder(", ", False)(obj, 0))


def dumps_indented(obj) -> str:
    """The text of ``json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)``, a few times
    faster: the stdlib writes indented JSON in pure Python; here the C encoder writes every
    container whose items are all scalars, with newline + indentation as its item separator, and
    only the containers above those are written item by item."""
    out: list[str] = []
    _indented(obj, 0, out.append)
    return "".join(out)


def write_indented(path: Path, obj) -> None:
    """Write ``dumps_indented(obj) + "\\n"`` to `path` (atomically) as it is made: no copy of
    the whole text is ever in memory.  `obj` may hold `Rows`."""
    with atomic_text(path) as fh:
        _indented(obj, 0, fh.write)
        fh.write("\n")


@no_cyclic_gc()
def write_items(path: Path, items: list[Item]) -> None:
    with atomic_text(path) as fh:
        for item in items:
            fh.write(dumps(item.to_json()) + "\n")


class Rows:
    """A list whose items are made as the indented writer goes through them, once: for a long
    list of dicts that should not all exist at once."""

    def __init__(self, make, length: int):
        self._make, self._length = make, length

    def __iter__(self):
        return iter(self._make())

    def __len__(self) -> int:
        return self._length


@no_cyclic_gc()
def write_graph(path: Path, graph: nx.MultiDiGraph) -> None:
    """graph.json: ``nx.node_link_data(graph, edges="links")`` with nodes sorted by id and links
    by (source, target, type, key), written as it is made: each node and link dict exists only
    while it is written (the whole node-link copy of a large graph took hundreds of MB)."""
    nodes = sorted(graph.nodes(data=True), key=lambda pair: str(pair[0]))
    edges = _sorted_edges(graph)
    data = {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": graph.graph,
        "nodes": Rows(lambda: ({**attrs, "id": n} for n, attrs in nodes), len(nodes)),
        "links": Rows(lambda: ({**d, "source": u, "target": v, "key": k} for u, v, k, d in edges),
                      len(edges)),
    }
    write_indented(path, data)


def _sorted_edges(graph: nx.MultiDiGraph) -> list[tuple]:
    """``graph.edges(keys=True, data=True)`` sorted (stably) by (source, target, type, key), all
    as ``str``.  When every node id is a string, by sorting sources, then each source's targets,
    then each pair's few edges: the same order, without a key tuple per edge."""
    adjacency = dict(graph.adjacency())
    if not (graph.is_directed() and graph.is_multigraph()
            and all(type(node) is str for node in adjacency)):
        return sorted(graph.edges(keys=True, data=True),
                      key=lambda e: (str(e[0]), str(e[1]), str(e[3].get("type")), str(e[2])))
    edges = []
    for u in sorted(adjacency):
        targets = adjacency[u]
        for v in sorted(targets) if len(targets) > 1 else targets:
            keyed = targets[v]
            pairs = (keyed.items() if len(keyed) == 1 else
                     sorted(keyed.items(), key=lambda kd: (str(kd[1].get("type")), str(kd[0]))))
            edges += [(u, v, k, d) for k, d in pairs]
    return edges


def write_report(path: Path, result, version: str) -> None:
    report = {
        "version": version,
        "counts": result.counts,
        "timings_s": result.timings,
        "problems": [
            {"level": p.level, "code": p.code, "message": p.message, "where": p.where}
            for p in result.problems
        ],
    }
    write_atomic(path, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Indented JSON (dumps_indented)
# --------------------------------------------------------------------------------------------


def _not_serializable(obj):
    raise TypeError(f"Object of type {obj.__class__.__name__} is not JSON serializable")


@functools.cache
def _encoder(item_separator: str, sort_keys: bool):
    """The stdlib's C encoder (ensure_ascii=False, key separator ": "); call it as (obj, 0) → chunks."""
    return c_make_encoder(None, _not_serializable, encode_basestring, None, ": ", item_separator,
                          sort_keys, False, True)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _flat(values) -> bool:
    """Whether every value is a plain scalar (exact types: the check runs at C speed)."""
    return _SCALARS.issuperset(map(type, values))


def _indented(obj, level: int, write) -> None:
    """Pass the chunks of obj's indented JSON text to write."""
    is_dict = isinstance(obj, dict)
    if not is_dict and not isinstance(obj, (list, tuple, Rows)):
        write("".join(_encoder(",", True)(obj, 0)))  # a scalar (or an unserializable object)
        return
    if not obj:
        write("{}" if is_dict else "[]")
        return
    if type(obj) is Rows:
        _rows(obj, level, write)
        return
    values = obj.values() if is_dict else obj
    if _flat(values):
        inner, outer = "\n" + " " * (level + 1), "\n" + " " * level
        text = "".join(_encoder("," + inner, True)(obj, 0))
        write(text[0] + inner + text[1:-1] + outer + text[-1])
    elif (all(type(v) is dict and v and _flat(v.values()) for v in values)
          and (not is_dict or all(type(k) is str for k in obj))):
        _of_flat_dicts(obj, level, write)
    else:
        _indented_items(obj, level, write)


def _indented_items(obj, level: int, write) -> None:
    """A container item by item (the general case)."""
    is_dict = isinstance(obj, dict)
    inner, outer = "\n" + " " * (level + 1), "\n" + " " * level
    write("{" if is_dict else "[")
    separator = inner
    for key, value in sorted(obj.items()) if is_dict else ((None, v) for v in obj):
        write(separator + encode_basestring(_key(key)) + ": " if is_dict else separator)
        if type(value) is str:  # the commonest value: no call
            write(encode_basestring(value))
        else:
            _indented(value, level + 1, write)
        separator = "," + inner
    write(outer + ("}" if is_dict else "]"))


def _rows(rows: Rows, level: int, write) -> None:
    """A lazy list in one pass (the checks of ``_indented`` would make its items twice): runs of
    flat dicts by ``_flat_dicts``, anything else by ``_indented``."""
    ind1 = " " * (level + 1)
    separator = "[\n" + ind1
    run: list[dict] = []
    for value in rows:
        if type(value) is dict and value and _flat(value.values()):
            run.append(value)
            if len(run) == _RUN:
                write(separator + _flat_dicts(run, level))
                separator, run = ",\n" + ind1, []
        else:
            if run:
                write(separator + _flat_dicts(run, level))
                separator, run = ",\n" + ind1, []
            write(separator)
            _indented(value, level + 1, write)
            separator = ",\n" + ind1
    if run:
        write(separator + _flat_dicts(run, level))
    write("\n" + " " * level + "]")


def _of_flat_dicts(obj, level: int, write) -> None:
    """A list or dict of flat dicts (graph.json's links, state.json's items and notes), a run
    of ``_RUN`` dicts at a time, written as it is made."""
    ind1 = " " * (level + 1)
    if isinstance(obj, dict):
        pairs = sorted(obj.items())
        separator = "{\n" + ind1
        for start in range(0, len(pairs), _RUN):
            run = pairs[start:start + _RUN]
            bodies = _flat_bodies([v for _, v in run], level)
            write(separator + (",\n" + ind1).join(
                [encode_basestring(k) + ": " + body for (k, _), body in zip(run, bodies)]))
            separator = ",\n" + ind1
        write("\n" + " " * level + "}")
    else:
        separator = "[\n" + ind1
        for start in range(0, len(obj), _RUN):
            write(separator + _flat_dicts(obj[start:start + _RUN], level))
            separator = ",\n" + ind1
        write("\n" + " " * level + "]")


_RUN = 512
"""Flat dicts encoded by one C-encoder call (one call per dict was most of graph.json's time)."""


def _flat_dicts(dicts: list[dict], level: int) -> str:
    """The indented texts of non-empty flat dicts that are items of a container at `level`,
    joined by that container's item separator."""
    return (",\n" + " " * (level + 1)).join(_flat_bodies(dicts, level))


def _flat_bodies(dicts: list[dict], level: int) -> list[str]:
    """The indented texts of non-empty flat dicts at `level` + 1, one string each. One C-encoder
    call encodes the list with the dicts' item separator ",\n" + indentation; between two dicts
    that gives "}" + separator + "{", which occurs nowhere else (inside a dict the separator is
    followed by a key's quote, and a raw newline or brace never appears in encoded strings or
    numbers around it)."""
    ind1, ind2 = " " * (level + 1), " " * (level + 2)
    separator = ",\n" + ind2
    text = "".join(_encoder(separator, True)(dicts, 0))  # "[{...}" + separator + "{...}]"
    head, tail = "{\n" + ind2, "\n" + ind1 + "}"
    return [head + body + tail for body in text[2:-2].split("}" + separator + "{")]


def _key(key) -> str:
    """A dict key as JSON text before quoting, as json does (sort first, convert after)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return "".join(_encoder(",", True)(key, 0))
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
