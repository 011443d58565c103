"""Example and counterexample rules, and the `against` link of counterexamples.

An example starts at a sentence where an example cue fires ("suppose", "consider", "for
example", "here's a concrete toy example", "let f(θ) = …", "I tried some experiments") and runs
on through the sentences of the same block that continue it.  It is a counterexample when a
refutation cue fires in the passage or right after it (however, contradicting, doesn't match,
"biased towards … rather than", "I don't see why"), or when it answers a quoted claim in a reply.
"""
from __future__ import annotations

import re

from .context import Sent
from .prefilter import needs, rx, sentence_keys
from .ruler import Ruler

MAX_PASSAGE = 4


def _rx(p: str):
    return rx(p)


_LEAD = r"^[\s(*_\"“]*(?:(?:but|and|so|now|however|still|ok|okay|well|again|instead|specifically|here|in (?:your|this|my|that|the) (?:case|example|setting)),?\s+)*"
_SUPPOSE = _rx(_LEAD + r"(suppose|imagine|consider|let'?s (say|consider|take|imagine|look at)|say (we|you|that)|take (the|a|an) (case|example|function|model)|picture)\b")
_FOR_EXAMPLE = _rx(_LEAD + r"(for (example|instance)|e\.g\.|as an (example|illustration)|to (take|give) an example|an example (is|would be)|example:)")
_TOY = _rx(r"\b(here'?s|here is|this is|take|consider|i have|there'?s) (a|an|one) (\w+ ){0,3}(example|counterexample|counter-example|toy model|construction|instance)\b")
_LET_MATH = _rx(_LEAD + r"let (\$[^$]*=[^$]*\$|(\$[^$]+\$|[a-zA-Z](\(.{1,12}?\))*)\s*(=|be\b|:))")
_EXPERIMENT = _rx(r"\b(i|we) (tried|ran|trained|did|performed) (some |a few |a |an )?(numerical |quick |small )?(experiments?|simulations?|runs?|calculations?)|\b(experiments?|simulations?) (show|showed|found|suggest)|\b(i|we)('ve| have)? (tried|attempted) to (work out|compute|calculate|estimate|derive|reproduce|check|measure)\b")
_SOURCED_FIGURES = _rx(r"^(according to|going (off|by)|based on|judging by|using|per) [^,]{2,40},.*\d")
_IF_CONSTRUCT = _rx(_LEAD + r"if (i|we|you) (instead |now |just )?(fit|take|train|use|add|set|pick|choose|consider|replace|make|run) (a|an|two|three|four|one|\d+|\$)")
_DISPUTE_EG = _rx(r"^(this|that|it) (isn'?t|is not|doesn'?t|does not|seems? not)\b.{0,40}\b(e\.g\.|for example|for instance)")
_CONTRADICT = _rx(r"\b(contradicting|contradicts|is a counter-?example|counter-?example to|refutes)\b")
_ANALOGY = _rx(r"\b(just as|is like|are like|analogous to|by analogy|an analogy|think of it as|much like)\b")
_DATA = _rx(r"\b(points?|data( points)?|dataset) .{0,30}\b(as our|as the) (only )?training data\b|\btraining data\b.{0,20}\bpoints\b")


@needs(_SUPPOSE)
def ex_suppose(s: Sent) -> bool:
    """'Suppose / Imagine / Consider / Let's say …' opens a hypothetical construction."""
    return bool(_SUPPOSE.search(s.plain))


@needs(_FOR_EXAMPLE)
def ex_for_example(s: Sent) -> bool:
    """'For example / For instance / E.g. …'."""
    return bool(_FOR_EXAMPLE.search(s.plain))


@needs(_TOY)
def ex_toy(s: Sent) -> bool:
    """'Here's a concrete toy example', 'consider a simple construction'."""
    return bool(_TOY.search(s.plain))


@needs(_LET_MATH)
def ex_let_math(s: Sent) -> bool:
    """'Let f(θ)(x) = θ1θ2x': a concrete construction."""
    return bool(_LET_MATH.search(s.text))


@needs(_EXPERIMENT)
def ex_experiment(s: Sent) -> bool:
    """'I tried some numerical experiments and found …'."""
    return bool(_EXPERIMENT.search(s.plain))


@needs(_SOURCED_FIGURES)
def ex_sourced_figures(s: Sent) -> bool:
    """'According to X, … 150 million years …': figures taken from a source, set against a claim."""
    return bool(_SOURCED_FIGURES.search(s.stripped))


@needs(_DATA)
def ex_training_points(s: Sent) -> bool:
    """'… consider the points (0,0) and (1,0) as our only training data'."""
    return bool(_DATA.search(s.plain))


@needs(_IF_CONSTRUCT)
def ex_if_construct(s: Sent) -> bool:
    """'If I instead fit a quartic, …': a hypothetical construction."""
    return bool(_IF_CONSTRUCT.search(s.plain))


@needs(_DISPUTE_EG)
def ex_dispute_eg(s: Sent) -> bool:
    """'This isn't obvious to me, e.g. under …': a dispute backed by an instance."""
    return bool(_DISPUTE_EG.search(s.stripped))


@needs(_CONTRADICT)
def ex_contradiction(s: Sent) -> bool:
    """'… which has identical loss as a non-singular point, contradicting your statement'."""
    return bool(_CONTRADICT.search(s.plain))


@needs(_ANALOGY)
def ex_analogy(s: Sent) -> bool:
    """Analogies ('just as …', 'is like …')."""
    return bool(_ANALOGY.search(s.plain)) and not s.in_comments


EXAMPLE_RULES = Ruler("examples", [
    ("ex.suppose", ex_suppose),
    ("ex.for-example", ex_for_example),
    ("ex.toy-example", ex_toy),
    ("ex.let-construction", ex_let_math),
    ("ex.experiment", ex_experiment),
    ("ex.sourced-figures", ex_sourced_figures),
    ("ex.training-points", ex_training_points),
    ("ex.if-construction", ex_if_construct),
    ("ex.dispute-instance", ex_dispute_eg),
    ("ex.contradiction", ex_contradiction),
    ("ex.analogy", ex_analogy),
])

# ---------------------------------------------------------------- counterexample cues

_REFUTE = _rx(r"\b(counter-?examples?|contradict\w*|refut\w+|disprov\w+|falsif\w+|(doesn'?t|does not|don'?t|do not|won'?t) (match|hold|work|apply|generali[sz]e)|"
              r"went away|goes away|go away|no longer|fails?|failed|biased towards \w+ (with )?high|i don'?t (really )?see why|isn'?t obvious|"
              r"is not obvious|not (true|the case|necessarily)|is wrong|are wrong|the opposite|in fact)\b|^however\b")
_SPECIFIC_CLAIM = _rx(r"\b(give|gives|giving) different (answers|predictions)|\b(your|the|this|that) (statement|claim|prediction)\b")
_NUMBERS = _rx(r"\b\d[\d.,^{}]*\b.*\b(times|flops?|years|million|billion)\b")


def ce_refutation_cue(passage: list[Sent], follow: list[Sent]) -> bool:
    """A refutation cue in the passage, the four sentences after it, or the sentence of the same
    paragraph just before it (a dispute backed by an instance)."""
    before = [passage[0].prev] if passage[0].prev is not None and passage[0].prev.block is passage[0].block else []
    return any(_REFUTE.search(x.plain) for x in before + passage + follow[:4])


def ce_names_claim(passage: list[Sent], follow: list[Sent]) -> bool:
    """The passage says it tests a claim ('… where the theory and this post give different answers', 'your claim')."""
    return any(_SPECIFIC_CLAIM.search(x.plain) for x in passage)


def ce_reply(passage: list[Sent], follow: list[Sent]) -> bool:
    """A concrete example in a reply that answers a quoted paragraph."""
    s = passage[0]
    return s.in_comments and s.quoted is not None and 0 <= s.after_quote <= 1


def ce_hard_numbers(passage: list[Sent], follow: list[Sent]) -> bool:
    """Concrete figures set against a claim ('That translates to 10^38 FLOPs. GPT-3 took 10^23.5')."""
    return sum(bool(_NUMBERS.search(x.text)) for x in passage + follow[:1]) >= 2


_ADDRESS = _rx(r"\b(your|the post's|the author's) (case|example|claim|statement|post|model|setup|argument|picture|theory|formula|point)\b|\byou('re| are) (saying|claiming|assuming)\b")
_CONTRAST = _rx(r"\b(but|not|n't|however|no|isn't|doesn't|don't|wouldn't|neither|nor)\b")


def ce_addresses_other(passage: list[Sent], follow: list[Sent]) -> bool:
    """In a thread, the example is set up on the other person's case or claim ('In your case, let's say …')."""
    return passage[0].in_comments and any(_ADDRESS.search(x.plain) for x in passage)


def ce_thread_contrast(passage: list[Sent], follow: list[Sent]) -> bool:
    """In a thread, a concrete example with a contrast or negation in it or right after it is argued against something."""
    return passage[0].in_comments and any(_CONTRAST.search(x.plain) for x in passage + follow[:1])


COUNTER_RULES = Ruler("counterexamples", [
    ("ce.refutation-cue", ce_refutation_cue),
    ("ce.names-claim", ce_names_claim),
    ("ce.reply-to-quote", ce_reply),
    ("ce.hard-numbers", ce_hard_numbers),
    ("ce.addresses-other", ce_addresses_other),
    ("ce.thread-contrast", ce_thread_contrast),
])

_CONTINUE_STOP = _rx(r"^(however|but|so|thus|therefore|hence|in summary|overall|this means|the (point|upshot)|that said|anyway)\b|"
                     r"^(if|suppose|consider|say|now)\b[^,.]{0,30}\binstead\b")


def example_start(s: Sent, disabled=frozenset()) -> list[str]:
    keys = sentence_keys(s)
    return [r.name for r in EXAMPLE_RULES.active(disabled)
            if (r.gate is None or keys is None or not keys.isdisjoint(r.gate)) and r.fn(s)]  # r.skip, inlined


def passage_from(s: Sent) -> list[Sent]:
    """The example passage: s and the following sentences of its block that continue it (up to
    MAX_PASSAGE; a conclusion marker or a new construction 'If I instead …' ends it)."""
    out = [s]
    cur = s.next
    while cur is not None and cur.block is s.block and len(out) < MAX_PASSAGE:
        if _CONTINUE_STOP.search(cur.stripped):
            break
        out.append(cur)
        cur = cur.next
    return out


def following(passage: list[Sent], n: int = 4) -> list[Sent]:
    out, cur = [], passage[-1].next
    while cur is not None and len(out) < n:
        out.append(cur)
        cur = cur.next
    return out


WEAK_COUNTER_RULES = {"ce.reply-to-quote", "ce.thread-contrast"}


def counter_rules(passage: list[Sent], disabled=frozenset()) -> list[str]:
    """Counterexample rules that fired; [] unless a strong cue fired or two weak ones did."""
    follow = following(passage)
    fired = [r.name for r in COUNTER_RULES.active(disabled) if r.fn(passage, follow)]
    strong = [f for f in fired if f not in WEAK_COUNTER_RULES]
    return fired if strong or len(fired) >= 2 else []
