"""Segmentation of the bundled seed corpus, checked against the hand annotations (tests/gold).

The gold set says for every annotated span whether it is post text or comment text, so it is an
independent check that posts and threads were told apart and twins merged.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from vault_builder import ingest
from vault_builder.segment import segment

GOLD = Path(__file__).parent / "gold" / "seeds.yaml"


def words(text: str) -> str:
    text = re.sub(r"\$\$?[^$]*\$\$?", " ", text)
    return " ".join(re.findall(r"[a-z]{2,}", text.lower()))


@pytest.fixture(scope="module")
def corpus():
    ingested = ingest.read_corpus(ingest.corpus_paths(ingest.default_content_dir()))
    corpus, problems = segment(ingested.files)
    assert not [p for p in ingested.problems + problems if p.level == "error"]
    return corpus


@pytest.fixture(scope="module")
def gold():
    return yaml.safe_load(GOLD.read_text(encoding="utf-8"))["items"]


def test_seven_posts_three_threads(corpus):
    titles = [p.title for p in corpus.posts]
    assert len(titles) == 7 and len(set(titles)) == 7
    assert sum(1 for p in corpus.posts if p.thread) == 3
    assert "No, human brains are not more efficient than computers" in titles


def test_twins_are_merged_and_list_every_file(corpus):
    by_title = {p.title: p for p in corpus.posts}
    assert by_title["My Criticism of Singular Learning Theory"].files == ["000_adb522e58059aa4e.txt", "001_94b4f1940fd7fb52.txt"]
    weird = by_title["Neural networks generalize because of this one weird trick"]
    assert weird.files == ["003_27907969332a74c2.txt", "004_26b24737aa6f6a41.txt"]
    assert {b.file for b in weird.blocks} == {"004_26b24737aa6f6a41.txt"}  # the TeX copy's text
    assert weird.thread.files == ["003_27907969332a74c2.txt"]  # the forum copy's comments


def test_post_and_comment_text_are_apart(corpus, gold):
    """No gold comment span in a post body; no gold post span in a thread (outside quotes)."""
    post_text = {p.title: words(" ".join(b.text for b in p.blocks)) for p in corpus.posts}
    thread_text = {p.title: words(" ".join(b.text for b in p.thread.blocks if b.kind != "quote"))
                   for p in corpus.posts if p.thread}
    misplaced = []
    for g in gold:
        quote = words(g["quote"])
        if len(quote.split()) < 6:
            continue
        if g.get("in_comments") and quote in post_text.get(g["post"], ""):
            misplaced.append(("comment text in post", g["quote"][:60]))
        if not g.get("in_comments") and quote in thread_text.get(g["post"], ""):
            misplaced.append(("post text in thread", g["quote"][:60]))
    assert misplaced == []


def test_post_spans_are_found_in_their_post(corpus, gold):
    post_text = {p.title: words(" ".join(b.text for b in p.blocks)) for p in corpus.posts}
    titles = {re.sub(r"\W", "", t.lower()) for t in post_text}
    body = [g for g in gold if not g.get("in_comments") and re.sub(r"\W", "", g["post"].lower()) in titles]
    found = sum(1 for g in body if words(g["quote"]) in post_text[g["post"]])
    assert found / len(body) >= 0.9


def test_paragraphs_carry_block_ids(corpus):
    blocks = [b for p in corpus.posts for b in p.blocks if b.kind != "heading"]
    with_id = [b for b in blocks if re.fullmatch(r"[A-Za-z0-9-]+", b.id or "")]
    assert len(with_id) / len(blocks) >= 0.8
    ids = [(p.title, b.id) for p in corpus.posts for b in p.blocks]
    assert len(ids) == len(set(ids))


def test_doubled_math_becomes_tex(corpus):
    weird = next(p for p in corpus.posts if p.title.startswith("Neural networks generalize"))
    text = "\n".join(b.text for b in weird.blocks)
    assert r"F_n = n\beta S_n + \lambda \log n - (m-1) \log\log n" in text
    assert "q(x)q(x)" not in text and "p(wDn)=" not in text


def test_flat_twin_fills_the_math_gaps(corpus):
    joar = next(p for p in corpus.posts if p.title == "My Criticism of Singular Learning Theory")
    text = "\n".join(b.text for b in joar.blocks)
    assert "*parameter space*, Θ" in text.replace(" ,", ",")
    assert ", ," not in text


def test_thread_replies_are_linked_to_what_they_quote(corpus):
    weird = next(p for p in corpus.posts if p.title.startswith("Neural networks generalize"))
    quotes = [b for b in weird.thread.blocks if b.kind == "quote"]
    assert len(quotes) >= 10
    known = {b.id for b in weird.blocks} | {b.id for b in weird.thread.blocks}
    assert all(b.quotes in known for b in quotes)
    assert any(c.parent for c in weird.thread.comments)
    assert weird.thread.participants[:2] == ["Adrià Garriga-alonso", "Jesse Hoogland"]


def test_forum_dump_alone_finds_its_post_body(tmp_path):
    """Without its twin (004) or a hint, the page dump's post body is found by block shape."""
    (tmp_path / "sources").mkdir()
    name = "003_27907969332a74c2.txt"
    (tmp_path / "sources" / name).write_bytes((ingest.default_content_dir() / "sources" / name).read_bytes())
    ingested = ingest.read_corpus(ingest.corpus_paths(tmp_path))
    corpus, problems = segment(ingested.files)
    (post,) = corpus.posts
    assert post.blocks[0].text.startswith("Statistical learning theory is lying to you")
    assert post.thread.blocks[-1].text.startswith("I may have given the sense")
    assert [p.code for p in problems] == ["post-start-guessed"]


def test_markdown_export_alone_finds_where_its_comments_start(tmp_path):
    """Without its flat twin (000), the Markdown post+thread export is split after the post's
    sign-off and EDIT note."""
    (tmp_path / "sources").mkdir()
    name = "001_94b4f1940fd7fb52.txt"
    (tmp_path / "sources" / name).write_bytes((ingest.default_content_dir() / "sources" / name).read_bytes())
    corpus, problems = segment(ingest.read_corpus(ingest.corpus_paths(tmp_path)).files)
    (post,) = corpus.posts
    assert post.blocks[-1].text.startswith("EDIT:")
    assert post.thread.blocks[0].text.startswith("In your example there are many values")
    assert [p.code for p in problems] == ["thread-start-guessed"]
