"""`against`: which claim a counterexample targets (an ordered rule list; the first rule that finds
a target decides).  Candidates are the kept claims plus the reserve (sentences not kept as claims);
a reserve sentence that is targeted is promoted to a claim by the caller."""
from __future__ import annotations

import re

from . import examples as E
from .candidates import Cand, stems
from .prefilter import rx
from .ruler import Ruler

PROXIMITY = 6.0
"""How much nearness counts when choosing the claim a counterexample targets."""


class Titles:
    """Post titles indexed by a middle word of their heads (their first five normalised words), to
    find the titles a text names (against_other_post)."""

    def __init__(self, titles):
        self.heads = {title: " ".join(_norm(title).split()[:5]) for title in titles}
        self.by_word: dict[str, list[tuple[int, str]]] = {}
        for n, (title, head) in enumerate(self.heads.items()):
            middle = head.split()[1:-1]
            if middle:
                self.by_word.setdefault(max(middle, key=len), []).append((n, title))

    def heads_in(self, context: str) -> list[str]:
        """The titles whose head (of at least three words) occurs in the normalised `context`, in
        index order.  A head in the context has its middle words as whole words of the context."""
        found = {hit for w in set(context.split()) for hit in self.by_word.get(w, ())}
        return [title for _, title in sorted(found) if self.heads[title] in context]


class Pool(list):
    """The candidates, also grouped by post: every rule but one looks only inside the counterexample's
    own post, and scanning the whole corpus's pool for each counterexample made `against` quadratic."""

    def __init__(self, cands: list[Cand]):
        super().__init__(cands)
        self.by_post: dict[str, list[Cand]] = {}
        for k in cands:
            self.by_post.setdefault(k.item.post, []).append(k)
        self.titles = Titles(self.by_post)


def _same_post(c: Cand, pool: list[Cand]) -> list[Cand]:
    """The pool's candidates of c's post, in pool order."""
    if isinstance(pool, Pool):
        return pool.by_post.get(c.item.post, [])
    return [k for k in pool if k.item.post == c.item.post]


def _pool_for(c: Cand, pool: list[Cand]) -> list[Cand]:
    s = c.sents[0]
    return [k for k in _same_post(c, pool) if k.order < c.order and k.item.block != c.item.block
            and (s.in_comments or not k.item.in_comments)]


def against_quoted(c: Cand, pool: list[Cand]) -> Cand | None:
    """A counterexample within two paragraphs after a quote targets a claim of the quoted paragraph
    when that claim is also the most similar candidate (quoted claims weigh 1.5x)."""
    s = c.sents[0]
    if not s.quoted or s.after_quote > 2:
        return None
    best = _most_similar(c, _pool_for(c, pool))
    return best if best is not None and best.item.block == s.quoted else None


_POST_REF = rx(r"\b(?:in|from|of|by) (?:the|this|your|[A-Z]?[a-z]+'s|the author'?s) (?:post|op|article|essay)\b|\bthe post'?s\b|\bthe op\b")


def against_post_reference(c: Cand, pool: list[Cand]) -> Cand | None:
    """A counterexample in a thread that says it tests what is 'in the post' targets the most similar
    claim of the post body."""
    s = c.sents[0]
    if not s.in_comments or not any(_POST_REF.search(x.plain) for x in c.sents):
        return None
    return _most_similar(c, [k for k in _pool_for(c, pool) if not k.item.in_comments])


_YOUR_CASE = rx(r"\b(in|for|with|to) your (case|example|construction|setup|model)\b|\byour (example|construction|counterexample)\b")


def against_their_example(c: Cand, pool: list[Cand]) -> Cand | None:
    """A counterexample set up on the other person's example ('In your case, let's say …') answers the
    nearest earlier counterexample or example of the thread."""
    s = c.sents[0]
    if not s.in_comments or not _YOUR_CASE.search(s.plain):
        return None
    earlier = [k for k in c.others if k.item.in_comments and k.item.post == c.item.post and k.order < c.order
               and k.item.type in ("counterexample", "example") and k.item.block != c.item.block]
    return max(earlier, key=lambda k: (k.item.type == "counterexample", k.order)) if earlier else None


_DISPUTE = rx(r"\b(this|that|the above|the) (claim|idea|assumption|statement|hypothesis|promise|argument) (also |too )?(is|seems|turns out to be) (also )?(false|wrong|incorrect|mistaken|not true)\b|"
                      r"\bi (do not|don'?t) (think|believe) (this|that) (is true|holds|is right|is correct)\b|\bi disagree\b")


def against_disputed(c: Cand, pool: list[Cand]) -> Cand | None:
    """A counterexample that follows 'I think that this claim is false' (in its paragraph or the one
    before) targets the claim stated before that sentence, in that paragraph (the best-scoring one)."""
    first = c.sents[0]
    cur, steps = first.prev, 0
    while cur is not None and steps < 8:
        if _DISPUTE.search(cur.plain):
            before = [k for k in _same_post(c, pool) if k.sents[0].block is cur.block
                      and k.order < c.order and k.sents[0] is not cur and cur.start > k.sents[0].start]
            if before:
                return max(before, key=lambda k: (k.kept, k.item.key, k.score, -k.order))
            return None
        cur, steps = cur.prev, steps + 1
    return None


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")))


def other_post_context(c: Cand) -> str:
    """The normalised text in which against_other_post looks for another post's title."""
    return _norm(" ".join(x.text for x in c.sents + E.following(c.sents, 2)))


def against_other_post(c: Cand, pool: list[Cand]) -> Cand | None:
    """A counterexample that names another post of the corpus by its title (its first five words)
    targets the most similar claim of that post."""
    pool = pool if isinstance(pool, Pool) else Pool(pool)
    for title in pool.titles.heads_in(other_post_context(c)):
        if title != c.item.post:
            return _most_similar(c, [k for k in pool.by_post[title] if not k.item.in_comments])
    return None


def against_previous_paragraph(c: Cand, pool: list[Cand]) -> Cand | None:
    """In a thread, a counterexample that opens its paragraph and says it answers someone ('here is a
    case where X and this post give different answers', 'in your example …') answers the paragraph
    right before it: the best claim candidate there."""
    s = c.sents[0]
    if not s.in_comments or s.sidx != 0 or (s.quoted and s.after_quote <= 2):
        return None
    if not ({"ce.names-claim", "ce.addresses-other"} & set(c.item.rules)):
        return None
    before = [k for k in _same_post(c, pool) if k.para == c.para - 1 and k.item.in_comments]
    return max(before, key=lambda k: (k.kept, k.score, -k.order)) if before else None


def against_similar(c: Cand, pool: list[Cand]) -> Cand | None:
    """… else the earlier claim (outside the counterexample's own paragraph) most similar in words and
    concepts to the counterexample and the sentences after it: in a post, claims of the post; in a
    thread, claims of the post and of earlier comments.  Nearer, kept and quoted claims weigh more."""
    return _most_similar(c, _pool_for(c, pool))


def _most_similar(c: Cand, pool: list[Cand]) -> Cand | None:
    if not pool:
        return None
    ctx = E.following(c.sents, 3)
    first = c.sents[0]
    before = [x for x in (first.prev, first.prev.prev if first.prev else None) if x is not None and x.block is first.block]
    ctx = before + ctx
    words = stems(" ".join(x.text for x in c.sents + ctx))
    concepts = {x for s in c.sents + ctx for x in s.concepts}
    s = c.sents[0]
    best, best_score = None, 0.0
    for k in pool:
        sims = []
        for sent in k.sents:  # a claim passage is as similar as its most similar sentence
            kw = stems(sent.text)
            if len(kw) >= 3:
                sims.append(len(words & kw) / (len(kw) ** 0.5 * max(len(words), 1) ** 0.5))
        if not sims:
            continue
        sim = max(sims)
        sim += 0.05 * len(concepts & set(k.sents[0].concepts))
        dist = max(abs(c.order - k.order), 1)
        if s.quoted and s.after_quote <= 2 and k.item.block == s.quoted:
            dist = 1
        val = (sim + 0.05) * (1.0 + PROXIMITY / dist) * (1.0 if k.kept else 0.8) + 0.01 * k.score
        if s.quoted and s.after_quote <= 2 and k.item.block == s.quoted:
            val *= 1.5
        if val > best_score:
            best, best_score = k, val
    return best


AGAINST_RULES = Ruler("against", [
    ("against.their-example", against_their_example),
    ("against.disputed-claim", against_disputed),
    ("against.quoted-claim", against_quoted),
    ("against.other-post", against_other_post),
    ("against.previous-paragraph", against_previous_paragraph),
    ("against.post-reference", against_post_reference),
    ("against.similar-claim", against_similar),
])
