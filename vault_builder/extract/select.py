"""Selection among claim candidates: restatements, per post/thread quotas, two-sentence passages,
key (thesis-level) claims."""
from __future__ import annotations

from . import claims as C
from .candidates import Cand, State, passage_text, stems

MAX_KEY_PER_POST = 15
MAX_KEY_PER_THREAD = 6
RESTATEMENT = 0.5


def restatements(state: State, disabled: frozenset) -> None:
    """A claim that restates an earlier claim of the same post (same stems, Jaccard >= RESTATEMENT)
    is dropped: the vault gets one note per thesis, at its first statement."""
    if "claim.restatement" in disabled:
        return
    thr = RESTATEMENT
    seen: dict[str, list[tuple]] = {}
    keep = []
    for c in state.cands:
        if c.item.type != "claim":
            keep.append(c)
            continue
        st = stems(c.item.text)
        prior = seen.setdefault(c.item.post, [])
        first = next((o for p, o in prior if st and _jaccard(st, p) >= thr), None)
        if first is not None:
            c.kept = False
            c.restates = first
            state.reserve.append(c)
            continue
        prior.append((st, c))
        keep.append(c)
    state.cands = keep


def _jaccard(a: set, b: set) -> float:
    common = len(a & b)
    return common / (len(a) + len(b) - common)  # len(a | b) without building the union


def quota(state: State, disabled: frozenset) -> None:
    """Keep, per thread (and per post body if claims.QUOTA says so), the best claims up to that share of its sentences."""
    if "claim.quota" in disabled:
        return
    drop = set()
    groups: dict[tuple, list[Cand]] = {}
    for c in state.cands:
        if c.item.type == "claim" and id(c) not in drop:
            groups.setdefault((c.item.post, c.item.in_comments), []).append(c)
    for key, cands in groups.items():
        share = C.QUOTA["thread" if key[1] else "post"]
        if share is None:
            continue
        k = max(1, round(share * state.eligible.get(key, 0)))
        ranked = sorted(cands, key=lambda c: (-c.score, c.order))
        drop |= {id(c) for c in ranked[k:] if c.score < C.SURE}
    state.reserve += [c for c in state.cands if id(c) in drop]
    state.cands = [c for c in state.cands if id(c) not in drop]
    for c in state.cands:
        if c.item.type == "claim":
            c.item.rules.append("claim.quota")


MAX_CLAIM_SENTENCES = 2


def merge_continuations(state: State, disabled: frozenset) -> None:
    """Two claim sentences that follow each other in one paragraph form one claim passage (a thesis
    with its immediate elaboration, 'X is wrong. Or at least X does not apply …')."""
    if "claim.continuation" in disabled:
        return
    out: list[Cand] = []
    for c in state.cands:
        prev = out[-1] if out else None
        if (c.item.type == "claim" and prev is not None and prev.item.type == "claim"
                and len(prev.sents) < MAX_CLAIM_SENTENCES
                and prev.sents[-1].next is c.sents[0] and prev.sents[-1].block is c.sents[0].block):
            if not prev.sent_scores:
                prev.sent_scores = [prev.score]
            prev.sent_scores.append(c.score)
            prev.sents.append(c.sents[0])
            prev.item.text = passage_text(prev.sents)
            prev.score = max(prev.score, c.score)
            prev.item.rules = list(dict.fromkeys(prev.item.rules + c.item.rules + ["claim.continuation"]))
            continue
        out.append(c)
    state.cands = out


MIN_KEY_PER_POST = 5
MIN_KEY_PER_THREAD = 2


def keys(claims: list[Cand], disabled: frozenset) -> None:
    """Thesis-level claims: those a KEY_RULES rule marks (best first, capped per post body / thread),
    topped up with the best-scoring claims so a post body has about 5 (at most half of its claims)."""
    groups: dict[tuple, list[Cand]] = {}
    for c in claims:
        groups.setdefault((c.item.post, c.item.in_comments), []).append(c)
    for (post, in_comments), cands in groups.items():
        marked = []
        for c in cands:
            fired = [r.name for r in C.KEY_RULES.active(disabled) if r.fn(c.sents[0], c.score)]
            if fired:
                c.item.rules += fired
                marked.append(c)
        cap = MAX_KEY_PER_THREAD if in_comments else MAX_KEY_PER_POST
        chosen = sorted(marked, key=lambda k: (-k.score, k.order))[:cap]
        floor = min(MIN_KEY_PER_THREAD if in_comments else MIN_KEY_PER_POST, (len(cands) + 1) // 2)
        if len(chosen) < floor and "key.top-score" not in disabled:
            rest = sorted((k for k in cands if k not in chosen), key=lambda k: (-k.score, k.order))
            for k in rest[: floor - len(chosen)]:
                k.item.rules.append("key.top-score")
                chosen.append(k)
        for c in chosen:
            c.item.key = True
