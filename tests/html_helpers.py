"""Shared by the page tests: HTML checked strictly, and what a page links to or loads.

html5lib parses as a browser does and, in strict mode, raises on every parse error the
HTML standard names. Browsers forgive an unclosed element silently, and so does the
standard for some (<p>, <li>), so a second pass insists that every element we open is
closed, in order: the templates never rely on implied end tags.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import html5lib
from html5lib.constants import voidElements


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.links: list[str] = []  # every src and href
        self.styles: list[str] = []  # the text of every <style> element
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._links(attrs)
        if tag not in voidElements:
            self.open.append(tag)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._links(attrs)  # <path … />, in inline SVG: opened and closed at once

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)

    def _links(self, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("src", "href") and value]


def checked(page: str) -> _Elements:
    """The page's elements, once html5lib found no parse error and every element is closed."""
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    elements = _Elements()
    elements.feed(page)
    elements.close()
    assert elements.problems == [], elements.problems
    assert elements.open == [], f"never closed: {elements.open}"
    return elements


def foreign_links(links: list[str], host: str) -> list[str]:
    """The absolute http(s) links that point anywhere but `host`."""
    return [
        link
        for link in links
        if urlsplit(link).scheme in ("http", "https") and urlsplit(link).netloc != host
    ]


def parsed(page: str) -> Any:
    """The page's tree as html5lib builds it (ElementTree; SVG elements in their namespace).

    Any: the tests walk documents whose shape they know, and a missing element fails anyway.
    """
    return html5lib.parse(page, namespaceHTMLElements=False)


def text_of(element: Any) -> str:
    """The element's text with runs of ASCII white space as one space (no-break spaces kept)."""
    return re.sub(r"[ \t\n\r\f]+", " ", "".join(element.itertext())).strip()
