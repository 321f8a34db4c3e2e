"""`policy-monitor compare OLD NEW`: what changed that matters between two files."""

from __future__ import annotations

import argparse
from pathlib import Path

from basics.errors import NormalizeError, NoTextError, UsageError
from monitor.cli.output import SEVERITY_STYLE, add_json_flag, print_json

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare", help="compare two versions of a policy given as files",
        description="Compare two versions (HTML, Markdown or text files) and print what changed that matters.",
    )
    parser.add_argument("old", help="the older version (file)")
    parser.add_argument("new", help="the newer version (file)")
    parser.add_argument("--lang", help="language hint (ISO 639-1) when detection is unsure")
    add_json_flag(parser, "print the result as JSON: material, language, changes with values and evidence")
    parser.add_argument("--all", action="store_true", help="also list non-material changes")
    parser.add_argument("--select", action="append", metavar="CSS",
                        help="HTML files: read only what this CSS selector matches (repeatable), as `add --select` would")
    parser.add_argument("--remove", action="append", metavar="CSS",
                        help="HTML files: leave out what this CSS selector matches (repeatable), as `add --remove` would")
    parser.set_defaults(func=run_compare)


def read_version(path_text: str, select: list[str] | None = None, remove: list[str] | None = None) -> str:
    """A file → clean text, its kind told by its suffix or by its content.

    `select`/`remove` are a watchlist entry's CSS selectors (HTML only): trying them here on two
    saved pages shows what `add --select/--remove` would watch.
    """
    from monitor.normalize import normalize_document

    path = Path(path_text)
    if path.is_dir():
        raise UsageError(f"{path_text}: is a directory, not a file")
    if not path.is_file():
        raise UsageError(f"{path_text}: no such file")
    body = path.read_bytes()
    suffix = path.suffix.lower()
    # A suffix settles what sniffing could not (a short Markdown file reads as plain text); for
    # anything else, normalize_document tells HTML, PDF, Markdown and text apart itself.
    content_type = "text/html" if suffix in HTML_SUFFIXES else "text/markdown" if suffix in MARKDOWN_SUFFIXES else None
    try:
        return normalize_document(body, content_type, select, remove)
    except NoTextError:
        return ""  # a capture with no text (a logo, a script shell): compared as such, not an error
    except NormalizeError as exc:
        raise NormalizeError(f"{path_text}: {exc}") from None


def run_compare(args: argparse.Namespace) -> int:
    from monitor.analysis import compare_texts

    old_text = read_version(args.old, args.select, args.remove)
    new_text = read_version(args.new, args.select, args.remove)
    comparison = compare_texts(old_text, new_text, lang_hint=args.lang)
    if args.json:
        print_json(comparison.to_json())
        return 0
    print_comparison(comparison, show_all=args.all)
    return 0


def print_comparison(comparison, show_all: bool = False) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    languages = comparison.language
    verdict = "[bold red]material change[/]" if comparison.material else "[green]no material change[/]"
    console.print(f"{verdict}  (language {languages.get('old') or '?'} → {languages.get('new') or '?'})")
    shown = [c for c in comparison.changes if c.material or show_all]
    for change in shown:
        style = SEVERITY_STYLE.get(change.severity, "")
        console.print(f"\n[{style}]{change.severity.upper():6}[/] [bold]{change.category}[/]: {escape(change.summary)}")
        if change.old_values or change.new_values:
            before, after = change.values_in_words()
            console.print(f"        values: {escape(', '.join(before)) or '—'} → {escape(', '.join(after)) or '—'}")
        if change.old_text:
            console.print(f"        [red]- {escape(change.old_text)}[/]")
        if change.new_text:
            console.print(f"        [green]+ {escape(change.new_text)}[/]")
        console.print(f"        [dim]why: {escape(change.rule)}[/]")
    hidden = len(comparison.changes) - len(shown)
    if hidden:
        console.print(f"\n[dim]{hidden} non-material change(s) hidden (dates, wording); --all shows them[/]")
    for note in comparison.notes:
        console.print(f"[dim]note: {escape(note)}[/]")
