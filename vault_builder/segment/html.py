"""HTML saved from a browser -> Markdown text, so it is read like any Markdown post.

Keeps headings, paragraphs, list items, block quotes, code and inline emphasis; drops scripts,
styles and page furniture (nav, header, footer, aside, forms).
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

SKIP = {"script", "style", "nav", "header", "footer", "aside", "form", "noscript", "svg", "button"}
BLOCKS = {"p", "div", "section", "article", "main", "br", "tr", "table"}
INLINE = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.pre = 0
        self.title = ""
        self.in_title = False
        self.list_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP:
            self.skip += 1
        elif self.skip:
            return
        elif tag == "title":
            self.in_title = True
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self.out.append("\n\n" + "  " * (self.list_depth - 1) + "- ")
        elif tag == "blockquote":
            self.out.append("\n\n> ")
        elif tag == "pre":
            self.pre += 1
            self.out.append("\n\n```\n")
        elif tag in INLINE and not self.pre:
            self.out.append(INLINE[tag])
        elif tag in BLOCKS:
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP:
            self.skip = max(0, self.skip - 1)
        elif self.skip:
            return
        elif tag == "title":
            self.in_title = False
        elif tag in ("ul", "ol"):
            self.list_depth = max(0, self.list_depth - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
            self.out.append("\n```\n\n")
        elif tag in INLINE and not self.pre:
            self.out.append(INLINE[tag])
        elif re.fullmatch(r"h[1-6]", tag) or tag in BLOCKS or tag in ("li", "blockquote"):
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.out.append(data if self.pre else re.sub(r"\s+", " ", data))


def html_to_markdown(text: str) -> tuple[str, str]:
    """Return (title, Markdown body). The title is the first <h1>, else <title>."""
    conv = _Converter()
    conv.feed(text)
    conv.close()
    body = "".join(conv.out)
    body = re.sub(r"[ \t]+\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    if not re.match(r"# \S", body):
        title = html.unescape(conv.title).strip()
        if title:
            body = f"# {title}\n\n{body}"
    return html.unescape(conv.title).strip(), body
