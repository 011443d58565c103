"""Extraction: blocks -> claims, definitions, examples and counterexamples (items.jsonl).

    items, concepts, problems = extract(corpus, glossary, overrides, disabled_rules={...})

Deterministic and explainable: every decision is made by a named rule of an ordered rule list
(claims.CLAIM_VETOES, claims.CLAIM_CUES, claims.KEY_RULES, definitions.DEFINITION_RULES,
examples.EXAMPLE_RULES, examples.COUNTER_RULES, taxonomy.*_RULES, AGAINST_RULES below), any
rule can be switched off by name, and each item records the rules that fired.

Order of work per post body and per comment, sentence by sentence:
1. an example cue opens a passage -> counterexample (a refutation cue fired) or example;
2. a definitional pattern names a term -> definition (weak patterns yield to strong claims);
3. otherwise no veto fired and the cues weigh at least claims.THRESHOLD -> claim.
Then: key claims, taxonomy, `against` of counterexamples, discovered concepts, concepts per
item, stable ids, user overrides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Concept, Corpus, Item, Post, Problem
from . import claims as C
from . import definitions as D
from . import examples as E
from . import taxonomy as T
from .context import Sent, block_sents
from .glossary import ConceptIndex, load_glossary, load_overrides  # noqa: F401  (public API)
from .ids import slug, stable_id, unique_ids  # noqa: F401
from .ruler import Ruler

__all__ = ["extract", "stable_id", "load_glossary", "load_overrides", "all_rule_names", "RULERS"]

WEAK_DEFINITION_RULES = {"def.concept-copula", "def.type-of", "def.that-is", "def.in-the-sense", "def.appositive", "def.measures"}
"""Patterns that also fit ordinary theses: they make a definition only when the sentence is no strong claim."""
WEAK_DEFINITION_YIELDS_AT = 3.5
MAX_KEY_PER_POST = 15
MAX_KEY_PER_THREAD = 6
_STOP = set("the a an and or of to in on for with by is are was were be been it this that these those as at from "
            "we i you they he she which what not no but if then than so such can will would could should may might "
            "have has had do does did there their its our your my his her them us me".split())


@dataclass
class _Cand:
    item: Item
    sents: list[Sent]
    score: float = 0.0
    unit: str = ""
    """'post' or the comment id."""
    order: int = 0
    para: int = 0
    """Global index of the candidate's paragraph (post body, then comments, in order)."""
    kept: bool = True
    """False for a reserve sentence (not selected as a claim)."""
    sent_scores: list = field(default_factory=list)
    others: list = field(default_factory=list)
    """For counterexamples: the example items of the corpus (an answer may target one)."""
    restates: "_Cand | None" = None
    """For a dropped restatement: the claim it restates (counterexamples aimed at it go there)."""


@dataclass
class _State:
    disabled: frozenset
    index: ConceptIndex
    cands: list[_Cand] = field(default_factory=list)
    quoted_blocks: set = field(default_factory=set)
    order: int = 0
    reserve: list = field(default_factory=list)
    """Sentences that were not kept as claims but may be promoted when a counterexample targets them."""
    eligible: dict = field(default_factory=dict)
    """(post title, in thread) -> number of sentences considered for claims."""
    paras: dict = field(default_factory=dict)
    """(post title, unit, block id) -> global paragraph index."""


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z0-9'-]{2,}", text.lower()) if w not in _STOP}


def _passage_text(sents: list[Sent]) -> str:
    b = sents[0].block
    return b.text[sents[0].start:sents[-1].end]


def _make_item(kind: str, post: Post, sents: list[Sent], rules: list[str]) -> Item:
    s = sents[0]
    author = (s.comment.author if s.comment else None) if s.in_comments else post.author
    return Item(id="", type=kind, text=_passage_text(sents), post=post.title, in_comments=s.in_comments,
                author=author, source_file=s.block.file, block=s.block.id, rules=list(rules),
                comment=s.comment.id if s.comment else None, note="")


_ANAPHORIC_DEF = re.compile(r"^(we call (these|this|such|them|it)|(this|these|such \w+|it|they) (is|are) (called|known as|termed|referred to as))\b", re.I)


def _definition_passage(s: Sent) -> list[Sent]:
    """A definition sentence plus a following gloss sentence ('Roughly, this measures …'); a definition
    that names what the previous sentence described ('We call these changes …') includes that sentence."""
    out = [s]
    if s.prev is not None and s.prev.block is s.block and _ANAPHORIC_DEF.search(s.plain.strip()):
        out.insert(0, s.prev)
    nxt = s.next
    if nxt is not None and nxt.block is s.block and re.match(
            r"^(roughly|more precisely|more formally|formally|intuitively|in other words|that is|i\.e\.|this (measures|means|is)|it (measures|is))\b",
            nxt.plain.strip(), re.I):
        out.append(nxt)
    return out


def _unit(state: _State, post: Post, sents: list[Sent], unit: str) -> None:
    disabled = state.disabled
    n_cands, n_reserve = len(state.cands), len(state.reserve)
    consumed: set[int] = set()
    in_passage: set[int] = set()
    for i, s in enumerate(sents):
        if id(s) in consumed or s.block.quotes:
            continue
        ex_rules = [] if id(s) in in_passage else E.example_start(s, disabled)
        if ex_rules:
            passage = E.passage_from(s)
            ce = E.counter_rules(passage, disabled)
            kind = "counterexample" if ce else "example"
            item = _make_item(kind, post, passage, ex_rules + ce)
            state.cands.append(_Cand(item, passage, unit=unit, order=state.order))
            state.order += 1
            consumed.add(id(s))  # the rest of the passage may still state a claim or a definition
            in_passage.update(id(x) for x in passage)
            continue
        term, d_rules = D.definition_of(s, disabled)
        veto = C.vetoed(s, disabled)
        score, c_rules = (0.0, []) if veto else C.claim_score(s, disabled)
        if s.block.id in state.quoted_blocks and not veto and "claim.disputed" not in disabled:
            score += 1.5
            c_rules.append("claim.disputed")
        if term and (set(d_rules) - WEAK_DEFINITION_RULES or score < WEAK_DEFINITION_YIELDS_AT):
            passage = _definition_passage(s)
            if passage[0] is not s and any(c.sents[-1] is passage[0] for c in state.cands[-1:]):
                passage = passage[1:]
            item = _make_item("definition", post, passage, d_rules)
            item.term = term
            state.cands.append(_Cand(item, passage, unit=unit, order=state.order))
            state.order += 1
            consumed.update(id(x) for x in passage)
            continue
        state.eligible[(post.title, unit != "post")] = state.eligible.get((post.title, unit != "post"), 0) + 1
        if not veto:
            item = _make_item("claim", post, [s], c_rules)
            cand = _Cand(item, [s], score=score, unit=unit, order=state.order)
            state.order += 1
            if score >= C.THRESHOLD:
                state.cands.append(cand)
            else:
                state.reserve.append(cand)
    for c in state.cands[n_cands:] + state.reserve[n_reserve:]:
        key = (post.title, unit, c.sents[0].block.id)
        c.para = state.paras.setdefault(key, len(state.paras) + 1)


# ---------------------------------------------------------------- against

PROXIMITY = 6.0
"""How much nearness counts when choosing the claim a counterexample targets."""


def _pool_for(c: _Cand, pool: list[_Cand]) -> list[_Cand]:
    s = c.sents[0]
    return [k for k in pool if k.item.post == c.item.post and k.order < c.order and k.item.block != c.item.block
            and (s.in_comments or not k.item.in_comments)]


def against_quoted(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    """A counterexample within two paragraphs after a quote targets a claim of the quoted paragraph
    when that claim is also the most similar candidate (quoted claims weigh 1.5x)."""
    s = c.sents[0]
    if not s.quoted or s.after_quote > 2:
        return None
    best = _most_similar(c, _pool_for(c, pool))
    return best if best is not None and best.item.block == s.quoted else None


_POST_REF = re.compile(r"\b(?:in|from|of|by) (?:the|this|your|jesse'?s|the author'?s) (?:post|op|article|essay)\b|\bthe post'?s\b|\bthe op\b", re.I)


def against_post_reference(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    """A counterexample in a thread that says it tests what is 'in the post' targets the most similar
    claim of the post body."""
    s = c.sents[0]
    if not s.in_comments or not any(_POST_REF.search(x.plain) for x in c.sents):
        return None
    return _most_similar(c, [k for k in _pool_for(c, pool) if not k.item.in_comments])


_YOUR_CASE = re.compile(r"\b(in|for|with|to) your (case|example|construction|setup|model)\b|\byour (example|construction|counterexample)\b", re.I)


def against_their_example(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    """A counterexample set up on the other person's example ('In your case, let's say …') answers the
    nearest earlier counterexample or example of the thread."""
    s = c.sents[0]
    if not s.in_comments or not _YOUR_CASE.search(s.plain):
        return None
    earlier = [k for k in c.others if k.item.in_comments and k.item.post == c.item.post and k.order < c.order
               and k.item.type in ("counterexample", "example") and k.item.block != c.item.block]
    return max(earlier, key=lambda k: (k.item.type == "counterexample", k.order)) if earlier else None


_DISPUTE = re.compile(r"\b(this|that|the above|the) (claim|idea|assumption|statement|hypothesis|promise|argument) (also |too )?(is|seems|turns out to be) (also )?(false|wrong|incorrect|mistaken|not true)\b|"
                      r"\bi (do not|don'?t) (think|believe) (this|that) (is true|holds|is right|is correct)\b|\bi disagree\b", re.I)


def against_disputed(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    """A counterexample that follows 'I think that this claim is false' (in its paragraph or the one
    before) targets the claim stated before that sentence, in that paragraph (the best-scoring one)."""
    first = c.sents[0]
    cur, steps = first.prev, 0
    while cur is not None and steps < 8:
        if _DISPUTE.search(cur.plain):
            before = [k for k in pool if k.item.post == c.item.post and k.sents[0].block is cur.block
                      and k.order < c.order and k.sents[0] is not cur and cur.start > k.sents[0].start]
            if before:
                return max(before, key=lambda k: (k.kept, k.item.key, k.score, -k.order))
            return None
        cur, steps = cur.prev, steps + 1
    return None


def against_similar(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    """… else the earlier claim (outside the counterexample's own paragraph) most similar in words and
    concepts to the counterexample and the sentences after it: in a post, claims of the post; in a
    thread, claims of the post and of earlier comments.  Nearer, kept and quoted claims weigh more."""
    return _most_similar(c, _pool_for(c, pool))


def _most_similar(c: _Cand, pool: list[_Cand]) -> _Cand | None:
    if not pool:
        return None
    ctx = E.following(c.sents, 3)
    first = c.sents[0]
    before = [x for x in (first.prev, first.prev.prev if first.prev else None) if x is not None and x.block is first.block]
    ctx = before + ctx
    words = _stems(" ".join(x.text for x in c.sents + ctx))
    concepts = {x for s in c.sents + ctx for x in s.concepts}
    s = c.sents[0]
    best, best_score = None, 0.0
    for k in pool:
        kw = _stems(k.item.text)
        if len(kw) < 3:
            continue
        sim = len(words & kw) / (len(kw) ** 0.5 * max(len(words), 1) ** 0.5)
        sim += 0.05 * len(concepts & set(k.sents[0].concepts))
        dist = max(c.order - k.order, 1)
        if s.quoted and s.after_quote <= 2 and k.item.block == s.quoted:
            dist = 1
        val = (sim + 0.05) * (1.0 + PROXIMITY / dist) * (1.0 if k.kept else 0.8) * (1.3 if k.item.key else 1.0) + 0.01 * k.score
        if s.quoted and s.after_quote <= 2 and k.item.block == s.quoted:
            val *= 1.5
        if val > best_score:
            best, best_score = k, val
    return best


AGAINST_RULES = Ruler("against", [
    ("against.their-example", against_their_example),
    ("against.disputed-claim", against_disputed),
    ("against.quoted-claim", against_quoted),
    ("against.post-reference", against_post_reference),
    ("against.similar-claim", against_similar),
])


# ---------------------------------------------------------------- main entry


def all_rule_names() -> list[str]:
    names = []
    for r in RULERS:
        names += r.names()
    return names + ["claim.disputed", "claim.quota", "claim.restatement", "claim.continuation", "claim.countered",
                    "key.top-score"]


RULERS = [C.CLAIM_VETOES, C.CLAIM_CUES, C.KEY_RULES, D.DEFINITION_RULES, E.EXAMPLE_RULES, E.COUNTER_RULES,
          T.NORMATIVE_RULES, T.SCOPE_RULES, T.CERTAINTY_RULES, AGAINST_RULES]


NAMING_RULES = {"def.called", "def.we-call", "def.defined-as", "def.we-define", "def.definition-of", "def.refers-to",
                "def.acronym", "def.this-is-quoted", "def.quoted-gloss", "def.name-for", "def.label", "def.abbr-expansion",
                "def.distinguish", "def.idea-of", "def.type-of", "def.paren-quoted", "def.quoted-as", "def.emphasis-gloss",
                "def.let-be", "def.where-is", "def.named-symbol", "def.there-be", "def.in-that"}
"""Definition rules whose term is a name worth a concept note (the others also fire on descriptions)."""
_ADJ = re.compile(r"^[a-z\-]+(ing|ed|ic|al|ble|ous|ive|ful|less)$")


def _discover(items: list[Item], index: ConceptIndex) -> list[Concept]:
    """New concepts from definitions the glossary lacks: named terms of 1-4 words, no bare adjectives."""
    found: list[Concept] = []
    seen: set[str] = set()
    for it in items:
        if it.type != "definition" or not it.term or not (set(it.rules) & NAMING_RULES):
            continue
        term = it.term
        abbr = None
        m = re.match(r"^(.*?)\s*\(([A-Za-z][\w-]{1,8})\)$", term)
        if m:
            term, abbr = m.group(1).strip(), m.group(2)
        known = index.lookup(term) or (abbr and index.lookup(abbr))
        if known:
            continue
        words = term.split()
        if not (1 <= len(words) <= 4) or not re.fullmatch(r"[A-Za-z][A-Za-z'’ \-/]*", term) or len(term) < 3:
            continue
        if words[0].lower() in D.STOP_TERMS or words[0].lower() in {"more", "less", "other", "some", "many"}:
            continue
        if len(words) == 1 and _ADJ.search(term):
            continue
        name = term[0].upper() + term[1:] if term[:1].islower() else term
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        found.append(Concept(name=name, aliases=[term] if term != name else [],
                             abbreviations=[abbr] if abbr else [], discovered=True))
    if found:
        index.add(*found)
    return found


def extract(corpus: Corpus, glossary: list[Concept], overrides: dict | None = None, *,
            disabled_rules: set[str] = frozenset()) -> tuple[list[Item], list[Concept], list[Problem]]:
    """Items in post order then block order, all concepts (glossary + discovered), problems."""
    disabled = frozenset(disabled_rules or ())
    problems: list[Problem] = []
    unknown = disabled - set(all_rule_names())
    for name in sorted(unknown):
        problems.append(Problem("warning", "unknown-rule", f"disabled rule {name!r} does not exist"))
    index = ConceptIndex(glossary)
    state = _State(disabled=disabled, index=index)
    for post in corpus.posts:
        if post.thread:
            state.quoted_blocks |= {b.quotes for b in post.thread.blocks if b.quotes}
    for post in corpus.posts:
        _unit(state, post, block_sents(post.blocks, post, index, in_comments=False), "post")
        if post.thread:
            for com in post.thread.comments:
                _unit(state, post, block_sents(com.blocks, post, index, in_comments=True, comment=com), com.id)

    _restatements(state, disabled)
    _quota(state, disabled)
    _merge_continuations(state, disabled)
    claims = [c for c in state.cands if c.item.type == "claim"]
    _keys(claims, disabled)
    for c in claims:
        tax, cues, fired = T.classify_passage(c.sents, disabled, c.sent_scores)
        c.item.taxonomy, c.item.taxonomy_cues = tax, cues
        c.item.rules += fired
    for r in state.reserve:
        r.kept = False
    pool = claims + state.reserve
    examples = [c for c in state.cands if c.item.type in ("counterexample", "example")]
    for c in examples:
        c.others = examples
    promoted = []
    for c in state.cands:
        if c.item.type != "counterexample":
            continue
        for rule in AGAINST_RULES.active(disabled):
            target = rule.fn(c, pool)
            while target is not None and target.restates is not None:
                target = target.restates
            if target is not None:
                c.item._target = target  # resolved to an id below
                c.item.rules.append(rule.name)
                if not target.kept and target.item.type == "claim":
                    target.kept = True
                    target.item.rules.append("claim.countered")
                    promoted.append(target)
                break
    if promoted:
        for t in promoted:
            tax, cues, fired = T.classify(t.sents[0], disabled)
            t.item.taxonomy, t.item.taxonomy_cues = tax, cues
            t.item.rules += fired
        state.cands = sorted(state.cands + promoted, key=lambda k: k.order)

    discovered = _discover([c.item for c in state.cands], index)
    for c in state.cands:
        it = c.item
        names = index.find(it.text)
        if it.type == "definition" and it.term:
            tc = index.lookup(it.term) or index.lookup(re.sub(r"\s*\([^)]*\)$", "", it.term))
            if tc and tc not in names:
                names.insert(0, tc)
        it.concepts = names

    ids = unique_ids([stable_id(c.item.type, c.item.post, c.item.text) for c in state.cands])
    for c, i in zip(state.cands, ids):
        c.item.id = i
    for c in state.cands:
        target = getattr(c.item, "_target", None)
        if target is not None:
            c.item.against = target.item.id
            del c.item._target

    items = [c.item for c in state.cands]
    items, more = _apply_overrides(items, overrides or {})
    problems += more
    return items, list(glossary) + discovered, problems


RESTATEMENT = 0.5


def _stems(text: str) -> set[str]:
    return {w[:5] for w in _content_words(text)}


def _restatements(state: _State, disabled: frozenset) -> None:
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
        st = _stems(c.item.text)
        prior = seen.setdefault(c.item.post, [])
        first = next((o for p, o in prior if st and len(st & p) / len(st | p) >= thr), None)
        if first is not None:
            c.kept = False
            c.restates = first
            state.reserve.append(c)
            continue
        prior.append((st, c))
        keep.append(c)
    state.cands = keep


def _quota(state: _State, disabled: frozenset) -> None:
    """Keep, per post body and per thread, the best claims up to claims.QUOTA of its sentences."""
    if "claim.quota" in disabled:
        return
    drop = set()
    groups: dict[tuple, list[_Cand]] = {}
    for c in state.cands:
        if c.item.type == "claim" and id(c) not in drop:
            groups.setdefault((c.item.post, c.item.in_comments), []).append(c)
    for key, cands in groups.items():
        share = C.QUOTA["thread" if key[1] else "post"]
        k = max(1, round(share * state.eligible.get(key, 0)))
        ranked = sorted(cands, key=lambda c: (-c.score, c.order))
        drop |= {id(c) for c in ranked[k:] if c.score < C.SURE}
    state.reserve += [c for c in state.cands if id(c) in drop]
    state.cands = [c for c in state.cands if id(c) not in drop]
    for c in state.cands:
        if c.item.type == "claim":
            c.item.rules.append("claim.quota")


MAX_CLAIM_SENTENCES = 2


def _merge_continuations(state: _State, disabled: frozenset) -> None:
    """Two claim sentences that follow each other in one paragraph form one claim passage (a thesis
    with its immediate elaboration, 'X is wrong. Or at least X does not apply …')."""
    if "claim.continuation" in disabled:
        return
    out: list[_Cand] = []
    for c in state.cands:
        prev = out[-1] if out else None
        if (c.item.type == "claim" and prev is not None and prev.item.type == "claim"
                and len(prev.sents) < MAX_CLAIM_SENTENCES
                and prev.sents[-1].next is c.sents[0] and prev.sents[-1].block is c.sents[0].block):
            if not prev.sent_scores:
                prev.sent_scores = [prev.score]
            prev.sent_scores.append(c.score)
            prev.sents.append(c.sents[0])
            prev.item.text = _passage_text(prev.sents)
            prev.score = max(prev.score, c.score)
            prev.item.rules = list(dict.fromkeys(prev.item.rules + c.item.rules + ["claim.continuation"]))
            continue
        out.append(c)
    state.cands = out


MIN_KEY_PER_POST = 5
MIN_KEY_PER_THREAD = 2


def _keys(claims: list[_Cand], disabled: frozenset) -> None:
    """Thesis-level claims: those a KEY_RULES rule marks (best first, capped per post body / thread),
    topped up with the best-scoring claims so a post body has about 5 (at most half of its claims)."""
    groups: dict[tuple, list[_Cand]] = {}
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


def _apply_overrides(items: list[Item], overrides: dict) -> tuple[list[Item], list[Problem]]:
    problems: list[Problem] = []
    by_id = {it.id: it for it in items}
    dropped = set()
    for item_id, change in overrides.items():
        it = by_id.get(item_id)
        if it is None:
            problems.append(Problem("warning", "unknown-override", f"override for unknown item id {item_id!r} ignored", "overrides.yaml"))
            continue
        if change.get("drop"):
            dropped.add(item_id)
            continue
        if "type" in change and change["type"] != it.type:
            it.type = change["type"]
            if it.type == "claim" and not it.taxonomy:
                it.taxonomy = dict(T.DEFAULTS)
            if it.type != "claim":
                it.taxonomy, it.key = None, False
            if it.type != "definition":
                it.term = None
            if it.type != "counterexample":
                it.against = None
        if "key" in change:
            it.key = bool(change["key"]) and it.type == "claim"
        if "taxonomy" in change and it.type == "claim":
            it.taxonomy = {**(it.taxonomy or T.DEFAULTS), **change["taxonomy"]}
            for axis in change["taxonomy"]:
                it.taxonomy_cues[axis] = "override"
        if "term" in change and it.type == "definition":
            it.term = change["term"]
        if "against" in change and it.type == "counterexample":
            it.against = change["against"]
        it.rules.append("override")
    return [it for it in items if it.id not in dropped], problems
