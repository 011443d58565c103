"""Stable item ids: survive rebuilds, whitespace/punctuation/math-rendering changes."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z]+")


@lru_cache(maxsize=4096)  # stable_id asks for the same post titles over and over
def slug(text: str) -> str:
    """Lower-case ASCII slug: letters and digits joined by '-'."""
    t = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "untitled"


def normalised_words(text: str) -> str:
    """Lower-case words only (letters), TeX commands removed: the part of a sentence an id hashes."""
    t = unicodedata.normalize("NFKC", text or "").lower()
    t = re.sub(r"\\[a-z]+", " ", t)
    return " ".join(_WORD.findall(t))


def stable_id(type: str, post_title: str, text: str) -> str:
    """`{type[:3]}-{slug(post)[:24]}-{sha1(normalised words)[:8]}`, e.g. `cla-my-criticism-of-singular-l-1a2b3c4d`."""
    digest = hashlib.sha1(normalised_words(text).encode("utf-8")).hexdigest()[:8]
    return f"{type[:3]}-{slug(post_title)[:24].strip('-')}-{digest}"


def unique_ids(ids: list[str]) -> list[str]:
    """Disambiguate repeated ids deterministically by order: x, x-2, x-3, …"""
    seen: dict[str, int] = {}
    out = []
    for i in ids:
        n = seen.get(i, 0) + 1
        seen[i] = n
        out.append(i if n == 1 else f"{i}-{n}")
    return out
