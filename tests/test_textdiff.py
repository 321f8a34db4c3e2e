"""Block diff of clean texts: alignment, word diffs, moves, and the three renderers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import lxml.html
import pytest
from rich.console import Console

from basics.errors import UsageError
from monitor.textdiff import BlockOp, TextDiff, diff_texts, render_html, render_rich, render_unified, split_blocks

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))

POLICY = "\n".join(
    [
        "# Privacy policy",
        "We collect your name and e-mail address when you create an account.",
        "## Retention",
        "We keep server logs for 30 days and account data until you delete your account.",
        "## Sharing",
        "- payment providers",
        "- hosting providers",
        "- analytics providers",
        "We never sell your personal data to third parties.",
        "## Contact",
        "Write to privacy@example.com with any question about this policy.",
    ]
)


def blocks_of(text: str) -> list[str]:
    return split_blocks(text)


def kinds(diff: TextDiff) -> list[str]:
    return [op.kind for op in diff.changed_ops()]


def replace_block(text: str, index: int, new_block: str) -> str:
    blocks = blocks_of(text)
    blocks[index] = new_block
    return "\n".join(blocks)


def move_block(text: str, source: int, target: int) -> str:
    blocks = blocks_of(text)
    blocks.insert(target, blocks.pop(source))
    return "\n".join(blocks)


def plain_render(diff: TextDiff, **kwargs) -> str:
    console = Console(record=True, width=100, color_system=None)
    console.print(render_rich(diff, **kwargs))
    return console.export_text()


# --- alignment ------------------------------------------------------------------------------------


def test_identical_texts_have_no_changes():
    diff = diff_texts(POLICY, POLICY)
    assert not diff.changed
    assert diff.changed_ops() == []
    assert all(op.kind == "equal" for op in diff.ops)
    assert len(diff.ops) == len(blocks_of(POLICY))
    assert diff.stats == {
        "blocks_inserted": 0,
        "blocks_deleted": 0,
        "blocks_replaced": 0,
        "blocks_moved": 0,
        "words_added": 0,
        "words_removed": 0,
    }


def test_blank_lines_and_crlf_are_not_blocks():
    spaced = "\r\n\r\n".join(blocks_of(POLICY)) + "\n"
    assert not diff_texts(POLICY, spaced).changed


def test_one_changed_word_is_one_replace_with_exactly_that_word():
    new = POLICY.replace("for 30 days", "for 90 days")
    diff = diff_texts(POLICY, new)
    assert kinds(diff) == ["replace"]
    op = diff.changed_ops()[0]
    assert (op.old_index, op.new_index) == (3, 3)
    assert [(sign, text) for sign, text in op.words if sign != 0] == [(-1, "30"), (1, "90")]
    assert "".join(text for sign, text in op.words if sign <= 0) == op.old_text
    assert "".join(text for sign, text in op.words if sign >= 0) == op.new_text
    assert diff.stats["words_added"] == 1 and diff.stats["words_removed"] == 1


def test_adjacent_changed_words_read_as_one_phrase():
    new = POLICY.replace("30 days", "6 months")
    op = diff_texts(POLICY, new).changed_ops()[0]
    assert [(sign, text) for sign, text in op.words if sign != 0] == [(-1, "30 days"), (1, "6 months")]


def test_inserted_and_deleted_paragraphs():
    blocks = blocks_of(POLICY)
    added = "We transfer data to the United States under standard contractual clauses."
    new_blocks = blocks[:9] + [added] + blocks[9:]
    del new_blocks[1]
    diff = diff_texts(POLICY, "\n".join(new_blocks))
    changed = diff.changed_ops()
    assert [(op.kind, op.old_index, op.new_index) for op in changed] == [("delete", 1, None), ("insert", None, 8)]
    assert changed[0].old_text == blocks[1]
    assert changed[1].new_text == added
    assert diff.stats["blocks_inserted"] == 1 and diff.stats["blocks_deleted"] == 1


def test_rewritten_paragraph_is_a_delete_and_an_insert_not_a_replace():
    new = replace_block(POLICY, 8, "Selling data is something we may do with partners from 2027.")
    assert sorted(kinds(diff_texts(POLICY, new))) == ["delete", "insert"]


def test_moved_paragraph_is_one_move():
    new = move_block(POLICY, 8, 1)
    diff = diff_texts(POLICY, new)
    assert kinds(diff) == ["move"]
    move = diff.changed_ops()[0]
    assert (move.old_index, move.new_index) == (8, 1)
    assert move.old_text == move.new_text == "We never sell your personal data to third parties."
    assert move.words == []
    assert diff.stats["blocks_moved"] == 1
    assert diff.stats["words_added"] == diff.stats["words_removed"] == 0


def test_moved_and_slightly_edited_paragraph_is_a_move_with_a_word_diff():
    edited = "We collect your name and e-mail address when you create an account or order."
    blocks = blocks_of(POLICY)
    new_blocks = [blocks[0]] + blocks[2:] + [edited]
    diff = diff_texts(POLICY, "\n".join(new_blocks))
    assert kinds(diff) == ["move"]
    move = diff.changed_ops()[0]
    assert (move.old_index, move.new_index) == (1, 10)
    assert [(sign, text) for sign, text in move.words if sign != 0] == [(1, " or order")]


def test_reordered_list_items_are_moves():
    blocks = blocks_of(POLICY)
    new_blocks = blocks[:5] + [blocks[7], blocks[5], blocks[6]] + blocks[8:]
    diff = diff_texts(POLICY, "\n".join(new_blocks))
    assert set(kinds(diff)) == {"move"}
    moved = {op.new_text for op in diff.changed_ops()}
    assert moved <= {"- payment providers", "- hosting providers", "- analytics providers"}
    fully_reversed = blocks[:5] + [blocks[7], blocks[6], blocks[5]] + blocks[8:]
    reversed_diff = diff_texts(POLICY, "\n".join(fully_reversed))
    assert kinds(reversed_diff) == ["move", "move"]


def test_removing_one_copy_of_a_duplicated_paragraph_is_one_delete():
    blocks = blocks_of(POLICY)
    duplicated = blocks[:9] + [blocks[8]] + blocks[9:]
    diff = diff_texts("\n".join(duplicated), POLICY)
    assert kinds(diff) == ["delete"]
    assert diff.changed_ops()[0].old_text == blocks[8]


def test_swapping_two_sections_keeps_edits_inside_them():
    blocks = blocks_of(POLICY)
    sharing = blocks[4:9]
    retention = blocks[2:4]
    retention[1] = retention[1].replace("30 days", "60 days")
    new_blocks = blocks[:2] + sharing + retention + blocks[9:]
    diff = diff_texts(POLICY, "\n".join(new_blocks))
    changed = diff.changed_ops()
    assert all(op.kind == "move" for op in changed)
    edited = [op for op in changed if op.words]
    assert len(edited) == 1
    assert [(s, t) for s, t in edited[0].words if s != 0] == [(-1, "30"), (1, "60")]


def test_ops_are_in_new_text_order_and_cover_both_texts():
    blocks = blocks_of(POLICY)
    new_blocks = ["# Our privacy policy"] + blocks[2:8] + ["New closing paragraph."] + blocks[9:] + [blocks[1]]
    diff = diff_texts(POLICY, "\n".join(new_blocks))
    new_indices = [op.new_index for op in diff.ops if op.new_index is not None]
    assert new_indices == list(range(len(new_blocks)))
    old_indices = sorted(op.old_index for op in diff.ops if op.old_index is not None)
    assert old_indices == list(range(len(blocks)))


def test_non_text_input_is_a_usage_error():
    with pytest.raises(UsageError, match="expected text"):
        diff_texts(b"bytes", POLICY)


# --- JSON -----------------------------------------------------------------------------------------


def test_json_has_changed_ops_and_stats_and_round_trips():
    new = move_block(POLICY.replace("30 days", "90 days"), 8, 1)
    diff = diff_texts(POLICY, new)
    data = diff.to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["changed"] is True
    assert data["stats"] == diff.stats
    assert [op["kind"] for op in data["ops"]] == ["move", "replace"]
    replace = data["ops"][1]
    assert set(replace) == {"kind", "old_index", "new_index", "old_text", "new_text", "words"}
    assert [-1, "30"] in replace["words"] and [1, "90"] in replace["words"]
    assert diff_texts(POLICY, POLICY).to_json() == {"changed": False, "stats": diff_texts("", "").stats, "ops": []}


# --- unified --------------------------------------------------------------------------------------

HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$")


def check_unified_structure(patch_text: str) -> None:
    """Every line has a valid prefix and each hunk holds exactly the line counts its header announces."""
    lines = patch_text.splitlines()
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    position = 2
    while position < len(lines):
        header = HUNK_HEADER.match(lines[position])
        assert header, lines[position]
        old_count = int(header[2]) if header[2] is not None else 1
        new_count = int(header[4]) if header[4] is not None else 1
        position += 1
        seen_old = seen_new = 0
        while position < len(lines) and not lines[position].startswith("@@"):
            prefix = lines[position][0]
            assert prefix in " -+"
            seen_old += prefix in " -"
            seen_new += prefix in " +"
            position += 1
        assert (seen_old, seen_new) == (old_count, new_count)


def apply_with_patch(tmp_path: Path, old: str, patch_text: str) -> str:
    target = tmp_path / "policy.txt"
    target.write_text("\n".join(blocks_of(old)) + "\n", encoding="utf-8")
    result = subprocess.run(
        ["patch", "--batch", "--silent", str(target)],
        input=patch_text.encode("utf-8"),
        capture_output=True,
        timeout=10,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target.read_text(encoding="utf-8")


def test_unified_diff_headers_and_prefixes():
    new = POLICY.replace("30 days", "90 days")
    text = render_unified(diff_texts(POLICY, new), "policy@v1", "policy@v2", context=1)
    assert text == (
        "--- policy@v1\n"
        "+++ policy@v2\n"
        "@@ -3,3 +3,3 @@\n"
        " ## Retention\n"
        "-We keep server logs for 30 days and account data until you delete your account.\n"
        "+We keep server logs for 90 days and account data until you delete your account.\n"
        " ## Sharing\n"
    )


def test_unified_diff_of_identical_texts_is_empty():
    assert render_unified(diff_texts(POLICY, POLICY)) == ""


def test_unified_diff_shows_moves_as_removal_and_addition():
    text = render_unified(diff_texts(POLICY, move_block(POLICY, 8, 1)), context=0)
    check_unified_structure(text)
    moved = "We never sell your personal data to third parties."
    assert f"+{moved}\n" in text and f"-{moved}\n" in text
    assert "@@ -1,0 +2 @@" in text and "@@ -9 +9,0 @@" in text


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch not installed")
@pytest.mark.parametrize("context", [0, 1, 3])
def test_unified_diff_applies_with_patch(tmp_path, context):
    blocks = blocks_of(POLICY)
    new_blocks = ["# Our privacy policy"] + blocks[2:8] + ["New closing paragraph."] + blocks[9:] + [blocks[1]]
    new_blocks[2] = new_blocks[2].replace("30 days", "13 months")
    new = "\n".join(new_blocks)
    text = render_unified(diff_texts(POLICY, new), context=context)
    check_unified_structure(text)
    assert apply_with_patch(tmp_path, POLICY, text) == new + "\n"


# --- HTML -----------------------------------------------------------------------------------------


def test_html_is_a_self_contained_side_by_side_page():
    old = POLICY + "\nExample: <script>alert('x')</script> & more."
    new = move_block(old.replace("30 days", "90 days"), 8, 1)
    page = render_html(diff_texts(old, new), title="Example <Policy>", old_label="2026-01-01", new_label="2026-02-01")
    tree = lxml.html.document_fromstring(page)
    assert tree.findtext(".//title") == "Example <Policy>"
    assert tree.xpath("//script") == []
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert [el.text for el in tree.xpath("//del")] == ["30"]
    assert [el.text for el in tree.xpath("//ins")] == ["90"]
    assert tree.xpath("//*[@src] | //link") == []
    assert "2026-01-01" in tree.text_content() and "2026-02-01" in tree.text_content()
    notes = [el.text_content() for el in tree.xpath("//*[@class='note']")]
    assert any("moved from block 9" in note for note in notes)
    assert any("moved to block 2" in note for note in notes)
    stats = tree.xpath("//ul[@class='stats']")[0].text_content()
    assert "1 edited" in stats and "1 moved" in stats and "0 inserted" in stats


def test_html_collapses_unchanged_runs_with_a_count():
    old = "\n".join(f"Paragraph number {n} of the policy." for n in range(1, 41))
    new = old.replace("number 20 of", "number twenty of")
    tree = lxml.html.document_fromstring(render_html(diff_texts(old, new), title="t", context=2))
    summaries = [el.text for el in tree.xpath("//details/summary")]
    assert summaries == ["17 unchanged blocks", "18 unchanged blocks"]
    visible = tree.xpath("//main/div[contains(@class, 'row') and not(contains(@class, 'head'))]")
    assert len(visible) == 5


def test_html_shows_short_unchanged_runs_instead_of_folding_them():
    old = "\n".join(f"Paragraph number {n} of the policy." for n in range(1, 11))
    new = old.replace("number 3 of", "number three of").replace("number 7 of", "number seven of")
    tree = lxml.html.document_fromstring(render_html(diff_texts(old, new), title="t", context=1))
    assert tree.xpath("//details") == []
    assert len(tree.xpath("//main/div[contains(@class, 'row equal')]")) == 8


def test_html_for_identical_texts_says_no_changes():
    page = render_html(diff_texts(POLICY, POLICY), title="same")
    assert "No changes." in lxml.html.document_fromstring(page).text_content()


# --- rich -----------------------------------------------------------------------------------------


def test_rich_render_without_colour_marks_words_and_shows_context():
    new = POLICY.replace("30 days", "90 days")
    output = plain_render(diff_texts(POLICY, new))
    assert "[-30-]{+90+}" in output
    assert "## Retention" in output and "## Sharing" in output
    assert "# Privacy policy" not in output
    assert output.splitlines()[0].strip() == "..."
    assert re.search(r"^\s*4\s+4 ~ We keep server logs", output, re.MULTILINE)


def test_rich_render_shows_moves_inserts_and_deletes_with_block_numbers():
    blocks = blocks_of(POLICY)
    new_blocks = [blocks[0], "A new first paragraph."] + blocks[2:8] + blocks[9:] + [blocks[8]]
    output = plain_render(diff_texts(POLICY, "\n".join(new_blocks)), context=0)
    assert "(moved from block 9) We never sell" in output
    assert "(moved to block 11)" in output
    assert re.search(r"^\s*2\s+- \[-We collect your name", output, re.MULTILINE)
    assert re.search(r"^\s+2 \+ \{\+A new first paragraph\.\+\}", output, re.MULTILINE)
    assert "..." in output


def test_rich_render_elides_the_middle_of_long_unchanged_stretches_inside_a_block():
    words = [f"w{k}" for k in range(60)]
    edited = list(words)
    edited[30] = "CHANGED"
    diff = diff_texts(" ".join(words), " ".join(edited))
    output = plain_render(diff)
    assert "… w22 w23 w24 w25 w26 w27 w28 w29 [-w30-]{+CHANGED+} w31 w32 w33 w34 w35 w36 w37 w38 …" in output
    assert "w21 " not in output and "w39 " not in output


def test_rich_render_with_colour_uses_styles_instead_of_markers():
    new = POLICY.replace("30 days", "90 days")
    console = Console(record=True, width=100, force_terminal=True, color_system="standard")
    console.print(render_rich(diff_texts(POLICY, new)))
    ansi = console.export_text(styles=True)
    assert "[-30-]" not in ansi
    assert "\x1b[9;31m30" in ansi and "\x1b[4;32m90" in ansi


def test_rich_render_of_identical_texts():
    assert "No changes." in plain_render(diff_texts(POLICY, POLICY))


# --- real policies --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem)
def test_seed_with_changed_number_and_moved_paragraph(seed):
    text = seed.read_text(encoding="utf-8")
    blocks = blocks_of(text)
    with_number = next(k for k, block in enumerate(blocks) if re.search(r"\b\d+\b", block) and blocks.count(block) == 1)
    number = re.search(r"\b\d+\b", blocks[with_number])[0]
    changed_number = str(int(number) + 7)
    edited = re.sub(rf"\b{number}\b", changed_number, blocks[with_number], count=1)
    movable = next(
        k
        for k, block in enumerate(blocks)
        if k != with_number and len(block.split()) >= 8 and blocks.count(block) == 1 and k < len(blocks) - 3
    )
    new_blocks = list(blocks)
    new_blocks[with_number] = edited
    new_blocks.append(new_blocks.pop(movable))

    diff = diff_texts(text, "\n".join(new_blocks))
    by_kind = {kind: [op for op in diff.changed_ops() if op.kind == kind] for kind in ("replace", "move")}
    assert sorted(kinds(diff)) == ["move", "replace"]
    (replace,) = by_kind["replace"]
    assert replace.old_index == with_number
    assert [(sign, t) for sign, t in replace.words if sign != 0] == [(-1, number), (1, changed_number)]
    (move,) = by_kind["move"]
    assert (move.old_index, move.new_index) == (movable, len(blocks) - 1)

    assert f"[-{number}-]{{+{changed_number}+}}" in plain_render(diff)
    lxml.html.document_fromstring(render_html(diff, title=seed.stem))
    check_unified_structure(render_unified(diff))


def test_diffing_two_different_policies_accounts_for_every_block():
    first, second = (blocks_of(path.read_text(encoding="utf-8")) for path in SEEDS[:2])
    diff = diff_texts("\n".join(first), "\n".join(second))
    assert sorted(op.old_index for op in diff.ops if op.old_index is not None) == list(range(len(first)))
    assert [op.new_index for op in diff.ops if op.new_index is not None] == list(range(len(second)))
    stats = diff.stats
    assert stats["blocks_deleted"] + stats["blocks_replaced"] + stats["blocks_moved"] <= len(first)


# --- performance ----------------------------------------------------------------------------------


def test_forty_kilobyte_policy_with_a_few_changes_diffs_in_milliseconds():
    text = max((path.read_text(encoding="utf-8") for path in SEEDS), key=len)
    blocks = blocks_of(text)
    new_blocks = list(blocks)
    new_blocks[5] = new_blocks[5] + " Updated."
    new_blocks.insert(40, "A new paragraph about retention for 5 years.")
    new_blocks.append(new_blocks.pop(20))
    started = time.perf_counter()
    diff = diff_texts(text, "\n".join(new_blocks))
    elapsed = time.perf_counter() - started
    assert diff.changed
    assert elapsed < 0.25, f"{elapsed:.3f}s"


def test_megabyte_texts_with_scattered_edits_stay_fast():
    seeds = [blocks_of(path.read_text(encoding="utf-8")) for path in SEEDS]
    old_blocks: list[str] = []
    copy = 0
    while sum(map(len, old_blocks)) < 1_000_000:
        old_blocks += [f"{block} ({copy})" for seed in seeds for block in seed]
        copy += 1
    new_blocks = list(old_blocks)
    for k in range(0, len(new_blocks), 97):
        new_blocks[k] = new_blocks[k].replace(" (", " edited (", 1)
    new_blocks.insert(1000, new_blocks.pop(10))
    started = time.perf_counter()
    diff = diff_texts("\n".join(old_blocks), "\n".join(new_blocks))
    elapsed = time.perf_counter() - started
    assert diff.stats["blocks_moved"] == 1
    assert diff.stats["blocks_replaced"] + diff.stats["blocks_inserted"] >= len(range(0, len(new_blocks), 97)) - 1
    assert elapsed < 3.0, f"{elapsed:.3f}s"


def test_blockop_defaults_to_no_word_diff():
    assert BlockOp("insert", None, 0, "", "x").words == []
