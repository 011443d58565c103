"""Export: items.jsonl, graph.json and build-report.json (tools outside the project read these)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import networkx as nx

from .models import Item


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)


def write_items(path: Path, items: list[Item]) -> None:
    write_atomic(path, "".join(dumps(i.to_json()) + "\n" for i in items).encode("utf-8"))


def write_graph(path: Path, graph: nx.MultiDiGraph) -> None:
    data = nx.node_link_data(graph, edges="links")
    data["nodes"] = sorted(data["nodes"], key=lambda n: str(n["id"]))
    data["links"] = sorted(data["links"], key=lambda e: (str(e["source"]), str(e["target"]), str(e.get("type")), str(e.get("key"))))
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


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
