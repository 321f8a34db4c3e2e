"""`policy-monitor demo`: the whole product offline, on bundled sample policies, in seconds."""

from __future__ import annotations

import json
import time

from monitor.cli import main


def test_demo_walks_through_noise_retention_and_transfer_changes(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no line of the tour is folded
    folder = tmp_path / "demo"
    started = time.monotonic()
    assert main(["demo", "--dir", str(folder)]) == 0
    elapsed = time.monotonic() - started
    out = capsys.readouterr().out

    assert elapsed < 60
    assert str(folder) in out
    assert "Only noise changed" in out
    assert "Keeps personal data 3 years instead of 1 year" in out
    assert "United States" in out and "Estados Unidos" in out  # the alert and the diff
    assert f"--watchlist {folder / 'watchlist.yaml'}" in out  # what to try next, ready to paste
    assert f"--watchlist {folder / 'watchlist.yaml'} serve" in out
    # Its words match what it shows: outcomes, values and countries as people say them.
    assert "first version" in out and "changed" in out and "new_version" not in out
    assert "(retention: 1 year → 3 years)" in out and "P1Y" not in out
    assert "China, Singapore → China, Singapore, the United States" in out
    assert "tienda and northwind now send personal data to the United States" in out
    assert "magazin    unchanged" in out.split("4. New transfer country")[1]
    # What the demo leaves behind is a normal policy-monitor folder.
    assert (folder / "watchlist.yaml").exists() and (folder / "demo.db").exists()
    alerts = [json.loads(line) for line in (folder / "alerts" / "alerts.jsonl").read_text().splitlines()]
    assert {alert["policy"] for alert in alerts} == {"tienda", "magazin", "northwind"}


def test_demo_json_reports_each_step(tmp_path, capsys):
    assert main(["demo", "--dir", str(tmp_path / "demo"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    first, noise, retention, transfer = summary["steps"]

    assert [o["outcome"] for o in first["outcomes"]] == ["new_version"] * 3
    assert [o["outcome"] for o in noise["outcomes"]] == ["unchanged"] * 3  # tokens, banner, sidebar: no alert
    assert noise["delivered"] == 0

    def material(step: dict, policy: str) -> list[str]:
        outcome = next(o for o in step["outcomes"] if o["policy"] == policy)
        return [c["category"] for c in outcome["changes"] if c["material"]]

    assert material(retention, "tienda") == ["retention"]
    assert material(retention, "magazin") == ["retention"]  # the Russian sample
    assert material(transfer, "tienda") == ["transfer"]
    assert material(transfer, "northwind") == ["transfer"]
    transfer_alerts = [a for a in summary["alerts"] if any(c["category"] == "transfer" for c in a["changes"])]
    assert all("US" in a["changes"][0]["new_values"] for a in transfer_alerts) and len(transfer_alerts) == 2


def test_demo_refuses_a_folder_that_already_holds_a_watchlist(tmp_path, capsys):
    (tmp_path / "watchlist.yaml").write_text("policies: []\n")
    assert main(["demo", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: --dir")
