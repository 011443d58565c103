"""Named, ordered rule lists (after markdown-it-py's `Ruler`).

Every extraction decision is made by a rule with a stable name ("claim.thesis-verb",
"def.called", "tax.norm.deontic-modal", …).  A `Ruler` keeps its rules in order, can switch
any of them off by name (`extract(..., disabled_rules={...})`), and reports which fired, so
each item can say why it exists (`rules` in items.jsonl).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator


@dataclass(frozen=True)
class Rule:
    name: str
    fn: Callable[..., Any]
    doc: str = ""
    gate: frozenset | None = None
    """Keys one of which a sentence needs for the rule to fire (prefilter.needs); None: always run it."""

    def skip(self, keys: frozenset | None) -> bool:
        """True when a sentence with these keys (prefilter.sentence_keys) cannot make the rule fire."""
        return self.gate is not None and keys is not None and keys.isdisjoint(self.gate)


class Ruler:
    """An ordered list of named rules; `active(disabled)` yields the ones switched on."""

    def __init__(self, name: str, rules: Iterable[tuple]):
        self.name = name
        self.rules: list[Rule] = []
        self._active: dict[frozenset, tuple[Rule, ...]] = {}
        for entry in rules:
            rname, fn = entry[0], entry[1]
            doc = entry[2] if len(entry) > 2 else (fn.__doc__ or "").strip().split("\n")[0]
            if any(r.name == rname for r in self.rules):
                raise ValueError(f"duplicate rule name {rname!r} in {name}")
            self.rules.append(Rule(rname, fn, doc, getattr(fn, "gate", None)))

    def names(self) -> list[str]:
        return [r.name for r in self.rules]

    def active(self, disabled: Iterable[str] = ()) -> tuple[Rule, ...]:
        """The rules switched on, in order (worked out once per set of disabled names: the
        extraction asks for every sentence)."""
        off = disabled if isinstance(disabled, frozenset) else frozenset(disabled)
        got = self._active.get(off)
        if got is None:
            got = self._active[off] = tuple(r for r in self.rules if r.name not in off)
        return got

    def get(self, name: str) -> Rule:
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)
