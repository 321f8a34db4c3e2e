"""What every layer shares (monitor, alerts and store alike): error types and the timestamp form.

It imports nothing of the project, so the lower layers reach it without importing `monitor`.
"""
