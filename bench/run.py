"""Build benchmark: speed, memory and growth of `vault build` on synthetic corpora.

For each size: wall time and peak memory of a full build (in a fresh process), MB/s, the time of a
bare markdown-it-py parse of the same text (same run), their ratio, the growth exponent between
consecutive sizes, a no-op rebuild and two one-file-change rebuilds: a word of one post's text
changed, then a word of another post's title (its notes move, and every page listing it changes).

    python bench/run.py                 # sizes 40 400 2000
    python bench/run.py --sizes 40 400
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from markdown_it import MarkdownIt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus  # noqa: E402

BUILD = """
import json, resource, sys, time
from pathlib import Path
from vault_builder.pipeline import BuildOptions, build
start = time.perf_counter()
result = build(BuildOptions(sources=Path(sys.argv[1]), out=Path(sys.argv[2])))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "timings": result.timings, "notes": result.counts.get("notes")}))
"""


def timed_build(sources: Path, out: Path) -> dict:
    os.sync()  # the last build's files written out first: their writeback would slow this one at random
    proc = subprocess.run([sys.executable, "-c", BUILD, str(sources), str(out)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bare_parse_seconds(files: list[Path]) -> float:
    md = MarkdownIt("commonmark")
    texts = [f.read_text(encoding="utf-8") for f in files]
    start = time.perf_counter()
    for text in texts:
        md.parse(text)
    return time.perf_counter() - start


def edit_file(path: Path, after: str) -> None:
    """Replace the first " the " after `after` (the front matter's "title:", or the first
    section heading for the post's text) with " a "."""
    text = path.read_text(encoding="utf-8")
    at = text.index(" the ", text.index(after))
    path.write_text(text[:at] + " a " + text[at + 5:], encoding="utf-8")


def bench_size(n: int, work: Path) -> dict:
    corpus = work / f"corpus-{n}"
    out = work / f"out-{n}"
    files = write_corpus(corpus, n)
    megabytes = sum(f.stat().st_size for f in files) / 1e6
    parse = bare_parse_seconds(files)
    full = timed_build(corpus, out)
    noop = timed_build(corpus, out)
    edit_file(files[n // 2], "\n## ")
    text = timed_build(corpus, out)
    edit_file(files[n // 2 + 1], "title:")
    title = timed_build(corpus, out)
    return {"posts": n, "mb": megabytes, "parse_s": parse, "full_s": full["seconds"], "peak_mb": full["peak_mb"],
            "noop_s": noop["seconds"], "text_s": text["seconds"], "title_s": title["seconds"], "notes": full["notes"],
            "stages": full["timings"], "text_stages": text["timings"], "title_stages": title["timings"]}


def share(r: dict, key: str) -> str:
    return f"{r[key]:6.2f} s ({100 * r[key] / r['full_s']:.0f}%)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[40, 400, 2000])
    ap.add_argument("--keep", type=Path, help="keep corpora and outputs in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="vault-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for n in args.sizes:
            rows.append(bench_size(n, work))
            r = rows[-1]
            growth = ""
            if len(rows) > 1:
                p = rows[-2]
                growth = f"{math.log(r['full_s'] / p['full_s']) / math.log(r['posts'] / p['posts']):.2f}"
            print(f"{r['posts']:>5} posts {r['mb']:6.2f} MB | full {r['full_s']:7.2f} s  peak {r['peak_mb']:7.1f} MB  "
                  f"{r['mb'] / r['full_s']:5.2f} MB/s | bare parse {r['parse_s']:6.3f} s  ratio {r['full_s'] / r['parse_s']:6.1f}x | "
                  f"growth {growth or '-':>5} | no-op {share(r, 'noop_s')}  one file: text {share(r, 'text_s')}, "
                  f"title {share(r, 'title_s')} | {r['notes']} notes", flush=True)
            for name, key in (("full", "stages"), ("text", "text_stages"), ("title", "title_stages")):
                print(f"      {name} stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in r[key].items()), flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
