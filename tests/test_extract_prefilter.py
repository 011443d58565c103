"""The regex prefilter (extract/prefilter.py) never changes a result: a skipped text is one the regex
cannot match."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from vault_builder.extract import against, claims, definitions, examples, prefilter, taxonomy
from vault_builder.extract.prefilter import Rx, keys_of, required_keys, rx

ROOT = Path(__file__).parent.parent


def _patterns() -> list[tuple[str, Rx]]:
    import vault_builder.extract as X
    out = []
    for mod in (claims, definitions, examples, taxonomy, against, X):
        for name, value in vars(mod).items():
            if isinstance(value, Rx):
                out.append((f"{mod.__name__.rsplit('.', 1)[-1]}.{name}", value))
    return out


def _texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        texts += lines + [line.upper() for line in lines[::5]]
    rnd = random.Random(7)
    words = sorted({w for t in texts[:3000] for w in t.split()}) or ["word"]
    for _ in range(1500):
        texts.append(" ".join(rnd.choice(words) for _ in range(rnd.randint(1, 12))))
    # letters a case-insensitive regex equates with ASCII ones, and other non-ASCII text
    texts += ["I thin\u212a that", "the \u017fame claim", "I ARGUE THAT", "\u0130 think that", "naïve – “quoted” — θ"]
    return texts


PATTERNS = _patterns()
TEXTS = _texts()


def test_the_rules_use_prefiltered_patterns():
    assert len(PATTERNS) > 60


@pytest.mark.parametrize("name,pattern", PATTERNS, ids=[n for n, _ in PATTERNS])
def test_prefilter_agrees_with_the_regex(name, pattern):
    for text in TEXTS:
        got, want = pattern.search(text), pattern.regex.search(text)
        assert (got and got.span()) == (want and want.span()), f"{name} on {text!r}"


def test_required_keys():
    assert required_keys(re.compile(r"\b(i|we) (argue|claim) that\b", re.I)) == {"argue", "claim"}
    assert required_keys(re.compile(r"\bdominat\w+", re.I)) == {"domi<"}
    assert required_keys(re.compile(r"\w+ness\b", re.I)) == {">ness"}
    assert required_keys(re.compile(r"\d+\.\d+")) == {"0"}  # "0": any digit
    assert required_keys(re.compile(r"\s+\.\s+")) is None
    assert isinstance(rx(r"\s+"), re.Pattern)  # no keys: the plain compiled pattern
    assert {"domi<", "not"} <= keys_of("It is not Dominated by X")  # keys some pattern requires
    assert "x" not in keys_of("It is not Dominated by X")  # ... and no others
    assert keys_of("the \u212aelvin sign") is None  # a non-ASCII cased letter: never skipped


def test_uncased_non_ascii_characters_never_match_ascii_letters_case_insensitively():
    # The prefilter lower-cases texts whose non-ASCII characters are uncased; that is exact only if no
    # such character matches an ASCII letter under re.I.
    letters = re.compile("[a-z]", re.I)
    for code in range(128, 0x30000):
        ch = chr(code)
        if ch.lower() == ch == ch.upper():
            assert not letters.fullmatch(ch), hex(code)


def test_the_seen_cache_is_bounded():
    for n in range(20000):
        keys_of(f"text number {n}")
    assert len(prefilter._seen) <= 2049


def test_hand_written_shortcuts_agree_with_their_patterns():
    compare = re.compile(claims._COMPARE.pattern + "|" + claims._COMPARE_THE.pattern, re.I)
    texts = TEXTS + ["Ünïcode 2 \u212aarma", "see Fig. 3", "x ^ y", "IMPORT os;", "the more, the better", "the bigger, the slower"]
    for text in texts:
        assert claims._furniture_hint(text) == bool(claims._FURNITURE_HINT.search(text)), text
        both = bool(claims._COMPARE.search(text) or ("," in text and claims._COMPARE_THE.search(text)))
        assert both == bool(compare.search(text)), text


def test_a_rule_its_gate_skips_would_not_have_fired():
    from extract_helpers import post as make_post
    from vault_builder.extract.context import block_sents
    from vault_builder.extract.glossary import ConceptIndex, bundled_glossary_path, load_glossary
    from vault_builder.extract.prefilter import sentence_keys

    index = ConceptIndex(load_glossary(bundled_glossary_path())[0])
    paragraphs = [t for t in TEXTS if t.strip() and not t.lstrip().startswith("#")][:6000]
    rulers = [definitions.DEFINITION_RULES, claims.CLAIM_VETOES, claims.CLAIM_CUES, examples.EXAMPLE_RULES,
              taxonomy.NORMATIVE_RULES, taxonomy.SCOPE_RULES, taxonomy.CERTAINTY_RULES]
    gated = [r for ruler in rulers for r in ruler if r.gate is not None]
    assert len(gated) > 40
    for k in range(0, len(paragraphs), 50):
        for comment in (False, True):
            p = make_post(paragraphs[k:k + 50], comments=[paragraphs[k:k + 50]] if comment else None)
            blocks = p.thread.comments[0].blocks if comment else p.blocks
            for s in block_sents(blocks, p, index, in_comments=comment, comment=p.thread.comments[0] if comment else None):
                n = len(claims._URL.findall(s.text))  # veto_links's shortcut
                assert claims.veto_links(s) == (n >= 2 or (n == 1 and len(s.words) < 12)), s.text
                keys = sentence_keys(s)
                for rule in gated:
                    if rule.skip(keys):
                        assert not rule.fn(s), f"{rule.name} skipped but fires on {s.text!r}"


def test_furniture_and_citation_parts_find_what_the_whole_patterns_find():
    for text in TEXTS + ["3 Jan 2021", "[12] Smith", "Crossposted from X", "^ note", "123", "Reply", "Figure 2: x", "[...]"]:
        for whole, parts in ((claims._FURNITURE, claims._FURNITURE_PARTS), (claims._CITE, claims._CITE_PARTS)):
            assert claims._any_part(parts, text) == bool(whole.search(text)), text
