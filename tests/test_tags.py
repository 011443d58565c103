"""Tags shared by the vault and the deck (vault_builder.tags)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder.models import Item
from vault_builder.tags import anki_tag, ascii_fold, item_tags, slug

OBSIDIAN_TAG = re.compile(r"^[a-z0-9_/-]+$")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RLCT", "rlct"),
        ("Free energy", "free-energy"),
        ("Real log canonical threshold (RLCT)", "real-log-canonical-threshold-rlct"),
        ("  --Singular   learning theory--  ", "singular-learning-theory"),
        ("Watanabe's WBIC", "watanabe-s-wbic"),
        ("Étale cohomology", "etale-cohomology"),
        ("λ", "lambda"),
        ("Learning coefficient λ", "learning-coefficient-lambda"),
        ("β-tempered posterior", "beta-tempered-posterior"),
        ("Straße", "strasse"),
        ("2024", "n-2024"),
        ("1 2", "n-1-2"),
        ("10x", "10x"),
        ("", ""),
        ("   ", ""),
        ("!!!", ""),
        ("a/b:c", "a-b-c"),
        ("Posts/My Criticism of Singular Learning Theory", "posts-my-criticism-of-singular-learning-theory"),
    ],
)
def test_slug_table(text, expected):
    assert slug(text) == expected


def test_slug_of_unfoldable_letters_is_stable_and_distinct():
    a, b = slug("学习理论"), slug("奇异")
    assert a.startswith("u-") and b.startswith("u-") and a != b
    assert slug("学习理论") == a


def test_ascii_fold_keeps_case_of_greek():
    assert ascii_fold("Λ and λ") == "Lambda and lambda"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_slug_properties(text):
    s = slug(text)
    if s:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s)
        assert not s.replace("-", "").isdigit()  # at least one non-digit
    assert slug(s) == s  # idempotent


def _item(**kw) -> Item:
    base = dict(id="x1", type="claim", text="t", post="My Criticism of SLT", in_comments=False,
                author=None, source_file="f.txt", block="p1")
    base.update(kw)
    return Item(**base)


def test_item_tags_claim_full():
    item = _item(
        concepts=["RLCT", "Free energy", "λ"],
        taxonomy={"normative_or_descriptive": "normative",
                  "universal_or_situational": "universal",
                  "deterministic_or_stochastic": "stochastic"},
        key=True, in_comments=True,
    )
    assert item_tags(item) == [
        "type/claim",
        "taxonomy/normative", "taxonomy/universal", "taxonomy/stochastic",
        "key-claim",
        "concept/rlct", "concept/free-energy", "concept/lambda",
        "post/my-criticism-of-slt",
        "in/comments",
    ]


def test_item_tags_definition_has_no_taxonomy_or_key():
    item = _item(type="definition", term="RLCT", concepts=["RLCT", "RLCT"], key=True,
                 taxonomy={"normative_or_descriptive": "normative"})
    assert item_tags(item) == ["type/definition", "concept/rlct", "post/my-criticism-of-slt"]


def test_item_tags_skip_missing_labels_and_empty_slugs():
    item = _item(taxonomy={"normative_or_descriptive": None, "universal_or_situational": ""},
                 concepts=["???"], post="2023")
    assert item_tags(item) == ["type/claim", "post/n-2023"]


@settings(max_examples=200, deadline=None)
@given(concepts=st.lists(st.text(max_size=20), max_size=5), post=st.text(max_size=40),
       label=st.text(max_size=12))
def test_item_tags_always_valid(concepts, post, label):
    item = _item(concepts=concepts, post=post,
                 taxonomy={"normative_or_descriptive": label})
    tags = item_tags(item)
    assert len(tags) == len(set(tags))
    for tag in tags:
        assert OBSIDIAN_TAG.match(tag), tag
        assert any(not ch.isdigit() and ch != "/" for ch in tag)
        for part in tag.split("/"):
            assert part and not part.isdigit()
        assert " " not in anki_tag(tag)


@pytest.mark.parametrize(
    "tag, expected",
    [
        ("type/claim", "type::claim"),
        ("concept/free-energy", "concept::free-energy"),
        ("key-claim", "key-claim"),
        ("#in/comments", "in::comments"),
        ("a b/c", "a-b::c"),
    ],
)
def test_anki_tag(tag, expected):
    assert anki_tag(tag) == expected
