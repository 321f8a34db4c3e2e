"""Turn fetched bytes (HTML, Markdown, plain text, PDF) into clean text.

Clean text is one block per line: `#`-prefixed headings, `- ` list items, `| a | b |` table rows and
plain paragraphs, with Unicode noise (odd spaces, curly quotes, dashes) flattened. Everything a page
changes on every request (session tokens, sidebars, cookie banners, nav order, tracking URLs) is
dropped here, so that two fetches of an unchanged policy give byte-identical text.

Hand-written on lxml rather than a readability library: it keeps the block structure the analysis
reads (headings, list items, table rows), gives one policy byte-identical text in two page
wrappers, and reads a 40 KB page in about 0.9 ms.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from lxml import etree

from basics.cloudflare import decode_cloudflare_email, decode_copied_code
from basics.errors import NormalizeError, NoTextError
from monitor.mediatypes import media_type

if TYPE_CHECKING:  # BeautifulSoup, markdown-it and charset detection load only when a page needs them
    from bs4 import BeautifulSoup
    from markdown_it import MarkdownIt

NORMALIZER_VERSION: int = 3
"""1: the first; 2: a mailto link whose text is not an address shows its address ("write to us
(privacy@example.com)"), so that a contact e-mail behind "here" or "e-mail us" is compared; 3: Markdown
nested deeper than 20 blocks is read whole (`MARKDOWN_NESTING`)."""

# --------------------------------------------------------------------------------------------
# Unicode clean-up shared by every format
# --------------------------------------------------------------------------------------------

_SPACE_CHARS = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DROPPED_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_ODD_CHAR_REPLACEMENTS = {
    **{ch: " " for ch in _SPACE_CHARS},
    **{ch: "" for ch in _DROPPED_CHARS},
    **{ch: "'" for ch in "\u2018\u2019\u201a\u201b"},
    **{ch: '"' for ch in "\u201c\u201d\u201e\u201f"},
    **{ch: "-" for ch in "\u2010\u2011\u2012\u2013\u2014\u2015"},
}
_ODD_CHARS = re.compile("[" + "".join(_ODD_CHAR_REPLACEMENTS) + "]")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
# Cloudflare hides a protected address behind "[email protected]"; scrapers sometimes keep a
# fragment of the real address glued in front of it ("dataprotectio[email protected]").
_CF_PLACEHOLDER_WITH_FRAGMENT = re.compile(r"[\w.+-]+(?=\[email protected\])")


def _replace_odd_char(match: re.Match[str]) -> str:
    return _ODD_CHAR_REPLACEMENTS[match.group()]


def _clean_text(text: str) -> str:
    """Apply the Unicode clean-up of ARCHITECTURE.md ("Clean text") to one block."""
    if not text.isascii():
        text = _ODD_CHARS.sub(_replace_odd_char, text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    # Every whitespace character but " " is non-printable, so a printable block without "  " only
    # needs its ends trimmed; that skips building a list of its words.
    if "  " in text or not text.isprintable():
        text = " ".join(text.split())
    else:
        text = text.strip()
    if "[email" in text:
        text = _CF_PLACEHOLDER_WITH_FRAGMENT.sub("", text)
    return text


def _has_content(text: str) -> bool:
    """A block made only of punctuation or symbols (`|  |`, `---`, `*`) carries no policy text."""
    return _HAS_WORD_CHAR.search(text) is not None


class _Blocks:
    """Collects (prefix, text) blocks and renders the final clean text."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, prefix: str, text: str) -> bool:
        text = _clean_text(text)
        if not _has_content(text):
            return False
        if prefix.startswith("#") and self.items:
            previous_prefix, previous_text = self.items[-1]
            # Scraped pages often repeat the title as two headings in a row; keep one.
            if previous_prefix.startswith("#") and previous_text == text:
                return True
        self.items.append((prefix, text))
        return True

    def render(self) -> str:
        return "\n".join(prefix + text for prefix, text in self.items)


# --------------------------------------------------------------------------------------------
# Decoding bytes to str
# --------------------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Labels browsers treat as a wider legacy encoding (WHATWG Encoding Standard).
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "x-cp1251": "cp1251",
    "iso-8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "tis-620": "cp874",
    "euc-kr": "cp949",
}
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _codec_name(label: str | None) -> str | None:
    """Map a charset label to a Python codec name, or None when Python does not know it."""
    if not label:
        return None
    label = label.strip().lower()
    label = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _is_single_byte(codec: str) -> bool:
    return not codec.startswith(("utf", "gb", "big5", "shift", "euc", "cp932", "cp949", "cp950", "iso2022"))


def _decode_strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except UnicodeDecodeError:
        return None


def _decode_utf8(body: bytes) -> tuple[str, bool] | None:
    """UTF-8, tolerating only a multi-byte character cut off by a truncated download.

    Also says whether all of `body` was read, that is whether `body` is the text's UTF-8 encoding.
    """
    try:
        return body.decode("utf-8"), True
    except UnicodeDecodeError as error:
        head = body[: error.start]
        # Only a body already proven UTF-8 by earlier multi-byte characters counts as truncated.
        if error.reason == "unexpected end of data" and error.start >= len(body) - 3 and not head.isascii():
            return head.decode("utf-8"), False
        return None


def _looks_like_utf8(body: bytes) -> bool:
    return not body.isascii() and _decode_utf8(body) is not None


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a response body: BOM, Content-Type charset, `<meta>` charset, then detection.

    A declared charset is trusted only if the bytes decode cleanly with it; pages that declare
    utf-8 but are really windows-1251 or koi8-r are common, and fall through to detection.
    A single-byte declaration (latin-1...) on bytes that are valid multi-byte UTF-8 is a
    mislabelled UTF-8 page.
    """
    return _decode_body(body, content_type)[0]


def _decode_body(body: bytes, content_type: str | None) -> tuple[str, bool]:
    """`decode_body`, and whether the text is all of `body` read as UTF-8.

    Then `body` is the text's UTF-8 encoding, which the HTML parser can take instead of the text
    encoded again.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            decoded = _decode_strict(body, codec)
            if decoded is not None:
                return decoded.lstrip("\ufeff"), False
    header_match = _HEADER_CHARSET.search(content_type or "")
    meta_match = _META_CHARSET.search(body[:4096])
    declared = [
        _codec_name(header_match.group(1)) if header_match else None,
        _codec_name((meta_match.group(1) or meta_match.group(2)).decode("ascii")) if meta_match else None,
    ]
    for codec in declared:
        if codec is None:
            continue
        if codec.startswith("utf-16") or codec.startswith("utf-32"):
            # A BOM-less ASCII-compatible document cannot really be UTF-16.
            codec = "utf-8"
        if codec == "utf-8" or (_is_single_byte(codec) and _looks_like_utf8(body)):
            utf8 = _decode_utf8(body)
            if utf8 is not None:
                return utf8
        else:
            decoded = _decode_strict(body, codec)
            if decoded is not None:
                return decoded, False
    utf8 = _decode_utf8(body)
    if utf8 is not None:
        return utf8
    import charset_normalizer

    best = charset_normalizer.from_bytes(body).best()
    if best is not None:
        return str(best), False
    return body.decode("utf-8", errors="replace"), False


# --------------------------------------------------------------------------------------------
# HTML → blocks
# --------------------------------------------------------------------------------------------
#
# The page is parsed once by lxml (libxml2's HTML parser, the same one BeautifulSoup's "lxml"
# builder drives) and every decision below is made on that element tree. BeautifulSoup is only
# brought in for user CSS selectors, which soupsieve evaluates.
#
# In lxml, text lives in `.text` (before the first child) and `.tail` (after an element, inside
# its parent). Elements taken out of the tree leave an empty comment behind that carries their
# tail, so that the text on either side stays two separate strings (as in a DOM), which matters
# where strings are joined with a separator (table captions).

_HEADING_LEVELS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
        "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
        "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
    | set(_HEADING_LEVELS)
)
# Never content, wherever they are.
_ALWAYS_DROPPED = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset",
        "object", "embed", "canvas", "audio", "video", "map", "nav", "button", "input", "select",
        "textarea", "option", "datalist", "dialog", "head", "title", "meta", "link", "base",
    }
)
# Text inside these is code or a ruby annotation, never read as part of the sentence around it.
_INVISIBLE_TEXT_TAGS = frozenset({"script", "style", "template", "rt", "rp"})
_VISIBLE_STRINGS = etree.XPath(
    ".//text()[not(ancestor::script or ancestor::style or ancestor::template or ancestor::rt or ancestor::rp)]",
    smart_strings=False,
)
# An element that is itself such a container (an <rt> picked by a selector) reads its own text:
# the strings whose nearest container is one of its kind.
_CONTAINER_STRINGS = etree.XPath(
    ".//text()[name(ancestor::*[self::script or self::style or self::template or self::rt or self::rp][1]) = $name]",
    smart_strings=False,
)
# Site chrome, unless they sit inside the document's own content (an <article>'s header holds
# its title and "last updated" line).
_CHROME_TAGS = {"header": ("article", "main"), "footer": ("article", "main"), "aside": ("article",)}
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alertdialog"}
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BOILERPLATE_CLASS = re.compile(
    r"""
    (?:^|[-_])(?:
        (?:cookie|cookies|consent|gdpr|cmp)[-_]?(?:banner|bar|notice|popup|modal|wall|dialog|overlay|layer|consent|alert|message|prompt|box)
      | cookie[-_]?consent | cookiebanner | cookiebar | cc[-_](?:window|banner) | onetrust\w* | cookiebot\w* | cybotcookiebot\w*
      | side[-_]?bar | breadcrumbs? | menu | nav | navbar | navigation | skip[-_]?(?:link|links|to[-_]?content|nav)
      | share | social[-_]?share | share[-_]?(?:buttons|bar|links|tools) | social[-_]?(?:links|icons|buttons)
      | newsletter | related | related[-_]?(?:posts|articles|links|content)
      | ads? | advert\w* | ad[-_]?(?:slot|unit|banner|container|wrapper) | sponsored | promo[-_]?banner
    )(?:$|[-_])
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Ids name sections of the policy itself ("sharing", "related-parties"), so only unambiguous
# chrome ids count.
_BOILERPLATE_ID = re.compile(
    r"""^(?:
        (?:cookie|cookies|consent|gdpr|cmp)[-_]?(?:banner|bar|notice|popup|modal|wall|dialog|overlay|layer|consent|message|prompt|box)
      | onetrust[\w-]* | cybotcookiebot[\w-]* | cookiebot[\w-]* | cookie[-_]?law[\w-]*
      | side[-_]?bar | breadcrumbs? | (?:main[-_]?)?menu | (?:main[-_]?|site[-_]?)?nav(?:bar|igation)?
      | skip[-_]?(?:link|links|to[-_]?content|nav)
      | newsletter\w* | share[-_]?(?:buttons|bar|links|tools)?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# (Attribute-axis paths: libxml2 answers these far faster than a predicate tested on every element.)
_CONTENT_CONTAINERS = etree.XPath(".//main | .//article | .//@role[. = 'main']/..")
_HOLDS_MAIN_CONTENT = etree.XPath("boolean(.//main | .//article | .//h1 | .//@role[. = 'main'])")
_CLOUDFLARE_EMAILS = etree.XPath(".//@data-cfemail/..")
_CLOUDFLARE_LINKS = etree.XPath(".//@href[contains(., '/cdn-cgi/l/email-protection#')]/parent::a")
_CLOUDFLARE_LINK = re.compile(r"/cdn-cgi/l/email-protection#[0-9a-fA-F]+")
_PLACEHOLDER_LINKS = etree.XPath(".//a[contains(@href, '#')][contains(., 'protected')]")
_MAILTO_LINKS = etree.XPath(".//@href[starts-with(normalize-space(translate(., 'MAILTO', 'mailto')), 'mailto:')]/parent::a")
_MAILTO_ADDRESS = re.compile(r"^\s*<?\s*mailto:\s*([^?\s>]+@[^?\s>]+)", re.IGNORECASE)
_TABLE_LAYOUT_CONTENT = ("table", *_HEADING_LEVELS)
_RESOURCE_LIMIT = etree.ErrorTypes.ERR_RESOURCE_LIMIT
_DOCUMENT = "document"
"""Tag of the element the parsed page's top-level elements are gathered under."""

_Element = etree._Element


def _strings(element: _Element) -> list[str]:
    """The text nodes under `element` that a reader sees, in document order."""
    if element.tag in _INVISIBLE_TEXT_TAGS:
        return _CONTAINER_STRINGS(element, name=element.tag)
    return _VISIBLE_STRINGS(element)


def _all_text_visible(element: _Element) -> bool:
    return next(element.iter(*_INVISIBLE_TEXT_TAGS), None) is None and next(
        element.iterancestors(*_INVISIBLE_TEXT_TAGS), None
    ) is None


def _text(element: _Element) -> str:
    if _all_text_visible(element):
        # Nothing to leave out: libxml2 concatenates the text nodes itself.
        return etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return "".join(_strings(element))


def _text_utf8(element: _Element) -> bytes:
    """`_text(element)` encoded as UTF-8, which is what libxml2 hands over before lxml decodes it."""
    if _all_text_visible(element):
        return etree.tostring(element, method="text", encoding="utf-8", with_tail=False)
    return "".join(_strings(element)).encode("utf-8", "surrogatepass")


# The ASCII characters str.split() treats as whitespace. A byte below 0x80 of UTF-8 text is always
# a character of its own, so deleting them from the bytes deletes them from the text.
_ASCII_WHITESPACE = b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "


def _utf8_text_size(data: bytes) -> int:
    """Characters of UTF-8 text, whitespace (as str.split() sees it) not counted.

    Deleting ASCII whitespace bytes first is several times faster than `str.replace` + `split()`
    on the whole text; only the non-ASCII whitespace left (no-break spaces...) needs the str.
    """
    data = data.translate(None, _ASCII_WHITESPACE)
    if data.isascii():
        return len(data)
    return len("".join(data.decode("utf-8", "surrogatepass").split()))


def _text_size(element: _Element) -> int:
    """Characters of text, whitespace not counted."""
    return _utf8_text_size(_text_utf8(element))


class _LazyTextSize:
    """`_text_size(element)`, counted only as far as comparisons with it need.

    Whether a page holds more than twice a sidebar's text is usually settled by its first few
    kilobytes; counting stops there.
    """

    def __init__(self, element: _Element) -> None:
        self.data = _text_utf8(element)
        self.counted = 0  # bytes of `data` counted so far, always ending at a character boundary
        self.size = 0  # non-whitespace characters in data[:counted]
        self.step = 4096

    def exceeds(self, limit: float) -> bool:
        """Whether the size is greater than `limit`."""
        data = self.data
        while self.size <= limit and self.counted < len(data):
            end = self.counted + self.step
            while end < len(data) and 0x80 <= data[end] < 0xC0:  # a UTF-8 continuation byte
                end += 1
            self.size += _utf8_text_size(data[self.counted : end])
            self.counted = min(end, len(data))
            self.step *= 2
        return self.size > limit


# Characters libxml2 keeps in a parsed page but lxml refuses in a string it is given. Those that
# str.splitlines() takes for line breaks become "\n" (a line in <pre>, a space elsewhere once
# cleaned), \x1f a space, the rest go. Only strings lxml is handed go through this, so such a
# character elsewhere in the page stays as the clean-up leaves it.
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_INCOMPATIBLE_REPLACEMENTS = {**dict.fromkeys("\x0b\x0c\x1c\x1d\x1e", "\n"), "\x1f": " "}


def _xml_compatible(text: str) -> str:
    return _XML_INCOMPATIBLE.sub(lambda match: _XML_INCOMPATIBLE_REPLACEMENTS.get(match.group(), ""), text)


def _placeholder(tail: str | None) -> _Element:
    """An empty comment standing where something was, carrying the text that followed it."""
    marker = etree.Comment()
    if tail and _XML_INCOMPATIBLE.search(tail):
        tail = _xml_compatible(tail)
    marker.tail = tail
    return marker


def _remove(element: _Element) -> None:
    """Take `element` and its subtree out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        parent.replace(element, _placeholder(element.tail))
    else:
        parent.remove(element)


def _replace_with_text(element: _Element, text: str) -> None:
    """Put `text` where `element` was, as a string of its own."""
    parent = element.getparent()
    if parent is None:
        return
    marker = _placeholder(text)
    parent.replace(element, marker)
    if element.tail:
        marker.addnext(_placeholder(element.tail))


def _unwrap(element: _Element) -> None:
    """Replace `element` by its content."""
    parent = element.getparent()
    if parent is None:
        return
    marker = _placeholder(element.text)
    children = list(element)
    parent.replace(element, marker)
    position = parent.index(marker) + 1
    parent[position:position] = [*children, _placeholder(element.tail)]


class _DeepTreeBuilder:
    """Parser target that builds the tree from libxml2's parse events, for pages nested deeper
    than libxml2's own tree builder goes (it stops at 2,048 levels, dropping the rest of the page;
    the events have no such limit).

    Elements whose tag name lxml refuses (`o:p`) become `<unnamed>` (no rule looks for them),
    attributes with such names are left out, and a comment leaves an empty one (its text is never
    read).
    """

    def __init__(self) -> None:
        self.document = etree.Element(_DOCUMENT)
        self.open: list[_Element] = [self.document]
        self.last_closed: _Element | None = None

    def start(self, tag: str, attrib: dict[str, str], nsmap: object = None) -> None:
        try:
            element = etree.SubElement(self.open[-1], tag)
        except ValueError:
            element = etree.SubElement(self.open[-1], "unnamed")
        for name, value in attrib.items():
            try:
                element.set(name, value)
            except ValueError:
                continue
        self.open.append(element)
        self.last_closed = None

    def end(self, tag: str) -> None:
        if len(self.open) > 1:
            self.last_closed = self.open.pop()

    def data(self, text: str) -> None:
        if _XML_INCOMPATIBLE.search(text):
            text = _xml_compatible(text)
        if self.last_closed is None:
            parent = self.open[-1]
            parent.text = (parent.text or "") + text
        else:
            self.last_closed.tail = (self.last_closed.tail or "") + text

    def comment(self, text: str) -> None:
        self.open[-1].append(_placeholder(None))
        self.last_closed = self.open[-1][-1]

    def close(self) -> _Element:
        return self.document


def _parse_html(html: str | bytes) -> _Element:
    """Parse a page (text, or UTF-8 bytes); the returned element holds the page's top-level
    elements, as a document would.

    Whatever a page puts after `</html>` becomes a second top-level <html>, as browsers and
    BeautifulSoup also keep it.
    """
    if isinstance(html, bytes):
        data = html.removeprefix(codecs.BOM_UTF8)
    else:
        data = html.removeprefix("\ufeff").encode("utf-8", "surrogatepass")
    # huge_tree lifts libxml2's limits on text node size and (partly) on depth.
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    document = etree.Element(_DOCUMENT)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return document
    if any(error.type == _RESOURCE_LIMIT for error in parser.error_log):
        deep_parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, target=_DeepTreeBuilder())
        return etree.fromstring(data, deep_parser)
    if root is None:
        return document
    document.extend([root, *(node for node in root.itersiblings() if isinstance(node.tag, str))])
    return document


def _is_content_container(element: _Element) -> bool:
    return element.tag in ("main", "article") or element.get("role") == "main"


def _holds_main_content(element: _Element) -> bool:
    """Whether removing `element` would take the document's main content with it."""
    if element.tag in ("html", "body") or _is_content_container(element):
        return True
    return _HOLDS_MAIN_CONTENT(element)


def _is_hidden(element: _Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden", "").lower() == "true":
        return True
    style = element.get("style")
    return bool(style) and _HIDDEN_STYLE.search(style) is not None


def _is_boilerplate(element: _Element) -> bool:
    role = element.get("role")
    if role and role.lower() in _CHROME_ROLES:
        return True
    classes = element.get("class")
    if classes and any(_BOILERPLATE_CLASS.search(name) for name in classes.split()):
        return True
    element_id = element.get("id")
    return bool(element_id) and _BOILERPLATE_ID.match(element_id) is not None


def _chrome_outside_content(element: _Element) -> bool:
    keep_inside = _CHROME_TAGS[element.tag]
    return next(element.iterancestors(*keep_inside), None) is None


def _strip_noise(root: _Element) -> None:
    """Drop everything that is not policy text: code, forms, hidden parts, site chrome.

    Hidden or boilerplate-looking elements are kept when they wrap the main content (an
    ASP.NET page wraps the whole body in a <form>, a `page-with-sidebar` wrapper holds <main>,
    a `cookie-notice` div may be the cookie policy itself): when they contain <main>, <article>
    or <h1>, or hold half of the page's text.
    """
    for element in list(root.iterdescendants(*_ALWAYS_DROPPED)):
        _remove(element)
    page_size: _LazyTextSize | None = None

    def wraps_content(element: _Element) -> bool:
        nonlocal page_size
        if _holds_main_content(element):
            return True
        size = _text_size(element)
        if size == 0:
            return False
        if page_size is None:
            page_size = _LazyTextSize(root)
        # size >= 0.5 * page size > 0
        return page_size.exceeds(0) and not page_size.exceeds(2 * size)

    doomed: list[_Element] = []
    walk = etree.iterwalk(root, events=("start",), tag=etree.Element)
    for _, element in walk:
        if element is root:
            continue
        name = element.tag
        if name in _CHROME_TAGS:
            if not (_chrome_outside_content(element) and not _holds_main_content(element)):
                continue
        elif not element.attrib:
            if name != "form" or wraps_content(element):
                continue
        elif not (name == "form" or _is_hidden(element) or _is_boilerplate(element)) or wraps_content(element):
            continue
        doomed.append(element)
        # Whatever is inside goes with it.
        walk.skip_subtree()
    for element in doomed:
        _remove(element)


def _decode_cloudflare_emails(document: _Element) -> None:
    """Replace Cloudflare-protected addresses with the address itself (first byte = XOR key)."""
    for element in _CLOUDFLARE_EMAILS(document):
        address = decode_cloudflare_email(element.get("data-cfemail"))
        if address is not None:
            _replace_with_text(element, address)
    for link in _PLACEHOLDER_LINKS(document):  # a copy's placeholder link, Cloudflare's path lost
        address = _copied_placeholder_address(_text(link), link.get("href", ""))
        if address is not None:
            _replace_with_text(link, address)
    for link in _CLOUDFLARE_LINKS(document):
        href = link.get("href")
        if _CLOUDFLARE_LINK.search(href) is None:
            continue
        address = decode_cloudflare_email(href.rsplit("#", 1)[1])
        if address is None:
            continue
        text = _text(link).strip()
        # A link whose text is the placeholder (or empty) shows the address; otherwise it is a
        # mailto link with its own text, which shows its address after the text (as any mailto link).
        if not text or ("email" in text and "protected" in text):
            _replace_with_text(link, address)
        else:
            if "@" not in text:
                _append_text(link, f" ({address})")
            _unwrap(link)


def _mailto_address(href: str) -> str | None:
    """The address of a ``mailto:`` link (its query, "?subject=...", left out), if it is one."""
    match = _MAILTO_ADDRESS.match(href or "")
    if not match:
        return None
    from urllib.parse import unquote

    return unquote(match.group(1)).strip()


def _show_mailto_addresses(document: _Element) -> None:
    """A mailto link whose text is not its address ("e-mail us", "here") shows the address after
    its text: the address is the contact channel a reader would use, and it can change while the
    words of the link stay the same."""
    for link in _MAILTO_LINKS(document):
        address = _mailto_address(link.get("href"))
        if address is None or "@" in _text(link):
            continue
        _append_text(link, f" ({address})")


def _append_text(element: _Element, text: str) -> None:
    """Add `text` at the end of an element's content."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _outermost(elements: Iterable[_Element]) -> list[_Element]:
    """Drop elements nested inside another element of the list (keeping document order)."""
    elements = list(elements)
    chosen = set(elements)
    return [element for element in elements if not any(parent in chosen for parent in element.iterancestors())]


def _main_content(document: _Element) -> list[_Element]:
    """<main>/<article>/[role=main] when they hold most of the page's text, else <body>.

    Several outermost candidates (a policy split into <article> sections) are all kept when they
    are of comparable size; a small <article> (a teaser card) next to the policy is not.
    """
    body = next(document.iter("body"), None)
    if body is None:
        body = document
    candidates = _outermost(_CONTENT_CONTAINERS(body))
    if not candidates:
        return [body]
    sized = [(element, _text_size(element)) for element in candidates]
    largest = max(size for _, size in sized)
    chosen = [(element, size) for element, size in sized if size >= largest * 0.25]
    chosen_size = sum(size for _, size in chosen)
    if chosen_size < 200:
        return [body]
    # The body's text length in bytes (whitespace included) bounds its size from above; only a
    # close call needs the exact size.
    body_text = _text_utf8(body)
    if chosen_size < 0.5 * len(body_text) and chosen_size < 0.5 * _utf8_text_size(body_text):
        return [body]
    return [element for element, _ in chosen]


def _compile_selectors(selectors: list[str], purpose: str) -> str:
    """The selectors as one selector list, after checking each of them."""
    import soupsieve  # only pages with user selectors need it

    for selector in selectors:
        try:
            soupsieve.compile(selector)
        except soupsieve.SelectorSyntaxError as error:
            message = str(error).splitlines()[0]
            raise NormalizeError(f"invalid CSS selector {selector!r} in {purpose}: {message}") from None
    return ", ".join(selectors)


def _soup_copy(document: _Element) -> tuple[BeautifulSoup, dict[int, _Element]]:
    """A BeautifulSoup copy of the element tree (for soupsieve), and the element behind each tag."""
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup("", "lxml")
    element_of: dict[int, _Element] = {}
    pending: list[tuple[Any, _Element]] = [(soup, document)]
    while pending:
        parent, element = pending.pop()
        if element.text:
            parent.append(NavigableString(element.text))
        for child in element:
            if child.tag.__class__ is str:
                tag = soup.new_tag(child.tag, attrs=dict(child.attrib))
                parent.append(tag)
                element_of[id(tag)] = child
                pending.append((tag, child))
            if child.tail:
                parent.append(NavigableString(child.tail))
    return soup, element_of


def _apply_selectors(
    document: _Element, select: list[str] | None, remove: list[str] | None
) -> list[_Element] | None:
    """Drop the `remove` matches, then return the outermost `select` matches (None without `select`)."""
    remove_selector = _compile_selectors(remove, "remove") if remove else None
    select_selector = _compile_selectors(select, "select") if select else None
    soup, element_of = _soup_copy(document)
    if remove_selector:
        for tag in soup.select(remove_selector):
            if not tag.decomposed:
                _remove(element_of[id(tag)])
                tag.decompose()
    if not select_selector:
        return None
    roots = _outermost(element_of[id(tag)] for tag in soup.select(select_selector))
    if not roots:
        raise NormalizeError(f"CSS selector(s) {', '.join(select or [])!r} matched nothing on the page")
    return roots


def _is_layout_table(table: _Element) -> bool:
    """A table holding headings or other tables lays out a page; it is not tabular data."""
    return next(table.iterdescendants(*_TABLE_LAYOUT_CONTENT), None) is not None


# What entering and leaving an element means for the walk (see `_HtmlWalker.walk`); other
# elements only contribute their text.
_HEADING, _LIST_ITEM, _BLOCK, _INVISIBLE = "heading", "list item", "block", "invisible"
_ROLES = {
    **dict.fromkeys(_BLOCK_TAGS, _BLOCK),
    **dict.fromkeys(_HEADING_LEVELS, _HEADING),
    "li": _LIST_ITEM,
    **dict.fromkeys(_INVISIBLE_TEXT_TAGS, _INVISIBLE),
}
_HEADING_PREFIXES = {name: "#" * level + " " for name, level in _HEADING_LEVELS.items()}


class _HtmlWalker:
    """Iterative document-order walk that turns an element tree into blocks.

    Inline content accumulates until a block boundary; the pending prefix (`## `, `- `) is
    attached to the first non-empty block of the heading or list item that set it.
    """

    def __init__(self, blocks: _Blocks) -> None:
        self.blocks = blocks
        self.parts: list[str] = []
        self.prefix = ""
        self.heading_depth = 0
        self.invisible_depth = 0

    def flush(self) -> None:
        if not self.parts:
            return
        text = "".join(self.parts)
        self.parts.clear()
        if self.blocks.add(self.prefix, text):
            self.prefix = ""

    def walk(self, root: _Element) -> None:
        parts = self.parts
        flush = self.flush
        heading_depth = self.heading_depth
        # A root picked inside an invisible container (a selected cell of a table in <rt>) is too.
        inside_invisible = next(root.iterancestors(*_INVISIBLE_TEXT_TAGS), None) is not None
        invisible_depth = self.invisible_depth + inside_invisible
        # Elements to enter, and (role, tail) pairs for elements to leave once their children are done.
        stack: list[Any] = [root]
        while stack:
            node = stack.pop()
            if node.__class__ is tuple:
                role, tail = node
                if role is _INVISIBLE:
                    invisible_depth -= 1
                elif role is not None:
                    if parts:
                        flush()
                    if role is _HEADING:
                        heading_depth -= 1
                        self.prefix = ""
                    elif role is _LIST_ITEM:
                        self.prefix = ""
                if tail and not invisible_depth:
                    parts.append(tail)
                continue
            name = node.tag
            if name.__class__ is not str:
                pass  # a comment or processing instruction: only its tail is text
            elif name == "br":
                if heading_depth:
                    parts.append(" ")
                elif parts:
                    flush()
            elif name == "table" and not _is_layout_table(node):
                if parts:
                    flush()
                self._table(node)
            elif name == "pre":
                if parts:
                    flush()
                for line in _text(node).splitlines():
                    self.blocks.add("", line)
            else:
                role = _ROLES.get(name)
                if role is _INVISIBLE:
                    invisible_depth += 1
                elif role is not None:
                    if parts:
                        flush()
                    if role is _HEADING:
                        self.prefix = _HEADING_PREFIXES[name]
                        heading_depth += 1
                    elif role is _LIST_ITEM:
                        self.prefix = "- "
                if not invisible_depth:
                    text = node.text
                    if text:
                        parts.append(text)
                tail = None if node is root else node.tail
                if role is not None or tail:
                    stack.append((role, tail))
                stack.extend(node[::-1])
                continue
            if node is not root and not invisible_depth:
                tail = node.tail
                if tail:
                    parts.append(tail)
        self.heading_depth = heading_depth
        self.invisible_depth = invisible_depth - inside_invisible
        flush()

    def _table(self, table: _Element) -> None:
        for caption in table.iterdescendants("caption"):
            self.blocks.add("", " ".join(_strings(caption)))
        for row in table.iterdescendants("tr"):
            cells = [_cell_text(cell) for cell in row.iterdescendants("td", "th")]
            if cells:
                self.blocks.add("", "| " + " | ".join(cells) + " |")


def _cell_text(cell: _Element) -> str:
    """A table cell's blocks joined by spaces: a row must stay on one line."""
    blocks = _Blocks()
    _HtmlWalker(blocks).walk(cell)
    return " ".join(prefix + text for prefix, text in blocks.items)


def normalize_html(html: str | bytes, select: list[str] | None = None, remove: list[str] | None = None) -> str:
    """Main content of an HTML page (text, or UTF-8 bytes) as clean text.

    `remove` selectors are dropped first; `select` keeps only the matched elements (in document
    order). Without `select`, <main>/<article> is preferred when it holds the policy, else <body>.
    Returns "" when nothing is left; `normalize_document` turns that into an error.
    """
    document = _parse_html(html)
    _decode_cloudflare_emails(document)
    _show_mailto_addresses(document)
    roots = _apply_selectors(document, select, remove) if select or remove else None
    if roots is not None:
        for root in roots:
            _strip_noise(root)
    else:
        _strip_noise(document)
        roots = _main_content(document)
    blocks = _Blocks()
    walker = _HtmlWalker(blocks)
    for root in roots:
        walker.walk(root)
    return blocks.render()


# --------------------------------------------------------------------------------------------
# Markdown → blocks
# --------------------------------------------------------------------------------------------


MARKDOWN_NESTING = 100
"""How deep Markdown blocks may nest: commonmark's preset stops parsing past 20 and drops the rest of the
document, which a scraped list of entities nested country under country reaches (markdown-it's default
preset allows 100)."""


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "maxNesting": MARKDOWN_NESTING}).enable(["table", "strikethrough"])


_MARKDOWN_DROPPED = ("script", "style", "noscript", "template", "svg", "iframe", "head")
# Inline links and images, with link text that may span lines (scrapers wrap card links around
# blank lines) and one level of nested brackets; the URL part tolerates balanced parentheses.
# The text length is bounded so that a stray "[" does not make every attempt scan to the end.
_MD_LINK = re.compile(
    r"""(!?)\[((?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\]){0,500}\]){0,2000})\]"""
    r"""\(\s*(<[^>\n]*>|(?:[^\s()\\]|\\.|\([^\s()]*\))*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)"""
)


def _link_text(match: re.Match[str]) -> str:
    """A Markdown link as its text (an image as nothing); a mailto link whose text is not its
    address also shows the address, as in HTML."""
    if match.group(1):
        return ""
    text, address = match.group(2), _mailto_address(match.group(3))
    if address and "@" not in text:
        return f"{text} ({address})"
    return _copied_placeholder_address(text, match.group(3)) or text


def _copied_placeholder_address(text: str, href: str) -> str | None:
    """The address behind a placeholder link that a copy of the page kept with its code but not
    Cloudflare's path: "[email protected]" linking to "…/articles/1369025#fd_94939_b_92_bd…", the
    code split by underscores. Read only under the placeholder, kept only if it is an address."""
    if "email" not in text or "protected" not in text or "#" not in href:
        return None
    return decode_copied_code(href.rsplit("#", 1)[1].rstrip(">"))


def normalize_markdown(text: str) -> str:
    """Markdown (as scraped policies come) as clean text.

    Links keep their text and images go before parsing, so that a link wrapped around blank
    lines does not leak its URL; markdown-it then handles headings, lists, emphasis, escapes,
    tables and inline HTML, and the result goes through the same block walk as HTML.
    """
    for _ in range(3):
        if "](" not in text:
            break
        replaced = _MD_LINK.sub(_link_text, text)
        if replaced == text:
            break
        text = replaced
    document = _parse_html(_markdown().render(text))
    _decode_cloudflare_emails(document)
    for element in list(document.iterdescendants(*_MARKDOWN_DROPPED)):
        _remove(element)
    body = next(document.iter("body"), None)
    blocks = _Blocks()
    _HtmlWalker(blocks).walk(document if body is None else body)
    return blocks.render()


# --------------------------------------------------------------------------------------------
# Plain text and PDF → blocks
# --------------------------------------------------------------------------------------------

_PLAIN_BULLET = re.compile(r"^\s*(?:[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u25a0\u25a1\u2043]\s*|[-*+]\s+)")


def normalize_plain(text: str) -> str:
    """Plain text as clean text: every non-empty line is a block; bullet glyphs become `- `."""
    blocks = _Blocks()
    for line in text.splitlines():
        bullet = _PLAIN_BULLET.match(line)
        if bullet:
            blocks.add("- ", line[bullet.end():])
        else:
            blocks.add("", line)
    return blocks.render()


_SENTENCE_END = re.compile(r"[.:;!?)\]»\"']\s*$")


def _reflow_pdf_lines(text: str) -> str:
    """Join lines that a PDF wrapped mid-sentence (next line starts in lower case)."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if (
            lines
            and stripped
            and stripped[0].islower()
            and lines[-1].strip()
            and not _SENTENCE_END.search(lines[-1])
        ):
            separator = "" if lines[-1].endswith("-") else " "
            lines[-1] = lines[-1].rstrip() + separator + stripped
        else:
            lines.append(line)
    return "\n".join(lines)


def _normalize_pdf(body: bytes) -> str:
    """Text of every page; wrapped lines rejoined, then the plain-text rules."""
    from pypdf import PdfReader  # imported for PDFs only: it is slow to import
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted and not reader.decrypt(""):
            raise NormalizeError("the PDF is encrypted and cannot be read")
        pages = [page.extract_text() or "" for page in reader.pages]
    except NormalizeError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NormalizeError(f"unreadable PDF: {reason}") from None
    text = normalize_plain("\n".join(_reflow_pdf_lines(page) for page in pages))
    if not text:
        raise NormalizeError("the PDF has no extractable text (a scanned document?)")
    return text


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------

_MAGIC_NUMBERS = (
    (b"\x89PNG", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx?)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"\x7fELF", "an executable"),
    (b"OggS", "an audio file"),
    (b"ID3", "an MP3 file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
_BINARY_MEDIA_PREFIXES = ("image/", "audio/", "video/", "font/")
_HTML_MEDIA = ("text/html", "application/xhtml+xml", "text/xml", "application/xml")
_MARKDOWN_MEDIA = ("text/markdown", "text/x-markdown", "text/x-web-markdown")
_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<\?xml\b[^>]*>\s*<(?:!doctype|html))", re.IGNORECASE)
_HTML_TAGS = re.compile(r"<(?:p|div|h[1-6]|ul|ol|li|table|br|span|a\s)[\s>/]", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.MULTILINE)
_MD_SETEXT = re.compile(r"^[^\n]*\S[^\n]*\n(?:=+|-{3,})[ \t]*$", re.MULTILINE)
_MD_INLINE_LINK = re.compile(r"\]\([^)\s]+\)")
_MD_TABLE_DELIMITER = re.compile(r"^\|?\s*:?-{3,}:?\s*\|", re.MULTILINE)
# Control characters (all but \t \n \f \r) and U+FFFD, as bytes of the text's UTF-8 encoding: there a
# byte below 0x80 is always a character of its own, and EF BF BD is always U+FFFD.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20)) + b"\x7f"
_REPLACEMENT_CHAR = "\ufffd".encode()


def _reject_binary(body: bytes, media: str, content_type: str | None) -> None:
    """Refuse images, archives and other non-text bodies before trying to read them as text."""
    if media.startswith(_BINARY_MEDIA_PREFIXES):
        raise NormalizeError(f"unsupported content type {media!r}: not a text document")
    head = body[:8192]
    for magic, description in _MAGIC_NUMBERS:
        if head.startswith(magic):
            raise NormalizeError(f"the document is binary ({description}), not text")
    wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or re.search(
        r"utf-?(?:16|32)", content_type or "", re.IGNORECASE
    )
    if b"\x00" in head and not wide:
        raise NormalizeError("the document is binary (it contains NUL bytes), not text")


def _control_char_count(text: str) -> int:
    """How many control characters and U+FFFD `text` holds.

    Counted on the UTF-8 bytes: deleting bytes with `bytes.translate` is a few times faster than
    a regular expression scanning the str.
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _CONTROL_BYTES)) + data.count(_REPLACEMENT_CHAR)


def _looks_like_markdown(text: str) -> bool:
    sample = text[:20000]
    signals = (
        len(_MD_HEADING.findall(sample))
        + len(_MD_SETEXT.findall(sample))
        + len(_MD_INLINE_LINK.findall(sample))
        + len(_MD_TABLE_DELIMITER.findall(sample))
    )
    return signals >= 3


def _text_kind(media: str, text: str) -> str:
    if media in _HTML_MEDIA:
        return "html"
    if media in _MARKDOWN_MEDIA:
        return "markdown"
    if _HTML_START.match(text):
        return "html"
    # Markdown first: scraped Markdown often carries inline HTML (<br>, <a>), which markdown-it
    # handles, whereas reading Markdown as HTML would leak its link URLs.
    if _looks_like_markdown(text):
        return "markdown"
    if len(_HTML_TAGS.findall(text[:5000])) >= 3:
        return "html"
    return "plain"


def normalize_document(
    body: bytes,
    content_type: str | None,
    select: list[str] | None = None,
    remove: list[str] | None = None,
) -> str:
    """Fetched bytes → clean text, whatever the format (HTML, Markdown, plain text, PDF).

    `select`/`remove` CSS selectors apply to HTML only. Raises NormalizeError for an empty body,
    binary content, or a document with no text left after normalisation.
    """
    if not body or not body.strip():
        raise NormalizeError("the document is empty")
    media = media_type(content_type)
    if media == "application/pdf" or body.lstrip()[:5] == b"%PDF-":
        return _normalize_pdf(body)
    _reject_binary(body, media, content_type)
    text, whole_utf8 = _decode_body(body, content_type)
    if _control_char_count(text[:20000]) > 0.02 * min(len(text), 20000):
        raise NormalizeError("the document is binary or garbled (too many control characters), not text")
    kind = _text_kind(media, text)
    if kind == "html":
        # The parser reads UTF-8: a body that already is the text in UTF-8 need not be re-encoded.
        clean = normalize_html(body if whole_utf8 else text, select=select, remove=remove)
    elif kind == "markdown":
        clean = normalize_markdown(text)
    else:
        clean = normalize_plain(text)
    if not clean:
        raise NoTextError(f"no text left after normalising the {kind} document")
    return clean
