"""Property tests (hypothesis): any titles give legal, unique, resolvable names; rendering is
deterministic; short titles are short, non-empty and never end in a dangling function word."""
from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import HealthCheck, given, settings, strategies as st

from vault_builder import link, render
from vault_builder.models import Item
from vault_builder.paths import name_key, name_problem

from test_link_names import assert_links_resolve, make_corpus, stems_of

titles = st.text(st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=60)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(titles, min_size=1, max_size=3))
def test_any_titles_give_legal_unique_names_and_resolving_links(post_titles):
    corpus, items, concepts = make_corpus(post_titles, thread=False)
    g = link.link(corpus, items, concepts)
    files = render.render_vault(corpus, items, concepts, g)
    stems = stems_of(files)
    assert len({name_key(s) for s in stems}) == len(stems)
    for rel in files:
        assert all(name_problem(part) is None for part in PurePosixPath(rel).parts), rel
        assert ".." not in PurePosixPath(rel).parts
    assert_links_resolve(files)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(titles, min_size=1, max_size=2))
def test_rendering_is_deterministic(post_titles):
    outs = []
    for _ in range(2):
        corpus, items, concepts = make_corpus(post_titles)
        g = link.link(corpus, items, concepts)
        outs.append(render.render_vault(corpus, items, concepts, g))
    assert outs[0] == outs[1]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=400), st.sampled_from(["claim", "example", "counterexample"]))
def test_short_title_is_short_and_never_dangles(text, kind):
    title = link.short_title(Item("i", kind, text, "Post", False, None, "f", "p1"))
    assert title.strip() == title and title
    assert len(title) <= 80
    assert not link.TRAILING_WEAK.search(title) or title.startswith(kind.title() + " in ")
