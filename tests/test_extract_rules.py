"""Per-rule fixture tests: for every named rule, sentences that must fire and must not fire."""
from __future__ import annotations

import pytest

from extract_helpers import post, read_fixtures, rule_of
from vault_builder.extract import claims as C
from vault_builder.extract import definitions as D
from vault_builder.extract import examples as E
from vault_builder.extract import taxonomy as T
from vault_builder.extract.context import block_sents
from vault_builder.extract.glossary import ConceptIndex, load_glossary
from pathlib import Path

GLOSSARY, _ = load_glossary(Path(__file__).parent.parent / "content" / "concepts.yaml")
INDEX = ConceptIndex(GLOSSARY)


def sents_of(text: str, in_comment: bool):
    if in_comment:
        p = post(["An unrelated post paragraph."], comments=[[text]])
        com = p.thread.comments[0]
        return block_sents(com.blocks, p, INDEX, in_comments=True, comment=com)
    p = post([text])
    return block_sents(p.blocks, p, INDEX, in_comments=False)


def cases(name):
    return [pytest.param(*c, id=f"{name}:{c[3]}:{c[0]}") for c in read_fixtures(name)]


def _rule(ruler, name):
    return ruler.get(name).fn


@pytest.mark.parametrize("title,text,expected,line", cases("claims.txt"))
def test_claim_rules(title, text, expected, line):
    name = rule_of(title)
    ss = sents_of(text, "[comment]" in title)
    s = ss[0] if "[first]" in title else ss[-1]
    ruler = C.CLAIM_VETOES if name.startswith("claim.veto.") else C.CLAIM_CUES
    got = _rule(ruler, name)(s)
    assert ("fires" if got else "no") == expected, f"{title}: {s.text!r} -> {got!r}"


@pytest.mark.parametrize("title,text,expected,line", cases("definitions.txt"))
def test_definition_rules(title, text, expected, line):
    s = sents_of(text, False)[-1]
    got = _rule(D.DEFINITION_RULES, rule_of(title))(s)
    assert (got or "no") == expected, f"{title}: {s.text!r} -> {got!r}"


@pytest.mark.parametrize("title,text,expected,line", cases("examples.txt"))
def test_example_rules(title, text, expected, line):
    name = rule_of(title)
    ss = sents_of(text, "[comment]" in title)
    if name.startswith("ce."):
        got = _rule(E.COUNTER_RULES, name)(ss, [])
    else:
        got = _rule(E.EXAMPLE_RULES, name)(ss[-1])
    assert ("fires" if got else "no") == expected, f"{title}: {text!r} -> {got!r}"


@pytest.mark.parametrize("title,text,expected,line", cases("taxonomy.txt"))
def test_taxonomy_rules(title, text, expected, line):
    name = rule_of(title)
    s = sents_of(text, False)[-1]
    ruler = {"norm": T.NORMATIVE_RULES, "scope": T.SCOPE_RULES, "certainty": T.CERTAINTY_RULES}[name.split(".")[1]]
    got = _rule(ruler, name)(s)
    label = got.partition(":")[0] if got else "no"
    assert label == expected, f"{title}: {s.text!r} -> {got!r}"


def test_every_rule_has_positive_and_negative_fixtures():
    fixtures = {}
    for f in ("claims.txt", "definitions.txt", "examples.txt", "taxonomy.txt"):
        for title, _, expected, _ in read_fixtures(f):
            fixtures.setdefault(rule_of(title), set()).add("no" if expected == "no" else "yes")
    python_tested = {"claim.reply-answer", "ce.reply-to-quote"}  # needs thread structure: see test_extract.py
    rulers = [C.CLAIM_VETOES, C.CLAIM_CUES, D.DEFINITION_RULES, E.EXAMPLE_RULES, E.COUNTER_RULES,
              T.NORMATIVE_RULES, T.SCOPE_RULES, T.CERTAINTY_RULES]
    missing = [r.name for ruler in rulers for r in ruler
               if r.name not in python_tested and fixtures.get(r.name) != {"yes", "no"}]
    assert not missing, f"rules without a must-fire and a must-not-fire fixture: {missing}"


# ---------------------------------------------------------------- key rules (they take the claim score too)

KEY_CASES = [
    ("key.section-opening", "Flat minima do not explain generalisation.", 3.0, True),
    ("key.section-opening", "Flat minima do not explain generalisation.", 1.0, False),
    ("key.thesis-marker", "In summary, flat minima do not explain generalisation.", 2.0, True),
    ("key.thesis-marker", "Flat minima do not explain generalisation.", 2.0, False),
    ("key.strong-score", "Flat minima do not explain generalisation.", 6.0, True),
    ("key.strong-score", "Flat minima do not explain generalisation.", 4.0, False),
]


@pytest.mark.parametrize("name,text,score,fires", KEY_CASES)
def test_key_rules(name, text, score, fires):
    s = sents_of(text, False)[0]
    assert bool(C.KEY_RULES.get(name).fn(s, score)) == fires
