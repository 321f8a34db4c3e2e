"""Result types of the material-change analysis, shared by the CLI, the store and the alerts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

CATEGORIES = (
    "retention", "transfer", "sharing", "collection", "purpose", "rights", "children",
    "security", "tracking", "contact", "legal_basis", "policy_changes",
)
from basics.severity import SEVERITIES


@dataclass
class Change:
    """One category of change between two versions, with its evidence."""

    category: str
    material: bool
    severity: str
    summary: str
    old_values: list[str] = field(default_factory=list)
    new_values: list[str] = field(default_factory=list)
    old_text: str = ""
    new_text: str = ""
    rule: str = ""
    section: str = ""

    def values_in_words(self) -> tuple[list[str], list[str]]:
        """(old, new) values as a reader says them: durations and countries in words."""
        from monitor.analysis.describe import value_words

        return ([value_words(self.category, v) for v in self.old_values],
                [value_words(self.category, v) for v in self.new_values])

    def to_json(self) -> dict:
        """CONTRACT.md's change, plus `old_words`/`new_words`: the values in plain words."""
        data = asdict(self)
        data["old_words"], data["new_words"] = self.values_in_words()
        return data


@dataclass
class Comparison:
    """What changed between two versions of a policy, in CONTRACT.md's shape (`to_json`)."""

    material: bool
    language: dict[str, str]
    changes: list[Change] = field(default_factory=list)
    old_date: str | None = None
    new_date: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def severity(self) -> str:
        levels = [SEVERITIES.index(c.severity) for c in self.changes if c.material]
        return SEVERITIES[max(levels)] if levels else "none"

    def to_json(self) -> dict:
        return {
            "material": self.material,
            "severity": self.severity,
            "language": dict(self.language),
            "changes": [c.to_json() for c in self.changes],
            "dates": {"old": self.old_date, "new": self.new_date},
            "notes": list(self.notes),
        }
