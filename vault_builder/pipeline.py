"""The orchestrator: one function that reads like the pipeline.

    ingest -> segment -> extract -> link -> render -> write vault -> export (items, graph, deck, report)

The library never prints or exits: it returns a BuildResult with Problems; the CLI prints them
and chooses the exit code.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import __version__, export, ingest, link, render, segment, writer
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


def build(options: BuildOptions, log: Callable[[str], None] = lambda line: None) -> BuildResult:
    result = BuildResult()
    content = options.sources or ingest.default_content_dir()
    check_paths(content, options.out)
    paths = ingest.corpus_paths(content)

    with phase(result, "ingest", log):
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
    with phase(result, "segment", log):
        corpus, problems = segment.segment(ingested.files)
        result.problems += problems
        result.counts["posts"] = len(corpus.posts)
        result.counts["threads"] = sum(1 for p in corpus.posts if p.thread)
        result.counts["comments"] = sum(len(p.thread.comments) for p in corpus.posts if p.thread)
    with phase(result, "extract", log):
        items, concepts, problems = extract(corpus, glossary, overrides)
        result.problems += problems
        for kind in ("claim", "definition", "example", "counterexample"):
            result.counts[kind + "s"] = sum(1 for i in items if i.type == kind)
        result.counts["key_claims"] = sum(1 for i in items if i.type == "claim" and i.key)
    with phase(result, "link", log):
        graph = link.link(corpus, items, concepts)
        result.counts["concepts"] = len(concepts)
        result.counts["graph_nodes"] = graph.number_of_nodes()
        result.counts["graph_edges"] = graph.number_of_edges()
    vault_dir = options.out / "vault"
    with phase(result, "render", log):
        cache = (options.cache_dir or default_cache_dir()) / "snippets"
        files = render.render_vault(corpus, items, concepts, graph, snippets=options.snippets,
                                    snippet_cache=cache, problems=result.problems)
        result.counts["notes"] = sum(1 for name in files if name.endswith(".md"))
    with phase(result, "write", log):
        result.problems += writer.write_vault(vault_dir, files, overwrite_settings=options.overwrite_settings)
    with phase(result, "export", log):
        export.write_items(options.out / "items.jsonl", items)
        export.write_graph(options.out / "graph.json", graph)
        if options.anki:
            from .deck import build_deck

            report = build_deck(items, options.out / "anki", vault_name=options.vault_name or vault_dir.name)
            result.problems += report.problems
            result.counts["anki_cards"] = report.cards
            result.counts["anki_notes"] = report.notes
    export.write_report(options.out / "build-report.json", result, __version__)
    return result


def check_paths(content: Path, out: Path) -> None:
    if not content.exists():
        raise UsageError(f"{content}: sources folder does not exist")
    if not content.is_dir():
        raise UsageError(f"{content}: sources path is not a folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: output path exists and is not a folder")


class phase:
    """Times one stage and logs one line for it."""

    def __init__(self, result: BuildResult, name: str, log: Callable[[str], None]):
        self.result, self.name, self.log = result, name, log

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        self.result.timings[self.name] = round(seconds, 4)
        if exc[0] is None:
            self.log(f"{self.name:<8} {seconds * 1000:7.0f} ms")
        return False
