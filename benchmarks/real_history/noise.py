#!/usr/bin/env python3
"""Noise the rubric calls never material, made on real policies: how often is it judged material?

    python benchmarks/real_history/noise.py CASES [--split dev|test] [--noise NAME,...] [-v]

The labelled pairs hold each kind of noise a few times; this makes every kind on every document. It
takes one real version of each document of a split (the newest of CASES, rebuilt by rebuild.py, of
at least MIN_CHARACTERS), makes the other version by one transformation that changes no practice (a
section moved, the site's menus captured with it, British spellings made American, e-mail addresses
hidden behind Cloudflare's placeholder, a capture cut mid-line, a "page not found" captured, the
"last updated" date moved on...), reads both as `policy-monitor compare` does and counts the pairs
judged material: each of them is a false alarm. Page furniture and phrase swaps are written in the
policy's language when it is a first-class one.

Every transformation is seeded by the document and its name, so two runs make the same pairs. `-v`
lists the false alarms of the dev split with the rule that fired; the test split shows figures only.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MIN_CHARACTERS = 3000
"""A version shorter than this is too short to move a section in or cut a part from."""

Noise = Callable[[str, random.Random, str], "str | tuple[str, str] | None"]
"""A transformation of a version in a language: the new version from the old (or both versions), None
when it cannot apply."""

NOISES: dict[str, Noise] = {}


def noise(function: Noise) -> Noise:
    NOISES[function.__name__] = function
    return function


def _sections(text: str) -> list[str]:
    return re.split(r"(?m)^(?=#{1,4} )", text)


@noise
def section_moved(text: str, rng: random.Random, language: str = "en") -> str | None:
    """A whole section moved elsewhere in the document, unchanged."""
    sections = _sections(text)
    if len(sections) < 4:
        return None
    moved = sections.pop(rng.randrange(2, len(sections)))
    sections.insert(rng.randrange(1, len(sections)), moved if moved.endswith("\n") else moved + "\n")
    return "".join(sections)


@noise
def paragraph_moved(text: str, rng: random.Random, language: str = "en") -> str | None:
    """One paragraph moved to another section, its words unchanged."""
    sections = _sections(text)
    if len(sections) < 4:
        return None
    source = rng.randrange(1, len(sections))
    paragraphs = [p for p in sections[source].split("\n\n") if len(p.split()) >= 12 and not p.startswith(("#", "|"))]
    if not paragraphs:
        return None
    paragraph = rng.choice(paragraphs)
    sections[source] = sections[source].replace(paragraph + "\n\n", "", 1).replace(paragraph, "", 1)
    target = rng.choice([i for i in range(1, len(sections)) if i != source])
    sections[target] = sections[target].rstrip("\n") + "\n\n" + paragraph + "\n\n"
    return "".join(sections)


def _cut(text: str, rng: random.Random, language: str = "en") -> str | None:
    lines = text.split("\n")
    plain = [i for i in range(len(lines) // 2, len(lines) * 19 // 20) if len(lines[i].split()) > 6
             and "](" not in lines[i] and "**" not in lines[i] and not lines[i].startswith(("|", "#", "*", "-", ">"))]
    if not plain:
        return None
    at = rng.choice(plain)
    words = lines[at].split()
    return "\n".join(lines[:at] + [" ".join(words[:rng.randrange(2, len(words) - 2)])])


@noise
def capture_cut(text: str, rng: random.Random, language: str = "en") -> str | None:
    """A capture that stopped mid-line, between two words of a paragraph, past half the page."""
    return _cut(text, rng)


@noise
def capture_restored(text: str, rng: random.Random, language: str = "en") -> tuple[str, str] | None:
    """The text a cut capture had lost coming back."""
    cut = _cut(text, rng)
    return (cut, text) if cut else None


@noise
def formatting(text: str, rng: random.Random, language: str = "en") -> str:
    """Bold and italics dropped, links turned into their words (e-mail links kept)."""
    text = re.sub(r"\[([^\]]*)\]\((?!mailto:)[^)]*\)", r"\1", text)
    return text.replace("**", "").replace("__", "")


@noise
def lines_rewrapped(text: str, rng: random.Random, language: str = "en") -> str:
    """Paragraphs broken into lines of 78 characters, as a PDF or a plain-text capture does."""
    out = []
    for line in text.split("\n"):
        if len(line) <= 100 or line.startswith(("|", "#", "-", "*")):
            out.append(line)
            continue
        current = ""
        for word in line.split():
            if current and len(current) + len(word) > 78:
                out.append(current)
                current = word
            else:
                current = f"{current} {word}".strip()
        out.append(current)
    return "\n".join(out)


_MENU = ["Home", "Products", "About us", "Careers", "Help", "Blog", "Press", "Investors", "Stores", "Support",
         "Newsroom", "Partners", "Jobs", "Community", "Developers"]


def _links(rng: random.Random, count: int) -> str:
    return "\n".join(f"*   [{item}](https://www.example.com/{item.lower().replace(' ', '-')})"
                     for item in rng.sample(_MENU, count))


@noise
def site_menus(text: str, rng: random.Random, language: str = "en") -> str:
    """The site's header and footer menus captured with the policy, as lists of links."""
    header = f"[Example](https://www.example.com/)\n\n{_links(rng, 6)}\n\n[Sign in](#)\n\n"
    footer = (f"\n\n{_links(rng, 5)}\n\nFollow us: [Facebook](https://facebook.com/example) "
              "[Instagram](https://instagram.com/example) [LinkedIn](https://linkedin.com/company/example)\n\n"
              "© 2025 Example Inc. All rights reserved.\n")
    return header + text + footer


@noise
def menu_lines(text: str, rng: random.Random, language: str = "en") -> str:
    """The site's menus captured with the policy, as lines of links between separators."""
    return (" | ".join(rng.sample(_MENU, 5)) + "\n\nSign in\n\n" + text + "\n\nFollow us: Facebook · Instagram · "
            "LinkedIn · YouTube\n\n" + " · ".join(rng.sample(_MENU, 5)) + "\n\n© 2025 All rights reserved.\n")


@noise
def page_repeated(text: str, rng: random.Random, language: str = "en") -> str:
    """The whole document captured twice, one copy under the other."""
    return text + "\n\n" + text


@noise
def duplicate_removed(text: str, rng: random.Random, language: str = "en") -> tuple[str, str] | None:
    """A section the old capture held twice, now once."""
    sections = _sections(text)
    if len(sections) < 4:
        return None
    at = rng.randrange(2, len(sections))
    return "".join(sections[:at] + [sections[at]] + sections[at:]), text


@noise
def contents_added(text: str, rng: random.Random, language: str = "en") -> str | None:
    """A table of contents of the headings added at the top."""
    headings = [line.lstrip("#").strip() for line in text.split("\n") if re.match(r"#{1,3} ", line)]
    if len(headings) < 3:
        return None
    return "\n".join(f"- [{h}](#{re.sub(r'[^a-z0-9]+', '-', h.lower())})" for h in headings) + "\n\n" + text


_BRITISH = {"personalise": "personalize", "personalised": "personalized", "personalisation": "personalization",
            "analyse": "analyze", "analysed": "analyzed", "organisation": "organization",
            "organisations": "organizations", "authorised": "authorized", "authorise": "authorize",
            "recognise": "recognize", "optimise": "optimize", "customise": "customize", "minimise": "minimize",
            "favourite": "favorite", "behaviour": "behavior", "behavioural": "behavioral", "colour": "color",
            "programme": "program", "licence": "license", "centre": "center", "cheque": "check",
            "enrol": "enroll", "fulfil": "fulfill", "defence": "defense", "catalogue": "catalog",
            "labelled": "labeled", "cancelled": "canceled", "travelling": "traveling", "judgement": "judgment",
            "ageing": "aging", "anonymise": "anonymize", "anonymised": "anonymized", "pseudonymised": "pseudonymized"}


@noise
def spelling(text: str, rng: random.Random, language: str = "en") -> str | None:
    """British spellings made American, or American ones British, throughout: in lower case, and
    capitalised where a sentence, a line or a bold lead-in starts ("**Personalisation**."); a street
    or a company keeps its name ("Trade Centre Drive", "The DPO Centre Ltd")."""
    table = _BRITISH if rng.random() < 0.5 else {us: uk for uk, us in _BRITISH.items()}
    table |= {word.capitalize(): other.capitalize() for word, other in table.items()}
    words = "|".join(map(re.escape, table))
    pattern = re.compile(rf"(?:(?<=^)|(?<=[#*>] )|(?<=\*\*)|(?<=[.!?] )|(?<=[a-z,;:(] ))({words})\b", re.M)
    changed = pattern.sub(lambda m: m.group(0) if m.group(0)[0].isupper() and m.start() and
                          text[m.start() - 1] == " " and text[m.start() - 2].isalpha() else table[m.group(0)], text)
    return changed if changed != text else None


EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@noise
def emails_hidden(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Every e-mail address behind Cloudflare's "[email protected]" placeholder, as a protected page
    shows them to a scraper."""
    text = re.sub(r"\[([^\]]*@[^\]]*)\]\(mailto:[^)]*\)", r"\1", text)
    return EMAIL.sub("[email protected]", text) if EMAIL.search(text) else None


@noise
def emails_shown(text: str, rng: random.Random, language: str = "en") -> tuple[str, str] | None:
    """The placeholder resolved: the addresses shown again."""
    hidden = emails_hidden(text, rng)
    return (hidden, text) if hidden else None


@noise
def accessibility_labels(text: str, rng: random.Random, language: str = "en") -> str | None:
    """"(opens in a new window)" added to the words of every link."""
    if "](http" not in text:
        return None
    return re.sub(r"\[([^\]]+)\]\((http[^)]*)\)", r"[\1 (opens in a new window)](\2)", text)


@noise
def typography(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Straight quotes curled (outside the page's links), "e-mail" written "email", spaces doubled
    after full stops: typesetting."""
    lines = []
    for line in text.split("\n"):
        if "](" not in line:
            line = re.sub(r"(?<=\w)'(?=\w)", "\u2019", line)
            line = re.sub(r'"([^"]{1,80})"', "\u201c\\1\u201d", line)
        lines.append(re.sub(r"\be-mail", "email", line).replace(". ", ".  "))
    changed = "\n".join(lines)
    return changed if changed != text else None


@noise
def headings_relevelled(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Every heading one level deeper ("## Cookies" as "### Cookies")."""
    changed = re.sub(r"(?m)^(#{1,5}) ", r"#\1 ", text)
    return changed if changed != text else None


@noise
def sections_renumbered(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Numbered headings renumbered from one more ("3. Cookies" as "4. Cookies")."""
    changed = re.sub(r"(?m)^(#{1,6} )(\d{1,2})([.)] )",
                     lambda m: f"{m.group(1)}{int(m.group(2)) + 1}{m.group(3)}", text)
    return changed if changed != text else None


_SMALL = re.compile(r"^(?:The|This|These|We|Our|You|Your|If|In|For|To|When|Where|It|As|By|Any|All|Such|Please)$")


@noise
def brand_renamed(text: str, rng: random.Random, language: str = "en") -> str | None:
    """The service's own name, its most frequent capitalised word, renamed throughout ("Twitter" as
    "X", "Facebook" as "Meta"), as a rebranding does; the policy says the same of the new name. Its
    e-mail addresses and links stay: a new mailbox is a new contact."""
    counts: dict[str, int] = {}
    for match in re.finditer(r"(?<=[a-z,] )([A-Z][a-z]{3,})\b", text):
        word = match.group(1)
        if not _SMALL.match(word):
            counts[word] = counts.get(word, 0) + 1
    if not counts:
        return None
    brand = max(sorted(counts), key=lambda word: counts[word])
    if counts[brand] < 5:
        return None
    kept = re.compile(rf"{EMAIL.pattern}|\]\([^)]*\)|https?://\S+")  # the mailboxes and the site stay
    return "".join(part if kept.fullmatch(part) else re.sub(rf"\b{brand}\b", "Quorvex", part)
                   for part in re.split(f"({kept.pattern})", text))


def _runs(lines: list[str], starts: tuple[str, ...]) -> list[tuple[int, int]]:
    """(first, end) of each run of two lines or more that start alike (a list's items, a table's rows)."""
    runs, first = [], None
    for i, line in enumerate([*lines, ""]):
        if line.startswith(starts):
            first = i if first is None else first
        elif first is not None:
            if i - first >= 2:
                runs.append((first, i))
            first = None
    return runs


@noise
def list_reordered(text: str, rng: random.Random, language: str = "en") -> str | None:
    """The items of every bulleted list shuffled."""
    lines = text.split("\n")
    runs = _runs(lines, ("* ", "- ", "*   ", "-   "))
    for first, end in runs:
        items = lines[first:end]
        rng.shuffle(items)
        lines[first:end] = items
    return "\n".join(lines) if runs else None


@noise
def table_rows_reordered(text: str, rng: random.Random, language: str = "en") -> str | None:
    """The rows of every table shuffled, its header kept (a generated cookie list sorted anew)."""
    lines = text.split("\n")
    runs = [(first + 2, end) for first, end in _runs(lines, ("|",)) if end - first > 3]
    for first, end in runs:
        rows = lines[first:end]
        rng.shuffle(rows)
        lines[first:end] = rows
    return "\n".join(lines) if runs else None


@noise
def links_repointed(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Every web link pointed elsewhere (a new host, tracking parameters), its words unchanged."""
    changed = re.sub(r"\]\(https?://([^/)\s]+)([^)\s]*)\)", r"](https://www.\1.example\2?utm_source=policy)", text)
    return changed if changed != text else None


@noise
def page_markers(text: str, rng: random.Random, language: str = "en") -> str | None:
    """"Page N of M" lines between paragraphs, as a PDF capture has them."""
    paragraphs = text.split("\n\n")
    if len(paragraphs) < 10:
        return None
    step = max(5, len(paragraphs) // 8)
    pages = (len(paragraphs) + step - 1) // step
    out = []
    for i, paragraph in enumerate(paragraphs):
        out.append(paragraph)
        if i % step == step - 1:
            out.append(f"Page {i // step + 1} of {pages}")
    return "\n\n".join(out)


@noise
def cookie_banner(text: str, rng: random.Random, language: str = "en") -> str:
    """The site's cookie consent banner captured above the policy."""
    return ("We use cookies and similar technologies to improve your experience, measure the audience and show "
            "you personalised advertising. By clicking Accept all, you agree to this use. You can change your "
            "choices at any time in Cookie settings.\n\nAccept all | Reject all | Cookie settings\n\n" + text)


@noise
def update_banner(text: str, rng: random.Random, language: str = "en") -> str:
    """A banner announcing that the policy was updated, linking to it, above the text."""
    return "**We have updated our Privacy Policy.** [Learn more](https://www.example.com/privacy)\n\n" + text


_SAME_MEANING = [("personal data", "personal information"), ("we may", "we might"), ("such as", "for example"),
                 ("third parties", "third-party companies"), ("at any time", "whenever you like")]
"""Phrases of the same meaning either way."""
_SHORTER = [("in order to", "to"), ("for the purposes of", "for"), ("prior to", "before"),
            ("in accordance with", "under"), ("e.g.", "for example")]
"""Phrases an editor shortens; the short form means more than this one thing, so only this way."""


@noise
def same_meaning(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Phrases swapped throughout for others of the same meaning ("personal data" as "personal
    information", "in order to" as "to"), in lower case, as an editor tidying the style does."""
    swaps = [(a, b) if rng.random() < 0.5 else (b, a) for a, b in _SAME_MEANING] + _SHORTER
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(a)}(?![\w-])" for a, _ in swaps))
    table = dict(swaps)
    changed = pattern.sub(lambda m: table[m.group(0)], text)
    return changed if changed != text else None


@noise
def sentences_split(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Long sentences split in two at ", and we " / ", and you " ("..., and we keep it" → "... . We keep it")."""
    changed = re.sub(r", and (we|you) ", lambda m: f". {m.group(1).capitalize()} ", text)
    return changed if changed != text else None


@noise
def headings_recased(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Headings in Title Case written in sentence case ("How We Use Your Data" as "How we use your data")."""
    def recase(match: re.Match[str]) -> str:
        words = match.group(2).split(" ")
        return match.group(1) + " ".join([words[0]] + [w.lower() if w[:1].isupper() and w[1:].islower() else w
                                                       for w in words[1:]])
    changed = re.sub(r"(?m)^(#{1,6} )(.+)$", recase, text)
    return changed if changed != text else None


_PAGE_WORDS = {
    "en": {"home": "Home", "legal": "Legal", "policy": "Privacy Policy", "related": "Related articles",
           "articles": ["Manage your account settings", "Contact customer support", "Our commitment to security",
                        "Frequently asked questions"], "missing": "Page not found",
           "missing_text": "Sorry, the page you are looking for does not exist or has been moved.",
           "back": "Back to the home page", "updated": r"last (?:updated|modified|revised)|effective|version"},
    "fr": {"home": "Accueil", "legal": "Mentions légales", "policy": "Politique de confidentialité",
           "related": "Articles connexes", "articles": ["Gérer les paramètres de votre compte",
                                                         "Contacter le service client", "Notre engagement sécurité",
                                                         "Questions fréquentes"],
           "missing": "Page introuvable", "missing_text": "Désolé, la page que vous cherchez n'existe pas ou a été déplacée.",
           "back": "Retour à l'accueil", "updated": r"mise à jour|mis à jour|en vigueur|version|modifié"},
    "de": {"home": "Startseite", "legal": "Rechtliches", "policy": "Datenschutzerklärung",
           "related": "Ähnliche Artikel", "articles": ["Kontoeinstellungen verwalten", "Kundenservice kontaktieren",
                                                        "Unser Sicherheitsversprechen", "Häufige Fragen"],
           "missing": "Seite nicht gefunden", "missing_text": "Die gesuchte Seite existiert leider nicht oder wurde verschoben.",
           "back": "Zurück zur Startseite", "updated": r"stand\b|aktualisiert|gültig ab|version|zuletzt"},
    "es": {"home": "Inicio", "legal": "Aviso legal", "policy": "Política de privacidad",
           "related": "Artículos relacionados", "articles": ["Gestionar la configuración de tu cuenta",
                                                              "Contactar con atención al cliente",
                                                              "Nuestro compromiso de seguridad", "Preguntas frecuentes"],
           "missing": "Página no encontrada", "missing_text": "Lo sentimos, la página que buscas no existe o se ha movido.",
           "back": "Volver al inicio", "updated": r"actualiza|vigor|versión|modifica"},
    "nl": {"home": "Home", "legal": "Juridisch", "policy": "Privacybeleid", "related": "Gerelateerde artikelen",
           "articles": ["Je accountinstellingen beheren", "Contact opnemen met de klantenservice",
                        "Onze inzet voor veiligheid", "Veelgestelde vragen"], "missing": "Pagina niet gevonden",
           "missing_text": "Sorry, de pagina die je zoekt bestaat niet of is verplaatst.",
           "back": "Terug naar de startpagina", "updated": r"bijgewerkt|gewijzigd|versie|geldig vanaf|ingangsdatum"},
    "ru": {"home": "Главная", "legal": "Правовая информация", "policy": "Политика конфиденциальности",
           "related": "Похожие статьи", "articles": ["Настройки аккаунта", "Служба поддержки",
                                                      "Наши обязательства по безопасности", "Частые вопросы"],
           "missing": "Страница не найдена", "missing_text": "К сожалению, запрашиваемая страница не существует или была перемещена.",
           "back": "Вернуться на главную", "updated": r"редакци|обновлен|действует с|версия|изменен"},
    "cs": {"home": "Domů", "legal": "Právní informace", "policy": "Zásady ochrany osobních údajů",
           "related": "Související články", "articles": ["Správa nastavení účtu", "Kontaktovat zákaznickou podporu",
                                                          "Náš závazek k bezpečnosti", "Časté dotazy"],
           "missing": "Stránka nenalezena", "missing_text": "Omlouváme se, hledaná stránka neexistuje nebo byla přesunuta.",
           "back": "Zpět na hlavní stránku", "updated": r"aktualiz|účinnost|účinné od|platné od|verze|změněn"},
}
"""The words of a site's page furniture in the first-class languages (others' sites get English)."""


def _words(language: str) -> dict:
    return _PAGE_WORDS.get(language, _PAGE_WORDS["en"])


_DATE_NUMBER = re.compile(r"(?<![\d.,])(?:(19\d\d|20\d\d)|(\d{1,2}))(?![\d,]|\.\d{3})")


@noise
def date_updated(text: str, rng: random.Random, language: str = "en") -> str | None:
    """The "last updated" or effective date (and version number) moved on, in the first short line
    that gives it with a year (not the date an older edition shown below stopped applying): the year
    one later, a day another day."""
    updated = re.compile(rf"(?i)\b(?:{_words(language)['updated']}|{_PAGE_WORDS['en']['updated']})")
    shift = rng.randrange(1, 27)

    def moved(match: re.Match[str]) -> str:
        year, number = match.groups()
        return str(int(year) + 1) if year else str((int(number) + shift - 1) % 28 + 1).zfill(len(number))

    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if len(line) < 160 and updated.search(line)
               and re.search(r"\b(?:19|20)\d\d\b", line) and not re.search(r"(?i)\buntil\b|\bjusqu", line)), None)
    if at is None:
        return None
    lines[at] = "".join(part if part.startswith("](") else _DATE_NUMBER.sub(moved, part)
                        for part in re.split(r"(\]\([^)]*\))", lines[at]))
    return "\n".join(lines)


@noise
def breadcrumbs(text: str, rng: random.Random, language: str = "en") -> str:
    """The page's breadcrumb trail captured above the policy ("Home > Legal > Privacy Policy")."""
    words = _words(language)
    trail = f"[{words['home']}](https://www.example.com/) > [{words['legal']}](https://www.example.com/legal) > {words['policy']}"
    return trail + "\n\n" + text


_LANGUAGES = ["English", "Deutsch", "Español", "Français", "Italiano", "Nederlands", "Polski", "Português",
              "Русский", "Čeština", "Svenska", "日本語"]


@noise
def language_menu(text: str, rng: random.Random, language: str = "en") -> str:
    """The site's language menu captured above the policy, as a line or as a list of links."""
    names = rng.sample(_LANGUAGES, 7)
    if rng.random() < 0.5:
        return " | ".join(names) + "\n\n" + text
    return "\n".join(f"*   [{name}](https://www.example.com/{i}/privacy)" for i, name in enumerate(names)) + "\n\n" + text


@noise
def related_links(text: str, rng: random.Random, language: str = "en") -> str:
    """A help centre's "Related articles" list of links captured under the policy."""
    words = _words(language)
    links = "\n".join(f"*   [{title}](https://help.example.com/articles/{1000 + i})"
                      for i, title in enumerate(rng.sample(words["articles"], 3)))
    return text.rstrip("\n") + f"\n\n## {words['related']}\n\n{links}\n"


@noise
def copyright_year(text: str, rng: random.Random, language: str = "en") -> str | None:
    """The footer's copyright year moved on ("© 2023" as "© 2024")."""
    changed = re.sub(r"(?i)((?:©|\(c\)|copyright)\s*(?:\d{4}\s*[-–]\s*)?)(20\d\d)",
                     lambda m: m.group(1) + str(int(m.group(2)) + 1), text)
    return changed if changed != text else None


@noise
def list_style(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Bulleted lists numbered, or numbered lists bulleted: the list style changed."""
    lines = text.split("\n")
    bullets = _runs(lines, ("* ", "- ", "*   ", "-   "))
    numbers = [(first, end) for first, end in _runs(lines, tuple(f"{n}. " for n in range(1, 10)))]
    for first, end in bullets:
        for n, i in enumerate(range(first, end), 1):
            lines[i] = f"{n}. " + re.sub(r"^[*-]\s+", "", lines[i])
    for first, end in numbers:
        for i in range(first, end):
            lines[i] = "- " + re.sub(r"^\d+\.\s+", "", lines[i])
    return "\n".join(lines) if bullets or numbers else None


@noise
def bold_headings(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Headings captured as bold paragraphs ("## Cookies" as "**Cookies**"), as a page styled by classes is."""
    changed = re.sub(r"(?m)^#{1,6} +(.+?)\s*$", r"**\1**", text)
    return changed if changed != text else None


@noise
def invisible_characters(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Characters a reader cannot see: no-break spaces before « ; : ? ! » and inside guillemets, soft
    hyphens in long words, zero-width spaces between some words."""
    lines = []
    for line in text.split("\n"):
        if "](" not in line and "|" not in line:
            line = re.sub(r" (?=[;:?!»])", "\u00a0", line)
            line = re.sub(r"« ", "«\u00a0", line)
            line = re.sub(r"\b(\w{6})(\w{6,})\b", "\\1\u00ad\\2", line)
            line = re.sub(r"(?<=\w) (?=\w{9})", " \u200b", line)
        lines.append(line)
    changed = "\n".join(lines)
    return changed if changed != text else None


@noise
def capitals(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Two long paragraphs set in capitals, as terms set their disclaimers."""
    paragraphs = text.split("\n\n")
    long = [i for i, p in enumerate(paragraphs) if len(p.split()) >= 30 and not p.startswith(("|", "#"))
            and "](" not in p and "@" not in p]
    if not long:
        return None
    for i in rng.sample(long, min(2, len(long))):
        paragraphs[i] = paragraphs[i].upper()
    return "\n\n".join(paragraphs)


def _missing_page(language: str) -> str:
    words = _words(language)
    return (f"[{words['home']}](https://www.example.com/)\n\n# 404\n\n## {words['missing']}\n\n{words['missing_text']}\n\n"
            f"[{words['back']}](https://www.example.com/)\n")


@noise
def capture_lost(text: str, rng: random.Random, language: str = "en") -> str:
    """The policy's address answered with a "page not found" page."""
    return _missing_page(language)


@noise
def capture_back(text: str, rng: random.Random, language: str = "en") -> tuple[str, str]:
    """The policy back after a capture of a "page not found" page."""
    return _missing_page(language), text


_NUMBER_WORDS = {
    "en": ("days|months|years|weeks|hours", "one two three four five six seven eight nine ten eleven twelve"),
    "fr": ("jours|mois|ans|années|semaines|heures", "un deux trois quatre cinq six sept huit neuf dix onze douze"),
    "es": ("días|meses|años|semanas|horas", "un dos tres cuatro cinco seis siete ocho nueve diez once doce"),
    "de": ("Tage|Tagen|Monate|Monaten|Jahre|Jahren|Wochen|Stunden",
           "ein zwei drei vier fünf sechs sieben acht neun zehn elf zwölf"),
    "nl": ("dagen|maanden|jaar|jaren|weken|uur", "een twee drie vier vijf zes zeven acht negen tien elf twaalf"),
}


@noise
def numbers_in_words(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Durations written with their number in words too ("6 months" as "six (6) months"), as a legal
    style writes them; the figures stay."""
    if language not in _NUMBER_WORDS:
        return None
    units, names = _NUMBER_WORDS[language]
    words = names.split()
    changed = re.sub(rf"(?<![\w(.,]) ?\b([1-9]|1[0-2]) ({units})\b",
                     lambda m: f"{m.group(0)[:-len(m.group(1) + ' ' + m.group(2))]}{words[int(m.group(1)) - 1]} "
                               f"({m.group(1)}) {m.group(2)}", text)
    return changed if changed != text else None


_PHONE = re.compile(r"(?<![\w/.=-])(\+\d{1,3}|\(0?\d{1,4}\)|0\d{1,3})((?:[ .-]\d{2,4}){2,5})(?![\w/-])")


@noise
def phones_reformatted(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Telephone numbers written with other separators ("+33 1 23 45 67 89" as "+33 1.23.45.67.89")."""
    separator = rng.choice([".", "-", ""])

    def reformatted(match: re.Match[str]) -> str:
        if len(re.sub(r"\D", "", match.group(0))) < 9:
            return match.group(0)
        return match.group(1) + " " + separator.join(re.split(r"[ .-]", match.group(2).strip(" .-")))

    changed = _PHONE.sub(reformatted, text)
    return changed if changed != text else None


_SAME_MEANING_ELSEWHERE = {
    "fr": [("données personnelles", "données à caractère personnel"), ("par exemple", "notamment"),
           ("à tout moment", "à n'importe quel moment"), ("adresse e-mail", "adresse électronique")],
    "es": [("datos personales", "datos de carácter personal"), ("por ejemplo", "p. ej."),
           ("en cualquier momento", "en todo momento"), ("correo electrónico", "e-mail")],
    "de": [("z. B.", "beispielsweise"), ("bzw.", "beziehungsweise"), ("E-Mail-Adresse", "Mailadresse"),
           ("jederzeit", "zu jeder Zeit"), ("d. h.", "das heißt")],
    "nl": [("bijvoorbeeld", "bijv."), ("e-mailadres", "mailadres"), ("te allen tijde", "altijd"),
           ("met betrekking tot", "inzake")],
    "ru": [("например", "к примеру"), ("в любое время", "в любой момент"), ("электронной почты", "e-mail"),
           ("т. е.", "то есть")],
    "cs": [("například", "např."), ("kdykoli", "kdykoliv"), ("e-mailová adresa", "emailová adresa"),
           ("tj.", "to jest")],
}
"""Phrases of the same meaning in the other first-class languages, either way."""
_SHORTER_ELSEWHERE = {"fr": [("afin de", "pour"), ("dans le but de", "pour")], "es": [("con el fin de", "para")],
                      "nl": [("teneinde", "om")], "de": [("zum Zwecke der", "zur")]}
"""Phrases an editor shortens, only this way."""


@noise
def same_meaning_elsewhere(text: str, rng: random.Random, language: str = "en") -> str | None:
    """Phrases swapped throughout for others of the same meaning in a policy not in English
    ("données personnelles" as "données à caractère personnel", "z. B." as "beispielsweise")."""
    if language not in _SAME_MEANING_ELSEWHERE:
        return None
    swaps = [(a, b) if rng.random() < 0.5 else (b, a) for a, b in _SAME_MEANING_ELSEWHERE[language]]
    swaps += _SHORTER_ELSEWHERE.get(language, [])
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(a)}(?![\w-])" for a, _ in swaps))
    table = dict(swaps)
    changed = pattern.sub(lambda m: table[m.group(0)], text)
    return changed if changed != text else None


def _one_version_per_document(cases: Path, split: str) -> list[Path]:
    newest: dict[str, tuple[str, Path]] = {}
    for folder in sorted(cases.iterdir()):
        source_file = folder / "source.json"
        if not source_file.exists():
            continue
        source = json.loads(source_file.read_text(encoding="utf-8"))
        version = next(folder.glob("new.*"), None)
        if source.get("split") != split or version is None or version.stat().st_size < MIN_CHARACTERS:
            continue
        key = f"{source['archive']}/{source['file']}"
        if key not in newest or source["date"] > newest[key][0]:
            newest[key] = (source["date"], folder)
    return [folder for _, folder in sorted(newest.values(), key=lambda item: item[1].name)]


def _judge(job: tuple[str, str]) -> dict:
    from monitor.analysis import compare_texts
    from monitor.cli.compare import read_version

    folder, name = Path(job[0]), job[1]
    version = next(folder.glob("new.*"))
    language = json.loads((folder / "source.json").read_text(encoding="utf-8"))["language"]
    made = NOISES[name](version.read_text(encoding="utf-8"), random.Random(f"{folder.name}:{name}"), language)
    if made is None:
        return {"case": folder.name, "noise": name, "applied": False}
    old, new = made if isinstance(made, tuple) else (version.read_text(encoding="utf-8"), made)
    with tempfile.TemporaryDirectory() as directory:
        paths = [Path(directory) / f"{side}{version.suffix}" for side in ("old", "new")]
        for path, text in zip(paths, (old, new)):
            path.write_text(text, encoding="utf-8")
        try:
            comparison = compare_texts(read_version(str(paths[0])), read_version(str(paths[1])), language)
        except Exception as exc:  # a pair the command would fail on counts as an error
            return {"case": folder.name, "noise": name, "applied": True, "error": f"{type(exc).__name__}: {exc}"}
    fired = [f"[{c.category}] {c.rule}: {c.summary}" for c in comparison.changes if c.material]
    return {"case": folder.name, "noise": name, "applied": True, "material": comparison.material, "fired": fired}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--noise", default=",".join(NOISES), help="names of the noises to make, by commas")
    parser.add_argument("-v", "--verbose", action="store_true", help="the dev split's false alarms")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    names = [name for name in args.noise.split(",") if name]
    unknown = [name for name in names if name not in NOISES]
    if unknown or not args.cases.is_dir():
        print(f"error: {'unknown noise ' + ', '.join(unknown) if unknown else f'{args.cases}: no such folder'}"
              f" (noises: {', '.join(NOISES)})", file=sys.stderr)
        return 2
    documents = _one_version_per_document(args.cases, args.split)
    jobs = [(str(folder), name) for folder in documents for name in names]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_judge, jobs, chunksize=4))
    report = {}
    for name in names:
        made = [r for r in results if r["noise"] == name and r["applied"]]
        report[name] = {"pairs": len(made), "false_alarms": sum(bool(r.get("material")) for r in made),
                        "errors": sum("error" in r for r in made)}
    total = {key: sum(figures[key] for figures in report.values()) for key in ("pairs", "false_alarms", "errors")}
    if args.json:
        print(json.dumps({"split": args.split, "documents": len(documents), "noises": report, "all": total}, indent=1))
        return 0
    print(f"{len(documents)} documents of the {args.split} split")
    for name, figures in [*report.items(), ("all", total)]:
        share = f" ({figures['false_alarms'] / figures['pairs']:.1%})" if figures["pairs"] else ""
        print(f"{name:>22}: false_alarms={figures['false_alarms']}/{figures['pairs']}{share} "
              f"errors={figures['errors']}")
    if args.verbose and args.split == "dev":
        for r in results:
            if r.get("material") or "error" in r:
                print(f"{r['noise']:>22} {r['case']}: {r.get('error') or '; '.join(r['fired'])[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
