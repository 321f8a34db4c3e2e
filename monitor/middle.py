"""The pure middle of a check: reading a fetched page and comparing two versions.

Reading a fetched body (clean text, title, language, the compressed raw snapshot) and analysing
a new version (the comparison with the previous text) are pure, CPU-bound functions of their
inputs. `monitor.workers.Middle` runs them inline or in worker processes; a worker is this
module run by a fresh interpreter (`monitor.workers.WORKER_ARGS`), serving calls that
come through its standard input and output (length-prefixed pickles). It imports no asyncio and
only what reading a page needs, so a worker is ready in about 0.1 s.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, Callable, NamedTuple

from basics.errors import NormalizeError

if TYPE_CHECKING:
    from monitor.analysis import Comparison

TITLE_BYTES = 32_768
"""The page title is read from the head of the body: the first 32 KB are enough."""


@dataclass(frozen=True)
class PageReading:
    """A fetched body read as a policy page."""

    text: str | None
    """The clean text (None when the body could not be read: see `error`)."""
    title: str | None
    """The HTML <title>, for the suspect-page guard."""
    error: str | None
    language: str | None
    """The detected language of the text; None when too short to tell."""
    snapshot: bytes | None = None
    """The body compressed as the store keeps it, when asked for (saves the event loop the work)."""
    declared_date: str | None = None
    """The date the text says it was updated (ISO), when asked for: a first version needs it."""
    suspect: str | None = None
    """Why the page looks like an error, captcha or login page (`guards.phrase_reason`), if it does."""


def read_page(
    body: bytes,
    content_type: str | None,
    select: list[str] | None = None,
    remove: list[str] | None = None,
    language_hint: str | None = None,
    compress: bool = False,
    with_date: bool = False,
    rendered: bool = False,
) -> PageReading:
    """Normalise a body with an entry's selectors; keep its title and language (pure).

    A page as served (not `rendered` by a browser) that is an empty shell for its scripts is no
    reading at all: its `error` says to add `browser: true` (`guards.script_shell`).
    """
    from monitor import guards
    from monitor.normalize import decode_body, normalize_document

    snapshot = None
    if compress and body:
        from basics.compression import compress_snapshot

        snapshot = compress_snapshot(body)
    try:
        title = guards.html_title(decode_body(body[:TITLE_BYTES], content_type))
    except (NormalizeError, UnicodeError, ValueError):
        title = None
    try:
        text = normalize_document(body, content_type, select or None, remove or None)
    except NormalizeError as exc:  # an error page may still say what it is in its title
        suspect = guards.phrase_reason("", title)
        if suspect is None and not rendered and _script_shell(body, content_type):
            return PageReading(None, title, guards.NEEDS_JAVASCRIPT, None, snapshot)
        return PageReading(None, title, str(exc), None, snapshot, suspect=suspect)
    suspect = guards.phrase_reason(text, title)
    if (suspect is None and not rendered and len(text) < guards.SCRIPT_SHELL_CHARS
            and _script_shell(body, content_type)):
        return PageReading(None, title, guards.NEEDS_JAVASCRIPT, None, snapshot)
    language = guards.detect_language(text, hint=language_hint)
    declared = None
    if with_date:
        from monitor.analysis import declared_date

        declared = declared_date(text, lang_hint=language_hint)
    return PageReading(text, title, None, language, snapshot, declared, suspect)


def _script_shell(body: bytes, content_type: str | None) -> bool:
    """Whether a short or empty reading comes from an HTML shell that scripts would fill: the
    whole page (no selectors) is read to tell a script shell from a page that is short."""
    from monitor import guards
    from monitor.normalize import decode_body, normalize_html

    if not guards.has_scripts(body):
        return False
    try:
        return guards.script_shell(body, normalize_html(decode_body(body, content_type)))
    except (NormalizeError, UnicodeError, ValueError):
        return False


ANALYSED_CHARS = 500_000
"""The most of each text one comparison reads, some 150 pages of policy (no real one comes near):
about 40 MB of analysis. The analysis's memory grows with what it reads (a 19 MB page took 800 MB
and half a minute), so a bigger page is compared where it changed (`changed_part`)."""
CONTEXT_LINES = 20
"""Unchanged lines kept on each side of the changed part, for the sections and moves around it."""


class Analysis(NamedTuple):
    """What `analyse` found: the comparison (None for a first version), the new text's declared
    date, and, when the texts were too large to compare whole, what was compared instead."""

    comparison: Comparison | None
    declared_date: str | None
    partial: str | None = None


def changed_part(old_text: str, new_text: str, limit: int = ANALYSED_CHARS) -> tuple[str, str, str | None]:
    """Texts small enough to compare: both whole when they fit `limit`; else the lines from the
    first to the last that differ, with `CONTEXT_LINES` around and the heading above, cut to
    `limit` if even that is longer. The third value says what was left out (None: nothing)."""
    if len(old_text) <= limit and len(new_text) <= limit:
        return old_text, new_text, None
    old_lines, new_lines = old_text.split("\n"), new_text.split("\n")
    start = 0
    shortest = min(len(old_lines), len(new_lines))
    while start < shortest and old_lines[start] == new_lines[start]:
        start += 1
    end = 0
    while end < shortest - start and old_lines[-1 - end] == new_lines[-1 - end]:
        end += 1
    first = max(0, start - CONTEXT_LINES)
    heading = next((old_lines[i] for i in range(first - 1, -1, -1) if old_lines[i].startswith("#")), None)
    parts, cut = [], False
    for lines in (old_lines, new_lines):
        window = lines[first:max(first, len(lines) - end + CONTEXT_LINES)]
        text = "\n".join(([heading] if heading else []) + window)
        if len(text) > limit:
            text, cut = text[:max(text.rfind("\n", 0, limit), 0) or limit], True
        parts.append(text)
    size = max(len(old_text), len(new_text))
    partial = (f"the page is too large to analyse in full ({size / 1e6:.1f} million characters of text): "
               f"compared the part that changed, lines {start + 1}-{len(new_lines) - end} of {len(new_lines)}")
    if cut:
        partial += f", and only its first {limit // 1000} thousand characters"
    return parts[0], parts[1], partial


def analyse(old_text: str | None, new_text: str, language: str | None) -> Analysis:
    """The comparison with the previous text (None for a first version), the new text's declared
    date, and what was left out of a text too large to compare whole (`changed_part`).

    A version's facts are not part of it: they are derived when first asked for
    (`monitor.pipeline.derive_facts`), so a check only does what its alerts need.
    """
    from monitor.analysis import compare_texts, declared_date

    if old_text is None:
        return Analysis(None, declared_date(new_text[:ANALYSED_CHARS], lang_hint=language))
    old_part, new_part, partial = changed_part(old_text, new_text)
    comparison = compare_texts(old_part, new_part, lang_hint=language)
    if partial is not None:
        comparison.notes.append(partial[:1].upper() + partial[1:] + ".")
        return Analysis(comparison, declared_date(new_text[:ANALYSED_CHARS], lang_hint=language), partial)
    return Analysis(comparison, comparison.new_date)


TASKS: dict[str, Callable[..., Any]] = {"read": read_page, "analyse": analyse}
"""What a worker may be asked to run, by name."""
FRAME_HEADER = struct.Struct("!I")
"""Each message is a pickle behind its length (4 bytes, network order)."""
READY = -1
"""The id of a worker's first reply: it has loaded what pages need and takes calls."""


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """A worker's loop: (id, task, args) in, (id, ok, result or exception) out, until end of input.

    Messages are pickles behind a 4-byte length; both ends are this module, in one user's run.
    A first reply with id READY says the worker has loaded what pages need.
    """
    import monitor.normalize  # noqa: F401  (imported before the first page arrives)
    from monitor.analysis.lexicon import function_word_languages

    function_word_languages()
    _reply(replies, (READY, True, None))
    while header := requests.read(FRAME_HEADER.size):
        (size,) = FRAME_HEADER.unpack(header)
        call_id, task, args = pickle.loads(requests.read(size))
        try:
            reply = (call_id, True, TASKS[task](*args))
        except Exception as exc:  # handed back to the caller, who raises it
            reply = (call_id, False, exc)
        _reply(replies, reply)


def _reply(replies: BinaryIO, reply: tuple) -> None:
    try:
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception (or result) that cannot travel: say what it was
        call_id, _, value = reply
        failure = RuntimeError(f"{type(value).__name__}: {value} (and it could not be sent back: {exc})")
        data = pickle.dumps((call_id, False, failure), protocol=pickle.HIGHEST_PROTOCOL)
    replies.write(FRAME_HEADER.pack(len(data)) + data)
    replies.flush()


PIPE_BYTES = 1 << 20
"""Pipe buffer a worker asks for (Linux): with several pages queued for it (`CALLS_PER_WORKER`),
the caller's writes go through at once, where the default 64 KB buffer, full after one or two
pages, made each wait for the worker and wake the event loop again."""


def _widen_pipe(fd: int) -> None:
    """Enlarge the pipe behind `fd` where the system allows it; else the default buffer does."""
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, not a pipe, or above this user's limit


def main() -> None:
    """A worker's entry point (also `python -m monitor.middle`): serve on stdin/stdout until stdin ends.

    The replies own the real standard output; whatever a library prints goes to stderr instead
    of into the middle of a reply.
    """
    for fd in (sys.stdin.fileno(), sys.stdout.fileno()):
        _widen_pipe(fd)
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    from monitor.middle import main as imported_main  # results must pickle as monitor.middle.*, not __main__.*

    imported_main()
