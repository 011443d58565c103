"""The snippet topics' note paths (computations.topic_paths) are kept across builds in the note
cache, keyed by the topics and every name the vault uses: a kept path must be the one a clean
build claims, and a damaged entry means the names are claimed again."""
from __future__ import annotations

import copy

import pytest

from vault_builder import link, render
from vault_builder.models import Concept
from vault_builder.render import TOPICS, computations

from test_link_names import make_corpus

TOPIC_NAMES = ["θ1θ2 toy model", "RLCT", "Writer 1"]  # the last two collide with a concept's and a person's note


def ctx_of(corpus, items, concepts, cache: dict | None) -> render.Ctx:
    items = copy.deepcopy(items)
    return render.Ctx(render.environment(), corpus, items, concepts, link.link(corpus, items, concepts), note_cache=cache)


def paths(corpus, items, concepts, cache: dict | None) -> dict[str, str]:
    return computations.topic_paths(ctx_of(corpus, items, concepts, cache), list(TOPIC_NAMES))


@pytest.fixture
def registries(monkeypatch) -> list:
    made = []
    real = computations.registry

    def counted(ctx):
        made.append(ctx)
        return real(ctx)

    monkeypatch.setattr(computations, "registry", counted)
    return made


def test_topic_paths_are_claimed_after_every_name_of_the_vault():
    found = paths(*make_corpus(["A", "B"]), None)
    assert list(found) == TOPIC_NAMES
    assert found["RLCT"] != "Concepts/RLCT.md" and found["Writer 1"] != "Concepts/Writer 1.md"


def test_unchanged_names_keep_the_paths_without_a_registry(registries):
    corpus, items, concepts = make_corpus(["A", "B"])
    cache: dict = {}
    first = paths(corpus, items, concepts, cache)
    assert len(registries) == 1 and cache[TOPICS][1] == first
    assert paths(corpus, items, concepts, cache) == first == paths(corpus, items, concepts, None)
    assert len(registries) == 2  # the one without a cache only


def test_a_name_that_now_collides_claims_the_paths_again(registries):
    corpus, items, concepts = make_corpus(["A", "B"])
    cache: dict = {}
    first = paths(corpus, items, concepts, cache)
    concepts.append(Concept("θ1θ2 toy model"))  # a concept's note takes the topic's name (no page or map changes)
    again = paths(corpus, items, concepts, cache)
    assert again == paths(corpus, items, concepts, None) and again["θ1θ2 toy model"] != first["θ1θ2 toy model"]
    assert len(registries) == 3


@pytest.mark.parametrize("damage", [
    lambda entry: None, lambda entry: "x", lambda entry: (entry[0],), lambda entry: (entry[0], "x"),
    lambda entry: (entry[0], {t: 1 for t in entry[1]}), lambda entry: (entry[0], dict(list(entry[1].items())[1:])),
    lambda entry: ("other", entry[1])])
def test_a_damaged_entry_means_the_paths_are_claimed_again(registries, damage):
    corpus, items, concepts = make_corpus(["A", "B"])
    cache: dict = {}
    first = paths(corpus, items, concepts, cache)
    cache[TOPICS] = damage(cache[TOPICS])
    assert paths(corpus, items, concepts, cache) == first
    assert len(registries) == 2
