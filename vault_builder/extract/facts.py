"""What the rules say about each sentence on its own: the first pass of extract.

A sentence's definition, veto, claim cues (but the concept cues), example and counterexample rules
depend only on its post's text and the glossary, not on the rest of the corpus.  They are all worked
out in one pass, sentence by sentence (each sentence's words are looked up once for the prefilter);
the second pass (extract._unit) decides with them, once the corpus's own definitions are known.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import claims as C
from . import definitions as D
from . import examples as E
from .context import Sent


@dataclass
class Facts:
    term: str | None = None
    """The term a definition rule found, and the definition rules that fired."""
    d_rules: list[str] = field(default_factory=list)
    veto: str | None = None
    """The claim veto that fired."""
    cues: dict[str, float] = field(default_factory=dict)
    """claims.text_cues (empty when vetoed)."""
    ex_rules: list[str] = field(default_factory=list)
    """Example rules that fired; with them the length of the passage the sentence opens (its sentences
    are the next ones of the unit: examples.passage_from) and its counterexample rules."""
    ex_len: int = 0
    ce_rules: list[str] = field(default_factory=list)


def sentence_facts(s: Sent, disabled: frozenset) -> Facts:
    term, d_rules = D.definition_of(s, disabled)
    veto = C.vetoed(s, disabled)
    ex_rules = E.example_start(s, disabled)
    passage = E.passage_from(s) if ex_rules else []
    return Facts(term, d_rules, veto, {} if veto else C.text_cues(s, disabled), ex_rules, len(passage),
                 E.counter_rules(passage, disabled) if ex_rules else [])
