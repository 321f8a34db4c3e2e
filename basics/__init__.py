"""What every layer shares (monitor, alerts and store alike): error types, the timestamp form,
snapshot compression and the check of a user's URL.

It imports nothing of the project, so the lower layers reach it without importing `monitor`.
"""
