"""extract(..., cache=): a warm build gives a cold build's items and concepts, and after an edit
re-extracts only the edited post."""
from __future__ import annotations

import copy
import json
import marshal

import pytest

from vault_builder import ingest, segment
from vault_builder.extract import cache as cache_mod
from vault_builder.extract import extract
from vault_builder.extract.glossary import load_glossary


@pytest.fixture(scope="module")
def bundled():
    paths = ingest.corpus_paths(ingest.default_content_dir())
    corpus, _ = segment.segment(ingest.read_corpus(paths).files)
    glossary, _ = load_glossary(paths.concepts)
    return corpus, glossary


def _run(corpus, glossary, cache=None):
    items, concepts, problems = extract(copy.deepcopy(corpus), glossary, {}, cache=cache)
    return [json.dumps(i.to_json(), ensure_ascii=False) for i in items], [c.name for c in concepts], problems


def _edited(corpus):
    """The corpus with a new defining sentence in one post: its term becomes a concept of every post."""
    edited = copy.deepcopy(corpus)
    post = edited.posts[1]
    block = next(b for b in post.blocks if b.kind == "paragraph" and len(b.text) > 80)
    block.text += " We call such a set of points the *training data* (TD), which is where the loss is measured."
    return edited


def test_warm_and_edited_builds_match_cold_builds(bundled, monkeypatch):
    corpus, glossary = bundled
    cold = _run(corpus, glossary)
    changed = {json.loads(i)["post"] for i in set(cold[0]) ^ set(_run(_edited(corpus), glossary)[0])}
    assert len(changed) > 1  # the edit also changes items of posts the cache does not re-extract
    cache: dict = {}
    assert _run(corpus, glossary, cache) == cold  # cold, filling the cache
    assert len(cache) == len(corpus.posts)
    cache = marshal.loads(marshal.dumps(cache))  # what the caller keeps on disk
    before = set(cache)

    calls = []  # units split and run through the per-sentence rules
    real = cache_mod.unit_entry
    monkeypatch.setattr(cache_mod, "unit_entry", lambda sents, facts: calls.append(1) or real(sents, facts))
    assert _run(corpus, glossary, cache) == cold  # warm
    assert set(cache) == before and not calls

    edited = _edited(corpus)
    expected = _run(edited, glossary)
    calls.clear()
    assert _run(edited, glossary, cache) == expected  # one post re-extracted
    assert len(set(cache) - before) == 1 and len(before - set(cache)) == 1  # its old entry is dropped
    assert len(calls) == 1 + len(edited.posts[1].thread.comments if edited.posts[1].thread else [])


def test_entries_depend_on_the_glossary_and_the_disabled_rules(bundled):
    corpus, glossary = bundled
    cache: dict = {}
    _run(corpus, glossary, cache)
    smaller = glossary[: len(glossary) // 2]
    assert _run(corpus, smaller, cache) == _run(corpus, smaller)
    keys = set(cache)
    items, _, _ = extract(copy.deepcopy(corpus), glossary, {}, disabled_rules={"def.called"}, cache=cache)
    plain, _, _ = extract(copy.deepcopy(corpus), glossary, {}, disabled_rules={"def.called"})
    assert [i.to_json() for i in items] == [i.to_json() for i in plain]
    assert not keys & set(cache)


# ---------------------------------------------------------------- finished items (entry["done"])

import vault_builder.extract as extract_mod  # noqa: E402


def _units_run(monkeypatch) -> list:
    """Records the post of every unit the second pass runs (extract._unit)."""
    calls = []
    real = extract_mod._unit
    monkeypatch.setattr(extract_mod, "_unit", lambda state, post, *a: calls.append(post.title) or real(state, post, *a))
    return calls


def _word_edited(corpus, n=2):
    """The corpus with one word of one post's first claim changed (no new concept)."""
    edited = copy.deepcopy(corpus)
    items, _, _ = extract(copy.deepcopy(corpus), [], {}, disabled_rules={"glossary.bundled"})
    claim = next(i for i in items if i.type == "claim" and i.post == edited.posts[n].title and " the " in i.text)
    block = next(b for b in edited.posts[n].blocks if b.id == claim.block)
    block.text = block.text.replace(claim.text, claim.text.replace(" the ", " this ", 1))
    return edited


def test_a_warm_build_runs_no_second_pass_and_an_edit_only_its_post(bundled, monkeypatch):
    corpus, glossary = bundled
    cache: dict = {}
    cold = _run(corpus, glossary, cache)
    cache = marshal.loads(marshal.dumps(cache))
    assert all("done" in entry for entry in cache.values())
    calls = _units_run(monkeypatch)
    assert _run(corpus, glossary, cache) == cold and not calls

    edited = _word_edited(corpus)
    expected = _run(edited, glossary)
    calls.clear()
    assert _run(edited, glossary, cache) == expected != cold
    assert set(calls) == {edited.posts[2].title}


def test_a_new_concept_redoes_every_post(bundled, monkeypatch):
    """Every post's items depend on the concepts the corpus defines: a definition in one post changes
    items of others (the key of the finished items has the concepts, not only the post)."""
    corpus, glossary = bundled
    cache: dict = {}
    _run(corpus, glossary, cache)
    edited = _edited(corpus)
    expected = _run(edited, glossary)
    calls = _units_run(monkeypatch)
    assert _run(edited, glossary, cache) == expected
    assert set(calls) == {post.title for post in corpus.posts}


def test_damaged_finished_items_are_made_again(bundled):
    corpus, glossary = bundled
    cache: dict = {}
    cold = _run(corpus, glossary, cache)
    entries = list(cache.values())
    entries[0]["done"][1] = entries[0]["done"][1][:-40]  # cut short
    entries[1]["done"] = {"not": "a list"}
    entries[2]["done"][1] = marshal.dumps([1, 2, [[0, "x"]]])  # a row of the wrong width
    entries[3]["done"][1] = marshal.dumps([1, 2, [[0, "x", 7, None] + [None] * 16]])  # a target out of range
    entries[4]["done"][1] = json.dumps([1, 2, []])  # text, not bytes (what an older cache held)
    entries[5]["done"][1] = b"\xff\x00 not marshal"
    assert _run(corpus, glossary, cache) == cold
    assert all(extract_mod.X.read_done(e["done"], e["done"][0]) for e in cache.values())


@pytest.mark.parametrize("unit", [b"\xff\x00 not marshal", "text, not bytes", marshal.dumps([[[0, 1]], []])])
def test_a_damaged_unit_redoes_its_post(bundled, monkeypatch, unit):
    corpus, glossary = bundled
    cache: dict = {}
    cold = _run(corpus, glossary, cache)
    damaged = next(key for key, entry in cache.items() if entry["units"])
    cache[damaged]["units"][0] = unit
    calls = _units_run(monkeypatch)
    assert _run(corpus, glossary, cache) == cold
    assert len(set(calls)) == 1  # that post's first pass, again


def _one_run_over_the_corpus(monkeypatch):
    """Makes extract take its path for a corpus where some counterexample names another post's title."""
    monkeypatch.setattr(extract_mod, "_names_other_post", lambda *a: True)


def test_posts_run_one_by_one_give_the_items_of_one_run_over_the_corpus(bundled, monkeypatch):
    corpus, glossary = bundled
    shared = copy.deepcopy(corpus)  # two posts with one title are run together
    shared.posts[3].title = shared.posts[1].title
    each = [_run(corpus, glossary), _run(shared, glossary)]
    _one_run_over_the_corpus(monkeypatch)
    assert [_run(corpus, glossary), _run(shared, glossary)] == each


def test_a_retitle_onto_another_title_matches_a_clean_build(bundled):
    corpus, glossary = bundled
    cache: dict = {}
    _run(corpus, glossary, cache)
    shared = copy.deepcopy(corpus)
    shared.posts[3].title = shared.posts[1].title
    assert _run(shared, glossary, cache) == _run(shared, glossary)
    assert _run(corpus, glossary, cache) == _run(corpus, glossary)


def test_a_counterexample_naming_another_post_runs_the_corpus_at_once(bundled, monkeypatch):
    corpus, glossary = bundled
    items, _, _ = extract(copy.deepcopy(corpus), glossary, {})
    named = copy.deepcopy(corpus)
    blocks = {(p.title, b.id): b for p in named.posts for bs, _ in extract_mod._post_units(p) for b in bs}
    ce = next(i for i in items if i.type == "counterexample" and i.text in blocks[i.post, i.block].text)
    other = next(p.title for p in named.posts if p.title != ce.post and len(p.title.split()) >= 4)
    block = blocks[ce.post, ce.block]
    block.text = block.text.replace(ce.text, ce.text + " The same goes for " + other.rstrip(".") + ".", 1)
    cache: dict = {}
    _run(corpus, glossary, cache)
    seen = []
    real = extract_mod._names_other_post
    monkeypatch.setattr(extract_mod, "_names_other_post", lambda *a: seen.append(real(*a)) or seen[-1])
    got = _run(named, glossary, cache)
    assert any(seen)
    _one_run_over_the_corpus(monkeypatch)
    assert got == _run(named, glossary)


def test_a_quote_in_one_thread_weighs_paragraphs_of_that_id_in_other_posts(bundled):
    """Quoted paragraphs are known by block id alone, and ids repeat across posts ("p5"): a thread's
    quotes change claim scores in other posts, so they are in the key of those posts' items."""
    corpus, glossary = bundled
    cache: dict = {}
    _run(corpus, glossary, cache)
    quoting = copy.deepcopy(corpus)
    thread = next(p.thread for p in quoting.posts if p.thread and any(b.quotes for b in p.thread.blocks))
    quoted = {b.quotes for p in quoting.posts if p.thread for b in p.thread.blocks if b.quotes}
    fresh = [b.id for p in quoting.posts for b in p.blocks if b.kind == "paragraph" and b.id not in quoted]
    for block, new in zip([b for b in thread.blocks if b.quotes], fresh[::3]):
        block.quotes = new
    expected = _run(quoting, glossary)
    assert expected != _run(corpus, glossary)
    assert _run(quoting, glossary, cache) == expected


def test_items_read_from_the_cache_share_their_repeated_strings(bundled):
    """A post's finished items come back from disk with one copy of each repeated string (rule
    names, concepts, the post's title and file) across posts, not a copy per item."""
    corpus, glossary = bundled
    cache: dict = {}
    _run(corpus, glossary, cache)
    cache = marshal.loads(marshal.dumps(cache))
    items = [rec[1] for entry in cache.values() if "done" in entry
             for rec in cache_mod.read_done(entry["done"], entry["done"][0])[2]]
    assert len({i.post for i in items}) > 1
    for field in ("type", "post", "source_file", "block"):
        first: dict = {}
        for i in items:
            value = getattr(i, field)
            assert first.setdefault(value, value) is value, field
    rules = [r for i in items for r in i.rules]
    concepts = [c for i in items for c in i.concepts]
    for values in (rules, concepts):
        first = {}
        assert values and all(first.setdefault(v, v) is v for v in values)
