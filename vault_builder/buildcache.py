"""Incremental builds: the whole-build fingerprint that lets a no-op rebuild return at once.

A build's outputs are a function of (code, options, input files). After a successful build we
store, in `<out>/.cache/build.marshal`, a fingerprint of those three plus the size and mtime of
every output file. The next build computes the fingerprint again (hashing the inputs is cheap:
~20 ms for 3 MB) and, when it matches and every output file is still as we left it, returns the
stored result without running a stage. Anything else (an input edited, an option changed, the code
upgraded, an output file touched or deleted, the state file missing or unreadable) means a real
build, which overwrites the state at the end; a failed build leaves the old state, which still
describes the old outputs the failed build kept.

Output stats are compared, not output hashes: hashing 20,000 notes would cost as much as the
parts of the build it saves. A user who edits a generated note changes its mtime, so the next
build runs and restores the generated part (keeping the user's section, as always).
"""
from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from . import __version__
from .models import Problem

CACHE_DIR = ".cache"
"""Under the output folder; ignored by the vault (it lives beside vault/, not in it)."""
STAGE_SUFFIX = ".marshal"
"""The stage caches' files: `<stage>.marshal` (load_stage_cache)."""
STATE = "build"
"""The whole build's state (`build.marshal`), kept as the stage caches are."""
SKIPPED_OUTPUTS = {"build-report.json"}
"""Rewritten by every real build with its own timings; not part of what a no-op must keep intact."""


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the package source, its templates and bundled data, and the Python version: any
    change to the code that makes the outputs may change them."""
    here = Path(__file__).resolve().parent
    roots = [here, here.parent / "templates", here.parent / "content" / "concepts.yaml"]
    h = hashlib.sha256(f"{__version__} {sys.version}".encode())
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for p in files:
            h.update(p.relative_to(root.parent).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def fingerprint(inputs: list[Path], options: dict) -> str:
    """Hash of the code version, the options and the name and bytes of every input file."""
    h = hashlib.sha256(code_version().encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    for path in inputs:
        h.update(str(path).encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"\0unreadable")
        h.update(b"\0")
    return h.hexdigest()


def input_files(sources: Path, extra: list[Path | None]) -> list[Path]:
    """Every file a build may read: all files in the sources folder (unsupported ones give
    warnings, so they count too) and the manifest, glossary and overrides."""
    files = sorted(p for p in sources.iterdir() if p.is_file())
    return files + [p for p in extra if p is not None]


def output_stats(out: Path, recorded: dict[str, dict] | None = None) -> dict[str, list[int]]:
    """relative path -> [size, mtime_ns] of every output file (the cache and the report left out).
    recorded: {folder: the stats of its files} for top folders whose files were stat'ed as they
    were written (the vault: writer.write_vault's stats), which are not read again. A top folder
    that is a symlink (a vault kept elsewhere: writer.real_folder) counts as the folder it points to."""
    stats: dict[str, list[int]] = {}
    stack = [(os.fspath(out), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=not prefix):
                if recorded and rel in recorded:
                    stats.update((f"{rel}/{path}", stat) for path, stat in recorded[rel].items())
                elif rel != CACHE_DIR:
                    stack.append((entry.path, rel + "/"))
                continue
            if rel in SKIPPED_OUTPUTS:
                continue
            st = entry.stat(follow_symlinks=False)
            stats[rel] = [st.st_size, st.st_mtime_ns]
    return stats


def unchanged(out: Path, print_: str) -> dict | None:
    """The stored state (problems, counts) when `print_` matches it and the outputs are intact."""
    state = load_stage_cache(out, STATE)
    if state.get("fingerprint") != print_:
        return None
    if state.get("outputs") != output_stats(out):
        return None
    return state


def save(out: Path, print_: str, problems: list[Problem], counts: dict, vault: Path, vault_stats: dict) -> None:
    """The build's state; vault_stats: the stats of the vault's files as the writer recorded them
    while writing (writer.write_vault's `stats`), which are not read again. A file the user
    changes after this no longer matches them, so the next build is a real one, as it must be."""
    recorded = {vault.relative_to(out).as_posix(): vault_stats}
    state = {"fingerprint": print_, "problems": [asdict(p) for p in problems], "counts": counts,
             "outputs": output_stats(out, recorded)}
    save_stage_cache(out, STATE, state)


def load_render_cache(out: Path) -> tuple[dict, dict]:
    """The render stage's record of the vault the last build wrote (`<out>/.cache/render.marshal`):
    note path -> note key (render.Ctx.note_cache) and vault file -> [size, mtime_ns]
    (writer.write_vault's stats); empty where missing or damaged (then every note is rendered,
    every old file read)."""
    cache = load_stage_cache(out, "render")
    notes, files = cache.get("notes"), cache.get("files")
    return notes if isinstance(notes, dict) else {}, files if isinstance(files, dict) else {}


def save_render_cache(out: Path, vault: Path, notes: dict, files: dict) -> None:
    save_stage_cache(out, "render", {"vault": vault.relative_to(out).as_posix(), "notes": notes, "files": files})


def cache_file(out: Path, stage: str) -> Path:
    return out / CACHE_DIR / f"{stage}{STAGE_SUFFIX}"


def load_stage_cache(out: Path, stage: str) -> dict:
    """A stage's per-file or per-post results from the last build (`<out>/.cache/<stage>.marshal`,
    entries keyed by hashes of what they depend on: segment.read_cached, extract.cache); {} when
    there is none or it does not read (then everything is redone).

    marshal, not JSON: at 2,000 posts these files hold 140 MB, which JSON reads and writes in
    1.5 s and marshal in 0.3 s. It keeps tuples as tuples (JSON made them lists). The file is the
    SHA-1 of the marshal bytes, then those bytes: damaged bytes are noticed before marshal reads
    them (it is not meant for data it did not write)."""
    try:
        data = cache_file(out, stage).read_bytes()
        body = memoryview(data)[20:]  # not a copy: these files reach 50 MB
        if hashlib.sha1(body).digest() != data[:20]:
            return {}
        cache = marshal.loads(body)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return cache if isinstance(cache, dict) else {}


def save_stage_cache(out: Path, stage: str, cache: dict) -> None:
    """Saved as soon as the stage is done: an entry is valid whatever happens to the rest of the
    build.  A cache that cannot be written (or holds a value marshal cannot write) is no error
    (an output folder that is not writable is reported by the writer)."""
    path = cache_file(out, stage)
    tmp = path.with_name(path.name + ".tmp")
    try:
        data = marshal.dumps(cache)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(hashlib.sha1(data).digest())
            fh.write(data)
        os.replace(tmp, path)
        path.with_suffix(".json").unlink(missing_ok=True)  # what earlier code wrote (JSON): 140 MB at 2,000 posts
    except (OSError, ValueError):
        tmp.unlink(missing_ok=True)


def forget(out: Path) -> None:
    """Drop the state before a real build changes the outputs it describes (a build that dies
    half-way must not leave a state that matches half-written outputs)."""
    try:
        cache_file(out, STATE).unlink()
    except OSError:
        pass
