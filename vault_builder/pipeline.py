"""The orchestrator: one function that reads like the pipeline.

    ingest -> segment -> extract -> link -> render (each note written as it comes) -> export (items, graph, deck, report)

The library never prints or exits: it returns a BuildResult with Problems; the CLI prints them
and chooses the exit code.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import networkx as nx

from . import __version__, buildcache, export, ingest, link, render, segment, writer
from .extract import extract
from .extract.glossary import load_glossary, load_overrides
from .models import Problem


class UsageError(Exception):
    """Bad command-line input (missing folder, output that is a file): exit code 2."""


class ConfigError(Exception):
    """A malformed sources.yaml, concepts.yaml or overrides.yaml: nothing is written, exit code 2."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


CONFIG_CODES = {"bad-manifest", "bad-concepts", "bad-overrides"}


@dataclass
class BuildOptions:
    sources: Path | None = None
    """A content folder (with sources/) or a plain folder of sources; None = the bundled corpus."""
    out: Path = Path("output")
    anki: bool = True
    vault_name: str | None = None
    """Obsidian vault name used in obsidian:// links (default: the vault folder's name)."""
    overwrite_settings: bool = False
    """Replace `.obsidian/` settings the user changed (normally they are kept)."""
    snippets: bool = True
    """Run the notes' Python snippets and embed their output (results are cached)."""
    cache_dir: Path | None = None
    """Where snippet results are cached; None = default_cache_dir()."""


def default_cache_dir() -> Path:
    """Snippet results depend only on their code and the numeric module, so one cache serves every
    build on the machine: $VAULT_BUILDER_CACHE, else $XDG_CACHE_HOME/vault-builder, else ~/.cache/vault-builder."""
    if os.environ.get("VAULT_BUILDER_CACHE"):
        return Path(os.environ["VAULT_BUILDER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "vault-builder"


@dataclass
class BuildResult:
    problems: list[Problem] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(p.level == "error" and p.code.startswith("build-") for p in self.problems)


def build(options: BuildOptions, log: Callable[[str], None] = lambda line: None,
          progress: Callable[[str], None] = lambda text: None) -> BuildResult:
    """Run the stages. log: one summary line per stage (counts and time). progress: transient
    status text while a stage runs (the CLI shows it on a terminal only).

    The cyclic garbage collector is off while a build runs (and as it was when it returns). A
    build makes almost no garbage cycles (measured at 400 posts with the collector off: a
    collection at each stage's end frees 0, 0, 0, 8, 288 and 99 objects), but it keeps hundreds of
    thousands of objects alive from stage to stage (the corpus, items, graph, note keys), and every
    collection their allocations trigger walks them all again: 4 s of a 2,000-post build.
    Refcounting frees everything else as before."""
    with export.no_cyclic_gc():
        return _build(options, log, progress)


def _build(options: BuildOptions, log: Callable[[str], None], progress: Callable[[str], None]) -> BuildResult:
    result = BuildResult()
    content = options.sources or ingest.default_content_dir()
    check_paths(content, options.out)
    paths = ingest.corpus_paths(content)

    start = time.perf_counter()
    print_ = buildcache.fingerprint(buildcache.input_files(paths.sources, [paths.manifest, paths.concepts, paths.overrides]),
                                    fingerprint_options(options, content))
    state = buildcache.unchanged(options.out, print_)
    if state is not None:
        # Nothing changed since the last build and its outputs are intact: they are this build's outputs.
        result.problems = [Problem(**p) for p in state["problems"]]
        result.counts = state["counts"]
        result.timings["up-to-date"] = round(time.perf_counter() - start, 4)
        log(f"up to date: nothing changed since the last build of {options.out}")
        export.write_report(options.out / "build-report.json", result, __version__)
        return result
    result.timings["fingerprint"] = round(time.perf_counter() - start, 4)

    with phase(result, "ingest", log, progress):
        ingested = ingest.read_corpus(paths)
        result.problems += ingested.problems
        result.counts["files"] = len(ingested.files)
        glossary, problems = load_glossary(paths.concepts) if paths.concepts else ([], [])
        result.problems += problems
        overrides, problems = load_overrides(paths.overrides) if paths.overrides else ({}, [])
        result.problems += problems
        config_errors = [p for p in result.problems if p.level == "error" and p.code in CONFIG_CODES]
        if config_errors:
            raise ConfigError(config_errors)
    with phase(result, "segment", log, progress):
        segment_cache = buildcache.load_stage_cache(options.out, "segment")
        corpus, problems = segment.segment(ingested.files, cache=segment_cache)
        buildcache.save_stage_cache(options.out, "segment", segment_cache)
        del ingested, segment_cache  # the posts hold the text from here on; free the raw files (memory of large corpora)
        result.problems += problems
        result.counts["posts"] = len(corpus.posts)
        result.counts["threads"] = sum(1 for p in corpus.posts if p.thread)
        result.counts["comments"] = sum(len(p.thread.comments) for p in corpus.posts if p.thread)
    with phase(result, "extract", log, progress):
        extract_cache = buildcache.load_stage_cache(options.out, "extract")
        items, concepts, problems = extract(corpus, glossary, overrides, cache=extract_cache,
                                            progress=lambda done, total: progress(f"extract  {done}/{total} posts and comments"))
        buildcache.save_stage_cache(options.out, "extract", extract_cache)
        del extract_cache
        result.problems += problems
        for kind in ("claim", "definition", "example", "counterexample"):
            result.counts[kind + "s"] = sum(1 for i in items if i.type == kind)
        result.counts["key_claims"] = sum(1 for i in items if i.type == "claim" and i.key)
    with phase(result, "link", log, progress):
        titles = buildcache.load_stage_cache(options.out, "link")
        graph = link.link(corpus, items, concepts, titles=titles)
        buildcache.save_stage_cache(options.out, "link", titles)
        del titles
        result.counts["concepts"] = len(concepts)
        result.counts["graph_nodes"] = graph.number_of_nodes()
        result.counts["graph_edges"] = edge_count(graph)
    vault_dir = options.out / "vault"
    buildcache.forget(options.out)
    with phase(result, "render", log, progress):
        # Rendered notes go to the writer as they come, never all in memory at once: render and
        # write are one stage.
        cache = (options.cache_dir or default_cache_dir()) / "snippets"
        note_cache, vault_stats = buildcache.load_render_cache(options.out)
        files = counted(render.render_files(corpus, items, concepts, graph, snippets=options.snippets,
                                            snippet_cache=cache, problems=result.problems, note_cache=note_cache),
                        result.counts)
        result.problems += writer.write_vault(vault_dir, files, overwrite_settings=options.overwrite_settings,
                                              stats=vault_stats)
        buildcache.save_render_cache(options.out, vault_dir, note_cache, vault_stats)  # describes the vault just written
        del note_cache  # vault_stats: kept for the build's state (buildcache.save)
    del corpus  # the exports need the items and the graph only
    with phase(result, "export", log, progress):
        export.write_items(options.out / "items.jsonl", items, cache=options.out / buildcache.CACHE_DIR / "items.index")
        export.write_graph(options.out / "graph.json", graph, cache=options.out / buildcache.CACHE_DIR / "graph.index")
        # The deck needs the items only: its memory goes to the deck (peak of large builds). The
        # graph's cached views make it a reference cycle, which only a collection would free (none
        # runs while the deck is made): emptied, its nodes and edges go at once.
        graph.clear()
        del graph
        if options.anki:
            from .deck import build_deck

            vault_name = options.vault_name or writer.real_folder(vault_dir).name  # the folder Obsidian opens
            report = build_deck(items, options.out / "anki", vault_name=vault_name,
                                cache_path=options.out / buildcache.CACHE_DIR / "deck.marshal")
            result.problems += report.problems
            result.counts["anki_cards"] = report.cards
            result.counts["anki_notes"] = report.notes
    export.write_report(options.out / "build-report.json", result, __version__)
    buildcache.save(options.out, print_, result.problems, result.counts, vault_dir, vault_stats)
    return result


def edge_count(graph: nx.MultiDiGraph) -> int:
    """graph.number_of_edges(), in a third of its time (it sums the degrees of every node: 0.5 s
    for the 500k edges of 2,000 posts)."""
    return sum(len(keys) for _, targets in graph.adjacency() for keys in targets.values())


def counted(files: Iterator[tuple[str, str | bytes]], counts: dict) -> Iterator[tuple[str, str | bytes]]:
    """Pass the rendered files through, counting the notes."""
    counts["notes"] = 0
    for path, content in files:
        counts["notes"] += path.endswith(".md")
        yield path, content


def fingerprint_options(options: BuildOptions, content: Path) -> dict:
    """The options that shape the outputs (the snippet cache folder does not: results are keyed by code)."""
    return {"sources": str(content.resolve()), "out": str(options.out.resolve()), "anki": options.anki,
            "vault_name": options.vault_name, "overwrite_settings": options.overwrite_settings,
            "snippets": options.snippets}


def check_paths(content: Path, out: Path) -> None:
    if not content.exists():
        raise UsageError(f"{content}: sources folder does not exist")
    if not content.is_dir():
        raise UsageError(f"{content}: sources path is not a folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: output path exists and is not a folder")


STAGE_COUNTS = {
    "ingest": ("files",), "segment": ("posts", "threads", "comments"),
    "extract": ("claims", "definitions", "examples", "counterexamples"),
    "link": ("concepts", "graph_nodes", "graph_edges"), "render": ("notes",), "export": ("anki_cards",),
}
"""The counts a stage's summary line shows (keys of BuildResult.counts)."""


class phase:
    """Times one stage, shows it as progress while it runs and logs its one-line summary."""

    def __init__(self, result: BuildResult, name: str, log: Callable[[str], None],
                 progress: Callable[[str], None] = lambda text: None):
        self.result, self.name, self.log, self.progress = result, name, log, progress

    def __enter__(self):
        self.progress(f"{self.name} …")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        self.result.timings[self.name] = round(seconds, 4)
        if exc[0] is None:
            counts = ", ".join(f"{self.result.counts[k]} {k.replace('_', ' ')}"
                               for k in STAGE_COUNTS.get(self.name, ()) if k in self.result.counts)
            self.log(f"{self.name:<8} {seconds:7.2f} s" + (f"  {counts}" if counts else ""))
        return False
