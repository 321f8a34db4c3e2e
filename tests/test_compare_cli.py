"""`policy-monitor compare`: the JSON contract, the readable report, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.analysis.describe import duration_days
from monitor.cli import main

CASES = sorted((Path(__file__).parent / "fixtures" / "bench" / "cases").glob("*/expected.json"))


def run_compare(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["compare", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def comparable(value: str):
    days = duration_days(value)
    return round(days) if days is not None else value.lower()


@pytest.mark.parametrize("expected_file", CASES, ids=[p.parent.name for p in CASES])
def test_each_benchmark_case_gets_its_categories_and_values(capsys, expected_file):
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    case = expected_file.parent
    old, new = next(case.glob("old.*")), next(case.glob("new.*"))
    code, out, _ = run_compare(capsys, "--json", old, new)
    result = json.loads(out)
    assert code == 0
    assert result["material"] is expected["material"]
    reported = {c["category"]: c for c in result["changes"] if c["material"]}
    assert set(reported) == {e["category"] for e in expected["changes"]}
    for want in expected["changes"]:
        got = reported[want["category"]]
        old_values = {comparable(v) for v in got["old_values"]}
        new_values = {comparable(v) for v in got["new_values"]}
        assert {comparable(v) for v in want.get("old_values", [])} <= old_values
        assert {comparable(v) for v in want.get("new_values", [])} <= new_values
        assert {comparable(v) for v in want.get("added", [])} <= new_values - old_values
        assert {comparable(v) for v in want.get("removed", [])} <= old_values - new_values


def test_every_change_has_the_contract_fields(capsys):
    case = Path(__file__).parent / "fixtures" / "bench" / "cases" / "es-retention-years"
    _, out, _ = run_compare(capsys, "--json", case / "old.html", case / "new.html")
    result = json.loads(out)
    assert result["language"] == {"old": "es", "new": "es"}
    for change in result["changes"]:
        assert {"category", "material", "severity", "summary", "old_values", "new_values",
                "old_text", "new_text"} <= set(change)
        assert change["severity"] in {"high", "medium", "low", "none"}
    retention = next(c for c in result["changes"] if c["category"] == "retention")
    assert retention["new_text"].endswith("durante 3 años.")


def test_the_readable_report_says_what_changed_in_plain_words(capsys):
    case = Path(__file__).parent / "fixtures" / "bench" / "cases" / "en-transfer-add"
    code, out, _ = run_compare(capsys, case / "old.html", case / "new.html")
    assert code == 0
    assert "material change" in out and "Data may now be stored in India" in out
    assert "values: the United States, Canada → the United States, Canada, India" in out


def test_markdown_and_text_files_are_compared_too(capsys, tmp_path):
    old, new = tmp_path / "old.md", tmp_path / "new.txt"
    old.write_text("# Retention\n\nWe keep your data for **two years**.\n", encoding="utf-8")
    new.write_text("Retention\n\nWe keep your data for five years.\n", encoding="utf-8")
    _, out, _ = run_compare(capsys, "--json", old, new)
    change = next(c for c in json.loads(out)["changes"] if c["category"] == "retention")
    assert (change["old_values"], change["new_values"]) == (["P2Y"], ["P5Y"])


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (bytes(range(256)) * 8, "binary"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(capsys, tmp_path, content, message):
    bad = tmp_path / "bad.html"
    if content is not None:
        bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("We keep your data for one year.", encoding="utf-8")
    code, out, err = run_compare(capsys, "--json", bad, good)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1


def test_a_capture_with_no_text_is_compared_as_a_failed_capture_not_an_error(capsys, tmp_path):
    logo, policy = tmp_path / "old.md", tmp_path / "new.md"
    logo.write_text("![Example](https://example.com/logo.svg)\n", encoding="utf-8")
    policy.write_text("# Privacy\n\n" + "We collect your name and email address to run the service. " * 40, encoding="utf-8")
    code, out, _ = run_compare(capsys, "--json", logo, policy)
    result = json.loads(out)
    assert code == 0 and result["material"] is False
    assert any("almost no text" in note for note in result["notes"])


def test_selectors_try_out_what_an_entry_would_watch(capsys, tmp_path):
    page = ("<html><body><div class='offer'><p>Members: we keep your data for {promo}.</p></div>"
            "<div id='policy'><h1>Privacy</h1><p>We keep your data for {policy}.</p></div></body></html>")
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(page.format(promo="1 year", policy="2 years"), encoding="utf-8")
    new.write_text(page.format(promo="5 years", policy="2 years"), encoding="utf-8")

    _, out, _ = run_compare(capsys, "--json", old, new)
    assert json.loads(out)["material"] is True  # the offer box reads as policy text

    for option in (["--remove", ".offer"], ["--select", "#policy"]):
        code, out, _ = run_compare(capsys, "--json", *option, old, new)
        assert code == 0 and json.loads(out)["material"] is False


def test_a_bad_selector_is_a_one_line_error(capsys, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>We keep your data for one year.</p></body></html>", encoding="utf-8")
    code, out, err = run_compare(capsys, "--select", "p[", page, page)
    assert code != 0 and out == ""
    assert err.startswith("error: ") and "invalid CSS selector 'p['" in err and len(err.strip().splitlines()) == 1
