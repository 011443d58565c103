"""Rendering details: front matter, escaping, the snippets hook, notes per type."""
from __future__ import annotations

import yaml

from vault_builder import link, render
from vault_builder.models import Block
from vault_builder.render.markdown import block_markdown, escape_text, front_matter

from test_link_names import make_corpus


def test_front_matter_is_flat_typed_and_quotes_links():
    fm = front_matter({"id": "x", "title": "A: b # c", "aliases": [], "tags": ["type/claim"], "date": "2024-01-02",
                       "concepts": ["[[RLCT]]", "[[Occam's razor]]"], "key": True, "n": 3, "author": None})
    data = yaml.safe_load(fm.split("---\n")[1])
    assert data["title"] == "A: b # c" and data["aliases"] == [] and data["key"] is True and data["n"] == 3
    assert data["concepts"] == ["[[RLCT]]", "[[Occam's razor]]"]
    assert '  - "[[RLCT]]"' in fm and "author" not in data
    assert str(data["date"]) == "2024-01-02"


def test_escape_keeps_math_and_defuses_obsidian_syntax():
    assert escape_text("see [[x]] and #tag and 50%% ^abc") == "see \\[\\[x\\]\\] and \\#tag and 50\\%\\% \\^abc"
    assert escape_text("$a_{[[b]]}$ #1") == "$a_{[[b]]}$ #1"
    assert escape_text("# not a heading") == "\\# not a heading"


def test_blocks_get_their_ids():
    assert block_markdown(Block("p3", "paragraph", "Text.")) == "Text. ^p3"
    assert block_markdown(Block("p4", "math", "$$x^2$$")) == "$$\nx^2\n$$\n^p4"
    assert block_markdown(Block("p5", "list_item", "item", level=1)) == "    - item ^p5"


def test_snippet_hook_adds_markdown_under_the_concept():
    corpus, items, concepts = make_corpus(["P"])
    g = link.link(corpus, items, concepts)
    files = render.render_vault(corpus, items, concepts, g,
                                extras=lambda name: "```python\nprint(1)\n```" if name == "RLCT" else "")
    assert "## Compute it\n\n```python\nprint(1)\n```" in files["Concepts/RLCT.md"]
    assert "## Compute it" not in files["Concepts/Complexity.md"]


def test_every_note_type_renders_with_user_section():
    corpus, items, concepts = make_corpus(["P"])
    g = link.link(corpus, items, concepts)
    files = render.render_vault(corpus, items, concepts, g)
    folders = {rel.split("/")[0] for rel in files if rel.endswith(".md")}
    assert {"Posts", "Threads", "Claims", "Definitions", "Counterexamples", "Concepts", "People", "Maps", "Home.md"} <= folders
    for rel, text in files.items():
        if rel.endswith(".md"):
            assert text.count(render.USER_MARKER) == 1 and text.rstrip().endswith(render.USER_MARKER), rel
            meta = yaml.safe_load(text.split("---\n", 2)[1])
            assert meta["type"] and meta["tags"], rel
    claim = files[items[1].note]
    assert "## Disputed by" in claim and "| Normative or descriptive | descriptive |" in claim
    concept = files["Concepts/RLCT.md"]
    assert "## Definitions in the sources" in concept and "**Builds on:** [[Complexity]]" in concept


def test_item_of_an_unknown_post_still_renders():
    from vault_builder.models import Item

    corpus, items, concepts = make_corpus(["P"])
    items.append(Item("lost", "claim", "A claim whose post is gone.", "No such post", False, None, "x.md", "p9"))
    g = link.link(corpus, items, concepts)
    files = render.render_vault(corpus, items, concepts, g)
    assert "A claim whose post is gone." in files[items[-1].note]


# --- fast paths that must give the same text as the plain way ---------------------------------

import json  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from vault_builder.render import maps, markdown  # noqa: E402


def _plain_way(text: str) -> str:
    """yaml_scalar as it was: parse the candidate as YAML and compare."""
    if markdown._DATE.fullmatch(text):
        return text
    if markdown._PLAIN.fullmatch(text) and not text.endswith((" ", ".")) and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


@pytest.mark.parametrize("text", ["yes", "No", "ON", "off", "null", "Null", "true", "False", "1_000", "0x1F", "0o17",
                                  "1.5", "1e5", "1.0e+5", "12", "-3", "2024-1-2", "2024-01-02", "2024-01-02 10", "1:30",
                                  "Occam's razor", "RLCT", "a, b", "a - b", "a  b", "x.", "x ", "É", "Θ", "λ (2)",
                                  "[[RLCT]]", "a # b", "a: b", "0", "00", "1_", "_1", "y", "n", "~", "="])
def test_yaml_scalar_is_plain_exactly_where_yaml_reads_it_back(text):
    assert markdown.yaml_scalar(text) == _plain_way(text)
    assert yaml.safe_load(f"k: {markdown.yaml_scalar(text)}")["k"] is not None


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9À-ɏͰ-Ͽ][\w .,()&+’'/-]{0,12}", fullmatch=True))
def test_yaml_scalar_agrees_with_yaml_on_plain_candidates(text):
    assert markdown.yaml_scalar(text) == _plain_way(text)


_JSON_VALUES = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(),
                         st.floats(allow_nan=False, allow_infinity=False), st.lists(st.integers(), max_size=3))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=5), _JSON_VALUES, max_size=4), max_size=3),
       st.lists(st.dictionaries(st.text(max_size=5), _JSON_VALUES, max_size=4), max_size=3))
def test_canvas_dump_is_json_dumps(nodes, edges):
    assert maps.dump(nodes, edges) == json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False, indent="\t") + "\n"


def test_stem_is_purepath_stem():
    from pathlib import PurePosixPath

    for path in ["Claims/X.md", "X.md", "Maps/Canvas/A b.canvas", "a.b.md", ".md", "x.", "Folder/.hidden", "N", "a/b/"]:
        assert markdown.stem(path) == PurePosixPath(path).stem, path


def _recursive_depths(members, targets):
    """debate_map's column depths as first written, recursively."""
    depth = {}

    def depth_of(n, seen=frozenset()):
        if n not in depth:
            nexts = [t for t in targets.get(n, []) if t not in seen]
            depth[n] = 1 + max(depth_of(t, seen | {n}) for t in nexts) if nexts else 0
        return depth[n]

    return {n: depth_of(n) for n in members}


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=14), st.permutations(range(7)))
def test_reply_depths_are_the_recursive_ones(arcs, order):
    targets = {}
    for u, v in arcs:
        targets.setdefault(str(u), []).append(str(v))
    members = [str(n) for n in order]
    assert {n: d for n, d in maps.reply_depths(members, targets).items() if n in members} == _recursive_depths(members, targets)


def test_a_long_reply_chain_does_not_recurse():
    n = 5000
    depths = maps.reply_depths([str(i) for i in range(n)], {str(i): [str(i - 1)] for i in range(1, n)})
    assert depths[str(n - 1)] == n - 1


def test_note_key_depends_on_the_values_not_on_which_are_the_same_object():
    env = render.environment()
    template = env.get_template("claim.md.j2")
    row = {"link": "[[A]]", "author": None}
    shared = {"claims": [row, row], "key": True}
    copies = {"claims": [dict(row), {"link": "[[" + "A]]", "author": None}], "key": True}
    assert render.note_key(template, shared) == render.note_key(template, copies)
    for other in ({"claims": [row], "key": True}, {"claims": [row, row], "key": 1},
                  {"claims": [row, row], "key": "True"}, {"key": True, "claims": [row, row]}):
        assert render.note_key(template, other) != render.note_key(template, shared)
    assert render.note_key(env.get_template("definition.md.j2"), shared) != render.note_key(template, shared)
