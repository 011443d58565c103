"""Segment's per-file cache: the same corpus with or without it, one entry per file, only a changed
file read and its posts made again, twins still found, damaged entries redone (the pipeline-level
check is test_incremental.py)."""
from __future__ import annotations

import json
import sys
from dataclasses import fields, replace
from pathlib import Path

import pytest

from vault_builder import ingest
from vault_builder import segment as segment_module
from vault_builder.models import Post
from vault_builder.segment import found, segment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from corpus import write_corpus  # noqa: E402


def seed_files():
    return ingest.read_corpus(ingest.corpus_paths(ingest.default_content_dir())).files


def test_cached_segment_is_the_uncached_one():
    files = seed_files()  # every reader: flat, Markdown, forum and multi-post files, with twins
    plain = segment(files)
    cache: dict = {}
    first = segment(files, cache=cache)
    assert len(cache) == len(files)
    cache = json.loads(json.dumps(cache))  # as it comes back from disk
    second = segment(seed_files(), cache=cache)
    assert first == plain and second == plain


def cached_corpus(tmp_path, posts: int):
    """Synthetic source files, the cache after segmenting them, and its keys."""
    write_corpus(tmp_path, posts)
    files = ingest.read_corpus(ingest.corpus_paths(tmp_path)).files
    cache: dict = {}
    segment(files, cache=cache)
    return files, cache, set(cache)


def test_a_changed_file_is_read_again_and_old_entries_go(tmp_path):
    files, cache, before = cached_corpus(tmp_path, 3)
    changed = [replace(files[0], text=files[0].text + "\nOne more paragraph, added at the end.\n")] + files[1:]
    corpus, _ = segment(changed, cache=cache)
    assert len(cache) == 3 and len(set(cache) - before) == 1  # the stale entry is dropped
    assert corpus == segment(changed)[0]
    assert corpus != segment(files)[0]


def test_the_manifest_entry_is_part_of_the_key(tmp_path):
    files, cache, before = cached_corpus(tmp_path, 1)
    segment([replace(files[0], meta={**files[0].meta, "hints": {"thread_starts": "Nothing"}})], cache=cache)
    assert len(cache) == 1 and set(cache) != before


def segment_recording(monkeypatch, files, cache) -> tuple:
    """segment with the cache, recording the files read and the files of the posts made."""
    read, made = [], []
    real_read, real_make = found.FileRead.read, segment_module.make_post
    monkeypatch.setattr(found.FileRead, "read", lambda self: read.append(self.src.name) or real_read(self))
    monkeypatch.setattr(segment_module, "make_post", lambda raw, *a: made.append(raw.file) or real_make(raw, *a))
    corpus, problems = segment(files, cache=cache)
    monkeypatch.undo()
    return corpus, problems, read, made


def test_a_rebuild_reads_and_makes_only_the_changed_file(tmp_path, monkeypatch):
    files, cache, _ = cached_corpus(tmp_path, 4)
    cache = json.loads(json.dumps(cache))
    changed = files[:2] + [replace(files[2], text=files[2].text.replace(" the ", " a ", 1))] + files[3:]
    corpus, problems, read, made = segment_recording(monkeypatch, changed, cache)
    assert read == made == [files[2].name]
    assert (corpus, problems) == segment(changed)


def seeds_without_twins():
    """The forum dump and the Markdown export without their twins: their seams are guessed."""
    return [f for f in seed_files() if f.name[:3] not in ("000", "004")]


def edited_seed(files, name: str):
    """The seed files with one word of `name` changed (in its body, so its twin search runs again)."""
    return [replace(f, text=f.text.replace(" the ", " a ", 1)) if f.name == name else f for f in files]


def test_twins_are_found_again_after_a_change_of_either(monkeypatch):
    """The seeds hold twins (a flat and a Markdown copy; a forum dump and a text copy): a cached
    rebuild after a change in any one file gives the corpus of an uncached one."""
    files = seed_files()
    for src in files:
        cache: dict = {}
        segment(files, cache=cache)
        changed = edited_seed(files, src.name)
        corpus, problems, read, made = segment_recording(monkeypatch, changed, json.loads(json.dumps(cache)))
        assert (corpus, problems) == segment(changed), src.name
        assert src.name in read and made  # the post of its group is made again (named after its main copy)


def test_a_kept_cut_follows_a_change_of_the_twin_that_made_it():
    """The Markdown export (001) is cut where its flat twin (000) ends: half the twin, another cut."""
    files = seed_files()
    cache: dict = {}
    segment(files, cache=cache)
    halved = [replace(f, text=f.text[: len(f.text) // 2]) if f.name.startswith("000") else f for f in files]
    corpus, problems = segment(halved, cache=json.loads(json.dumps(cache)))
    assert (corpus, problems) == segment(halved)
    assert len(corpus.posts[0].blocks) < len(segment(files)[0].posts[0].blocks)


@pytest.mark.parametrize("seeds", [seed_files, seeds_without_twins])
def test_an_unchanged_rebuild_reads_no_file_even_with_twins_and_guessed_seams(monkeypatch, seeds):
    cache: dict = {}
    segment(seeds(), cache=cache)
    corpus, problems, read, made = segment_recording(monkeypatch, seeds(), json.loads(json.dumps(cache)))
    assert read == made == []
    assert (corpus, problems) == segment(seeds())


DAMAGE = {
    "post info": lambda entry: entry["posts"][0].update(undecided=1, blocks="3"),
    "shingles": lambda entry: entry["posts"][0].update(body=["zz", 1, "00"]),
    "guess": lambda entry: entry["posts"][0].update(thread_start="p1", post_start=10_000),
    "cut": lambda entry: entry["posts"][0].update(cut=["guess", 0, 10_000, ["", 0, ""], [None, None]]),
    "cut ends": lambda entry: [info["cut"].__setitem__(4, [None]) for info in entry["posts"] if "cut" in info],
    "problems": lambda entry: entry.update(problems=[{"level": "error"}]),
    "made post": lambda entry: entry["made"].update({k: [[1, 2], "x"] for k in entry["made"]}),
    "made blocks": lambda entry: [v[0][1].append(["p9"]) for v in entry["made"].values()],
    "not a dict": lambda entry: entry.clear(),
}


@pytest.mark.parametrize("damage", DAMAGE)
@pytest.mark.parametrize("seeds", [seed_files, seeds_without_twins])
def test_a_damaged_entry_is_redone(damage, seeds):
    files = seeds()
    cache: dict = {}
    segment(files, cache=cache)
    cache = json.loads(json.dumps(cache))
    for entry in cache.values():
        DAMAGE[damage](entry)
    assert segment(files, cache=cache) == segment(files)
    assert segment(files, cache=json.loads(json.dumps(cache))) == segment(files)  # and the entries mended


def test_a_made_post_comes_back_the_same():
    assert found.POST_FIELDS == tuple(f.name for f in fields(Post))
    for post in segment(seed_files())[0].posts:
        assert found.post_of_value(json.loads(json.dumps(found.post_value(post)))) == post
