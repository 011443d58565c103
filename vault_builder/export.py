"""Export: items.jsonl, graph.json and build-report.json (tools outside the project read these)."""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import marshal
import operator
import os
import tempfile
import zlib
from array import array
from json.encoder import c_make_encoder, encode_basestring
from pathlib import Path

import networkx as nx

from .buildcache import code_version
from .models import Item
from .writer import as_if_created


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
        as_if_created(tmp)
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
    the whole text is ever in memory."""
    with atomic_text(path) as fh:
        _indented(obj, 0, fh.write)
        fh.write("\n")


@no_cyclic_gc()
def write_items(path: Path, items: list[Item], cache: Path | None = None) -> None:
    """items.jsonl: a line of ``Item.to_json`` per item.  With `cache` (see ``Spliced``), the
    items go in batches (``_ends_batch`` of their ids), and a batch whose items are all as in the
    last build is copied from the last file."""
    if cache is None:
        with atomic_text(path) as fh:
            for item in items:
                fh.write(dumps(item.to_json()) + "\n")
        return
    with Spliced(path, cache) as out:
        start = 0
        for end in _batch_ends(map(_ITEM_ID, items)):
            _write_item_lines(out, items[start:end])
            start = end
        _write_item_lines(out, items[start:])


_ITEM_ID = operator.attrgetter("id")


_item_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Item)))
"""Every field of an Item, as a tuple: what its line is made from (and more)."""


def _write_item_lines(out: "Spliced", batch: list[Item]) -> None:
    if not batch:
        return
    digest = out.digest("items", [_item_values(item) for item in batch])
    if not out.copy(digest):
        out.write("".join([dumps(item.to_json()) + "\n" for item in batch]), digest)


@no_cyclic_gc()
def write_graph(path: Path, graph: nx.MultiDiGraph, cache: Path | None = None) -> None:
    """graph.json: ``nx.node_link_data(graph, edges="links")`` with nodes sorted by id and links
    by (source, target, type, key), as ``dumps_indented`` writes it, written as it is made: each
    node and link dict exists only while it is written (the whole node-link copy of a large graph
    took hundreds of MB).  With `cache` (see ``Spliced``), each node and each source's run of
    links whose data is as in the last build is copied from the last file."""
    with Spliced(path, cache) as out:
        out.write('{\n "directed": ' + dumps(graph.is_directed()) + ',\n "graph": ')
        digest = out.digest("graph", graph.graph)
        if not out.copy(digest):
            text: list[str] = []
            _indented(graph.graph, 1, text.append)
            out.write("".join(text), digest)
        out.write(',\n "links": ')
        _spliced_rows(out, "links", _link_batches(graph), 1)
        out.write(',\n "multigraph": ' + dumps(graph.is_multigraph()) + ',\n "nodes": ')
        attrs = graph._node
        nodes = sorted(attrs, key=None if all(type(node) is str for node in attrs) else str)
        _spliced_rows(out, "nodes", _batches([(node, attrs[node]) for node in nodes], _node_rows), 1)
        out.write("\n}\n")


def _link_batches(graph: nx.MultiDiGraph):
    """The links in graph.json's order (source, target, type, key; all as ``str``), in batches
    (see ``_batches``).  When every node id is a string, a source's links are a group (its
    targets sorted, then each pair's few edges): the same order, without a key tuple per edge;
    otherwise all links sorted, each a batch of its own that is not cached."""
    adjacency = graph._adj
    if not (graph.is_directed() and graph.is_multigraph()
            and all(type(node) is str for node in adjacency)):
        edges = sorted(graph.edges(keys=True, data=True),
                       key=lambda e: (str(e[0]), str(e[1]), str(e[3].get("type")), str(e[2])))
        for u, v, k, d in edges:
            yield None, lambda u=u, v=v, k=k, d=d: [{**d, "source": u, "target": v, "key": k}]
        return
    yield from _batches([(u, adjacency[u]) for u in sorted(adjacency) if adjacency[u]], _links_rows)


BATCH = 16
"""Average number of graph.json groups (a node, or a source's links) in one piece: a piece per
group was a digest, a lookup and a copy per node (36k at 400 posts), while a rebuild after a
one-file change makes only ~100 of them."""


def _batches(groups: list[tuple], rows_of):
    """The groups ((node id, what its rows are made from) pairs) in batches of ``BATCH`` on
    average: (the batch's groups, a function making their rows by ``rows_of(groups)``).  A batch
    ends where a group's node id hashes to 0 modulo ``BATCH`` (``_ends_batch``; stable across
    processes): a group added or removed changes its own batch only, not where the later
    batches begin.  No function per group: most batches are copied, never made."""
    start = 0
    for end in _batch_ends(map(_FIRST, groups)):
        part = groups[start:end]
        yield part, functools.partial(rows_of, part)
        start = end
    if start < len(groups):
        part = groups[start:]
        yield part, functools.partial(rows_of, part)


def _ends_batch(node) -> bool:
    text = node if type(node) is str else str(node)
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % BATCH == 0


def _batch_ends(nodes):
    """The positions (counted from 1) of the `nodes` that end a batch (``_ends_batch``), in one
    loop without a call per node."""
    crc32, batch = zlib.crc32, BATCH
    for end, node in enumerate(nodes, 1):
        if crc32((node if type(node) is str else str(node)).encode("utf-8", "surrogatepass")) % batch == 0:
            yield end


_FIRST = operator.itemgetter(0)


def _node_rows(nodes: list[tuple]) -> list[dict]:
    return [{**attrs, "id": n} for n, attrs in nodes]


def _links_rows(sources: list[tuple]) -> list[dict]:
    return [link for u, targets in sources for link in _links_of(u, targets)]


def _links_of(u: str, targets: dict) -> list[dict]:
    """The link dicts of source `u` (its adjacency `targets`: target -> key -> data), sorted."""
    links = []
    for v in sorted(targets) if len(targets) > 1 else targets:
        keyed = targets[v]
        pairs = (keyed.items() if len(keyed) == 1 else
                 sorted(keyed.items(), key=lambda kd: (str(kd[1].get("type")), str(kd[0]))))
        links += [{**d, "source": u, "target": v, "key": k} for k, d in pairs]
    return links


def _spliced_rows(out: "Spliced", tag: str, groups, level: int) -> None:
    """A list (at `level`) of dicts given in groups of (what they are made from or None, a
    function making them), each group's text one piece of `out`.  The rows of pieces to make are
    encoded together, ``_RUN`` at a time (one encoder call per flat dict was most of the time)."""
    pending: list[tuple[bytes | None, str, list]] = []  # (digest, separator, rows)
    size = 0
    first = True
    separator = ",\n" + " " * (level + 1)
    for source, make in groups:
        digest = out.digest(tag, first, source) if source is not None else None
        if digest is not None and digest in out:
            _write_rows(out, pending, level)
            pending, size = [], 0
            out.copy(digest)
            first = False
            continue
        rows = make()
        if not rows:
            continue
        pending.append((digest, ("[" if first else ",") + separator[1:], rows))
        first = False
        size += len(rows)
        if size >= _RUN:
            _write_rows(out, pending, level)
            pending, size = [], 0
    _write_rows(out, pending, level)
    out.write("[]" if first else "\n" + " " * level + "]")


def _write_rows(out: "Spliced", pending: list[tuple[bytes | None, str, list]], level: int) -> None:
    """Write the pieces in `pending` (see ``_spliced_rows``)."""
    if not pending:
        return
    texts = _row_texts([row for _, _, rows in pending for row in rows], level)
    joiner = ",\n" + " " * (level + 1)
    pieces: list[str] = []
    at = 0
    for _, separator, rows in pending:
        pieces.append(separator + joiner.join(texts[at:at + len(rows)]))
        at += len(rows)
    out.write_pieces(pieces, [digest for digest, _, _ in pending])


def _row_texts(rows: list, level: int) -> list[str]:
    """The indented text of each item of a list at `level` (runs of flat dicts by one encoder
    call each)."""
    texts: list[str] = []
    run: list[dict] = []
    for value in rows:
        if type(value) is dict and value and _flat(value.values()):
            run.append(value)
            continue
        if run:
            texts += _flat_bodies(run, level)
            run = []
        text: list[str] = []
        _indented(value, level + 1, text.append)
        texts.append("".join(text))
    if run:
        texts += _flat_bodies(run, level)
    return texts


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
# Spliced files: the unchanged pieces of a large output copied from its last version
# --------------------------------------------------------------------------------------------


class Spliced:
    """A text file written (atomically, UTF-8) as literal text and *pieces*, each named by a
    digest of everything its text is made from (``digest``).  The file's index (`cache`: where
    each piece lies in the file) lets the next build copy a piece whose digest is unchanged from
    the last file (``copy``) instead of making and encoding it again; runs of such pieces lie
    back to back there too, and are copied as one range by the kernel.

    The index is used only while the file is byte for byte as this class wrote it: it records
    the file's size and mtime (as buildcache does for every output), the code version, and its
    own checksum; anything else (no `cache`, a missing or damaged index, an edited file, other
    code) means every piece is made.  Without `cache`, no digest is computed at all."""

    FORMAT = "vault-builder spliced file 2"
    _BUFFER = 1 << 20

    def __init__(self, path: Path, cache: Path | None):
        self.path, self.cache = Path(path), cache
        self._old_fd: int | None = None
        self._old: dict[bytes, int] = {}  # digest -> its number in the last file's index
        self._old_spans = array("q")  # offset, length of each piece of the last file
        self._digests: list[bytes] = []
        self._spans = array("q")  # offset, length of each piece in self._digests
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._position = 0
        self._run: list[int] | None = None  # [start, end) in the old file, still to copy
        self.memo = None
        """A value (marshallable) the writer keeps beside the index: the last build's once
        entered (None without a sound index), this build's as set before the file is closed."""

    def __enter__(self) -> "Spliced":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.cache is not None:
            self._old, self._old_spans, self._old_fd, self.memo = _load_index(
                self.path, self.cache, self.FORMAT)
        fd, self._tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                         suffix=".tmp")
        as_if_created(self._tmp)
        self._out = open(fd, "wb", buffering=0)
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self._flush()
        finally:
            self._out.close()
            if self._old_fd is not None:
                os.close(self._old_fd)
        if kind is not None:
            Path(self._tmp).unlink(missing_ok=True)
            return
        try:
            os.replace(self._tmp, self.path)
        except BaseException:
            Path(self._tmp).unlink(missing_ok=True)
            raise
        if self.cache is not None:
            self._save_index()

    def digest(self, *parts) -> bytes | None:
        """A digest of what a piece is made from: SHA-1 of its marshal, format 2 (no references
        or interning flags: the bytes depend on the values only, and on their types and dict
        order, which can only cost a miss).  None without a cache, or when a value cannot be
        marshalled: that piece is always made."""
        if self.cache is None:
            return None
        try:
            return hashlib.sha1(marshal.dumps(parts, 2)).digest()
        except ValueError:
            return None

    def __contains__(self, digest: bytes | None) -> bool:
        return digest in self._old

    def copy(self, digest: bytes | None) -> bool:
        """Write the piece `digest` as the last file had it; False (nothing written) when it
        had none."""
        span = self._old.get(digest)  # type: ignore[arg-type]
        if span is None:
            return False
        start, length = self._old_spans[2 * span], self._old_spans[2 * span + 1]
        self._digests.append(digest)  # type: ignore[arg-type]
        self._spans.append(self._position)
        self._spans.append(length)
        self._position += length
        if self._run is not None and self._run[1] == start:
            self._run[1] += length
        else:
            self._copy_run()
            self._run = [start, start + length]
        return True

    def write(self, text: str, digest: bytes | None = None) -> None:
        """Write `text`; with a digest, as the piece of that name."""
        self.write_pieces([text], [digest])

    def write_pieces(self, texts: list[str], digests: list[bytes | None]) -> None:
        """Write the texts, each the piece of its digest (None: not a piece), encoded at once."""
        data = "".join(texts).encode("utf-8")
        if self.cache is not None:
            spans, position = self._spans, self._position
            for text, digest in zip(texts, digests):
                size = len(text) if text.isascii() else len(text.encode("utf-8"))
                if digest is not None:
                    self._digests.append(digest)
                    spans.append(position)
                    spans.append(size)
                position += size
        self._position += len(data)
        self._copy_run()
        self._buffer.append(data)
        self._buffered += len(data)
        if self._buffered >= self._BUFFER:
            self._flush_buffer()

    def _flush(self) -> None:
        self._copy_run()
        self._flush_buffer()

    def _flush_buffer(self) -> None:
        if self._buffer:
            self._out.write(b"".join(self._buffer))
            self._buffer, self._buffered = [], 0

    def _copy_run(self) -> None:
        if self._run is None:
            return
        self._flush_buffer()
        start, end = self._run
        self._run = None
        while start < end:
            try:
                copied = os.copy_file_range(self._old_fd, self._out.fileno(), end - start, start)
            except OSError:  # not on this file system: read and write
                copied = self._out.write(os.pread(self._old_fd, min(end - start, 1 << 24), start))
            if copied <= 0:
                raise OSError(f"{self.path} changed while it was read")
            start += copied

    def _save_index(self) -> None:
        """Record where this file's pieces lie (an index that cannot be written is no error:
        the next build makes every piece)."""
        tmp = self.cache.with_name(self.cache.name + ".tmp")
        try:
            stat = os.stat(self.path)
            blob = marshal.dumps((self.FORMAT, code_version(), stat.st_size, stat.st_mtime_ns,
                                  b"".join(self._digests), self._spans.tobytes(), self.memo))
            self.cache.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(hashlib.sha1(blob).digest() + blob)
            os.replace(tmp, self.cache)
        except (OSError, ValueError):
            tmp.unlink(missing_ok=True)


_DIGEST = 20  # bytes of a SHA-1


def _load_index(path: Path, cache: Path, form: str) -> tuple[dict, array, int | None, object]:
    """(digest -> its number, [offset, length] of each, a file descriptor of `path`, the memo)
    when `cache` is a sound index of `path` as it is now; else nothing."""
    nothing = {}, array("q"), None, None
    try:
        with open(cache, "rb") as fh:
            data = fh.read()
        blob = data[_DIGEST:]
        if hashlib.sha1(blob).digest() != data[:_DIGEST]:
            return nothing
        header, version, size, mtime_ns, digests, spans, memo = marshal.loads(blob)
        offsets = array("q")
        offsets.frombytes(spans)
        count = len(digests) // _DIGEST
        if (header, version) != (form, code_version()) or len(offsets) != 2 * count:
            return nothing
        fd = os.open(path, os.O_RDONLY)
    except (OSError, ValueError, TypeError, EOFError):
        return nothing
    try:
        stat = os.fstat(fd)
        if (stat.st_size, stat.st_mtime_ns) != (size, mtime_ns):
            os.close(fd)
            return nothing
    except OSError:
        os.close(fd)
        return nothing
    index = dict(zip([digests[i:i + _DIGEST] for i in range(0, len(digests), _DIGEST)], range(count)))
    return index, offsets, fd, memo


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
    """Whether every value is a plain scalar or an empty list or dict: what the C encoder writes
    as indented JSON would ("[]" and "{}" are not indented).  Exact types: the first check runs
    at C speed, and the second only for what holds a container (graph.json's claims hold an
    empty ``disputed_by``)."""
    return _SCALARS.issuperset(map(type, values)) or all(
        type(v) in _SCALARS or (type(v) in _EMPTIABLE and not v) for v in values)


_EMPTIABLE = frozenset({list, tuple, dict})


def _indented(obj, level: int, write) -> None:
    """Pass the chunks of obj's indented JSON text to write."""
    is_dict = isinstance(obj, dict)
    if not is_dict and not isinstance(obj, (list, tuple)):
        write("".join(_encoder(",", True)(obj, 0)))  # a scalar (or an unserializable object)
        return
    if not obj:
        write("{}" if is_dict else "[]")
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
