"""Plain-words rendering of normalised facts: ISO durations and country codes for people."""

from __future__ import annotations

import re
from functools import lru_cache

ISO_DURATION = re.compile(
    r"^P(?:(?P<Y>\d+(?:\.\d+)?)Y)?(?:(?P<M>\d+(?:\.\d+)?)M)?(?:(?P<W>\d+(?:\.\d+)?)W)?(?:(?P<D>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<H>\d+(?:\.\d+)?)H)?(?:(?P<MIN>\d+(?:\.\d+)?)M)?)?$"
)
UNIT_DAYS = {"Y": 365.0, "M": 365 / 12, "W": 7.0, "D": 1.0, "H": 1 / 24, "MIN": 1 / 1440}
UNIT_NAMES = {"Y": "year", "M": "month", "W": "week", "D": "day", "H": "hour", "MIN": "minute"}
REGIONS = {"EU": "the EU", "EEA": "the EEA"}
# Countries whose English name takes "the" ("data may now go to the United States").
WITH_ARTICLE = frozenset("US GB NL PH AE BS GM CF DO KM MV MH SB SC CD CG".split())


def duration_days(iso: str) -> float | None:
    """Days in an ISO 8601 duration (a month is a twelfth of a year), None if it is not one."""
    match = ISO_DURATION.match(iso or "")
    if not match or iso == "P":
        return None
    return sum(float(v) * UNIT_DAYS[k] for k, v in match.groupdict().items() if v)


def describe_duration(iso: str) -> str:
    """`P3Y` → "3 years", `P1Y6M` → "1 year 6 months"."""
    match = ISO_DURATION.match(iso or "")
    if not match:
        return iso
    parts = []
    for unit, value in match.groupdict().items():
        if value:
            number = float(value)
            shown = f"{number:g}"
            parts.append(f"{shown} {UNIT_NAMES[unit]}{'' if number == 1 else 's'}")
    return " ".join(parts) or iso


@lru_cache(maxsize=None)
def _territories() -> dict[str, str]:
    from babel import Locale

    return dict(Locale("en").territories)


def describe_place(code: str) -> str:
    """`US` → "the United States", `SG` → "Singapore", `EEA` → "the EEA"."""
    if code in REGIONS:
        return REGIONS[code]
    name = _territories().get(code, code)
    return f"the {name}" if code in WITH_ARTICLE else name


def verb_be(items: list[str] | str) -> str:
    """"is" or "are" for what a summary names: "payment details are kept", "account data is kept"."""
    named = [items] if isinstance(items, str) else [i for i in items if i]
    if len(named) != 1:
        return "are"
    last = named[0].split()[-1] if named[0].split() else ""
    return "are" if last.endswith("s") and not last.endswith(("ss", "us", "is")) else "is"


def join_words(items: list[str], limit: int | None = None) -> str:
    """["a", "b", "c"] → "a, b and c"; with `limit` 2: "a, b and 1 more"."""
    items = [i for i in items if i]
    if not items:
        return "none"
    if limit is not None and len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


@lru_cache(maxsize=1)
def _label_words() -> dict[str, dict[str, str]]:
    import json
    from importlib import resources

    path = resources.files("monitor.analysis").joinpath("lexicons", "label_words.json")
    return json.loads(path.read_text(encoding="utf-8"))


def label_words(label: str) -> str:
    """`recipients:data-brokers` → "data brokers": a label as a reader says it."""
    kind, _, name = label.partition(":")
    return _label_words().get(kind, {}).get(name, name.replace("-", " "))


def value_words(category: str, value: str) -> str:
    """A change's value as a reader says it: `P3Y` → "3 years", `US` → "the United States",
    `recipients:data-brokers` → "data brokers"; e-mails, numbers and addresses as written."""
    if category == "retention" and duration_days(value) is not None:
        return describe_duration(value)
    if category == "transfer" and (value in REGIONS or (len(value) == 2 and value.isupper())):
        return describe_place(value)
    if ":" in value and "@" not in value and value.split(":", 1)[0] in _label_words():
        words = label_words(value.removesuffix(":not"))
        return f"not {words}" if value.endswith(":not") else words
    return value
