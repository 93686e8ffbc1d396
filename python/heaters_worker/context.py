"""What an op gets besides its args: a way to report progress and to log, bound to one request."""
import json
import sys
import time
from typing import Any, Callable


class OpContext:
    def __init__(self, request_id: str, send: Callable[[dict], None]):
        self.request_id = request_id
        self._send = send

    def progress(self, data: dict) -> None:
        """Send {id, type:"progress", data}. Ops throttle themselves; this sends every call."""
        self._send({"id": self.request_id, "type": "progress", "data": data})

    def log(self, level: str, msg: str, **fields: Any) -> None:
        """A JSON line on stderr; the daemon re-logs it through its redacting logger."""
        rec = {"level": level, "msg": msg, "req": self.request_id, "t": time.time(), **fields}
        sys.stderr.write(json.dumps(rec, default=str) + "\n")
        sys.stderr.flush()
