"""Specification of monitor.normalize: fetched bytes → clean text (ARCHITECTURE.md, "Clean text")."""

from __future__ import annotations

import codecs
import random
import re
import time
from pathlib import Path

import pytest

from basics.errors import NormalizeError
from monitor.normalize import (
    NORMALIZER_VERSION,
    decode_body,
    normalize_document,
    normalize_html,
    normalize_markdown,
    normalize_plain,
)

CASES = Path(__file__).parent / "fixtures" / "bench" / "cases"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
HTML_CASES = sorted(path.parent.name for path in CASES.glob("*/old.html"))


def case_text(case: str, which: str) -> str:
    """Clean text of one side of a bench case, through the public entry point."""
    html = CASES / case / f"{which}.html"
    if html.exists():
        return normalize_document(html.read_bytes(), "text/html; charset=utf-8")
    return normalize_document((CASES / case / f"{which}.md").read_bytes(), "text/markdown")


# --- Noise never shows up as a change --------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    ["en-noise", "es-noise", "fr-noise", "real-en-29", "real-fr-00", "real-fr-07", "real-fr-28"],
)
def test_noise_only_pairs_normalise_to_byte_identical_text(case: str) -> None:
    """Session tokens, sidebars, banners, nav order, wrappers, tracking params, anchor ids, NBSP,
    heading underline lengths and the Cloudflare placeholder differ; the clean text must not."""
    old, new = case_text(case, "old"), case_text(case, "new")
    assert old == new
    assert len(old.splitlines()) > 40


@pytest.mark.parametrize(
    ("case", "old_fragment", "new_fragment"),
    [
        ("en-retention-period", "for as long as it is reasonably necessary", "We will retain personal information for 24 months after your last login"),
        ("es-transfer-add", "Somos una empresa china", "Somos una empresa china"),
        ("ru-contact-protected", "privacy@huatuo-tech.example", "dpo@huatuo-group.example"),
        ("en-children-age", "at least 16 years old", "at least 13 years old"),
        ("fr-retention-added", "jusqu'à ce que l'utilisateur se déconnecte", "pendant 5 ans après la clôture de votre compte"),
        ("real-en-33", "Effective August 11, 2020", "general location (e.g., city)"),
    ],
)
def test_real_changes_survive_and_differ(case: str, old_fragment: str, new_fragment: str) -> None:
    old, new = case_text(case, "old"), case_text(case, "new")
    assert old != new
    assert old_fragment in old
    assert new_fragment in new


def test_retention_sentence_is_kept_whole_on_one_line() -> None:
    new = case_text("en-retention-period", "new")
    line = next(line for line in new.splitlines() if "24 months" in line)
    assert line.startswith("We will retain personal information for 24 months after your last login, unless")


@pytest.mark.parametrize("case", HTML_CASES)
def test_policy_text_survives_and_site_chrome_goes(case: str) -> None:
    for which in ("old", "new"):
        text = case_text(case, which)
        lines = text.splitlines()
        assert lines[0].startswith("# "), "the policy title is the first block"
        assert sum(line.startswith("## ") for line in lines) >= 10
        assert all(line == line.strip() and line for line in lines)
        raw = (CASES / case / f"{which}.html").read_text(encoding="utf-8")
        article = raw[raw.index("<article") : raw.index("</article>")]
        assert sum(line.startswith("- ") for line in lines) == article.count("<li>"), "one block per list item"
        assert sum(not line.startswith(("#", "- ")) for line in lines) >= article.count("<p>") - 2
        for noise in ("csrf", "__APP_STATE__", "cookie-banner", "All rights reserved", "$", "px.gif", "ms\n"):
            assert noise not in text, noise
        assert "[email protected]" not in text, "Cloudflare e-mails are decoded"
        if "Last updated" in raw or "Last Updated" in raw:
            assert any("Last updated" in line or "Last Updated" in line for line in lines)


def test_date_line_is_a_heading_block() -> None:
    old = case_text("en-date", "old").splitlines()
    assert "## Last updated: 30 May 2026" in old


# --- Block format -----------------------------------------------------------------------------


def test_headings_lists_paragraphs_and_tables_use_the_block_format() -> None:
    html = """
    <h1>Privacy Policy</h1><h3>Data we keep</h3>
    <p>We keep <b>some</b> data.</p>
    <ol><li><p>Account data</p><ul><li>nested item</li></ul></li><li>Logs</li></ol>
    <table><caption>Cookies</caption>
      <tr><th>Name</th><th>Purpose</th></tr>
      <tr><td>_ga</td><td>Analytics<br>statistics</td></tr>
      <tr><td> </td><td></td></tr>
    </table>
    """
    assert normalize_html(html) == "\n".join(
        [
            "# Privacy Policy",
            "### Data we keep",
            "We keep some data.",
            "- Account data",
            "- nested item",
            "- Logs",
            "Cookies",
            "| Name | Purpose |",
            "| _ga | Analytics statistics |",
        ]
    )


def test_inline_elements_join_without_gluing_words_and_blocks_split() -> None:
    assert normalize_html("<p><b>a</b>b</p><p>c <i>d</i></p>") == "ab\nc d"
    assert normalize_html("<div>one<div>two</div>three</div>") == "one\ntwo\nthree"
    assert normalize_html("<p>line one<br>line two</p>") == "line one\nline two"
    assert normalize_html("<li>item<br>continued</li>") == "- item\ncontinued"


def test_links_keep_their_text_only() -> None:
    html = '<p>Read the <a href="https://x.example/terms?utm_source=mail&amp;ref=42#top">terms</a>.</p>'
    assert normalize_html(html) == "Read the terms."


def test_layout_tables_are_read_as_content_not_rows() -> None:
    html = "<table><tr><td><h1>Politique</h1><p>Premier paragraphe.</p></td><td><p>Colonne.</p></td></tr></table>"
    assert normalize_html(html) == "# Politique\nPremier paragraphe.\nColonne."


def test_repeated_headings_collapse_but_repeated_paragraphs_stay() -> None:
    html = "<h1>Privacy</h1><h2>Privacy</h2><p>Same.</p><p>Same.</p><h2>Contact</h2>"
    assert normalize_html(html) == "# Privacy\nSame.\nSame.\n## Contact"


# --- What counts as content -------------------------------------------------------------------


def test_code_forms_hidden_elements_and_boilerplate_are_removed() -> None:
    html = """<body>
      <script>var token = "abc";</script><style>p{}</style><noscript>Enable JS</noscript>
      <template><p>tpl</p></template><svg><text>icon</text></svg><iframe>frame</iframe>
      <p>Kept paragraph.</p>
      <p hidden>hidden attr</p><p aria-hidden="true">aria hidden</p>
      <p style="color:red; display : none">inline none</p><div style="visibility:hidden">invisible</div>
      <div class="cookie-consent">We use cookies</div><div id="onetrust-banner-sdk">Accept all</div>
      <div class="gdpr-banner">GDPR</div><ul class="breadcrumb"><li>Home</li></ul>
      <div class="sidebar-widget">Sidebar</div><div class="share-buttons">Share</div>
      <div class="newsletter-signup">Subscribe</div><div class="related-posts">Related</div>
      <div class="ad-slot">Buy now</div><a class="skip-link" href="#main">Skip to content</a>
      <div role="navigation">Menu</div><div role="banner">Banner</div>
      <div role="contentinfo">Footer info</div><div role="complementary">Aside</div>
      <form><label>Search</label><input name="q"><button>Go</button></form><dialog>Modal</dialog>
      <select><option>English</option></select>
    </body>"""
    assert normalize_html(html) == "Kept paragraph."


def test_policy_sections_named_like_boilerplate_are_kept() -> None:
    html = """<main>
      <section id="sharing"><h2>How we share data</h2><p>We share with processors.</p></section>
      <section id="related-parties"><h2>Related parties</h2><p>Group companies.</p></section>
      <table class="cookie-table"><tr><td>_ga</td><td>2 years</td></tr></table>
    </main>"""
    assert normalize_html(html) == "\n".join(
        ["## How we share data", "We share with processors.", "## Related parties", "Group companies.", "| _ga | 2 years |"]
    )


def test_a_boilerplate_looking_element_holding_most_of_the_page_is_content() -> None:
    notice = "We use cookies to measure audience and to remember your language choice. " * 4
    html = f"""<body><div class="cookie-notice"><h2>Cookie notice</h2><p>{notice}</p></div>
      <div class="cookie-banner">Accept all cookies?</div></body>"""
    assert normalize_html(html) == "## Cookie notice\n" + notice.strip()


def test_site_chrome_goes_but_an_articles_own_header_and_footer_stay() -> None:
    body = "This policy explains how we process personal data. " * 3
    html = f"""<body><header>Site name</header><nav>Home</nav><aside>Shop</aside>
      <article><header><h1>Privacy</h1><p>Last updated: 1 May 2024</p></header><p>{body}</p>
      <footer>Version 3</footer></article><footer>(c) Site</footer></body>"""
    assert normalize_html(html).splitlines() == ["# Privacy", "Last updated: 1 May 2024", body.strip(), "Version 3"]


def test_wrappers_that_look_like_boilerplate_do_not_take_the_content_with_them() -> None:
    aspnet = '<body><form id="form1"><input type="hidden" name="__VIEWSTATE" value="x"><h1>Privacy</h1><p>Text.</p></form></body>'
    assert normalize_html(aspnet) == "# Privacy\nText."
    wrapper = '<body><div class="page-with-sidebar"><main><p>Policy text.</p></main><aside>Ads</aside></div></body>'
    assert normalize_html(wrapper) == "Policy text."


def test_main_content_is_preferred_when_it_holds_the_policy() -> None:
    policy = "We collect your e-mail address to send you receipts. " * 6
    html = f"<body><div>Welcome to the shop, browse our deals</div><main><p>{policy}</p></main><div>Spring sale</div></body>"
    assert normalize_html(html) == policy.strip()


def test_a_policy_split_into_articles_keeps_every_part_but_not_teasers() -> None:
    part = "Retention and deletion rules are described here in full. "
    html = f"""<body><article><h2>Part 1</h2><p>{part * 4}</p></article>
      <article><h2>Part 2</h2><p>{part * 3}</p></article><article>Teaser</article></body>"""
    assert normalize_html(html).splitlines() == ["## Part 1", (part * 4).strip(), "## Part 2", (part * 3).strip()]


def test_a_thin_main_element_does_not_hide_the_rest_of_the_page() -> None:
    policy = "Your data is stored in the European Union for three years. " * 5
    html = f"<body><main><p>Loading</p></main><div class='content'><p>{policy}</p></div></body>"
    assert normalize_html(html) == "Loading\n" + policy.strip()


def test_sloppy_markup_nested_thousands_deep_keeps_all_its_text() -> None:
    """Unclosed <font>s nest every following word one level deeper; libxml2's tree builder stops
    at 2,048 levels, and nothing after that point may go missing."""
    html = "<body><p>" + "<font>word " * 3000 + "</p><p>End of policy.</p><div class='sidebar'>Menu</div></body>"
    text = normalize_html(html)
    assert text.split("\n") == [" ".join(["word"] * 3000), "End of policy."]


def test_select_keeps_only_matches_in_document_order_after_remove() -> None:
    html = """<div id="first">First <span class="ad">AD</span></div><div id="skip">Skipped</div>
      <div class="policy">Second <em>part</em></div><div class="policy"><div class="policy">Nested once</div></div>"""
    text = normalize_html(html, select=[".policy", "#first"], remove=[".ad"])
    assert text == "First\nSecond part\nNested once"


def test_remove_applies_without_select() -> None:
    html = "<main><p>Policy.</p><div class='promo-widget'>Promo</div></main>"
    assert normalize_html(html, remove=[".promo-widget"]) == "Policy."


def test_bad_or_empty_selectors_are_reported_clearly() -> None:
    with pytest.raises(NormalizeError, match=r"invalid CSS selector 'p\['"):
        normalize_html("<p>x</p>", select=["p["])
    with pytest.raises(NormalizeError, match="matched nothing"):
        normalize_html("<p>x</p>", select=[".policy-body"])


# --- Cloudflare e-mail protection -------------------------------------------------------------


def cloudflare_hex(address: str, key: int = 0x47) -> str:
    return f"{key:02x}" + bytes(byte ^ key for byte in address.encode()).hex()


def test_cloudflare_protected_addresses_are_decoded() -> None:
    encoded = cloudflare_hex("dpo@example.org")
    span = f'<p>Write to <a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{encoded}">[email&#160;protected]</a>.</p>'
    assert normalize_html(span) == "Write to dpo@example.org."
    link = f'<p>E-mail: <a href="/cdn-cgi/l/email-protection#{cloudflare_hex("x@y.example", 0x12)}">[email&#160;protected]</a></p>'
    assert normalize_html(link) == "E-mail: x@y.example"
    mailto = f'<p><a href="/cdn-cgi/l/email-protection#{encoded}">Contact our DPO</a></p>'
    assert normalize_html(mailto) == "Contact our DPO (dpo@example.org)"


@pytest.mark.parametrize("page, text", [
    ('<p>Write <a href="mailto:dpo@example.org?subject=Request">to our <b>DPO</b></a>.</p>',
     "Write to our DPO (dpo@example.org)."),
    ('<p>Write to <a href="MAILTO:dpo@example.org">dpo@example.org</a>.</p>', "Write to dpo@example.org."),
])
def test_a_mailto_link_shows_its_address_unless_its_text_is_the_address(page, text) -> None:
    assert normalize_html(page) == text


def test_a_markdown_mailto_link_shows_its_address_too() -> None:
    assert normalize_markdown("Online: [here](mailto:privacy@example.co.uk?subject=Privacy%20Request)") == (
        "Online: here (privacy@example.co.uk)")
    assert normalize_markdown("[dpo@example.org](mailto:dpo@example.org)") == "dpo@example.org"


def test_undecodable_cloudflare_markup_keeps_the_placeholder() -> None:
    html = '<p>Mail: <span class="__cf_email__" data-cfemail="zz">[email&#160;protected]</span></p>'
    assert normalize_html(html) == "Mail: [email protected]"


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_becomes_the_same_block_format() -> None:
    markdown = """Privacy Policy
==

Retention
---------------------------------

### Sharing ###

* a *small* __list__
+ with `code`
- and [a link](https://x.example/?utm=1 "title")
1. numbered
2) also

1\\. Escaped number, not a list

![logo](https://x.example/logo.png)

| Cookie | Duration |
|--------|:--------:|
| _ga    | 2 years  |

<p>HTML <b>inside</b> Markdown<br>with a break</p>
"""
    assert normalize_markdown(markdown) == "\n".join(
        [
            "# Privacy Policy",
            "## Retention",
            "### Sharing",
            "- a small list",
            "- with code",
            "- and a link",
            "- numbered",
            "- also",
            "1. Escaped number, not a list",
            "| Cookie | Duration |",
            "| _ga | 2 years |",
            "HTML inside Markdown",
            "with a break",
        ]
    )


def test_markdown_heading_underline_length_and_nbsp_entities_do_not_matter() -> None:
    short = "Droits des personnes concernées et&nbsp;vos choix\n---\n\nTexte&nbsp;: oui."
    long = "Droits des personnes concernées et vos choix\n--------------------------------------------\n\nTexte : oui."
    assert normalize_markdown(short) == normalize_markdown(long) == "## Droits des personnes concernées et vos choix\nTexte : oui."


def test_markdown_links_spanning_blank_lines_do_not_leak_urls() -> None:
    markdown = "Intro.\n\n[\n\nHow to turn location on\n\n\n\n](https://lm.example/l.php?u=x&h=AT1token)\n\nAfter."
    assert normalize_markdown(markdown) == "Intro.\nHow to turn location on\nAfter."


def test_cloudflare_placeholder_with_a_kept_address_fragment_is_stable() -> None:
    plain = "Contact [\\[email protected\\]](https://blog.example/cdn-cgi/l/email-protection) now."
    glued = "Contact dataprotectio[\\[email protected\\]](https://blog.example/cdn-cgi/l/email-protection) now."
    assert normalize_markdown(plain) == normalize_markdown(glued) == "Contact [email protected] now."


def test_a_placeholder_link_a_copy_kept_with_its_code_split_by_underscores_shows_the_address() -> None:
    code = re.sub(r"(?<=[0-9])(?=[a-f])|(?<=[a-f])(?=[0-9])", "_", cloudflare_hex("info@example.com", 0xfd))
    assert "_" in code
    markdown = f"Write to [\\[email protected\\]](https://help.example/articles/1369025#{code})."
    assert normalize_markdown(markdown) == "Write to info@example.com."
    html = f'<p>Write to <a href="https://help.example/articles/1369025#{code}">[email&#160;protected]</a>.</p>'
    assert normalize_html(html) == "Write to info@example.com."
    assert normalize_markdown("See [\\[email protected\\]](https://help.example/faq#section_2).") == (
        "See [email protected].")


# --- Plain text and Unicode clean-up -----------------------------------------------------------


def test_plain_text_lines_are_blocks_and_bullets_become_list_items() -> None:
    text = "Title\r\n\r\n  Some   text here\n\u2022 first point\n \u00b7second point\n* third\n----\n"
    assert normalize_plain(text) == "Title\nSome text here\n- first point\n- second point\n- third"


def test_unicode_noise_is_flattened_but_guillemets_stay() -> None:
    text = (
        "a\u00a0b\u2009c\u202fd\u200be\u00adf \u201cdouble\u201d \u2018single\u2019 \u00abgarde\u00bb "
        "x\u2010y\u2011z\u2012w\u2013v\u2014u\u2015t cafe\u0301"
    )
    assert normalize_plain(text) == "a b c def \"double\" 'single' «garde» x-y-z-w-v-u-t café"


def test_punctuation_only_blocks_are_dropped() -> None:
    assert normalize_plain("Text\n***\n| | |\n---\n\u00a0\n.") == "Text"


def test_clean_text_is_a_fixed_point_of_plain_normalisation() -> None:
    for case in ("en-noise", "ru-contact-protected", "real-fr-00"):
        text = case_text(case, "old")
        assert normalize_plain(text) == text


# --- Decoding ---------------------------------------------------------------------------------

RUSSIAN = (
    "Политика конфиденциальности. Мы храним ваши персональные данные не более трёх лет после "
    "удаления аккаунта. Вы можете связаться с нами по электронной почте."
)
RUSSIAN_PAGE = f"<html><head><title>Политика</title></head><body><p>{RUSSIAN}</p></body></html>"


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [
        ("cp1251", "text/html; charset=windows-1251"),
        ("cp1251", "text/html"),
        ("cp1251", None),
        ("cp1251", "text/html; charset=utf-8"),
        ("koi8_r", "text/html"),
        ("utf-8", "text/html; charset=UTF-8"),
    ],
)
def test_legacy_russian_encodings_decode_to_readable_cyrillic(encoding: str, content_type: str | None) -> None:
    decoded = decode_body(RUSSIAN_PAGE.encode(encoding), content_type)
    assert RUSSIAN in decoded
    assert "\ufffd" not in decoded


def test_meta_charset_declarations_are_honoured() -> None:
    http_equiv = f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><body>{RUSSIAN}</body></html>'
    assert RUSSIAN in decode_body(http_equiv.encode("koi8_r"), None)
    meta = f'<html><head><meta charset="windows-1251"></head><body>{RUSSIAN}</body></html>'
    assert RUSSIAN in decode_body(meta.encode("cp1251"), "text/html")


def test_a_byte_order_mark_wins_over_a_wrong_header() -> None:
    assert decode_body(codecs.BOM_UTF8 + "Données".encode(), "text/plain; charset=windows-1251") == "Données"
    assert decode_body("Données".encode("utf-16"), None) == "Données"


def test_utf8_mislabelled_as_latin1_is_read_as_utf8_and_real_latin1_still_works() -> None:
    assert decode_body("café crème".encode(), "text/html; charset=iso-8859-1") == "café crème"
    assert decode_body("café crème".encode("cp1252"), "text/html; charset=iso-8859-1") == "café crème"


def test_a_download_cut_inside_a_character_loses_only_that_character() -> None:
    assert decode_body("données é".encode()[:-1], "text/html; charset=utf-8") == "données "


def test_windows_1251_page_normalises_end_to_end() -> None:
    text = normalize_document(RUSSIAN_PAGE.encode("cp1251"), "text/html; charset=utf-8")
    assert text == RUSSIAN


# --- Dispatch ---------------------------------------------------------------------------------


def test_markdown_is_recognised_by_type_and_by_content() -> None:
    body = (CASES / "real-fr-28" / "old.md").read_bytes()
    expected = normalize_markdown(body.decode("utf-8"))
    assert normalize_document(body, "text/markdown; charset=utf-8") == expected
    assert normalize_document(body, "text/plain; charset=utf-8") == expected
    assert expected.startswith("Dernière modification le 30/06/2023\n# Twitch.tv Privacy Notice")
    with_inline_html = "## Contact<br>\n\n[Write](https://x.example/a) or [call](tel:1) or [visit](https://x.example/b)."
    assert normalize_document(with_inline_html.encode(), None) == "## Contact\nWrite or call or visit."


def test_html_is_sniffed_without_a_content_type() -> None:
    assert normalize_document(b"<!DOCTYPE html><html><body><p>Hi there</p></body></html>", None) == "Hi there"
    assert normalize_document(b"<p>One</p><p>Two</p><p>Three</p>", "application/octet-stream") == "One\nTwo\nThree"


def test_plain_text_seeds_stay_line_per_block() -> None:
    for seed in sorted(SEEDS.glob("*.txt")):
        raw = seed.read_text(encoding="utf-8")
        text = normalize_document(seed.read_bytes(), "text/plain")
        assert text == normalize_plain(raw)
        assert len(text.splitlines()) >= 0.9 * sum(1 for line in raw.splitlines() if line.strip())


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with Helvetica text lines, written by hand (xref offsets included)."""
    stream = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref_at = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    pdf += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(pdf)


def test_pdf_text_is_extracted_and_wrapped_lines_are_rejoined() -> None:
    pdf = minimal_pdf(["Privacy Policy", "We keep your data for two years after the end of", "your contract.", "Contact: dpo@example.com"])
    expected = "Privacy Policy\nWe keep your data for two years after the end of your contract.\nContact: dpo@example.com"
    assert normalize_document(pdf, "application/pdf") == expected
    assert normalize_document(pdf, None) == expected


def test_unreadable_or_textless_pdfs_raise() -> None:
    with pytest.raises(NormalizeError, match="unreadable PDF"):
        normalize_document(b"%PDF-1.4\nthis is not a pdf body", "application/pdf")
    with pytest.raises(NormalizeError, match="no extractable text"):
        normalize_document(minimal_pdf([]), "application/pdf")


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "text/html", "empty"),
        (b"  \r\n\t ", None, "empty"),
        (b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(500), None, "PNG"),
        (random.Random(2).randbytes(4000), None, "binary"),
        (bytes(byte | 0x80 for byte in random.Random(3).randbytes(4000)), None, "binary or garbled"),
        (b"<p>not really</p>", "image/png", "image/png"),
        (b"<html><body><nav>Menu</nav><script>x()</script></body></html>", "text/html", "no text left"),
        (b"*** --- ***", "text/plain", "no text left"),
    ],
)
def test_empty_binary_and_textless_input_raise_a_one_line_error(body: bytes, content_type: str | None, message: str) -> None:
    with pytest.raises(NormalizeError, match=message) as error:
        normalize_document(body, content_type)
    assert "\n" not in str(error.value)


# --- Versioning and speed ---------------------------------------------------------------------


def test_normalizer_version_is_a_positive_int() -> None:
    assert isinstance(NORMALIZER_VERSION, int) and NORMALIZER_VERSION >= 1


def test_a_40_kb_page_normalises_in_a_few_milliseconds() -> None:
    body = (CASES / "fr-noise" / "old.html").read_bytes()
    assert 35_000 < len(body) < 45_000
    normalize_document(body, "text/html")
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        normalize_document(body, "text/html")
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.015, f"median {sorted(timings)[2] * 1000:.1f} ms"


@pytest.mark.parametrize("html, first_line", [
    (b"<html><body><p>x<script>1</script>\x0c y</p><p>We keep data.</p></body></html>", "x y"),
    (b"<html><body><p>x<nav>menu</nav>&#28; y\x01z</p><p>We keep data.</p></body></html>", "x yz"),
    (b"<html><body><p>x<nav>menu</nav>\xef\xbf\xbe y</p><p>We keep data.</p></body></html>", "x y"),
    (b"<html><body>" + b"<div>" * 3000 + b"<p>x\x0c y\x01z&#xFFFF;</p><p>We keep data.</p>" + b"</div>" * 3000
     + b"</body></html>", "x yz"),
], ids=["after-a-script", "after-nav", "noncharacter-after-nav", "deeply-nested"])
def test_control_characters_next_to_removed_elements_are_read_not_a_crash(html, first_line) -> None:
    text = normalize_document(html, "text/html")
    assert text.splitlines()[0] == first_line and text.endswith("We keep data.")


def test_a_form_feed_breaks_a_preformatted_line_wherever_it_stands() -> None:
    plain = normalize_document(b"<html><body><pre>ab\x0ccd</pre></body></html>", "text/html")
    beside_a_script = normalize_document(b"<html><body><pre>ab<script>s</script>\x0ccd</pre></body></html>",
                                         "text/html")
    assert plain == beside_a_script == "ab\ncd"


def test_a_list_nested_deeper_than_twenty_levels_keeps_its_deepest_items_and_what_follows() -> None:
    """A scraped list of entities, each country's contacts indented under the one before, nests past
    the 20 levels at which commonmark's parser gives up: nothing of it, nor of what follows, is lost."""
    lines = [f"{'    ' * depth}* Entity {depth}" for depth in range(14)]
    lines += [f"{'    ' * 14}* [UKInfo@support.example.com](mailto:UKInfo@support.example.com)", "", "# Contact",
              "Write to dpo@example.com."]
    text = normalize_markdown("\n".join(lines))
    assert "Entity 13" in text
    assert "UKInfo@support.example.com" in text
    assert "Write to dpo@example.com." in text
