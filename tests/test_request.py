"""Per-entry request options and their `${NAME}` secrets: read from the environment when a page
is fetched, sent, and never written to the database, the output or the log."""

from __future__ import annotations

import json
import logging
import time

import pytest

from basics.errors import UsageError
from conftest import policy_page
from monitor.cli import main
from monitor.request import PageRequest, SecretError, page_request
from monitor.watchlist import PolicyEntry
from scripted_site import ScriptedSite

SECRET = "tok-7f3a9c0e-secret"


def entry(**fields) -> PolicyEntry:
    return PolicyEntry.model_validate({"name": "shop", "url": "https://shop.example/privacy", **fields})


def test_secrets_are_read_from_the_environment_when_the_page_is_fetched():
    request = page_request(
        entry(headers={"Authorization": "Bearer ${SHOP_TOKEN}", "Accept-Language": "de"},
              cookies={"session": "${SHOP_SESSION}"}, user_agent="PolicyBot/1.0"),
        environ={"SHOP_TOKEN": SECRET, "SHOP_SESSION": "s355ion"},
    )
    assert request.headers == {"Authorization": f"Bearer {SECRET}", "Accept-Language": "de"}
    assert request.cookies == {"session": "s355ion"} and request.user_agent == "PolicyBot/1.0"
    assert SECRET not in repr(request) and "s355ion" not in repr(request)


def test_a_message_holding_a_secret_names_the_variable_instead():
    request = page_request(entry(headers={"X-Key": "${SHOP_TOKEN}"}), environ={"SHOP_TOKEN": SECRET})
    assert request.redact(f"Illegal header value b'{SECRET}'") == "Illegal header value b'${SHOP_TOKEN}'"
    assert PageRequest().redact("HTTP 500") == "HTTP 500"


@pytest.mark.parametrize("fields, environ, message", [
    ({"headers": {"X-Key": "${SHOP_TOKEN}"}}, {},
     "header 'X-Key' uses ${SHOP_TOKEN}, but the environment variable SHOP_TOKEN is not set"),
    ({"user_agent": "Bot ${BOT_ID}"}, {}, "user_agent uses ${BOT_ID}, but the environment variable BOT_ID is not set"),
    ({"headers": {"X-Key": "${SHOP_TOKEN}"}}, {"SHOP_TOKEN": f"{SECRET}\r\nX-Evil: 1"},
     "header 'X-Key': the environment variable SHOP_TOKEN holds a line break or a control character"),
    ({"cookies": {"session": "${SHOP_TOKEN}"}}, {"SHOP_TOKEN": f"{SECRET}; admin=1"},
     "cookie 'session': its environment variable holds a space, ';', ',', '\"' or '\\'"),
])
def test_an_unusable_secret_is_a_one_line_error_without_its_value(fields, environ, message):
    with pytest.raises(SecretError) as caught:
        page_request(entry(**fields), environ=environ)
    assert str(caught.value) == message and SECRET not in str(caught.value)
    assert isinstance(caught.value, UsageError)


def test_secrets_reach_the_server_but_not_the_database_the_output_or_the_log(policy_server, tmp_watchlist,
                                                                             monkeypatch, capsys, caplog):
    monkeypatch.setenv("SHOP_TOKEN", SECRET)
    policy_server.set("/privacy", policy_page("We keep your account data for 12 months after you close it."))
    policy_server.set("/broken", "oops", status=500)
    path = tmp_watchlist([
        {"name": "shop", "url": policy_server.url("/privacy"), "headers": {"Authorization": "Bearer ${SHOP_TOKEN}"},
         "cookies": {"session": "${SHOP_TOKEN}"}, "user_agent": "PolicyBot ${SHOP_TOKEN}"},
        {"name": "broken", "url": policy_server.url("/broken"), "headers": {"X-Key": "${SHOP_TOKEN}"}},
    ])
    with caplog.at_level(logging.DEBUG):
        assert main(["--watchlist", str(path), "-v", "check", "--json"]) == 1
        checked = capsys.readouterr()
        assert main(["--watchlist", str(path), "list", "--json"]) == 0
        listed = capsys.readouterr()
    sent = policy_server.requests("/privacy")[-1]
    assert (sent["authorization"], sent["cookie"], sent["user-agent"]) == (
        f"Bearer {SECRET}", f"session={SECRET}", f"PolicyBot {SECRET}")
    assert json.loads(checked.out)["checks"][1]["error"] == "HTTP 500"
    assert SECRET not in checked.out + checked.err + listed.out + listed.err + caplog.text
    stored = b"".join(p.read_bytes() for p in path.parent.rglob("*") if p.is_file())
    assert SECRET.encode() not in stored


def test_a_redirect_to_another_origin_does_not_carry_the_entry_s_headers(policy_server, tmp_watchlist, monkeypatch):
    monkeypatch.setenv("SHOP_TOKEN", SECRET)
    other = ScriptedSite()  # another port: another origin
    try:
        policy_server.set("/moved", "", status=302, headers={"Location": other.url("/static/privacy")})
        path = tmp_watchlist([{"name": "shop", "url": policy_server.url("/moved"),
                               "headers": {"X-Api-Key": "${SHOP_TOKEN}", "Accept-Language": "en"}}])
        assert main(["--watchlist", str(path), "check", "--json"]) == 0
        assert policy_server.requests("/moved")[-1]["x-api-key"] == SECRET
        followed = other.requests("/static/privacy")[-1]
        assert "x-api-key" not in followed and "accept-language" not in followed
    finally:
        other.close()


def test_an_entry_s_timeout_bounds_its_request(policy_server, tmp_watchlist, capsys):
    policy_server.set("/slow", policy_page("We keep your data for 1 year."), delay=2.0)
    path = tmp_watchlist([{"name": "slow", "url": policy_server.url("/slow"), "timeout": 0.3}],
                         settings={"timeout": 30})
    started = time.monotonic()
    assert main(["--watchlist", str(path), "check", "--json"]) == 1
    assert time.monotonic() - started < 1.9
    assert json.loads(capsys.readouterr().out)["checks"][0]["error"] == "timed out waiting for the server"
