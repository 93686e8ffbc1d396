"""Heaters long-lived Python worker: NDJSON requests on stdin, NDJSON messages on the protocol stream."""
