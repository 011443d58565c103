"""extract(): interface, ids, glossary, overrides, authors, thread structure, determinism."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, strategies as st

from extract_helpers import corpus, post
from vault_builder.extract import all_rule_names, extract, load_glossary, load_overrides, stable_id
from vault_builder.models import Concept

ROOT = Path(__file__).parent.parent
GLOSSARY, _ = load_glossary(ROOT / "content" / "concepts.yaml")

POST = [
    "# Introduction",
    "I do not believe that the learning coefficient explains generalisation in neural networks.",
    "However, the free energy formula is exact for Bayesian inference in the limit of large datasets.",
    "Suppose we fit a model with two parameters whose loss is the product of both. "
    "Then the most singular point is not where a random walk spends its time, contradicting the claim above.",
    "We call such points \"crossing points\". A *whirl basin*, which is a region where the loss spirals towards a minimum.",
    "Thanks for reading!",
]


def test_glossary_loads():
    names = [c.name for c in GLOSSARY]
    assert "RLCT" in names and "Free energy" in names and "BIC" in names
    rlct = next(c for c in GLOSSARY if c.name == "RLCT")
    assert "learning coefficient" in rlct.aliases and "λ" in rlct.abbreviations


def test_glossary_malformed_is_a_problem_not_an_exception(tmp_path):
    bad = tmp_path / "concepts.yaml"
    bad.write_text("concepts:\n  - name: A\n    aliases: [unclosed\n", encoding="utf-8")
    concepts, problems = load_glossary(bad)
    assert concepts == []
    assert problems[0].level == "error" and problems[0].code == "bad-concepts"
    assert problems[0].where.startswith("concepts.yaml:")
    bad.write_text("concepts:\n  - name: A\n    definition: no definitions here\n", encoding="utf-8")
    concepts, problems = load_glossary(bad)
    assert concepts == [] and problems[0].where == "concepts.yaml:2"


def test_overrides_example_file_is_empty_and_valid():
    data, problems = load_overrides(ROOT / "content" / "overrides.yaml")
    assert data == {} and problems == []


def test_stable_id_ignores_rendering():
    a = stable_id("claim", "My Post", "The RLCT is $\\lambda$-like, *really*.")
    b = stable_id("claim", "My Post", "the  rlct is λ-like — really")
    assert a == b
    assert a.startswith("cla-my-post-")
    assert stable_id("definition", "My Post", "x").startswith("def-")


@given(st.text(max_size=40), st.text(max_size=40))
def test_stable_id_shape(title, text):
    i = stable_id("claim", title, text)
    assert i.startswith("cla-") and all(ch.isalnum() or ch == "-" for ch in i)


def _run(**kw):
    p = post(POST, comments=kw.pop("comments", None), quotes=kw.pop("quotes", None))
    return extract(corpus(p), GLOSSARY, kw.pop("overrides", None), **kw)


def test_items_shape_and_provenance():
    items, concepts, problems = _run()
    assert problems == []
    types = [i.type for i in items]
    assert "claim" in types and "definition" in types and "counterexample" in types
    for it in items:
        row = it.to_json()
        assert set(row) == {"id", "type", "text", "post", "in_comments", "author", "term", "concepts", "taxonomy",
                            "key", "against", "note", "source", "rules"}
        assert row["source"]["file"] == "t.md" and row["source"]["block"].startswith("^p")
        assert it.author == "A. Author" and it.post == "Test post" and it.note == "" and it.rules
        assert (it.taxonomy is not None) == (it.type == "claim")
        assert it.text in "\n".join(POST)
    json.dumps([i.to_json() for i in items])
    assert len({i.id for i in items}) == len(items)


def test_definitions_name_terms_and_discover_concepts():
    items, concepts, _ = _run()
    terms = {i.term for i in items if i.type == "definition"}
    assert "crossing points" in terms and "whirl basin" in terms
    discovered = {c.name for c in concepts if c.discovered}
    assert {"Crossing points", "Whirl basin"} <= discovered
    assert [c.name for c in concepts[: len(GLOSSARY)]] == [c.name for c in GLOSSARY]


def test_counterexample_targets_claim_in_same_post():
    items, _, _ = _run()
    ce = next(i for i in items if i.type == "counterexample")
    target = next(i for i in items if i.id == ce.against)
    assert target.type == "claim"


def test_thanks_and_questions_are_not_claims():
    items, _, _ = _run()
    assert not any("Thanks" in i.text for i in items)


def test_reply_counterexample_targets_quoted_claim_and_quote_is_not_extracted():
    quoted = POST[2]
    comments = [[quoted, "For example, with weight decay the flat directions vanish, so the formula does not hold."]]
    items, _, _ = _run(comments=comments, quotes={(1, 1): "p3"})
    thread = [i for i in items if i.in_comments]
    assert all(i.block != "c1-p1" for i in thread), "quoted paragraphs are credited to the original"
    ce = next(i for i in thread if i.type == "counterexample")
    target = next(i for i in items if i.id == ce.against)
    assert target.block == "p3" and target.type == "claim"
    assert ce.author is None and ce.comment == "c1"


def test_comment_author_only_when_known():
    p = post(["A post."], comments=[["The free energy is dominated by the most singular point in every case."]])
    p.thread.comments[0].author = "Known Person"
    items, _, _ = extract(corpus(p), GLOSSARY)
    assert items and all(i.author == "Known Person" for i in items if i.in_comments)


def test_deterministic():
    a, _, _ = _run()
    b, _, _ = _run()
    assert [i.to_json() for i in a] == [i.to_json() for i in b]


def test_disabled_rules_switch_off():
    items, _, _ = _run(disabled_rules={"def.we-call"})
    assert "crossing points" not in {i.term for i in items}
    items, _, problems = _run(disabled_rules={"no.such.rule"})
    assert problems and problems[0].code == "unknown-rule"
    assert "claim.thesis-verb" in all_rule_names()


def test_overrides_drop_retype_key_taxonomy_and_unknown():
    items, _, _ = _run()
    claim = next(i for i in items if i.type == "claim")
    defn = next(i for i in items if i.type == "definition")
    overrides = {
        claim.id: {"key": True, "taxonomy": {"normative_or_descriptive": "normative"}},
        defn.id: {"drop": True},
        "cla-nope-00000000": {"key": True},
    }
    out, _, problems = _run(overrides=overrides)
    by_id = {i.id: i for i in out}
    assert defn.id not in by_id
    assert by_id[claim.id].key is True
    assert by_id[claim.id].taxonomy["normative_or_descriptive"] == "normative"
    assert by_id[claim.id].taxonomy_cues["normative_or_descriptive"] == "override"
    assert [p.code for p in problems] == ["unknown-override"]
    retyped, _, _ = _run(overrides={claim.id: {"type": "definition", "term": "whatever"}})
    it = next(i for i in retyped if i.id == claim.id)
    assert it.type == "definition" and it.taxonomy is None and it.term == "whatever"


def test_load_overrides_formats(tmp_path):
    f = tmp_path / "overrides.yaml"
    f.write_text("drop: [cla-a-1]\nitems:\n  cla-b-2:\n    key: true\n  cla-c-3:\n    colour: red\n", encoding="utf-8")
    data, problems = load_overrides(f)
    assert data["cla-a-1"] == {"drop": True} and data["cla-b-2"] == {"key": True}
    assert problems and problems[0].code == "bad-override" and problems[0].where == "overrides.yaml:5"
    f.write_text("items: [\n", encoding="utf-8")
    data, problems = load_overrides(f)
    assert data == {} and problems[0].code == "bad-overrides"


def test_empty_corpus_and_empty_glossary():
    items, concepts, problems = extract(corpus(), [], disabled_rules={"glossary.bundled"})
    assert items == [] and concepts == [] and problems == []
    items, concepts, _ = extract(corpus(post(POST)), [Concept("Thing")])
    assert items


def test_no_glossary_falls_back_to_the_bundled_one():
    items, concepts, problems = extract(corpus(post(POST)), [])
    assert any(c.name == "RLCT" for c in concepts)
    assert [p.code for p in problems] == ["bundled-glossary"]


def _by_id(items):
    return {i.id: i for i in items}


def test_against_disputed_claim_in_same_paragraph():
    p = post([
        "The main promise of the theory is that the posterior is dominated by the most singular points. "
        "If this is true, then we could study a handful of points instead of the whole landscape. "
        "However, I think that this claim is false. "
        "For example, suppose the loss is the minimum of the absolute values of two weights. "
        "Then a random walk is almost never near the origin, contradicting the prediction.",
    ])
    items, _, _ = extract(corpus(p), GLOSSARY)
    ce = next(i for i in items if i.type == "counterexample")
    target = _by_id(items)[ce.against]
    assert "against.disputed-claim" in ce.rules
    assert target.text.startswith("The main promise of the theory")


def test_against_their_example_answers_an_earlier_counterexample():
    p = post(["Singular points always generalise better than regular ones in deep networks."], comments=[[
        "Here is a toy example where the post and the theory give different answers. "
        "Let $f(x) = a b x$ and take the loss to be its square at one point, so the origin is singular but useless.",
        "In your case, let's say we discretise the weights on a fine grid. Then the origin gets most of the grid points, "
        "so the claim does not fail.",
    ]])
    items, _, _ = extract(corpus(p), GLOSSARY)
    ces = [i for i in items if i.type == "counterexample"]
    assert len(ces) == 2
    assert ces[1].against == ces[0].id and "against.their-example" in ces[1].rules


def test_against_post_reference_targets_the_post_body():
    p = post([
        "Stochastic gradient descent samples from a distribution proportional to the posterior at a temperature set by the learning rate.",
        "Generalisation is fundamentally about the prior rather than the optimiser.",
    ], comments=[[
        "Curvature never matters for singular models in practice.",
        "As an aside, I tried to work out the best learning rate from the theory in the post, and it does not match "
        "what practitioners use at all.",
    ]])
    items, _, _ = extract(corpus(p), GLOSSARY)
    ce = next(i for i in items if i.type == "counterexample")
    target = _by_id(items)[ce.against]
    assert not target.in_comments and "learning rate" in target.text


def test_reply_answer_cue_and_disputed_quote():
    p = post(["The learning coefficient is the right measure of model complexity for neural networks."],
             comments=[["The learning coefficient is the right measure of model complexity for neural networks.",
                        "That cannot be right, because the measure depends on the parameterisation and not only on the function."]],
             quotes={(1, 1): "p1"})
    items, _, _ = extract(corpus(p), GLOSSARY)
    reply = next(i for i in items if i.in_comments)
    assert "claim.reply-answer" in reply.rules
    original = next(i for i in items if i.block == "p1")
    assert "claim.disputed" in original.rules


def test_key_claims_per_post_body():
    items, _, _ = _run()
    claims = [i for i in items if i.type == "claim" and not i.in_comments]
    assert any(i.key for i in claims)
    assert sum(i.key for i in claims) <= 15


def test_sentence_runs_through_display_math():
    blocks = ["Suppose the model is given by", "$$f(x) = a b x,$$", "and whose loss is the squared error at one point. "
              "Then every point on the axes is a minimum, so the theory does not apply."]
    p = post(blocks)
    p.blocks[1].kind = "math"
    items, _, _ = extract(corpus(p), GLOSSARY)
    ex = next(i for i in items if i.type in ("example", "counterexample"))
    assert "$$f(x) = a b x,$$" in ex.text and ex.text.startswith("Suppose") and "squared error" in ex.text


def test_against_other_post_named_by_title():
    a = post(["Flat minima explain why large networks generalise so well in practice."], title="Why flat minima matter for generalisation")
    b = post(["Sharp minima are sometimes better than flat ones, contrary to the popular view.",
              "For example, the post Why flat minima matter for generalisation ignores reparameterisation: "
              "rescaling two layers makes any flat minimum sharp without changing the function, so the claim fails."],
             title="Against flatness")
    items, _, _ = extract(corpus(a, b), GLOSSARY)
    ce = next(i for i in items if i.type == "counterexample")
    target = _by_id(items)[ce.against]
    assert target.post == "Why flat minima matter for generalisation" and "against.other-post" in ce.rules


def test_terms_defined_in_the_text_become_concepts_of_later_items():
    p = post([
        "We call such regions \"loss canyons\".",
        "Loss canyons are not bowls, and their width does not measure how well a network generalises.",
    ])
    items, concepts, _ = extract(corpus(p), GLOSSARY)
    assert any(c.name == "Loss canyons" and c.discovered for c in concepts)
    claim = next(i for i in items if i.type == "claim")
    assert "Loss canyons" in claim.concepts and "claim.concepts" in claim.rules


def test_against_previous_paragraph_in_a_thread():
    p = post(["A post about priors."], comments=[[
        "To me the posterior mass near the origin is simply the same thing as having fewer effective parameters.",
        "Here is a concrete toy example where the theory and this post give different answers. "
        "Let $f(x) = a b x$ with the loss at one point, so every point on the axes fits equally well.",
    ]])
    items, _, _ = extract(corpus(p), GLOSSARY)
    ce = next(i for i in items if i.type == "counterexample")
    assert "against.previous-paragraph" in ce.rules
    assert _by_id(items)[ce.against].block == "c1-p1"


def test_where_clause_of_a_strong_claim_is_a_definition_and_the_sentence_stays_a_claim():
    text = ("The integral is always dominated by the simplest functions of minimum loss, because their volume "
            "scales like $e^{-d}$, where $d$ is the effective dimension near the singularity.")
    items, _, _ = extract(corpus(post([text])), GLOSSARY)
    d = next(i for i in items if i.type == "definition")
    assert d.text.startswith("where $d$ is the effective dimension") and "def.where-clause" in d.rules
    assert any(i.type == "claim" and i.text == text for i in items)


def _against_rules(paragraphs, comments=None, **kw):
    items, _, _ = extract(corpus(post(paragraphs, comments=comments, **kw)), GLOSSARY)
    return [r for i in items if i.type == "counterexample" for r in i.rules if r.startswith("against.")]


def test_against_rules_do_not_fire_without_their_cue():
    post_text = ["Singular points always dominate the posterior of a neural network.",
                 "For example, suppose the loss is the minimum of two weights; then a random walk rarely visits the "
                 "origin, contradicting the prediction."]
    fired = _against_rules(post_text)
    assert fired == ["against.similar-claim"]  # no dispute sentence, no quote, no title, not a thread
    assert "against.their-example" not in _against_rules(
        ["A post."], comments=[["Consider a network with one unit. It does not learn the constant function, "
                                "which shows the bound fails."]])


def test_ids_survive_small_edits_and_second_sentence_changes():
    a = ["The learning coefficient is not a complexity measure, because it depends on the parameterisation. "
         "It therefore cannot explain generalisation on its own."]
    b = ["The *learning coefficient* is not a complexity measure — because it depends on the parameterisation! "
         "It therefore can never explain generalisation by itself, whatever the architecture."]
    ia, _, _ = extract(corpus(post(a)), GLOSSARY)
    ib, _, _ = extract(corpus(post(b)), GLOSSARY)
    ca = [i for i in ia if i.type == "claim"]
    cb = [i for i in ib if i.type == "claim"]
    assert ca and cb and ca[0].id == cb[0].id


def test_blockquotes_are_not_extracted_as_the_authors_claims():
    p = post(["Someone wrote the following.", "Neural networks are always Bayesian samplers and nothing else matters.",
              "That claim is wrong, because gradient noise is not isotropic in any realistic network."])
    p.blocks[1].kind = "quote"
    items, _, _ = extract(corpus(p), GLOSSARY)
    assert all(i.block != "p2" for i in items)
    assert any(i.block == "p3" and i.type == "claim" for i in items)
