"""Claim rules: vetoes (what is never a claim) and weighted cues (what makes a thesis).

A sentence is a claim when no veto fires and the weights of the cues that fire add up to at
least `THRESHOLD`.  Cues are discourse and thesis markers, evaluative and causal language,
modality, concept mentions, position (section openings, summaries) and thread structure (a
reply's answer to a quoted paragraph).  Every cue that fired is recorded in the item's `rules`.
"""
from __future__ import annotations

import re

from . import taxonomy as T
from .context import Sent
from .prefilter import caseless, needs, rx, sentence_keys
from .ruler import Ruler

THRESHOLD = 2.0
"""Minimum score of a claim; within a post body or thread the best-scoring ones are kept up to QUOTA."""
KEY_THRESHOLD = 5.0
QUOTA = {"post": None, "thread": 0.15}
"""Share of a thread's sentences that may become claims (conversation is mostly not thesis); post
bodies have no quota: their claims are the sentences scoring at least THRESHOLD."""
SURE = 6.5
"""Claims scoring at least this are kept whatever the quota."""


def _rx(pattern: str):
    return rx(pattern)


# ------------------------------------------------------------------ vetoes (never claims)

_THANKS = _rx(r"\b(thanks?( you)?|thank you|grateful|appreciated?|good work|great post|nice post|cheers|kudos|glad you)\b|"
              r"\bi (really )?(like|love|liked|loved|enjoyed) (the|this|your) (images|figures|diagrams|pictures|post|write-?up|explanation|presentation)\b|"
              r"\b(very |really )?(nice|great|good|lovely|neat) (way to (present|explain|put)|write-?up|explanation|summary|post)\b")
_SIGNPOST = _rx(
    r"^(in this (post|section|comment)|below,? |here,? i|let'?s |let me |i'll |i will |we'll |we will |"
    r"this post (will|is|was)|in the (next|following|previous) (section|post)|as (mentioned|discussed|noted) (above|earlier|before)|"
    r"to (recap|summarize what)|first,? (a|some) (note|caveat)|see (this|the|here|also|my|our)|check out|for an overview|"
    r"the rest of this|i'?m going to|i want to (highlight|point out|discuss|talk)|i'?d like to|edit:|update:|epistemic status|tl;?dr)")
_PERSONAL = _rx(
    r"^(\(?i (have been|had been|was|attended|went|remember|wrote|spent|haven'?t|hadn'?t|didn'?t|never got)|"
    r"i'?m (not too sure how|wondering|curious|confused|grateful|excited|happy|glad|sorry)|sorry\b|apologies|"
    r"i (do )?(hope|wonder)|i (really )?(like|love|enjoyed)|(yes|yeah|yep|no|ok|okay|sure|agreed|fair enough|good point|great)[,.!]|"
    r"a big thank|(this is )?(very|pretty) (much )?a work in progress)")
_FURNITURE = _rx(
    r"(\bkarma\b|\bpoints?\)|\b\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4}|\butc\b|crossposted|"
    r"comments?, sorted by|new comment|produced as part of|^\[\.\.\.\]$|^\^|^\[\d+\]|^reply$|\bretrieved\b|^references?:?|"
    r"^(source|figure|fig\.|table|image|caption)\s*\d*[:.]|all rights reserved|^\d+$)")
# _FURNITURE in parts (a match of one is a match of the whole): the anchored alternatives tried at the
# start only, the others gated by their own keys.
_FURNITURE_PARTS = (
    (_rx(r"^(?:\[\.\.\.\]$|\^|\[\d+\]|reply$|references?:?|(source|figure|fig\.|table|image|caption)\s*\d*[:.]|\d+$)"), "match"),
    (_rx(r"\bkarma\b|\bpoints?\)|\butc\b|comments?, sorted by|new comment|produced as part of|\bretrieved\b|all rights reserved"), "search"),
    (_rx(r"\b\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{4}"), "search"),
    (_rx(r"crossposted"), "search"),
)
_EXAMPLE_START = _rx(r"^(\(?(for (example|instance)|e\.g\.|as an example|suppose|assume|imagine|consider|let'?s (say|consider|take|imagine)|say we|take (the|a)|let \S+ (be|=)|let \$))")
_URL = _rx(r"https?://|www\.|\]\(")
_WWW = re.compile(r"www\.", re.I)
_CITE = _rx(r"^\s*\[?\d+\]?[:.)]\s+[A-Z]|\b(et al\.?,? (19|20)\d\d|arxiv|doi:|isbn)\b")
_CITE_PARTS = ((_rx(r"\s*\[?\d+\]?[:.)]\s+[A-Z]"), "match"), (_rx(r"\b(et al\.?,? (19|20)\d\d|arxiv|doi:|isbn)\b"), "search"))


_INDIRECT_Q = _rx(r"\bthe (\w+ )?question (is|becomes|remains|here is) (whether|why|how|what|if|which)\b|^(i wonder|i'?m wondering)\b")


@needs(_INDIRECT_Q, chars="?")
def veto_question(s: Sent) -> bool:
    """Questions are not claims (rhetorical and indirect ones included: 'the question is why …')."""
    t = s.text.rstrip(" *_)\"”’'")
    return t.endswith("?") or bool(_INDIRECT_Q.search(s.plain))


@needs(_THANKS)
def veto_thanks(s: Sent) -> bool:
    """Thanks and pleasantries."""
    return bool(_THANKS.search(s.plain)) and len(s.words) < 30


_META = _rx(r"\b(i|we) ('ll|will|shall|'m going to|am going to) (briefly |now |also |first |then )?(summari[sz]e|explain|discuss|describe|show|cover|go through|argue|give|mention|list|present|review|outline|elaborate|lay out)\b|"
            r"\((see|more) (below|above|later)\)|\bplease\b|\blet me know\b|\bpasted image\b|\.(png|jpe?g|gif|svg)\b|"
            r"\b(this|the|your|my|his|her|original) (post|comment|op|article|essay|title|write-?up)\b.{0,60}\b(add|edit|edited|change|retitle|clarify|highlight|rewrite|mention it)\b|"
            r"\b(useful|helpful) for me to\b|\bi'?d encourage you\b|"
            r"^(disclaimer|epistemic status|content warning|note|edit|update|tl;?dr|ps|p\.s\.)\s*:|"
            r"^i (should|must|want to|would like to|'d like to) (also |briefly )?(mention|note|add|point out|highlight|flag)\s+(?!that\b)(a|an|the|some|one|two|this|my)\b|"
            r"^(for .{3,80}?, )?(determine|compute|calculate|estimate|count|divide|multiply|subtract|check|look up|plug)\b")


_ANNOUNCED_THESIS = _rx(r"\b(i|we) (will |'ll |want to |would like to )?(argue|claim|contend|show|propose|maintain|suggest) that\b")


@needs(_SIGNPOST, _META)
def veto_signpost(s: Sent) -> bool:
    """Signposting and meta remarks about the writing ("In this post, I will…", "see below", "please let
    me know"); an announced thesis ("In this post I argue that X") is not signposting."""
    if _ANNOUNCED_THESIS.search(s.plain):
        return False
    return bool(_SIGNPOST.search(s.opening_paren)) or bool(_META.search(s.plain))


@needs(_PERSONAL)
def veto_personal(s: Sent) -> bool:
    """Personal asides, logistics and conversational replies ("I have been meaning to…", "Yes,")."""
    return bool(_PERSONAL.search(s.opening_paren))


_FURNITURE_HINT = re.compile(r"\d|karma|point|utc|crosspost|comment|produced|\[|\^|reply|retriev|referenc|source|figure|fig\.|table|image|caption|rights|et al|arxiv|doi|isbn", re.I)
_FURNITURE_MARKS = re.compile(r"[\d\[^]")
_FURNITURE_WORDS = re.compile(r"karma|point|utc|crosspost|comment|produced|reply|retriev|referenc|source|figure|fig\.|"
                              r"table|image|caption|rights|et al|arxiv|doi|isbn")  # _FURNITURE_HINT's words, lower case


def _furniture_hint(text: str) -> bool:
    """What _FURNITURE_HINT.search(text) finds, faster: substring tests on the lower-cased text where
    that is exact (prefilter.caseless)."""
    if not caseless(text):
        return bool(_FURNITURE_HINT.search(text))
    if _FURNITURE_MARKS.search(text):
        return True
    return bool(_FURNITURE_WORDS.search(text.lower()))


def veto_furniture(s: Sent) -> bool:
    """Page furniture: karma lines, dates, 'Crossposted', reference lists."""
    if not _furniture_hint(s.text):
        return False
    return _any_part(_FURNITURE_PARTS, s.stripped) or _any_part(_CITE_PARTS, s.text)


def _any_part(parts, text: str) -> bool:
    return any(getattr(p, how)(text) for p, how in parts)


def veto_links(s: Sent) -> bool:
    """Link lists and sentences that are mostly links."""
    t = s.text
    if "://" not in t and "](" not in t and not _WWW.search(t):
        return False  # no _URL match without one of these
    n = len(_URL.findall(t))
    return n >= 2 or (n == 1 and len(s.words) < 12)


def veto_fragment(s: Sent) -> bool:
    """Fragments: fewer than 5 words, or mostly math/symbols."""
    words = s.words
    if len(words) < 5:
        return True
    letters = sum(len(w) for w in words)
    return letters < 0.45 * len(s.text.replace(" ", ""))


@needs(_EXAMPLE_START)
def veto_example(s: Sent) -> bool:
    """Example and construction openers ("Suppose…", "For example…", "Let f be…") belong to examples."""
    return bool(_EXAMPLE_START.search(s.opening))


def veto_list_intro(s: Sent) -> bool:
    """A sentence that only introduces a list or formula (ends with ':' or ',')."""
    return s.text.rstrip(" *_").endswith((":", ","))


_CODE = rx(r"(\bdef |\bimport |\breturn\b.*[=(]|[{};]\s*$|^\s*>>>)", 0)


@needs(_CODE)
def veto_code(s: Sent) -> bool:
    """Code-like text (calls, assignments, braces) is not prose."""
    return bool(_CODE.search(s.text))


def veto_overlong(s: Sent) -> bool:
    """Run-on text over 90 words (usually a broken block, not one assertion)."""
    return len(s.words) > 90


CLAIM_VETOES = Ruler("claim-vetoes", [
    ("claim.veto.question", veto_question),
    ("claim.veto.thanks", veto_thanks),
    ("claim.veto.signpost", veto_signpost),
    ("claim.veto.personal", veto_personal),
    ("claim.veto.furniture", veto_furniture),
    ("claim.veto.links", veto_links),
    ("claim.veto.fragment", veto_fragment),
    ("claim.veto.example-opener", veto_example),
    ("claim.veto.list-intro", veto_list_intro),
    ("claim.veto.code", veto_code),
    ("claim.veto.overlong", veto_overlong),
])

# ------------------------------------------------------------------ cues (weighted)

_THESIS = _rx(r"\b(i|we) (do not |don'?t |still |would |strongly |really )?(think|believe|claim|argue|maintain|contend|suspect|expect|conclude|would argue|hold)\b( that)?")
_CONCLUDE = _rx(r"^(therefore|hence|thus|so,? |consequently|in summary|in short|overall|ultimately|in conclusion|to summari[sz]e|summary:|all in all|the upshot|the (bottom line|takeaway)|putting (this|it|these|all this|that) together|taken together|in sum)")
_CONTRAST = _rx(r"^(however|but|yet|still|nonetheless|nevertheless|unfortunately|in fact|actually|instead|rather|on the other hand|in particular|moreover|furthermore|importantly|crucially)\b")
_MARKER = _rx(r"\b(the|my|our|a|this|one) (key|main|central|basic|important|fundamental|crucial|core|real|actual|remarkable|non-trivial|nontrivial|big|biggest) "
              r"(point|insight|observation|claim|idea|takeaway|thing|problem|question|reason|issue|lesson|trick|result|consequence|difference|feature|challenge|mechanism|answer)")
_EVAL = _rx(r"\b(wrong|right|correct|incorrect|false|true|better|worse|best|worst|important|significant|crucial|fundamental|essential|adequate|inadequate|"
            r"unable|cannot|can'?t|impossible|necessary|sufficient|misleading|over-?hyped|oversold|never|always|only|all|none|no|"
            r"not|n'?t|fails?|doesn'?t|isn'?t|aren'?t|won'?t|key|matters?|dominat\w+|determin\w+|exactly|precisely|strictly|just)\b")
_CAUSAL = _rx(r"\b(because|since|due to|which means|this means|that means|implies|implying|leads? to|results? in|correspond\w*|explains?|"
              r"determin\w+|dominat\w+|depends? on|is why|the reason|so that|in order to|requires?|translates? to|make[s]? for|reduces?|increases?|equivalent)\b")
_COMPARE = _rx(r"\b(more|less|fewer|greater|smaller|larger|higher|lower|simpler|easier|harder|stronger|weaker|better|worse|\w{3,}er)\b.{0,60}\bthan\b")
_COMPARE_THE = _rx(r"\bthe \w+er\b.*,\s*the \w+er\b|\bthe (more|less)\b.*,\s*the\b")
_MODAL = _rx(r"\b(should|must|need to|needs to|have to|has to|ought to|will|would|can|cannot)\b")
_GENERIC = _rx(r"^(the |a |an |all |most |any |every |no |many |some )?([a-z][\w'-]*\s){0,5}?(is|are|does|do|can|cannot|can'?t|will|has|have|makes?|gives?|says?|tells?|holds?|works?|provides?|offers?)\b")
_NARRATIVE = _rx(r"^(i|we) (was|were|had|tried|went|did|used|read|looked|wrote|found|saw|started|spent|asked)\b|\byesterday\b|\blast (week|year|month)\b")
_DEIXIS = _rx(r"^(this|that|it|these|those|here|there)\b")


@needs(_THESIS)
def cue_thesis_verb(s: Sent) -> float:
    """'I think / believe / claim / argue (that) …' with a substantial complement (weaker in conversation)."""
    if not (_THESIS.search(s.plain) and len(s.words) >= 8):
        return 0.0
    return 0.5 if s.in_comments else 1.5


@needs(_CONCLUDE)
def cue_conclusion(s: Sent) -> float:
    """Conclusion markers: 'Therefore', 'Hence', 'In summary', 'Overall', …"""
    return 2.0 if _CONCLUDE.search(s.opening) else 0.0


@needs(_CONTRAST)
def cue_contrast(s: Sent) -> float:
    """Contrastive or emphatic openers: 'However', 'But', 'In fact', 'In particular'."""
    return 1.0 if _CONTRAST.search(s.opening) else 0.0


@needs(_MARKER)
def cue_thesis_marker(s: Sent) -> float:
    """'The key point / main insight / important observation / trick …'."""
    return 2.0 if _MARKER.search(s.plain) else 0.0


@needs(_EVAL)
def cue_evaluative(s: Sent) -> float:
    """Evaluative, absolute or negated language (wrong, cannot, never, not, only, …)."""
    n = len(_EVAL.findall(s.plain))
    return min(n, 3) * 0.6


@needs(_CAUSAL)
def cue_causal(s: Sent) -> float:
    """Causal and explanatory connectives (because, implies, determines, dominates, …)."""
    return 1.0 if _CAUSAL.search(s.plain) else 0.0


@needs(_COMPARE, _COMPARE_THE)
def cue_comparative(s: Sent) -> float:
    """Comparatives ('more … than', 'the higher …, the lower …')."""
    p = s.plain  # 'the …er, the …er' needs a comma: only then is the (slow) second pattern tried
    return 1.0 if _COMPARE.search(p) or ("," in p and _COMPARE_THE.search(p)) else 0.0


@needs(_MODAL)
def cue_modal(s: Sent) -> float:
    """Modal verbs that make an assertion about what will/can/must happen."""
    return 0.5 if _MODAL.search(s.plain) else 0.0


@needs(_GENERIC)
def cue_generic_subject(s: Sent) -> float:
    """A generic subject followed by a present-tense predicate ('Generalization is …', 'SLT says …')."""
    return 0.8 if _GENERIC.search(s.opening) else 0.0


def cue_concepts(s: Sent) -> float:
    """Mentions of glossary concepts (the subject matter)."""
    n = len([c for c in s.concepts if c != "Neural network"])
    return 0.0 if n == 0 else (1.0 if n == 1 else 1.5)


def cue_section_opening(s: Sent) -> float:
    """First sentence of a section's opening paragraph, or of the post."""
    if s.in_comments:
        return 0.0
    return 1.0 if s.sidx == 0 and (s.section_para == 0 or s.bidx == 0) else 0.0


def cue_lead(s: Sent) -> float:
    """The post's first paragraphs (the thesis usually comes early) or the closing paragraph."""
    if s.in_comments:
        return 0.0
    return 1.0 if s.bidx <= 1 or s.last_block else 0.0


def cue_paragraph_opening(s: Sent) -> float:
    """First sentence of a paragraph (topic sentences state the point)."""
    return 0.5 if s.sidx == 0 and s.nsent > 1 else 0.0


def cue_reply_answer(s: Sent) -> float:
    """In a reply, the sentence that answers a quoted paragraph (the first one after the quote)."""
    return 1.0 if s.in_comments and s.after_quote == 0 and s.sidx == 0 else 0.0


def cue_comment_opening(s: Sent) -> float:
    """First sentence of a comment (where a commenter states their position)."""
    return 0.5 if s.in_comments and s.bidx == 0 and s.sidx == 0 else 0.0


@needs(_NARRATIVE)
def pen_narrative(s: Sent) -> float:
    """Narrative of what someone did ('I tried…', 'We found…'): an account, not a thesis."""
    return -1.5 if _NARRATIVE.search(s.opening_paren) else 0.0


def pen_short(s: Sent) -> float:
    """Very short sentences rarely carry a thesis on their own (unless they are flat verdicts)."""
    n = len(s.words)
    if n >= 10:
        return 0.0
    if n < 6:
        return -1.0
    return -0.25 if _VERDICT.search(s.plain) else -0.75


_VERDICT = _rx(r"\b(is|are|isn'?t|aren'?t|was|does|doesn'?t|do|don'?t|can'?t|cannot|will|won'?t)\s+(not\s+|never\s+|actually\s+|really\s+|just\s+|always\s+)*(wrong|right|true|false|the case|no|never|not|actually|just)\b")
_EMPHATIC = _rx(r"\b(actually|really|fundamentally|precisely|exactly|simply|entirely|completely|strictly|necessarily|crucially|in fact|at its core|requires?)\b")


@needs(_EMPHATIC)
def cue_emphatic(s: Sent) -> float:
    """Emphatic or absolute qualifiers ('actually', 'fundamentally', 'requires', 'in fact')."""
    return 0.8 if _EMPHATIC.search(s.plain) else 0.0


@needs(_VERDICT)
def cue_verdict(s: Sent) -> float:
    """A flat verdict ('X is wrong', 'this is never the case', 'models are not Gaussian')."""
    return 1.0 if _VERDICT.search(s.plain) else 0.0


@needs(T._DEONTIC, T._PASSIVE_DEONTIC, T._RIGHT_WRONG, T._REQUIRES, T._NEED, T._IMPERATIVE, T._BENEFITS)
def cue_prescription(s: Sent) -> float:
    """A prescription ('we should study X', 'X is the wrong framework'): normative claims are theses too."""
    keys = sentence_keys(s)
    for rule in T.NORMATIVE_RULES:
        res = not rule.skip(keys) and rule.fn(s)
        if res:
            return 0.5 if res.startswith("normative") else 0.0
    return 0.0


def cue_concept_subject(s: Sent) -> float:
    """A glossary concept is the subject (mentioned in the first words): the sentence is about the subject matter."""
    if not s.surfaces:
        return 0.0
    head = " ".join(s.plain.split()[:4]).lower()
    return 0.8 if any(x and x.split()[0] in head for x in s.surfaces) else 0.0


_FIRST_PERSON = _rx(r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")


@needs(_FIRST_PERSON, _THESIS)  # without a _THESIS match the head's words are the sentence's
def pen_first_person(s: Sent) -> float:
    """A sentence whose subject is the speaker (outside 'I think that …') is conversation more often than thesis."""
    text = _THESIS.sub(" ", s.plain).strip().lstrip("(*_\"“")
    head = " ".join(text.split()[:4])
    return -0.5 if _FIRST_PERSON.search(head) else 0.0


_INLINE_MATH = rx(r"\$[^$]+\$", 0)


@needs(_INLINE_MATH)
def pen_math(s: Sent) -> float:
    """Mostly-math sentences are derivations, not claims."""
    math = sum(len(m) for m in _INLINE_MATH.findall(s.text))
    return -1.0 if math > 0.35 * len(s.text) else 0.0


_HEDGED_META = rx(r"\b(i'?m not (sure|certain)|i don'?t know|not sure (why|what|how)|no idea)\b", 0)


@needs(_HEDGED_META)
def pen_hedged_meta(s: Sent) -> float:
    """Hesitation about the speaker's own knowledge ('I'm not sure', 'I don't know')."""
    return -1.0 if _HEDGED_META.search(s.low) else 0.0


@needs(_DEIXIS)
def pen_deixis_fragment(s: Sent) -> float:
    """Short sentences that lean on the previous one ('This is true.', 'That's it.')."""
    return -1.0 if _DEIXIS.search(s.stripped) and len(s.words) < 9 else 0.0


CLAIM_CUES = Ruler("claim-cues", [
    ("claim.thesis-verb", cue_thesis_verb),
    ("claim.conclusion-marker", cue_conclusion),
    ("claim.contrast-marker", cue_contrast),
    ("claim.thesis-marker", cue_thesis_marker),
    ("claim.evaluative", cue_evaluative),
    ("claim.causal", cue_causal),
    ("claim.comparative", cue_comparative),
    ("claim.emphatic", cue_emphatic),
    ("claim.verdict", cue_verdict),
    ("claim.prescription", cue_prescription),
    ("claim.concept-subject", cue_concept_subject),
    ("claim.modal", cue_modal),
    ("claim.generic-subject", cue_generic_subject),
    ("claim.concepts", cue_concepts),
    ("claim.section-opening", cue_section_opening),
    ("claim.lead-or-close", cue_lead),
    ("claim.paragraph-opening", cue_paragraph_opening),
    ("claim.reply-answer", cue_reply_answer),
    ("claim.comment-opening", cue_comment_opening),
    ("claim.pen.narrative", pen_narrative),
    ("claim.pen.short", pen_short),
    ("claim.pen.first-person", pen_first_person),
    ("claim.pen.math", pen_math),
    ("claim.pen.hedged-meta", pen_hedged_meta),
    ("claim.pen.deixis-fragment", pen_deixis_fragment),
])


def vetoed(s: Sent, disabled=frozenset()) -> str | None:
    keys = sentence_keys(s)
    for rule in CLAIM_VETOES.active(disabled):
        if (rule.gate is None or keys is None or not keys.isdisjoint(rule.gate)) and rule.fn(s):  # rule.skip, inlined
            return rule.name
    return None


CONCEPT_CUES = frozenset({"claim.concept-subject", "claim.concepts"})
"""The cues that look at a sentence's concepts, which grow once the corpus's own definitions are known;
the others look at the sentence and its place in the post only."""


def text_cues(s: Sent, disabled=frozenset()) -> dict[str, float]:
    """The weights of the cues but CONCEPT_CUES that fire, by name."""
    out = {}
    keys = sentence_keys(s)
    for rule in CLAIM_CUES.active(disabled):
        if rule.name in CONCEPT_CUES or (rule.gate is not None and keys is not None and keys.isdisjoint(rule.gate)):
            continue  # rule.skip(keys), inlined
        w = rule.fn(s)
        if w:
            out[rule.name] = w
    return out


def claim_score(s: Sent, disabled=frozenset(), cues: dict[str, float] | None = None) -> tuple[float, list[str]]:
    """The sum of the weights of the cues that fire (in rule order), and their names; `cues` are the
    text_cues of the sentence when already known."""
    if cues is None:
        cues = text_cues(s, disabled)
    total, fired = 0.0, []
    for rule in CLAIM_CUES.active(disabled):
        w = rule.fn(s) if rule.name in CONCEPT_CUES else cues.get(rule.name)
        if w:
            total += w
            fired.append(rule.name)
    return total, fired


# ------------------------------------------------------------------ key (thesis-level) claims

def key_section_opening(s: Sent, score: float) -> bool:
    """A claim that opens the post or a section."""
    return not s.in_comments and s.sidx == 0 and (s.section_para == 0 or s.bidx == 0) and score >= THRESHOLD


_I_CLAIM = rx(r"\bi (claim|maintain|contend)\b", 0)


def key_marker(s: Sent, score: float) -> bool:
    """Explicit thesis markers ('In summary', 'the key insight', 'I claim')."""
    return bool(_CONCLUDE.search(s.stripped) or _MARKER.search(s.plain) or _I_CLAIM.search(s.low))


def key_strong(s: Sent, score: float) -> bool:
    """Claims scoring well above the threshold."""
    return score >= KEY_THRESHOLD


KEY_RULES = Ruler("key", [
    ("key.section-opening", key_section_opening),
    ("key.thesis-marker", key_marker),
    ("key.strong-score", key_strong),
])
