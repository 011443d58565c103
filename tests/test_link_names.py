"""Note names and links, table-driven: hostile titles, duplicates, short claim titles."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
import yaml

from vault_builder import link, render
from vault_builder.models import Block, Comment, Concept, Corpus, Item, Post, Thread
from vault_builder.paths import FORBIDDEN, name_key, name_problem, safe_join

HOSTILE = [
    "../x",
    "a/b: c?",
    "*\"\\/<>:|?#^[]",
    "Über λ-Kalkül — 学习理论",
    "CON",
    ".hidden",
    "   ",
    "[[Home]]",
    "#tag ^block",
    "x" * 300,
]


def make_corpus(titles: list[str], thread: bool = True) -> tuple[Corpus, list[Item], list[Concept]]:
    posts, items = [], []
    for n, title in enumerate(titles):
        blocks = [Block("p1", "paragraph", "The RLCT measures complexity.", file=f"f{n}.md"),
                  Block("p2", "paragraph", "Singular models generalise because the RLCT is small.", file=f"f{n}.md")]
        th = None
        if thread:
            th = Thread([Comment("c1", [Block("c1-p1", "paragraph", "I don't think the RLCT is small.", file=f"f{n}.md")],
                                 author="Commenter"),
                         Comment("c2", [Block("c2-p1", "quote", "I don't think the RLCT is small.", file=f"f{n}.md", quotes="c1-p1"),
                                        Block("c2-p2", "paragraph", "It is small for this model.", file=f"f{n}.md")],
                                 parent="c1")], participants=["Commenter"], files=[f"f{n}.md"])
        posts.append(Post(title, blocks, [f"f{n}.md"], author=f"Writer {n}", thread=th))
        items += [
            Item(f"def-{n}", "definition", blocks[0].text, title, False, f"Writer {n}", f"f{n}.md", "p1",
                 term="RLCT", concepts=["RLCT", "Complexity"]),
            Item(f"cla-{n}", "claim", blocks[1].text, title, False, f"Writer {n}", f"f{n}.md", "p2",
                 concepts=["RLCT"], key=True,
                 taxonomy={"normative_or_descriptive": "descriptive", "universal_or_situational": "universal",
                           "deterministic_or_stochastic": "deterministic"}),
            Item(f"rep-{n}", "claim", "I don't think the RLCT is small.", title, True, "Commenter", f"f{n}.md", "c1-p1",
                 concepts=["RLCT"], comment="c1",
                 taxonomy={"normative_or_descriptive": "descriptive", "universal_or_situational": "universal",
                           "deterministic_or_stochastic": "deterministic"}),
            Item(f"cex-{n}", "counterexample", "It is small for this model.", title, True, None, f"f{n}.md", "c2-p2",
                 concepts=["RLCT"], against=f"cla-{n}", comment="c2"),
        ]
    concepts = [Concept("RLCT", ["learning coefficient"], ["λ"]), Concept("Complexity")]
    return Corpus(posts), items, concepts


def build(titles, **kw):
    corpus, items, concepts = make_corpus(titles, **kw)
    g = link.link(corpus, items, concepts)
    return corpus, items, g, render.render_vault(corpus, items, concepts, g)


def stems_of(files) -> dict[str, str]:
    out = {}
    for rel in files:
        if rel.endswith((".md", ".canvas")) and not rel.startswith(".obsidian/"):
            name = PurePosixPath(rel).name
            out[name[:-3] if name.endswith(".md") else name] = rel
    return out


def assert_links_resolve(files):
    names = {name_key(s) for s in stems_of(files)}
    for rel, text in files.items():
        if not rel.endswith(".md"):
            continue
        for target in re.findall(r"(?<!\\)\[\[([^\]|#]*)", text):
            if target:
                assert name_key(target) in names, f"{rel}: [[{target}]] resolves to no note"


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_post_title_gives_safe_unique_names(title, tmp_path):
    corpus, items, g, files = build([title])
    stems = stems_of(files)
    assert len({name_key(s) for s in stems}) == len(stems)
    for rel in files:
        for part in PurePosixPath(rel).parts:
            assert name_problem(part) is None, rel
        assert safe_join(tmp_path, rel).is_relative_to(tmp_path.resolve())
    post_note = g.nodes[g.graph["posts"][0]]["note"]
    assert not set(PurePosixPath(post_note).stem) & set(FORBIDDEN)
    assert_links_resolve(files)
    meta = yaml.safe_load(files[post_note].split("---\n", 2)[1])
    assert meta["title"] == title  # the original title survives in `title`...
    if title.strip() and title != PurePosixPath(post_note).stem:
        assert title in meta["aliases"]  # ...and in aliases when the name had to change


def test_two_posts_with_the_same_title_get_two_notes():
    corpus, items, g, files = build(["Same title", "Same title"])
    notes = [g.nodes[p]["note"] for p in g.graph["posts"]]
    assert notes == ["Posts/Same title.md", "Posts/Same title (2).md"]
    # each item is attached to the post whose block it came from
    assert g.nodes["item:cla-1"]["post"] == g.graph["posts"][1]
    assert_links_resolve(files)


def test_names_unique_across_folders_case_insensitively():
    corpus, items, g, files = build(["rlct", "Home"])
    stems = [name_key(s) for s in stems_of(files)]
    assert len(set(stems)) == len(stems)
    assert "Home.md" in files and "Posts/Home (2).md" in files or "Posts/Home.md" not in files


def test_item_note_is_set_by_link_and_links_to_exact_block():
    corpus, items, g, files = build(["A post"])
    for item in items:
        assert item.note and item.note in files
    claim = files[items[1].note]
    assert "> [!quote] [[A post#^p2|A post, ¶2]]" in claim
    cex = files[items[3].note]
    assert "[[A post — comments#^c2-p2|A post, comment 2]]" in cex


SHORT_TITLES = [
    ("claim", "However, I think that the RLCT, not the parameter count, decides how well a singular model generalises.",
     "The RLCT decides how well a singular model generalises"),
    ("claim", "Moreover, adding more parameters to the neural network will typically make generalisation *better*, "
              "whereas adding more parameters to the polynomial is likely to make generalisation *worse*.",
     "Adding more parameters to the neural network"),
    ("claim", "If a point or region has a lower RLCT, then we would expect the posterior to concentrate more mass "
              "around it than it would around regions with a higher RLCT.",
     "We would expect the posterior to concentrate more mass around it"),
    ("claim", "SLT is true.", "SLT is true"),
    ("example", "For example, the model $f(x) = abx$ has two parameters.", "The model f(x) = abx has two parameters"),
    ("claim", "$x$ $y$.", "Claim in P"),
]


@pytest.mark.parametrize("kind,text,expected", SHORT_TITLES)
def test_short_title(kind, text, expected):
    item = Item("i", kind, text, "P", False, None, "f", "p1")
    assert link.short_title(item) == expected


def test_definition_title_names_the_concept_and_post():
    item = Item("d", "definition", "…", "Neural networks generalize because of this one weird trick", False, None, "f",
                "p1", term="real log canonical threshold (RLCT")
    title = link.short_title(item, link.concept_index([Concept("RLCT", ["real log canonical threshold"])]))
    assert title == "RLCT — Neural networks generalize because of this one weird trick"
