"""Taxonomy of claims on three axes (after "We need a taxonomy for principles").

Each axis has an ordered rule list; the first rule that fires decides the label and its cue
(the matched words) is recorded.  When none fires, the axis gets its default label with the
cue "default".
- normative vs descriptive: deontic modality (should/must/need to as obligation, "the right/
  wrong framework", "requires") -> normative; epistemic uses ("we should expect", "must be
  that", "should also generalise") are descriptive.
- universal vs situational: a particular example, model, number, setting or condition ->
  situational; otherwise universal.
- deterministic vs stochastic: explicit hedges (probably, likely, typically, may, seems, roughly,
  to first order, …) -> stochastic; flat statements ("I think" alone is attribution) -> deterministic.
"""
from __future__ import annotations

import re

from .context import Sent
from .prefilter import needs, rx, sentence_keys
from .ruler import Ruler

AXES = ("normative_or_descriptive", "universal_or_situational", "deterministic_or_stochastic")
DEFAULTS = {"normative_or_descriptive": "descriptive", "universal_or_situational": "universal",
            "deterministic_or_stochastic": "deterministic"}


def _rx(p: str):
    return rx(p)


def _first(rx: re.Pattern, text: str) -> str | None:
    m = rx.search(text)
    return m.group(0) if m else None


# ---------------------------------------------------------------- normative / descriptive

_EPISTEMIC = _rx(r"\b(should|must|ought to|would)\s+(\w+\s+)?(expect|be expected|mention|note|say|imagine|be (possible|able|that|the case|true|clear|noted)|"
                 r"also (generali[sz]e|work|hold|mention)|generali[sz]e|hold|follow|happen|converge|work|find|see|end up)\b|\bmust be that\b|\bmust have\b")
_DEONTIC = _rx(r"\b(we|you|one|i|they|people|researchers|theorists|everyone|it)\s+(really |still |also |just |probably |then )?(should(n'?t)?|must(n'?t)?|need(s)? to|have to|has to|ought to|had better)\s+(not\s+)?(?P<verb>\w+)")
_PASSIVE_DEONTIC = _rx(r"\b(should|must|ought to|needs? to)\s+(\w+ly\s+)?(be\s+)?(go|be (understood|studied|treated|seen|viewed|used|given|paid|considered|avoided|focused|included|mentioned|added|read)|get)\b")
_RIGHT_WRONG = _rx(r"\b(is|are|was|'s)\s+(not\s+)?(the|a)\s+(right|wrong|correct|only fair|proper|better|best|appropriate)\s+(\w+\s+)?(framework|approach|object|metric|way|lens|comparison|question|thing to|tool|place|foundation|perspective|level)")
_REQUIRES = _rx(r"^(understanding|explaining|studying|building|solving|any [a-z]+( [a-z]+)?|to understand|to explain|to fix)\b.*\b(requires?|must|has to|needs? to|have to)\b")
_NEED = _rx(r"\b(we|you) (need|want) (a|an|to|more|better)\b|\bmore (attention|work|effort|research) (should|needs|is needed)\b|\bshould (get|receive|be given) more\b|\bworth (studying|pursuing|investigating)\b|\bwe have to\b")
_IMPERATIVE = _rx(r"^(so,? )?(as a practical takeaway,? )?(if [^,]+, )?(recognize|remember|avoid|stop|don'?t|do not|never|always|make sure|beware|watch out|prefer|use|study|focus|try)\b")
_BENEFITS = _rx(r"\b(benefits?|risks?)\b.*\b(outweigh)\b")


@needs(_EPISTEMIC)
def norm_epistemic(s: Sent) -> str | None:
    """'we should expect', 'must be that', 'should also generalise': predictions, descriptive."""
    m = _first(_EPISTEMIC, s.plain)
    return m and "descriptive:" + m


@needs(_DEONTIC)
def norm_deontic_modal(s: Sent) -> str | None:
    """A person-subject with should/must/need to/have to + action: an obligation."""
    m = _DEONTIC.search(s.plain)
    if not m:
        return None
    verb = m.group("verb").lower()
    if verb in {"expect", "mention", "note", "say", "be", "imagine", "admit", "concede", "confess", "find", "see"}:
        return None
    return "normative:" + m.group(0)


@needs(_PASSIVE_DEONTIC)
def norm_passive_deontic(s: Sent) -> str | None:
    """'X should be understood / more attention should go …'."""
    m = _first(_PASSIVE_DEONTIC, s.plain)
    return m and "normative:" + m


@needs(_RIGHT_WRONG)
def norm_right_wrong(s: Sent) -> str | None:
    """'is the wrong framework / the right object of study / the only fair comparison'."""
    m = _first(_RIGHT_WRONG, s.plain)
    return m and "normative:" + m


@needs(_REQUIRES)
def norm_requires(s: Sent) -> str | None:
    """'Understanding X requires Y', 'To fix X, we need …'."""
    m = _first(_REQUIRES, s.plain)
    return m and "normative:" + m[:40]


@needs(_NEED)
def norm_need(s: Sent) -> str | None:
    """'We need a balance …', 'we have to take some risks', 'more attention should …'."""
    m = _first(_NEED, s.plain)
    return m and "normative:" + m


@needs(_IMPERATIVE)
def norm_imperative(s: Sent) -> str | None:
    """An imperative addressed to the reader ('recognize that …', 'don't …')."""
    m = _first(_IMPERATIVE, s.opening)
    return m and "normative:" + m


@needs(_BENEFITS)
def norm_benefits(s: Sent) -> str | None:
    """A weighing of benefits against risks (a judgement about what to do)."""
    m = _first(_BENEFITS, s.plain)
    return m and "normative:" + m


NORMATIVE_RULES = Ruler("tax-normative", [
    ("tax.norm.epistemic-modal", norm_epistemic),
    ("tax.norm.deontic-modal", norm_deontic_modal),
    ("tax.norm.passive-deontic", norm_passive_deontic),
    ("tax.norm.right-wrong-frame", norm_right_wrong),
    ("tax.norm.requires", norm_requires),
    ("tax.norm.need", norm_need),
    ("tax.norm.imperative", norm_imperative),
    ("tax.norm.benefits-risks", norm_benefits),
])

# ---------------------------------------------------------------- universal / situational

_THIS_CASE = _rx(r"\b(in this (case|example|model|situation|instance)|in (your|my|the above|this|that|the) (example|case|toy|\w+ model|model|setup)|"
                 r"(this|that|the above|your|my) (example|model|learning machine|machine|solution|construction|toy model|network|paper|prediction|experiment)\b|"
                 r"\bso far\b|\b(in|for) (small|toy) \w+)")
_PARTICULAR = _rx(r"(\$[^$]*[=<>][^$]*\$|\b[a-zA-Z]\s*\(\s*[a-z0-9]\s*\)\s*=|\(\s*-?\d+\s*,\s*-?\d+\s*\)|"
                  r"\b\d[\d,.]*\s*(%|percent|million|billion|trillion|[a-z]+s)\b|\b10\^?\{?\d+)")
# A proper name inside the sentence (not its first word): a capitalised word, or a model name like
# "GPT-3", that is not a glossary concept and not a name-derived adjective ("Bayesian", "Gaussian").
_PROPER = rx(r"(?<=[a-z,;:] )([A-Z][a-z]+(?:[- ][A-Z][a-z]+)*|[A-Z][A-Za-z]*-\d+(?:\.\d+)?)\b", 0)
_NOT_PROPER = rx(r"^([A-Z][a-z]+(ian|ean|ic)|I|The|A|An|This|That|These|Those|But|And|Or|So|If|When|Then|We|You|They|It|In|On|For)$", 0)
_CONDITION = _rx(r"^(if|when|whenever|unless|provided|assuming|for) [^,]{3,60},")


@needs(_THIS_CASE)
def uni_this_case(s: Sent) -> str | None:
    """Tied to a particular case ('in this case', 'your example', 'this learning machine', 'so far')."""
    m = _first(_THIS_CASE, s.plain)
    return m and "situational:" + m


def uni_particular_values(s: Sent) -> str | None:
    """Particular values, functions or quantities ('f(x) = 1', '(0, 0)', '31,260 posts', '10^21')."""
    m = _first(_PARTICULAR, s.text)
    return m and "situational:" + m


def uni_named_entity(s: Sent) -> str | None:
    """A particular named system, dataset, source or person (a proper name that is not a concept)."""
    surfaces = " ".join(s.surfaces)
    for m in _PROPER.finditer(_main_text(s)):
        name = m.group(1)
        if _NOT_PROPER.match(name.split()[0]) or name.lower() in surfaces or name.split()[0].lower() in surfaces:
            continue
        return "situational:" + name
    return None


def _main_text(s: Sent) -> str:
    return re.sub(r"\$[^$]*\$|[“\"][^”\"]*[”\"]|\([^()]*\)", " ", s.text)


_MISSING_SUBJECT = _rx(r"^(if|when|whenever|unless) (is|are|has|have|was)\b")


@needs(_CONDITION, _MISSING_SUBJECT)
def uni_condition(s: Sent) -> str | None:
    """An opening condition on a particular object: a math symbol ('If $A$ is one-to-one, …'), or a
    symbol the source lost ('If is a one-to-one function, …')."""
    m = _CONDITION.search(s.text.strip())
    if m and "$" in m.group(0):
        return "situational:" + m.group(0)[:40]
    m = _MISSING_SUBJECT.search(s.stripped)
    return "situational:" + m.group(0) if m else None


SCOPE_RULES = Ruler("tax-scope", [
    ("tax.scope.this-case", uni_this_case),
    ("tax.scope.particular-values", uni_particular_values),
    ("tax.scope.named-entity", uni_named_entity),
    ("tax.scope.math-condition", uni_condition),
])

# ---------------------------------------------------------------- deterministic / stochastic

_HEDGE = _rx(r"\b(probably|likely|unlikely|typically|often|usually|sometimes|occasionally|generally|mostly|largely|may|might|could|seems?|seemed|appears?|"
             r"suggests?|roughly|approximately|perhaps|possibly|maybe|arguably|presumably|plausibly|to (a )?first[- ]order|loosely|tends? to|idk|"
             r"i'?m not sure|not (that )?surprised|i suspect|i guess|speculat\w+|looks? like|pretty much|something like|sort of|more or less|"
             r"not sold|i doubt)\b|\b(less|more) than \d+(\.\d+)?\s?%|\b\d+(\.\d+)?\s?% (\(but non-zero\) )?probability")
_NOT_HEDGE = _rx(r"\bmore likely to\b|\bless likely to\b|\bcould not\b|\bcouldn'?t\b|\bmay not be\b")


def _main_clause(text: str) -> str:
    """The text without quoted material (a hedge inside a quotation is the quoted speaker's)."""
    return re.sub(r"[“\"][^”\"]*[”\"]", " ", text)


@needs(_HEDGE)
def det_hedge(s: Sent) -> str | None:
    """An explicit hedge (probably, likely, typically, may, seems, roughly, to first order, …) outside quotes."""
    text = _NOT_HEDGE.sub(" ", _main_clause(s.plain))
    m = _first(_HEDGE, text)
    return m and "stochastic:" + m


CERTAINTY_RULES = Ruler("tax-certainty", [
    ("tax.certainty.hedge", det_hedge),
])

AXIS_RULES = {
    "normative_or_descriptive": NORMATIVE_RULES,
    "universal_or_situational": SCOPE_RULES,
    "deterministic_or_stochastic": CERTAINTY_RULES,
}


def classify(s: Sent, disabled=frozenset()) -> tuple[dict, dict, list[str]]:
    """-> (taxonomy, cues, rules fired).  The first rule that fires on an axis decides it."""
    tax, cues, fired = {}, {}, []
    keys = sentence_keys(s)
    for axis in AXES:
        tax[axis], cues[axis] = DEFAULTS[axis], "default"
        for rule in AXIS_RULES[axis].active(disabled):
            res = not rule.skip(keys) and rule.fn(s)
            if res:
                label, _, cue = res.partition(":")
                tax[axis], cues[axis] = label, cue.strip()
                fired.append(rule.name)
                break
    return tax, cues, fired


def classify_passage(sents: list[Sent], disabled=frozenset(), scores: list[float] | None = None) -> tuple[dict, dict, list[str]]:
    """Taxonomy of a claim passage (one or two sentences): the passage's main sentence (the one with the
    highest claim score) decides normativity and scope; a hedge in any of its sentences makes it stochastic."""
    if len(sents) > 1 and scores and len(scores) == len(sents):
        i = max(range(len(sents)), key=lambda k: (scores[k], -k))
        sents = [sents[i]] + [x for k, x in enumerate(sents) if k != i]
    tax, cues, fired = classify(sents[0], disabled)
    axis = "deterministic_or_stochastic"
    for s in sents[1:]:
        if cues[axis] != "default":
            break
        t2, c2, f2 = classify(s, disabled)
        if c2[axis] != "default":
            tax[axis], cues[axis] = t2[axis], c2[axis]
            fired += [f for f in f2 if f.startswith("tax.certainty.") and f not in fired]
    return tax, cues, fired
