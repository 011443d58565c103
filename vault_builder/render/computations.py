"""Executable snippets in the vault (vault_builder.snippets): the numeric module copied to
`_code/slt_numeric/`, every snippet run (results cached in `cache_dir`) and embedded with its
output (and plot, as `_code/plots/<name>.png`) in the notes of its concepts. Snippet concepts
that are not concepts of this vault ("15-parameter polynomial machine", "θ1θ2 toy model") get
a topic note of their own in `Concepts/`.

`prepare(ctx, cache_dir)` returns the extra Markdown per note name and the files to add;
render_vault calls it when asked to (the pipeline does; unit tests of rendering do not).
"""
from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Problem
from ..paths import NameRegistry, name_key
from ..tags import slug
from . import TOPICS, Ctx, inputs_key
from .markdown import stem

PLOTS = "_code/plots"
ENABLED = True
"""Switch for tests that build vaults without running the snippets (golden trees, writer tests)."""


@dataclass
class Prepared:
    extras: dict = field(default_factory=dict)
    """concept name (or topic name) -> Markdown for its note."""
    files: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    """topic name -> note path, for snippet concepts that are not concepts of the vault."""
    index: list = field(default_factory=list)
    """(title, note path) of every snippet, for Home."""
    problems: list = field(default_factory=list)


def prepare(ctx: Ctx, cache_dir: Path | None, workers: int = 2) -> Prepared:
    if not ENABLED:
        return Prepared()
    try:
        from .. import snippets as S
    except ImportError:  # the snippets module is optional
        return Prepared()
    out = Prepared()
    if not S.SNIPPETS:
        return out
    with tempfile.TemporaryDirectory(prefix="vault-code-") as tmp:
        code_dir = Path(cache_dir) / "code" if cache_dir else Path(tmp)
        written = S.copy_module(code_dir)
        for path in sorted(written):
            out.files[f"_code/{S.MODULE_NAME}/{path.name}"] = path.read_bytes()
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [(s, pool.submit(S.run_snippet, s, code_dir, cache_dir)) for s in S.SNIPPETS]
            results = {}
            for s, fut in futures:
                try:
                    results[s.name] = fut.result()
                except S.SnippetError as exc:
                    out.problems.append(Problem("warning", "snippet-failed", str(exc).splitlines()[0]))
    concepts = [d for d in ctx.nodes.values() if d.get("type") == "concept"]
    known = {name_key(d["label"]): d["label"] for d in concepts}
    for d in concepts:
        for alias in (*d.get("aliases", []), *d.get("abbreviations", [])):
            known.setdefault(name_key(alias), d["label"])
    out.topics = topic_paths(ctx, list(dict.fromkeys(c for s in S.SNIPPETS for c in s.concepts
                                                     if name_key(c) not in known)))
    first: dict[str, bool] = {}
    for s in S.SNIPPETS:
        result = results.get(s.name)
        targets = [known.get(name_key(c), c) for c in s.concepts]
        image = None
        if result is not None and result.png is not None:
            image = f"slt-{slug(s.name) or 'plot'}.png"
            out.files[f"{PLOTS}/{image}"] = result.png
        for target in dict.fromkeys(targets):
            include_pre = not first.get(target)
            first[target] = True
            md = S.render_snippet(s, include_pre=include_pre)
            md += "\n" + (S.render_result(result, image) if result is not None
                          else "> [!warning] This snippet failed when the vault was built.\n")
            out.extras[target] = (out.extras.get(target, "") + "\n" + md).strip() + "\n"
        home = targets[0]
        out.index.append((s.title, out.topics.get(home) or ctx.node(f"concept:{home}")["note"]))
    return out


def readable(name: str) -> str:
    """A name for a note's file: "|x|" reads as "abs x" (the title keeps the original)."""
    return re.sub(r"\|([^|]+)\|", r"abs \1", name)


def topic_paths(ctx: Ctx, topics: list[str]) -> dict[str, str]:
    """Topic -> the path of its note, claimed in this order in a registry of every name the vault
    uses. The registry reads every note (0.2 s at 2,000 posts) and the paths depend on nothing
    else: with a note cache they are kept (under TOPICS), keyed by the topics and every name."""
    if not topics:
        return {}  # most builds: no registry at all
    if ctx.note_cache is None:
        return claimed(registry(ctx), topics)
    key = inputs_key(("topic notes", topics, [d.get("note") for d in ctx.nodes.values()],
                      list(ctx.g.graph["notes"].values()), list(ctx.g.graph["debate_maps"].values())))
    old = ctx.old_topics
    if (isinstance(old, tuple) and len(old) == 2 and old[0] == key and isinstance(old[1], dict)
            and list(old[1]) == topics and all(type(path) is str for path in old[1].values())):
        paths = dict(old[1])
    else:  # none kept, made from other names, or damaged
        paths = claimed(registry(ctx), topics)
    ctx.note_cache[TOPICS] = (key, paths)
    return paths


def claimed(names: NameRegistry, topics: list[str]) -> dict[str, str]:
    return {topic: names.path("Concepts", names.claim("Concepts", readable(topic))) for topic in topics}


def registry(ctx: Ctx) -> NameRegistry:
    """A name registry holding every name the vault already uses (notes and pages)."""
    names = NameRegistry()
    taken = dict.fromkeys(d.get("note") for d in ctx.nodes.values())  # each once: a thread's comments share its note
    taken.pop(None, None)
    taken.pop("", None)
    taken.update(dict.fromkeys((*ctx.g.graph["notes"].values(), *ctx.g.graph["debate_maps"].values())))
    reserve = names.reserve
    for note in taken:
        reserve(note.rpartition("/")[0], stem(note))  # a name taken twice: the first folder stays (claim reads none)
    return names


def topic_notes(ctx: Ctx, prepared: Prepared) -> dict[str, str]:
    """A note per toy topic: what it is about, its snippets and outputs, the concepts involved."""
    files = {}
    for topic, note in sorted(prepared.topics.items()):
        related = []
        try:
            from .. import snippets as S

            for s in S.SNIPPETS:
                if topic in s.concepts:
                    related += [c for c in s.concepts if c != topic and f"concept:{c}" in ctx.g]
        except ImportError:
            pass
        fm = {"type": "topic", "title": topic, "aliases": [topic] if topic != stem(note) else [],
              "tags": ["type/topic", f"topic/{slug(topic)}"] if slug(topic) else ["type/topic"]}
        files[note] = ctx.template("topic.md.j2").render(
            fm=fm, name=topic, body=prepared.extras.get(topic, "").strip(),
            related=[ctx.link(f"concept:{c}") for c in dict.fromkeys(related)],
            home=ctx.page_link("home"))
    return files
