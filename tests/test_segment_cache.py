"""The per-file cache of segment's readers: the same corpus with or without it, one entry per file,
and a changed file read again (the pipeline-level check is test_incremental.py)."""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from vault_builder import ingest
from vault_builder.segment import segment

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
