"""Math recovery (vault_builder.mathtext): fixture cases in tests/fixtures/mathtext/ plus checks on
the whole seed files. Fixture files are markdown-it-py style: a title line, `.`, input, `.`,
expected output, `.`; lines starting with `#` between cases are comments."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from vault_builder import mathtext

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "mathtext"
SOURCES = ROOT / "content" / "sources"


def read_cases(name: str) -> list[tuple[str, str, str]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip() or lines[i].startswith("#"):
            i += 1
            continue
        title, parts, i = lines[i], [[], []], i + 1
        assert lines[i] == ".", f"{name}:{i + 1}: expected '.' after the title"
        for part in parts:
            i += 1
            while lines[i] != ".":
                part.append(lines[i])
                i += 1
        cases.append((title, "\n".join(parts[0]), "\n".join(parts[1])))
        i += 1
    return cases


def ids(cases):
    return [c[0] for c in cases]


def source(prefix: str) -> str:
    return next(SOURCES.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


COLLAPSE = read_cases("collapse.txt")
COLLAPSE_AUTO = read_cases("collapse_auto.txt")
TIDY = read_cases("tidy.txt")
JOIN = read_cases("join.txt")
FILL = read_cases("fill.txt")


@pytest.mark.parametrize("title,text,expected", COLLAPSE, ids=ids(COLLAPSE))
def test_collapse_paragraph(title, text, expected):
    assert mathtext.collapse_doubled_math(text, doubled=True) == expected
    assert mathtext.collapse_doubled_math(expected, doubled=True) == expected  # idempotent


@pytest.mark.parametrize("title,text,expected", COLLAPSE_AUTO, ids=ids(COLLAPSE_AUTO))
def test_collapse_detects_style(title, text, expected):
    assert mathtext.has_doubled_math(text) == (text != expected)
    assert mathtext.collapse_doubled_math(text) == expected


@pytest.mark.parametrize("title,text,expected", TIDY, ids=ids(TIDY))
def test_tidy_flat_math(title, text, expected):
    assert mathtext.tidy_flat_math(text) == expected
    assert mathtext.tidy_flat_math(expected) == expected


@pytest.mark.parametrize("title,text,expected", JOIN, ids=ids(JOIN))
def test_join_split_paragraphs(title, text, expected):
    assert "\n".join(mathtext.join_split_paragraphs(text.split("\n"))) == expected


@pytest.mark.parametrize("title,text,expected", FILL, ids=ids(FILL))
def test_fill_math_gaps(title, text, expected):
    blocks, flat = text.split("\n~~~ flat\n")
    blocks = blocks.split("\n")
    filled = mathtext.fill_math_gaps(blocks, flat)
    got = "\n".join(f"math: {t}" if kind == "math" else t for kind, t in filled)
    assert got == expected
    assert len([t for kind, t in filled if kind == "text"]) == len(blocks)


# --- whole seed files ---------------------------------------------------------------------------

FREE_ENERGY = r"$$F_n = n\beta S_n + \lambda \log n - (m-1) \log\log n + F^{R}(\xi) + o_p(1),$$"


def test_collapse_whole_004():
    text = source("004")
    assert mathtext.has_doubled_math(text)
    out = mathtext.collapse_doubled_math(text)
    for leftover in ("q(x)q(x)", "p(wDn)=", "ww,", " nn ", "450450", "φ(w)\\varphi"):
        assert leftover not in out
    assert FREE_ENERGY in out.split("\n")
    assert "where $d$ is the dimensionality" in out
    assert "$450$ petaFLOP/s at $30$ MW" in out
    assert "$2$-$3$ orders" in out
    assert "which which will be" in out  # a real doubled word stays
    assert "state-of-the-art NN (e.g." in out  # an acronym stays
    assert mathtext.collapse_doubled_math(out) == out


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_collapse_leaves_other_seeds_alone(prefix):
    text = source(prefix)
    assert not mathtext.has_doubled_math(text)
    assert mathtext.collapse_doubled_math(text) == text


def post_body_001() -> list[str]:
    text = source("001")
    body = text[:text.index("EDIT: For those reading")]
    return [b.strip() for b in body.split("\n\n") if b.strip()] + [text[len(body):].split("\n")[0]]


def test_fill_whole_001_from_000():
    blocks = post_body_001()
    filled = mathtext.fill_math_gaps(blocks, source("000"))
    texts = [t for kind, t in filled if kind == "text"]
    maths = [t for kind, t in filled if kind == "math"]
    assert len(texts) == len(blocks)
    joined = " ".join(texts)
    assert "1. A *parameter space*, Θ, corresponding" in joined
    assert ("3. A *parameter-function map*, m : Θ → F, which associates each parameter "
            "assignment θ ∈ Θ with a function f ∈ F.") in texts
    assert maths[0].startswith("f(x) = θ 1 x 4 + θ 2 θ 3 x 3") and maths[0].endswith("θ 15,")
    assert maths[1:6] == ["f(x) = 1", "f(x) = x", "f(x) = x 2", "f(x) = x 3", "f(x) = x 4"]
    given_by = [k for k, (kind, t) in enumerate(filled) if t.endswith("map is given by")][0]
    assert filled[given_by + 1][0] == "math"
    assert filled[given_by + 2][1].startswith("and whose loss")
    assert "loss is given by min(|x|, |y|). Here" in joined
    assert "two parameters x, y, and" in joined
    assert " , ," not in joined and ", ," not in joined.replace("*, ,", "")
    # nothing but math was added: removing the filled characters gives back the blocks' words
    assert sum(len(t) for t in texts) - sum(len(b) for b in blocks) < 600


def test_join_seed_threads():
    for prefix, glued, fixed in [("001", "someway", "there is some way of coming up"),
                                 ("001", "doessay", "I think SLT does say about"),
                                 ("001", "notin fact", "SLT does not in fact yet"),
                                 ("002", "computethat", "want to compute that value"),
                                 ("002", "moredominant", "become more dominant as"),
                                 ("002", "basinsgenerally", "to broad basins generally,"),
                                 ("002", "ispretty", "I think it is pretty obvious")]:
        text = source(prefix)
        paras = [p for p in text.split("\n") if p.strip()]
        out = "\n".join(mathtext.join_split_paragraphs(paras, context=text))
        assert fixed in out and glued not in out, (prefix, glued)


# --- properties --------------------------------------------------------------------------------

prose = st.text(alphabet=st.sampled_from(list("abcdefghij klmnop.,()12")), max_size=80)


@settings(max_examples=60, deadline=None)
@given(prose)
def test_prose_without_tex_is_never_touched(text):
    assert mathtext.collapse_doubled_math(text) == text
    assert mathtext.tidy_flat_math(text.replace("(", "").replace(")", "")) == text.replace(
        "(", "").replace(")", "")


@settings(max_examples=60, deadline=None)
@given(st.lists(prose, max_size=5))
def test_join_keeps_every_character_but_spaces(blocks):
    out = mathtext.join_split_paragraphs(blocks)
    assert "".join(out).replace(" ", "") == "".join(blocks).replace(" ", "")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abwnxqd(){}\\_^ |=,.0123φβ$")), max_size=60))
def test_collapse_is_idempotent_on_any_tex_like_text(text):
    once = mathtext.collapse_doubled_math(text, doubled=True)
    assert mathtext.collapse_doubled_math(once, doubled=True) == once


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab xθ(),.=*#-")), max_size=30), max_size=4),
       st.text(alphabet=st.sampled_from(list("ab xθ(),.=")), max_size=80))
def test_fill_keeps_every_block(blocks, flat):
    filled = mathtext.fill_math_gaps(blocks, flat)
    assert len([t for kind, t in filled if kind == "text"]) == len(blocks)
