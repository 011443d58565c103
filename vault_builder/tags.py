"""Tags for items: one source of truth for the vault (Obsidian) and the deck (Anki).

Obsidian tags nest with ``/`` and Anki tags nest with ``::``; both forbid spaces, and Obsidian
needs at least one non-digit character in a tag.  The vault renderer writes ``item_tags(item)``
into each note's front matter; the deck writer writes ``[anki_tag(t) for t in item_tags(item)]``
on each card, so a tag search means the same thing in both apps.

Everything here is pure (no I/O, no state) and deterministic.

Tags produced, in this order (duplicates dropped):

===========================  ==================================================================
``type/<type>``              ``type/claim``, ``type/definition``, ``type/example``,
                             ``type/counterexample``
``taxonomy/<label>``         claims only, one per axis in the order normative_or_descriptive,
                             universal_or_situational, deterministic_or_stochastic
                             (``taxonomy/normative``, ``taxonomy/universal``,
                             ``taxonomy/stochastic``); empty or missing labels are skipped
``key-claim``                key claims (``item.key`` on a claim)
``concept/<slug>``           one per concept, in the item's order (``concept/rlct``)
``post/<slug>``              the post the item comes from (``post/my-criticism-of-...``)
``in/comments``              items from a comment thread
===========================  ==================================================================
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from vault_builder.models import Item

TAXONOMY_AXES = (
    "normative_or_descriptive",
    "universal_or_situational",
    "deterministic_or_stochastic",
)
"""Axes of the claim taxonomy, in the order their tags are written."""

# Letters NFKD cannot take apart into ASCII.  Greek is common in SLT concept names (λ, β, φ).
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
}
_OTHER = {
    "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ł": "l",
    "ı": "i", "ħ": "h", "ŋ": "ng",
}
_FOLD = {**_GREEK, **_OTHER}


def ascii_fold(text: str) -> str:
    """Fold ``text`` to ASCII: accents dropped (é → e), Greek letters spelled out (λ → lambda),
    a few ligatures expanded (ß → ss); anything else without an ASCII form is dropped."""
    out = []
    for ch in text:
        low = ch.lower()
        if low in _FOLD:
            rep = _FOLD[low]
            out.append(rep.capitalize() if ch != low else rep)
        else:
            out.append(ch)
    decomposed = unicodedata.normalize("NFKD", "".join(out))
    return decomposed.encode("ascii", "ignore").decode("ascii")


@lru_cache(maxsize=65536)
def slug(text: str) -> str:
    """A tag-safe slug: ASCII-folded, lower-case, runs of anything but ``a-z0-9`` become one
    ``-``, no leading or trailing ``-``.

    - an all-digit result gets the prefix ``n-`` (``"2024"`` → ``"n-2024"``), because Obsidian
      ignores tags without a non-digit;
    - text with letters but nothing foldable to ASCII (``"学习"``) gets ``u-`` plus 8 hex digits
      of its SHA-1, so it still has a stable, distinct tag;
    - blank text gives ``""`` (callers skip empty slugs).

    >>> slug("Real log canonical threshold (RLCT)")
    'real-log-canonical-threshold-rlct'
    >>> slug("λ"), slug("Étale"), slug("2024")
    ('lambda', 'etale', 'n-2024')
    """
    s = re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")
    if not s:
        stripped = text.strip()
        if not stripped or not any(ch.isalnum() for ch in stripped):
            return ""
        return "u-" + hashlib.sha1(stripped.encode("utf-8")).hexdigest()[:8]
    if s.replace("-", "").isdigit():
        s = "n-" + s
    return s


def item_tags(item: "Item") -> list[str]:
    """The Obsidian tags of ``item`` (nested with ``/``, no ``#``), in a fixed order.

    Every tag is lower-case, has no spaces and at least one non-digit; see the module docstring
    for the list.  Concepts or labels whose slug is empty are skipped.
    """
    tags: list[str] = []

    def add(tag: str) -> None:
        if tag and tag not in tags:
            tags.append(tag)

    type_slug = slug(item.type)
    if type_slug:
        add(f"type/{type_slug}")
    if item.type == "claim":
        taxonomy = item.taxonomy or {}
        for axis in TAXONOMY_AXES:
            label = taxonomy.get(axis)
            label_slug = slug(str(label)) if label else ""
            if label_slug:
                add(f"taxonomy/{label_slug}")
        if item.key:
            add("key-claim")
    for concept in item.concepts:
        concept_slug = slug(concept)
        if concept_slug:
            add(f"concept/{concept_slug}")
    post_slug = slug(item.post or "")
    if post_slug:
        add(f"post/{post_slug}")
    if item.in_comments:
        add("in/comments")
    return tags


def anki_tag(tag: str) -> str:
    """The Anki form of an Obsidian tag: ``/`` nesting becomes ``::`` (``concept/rlct`` →
    ``concept::rlct``).  Leading ``#`` is dropped; whitespace (never produced by
    ``item_tags``) becomes ``-`` because Anki splits tags on spaces."""
    tag = tag.lstrip("#")
    tag = re.sub(r"\s+", "-", tag.strip())
    return tag.replace("/", "::")
