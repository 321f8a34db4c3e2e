"""The read-only web view (`policy-monitor serve`): pages over the database and Atom feeds."""
