"""policy-monitor: watch privacy policies and report, in plain words, the changes that matter."""

__version__ = "0.1.0"
