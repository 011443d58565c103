"""Extraction: blocks -> claims, definitions, examples and counterexamples (items.jsonl).

    items, concepts, problems = extract(corpus, glossary, overrides, disabled_rules={...})

Deterministic and explainable: every decision is made by a named rule of an ordered rule list
(claims.CLAIM_VETOES, claims.CLAIM_CUES, claims.KEY_RULES, definitions.DEFINITION_RULES,
examples.EXAMPLE_RULES, examples.COUNTER_RULES, taxonomy.*_RULES, against.AGAINST_RULES), any
rule can be switched off by name, and each item records the rules that fired.  Steps that are
not rule lists can be switched off by their names too ("claim.quota", "claim.restatement",
"claim.continuation", "claim.disputed", "key.top-score", "def.where-clause", "glossary.bundled").

1. Sentences of every post body and comment (context.block_sents), with concepts from the
   glossary (the bundled SLT glossary when none is given), and what the rules say about each
   sentence on its own (facts.py): definitions, vetoes, claim cues, example rules.  Both depend
   on the post alone, so a cache (cache.py) can keep them for posts that did not change.
2. Terms that definitions name outright become discovered concepts, counted by the claim cues
   from then on.
3. Per post body and comment, sentence by sentence: an example cue opens a passage ->
   counterexample (refutation evidence) or example; else a definitional pattern -> definition
   (weak patterns yield to strong claims); else no veto and cue weights >= claims.THRESHOLD ->
   claim candidate (the others are kept in reserve).
4. Selection (select.py): restatements dropped, thread quota, adjacent claims joined into
   two-sentence passages, key claims.
5. Taxonomy per claim, `against` per counterexample (a targeted reserve sentence is promoted
   to a claim), concepts per item, stable ids, user overrides.

Steps 3-5 but the ids' numbering and the overrides look at one post title at a time (but for
against.other-post, see _finished), so they run post by post, and the cache also keeps each post's
finished items for as long as the post, the corpus's concepts and the quotes of its paragraphs
stay the same.
"""
from __future__ import annotations

import gc
import re
from collections import Counter
from typing import Callable

from ..models import Comment, Concept, Corpus, Item, Post, Problem
from . import cache as X
from . import claims as C
from . import definitions as D
from . import examples as E
from . import select as S
from . import taxonomy as T
from .against import AGAINST_RULES, Pool, Titles, other_post_context
from .candidates import Cand, State, make_item
from .context import Sent, block_sents
from .facts import Facts, sentence_facts
from .glossary import ConceptIndex, _fold, bundled_glossary_path, load_glossary, load_overrides  # noqa: F401  (public API)
from .ids import slug, stable_id, unique_ids  # noqa: F401
from .prefilter import rx

__all__ = ["extract", "stable_id", "load_glossary", "load_overrides", "all_rule_names", "RULERS"]

WEAK_DEFINITION_RULES = {"def.concept-copula", "def.type-of", "def.that-is", "def.in-the-sense", "def.appositive", "def.measures"}
"""Patterns that also fit ordinary theses: they make a definition only when the sentence is no strong claim."""
WEAK_DEFINITION_YIELDS_AT = 3.5



_ANAPHORIC_DEF = rx(r"^(we call (these|this|such|them|it)|(this|these|such \w+|it|they) (is|are) (called|known as|termed|referred to as))\b")


def _definition_passage(s: Sent) -> list[Sent]:
    """A definition sentence plus a following gloss sentence ('Roughly, this measures …'); a definition
    that names what the previous sentence described ('We call these changes …') includes that sentence."""
    out = [s]
    if s.prev is not None and s.prev.block is s.block and _ANAPHORIC_DEF.search(s.stripped):
        out.insert(0, s.prev)
    nxt = s.next
    if nxt is not None and nxt.block is s.block and re.match(
            r"^(roughly|more precisely|more formally|formally|intuitively|in other words|that is|i\.e\.|this (measures|means|is)|it (measures|is))\b",
            nxt.stripped, re.I):
        out.append(nxt)
    return out


_WHERE_AT = re.compile(r"(?:[,;)]\s*|\$\s*)(where\b)")


def _where_clause(s: Sent) -> int:
    """Offset of a where-clause that follows a main clause of at least eight words, else -1."""
    m = _WHERE_AT.search(s.text)
    if not m or len(re.findall(r"[A-Za-z]+", s.text[: m.start()])) < 8:
        return -1
    return m.start(1)


def _id_text(c: Cand) -> str:
    s = c.sents[0]
    if c.item.type == "definition" and not c.item.text.startswith(s.text[:20]):
        return c.item.text  # a where-clause definition: its own text
    return s.text


def _unit(state: State, post: Post, sents: list[Sent], unit: str, facts: list[Facts]) -> None:
    """The second pass over one post body or comment; `facts` are its sentences' (in order)."""
    disabled = state.disabled
    n_cands, n_reserve = len(state.cands), len(state.reserve)
    consumed: set[int] = set()
    in_passage: set[int] = set()
    for i, s in enumerate(sents):
        if id(s) in consumed or s.block.quotes:
            continue
        f = facts[i]
        ex_rules = [] if id(s) in in_passage else f.ex_rules
        if ex_rules:
            passage = sents[i:i + f.ex_len]  # examples.passage_from(s)
            ce = f.ce_rules
            kind = "counterexample" if ce else "example"
            item = make_item(kind, post, passage, ex_rules + ce)
            state.cands.append(Cand(item, passage, unit=unit, order=state.order))
            state.order += 1
            consumed.add(id(s))  # the rest of the passage may still state a claim or a definition
            in_passage.update(id(x) for x in passage)
            continue
        term, d_rules, veto = f.term, f.d_rules, f.veto
        score, c_rules = (0.0, []) if veto else C.claim_score(s, disabled, f.cues)
        if s.block.id in state.quoted_blocks and not veto and "claim.disputed" not in disabled:
            score += 1.5
            c_rules.append("claim.disputed")
        clause = _where_clause(s) if term and set(d_rules) - WEAK_DEFINITION_RULES == {"def.where-is"} else -1
        if clause > 0 and score >= WEAK_DEFINITION_YIELDS_AT and "def.where-clause" not in disabled:
            # A strong claim that glosses a symbol in passing ('…, where d is the effective dimension'):
            # the where-clause is the definition, the sentence stays a claim candidate.
            item = make_item("definition", post, [s], d_rules + ["def.where-clause"])
            item.text, item.term = s.text[clause:], term
            state.cands.append(Cand(item, [s], unit=unit, order=state.order))
            state.order += 1
        elif term and (set(d_rules) - WEAK_DEFINITION_RULES or score < WEAK_DEFINITION_YIELDS_AT):
            passage = _definition_passage(s)
            if passage[0] is not s and any(c.sents[-1] is passage[0] for c in state.cands[-1:]):
                passage = passage[1:]
            item = make_item("definition", post, passage, d_rules)
            item.term = term
            state.cands.append(Cand(item, passage, unit=unit, order=state.order))
            state.order += 1
            consumed.update(id(x) for x in passage)
            continue
        state.eligible[(post.title, unit != "post")] = state.eligible.get((post.title, unit != "post"), 0) + 1
        if not veto:
            item = make_item("claim", post, [s], c_rules)
            cand = Cand(item, [s], score=score, unit=unit, order=state.order)
            state.order += 1
            if score >= C.THRESHOLD:
                state.cands.append(cand)
            else:
                state.reserve.append(cand)
    for c in sorted(state.cands[n_cands:] + state.reserve[n_reserve:], key=lambda k: k.order):
        key = (post.title, unit, c.sents[0].block.id)
        c.para = state.paras.setdefault(key, state.para_base + len(state.paras) + 1)




def all_rule_names() -> list[str]:
    names = []
    for r in RULERS:
        names += r.names()
    return names + ["claim.disputed", "claim.quota", "claim.restatement", "claim.continuation", "claim.countered",
                    "key.top-score", "glossary.bundled", "def.where-clause"]


RULERS = [C.CLAIM_VETOES, C.CLAIM_CUES, C.KEY_RULES, D.DEFINITION_RULES, E.EXAMPLE_RULES, E.COUNTER_RULES,
          T.NORMATIVE_RULES, T.SCOPE_RULES, T.CERTAINTY_RULES, AGAINST_RULES]


NAMING_RULES = {"def.called", "def.we-call", "def.defined-as", "def.we-define", "def.definition-of", "def.refers-to",
                "def.acronym", "def.this-is-quoted", "def.quoted-gloss", "def.name-for", "def.label", "def.abbr-expansion",
                "def.distinguish", "def.idea-of", "def.type-of", "def.paren-quoted", "def.quoted-as", "def.emphasis-gloss",
                "def.let-be", "def.where-is", "def.named-symbol", "def.there-be", "def.in-that"}
"""Definition rules whose term is a name worth a concept note (the others also fire on descriptions)."""
_ADJ = re.compile(r"^[a-z\-]+(ing|ed|ic|al|ble|ous|ive|ful|less)$")


EXPLICIT_NAMING_RULES = {"def.called", "def.we-call", "def.defined-as", "def.we-define", "def.definition-of",
                         "def.acronym", "def.this-is-quoted", "def.quoted-gloss", "def.name-for", "def.abbr-expansion",
                         "def.distinguish", "def.refers-to"}
"""Rules that name a term outright; the multi-word concepts (or ones with an abbreviation) they
introduce count for the claim cues too (single words are too often ordinary words)."""


def _post_units(post: Post) -> list[tuple[list, Comment | None]]:
    """(blocks, comment) of the post body (comment None) and of each comment, in order."""
    return [(post.blocks, None)] + [(c.blocks, c) for c in (post.thread.comments if post.thread else [])]


def _explicitly_named(defined: list[tuple[str, list[str]]]) -> set[str]:
    out = set()
    for term, rules in defined:
        if term and set(rules) & EXPLICIT_NAMING_RULES:
            t = re.sub(r"\s*\([^)]*\)$", "", term)
            out.add(t[0].upper() + t[1:] if t[:1].islower() else t)
    return out


def _first_pass(post: Post, index: ConceptIndex, disabled: frozenset) -> dict:
    """A post's cache entry: its units' sentences and their facts (cache.py)."""
    units, facts = [], []
    for blocks, com in _post_units(post):
        sents = block_sents(blocks, post, index, in_comments=com is not None, comment=com)
        unit_facts = [sentence_facts(s, disabled) for s in sents]
        units.append(X.unit_entry(sents, unit_facts))
        facts += unit_facts
        for s in sents:  # no cycles left: the sentences are freed now (extract runs without the cyclic collector)
            s.prev = s.next = None
    return X.post_entry(units, facts)


def _add_concepts(sents: list[Sent], index: ConceptIndex) -> None:
    """Adds the concepts of `index` (the ones the corpus names outright) to the sentences that mention them."""
    for s in sents:
        for a, b, name in index.spans(s.text):
            if name not in s.concepts:
                s.concepts.append(name)
            s.surfaces.append(_fold(s.text).lower()[a:b])


def _discover(defined: list[tuple[str, list[str]]], index: ConceptIndex) -> list[Concept]:
    """New concepts from (term, rules) of definitions the glossary lacks: named terms of 1-4 words,
    no bare adjectives.  Adds them to `index`."""
    found: list[Concept] = []
    seen: set[str] = set()
    for term, rules in defined:
        if not term or not (set(rules) & NAMING_RULES):
            continue
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


_OUTSIDE = [0, None, "", None]
"""The record an item is against when its target is no item (a claim merged into the passage before it)."""


def _second_pass(state: State, post: Post, entry: dict, fresh: ConceptIndex | None) -> None:
    """The post's sentences, made again from its first-pass entry, through _unit."""
    for (blocks, com), unit in zip(_post_units(post), entry["units"]):
        rows, facts = X.read_unit(unit)
        sents = block_sents(blocks, post, state.index, in_comments=com is not None, comment=com, known=rows)
        if fresh is not None:
            _add_concepts(sents, fresh)
        _unit(state, post, sents, com.id if com else "post", facts)
        state.sents += sents


def _finish(state: State) -> list[Cand]:
    """Selection, taxonomy, `against` and concepts of the candidates of `state`: the items in order."""
    disabled, index = state.disabled, state.index
    S.restatements(state, disabled)
    S.quota(state, disabled)
    S.merge_continuations(state, disabled)
    claims = [c for c in state.cands if c.item.type == "claim"]
    S.keys(claims, disabled)
    for c in claims:
        tax, cues, fired = T.classify_passage(c.sents, disabled, c.sent_scores)
        c.item.taxonomy, c.item.taxonomy_cues = tax, cues
        c.item.rules += fired
    for r in state.reserve:
        r.kept = False
    pool = Pool(claims + state.reserve)
    examples: dict[str, list[Cand]] = {}
    for c in state.cands:
        if c.item.type in ("counterexample", "example"):
            examples.setdefault(c.item.post, []).append(c)
            c.others = examples[c.item.post]
    promoted = []
    for c in state.cands:
        if c.item.type != "counterexample":
            continue
        for rule in AGAINST_RULES.active(disabled):
            target = rule.fn(c, pool)
            while target is not None and target.restates is not None:
                target = target.restates
            if target is not None:
                c.target = target  # resolved to an id by the caller
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

    for c in state.cands:
        it = c.item
        names = index.find(it.text)
        if it.type == "definition" and it.term:
            tc = index.lookup(it.term) or index.lookup(re.sub(r"\s*\([^)]*\)$", "", it.term))
            if tc and tc not in names:
                names.insert(0, tc)
        it.concepts = names
    return state.cands


def _items_of(state: State) -> list[list]:
    """The records (see _records) of the posts run in `state`, whose sentences and candidates are then
    freed: extract runs without the cyclic collector, and the links between sentences and between
    examples are its only cycles."""
    recs = _records(_finish(state))
    for s in state.sents:
        s.prev = s.next = None
    for c in state.cands:
        c.others = ()
    state.sents = []
    return recs


def _records(cands: list[Cand]) -> list[list]:
    """[order, item, id before unique_ids, index of the target (-1: none, -2: no item), context] of
    the items of _finish (context: for a counterexample, where against_other_post looks for titles)."""
    at = {id(c): n for n, c in enumerate(cands)}
    return [[c.order, c.item, stable_id(c.item.type, c.item.post, _id_text(c)),
             -1 if c.target is None else at.get(id(c.target), -2),
             other_post_context(c) if c.item.type == "counterexample" else None] for c in cands]


def _linked(recs: list[list], base: int = 0) -> list[list]:
    """Records [order + base, item, id before unique_ids, target record or None] (_OUTSIDE: no item)."""
    out = [[r[0] + base, r[1], r[2], r[3]] for r in recs]
    for r in out:
        r[3] = None if r[3] == -1 else _OUTSIDE if r[3] == -2 else out[r[3]]
    return out


def _names_other_post(titles: Titles, context: str | None, own: str) -> bool:
    return bool(context) and any(t != own for t in titles.heads_in(context))


def _quoted(post: Post, quoted_blocks: set) -> list[str]:
    """The ids of the post's paragraphs that threads quote."""
    return sorted({b.id for blocks, _ in _post_units(post) for b in blocks if b.id in quoted_blocks})


def _finished(posts: list[Post], entries: list[dict], keys: list[str], proto: State,
              fresh: ConceptIndex | None, cross: str | None) -> list[list]:
    """The records (see _linked) of every item, in order: second pass to concepts.

    Selection and `against` look at one post title at a time (restatements, quotas, key claims and
    the claims a counterexample may target are a post's own), but for against_other_post.  So the
    posts whose title no other post has are run one by one, each in its own State, and their items
    are kept in their cache entries (cross: cache.cross_signature; None: no cache); posts sharing a
    title are run together.  Candidates are numbered (orders, paragraphs) as in one run over the
    corpus.  When some counterexample names another post's title, the whole corpus is run at once."""
    def fresh_state() -> State:
        return State(disabled=proto.disabled, index=proto.index, quoted_blocks=proto.quoted_blocks)

    count = Counter(post.title for post in posts)
    chunks: list[tuple[int, list[list]]] = []  # (order base, records) of the posts not run together
    shared: dict[str, State] = {}
    orders = paras = 0
    for post, entry, key in zip(posts, entries, keys):
        alone = count[post.title] == 1
        done_key = X.done_key(key, cross, _quoted(post, proto.quoted_blocks)) if alone and cross is not None else None
        hit = X.read_done(entry.get("done"), done_key) if done_key else None
        if hit is not None:
            n_orders, n_paras, rows = hit
            chunks.append((orders, rows))
            orders, paras = orders + n_orders, paras + n_paras
            continue
        if alone:
            state = fresh_state()
        else:
            state = shared.setdefault(post.title, fresh_state())
            state.order, state.para_base = orders, paras - len(state.paras)
        n_orders, n_paras = state.order, len(state.paras)
        _second_pass(state, post, entry, fresh)
        n_orders, n_paras = state.order - n_orders, len(state.paras) - n_paras
        if alone:
            recs = _items_of(state)
            if done_key:
                entry["done"] = X.done_entry(done_key, n_orders, n_paras, recs)
            chunks.append((orders, recs))
        orders, paras = orders + n_orders, paras + n_paras
    runs = [_items_of(state) for state in shared.values()]

    if "against.other-post" not in proto.disabled:
        titles = Titles(count)
        if any(_names_other_post(titles, r[4], r[1].post) for recs in [*(recs for _, recs in chunks), *runs] for r in recs):
            state = fresh_state()
            for post, entry in zip(posts, entries):
                _second_pass(state, post, entry, fresh)
            return _linked(_items_of(state))

    out = [r for base, recs in chunks for r in _linked(recs, base)]
    for recs in runs:
        out += _linked(recs)
    if runs:
        out.sort(key=lambda r: r[0])
    return out


def extract(corpus: Corpus, glossary: list[Concept], overrides: dict | None = None, *,
            disabled_rules: set[str] = frozenset(),
            progress: Callable[[int, int], None] | None = None,
            cache: dict | None = None) -> tuple[list[Item], list[Concept], list[Problem]]:
    """Items in post order then block order, all concepts (glossary + discovered), problems.
    progress(done, total) is called now and then with the posts and comments done.  `cache`: a dict
    of plain (marshal) values the caller keeps between builds (see cache.py); it is updated in place, and with
    it only the posts that changed are split and run through the per-sentence rules again."""
    # Extraction allocates millions of objects: short-lived ones that reference counting frees, and
    # sentences and candidates that live until it returns.  The cyclic collector, triggered by the
    # allocations, would only walk the growing heap again and again (a fifth of the time at 400 posts).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract(corpus, glossary, overrides or {}, frozenset(disabled_rules or ()), progress, cache)
    finally:
        if enabled:
            gc.enable()


def _extract(corpus: Corpus, glossary: list[Concept], overrides: dict, disabled: frozenset,
             progress: Callable[[int, int], None] | None,
             cache: dict | None) -> tuple[list[Item], list[Concept], list[Problem]]:
    problems: list[Problem] = []
    unknown = disabled - set(all_rule_names())
    for name in sorted(unknown):
        problems.append(Problem("warning", "unknown-rule", f"disabled rule {name!r} does not exist"))
    if not glossary and "glossary.bundled" not in disabled:
        path = bundled_glossary_path()
        bundled, more = load_glossary(path) if path else ([], [])
        if bundled:
            glossary = bundled
            problems.append(Problem("info", "bundled-glossary",
                                    "no concepts.yaml given: using the bundled SLT glossary for concepts"))
        problems += more
    index = ConceptIndex(glossary)
    state = State(disabled=disabled, index=index)
    for post in corpus.posts:
        if post.thread:
            state.quoted_blocks |= {b.quotes for b in post.thread.blocks if b.quotes}
    # First pass: each post's sentences and what the rules say about each on its own, definitions
    # included (the terms the text defines count as concepts for the claim cues after them), from the
    # cache when the post, the glossary and the code are unchanged.  Only the cache entries are kept
    # (compact bytes): the sentences are made again in the second pass, without the text forms the
    # first pass's rules cached on them.
    entries: list[dict] = []
    keys: list[str] = []
    sig = X.signature(glossary, disabled) if cache is not None else ""
    used: dict[str, dict] = {}
    total = sum(len(_post_units(post)) for post in corpus.posts)
    done = 0
    for post in corpus.posts:
        key = X.post_key(post, sig) if cache is not None else ""
        entry = cache.get(key) if cache is not None else None
        if not X.fits(entry, len(_post_units(post))):
            entry = _first_pass(post, index, disabled)
        entries.append(entry)
        keys.append(key)
        if cache is not None:
            used[key] = entry
        for _ in entry["units"]:
            if progress and done % 50 == 0:
                progress(done, total)
            done += 1
    if cache is not None:  # only this build's entries: the cache does not grow with old versions
        cache.clear()
        cache.update(used)
    defined = [(term, rules) for entry in entries for term, rules in entry["defs"]]
    discovered = _discover(defined, index)
    named = _explicitly_named(defined)
    explicit = [c for c in discovered if c.name in named and (len(c.name.split()) > 1 or c.abbreviations)]
    fresh = ConceptIndex(explicit) if explicit else None
    cross = X.cross_signature(index.concepts, explicit) if cache is not None else None
    recs = _finished(corpus.posts, entries, keys, state, fresh, cross)
    del entries

    # A passage is identified by its first sentence: its id survives edits to (or re-splitting of) the rest.
    ids = unique_ids([r[2] for r in recs])
    for r, i in zip(recs, ids):
        r[1].id = i
    for r in recs:
        if r[3] is not None:
            r[1].against = r[3][1].id if r[3] is not _OUTSIDE else ""
    items = [r[1] for r in recs]
    del recs
    items, more = _apply_overrides(items, overrides)
    problems += more
    return items, list(glossary) + discovered, problems


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
