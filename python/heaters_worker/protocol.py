"""The protocol stream: a private copy of the process's original fd 1.

Importing this module (first thing in __main__) takes fd 1 for the protocol and points fd 1 at stderr,
so a stray print from Python, a C library or a child process lands in the log, never in the protocol.
"""
import json
import os
import sys

_proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(msg: dict) -> None:
    """One JSON message per line; compact separators keep big results small."""
    _proto.write(json.dumps(msg, separators=(",", ":"), default=str) + "\n")
    _proto.flush()


def write_raw(line: str) -> None:
    """Write text as-is to the protocol stream. Only the bad_line test op uses this."""
    _proto.write(line)
    _proto.flush()
