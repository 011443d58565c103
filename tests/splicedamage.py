"""Damage done to a splice index (export.Spliced: items.index, graph.index, state.index) or to
the file it describes, for the tests that a damaged index or an edited output means a clean write."""
from __future__ import annotations

import os
from pathlib import Path

INDEX_DAMAGE = ["flip", "truncate", "garbage", "empty"]


def damage(index: Path, output: Path, how: str, edit: tuple[bytes, bytes]) -> None:
    """Damage the index (INDEX_DAMAGE), or else edit the output as a user would: the first
    edit[0] becomes edit[1], the mtime moves on, and its pieces are not where the index says."""
    data = index.read_bytes()
    if how == "flip":
        index.write_bytes(data[:-9] + bytes([data[-9] ^ 1]) + data[-8:])
    elif how == "truncate":
        index.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        index.write_bytes(b"\x00" * 40 + data)
    elif how == "empty":
        index.write_bytes(b"")
    else:
        output.write_bytes(output.read_bytes().replace(*edit, 1))
        stat = os.stat(output)
        os.utime(output, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
