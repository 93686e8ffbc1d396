"""Worker entry: python3 -m heaters_worker [--test-ops]

Protocol (ARCHITECTURE.md): one JSON request per line on stdin {id, op, args}; one JSON message per
line on the protocol stream: ready, progress, result, error. Logs are JSON lines on stderr.
"""
# First import: takes the real fd 1 for the protocol and points fd 1 (and sys.stdout) at stderr.
from .protocol import send  # noqa: I001  (must stay first)

import argparse
import json
import os
import signal
import sys
import time
import traceback


def log(level: str, msg: str, **fields) -> None:
    sys.stderr.write(json.dumps({"level": level, "msg": msg, "t": time.time(), **fields}, default=str) + "\n")
    sys.stderr.flush()


def _on_sigterm(_signum, _frame):
    raise SystemExit(0)


def main() -> int:
    parser = argparse.ArgumentParser(prog="heaters_worker")
    parser.add_argument("--test-ops", action="store_true", help="enable ops that exist only for tests")
    opts = parser.parse_args()
    from .lifeline import guard_parent
    guard_parent()
    signal.signal(signal.SIGTERM, _on_sigterm)
    sys.stdin.reconfigure(encoding="utf-8")

    # Eager imports: this is the start-up cost the pool amortizes, paid once per process.
    import cv2
    import numpy
    import yt_dlp.version

    from .context import OpContext
    from .errors import OpError
    from .ops import load_registry

    registry = load_registry(opts.test_ops)
    send({
        "type": "ready",
        "pid": os.getpid(),
        "versions": {
            "python": sys.version.split()[0],
            "cv2": cv2.__version__,
            "numpy": numpy.__version__,
            "yt_dlp": yt_dlp.version.__version__,
        },
        "ops": sorted(registry),
    })

    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req_id = None
        try:
            req = json.loads(line)
            if not isinstance(req, dict) or not isinstance(req.get("id"), str) or not isinstance(req.get("op"), str):
                raise OpError("bad_request", "request must be an object with string id and op")
            req_id = req["id"]
            mod = registry.get(req["op"])
            if mod is None:
                raise OpError("unknown_op", f"unknown op: {req['op']}")
            args = req.get("args") or {}
            if not isinstance(args, dict):
                raise OpError("bad_request", "args must be an object")
            data = mod.run(args, OpContext(req_id, send))
            send({"id": req_id, "type": "result", "data": data})
        except OpError as e:
            send({"id": req_id, "type": "error", "error": {"code": e.code, "message": e.message}})
        except json.JSONDecodeError as e:
            send({"id": None, "type": "error", "error": {"code": "bad_request", "message": f"invalid JSON: {e}"}})
        except Exception as e:  # an op bug must not take the worker down
            log("error", "op raised", req=req_id, error=repr(e), stack=traceback.format_exc())
            send({"id": req_id, "type": "error", "error": {"code": "internal", "message": f"{type(e).__name__}: {e}"}})
    return 0  # stdin EOF: the supervisor is done with us


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
