"""Block-level diff of two clean texts, with word diffs inside changed blocks and move detection.

Clean text has one block (heading, paragraph, list item, table row) per line, so the diff first
aligns whole blocks (each block is one token for diff-match-patch), then pairs deleted and inserted
blocks that are similar enough to be "the same block, edited" and diffs the words inside them.
A block that disappears in one place and reappears (exactly or nearly) elsewhere is a move, so a
reordered policy does not look like a rewritten one.

Block indices in `BlockOp` are 0-based positions in the list of non-empty lines (`split_blocks`);
renderers show them 1-based ("block 1" is the first line).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from diff_match_patch import diff_match_patch
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from basics.errors import UsageError

__all__ = [
    "BlockOp",
    "TextDiff",
    "RichDiff",
    "diff_texts",
    "split_blocks",
    "render_rich",
    "render_unified",
    "render_html",
]

PAIR_MIN_SIMILARITY = 0.5
"""Word similarity from which a deleted and an inserted block in the same place are one edited block."""
MOVE_MIN_SIMILARITY = 0.9
"""Word similarity from which a block deleted here and inserted elsewhere is a move."""
PAIR_WINDOW = 40
"""How many inserted blocks ahead a deleted block is compared with; keeps big rewrites linear."""
MOVE_COMPARISON_BUDGET = 20_000
"""Fuzzy move candidates compared at most; exact moves are always found."""
BLOCK_DIFF_TIMEOUT = 1.0
WORD_DIFF_TIMEOUT = 0.5

_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
_WORD_RE = re.compile(r"\w+")
# Token codes live in private-use planes: diff-match-patch only compares them, and cleanupSemantic's
# word-boundary scoring sees them as neutral characters.
_CODE_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD), (0x20000, 0xEFFFF))


@dataclass
class BlockOp:
    """One step of the block diff; `words` holds the word diff of a replaced or edited moved block."""

    kind: str  # 'equal' | 'insert' | 'delete' | 'replace' | 'move'
    old_index: int | None
    new_index: int | None
    old_text: str
    new_text: str
    words: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class TextDiff:
    """All block operations in new-text order (a move sits at its new position)."""

    ops: list[BlockOp]

    @property
    def changed(self) -> bool:
        return any(op.kind != "equal" for op in self.ops)

    def changed_ops(self) -> list[BlockOp]:
        return [op for op in self.ops if op.kind != "equal"]

    @property
    def stats(self) -> dict[str, int]:
        """Counts of changed blocks by kind and of words added/removed (moves count no words unless edited)."""
        counts = {"blocks_inserted": 0, "blocks_deleted": 0, "blocks_replaced": 0, "blocks_moved": 0}
        words_added = words_removed = 0
        for op in self.ops:
            if op.kind == "insert":
                counts["blocks_inserted"] += 1
                words_added += _word_count(op.new_text)
            elif op.kind == "delete":
                counts["blocks_deleted"] += 1
                words_removed += _word_count(op.old_text)
            elif op.kind in ("replace", "move"):
                counts["blocks_replaced" if op.kind == "replace" else "blocks_moved"] += 1
                words_added += sum(_word_count(text) for sign, text in op.words if sign == 1)
                words_removed += sum(_word_count(text) for sign, text in op.words if sign == -1)
        return {**counts, "words_added": words_added, "words_removed": words_removed}

    def to_json(self) -> dict:
        """JSON-ready dict: the changed ops (no equal ones) and the stats."""
        ops = []
        for op in self.changed_ops():
            entry = asdict(op)
            entry["words"] = [[sign, text] for sign, text in op.words]
            ops.append(entry)
        return {"changed": self.changed, "stats": self.stats, "ops": ops}


def split_blocks(text: str) -> list[str]:
    """The blocks of a clean text: its non-blank lines (blank lines and CRs are tolerated, not kept)."""
    if not isinstance(text, str):
        raise UsageError(f"cannot diff {type(text).__name__}: expected text")
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


def diff_texts(old: str, new: str) -> TextDiff:
    """Diff two clean texts block by block; see the module docstring for the rules."""
    old_blocks, new_blocks = split_blocks(old), split_blocks(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = BLOCK_DIFF_TIMEOUT
    (old_chars, new_chars), _ = _encode([old_blocks, new_blocks])
    block_diff = _refine(dmp.diff_main(old_chars, new_chars, False))

    segments = _segments(block_diff)
    regions = [seg for seg in segments if seg[0] == "change"]
    moves = _match_exact_moves(regions, old_blocks, new_blocks)
    moved_targets = set(moves.values())
    pairs = [_pair_in_region(dels, ins, moves, moved_targets, old_blocks, new_blocks) for _, dels, ins in regions]
    _match_near_moves(regions, pairs, moves, old_blocks, new_blocks)

    source_of = {new_index: old_index for old_index, new_index in moves.items()}
    ops: list[BlockOp] = []
    region_number = 0
    for segment in segments:
        if segment[0] == "equal":
            _, old_start, new_start, length = segment
            ops.extend(
                BlockOp("equal", old_start + k, new_start + k, old_blocks[old_start + k], new_blocks[new_start + k])
                for k in range(length)
            )
            continue
        _, dels, ins = segment
        ops.extend(_region_ops(dels, ins, pairs[region_number], moves, source_of, old_blocks, new_blocks))
        region_number += 1
    return TextDiff(ops)


# --- alignment -----------------------------------------------------------------------------------


def _token_code(index: int) -> str:
    for low, high in _CODE_RANGES:
        if index <= high - low:
            return chr(low + index)
        index -= high - low + 1
    raise UsageError("text too large to diff: too many distinct blocks or words")


def _encode(sequences: list[list[str]]) -> tuple[list[str], dict[str, str]]:
    """Map each distinct token to one character so diff-match-patch diffs whole tokens."""
    codes: dict[str, str] = {}
    tokens: dict[str, str] = {}
    encoded = []
    for sequence in sequences:
        chars = []
        for token in sequence:
            code = codes.get(token)
            if code is None:
                code = _token_code(len(codes))
                codes[token] = code
                tokens[code] = token
            chars.append(code)
        encoded.append("".join(chars))
    return encoded, tokens


def _refine(block_diff: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Recover blocks left in place inside a delete+insert run.

    diff-match-patch trades minimality for speed (half-match, and a whole run when Diff_Timeout
    hits); a block it reports deleted and re-inserted in the same run would otherwise become a
    bogus move. difflib's hash-based matcher re-aligns just those runs.
    """
    refined: list[tuple[int, str]] = []
    position = 0
    while position < len(block_diff):
        sign, chars = block_diff[position]
        following = block_diff[position + 1] if position + 1 < len(block_diff) else None
        if sign == -1 and following is not None and following[0] == 1 and set(chars) & set(following[1]):
            inserted = following[1]
            matcher = SequenceMatcher(None, chars, inserted, autojunk=False)
            for tag, old_start, old_stop, new_start, new_stop in matcher.get_opcodes():
                if tag == "equal":
                    refined.append((0, chars[old_start:old_stop]))
                    continue
                if old_stop > old_start:
                    refined.append((-1, chars[old_start:old_stop]))
                if new_stop > new_start:
                    refined.append((1, inserted[new_start:new_stop]))
            position += 2
        else:
            refined.append((sign, chars))
            position += 1
    return refined


def _segments(block_diff: list[tuple[int, str]]) -> list[tuple]:
    """Turn the block-level diff into ('equal', old_start, new_start, n) and ('change', dels, ins) runs."""
    segments: list[tuple] = []
    old_pos = new_pos = 0
    dels: list[int] = []
    ins: list[int] = []
    for sign, chars in block_diff:
        if sign == 0:
            if dels or ins:
                segments.append(("change", dels, ins))
                dels, ins = [], []
            segments.append(("equal", old_pos, new_pos, len(chars)))
            old_pos += len(chars)
            new_pos += len(chars)
        elif sign == -1:
            dels.extend(range(old_pos, old_pos + len(chars)))
            old_pos += len(chars)
        else:
            ins.extend(range(new_pos, new_pos + len(chars)))
            new_pos += len(chars)
    if dels or ins:
        segments.append(("change", dels, ins))
    return segments


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD_RE.findall(text.casefold()))


def _word_count(text: str) -> int:
    return len(_WORD_RE.findall(text))


@lru_cache(maxsize=8192)
def _word_bag(text: str) -> Counter[str]:
    return Counter(_words(text))


def _similarity(old_text: str, new_text: str, threshold: float) -> float:
    """Word-level similarity in [0, 1], or 0.0 as soon as cheap bounds show it is below `threshold`.

    Blocks without words compare as characters. The length and word-bag bounds are upper bounds of
    SequenceMatcher.ratio, so they only skip pairs that could not reach the threshold anyway.
    """
    old_words, new_words = _words(old_text), _words(new_text)
    if not old_words and not new_words:
        return SequenceMatcher(None, old_text, new_text, autojunk=False).ratio()
    total = len(old_words) + len(new_words)
    if 2 * min(len(old_words), len(new_words)) < threshold * total:
        return 0.0
    old_bag, new_bag = _word_bag(old_text), _word_bag(new_text)
    if len(old_bag) > len(new_bag):
        old_bag, new_bag = new_bag, old_bag
    common = sum(min(count, new_bag[word]) for word, count in old_bag.items() if word in new_bag)
    if 2 * common < threshold * total:
        return 0.0
    return SequenceMatcher(None, old_words, new_words, autojunk=False).ratio()


def _match_exact_moves(regions, old_blocks, new_blocks) -> dict[int, int]:
    """Deleted blocks whose exact text is inserted somewhere: old index -> new index, paired in order."""
    inserted_at: dict[str, list[int]] = {}
    for _, _, ins in regions:
        for new_index in ins:
            inserted_at.setdefault(new_blocks[new_index], []).append(new_index)
    for positions in inserted_at.values():
        positions.reverse()
    moves: dict[int, int] = {}
    for _, dels, _ in regions:
        for old_index in dels:
            positions = inserted_at.get(old_blocks[old_index])
            if positions:
                moves[old_index] = positions.pop()
    return moves


def _pair_in_region(dels, ins, moves, moved_targets, old_blocks, new_blocks) -> list[tuple[int, int]]:
    """Pair deleted and inserted blocks of one change run that are edits of each other, keeping order."""
    free_dels = [d for d in dels if d not in moves]
    free_ins = [i for i in ins if i not in moved_targets]
    pairs = []
    start = 0
    for old_index in free_dels:
        best_ratio, best_pos = 0.0, None
        for pos in range(start, min(len(free_ins), start + PAIR_WINDOW)):
            ratio = _similarity(old_blocks[old_index], new_blocks[free_ins[pos]], PAIR_MIN_SIMILARITY)
            if ratio >= PAIR_MIN_SIMILARITY and ratio > best_ratio:
                best_ratio, best_pos = ratio, pos
        if best_pos is not None:
            pairs.append((old_index, free_ins[best_pos]))
            start = best_pos + 1
    return pairs


def _match_near_moves(regions, pairs, moves, old_blocks, new_blocks) -> None:
    """Pair remaining deleted/inserted blocks that are near-identical (edited and moved) as moves."""
    paired_old = {d for region_pairs in pairs for d, _ in region_pairs}
    paired_new = {i for region_pairs in pairs for _, i in region_pairs}
    taken_new = paired_new | set(moves.values())
    free_dels = [d for _, dels, _ in regions for d in dels if d not in moves and d not in paired_old]
    free_ins = [i for _, _, ins in regions for i in ins if i not in taken_new]
    if not free_dels or not free_ins:
        return
    budget = MOVE_COMPARISON_BUDGET
    for old_index in free_dels:
        old_text = old_blocks[old_index]
        old_size = len(_words(old_text))
        best_ratio, best_new = 0.0, None
        for new_index in free_ins:
            if new_index in taken_new:
                continue
            new_size = len(_words(new_blocks[new_index]))
            if 2 * min(old_size, new_size) < MOVE_MIN_SIMILARITY * (old_size + new_size) or not old_size:
                continue
            if budget <= 0:
                return
            budget -= 1
            ratio = _similarity(old_text, new_blocks[new_index], MOVE_MIN_SIMILARITY)
            if ratio >= MOVE_MIN_SIMILARITY and ratio > best_ratio:
                best_ratio, best_new = ratio, new_index
        if best_new is not None:
            moves[old_index] = best_new
            taken_new.add(best_new)


def _word_diff(old_text: str, new_text: str) -> list[tuple[int, str]]:
    """Diff two blocks on whole words (and the spaces/punctuation between them)."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = WORD_DIFF_TIMEOUT
    (old_chars, new_chars), tokens = _encode([_TOKEN_RE.findall(old_text), _TOKEN_RE.findall(new_text)])
    diffs = dmp.diff_main(old_chars, new_chars, False)
    dmp.diff_cleanupSemantic(diffs)
    words: list[tuple[int, str]] = []
    for sign, chars in diffs:
        text = "".join(tokens[c] for c in chars)
        if words and words[-1][0] == sign:
            words[-1] = (sign, words[-1][1] + text)
        elif text:
            words.append((sign, text))
    return words


def _region_ops(dels, ins, pairs, moves, source_of, old_blocks, new_blocks) -> Iterator[BlockOp]:
    """Ops of one change run in new-text order: deletes before inserts, replaces where they pair."""
    del_pos = ins_pos = 0

    def flush(old_stop: int | None, new_stop: int | None) -> Iterator[BlockOp]:
        nonlocal del_pos, ins_pos
        while del_pos < len(dels) and (old_stop is None or dels[del_pos] < old_stop):
            old_index = dels[del_pos]
            del_pos += 1
            if old_index not in moves:
                yield BlockOp("delete", old_index, None, old_blocks[old_index], "")
        while ins_pos < len(ins) and (new_stop is None or ins[ins_pos] < new_stop):
            new_index = ins[ins_pos]
            ins_pos += 1
            old_index = source_of.get(new_index)
            if old_index is None:
                yield BlockOp("insert", None, new_index, "", new_blocks[new_index])
            else:
                old_text, new_text = old_blocks[old_index], new_blocks[new_index]
                words = _word_diff(old_text, new_text) if old_text != new_text else []
                yield BlockOp("move", old_index, new_index, old_text, new_text, words)

    for old_index, new_index in pairs:
        yield from flush(old_index, new_index)
        del_pos += 1
        ins_pos += 1
        old_text, new_text = old_blocks[old_index], new_blocks[new_index]
        yield BlockOp("replace", old_index, new_index, old_text, new_text, _word_diff(old_text, new_text))
    yield from flush(None, None)


# --- layout shared by the renderers --------------------------------------------------------------


@dataclass
class _Row:
    """One displayed line: a move shows twice, as 'old' at its source and as 'new' at its target."""

    op: BlockOp
    side: str  # 'both' | 'old' | 'new'

    @property
    def changed(self) -> bool:
        return self.op.kind != "equal"

    @property
    def is_move_source(self) -> bool:
        return self.op.kind == "move" and self.side == "old"


def _rows(diff: TextDiff) -> list[_Row]:
    """Rows in an order that walks both texts forward (what unified and side-by-side output need)."""
    sources = sorted((op for op in diff.ops if op.kind == "move"), key=lambda op: op.old_index)
    rows: list[_Row] = []
    next_source = 0
    for op in diff.ops:
        if op.kind != "move" and op.old_index is not None:
            while next_source < len(sources) and sources[next_source].old_index < op.old_index:
                rows.append(_Row(sources[next_source], "old"))
                next_source += 1
        if op.kind == "move":
            rows.append(_Row(op, "new"))
        else:
            side = {"delete": "old", "insert": "new"}.get(op.kind, "both")
            rows.append(_Row(op, side))
    rows.extend(_Row(op, "old") for op in sources[next_source:])
    return rows


def _hunks(rows: list[_Row], context: int) -> list[tuple[int, int]]:
    """Row ranges [start, stop) holding the changes with `context` unchanged rows around them."""
    context = max(context, 0)
    hunks: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        if not row.changed:
            continue
        start, stop = max(index - context, 0), min(index + context + 1, len(rows))
        if hunks and start <= hunks[-1][1]:
            hunks[-1] = (hunks[-1][0], max(hunks[-1][1], stop))
        else:
            hunks.append((start, stop))
    return hunks


def _block_number(index: int | None) -> str:
    return "" if index is None else str(index + 1)


# --- rich ----------------------------------------------------------------------------------------

_STYLE_DELETE = "red strike"
_STYLE_INSERT = "green underline"
_STYLE_MOVE = "yellow"
_STYLE_MOVE_NOTE = "cyan"
_STYLE_CONTEXT = "dim"
_CONTEXT_CHARS = 200
_KEEP_WORDS = 8


class RichDiff:
    """A rich renderable of a TextDiff that falls back to [-old-]{+new+} markers without colour."""

    def __init__(self, diff: TextDiff, context: int = 1) -> None:
        self.diff = diff
        self.context = context

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        """A two-column grid, so wrapped block text hangs under the text column, not the gutter."""
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for gutter, body in self.lines(plain=console.no_color or console.color_system is None):
            grid.add_row(gutter, body)
        yield grid

    def to_text(self, plain: bool = False) -> Text:
        """The diff as one Text; `plain` adds markers so word changes survive without styles."""
        out = Text()
        for gutter, body in self.lines(plain):
            out.append_text(gutter)
            if body.plain:
                out.append(" ")
                out.append_text(body)
            out.append("\n")
        return out

    def lines(self, plain: bool = False) -> list[tuple[Text, Text]]:
        """(gutter, body) per displayed line: changed blocks, their context, and `...` between hunks."""
        if not self.diff.changed:
            return [(Text("No changes.", style=_STYLE_CONTEXT), Text())]
        rows = _rows(self.diff)
        hunks = _hunks(rows, self.context)
        largest = max(max(op.old_index or 0, op.new_index or 0) for op in self.diff.ops)
        width = max(len(str(largest + 1)), 3)
        separator = (Text("...", style=_STYLE_CONTEXT), Text())
        lines: list[tuple[Text, Text]] = []
        for start, stop in hunks:
            if lines or start > 0:
                lines.append(separator)
            lines.extend(self._line(row, width, plain) for row in rows[start:stop])
        if hunks[-1][1] < len(rows):
            lines.append(separator)
        return lines

    def _line(self, row: _Row, width: int, plain: bool) -> tuple[Text, Text]:
        op = row.op
        old_no = _block_number(op.old_index) if row.side in ("both", "old") else ""
        new_no = _block_number(op.new_index) if row.side in ("both", "new") else ""
        sign = {"equal": " ", "delete": "-", "insert": "+", "replace": "~"}.get(op.kind)
        if sign is None:
            sign = "<" if row.is_move_source else ">"
        gutter = Text(f"{old_no:>{width}} {new_no:>{width}} {sign}", style="dim")
        out = Text()
        if op.kind == "equal":
            out.append(_shorten(op.new_text), style=_STYLE_CONTEXT)
        elif op.kind == "delete":
            out.append(_wrap(op.old_text, "-", plain), style=_STYLE_DELETE)
        elif op.kind == "insert":
            out.append(_wrap(op.new_text, "+", plain), style=_STYLE_INSERT)
        elif op.kind == "replace":
            self._append_words(out, op.words, plain)
        elif row.is_move_source:
            out.append(f"(moved to block {op.new_index + 1}) ", style=_STYLE_MOVE_NOTE)
            out.append(_shorten(op.old_text, 80), style=f"{_STYLE_MOVE} dim")
        else:
            out.append(f"(moved from block {op.old_index + 1}) ", style=_STYLE_MOVE_NOTE)
            if op.words:
                self._append_words(out, op.words, plain, base_style=_STYLE_MOVE)
            else:
                out.append(op.new_text, style=_STYLE_MOVE)
        return gutter, out

    @staticmethod
    def _append_words(out: Text, words: list[tuple[int, str]], plain: bool, base_style: str = "") -> None:
        for position, (sign, text) in enumerate(words):
            if sign == 0:
                out.append(_trim_equal(text, position == 0, position == len(words) - 1), style=base_style)
            elif sign == -1:
                out.append(_wrap(text, "-", plain), style=_STYLE_DELETE)
            else:
                out.append(_wrap(text, "+", plain), style=_STYLE_INSERT)


def _wrap(text: str, sign: str, plain: bool) -> str:
    """wdiff-style markers ([-gone-], {+new+}) for output without styles."""
    if not plain:
        return text
    return f"[-{text}-]" if sign == "-" else f"{{+{text}+}}"


def _shorten(text: str, limit: int = _CONTEXT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _trim_equal(text: str, is_first: bool, is_last: bool) -> str:
    """Keep a few words of unchanged text next to each change and elide the middle of long runs."""
    tokens = _TOKEN_RE.findall(text)
    word_positions = [k for k, token in enumerate(tokens) if _WORD_RE.match(token)]
    keep_head = 0 if is_first else _KEEP_WORDS
    keep_tail = 0 if is_last else _KEEP_WORDS
    if len(word_positions) <= keep_head + keep_tail + 2:
        return text
    head = "".join(tokens[: word_positions[keep_head - 1] + 1]) + " " if keep_head else ""
    tail = " " + "".join(tokens[word_positions[-keep_tail] :]) if keep_tail else ""
    return f"{head}…{tail}"


def render_rich(diff: TextDiff, context: int = 1) -> RichDiff:
    """Changed blocks with `context` unchanged blocks around them, for `Console.print`."""
    return RichDiff(diff, context)


# --- unified -------------------------------------------------------------------------------------


def _unified_range(start: int, length: int) -> str:
    """Hunk range as in GNU diff: 1-based start, length omitted when 1, start-1 when empty."""
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def render_unified(diff: TextDiff, old_label: str = "old", new_label: str = "new", context: int = 3) -> str:
    """Unified diff over blocks (one block per line); moves show as a removal and an addition."""
    rows = _rows(diff)
    hunks = _hunks(rows, context)
    if not hunks:
        return ""
    old_before: list[int] = []
    new_before: list[int] = []
    old_count = new_count = 0
    for row in rows:
        old_before.append(old_count)
        new_before.append(new_count)
        old_count += row.side in ("both", "old")
        new_count += row.side in ("both", "new")
    old_before.append(old_count)
    new_before.append(new_count)

    lines = [f"--- {old_label}\n", f"+++ {new_label}\n"]
    for start, stop in hunks:
        old_len = old_before[stop] - old_before[start]
        new_len = new_before[stop] - new_before[start]
        lines.append(
            f"@@ -{_unified_range(old_before[start], old_len)} +{_unified_range(new_before[start], new_len)} @@\n"
        )
        removed: list[str] = []
        added: list[str] = []
        for row in rows[start:stop]:
            if not row.changed:
                lines.extend(f"-{text}\n" for text in removed)
                lines.extend(f"+{text}\n" for text in added)
                removed, added = [], []
                lines.append(f" {row.op.old_text}\n")
                continue
            if row.side in ("both", "old"):
                removed.append(row.op.old_text)
            if row.side in ("both", "new"):
                added.append(row.op.new_text)
        lines.extend(f"-{text}\n" for text in removed)
        lines.extend(f"+{text}\n" for text in added)
    return "".join(lines)


# --- html ----------------------------------------------------------------------------------------

DIFF_CSS = """
:root { color-scheme: light dark; --del: #ffd7d5; --ins: #ccffd8; --move: #fff5b1; --muted: #6e7781;
  --line: #d0d7de; --bg-alt: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --del: #5c1d1d; --ins: #1d4428; --move: #4d3f0a;
  --muted: #8b949e; --line: #30363d; --bg-alt: #161b22; } }
.stats { list-style: none; padding: 0; margin: 0 0 1rem; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.stats b { font-variant-numeric: tabular-nums; }
.diff { border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
.row { display: grid; grid-template-columns: 3.5em 1fr 3.5em 1fr; border-top: 1px solid var(--line); }
.row.head { border-top: 0; background: var(--bg-alt); font-weight: 600; }
.row > div { padding: .25rem .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.row > .no { color: var(--muted); text-align: right; font: 12px/1.9 ui-monospace, monospace;
  background: var(--bg-alt); user-select: none; }
.row.equal > .old, .row.equal > .new { color: var(--muted); }
.row.delete > .old, .row.replace > .old { background: color-mix(in srgb, var(--del) 45%, transparent); }
.row.insert > .new, .row.replace > .new { background: color-mix(in srgb, var(--ins) 45%, transparent); }
.row.move > .old, .row.move > .new { background: color-mix(in srgb, var(--move) 50%, transparent); }
del { background: var(--del); text-decoration: line-through; }
ins { background: var(--ins); text-decoration: none; }
.note { display: inline-block; font-size: .8em; color: var(--muted); border: 1px solid var(--line);
  border-radius: 4px; padding: 0 .3em; margin-right: .4em; }
details.skipped { border-top: 1px solid var(--line); }
details.skipped > summary { cursor: pointer; padding: .2rem .6rem; color: var(--muted); background: var(--bg-alt);
  font-size: .9em; }
.nochange { padding: .6rem; color: var(--muted); }
@media (max-width: 40rem) { .row { grid-template-columns: 2.2em 1fr 2.2em 1fr; font-size: 13px; }
  .row > div { padding: .2rem .3rem; } }
"""
"""The side-by-side diff's style (`render_html_diff`'s markup), for pages that embed it."""
_PAGE_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5rem; }
header h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.labels { color: var(--muted); margin: 0 0 .5rem; }
"""


_HTML_MIN_FOLD = 2
"""Unchanged runs this short are shown rather than folded: a fold would take as much room."""


def _html_words(words: list[tuple[int, str]], keep: int) -> str:
    """One side of a word diff: equal text plus the `keep` side's changes (-1 in <del>, 1 in <ins>)."""
    tag = "del" if keep == -1 else "ins"
    parts = []
    for sign, text in words:
        if sign == 0:
            parts.append(html.escape(text))
        elif sign == keep:
            parts.append(f"<{tag}>{html.escape(text)}</{tag}>")
    return "".join(parts)


def _html_cells(row: _Row) -> tuple[str, str]:
    op = row.op
    if op.kind == "equal":
        text = html.escape(op.old_text)
        return text, text
    if op.kind == "delete":
        return f"<del>{html.escape(op.old_text)}</del>", ""
    if op.kind == "insert":
        return "", f"<ins>{html.escape(op.new_text)}</ins>"
    if op.kind == "replace":
        return _html_words(op.words, -1), _html_words(op.words, 1)
    if row.is_move_source:
        note = f'<span class="note">moved to block {op.new_index + 1} &#8600;</span>'
        old_text = _html_words(op.words, -1) if op.words else html.escape(op.old_text)
        return note + old_text, ""
    note = f'<span class="note">&#8599; moved from block {op.old_index + 1}</span>'
    new_text = _html_words(op.words, 1) if op.words else html.escape(op.new_text)
    return "", note + new_text


def _html_row(row: _Row) -> str:
    old_cell, new_cell = _html_cells(row)
    old_no = _block_number(row.op.old_index) if row.side in ("both", "old") else ""
    new_no = _block_number(row.op.new_index) if row.side in ("both", "new") else ""
    return (
        f'<div class="row {row.op.kind}"><div class="no">{old_no}</div><div class="old">{old_cell}</div>'
        f'<div class="no">{new_no}</div><div class="new">{new_cell}</div></div>'
    )


def _html_skipped(rows: Iterable[_Row]) -> str:
    """Unchanged rows between hunks: shown as they are when few, folded into <details> otherwise."""
    rows = list(rows)
    body = "\n".join(_html_row(row) for row in rows)
    if len(rows) <= _HTML_MIN_FOLD:
        return body
    # Only runs longer than _HTML_MIN_FOLD (2) fold, so the count is never 1.
    return f'<details class="skipped"><summary>{len(rows)} unchanged blocks</summary>\n{body}\n</details>'


def render_html_stats(diff: TextDiff) -> str:
    """What the diff counts (blocks edited, inserted, deleted, moved; words added, removed) as a list."""
    stats = diff.stats
    stat_items = [
        ("edited", stats["blocks_replaced"]),
        ("inserted", stats["blocks_inserted"]),
        ("deleted", stats["blocks_deleted"]),
        ("moved", stats["blocks_moved"]),
        ("words added", stats["words_added"]),
        ("words removed", stats["words_removed"]),
    ]
    return '<ul class="stats">' + "".join(f"<li><b>{n}</b> {label}</li>" for label, n in stat_items) + "</ul>"


def render_html_diff(diff: TextDiff, old_label: str = "old", new_label: str = "new", context: int = 2,
                     container: str = "div") -> str:
    """The side-by-side diff as an HTML element (`container`, class "diff"), every text escaped,
    styled by `DIFF_CSS`, for pages that embed it. Unchanged runs fold into <details>: no script."""
    rows = _rows(diff)
    parts = [
        f'<{container} class="diff">',
        f'<div class="row head"><div class="no"></div><div class="old">{html.escape(old_label)}</div>'
        f'<div class="no"></div><div class="new">{html.escape(new_label)}</div></div>',
    ]
    if not diff.changed:
        parts.append('<div class="nochange">No changes.</div>')
    shown_until = 0
    for start, stop in _hunks(rows, context):
        parts.append(_html_skipped(rows[shown_until:start]))
        parts.extend(_html_row(row) for row in rows[start:stop])
        shown_until = stop
    parts.append(_html_skipped(rows[shown_until:]))
    parts.append(f"</{container}>")
    return "\n".join(part for part in parts if part)


def render_html(diff: TextDiff, title: str, old_label: str = "old", new_label: str = "new", context: int = 2) -> str:
    """Self-contained side-by-side HTML page (no JS, no external files): the diff with a title."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{DIFF_CSS}{_PAGE_CSS}</style>",
        "</head><body>",
        f"<header><h1>{html.escape(title)}</h1>",
        f'<p class="labels"><span class="old-label">{html.escape(old_label)}</span> &#8594; '
        f'<span class="new-label">{html.escape(new_label)}</span></p>',
        render_html_stats(diff),
        "</header>",
        render_html_diff(diff, old_label, new_label, context, container="main"),
        "</body></html>\n",
    ]
    return "\n".join(parts)
