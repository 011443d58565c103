"""Table-driven and property tests for vault_builder.paths (names, paths, ids, tags, links)."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vault_builder.paths import (
    FORBIDDEN,
    MAX_NAME_BYTES,
    NameRegistry,
    block_id,
    check_relative,
    is_valid_block_id,
    is_valid_tag,
    link_heading,
    name_key,
    name_problem,
    note_name,
    obsidian_uri,
    safe_join,
    wikilink,
)

# --- note_name: table -------------------------------------------------------------------------

NOTE_NAMES = [
    # (title, expected name)
    ("RLCT", "RLCT"),
    ("../x", "x"),
    ("../../etc/passwd", "etc-passwd"),
    ("a/b: c?", "a-b - c"),
    ("Why? Because.", "Why Because"),
    ("SLT: a primer", "SLT - a primer"),
    ("A | B", "A - B"),
    ('He said "no"', "He said 'no'"),
    ("x < y > z", "x ‹ y › z"),
    ("m : Θ → F", "m - Θ → F"),
    ("Θ → F", "Θ → F"),
    ("x -> y <- z", "x → y ← z"),
    ("Fréchet", "Fréchet"),
    ("Fre\u0301chet", "Fréchet"),  # decomposed input comes out NFC
    ("Post #3 [draft]", "Post 3 (draft)"),
    ("x^2 *is* big", "x2 is big"),
    ("   ", "Untitled"),
    ("", "Untitled"),
    ("?#^*", "Untitled"),
    ("...", "Untitled"),
    (".hidden", "hidden"),
    ("trailing dot.", "trailing dot"),
    ("-rf", "rf"),
    ("tab\there\nnewline", "tab here newline"),
    ("zero\u200bwidth \u202eevil", "zerowidth evil"),
    ("bell\x07", "bell"),
    ("CON", "CON_"),
    ("con", "con_"),
    ("nul.txt", "nul_.txt"),
    ("COM1", "COM1_"),
    ("LPT9 ", "LPT9_"),
    ("CONSOLE", "CONSOLE"),
    ("Title:", "Title"),
    ("λ = d/2", "λ = d-2"),
]


@pytest.mark.parametrize("title, expected", NOTE_NAMES)
def test_note_name_table(title, expected):
    assert note_name(title) == expected


def test_every_forbidden_character_is_removed():
    name = note_name(FORBIDDEN)
    assert name and not set(name) & set(FORBIDDEN)
    assert name_problem(name + ".md") is None


LONG = "The singular learning theory of deep networks and why the learning coefficient matters for generalisation"


@pytest.mark.parametrize(
    "title, max_len, expected",
    [
        (LONG, 80, "The singular learning theory of deep networks and why the learning coefficient"),
        (LONG, 30, "The singular learning theory"),
        ("x" * 100, 80, "x" * 80),  # no word boundary: hard cut
        ("Alpha, beta, gamma, delta, epsilon", 20, "Alpha, beta, gamma"),  # no dangling comma
        ("One two three…and more words here", 18, "One two three…and"),
    ],
)
def test_note_name_cuts_at_word_boundary(title, max_len, expected):
    assert note_name(title, max_len) == expected


def test_note_name_caps_bytes_for_wide_scripts():
    name = note_name("漢" * 300, max_len=200)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


def test_note_name_rejects_tiny_max_len():
    with pytest.raises(ValueError):
        note_name("x", max_len=3)


# --- NameRegistry -----------------------------------------------------------------------------


def test_registry_same_title_twice_gets_numbered():
    reg = NameRegistry()
    assert reg.claim("Posts", "My Post") == "My Post"
    assert reg.claim("Posts", "My Post") == "My Post (2)"
    assert reg.claim("Claims", "My Post") == "My Post (3)"  # unique across folders


def test_registry_is_case_insensitive_and_normalisation_insensitive():
    reg = NameRegistry()
    names = [reg.claim("Concepts", t) for t in ["RLCT", "rlct", "Rlct", "Fréchet", "Fre\u0301chet"]]
    assert names == ["RLCT", "rlct (2)", "Rlct (3)", "Fréchet", "Fréchet (2)"]
    assert len({name_key(n) for n in names}) == len(names)
    assert "rLcT" in reg


def test_registry_titles_that_sanitise_alike_are_unique():
    reg = NameRegistry()
    names = [reg.claim("Posts", t) for t in ["a/b", "a\\b", "a-b", "a|b?"]]
    assert names[:3] == ["a-b", "a-b (2)", "a-b (3)"]
    assert len({name_key(n) for n in names}) == 4


def first_free_name(taken: set[str], title: str, max_len: int = 80) -> str:
    """The rule NameRegistry.claim follows, searched from 1 every time."""
    n, name = 1, note_name(title, max_len)
    while name_key(name) in taken:
        n += 1
        name = note_name(title, max_len - len(f" ({n})")) + f" ({n})"
    return name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["claim", "reserve"]),
                          st.sampled_from(["A", "a", "A (2)", "a (3)", "B", "b (2)", "x" * 90, "x" * 90 + " (2)"])),
                max_size=40))
def test_registry_names_are_the_first_free_ones(calls):
    """claim() starts its search where it last stopped for a title; what it gives must still be the
    first free name, whatever was reserved or claimed in between."""
    reg, taken = NameRegistry(), set()
    for what, title in calls:
        if what == "reserve":
            reg.reserve("Posts", note_name(title, 80))
            taken.add(name_key(note_name(title, 80)))
            continue
        expected = first_free_name(taken, title)
        assert reg.claim("Posts", title) == expected
        taken.add(name_key(expected))


def test_registry_is_deterministic():
    titles = ["A", "a", "B: c", "B - c", "CON", "", "   "]
    run1, run2 = NameRegistry(), NameRegistry()
    names = [run1.claim("X", t) for t in titles]
    assert names == [run2.claim("X", t) for t in titles]
    assert names == ["A", "a (2)", "B - c", "B - c (2)", "CON_", "Untitled", "Untitled (2)"]


def test_registry_numbered_names_respect_max_len():
    reg = NameRegistry(max_len=20)
    a = reg.claim("P", "word " * 10)
    b = reg.claim("P", "word " * 10)
    assert len(a) <= 20 and len(b) <= 20 and b.endswith(" (2)") and a != b


CLAIMED = ["My Post", "my post", "My Post", "a/b", "a-b", "CON", "con.txt", "", "   ", ".hidden", "x" * 90, "x" * 90,
           "é" * 100, "e\u0301t\u00e9", "tab\there", "zero\u200bwidth", "\U0001f600" * 60, "Ends.", "-dash", "a -> b"]


@pytest.mark.parametrize("max_len", [80, 12])
@pytest.mark.parametrize("folder", ["Posts", "", "Maps/Canvas"])
def test_claim_path_is_path_of_claim(folder, max_len):
    """claim_path checks only the names that are not their title as it was; it gives what
    path(claim()) gives, for titles that are names already and titles that need making one."""
    long_way, short_way = NameRegistry(max_len), NameRegistry(max_len)
    for title in CLAIMED * 3:
        assert short_way.claim_path(folder, title) == long_way.path(folder, long_way.claim(folder, title))


def test_claim_path_checks_the_names_it_made(monkeypatch):
    import vault_builder.paths as paths
    checked = []
    real = paths.name_problem
    monkeypatch.setattr(paths, "name_problem", lambda name: checked.append(name) or real(name))
    reg = NameRegistry()
    assert [reg.claim_path("Posts", t) for t in ["Plain", "Plain", "a/b", "a/b"]] == [
        "Posts/Plain.md", "Posts/Plain (2).md", "Posts/a-b.md", "Posts/a-b (2).md"]
    assert checked == ["a-b", "a-b (2)"]


def test_registry_max_len_too_short_for_a_number_is_refused_as_before():
    reg = NameRegistry(max_len=12)
    assert [reg.claim("P", "ab") for _ in range(9)][-1] == "ab (9)"
    with pytest.raises(ValueError):
        reg.claim("P", "ab")  # " (10)" leaves 7 characters: note_name refuses max_len < 8


def test_a_repeated_title_tries_one_name_per_claim(monkeypatch):
    """The name of the last number a title was given is taken by that claim: the next claim of
    the title starts after it (stock phrases repeat titles thousands of times in a corpus)."""
    reg = NameRegistry()
    tried = []
    real = NameRegistry._numbered
    monkeypatch.setattr(NameRegistry, "_numbered", lambda self, title, n: tried.append(n) or real(self, title, n))
    names = [reg.claim("Claims", "It is small") for _ in range(5)]
    assert names == ["It is small"] + [f"It is small ({n})" for n in range(2, 6)]
    assert tried == [1, 2, 3, 4, 5]
    reg.reserve("Claims", "It is small (6)")
    assert reg.claim("Claims", "It is small") == "It is small (7)" and tried[5:] == [6, 7]


@pytest.mark.parametrize(
    "folder, name, expected",
    [("Posts", "My Post", "Posts/My Post.md"), ("", "Home", "Home.md"), ("Maps/Canvas", "Map", "Maps/Canvas/Map.md")],
)
def test_registry_path(folder, name, expected):
    assert NameRegistry().path(folder, name) == expected


@pytest.mark.parametrize("folder, name", [("Posts", "a/b"), ("..", "x"), ("Posts", ""), ("a:b", "x"), ("Posts", "CON"), ("Posts", ".x")])
def test_registry_path_refuses_illegal(folder, name):
    with pytest.raises(ValueError):
        NameRegistry().path(folder, name)


# --- name_problem -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, ok",
    [
        ("Note.md", True),
        ("Θ → F.md", True),
        ("a:b.md", False),
        ("a#b.md", False),
        ("a^b.md", False),
        ("[x].md", False),
        ("bell\x07.md", False),
        (" lead.md", False),
        ("trail.", False),
        ("CON.md", False),
        ("..", False),
        ("", False),
        ("x" * 256, False),
    ],
)
def test_name_problem(name, ok):
    assert (name_problem(name) is None) == ok


# --- safe_join --------------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["Posts/A.md", "Home.md", "Θ/F.md", "a b/c d.md"])
def test_safe_join_accepts(tmp_path, rel):
    assert safe_join(tmp_path, rel) == (tmp_path / rel).resolve()


@pytest.mark.parametrize(
    "rel",
    ["../x", "a/../../x", "a/../b", "/etc/passwd", "C:\\x", "C:x", "\\\\server\\share", "a\\..\\..\\x", "", "a\x00b"],
)
def test_safe_join_rejects(tmp_path, rel):
    with pytest.raises(ValueError):
        safe_join(tmp_path, rel)


@pytest.mark.parametrize("rel", ["Posts/A.md", "Home.md", "Θ/F.md", "a b/c d.md", ".obsidian/app.json", "a..b/c.md"])
def test_check_relative_accepts(rel):
    assert check_relative(rel) == rel


@pytest.mark.parametrize(
    "rel",
    ["../x", "a/../../x", "a/../b", "a/..", "/etc/passwd", "//server/share/x", "C:\\x", "C:x", "c:/x",
     "\\\\server\\share", "a\\..\\..\\x", "", "a\x00b"],
)
def test_check_relative_rejects_without_touching_the_disk(rel):
    with pytest.raises(ValueError):
        check_relative(rel)


def test_safe_join_rejects_symlink_out(tmp_path):
    root, outside = tmp_path / "vault", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    os.symlink(outside, root / "link")
    with pytest.raises(ValueError):
        safe_join(root, "link/secret.md")
    os.symlink(root / "Posts", root / "inner")  # a symlink that stays inside is fine
    assert safe_join(root, "inner/x.md") == (root / "Posts" / "x.md").resolve()


# --- block ids, tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "s, ok",
    [("p12", True), ("c3-p2", True), ("ABC-9", True), ("", False), ("p_12", False), ("p 12", False),
     ("^p12", False), ("é", False), ("p12\n", False)],
)
def test_is_valid_block_id(s, ok):
    assert is_valid_block_id(s) == ok


@pytest.mark.parametrize(
    "text, expected",
    [("Hello, Wörld!", "hello-world"), ("p12", "p12"), ("  --x--  ", "x"), ("a_b c", "a-b-c")],
)
def test_block_id(text, expected):
    assert block_id(text) == expected


def test_block_id_without_latin_letters_is_still_valid_and_distinct():
    assert is_valid_block_id(block_id("Θ")) and block_id("Θ") != block_id("Φ")


@pytest.mark.parametrize(
    "tag, ok",
    [
        ("type/claim", True),
        ("concept/rlct", True),
        ("taxonomy/normative", True),
        ("λ", True),
        ("théorème", True),
        ("y1984", True),
        ("snake_case-tag", True),
        ("a/1", True),
        ("1984", False),
        ("1/2", False),
        ("has space", False),
        ("/lead", False),
        ("trail/", False),
        ("a//b", False),
        ("#hash", False),
        ("a.b", False),
        ("a:b", False),
        ("", False),
        (None, False),
    ],
)
def test_is_valid_tag(tag, ok):
    assert is_valid_tag(tag) == ok


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        (("RLCT",), {}, "[[RLCT]]"),
        (("Note", "^p12", "alias"), {}, "[[Note#^p12|alias]]"),
        (("Note", "Heading: one"), {}, "[[Note#Heading one]]"),
        (("", "^p1"), {}, "[[#^p1]]"),
        (("Note", None, "a|b]]c[[d"), {}, "[[Note|a-b))c((d]]"),
        (("Note", None, "two\nlines"), {}, "[[Note|two lines]]"),
        (("Note", None, ""), {}, "[[Note]]"),
        (("Note", "^p1", "x"), {"in_table": True}, "[[Note#^p1\\|x]]"),
        (("Posts/My Post",), {}, "[[Posts/My Post]]"),
    ],
)
def test_wikilink(args, kwargs, expected):
    assert wikilink(*args, **kwargs) == expected


@pytest.mark.parametrize("args", [("a|b",), ("a]]",), ("a#b",), ("Note", "^p_1"), ("",)])
def test_wikilink_refuses(args):
    with pytest.raises(ValueError):
        wikilink(*args)


def test_link_heading():
    assert link_heading("Part 1: the [weird] #trick | ^x") == "Part 1 the weird trick x"


@pytest.mark.parametrize(
    "vault, rel, expected",
    [
        ("slt", "Home.md", "obsidian://open?vault=slt&file=Home.md"),
        ("My Vault", "Posts/A b.md", "obsidian://open?vault=My%20Vault&file=Posts%2FA%20b.md"),
        ("v", "Concepts/Θ & F.md", "obsidian://open?vault=v&file=Concepts%2F%CE%98%20%26%20F.md"),
    ],
)
def test_obsidian_uri(vault, rel, expected):
    assert obsidian_uri(vault, rel) == expected


def test_obsidian_uri_refuses_escape():
    with pytest.raises(ValueError):
        obsidian_uri("v", "../x.md")


# --- properties -------------------------------------------------------------------------------

titles = st.text(
    st.characters(blacklist_categories=()), max_size=200
) | st.sampled_from(["CON", "nul.x", "..", "../a", "a/b: c?", FORBIDDEN, "e?\u0301"])


@settings(max_examples=400, deadline=None)
@given(titles, st.integers(min_value=8, max_value=120))
def test_note_name_properties(title, max_len):
    name = note_name(title, max_len)
    assert name, "never empty"
    assert name_problem(name + ".md") is None, "always a legal file name"
    assert len(name) <= max(max_len, 8) + 1  # +1: a reserved stem gets "_"
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES + 1
    assert unicodedata.is_normalized("NFC", name)
    assert note_name(name, max_len) == name, "idempotent"
    assert not set(name) & set(FORBIDDEN)


@settings(max_examples=200, deadline=None)
@given(st.lists(titles, max_size=12))
def test_registry_names_unique_and_join_inside(title_list):
    reg = NameRegistry()
    root = Path("/tmp/vault-root-for-join-test")
    names = [reg.claim("Notes", t) for t in title_list]
    assert len({name_key(n) for n in names}) == len(names)
    for n in names:
        joined = safe_join(root, reg.path("Notes", n))
        assert joined.parent == root.resolve() / "Notes"
