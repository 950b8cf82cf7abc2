"""Read a rendered page in tests with CSS selectors, the way a browser would parse it (HTML5 parsing).

page = parse(response)
page.one("main#main")
[a.get("href") for a in page.all("footer a")]
page.text("h1")
"""

from __future__ import annotations

import re

import cssselect2
import tinyhtml5


class Element:
    """One element: its attributes and its text."""

    def __init__(self, wrapper: cssselect2.ElementWrapper):
        self._wrapper = wrapper
        self.element = wrapper.etree_element

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.element.get(name, default)

    @property
    def text(self) -> str:
        return " ".join("".join(self.element.itertext()).split())

    def all(self, selector: str) -> list[Element]:
        return [Element(found) for found in self._wrapper.query_all(selector)]

    def one(self, selector: str) -> Element:
        found = self.all(selector)
        assert len(found) == 1, f"expected one {selector!r}, found {len(found)}"
        return found[0]

    def __repr__(self) -> str:
        return f"<Element {self.element.tag} {self.text[:60]!r}>"


class Page(Element):
    """A whole page."""

    def text_of(self, selector: str) -> str:
        return self.one(selector).text


def parse(response_or_html) -> Page:
    """Parse a Django test response (or an HTML string) into a page to query with CSS selectors."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    root = tinyhtml5.parse(html)
    return Page(cssselect2.ElementWrapper.from_html_root(root))


def same_markup(html: str) -> str:
    """``html`` with its white space folded and dropped around tags: two renderings of the same markup, one by a
    template and one written in Python, compare equal."""
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()
