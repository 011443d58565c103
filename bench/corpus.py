"""Deterministic synthetic corpus: Markdown posts with front matter and comment threads.

Every post is built from a seeded random generator over a vocabulary of SLT terms and sentence
frames, with per-post unique nouns, so no two posts share enough word 4-grams to look like
duplicates. Used by bench/run.py (speed, memory) and by tests that need a corpus of some size.

    python bench/corpus.py OUT_DIR --posts 400
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

TERMS = ["learning coefficient", "free energy", "RLCT", "Bayesian posterior", "singularity", "prior",
         "parameter-function map", "Fisher information", "KL divergence", "phase transition",
         "effective dimension", "Hessian", "loss landscape", "model evidence", "inductive bias"]
VERBS = ["controls", "predicts", "bounds", "shapes", "explains", "dominates", "tracks", "changes"]
ADJ = ["degenerate", "regular", "singular", "flat", "sharp", "overparameterised", "tempered", "local"]
FRAMES = [
    "The {t1} {v} the {t2} in {a} models with {n} parameters.",
    "We define the {w} as the {t1} of a {a} {t2}.",
    "I think the {t1} should be studied before the {t2}, because {a} cases are common.",
    "For example, consider a {a} model where the {t1} is {k} and the {t2} is {m}.",
    "Suppose the {t1} vanishes; then the {t2} {v} the {w} only through {a} directions.",
    "This probably means that the {t1} is {a} near the {w}.",
    "In summary, the {t1} {v} the {t2} more than the {w} does.",
    "It is not clear whether the {t1} {v} the {t2} at {n} samples.",
]
SYLLABLES = ["ka", "lo", "mi", "ter", "vus", "pra", "den", "quo", "zel", "fin", "rho", "sig", "tam", "bex"]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def sentence(rng: random.Random, unique: list[str]) -> str:
    frame = rng.choice(FRAMES)
    return frame.format(t1=rng.choice(TERMS), t2=rng.choice(TERMS), v=rng.choice(VERBS), a=rng.choice(ADJ),
                        n=rng.randint(2, 10_000), k=rng.randint(1, 9), m=rng.randint(1, 9), w=rng.choice(unique))


def paragraph(rng: random.Random, unique: list[str]) -> str:
    return " ".join(sentence(rng, unique) + f" The {rng.choice(unique)} {rng.choice(VERBS)} the {rng.choice(unique)}."
                    for _ in range(rng.randint(2, 5)))


def post(i: int, seed: int = 0) -> str:
    rng = random.Random(seed * 1_000_003 + i)
    unique = [word(rng) for _ in range(12)]
    title = f"Post {i}: the {unique[0]} and the {rng.choice(TERMS)}"
    lines = ["---", f'title: "{title}"', f"author: Author {i % 37}", f"date: 2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "---",
             f"# {title}", ""]
    for s in range(rng.randint(2, 4)):
        lines += [f"## Section {s + 1}: {unique[s + 1]}", ""]
        for _ in range(rng.randint(2, 5)):
            lines += [paragraph(rng, unique), ""]
        if rng.random() < 0.5:
            lines += [f"- The {rng.choice(TERMS)} is {rng.choice(ADJ)}.", f"- The {unique[s]} is {rng.choice(ADJ)}.", ""]
    lines += [f"- Pingback {i} by 1 Jan 2024 10:00 UTC; 3 points) (", ""]
    comments = [paragraph(rng, unique) for _ in range(rng.randint(2, 6))]
    for k, c in enumerate(comments):
        lines += [c, ""]
        if k and rng.random() < 0.5:  # a reply that quotes the comment before it
            lines += [comments[k - 1], "", paragraph(rng, unique), ""]
    return "\n".join(lines)


def write_corpus(out: Path, posts: int, seed: int = 0) -> list[Path]:
    sources = out / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(posts):
        path = sources / f"{i:05d}.md"
        path.write_text(post(i, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--posts", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    write_corpus(args.out, args.posts, args.seed)


if __name__ == "__main__":
    main()
