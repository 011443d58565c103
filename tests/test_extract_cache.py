"""extract(..., cache=): a warm build gives a cold build's items and concepts, and after an edit
re-extracts only the edited post."""
from __future__ import annotations

import copy
import json

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
    cache = json.loads(json.dumps(cache))  # what the caller keeps on disk
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
