"""Text of an HTML document that a browser would not show.

html-text extracts every text node, including ones a page hides with the
``hidden`` attribute or an inline style (``display:none``, ``visibility:hidden``,
zero font size or opacity, white text where no ancestor paints a background).
Those elements are taken out of the tree before extraction; their text is kept
at the end of the page as words marked invisible, so it stays in the document
but is never evidence for an accepted value (like hidden PDF text).

Only inline styles are read: rules in ``<style>`` sheets and scripts are not
evaluated (a page hiding text through a class is not caught here).
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html

from pipeline.parsers import TextBuilder

_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
    r"|font-size\s*:\s*0*(?:\.\d+)?(?:px|pt|em|rem|%)?\s*(?:;|$|!)"
    r"|opacity\s*:\s*0*(?:\.0+)?\s*(?:;|$|!)",
    re.IGNORECASE,
)
_WHITE_TEXT = re.compile(r"(?<![-\w])color\s*:\s*(?:#fff(?:fff)?\b|white\b|rgba?\(\s*255\s*,\s*255\s*,\s*255)", re.IGNORECASE)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:", re.IGNORECASE)


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None:
        return True
    style = element.get("style") or ""
    if _HIDING.search(style):
        return True
    if _WHITE_TEXT.search(style):  # white text shows only on a painted background
        return not any(_BACKGROUND.search(e.get("style") or "") or e.get("bgcolor") for e in (element, *element.iterancestors(None)))
    return False


def take_hidden(tree: Any) -> list[str]:
    """Remove the hidden elements from ``tree`` (an lxml HTML tree); their text, one entry per element."""
    texts = []
    for element in list(tree.iter(None)):
        if not isinstance(element.tag, str) or element.getparent() is None or not _hidden(element):
            continue
        if any(_hidden(a) for a in element.iterancestors(None)):  # removed with its ancestor
            continue
        text = " ".join(element.text_content().split())
        if text:
            texts.append(text)
        element.drop_tree()  # keeps the tail text, which is not hidden
    return texts


def strip_hidden(data: bytes) -> tuple[bytes, list[str]]:
    """The HTML without its hidden elements, and their texts (a page with no elements comes back as it is)."""
    try:
        tree = lxml.html.document_fromstring(data)  # from bytes, lxml honours <meta charset>
    except (lxml.etree.ParserError, ValueError):  # nothing but whitespace or comments
        return data, []
    hidden = take_hidden(tree)
    # alt and title texts are no text of the page (html-text never read them; unstructured does)
    labelled = [e for e in tree.iter(None) if isinstance(e.tag, str) and (e.get("alt") is not None or e.get("title") is not None)]
    for element in labelled:
        element.attrib.pop("alt", None)
        element.attrib.pop("title", None)
    changed = bool(hidden or labelled)
    return (lxml.html.tostring(tree, encoding="utf-8") if changed else data), hidden


def strip_hidden_email(data: bytes) -> tuple[bytes, list[str]]:
    """An e-mail with the hidden elements of its HTML parts taken out, and their texts."""
    import email
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.default)
    texts: list[str] = []
    for part in message.walk():
        if part.get_content_type() != "text/html" or part.get_filename():
            continue  # attachments are documents of their own
        html, hidden = strip_hidden(part.get_content().encode("utf-8"))
        if hidden:
            part.set_content(html.decode("utf-8"), subtype="html")
            texts += hidden
    return (message.as_bytes() if texts else data), texts


def end_page_with_hidden(builder: TextBuilder, texts: list[str]) -> None:
    """End the page after writing ``texts`` on their own lines, as words a person cannot see."""
    written = 0
    for text in texts:
        for n, word in enumerate(text.split()):
            builder.word(word, prefix=" " if n else "\n")
            written += 1
    builder.end_page()
    words = builder.pages[-1]["words"]
    for word in words[len(words) - written :]:
        word["visible"] = False
