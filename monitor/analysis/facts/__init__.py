"""Fact extractors: pure functions that read durations, places, contacts (e-mails, phones), ages and dates from clean text.

Each runs on one sentence or clause (or a whole document for `declared_date`). `lang` is an ISO 639-1
code, or None to try every language that has lexicons in ``monitor/analysis/lexicons/facts/``.
"""

from monitor.analysis.facts import ages, contacts, dates, durations, numbers, places
from monitor.analysis.facts.ages import minimum_ages
from monitor.analysis.facts.contacts import Phone, find_emails, find_phone_numbers, find_phones, same_phone
from monitor.analysis.facts.dates import declared_date, find_dates, is_date_line
from monitor.analysis.facts.durations import Duration, find_durations, retention_criteria, retention_periods
from monitor.analysis.facts.numbers import parse_number
from monitor.analysis.facts.places import Place, find_places, transfer_destinations

__all__ = [
    "Duration",
    "Phone",
    "Place",
    "ages",
    "contacts",
    "dates",
    "declared_date",
    "durations",
    "find_dates",
    "find_durations",
    "find_emails",
    "find_phone_numbers",
    "find_phones",
    "find_places",
    "is_date_line",
    "minimum_ages",
    "numbers",
    "parse_number",
    "places",
    "retention_criteria",
    "retention_periods",
    "same_phone",
    "transfer_destinations",
]
