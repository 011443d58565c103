"""Link: the one pass over all items. Names every note and builds the concept/argument graph.

Nodes are keyed "post:<title>", "thread:<title>", "comment:<title>#c3", "person:<name>",
"concept:<name>", "item:<id>" (a second post with the same title gets "post:<title> (2)").
Each node carries `type`, `label` and `note` (its vault path; comments carry their thread's note
and an `anchor`). Edges carry `type` and read "source <type> target":

  person  authored          post / comment / item
  person  participated_in   thread        (listed by the page, comment authorship unknown)
  thread  part_of           post;  comment part_of thread
  comment replies_to        comment       (the reply structure of a thread)
  item    appears_in        post / comment   (with `block`, the block id without caret)
  item    defines           concept       (definitions: the term)
  item    about             concept       (the concepts an item is about)
  item    mentions          concept       (definitions: the other concepts they rely on)
  post    mentions          concept       (with `count`: items of the post and its thread)
  item    counterexample_to item (claim)
  item    replies_to        item          (a comment's claims answering a quoted or parent
                                           claim; `stance` "disputes" or "responds")
  item    duplicate_of      item          (same sentence, e.g. a reply repeating a paragraph)
  concept same_as           concept       (one concept's name is the other's alias)
  concept prerequisite      concept       ("A prerequisite B": a definition of B relies on A)

Analyses (importance, related concepts, reading order, disputes) are in graph.py; link() runs
them and stores the results as node attributes, so graph.json carries them too. Extra note
names (Home, maps) are claimed here first and kept in `graph.graph["notes"]`.
"""
from __future__ import annotations

import re

import networkx as nx

from . import graph as analyses
from .models import Concept, Corpus, Item, Post
from .paths import NameRegistry, name_key

FOLDERS = {
    "post": "Posts", "thread": "Threads", "person": "People", "concept": "Concepts",
    "claim": "Claims", "definition": "Definitions", "example": "Examples", "counterexample": "Counterexamples",
    "map": "Maps",
}
# Notes that are not graph nodes: key -> (folder, name, extension). Claimed first: stable names.
PAGES = {
    "home": ("", "Home", ".md"),
    "reading_order": ("Maps", "Reading order", ".md"),
    "concepts": ("Maps", "Concept index", ".md"),
    "claims": ("Maps", "Claims by post", ".md"),
    "debates": ("Maps", "Debates", ".md"),
    "people": ("Maps", "People index", ".md"),
    "concept_map": ("Maps", "Concept map", ".canvas"),
}
DISPUTE_CUES = re.compile(
    r"\b(?:I (?:don['’]t|do not|doesn['’]t) (?:really |quite |fully |entirely )?(?:think|agree|buy|see|believe|understand)|disagree|not (?:true|right|correct|convinced)"
    r"|(?:is|are|seems|was) (?:wrong|false|incorrect|mistaken|misleading)|doesn['’]t (?:follow|hold|work)"
    r"|I['’]m not sure|on the contrary|I object|counter-?example|that['’]s not)\b", re.I)


def link(corpus: Corpus, items: list[Item], concepts: list[Concept]) -> nx.MultiDiGraph:
    """Name every note (sets Item.note) and build the graph, annotated by graph.annotate()."""
    g = nx.MultiDiGraph()
    names = NameRegistry()
    g.graph["notes"] = {key: names.path(folder, names.claim(folder, title))[: -3] + ext
                        for key, (folder, title, ext) in PAGES.items()}
    g.graph["debate_maps"] = {}
    post_nodes = add_posts(g, corpus, names)
    add_concepts(g, concepts, names)
    add_items(g, corpus, post_nodes, items, concepts, names)
    add_replies(g, corpus, post_nodes, items)
    add_prerequisites(g, items)
    argued = {g.nodes[f"item:{i.id}"]["post"] for i in items if i.type in ("claim", "counterexample")}
    for post, pnode in zip(corpus.posts, post_nodes):
        if post.thread and pnode in argued:
            name = names.claim("Maps", f"Debate map — {post.title}")
            g.graph["debate_maps"][pnode] = f"Maps/{name}.canvas"
    analyses.annotate(g)
    return g


def note_of(names: NameRegistry, kind: str, title: str) -> str:
    folder = FOLDERS[kind]
    return names.path(folder, names.claim(folder, title))


def person_key(name: str) -> str:
    """One person node per name, compared like note names ("Adrià Garriga-alonso" = "-Alonso")."""
    return "person:" + name_key(" ".join(name.split()))


def person(g: nx.MultiDiGraph, names: NameRegistry, name: str) -> str:
    node = person_key(name)
    if node not in g:
        g.add_node(node, type="person", label=" ".join(name.split()), note=note_of(names, "person", name), spellings=[name])
    elif name not in g.nodes[node]["spellings"]:
        g.nodes[node]["spellings"].append(name)
    return node


def post_node_keys(corpus: Corpus) -> list[str]:
    """Graph keys of the posts, in corpus order; a repeated title gets " (2)", " (3)"..."""
    seen: dict[str, int] = {}
    keys = []
    for post in corpus.posts:
        n = seen[post.title] = seen.get(post.title, 0) + 1
        keys.append(f"post:{post.title}" + (f" ({n})" if n > 1 else ""))
    return keys


def add_posts(g: nx.MultiDiGraph, corpus: Corpus, names: NameRegistry) -> list[str]:
    keys = post_node_keys(corpus)
    g.graph["posts"] = keys
    for post, pnode in zip(corpus.posts, keys):
        g.add_node(pnode, type="post", label=post.title, note=note_of(names, "post", post.title), files=list(post.files))
        author = post.author or post.meta.get("unverified", {}).get("author")
        if author:
            g.add_edge(person(g, names, author), pnode, type="authored", **({} if post.author else {"unverified": True}))
        if not post.thread:
            continue
        tkey = "thread:" + pnode[5:]
        g.add_node(tkey, type="thread", label=f"{post.title} — comments", note=note_of(names, "thread", f"{post.title} — comments"))
        g.add_edge(tkey, pnode, type="part_of")
        for name in dict.fromkeys(post.thread.participants):
            g.add_edge(person(g, names, name), tkey, type="participated_in")
        for c in post.thread.comments:
            cnode = comment_key(pnode, c.id)
            g.add_node(cnode, type="comment", label=f"Comment {c.id[1:]} on {post.title}", note=g.nodes[tkey]["note"],
                       anchor=f"Comment {c.id[1:]}")
            g.add_edge(cnode, tkey, type="part_of")
            if c.author:
                g.add_edge(person(g, names, c.author), cnode, type="authored")
        for c in post.thread.comments:
            if c.parent and comment_key(pnode, c.parent) in g:
                g.add_edge(comment_key(pnode, c.id), comment_key(pnode, c.parent), type="replies_to")
    return keys


def comment_key(pnode: str, cid: str) -> str:
    return f"comment:{pnode[5:]}#{cid}"


def concept_index(concepts: list[Concept]) -> dict[str, str]:
    """name_key of every name, alias and abbreviation -> canonical concept name (first wins)."""
    index: dict[str, str] = {}
    for c in concepts:
        index.setdefault(name_key(c.name), c.name)
    for c in concepts:
        for alias in (*c.aliases, *c.abbreviations):
            index.setdefault(name_key(alias), c.name)
    return index


def add_concepts(g: nx.MultiDiGraph, concepts: list[Concept], names: NameRegistry) -> None:
    for c in concepts:
        g.add_node(f"concept:{c.name}", type="concept", label=c.name, note=note_of(names, "concept", c.name),
                   aliases=list(c.aliases), abbreviations=list(c.abbreviations), discovered=c.discovered)
    index = {name_key(c.name): c.name for c in concepts}
    for c in concepts:
        for alias in (*c.aliases, *c.abbreviations):
            other = index.get(name_key(alias))
            if other and other != c.name and not g.has_edge(f"concept:{c.name}", f"concept:{other}"):
                g.add_edge(f"concept:{c.name}", f"concept:{other}", type="same_as")


def item_post(posts_by_title: dict[str, list[tuple[Post, str]]], item: Item) -> tuple[Post, str] | None:
    """The post an item belongs to: same title and holding its block (titles may repeat)."""
    candidates = posts_by_title.get(item.post, [])
    if len(candidates) > 1:
        for post, pnode in candidates:
            if (not item.source_file or item.source_file in post.files
                    or (post.thread and item.source_file in post.thread.files)) and post.block(item.block):
                return post, pnode
    return candidates[0] if candidates else None


def add_items(g: nx.MultiDiGraph, corpus: Corpus, post_nodes: list[str], items: list[Item],
              concepts: list[Concept], names: NameRegistry) -> None:
    index = concept_index(concepts)
    posts_by_title: dict[str, list[tuple[Post, str]]] = {}
    for post, pnode in zip(corpus.posts, post_nodes):
        posts_by_title.setdefault(post.title, []).append((post, pnode))
    mentions: dict[tuple[str, str], int] = {}
    seen_text: dict[str, str] = {}
    for item in items:
        title = short_title(item, index)
        item.note = note_of(names, item.type, title)
        node = f"item:{item.id}"
        found = item_post(posts_by_title, item)
        pnode = found[1] if found else None
        g.add_node(node, type=item.type, label=title, note=item.note, key=item.key, post=pnode or "",
                   block=item.block, in_comments=item.in_comments)
        where = comment_key(pnode, item.comment) if pnode and item.comment else pnode
        if where and where in g:
            g.add_edge(node, where, type="appears_in", block=item.block)
        if item.author:
            g.add_edge(person(g, names, item.author), node, type="authored")
        term = resolved(item.term, index) if item.type == "definition" and item.term else None
        if term:
            g.add_edge(node, f"concept:{term}", type="defines")
        for concept in dict.fromkeys(index.get(name_key(c), c) for c in item.concepts):
            if f"concept:{concept}" in g and concept != term:
                g.add_edge(node, f"concept:{concept}", type="mentions" if item.type == "definition" else "about")
            if pnode and f"concept:{concept}" in g:
                mentions[(pnode, concept)] = mentions.get((pnode, concept), 0) + 1
        text_key = " ".join(re.findall(r"\w+", item.text.lower()))
        if text_key in seen_text and len(text_key) > 20:
            g.add_edge(node, seen_text[text_key], type="duplicate_of")
        else:
            seen_text.setdefault(text_key, node)
    for (pnode, concept), count in mentions.items():
        g.add_edge(pnode, f"concept:{concept}", type="mentions", count=count)
    for item in items:
        if item.against and f"item:{item.against}" in g:
            g.add_edge(f"item:{item.id}", f"item:{item.against}", type="counterexample_to")


def add_replies(g: nx.MultiDiGraph, corpus: Corpus, post_nodes: list[str], items: list[Item]) -> None:
    """A comment's items reply to the claims it quotes; without a quote, to its parent's claims."""
    at: dict[tuple[str, str], list[Item]] = {}  # (post node, block id) -> items in that block
    for item in items:
        node = g.nodes[f"item:{item.id}"]
        at.setdefault((node["post"], item.block), []).append(item)
    for post, pnode in zip(corpus.posts, post_nodes):
        if not post.thread:
            continue
        by_id = {c.id: c for c in post.thread.comments}
        for c in post.thread.comments:
            targets: list[Item] = []
            answers: list[Item] = []
            for b in c.blocks:
                if b.quotes:
                    targets = [t for t in at.get((pnode, b.quotes), []) if t.type in ("claim", "counterexample")]
                    continue
                for item in at.get((pnode, b.id), []):
                    answers.append(item)
                    for t in targets:
                        reply_edge(g, item, t)
            if not any(b.quotes for b in c.blocks) and c.parent in by_id:
                parent_claims = [t for b in by_id[c.parent].blocks for t in at.get((pnode, b.id), [])
                                 if t.type == "claim"]
                parent_claims = [t for t in parent_claims if t.key][:3] or parent_claims[:3]
                for item in answers:
                    for t in parent_claims:
                        reply_edge(g, item, t)


def reply_edge(g: nx.MultiDiGraph, item: Item, target: Item) -> None:
    if item.id == target.id or item.type not in ("claim", "counterexample", "example"):
        return
    stance = "disputes" if item.type == "counterexample" or DISPUTE_CUES.search(item.text) else "responds"
    g.add_edge(f"item:{item.id}", f"item:{target.id}", type="replies_to", stance=stance)


def add_prerequisites(g: nx.MultiDiGraph, items: list[Item]) -> None:
    """"A prerequisite B" when a definition of B mentions A: A comes first in the reading order."""
    for node, data in list(g.nodes(data=True)):
        if data["type"] != "definition":
            continue
        defined = [v for _, v, t in g.out_edges(node, data="type") if t == "defines"]
        relies = [v for _, v, t in g.out_edges(node, data="type") if t == "mentions"]
        for term in defined:
            for other in relies:
                if other != term and not any(d.get("type") == "prerequisite" for d in g.get_edge_data(other, term, default={}).values()):
                    g.add_edge(other, term, type="prerequisite")


# -- short titles for item notes ------------------------------------------------------------------

LEAD_INS = re.compile(
    r"^(?:(?:however|moreover|furthermore|therefore|thus|hence|indeed|so|but|and|also|still|again|then|now|"
    r"first(?: of all)?|second(?:ly)?|third(?:ly)?|next|finally|in summary|in short|in particular|in general|in practice|"
    r"in other words|to (?:state|put) this differently|that said|all that said|having said that|of course|"
    r"as a practical takeaway|as far as I can tell|as I read it|in (?:this|that) sense|for (?:example|instance)|"
    r"e\.g\.|i\.e\.|consider|suppose|yes|no|well|rather|anyway|granted|okay|ok|fortunately|unfortunately|"
    r"interestingly|importantly|crucially|basically|essentially|notably|clearly|obviously|in fact|actually|"
    r"admittedly|nonetheless|nevertheless|instead|similarly|likewise|conversely|ultimately|overall|again|"
    r"I (?:would )?(?:think|believe|expect|suspect|claim|agree|guess|argue|would argue|maintain|still think|still maintain)(?: that)?|"
    r"it (?:seems|appears) (?:to me )?(?:that)?|note that|notice that|recall that|it is (?:true|clear|worth noting) that)"
    r"(?:\b|(?<=\.))[,:]?\s+)+",
    re.I)
_FUNCTION_WORDS = (
    "that|which|who|whom|whose|where|when|if|because|since|while|whereas|although|though|unless|the|a|an|of|to|"
    "and|or|but|nor|with|without|for|in|on|at|by|as|via|about|than|into|onto|from|between|over|under|within|"
    "is|are|was|were|be|been|being|this|these|those|its|their|our|your|my|his|her|not|very|more|most|less|so|such|"
    "can|will|would|should|could|may|might|must|shall|do|does|did|there|we|they|you|i|he|she|some|any|all|each|"
    "every|no|much|many|how|what|why|then|even|just|only|also|really|actually|typically|usually|often|generally|"
    "roughly|quite|rather|still|make|makes|making|say|says|saying|believe|believes|believing|think|thinks|mean|"
    "means|show|shows|suggest|suggests|claim|claims|argue|argues|imply|implies|expect|expects|know|see|find|get|"
    "gets|give|gives|have|has|had|having|take|takes|need|needs|want|wants|seem|seems|tell|tells|call|called|"
    "one|two|try|trying|going|exactly|able|likely|possible|due|order|kind|sort|lot|bit|way|part|just above|"
    "don['’]t|doesn['’]t|isn['’]t|aren['’]t|won['’]t|can['’]t|it['’]s|that['’]s|there['’]s|depend|depends|"
    "correspond|corresponds|assume|assumes|lead|leads|end up|ends up|as a measure|according|rely|relies|refer|refers")
TRAILING_WEAK = re.compile(rf"\s+(?:{_FUNCTION_WORDS})$", re.I)
DANGLING_ADJECTIVE = re.compile(r"\s+\w+(?:ive|ic|ical|ous|ary|ful)$", re.I)
BREAK_BEFORE = re.compile(r"\s(?=(?:that|which|who|whereas|because|since|while|although|though|unless|so that|"
                          r"in order|rather than|than|but|and|or|as|if|when|where|by|for|with|without|to|of|in|on)\b)", re.I)
ASIDE = re.compile(r",\s+(?:not|rather than|unlike|like|e\.g\.|i\.e\.|however|in particular|of course|at least|"
                   r"in some sense|roughly|say|so to speak|in turn|too|as well|for now|I think|I believe)\b[^,;]{0,48},(?=\s)", re.I)
SUBORDINATE = re.compile(r"^(?:if|when|whenever|since|although|though|while|because|as long as|as|given that|given|"
                         r"unless|whereas|even if|even though|once|after|before)\b[^,;]{3,}[,;]\s+(?:then\s+)?", re.I)
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)


def short_title(item: Item, concept_names: dict[str, str] | None = None, limit: int = 72) -> str:
    """A readable note title: definitions "<Term> — <post>"; other items a cleaned, shortened
    form of the sentence: no lead-ins ("However, I think that"), math or markup; a leading
    "If …," clause dropped when the sentence is long; cut at a clause, or before a function
    word, and never ending in a dangling "that", "the", "make", "will"…"""
    if item.type == "definition" and item.term:
        term = resolve_term(item.term, concept_names or {})
        term = term[:1].upper() + term[1:]
        where = f"comment {item.comment[1:]} on " if item.in_comments and item.comment else ""
        room = max(24, 78 - len(term) - 3 - len(where))
        return f"{term} — {where}{tidy_end(clause_cut(item.post, room)) if len(item.post) > room else item.post}"
    text = _MATH.sub(lambda m: tex_words(m.group()), item.text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"[*_`>\[\]]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^\(?[0-9ivx]+[.)]\s+", "", text)  # "(ii) ", "2. "
    text = LEAD_INS.sub("", text).strip()
    text = re.sub(r"\s+([,;:.?!])", r"\1", text)
    sentences = [t for t in re.split(r"(?<=[a-z0-9)])[.?!](?:\s+|$)", text) if t.strip()]
    while len(sentences) > 1 and len(sentences[0].split()) < 3:  # "Instead." (its math removed)
        sentences.pop(0)
    text = LEAD_INS.sub("", sentences[0]).strip() if sentences else text  # the first real sentence
    text = re.sub(r"\s*\(\s*\)", "", text)  # parentheses emptied by removing math
    if len(text) > limit:
        text = ASIDE.sub("", text)
    if len(text) > limit:
        main = SUBORDINATE.sub("", text)
        if main != text and len(main) >= 20:
            text = LEAD_INS.sub("", main).strip()
    if len(text) > limit:
        text = clause_cut(text, limit)
    text = tidy_end(text)
    text = text[:1].upper() + text[1:]
    return text if len(re.findall(r"\w", text)) >= 3 else f"{item.type.title()} in {item.post}"


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
          "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
          "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
          "Theta": "Θ", "Lambda": "Λ", "Phi": "Φ", "Omega": "Ω", "Sigma": "Σ", "Delta": "Δ", "infty": "∞",
          "to": "→", "approx": "≈", "leq": "≤", "geq": "≥", "neq": "≠", "sim": "~", "cdot": "·", "times": "×"}


def tex_words(math: str, limit: int = 16) -> str:
    """Short inline math as plain words for a title ($\\lambda \\log n$ -> "λ log n"); longer or
    display math is dropped (a title is no place for a formula)."""
    tex = math.strip("$").strip()
    if math.startswith("$$"):
        return " "
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    tex = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(1)), tex)
    tex = re.sub(r"[{}\\^_]", "", tex)
    tex = " ".join(tex.split())
    return f" {tex} " if tex and len(tex) <= limit else " "


def tidy_end(text: str) -> str:
    """No dangling function word, punctuation or unclosed parenthesis at the end of a title."""
    text = text.strip(" .,;:—–-\"'“”‘’")
    while True:
        before = text
        text = TRAILING_WEAK.sub("", text).rstrip(" ,;:—–-\"'“”‘’(")
        if text.count("(") > text.count(")"):
            text = text[: text.rindex("(")].rstrip(" ,;:—–-")
        if text == before:
            return text


def resolve_term(term: str, concept_names: dict[str, str]) -> str:
    """The concept a definition's term names: as written, without a dangling "(ABBR", or the
    abbreviation inside the parentheses; else the term tidied."""
    candidates = [term, re.sub(r"\s*\(.*$", "", term), *re.findall(r"\(([^()]+)\)?", term)]
    for c in candidates:
        found = concept_names.get(name_key(c.strip()))
        if found:
            return found
    return tidy_end(re.sub(r"\s*\([^)]*$", "", term)) or term


def clause_cut(text: str, limit: int) -> str:
    """Cut at the last clause boundary before the limit, else before the last function word
    ("that", "which", "because", "to"…) that keeps at least half, else at the last word."""
    window = text[: limit + 1]
    for sep in ("; ", " — ", " – ", ": ", ", "):
        pos = window.rfind(sep)
        if pos >= limit * 0.45:
            return window[:pos]
    breaks = [m.start() for m in BREAK_BEFORE.finditer(window) if m.start() >= limit * 0.5]
    if breaks:
        return window[: breaks[-1]]
    pos = window.rfind(" ")
    cut = window[:pos] if pos > 0 else window[:limit]
    # cut inside a noun phrase: drop adjectives left without their noun ("an inductive [bias]")
    while True:
        shorter = DANGLING_ADJECTIVE.sub("", cut)
        if shorter == cut or len(shorter) < limit * 0.4:
            return cut
        cut = shorter


def resolved(term: str, index: dict[str, str]) -> str | None:
    """The canonical concept a definition's term names, or None when no concept matches."""
    name = resolve_term(term, index)
    return name if name_key(name) in index and index[name_key(name)] == name else None
