"""Per-entry request options and their `${NAME}` secrets: read from the environment when a page
is fetched, sent, and never written to the database, the output or the log."""

from __future__ import annotations

import json
import logging

import pytest

from basics.errors import UsageError
from conftest import policy_page
from monitor.cli import main
from monitor.request import PageRequest, SecretError, page_request
from monitor.watchlist import PolicyEntry

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
