"""Definition rules: definitional patterns that name the term being defined.

Each rule takes a sentence and returns the defined term (as worded in the text) or None.  The
rules run in order; the first term found names the definition and every rule that fired is
recorded.  Patterns: "X is called / known as Y", "we call … Y", "we define X", "X := …",
"let X be a Y", "X refers to", "by X we mean", "the definition of X", "X (ABBR)" acronym
expansion with a gloss, "where S is the Y", "X, in the sense that", "the idea of X is",
"X is a (specific) type of", a first emphasised or quoted mention glossed in the same sentence,
"That is, …" restating a concept of the previous sentence, and a glossary concept as the
subject of a definitional copula ("Kolmogorov complexity is the …").
"""
from __future__ import annotations

import re

from .context import Sent
from .prefilter import needs, rx, sentence_keys
from .ruler import Ruler

_ART = r"(?:the |a |an |this |these |such )?"
_NP = r"([\"“'‘*_]*[A-Za-z][\w'’\-]*(?:[ -][\w'’\-]+){0,5}?[\"”'’*_]*)"
_QUOTED = r"[\"“‘*_]{1,2}([^\"”’*_]{2,50}?)[\"”’*_]{1,2}"
STOP_TERMS = {"it", "this", "that", "these", "those", "they", "we", "you", "i", "he", "she", "which", "what", "there",
              "here", "one", "thing", "things", "way", "case", "point", "idea", "something", "someone", "anything"}


def _rx(p: str):
    return rx(p)


_TRAILING_STOP = {"the", "a", "an", "of", "near", "to", "for", "and", "or", "with", "about", "in", "on", "at", "by",
                  "from", "as", "is", "are", "that", "which", "this", "its", "their"}


def clean_term(term: str | None) -> str | None:
    if not term:
        return None
    t = re.sub(r"[*_`]", "", term)
    t = t.strip(" \"“”'‘’.,;:[]")
    while t.endswith(")") and t.count("(") < t.count(")"):
        t = t[:-1].rstrip()
    while t.startswith("(") and t.count("(") > t.count(")"):
        t = t[1:].lstrip()
    t = t.strip(" \"“”'‘’.,;:[]")
    t = re.sub(r"^(the|a|an|this|these|such|our|your|its|their)\s+", "", t, flags=re.I)
    t = re.sub(r"\s+", " ", t).strip().lstrip("-–").strip()
    t = re.sub(r"(?<=[A-Za-z])\d{1,2}$", "", t)  # glued footnote mark: "NNs2"
    words = t.split()
    while words and words[-1] in _TRAILING_STOP:
        words.pop()
    t = " ".join(words)
    if not t or t.lower() in STOP_TERMS or len(t) > 60 or not re.search(r"[A-Za-z]{2}", t):
        return None
    if len(t.split()) > 6:
        return None
    return t


def _cut_np(text: str, max_words: int = 5) -> str:
    """The noun phrase at the start of `text`: stop at punctuation or a clause word."""
    text = re.split(r"[,;:.()\[\]—–]| - |\s(?:of|for|in|on|with) (?:the|a|an|its|this|these|that|our|your)\b", text, maxsplit=1)[0]
    out = []
    for w in text.split():
        if w.lower() in {"is", "are", "was", "which", "that", "where", "when", "who", "as", "to", "because", "if",
                         "and", "or", "but", "in", "on", "for", "with", "by", "from", "at", "we", "you", "it"} and out:
            break
        out.append(w)
        if len(out) >= max_words:
            break
    return " ".join(out)


_CALLED = _rx(r"\b(?:is|are|was|were|be)\s+(?:also\s+|sometimes\s+|often\s+)?(?:called|known as|termed|dubbed|referred to as|named)\s+" + _ART + r"(.+)")
_CALLED_ACTIVE = _rx(r"\b(?:we|people|physicists|statisticians|they|one|i|authors?)\s+(?:will\s+|can\s+|often\s+)?(?:call|term|dub|name)\s+(?:these|this|such|them|it|the)?\s*(?:\w+\s+){0,3}?" + _QUOTED)
_CALLED_ACTIVE_BARE = _rx(r"\bwe call (?:these|this|such|them)\s+(?:\w+\s+)?(\w+(?: \w+){0,2})\s*\.?$")
_A_CALLED = rx(r",\s*(?:also\s+)?called\s+(?:the\s+)?([\"“*_]?[A-Za-z][\w\-]*(?: [\w\-]+){0,3}[\"”*_]?)", 0)
_WE_DEFINE = _rx(r"\b(?:we|i|one)\s+(?:can\s+|could\s+|will\s+|now\s+)?define\s+(?:the\s+|a\s+|an\s+)?(.+)")
_DEFINED_AS = _rx(r"^(?:recall that\s+|note that\s+)?" + _ART + r"(.+?)\s+(?:is|are)\s+(?:\w+ly\s+)?defined\s+(?:as|to be|by)\b")
_DEFINITION_OF = _rx(r"^(?:under|by|using|with|recall|following|given|from|according to)?\s*(?:the|a|our|my|this)\s+definition of\s+(?:a|an|the)?\s*(.+)")
_ASSIGN = rx(r"([A-Za-z][\w{}^\\]*(?:\([^)]*\))?)\s*:=", 0)
_LET = _rx(r"\blet\s+(\$[^$]+\$|\w+)\s+be\s+(?:a|an|the)\s+(.+)")
_REFERS = _rx(r"^" + _ART + r"(.+?)\s+(?:refers? to|means|stands for|denotes|is shorthand for|is short for)\s")
_BY_MEAN = _rx(r"\b(?:by|with)\s+(?:the term\s+)?" + r"(.+?),?\s+(?:i|we)\s+mean\b|\bwhat (?:i|we) mean by\s+(.+?)\s+is\b")
_ACRONYM = rx(r"((?:[A-Z][a-z]+[ -]){1,5}[A-Z][a-z]+|(?:[a-z]+[ -]){1,4}[a-z]+)\s+\(([A-Z]{2,6})\)", 0)
_WHERE_IS = _rx(r"(?:^|[,;)$]\s*|MATH\s+)where,?\s+(\$[^$]+\$|[^\s,]{1,12}|the [\w\- ]{3,40}?)\s+(?:is|are)\s+(?:the|a|an|just)\s+(.+)")
_SENSE = _rx(r"(\S+(?:\s\S+)?)\s*[,(]?\s*in the sense that\b")
_IDEA_OF = _rx(r"\bthe (?:idea|notion|concept|definition) of\s+(?:a|an|the)?\s*(.+?)\s+is\b")
_TYPE_OF = _rx(r"^" + _ART + r"(.+?)\s+(?:is|are)\s+(?:a|an|the)\s+(?:\w+\s+)?(?:specific\s+|particular\s+|special\s+)?(?:type|kind|form|class|sort|measure|notion|formali[sz]ation|quantification|generali[sz]ation)\s+of\b")
_THIS_IS_QUOTED = _rx(r"\(?\s*(?:this|which|that) is (?:called |known as )?" + _QUOTED)
_IE_GLOSS = _rx(_QUOTED + r"\s*(?:[—–-]+|,|\()\s*(?:i\.e\.|that is\b|meaning\b|or\b)")
_EMPH_GLOSS = rx(r"(?:\*\*?|_)([^*_]{3,50}?)(?:\*\*?|_)\s*(?:,|\(|—|–|:| -)", 0)
_QUOTE_GLOSS = rx(r"[“\"]([^”\"]{3,40})[”\"]\s*(?:\(|,|—|–| is | are | or | refers)", 0)
_COPULA = _rx(r"(?:^|\bthat\s+|\bwhereas\s+|\bwhile\s+)(?:so,?\s+|recall that\s+|note that\s+|roughly,?\s+)?" + _ART + r"(.{2,60}?)\s+(?:is|are)\s+(?:just\s+|simply\s+|essentially\s+|basically\s+)?(?:a|an|the)\s+(?:\w+\s+){0,4}?(?:\w+)\s*(?:of|that|which|where|in which|for|between|associated|defined|measuring)\b")
_THAT_IS = _rx(r"^(?:that is|in other words|i\.e\.|put differently|this means that|concretely)\b[,:]?")
_DISTINGUISH = _rx(r"\bwe distinguish\s+(\w+)")


@needs(_CALLED, _A_CALLED)
def def_called(s: Sent) -> str | None:
    """'X is called / known as / termed Y' -> Y."""
    m = _CALLED.search(s.plain)
    if m:
        quoted = re.match(_QUOTED, m.group(1).strip())
        return clean_term(quoted.group(1) if quoted else _cut_np(m.group(1), 5))
    m = _A_CALLED.search(s.plain)
    return clean_term(m.group(1)) if m else None


@needs(_CALLED_ACTIVE, _CALLED_ACTIVE_BARE)
def def_we_call(s: Sent) -> str | None:
    """'We call such models "non-identifiable"', 'We call these changes phase transitions.' -> the name."""
    m = _CALLED_ACTIVE.search(s.text) or _CALLED_ACTIVE_BARE.search(s.stripped)
    return clean_term(m.group(1)) if m else None


_DEFINITION_OF_Q = _rx(r"\bdefinitions? of\s+(?:its |the |a |an )?" + _QUOTED)
_DEFINITION_OF_IS = _rx(r"\b(?:good |standard |usual |formal |precise )definitions? of\s+(?:its |the |a |an )?([\w\- ]{3,40}?)\s+(?:is|are|will be|would be)\b")


def def_definition_of(s: Sent) -> str | None:
    """'Under the definition of a Hamiltonian', 'the *definition* of "X"', 'a good definition of X is' -> X."""
    m = _DEFINITION_OF.search(s.stripped)
    if m:
        return clean_term(_cut_np(m.group(1), 4))
    m = _DEFINITION_OF_Q.search(s.text.replace("*", "")) or _DEFINITION_OF_IS.search(s.plain)
    return clean_term(m.group(1)) if m else None


@needs(_DEFINED_AS)
def def_defined_as(s: Sent) -> str | None:
    """'X is defined as …' -> X."""
    m = _DEFINED_AS.search(s.stripped)
    return clean_term(_cut_np(m.group(1), 6)) if m else None


@needs(_WE_DEFINE)
def def_we_define(s: Sent) -> str | None:
    """'we define X (as …)' / 'we can define the "A-complexity" of …' -> X."""
    m = _WE_DEFINE.search(s.plain)
    if not m:
        return None
    q = re.match(_QUOTED, m.group(1).strip()) or re.search(r"[“\"]([^”\"]{2,40})[”\"]", m.group(1))
    return clean_term(q.group(1) if q else _cut_np(m.group(1), 4))


@needs(_ASSIGN)  # searched in the text with '$' made a space: the same keys
def def_assign(s: Sent) -> str | None:
    """'X := …' -> the noun before the symbol when named ('the empirical entropy, S_n :='), else the symbol."""
    if ":=" not in s.text:
        return None
    m = _ASSIGN.search(s.text.replace("$", " "))
    if not m:
        return None
    before = s.plain[: s.plain.find(",")] if "," in s.plain else ""
    named = re.search(r"\b(?:the|a|an)\s+([a-z][\w\-]*(?: [a-z][\w\-]*){0,3})\s*$", before, re.I)
    return clean_term(named.group(1)) if named else clean_term(m.group(1))


@needs(_LET)
def def_let_be(s: Sent) -> str | None:
    """'Let X be a Y' -> Y."""
    m = _LET.search(s.text)
    return clean_term(_cut_np(m.group(2), 4)) if m else None


_DEIXIS_SUBJ = rx(r"^(this|that|it|which|when|so|anyway|also|then|here|there|what|post|i|you|we|they)\b")


_REFERS_HINT = re.compile(r"refer|mean|stand|denote|short")
_REFER_QUOTED = rx(r"\brefer(?:s|ring)? to (?:the |a |an )?[“\"]([^”\"]{3,40})[”\"].*\bmean")


@needs(_REFERS, _BY_MEAN, _REFER_QUOTED)
def def_refers_to(s: Sent) -> str | None:
    """'X refers to / means / stands for …' and 'by X I mean' -> X (X a short noun phrase, not 'this')."""
    if not _REFERS_HINT.search(s.low):
        return None
    m = _REFERS.search(s.stripped)
    if m and len(m.group(1).split()) <= 4 and not _DEIXIS_SUBJ.search(m.group(1).strip("*_\"“ ")) \
            and not re.search(r"[:;]|\b(i'?m|i|you|we|my)\b", m.group(1), re.I) \
            and not re.search(r"\bmeans that\b", s.plain[m.end() - 6:m.end() + 6], re.I):
        return clean_term(m.group(1))
    m = _BY_MEAN.search(s.plain)
    if m:
        return clean_term(m.group(1) or m.group(2))
    m = _REFER_QUOTED.search(s.plain)
    return clean_term(m.group(1)) if m else None


_PAREN_ABBR = re.compile(r"\([A-Z]{2,6}\)")


@needs(_ACRONYM)
def def_acronym(s: Sent) -> str | None:
    """'… the real log canonical threshold (RLCT) …' with a gloss in the sentence -> 'real log canonical threshold (RLCT)'."""
    if not _PAREN_ABBR.search(s.plain):
        return None
    for m in _ACRONYM.finditer(s.plain):
        name, abbr = m.group(1), m.group(2)
        initials = "".join(w[0] for w in re.split(r"[ -]", name) if w).upper()
        if initials.endswith(abbr) or abbr in initials:
            words = re.split(r"[ -]", name)
            keep = " ".join(words[-len(abbr):]) if len(words) > len(abbr) else name
            rest, before = s.plain[m.end():], s.plain[: m.start()]
            framed = re.search(r"(known as|called|named|termed|:|namely|i\.e\.,?|particular,?)\s*(the\s+|a\s+|an\s+)?$", before, re.I) \
                or re.match(r"\s*,?\s*(which|that)\s+(is|measures|quantifies|captures|describes|formali[sz]es)\b", rest, re.I) \
                or (not rest.strip(" .") and s.next is not None and s.next.block is s.block
                    and re.match(r"^(roughly|intuitively|more precisely|this (measures|is)|it (measures|is))\b", s.next.stripped, re.I))
            if framed:
                return clean_term(f"{keep} ({abbr})")
    return None


@needs(_WHERE_IS)
def def_where_is(s: Sent) -> str | None:
    """'where S_n is the empirical entropy', 'where the Bayes loss is a …' -> the named quantity."""
    m = _WHERE_IS.search(s.plain)
    if not m:
        return None
    subject, pred = m.group(1).strip(), m.group(2)
    if subject.lower().startswith("the ") and len(subject.split()) > 1:
        return clean_term(subject)
    q = re.match(_QUOTED, pred.strip())
    if q:
        return clean_term(q.group(1))
    np = _cut_np(pred, 4)
    if any(c.lower() in np.lower() or np.lower() in c.lower() for c in s.concepts) or \
            any(w.lower() in np.lower() for w in _concept_words(s)):
        return clean_term(np)
    return None


_QUOTED_IS = rx(r"^[“\"]([^”\"]{3,40})[”\"]\s+(?:is|are)\s+(?:a|an|the)\b", 0)


def _concept_words(s: Sent) -> list[str]:
    """Surface forms of the concepts the sentence mentions (for matching noun phrases)."""
    return list(s.surfaces)


@needs(_SENSE)  # "in the sense that" in the plain text has the word "sense"
def def_in_the_sense(s: Sent) -> str | None:
    """'X is overparameterised, in the sense that …' -> the word(s) before the gloss."""
    pos = s.plain.lower().find("in the sense that")
    if pos < 0:
        return None
    m = _SENSE.search(s.plain[max(0, pos - 60):pos + 17])
    if not m:
        return None
    raw = m.group(1)
    words = raw.strip(" ,*_\"“”").split()
    if not words:
        return None
    term = words[-1]
    marked = bool(re.search(r"[*_\"“”]", s.text[max(0, s.text.find(term) - 2): s.text.find(term) + len(term) + 2]))
    adjective = re.search(r"(al|ed|ic|ive|ble|ised|ized|ant|ent|ous)$", term.lower()) and term.lower() not in {"used", "applied", "stated", "said"}
    if marked or adjective or any(term.lower()[:6] in c.lower() for c in s.concepts):
        return clean_term(term)
    return None


@needs(_IDEA_OF)
def def_idea_of(s: Sent) -> str | None:
    """'the idea / notion of X is that …' -> X."""
    m = _IDEA_OF.search(s.plain)
    return clean_term(_cut_np(m.group(1), 4)) if m else None


@needs(_TYPE_OF)
def def_type_of(s: Sent) -> str | None:
    """'X is a (specific) type / kind / measure / formalisation of …' -> X."""
    m = _TYPE_OF.search(s.stripped)
    if m and len(m.group(1).split()) <= 5:
        return clean_term(m.group(1))
    return None


@needs(_THIS_IS_QUOTED)
def def_this_is_quoted(s: Sent) -> str | None:
    """'(this is "realizability" or "grain of truth")' -> the quoted name."""
    m = _THIS_IS_QUOTED.search(s.text)
    return clean_term(m.group(1)) if m else None


@needs(_IE_GLOSS, _QUOTED_IS)
def def_quoted_gloss(s: Sent) -> str | None:
    """A quoted term glossed on the spot: '"subjective second" — i.e., …', '"Biases" are …'."""
    m = _IE_GLOSS.search(s.text)
    if m:
        return clean_term(m.group(1))
    m = _QUOTED_IS.search(s.text.strip())
    return clean_term(m.group(1)) if m else None


@needs(_EMPH_GLOSS)
def def_emphasis_gloss(s: Sent) -> str | None:
    """A first emphasised mention with a gloss ('A *parameter space*, Θ, corresponding to …')."""
    if s.sidx > 2:
        return None
    m = _EMPH_GLOSS.search(s.text)
    if not m or m.group(1).strip().lower() in _LABEL_STOP:
        return None
    after = s.text[m.end():]
    if re.search(r"\b(which|that|corresponding|where|i\.e\.|meaning|consisting|such that|associat\w+|contain\w*)\b", after[:120], re.I):
        return clean_term(m.group(1))
    return None


@needs(_THAT_IS)
def def_that_is(s: Sent) -> str | None:
    """'That is, …' / 'In other words, …' restating a concept named in the previous sentence."""
    if not _THAT_IS.search(s.stripped) or s.prev is None or s.prev.block is not s.block:
        return None
    tail = " ".join(s.prev.plain.split()[-8:]).lower()
    for c in reversed(s.prev.concepts):
        if c.lower().split()[0][:6] in tail:
            return c
    return None


@needs(_DISTINGUISH)
def def_distinguish(s: Sent) -> str | None:
    """'we distinguish microstates, such as …, from/with macrostates' -> first term."""
    m = _DISTINGUISH.search(s.plain)
    return clean_term(m.group(1)) if m else None


@needs(_COPULA)
def def_concept_copula(s: Sent) -> str | None:
    """A concept (glossary or emphasised) as subject of a definitional copula: 'Kolmogorov complexity is the … of …'."""
    if not s.concepts and not any(ch in s.text for ch in "“\"*_"):
        return None  # what follows needs a concept or a quotation mark or emphasis before ' is '
    m = _COPULA.search(s.stripped)
    if not m:
        return None
    subj = m.group(1).strip()
    if len(subj.split()) > 5:
        return None
    for c in s.concepts:
        if c.lower().split()[0] in subj.lower():
            return clean_term(subj)
    if re.search(r"[“\"*_]", s.text[: s.text.find(" is ") if " is " in s.text else 0]):
        return clean_term(subj)
    return None


_GLOSS_HEAD = r"(?:places|points|cases|regions|things|the set|a set|sets|a kind|a type|a measure|a way|the number|number|directions|i\.e\.|that is|meaning|where|in which|which (?:is|are) (?:just |simply )?(?:a|an|the))\b"
_APPOS = rx(r"(?:,|\(|—|–)\s*" + _GLOSS_HEAD)
_QUOTED_AS = _rx(r"\bas (?:being |having )?(?:a |an |the )?(?:\w+ )?[“\"*]([^”\"*]{3,40})[”\"*]")
_NAME_FOR = _rx(_QUOTED + r"\s+(?:is|are)\s+(?:just\s+)?(?:another\s+|a\s+|the\s+)?(?:one of\s+.{0,30}?)?(?:name|word|term|label)s?\s+for\b")
_IN_THAT = rx(r"[“\"*_]([^”\"*_]{3,40})[”\"*_]\s+in that\b", 0)
_LABEL = rx(r"^([A-Z][\w\-]*(?: [\w\-]+){0,3}):\s+(?:like|a|an|the|when|where|if|any|some)\b", 0)
_LABEL_STOP = {"re", "fwiw", "eta", "nb", "n.b", "imo", "tl;dr", "answer", "reply", "disclaimer", "summary", "note", "edit", "update", "disclaimer", "tl;dr", "tldr", "example", "source", "figure", "caption",
               "answer", "question", "epistemic status", "warning", "caveat", "ps", "p.s", "context", "conclusion"}
_ABBR_EXPANSION = rx(r"\b([A-Z][A-Za-z/]{1,8})\s*\(([a-z][a-z \-]{5,60})\)", 0)
_COLON_GLOSS = rx(r"^(.{3,120}?):\s+(?:(?:a|an|the)\s+)?([a-z][a-z\-]+)\s+[a-z]", 0)


@needs(_APPOS)
def def_appositive(s: Sent) -> str | None:
    """A concept or marked term glossed in apposition: 'singularities, places where …', 'X (i.e. …)'."""
    for m in _APPOS.finditer(s.plain):
        before = re.sub(r"[*_\"”\s]+$", "", s.plain[max(0, m.start() - 60):m.start()])
        np = " ".join(re.findall(r"[\w'’\-]+", before)[-4:])
        if not np:
            continue
        for c in _concept_words(s):
            if c and c.split()[0] in np.lower():
                return clean_term(np[np.lower().find(c.split()[0]):])
        if re.search(r"[*_\"“]" + re.escape(np.split()[-1]), s.text):
            return clean_term(np.split()[-1])
    return None


_ADJECTIVE = rx(r"^(more|less|very|most|least)\s|^[a-z\-]+(ing|ed|ic|al|ble|ous|ive|ful|less)$")


@needs(_QUOTED_AS)
def def_quoted_as(s: Sent) -> str | None:
    """'identify elements as “microstates”', 'as being a “broad basin”' -> the quoted name (a noun phrase)."""
    m = _QUOTED_AS.search(s.text)
    if not m or _ADJECTIVE.search(m.group(1).strip()):
        return None
    return clean_term(m.group(1))


_THE_NAME = _rx(_QUOTED + r"\s+(?:is\s+)?the (?:preferred |usual |standard |common |technical )?(?:name|term|word)\b")


@needs(_NAME_FOR, _THE_NAME)
def def_name_for(s: Sent) -> str | None:
    """'"log likelihood ratio" is just another name for …', '("partition function" the preferred name)' -> the quoted name."""
    m = _NAME_FOR.search(s.text) or _THE_NAME.search(s.text)
    return clean_term(m.group(1)) if m else None


@needs(_IN_THAT)
def def_in_that(s: Sent) -> str | None:
    """'symmetries are "generic" in that they …' -> the marked word."""
    m = _IN_THAT.search(s.text)
    return clean_term(m.group(1)) if m else None


@needs(_LABEL)
def def_label(s: Sent) -> str | None:
    """'Type A: like …' — a short label glossed after a colon at the start."""
    m = _LABEL.search(s.stripped)
    if m and m.group(1).lower() not in _LABEL_STOP:
        return clean_term(m.group(1))
    return None


@needs(_ABBR_EXPANSION)
def def_abbr_expansion(s: Sent) -> str | None:
    """'FLOP/s (floating point operations per second)' -> the abbreviation."""
    if "(" not in s.plain:  # a match has one
        return None
    for m in _ABBR_EXPANSION.finditer(s.plain):
        letters = re.sub(r"[^A-Z]", "", m.group(1))
        words = m.group(2).split()
        initials = "".join(w[0] for w in words).upper()
        if len(letters) >= 2 and (initials.startswith(letters[:3]) or
                                  (len(words) >= 2 and words[0][0].upper() == letters[0] and words[0][:2].upper() == letters[:2])):
            return clean_term(m.group(1))
    return None


@needs(_COLON_GLOSS)
def def_colon_gloss(s: Sent) -> str | None:
    """'… the internal symmetries of NNs: continuous variations of …' -> the concept before the colon."""
    m = _COLON_GLOSS.search(s.stripped)
    if not m:
        return None
    if m.group(2) in {"we", "it", "i", "you", "they", "this", "that", "there"}:
        last2 = " ".join(m.group(1).split()[-2:]).lower()
        if not any(c and c in last2 for c in _concept_words(s)):
            return None
    tail = " ".join(re.findall(r"[\w'’\-]+", m.group(1))[-4:]).lower()
    for c in _concept_words(s):
        if c and c.split()[0] in tail:
            np = _cut_np(tail[tail.find(c.split()[0]):], 4)
            if len(np.split()) <= 3 and not re.search(r"\b(talks?|says?|is|are|was|does|do|think|mean)\b", np):
                return clean_term(np)
    return None


_THERE_BE = _rx(r"^(?:(?:finally|also|next|moreover|in [\w\- ]{3,30}),?\s+)?there (?:can be|are|is|exist|exists|may be)\s+(?:also\s+|additional\s+|other\s+|so-called\s+)?([\w\-]+(?: [\w\-]+){0,2}?)\s*,?\s+(?:where|that are|which are|in which|such that)\b")
_PAREN_QUOTED = rx(r"\(\s*[“\"]([^”\"]{3,40})[”\"]\s+in\s+[a-z][\w ]{2,40}\)", 0)
_MEASURES = _rx(r"^(?:so,?\s+|roughly,?\s+|intuitively,?\s+|essentially,?\s+)?(?:the\s+)?([\w\- ]{2,40}?)\s+(?:measures|quantifies|tells us|captures|counts)\b")
_WRITTEN_AS = _rx(r"^(?:it is true that\s+|recall that\s+|note that\s+)?(?:the\s+)?([\w\- ]{2,40}?)\s+(?:can be written as|can be expressed as|is given by|is computed as)\b")
_NAMED_SYMBOL = _rx(r"\bthe ([a-z][a-z\- ]{3,40}?),\s*\$?[A-Za-z][\w{}^\\]*(?:\([^)]*\))?\s*\$?\s*(?::=|=)")


_GENERIC_NP = rx(r"^(other|many|some|several|few|more|lots|a lot|various|different|also|no|any|two|three|reasons?|results?|things?|questions?|ways?|problems?|issues?|papers?|people|cases?|points?|examples?|ideas?)\b")


_WHICH_IS_JUST = rx(r",\s*which (?:is|are) (?:just|simply|basically|essentially|nothing but|precisely) (?:a|an|the)\b")


@needs(_WHICH_IS_JUST)
def def_which_is_just(s: Sent) -> str | None:
    """'X is an algebraic variety, which is just a manifold with …' -> the concept glossed."""
    m = _WHICH_IS_JUST.search(s.plain)
    if not m:
        return None
    before = re.sub(r"[*_\"”\s]+$", "", s.plain[max(0, m.start() - 60):m.start()])
    np = " ".join(re.findall(r"[\w'’\-]+", before)[-4:]).lower()
    for c in _concept_words(s):
        if c and c.split()[0] in np:
            return clean_term(np[np.find(c.split()[0]):])
    words = np.split()
    return clean_term(" ".join(words[-2:])) if words else None


@needs(_THERE_BE)
def def_there_be(s: Sent) -> str | None:
    """'Finally, there can be redundancies, where …' -> the noun phrase introduced and glossed."""
    m = _THERE_BE.search(s.stripped)
    if not m or _GENERIC_NP.search(m.group(1)):
        return None
    return clean_term(m.group(1))


@needs(_PAREN_QUOTED)
def def_paren_quoted(s: Sent) -> str | None:
    """'(“universality” in statistical physics)' -> the quoted technical name for what was described."""
    m = _PAREN_QUOTED.search(s.text)
    return clean_term(m.group(1)) if m else None


def _concept_subject(s: Sent, subj: str) -> bool:
    low = subj.lower()
    return len(subj.split()) <= 5 and any(c and c.split()[0] in low for c in _concept_words(s))


@needs(_MEASURES)
def def_measures(s: Sent) -> str | None:
    """A concept as subject of 'measures / quantifies / tells us' ('So the RLCT tells us …')."""
    m = _MEASURES.search(s.stripped)
    return clean_term(m.group(1)) if m and _concept_subject(s, m.group(1)) else None


@needs(_WRITTEN_AS)
def def_written_as(s: Sent) -> str | None:
    """A concept 'can be written as / is given by' a formula."""
    m = _WRITTEN_AS.search(s.stripped)
    return clean_term(m.group(1)) if m and _concept_subject(s, m.group(1)) else None


@needs(_NAMED_SYMBOL)
def def_named_symbol(s: Sent) -> str | None:
    """'… like the expected generalization loss, G_n = …' -> the named quantity."""
    m = "=" in s.text and _NAMED_SYMBOL.search(s.text)  # a match has '='
    return clean_term(m.group(1)) if m else None


DEFINITION_RULES = Ruler("definitions", [
    ("def.definition-of", def_definition_of),
    ("def.called", def_called),
    ("def.we-call", def_we_call),
    ("def.defined-as", def_defined_as),
    ("def.we-define", def_we_define),
    ("def.assign", def_assign),
    ("def.let-be", def_let_be),
    ("def.refers-to", def_refers_to),
    ("def.acronym", def_acronym),
    ("def.this-is-quoted", def_this_is_quoted),
    ("def.quoted-gloss", def_quoted_gloss),
    ("def.where-is", def_where_is),
    ("def.in-the-sense", def_in_the_sense),
    ("def.idea-of", def_idea_of),
    ("def.type-of", def_type_of),
    ("def.distinguish", def_distinguish),
    ("def.quoted-as", def_quoted_as),
    ("def.name-for", def_name_for),
    ("def.in-that", def_in_that),
    ("def.label", def_label),
    ("def.abbr-expansion", def_abbr_expansion),
    ("def.appositive", def_appositive),
    ("def.which-is-just", def_which_is_just),
    ("def.there-be", def_there_be),
    ("def.paren-quoted", def_paren_quoted),
    ("def.measures", def_measures),
    ("def.written-as", def_written_as),
    ("def.named-symbol", def_named_symbol),
    ("def.colon-gloss", def_colon_gloss),
    ("def.emphasis-gloss", def_emphasis_gloss),
    ("def.that-is", def_that_is),
    ("def.concept-copula", def_concept_copula),
])


def definition_of(s: Sent, disabled=frozenset()) -> tuple[str | None, list[str]]:
    """-> (term, rules fired); term None when no rule fired."""
    if s.text.rstrip().endswith("?") or len(s.words) < 4:
        return None, []
    term, fired = None, []
    keys = sentence_keys(s)
    for rule in DEFINITION_RULES.active(disabled):
        if rule.gate is not None and keys is not None and keys.isdisjoint(rule.gate):
            continue  # rule.skip(keys), inlined: this loop runs for every sentence
        t = rule.fn(s)
        if t:
            fired.append(rule.name)
            if term is None:
                term = t
    return term, fired
