"""The render stage's note keys: a note whose inputs (render.Ctx.note) are those of the last
build is kept without making its values; any note whose text would change must not be kept.

Every test renders twice with one note cache, as two builds would, and compares with a render
without a cache (a clean build)."""
from __future__ import annotations

import copy

import pytest

from vault_builder import link, render
from vault_builder.models import Concept, Item
from vault_builder.render import concepts as concept_notes, items as item_notes, maps
from vault_builder.writer import Deferred

from test_link_names import make_corpus


def rendered(corpus, items, concepts, cache: dict | None, text: bool = True) -> dict[str, tuple[str | None, bool]]:
    """path -> (text, kept: whether the note came as unchanged since the last build); text None
    for a kept note unless `text` (a kept note is rendered only if the writer cannot keep the file)."""
    items = copy.deepcopy(items)  # link() names the notes on the items
    g = link.link(corpus, items, concepts)
    out = {}
    for path, content in render.render_files(corpus, items, concepts, g, note_cache=cache):
        if isinstance(content, Deferred):
            out[path] = (content.render() if text or not content.unchanged else None, content.unchanged)
        else:
            out[path] = (content, False)
    return out


def answered_across_posts():
    """Posts A, B, C: A's counterexample targets B's key claim (an item of another post), the
    one item about "Sharpness"."""
    corpus, items, concepts = make_corpus(["A", "B", "C"])
    next(i for i in items if i.id == "cex-0").against = "cla-1"
    claim = next(i for i in items if i.id == "cla-1")
    claim.concepts = [*claim.concepts, "Sharpness"]
    concepts.append(Concept("Sharpness"))
    return corpus, items, concepts


def retitle(corpus, items, old: str, new: str) -> None:
    for post in corpus.posts:
        if post.title == old:
            post.title = new
    for item in items:
        if item.post == old:
            item.post = new


def edit_claim_text(corpus, items, concepts):
    next(i for i in items if i.id == "cla-2").text = "Singular models generalise well."


def retitle_b(corpus, items, concepts):
    retitle(corpus, items, "B", "B renamed")


def retitle_c_as_b(corpus, items, concepts):
    """Two posts with one title: the second gets a suffix."""
    retitle(corpus, items, "C", "B")


def retitle_a_as_b(corpus, items, concepts):
    """The first of two posts with one title takes the name: B's note moves, B and its items do not change."""
    retitle(corpus, items, "A", "B")


def new_concept(corpus, items, concepts):
    concepts.append(Concept("Generalisation"))
    for item in items:
        if "generalise" in item.text:
            item.concepts = [*item.concepts, "Generalisation"]


def drop_post(corpus, items, concepts):
    corpus.posts.pop(2)
    items[:] = [i for i in items if i.post != "C"]


@pytest.mark.parametrize("edit", [edit_claim_text, retitle_b, retitle_c_as_b, retitle_a_as_b, new_concept, drop_post])
def test_a_rebuild_after_an_edit_is_the_clean_render_and_keeps_only_unchanged_notes(edit):
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    first = rendered(corpus, items, concepts, cache)
    assert not any(kept for _, kept in first.values())
    edit(corpus, items, concepts)
    again = rendered(corpus, items, concepts, cache)
    clean = rendered(corpus, items, concepts, None)
    assert {path: text for path, (text, _) in again.items()} == {path: text for path, (text, _) in clean.items()}
    for path, (text, kept) in again.items():
        if kept:  # kept: the writer links the old file in, so it must be what the last build wrote
            assert first[path][0] == text, path
    assert any(kept for _, kept in again.values())


def test_a_note_whose_input_changed_two_hops_away_is_rendered_again():
    """A's counterexample quotes B's claim with a link to the claim's block in post B: retitling
    B changes nothing of the counterexample or its post, only the post of what it answers."""
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    first = rendered(corpus, items, concepts, cache)
    counterexample = next(path for path, (text, _) in first.items() if path.startswith("Counterexamples/")
                          and "[[B#^p2|B, ¶2]]" in text)
    retitle(corpus, items, "B", "B renamed")
    text, kept = rendered(corpus, items, concepts, cache)[counterexample]
    assert not kept and "[[B renamed#^p2|B renamed, ¶2]]" in text
    assert rendered(corpus, items, concepts, None)[counterexample][0] == text


def test_unchanged_inputs_make_no_values(monkeypatch):
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    calls = []
    for module, name in ((item_notes, "item_values"), (concept_notes, "concept_values"),
                         (maps, "concept_map")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, name=name: calls.append(name) or real(*a))
    again = rendered(corpus, items, concepts, cache, text=False)
    assert calls == []
    assert all(kept for path, (_, kept) in again.items() if path.startswith(("Claims/", "Concepts/"))
               or path.endswith("Concept map.canvas"))


@pytest.mark.parametrize("damage", [lambda key: ["not", "a", "key"], lambda key: key[::-1], lambda key: None])
def test_a_damaged_note_key_means_the_note_is_rendered(damage):
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    for path in cache:
        cache[path] = damage(cache[path])
    again = rendered(corpus, items, concepts, cache)
    assert not any(kept for _, kept in again.values())
    assert again == rendered(corpus, items, concepts, None)


def test_inputs_that_are_not_plain_data_mean_the_note_is_rendered_every_time(monkeypatch):
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    monkeypatch.setattr(item_notes, "item_inputs", lambda *a: (object(),))
    again = rendered(corpus, items, concepts, cache)
    assert not any(kept for path, (_, kept) in again.items() if path.startswith("Claims/"))
    assert {p: t for p, (t, _) in again.items()} == {p: t for p, (t, _) in rendered(corpus, items, concepts, None).items()}


def ctx_of(corpus, items, concepts) -> render.Ctx:
    items = copy.deepcopy(items)
    return render.Ctx(render.environment(), corpus, items, concepts, link.link(corpus, items, concepts))


@pytest.mark.parametrize("edit", [edit_claim_text, retitle_b, retitle_c_as_b, retitle_a_as_b, new_concept])
def test_what_a_list_shows_of_an_item_changes_only_with_its_digest(edit):
    """Ctx.listed_digest covers items.summary and concepts.item_row (B's claim is listed with a
    link to its post's note, which moves when A takes B's title)."""
    corpus, items, concepts = answered_across_posts()
    before = ctx_of(corpus, items, concepts)
    edit(corpus, items, concepts)
    after = ctx_of(corpus, items, concepts)
    for inode in set(before.item_rank) & set(after.item_rank):
        shown = [(item_notes.summary(ctx, inode), concept_notes.item_row(ctx, inode)) for ctx in (before, after)]
        if shown[0] != shown[1]:
            assert before.listed_digest(inode) != after.listed_digest(inode), inode


def item_notes_kept(corpus, items, concepts, cache) -> dict[str, bool]:
    """item id -> whether its note came as unchanged since the last build."""
    named = copy.deepcopy(items)
    link.link(corpus, named, concepts)  # names the notes on the items, as rendered() does
    again = rendered(corpus, items, concepts, cache, text=False)
    return {i.id: again[i.note][1] for i in named}


def test_an_edit_of_one_item_renders_the_item_notes_of_its_post_only():
    """Item notes are keyed per post (items.group_key): a change to C's claim that only its own
    note shows (the rules that found it) renders C's item notes, A's and B's are kept."""
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    next(i for i in items if i.id == "cla-2").rules = ["edited"]
    assert item_notes_kept(corpus, items, concepts, cache) == {i.id: i.post != "C" for i in items}


def listed_one(ctx: render.Ctx, node: str) -> concept_notes.Listed:
    """What a concept's note lists, asked of the graph for this concept alone (every_listed's oracle)."""
    rank, nodes = ctx.item_rank.__getitem__, ctx.nodes
    definitions = sorted(ctx.into(node, "defines"), key=rank)
    about = sorted({u for u in ctx.into(node, "about") + ctx.into(node, "mentions") if nodes[u]["type"] != "post"},
                   key=rank)
    by_type: dict[str, list] = {"claim": [], "counterexample": [], "example": [], "definition": []}
    for u in about:
        by_type.setdefault(nodes[u]["type"], []).append(u)
    claims = sorted(by_type["claim"], key=lambda u: (not nodes[u].get("key"), rank(u)))
    posts = sorted((u for u in ctx.into(node, "mentions") if nodes[u]["type"] == "post"), key=ctx.post_index.__getitem__)
    return concept_notes.Listed(definitions, claims, by_type["counterexample"], by_type["example"], by_type["definition"],
                                posts, ctx.into(node, "prerequisite"), ctx.out(node, "prerequisite"),
                                ctx.out(node, "same_as") + ctx.into(node, "same_as"))


@pytest.mark.parametrize("edit", [lambda *a: None, retitle_a_as_b, new_concept, drop_post])
def test_every_listed_lists_what_each_concept_lists(edit):
    corpus, items, concepts = answered_across_posts()
    items.append(Item("cla-late", "claim", "Complexity is small.", "A", False, "Writer 0", "f0.md", "p2",
                      concepts=["Complexity", "RLCT"], key=True))  # a key claim of the first post, extracted last
    edit(corpus, items, concepts)
    ctx = ctx_of(corpus, items, concepts)
    every = concept_notes.every_listed(ctx)
    assert every == {c: listed_one(ctx, c) for c in ctx.g.graph["reading_order"]}
    assert any(len(lists.claims) > 2 for lists in every.values())


def test_compiled_templates_are_kept_and_a_damaged_one_is_compiled_again(tmp_path):
    corpus, items, concepts = answered_across_posts()
    g = link.link(corpus, items, concepts)
    clean = render.render_vault(corpus, items, concepts, g)
    folder = tmp_path / "templates"
    env = render.environment(folder)
    assert env.get_template("claim.md.j2").render  # compiled and kept
    kept = sorted(folder.iterdir())
    assert kept
    for path in kept:
        path.write_bytes(path.read_bytes()[:40] + b"\x00damaged")
    assert render.render_vault(corpus, items, concepts, g, snippet_cache=tmp_path / "snippets") == clean


def test_a_folder_for_compiled_templates_that_cannot_be_made_is_no_error(tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    env = render.environment(tmp_path / "file" / "templates")
    assert env.bytecode_cache is None and env.get_template("claim.md.j2")


def test_a_debate_map_is_kept_until_an_answer_in_it_changes():
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    first = rendered(corpus, items, concepts, cache)
    maps = [path for path in first if path.endswith(".canvas") and "Debate map" in path]
    assert maps
    assert all(kept for path, (_, kept) in rendered(corpus, items, concepts, cache).items() if path in maps)
    next(i for i in items if i.id == "rep-1").id = "rep-1b"  # B's disputing reply, renamed: a new node
    again = rendered(corpus, items, concepts, cache)
    clean = rendered(corpus, items, concepts, None)
    assert [again[p] for p in maps] == [(clean[p][0], p.endswith("A.canvas") or p.endswith("C.canvas")) for p in maps]


@pytest.mark.parametrize("edit, changed", [
    (new_concept, lambda path: path.endswith("Concept map.canvas")),
])
def test_a_page_whose_inputs_changed_is_rendered_again(edit, changed):
    """The concept map shows every concept: a new one moves it."""
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    first = rendered(corpus, items, concepts, cache)
    pages_ = [path for path in first if changed(path)]
    assert pages_
    edit(corpus, items, concepts)
    again = rendered(corpus, items, concepts, cache)
    clean = rendered(corpus, items, concepts, None)
    moved = [path for path in pages_ if path in clean and clean[path][0] != first[path][0]]
    assert moved
    for path in moved:
        assert again[path] == (clean[path][0], False), path


def rows_made(monkeypatch) -> list[str]:
    """The item nodes whose concept-list row is made (concepts.made_row), from now on."""
    made: list[str] = []
    real = concept_notes.made_row
    monkeypatch.setattr(concept_notes, "made_row", lambda ctx, inode: made.append(inode) or real(ctx, inode))
    return made


def author_of_b_claim(corpus, items, concepts):
    """Changes B's claim's row in the lists of its concepts (which list other items too)."""
    next(i for i in items if i.id == "cla-1").author = "Someone Else"


def test_a_concept_note_made_again_makes_the_rows_of_changed_items_only(monkeypatch):
    """The concept notes listing B's claim are made again; their other rows are the last build's
    (Ctx.rows, kept in the note cache), and the notes are those of a clean render."""
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    first = rendered(corpus, items, concepts, cache)
    author_of_b_claim(corpus, items, concepts)
    made = rows_made(monkeypatch)
    again = rendered(corpus, items, concepts, cache)
    assert made == ["item:cla-1"]
    remade = [p for p, (text, kept) in again.items() if p.startswith("Concepts/") and not kept]
    assert any(first[p][0].count("\n- ") > 2 for p in remade)  # one lists other items too
    assert {p: t for p, (t, _) in again.items()} == {p: t for p, (t, _) in rendered(corpus, items, concepts, None).items()}


@pytest.mark.parametrize("damage", [
    lambda entry: None,  # absent
    lambda entry: ("another code version", entry[1]),
    lambda entry: (entry[0], {d: None for d in entry[1]}),
    lambda entry: (entry[0], list(entry[1].items())),
    lambda entry: "not an entry",
])
def test_a_damaged_or_absent_row_cache_means_the_rows_are_made_again(monkeypatch, damage):
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    entry = damage(cache.pop(render.ROWS))
    if entry is not None:
        cache[render.ROWS] = entry
    author_of_b_claim(corpus, items, concepts)
    made = rows_made(monkeypatch)
    again = rendered(corpus, items, concepts, cache)
    assert len(set(made)) > 1
    assert {p: t for p, (t, _) in again.items()} == {p: t for p, (t, _) in rendered(corpus, items, concepts, None).items()}
    made.clear()
    rendered(corpus, items, concepts, cache)  # the rows were kept again
    assert made == []


def test_the_row_cache_holds_this_builds_rows_only():
    corpus, items, concepts = answered_across_posts()
    cache: dict = {}
    rendered(corpus, items, concepts, cache)
    assert any("[[C" in row for row in cache[render.ROWS][1].values())
    drop_post(corpus, items, concepts)
    rendered(corpus, items, concepts, cache)
    rows = cache[render.ROWS][1]
    ctx = ctx_of(corpus, items, concepts)
    listed = {u for lists in concept_notes.every_listed(ctx).values()
              for u in lists.claims + lists.counterexamples + lists.examples + lists.related_definitions}
    assert rows and not any("[[C" in row for row in rows.values())
    assert sorted(rows.values()) == sorted(concept_notes.item_row(ctx, u) for u in listed)


@pytest.mark.parametrize("edit", [lambda *a: None, retitle_a_as_b, new_concept, drop_post])
def test_a_posts_group_key_reads_each_items_inputs(edit):
    """items.group_inputs makes most items' inputs inline: the same tuples as item_inputs."""
    corpus, items, concepts = answered_across_posts()
    for item in items:  # no duplicates across posts but one: most items are made inline
        item.text += f" Said in {item.post} ({item.id})."
    items += [Item("pla-0", "claim", "Plain words about the complexity of singular models in general.", "A", False, "Writer 0", "f0.md", "p1",
                   concepts=["Complexity"]),
              Item("pla-1", "example", "Other plain words.", "B", False, None, "f1.md", "p1", concepts=["RLCT"]),
              Item("dup-0", "claim", "Plain words about the complexity of singular models in general.", "B", False, "Writer 1", "f1.md", "p2")]
    edit(corpus, items, concepts)
    ctx = ctx_of(corpus, items, concepts)
    assert any(ctx.edges.out.get(f"item:{i.id}", {}).get("duplicate_of") for i in ctx.items)
    answered = [(lambda n: n.counterexamples or n.disputes or n.responses or n.replies_to or n.duplicates)(
        item_notes.linked(ctx, i)) for i in ctx.items]
    plain = [i for i, a in zip(ctx.items, answered) if not a and i.type != "definition" and not i.against]
    assert plain and len(plain) < len(ctx.items)
    for pnode in ctx.by_post:
        assert item_notes.group_inputs(ctx, pnode) == [item_notes.item_inputs(ctx, i, item_notes.linked(ctx, i))
                                                       for i in ctx.by_post[pnode]]
