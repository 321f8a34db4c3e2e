"""The shortcuts in monitor.normalize give exactly what the plain computations they replace give."""

from __future__ import annotations

import codecs
import random
import re
import unicodedata

from lxml import etree

from monitor import normalize
from monitor.normalize import normalize_document, normalize_html

_WHITESPACE = [ch for ch in map(chr, range(0x110000)) if ch.isspace()]
_POOL = [*_WHITESPACE, "a", "Z", "_", "-", "é", "e\u0301", "Я", "中", "\U0001f600", "\u00ad", "\u200b", "\u2019",
         "\u201c", "\u2014", "\u200e", "\ufffd", "\x00", "\x01", "\x7f", "  ", "[email\u00a0protected]"]


def _random_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_POOL) for _ in range(rng.randint(0, length)))


def test_whitespace_other_than_space_is_not_printable() -> None:
    # _clean_text only splits and joins a block that is not printable or holds "  ".
    assert all(not ch.isprintable() for ch in _WHITESPACE if ch != " ")


def _reference_clean_text(text: str) -> str:
    """_clean_text as it was before its shortcut."""
    if not text.isascii():
        text = normalize._ODD_CHARS.sub(normalize._replace_odd_char, text)
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    if "[email" in text:
        text = normalize._CF_PLACEHOLDER_WITH_FRAGMENT.sub("", text)
    return text


def test_clean_text_collapses_whitespace_like_split_and_join() -> None:
    rng = random.Random(1)
    for _ in range(20000):
        text = _random_text(rng, 10)
        assert normalize._clean_text(text) == _reference_clean_text(text), repr(text)


def test_control_char_count_matches_a_regex() -> None:
    pattern = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
    rng = random.Random(2)
    for _ in range(5000):
        text = _random_text(rng, 30) + rng.choice(["", "\ud800"])
        assert normalize._control_char_count(text) == len(pattern.findall(text)), repr(text)


def test_text_size_exact_and_lazy() -> None:
    rng = random.Random(3)
    xml_safe = [ch for ch in _POOL if all(c in "\t\n\r" or (c >= " " and c != "\x7f") for c in ch)]
    for _ in range(2000):
        root = etree.Element("div")
        elements = [root]
        for _ in range(rng.randint(0, 6)):
            child = etree.SubElement(rng.choice(elements), rng.choice(["p", "b", "rt", "script"]))
            child.text = "".join(rng.choice(xml_safe) for _ in range(rng.randint(0, 20)))
            child.tail = "".join(rng.choice(xml_safe) for _ in range(rng.randint(0, 20)))
            elements.append(child)
        for element in elements:
            size = len("".join(normalize._text(element).split()))
            assert normalize._text_size(element) == size
            lazy = normalize._LazyTextSize(element)
            lazy.step = rng.randint(1, 7)  # small steps cut the text between multi-byte characters
            for limit in sorted([rng.randint(-1, size + 2), rng.randint(-1, size + 2), 0.5 * size, size - 1, size]):
                assert lazy.exceeds(limit) is (size > limit)


def test_utf8_body_is_parsed_as_is() -> None:
    page = "<html><body><main><h1>Titre</h1><p>Données\u00a0personnelles « conservées ».</p></main></body></html>"
    expected = "# Titre\nDonnées personnelles « conservées »."
    for body, content_type, whole_utf8 in [
        (page.encode("utf-8"), "text/html", True),
        (page.encode("cp1252"), "text/html; charset=windows-1252", False),
        # A download cut inside a multi-byte character is decoded without it, not parsed as is.
        (page.encode("utf-8") + "é".encode()[:1], "text/html", False),
        (codecs.BOM_UTF8 + page.encode("utf-8"), "text/html", False),
    ]:
        assert normalize._decode_body(body, content_type) == (page, whole_utf8)
        assert normalize_document(body, content_type) == expected
    for text in (page, "\ufeff" + page, "\ufeff\ufeff" + page):
        assert normalize_html(text.encode("utf-8")) == normalize_html(text)
